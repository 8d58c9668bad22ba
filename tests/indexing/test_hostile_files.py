"""Hostile files are refused within bounds, with their reason, and the batch goes on (issue 11, finding 1 and 7).

Every hostile file is made here at run time (tests/faults/hostile.py): nothing big is committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexing import guard
from indexing.guard import IndexBusy
from indexing.models import ReadError
from indexing.pipeline import ParseLimits, ingest_paths, remove_reports
from indexing.readers import read_document
from indexing.store import Index, IndexConfig
from tests.conftest import PROJECT_ROOT
from tests.faults.hostile import GOOD_REPORT, MiB, bomb_docx, good_report, many_members_docx

pytestmark = pytest.mark.slow


def _timed_ingest(paths, config, **kwargs):
    """ingest_paths, with the moment each progress line came (seconds after the file list was announced)."""
    lines: list[tuple[float, str]] = []
    start = [time.perf_counter()]

    def progress(line: str) -> None:
        if line.startswith("共 "):
            start[0] = time.perf_counter()
        lines.append((time.perf_counter() - start[0], line))

    return ingest_paths(paths, config, progress=progress, **kwargs), lines


def _sources(config: IndexConfig) -> list[str]:
    return sorted(r.source for r in Index.open(config).reports())


def test_zip_bomb_is_refused_fast_with_its_reason_and_the_files_after_it_are_indexed(tmp_path, make_docx):
    batch = tmp_path / "batch"
    batch.mkdir()
    bomb = bomb_docx(batch / "a_bomb.docx")  # word/document.xml unpacks to 1 GiB
    assert bomb.stat().st_size < 5 * MiB
    good_report(batch / "b_good.txt")
    make_docx(batch / "c_good.docx", GOOD_REPORT.replace("青石镇", "云岭乡").strip().split("\n"))
    config = IndexConfig(index_dir=tmp_path / "index")

    summary, lines = _timed_ingest([batch], config)

    assert [source for source, _ in summary.failures] == ["a_bomb.docx"]
    reason = summary.failures[0][1]
    assert "word/document.xml" in reason and "上限" in reason and "32.0 MB" in reason
    refused_at = next(t for t, line in lines if line.startswith("[1/3] a_bomb.docx：失败"))
    assert refused_at <= 5.0, lines
    assert len(summary.added) == 2
    assert _sources(config) == ["b_good.txt", "c_good.docx"]
    # Ingesting again neither loses nor duplicates what is indexed.
    again = ingest_paths([batch], config)
    assert len(again.unchanged) == 2 and not again.added and [s for s, _ in again.failures] == ["a_bomb.docx"]
    assert _sources(config) == ["b_good.txt", "c_good.docx"]


def test_member_whose_declared_size_lies_is_stopped_by_what_it_inflates(tmp_path):
    # Declares 5 KB, inflates to 200 MB: zipfile would inflate all of it in one call before noticing.
    liar = bomb_docx(tmp_path / "liar.docx", mib=200, declared=5000)
    started = time.perf_counter()
    with pytest.raises(ReadError) as refused:
        read_document(liar)
    assert time.perf_counter() - started < 5.0
    assert refused.value.source == "liar.docx"
    assert "word/document.xml" in refused.value.reason and "声明" in refused.value.reason


def test_member_with_a_bomb_compression_ratio_is_refused(tmp_path):
    # 20 MiB of one letter: under the per-member size limit, ~1000:1 packed.
    dense = bomb_docx(tmp_path / "dense.docx", mib=20)
    with pytest.raises(ReadError) as refused:
        read_document(dense)
    assert "压缩比" in refused.value.reason and f"{guard.ZIP_MAX_RATIO}:1" in refused.value.reason


def test_zip_of_thousands_of_members_is_refused(tmp_path):
    crowded = many_members_docx(tmp_path / "crowded.docx", extra=5000)
    with pytest.raises(ReadError) as refused:
        read_document(crowded)
    assert f"成员超过 {guard.ZIP_MAX_MEMBERS} 个" in refused.value.reason


def test_an_ordinary_docx_still_reads_through_the_checked_package(tmp_path, make_docx):
    path = make_docx(tmp_path / "ok.docx", GOOD_REPORT.strip().split("\n"))
    assert "青石镇2021年政府信息公开工作年度报告" in read_document(path).text


def test_parse_over_the_time_limit_is_stopped_and_the_batch_goes_on(tmp_path, monkeypatch):
    batch = tmp_path / "batch"
    batch.mkdir()
    good_report(batch / "a_slow.txt", "石门镇")
    good_report(batch / "b_good.txt")
    monkeypatch.setenv(guard.PARSE_DELAY_ENV, "slow:60")  # the worker sleeps 60 s before parsing a_slow.txt
    config = IndexConfig(index_dir=tmp_path / "index")

    started = time.perf_counter()
    summary = ingest_paths([batch], config, limits=ParseLimits(seconds=1.0))

    assert time.perf_counter() - started < 45
    assert [source for source, _ in summary.failures] == ["a_slow.txt"]
    assert "超时" in summary.failures[0][1] and "1 秒" in summary.failures[0][1]
    assert _sources(config) == ["b_good.txt"]  # a fresh worker parsed the next file


def test_parse_over_the_memory_limit_is_stopped_and_the_batch_goes_on(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    # Within the 20 MB file limit, but decoding and splitting it takes far more than 64 MB.
    filler = "本年度收到政府信息公开申请3件，均已按时办结。\n" * 250_000
    (batch / "a_huge.txt").write_text(GOOD_REPORT.replace("青石镇", "石门镇") + filler, encoding="utf-8")
    assert (batch / "a_huge.txt").stat().st_size < guard.MAX_FILE_BYTES
    good_report(batch / "b_good.txt")
    config = IndexConfig(index_dir=tmp_path / "index")

    summary = ingest_paths([batch], config, limits=ParseLimits(memory_bytes=64 * MiB))

    assert [source for source, _ in summary.failures] == ["a_huge.txt"]
    assert "内存" in summary.failures[0][1] and "64.0 MB" in summary.failures[0][1]
    assert _sources(config) == ["b_good.txt"]


# ---------------------------------------------------------------- the index lock
def _cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    code = "import sys; from nianbao.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_holder(lock: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lock.exists() and f"pid {proc.pid}" in lock.read_text(encoding="utf-8", errors="replace"):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the first writer never took the lock")


def test_a_second_ingest_waits_for_the_first_and_redoes_nothing(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    good_report(batch / "a.txt")
    good_report(batch / "b.txt", "云岭乡")
    index = tmp_path / "index"
    first = _cli("ingest", str(batch), "--index", str(index), env={"NIANBAO_TEST_SLOW_INGEST": "2"})
    try:
        _wait_for_holder(index / guard.LOCK_FILE, first)
        second = _cli("ingest", str(batch), "--index", str(index))
        out2, err2 = second.communicate(timeout=300)
        out1, err1 = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "等待" in err2 and f"pid {first.pid}" in err2
    assert out1.startswith("新增 2 份")
    assert out2.startswith("新增 0 份，更新 0 份，未变 2 份")  # it waited, then found the work done
    assert _sources(IndexConfig(index_dir=index)) == ["a.txt", "b.txt"]


def test_a_writer_held_past_the_wait_is_refused_naming_the_holder(tmp_path, monkeypatch):
    index = tmp_path / "index"
    config = IndexConfig(index_dir=index)
    good_report(tmp_path / "a.txt")
    assert not ingest_paths([tmp_path / "a.txt"], config).failures
    holder_code = (
        "import sys, time\n"
        "from indexing.guard import index_lock\n"
        "with index_lock(sys.argv[1]):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holder_code, str(index)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(guard, "LOCK_WAIT_SECONDS", 0.5)
        summary = ingest_paths([tmp_path / "a.txt"], config)
        assert len(summary.failures) == 1 and f"pid {holder.pid}" in summary.failures[0][1]
        assert not summary.added and not summary.unchanged
        with pytest.raises(IndexBusy, match=f"pid {holder.pid}"):
            remove_reports(["a.txt"], config)
        from nianbao.cli import main  # the CLI says who holds it, with its own exit code, not a traceback

        assert main(["remove", "a.txt", "--index", str(index)]) == 4
    finally:
        holder.kill()
        holder.wait()
    assert remove_reports(["a.txt"], config) == ["a.txt"]  # the lock went with the process
    assert _sources(config) == []
