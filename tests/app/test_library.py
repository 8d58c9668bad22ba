"""The library (nianbao/library.py): find, see whole, and manage reports; every change is answered from at once,
and changes made from the shell are picked up by a running app without a restart.

The pure tests need no index. The app-level tests work on a copy of the samples' index (never the shared one).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indexing import corrections, schema
from indexing.models import Flag, Report
from nianbao import library
from nianbao.library import UNKNOWN_CELL, UNNAMED, LibraryQuery

HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _report(rid: str, short: str, year: int | None, region=("山东省", "威海市", "文登区"), **kw) -> Report:
    base = dict(
        report_id=rid, source=f"{rid}.txt", content_hash=f"h-{rid}", agency=f"{''.join(region)}{short}人民政府"
        if short else "", short_name=short, region=list(region), level="乡镇", year=year, signed_date=None,
        template="2021", title="", sections={}, tables={}, facts={}, flags=[], text="",
    )
    base.update(kw)
    return Report(**base)


REPORTS = [
    _report("a", "侯家镇", 2021),
    _report("b", "", None, region=()),  # nothing named it: pending
    _report("c", "港口乡", 2021, region=("江西省", "九江市", "修水县")),
    _report("d", "白奎镇", 2020, flags=[Flag(rule="requests.balance", message="不平", cells=[])]),
    _report("e", "米山镇", 2022, level="乡镇", corrections={"year": 2022}),
    _report("f", "文登区", 2021, region=("山东省", "威海市"), level="县级"),
]


# ================================================================ pure: order, search, filters
@pytest.mark.parametrize("by", ["name", "region", "year"])
def test_a_report_without_a_name_sorts_last_and_shows_as_unidentified(by):
    shown = library.select_reports(REPORTS, LibraryQuery(sort=by))
    assert shown[-1].report_id == "b", [r.report_id for r in shown]
    frame = library.reports_frame(shown)
    assert frame["单位"].iloc[-1] == UNNAMED and "" not in list(frame["单位"])


def test_sort_by_name_region_and_year():
    ids = lambda q: [r.report_id for r in library.select_reports(REPORTS, q)]  # noqa: E731
    assert ids(LibraryQuery(sort="name")) == ["d", "c", "a", "e", "f", "b"]  # pinyin: bai gang hou mi wen
    assert ids(LibraryQuery(sort="year")) == ["e", "c", "a", "f", "d", "b"]  # newest first; one year by name
    # 江西省 before 山东省 (jiang < shan); 威海市's own report before its county's
    assert ids(LibraryQuery(sort="region")) == ["c", "f", "d", "a", "e", "b"]


@pytest.mark.parametrize(
    "query,expected",
    [
        (LibraryQuery(text="侯家"), {"a"}),
        (LibraryQuery(text="修水县"), {"c"}),  # region
        (LibraryQuery(text="2020"), {"d"}),  # year
        (LibraryQuery(text="文登区 2021"), {"a", "f"}),  # every word must match
        (LibraryQuery(text="e.txt"), {"e"}),  # file name
        (LibraryQuery(years=(2021,)), {"a", "c", "f"}),
        (LibraryQuery(levels=("县级",)), {"f"}),
        (LibraryQuery(region="山东省 › 威海市"), {"a", "d", "e", "f"}),
        (LibraryQuery(region="山东省 › 威海市 › 文登区"), {"a", "d", "e"}),  # the county, not the city's own report
        (LibraryQuery(flags=("pending",)), {"b"}),
        (LibraryQuery(flags=("issues",)), {"d"}),
        (LibraryQuery(flags=("corrected",)), {"e"}),
        (LibraryQuery(text="侯家", years=(2020,)), set()),
    ],
)
def test_search_and_filters(query, expected):
    assert {r.report_id for r in library.select_reports(REPORTS, query)} == expected


def test_the_count_says_when_only_the_first_matches_are_shown():
    assert library.count_text(10_000, 10_000, library.MAX_SHOWN) == (
        f"共 10000 份报告，符合条件 10000 份，显示前 {library.MAX_SHOWN} 份（请用搜索或筛选缩小范围）。")
    assert library.count_text(5, 1, 1) == "共 5 份报告，显示 1 份。"
    assert "没有符合条件" in library.count_text(5, 0, 0)


def test_region_choices_follow_the_chain():
    got = library.region_choices(REPORTS)
    assert got.index("山东省") < got.index("山东省 › 威海市") < got.index("山东省 › 威海市 › 文登区")
    assert "威海市" not in got  # a city is offered under its province, never as a loose name


# ================================================================ pure: every row of every table
def test_table_three_shows_every_template_row_down_to_carried_forward_with_blanks_visible():
    cells = {row: {col: 1 for col in schema.REQUEST_COLUMNS} for row in schema.REQUEST_ROWS_2021}
    del cells["carried_forward"]  # the report left the last row out entirely
    cells["granted"]["total"] = None  # and one cell blank
    frame = library.table_frame("requests", cells, "2021")
    assert list(frame["项目"]) == [schema.REQUEST_ROW_LABELS[k] for k in schema.REQUEST_ROWS_2021]
    last = frame.iloc[-1]
    assert last["项目"] == "结转下年度继续办理"
    assert list(last)[1:] == [UNKNOWN_CELL] * len(schema.REQUEST_COLUMNS)  # blank, visibly — never "" or 0
    assert frame.loc[frame["项目"] == "予以公开", "总计"].item() == UNKNOWN_CELL
    assert "0" not in set(frame.iloc[:, 1:].to_numpy().ravel())


@pytest.mark.parametrize("template", schema.TEMPLATES)
def test_every_table_of_every_template_is_shown_whole_even_when_the_report_lacks_it(template):
    for table in schema.TABLE_KEYS:
        out = library.table_html(library.table_grid(table, None, template))
        assert "报告中没有这张表" in out
        rows, _, columns, _ = library._template_shape(table, template)
        assert out.count('<tr><th scope="row">') == len(rows)
        on_form = len(rows) * len(columns) if table != "proactive" else sum(
            len(r.columns) for r in schema.proactive_rows(template))
        assert out.count(UNKNOWN_CELL) == on_form  # every cell of the form, blank and seen as blank
        assert out.count(library.NOT_ON_FORM) == len(rows) * len(columns) - on_form
    full = library.table_html(library.table_grid("requests", {}, template))
    assert "结转下年度继续办理" in full


def test_table_html_escapes_what_the_report_holds():
    out = library.table_html(library.table_grid("requests", {"<b>x</b>": {"total": 3}}, "2021"))
    assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out


# ================================================================ pure: corrections shown as such
def test_a_corrected_field_says_so_with_what_was_read_before(tmp_path):
    report = _report("g", "侯家镇", 2021)
    corrections.save(tmp_path, report.content_hash, {"year": 2020}, original=corrections.as_read(report))
    fixed = corrections.apply(report, {"year": 2020})
    # a second correction of the same field keeps what the parser read, not the first correction
    corrections.save(tmp_path, report.content_hash, {"year": 2019}, original=corrections.as_read(fixed))
    original = corrections.originals(tmp_path, report.content_hash)
    assert original["year"] == 2021
    out = library.report_meta_html(corrections.apply(report, {"year": 2019}), original)
    assert "2019年" in out and "已更正，原为：2021年" in out
    assert "已更正" not in library.report_meta_html(report)


# ================================================================ app level: a copy of the samples' index
@pytest.fixture
def state(corpus_index_config, tmp_path):
    """An AppState over a copy of the samples' index (the shared one is never written)."""
    import app
    from indexing.store import IndexConfig

    copy = tmp_path / "index"
    shutil.copytree(corpus_index_config.index_dir, copy)
    return app.AppState(IndexConfig(index_dir=copy))


def _id(state, short: str) -> str:
    (rid,) = [r.report_id for r in state.reports() if r.short_name == short]
    return rid


@pytest.mark.slow
def test_fix_reparse_and_delete_in_the_library_are_answered_at_once(state):
    from indexing.pipeline import stored_source

    assert all(name in state.ask(HEADLINE).answer for name in ("侯家镇", "港口乡", "白奎镇"))

    # correct 港口乡's year: the headline no longer lists it, the 2020 question does, the library says 已更正
    message, fixed = library.save_fix(state, _id(state, "港口乡"), "", "", 2020)
    assert "已更正年份" in message and fixed.year == 2020
    assert "港口乡" not in state.ask(HEADLINE).answer
    assert "港口乡" in state.ask("2020年哪些乡镇没有收到政府信息公开申请？").answer
    shown = library.select_reports(state.reports(), LibraryQuery(flags=("corrected",)))
    assert [r.short_name for r in shown] == ["港口乡"]
    meta = library.report_meta_html(fixed, corrections.originals(state.config.index_dir, fixed.content_hash))
    assert "已更正，原为：2021年" in meta

    # a stale record (as an older parser left it) is read again from the kept file; the correction survives
    houjia = state.report(_id(state, "侯家镇"))
    stale = houjia.facts["channel_wechat"]
    houjia.facts["channel_wechat"] = type(stale)(stale.key, 999, stale.sentence, stale.section, stale.unit)
    state.assistant.index.put_report(houjia, [], state.assistant.index.embedder.embed_passages([]))
    state.reload()
    assert "999" in state.ask("侯家镇2021年通过微信公众号发布了多少条信息？").answer
    message, again = library.reparse(state, houjia.report_id)
    assert "已重新解析" in message and again.fact("channel_wechat") == 235
    assert "235" in state.ask("侯家镇2021年通过微信公众号发布了多少条信息？").answer
    message, kept = library.reparse(state, fixed.report_id)
    assert kept.year == 2020 and kept.corrections == {"year": 2020}  # re-parsing keeps the person's correction

    # delete 白奎镇: gone from the answers, the library and the kept files
    baikui = state.report(_id(state, "白奎镇"))
    assert "已删除" in library.delete(state, baikui.report_id)
    assert "白奎镇" not in state.ask(HEADLINE).answer
    assert "白奎镇" not in {r.short_name for r in state.reports()}
    assert stored_source(state.config.index_dir, baikui) is None
    assert library.delete(state, baikui.report_id) == library.GONE

    # a report whose file was never kept says so instead of failing
    shutil.rmtree(state.config.index_dir / "sources")
    message, none = library.reparse(state, _id(state, "侯家镇"))
    assert none is None and "没有这份报告的原文件" in message


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_changes_made_from_the_shell_are_seen_by_the_running_app_without_a_restart(state, tmp_path):
    from tests.app.conftest import UPLOAD_CHANGES, UPLOAD_SAMPLE, variant_report

    index = str(state.config.index_dir)
    assert "港口乡" in state.ask(HEADLINE).answer
    done = _cli("remove", _id(state, "港口乡"), "--index", index)
    assert done.returncode == 0, done.stderr
    assert "港口乡" not in state.ask(HEADLINE).answer  # the very next answer
    assert "港口乡" not in {r.short_name for r in state.reports()}
    assert not state.sync()  # nothing changed since: no second reload

    done = _cli("fix", _id(state, "白奎镇"), "--year", "2020", "--index", index)
    assert done.returncode == 0, done.stderr
    assert "白奎镇" not in state.ask(HEADLINE).answer

    # a report ingested from the shell is found by its passages too (the vector half reads another process's chunks)
    new = variant_report(UPLOAD_SAMPLE, UPLOAD_CHANGES, tmp_path / "extra" / "测试镇2021.txt")
    done = _cli("ingest", str(new), "--index", index)
    assert done.returncode == 0, done.stderr
    assert "777" in state.ask("测试镇2021年通过微信公众号发布了多少条信息？").answer
    hits = state.assistant.index.search("测试镇 微信公众号 发布", k=3, mode="vector")
    assert hits and hits[0].short_name == "测试镇"


@pytest.mark.slow
def test_a_change_is_not_read_while_a_writer_holds_the_index_lock(state):
    """No half-written index is read: while another writer holds the lock the app answers from what it had, and
    reloads once the lock is free."""
    from indexing.guard import index_lock
    from indexing.pipeline import remove_reports

    holding, release = threading.Event(), threading.Event()
    rid = _id(state, "港口乡")

    def writer():  # another writer (a thread has its own flock, as another process would)
        with index_lock(state.config.index_dir, what="删除"):
            remove_reports([rid], state.config)  # not through the app: its own handle
            holding.set()
            release.wait(60)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert holding.wait(120)
        assert not state.sync()
        assert "港口乡" in state.ask(HEADLINE).answer  # the old state, whole
    finally:
        release.set()
        t.join(60)
    assert "港口乡" not in state.ask(HEADLINE).answer


def test_a_gone_pick_leaves_the_picker_empty_after_an_action_but_a_search_picks_its_first():
    ids = ["a", "b"]
    assert library.picked_value(ids, "b", first=False) == "b"
    assert library.picked_value(ids, "gone", first=False) is None  # never silently another report
    assert library.picked_value(ids, "gone", first=True) == "a"  # a search or filter the person is making
    assert library.picked_value([], None, first=True) is None


@pytest.mark.slow
def test_every_library_action_on_a_report_removed_from_the_shell_says_it_is_gone(state):
    """The tester's case: 辉渠镇 removed with `nianbao remove` while the library was open. Re-parse, fix and delete
    of its id say it is gone (not “no source copy”), and nothing lands on another report."""
    huiqu, baikui = _id(state, "辉渠镇"), _id(state, "白奎镇")
    before = state.report(baikui)
    version = state.version
    done = _cli("remove", huiqu, "--index", str(state.config.index_dir))
    assert done.returncode == 0, done.stderr

    assert library.reparse(state, huiqu) == (library.GONE, None)
    assert library.save_fix(state, huiqu, "", "", 2019) == (library.GONE, None)
    assert library.delete(state, huiqu) == library.GONE
    assert state.version > version  # the page's lists compare this and refresh
    assert "辉渠镇" not in {r.short_name for r in state.reports()}  # not brought back by the fix
    assert state.report(baikui) == before and not state.report(baikui).corrections
