"""Whether a sentence states what a question asks about: most of its words, quoted words as written, same polarity."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant
from answering.claims import claim_of, support

from .conftest import assert_cited, make_report


@pytest.mark.parametrize("phrase, sentence", [
    ("把政务公开工作纳入绩效考核", "将政务公开工作纳入全镇绩效目标考核，每季度通报。"),
    ("是按季度公开三公经费", "结合实际，按季度公开我局三公经费及预决算情况。"),
    ("更新《依申请公开指南》", "定期审核更新依申请公开指南、公开目录等内容。"),
    ("实行信息“双审”制度", "严格落实信息“双审”制度，先审后发。"),
])
def test_a_sentence_saying_the_thing_in_other_words_supports_it(phrase, sentence):
    found = support(claim_of(phrase), sentence)
    assert found is not None and found.same_polarity


@pytest.mark.parametrize("phrase, sentence", [
    ("实行信息“双审”制度", "严格落实信息审核制度，先审后发。"),  # the quoted word is missing
    ("把政务公开工作纳入绩效考核", "本年度开展政务公开培训两次。"),  # most words missing
])
def test_a_sentence_lacking_the_quoted_word_or_most_words_does_not(phrase, sentence):
    assert support(claim_of(phrase), sentence) is None


@pytest.mark.parametrize("phrase, sentence, same", [
    ("未收取信息处理费", "2023年本机关未收取信息处理费。", True),
    ("未收取信息处理费", "2023年我街道无收取信息处理费的情况。", True),
    ("未收取信息处理费", "本年度收取信息处理费120元。", False),
    ("收取信息处理费", "2023年本机关未收取信息处理费。", False),
    ("收取信息处理费", "（一）收取信息处理费的情况\n不适用", True),
    ("实行信息“双审”制度", "严格信息“双审”制度，没审核的信息一律不发布。", True),  # a 没 elsewhere negates nothing
])
def test_polarity_is_read_where_the_claim_starts(phrase, sentence, same):
    found = support(claim_of(phrase), sentence)
    assert found is not None and found.same_polarity is same


def test_negation_words_that_do_not_negate():
    found = support(claim_of("加强信息公开培训"), "不断加强信息公开培训，提升能力。")
    assert found is not None and found.same_polarity


# ---------------------------------------------------------------- answered through the assistant
def _assistant() -> Assistant:
    return Assistant.from_reports([
        make_report("甲街道", 2023, level="街道", region=("测试市", "东区"), sections={
            "overview": "将政务公开工作纳入全街道绩效目标考核。严格落实信息“双审”制度，先审后发。"
                        "目前尚未设立政务公开体验点。",
            "other": "本报告可在东区人民政府网站下载。2023年本街道未收取信息处理费。"}),
        make_report("乙街道", 2023, level="街道", region=("测试市", "西区"), sections={
            "overview": "本年度开展政务公开培训两次。",
            "other": "本年度收取信息处理费120元。"}),
    ])


@pytest.mark.parametrize("question", [
    "甲街道有没有把政务公开工作纳入绩效考核？",
    "甲街道是否实行信息“双审”制度",
    "甲街道2023年是不是把政务公开纳入了考核",
])
def test_a_prose_yes_no_answers_yes_from_the_sentence_that_states_it(question):
    ans = _assistant().ask(question)
    assert ans.kind == "yesno" and ans.value is True, ans.answer
    assert_cited(ans)


def test_a_prose_yes_no_the_report_is_silent_on_is_not_answered_no():
    ans = _assistant().ask("乙街道有没有把政务公开工作纳入绩效考核？")
    assert ans.kind == "unknown" and "不等于没有做" in ans.answer


def test_a_sentence_saying_the_opposite_answers_no():
    ans = _assistant().ask("甲街道2023年有没有设立政务公开体验点？")
    assert ans.kind == "yesno" and ans.value is False


@pytest.mark.parametrize("question, bodies", [
    ("哪些街道在报告中说明当年未收取信息处理费？", ["甲街道"]),
    ("哪个街道实行信息“双审”制度？", ["甲街道"]),
    ("哪个街道的年报可以在东区人民政府网站下载？", ["甲街道"]),
])
def test_which_bodies_state_a_thing_and_not_its_opposite(question, bodies):
    ans = _assistant().ask(question)
    assert ans.kind == "list" and ans.items == bodies, ans.answer


@pytest.mark.parametrize("question, bodies", [("哪些街道属于西区？", ["乙街道"]), ("属于东区的有哪些街道", ["甲街道"])])
def test_which_bodies_sit_in_a_region(question, bodies):
    ans = _assistant().ask(question)
    assert ans.kind == "list" and ans.items == bodies, ans.answer
