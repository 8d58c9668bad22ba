"""Answer rows as every surface words them (answering.citing.row_pairs): each value with its measure's unit."""

from __future__ import annotations

import pytest

from answering.citing import answer_markdown, row_pairs
from answering.models import Answer


@pytest.mark.parametrize(("question", "unit"), [
    ("2021年哪些乡镇没有收到政府信息公开申请？", "件"),  # 表三's cells
    ("哪个镇主动公开的信息最多？", "条"),  # prose figures
])
def test_rows_carry_the_unit_of_the_answers_measure(reports_assistant, question, unit):
    answer = reports_assistant.ask(question)
    pairs = row_pairs(answer.rows, answer)
    assert len(pairs) == len(answer.rows) >= 3
    assert [value for _, value in pairs] == [f"{r['value']}{unit}" for r in answer.rows]
    markdown = answer_markdown(answer)  # the OpenAI endpoint's and the app's copied Markdown
    assert all(f"- {label}：{value}" in markdown for label, value in pairs)


def test_headline_rows_read_zero_pieces(reports_assistant):
    answer = reports_assistant.ask("2021年哪些乡镇没有收到政府信息公开申请？")
    assert "- 侯家镇（2021年）：0件" in answer_markdown(answer)


def test_a_row_naming_its_figure_takes_that_figures_unit_and_unknown_takes_none():
    rows = [{"body": "侯家镇", "year": 2021, "value": 235, "measure": "通过微信公众号发布的信息"},
            {"body": "侯家镇", "year": 2021, "value": None, "measure": "本年新收政府信息公开申请"},
            {"body": "侯家镇", "year": 2021, "value": 1.5, "measure": "行政事业性收费金额"},
            {"body": "侯家镇", "year": 2021, "value": 59, "unit": "篇"},  # the row's own unit wins
            {"body": "侯家镇", "year": 2021, "value": 7}]  # nothing names a unit: none is made up
    assert [v for _, v in row_pairs(rows, Answer("q", "…", "list", rows=rows))] == [
        "235条", "未披露", "1.5万元", "59篇", "7"]


@pytest.mark.parametrize("question", [
    "哪个镇通过政府网站发布的信息最多？",  # a ranking (structured rows)
    "各镇通过政府网站发布了多少信息？",  # a list over every body
    "侯家镇和米山镇通过政府网站发布的信息一共多少？",  # a sum (the executor's rows)
])
def test_a_row_keeps_the_unit_its_report_wrote(reports_assistant, question):
    # 侯家镇's report writes its website figure as 59篇 and 米山镇's as 59条: each row says what its report says
    answer = reports_assistant.ask(question)
    pairs = dict(row_pairs(answer.rows, answer))
    assert pairs["侯家镇（2021年）"] == "59篇"
    assert pairs["米山镇（2022年）"] == "59条"
