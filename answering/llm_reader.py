"""The optional LLM reads questions too (issue 10): it proposes a plan as JSON; every slot is checked against the
corpus catalog and the plan types; anything invalid — or hostile — falls back to the rule reader. The model never
supplies a number of an answer: executors compute every figure from the records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from answering.llm import LLMConfig, load_prompt
from answering.plan import OPS, Plan
from answering.understand import Catalog
from answering.vocabulary import MEASURE_BY_KEY, TOPICS
from indexing.identity import plausible_year
from indexing.schema import LEVELS

MAX_REPLY_CHARS = 4_000  # a plan is short; a long reply is not one
_JSON = re.compile(r"\{.*\}", re.S)


def problems(plan: Plan, catalog: Catalog) -> list[str]:
    """Why a proposed plan cannot be used (empty when every slot names something the corpus and schema know)."""
    out = []
    s = plan.scope
    known_bodies = set(catalog.short_names)
    out += [f"unknown body {b}" for b in s.bodies if b not in known_bodies]
    regions = set(catalog.regions) | {r for r in catalog.regions}
    out += [f"unknown region {r}" for r in s.regions if r not in regions]
    out += [f"unknown level {lv}" for lv in s.levels if lv not in LEVELS]
    out += [f"implausible year {y}" for y in s.years.values if not plausible_year(int(y))]
    for f in (*plan.figures, *([plan.base] if plan.base else [])):
        if f.measure is not None and f.measure not in MEASURE_BY_KEY:
            out.append(f"unknown measure {f.measure}")
        if f.measure is None and not (f.noun and 1 <= len(f.noun) <= 12):
            out.append("a figure with neither measure nor noun")
    if plan.topic is not None and plan.topic not in TOPICS:
        out.append(f"unknown topic {plan.topic}")
    if plan.reference is not None and plan.reference not in known_bodies:
        out.append(f"unknown reference {plan.reference}")
    if plan.op not in OPS:
        out.append(f"unknown op {plan.op}")
    return out


def read_with_llm(question: str, catalog: Catalog, history: Sequence[Plan], questions: Sequence[str],
                  config: LLMConfig, client=None) -> Plan | None:
    """The model's plan, or None when the call fails or the plan does not pass `problems` (the caller then reads
    the question with the rule reader)."""
    system, user = load_prompt("plan")
    system = system.format(
        ops="|".join(OPS), bodies="、".join(catalog.short_names), regions="、".join(catalog.regions),
        levels="、".join(LEVELS), measures="、".join(MEASURE_BY_KEY), topics="、".join(TOPICS),
    )
    try:
        from llama_index.core.llms import ChatMessage

        llm = client or config.client()
        reply = llm.chat([ChatMessage(role="system", content=system),
                          ChatMessage(role="user", content=user.format(history=" / ".join(questions),
                                                                       question=question))])
        text = (reply.message.content or "")[:MAX_REPLY_CHARS]
        found = _JSON.search(text)
        plan = Plan.from_json(json.loads(found.group(0))) if found else None
    except Exception:  # noqa: BLE001  (endpoint down, not JSON, not a plan: the rule reader answers)
        return None
    if plan is None or problems(plan, catalog):
        return None
    return plan
