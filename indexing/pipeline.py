"""files → readers → parser → chunks → embeddings → index, one file at a time.

Incremental by content hash: an unchanged file is a no-op; a new version of a report (same body and year, new
content, any file name) is written first and then replaces the old record and chunks; a new report is added.
A file that cannot be read, parsed or written is named in `failures` and the batch goes on. Only one report is in
memory at a time, so a 1,000-report ingest stays small.

Files are untrusted: each is read and parsed in a worker process under the time and memory limits of
`indexing.guard` (a .docx's zip members are checked there before anything is inflated), so a hostile file is refused
with its reason and the files after it are still indexed. An ingest or a removal holds the index directory's write
lock (`guard.index_lock`); a second one waits for it, then fails naming the holder.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from indexing import corrections
from indexing.chunking import chunk_report
from indexing.guard import (
    PARSE_MEMORY_BYTES,
    PARSE_SECONDS,
    IndexBusy,
    ParserCrash,
    index_lock,
    parse_delay,
    parse_worker,
)
from indexing.identity import Hints
from indexing.models import ReadError, Report
from indexing.store import Index, IndexConfig, source_key
from indexing.vectors import VectorProgress, embed_pending

Progress = Callable[[str], None] | None
SLOW_ENV = "NIANBAO_TEST_SLOW_INGEST"  # seconds to sleep after each file (tests interrupt an ingest mid-way)
# A copy of each indexed file, under sources/<content hash>/<file name>: what 重新解析 (reparse_report) reads again.
# Uploads arrive in temporary folders that are gone an hour later, so the path alone would not do.
SOURCES_DIR = "sources"
PARSE_WORKERS = max(1, min(4, os.cpu_count() or 1))  # parse processes of one ingest
RECORD_BATCH = 50  # records committed together (one lexical transaction, one Chroma upsert)


def stored_source(index_dir: Path, report: Report) -> Path | None:
    """The kept copy of the file `report` was read from, or None (indexed before copies were kept, or removed)."""
    path = Path(index_dir) / SOURCES_DIR / report.content_hash / source_key(report.source)
    return path if path.is_file() else None


def _keep_source(index_dir: Path, path: Path, content_hash: str, name: str) -> None:
    """Copy `path` to sources/<content_hash>/<name>, `name` being the file name its record holds."""
    dest = Path(index_dir) / SOURCES_DIR / content_hash / source_key(name)
    if dest.is_file():
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.copyfile(path, tmp)
    tmp.replace(dest)  # a kill mid-copy leaves a .tmp, never a short copy under the real name


def _drop_source(idx: Index, report_id: str) -> None:
    """Forget the kept copy of a report about to be deleted, unless another record was read from the same bytes.
    Called before the record goes, so a kill in between leaves no orphan copy for a re-run to miss."""
    meta = idx.record_meta()
    content_hash = meta.get(report_id, {}).get("content_hash")
    if not content_hash or any(m.get("content_hash") == content_hash for r, m in meta.items() if r != report_id):
        return
    shutil.rmtree(idx.config.index_dir / SOURCES_DIR / content_hash, ignore_errors=True)


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)  # report_ids
    replaced: list[str] = field(default_factory=list)  # report_ids of the new versions
    unchanged: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    removed: list[str] = field(default_factory=list)  # report_ids superseded by a new version
    chunks: int = 0  # chunks written in this run
    embedded: int = 0  # passages actually sent to the model (the rest came from the cache)
    files: int = 0
    seconds: float = 0.0
    records_seconds: float = 0.0  # until every record was committed (answerable), before the vectors
    waiting: int = 0  # reports left waiting for their vectors (ingest without embed)

    def describe(self) -> str:
        vectors = (f"{self.waiting} 份报告的语义检索向量稍后补齐" if self.waiting
                   else f"新计算嵌入 {self.embedded} 个")
        return (
            f"新增 {len(self.added)} 份，更新 {len(self.replaced)} 份，未变 {len(self.unchanged)} 份，"
            f"失败 {len(self.failures)} 份；块 {self.chunks} 个（{vectors}），用时 {self.seconds:.1f} 秒"
        )


def version_key(region: str, agency: str, year: int | None, source: str) -> str:
    """One report per body per year: a new file for the same body and year replaces the indexed one, whatever its
    file name; two bodies whose files share a name (“2021年年度报告.docx”), or whose names are the same in two
    counties (港口乡 of 铜鼓县 and of 修水县), stay apart. A report whose body or year is unknown is its file."""
    body = f"{region}|{agency}"
    return f"{body}|{year}" if year is not None and agency else f"{body}|{year}|{source_key(source)}"


def read_manifest(path: Path) -> dict[str, Hints]:
    """A crawl's manifest (CSV with columns file, agency, region, year, url) → hints by file name.

    Region is the chain 省/市/县 separated by “/”, “>” or spaces. Raises ValueError naming the file and the problem."""
    import csv

    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{Path(path).name}: 清单无法读取（{exc}）") from exc
    if rows and "file" not in rows[0]:
        raise ValueError(f"{Path(path).name}: 清单缺少 file 列（需要 file, agency, region, year, url）")
    hints = {}
    for n, row in enumerate(rows, start=2):
        year = (row.get("year") or "").strip()
        if year and not (year.isdigit() and len(year) == 4):
            raise ValueError(f"{Path(path).name}: 第 {n} 行的 year 不是四位年份：{year}")
        region = tuple(x for x in re.split(r"[/>\s]+", row.get("region") or "") if x)
        hints[source_key(row["file"] or "")] = Hints(
            agency=(row.get("agency") or "").strip(), region=region, year=int(year) if year else None
        )
    return hints


def _report_files(paths: Iterable[Path]) -> list[Path]:
    from indexing.readers import iter_report_files

    return iter_report_files([Path(p) for p in paths])


@dataclass(frozen=True)
class ParseLimits:
    """Per-file bounds of the parse worker (defaults and reasons in indexing.guard)."""

    seconds: float = PARSE_SECONDS
    memory_bytes: int = PARSE_MEMORY_BYTES


def _parse(worker, path: Path, manifest: dict[str, Hints], fixes: dict[str, dict], limits: ParseLimits) -> Report:
    hints = manifest.get(path.name)
    report = worker.parse(path, hints, seconds=limits.seconds, delay=parse_delay(path.name))
    return corrections.apply(report, fixes.get(report.content_hash, {}))


def _read(worker, path: Path, manifest: dict[str, Hints], fixes: dict[str, dict], limits: ParseLimits) -> _Read:
    """A file parsed, chunked and its chunks tokenized — the tokens by the worker too, so the writer's core is free."""
    report = _parse(worker, path, manifest, fixes, limits)
    chunks = chunk_report(report) if report.identified else []  # unidentified: library only
    tokens = worker.tokenize([c.text for c in chunks], seconds=limits.seconds) if chunks else []
    return _Read(report, chunks, tokens)


@dataclass
class _Read:
    report: Report
    chunks: list
    tokens: list[str] | None  # lexical_tokens of each chunk (None: the worker failed at it; the writer tokenizes)


def _parsed_ahead(files: list[Path], workers: list, parse: Callable[[object, Path], _Read]):
    """(path, future of what `parse` read) in file order, with every parse worker busy on the files ahead while the
    caller writes: the workers are processes, so parsing runs on the other cores. At most two files per worker are
    read ahead, so memory stays flat however many files there are."""
    free: queue.SimpleQueue = queue.SimpleQueue()
    for worker in workers:
        free.put(worker)

    def job(path: Path) -> _Read:
        worker = free.get()
        try:
            return parse(worker, path)
        finally:
            free.put(worker)

    with ThreadPoolExecutor(max_workers=len(workers), thread_name_prefix="nianbao-parse") as pool:
        window: deque = deque()
        try:
            for path in files:
                window.append((path, pool.submit(job, path)))
                if len(window) > 2 * len(workers):
                    yield window.popleft()
            while window:
                yield window.popleft()
        finally:
            for _, future in window:  # the caller stopped early (an error, a kill): parse nothing more
                future.cancel()


def ingest_paths(
    paths: Iterable[Path],
    config: IndexConfig,
    progress: Progress = None,
    *,
    index: Index | None = None,
    manifest: dict[str, Hints] | None = None,
    limits: ParseLimits | None = None,
    embed: bool = True,
) -> IngestSummary:
    """Ingest files and directories into the index at `config`, records first: every report is committed with its
    record and lexical rows (answerable from then on), then — with `embed`, after the write lock is let go — the
    passages of every report still waiting get their vectors (indexing.vectors; without `embed` they wait for
    `nianbao embed` or the app). Pass an open `index` to have it refreshed too; `manifest` (read_manifest) gives
    what a crawl knows of each file (agency, region, year); `limits` the per-file parse bounds. When another writer
    holds the index past guard.LOCK_WAIT_SECONDS, nothing is done and the summary's one failure names the holder."""
    started = time.perf_counter()
    say = progress or (lambda _m: None)
    try:
        with index_lock(config.index_dir, say=say, what="写入"):
            summary, idx = _ingest(paths, config, say, index, manifest or {}, limits or ParseLimits())
    except IndexBusy as exc:
        summary = IngestSummary(failures=[(str(config.index_dir), str(exc))])
        say(f"失败：{exc}")
        idx = None
    summary.records_seconds = time.perf_counter() - started
    waiting = len(idx.waiting_for_vectors()) if idx is not None else 0
    if embed and waiting:
        say(f"记录已全部写入（{summary.records_seconds:.1f} 秒），表格数字与关键词检索已可用；"
            f"正在为 {waiting} 份报告补齐语义检索…")
        done = embed_pending(idx, progress=every_few_seconds(say))
        summary.embedded = done.embedded
        waiting = len(idx.waiting_for_vectors())
        say(done.describe())
    summary.waiting = waiting
    if index is not None:
        index.refresh()
    summary.seconds = time.perf_counter() - started
    return summary


def every_few_seconds(say: Callable[[str], None], seconds: float = 5.0) -> Callable[[VectorProgress], None]:
    """A vector-progress callback that speaks at most every few seconds (a 10,000-report catch-up is long)."""
    last = [0.0]

    def report(state: VectorProgress) -> None:
        if state.done == state.total or time.perf_counter() - last[0] >= seconds:
            last[0] = time.perf_counter()
            say(state.describe())

    return report


def _ingest(
    paths: Iterable[Path],
    config: IndexConfig,
    say: Callable[[str], None],
    index: Index | None,
    manifest: dict[str, Hints],
    limits: ParseLimits,
) -> tuple[IngestSummary, Index]:
    files = _report_files(paths)
    # The workers start (import the parser) while the index opens; one file needs one.
    with contextlib.ExitStack() as stack:
        workers = [stack.enter_context(parse_worker(limits.memory_bytes))
                   for _ in range(max(1, min(PARSE_WORKERS, len(files))))]
        summary = IngestSummary()
        idx = index if index is not None else Index.open(config)
        cleaned = idx.reconcile()
        if cleaned:
            say(f"清理上次中断写入的 {len(cleaned)} 份报告的残留块")
        if filled := idx.catch_up_lexical(prune=True):  # an index from before the lexical store: converted once
            say(f"词法索引已补入 {len(filled)} 份报告")
        summary.files = len(files)
        say(f"共 {len(files)} 个文件")
        books = _Books.of(idx)
        by_hash, sources, by_version = books.by_hash, books.sources, books.by_version
        from_file: dict[str, str] = {}  # version key → the file of this batch that holds it
        fixes = corrections.load(config.index_dir)
        slow = float(os.environ.get(SLOW_ENV, "0") or 0)
        batch: list[_Written] = []
        ahead = _parsed_ahead(files, workers, lambda w, p: _read(w, p, manifest, fixes, limits))
        for n, (path, parsing) in enumerate(ahead, start=1):
            name = path.name
            step = f"[{n}/{len(files)}] {name}"
            try:
                read = parsing.result()
                report = read.report
            except ReadError as exc:
                summary.failures.append((exc.source or str(path), exc.reason))
                say(f"{step}：失败（{exc.reason}）")
                continue
            except ParserCrash as exc:
                summary.failures.append((str(path), f"解析出错：{exc}"))
                say(f"{step}：失败（{exc}）")
                continue
            except Exception as exc:  # noqa: BLE001  (a parser bug on one file must not stop the batch)
                summary.failures.append((str(path), f"解析出错：{exc.__class__.__name__}: {exc}"))
                say(f"{step}：失败（{exc.__class__.__name__}）")
                continue

            key = version_key("/".join(report.region), report.agency, report.year, report.source)
            if key in from_file and from_file[key] != name:
                say(f"注意：{name} 与 {from_file[key]} 是同一单位同一年度的报告，保留后读入的 {name}")
            from_file[key] = name
            if any(w.key == key for w in batch):  # the version it supersedes must be committed before it is judged
                _commit(idx, batch, summary, books, say)
            if by_hash.get(report.content_hash) in sources:  # still indexed (not superseded earlier in this run)
                kept = by_hash[report.content_hash]
                # Versions this file supersedes but that are still there (a run killed before it deleted them).
                for rid in [r for r in by_version.get(key, []) if r != kept]:
                    _drop_source(idx, rid)
                    idx.delete_report(rid)
                    sources.pop(rid, None)
                    summary.removed.append(rid)
                by_version[key] = [kept]
                # indexes from before copies were kept get one now, under the name the record holds
                _keep_source(config.index_dir, path, report.content_hash, sources.get(kept) or name)
                summary.unchanged.append(kept)
                stored_as = sources.get(kept, name)
                say(f"{step}：未变" + (f"（与已入库的 {stored_as} 内容相同）" if stored_as != name else ""))
                continue

            older = [rid for rid in by_version.get(key, []) if rid != report.report_id]
            try:
                chunks = read.chunks
                # before the record: a committed report has its copy
                _keep_source(config.index_dir, path, report.content_hash, report.source)
            except Exception as exc:  # noqa: BLE001  (one file's failure must not stop the batch or lose the old)
                summary.failures.append((str(path), f"写入索引出错：{exc.__class__.__name__}: {exc}"))
                say(f"{step}：失败（{exc.__class__.__name__}），已索引的旧版本保留")
                continue
            batch.append(_Written(report, chunks, older, step, name, key, read.tokens))
            by_hash[report.content_hash] = report.report_id
            sources[report.report_id] = name
            by_version[key] = [report.report_id]
            if len(batch) >= RECORD_BATCH:
                _commit(idx, batch, summary, books, say)
            if slow:
                _commit(idx, batch, summary, books, say)
                time.sleep(slow)
        _commit(idx, batch, summary, books, say)
    return summary, idx


@dataclass
class _Books:
    """What the index holds, kept current through a run: by content hash, file name, and version key."""

    by_hash: dict[str, str]
    sources: dict[str, str]
    by_version: dict[str, list[str]]

    @classmethod
    def of(cls, idx: Index) -> _Books:
        meta = idx.record_meta()
        by_version: dict[str, list[str]] = {}
        for rid, m in meta.items():
            key = version_key(m.get("region", ""), m.get("agency", ""), m.get("year"), m.get("source", ""))
            by_version.setdefault(key, []).append(rid)
        return cls(
            by_hash={m.get("content_hash"): rid for rid, m in meta.items()},
            sources={rid: m.get("source", "") for rid, m in meta.items()},
            by_version=by_version,
        )


@dataclass
class _Written:
    """A parsed report on its way into the index, and what it replaces."""

    report: Report
    chunks: list
    older: list[str]  # report_ids of the versions it supersedes
    step: str  # “[n/N] file name”, for the progress line
    name: str
    key: str  # version_key
    tokens: list[str] | None = None  # the chunks' lexical tokens, when the parse worker computed them


def _commit(idx: Index, batch: list[_Written], summary: IngestSummary, books: _Books, say) -> None:
    """Records first: the batch's records and lexical rows in one write (answerable from here on), then the versions
    they supersede removed. Vectors follow (indexing.vectors). A failed write keeps the old versions; the batch is
    emptied either way."""
    if not batch:
        return
    items, batch[:] = list(batch), []
    try:
        idx.put_records([(w.report, w.chunks) for w in items], [w.tokens for w in items])
    except Exception as exc:  # noqa: BLE001  (a write failure must not stop the files after it or lose the old)
        for w in items:
            summary.failures.append((w.name, f"写入索引出错：{exc.__class__.__name__}: {exc}"))
            books.sources.pop(w.report.report_id, None)
            books.by_version[w.key] = [*w.older, *books.by_version.get(w.key, [])[1:]]
            say(f"{w.step}：失败（{exc.__class__.__name__}），已索引的旧版本保留")
        return
    for w in items:
        for rid in w.older:
            _drop_source(idx, rid)
            idx.delete_report(rid)
            books.sources.pop(rid, None)  # its content hash no longer means “already indexed”
            summary.removed.append(rid)
        summary.chunks += len(w.chunks)
        (summary.replaced if w.older else summary.added).append(w.report.report_id)
        pending = "" if w.report.identified else "（单位或年度未知：已入库并标记，补正前不参与问答；见 nianbao fix）"
        say(
            f"{w.step}：{'更新' if w.older else '新增'} {w.report.short_name or w.report.source} "
            f"{w.report.year or ''}，块 {len(w.chunks)} 个{pending}"
        )


def remove_reports(keys: Iterable[str], config: IndexConfig, *, index: Index | None = None) -> list[str]:
    """Delete reports by report_id or source file name; returns the keys that matched something. Holds the index's
    write lock (raises guard.IndexBusy naming the holder when another writer keeps it past LOCK_WAIT_SECONDS)."""
    with index_lock(config.index_dir, what="删除"):
        idx = index if index is not None else Index.open(config)
        # a remove killed between a record and its chunks left the chunks and the journal entry: finish it first
        idx.reconcile()
        meta = idx.record_meta()
        removed_keys = []
        targets: set[str] = set()
        for key in keys:
            matched = [rid for rid, m in meta.items() if key == rid or source_key(key) == m.get("source")]
            if matched:
                removed_keys.append(key)
                targets.update(matched)
        for rid in sorted(targets):
            _drop_source(idx, rid)
            idx.delete_report(rid)
        if index is not None:
            index.refresh()
        return removed_keys


def fix_report(report_id: str, fields: dict, config: IndexConfig, *, index: Index | None = None) -> Report:
    """Correct a report's body, region or year (kept beside the index, surviving re-ingest of the same file);
    the corrected version is written first, then the old one removed. Raises KeyError for an unknown report_id."""
    with index_lock(config.index_dir, what="更正"):
        idx = index if index is not None else Index.open(config)
        report = idx.report(report_id)
        if report is None:
            raise KeyError(report_id)
        fixed = corrections.apply(report, fields)
        kept = {k: v for k, v in fields.items() if v not in (None, "")}
        corrections.save(config.index_dir, report.content_hash, kept, original=corrections.as_read(report))
        _replace(idx, report_id, fixed)
        if index is not None:
            index.refresh()
        return fixed


def reparse_report(report_id: str, config: IndexConfig, *, index: Index | None = None) -> Report:
    """Read and parse a report again from the copy kept at ingest (a newer parser reads it better); its corrections
    still apply and fields a manifest gave are given again. The new version is written first, then the old removed.
    Raises KeyError (no such report), FileNotFoundError (no copy kept: indexed before copies were kept), ReadError or
    ParserCrash (it no longer reads)."""
    with index_lock(config.index_dir, what="重新解析"):
        idx = index if index is not None else Index.open(config)
        old = idx.report(report_id)
        if old is None:
            raise KeyError(report_id)
        path = stored_source(config.index_dir, old)
        if path is None:
            raise FileNotFoundError(f"{old.source}：索引中没有这份报告的原文件（入库时尚未保存），请重新导入该文件")
        given = {f for f, where in old.sources.items() if where == "manifest"}
        hints = Hints(
            agency=old.agency if "agency" in given else "",
            region=tuple(old.region) if "region" in given else (),
            year=old.year if "year" in given else None,
        )
        with parse_worker(PARSE_MEMORY_BYTES) as worker:
            report = _parse(worker, path, {path.name: hints} if given else {}, corrections.load(config.index_dir),
                            ParseLimits())
        _replace(idx, report_id, report)
        if index is not None:
            index.refresh()
        return report


def _replace(idx: Index, old_id: str, report: Report) -> None:
    """Write `report` in place of the report `old_id`: the new version first (a failure keeps the old one), then the
    old one removed when the new version's id differs (a corrected year or body changes the id)."""
    chunks = chunk_report(report) if report.identified else []
    idx.put_report(report, chunks, idx.embed_chunks(chunks))
    if report.report_id != old_id:
        idx.delete_report(old_id)


def load_reports(config: IndexConfig) -> list[Report]:
    return Index.open(config).reports()
