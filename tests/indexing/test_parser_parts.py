"""The parser's parts on small made-up inputs: names and levels, titles and signatures, headings, prose facts."""

from __future__ import annotations

import pytest

from indexing.facts import extract_facts
from indexing.identity import find_signature, find_title, identify, level_of, split_name
from indexing.sections import find_headings, split_sections


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    "agency,region,short,level",
    [
        ("威海市文登区侯家镇人民政府", ["威海市", "文登区"], "侯家镇", "乡镇"),
        ("安丘市辉渠镇人民政府", ["安丘市"], "辉渠镇", "乡镇"),
        ("呼兰区白奎镇", ["呼兰区"], "白奎镇", "乡镇"),
        ("港口乡", [], "港口乡", "乡镇"),
        ("威海市文登区龙山街道办事处", ["威海市", "文登区"], "龙山街道", "街道"),
        ("铜鼓县人民政府", [], "铜鼓县", "县级"),
        ("威海市人民政府", [], "威海市", "市级"),
        ("山东省人民政府", [], "山东省", "省级"),
        ("威海市文登区教育局", ["威海市", "文登区"], "教育局", "部门"),
        ("威海市文登區侯家鎮人民政府", ["威海市", "文登区"], "侯家镇", "乡镇"),  # traditional: keys are folded
    ],
)
def test_split_name_and_level(agency, region, short, level):
    assert split_name(agency) == (region, short)
    assert level_of(agency, short) == level


def test_department_short_name_keeps_its_county():
    lines = ["威海市文登区教育局2021年政府信息公开工作年度报告", "一、总体情况", "正文。"]
    ident = identify(lines)
    assert (ident.short_name, ident.region, ident.level) == ("文登区教育局", ["威海市", "文登区"], "部门")


# ---------------------------------------------------------------- title and signature
def test_title_skips_page_furniture_and_breadcrumbs():
    lines = [
        "首页/政府信息公开/政府信息公开年报",
        "字号：大 中 小 打印本页",
        "",
        "某某镇2021年政府信息公开工作年度报告",
        "一、总体情况",
    ]
    assert find_title(lines) == ("某某镇2021年政府信息公开工作年度报告", 3, 3)


def test_title_wrapped_over_two_lines():
    lines = ["呼兰区白奎镇2021年政府信息公开工作", "年度报告", "正文"]
    assert find_title(lines) == ("呼兰区白奎镇2021年政府信息公开工作年度报告", 0, 1)


def test_title_with_body_name_on_the_line_above():
    lines = ["威海市文登区米山镇人民政府", "2022年政府信息公开工作年度报告", "正文"]
    assert find_title(lines)[1:] == (0, 1)


def test_no_title_is_none():
    assert find_title(["今天天气很好。", "我们去公园。"]) is None


@pytest.mark.parametrize(
    "tail,expected",
    [
        (["某某镇人民政府", "2022年1月26日"], ("2022-01-26", True)),
        (["某某镇人民政府  2022年3月5日"], ("2022-03-05", True)),
        (["某某镇人民政府", "二〇二二年一月二十六日"], ("2022-01-26", True)),
        (["2022年1月26日"], ("2022-01-26", False)),
        (["正文最后一句。"], (None, False)),
    ],
)
def test_signature(tail, expected):
    lines = ["标题", *["正文。"] * 10, *tail]
    agency_line, _, date = find_signature(lines, 0)
    assert (date, agency_line is not None) == expected


def test_year_is_from_title_even_when_signed_next_year():
    lines = ["某某镇2021年政府信息公开工作年度报告", "一、总体情况", *["正文。"] * 5, "某某镇人民政府", "2022年1月26日"]
    ident = identify(lines)
    assert (ident.year, ident.signed_date, ident.agency) == (2021, "2022-01-26", "某某镇人民政府")


# ---------------------------------------------------------------- headings
def _keys(lines):
    return [(h.key, h.line) for h in find_headings(lines, 0, len(lines))]


def test_mixed_numbering_styles():
    lines = [
        "\u00a0\u00a0一、总体情况",
        "（一）主动公开情况",
        "2、 主动公开政府信息情况",
        "（3）收到和处理政府信息公开申请情况",
        "四．政府信息公开行政复议、行政诉讼情况",
        "5、存在的主要问题及改进情况",
        "第六部分 其他需要报告的事项",
    ]
    assert _keys(lines) == [
        ("overview", 0), ("proactive", 2), ("requests", 3), ("appeals", 4), ("problems", 5), ("other", 6),
    ]  # fmt: skip


def test_a_sub_heading_with_section_words_stays_inside_its_section():
    lines = [
        "一、总体情况",
        "（二）收到和处理政府信息公开申请情况",  # a sub-part of the overview, not section 3
        "本年度未收到申请。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [k for k, _ in _keys(lines)] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert _keys(lines)[2] == ("requests", 4)


def test_prose_with_section_words_is_not_a_heading():
    lines = [
        "一、总体情况",
        "2.申请行政复议、提起行政诉讼情况。全年未发生因政府信息公开被行政复议、提起行政诉讼情况，特此说明如上所述。",
        "二、主动公开政府信息情况",
    ]
    assert _keys(lines) == [("overview", 0), ("proactive", 2)]


def test_parenthesised_top_level_numbering():
    lines = [
        "（一）总体情况",
        "正文",
        "（二）主动公开政府信息情况",
        "（三）收到和处理政府信息公开申请情况",
        "（四）政府信息公开行政复议、行政诉讼情况",
        "（五）存在的主要问题及改进情况",
        "（六）其他需要报告的事项",
    ]
    assert [k for k, _ in _keys(lines)] == ["overview", "proactive", "requests", "appeals", "problems", "other"]


def test_missing_heading_leaves_the_section_empty_and_flagged():
    lines = [
        "一、总体情况", "正文一", "二、主动公开政府信息情况", "表",
        "五、存在的主要问题及改进情况", "问题", "六、其他需要报告的事项", "无",
    ]  # fmt: skip
    sections, spans, flags = split_sections(lines, 0, len(lines))
    assert sections["requests"] == sections["appeals"] == ""
    assert sections["problems"] == "问题"
    assert [f.cells for f in flags] == [["sections.requests"], ["sections.appeals"]]
    assert all(f.rule == "section.missing" for f in flags)


# ---------------------------------------------------------------- prose facts
def _facts(text: str) -> dict:
    return {k: f.value for k, f in extract_facts({"overview": text}).items()}


@pytest.mark.parametrize(
    "text,expected",
    [
        # “均已按期答复” says every one of the 7 was answered: 7 handled, from the same sentence
        ("本年度共受理政府信息公开申请7件，均已按期答复。", {"requests_received": 7, "requests_handled": 7}),
        ("本年度未收到政府信息公开申请。", {"no_requests": True}),
        ("本年度不存在因政府信息公开被申请行政复议、提起行政诉讼的情况。", {"no_appeals": True}),
        ("全年主动公开政府信息三百二十九条。", {"proactive_total": 329}),
        ("通过政务微博发布信息12条。", {"channel_weibo": 12}),
        ("通过抖音号发布短视频8条。", {"channel_douyin": 8}),
        ("本年度未收取任何信息处理费。", {"no_fees": True}),
        ("本年度未承办人大代表建议和政协委员提案。", {"no_proposals": True}),
        ("未收到行政复议申请。", {"no_appeals": True}),  # about appeals, not information requests
        ("通过网站、微信公众号两个平台发布信息。", {}),  # “两个” counts platforms, not items
    ],
)
def test_prose_facts(text, expected):
    assert _facts(text) == expected


def test_fact_keeps_the_original_sentence():
    sentence = "2021年度通过各类渠道公開政府信息329条，其中通过微信公眾號發布消息235条。"
    facts = extract_facts({"overview": "一是加强学习。" + sentence})
    assert facts["proactive_total"].sentence == sentence
    assert facts["channel_wechat"].value == 235 and facts["channel_wechat"].unit == "条"


def test_fact_in_a_sentence_wrapped_by_a_pdf_page():
    sentence = (
        "2021年度我镇严格按照《条例》和上级工作部署要求，通过各类渠道主动公开政府\n"
        "信息329条，其中通过微信公众号发布235条。"
    )
    text = "（一）主动公开情况\n" + sentence + "\n"
    facts = extract_facts({"overview": text})
    assert facts["proactive_total"].value == 329 and facts["channel_wechat"].value == 235
    assert facts["proactive_total"].sentence == sentence


def test_heading_with_its_text_on_the_same_line():
    lines = [
        "一、总体情况：2021年，我镇认真贯彻落实《条例》，全面推进政务公开工作，各项工作取得新进展，现将有关情况报告如下。",
        "二、主动公开政府信息情况",
        "表",
    ]
    sections, _, _ = split_sections(lines, 0, len(lines))
    assert sections["overview"].startswith("一、总体情况：2021年")
    assert sections["proactive"] == "表"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("本年度未收到公民、法人或其他组织提出的政府信息公开申请。", {"no_requests": True}),
        ("本年度依申请公开政府信息数量为3件。", {"requests_received": 3}),
        ("本年度新收政府信息公开申请12件，上年结转2件。", {"requests_received": 12}),
    ],
)
def test_request_counts_in_prose(text, expected):
    assert _facts(text) == expected


def test_body_name_after_the_year_in_the_title():
    ident = identify(["2021年度威海市文登区侯家镇人民政府政府信息公开工作年度报告", "一、总体情况", "正文。"])
    assert ident.agency == "威海市文登区侯家镇人民政府"
    assert (ident.short_name, ident.region) == ("侯家镇", ["威海市", "文登区"])
