"""Two questions in one (“新收多少件，结转多少件？”, two sentences each ending in ？): each part answered with its own
citation, or said to be unanswered — never one part answered as if it were the whole."""

from __future__ import annotations

import re

import pytest

from answering.assistant import parts_asked

from .conftest import assert_cited


@pytest.mark.parametrize("question, parts", [
    ("港口乡2021年新收申请多少件，结转下年度多少件？", ["港口乡2021年新收申请多少件？", "结转下年度多少件？"]),
    ("港口乡2021年新收申请多少件？结转下年度多少件？", ["港口乡2021年新收申请多少件？", "结转下年度多少件？"]),
    # a clause without an asking word leads into the part after it
    ("对米山镇的年报有疑问，找哪个部门？电话多少？", ["对米山镇的年报有疑问，找哪个部门？", "电话多少？"]),
    # “这几份报告” points at reports, it asks nothing: one question
    ("在这几份报告涉及的乡镇里，有几个没有收到申请？", ["在这几份报告涉及的乡镇里，有几个没有收到申请？"]),
    ("2021年哪些乡镇没有收到政府信息公开申请？", ["2021年哪些乡镇没有收到政府信息公开申请？"]),
])
def test_parts_asked(question, parts):
    assert parts_asked(question) == parts


# (question, words each part's citations hold — one per part, in order)
TWO_FIGURES = [
    ("港口乡2021年新收申请多少件，结转下年度多少件？", ("本年新收", "结转下年度继续办理")),
    ("港口乡2021年新收申请多少件？结转下年度多少件？", ("本年新收", "结转下年度继续办理")),
    ("辉渠镇2020年收到多少件申请？上年结转多少件？", ("本年新收", "上年结转")),
    ("侯家镇2021年主动公开了多少条信息；行政复议有几件？", ("公开政府信息329条", "行政复议")),
]


@pytest.mark.parametrize("question, cited", TWO_FIGURES)
def test_each_part_is_answered_with_its_own_citation(reports_assistant, question, cited):
    ans = reports_assistant.ask(question)
    assert ans.kind != "unknown"
    first, second = ans.answer.split("第二问")
    assert first.startswith("第一问")
    for part, words in zip((first, second), cited, strict=True):
        marks = [int(m) for m in re.findall(r"\[(\d+)\]", part)]
        assert marks, part
        assert any(words in ans.citations[m - 1].text for m in marks), (words, part)
    assert_cited(ans)


def test_a_later_part_shares_the_first_parts_body_and_year(reports_assistant):
    ans = reports_assistant.ask("港口乡2021年新收申请多少件，结转下年度多少件？")
    second = ans.answer.split("第二问")[1]
    assert second.startswith("“港口乡2021年结转下年度多少件？”")
    assert {c.short_name for c in ans.citations} == {"港口乡"}


@pytest.mark.parametrize("question, unread", [
    ("港口乡2021年新收申请多少件？今天天气怎么样？", "今天天气怎么样"),
    ("侯家镇2021年主动公开了多少条信息，食堂有几个厨师？", "食堂有几个厨师"),
])
def test_a_part_that_cannot_be_answered_is_named(reports_assistant, question, unread):
    ans = reports_assistant.ask(question)
    first, second = ans.answer.split("第二问")
    assert "[1]" in first  # the part that reads is still answered, cited
    assert unread in second and "未能回答" in second
    assert_cited(ans)


@pytest.mark.parametrize("question", [
    "侯家镇2021年和米山镇2022年各收到多少申请，合计多少？",
    "侯家镇和米山镇谁主动公开的信息多，多多少？",
])
def test_a_part_leaning_on_the_one_before_keeps_one_question(reports_assistant, question):
    assert "第二问" not in reports_assistant.ask(question).answer
