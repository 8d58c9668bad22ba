"""Structured answers over records built in code: unknown is never zero, every figure is cited."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant
from answering.structured import resolve
from answering.vocabulary import MEASURE_BY_KEY
from indexing.models import Report
from indexing.schema import REQUEST_COLUMNS, REQUEST_ROWS_2021

from .conftest import assert_cited, make_report


def requests_table(new_received: int | None, **rows: int | None) -> dict:
    grid = {r: dict.fromkeys(REQUEST_COLUMNS, 0) for r in REQUEST_ROWS_2021}
    grid["new_received"]["total"] = new_received
    for row, v in rows.items():
        grid[row]["total"] = v
    return grid


WECHAT_A = "2020年通过“甲镇发布”微信公众号发布信息120条。"
WECHAT_B = "2021年通过“甲镇发布”微信公众号发布信息150条。"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("甲镇", 2020, tables={"requests": requests_table(4, granted=3)},
                    facts={"channel_wechat": (120, WECHAT_A, "overview")}),
        make_report("甲镇", 2021, tables={"requests": requests_table(7, granted=5)},
                    facts={"channel_wechat": (150, WECHAT_B, "overview")}),
        make_report("乙镇", 2021, tables={"requests": requests_table(0)}),
        make_report("丙镇", 2021, tables={"requests": requests_table(None)}),  # blank cell: unknown
        make_report("丁镇", 2021, tables={"requests": None},  # table lost; prose says none
                    facts={"no_requests": (True, "2021年本镇未收到政府信息公开申请。", "overview")}),
        make_report("戊街道", 2021, level="街道", tables={"requests": requests_table(12)}, region=("测试市", "别区")),
    ])


def test_blank_cell_is_unknown_not_zero(assistant):
    ans = assistant.ask("2021年哪些乡镇没有收到政府信息公开申请")
    assert ans.kind == "list"
    assert set(ans.items) == {"乙镇", "丁镇"}
    assert "丙镇" not in ans.items and "丙镇" in ans.answer  # named as unknown, not counted as zero
    assert "未披露" in ans.answer
    assert_cited(ans)
    # The table cell is cited for 乙镇; the prose sentence for 丁镇, whose table is missing.
    by_body = {c.short_name: c for c in ans.citations}
    assert (by_body["乙镇"].table, by_body["乙镇"].row, by_body["乙镇"].column) == ("requests", "new_received", "total")
    assert by_body["丁镇"].table is None and "未收到" in by_body["丁镇"].text
    assert {r["body"] for r in ans.rows} == {"乙镇", "丁镇"}


def test_resolve_prefers_cells_then_prose_then_unknown(assistant):
    m = MEASURE_BY_KEY["requests.new_received.total"]
    figures = {(r.short_name, r.year): resolve(r, m) for r in assistant.reports()}
    assert figures[("乙镇", 2021)].value == 0 and figures[("乙镇", 2021)].citations[0].table == "requests"
    assert figures[("丁镇", 2021)].value == 0 and figures[("丁镇", 2021)].stated_zero
    assert figures[("丙镇", 2021)].value is None and "为空" in figures[("丙镇", 2021)].note
    lost = resolve(assistant.reports()[0], MEASURE_BY_KEY["proactive.penalty.decisions"])
    assert lost.value is None and "缺失" in lost.note


def test_threshold_list_and_count(assistant):
    ans = assistant.ask("2021年收到申请超过5件的有哪些")
    assert set(ans.items) == {"戊街道", "甲镇"}
    assert_cited(ans)
    count = assistant.ask("2021年有几个乡镇收到了政府信息公开申请")
    assert count.kind == "count" and count.value == 1 and count.items == ["甲镇"]
    assert_cited(count)


def test_level_filter(assistant):
    ans = assistant.ask("2021年哪些街道收到了申请")
    assert ans.items == ["戊街道"]


def test_value_latest_year_when_none_given(assistant):
    ans = assistant.ask("甲镇收到多少政府信息公开申请")
    assert ans.kind == "value" and ans.value == 7 and ans.citations[0].year == 2021
    assert_cited(ans)


def test_change_between_years(assistant):
    ans = assistant.ask("甲镇2020年到2021年微信公众号发布的信息增加了多少")
    assert ans.kind == "value" and ans.value == 30
    assert "120" in ans.answer and "150" in ans.answer and "增加" in ans.answer
    assert {c.text for c in ans.citations} == {WECHAT_A, WECHAT_B}
    assert_cited(ans)
    single = assistant.ask("乙镇收到的申请比上年增加了多少")
    assert single.kind == "unknown" and "2021年" in single.answer


def test_sum_and_average_leave_unknowns_out(assistant):
    total = assistant.ask("2021年各乡镇收到的政府信息公开申请合计多少")
    assert total.kind == "value" and total.value == 7  # 甲 7 + 乙 0 + 丁 0 (stated); 丙 unknown left out
    assert "丙镇" in total.answer
    assert_cited(total)
    avg = assistant.ask("2021年乡镇平均收到多少申请")
    assert avg.value == pytest.approx(7 / 3, abs=0.01)
    assert_cited(avg)


def test_max_min_rank(assistant):
    most = assistant.ask("2021年收到申请最多的是哪个")
    assert most.kind == "list" and most.items == ["戊街道"] and most.value == 12
    least = assistant.ask("2021年乡镇中收到申请最少的是哪个")
    assert set(least.items) == {"乙镇", "丁镇"}  # a tie: both named
    ranked = assistant.ask("2021年各乡镇收到申请数量排名")
    assert ranked.items[0] == "甲镇" and "丙镇" not in ranked.items
    assert [r["value"] for r in ranked.rows] == sorted((r["value"] for r in ranked.rows), reverse=True)
    for a in (most, least, ranked):
        assert_cited(a)


def test_compare_and_unknown_side(assistant):
    ans = assistant.ask("2021年甲镇和戊街道谁收到的申请多")
    assert ans.kind == "list" and ans.items == ["戊街道"]
    assert [r["body"] for r in ans.rows] == ["戊街道", "甲镇"]
    assert_cited(ans)
    blocked = assistant.ask("2021年甲镇和丙镇谁收到的申请多")
    assert blocked.kind == "unknown" and "丙镇" in blocked.answer


def test_yes_no(assistant):
    yes = assistant.ask("甲镇2021年是否收到政府信息公开申请")
    assert yes.kind == "yesno" and yes.value is True
    no = assistant.ask("丁镇2021年有没有收到申请")
    assert no.kind == "yesno" and no.value is False and "未收到" in no.citations[0].text
    for a in (yes, no):
        assert_cited(a)


def test_measure_nobody_reports_abstains(assistant):
    ans = assistant.ask("2021年哪些乡镇通过抖音号发布信息超过10条")
    assert ans.kind == "unknown" and ans.answer.startswith("语料中没有找到")
    assert ans.items == [] and ans.value is None


def test_unknown_year_and_body(assistant):
    year = assistant.ask("2018年哪些乡镇没有收到申请")
    assert year.kind == "unknown" and "2018年" in year.answer
    body = assistant.ask("张家镇2021年收到多少申请")
    assert body.kind == "unknown" and "张家镇" in body.answer
    missing = assistant.ask("乙镇2020年收到多少申请")
    assert missing.kind == "unknown" and "乙镇" in missing.answer and "2021年" in missing.answer


def test_two_bodies_sharing_a_short_name_are_never_merged():
    a = Assistant.from_reports([
        make_report("新华镇", 2021, region=("某市", "东县"),
                    facts={"proactive_total": (10, "公开政府信息10条。", "overview")}),
        make_report("新华镇", 2021, region=("某市", "西县"),
                    facts={"proactive_total": (20, "公开政府信息20条。", "overview")}),
    ])
    both = a.ask("新华镇2021年主动公开多少条信息")
    assert both.kind == "list" and "东县新华镇" in both.answer and "西县新华镇" in both.answer
    assert_cited(both)
    one = a.ask("西县新华镇2021年主动公开多少条信息")
    assert one.kind == "value" and one.value == 20
    assert one.citations[0].agency == "某市西县新华镇人民政府"


def test_it_refers_to_the_one_body_the_last_answer_named(assistant):
    first = assistant.ask("2021年收到申请最多的是哪个")
    assert first.items == ["戊街道"]
    follow = assistant.ask("它予以公开了多少件？", history=[first])
    assert follow.kind == "value" and follow.items == ["戊街道"]
    assert follow.citations[0].row == "granted"


def test_a_conditional_list_shows_what_it_checked_and_left_out():
    def town(name: str, n: int) -> Report:
        sentence = f"全年主动公开政府信息{n}条。"
        return make_report(name, 2023, facts={"proactive_total": (n, sentence, "overview")})

    small = [town(f"丙{c}镇", 10 + i) for i, c in enumerate("东南西北前后左右上下内外")]
    towns = [town("甲镇", 420), town("乙镇", 90), *small]
    ans = Assistant.from_reports(towns).ask("主动公开政府信息超过300条的乡镇有几个？")
    assert ans.kind == "count" and ans.value == 1 and ans.items == ["甲镇"]
    assert "不符合的：" in ans.answer and "乙镇2023年（90条" in ans.answer
    assert "等13份" in ans.answer  # a long list of misses is cut, and says how many there were
    assert_cited(ans)


@pytest.mark.parametrize("question, body", [("哪个镇主动公开的信息最少", "乙镇"), ("哪个镇主动公开的信息最多", "甲镇")])
def test_the_fewest_is_the_fewest(question, body):
    towns = [make_report(n, 2023, facts={"proactive_total": (v, f"全年主动公开政府信息{v}条。", "overview")})
             for n, v in (("甲镇", 420), ("乙镇", 90), ("丙镇", 200))]
    ans = Assistant.from_reports(towns).ask(question)
    assert ans.items == [body], ans.answer
    assert ("最少" in ans.answer) == ("最少" in question)


@pytest.mark.parametrize("question", ["侯家鎮2021年有沒有收到政府信息公開申請？", "侯家镇2021年新收了几件申请"])
def test_a_zero_the_prose_also_states_is_cited_in_both_places(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.value in (0, False)
    assert any(c.table == "requests" for c in ans.citations)
    assert any(c.table is None and "没有收到政府信息公开申请" in c.text for c in ans.citations), ans.citations


@pytest.mark.parametrize(("question", "value"), [
    ("庚镇2020年通过微信公众号发布了多少条信息？", 88),
    ("庚镇2020年政府网站发布了多少条信息？", 21),
])
def test_a_figure_from_a_later_reports_chart_names_that_report_by_body_and_year(question, value):
    from dataclasses import replace

    # the 2022 report's trailing chart data carries 2020 and 2021 (the corpus has no 2020 report of 庚镇)
    chart = "2021年\t政府网站\t官方公众号\t30\t95\t2020年\t政府网站\t官方公众号\t21\t88\t"
    report = replace(make_report("庚镇", 2022), text=f"正文。\n{chart}")
    ans = Assistant.from_reports([report, make_report("辛镇", 2020)]).ask(question)
    assert ans.value == value, ans.answer
    assert "据庚镇2022年报告所附图表数据" in ans.answer and "后一年" not in ans.answer
    assert_cited(ans)
