"""Records first: reports answerable before their vectors, vectors filled in afterwards (resuming), records read back
only when they changed, and records stored packed (old plain-JSON records still read)."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest

from answering.assistant import Assistant
from indexing.chunking import chunk_report
from indexing.parser import parse_file
from indexing.pipeline import ingest_paths, remove_reports
from indexing.store import VECTORS, Index, IndexConfig, IndexDamaged
from indexing.vectors import embed_pending
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"


def _corpus(dest: Path, which=(0, 1, 2, 3, 4)) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for i in which:
        shutil.copy(SAMPLES[i], dest / SAMPLES[i].name)
    return dest


def _vector_ids(index: Index) -> set[str]:
    return set(index.chunks.get(include=[])["ids"])


def test_records_answer_before_any_vector_exists(tmp_path):
    config = IndexConfig(index_dir=tmp_path / "index")
    summary = ingest_paths([_corpus(tmp_path / "corpus")], config, embed=False)
    assert len(summary.added) == 5 and summary.embedded == 0
    index = Index.open(config)
    assert _vector_ids(index) == set()
    assert len(index.waiting_for_vectors()) == 5
    answer = Assistant.open(config).ask(HEADLINE)
    assert set(answer.items) == {"侯家镇", "港口乡", "白奎镇"}
    # keyword search already finds the prose of a report that has no vector yet
    assert index.search("政府信息公开申请", k=5, mode="bm25")
    assert index.search("政府信息公开申请", k=5, mode="vector") == []


def test_embed_pending_writes_exactly_the_embedded_chunks_and_marks_them_done(tmp_path):
    corpus = _corpus(tmp_path / "corpus", (0, 3))
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([corpus], config, embed=False)
    index = Index.open(config)
    seen = []
    done = embed_pending(index, progress=lambda s: seen.append((s.done, s.total)))
    assert done.done == done.total == 2 and not done.stopped
    assert seen[-1] == (2, 2)
    expected = {c.chunk_id for p in sorted(corpus.iterdir()) for c in chunk_report(parse_file(p)) if c.embedded}
    assert _vector_ids(index) == expected
    assert index.waiting_for_vectors() == []
    assert all(m.get(VECTORS) == "done" for m in Index.open(config).record_meta().values())
    assert embed_pending(index).total == 0  # nothing left: a second run does nothing


def test_a_stopped_catch_up_resumes_where_it_stopped(tmp_path, monkeypatch):
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([_corpus(tmp_path / "corpus", (0, 1, 2))], config, embed=False)
    monkeypatch.setattr("indexing.vectors.BATCH_PASSAGES", 1)  # one report a batch
    index = Index.open(config)
    stop = threading.Event()
    first = embed_pending(index, progress=lambda s: stop.set(), stop=stop)  # asked to stop after one batch
    assert first.stopped and first.done == 1
    assert len(Index.open(config).waiting_for_vectors()) == 2
    rest = embed_pending(Index.open(config))
    assert rest.total == 2 and rest.done == 2
    assert Index.open(config).waiting_for_vectors() == []


def test_vectors_of_a_report_replaced_meanwhile_are_not_written(tmp_path):
    """Vectors computed for a report that was removed before they were written must not land (no orphan chunks)."""
    corpus = _corpus(tmp_path / "corpus", (0,))
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([corpus], config, embed=False)
    index = Index.open(config)
    [(report, chunks)] = list(index.chunked_records(index.waiting_for_vectors()))
    vectors = np.zeros((sum(c.embedded for c in chunks), index.embedder.dim), dtype=np.float32)
    remove_reports([report.report_id], config)
    assert index.put_vectors([(report, chunks, vectors)]) == []
    assert _vector_ids(index) == set()


def test_refresh_reads_again_only_the_records_that_changed(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "corpus", (0, 1))
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([corpus], config, embed=False)
    index = Index.open(config)
    before = {r.report_id: r for r in index.reports()}

    embed_pending(index)  # vectors only: every record stays as it was
    index.refresh()
    reads = []
    real = index.records.get

    def counting_get(*args, **kwargs):
        if "documents" in (kwargs.get("include") or []):
            reads.append(kwargs.get("ids"))
        return real(*args, **kwargs)

    monkeypatch.setattr(index.records, "get", counting_get)
    after = {r.report_id: r for r in index.reports()}
    assert reads == [] and all(after[rid] is before[rid] for rid in before)

    shutil.copy(SAMPLES[2], corpus / SAMPLES[2].name)  # one new report
    ingest_paths([corpus], config, embed=False)
    index.refresh()
    now = index.reports()
    assert len(now) == 3 and len(reads) == 1 and len(reads[0]) == 1
    assert all(any(r is before[rid] for r in now) for rid in before)


def test_a_record_rewritten_under_the_same_id_is_read_again(tmp_path):
    """A re-parse writes a record under the same report_id: the stamp in its metadata makes readers take it."""
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([_corpus(tmp_path / "corpus", (0,))], config, embed=False)
    reader = Index.open(config)
    [old] = reader.reports()
    writer = Index.open(config)
    changed = json.loads(json.dumps(old.to_dict()))
    changed["sections"] = {**changed["sections"], "other": "本年度无其他需要报告的事项。（改写）"}
    rewritten = type(old).from_dict(changed)
    writer.put_records([(rewritten, chunk_report(rewritten))])
    reader.refresh()
    [new] = reader.reports()
    assert new.report_id == old.report_id and new.sections["other"].endswith("（改写）")


def test_records_are_packed_and_plain_json_records_still_read(tmp_path):
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([_corpus(tmp_path / "corpus", (0,))], config, embed=False)
    index = Index.open(config)
    got = index.records.get(include=["documents"])
    [doc] = got["documents"]
    [report] = index.reports()
    assert not doc.startswith("{") and len(doc) < len(json.dumps(report.to_dict(), ensure_ascii=False))
    # an index written before records were packed
    index.records.update(ids=got["ids"], documents=[json.dumps(report.to_dict(), ensure_ascii=False)])
    assert Index.open(config).reports() == [report]
    # and one packed with base85 (before base64: b85decode is pure Python, the whole load's cost at 10,000)
    raw = zlib.compress(json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8"))
    index.records.update(ids=got["ids"], documents=["z85:" + base64.b85encode(raw).decode("ascii")])
    assert Index.open(config).reports() == [report]
    for broken in ("z64:" + base64.b64encode(raw[:-9]).decode("ascii"), "z85:" + "~" * 12, "z64:@@@"):
        index.records.update(ids=got["ids"], documents=[broken])
        with pytest.raises(IndexDamaged, match="unreadable"):
            Index.open(config).reports()
