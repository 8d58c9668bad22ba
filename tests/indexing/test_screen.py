"""Accept every report, refuse what is clearly not one, with a reason — decided from several signals, never one phrase.
All texts are invented, in shapes observed in published pages."""

from __future__ import annotations

import hashlib

import pytest

from indexing.models import Document, ReadError
from indexing.parser import parse_document

PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》要求，编制本报告。"
    "本报告中所列数据的统计期限自2022年1月1日起至12月31日止。"
)


def _parse(text: str):
    return parse_document(Document("page.txt", text, hashlib.sha256(text.encode()).hexdigest(), "txt"))


REPORTS = {
    "title_and_sections": "青禾镇2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n",
    "no_title_opens_with_section": f"一、总体情况\n{PREAMBLE}\n（一）主动公开情况\n全年主动公开政府信息45条。\n",
    "no_title_opens_with_preamble": f"{PREAMBLE}\n一、总体情况\n2022年，我局依申请公开工作平稳。\n",
    "chrome_then_no_title": f"首页 > 信息公开 > 年报\n字号：大 中 小\n{PREAMBLE}\n一、总体情况\n正文。\n",
    "title_prose_only": "石门乡2014年政府信息公开工作年度报告\n"
    "2014年，我乡主动公开政府信息120条，全年未收到依申请公开的申请，未发生行政复议和行政诉讼。\n",
    "tables_without_headings": "第二十条第(一)项\n信息内容\n本年制发件数\n规章\n0\n申请人情况\n自然人\n"
    "一、本年新收政府信息公开申请数量\n0\n",
    "cut_after_first_heading": "云川县教育局关于2023年度政府信息公开情况的报告\n一、总体情况\n2023年，我局",
}

NOT_REPORTS = {
    "news": ("云川县发布2022年政府信息公开工作年度报告\n近日，云川县人民政府网站发布了2022年政府信息公开工作年度报告。"
             "报告显示，全年主动公开政府信息1200条，办理依申请公开30件。", "新闻"),
    "notice": ("关于报送2022年政府信息公开工作年度报告的通知\n各乡镇、各部门：\n"
               "根据《条例》要求，请于1月31日前报送年度报告。", "通知"),
    "work_report": ("2023年云川县政府工作报告\n各位代表：\n一、2022年工作回顾\n全县地区生产总值增长6%。",
                    "政府工作报告"),
    "guide": ("云川县青禾镇政府信息公开指南\n一、主动公开\n（一）公开范围\n二、依申请公开\n（一）受理机构", "指南"),
    "random": ("今天天气很好，我们去公园散步。\n晚上吃了饺子。", "没有找到"),
}


@pytest.mark.parametrize("name", REPORTS)
def test_reports_in_real_shapes_are_accepted(name):
    assert _parse(REPORTS[name]).sections is not None


@pytest.mark.parametrize("name", NOT_REPORTS)
def test_non_reports_are_refused_with_a_reason(name):
    text, reason = NOT_REPORTS[name]
    with pytest.raises(ReadError) as err:
        _parse(text)
    assert err.value.source == "page.txt" and reason in err.value.reason


def test_a_section_sub_heading_in_the_overview_is_not_a_section():
    r = _parse("青禾镇2022年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开情况\n主动公开45条。\n"
               "（二）依申请公开情况\n未收到申请。\n二、主动公开政府信息情况\n")
    assert "未收到申请" in r.sections["overview"]
