"""The answer contract other tools read (CLI --json, app, eval) and the terminal rendering."""

from __future__ import annotations

import json

from answering.assistant import Assistant
from answering.models import Answer, Citation, Condition

from .conftest import make_report

CONTRACT = {"question", "answer", "kind", "value", "items", "citations", "elapsed_ms", "rows"}
CITATION = {"report_id", "agency", "short_name", "year", "section", "text", "table", "row", "column"}


def _assistant() -> Assistant:
    sentence = "2021年通过政府网站发布信息59篇。"
    return Assistant.from_reports([
        make_report("甲镇", 2021, facts={"channel_website": (59, sentence, "overview")}),
        make_report("乙镇", 2021, facts={"channel_website": (40, "2021年通过政府网站发布信息40篇。", "overview")}),
    ])


def test_to_json_keeps_the_contract():
    ans = _assistant().ask("甲镇和乙镇谁通过政府网站发布的信息多")
    data = json.loads(json.dumps(ans.to_json(), ensure_ascii=False))
    assert set(data) == CONTRACT
    assert data["kind"] == "list" and data["items"] == ["甲镇"]  # a comparison: the winner alone
    assert all(set(c) == CITATION for c in data["citations"])
    assert data["rows"] == [{"body": "甲镇", "year": 2021, "value": 59}, {"body": "乙镇", "year": 2021, "value": 40}]
    assert data["elapsed_ms"] > 0


def test_unknown_answer_contract():
    data = _assistant().ask("丙庄镇2021年通过政府网站发布多少篇").to_json()
    assert set(data) == CONTRACT
    assert (data["kind"], data["value"], data["items"], data["citations"]) == ("unknown", None, [], [])
    assert data["answer"].startswith("语料中没有找到")


def test_render_text_numbers_sources():
    ans = Answer("问", "甲镇59篇[1]。", "value", value=59, citations=[
        Citation("r1", "测试市测试区甲镇人民政府", "甲镇", 2021, "overview", "2021年通过政府网站发布信息59篇。")])
    text = ans.render_text()
    assert text.splitlines()[0] == "甲镇59篇[1]。"
    assert "[1] 测试市测试区甲镇人民政府（2021年）" in text and "59篇" in text.split("来源：")[1]


def test_table_citation_names_its_cell():
    sentence_free = Assistant.from_reports([
        make_report("甲镇", 2021, tables={"proactive": {"penalty": {"decisions": 6}}}),
    ]).ask("甲镇2021年行政处罚决定多少件")
    c = sentence_free.citations[0]
    assert (c.table, c.row, c.column) == ("proactive", "penalty", "decisions")
    assert "行政处罚" in c.text and c.text.endswith("= 6") and sentence_free.value == 6


def test_condition_words():
    assert Condition("==", 0).describe() == "为零"
    assert Condition(">", 0).describe() == "不为零"
    assert Condition(">=", 300).holds(300) and not Condition(">", 300).holds(300)
