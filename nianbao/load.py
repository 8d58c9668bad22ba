"""`nianbao bench load`: a bounded loopback load run against the real app (issue 11).

The app is started as a subprocess (`nianbao serve`) on a free 127.0.0.1 port over a temporary index: a copy of
`--index` when that directory holds one, else one the app builds from `--corpus` on start. Nothing but 127.0.0.1 is
contacted, every request has a timeout, and the server is stopped (and the temporary index removed) at the end.

Two phases of `seconds` each:
- **baseline**: `users` simulated users (threads, one gradio_client session each) ask ordinary questions in a loop
  through the chat API (`api_name="/chat"`);
- **loaded**: the same, while one more user keeps asking a 5,000-character question through the same API and
  another keeps uploading a ~20 MB file the way the browser does (Gradio's upload route, then the upload tab's
  event). The file is generated, not a report: the app may refuse it; that is fine, it must not slow the others.

The report gives per user class (ordinary / long / upload) the count, errors and p50/p95 latency of each phase,
and the ratio of ordinary p95 loaded / baseline (issue 11 asks for ≤ 2 with 0 errors).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nianbao.serving import free_port, stop

ORDINARY, LONG, UPLOAD = "ordinary", "long", "upload"
CLASSES = (ORDINARY, LONG, UPLOAD)
LONG_QUESTION_CHARS = 5000
UPLOAD_BYTES = 20_000_000  # ~20 MB, just under the app's 20 MiB cap so the file reaches the server's own checks
REQUEST_TIMEOUT = 120.0  # seconds for one question or one upload; a request over it counts as an error
MAX_REQUESTS_PER_USER = 5000  # a bound on traffic even if answers come back instantly
START_TIMEOUT = 600.0  # seconds for the server to build its index and answer its first page
FAILED_PREFIX = "出错了"  # the app's message when answering failed (app.FAILED_ANSWER)

# Used when eval/gold.jsonl cannot be read: ordinary questions about the shipped samples.
FALLBACK_QUESTIONS = [
    "2021年哪些乡镇没有收到政府信息公开申请？",
    "侯家镇2021年通过微信公众号发布了多少条信息？",
    "辉渠镇2020年主动公开规范性文件多少件？",
    "米山镇2022年收到政府信息公开申请多少件？",
    "白奎镇2021年存在哪些主要问题？",
]


# ---------------------------------------------------------------- aggregation (pure; unit-tested)
@dataclass
class Sample:
    """One request: its user class, how long it took (seconds), and whether it failed (with why)."""

    kind: str
    seconds: float
    error: str | None = None


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def summarize(samples: Iterable[Sample]) -> dict[str, dict]:
    """Per user class: requests, errors, p50/p95/max latency in ms (over successful requests), first errors."""
    by_kind: dict[str, list[Sample]] = {}
    for s in samples:
        by_kind.setdefault(s.kind, []).append(s)
    out = {}
    for kind, items in by_kind.items():
        ok = [s.seconds for s in items if s.error is None]
        errors = [s.error for s in items if s.error is not None]
        out[kind] = {
            "count": len(items),
            "errors": len(errors),
            "p50_ms": _ms(percentile(ok, 50)),
            "p95_ms": _ms(percentile(ok, 95)),
            "max_ms": _ms(max(ok) if ok else None),
            "first_errors": sorted(set(errors))[:3],
        }
    return out


def build_report(baseline: list[Sample], loaded: list[Sample], **context) -> dict:
    """The JSON report: both phases per class, total errors, and ordinary p95 loaded / baseline."""
    base, load = summarize(baseline), summarize(loaded)
    base_p95 = (base.get(ORDINARY) or {}).get("p95_ms")
    load_p95 = (load.get(ORDINARY) or {}).get("p95_ms")
    ratio = round(load_p95 / base_p95, 2) if base_p95 and load_p95 is not None else None
    errors = sum(c["errors"] for c in base.values()) + sum(c["errors"] for c in load.values())
    return {
        **context,
        "errors": errors,
        "baseline": base,
        "loaded": load,
        "ordinary_p95_baseline_ms": base_p95,
        "ordinary_p95_loaded_ms": load_p95,
        "ordinary_p95_ratio": ratio,
        "target": "0 errors and ordinary p95 loaded <= 2 x baseline",
        "met": errors == 0 and ratio is not None and ratio <= 2.0,
    }


# ---------------------------------------------------------------- inputs
def ordinary_questions(gold: Path | None = None) -> list[str]:
    """Stand-alone questions of the gold set (follow-ups like “那2020年呢？” need a previous turn: left out)."""
    from nianbao.config import EVAL_DIR

    path = gold or EVAL_DIR / "gold.jsonl"
    questions = []
    with contextlib.suppress(OSError, ValueError):
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line).get("question", "") if line.strip() else ""
            if len(q) >= 8 and not q.startswith(("那", "它", "其")):
                questions.append(q)
    return questions or list(FALLBACK_QUESTIONS)


def long_question(chars: int = LONG_QUESTION_CHARS) -> str:
    """A question of exactly `chars` characters: a real question after a long preamble of report-like prose."""
    ask = "侯家镇2021年通过微信公众号发布了多少条信息？"
    filler = "本镇认真贯彻落实政府信息公开条例，通过政府网站和微信公众号及时发布信息，加强政策解读和回应关切。"
    body = (filler * (chars // len(filler) + 1))[: chars - len(ask)]
    return body + ask


def write_upload_file(path: Path, size: int = UPLOAD_BYTES) -> Path:
    """A ~`size`-byte UTF-8 .txt of ordinary Chinese prose that is not an annual report (written in 1 MB pieces)."""
    line = "这是一份用于压力测试的普通文本，不是政府信息公开工作年度报告。第{n}行。\n"
    with path.open("w", encoding="utf-8") as out:
        written, n = 0, 0
        while written < size:
            piece = "".join(line.format(n=n + i) for i in range(5000))
            data = piece.encode("utf-8")[: size - written]
            text = data.decode("utf-8", errors="ignore")
            out.write(text)
            written += len(text.encode("utf-8"))
            n += 5000
            if not text:
                break
    return path


# ---------------------------------------------------------------- the server

@contextlib.contextmanager
def running_server(index_dir: Path | None, corpus_dir: Path, workdir: Path, say: Callable[[str], None]):
    """`nianbao serve` on a free loopback port over a temporary index; yields its URL; stops it at the end."""
    import httpx

    index = workdir / "index"
    if index_dir is not None and Path(index_dir).is_dir() and any(Path(index_dir).iterdir()):
        shutil.copytree(index_dir, index, ignore=shutil.ignore_patterns("write.lock"))
        say(f"index: a copy of {index_dir}")
    else:
        say(f"index: built by the app from {corpus_dir}")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (workdir / "server.log").open("w", encoding="utf-8")
    cmd = [sys.executable, "-m", "nianbao.cli", "serve", "--index", str(index), "--corpus", str(corpus_dir),
           "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}; see {workdir / 'server.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "config", timeout=5, trust_env=False).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"the app did not answer on {url} within {START_TIMEOUT:.0f} s")
            time.sleep(0.5)
        say(f"app up on {url}")
        yield url
    finally:
        stop(proc)
        log.close()


# ---------------------------------------------------------------- the users
def _answer_error(answer) -> str | None:
    if not isinstance(answer, str) or not answer.strip():
        return f"empty or non-text answer: {type(answer).__name__}"
    if answer.startswith(FAILED_PREFIX):
        return "the app's failure message"
    return None


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False, httpx_kwargs={"trust_env": False})


def _failure(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {str(exc)[:120]}"


def _ask(client, question: str) -> str | None:
    """One chat request; None on success, else why it failed."""
    try:
        answer = client.submit(question, api_name="/chat").result(timeout=REQUEST_TIMEOUT)
    except Exception as exc:  # noqa: BLE001  (every failure is counted, none stops the run)
        return _failure(exc)
    return _answer_error(answer)


def question_user(url: str, kind: str, questions: list[str], until: float, samples: list, lock, seed: int) -> None:
    rng = random.Random(seed)
    try:
        client = _client(url)
    except Exception as exc:  # noqa: BLE001
        with lock:
            samples.append(Sample(kind, 0.0, "connect: " + _failure(exc)))
        return
    for _ in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() >= until:
            break
        question = rng.choice(questions)
        started = time.perf_counter()
        error = _ask(client, question)
        with lock:
            samples.append(Sample(kind, time.perf_counter() - started, error))
    with contextlib.suppress(Exception):
        client.close()


def _upload_fn_index(config: dict) -> int:
    """The upload tab's event: the backend function whose input is the upload component (elem_id nb-upload, or
    else the only file component)."""
    comps = config.get("components", [])
    files = {c["id"] for c in comps if (c.get("props") or {}).get("elem_id") == "nb-upload"}
    files = files or {c["id"] for c in comps if c.get("type") == "file"}
    for i, dep in enumerate(config.get("dependencies", [])):
        if dep.get("backend_fn", True) and set(dep.get("inputs", [])) & files:
            return dep.get("id", i)
    raise LookupError("no upload event in the app's config")


def upload_once(http, url: str, path: Path, fn_index: int) -> tuple[str | None, str]:
    """Upload `path` as the browser does (POST the file, then run the upload event through the queue); returns
    (error or None, the app's reply)."""
    with path.open("rb") as f:
        r = http.post(url + "gradio_api/upload", files={"files": (path.name, f, "text/plain")})
    if r.status_code != 200:
        # a refusal by the upload route (over the size cap) is an answer, not a failure of the app
        return (
            (None, f"upload route {r.status_code}: {r.text[:200]}")
            if r.status_code in (400, 413)
            else (f"upload route {r.status_code}", r.text[:200])
        )
    server_path = r.json()[0]
    file_data = {"path": server_path, "orig_name": path.name, "size": path.stat().st_size,
                 "mime_type": "text/plain", "meta": {"_type": "gradio.FileData"}}  # fmt: skip
    session = uuid.uuid4().hex[:11]
    join = http.post(url + "gradio_api/queue/join",
                     json={"data": [[file_data]], "fn_index": fn_index, "session_hash": session, "event_data": None,
                           "trigger_id": None})  # fmt: skip
    if join.status_code != 200:
        return f"queue/join {join.status_code}: {join.text[:200]}", ""
    with http.stream("GET", url + "gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            if msg.get("msg") == "process_completed":
                if not msg.get("success", False):
                    return f"upload event failed: {str(msg.get('output'))[:200]}", ""
                data = (msg.get("output") or {}).get("data") or [""]
                return None, str(data[0])[:300]
    return "upload event: stream ended without a result", ""


def upload_user(url: str, path: Path, until: float, samples: list, replies: list, lock) -> None:
    import httpx

    timeout = httpx.Timeout(REQUEST_TIMEOUT, connect=10.0)
    with httpx.Client(timeout=timeout, trust_env=False) as http:
        try:
            fn_index = _upload_fn_index(http.get(url + "config").json())
        except Exception as exc:  # noqa: BLE001
            with lock:
                samples.append(Sample(UPLOAD, 0.0, "config: " + _failure(exc)))
            return
        for _ in range(MAX_REQUESTS_PER_USER):
            if time.monotonic() >= until:
                break
            started = time.perf_counter()
            try:
                error, reply = upload_once(http, url, path, fn_index)
            except Exception as exc:  # noqa: BLE001
                error, reply = _failure(exc), ""
            with lock:
                samples.append(Sample(UPLOAD, time.perf_counter() - started, error))
                if reply and reply not in replies:
                    replies.append(reply)


def run_phase(url: str, users: int, seconds: float, *, loaded: bool, questions: list[str], upload: Path | None,
              replies: list, seed: int = 0) -> list[Sample]:  # fmt: skip
    """One phase: `users` ordinary users for `seconds` (plus, when `loaded`, the long asker and the uploader)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=question_user, args=(url, ORDINARY, questions, until, samples, lock, seed + i))
        for i in range(users)
    ]
    if loaded:
        threads.append(
            threading.Thread(target=question_user, args=(url, LONG, [long_question()], until, samples, lock, seed))
        )
        if upload is not None:
            threads.append(threading.Thread(target=upload_user, args=(url, upload, until, samples, replies, lock)))
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:  # a thread ends at `until` after its request in flight (itself bounded by REQUEST_TIMEOUT)
        t.join(timeout=seconds + REQUEST_TIMEOUT + 60)
    with lock:
        return list(samples)


def load_bench(
    config, *, corpus_dir: Path, users: int = 20, seconds: float = 60.0, say: Callable[[str], None] | None = None
) -> dict:
    """The whole run: start the app, the baseline phase, the loaded phase, the report."""
    say = say or (lambda m: print(m, file=sys.stderr, flush=True))
    for var in ("NO_PROXY", "no_proxy"):  # loopback traffic never goes through a proxy
        os.environ[var] = ",".join(x for x in (os.environ.get(var), "127.0.0.1", "localhost") if x)
    questions = ordinary_questions()
    index_dir = getattr(config, "index_dir", None)
    with tempfile.TemporaryDirectory(prefix="nianbao-load-") as tmp:
        work = Path(tmp)
        upload = write_upload_file(work / "load-20mb.txt")
        replies: list[str] = []
        with running_server(index_dir, Path(corpus_dir), work, say) as url:
            with contextlib.suppress(Exception):  # one question first: the first answer warms caches
                _ask(_client(url), questions[0])
            say(f"baseline: {users} users × {seconds:.0f} s")
            baseline = run_phase(url, users, seconds, loaded=False, questions=questions, upload=None, replies=replies)
            say(f"loaded: {users} users + one {LONG_QUESTION_CHARS}-character asker + one uploader × {seconds:.0f} s")
            loaded = run_phase(url, users, seconds, loaded=True, questions=questions, upload=upload, replies=replies,
                               seed=1000)  # fmt: skip
        return build_report(
            baseline,
            loaded,
            users=users,
            seconds=seconds,
            url="http://127.0.0.1 (free port)",
            index=str(index_dir) if index_dir and Path(index_dir).is_dir() else f"built from {corpus_dir}",
            ordinary_questions=len(questions),
            long_question_chars=LONG_QUESTION_CHARS,
            upload_bytes=upload.stat().st_size if upload.exists() else UPLOAD_BYTES,
            upload_replies=replies[:3],
            request_timeout_s=REQUEST_TIMEOUT,
            cpu_count=os.cpu_count(),
        )
