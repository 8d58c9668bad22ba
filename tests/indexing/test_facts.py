"""Figures stated in prose, by class: several wordings of each (invented, in the shapes of eval/shapes.md), and the
traps real reports set (ordinals, approximations, changes, totals stated through one channel)."""

from __future__ import annotations

import hashlib

import pytest

from indexing.facts import extract_facts
from indexing.models import Document
from indexing.parser import parse_document
from indexing.sections import reflow


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


# ---------------------------------------------------------------- a stated zero run on with what follows it
# A flattened page (or a careless export) runs a section's heading into its first sentence after a gap of spaces,
# and the last sentence into the signature. Read whole, such a line is a heading or a signature and its sentence —
# often a stated zero — is lost with it. Bodies, names and dates are invented.
_REPORT_HEAD = [
    "棠溪县芷岭乡人民政府2023年政府信息公开工作年度报告",
    "一、总体情况",
    "2023年，我乡主动公开政府信息64条。",
    "二、主动公开政府信息情况",
    "本年度按要求更新公开目录。",
    "三、收到和处理政府信息公开申请情况",
    "本年度收到政府信息公开申请2件，均已按期答复。",
    "四、政府信息公开行政复议、行政诉讼情况",
    "本年度未发生行政复议、行政诉讼。",
    "五、存在的主要问题及改进情况",
    "栏目更新不够及时，下一步将加强审核。",
]


def _parsed(lines: list[str], joiner: str = "\n"):
    text = joiner.join(lines)
    return parse_document(Document("report.txt", text, hashlib.sha256(text.encode()).hexdigest(), "txt", ()))


@pytest.mark.parametrize(
    "tail,key,sentence,section",
    [
        (["六、其他需要报告的事项     本年度未收取任何信息处理费。"], "no_fees",
         "本年度未收取任何信息处理费。", "other"),
        (["六、其他需要报告的事项\u3000\u3000未承办人大代表建议和政协委员提案。"], "no_proposals",
         "未承办人大代表建议和政协委员提案。", "other"),
        (["六、其他需要报告的事项", "本年度未收取信息处理费。 芷岭乡人民政府 2024年2月6日"], "no_fees",
         "本年度未收取信息处理费。", "other"),
        (["六、其他需要报告的事项", "我乡未承办人大建议、政协提案。2024年1月29日"], "no_proposals",
         "我乡未承办人大建议、政协提案。", "other"),
        (["六、其他需要报告的事项  本机关全年没有收取信息处理费。  棠溪县芷岭乡人民政府  二〇二四年一月十二日"],
         "no_fees", "本机关全年没有收取信息处理费。", "other"),
        (["六、其他需要報告的事項", "本年度未收取任何信息處理費。 芷嶺鄉人民政府 2024年3月4日"], "no_fees",
         "本年度未收取任何信息處理費。", "other"),  # traditional characters
    ],
)
def test_a_stated_zero_run_on_with_its_heading_or_the_signature_is_read(tail, key, sentence, section):
    r = _parsed(_REPORT_HEAD + tail)
    assert r.facts[key].value is True
    assert (r.facts[key].sentence, r.facts[key].section) == (sentence, section)


def test_stated_zeros_of_a_whole_page_on_one_line_are_read_in_their_sections():
    lines = [
        "蓼原县统计局2022年政府信息公开工作年度报告",
        "根据《中华人民共和国政府信息公开条例》规定，现将我局2022年政府信息公开工作情况报告如下。",
        "一、总体情况", "    2022年，我局规范信息发布流程，主动公开政府信息47条。",
        "二、主动公开政府信息情况", "    本年度我局及时更新政府信息公开目录，做好文件公开工作。",
        "三、收到和处理政府信息公开申请情况", "    本年度我局未收到政府信息公开申请。",
        "四、政府信息公开行政复议、行政诉讼情况", "    本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
        "五、存在的主要问题及改进情况", "    部分栏目更新不够及时，下一步将加强培训。",
        "六、其他需要报告的事项", "    本年度未收取信息处理费，未承办人大代表建议和政协委员提案。",
        "蓼原县统计局", "2023年1月16日",
    ]  # fmt: skip
    r = _parsed(lines, joiner=" ")
    got = {k: (f.value, f.section) for k, f in r.facts.items() if k.startswith("no_")}
    assert got == {
        "no_requests": (True, "requests"), "no_appeals": (True, "appeals"),
        "no_fees": (True, "other"), "no_proposals": (True, "other"),
    }  # fmt: skip
    assert r.signed_date == "2023-01-16"


def test_the_signature_is_not_read_into_the_sentence_or_the_section():
    r = _parsed(_REPORT_HEAD + ["六、其他需要报告的事项", "本年度未收取信息处理费。 芷岭乡人民政府 2024年2月6日"])
    assert r.facts["no_fees"].sentence == "本年度未收取信息处理费。"
    assert "芷岭乡人民政府" not in r.sections["other"] and "2024年2月6日" not in r.sections["other"]
    assert (r.agency, r.signed_date) == ("棠溪县芷岭乡人民政府", "2024-02-06")


@pytest.mark.parametrize(
    "line",
    [
        "六、其他需要报告的 事项",  # a heading spelt with a space inside: no sentence follows
        "二、主动公开政府信息情况 第二十条第(一)项 信息内容 本年制发件数",  # table labels after the heading
        "本报告所列数据统计至2023年12月31日",  # a date that ends a sentence: no signature
        "工作情况报告如下。统计截止日期为2023年12月31日",  # a date after a sentence, but no body's name before it
        "一是加强培训 提升业务水平。",  # numbered prose, not a heading
    ],
)
def test_lines_that_only_look_run_on_are_not_cut(line):
    assert reflow([line]) == [line]
