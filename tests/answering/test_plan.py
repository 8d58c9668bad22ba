"""The typed plan: JSON in and out (the paraphrase set and an LLM reader speak it), and what is not a plan."""

from __future__ import annotations

import pytest

from answering.plan import Condition, Figure, Plan, Scope, Years

PLANS = [
    Plan("list", Scope(levels=("乡镇",), years=Years("absolute", (2021,))), (Figure("requests.new_received.total"),),
         Condition("==", 0)),
    Plan("growth", Scope(bodies=("侯家镇",), years=Years("absolute", (2020, 2021))), (Figure("fact.channel_wechat"),),
         unit="pct"),
    Plan("share", Scope(bodies=("米山镇",)), (Figure(noun="政策解读"),), base=Figure("fact.proactive_total")),
    Plan("rank", Scope(regions=("文登区",), years=Years("relative", offset=-1)), (Figure("fact.proactive_total"),),
         order="asc", k=3, follow_up=True),
    Plan("list", Scope(), (Figure("requests.new_received.total"),), Condition("between", 5, 10)),
    Plan("clarify", reason="没有说要比较哪个数字", options=(
        Plan("max", figures=(Figure("fact.proactive_total"),)),
        Plan("max", figures=(Figure("requests.new_received.total"),)),
    )),
]


@pytest.mark.parametrize("plan", PLANS, ids=[p.op for p in PLANS])
def test_json_round_trip(plan):
    assert Plan.from_json(plan.to_json()) == plan


def test_json_holds_only_the_slots_that_are_set():
    assert PLANS[0].to_json() == {
        "op": "list",
        "scope": {"levels": ["乡镇"], "years": {"kind": "absolute", "values": [2021]}},
        "figures": [{"measure": "requests.new_received.total"}],
        "condition": {"op": "==", "value": 0},
    }


@pytest.mark.parametrize(
    "data,where",
    [
        ({"op": "explode"}, "plan.op"),
        ({"op": "value", "colour": "red"}, "unknown slot"),
        ({"op": "value", "figures": [{"measure": "x", "weight": 2}]}, "plan:"),
        ("value", "not an object"),
    ],
)
def test_what_is_not_a_plan_is_refused_with_the_slot(data, where):
    with pytest.raises(ValueError, match=where):
        Plan.from_json(data)
