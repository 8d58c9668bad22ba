"""The lexical side (SQLite FTS5 over jieba tokens, issue 12): one report's rows written and deleted with it and no
other's, table text searched lexically but never embedded, filters in the query's own WHERE, a damaged file found
by doctor and rebuilt from the records, and an index of the old BM25 files converted at open."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pytest

import indexing.store as store_module
from indexing.chunking import chunk_report
from indexing.doctor import diagnose, repair
from indexing.retrieve import SearchFilters
from indexing.store import Index, IndexConfig, IndexDamaged
from tests.indexing.test_chunking import make_report

TABLES = {
    "requests": {
        "new_received": {"total": 7, "natural": 5},
        "granted": {"total": 4},
    }
}


class HashEmbedder:
    """A deterministic 8-d embedder (no model loads): each text's vector comes from its sha256."""

    name = "hash8"
    dim = 8

    def _vec(self, text: str) -> np.ndarray:
        raw = np.frombuffer(hashlib.sha256(text.encode()).digest()[:8], dtype=np.uint8).astype(np.float32) + 1
        return raw / np.linalg.norm(raw)

    def embed_queries(self, texts):
        return np.array([self._vec(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts):
        self.passages = getattr(self, "passages", []) + list(texts)
        return np.array([self._vec(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)


TOWNS = [
    ("青石镇", ["甲省", "甲市", "东区"], "乡镇", 2021, "全年通过微信公众号发布信息120条，开展政府开放日活动两次。"),
    ("白沙乡", ["甲省", "甲市", "东区"], "乡镇", 2022, "依申请公开工作规范，全年未收取信息处理费。"),
    ("柳河街道", ["甲省", "乙市", "西区"], "街道", 2021, "通过抖音号发布短视频，政务新媒体矩阵初步建成。"),
]


def _report(i: int):
    name, region, level, year, overview = TOWNS[i]
    return make_report(
        f"{name}-{year}-{i:08d}", short_name=name, region=region, level=level, year=year,
        sections={"overview": overview, "problems": f"{name}公开内容不够丰富，工作人员培训不够，下一步将加强培训。"},
        tables=TABLES,
    )


@pytest.fixture
def embedder(monkeypatch):
    emb = HashEmbedder()
    monkeypatch.setattr(store_module, "make_embedder", lambda spec: emb)
    return emb


@pytest.fixture
def config(tmp_path, embedder) -> IndexConfig:
    config = IndexConfig(index_dir=tmp_path / "index", embedder="hash8")
    index = Index.open(config)
    for i in range(2):
        report = _report(i)
        chunks = chunk_report(report)
        index.put_report(report, chunks, index.embed_chunks(chunks))
    return config


def _rows(db_path, report_id: str, rowids: list[int] | None = None) -> dict[str, int]:
    """The report's rows per table; its FTS rows found by the rowids its chunks have (or had: `rowids`). Checks on
    the way that the FTS table holds exactly one row per chunk."""
    db = sqlite3.connect(db_path)
    try:
        out = {
            t: db.execute(f"SELECT count(*) FROM {t} WHERE report_id = ?", (report_id,)).fetchone()[0]  # noqa: S608
            for t in ("reports", "report_names", "chunks")
        }
        if rowids is None:
            rowids = [r[0] for r in db.execute("SELECT id FROM chunks WHERE report_id = ?", (report_id,))]
        out["chunk_tokens"] = db.execute(
            "SELECT count(*) FROM chunk_tokens WHERE rowid IN (SELECT value FROM json_each(?))", (json.dumps(rowids),)
        ).fetchone()[0]
        assert db.execute("SELECT count(*) FROM chunk_tokens").fetchone() == db.execute(
            "SELECT count(*) FROM chunks").fetchone()
        return out
    finally:
        db.close()


def _chunk_rowids(db_path, report_id: str) -> list[int]:
    db = sqlite3.connect(db_path)
    try:
        return [r[0] for r in db.execute("SELECT id FROM chunks WHERE report_id = ?", (report_id,))]
    finally:
        db.close()


# ---------------------------------------------------------------- incremental writes
def test_adding_a_report_writes_only_its_rows_and_never_rebuilds(config, monkeypatch):
    index = Index.open(config)
    store = index.lexical()
    before = {r.chunk_id: r for r in store.all_rows()}
    ids_before = dict(store.db.execute("SELECT chunk_id, id FROM chunks").fetchall())
    # every insert or delete of a chunk row, with its report, as this connection makes it
    log = "INSERT INTO writes VALUES ('{op}', {row}.report_id)"
    store.db.executescript(
        "CREATE TEMP TABLE writes (op TEXT, report_id TEXT);"
        f"CREATE TEMP TRIGGER log_ins AFTER INSERT ON main.chunks BEGIN {log.format(op='+', row='new')}; END;"
        f"CREATE TEMP TRIGGER log_del AFTER DELETE ON main.chunks BEGIN {log.format(op='-', row='old')}; END;"
    )

    def refuse(*args, **kwargs):
        raise AssertionError("the whole lexical index was rebuilt for one report")

    monkeypatch.setattr(Index, "rebuild_lexical", refuse)
    third = _report(2)
    chunks = chunk_report(third)
    index.put_report(third, chunks, index.embed_chunks(chunks))

    writes = store.db.execute("SELECT op, report_id FROM writes").fetchall()
    assert writes == [("+", third.report_id)] * len(chunks)
    after = {r.chunk_id: r for r in store.all_rows()}
    assert {c: r for c, r in after.items() if r.report_id != third.report_id} == before
    assert {c: i for c, i in store.db.execute("SELECT chunk_id, id FROM chunks") if c in ids_before} == ids_before
    assert index.search("抖音号短视频", k=1, mode="bm25")[0].report_id == third.report_id


def test_removing_a_report_leaves_no_row_of_it(config):
    index = Index.open(config)
    gone, kept = _report(0).report_id, _report(1).report_id
    path = config.index_dir / "lexical.sqlite"
    rowids = _chunk_rowids(path, gone)
    assert rowids and all(_rows(path, gone).values())
    index.delete_report(gone)
    assert _rows(path, gone, rowids) == {"reports": 0, "report_names": 0, "chunks": 0, "chunk_tokens": 0}
    assert all(_rows(path, kept).values())
    assert all(h.report_id != gone for h in index.search("微信公众号发布信息", k=5))
    assert not index.chunks.get(where={"report_id": gone}, include=[])["ids"]


def test_an_interrupted_write_is_never_returned_and_reconcile_removes_its_rows(config):
    index = Index.open(config)
    third = _report(2)
    # what a kill between the lexical rows and the record leaves: rows and vectors, a journal entry, no record
    index._set_pending([third.report_id])
    chunks = chunk_report(third)
    index.lexical().put_report(third, chunks)
    path = config.index_dir / "lexical.sqlite"
    rowids = _chunk_rowids(path, third.report_id)
    assert rowids and all(h.report_id != third.report_id for h in index.search("抖音号短视频", k=5))
    assert index.reconcile() == [third.report_id]
    assert not any(_rows(path, third.report_id, rowids).values())


# ---------------------------------------------------------------- tables: lexical only
def test_table_chunks_are_found_lexically_but_never_embedded(config, embedder):
    index = Index.open(config)
    report = _report(0)
    tables = [c for c in chunk_report(report) if c.metadata.get("kind") == "table"]
    assert tables and not any(c.embedded for c in tables)
    assert not index.chunks.get(where={"kind": "table"}, include=[])["ids"]
    assert not any("本年新收政府信息公开申请数量" in t for t in embedder.passages)
    stored = set(index.chunks.get(include=[])["ids"])
    assert stored and not stored & {c.chunk_id for c in tables}
    only = SearchFilters(report_ids=[report.report_id])
    hits = index.search("本年新收政府信息公开申请数量", k=3, filters=only, mode="bm25")
    assert hits and hits[0].chunk_id in {c.chunk_id for c in tables}
    assert "总计：7" in hits[0].text
    assert all(h.chunk_id not in {c.chunk_id for c in tables} for h in index.search("申请数量", k=20, mode="vector"))


def test_put_report_refuses_vectors_for_table_chunks(config):
    index = Index.open(config)
    report = _report(2)
    chunks = chunk_report(report)
    with pytest.raises(ValueError, match="embedded chunks"):
        index.put_report(report, chunks, index.embedder.embed_passages([c.text for c in chunks]))


# ---------------------------------------------------------------- filters in the query
def test_filters_select_in_sql_what_they_selected_over_the_records(config):
    index = Index.open(config)
    third = _report(2)
    chunks = chunk_report(third)
    index.put_report(third, chunks, index.embed_chunks(chunks))
    ids = [_report(i).report_id for i in range(3)]
    assert index.allowed_report_ids(SearchFilters(years=[2021])) == {ids[0], ids[2]}
    assert index.allowed_report_ids(SearchFilters(regions=["东区"])) == {ids[0], ids[1]}
    assert index.allowed_report_ids(SearchFilters(regions=["柳河街道"], levels=["街道"])) == {ids[2]}
    assert index.allowed_report_ids(SearchFilters(regions=["东区"], years=[2022], report_ids=ids)) == {ids[1]}
    assert index.allowed_report_ids(SearchFilters(levels=["县级部门"])) == set()
    assert index.allowed_report_ids(SearchFilters(sections=["problems"])) is None
    hits = index.search("公开内容不够丰富", k=10, filters=SearchFilters(regions=["东区"], sections=["problems"]))
    assert hits and {h.report_id for h in hits} == {ids[0], ids[1]} and {h.section for h in hits} == {"problems"}
    for mode in ("bm25", "vector"):
        got = index.search("培训", k=10, filters=SearchFilters(years=[2022]), mode=mode)
        assert got and {h.report_id for h in got} == {ids[1]}
    assert index.search("培训", filters=SearchFilters(years=[1999])) == []


# ---------------------------------------------------------------- damage and repair
# FTS5's own b-tree blocks cut short (search fails) or zeroed (search silently finds nothing): SQLite's page checks
# pass either way; only FTS5's integrity check, which doctor runs, sees both.
@pytest.mark.parametrize("damage", ["substr(block, 1, length(block) / 2)", "zeroblob(length(block))"])
def test_a_damaged_fts_index_is_found_by_doctor_and_rebuilt_by_repair(config, damage):
    path = config.index_dir / "lexical.sqlite"
    first = Index.open(config)
    want = [r.chunk_id for r in first.lexical().all_rows()]
    first.lexical().close()
    db = sqlite3.connect(path)
    db.execute(f"UPDATE chunk_tokens_data SET block = {damage} WHERE id > 10")  # noqa: S608
    db.commit()
    db.close()
    if damage.startswith("substr"):
        with pytest.raises(IndexDamaged, match="lexical.sqlite"):
            Index.open(config).search("微信公众号", k=3, mode="bm25")
    bad = [c for c in diagnose(config) if not c.ok]
    assert [c.path for c in bad] == [path]
    result = repair(config)
    assert result.aside is not None and (result.aside / "lexical.sqlite").exists()
    assert not [c for c in diagnose(config) if not c.ok]
    index = Index.open(config)
    assert [r.chunk_id for r in index.lexical().all_rows()] == want
    assert index.search("微信公众号", k=1, mode="bm25")[0].short_name == "青石镇"


def test_a_lexical_file_that_is_not_a_database_is_moved_aside_at_open_and_rebuilt(config):
    path = config.index_dir / "lexical.sqlite"
    path.write_bytes(b"garbage" * 100)
    assert [c.path for c in diagnose(config) if not c.ok] == [path]
    index = Index.open(config)
    assert index.search("信息处理费", k=1, mode="bm25")[0].short_name == "白沙乡"
    aside = list((config.index_dir / "damaged").glob("*/lexical.sqlite"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"garbage" * 100


# ---------------------------------------------------------------- an index of the old BM25 files
def test_an_index_with_the_old_bm25_files_is_converted_at_open(config):
    # What the previous version left: every chunk (tables too) as vectors in Chroma, bm25/ beside it, no lexical db.
    index = Index.open(config)
    index.lexical().close()
    (config.index_dir / "lexical.sqlite").unlink()
    old_dir = config.index_dir / "bm25"
    old_dir.mkdir()
    entries = []
    for i in range(2):
        report = _report(i)
        chunks = chunk_report(report)
        tables = [c for c in chunks if not c.embedded]
        index.chunks.upsert(ids=[c.chunk_id for c in tables], documents=[c.text for c in tables],
                            metadatas=[c.metadata for c in tables],
                            embeddings=list(index.embedder.embed_passages([c.text for c in tables])))
        entries += [{"chunk_id": c.chunk_id, "report_id": c.report_id, "header": c.header, "body": c.body}
                    for c in chunks]
    (old_dir / "chunks.jsonl").write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n",
                                          encoding="utf-8")
    (old_dir / "manifest.json").write_text(json.dumps({"chunk_count": len(entries), "entries": len(entries)}))
    assert index.chunks.get(where={"kind": "table"}, include=[])["ids"]

    reopened = Index.open(config)
    hits = reopened.search("本年新收政府信息公开申请数量", k=1, mode="bm25")  # lexical search answers at once
    assert hits and "总计：7" in hits[0].text
    assert sorted(r.chunk_id for r in reopened.lexical().all_rows()) == sorted(e["chunk_id"] for e in entries)
    assert not old_dir.exists()
    assert not reopened.chunks.get(where={"kind": "table"}, include=[])["ids"]


def test_a_filtered_query_never_passes_over_every_chunk(config, monkeypatch):
    """The filters reach the chunks through their indexes, and FTS5 runs its MATCH once (not once per allowed row):
    no plan step scans `chunks` whole, whatever the filter (the per-chunk pass the old search made on every call)."""
    index = Index.open(config)
    store = index.lexical()
    seen: list[tuple[str, list]] = []
    run = store._run

    def spy(sql, args=()):
        seen.append((sql, list(args)))
        return run(sql, args)

    monkeypatch.setattr(store, "_run", spy)
    for filters in (SearchFilters(report_ids=[_report(0).report_id]), SearchFilters(sections=["problems"]),
                    SearchFilters(regions=["东区"], sections=["overview"]), SearchFilters(levels=["乡镇"])):
        seen.clear()
        assert store.rank("微信公众号 培训", 10, filters)
        sql, args = next((q, a) for q, a in seen if "MATCH" in q)
        plan = [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
        assert not [step for step in plan if step.startswith("SCAN chunks")], plan
        assert sum("chunk_tokens VIRTUAL TABLE" in step for step in plan) == 1, plan
        assert any("USING" in step and "INDEX chunks_" in step for step in plan), plan



def _explained(store, sql: str, args) -> list[str]:
    return [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", args)]


def test_a_report_filter_reaches_the_chunks_by_report_even_with_a_section_filter(config, monkeypatch):
    """Without table statistics SQLite would walk the section's index — every report's rows of that section, the
    whole corpus — when a question names both a report and a section; the report's index is the narrow one."""
    index = Index.open(config)
    store = index.lexical()
    seen: list[tuple[str, list]] = []
    run = store._run
    monkeypatch.setattr(store, "_run", lambda sql, args=(): seen.append((sql, list(args))) or run(sql, args))
    for filters in (SearchFilters(report_ids=[_report(0).report_id], sections=["problems"]),
                    SearchFilters(regions=["东区"], sections=["problems", "overview"]),
                    SearchFilters(years=[2021], sections=["overview"])):
        seen.clear()
        assert store.rank("培训 微信公众号", 10, filters)
        assert store.passage_ids(filters, cap=100)
        for sql, args in [(q, a) for q, a in seen if "section" in q]:
            plan = _explained(store, sql, args)
            assert not any("INDEX chunks_section" in step for step in plan), (sql, plan)
            assert any("INDEX chunks_report" in step for step in plan), (sql, plan)


@pytest.mark.parametrize("filters", [
    SearchFilters(report_ids=["青石镇-2021-00000000"]),
    SearchFilters(regions=["东区"]),
    SearchFilters(regions=["东区"], sections=["problems"]),
    SearchFilters(years=[2022], sections=["overview", "problems"]),
])
def test_a_narrow_filter_ranks_its_passages_as_the_filtered_vector_query_does(config, monkeypatch, filters):
    """Few allowed passages: their stored vectors are fetched by id and ranked here (Chroma's `where` query scans
    every chunk's metadata). The order is the filtered query's, table text is never among them, and a report whose
    vectors are still pending is found lexically only."""
    index = Index.open(config)
    waiting = _report(2)
    index.put_records([(waiting, chunk_report(waiting))])
    store = index.lexical()
    default = store_module.EXACT_RANK_CHUNKS
    queried = []
    query = index.chunks.query
    monkeypatch.setattr(index.chunks, "query", lambda **kw: queried.append(kw) or query(**kw))
    for text in ("培训", "微信公众号发布信息", "公开内容不够丰富", "申请数量"):
        exact = index._vector_rank(text, 50, filters, store)
        assert not queried  # ranked without Chroma's filtered query
        monkeypatch.setattr(store_module, "EXACT_RANK_CHUNKS", 0)
        by_chroma = index._vector_rank(text, 50, filters, store)
        monkeypatch.setattr(store_module, "EXACT_RANK_CHUNKS", default)
        assert len(queried) == 1 and queried.pop()["where"]
        assert exact and exact == by_chroma
        rows = store.rows(exact)
        assert all(rows[c].kind != "table" for c in exact)
        assert all(rows[c].report_id != waiting.report_id for c in exact)
    both = SearchFilters(report_ids=[waiting.report_id, _report(0).report_id])
    assert {store.rows([c])[c].report_id for c in index._vector_rank("抖音号", 50, both, store)} == {
        _report(0).report_id}
    assert index.search("抖音号短视频", k=3, filters=SearchFilters(report_ids=[waiting.report_id]), mode="bm25")
    assert index._vector_rank("抖音号", 50, SearchFilters(report_ids=[waiting.report_id]), store) == []

@pytest.mark.parametrize("worker_fails", [False, True])
def test_lexical_rows_are_the_same_whether_the_parse_worker_or_the_writer_tokenizes(tmp_path, monkeypatch,
                                                                                     worker_fails):
    """An ingest has its parse workers compute each chunk's lexical tokens (the writer's core only writes); a worker
    that fails at it (None) leaves it to the writer. Either way the rows are exactly lexical_tokens of the chunk."""
    from indexing.guard import ParseWorker, parse_worker
    from indexing.pipeline import ingest_paths
    from indexing.retrieve import lexical_tokens
    from tests.conftest import SAMPLES

    texts = ["2021年本机关共收到政府信息公开申请0件。", "通过“侯家镇”微信公众号发布信息36条", "", "！？"]
    with parse_worker() as worker:
        assert worker.tokenize(texts) == [lexical_tokens(t) for t in texts]
        worker._holder[0].kill()  # a dead worker is replaced before the next request
        assert worker.tokenize(texts[:1]) == [lexical_tokens(texts[0])]

    if worker_fails:
        monkeypatch.setattr(ParseWorker, "tokenize", lambda self, texts, seconds=0: None)
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([SAMPLES[0]], config, embed=False)
    index = Index.open(config)
    rows = list(index.lexical().all_rows())
    assert len(rows) == len(chunk_report(index.reports()[0]))
    assert all(index.lexical().tokens_of(r.chunk_id) == lexical_tokens(f"{r.header}\n{r.body}") for r in rows)
