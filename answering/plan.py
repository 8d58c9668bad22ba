"""What a question asks, as one typed plan: the target every reader of questions fills (issue 10).

A plan names what is asked, not how it was worded: the scope (bodies, regions, levels, years), the figures (canonical
measures, or a thing the reports count in prose, by its noun) and the operation. Executors run a plan over the
records; nothing downstream of the reader looks at the question text again. A plan that cannot be filled without a
guess is a `clarify` plan: it says what is unclear and offers readings to choose from.

Plans travel as JSON (`to_json` / `from_json`): the paraphrase set (eval/paraphrases.jsonl) writes the expected plan
of each question in this form, and an optional LLM reader answers in it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# ---------------------------------------------------------------- vocabulary of plans
Op = Literal[
    "value",  # a figure of the reports in scope, each stated on its own
    "sum",  # added up: over bodies, over years, or over several figures
    "difference",  # figures[0] − figures[1] of one report, or one figure of two bodies / two years (scope order)
    "ratio",  # figures[0] / figures[1]
    "share",  # figures[0] as a part of `base` (占…的比例)
    "growth",  # change of one figure between two years: unit "abs" (增加多少) or "pct" (增长百分之几)
    "average",  # per "body" (平均每个乡镇), per "month" (平均每月), per "year" (年均)
    "max",  # the body (or year) where the figure is largest
    "min",  # … smallest
    "rank",  # bodies ordered by the figure (order, optional k)
    "rank_position",  # where `reference` stands among the bodies in scope
    "count",  # how many bodies satisfy `condition`
    "list",  # which bodies satisfy `condition`
    "yesno",  # does `condition` hold for the one body in scope (是否, 有没有)
    "all",  # does it hold for every body in scope (是否所有…都)
    "which_part",  # within one report, which channel / category / row is largest (or smallest: order "asc")
    "which_body",  # reverse lookup over prose: which body did `phrase` (哪个镇的电话是…, 哪些单位开展了…)
    "compare",  # two bodies or two years side by side (no arithmetic asked)
    "describe",  # prose: what the reports say about `topic`
    "count_listed",  # prose: how many items the list on `topic` sets out (几类, 几条措施)
    "clarify",  # ask back: `reason` says what is unclear, `options` are plans to choose from
]
OPS: tuple[str, ...] = Op.__args__  # type: ignore[attr-defined]

YearKind = Literal["absolute", "range", "relative", "latest", "all"]
CompareOp = Literal["==", "!=", ">", ">=", "<", "<=", "between"]
Per = Literal["body", "month", "year"]
Unit = Literal["abs", "pct"]
Order = Literal["desc", "asc"]
PartKind = Literal["channel", "category", "handling", "applicant"]
Unclear = Literal["figure", "scope", "reading"]


@dataclass(frozen=True)
class Years:
    """Which report years: listed ("absolute"), a closed range, relative to a reference year (去年, 上一年: offset −1
    from the year of the previous turn or of the newest report), the newest report of each body, or every year."""

    kind: YearKind = "all"
    values: tuple[int, ...] = ()  # absolute: the years; range: (first, last)
    offset: int = 0  # relative only
    carried: bool = field(default=False, compare=False)  # taken from the previous turn, not said in this one


@dataclass(frozen=True)
class Scope:
    bodies: tuple[str, ...] = ()  # short names as the catalog holds them (侯家镇), in question order
    regions: tuple[str, ...] = ()  # every body inside them (文登区)
    levels: tuple[str, ...] = ()  # schema.LEVELS (乡镇, 街道, …)
    years: Years = field(default_factory=Years)


@dataclass(frozen=True)
class Figure:
    """One thing counted: a canonical measure (answering.vocabulary.MEASURES key), or a noun only prose counts."""

    measure: str | None = None  # "requests.new_received.total", "fact.channel_wechat", …
    noun: str | None = None  # "政策解读", "工作动态": read from the reports' enumerations


@dataclass(frozen=True)
class Condition:
    op: CompareOp
    value: float
    upper: float | None = None  # between: value ≤ x ≤ upper

    def holds(self, x: float) -> bool:
        if self.op == "between":
            return self.value <= x <= (self.upper if self.upper is not None else self.value)
        return {"==": x == self.value, "!=": x != self.value, ">": x > self.value, ">=": x >= self.value,
                "<": x < self.value, "<=": x <= self.value}[self.op]


@dataclass(frozen=True)
class Plan:
    op: Op
    scope: Scope = field(default_factory=Scope)
    figures: tuple[Figure, ...] = ()
    condition: Condition | None = None
    base: Figure | None = None  # share: the whole
    per: Per | None = None  # average
    unit: Unit | None = None  # growth
    order: Order | None = None  # rank, which_part, max/min implied
    k: int | None = None  # rank: top k
    reference: str | None = None  # rank_position: the body whose place is asked
    part: PartKind | None = None  # which_part: what kind of part
    phrase: str | None = None  # which_body: what was done or said, as the question words it
    topic: str | None = None  # describe: answering.vocabulary.TOPICS key
    follow_up: bool = False  # slots were taken from the previous turn
    reason: str | None = None  # clarify: what is unclear (Chinese, for users)
    unclear: Unclear | None = None  # clarify: which slot — the figure, the scope, or a wording with several readings
    options: tuple[Plan, ...] = ()  # clarify: readings to choose from

    # ------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        """Only the slots that are set: a plan reads like the question it came from."""
        out: dict[str, Any] = {"op": self.op}
        for key, value in asdict(self).items():
            if key == "op" or value in (None, (), [], False) or (key == "scope" and value == asdict(Scope())):
                continue
            if key == "options":
                value = [option.to_json() for option in self.options]
            out[key] = _prune(value)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """The plan a JSON object describes; raises ValueError naming the first slot that is not valid."""
        if not isinstance(data, dict):
            raise ValueError("plan: not an object")
        op = data.get("op")
        if op not in OPS:
            raise ValueError(f"plan.op: {op!r} is not one of {', '.join(OPS)}")
        unknown = set(data) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise ValueError(f"plan: unknown slot(s) {sorted(unknown)}")
        scope = data.get("scope") or {}
        years = scope.get("years") or {}
        try:
            return cls(
                op=op,
                scope=Scope(
                    bodies=tuple(scope.get("bodies", ())),
                    regions=tuple(scope.get("regions", ())),
                    levels=tuple(scope.get("levels", ())),
                    years=Years(years.get("kind", "all"), tuple(years.get("values", ())), int(years.get("offset", 0)),
                                bool(years.get("carried", False))),
                ),
                figures=tuple(Figure(**f) for f in data.get("figures", ())),
                condition=Condition(**data["condition"]) if data.get("condition") else None,
                base=Figure(**data["base"]) if data.get("base") else None,
                per=data.get("per"),
                unit=data.get("unit"),
                order=data.get("order"),
                k=data.get("k"),
                reference=data.get("reference"),
                part=data.get("part"),
                phrase=data.get("phrase"),
                topic=data.get("topic"),
                follow_up=bool(data.get("follow_up", False)),
                reason=data.get("reason"),
                unclear=data.get("unclear"),
                options=tuple(cls.from_json(o) for o in data.get("options", ())),
            )
        except TypeError as exc:  # a figure or condition with a slot it does not have
            raise ValueError(f"plan: {exc}") from exc


def _prune(value: Any) -> Any:
    """Drop empty slots inside nested objects too (a Scope with only years, a Figure with only a measure)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items() if v not in (None, (), [], 0, "") or k == "value"}
        if pruned.get("kind") == "all" and set(pruned) == {"kind"}:
            return {}
        return {k: v for k, v in pruned.items() if v != {}}
    if isinstance(value, list | tuple):
        return [_prune(v) for v in value]
    return value
