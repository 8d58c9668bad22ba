"""Nouns only prose counts (answering.lookup, answering.execute): which noun a question asks, and which stated number
is that noun's own. Wordings invented for these tests; numbers from the five samples' sentences."""

from __future__ import annotations

import re

import pytest

from answering.assistant import Assistant
from answering.execute import head_words
from answering.lookup import counted_after_measure_word
from tests.answering.conftest import assert_cited, make_report


# ---------------------------------------------------------------- a two-noun sum: the generic tail 信息 is optional
@pytest.mark.parametrize("question,total", [
    ("侯家镇2021年机构职能信息和政策文件一共多少条？", 7),  # 机构职能4条，政策文件3条
    ("米山镇机构职能信息和人事信息加起来多少条？", 6),  # 机构职能3条，人事信息3条
    ("侯家镇2021年工作动态信息和机构职能一共多少条？", 40),  # 工作动态36条
    ("米山镇2022年政策文件信息与业务动态信息合计几条", 33),  # 政策文件3条，业务动态30条
])
def test_each_noun_of_a_sum_finds_its_stated_item_without_its_generic_tail(reports_assistant, question, total):
    answer = reports_assistant.ask(question)
    assert (answer.kind, answer.value) == ("value", total), answer.answer
    assert_cited(answer)


@pytest.mark.parametrize("question", [
    "侯家镇人事信息和政策文件一共多少条？",  # 侯家镇 states no 人事信息
    "侯家镇2021年财政信息和机构职能一共多少条？",  # nor 财政信息 (辉渠镇 does)
])
def test_a_noun_the_report_does_not_state_takes_no_other_items_number(reports_assistant, question):
    answer = reports_assistant.ask(question)
    assert answer.kind == "unknown" and answer.value is None, answer.answer
    assert "不能相加" in answer.answer


def test_head_words_drop_only_a_generic_tail():
    assert head_words("机构职能信息") == "机构职能"
    assert head_words("概况信息") == "概况"
    assert head_words("政务信息") == "政务"
    assert head_words("执行公开") == "执行公开"
    assert head_words("信息") == "信息"  # nothing of its own would remain


@pytest.mark.parametrize("asked", ["机构职能方面的信息", "机构职能方面", "机构职能类信息", "机构职能的信息",
                                   "机构职能类"])
def test_head_words_drop_a_generic_wrapper_around_an_item(asked):
    assert head_words(asked) == "机构职能"
    assert head_words("人事类") == "人事" and head_words("各类") == "各类"  # two characters of its own, or nothing


def test_an_item_stated_with_the_tail_answers_a_noun_asked_without_it():
    report = make_report("甲镇", 2021, facts={"item:概况信息": (20, "其中，概况信息20条，财政信息24条。", "overview"),
                                             "item:财政信息": (24, "其中，概况信息20条，财政信息24条。", "overview")},
                         sections={"overview": "其中，概况信息20条，财政信息24条。"})
    assistant = Assistant.from_reports([report])
    for question in ("甲镇2021年概况和财政信息一共多少条？", "甲镇2021年财政和概况加起来多少条"):
        answer = assistant.ask(question)
        assert (answer.kind, answer.value) == ("value", 44), answer.answer
    assert assistant.ask("甲镇2021年概况有几条？").value == 20


# ---------------------------------------------------------------- 多少 + measure word + noun (+ what was done)
@pytest.mark.parametrize("text,expected", [
    ("辉渠镇2020年安排了多少车次广播车？", [("车次", "广播车")]),
    ("米山镇有多少个村设置了政务公开功能？", [("个", "村")]),
    ("有几个社区服务点均设置了公开栏", [("个", "社区服务点")]),
    ("多少名工作人员参加了培训", [("名", "工作人员")]),
    ("发放了多少张明白纸", [("张", "明白纸")]),
    ("多少人次参加了培训", []),  # nothing counted follows the unit
])
def test_the_counted_noun_is_the_words_after_the_measure_word_up_to_the_verb(text, expected):
    assert counted_after_measure_word(text) == expected


@pytest.mark.parametrize("question", [
    "米山镇有多少个村设置了政务公开功能？",
    "米山镇在多少个村设置了政务公开专区？",
    "米山镇有多少个村都设置了政务公开功能",
])
def test_a_count_before_a_verb_phrase_is_the_nouns_count(reports_assistant, question):
    answer = reports_assistant.ask(question)  # “…以及40个村的村委活动室的政务公开功能”
    assert (answer.kind, answer.value) == ("value", 40), answer.answer
    assert "村设置" not in answer.answer


@pytest.mark.parametrize("question", [
    "辉渠镇2020年安排了多少车次广播车？",
    "辉渠镇出动了几车次广播车",
    "辉渠镇2020年广播车安排了多少车次？",
])
def test_an_approximate_figure_is_quoted_as_approximate_never_as_exact(reports_assistant, question):
    answer = reports_assistant.ask(question)  # “共安排广播车80余车次”
    assert answer.value is None and answer.kind == "text", answer.answer
    assert "80余车次" in answer.answer and "约数" in answer.answer and answer.citations
    assert "车次广播车" not in answer.answer


@pytest.mark.parametrize("sentence,question,rough", [
    ("全年共举办政务公开培训班约12期。", "甲镇2021年举办了多少期培训班？", "约12期"),
    ("全年发放宣传手册300多份。", "甲镇2021年发放了多少份宣传手册？", "300多份"),
    ("全年出动宣传车20车次左右。", "甲镇2021年出动了多少车次宣传车？", "20车次左右"),
])
def test_rough_figures_in_any_wording_are_quoted_not_counted(sentence, question, rough):
    report = make_report("甲镇", 2021, sections={"overview": sentence})
    answer = Assistant.from_reports([report]).ask(question)
    assert answer.value is None and answer.kind == "text", answer.answer
    assert rough in answer.answer and "约数" in answer.answer

    exact = make_report("甲镇", 2021, sections={"overview": sentence.replace(rough, re.sub("约|多|左右", "", rough))})
    stated = Assistant.from_reports([exact]).ask(question)  # the same sentence without the rough word: a count
    assert stated.kind == "value" and stated.value == int("".join(ch for ch in rough if ch.isdigit())), stated.answer


@pytest.mark.parametrize("question", [
    "文登区大水泊镇2021年主动公开了多少条政府信息？",
    "文登区大水泊镇2021年发布了多少条政策文件？",
])
def test_a_body_the_corpus_lacks_takes_no_neighbours_stated_number(reports_assistant, question):
    """“多少条政府信息” beside a sentence of 侯家镇 (in 文登区) is no answer for 大水泊镇."""
    answer = reports_assistant.ask(question)
    assert answer.kind == "unknown" and "大水泊镇" in answer.answer, answer.answer


def test_a_rough_count_written_before_its_noun_is_quoted_not_counted():
    report = make_report("丑镇", 2023, sections={"overview": "在全镇约12个村级服务站均设置了公开栏。"})
    answer = Assistant.from_reports([report]).ask("丑镇在几个村级服务站设了公开栏？")
    assert answer.value is None and answer.kind == "text", answer.answer
    assert "约12个村级服务站" in answer.answer and "约数" in answer.answer


@pytest.mark.parametrize("question,noun", [
    ("丑镇有多少个社区设置了政务公开功能？", "社区"),
    ("丑镇有多少个村开展了政务公开？", "村"),
    ("丑镇安排了多少车次宣传车？", "宣传车"),
])
def test_a_count_not_stated_names_the_counted_noun_not_its_verb(question, noun):
    report = make_report("丑镇", 2023, sections={"overview": "全镇持续强化政务公开工作。"})
    answer = Assistant.from_reports([report]).ask(question)
    assert answer.kind == "unknown" and f"“{noun}”的数量" in answer.answer, answer.answer
