"""Typed seams of the question side: the understood Query, and the Answer with its Citations.

`Answer.to_json()` is the contract of issue 4 (read by the CLI, the app and the eval runner) — keep its keys stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Kind = Literal["value", "list", "count", "yesno", "text", "unknown", "clarify"]
KINDS: tuple[str, ...] = ("value", "list", "count", "yesno", "text", "unknown", "clarify")

# What a question asks us to do with the figures (or that it wants prose).
Operation = Literal[
    "value", "list", "count", "sum", "average", "max", "min", "rank", "compare", "change", "yesno", "ratio", "text"
]


@dataclass(frozen=True)
class Condition:
    """A test on a figure: `op` is one of == != > >= < <=; “为0/没有/未收到” is (==, 0)."""

    op: str
    threshold: float

    def holds(self, value: float) -> bool:
        t = self.threshold
        return {
            "==": value == t, "!=": value != t, ">": value > t, ">=": value >= t, "<": value < t, "<=": value <= t,
        }[self.op]

    def describe(self) -> str:
        n = _fmt(self.threshold)
        if self.threshold == 0 and self.op in (">", "!="):
            return "不为零"
        return {
            "==": "为零" if self.threshold == 0 else f"等于{n}", "!=": f"不为{n}", ">": f"超过{n}",
            ">=": f"不少于{n}", "<": f"少于{n}", "<=": f"不超过{n}",
        }[self.op]


@dataclass
class Query:
    """What the question side understood. Empty slots mean “not said” (a follow-up may inherit them)."""

    text: str  # the question as asked
    folded: str = ""  # matching form (simplified characters, half-width digits)
    years: list[int] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)  # short names of bodies in the corpus
    agencies: list[str] = field(default_factory=list)  # full names, only when a short name is shared by several bodies
    regions: list[str] = field(default_factory=list)  # e.g. ["文登区"]: every body inside it
    levels: list[str] = field(default_factory=list)  # schema.LEVELS
    unknown_bodies: list[str] = field(default_factory=list)  # names that look like bodies but are not in the corpus
    unknown_years: list[int] = field(default_factory=list)  # years asked that no report covers
    measure: str | None = None  # vocabulary measure key, e.g. "requests.new_received.total" / "fact.channel_wechat"
    measures: list[str] = field(default_factory=list)  # every figure named, in question order, when there are several
    operation: Operation | None = None
    condition: Condition | None = None
    descending: bool = True  # for max/rank: most first; min flips it
    topic: str | None = None  # open prose question topic, e.g. "problems"
    follow_up: bool = False  # the question leaned on the previous turn
    noun_text: str = ""  # the question with bodies blanked: where nouns only prose states are read from

    def merged_with(self, previous: Query | None) -> Query:
        """Fill the slots this (follow-up) question left implicit from the previous turn's query."""
        if previous is None:
            return self
        q = replace(self)
        if not (q.bodies or q.regions or q.levels or q.unknown_bodies):
            q.bodies, q.regions, q.levels = list(previous.bodies), list(previous.regions), list(previous.levels)
            q.agencies = list(previous.agencies)
        if not q.years and not q.unknown_years:
            q.years = list(previous.years)
        if q.measure is None and q.topic is None:
            q.measure, q.topic = previous.measure, previous.topic
            q.measures = list(previous.measures)
            q.noun_text = previous.noun_text  # “那侯家镇呢？” after “米山镇政策解读有几条”: the same noun
            if q.condition is None and q.operation in ("list", "count", "yesno"):
                q.condition = previous.condition  # “一共有几个？” counts what the last turn listed
        if q.operation is None:
            q.operation = previous.operation
            if q.condition is None:
                q.condition = previous.condition
            q.descending = previous.descending
        q.follow_up = True
        return q

    def to_json(self) -> dict[str, Any]:
        return {
            "years": self.years, "bodies": self.bodies, "regions": self.regions, "levels": self.levels,
            "unknown_bodies": self.unknown_bodies, "unknown_years": self.unknown_years, "measure": self.measure,
            "measures": self.measures,
            "operation": self.operation,
            "condition": None if self.condition is None else {"op": self.condition.op,
                                                              "value": self.condition.threshold},
            "topic": self.topic, "follow_up": self.follow_up,
        }


@dataclass
class Citation:
    """Where a number or a sentence came from: a table cell (table, row, column set) or a prose passage."""

    report_id: str
    agency: str
    short_name: str
    year: int | None
    section: str
    text: str  # the passage or the rendered cell (“表三 … 本年新收政府信息公开申请数量 × 总计 = 0”)
    table: str | None = None
    row: str | None = None
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id, "agency": self.agency, "short_name": self.short_name, "year": self.year,
            "section": self.section, "text": self.text, "table": self.table, "row": self.row, "column": self.column,
        }

    def label(self) -> str:
        where = f"{self.short_name}{self.year or ''}年报告"
        if self.table:
            return f"{where} · 表格单元格"
        return f"{where} · {self.section}"


@dataclass
class Answer:
    question: str
    answer: str  # the text shown to the user; [n] marks refer to citations[n-1]
    kind: Kind
    value: float | int | bool | None = None
    items: list[str] = field(default_factory=list)  # short names; the winner first for comparisons
    citations: list[Citation] = field(default_factory=list)
    elapsed_ms: float = 0.0
    # [{"body", "year", "value"}] for list/rank/compare; with "measure" when one report gives several figures
    rows: list[dict[str, Any]] = field(default_factory=list)
    query: Query | None = None  # what was understood (follow-ups inherit from it)
    unsupported_numbers: list[str] = field(default_factory=list)  # LLM numbers not found in the evidence
    options: list[str] = field(default_factory=list)  # clarify: readings to choose from, each a question to ask
    plan: Any = None  # answering.plan.Plan the question was read as (follow-ups read against it)
    # The optional LLM's part in this answer: {"used", "model", "unsupported_numbers", "note"} (answering/llm.py);
    # None when no model was asked to word it. In to_json only when set, so the contract without an LLM is unchanged.
    llm: dict[str, Any] | None = None
    # Reports its passage search found by keywords only, their vectors still on the way (records first; answering/
    # catching_up.py). In to_json only when nonzero.
    catching_up: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "value": self.value,
            "items": list(self.items),
            "citations": [c.to_json() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 1),
            "rows": [dict(r) for r in self.rows],
            **({"options": list(self.options)} if self.options else {}),
            **({"llm": dict(self.llm)} if self.llm is not None else {}),
            **({"catching_up": self.catching_up} if self.catching_up else {}),
        }

    def render_text(self) -> str:
        lines = [self.answer]
        if self.rows and self.kind == "list":
            lines.append("")
            for r in self.rows:
                v = "未披露" if r.get("value") is None else _fmt(r["value"])
                lines.append(f"  {r['body']}（{r.get('year') or '—'}年）：{v}")
        if self.citations:
            lines.append("")
            lines.append("来源：")
            for i, c in enumerate(self.citations, 1):
                text = " ".join(c.text.split())
                lines.append(f"[{i}] {c.agency}（{c.year or '年份不详'}年）· {section_title(c.section)}：{text}")
        return "\n".join(lines)


def section_title(key: str) -> str:
    """A section key in words (the text before section 1 included)."""
    from indexing.schema import PREFACE, PREFACE_TITLE, SECTION_TITLES

    return PREFACE_TITLE if key == PREFACE else SECTION_TITLES.get(key, key)


def _fmt(n: float | int) -> str:
    if isinstance(n, float) and n.is_integer():
        return str(int(n))
    return str(n)


def fmt_number(n: float | int) -> str:
    """A figure as users read it: 235, 2.5 — never 235.0."""
    if isinstance(n, float):
        return _fmt(round(n, 2))
    return str(n)
