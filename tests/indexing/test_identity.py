"""Identity from every place a real file names it: each case is written anew (invented bodies), in a shape observed
in published reports (eval/shapes.md). Each field must say where it came from; what nothing names stays empty."""

from __future__ import annotations

import hashlib

import pytest

from indexing.identity import Hints, identify, split_name
from indexing.models import Document
from indexing.parser import parse_document

BODY = [
    "一、总体情况",
    "2022年，我镇认真落实《条例》要求，主动公开政府信息85条。",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "无。",
]


def _ident(lines, **hints):
    return identify(lines, Hints(**hints))


# ---------------------------------------------------------------- titles in many wordings and places
@pytest.mark.parametrize(
    "title,agency,year",
    [
        ("云川县青禾镇人民政府2022年政府信息公开工作年度报告", "云川县青禾镇人民政府", 2022),
        ("2023年度松岭街道办事处政府信息公开工作年度报告", "松岭街道办事处", 2023),
        ("云川县教育局关于2021年度政府信息公开情况的报告", "云川县教育局", 2021),
        ("石门乡2020年度信息公开工作年度报告", "石门乡", 2020),
        ("云川县青禾镇2024年政务公开工作年度报告", "云川县青禾镇", 2024),
        ("雲川縣青禾鎮2022年政府信息公開工作年度報告", "雲川縣青禾鎮", 2022),  # traditional: kept as written
        ("# 云川县人民政府2022年政府信息公开工作年度报告", "云川县人民政府", 2022),  # markdown heading
        ("|标题:|云川县石门乡2022年政府信息公开工作年度报告|", "云川县石门乡", 2022),  # metadata row label
        ("标题：云川县石门乡2022年政府信息公开年报", "云川县石门乡", 2022),
    ],
)
def test_title_wordings_and_markup(title, agency, year):
    ident = _ident([title, *BODY])
    assert (ident.agency, ident.year) == (agency, year)
    assert ident.sources["agency"] == ident.sources["year"] == "title"


def test_title_after_page_chrome_and_metadata_rows():
    lines = [
        "当前位置：首页 > 政务公开 > 政府信息公开年报 > 2022年",
        "字号：大 中 小 打印本页 关闭窗口",
        "索引号：11510000-2023-00012 | 发布机构：云川县青禾镇人民政府 | 发布日期：2023-01-18",
        "云川县青禾镇2022年政府信息公开工作年度报告",
        *BODY,
    ]
    ident = _ident(lines)
    assert ident.title == "云川县青禾镇2022年政府信息公开工作年度报告"  # not the breadcrumb, which names a year too
    assert (ident.short_name, ident.year, ident.region) == ("青禾镇", 2022, ["云川县"])
    assert ident.agency == "云川县青禾镇人民政府"  # the fullest spelling of the same body (metadata row)


# ---------------------------------------------------------------- no title line at all
def test_no_title_opening_sentence_names_body_and_year():
    lines = [
        "根据《中华人民共和国政府信息公开条例》要求，现公布云川县松岭街道办事处2022年度政府信息公开工作年度报告。",
        *BODY,
    ]
    ident = _ident(lines)
    assert (ident.agency, ident.year, ident.level) == ("云川县松岭街道办事处", 2022, "街道")
    assert ident.sources == {"agency": "opening", "year": "opening", "region": "opening"}


def test_no_title_we_only_year_from_statistics_period_body_from_signature():
    lines = [
        "字号：大 中 小",
        "根据《条例》要求，现将我镇政府信息公开工作情况报告如下。本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
        *BODY,
        *["正文。"] * 3,
        "云川县石门镇人民政府",
        "2022年1月20日",
    ]
    ident = _ident(lines)
    assert (ident.year, ident.sources["year"]) == (2021, "statistics_period")  # not the signing year
    assert (ident.agency, ident.sources["agency"]) == ("云川县石门镇人民政府", "signature")
    assert ident.body_start == 1  # the chrome is not part of the body


def test_no_title_identity_from_page_title_and_file_name():
    html = _ident(BODY, page_titles=("云川县水利局2021年政府信息公开工作年度报告_云川县人民政府网",))
    assert (html.agency, html.year, html.sources["agency"]) == ("云川县水利局", 2021, "page_title")
    named = _ident(BODY, file_name="云川县青禾镇人民政府2023年政府信息公开工作年度报告.docx")
    assert (named.agency, named.year, named.sources["year"]) == ("云川县青禾镇人民政府", 2023, "file_name")
    plain = _ident(BODY, file_name="t20230118_4481.html")
    assert (plain.agency, plain.sources) == ("", {"year": "overview"})  # a file name that names no report says nothing


def test_manifest_fills_what_the_text_does_not_say_and_the_title_wins_over_it():
    silent = _ident(BODY, agency="云川县青禾镇人民政府", region=("某省", "某市", "云川县"), year=2022)
    assert (silent.agency, silent.year, silent.sources["year"]) == ("云川县青禾镇人民政府", 2022, "manifest")
    titled = _ident(["石门乡2021年政府信息公开工作年度报告", *BODY], agency="云川县石门乡人民政府", year=2020)
    assert (titled.year, titled.sources["year"]) == (2021, "title")


def test_the_overview_opening_year_is_the_weakest_evidence_and_says_so():
    ident = _ident(["根据《条例》要求，现将我镇政府信息公开工作情况报告如下。", *BODY])
    assert (ident.agency, ident.year, ident.sources) == ("", 2022, {"year": "overview"})


def test_nothing_names_the_body_or_year_so_both_stay_empty():
    lines = ["根据《条例》要求，现将我镇政府信息公开工作情况报告如下。", *(line for line in BODY if "2022" not in line)]
    ident = _ident(lines)
    assert (ident.agency, ident.short_name, ident.region, ident.year, ident.level) == ("", "", [], None, "")


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    "agency,region,short",
    [
        ("云川县城区街道办事处", ["云川县"], "城区街道"),  # 城区 is the street's own name, not a region
        ("某省某市云川县新区街道办事处", ["某省", "某市", "云川县"], "新区街道"),
        ("云川县市场监督管理局", ["云川县"], "市场监督管理局"),
        ("云川县住房和城乡建设局", ["云川县"], "住房和城乡建设局"),
    ],
)
def test_short_name_never_cut_inside_the_name(agency, region, short):
    assert split_name(agency) == (region, short)


# ---------------------------------------------------------------- through the parser
def _doc(text: str, source="report.txt", titles=()):
    return Document(source, text, hashlib.sha256(text.encode()).hexdigest(), "txt", titles)


def test_unknown_body_and_year_are_flagged_and_the_report_kept():
    body = (line for line in BODY if "2022" not in line)
    r = parse_document(_doc("\n".join(["根据《条例》要求，现将我镇政府信息公开工作情况报告如下。", *body])))
    assert not r.identified
    assert {"agency.missing", "year.missing"} <= {f.rule for f in r.flags}
    assert r.sections["overview"]  # the text is all there


def test_sources_travel_with_the_record():
    r = parse_document(_doc("\n".join(BODY), source="云川县石门乡2022年政府信息公开年报.txt"))
    assert (r.short_name, r.year, r.sources["agency"]) == ("石门乡", 2022, "file_name")
    assert r.to_export()["sources"]["year"] == "file_name"


@pytest.mark.parametrize("name", ["年度报告.txt", "报告.docx", "2022年报.html", "信息公开.md", "x.txt", ".txt"])
def test_any_file_name_is_safe(name):
    ident = _ident(BODY, file_name=name)
    assert ident.sources.get("agency") != "file_name"  # none of these names a body


# ---------------------------------------------------------------- an indented title, a title running on into the text
# Pages indent the title with full-width spaces (U+3000), NBSP, en/em spaces, tabs, or invisible characters (zero-width
# space, word joiner, byte-order mark); a flattened page runs the title into the opening sentence after a space.
_INDENTS = ["\u3000\u3000", "\u00a0\u00a0", "\u2003", "\t", "\u200b", "\ufeff", "\u2060", "\u200b\u3000\u3000"]
_TITLES = [
    ("翎川市澄河区统计局2022年政府信息公开工作年度报告", "翎川市澄河区统计局", "澄河区统计局", "部门"),
    ("翎川市澄河區統計局2022年政府信息公開工作年度報告", "翎川市澄河區統計局", "澄河区统计局", "部门"),  # traditional
    ("蓼原县人民政府2022年政府信息公开工作年度报告", "蓼原县人民政府", "蓼原县", "县级"),
    ("蓼原縣桧山街道辦事處2022年政府信息公開工作年度報告", "蓼原縣桧山街道辦事處", "桧山街道", "街道"),
]
_OPENING_WE = "根据《中华人民共和国政府信息公开条例》规定，现将我单位2022年政府信息公开工作情况报告如下。"
_DATE_ONLY = "2023年1月18日"  # nothing but the title names the body


@pytest.mark.parametrize("indent", _INDENTS)
@pytest.mark.parametrize("title,agency,short,level", _TITLES)
def test_an_indented_title_names_the_body_without_its_indentation(indent, title, agency, short, level):
    r = parse_document(_doc("\n".join([indent + title, _OPENING_WE, *BODY, _DATE_ONLY])))
    assert (r.agency, r.short_name, r.level, r.year) == (agency, short, level, 2022)
    assert r.title == title and r.sources["agency"] == "title"


@pytest.mark.parametrize("indent", ["", *_INDENTS])
@pytest.mark.parametrize("title,agency,short,level", _TITLES)
def test_a_title_running_on_into_the_text_of_a_flattened_page(indent, title, agency, short, level):
    r = parse_document(_doc(" ".join([indent + title, _OPENING_WE, *BODY, _DATE_ONLY])))
    assert (r.agency, r.short_name, r.level, r.year) == (agency, short, level, 2022)
    assert r.title == title
    assert _OPENING_WE in r.sections["overview"]  # the opening sentence on the title's line stays in the body


def test_a_flattened_title_after_page_metadata_and_said_twice_is_one_title():
    title = "翎川市澄河区统计局2022年政府信息公开工作年度报告"
    head = f"【字号：大 中 小】 发布日期：2023-01-20 浏览次数：318 \u3000\u3000{title} {title}"
    r = parse_document(_doc(" ".join([head, _OPENING_WE, *BODY, _DATE_ONLY])))
    assert (r.title, r.agency, r.short_name) == (title, "翎川市澄河区统计局", "澄河区统计局")


@pytest.mark.parametrize("chrome", ["字号：大 中 小", "字號：大 中 小", "【字体：大 中 小】", "字号 大 中 小 打印"])
@pytest.mark.parametrize("title,agency,short,level", _TITLES)
def test_a_flattened_title_after_unbracketed_font_size_chrome(chrome, title, agency, short, level):
    # the lone 中 and 小 are the chrome's choices, not the start of the body's name
    r = parse_document(_doc(" ".join([f"{chrome} \u3000\u3000{title}", _OPENING_WE, *BODY, _DATE_ONLY])))
    assert (r.agency, r.short_name, r.level) == (agency, short, level)


@pytest.mark.parametrize(
    "line",
    [
        # a sentence naming the report, not its title
        "\u3000\u3000根据要求，现将 翎川市澄河区统计局2022年政府信息公开工作年度报告 公布如下。",
        "\u3000\u3000详见 蓼原县人民政府2022年政府信息公开工作年度报告 全文。",
        "\u2060\u3000本年度，我局 认真贯彻 政府信息公开工作年度报告 制度。",
    ],
)
def test_an_indented_line_that_only_names_a_report_is_not_the_title(line):
    ident = _ident([line, *BODY])
    assert (ident.title, ident.title_lines) == ("", None)
    assert ident.sources.get("agency") != "title"


@pytest.mark.parametrize("agency, region, short", [
    ("杭州市西湖区教育局", ["杭州市", "西湖区"], "教育局"),
    ("梧州市统计局", ["梧州市"], "统计局"),
    ("北京市通州区永顺镇人民政府", ["北京市", "通州区"], "永顺镇"),
    ("郑州市金水区丰产路街道办事处", ["郑州市", "金水区"], "丰产路街道"),
    ("恩施土家族苗族自治州恩施市教育局", ["恩施土家族苗族自治州", "恩施市"], "教育局"),  # a prefecture stays one
])
def test_a_name_ending_in_zhou_before_shi_qu_or_xian_is_one_place(agency, region, short):
    assert split_name(agency) == (region, short)
