"""Questions not in Chinese get a Chinese hint (or an answer, when they name a body, year or number); a topic echoed
back keeps Latin words whole."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant
from answering.foreign import EXAMPLE_QUESTION, fragment, is_foreign

from .conftest import make_report


def _assistant() -> Assistant:
    overview = "本年度依托乡政府网站发布信息，全年未收到政府信息公开申请。"
    return Assistant.from_reports([make_report("甲乡", 2021, sections={"overview": overview}),
                                   make_report("乙镇", 2022, sections={"overview": "全年工作平稳。"})])


@pytest.mark.parametrize("question", [
    "How many information disclosure requests were received?",
    "What problems did the towns report?",
    "Quels sont les problèmes signalés ?",
    "Welche Probleme wurden genannt?",
    "hello",
])
def test_a_question_in_another_language_gets_a_chinese_hint_with_an_example(question):
    ans = _assistant().ask(question)
    assert ans.kind == "unknown"
    assert EXAMPLE_QUESTION in ans.answer and "中文" in ans.answer
    # no piece of the question is echoed back, whole or mangled
    assert not any(word in ans.answer for word in question.replace("?", " ").split() if len(word) > 2)


def test_a_foreign_question_naming_a_body_is_still_tried_and_says_what_it_recognised():
    ans = _assistant().ask("Which platforms does 甲乡 use? Tell me more please")
    assert ans.kind == "unknown" and "甲乡" in ans.answer and EXAMPLE_QUESTION in ans.answer


def test_a_foreign_question_with_a_body_and_a_chinese_figure_word_is_answered(reports_assistant):
    ans = reports_assistant.ask("How many 申请 did 侯家镇 receive in 2021年 in total?")
    assert ans.kind == "value" and ans.value == 0, ans.answer


def test_chinese_questions_are_not_foreign():
    for q in ("侯家镇2021年收到多少申请？", "侯家镇的 WeChat 公众号发布了多少条信息？", "2021年哪些乡镇没有收到申请"):
        assert not is_foreign(q)
    assert is_foreign("How many requests in 2021?") and is_foreign("Was hat 侯家镇 gemacht?")


@pytest.mark.parametrize(("text", "expected"), [
    ("How many information disclosure requests", "How many information"),  # cut between words, spaces kept
    ("Howmanyinformationdisclosurerequests", "Howmanyinformationdisclosurerequests"),  # one word: never halved
    ("足球比赛 World Cup 成绩", "足球比赛 World Cup 成绩"),
    ("侯家镇  的  足球", "侯家镇的足球"),
])
def test_an_echoed_fragment_keeps_words_whole(text, expected):
    assert fragment(text) == expected


def test_an_abstention_echoes_latin_words_with_their_spaces():
    ans = _assistant().ask("甲乡的足球比赛 World Cup 成绩如何")
    assert ans.kind == "unknown" and "World Cup" in ans.answer and "WorldCup" not in ans.answer, ans.answer


@pytest.mark.parametrize(("question", "echoed"), [
    ("甲乡的年报有没有提到 Open Data 平台？", "Open Data"),
    ("哪个乡镇开展了 Open Day 活动？", "Open Day"),
    ("甲乡的年报里有没有提到要建设 Smart Portal 的情况？", "Smart Portal"),
])
def test_a_claim_echoed_back_keeps_its_latin_words_apart(question, echoed):
    ans = _assistant().ask(question)
    assert ans.kind == "unknown" and echoed in ans.answer, ans.answer
