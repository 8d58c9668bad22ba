"""`nianbao bench plans`: plans compared slot by slot, clarify-expected questions executed anyway counted."""

from __future__ import annotations

import json

from answering.plan import Condition, Figure, Plan, Scope, Years
from eval.reader_bench import compare_plans, load_paraphrases, run_reader_bench

ZERO_2021 = Plan("list", Scope(levels=("乡镇",), years=Years("absolute", (2021,))),
                 (Figure("requests.new_received.total"),), Condition("==", 0))


def test_plans_differ_at_the_first_slot_that_matters():
    assert compare_plans(ZERO_2021, ZERO_2021) is None
    assert compare_plans(ZERO_2021, Plan("count", ZERO_2021.scope, ZERO_2021.figures, ZERO_2021.condition)).startswith(
        "op")
    other_year = Plan("list", Scope(levels=("乡镇",), years=Years("absolute", (2020,))), ZERO_2021.figures,
                      ZERO_2021.condition)
    assert compare_plans(ZERO_2021, other_year).startswith("years")
    assert compare_plans(ZERO_2021, Plan("list", ZERO_2021.scope, ZERO_2021.figures, Condition(">", 0))).startswith(
        "condition")
    growth = Plan("growth", Scope(bodies=("侯家镇",)), (Figure("fact.channel_wechat"),), unit="pct")
    assert compare_plans(growth, Plan("growth", growth.scope, growth.figures, unit="abs")).startswith("unit")


def test_the_bench_counts_right_reads_and_clarify_questions_executed(tmp_path):
    lines = [
        {"id": "a", "kind": "list.zero", "question": "2021年哪些乡镇没有收到申请", "plan": ZERO_2021.to_json()},
        {"id": "b", "kind": "clarify.no_measure", "question": "哪个镇最多", "plan": {"op": "clarify", "reason": "?"}},
        {"id": "c", "kind": "clarify.no_measure", "question": "谁第一", "plan": {"op": "clarify", "reason": "?"}},
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")

    def reader(question, history):  # reads the first right, guesses a plan for “哪个镇最多”, asks back on the last
        if "没有" in question:
            return ZERO_2021
        return Plan("max", figures=(Figure("fact.proactive_total"),)) if "最多" in question else Plan("clarify")

    result = run_reader_bench(reader, load_paraphrases(path))
    assert result["read_right"] == round(2 / 3, 4) and result["executed_wrongly"] == 1
    assert result["by_kind"] == {"clarify.no_measure": "1/2", "list.zero": "1/1"}
