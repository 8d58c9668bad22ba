"""Long lists and rankings are paged in the answer text (the first MAX_SHOWN, then how many in all), while the
answer's rows and items keep every report — the app's 明细 table and its CSV download show them all."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from answering.assistant import Assistant
from answering.citing import answer_markdown
from answering.compose import MAX_SHOWN
from indexing.schema import REQUEST_COLUMNS, REQUEST_ROWS_2021

from .conftest import assert_cited, make_report

N = 3 * MAX_SHOWN


def requests_table(new_received: int) -> dict:
    grid = {r: dict.fromkeys(REQUEST_COLUMNS, 0) for r in REQUEST_ROWS_2021}
    grid["new_received"]["total"] = new_received
    return grid


TOWNS = [f"{a}{b}镇" for a in "东西南北青白红黄" for b in "山水林田湖草沙石"][:N]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    # most towns received none (a long list); every sixth 1, 7, 13 …
    return Assistant.from_reports([
        make_report(town, 2021, tables={"requests": requests_table(0 if i % 6 else i + 1)})
        for i, town in enumerate(TOWNS)
    ])


def named(answer) -> set[str]:
    return {t for t in TOWNS if t in answer.answer}


def test_a_long_list_is_paged_and_every_item_kept(assistant):
    answer = assistant.ask("2021年哪些乡镇没有收到政府信息公开申请？")
    zero = {t for i, t in enumerate(TOWNS) if i % 6}
    assert answer.kind == "list"
    assert set(answer.items) == zero and {r["body"] for r in answer.rows} == zero  # every item, in the rows
    assert len(named(answer) & zero) == MAX_SHOWN  # the text writes out the first MAX_SHOWN
    assert f"共{len(zero)}份报告" in answer.answer
    # every figure written out is cited; the count of the list is the answer's own (its rows)
    assert_cited(replace(answer, answer=answer.answer.replace(f"共{len(zero)}份报告", "")))


def test_a_long_ranking_is_paged_and_every_row_kept_in_order(assistant):
    answer = assistant.ask("2021年各乡镇政府信息公开申请数量从多到少排名")
    values = [r["value"] for r in answer.rows]
    assert len(answer.rows) == N and values == sorted(values, reverse=True)
    assert f"共{N}份报告" in answer.answer
    shown = re.findall(r"[东西南北青白红黄][山水林田湖草沙石]镇", answer.answer)
    assert shown == [r["body"] for r in answer.rows[:MAX_SHOWN]]  # the top of the ranking, in order
    assert len(answer.citations) <= 2 * MAX_SHOWN  # only what is written out is cited


def test_a_sum_names_its_first_parts_and_counts_them_all(assistant):
    answer = assistant.ask("2021年各乡镇政府信息公开申请一共多少件？")
    assert answer.value == sum(i + 1 for i in range(N) if i % 6 == 0)
    assert len(answer.rows) == N and f"共{N}份报告" in answer.answer
    assert len(answer.answer) < 2000  # before: every part written out


def test_a_short_list_is_written_out_whole(assistant):
    answer = assistant.ask(f"2021年{TOWNS[0]}和{TOWNS[2]}的政府信息公开申请一共多少件？")
    assert "完整列表见明细表" not in answer.answer and TOWNS[0] in answer.answer and TOWNS[2] in answer.answer


# ---------------------------------------------------------------- lists read from the prose, at the same scale
PROSE_TOWNS = [f"{a}{b}乡" for a in "东西南北青白红黄" for b in "山水林田湖草沙石"][:N]


@pytest.fixture(scope="module")
def prose_assistant() -> Assistant:
    """Every town names its own WeChat account and platforms and says it held an open day (written anew, in the
    shapes the real reports use); none states a count of 政策解读 or signs with a date."""
    return Assistant.from_reports([
        make_report(town, 2022, sections={"overview": (
            f"依托{town}人民政府网站、“{town[:2]}之声”微信公众号和政务微博两个平台发布工作动态{i + 3}条。"
            f"全年组织开展“政府开放日”活动{i % 3 + 1}次，邀请群众代表走进机关。")})
        for i, town in enumerate(PROSE_TOWNS)
    ])


def _written_out(answer) -> set[str]:
    return {t for t in PROSE_TOWNS if t in answer.answer}


@pytest.mark.parametrize("question", [
    "哪些乡镇开通了微信公众号？",  # which bodies use a named channel
    "各乡镇都通过哪些平台发布信息？",  # each body's channels, item by item
    "有哪些乡镇在报告中提到了开展“政府开放日”活动？",  # which reports state a practice
    "哪些报告提到了政府开放日？",
])
def test_a_long_list_read_from_prose_is_paged_with_every_report_in_its_rows(prose_assistant, question):
    answer = prose_assistant.ask(question)
    assert answer.kind in ("list", "text"), answer.answer[:200]
    assert len(_written_out(answer)) == MAX_SHOWN  # the first MAX_SHOWN written out …
    assert f"共{N}份报告，完整列表见明细表" in answer.answer  # … then how many, and where the rest are
    assert {r["body"] for r in answer.rows} == set(PROSE_TOWNS)  # the 明细 table holds every report
    assert all(r["value"] not in (None, "") for r in answer.rows)  # what each report says (names, a sentence, a count)
    assert {c.report_id for c in answer.citations} <= {f"{t}-2022-test" for t in _written_out(answer)}
    assert_cited(answer)
    markdown = answer_markdown(answer)  # the chat message shows the first rows and says where the rest are
    assert markdown.count("\n- ") <= MAX_SHOWN + 1 and f"共{N}项，完整列表见明细表" in markdown


@pytest.mark.parametrize(("question", "in_rows"), [
    ("2022年各乡镇微信公众号发布信息多少条？", False),  # a figure no report states: the reports searched
    ("哪些乡镇的报告写有落款日期？", True),  # none signs with a date: the reports checked, each in the rows
])
def test_a_long_list_of_reports_searched_is_cut_short_and_says_how_many(prose_assistant, question, in_rows):
    answer = prose_assistant.ask(question)
    assert len(_written_out(answer)) == MAX_SHOWN, answer.answer[:300]
    assert f"共{N}份报告" in answer.answer and len(answer.answer) < 2000
    # the text sends the reader to the 明细 table only when the rows hold every report
    assert ("完整列表见明细表" in answer.answer) == in_rows == ({r["body"] for r in answer.rows} == set(PROSE_TOWNS))


@pytest.mark.parametrize("question", [
    "2021年哪些乡镇收到的政府信息公开申请超过1000件？",  # none does: the reports checked
    "2021年哪些乡镇没有披露政府信息公开申请数量？",  # none: those at zero and the rest, as checked
    "2021年各乡镇本年新收政府信息公开申请和已公开的数量分别是多少？",  # two figures of every report
    "2021年各乡镇本年新收政府信息公开申请和上年结转申请加起来是多少？",  # each report's two parts and their sum
])
def test_every_long_list_says_where_the_rest_is_only_when_its_rows_hold_it(assistant, question):
    answer = assistant.ask(question)
    assert len(answer.answer) < 2500 and len(named(answer)) <= 2 * MAX_SHOWN, answer.answer[:300]
    assert f"共{N}份报告" in answer.answer or f"共{N - N // 6}份报告" in answer.answer
    assert ("完整列表见明细表" in answer.answer) == ({r["body"] for r in answer.rows} == set(TOWNS))
    assert_cited(answer)
