"""Every answer to a broad battery of questions is grounded: each number it states is in a cited cell or sentence,
each cited sentence is in its report, and each cited cell holds the value the citation shows."""

from __future__ import annotations

import re

import pytest

from indexing.normalize import fold

from .conftest import assert_cited

QUESTIONS = [
    "2021年哪些乡镇没有收到政府信息公开申请",
    "2021年有几个乡镇没有收到申请",
    "侯家镇2021年通过微信公众号发布多少条",
    "侯家鎮2021年通過微信公眾號發布了多少條信息",
    "米山镇2022年行政处罚决定多少件",
    "主动公开信息最多的是哪个",
    "主动公开信息最少的是哪个乡镇",
    "侯家镇和米山镇谁主动公开的信息多",
    "米山镇和港口乡哪个主动公开的信息少？",
    "侯家镇2021年是否收取信息处理费",
    "文登区各乡镇主动公开了多少条信息",
    "按主动公开信息数量排名",
    "主动公开信息合计多少条",
    "2021年各乡镇平均主动公开多少条信息",
    "白奎镇2021年予以公开多少件",
    "港口乡2021年行政复议有多少件",
    "辉渠镇2020年收到多少政府信息公开申请",
    "辉渠镇2020年行政许可处理决定数量是多少",
    "辉渠镇2020年其他对外管理服务事项处理决定数量是多少？",
    "2021年各乡镇政府信息公开行政复议案件总数是多少？",
    "白奎镇2021年有没有人因为政府信息公开跟镇政府打官司？",
    "侯家镇2020年通过政府网站发布了多少条信息？",
    "侯家镇通过微信公众号发布的信息2021年比2020年多了多少条？",
    "辉渠镇2020年通过微信公众号发布多少条",
    "米山镇2022年公开了多少条人事信息？",
    "港口乡存在哪些问题",
    "侯家镇的改进措施有哪些",
    "米山镇政府信息公开平台建设情况如何",
    "白奎镇的联系电话是多少",
    "侯家镇有哪些创新做法",
    "港口乡2021年的年度报告在哪里可以下载？",
    "港口乡属于哪个县？",
    "侯家镇2021年年度报告的落款日期是哪天？",
    "语料中一共有几份政府信息公开工作年度报告？",
    "张家镇2021年收到多少申请",
    "2018年哪些乡镇没有收到申请",
]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_is_grounded(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.answer
    assert_cited(ans)
    reports = {r.report_id: r for r in reports_assistant.reports()}
    for c in ans.citations:
        report = reports[c.report_id]
        if c.table:
            value = report.cell(c.table, c.row, c.column)
            assert value is not None and c.text.endswith(f"= {value}"), c
        else:
            assert _compact(c.text) in _compact(report.text), c.text


def test_kinds_of_the_battery(reports_assistant):
    kinds = {reports_assistant.ask(q).kind for q in QUESTIONS}
    assert kinds == {"value", "list", "count", "yesno", "text", "unknown"}
