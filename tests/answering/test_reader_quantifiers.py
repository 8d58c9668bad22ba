"""A count or quantifier of the reports themselves (五份报告, 这几份年报, 所有单位) is the scope asked — every report —
never the noun counted, and no pointer back to the last turn's body: the same answer with or without a history.
Wordings invented for these tests."""

from __future__ import annotations

import pytest

from answering.reader import read
from answering.understand import Catalog, understand
from indexing.parser import parse_file
from tests.conftest import SAMPLES

EVERY_REPORT = [
    "五份报告里一共主动公开了多少条政府信息？",
    "这几份报告一共主动公开了多少条政府信息？",
    "所有报告加起来主动公开了多少条政府信息？",
    "5份年报总共主动公开多少条信息",
    "全部年度报告合计主动公开了多少条政府信息？",
]
EARLIER = ["侯家镇2021年收到了多少申请？", "米山镇2022年主动公开了多少条政府信息？", "辉渠镇2020年有几件行政复议？"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_reports([parse_file(p) for p in SAMPLES])


@pytest.mark.parametrize("question", EVERY_REPORT)
@pytest.mark.parametrize("earlier", EARLIER)
def test_every_report_is_the_scope_after_any_turn(catalog, question, earlier):
    before = read(earlier, catalog)
    plan = read(question, catalog, [before])
    assert plan.op == "sum" and not plan.follow_up
    assert plan.scope.bodies == () and plan.scope.years.kind == "all" and not plan.scope.years.carried
    query = understand(question, catalog, understand(earlier, catalog))
    assert query.bodies == [] and query.years == [] and not query.follow_up


def test_one_report_pointed_at_is_still_the_last_turns(catalog):
    """“这份报告” is the report just asked about, not every report."""
    before = read("侯家镇2021年收到了多少申请？", catalog)
    plan = read("这份报告里主动公开了多少条政府信息？", catalog, [before])
    assert plan.scope.bodies == ("侯家镇",)


@pytest.mark.parametrize("question", EVERY_REPORT[:3])
@pytest.mark.parametrize("earlier", EARLIER[:2])
def test_the_total_is_the_same_with_or_without_a_history(reports_assistant, question, earlier):
    alone = reports_assistant.ask(question)
    assert alone.kind == "value" and alone.value == 1161  # 329 + 16 + 365 + 451; 白奎镇 states none
    after = reports_assistant.ask(question, history=[reports_assistant.ask(earlier)])
    assert (after.kind, after.value) == ("value", 1161), after.answer
    assert "五份" not in after.answer and "几份" not in after.answer


def test_a_follow_up_to_every_report_keeps_the_figure(reports_assistant):
    first = reports_assistant.ask("侯家镇2021年主动公开了多少条政府信息？")
    follow = reports_assistant.ask("那五份报告呢？", history=[first])
    assert {r["body"] for r in follow.rows} >= {"侯家镇", "港口乡", "米山镇", "辉渠镇"}, follow.answer
