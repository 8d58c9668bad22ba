"""Questions about the reports themselves: which year a body's report covers, and which reports the corpus holds."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant

from .conftest import make_report


def _assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("癸镇", 2022, sections={"other": "本年度举办政府开放日活动一次。"}),
        make_report("子乡", 2020, sections={"other": "本年度未收取信息处理费。"}),
    ])


@pytest.mark.parametrize("question, year", [
    ("癸镇这份年度报告是哪一年度的报告？", 2022),
    ("子乡的年报是哪年的", 2020),
    ("癸镇报告的年份是？", 2022),
])
def test_the_year_a_bodys_report_covers(question, year):
    ans = _assistant().ask(question)
    assert ans.kind == "value" and ans.value == year and ans.citations, ans.answer


def test_in_the_report_is_where_something_is_said_not_a_question_about_the_reports():
    ans = _assistant().ask("有哪些乡镇在报告中提到了开展“政府开放日”活动？")
    assert ans.items == ["癸镇"], ans.answer  # not every report the corpus holds
    listing = _assistant().ask("语料里有哪些报告？")
    assert sorted(listing.items) == ["子乡", "癸镇"]
