"""“哪些报告没有披露…的数量”: the reports whose cell is blank or whose table is missing lead the answer; reports
that print a zero are disclosed (mentioned apart, as zeros), never the answer."""

from __future__ import annotations

import pytest

from answering.assistant import Assistant

from .conftest import assert_cited, make_report

WORDINGS = [
    "哪些报告没有披露结转下年度继续办理的数量？",
    "哪些乡镇未披露结转下年度继续办理的申请数？",
    "结转下年度的数字哪些报告没填？",
    "哪几份年报的结转下年度继续办理一栏是空白的？",
    "哪些单位没有公布结转下年度继续办理的件数？",
]


@pytest.mark.parametrize("question", WORDINGS)
def test_blank_cells_and_missing_tables_are_the_answer(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.kind == "list"
    assert set(ans.items) == {"白奎镇", "米山镇"}  # 白奎镇's cell is blank; 米山镇 has no 表三
    # they lead; the zeros (disclosed) come after, said to be disclosed
    assert ans.answer.index("白奎镇") < ans.answer.index("侯家镇")
    assert "表三缺失" in ans.answer and "为空" in ans.answer
    assert "已披露" in ans.answer
    assert all(r["value"] is None for r in ans.rows)
    assert_cited(ans)


@pytest.mark.parametrize("question", [
    "有几份报告缺少结转下年度继续办理的数据？",
    "多少个乡镇没有披露结转下年度继续办理的数量？",
])
def test_how_many_reports_leave_it_out(reports_assistant, question):
    ans = reports_assistant.ask(question)
    assert ans.kind == "count" and ans.value == 2
    assert set(ans.items) == {"白奎镇", "米山镇"}


def test_every_report_disclosing_says_none_left_out():
    zero = {"requests": None}
    reports = [make_report("青禾乡", 2021, tables=zero), make_report("白石镇", 2021, tables=zero)]
    ans = Assistant.from_reports(reports).ask("哪些报告没有披露结转下年度继续办理的数量？")
    # both lack 表三: both are left out, none is taken for a zero
    assert set(ans.items) == {"青禾乡", "白石镇"}
    assert "为零" not in ans.answer.split("。")[0]


def test_asking_for_zeros_is_still_a_zero_list(reports_assistant):
    ans = reports_assistant.ask("哪些报告结转下年度继续办理的数量为零？")
    assert set(ans.items) == {"侯家镇", "港口乡", "辉渠镇"}


def test_the_figures_disclosed_are_said_with_their_numbers(reports_assistant):
    ans = reports_assistant.ask("哪些报告没有公布主动公开信息的总数？")
    assert ans.items == ["白奎镇"]
    assert ans.answer.startswith("全部报告中未披露") and ans.answer.index("白奎镇") < ans.answer.index("侯家镇")
    assert "329条" in ans.answer  # 侯家镇 disclosed it: shown as checked, cited
    assert_cited(ans)
