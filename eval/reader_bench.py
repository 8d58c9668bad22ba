"""`nianbao bench plans`: how well the question reader reads questions, against eval/paraphrases.jsonl (issue 10).

Each paraphrase carries the plan (answering.plan.Plan) it must be read as. The reader under test turns the question —
with its history, as the app would — into a plan; `compare_plans` says whether the two agree on everything a plan
asks: the operation, the scope, the figures, the condition and the slots of that operation. The headline numbers:
- `read_right`: paraphrases read as their expected plan;
- `executed_wrongly`: paraphrases whose expected outcome is to ask back (op "clarify") but that the reader turned into
  a plan to execute — a confidently wrong answer in the making; the issue's bar is zero.
It also reports the reader's footprint in the source: regular expressions and Chinese string literals under
answering/ (the question side), and how many answering modules one question's path visits.

The current reader (answering.understand → Query) predates plans; `plan_of_query` translates its Query into the plan
it amounts to, so the same bench measures it before and the plan reader after.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answering.plan import Condition, Figure, Plan, Scope, Years

ROOT = Path(__file__).resolve().parent.parent
PARAPHRASES = ROOT / "eval" / "paraphrases.jsonl"
# Written afterwards by another writer, never read while the plan reader was developed: how it reads the unseen.
HOLDOUT = ROOT / "eval" / "paraphrases_holdout.jsonl"
Reader = Callable[[str, list[str]], Plan]  # (question, earlier questions) → plan


@dataclass(frozen=True)
class Paraphrase:
    id: str
    kind: str
    question: str
    history: tuple[str, ...]
    plan: Plan


def load_paraphrases(path: Path = PARAPHRASES) -> list[Paraphrase]:
    """The paraphrase set; raises ValueError naming the file, the line and the reason for a line that is not valid."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(Paraphrase(d["id"], d["kind"], d["question"], tuple(d.get("history", ())),
                                  Plan.from_json(d["plan"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{Path(path).name}:{n}: {exc}") from exc
    return out


# ---------------------------------------------------------------- comparing plans
def compare_plans(expected: Plan, got: Plan) -> str | None:
    """None when `got` reads the question as `expected` does; else the first slot where they differ."""
    if expected.op != got.op:
        return f"op {got.op} ≠ {expected.op}"
    if expected.op == "clarify":
        return None  # asking back is right; which readings it offers is the answer's business
    e, g = expected.scope, got.scope
    if set(e.bodies) != set(g.bodies):
        return f"bodies {list(g.bodies)} ≠ {list(e.bodies)}"
    # Named bodies fix the scope: a region or level said beside them (文登区米山镇) only qualifies them.
    if not e.bodies and (set(e.regions) != set(g.regions) or set(e.levels) != set(g.levels)):
        return f"regions/levels {list(g.regions) + list(g.levels)} ≠ {list(e.regions) + list(e.levels)}"
    if _years(e.years) != _years(g.years):
        return f"years {_years(g.years)} ≠ {_years(e.years)}"
    if list(expected.figures) != list(got.figures) and sorted(map(repr, expected.figures)) != sorted(
        map(repr, got.figures)
    ):
        return f"figures {[_figure(f) for f in got.figures]} ≠ {[_figure(f) for f in expected.figures]}"
    if expected.condition != got.condition:
        return f"condition {got.condition} ≠ {expected.condition}"
    for slot in ("base", "per", "unit", "k", "reference", "part", "topic"):
        if getattr(expected, slot) is not None and getattr(expected, slot) != getattr(got, slot):
            return f"{slot} {getattr(got, slot)!r} ≠ {getattr(expected, slot)!r}"
    if expected.op in ("rank", "rank_position", "which_part") and (expected.order or "desc") != (got.order or "desc"):
        return f"order {got.order} ≠ {expected.order}"
    return None


def _years(y: Years) -> tuple:
    if y.kind == "absolute":
        return ("absolute", tuple(sorted(y.values)))
    return (y.kind, tuple(y.values), y.offset)


def _figure(f: Figure) -> str:
    return f.measure or f"noun:{f.noun}"


# ---------------------------------------------------------------- the current reader, as plans
_OP_OF_OPERATION = {
    "value": "value", "list": "list", "count": "count", "sum": "sum", "average": "average", "max": "max",
    "min": "min", "rank": "rank", "compare": "compare", "change": "growth", "yesno": "yesno", "ratio": "ratio",
    "text": "describe",
}  # fmt: skip


def plan_of_query(query) -> Plan:
    """The plan an answering.models.Query amounts to (the reader that predates plans)."""
    if query.operation is None and query.measure is None and query.topic is None:
        op = "describe"
    else:
        op = _OP_OF_OPERATION.get(query.operation or "value", "value")
    if op == "describe" and query.measure is not None and query.operation not in ("text", None):
        op = "value"
    figures = tuple(Figure(measure=m) for m in (query.measures or ([query.measure] if query.measure else [])))
    years = Years("absolute", tuple(query.years)) if query.years else Years()
    condition = None
    if query.condition is not None:
        condition = Condition(query.condition.op, float(query.condition.threshold))
    return Plan(
        op=op,  # type: ignore[arg-type]
        scope=Scope(
            tuple(query.bodies) + tuple(query.unknown_bodies), tuple(query.regions), tuple(query.levels), years
        ),
        figures=figures if op != "describe" else (),
        condition=condition,
        order=None if query.operation not in ("rank", "max", "min") else ("desc" if query.descending else "asc"),
        topic=query.topic if op == "describe" else None,
        follow_up=query.follow_up,
    )


def plan_reader(catalog) -> Reader:
    """answering.reader: each earlier question read in turn, its plan the history of the next."""
    from answering.reader import read

    def run(question: str, history: list[str]) -> Plan:
        plans: list[Plan] = []
        for earlier in history:
            plans.append(read(earlier, catalog, plans))
        return read(question, catalog, plans)

    return run


def current_reader(catalog) -> Reader:
    """answering.understand, fed the earlier questions as a conversation would be."""
    from answering.understand import understand

    def read(question: str, history: list[str]) -> Plan:
        previous = None
        for earlier in history:
            previous = understand(earlier, catalog, previous)
        return plan_of_query(understand(question, catalog, previous))

    return read


# ---------------------------------------------------------------- the reader's footprint
def footprint(package: Path = ROOT / "answering") -> dict[str, int]:
    """Regular expressions and Chinese string literals in the question side's source."""
    regexes = chinese = files = 0
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        counted = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {
                "compile", "search", "match", "fullmatch", "sub", "findall", "finditer", "split",
            } and getattr(node.func.value, "id", "") == "re":  # fmt: skip
                regexes += 1
                counted = True
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if re.search(r"[\u4e00-\u9fff]", text) and not _is_docstring(node, tree):
                chinese += 1
                counted = True
        files += counted
    return {"regex_calls": regexes, "chinese_literals": chinese, "files": files}


def _is_docstring(node: ast.Constant, tree: ast.Module) -> bool:
    for parent in ast.walk(tree):
        body = getattr(parent, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and body[0].value is node:
            return True
    return False


def path_of_question(ask: Callable[[str], Any], question: str) -> dict[str, int]:
    """Answering modules one question visits, and how often its path comes back to a module it had left."""
    visited: list[str] = []

    def tracer(frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            if module.startswith("answering.") and (not visited or visited[-1] != module):
                visited.append(module)
        return None

    sys.setprofile(tracer)
    try:
        ask(question)
    finally:
        sys.setprofile(None)
    returns = sum(1 for i, m in enumerate(visited) if m in visited[:i])
    return {"modules": len(set(visited)), "returns": returns}


# ---------------------------------------------------------------- the bench
def run_reader_bench(reader: Reader, paraphrases: list[Paraphrase]) -> dict[str, Any]:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    misses: list[dict[str, str]] = []
    executed_wrongly = 0
    for p in paraphrases:
        try:
            got = reader(p.question, list(p.history))
            why = compare_plans(p.plan, got)
        except Exception as exc:  # noqa: BLE001  (a reader crash is a finding, counted as a miss)
            got, why = None, f"crashed: {type(exc).__name__}: {exc}"
        by_kind[p.kind]["total"] += 1
        by_kind[p.kind]["right"] += why is None
        if p.plan.op == "clarify" and (got is None or got.op != "clarify"):
            executed_wrongly += 1
        if why is not None and len(misses) < 40:
            misses.append({"id": p.id, "question": p.question, "why": why})
    total = sum(c["total"] for c in by_kind.values())
    right = sum(c["right"] for c in by_kind.values())
    return {
        "paraphrases": total,
        "kinds": len(by_kind),
        "read_right": round(right / total, 4) if total else 0.0,
        "executed_wrongly": executed_wrongly,
        "by_kind": {k: f"{c['right']}/{c['total']}" for k, c in sorted(by_kind.items())},
        "misses": misses,
    }


def plans_bench(config, *, corpus_dir: Path) -> dict[str, Any]:
    """`nianbao bench plans`: the plan reader over eval/paraphrases.jsonl (beside it, the Query reader it replaces),
    the question side's footprint and one question's path."""
    from answering.assistant import Assistant
    from answering.understand import Catalog
    from indexing.parser import parse_file
    from indexing.readers import iter_report_files

    reports = [parse_file(p) for p in iter_report_files([corpus_dir])]
    catalog = Catalog.from_reports(reports)
    paraphrases = load_paraphrases()
    result = run_reader_bench(plan_reader(catalog), paraphrases)
    before = run_reader_bench(current_reader(catalog), paraphrases)
    result["query_reader"] = {k: before[k] for k in ("read_right", "executed_wrongly", "by_kind")}
    if HOLDOUT.exists():
        held = run_reader_bench(plan_reader(catalog), load_paraphrases(HOLDOUT))
        result["holdout"] = {k: held[k] for k in ("paraphrases", "read_right", "executed_wrongly", "misses")}
    assistant = Assistant.from_reports(reports)
    result["footprint"] = footprint()
    result["path"] = path_of_question(assistant.ask, "2021年哪些乡镇没有收到政府信息公开申请？")
    return result
