"""The index checks its own files: at open (`check_at_open`), on demand (`diagnose`, `nianbao doctor`) and when asked
to mend them (`repair`, `nianbao repair`).

What each file is, and what its damage means:
  chroma/chroma.sqlite3   the store: the report records and the chunks (text, metadata, vectors' log). Damaged →
                          `IndexDamaged` at open, never replaced. A missing or empty file next to what an ingest
                          leaves behind (Chroma's segment folders, a BM25 table that counted chunks) is damage too,
                          not an empty index.
  chroma/<uuid>/          Chroma's vector segments (rebuilt by `repair` from the records).
  embeddings.sqlite       only a cache: a damaged one is dropped at open and rebuilt as passages are embedded.
  lexical.sqlite          SQLite FTS5 over jieba tokens, derived from the records: one found damaged at open is moved
                          under `damaged/` and filled in again from the records (so is one `repair` finds damaged).
  bm25/                   the lexical index of earlier versions: converted to lexical.sqlite at first use, then removed.
  pending.json            crash-recovery list of report_ids being written.
  corrections.json        identity corrections a person made; `repair` rebuilds it from the records' `corrections`.

`repair` never deletes: every damaged file or folder it replaces is moved under `damaged/<time>/` in the index folder.
This module imports nothing heavy at load (the CLI catches `IndexDamaged` without loading Chroma).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CHROMA_DIR = "chroma"
CHROMA_FILE = "chroma.sqlite3"
CACHE_FILE = "embeddings.sqlite"
BM25_DIR = "bm25"
LEXICAL_FILE = "lexical.sqlite"
LEXICAL_TABLES = ("reports", "report_names", "chunks", "chunk_tokens")  # = indexing.retrieve.LEXICAL_TABLES
PENDING_FILE = "pending.json"
CORRECTIONS_FILE = "corrections.json"
DAMAGED_DIR = "damaged"
CHROMA_TABLES = ("collections", "segments", "embeddings", "embedding_metadata")
RECORDS_COLLECTION = "nianbao_records"  # = indexing.store.RECORDS (kept here so this module stays light)
SQLITE_MAGIC = b"SQLite format 3\x00"
MISSING = "文件不存在 / missing"
EMPTY = "文件为空（0 字节）/ empty (0 bytes)"
MISSING_TABLES = "缺少表 / missing tables: "


class IndexDamaged(RuntimeError):
    """A store file of the index is damaged; the message names the file and the way out (doctor, repair, ingest)."""

    def __init__(self, path: Path | str, reason: str, index_dir: Path | str | None = None) -> None:
        self.path = Path(path) if not str(path).startswith(("http://", "https://")) else path
        self.reason = reason
        self.index_dir = Path(index_dir) if index_dir is not None else None
        super().__init__(str(self))

    def __str__(self) -> str:
        flag = f" --index {self.index_dir}" if self.index_dir is not None else ""
        return (
            f"索引已损坏：{self.path}（{self.reason}）。未作任何替换。"
            f"请运行 `nianbao doctor{flag}` 检查，`nianbao repair{flag}` 用已存的报告记录重建"
            f"（损坏的文件会被移到索引目录的 {DAMAGED_DIR}/ 下），或重新导入源文件（nianbao ingest）。\n"
            f"Index damaged: {self.path} ({self.reason}). Nothing was replaced. "
            f"Run `nianbao doctor{flag}` to check, `nianbao repair{flag}` to rebuild from the stored records "
            f"(damaged files are moved under {DAMAGED_DIR}/ in the index folder), or re-ingest the source files."
        )


# ---------------------------------------------------------------- single-file checks
def sqlite_problem(path: Path, tables: tuple[str, ...] = ()) -> str | None:
    """Why the SQLite file at `path` is unusable (None: it is fine). Read-only; never creates or changes it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return MISSING
    except OSError as exc:
        return f"无法读取 / unreadable: {exc}"
    if size == 0:
        return EMPTY
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return f"无法读取 / unreadable: {exc}"
    if head != SQLITE_MAGIC:
        return "不是 SQLite 数据库（文件头错误）/ not an SQLite database (bad header)"
    # A hot journal (a write killed half-way) must be rolled back, which read-only mode cannot do: then open it
    # read-write (what Chroma itself would do), still without creating anything.
    hot = any(path.with_name(path.name + s).exists() for s in ("-journal", "-wal"))
    uri = f"{path.resolve().as_uri()}?mode={'rw' if hot else 'ro'}"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                first = "; ".join(str(r[0]) for r in rows[:2])
                return f"完整性检查失败 / quick_check failed: {first}"[:300]
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"数据库损坏 / corrupt database: {exc}"
    missing = [t for t in tables if t not in names]
    if missing:
        return f"{MISSING_TABLES}{', '.join(missing)}"
    return None


def earlier_content(index_dir: Path) -> str | None:
    """What shows that this index once held reports (so a missing or empty Chroma file is damage, not a new index)."""
    chroma = index_dir / CHROMA_DIR
    try:
        segments = sorted(p.name for p in chroma.iterdir() if p.is_dir()) if chroma.is_dir() else []
    except OSError:
        segments = []
    if segments:
        return f"Chroma 的 {len(segments)} 个向量段目录仍在 / {len(segments)} Chroma segment folder(s) remain"
    try:
        info = json.loads((index_dir / BM25_DIR / "manifest.json").read_text(encoding="utf-8"))
        chunks = int(info.get("chunk_count") or 0) + int(info.get("entries") or 0)
    except (OSError, ValueError, TypeError, AttributeError):
        chunks = 0
    if chunks:
        return "BM25 表记录过已入库的块 / the BM25 table counted indexed chunks"
    if lexical_report_ids(index_dir):
        return "词法索引记录过已入库的报告 / the lexical index holds indexed reports"
    return None


def chroma_problem(index_dir: Path) -> str | None:
    """Why the local Chroma store is unusable (None: fine, or a new index that has never held anything)."""
    return _chroma_judged(index_dir, sqlite_problem(index_dir / CHROMA_DIR / CHROMA_FILE, CHROMA_TABLES))


def _chroma_judged(index_dir: Path, problem: str | None) -> str | None:
    if problem in (MISSING, EMPTY) or (problem or "").startswith(MISSING_TABLES):
        evidence = earlier_content(index_dir)
        if evidence is None:
            return None  # a new index (or one that never held a report), perhaps killed while Chroma created it
        return f"{problem}，但{evidence}"
    return problem


def _chroma_unfinished(index_dir: Path, problem: str | None) -> bool:
    """A Chroma file whose creation was killed half-way (some of its tables never made) in an index that never held
    a report: it holds nothing, and Chroma cannot finish it. `problem`: sqlite_problem of that file."""
    return (problem or "").startswith(MISSING_TABLES) and earlier_content(index_dir) is None


def json_problem(path: Path, kind: type) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return f"无法解析 / unreadable JSON: {exc}"[:300]
    if not isinstance(data, kind):
        return f"内容类型不对 / not a JSON {kind.__name__}"
    return None


def drop_cache(path: Path) -> bool:
    """A damaged embedding cache is removed (it is only a cache: it is rebuilt as passages are embedded)."""
    problem = sqlite_problem(path)
    if problem in (None, MISSING, EMPTY):
        return False
    log.info("embedding cache %s is damaged (%s): rebuilding it", path, problem)
    for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        p.unlink(missing_ok=True)
    return True


def lexical_problem(path: Path, *, thorough: bool = False) -> str | None:
    """Why the lexical store at `path` is unusable (None: fine or not there yet). `thorough` adds SQLite's
    quick_check and FTS5's own integrity check (doctor); at open only the header and the tables are looked at."""
    if not path.exists() or path.stat().st_size == 0:
        return None  # filled in from the records at first use
    if thorough:
        problem = sqlite_problem(path, LEXICAL_TABLES)
        if problem:
            return problem
        try:
            # FTS5's check is an INSERT command: it needs a writable handle but changes nothing
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
            try:
                db.execute("INSERT INTO chunk_tokens(chunk_tokens) VALUES ('integrity-check')")
                rows = db.execute("SELECT (SELECT count(*) FROM chunks), (SELECT count(*) FROM chunk_tokens)")
                rows = rows.fetchone()
            finally:
                db.close()
        except sqlite3.Error as exc:
            return f"全文索引损坏 / FTS index corrupt: {exc}"[:300]
        if rows[0] != rows[1]:
            return f"块 {rows[0]} 个，全文索引 {rows[1]} 行 / {rows[0]} chunks but {rows[1]} FTS rows"
        return None
    try:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return "不是 SQLite 数据库（文件头错误）/ not an SQLite database (bad header)"
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None  # another process is writing it: busy, not damaged
        return f"数据库损坏 / corrupt database: {exc}"[:300]
    except (OSError, sqlite3.Error) as exc:
        return f"数据库损坏 / corrupt database: {exc}"[:300]
    missing = [t for t in LEXICAL_TABLES if t not in names]
    return f"缺少表 / missing tables: {', '.join(missing)}" if missing else None


def aside_dir(index_dir: Path) -> Path:
    """A new damaged/<time>[-n]/ folder name in the index folder (not created)."""
    aside = Path(index_dir) / DAMAGED_DIR / time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while aside.exists():
        n += 1
        aside = Path(index_dir) / DAMAGED_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-{n}"
    return aside


def move_aside(index_dir: Path, *paths: Path) -> Path | None:
    """Move `paths` (those that exist) under damaged/<time>/ in the index folder; returns that folder."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return None
    aside = aside_dir(index_dir)
    aside.mkdir(parents=True)
    for p in existing:
        p.replace(aside / p.name)
    return aside


def set_lexical_aside(index_dir: Path) -> Path | None:
    """A damaged lexical store (and its journal) moved aside: it is derived, and is filled in again from the
    records at first use. Returns where it went (None: it was fine)."""
    path = Path(index_dir) / LEXICAL_FILE
    problem = lexical_problem(path)
    if problem is None:
        return None
    aside = move_aside(index_dir, path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"))
    log.warning("lexical index %s is damaged (%s): moved to %s, rebuilding it from the records", path, problem, aside)
    return aside


def check_at_open(index_dir: Path, *, local_chroma: bool = True) -> None:
    """Before Chroma or the cache touch their files: IndexDamaged for a damaged store; a damaged cache is dropped;
    a damaged lexical store is moved aside (it is rebuilt from the records)."""
    index_dir = Path(index_dir)
    if local_chroma:
        # one quick_check of the Chroma file (O(its size): ~0.8 s at 10,000 reports) decides both
        checked = sqlite_problem(index_dir / CHROMA_DIR / CHROMA_FILE, CHROMA_TABLES)
        problem = _chroma_judged(index_dir, checked)
        if problem:
            raise IndexDamaged(index_dir / CHROMA_DIR / CHROMA_FILE, problem, index_dir)
        if _chroma_unfinished(index_dir, checked):  # removed, not moved aside: it holds no table of data to keep
            path = index_dir / CHROMA_DIR / CHROMA_FILE
            for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
                p.unlink(missing_ok=True)
            log.warning("%s was never finished (a first ingest killed while Chroma created it): created anew", path)
    drop_cache(index_dir / CACHE_FILE)
    set_lexical_aside(index_dir)


# ---------------------------------------------------------------- records read straight from SQLite
@dataclass
class SalvagedRecords:
    reports: list[Any] = field(default_factory=list)  # indexing.models.Report
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (report_id, source file) whose JSON is bad
    error: str | None = None  # the records could not be read at all


def read_records(db_path: Path) -> SalvagedRecords:
    """Every report record in the Chroma file, read read-only with plain SQLite (works on a damaged file as far as
    the damage allows; `error` says when nothing could be read)."""
    from indexing.models import Report

    out = SalvagedRecords()
    if not db_path.exists() or db_path.stat().st_size == 0:
        out.error = MISSING if not db_path.exists() else EMPTY
        return out
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            seg = db.execute(
                "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                "WHERE c.name = ? AND s.scope = 'METADATA'",
                (RECORDS_COLLECTION,),
            ).fetchone()
            if seg is None:
                out.error = "没有报告记录集合 / no records collection"
                return out
            rows = db.execute(
                "SELECT e.embedding_id, m.key, m.string_value FROM embeddings e "
                "JOIN embedding_metadata m ON m.id = e.id "
                "WHERE e.segment_id = ? AND m.key IN ('chroma:document', 'source')",
                (seg[0],),
            ).fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        out.error = f"记录无法读取 / records unreadable: {exc}"
        return out
    docs: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    for rid, key, value in rows:
        if key == "source":
            sources[rid] = value or ""
        else:
            docs[rid] = value
    for rid in sorted(set(docs) | set(sources)):
        try:
            report = Report.from_document(docs.get(rid) or "")
            if report.report_id != rid:
                raise ValueError(f"record {rid} holds {report.report_id}")
        except (ValueError, TypeError, KeyError, AttributeError):
            out.unreadable.append((rid, sources.get(rid, "")))
            continue
        out.reports.append(report)
    return out


def lexical_report_ids(index_dir: Path) -> set[str]:
    """Report ids the lexical store names, read-only (empty when it is missing or unreadable)."""
    path = Path(index_dir) / LEXICAL_FILE
    if not path.exists() or path.stat().st_size == 0:
        return set()
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {r[0] for r in db.execute("SELECT report_id FROM reports")}
        finally:
            db.close()
    except sqlite3.Error:
        return set()


def bm25_report_ids(index_dir: Path) -> set[str]:
    """Report ids the lexical store or the old BM25 chunk table names (a cross-check on records read from a damaged
    file)."""
    ids: set[str] = lexical_report_ids(index_dir)
    try:
        with (index_dir / BM25_DIR / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    ids.add(json.loads(line)["report_id"])
                except (ValueError, KeyError, TypeError):
                    continue
    except OSError:
        pass
    return ids


# ---------------------------------------------------------------- doctor
@dataclass
class FileCheck:
    path: Path
    role: str  # what the file is, in a few words
    problem: str | None  # None: OK
    note: str = ""  # what happens to it / what to do

    @property
    def ok(self) -> bool:
        return self.problem is None


def diagnose(config) -> list[FileCheck]:
    """Every store file of the index with its state. Reads only: nothing is created, changed or moved."""
    d = Path(config.index_dir)
    checks: list[FileCheck] = []
    chroma_db = d / CHROMA_DIR / CHROMA_FILE
    if config.chroma_url:
        checks.append(FileCheck(Path(config.chroma_url), "Chroma 服务器 / Chroma server", None, "不在本地，未检查"))
    else:
        problem = chroma_problem(d)
        note = "" if problem else ("空索引 / empty index" if not chroma_db.exists() else "")
        checks.append(FileCheck(chroma_db, "Chroma 存储（报告记录与块）/ Chroma store (records and chunks)", problem,
                                note or ("运行 nianbao repair / run nianbao repair" if problem else "")))
        if problem is None and chroma_db.exists() and chroma_db.stat().st_size:
            salvaged = read_records(chroma_db)
            if salvaged.error:
                rec_problem = salvaged.error
            elif salvaged.unreadable:
                names = "、".join(rid for rid, _ in salvaged.unreadable[:5])
                rec_problem = f"{len(salvaged.unreadable)} 份记录无法解析 / unreadable records: {names}"
            else:
                rec_problem = None
            checks.append(FileCheck(chroma_db, f"报告记录 {len(salvaged.reports)} 份 / report records", rec_problem,
                                    "运行 nianbao repair / run nianbao repair" if rec_problem else ""))
            checks.append(_vector_check(config))
    cache = d / CACHE_FILE
    cache_problem = sqlite_problem(cache, ("vectors",))
    if cache_problem == MISSING:
        cache_problem = None
    rebuilt = "仅为缓存，下次打开时自动重建 / only a cache: rebuilt at the next open"
    checks.append(FileCheck(cache, "嵌入缓存 / embedding cache", cache_problem, rebuilt if cache_problem else ""))
    lexical = d / LEXICAL_FILE
    lexical_bad = lexical_problem(lexical, thorough=True)
    if lexical_bad:
        lexical_note = "运行 nianbao repair（或打开时由报告记录重建）/ run nianbao repair (or it is rebuilt at open)"
    else:
        lexical_note = "" if lexical.exists() else "首次使用时由报告记录建立 / built from the records at first use"
    lexical_role = "词法索引（由报告记录派生）/ lexical index (derived from the records)"
    checks.append(FileCheck(lexical, lexical_role, lexical_bad, lexical_note))
    for name, role, kind in (
        (PENDING_FILE, "写入中的报告清单 / reports being written", list),
        (CORRECTIONS_FILE, "人工更正 / corrections", dict),
    ):
        problem = json_problem(d / name, kind)
        checks.append(FileCheck(d / name, role, problem, "运行 nianbao repair / run nianbao repair" if problem else ""))
    return checks


def _vector_check(config) -> FileCheck:
    """The vector store answers a query (opens Chroma: only done when its SQLite file checked out)."""
    path = Path(config.index_dir) / CHROMA_DIR
    role = "向量库（块的向量）/ vector store (chunk vectors)"
    try:
        import numpy as np

        from indexing.store import Index

        index = Index(config, cache=False)  # the cache is checked on its own, and left as it is
        n = index.chunks.count()
        if n:
            got = index.chunks.query(
                query_embeddings=[np.ones(index.embedder.dim, dtype=np.float32)], n_results=min(n, 5), include=[]
            )
            if not got["ids"] or not got["ids"][0]:
                return FileCheck(path, role, "查询无结果 / a query returned nothing", "运行 nianbao repair")
    except IndexDamaged as exc:
        return FileCheck(path, role, exc.reason, "运行 nianbao repair / run nianbao repair")
    except Exception as exc:  # noqa: BLE001  (any failure of the store is what doctor reports)
        return FileCheck(path, role, f"查询失败 / query failed: {exc.__class__.__name__}: {exc}"[:300],
                         "运行 nianbao repair / run nianbao repair")
    return FileCheck(path, role, None, f"{n} 块 / chunks")


def describe(checks: list[FileCheck]) -> str:
    lines = []
    for c in checks:
        state = "OK" if c.ok else "损坏 DAMAGED"
        detail = f"：{c.problem}" if c.problem else ""
        note = f"（{c.note}）" if c.note else ""
        lines.append(f"{state:<12} {c.path}  {c.role}{detail}{note}")
    bad = [c for c in checks if not c.ok]
    lines.append(
        f"{len(bad)} 项损坏；运行 nianbao repair 修复 / {len(bad)} damaged; run nianbao repair"
        if bad else "全部完好 / all OK"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------- repair
@dataclass
class RepairResult:
    actions: list[str] = field(default_factory=list)
    restored: int = 0  # reports whose chunks were rebuilt
    lost: list[tuple[str, str]] = field(default_factory=list)  # (report_id or "?", source) to re-ingest
    aside: Path | None = None
    complete: bool = True  # False: something could not be rebuilt (re-ingest the named sources)


def release_chroma(chroma_dir: Path) -> None:
    """Forget this process's Chroma system for the folder (it holds the old file open and would be reused)."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:  # pragma: no cover
        return
    for key in (str(chroma_dir), str(chroma_dir.resolve())):
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        if system is not None:
            with contextlib.suppress(Exception):  # a broken store may fail to stop; it is being set aside anyway
                system.stop()


def repair(config, say: Callable[[str], None] = lambda _m: None) -> RepairResult:
    """Move damaged files aside and rebuild what the records allow (see the module doc). Says what it did."""
    from indexing.store import Index

    result = RepairResult()
    d = Path(config.index_dir)
    checks = diagnose(config)
    bad = [c for c in checks if not c.ok]
    if not bad:
        result.actions.append("索引完好，无需修复 / nothing to repair")
        return result
    aside = aside_dir(d)

    def move(path: Path) -> None:
        if not path.exists():
            return
        aside.mkdir(parents=True, exist_ok=True)
        path.replace(aside / path.name)
        result.aside = aside
        result.actions.append(f"已移开 {path} → {aside / path.name} / moved aside")

    chroma_dir = d / CHROMA_DIR
    chroma_bad = not config.chroma_url and any(
        not c.ok and (c.path == chroma_dir / CHROMA_FILE or c.path == chroma_dir) for c in checks
    )
    records = read_records(chroma_dir / CHROMA_FILE) if chroma_bad else None

    lexical = d / LEXICAL_FILE
    for c in bad:
        if c.path in (d / CACHE_FILE, d / PENDING_FILE):
            move(c.path)
        elif c.path == lexical:
            move(lexical)
            move(lexical.with_name(lexical.name + "-journal"))
            if not chroma_bad:  # else it is filled in below, report by report, as the vector store is rebuilt
                chunks = Index.open(config).rebuild_lexical()
                result.actions.append(f"已由报告记录重建词法索引（{chunks} 块）/ lexical index rebuilt: {chunks}")
        elif c.path == d / CORRECTIONS_FILE:
            move(c.path)
            reports = records.reports if records is not None else Index.open(config).reports()
            _rebuild_corrections(d, reports)
            result.actions.append(f"已由报告记录重建 {c.path.name} / rebuilt from the records")

    if chroma_bad and records is not None:
        known = bm25_report_ids(d)
        result.lost = list(records.unreadable)
        got = {r.report_id for r in records.reports}
        result.lost += [(rid, "") for rid in sorted(known - got - {rid for rid, _ in records.unreadable})]
        if records.error:
            result.actions.append(f"报告记录无法读出（{records.error}）/ the records could not be read")
        release_chroma(chroma_dir)
        move(chroma_dir)
        move(d / BM25_DIR)  # derived from the store being replaced
        move(lexical)
        move(d / PENDING_FILE)
        index = Index.open(config)
        from indexing.chunking import chunk_report

        chunks_total = 0
        for report in sorted(records.reports, key=lambda r: r.report_id):
            chunks = chunk_report(report) if report.identified else []
            index.put_report(report, chunks, index.embed_chunks(chunks))
            chunks_total += len(chunks)
        result.restored = len(records.reports)
        result.actions.append(
            f"已由 {len(records.reports)} 份报告记录重建向量库（重新分块、重新嵌入 {chunks_total} 块）"
            f" / rebuilt the vector store from {len(records.reports)} records ({chunks_total} chunks re-embedded)"
        )
        if records.error or result.lost:
            result.complete = False
    if result.lost:
        names = "、".join(f"{rid}" + (f"（{src}）" if src else "") for rid, src in result.lost)
        result.actions.append(f"以下报告无法恢复，请重新导入其源文件（nianbao ingest）/ re-ingest these: {names}")
    elif records is not None and records.error:
        result.actions.append("请从源文件重新导入：nianbao ingest PATH… / re-ingest from the source files")
    for line in result.actions:
        say(line)
    return result


def _rebuild_corrections(index_dir: Path, reports) -> None:
    data = {r.content_hash: dict(r.corrections) for r in reports if getattr(r, "corrections", None)}
    path = index_dir / CORRECTIONS_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
