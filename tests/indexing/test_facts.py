"""Figures stated in prose, by class: several wordings of each (invented, in the shapes of eval/shapes.md), and the
traps real reports set (ordinals, approximations, changes, totals stated through one channel)."""

from __future__ import annotations

import pytest

from indexing.facts import extract_facts


def facts(text: str) -> dict:
    return {k: f.value for k, f in extract_facts({"overview": text}).items()}


@pytest.mark.parametrize(
    "text,value",
    [
        ("2022年，我镇主动公开政府信息85条。", 85),
        ("全年累计主动公开政府信息共计一百二十条。", 120),
        ("截至12月31日，通过局网站主动公开信息413条，其中：工作动态300条。", 413),  # a total through one channel
        ("全年在县政府门户网站主动公开和转发各类信息共计64条，主要包括农业、林业等方面。", 64),
        ("本年度共通过门户网站及政务新媒体主动公开217条，其中网站公开90条。", 217),
        ("主动公开政府信息的情况：46条。", 46),
    ],
)
def test_proactive_total_in_many_wordings(text, value):
    assert facts(text)["proactive_total"] == value


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("其中通过“青禾发布”微信公众号发布信息120条。", "channel_wechat", 120),
        ("其中，在县政府门户网站发布各类信息56篇。", "channel_website", 56),
        ("其中政务微博发布信息18条。", "channel_weibo", 18),
        ("其中利用村务公开栏张贴公示12期。", "channel_board", 12),
        ("其中通过政务新媒体发布信息40条。", "channel_new_media", 40),
        ("其中政府信息公开专栏更新33条。", "channel_column", 33),
    ],
)
def test_channels(text, key, value):
    assert facts(text)[key] == value


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全年共受理政府信息公开申请9件，办结9件。", {"requests_received": 9, "requests_handled": 9}),
        ("新收到政府信息公开申请12宗。", {"requests_received": 12}),
        ("全年共收到依申请公开0件。", {"requests_received": 0, "no_requests": True}),  # a stated zero is “none”
        ("本年度未收到群众关于政府信息公开的申请。", {"no_requests": True}),
        ("全年无依申请公开事项。", {"no_requests": True}),
        ("发生政府信息公开行政复议2件、行政诉讼1件。", {"reviews": 2, "lawsuits": 1}),
        ("全年举办新闻发布会6场。", {"press_conferences": 6}),
        ("发布政策解读稿件15篇。", {"policy_interpretations": 15}),
    ],
)
def test_requests_appeals_and_other_counted_things(text, expected):
    assert facts(text) == expected


def test_enumerated_items_are_facts_by_name():
    got = facts("全年主动公开政府信息60条，包括机构职能类4条、工作动态36条，人事信息5条，财政预决算15条。")
    assert got == {"proactive_total": 60, "item:机构职能": 4, "item:工作动态": 36, "item:人事信息": 5,
                   "item:财政预决算": 15}


@pytest.mark.parametrize(
    "text",
    [
        "依据《条例》第五十条规定，编制本报告。",  # an article number, not ten items
        "本报告由总体情况等六部分组成，第一项加第二项之和等于第三项。",
        "全年主动公开政府信息1200余条。",  # approximate: not an exact figure
        "收到政府信息公开申请较去年增加5件。",  # a change, not a count
        "主动公开率达到100%。",
        "通过网站、微信公众号两个平台发布信息。",
    ],
)
def test_numbers_that_are_not_counts(text):
    assert facts(text) == {}


def test_the_first_statement_wins_and_keeps_its_sentence():
    text = "2022年主动公开政府信息30条。其中主动公开政府信息10条用于测试。"
    got = extract_facts({"overview": text})
    assert got["proactive_total"].value == 30 and got["proactive_total"].sentence == "2022年主动公开政府信息30条。"
