"""What a body did in its report year (采取了/开展了/做了哪些) comes from the sections on that year's work, never from
the next year's plans; plans answer only when asked (计划/打算/下一步/明年), and are then said to be plans."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant

from .conftest import assert_cited, make_report

# Invented text in the shapes reports use: the year's work as 一是/二是 under a heading of section 1, a numbered list
# of how the superiors' key points were carried out, the year's problems, then next year's plans as （一）（二）.
OVERVIEW = (
    "（四）政府信息公开平台建设情况\n"
    "一是健全信息审核机制，落实专人负责。二是加强业务培训，提升工作能力。三是规范公开流程，确保及时准确。\n"
)
OTHER = (
    "（二）落实上级年度政务公开工作要点情况\n"
    "1.加强组织领导，成立政务公开工作小组。2.完善公开目录，按季度更新公开内容。3.强化考核监督，纳入年度考核。"
)
PROBLEMS = (
    "2021年存在的主要问题为：一是公开内容不够丰富。二是人员力量不足。\n"
    "2022年将重点从以下三方面做好政府信息公开工作：（一）拓展公开渠道，开通短视频账号。（二）加强解读回应，"
    "提高解读质量。（三）充实工作队伍，开展专题培训。"
)
DONE = ("健全信息审核机制", "加强业务培训", "规范公开流程", "加强组织领导", "完善公开目录", "强化考核监督")
PLANS = ("拓展公开渠道", "加强解读回应", "充实工作队伍")


def _assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("青禾乡", 2021, sections={"overview": OVERVIEW, "problems": PROBLEMS, "other": OTHER}),
    ])


@pytest.mark.parametrize("question", [
    "青禾乡2021年采取了哪些措施加强政务公开？",
    "青禾乡2021年开展了哪些工作？",
    "青禾乡2021年做了哪些工作推进信息公开？",
    "青禾乡2021年采取了哪些举措？",
    "青禾乡2021年的政务公开工作是怎么开展的？",
])
def test_work_done_comes_from_that_years_sections(question):
    ans = _assistant().ask(question)
    assert ans.kind == "text"
    for plan in PLANS:
        assert plan not in ans.answer, plan
    assert "公开内容不够丰富" not in ans.answer  # a problem is no measure taken
    shown = [d for d in DONE if d in ans.answer]
    assert len(shown) >= 3, ans.answer
    assert_cited(ans)


def test_both_lists_of_the_years_work_are_used():
    ans = _assistant().ask("青禾乡2021年采取了哪些措施加强政务公开？")
    for done in DONE:
        assert done in ans.answer, done


@pytest.mark.parametrize("question", [
    "青禾乡下一步有什么打算？",
    "青禾乡明年计划怎么做？",
    "青禾乡有哪些改进措施？",
])
def test_plans_asked_are_answered_and_labelled_as_plans(question):
    ans = _assistant().ask(question)
    for plan in PLANS:
        assert plan in ans.answer, plan
    assert "2022年工作计划" in ans.answer


def test_the_tester_question_on_the_samples(reports_assistant):
    ans = reports_assistant.ask("侯家镇2021年采取了哪些措施加强政务公开？")
    assert "加大工作力度" not in ans.answer  # section 6: the 2022 plans
    assert "加强组织领导" in ans.answer and "进一步完善政务信息常态化管理机制" in ans.answer
    assert_cited(ans)
