"""Bounds on untrusted files and on writers of one index.

Every limit the ingest enforces is a named constant here, with why it is that size.

- `unpack_zip` reads a zip-based file (.docx) member by member with its own bounded inflater: the member count, each
  member's declared size, the total, the compression ratio, and the bytes actually inflated (which must not pass the
  declared size) are checked before and while reading, so a zip bomb costs a few MB and milliseconds to refuse.
- `ParseWorker` reads and parses one file at a time in a child process under an address-space limit
  (`RLIMIT_AS`) and a wall-clock limit; a child that overruns is killed and the file refused, the batch goes on.
- `index_lock` holds an exclusive `flock` on a lock file in the index directory for the length of an ingest or a
  removal; a second writer waits (bounded) and then fails naming the holder's pid.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from indexing.models import ReadError

# ---------------------------------------------------------------- the limits (one place)
MiB = 1024 * 1024
# Packed size of one file. Real annual reports are well under 5 MB (a scanned-free PDF of 30 pages is ~1 MB); 20 MB
# leaves room for reports with many images and is small enough to hold in memory.
MAX_FILE_BYTES = 20 * MiB
# Parts in one zip package. A real .docx has 10–60 parts (one more per image); thousands of members only cost
# central-directory parsing and are a known attack.
ZIP_MAX_MEMBERS = 1000
# Unpacked size of one part. The document.xml of the longest real report is a few MB; an image is stored, not
# deflated, so it is at most the 20 MB packed limit. lxml needs ~10× a part's size to parse it.
ZIP_MAX_MEMBER_BYTES = 32 * MiB
# Unpacked size of all parts together: the sum of the above for any real file stays far below.
ZIP_MAX_TOTAL_BYTES = 64 * MiB
# Unpacked ÷ packed size of a part. Word's XML deflates 5–20×; a bomb (one character repeated) 1,000×. Parts
# smaller than the floor are not judged by ratio: they are cheap whatever their ratio.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1 * MiB
# Inflate this much at a time: the most memory one step of reading a member may take.
ZIP_CHUNK = 1 * MiB
# Wall-clock seconds to read and parse one file. A long real PDF parses in a few seconds on a loaded machine;
# a file still parsing after a minute is pathological and would block the batch (and the app's upload) behind it.
PARSE_SECONDS = 60.0
# Memory the parse worker may take on top of what it holds after start-up (RLIMIT_AS, address space). Parsing a
# real report needs tens of MB (a 20 MB PDF a few hundred); beyond this the file is refused, not the machine swapped.
PARSE_MEMORY_BYTES = 768 * MiB
# Seconds a second ingest/removal waits for the one holding the index before giving up and naming it.
LOCK_WAIT_SECONDS = 30.0
# Seconds a new parse worker may take to import the parser before it is counted as failed.
WORKER_START_SECONDS = 120.0

LOCK_FILE = "write.lock"
PARSE_DELAY_ENV = "NIANBAO_TEST_PARSE_DELAY"  # "<name substring>:<seconds>": tests make one file's parse slow


def human_size(n: float) -> str:
    if n >= 100 * 1024:
        return f"{n / MiB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{int(n)} 字节"


# ---------------------------------------------------------------- zip packages
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # signature … file name length, extra field length
_STORED, _DEFLATED = 0, 8


def unpack_zip(data: bytes, source: str) -> dict[str, bytes]:
    """Every member of a zip package, read within the limits above; raises ReadError(source, reason) naming the
    member and the limit it passes. Nothing is inflated past a member's declared size or past the limits."""

    def refuse(reason: str) -> ReadError:
        return ReadError(source, f"压缩包超出安全上限：{reason}；已拒绝读取")

    # Count central-directory entries before zipfile builds an object for each: a count of their signature is an
    # upper bound that costs one pass over the (≤ 20 MB) bytes.
    if data.count(b"PK\x01\x02") > ZIP_MAX_MEMBERS:
        raise refuse(f"成员超过 {ZIP_MAX_MEMBERS} 个")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(source, "不是有效的 .docx 文件（压缩包损坏）") from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise refuse(f"成员超过 {ZIP_MAX_MEMBERS} 个")
    declared_total = 0
    for info in infos:
        name = info.filename
        declared_total += info.file_size
        if info.file_size > ZIP_MAX_MEMBER_BYTES:
            shown, cap = human_size(info.file_size), human_size(ZIP_MAX_MEMBER_BYTES)
            raise refuse(f"成员 {name} 解压后 {shown}，单个成员上限 {cap}")
        if declared_total > ZIP_MAX_TOTAL_BYTES:
            raise refuse(f"解压后合计超过 {human_size(ZIP_MAX_TOTAL_BYTES)}")
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refuse(f"成员 {name} 压缩比 {ratio:.0f}:1，上限 {ZIP_MAX_RATIO}:1")
        if info.flag_bits & 0x1:
            raise ReadError(source, f"压缩包成员 {name} 已加密，无法读取")
    members: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        body = _member_bytes(data, info, source, refuse)
        total += len(body)
        if total > ZIP_MAX_TOTAL_BYTES:  # unreachable while each member is held to its declared size; kept as a bound
            raise refuse(f"解压后合计超过 {human_size(ZIP_MAX_TOTAL_BYTES)}")
        members[info.filename] = body
    return members


def _member_bytes(data: bytes, info: zipfile.ZipInfo, source: str, refuse) -> bytes:
    name = info.filename
    damaged = ReadError(source, f"不是有效的 .docx 文件（压缩包成员 {name} 损坏）")
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise damaged
    fields = _LOCAL_HEADER.unpack(header)
    begin = start + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    raw = data[begin : begin + info.compress_size]
    if len(raw) < info.compress_size:
        raise damaged
    limit = min(info.file_size, ZIP_MAX_MEMBER_BYTES)
    lie = refuse(f"成员 {name} 实际解压超过其声明的 {human_size(info.file_size)}")
    if info.compress_type == _STORED:
        if len(raw) != info.file_size:
            raise lie if len(raw) > info.file_size else damaged
        body = raw
    elif info.compress_type == _DEFLATED:
        inflater = zlib.decompressobj(-15)
        parts: list[bytes] = []
        got = 0
        pending = raw
        try:
            while pending and not inflater.eof:
                # At most one byte past the limit per step: enough to see a member grow past what it declared.
                chunk = inflater.decompress(pending, min(ZIP_CHUNK, limit - got + 1))
                pending = inflater.unconsumed_tail
                got += len(chunk)
                if got > limit:
                    raise lie
                parts.append(chunk)
                if not chunk and not pending:
                    break
        except zlib.error as exc:
            raise damaged from exc
        body = b"".join(parts)
        if len(body) != info.file_size or not inflater.eof:
            raise damaged
    else:
        raise ReadError(source, f"压缩包成员 {name} 用了不支持的压缩方式（{info.compress_type}）")
    if zlib.crc32(body) != info.CRC:
        raise damaged
    return body


def repack_stored(members: dict[str, bytes]) -> bytes:
    """The checked members as a new zip with nothing to inflate: what a library reads from it is exactly them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        for name, body in members.items():
            package.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


# ---------------------------------------------------------------- the parse worker
class WorkerFailed(Exception):
    """The worker process could not be started or died outside a file's parse."""


class ParserCrash(Exception):
    """The parser raised something other than ReadError on one file (a parser bug); the text names its class."""


def _read_exact(stream, n: int) -> bytes:
    out = b""
    while len(out) < n:
        part = stream.read(n - len(out))
        if not part:
            raise EOFError
        out += part
    return out


class ParseWorker:
    """A child Python process that reads and parses files (indexing.parser.parse_file) one at a time.

    It is started with `python -m indexing.guard` (not multiprocessing's spawn, which would re-import the caller's
    main module — the whole app), imports the parser, then limits its own address space to what it holds plus
    `memory_bytes`. Requests and answers are pickles over its stdin/stdout; its stderr is the caller's."""

    def __init__(self, memory_bytes: int = PARSE_MEMORY_BYTES):
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.memory_bytes = memory_bytes
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "indexing.guard", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered: select() on the pipe then sees every byte not yet read
            cwd=root,
            env=env,
        )
        self.ready = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _receive(self, seconds: float):
        """One answer from the child, or None when `seconds` pass first; EOFError when the child is gone."""
        stdout = self.proc.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], max(seconds, 0.0))
        if not ready:
            return None
        (size,) = struct.unpack("<I", _read_exact(stdout, 4))
        try:
            return pickle.loads(_read_exact(stdout, size))
        except EOFError:
            raise
        except Exception as exc:  # noqa: BLE001  (an answer that does not unpickle is a broken worker)
            raise EOFError from exc

    def _start(self) -> None:
        if self.ready:
            return
        try:
            answer = self._receive(WORKER_START_SECONDS)
        except EOFError:
            answer = None
        if answer != ("ready",):
            self.kill()
            raise WorkerFailed(f"解析子进程未能启动（退出码 {self.proc.returncode}）")
        self.ready = True

    def _ask(self, request: tuple, seconds: float):
        """Send one request to the child and wait up to `seconds` for its answer (None when time runs out)."""
        self._start()
        body = pickle.dumps(request)
        assert self.proc.stdin is not None
        self.proc.stdin.write(struct.pack("<I", len(body)) + body)
        self.proc.stdin.flush()
        return self._receive(seconds)

    def parse(self, path: Path, hints=None, *, seconds: float = PARSE_SECONDS, delay: float = 0.0):
        """The Report of `path`; raises ReadError(file name, reason) for a file that is not one or passes a limit
        (the worker is then killed), or the parser's own exception (re-raised here) for a parser bug."""
        source = Path(path).name
        try:
            answer = self._ask(("parse", str(path), hints, delay), seconds)
        except (BrokenPipeError, EOFError, OSError):
            self.kill()
            raise ReadError(source, self._death_reason()) from None
        if answer is None:
            self.kill()
            raise ReadError(source, f"解析超时（超过每个文件 {seconds:g} 秒的上限），已中止")
        kind, *rest = answer
        if kind == "ok":
            return rest[0]
        if kind == "refused":
            raise ReadError(rest[0], rest[1])
        if kind == "memory":
            self.kill()  # a process that hit its limit is not trusted with the next file
            raise ReadError(source, f"解析所需内存超过上限（{human_size(self.memory_bytes)}），已中止")
        raise ParserCrash(str(rest[0]))

    def tokenize(self, texts: list[str], *, seconds: float = PARSE_SECONDS) -> list[str] | None:
        """Each text's lexical tokens (indexing.retrieve.lexical_tokens), computed in the worker so an ingest's
        writer does not spend its own core on jieba; None when the worker fails at it (the caller tokenizes)."""
        try:
            answer = self._ask(("tokenize", list(texts)), seconds)
        except (BrokenPipeError, EOFError, OSError):
            self.kill()
            return None
        if answer is None or answer[0] != "ok":
            self.kill()
            return None
        return answer[1]

    def _death_reason(self) -> str:
        code = self.proc.poll()
        if code is not None and code < 0:
            return f"解析进程被信号 {-code} 终止（可能超出内存上限 {human_size(self.memory_bytes)}）"
        return f"解析进程意外退出（退出码 {code}）"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(Exception):
                stream.close()
        self.ready = False

    def close(self) -> None:
        """Ask the worker to exit (end of its input), then make sure it has."""
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.kill()


_idle: list[ParseWorker] = []
_idle_lock = threading.Lock()


@contextlib.contextmanager
def parse_worker(memory_bytes: int = PARSE_MEMORY_BYTES) -> Iterator[ParseWorker]:
    """A worker for one ingest: an idle one from an earlier ingest of this process when there is one (start-up
    costs about a second), else a new one; handed back afterwards when it is still alive."""
    worker = None
    with _idle_lock:
        while _idle and worker is None:
            candidate = _idle.pop()
            if candidate.alive() and candidate.memory_bytes == memory_bytes:
                worker = candidate
            else:
                candidate.kill()
    holder = [worker or ParseWorker(memory_bytes)]
    try:
        yield _Respawning(holder)
    finally:
        current = holder[0]
        if current.alive():
            with _idle_lock:
                _idle.append(current)


class _Respawning:
    """A worker that replaces itself after one was killed (a timeout, a memory overrun), so the batch goes on."""

    def __init__(self, holder: list[ParseWorker]):
        self._holder = holder

    @property
    def pid(self) -> int:
        return self._holder[0].pid

    def _live(self) -> ParseWorker:
        if not self._holder[0].alive():
            self._holder[0] = ParseWorker(self._holder[0].memory_bytes)
        return self._holder[0]

    def parse(self, path: Path, hints=None, *, seconds: float = PARSE_SECONDS, delay: float = 0.0):
        return self._live().parse(path, hints, seconds=seconds, delay=delay)

    def tokenize(self, texts: list[str], *, seconds: float = PARSE_SECONDS) -> list[str] | None:
        return self._live().tokenize(texts, seconds=seconds)


def _shutdown_idle() -> None:
    with _idle_lock:
        while _idle:
            _idle.pop().close()


atexit.register(_shutdown_idle)


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker_main(memory_bytes: int) -> None:
    """The child's loop: read a request, answer it; exit at the end of input."""
    import resource

    requests = os.fdopen(os.dup(sys.stdin.fileno()), "rb", buffering=0)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the answers

    def send(obj) -> None:
        try:
            body = pickle.dumps(obj)
        except Exception as exc:  # noqa: BLE001  (an unpicklable result still gets an answer)
            body = pickle.dumps(("crash", f"{type(exc).__name__}: {exc}"))
        answers.write(struct.pack("<I", len(body)) + body)
        answers.flush()

    # Warm the lazily imported readers, so what they map does not count against the limit.
    import bs4  # noqa: F401
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401

    import nianbao  # noqa: F401  (pins the process offline, as every entry point does)
    from indexing.parser import parse_file
    from indexing.retrieve import lexical_tokens

    lexical_tokens("政府信息公开")  # jieba's dictionary loads now, outside the memory limit

    if memory_bytes > 0:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    send(("ready",))
    while True:
        try:
            (size,) = struct.unpack("<I", _read_exact(requests, 4))
            kind, *request = pickle.loads(_read_exact(requests, size))
        except EOFError:
            return
        if kind == "tokenize":
            try:
                send(("ok", [lexical_tokens(t) for t in request[0]]))
            except MemoryError:
                send(("memory",))
                return
            except Exception as exc:  # noqa: BLE001  (the parent tokenizes itself then)
                send(("crash", f"{type(exc).__name__}: {exc}"))
            continue
        path, hints, delay = request
        try:
            if delay:
                time.sleep(delay)
            send(("ok", parse_file(Path(path), hints)))
        except ReadError as exc:
            if _caused_by_memory(exc):  # a reader that wrapped the MemoryError it met
                send(("memory",))
                return
            send(("refused", exc.source, exc.reason))
        except MemoryError:
            send(("memory",))
            return
        except Exception as exc:  # noqa: BLE001  (the parent reports a parser bug for this file only)
            send(("crash", f"{type(exc).__name__}: {exc}"))


def _caused_by_memory(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def parse_delay(name: str) -> float:
    """The test hook PARSE_DELAY_ENV: seconds to sleep before parsing a file whose name holds the substring."""
    spec = os.environ.get(PARSE_DELAY_ENV, "")
    if ":" not in spec:
        return 0.0
    needle, seconds = spec.rsplit(":", 1)
    try:
        return float(seconds) if needle and needle in name else 0.0
    except ValueError:
        return 0.0


# ---------------------------------------------------------------- the index lock
class IndexBusy(RuntimeError):
    """Another process (or thread) is writing the index; the message names its pid."""


_held = threading.local()


@contextlib.contextmanager
def index_lock(index_dir: Path, *, wait: float | None = None, say=None, what: str = "写入") -> Iterator[None]:
    """Hold the index directory's write lock (an exclusive flock on `index_dir/write.lock`) while the block runs.

    Re-entrant within one thread. A second writer polls for up to `wait` seconds (LOCK_WAIT_SECONDS by default;
    telling `say` once whom it waits for), then raises IndexBusy naming the holder. The lock goes with the process:
    a killed ingest leaves none."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    index_dir = Path(index_dir)
    key = str(index_dir.resolve())
    held = getattr(_held, "dirs", None)
    if held is None:
        held = _held.dirs = {}
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            holder = _holder(path)
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"索引 {index_dir} 正被另一个进程{what}（{holder}），等待 {wait:g} 秒后仍未释放；请等它结束后再试"
                )
            if not told and say is not None:
                say(f"索引正被另一个进程{what}（{holder}），等待它结束…")
                told = True
            time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} {what} {' '.join(sys.argv[:3])}\n".encode(), 0)
        held[key] = 1
        try:
            yield
        finally:
            held.pop(key, None)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "pid 未知"


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]) if len(sys.argv) > 1 else PARSE_MEMORY_BYTES)
