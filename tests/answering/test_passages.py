"""Extractive prose answers: sentences, numbered lists, headings, and the weak-evidence abstention."""

from __future__ import annotations

from answering.assistant import Assistant
from answering.passages import enumerations, sentences, sentences_with_headings

from .conftest import assert_cited, make_report

PROBLEMS = (
    "（一）存在的主要问题\n"
    "本年度工作虽有进展，但还存在不足：信息更新不够及时。\n"
    "（二）改进措施\n"
    "一是加强队伍建设，定期开展培训。二是完善审核制度，严格保密审查。三是拓宽公开渠道，用好政务新媒体。"
)
OVERVIEW = (
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、行政复议、存在的主要问题、"
    "其他需要报告的事项组成。\n"
    "（四）政府信息公开平台建设情况\n"
    "本年度依托“甲乡发布”微信公众号和乡政府网站发布信息，平台运行平稳。"
)


def _assistant() -> Assistant:
    return Assistant.from_reports([make_report("甲乡", 2021, sections={"problems": PROBLEMS, "overview": OVERVIEW})])


def test_sentences_skip_bare_headings_and_keep_them_as_context():
    pairs = sentences_with_headings(PROBLEMS)
    assert ("本年度工作虽有进展，但还存在不足：信息更新不够及时。", "（一）存在的主要问题") in pairs
    assert all(not s.startswith("（一）存在") for s in sentences(PROBLEMS))


def test_enumerations_find_numbered_items_not_headings():
    groups = enumerations(PROBLEMS)
    assert len(groups) == 1  # （一）（二）are headings on lines of their own, not a list of answers
    g = groups[0]
    assert g.leads == ["加强队伍建设，定期开展培训", "完善审核制度，严格保密审查", "拓宽公开渠道，用好政务新媒体"]
    assert g.markers == ["一是", "二是", "三是"] and g.heading == "（二）改进措施"


def test_improvements_answer_with_the_list_items():
    ans = _assistant().ask("甲乡有哪些改进措施")
    assert ans.kind == "text" and "加强队伍建设" in ans.answer and "拓宽公开渠道" in ans.answer
    assert len(ans.citations) == 3 and ans.citations[0].section == "problems"
    assert_cited(ans)


def test_problems_answer_with_the_problem_sentence_not_the_contents_line():
    ans = _assistant().ask("甲乡存在哪些问题")
    assert "信息更新不够及时" in ans.answer
    assert "本报告由" not in ans.answer
    assert "加强队伍建设" not in ans.answer  # that list sits under the improvements heading


def test_platform_sentence_under_its_heading():
    ans = _assistant().ask("甲乡的平台建设情况")
    assert "甲乡发布" in ans.answer


def test_weak_evidence_abstains_and_says_what_was_looked_for():
    ans = _assistant().ask("甲乡的足球比赛成绩如何")
    assert ans.kind == "unknown" and ans.citations == []
    assert ans.answer.startswith("语料中没有找到") and "足球比赛" in ans.answer
