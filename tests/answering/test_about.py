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


# ---------------------------------------------------------------- which reports end with a dated signature
def _signed(short_name: str, year: int, date: str | None) -> object:
    """A report whose text ends with its signature: the body's name line, and the date when it has one."""
    from dataclasses import replace

    r = make_report(short_name, year, sections={"overview": "本年度政府信息公开工作平稳推进。"})
    ending = f"\n{r.agency}\n" + (f"{int(date[:4])}年{int(date[5:7])}月{int(date[8:])}日\n" if date else "")
    return replace(r, signed_date=date, text=f"{r.title}\n本年度政府信息公开工作平稳推进。{ending}")


def _signatures() -> Assistant:
    return Assistant.from_reports([
        _signed("丑镇", 2021, "2022-01-20"), _signed("寅乡", 2021, None), _signed("卯镇", 2021, "2022-01-28"),
        _signed("辰乡", 2021, None),
    ])


@pytest.mark.parametrize("question", [
    "哪些乡镇的年报没有写落款日期？",
    "哪些乡镇的报告没有落款时间？",
    "哪些乡镇的年度报告缺少成文日期？",
])
def test_which_reports_lack_a_signature_date(question):
    from .conftest import assert_cited

    ans = _signatures().ask(question)
    assert ans.kind == "list" and sorted(ans.items) == ["寅乡", "辰乡"], ans.answer
    assert "2022年1月20日" in ans.answer and "2022年1月28日" in ans.answer  # what was checked, cited
    assert_cited(ans)
    assert {c.short_name for c in ans.citations} == {"丑镇", "寅乡", "卯镇", "辰乡"}  # every report checked is cited


def test_which_reports_are_dated():
    ans = _signatures().ask("哪些乡镇的报告写了落款日期？")
    assert ans.kind == "list" and sorted(ans.items) == ["丑镇", "卯镇"], ans.answer


@pytest.mark.parametrize("question", [
    "哪些乡镇的报告写得最认真？",
    "哪些乡镇的年报格式最规范？",
    "哪些乡镇的报告被上级表扬过？",
])
def test_a_condition_nothing_evaluates_never_lists_every_report(question):
    ans = _signatures().ask(question)
    # the plain list of every report would say all four met a condition none was checked for
    assert not (ans.kind in ("list", "count") and len(ans.items) == 4), ans.answer
    assert "的报告有" not in ans.answer, ans.answer
    # asked nothing beyond its scope, the list of reports is the answer
    for plain in ("语料中有几份2021年的年度报告？", "哪些乡镇的年报是2021年度的？", "测试区有几个镇发布了年度报告？"):
        listed = _signatures().ask(plain)
        assert listed.kind in ("list", "count") and len(listed.items) == 4, listed.answer
