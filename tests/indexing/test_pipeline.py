"""Ingest: incremental by content hash, bad files named, interrupted runs recoverable, nothing stored twice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexing.chunking import chunk_report
from indexing.parser import parse_file
from indexing.pipeline import SLOW_ENV, ingest_paths, load_reports, remove_reports
from indexing.store import Index, IndexConfig
from tests.conftest import PROJECT_ROOT, SAMPLES

pytestmark = pytest.mark.slow


def _copy_samples(dest: Path, which=None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(len(SAMPLES)) if which is None else which:
        shutil.copy(SAMPLES[i], dest / SAMPLES[i].name)
    return dest


def _chunk_ids(index: Index) -> list[str]:
    return index.chunks.get(include=[])["ids"]


def _expected_chunks(files) -> int:
    return sum(len(chunk_report(parse_file(p))) for p in files)


def _assert_consistent(config: IndexConfig, files) -> None:
    """Exactly one record per file and exactly its chunks — no orphans, no duplicates: the prose ones as vectors,
    every one (tables too) as lexical rows."""
    index = Index.open(config)
    reports = index.reports()
    assert sorted(r.source for r in reports) == sorted(p.name for p in files)
    expected = [c for p in files for c in chunk_report(parse_file(p))]
    ids = _chunk_ids(index)
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(c.chunk_id for c in expected if c.embedded)
    assert {i.rsplit(":", 2)[0] for i in ids} == {r.report_id for r in reports}
    assert [r.chunk_id for r in index.lexical().all_rows()] == sorted(c.chunk_id for c in expected)


def test_ingest_then_reingest_is_a_no_op(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus")
    config = IndexConfig(index_dir=tmp_path / "index")
    lines: list[str] = []
    first = ingest_paths([corpus], config, progress=lines.append)
    assert len(first.added) == 5 and not first.failures and not first.replaced
    assert first.chunks == _expected_chunks(sorted(corpus.iterdir()))
    assert any(line.startswith("[5/5]") and "块" in line for line in lines)
    assert first.describe().startswith("新增 5 份，更新 0 份，未变 0 份，失败 0 份；块 ")

    second = ingest_paths([corpus], config)
    assert sorted(second.unchanged) == sorted(first.added)
    assert not second.added and not second.replaced and second.chunks == 0 and second.embedded == 0
    assert "未变 5 份" in second.describe()
    _assert_consistent(config, sorted(corpus.iterdir()))
    assert len(load_reports(config)) == 5


def test_changed_file_replaces_its_record_and_chunks(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus", [0, 1])
    config = IndexConfig(index_dir=tmp_path / "index")
    first = ingest_paths([corpus], config)
    target = corpus / SAMPLES[0].name
    old_id = next(rid for rid in first.added if rid.startswith("侯家镇"))
    text = target.read_text(encoding="utf-8")
    marker = "2021年度本单位未收取信息处理费。"
    assert marker in text
    target.write_text(text.replace(marker, marker + "本镇开展政务公开进社区活动十二场。"), encoding="utf-8")

    second = ingest_paths([corpus], config)
    assert len(second.replaced) == 1 and second.removed == [old_id] and len(second.unchanged) == 1
    new_id = second.replaced[0]
    assert new_id != old_id
    # only the changed chunk needed a new embedding; the rest came from the cache
    assert 0 < second.embedded < second.chunks
    index = Index.open(config)
    assert index.report(old_id) is None and index.report(new_id) is not None
    assert not [i for i in _chunk_ids(index) if i.startswith(old_id + ":")]
    _assert_consistent(config, sorted(corpus.iterdir()))
    hit = index.search("政务公开进社区活动", k=1)[0]
    assert hit.report_id == new_id and "十二场" in hit.text


def test_two_bodies_whose_files_share_a_name_stay_apart(tmp_path):
    """Downloads are often all called “年度报告.txt”: the file name alone never decides which report is replaced."""
    for i, folder in ((0, "a"), (3, "b")):
        (tmp_path / folder).mkdir()
        shutil.copy(SAMPLES[i], tmp_path / folder / "年度报告.txt")
    config = IndexConfig(index_dir=tmp_path / "index")
    first = ingest_paths([tmp_path / "a"], config)
    second = ingest_paths([tmp_path / "b"], config)
    assert len(first.added) == len(second.added) == 1 and not second.replaced and not second.removed
    assert sorted(r.short_name for r in Index.open(config).reports()) == ["侯家镇", "港口乡"]


def test_the_same_report_under_a_new_name_replaces_the_old_one(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus", [0])
    config = IndexConfig(index_dir=tmp_path / "index")
    old_id = ingest_paths([corpus], config).added[0]
    text = SAMPLES[0].read_text(encoding="utf-8")
    again = tmp_path / "again"
    again.mkdir()
    (again / "侯家镇2021年报（修订）.txt").write_text(text + "\n（修订稿）\n", encoding="utf-8")

    summary = ingest_paths([again], config)
    assert summary.removed == [old_id] and len(summary.replaced) == 1
    reports = Index.open(config).reports()
    assert [(r.short_name, r.year, r.source) for r in reports] == [("侯家镇", 2021, "侯家镇2021年报（修订）.txt")]
    assert not [i for i in _chunk_ids(Index.open(config)) if i.startswith(old_id + ":")]


def test_a_failed_write_keeps_the_old_version_and_the_batch_goes_on(tmp_path, monkeypatch):
    import indexing.pipeline as pipeline

    corpus = _copy_samples(tmp_path / "corpus", [0, 1])
    config = IndexConfig(index_dir=tmp_path / "index")
    first = ingest_paths([corpus], config)
    old_id = next(rid for rid in first.added if rid.startswith("侯家镇"))
    target = corpus / SAMPLES[0].name
    target.write_text(target.read_text(encoding="utf-8") + "\n（修订稿）\n", encoding="utf-8")
    shutil.copy(SAMPLES[3], corpus / SAMPLES[3].name)

    def chunk_or_fail(report):
        if report.short_name == "侯家镇":
            raise RuntimeError("disk full")
        return chunk_report(report)

    monkeypatch.setattr(pipeline, "chunk_report", chunk_or_fail)
    summary = ingest_paths([corpus], config)
    assert [(Path(src).name, "disk full" in why) for src, why in summary.failures] == [(SAMPLES[0].name, True)]
    assert len(summary.added) == 1 and not summary.removed  # 港口乡 went in; 侯家镇's old version stayed
    index = Index.open(config)
    assert index.report(old_id) is not None
    assert sorted(r.short_name for r in index.reports()) == ["侯家镇", "港口乡", "辉渠镇"]


def test_remove_by_report_id_or_file_name(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus", [0, 1, 2])
    config = IndexConfig(index_dir=tmp_path / "index")
    summary = ingest_paths([corpus], config)
    by_name = {parse_file(p).report_id: p.name for p in corpus.iterdir()}
    first_id, second_id = sorted(summary.added)[:2]

    assert remove_reports([first_id, by_name[second_id], "不存在.txt"], config) == [first_id, by_name[second_id]]
    index = Index.open(config)
    assert {r.report_id for r in index.reports()} == set(summary.added) - {first_id, second_id}
    left = [i for i in _chunk_ids(index) if i.startswith((first_id + ":", second_id + ":"))]
    assert left == []
    assert all(h.report_id not in (first_id, second_id) for h in index.search("政府信息公开申请", k=20))
    assert remove_reports([first_id], config) == []


def test_bad_files_are_named_and_good_ones_stored_once(tmp_path, make_docx):
    corpus = _copy_samples(tmp_path / "corpus", [0, 3])
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "noise.txt").write_bytes(os.urandom(4096))
    (corpus / "noise.pdf").write_bytes(os.urandom(4096))
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (corpus / "truncated.txt").write_text(SAMPLES[1].read_text(encoding="utf-8")[:60], encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")

    summary = ingest_paths([corpus], config)
    failed = {Path(source).name for source, _ in summary.failures}
    assert failed == {"empty.txt", "noise.txt", "noise.pdf", "broken.docx", "truncated.txt"}
    assert all(reason for _, reason in summary.failures)
    assert len(summary.added) == 2
    assert "失败 5 份" in summary.describe()

    again = ingest_paths([corpus], config)
    assert not again.added and len(again.unchanged) == 2 and len(again.failures) == 5
    _assert_consistent(config, [corpus / SAMPLES[0].name, corpus / SAMPLES[3].name])


def test_interrupted_write_leaves_no_visible_orphans_and_rerun_completes(tmp_path, monkeypatch):
    """Lexical rows written, records not: the record is the commit marker, so search ignores the rows until a
    re-run, which cleans them and completes."""
    corpus = _copy_samples(tmp_path / "corpus", [0, 1])
    config = IndexConfig(index_dir=tmp_path / "index")
    index = Index.open(config)

    class DiesOnRecordWrite:
        def __init__(self, real):
            self.real = real

        def upsert(self, *args, **kwargs):
            raise KeyboardInterrupt("killed")

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(index, "records", DiesOnRecordWrite(index.records))
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([corpus], config, index=index)

    reopened = Index.open(config)
    assert reopened.reports() == []
    assert len(reopened.lexical().report_ids()) == 2  # the half-written reports are on disk ...
    assert reopened.search("政府信息公开", k=30) == []  # ... but never returned

    summary = ingest_paths([corpus], config)
    assert len(summary.added) == 2
    _assert_consistent(config, sorted(corpus.iterdir()))


def test_ingest_killed_while_writing_vectors_resumes_from_the_records(tmp_path, monkeypatch):
    """Records committed, vectors half written: the reports are answerable (lexically) at once, wait for their
    vectors in their metadata, and the next run writes exactly the missing ones — no duplicate, nothing lost."""
    corpus = _copy_samples(tmp_path / "corpus", [0, 1, 2])
    config = IndexConfig(index_dir=tmp_path / "index")
    index = Index.open(config)
    real_upsert = index.chunks.upsert
    calls = []

    def dies_on_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr("indexing.vectors.BATCH_PASSAGES", 1)  # one report a batch
    monkeypatch.setattr(index.chunks, "upsert", dies_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([corpus], config, index=index)

    reopened = Index.open(config)
    assert len(reopened.reports()) == 3
    waiting = reopened.waiting_for_vectors()
    assert len(waiting) == 2  # the first report's vectors landed; two wait
    assert {h.report_id for h in reopened.search("政府信息公开", k=50, mode="bm25")} >= set(waiting)

    again = ingest_paths([corpus], config)
    assert len(again.unchanged) == 3 and not again.added
    assert Index.open(config).waiting_for_vectors() == []
    _assert_consistent(config, sorted(corpus.iterdir()))


def test_killed_ingest_process_reopens_and_rerun_completes(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    env = dict(os.environ, **{SLOW_ENV: "30"})
    cmd = [sys.executable, "-m", "nianbao.cli", "ingest", str(corpus), "--index", str(index_dir)]
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 300
        for line in proc.stderr:
            if line.startswith("[1/5]") and "新增" in line:
                break
            assert time.monotonic() < deadline, "no progress line"
        else:
            pytest.fail("ingest ended before its first report was stored")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()

    config = IndexConfig(index_dir=index_dir)
    index = Index.open(config)  # opens after a kill
    assert 1 <= len(index.reports()) < 5
    assert index.search("政府信息公开申请", k=3)

    result = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "未变 " in result.stdout and "失败 0 份" in result.stdout
    _assert_consistent(config, sorted(corpus.iterdir()))


def test_a_renamed_copy_is_unchanged_and_says_which_file_holds_it(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus", [3])
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([corpus], config)
    copy = tmp_path / "copy" / "港口乡2021年报.txt"
    copy.parent.mkdir()
    shutil.copy(SAMPLES[3], copy)
    lines: list[str] = []
    summary = ingest_paths([copy], config, progress=lines.append)
    assert len(summary.unchanged) == 1 and not summary.added
    assert any("未变" in line and SAMPLES[3].name in line for line in lines), lines
    assert len(Index.open(config).reports()) == 1


def test_two_versions_in_one_folder_keep_the_later_file_on_every_run(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = SAMPLES[0].read_text(encoding="utf-8")
    (corpus / "a_v1.txt").write_text(text, encoding="utf-8")
    (corpus / "b_v2.txt").write_text(text + "\n（修订稿）\n", encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")
    for _ in range(3):  # a re-run once deleted both versions (a stale content hash counted as “still indexed”)
        lines: list[str] = []
        ingest_paths([corpus], config, progress=lines.append)
        assert [r.source for r in Index.open(config).reports()] == ["b_v2.txt"]
        assert any("同一单位同一年度" in line for line in lines)


def test_bodies_of_one_name_in_two_counties_stay_apart(tmp_path):
    corpus = _copy_samples(tmp_path / "corpus", [3])
    text = SAMPLES[3].read_text(encoding="utf-8")
    assert "铜鼓县" in text
    (corpus / "other_county.txt").write_text(text.replace("铜鼓县", "修水县"), encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")
    summary = ingest_paths([corpus], config)
    assert len(summary.added) == 2 and not summary.removed
    assert sorted(r.region[-1] for r in Index.open(config).reports()) == ["修水县", "铜鼓县"]


# ---------------------------------------------------------------- unidentified reports, fixes, manifests
UNNAMED = (
    "根据《中华人民共和国政府信息公开条例》要求，现将我镇政府信息公开工作情况报告如下。\n"
    "一、总体情况\n全年主动公开政府信息17条，未收到政府信息公开申请。\n"  # no year, no body
    "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
)


def test_unidentified_reports_are_kept_apart_and_fixed_by_hand(tmp_path):
    from answering.assistant import Assistant
    from indexing.pipeline import fix_report

    corpus = _copy_samples(tmp_path / "corpus", [0])
    (corpus / "a.txt").write_text(UNNAMED, encoding="utf-8")
    (corpus / "b.txt").write_text(UNNAMED.replace("17条", "23条"), encoding="utf-8")  # same (empty) body and year
    config = IndexConfig(index_dir=tmp_path / "index")
    summary = ingest_paths([corpus], config)
    assert not summary.failures and len(summary.added) == 3  # neither unnamed file replaces the other

    index = Index.open(config)
    unnamed = [r for r in index.reports() if not r.identified]
    assert sorted(r.source for r in unnamed) == ["a.txt", "b.txt"]
    assert all({"agency.missing", "year.missing"} <= {f.rule for f in r.flags} for r in unnamed)
    assert {i.rsplit(":", 2)[0] for i in _chunk_ids(index)} == {SAMPLES_ID(index)}  # no chunks: not searchable
    assert [r.short_name for r in Assistant(index).reports()] == ["侯家镇"]

    target = next(r for r in unnamed if r.source == "a.txt")
    fixed = fix_report(target.report_id, {"agency": "云川县青禾镇人民政府", "year": 2022}, config)
    assert (fixed.short_name, fixed.region, fixed.year, fixed.identified) == ("青禾镇", ["云川县"], 2022, True)
    assert fixed.sources["agency"] == "correction" and not {"agency.missing", "year.missing"} & {
        f.rule for f in fixed.flags}
    index.refresh()
    answer = Assistant(index).ask("青禾镇2022年主动公开了多少条政府信息？")
    assert "17" in answer.answer

    # The correction is kept by content: removing and re-ingesting the same file brings it back corrected.
    remove_reports(["a.txt"], config)
    ingest_paths([corpus / "a.txt"], config)
    again = next(r for r in load_reports(config) if r.source == "a.txt")
    assert (again.short_name, again.year, again.corrections["year"]) == ("青禾镇", 2022, 2022)


def SAMPLES_ID(index: Index) -> str:
    return next(r.report_id for r in index.reports() if r.identified)


def test_manifest_names_what_the_file_does_not(tmp_path):
    from indexing.pipeline import read_manifest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "t2023_001.txt").write_text(UNNAMED, encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,agency,region,year,url\nt2023_001.txt,云川县石门乡人民政府,某省/某市/云川县,2022,"
                        "http://example.invalid/1\n", encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")
    assert not ingest_paths([corpus], config, manifest=read_manifest(manifest)).failures
    (r,) = load_reports(config)
    assert (r.short_name, r.region, r.year) == ("石门乡", ["某省", "某市", "云川县"], 2022)
    assert r.sources["year"] == "manifest"

    bad = tmp_path / "bad.csv"
    bad.write_text("file,year\nx.txt,22\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv: 第 2 行"):
        read_manifest(bad)
