"""Records first in the app (issue 12): uploads return once the records are written, the passages are embedded on a
background thread (nianbao/catchup.py) with its progress on the page, prose answers say when some of the reports
they searched were found by keywords only, and a reload after an outside change re-reads only changed records."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.app.conftest import CORPUS_DIR, HEADLINE, UPLOAD_CHANGES, UPLOAD_SAMPLE, variant_report

pytestmark = pytest.mark.slow

NOTE = "语义检索尚在补齐"
PROBLEMS = "{}存在哪些主要问题？"
WAIT = 120  # seconds a background run may take on a loaded two-core machine (its vectors come from a warm cache)


def _records_only(index_dir: Path, warm_from: Path):
    """The five samples ingested records first (no vectors yet), with the shared index's embedding cache copied in:
    embedding then costs Chroma writes, not the model's time."""
    from indexing.doctor import CACHE_FILE
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    config = IndexConfig(index_dir=index_dir)
    summary = ingest_paths([CORPUS_DIR], config, embed=False)
    assert not summary.failures, summary.failures
    cache = CACHE_FILE
    with closing(sqlite3.connect(warm_from / cache)) as src, closing(sqlite3.connect(index_dir / cache)) as dst:
        src.backup(dst)  # through SQLite: a connection the ingest left open sees it whole
    return config


@pytest.fixture
def records_only(corpus_index_config, tmp_path):
    return _records_only(tmp_path / "index", corpus_index_config.index_dir)


class Gate:
    """Holds the background embedder at the start of its run until opened: what the page shows meanwhile is seen."""

    def __init__(self, monkeypatch) -> None:
        import nianbao.catchup as catchup

        self.entered, self.open = threading.Event(), threading.Event()
        self.stops: list[threading.Event | None] = []
        real = catchup.embed_pending

        def held(index, *, progress=None, stop=None):
            self.stops.append(stop)
            self.entered.set()
            assert self.open.wait(WAIT)
            return real(index, progress=progress, stop=stop)

        monkeypatch.setattr(catchup, "embed_pending", held)


def _id(reports, short: str) -> str:
    (rid,) = [r.report_id for r in reports if r.short_name == short]
    return rid


def _embed_one(index, report_id: str) -> None:
    """Give one report its vectors, as a batch of the background embedder would."""
    [(report, chunks)] = list(index.chunked_records([report_id]))
    vectors = index.embedder.embed_passages([c.embed_text for c in chunks if c.embedded])
    assert index.put_vectors([(report, chunks, vectors)]) == [report_id]


# ================================================================ the thread
def test_the_app_embeds_what_waits_in_the_background_then_stops(records_only, monkeypatch):
    import app

    gate = Gate(monkeypatch)
    state = app.AppState(records_only)
    try:
        said: list[str] = []
        state.catch_up.say = said.append  # what nianbao serve prints
        gate.open.set()
        assert state.catch_up.wait(WAIT), "the background run did not end"
        assert said and said[-1].startswith("语义检索：5/5 份报告已嵌入")
        index = state.assistant.index
        assert index.waiting_for_vectors() == []
        assert (state.catch_up.progress.done, state.catch_up.progress.total) == (5, 5)
        assert state.catch_up.status() == "" and not state.catch_up.running and not state.catch_up.failure
        hits = index.search("港口乡 存在的主要问题", k=3, mode="vector")  # the vector half finds it now
        assert hits and hits[0].short_name == "港口乡"
        assert not state.catch_up.start()  # nothing waits: no second run
    finally:
        state.close()


def test_a_stop_asked_before_the_first_batch_writes_nothing_and_no_run_starts_after_it(records_only, monkeypatch):
    import app

    gate = Gate(monkeypatch)
    state = app.AppState(records_only)
    assert gate.entered.wait(WAIT)
    state.catch_up.stop(timeout=0)  # the server stops while the run is on its way to its first batch
    gate.open.set()
    assert state.catch_up.wait(WAIT)
    assert gate.stops and gate.stops[0] is not None and gate.stops[0].is_set()  # the run was handed the event
    assert len(state.assistant.index.waiting_for_vectors()) == 5  # it stopped before writing a batch
    assert not state.catch_up.start()  # stopped for good: a later upload or reload starts nothing
    assert len(gate.stops) == 1


def test_a_failing_run_is_logged_and_said_and_the_app_answers_on(records_only, monkeypatch, caplog):
    import app
    import nianbao.catchup as catchup

    def broken(index, *, progress=None, stop=None):
        raise RuntimeError("模型文件读不了")

    monkeypatch.setattr(catchup, "embed_pending", broken)
    state = app.AppState(records_only)
    assert state.catch_up.wait(WAIT)
    assert "embedding the reports that wait for vectors failed" in caplog.text and "模型文件读不了" in caplog.text
    shown = state.catch_up.status()  # every visitor sees it: the kind of error, its details in the log only
    assert "语义检索补齐已暂停（出错：RuntimeError" in shown and "模型文件读不了" not in shown
    answer = state.ask(HEADLINE).answer
    assert all(name in answer for name in ("侯家镇", "港口乡", "白奎镇"))


def test_while_another_writer_holds_the_index_the_run_waits_and_goes_on_after_it(records_only, monkeypatch, caplog):
    import logging

    import app
    import indexing.guard as guard

    monkeypatch.setattr(guard, "LOCK_WAIT_SECONDS", 0.2)  # each write gives up on a held lock quickly
    caplog.set_level(logging.INFO, logger="nianbao.catchup")
    holding, release = threading.Event(), threading.Event()

    def writer():  # a long upload, or another process's ingest (a thread has its own flock, as a process would)
        with guard.index_lock(records_only.index_dir, what="写入"):
            holding.set()
            release.wait(WAIT)

    held = threading.Thread(target=writer)
    held.start()
    try:
        assert holding.wait(WAIT)
        state = app.AppState(records_only)
        for _ in range(WAIT * 10):  # its batches find the index held, again and again
            if caplog.text.count("vectors wait for the index") >= 2:
                break
            time.sleep(0.1)
        assert state.catch_up.running and len(state.assistant.index.waiting_for_vectors()) == 5
    finally:
        release.set()
        held.join(WAIT)
    assert state.catch_up.wait(WAIT)
    assert state.assistant.index.waiting_for_vectors() == [] and not state.catch_up.failure


# ================================================================ answers while reports wait
def test_prose_answers_say_when_reports_they_searched_wait_for_vectors_and_numbers_never_do(records_only):
    from answering.assistant import Assistant

    assistant = Assistant.open(records_only)  # no background embedder: what waits keeps waiting
    index = assistant.index
    assert len(index.waiting_for_vectors()) == 5

    headline = assistant.ask(HEADLINE)  # answered from the records before any vector exists
    assert all(name in headline.answer for name in ("侯家镇", "港口乡", "白奎镇"))
    assert NOTE not in headline.answer and headline.catching_up == 0 and "catching_up" not in headline.to_json()

    one = assistant.ask(PROBLEMS.format("港口乡"))  # found by keywords; its one report waits
    assert one.kind == "text" and one.citations and all(c.short_name == "港口乡" for c in one.citations)
    assert one.answer.endswith("（语义检索尚在补齐：1 份报告暂只按关键词检索）")
    assert one.catching_up == 1 and one.to_json()["catching_up"] == 1

    every = assistant.ask("各单位存在哪些主要问题？")  # no body named: every report was searched
    assert every.catching_up == 5 and "5 份报告暂只按关键词检索" in every.answer

    _embed_one(index, _id(assistant.reports(), "港口乡"))
    done = assistant.ask(PROBLEMS.format("港口乡"))  # its report has its vectors; the others are not in its scope
    assert done.kind == "text" and NOTE not in done.answer and done.catching_up == 0
    other = assistant.ask(PROBLEMS.format("侯家镇"))
    assert other.catching_up == 1 and NOTE in other.answer
    assert assistant.ask("各单位存在哪些主要问题？").catching_up == 4


# ================================================================ an upload through the page
def test_an_upload_is_answerable_from_its_record_before_its_vectors_which_follow_with_progress_shown(
        corpus_index_config, tmp_path, monkeypatch):
    import shutil

    import app

    copy = tmp_path / "index"
    shutil.copytree(corpus_index_config.index_dir, copy)  # every report has its vectors
    from indexing.store import IndexConfig

    state = app.AppState(IndexConfig(index_dir=copy))
    assert not state.catch_up.running and state.catch_up.status() == ""
    line, timer = app.catch_up_view(state)
    assert line.visible is False and timer.active is False  # nothing to say: hidden, no polling

    gate = Gate(monkeypatch)
    new = variant_report(UPLOAD_SAMPLE, UPLOAD_CHANGES, tmp_path / "upload" / "测试镇2021.txt")
    said: list[str] = []
    upload = threading.Thread(target=lambda: said.append(app.upload_report_files(state, [str(new)])))
    upload.start()
    upload.join(WAIT)
    try:
        assert not upload.is_alive(), "the upload waited for the embedder"
        assert "新增" in said[0] and "语义检索补齐中：已嵌入 0/1 份报告" in said[0]
        assert gate.entered.wait(WAIT)
        index = state.assistant.index
        rid = _id(state.reports(), "测试镇")
        assert index.waiting_for_vectors() == [rid]

        # answerable now: the number from its record, its prose by keywords (and the answer says so)
        assert "777" in state.ask("测试镇2021年通过微信公众号发布了多少条信息？").answer
        prose = state.ask(PROBLEMS.format("测试镇"))
        assert prose.kind == "text" and prose.catching_up == 1 and NOTE in prose.answer
        assert NOTE not in state.ask(PROBLEMS.format("港口乡")).answer  # its report has had its vectors all along

        assert state.catch_up.status().startswith("语义检索补齐中：已嵌入 0/1 份报告")
        line, timer = app.catch_up_view(state)
        assert line.visible is True and "已嵌入 0/1 份报告" in line.value and timer.active is True
    finally:
        gate.open.set()
    assert state.catch_up.wait(WAIT)
    assert index.waiting_for_vectors() == [] and state.catch_up.status() == ""
    assert NOTE not in state.ask(PROBLEMS.format("测试镇")).answer
    hits = index.search("测试镇 微信公众号 发布", k=3, mode="vector")
    assert hits and hits[0].short_name == "测试镇"
    line, timer = app.catch_up_view(state)
    assert line.visible is False and timer.active is False  # done: the line goes, the timer stops


# ================================================================ reloads keep what did not change
def test_a_reload_after_an_outside_change_reads_only_the_records_that_changed(records_only, monkeypatch):
    import app
    import nianbao.catchup as catchup
    from indexing.models import Report
    from indexing.pipeline import fix_report
    from indexing.store import Index
    from indexing.vectors import embed_pending

    monkeypatch.setattr(catchup.CatchUp, "start", lambda self: False)  # the other process embeds, not this app
    state = app.AppState(records_only)
    before = {r.report_id: r for r in state.reports()}
    catalog = state.assistant.catalog()

    # another process (its own handle) writes every report's vectors — no record changes — and the generation
    # moves, as a writer's pending.json does
    other = Index(records_only)
    assert embed_pending(other).done == 5
    pending = records_only.index_dir / "pending.json"
    pending.with_suffix(".tmp").write_text("[]", encoding="utf-8")
    pending.with_suffix(".tmp").replace(pending)

    read: list[str] = []  # records parsed by this process from here on
    real = Report.from_document.__func__
    monkeypatch.setattr(Report, "from_document", classmethod(lambda cls, doc: read.append(doc) or real(cls, doc)))
    assert state.sync()  # the generation moved: a reload, on a new handle
    assert state.assistant.index is not other
    assert read == []  # not one record read again
    assert state.assistant.catalog() is catalog  # nor the catalog rebuilt
    assert all(r is before[r.report_id] for r in state.reports())
    assert state.assistant.index.waiting_for_vectors() == []  # the new handle sees the vectors' state
    hits = state.assistant.index.search("港口乡 存在的主要问题", k=3, mode="vector")
    assert hits and hits[0].short_name == "港口乡"  # and the other process's vectors

    # `nianbao fix` from the shell rewrites one record: that one is read again, the other four stay as they were
    rid = _id(before.values(), "港口乡")
    fixed = fix_report(rid, {"year": 2020}, records_only)  # a new year, a new report_id
    read.clear()  # the fix read the record it corrects (it runs in this process, as the shell's would not)
    assert state.sync()
    assert len(read) == 1
    after = {r.report_id: r for r in state.reports()}
    assert after[fixed.report_id].year == 2020 and rid not in after
    assert all(after[k] is before[k] for k in before if k != rid)
    assert "港口乡" not in state.ask(HEADLINE).answer


# ================================================================ the page
@pytest.mark.browser
def test_the_page_shows_the_catch_up_under_the_title_until_it_is_done(records_only, monkeypatch, page):
    from playwright.sync_api import expect

    from tests.app.conftest import ARTIFACTS_DIR, running_app

    gate = Gate(monkeypatch)
    with running_app(records_only) as (url, demo):
        try:
            assert gate.entered.wait(WAIT)
            page.goto(url)
            line = page.locator("#nb-catch-up")
            expect(line).to_contain_text("语义检索补齐中：已嵌入 0/5 份报告")
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS_DIR / "catch-up-line.png"))
        finally:
            gate.open.set()
        assert demo.nianbao_state.catch_up.wait(WAIT)
        expect(line).to_be_hidden(timeout=30_000)  # the timer reads it again, finds nothing to say, and stops
        demo.nianbao_state.close()
