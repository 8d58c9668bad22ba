"""Several figures of one report in one question: each with its own citation, and their sum or ratio when asked.

“侯家镇2021年通过网站和公众号一共发布了多少条信息？” → 59 [1] + 235 [2] = 294.
“…政府网站发布的信息占主动公开总数的比例是多少？” → 59 [1] ÷ 329 [2] = 17.9%.
A ratio divides every figure named before the last by the last one (“网站和公众号…占主动公开总数” → (59+235) ÷ 329).
A sum or ratio is computed only from known figures; an unknown part makes the whole unknown, said as such. A ratio
whose base the question does not name is not guessed. Several bodies get one line each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from answering.chart import chart_reports
from answering.compose import MAX_SHOWN, Sources, body_year, more_than_shown, number
from answering.lookup import asked_terms, stated_figure
from answering.models import Answer, Query
from answering.structured import Figure, add_up, asks_for_year_without_report, resolve, select, show
from answering.vocabulary import Measure, measure_by_key
from indexing.models import Report

_DIFFERENCE = re.compile(r"相差|差多少|差距|差了|比[^，。？?]{0,12}[多少]多少|多多少|少多少")
_SUM_WORDS = re.compile(r"合计|总共|一共|总和|加起来|共计|累计|总计|合起来|共有|共[收发公]")


@dataclass
class Part:
    """One figure a question names: a vocabulary measure, or a noun only the prose states (政策解读)."""

    label: str
    unit: str
    measure: Measure | None = None
    noun_query: Query | None = None  # for a prose noun: the query whose terms find it

    def figure(self, report: Report) -> Figure:
        if self.measure is not None:
            return resolve(report, self.measure)
        return stated_figure(report, self.noun_query) or Figure(report, None, note="报告未披露")


def answer_combined(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """None when the question names fewer than two figures and asks no ratio (the caller answers as usual)."""
    parts = _parts(query)
    if query.operation != "ratio" and (len(parts) < 2 or query.operation not in ("value", "sum")):
        return None
    if query.bodies and query.years and asks_for_year_without_report(query, reports):
        # A later report's chart may stand in for a year with no report (侯家镇 2020).
        reports = reports + chart_reports([r for r in reports if r.short_name in query.bodies])
    selected = select(reports, query, filters)
    if not selected:
        return None
    if not query.years:  # each body's latest report
        latest: dict[str, Report] = {}
        for r in sorted(selected, key=lambda r: r.year or 0):
            latest[r.agency] = r
        selected = sorted(latest.values(), key=lambda r: (r.short_name, r.year or 0))
    s = Sources()
    lines, rows, values = [], [], []
    for i, report in enumerate(selected):
        # past the first MAX_SHOWN a report's figures go to the rows only, its citations to a scratch list
        line, value, report_rows = _one_report(query, report, parts, s if i < MAX_SHOWN else Sources())
        if i < MAX_SHOWN:
            lines.append(line)
        rows.extend(report_rows)
        values.append(value)
    more = more_than_shown(len(selected)) if len(selected) > MAX_SHOWN else ""
    text = "".join(lines) + more
    if len(selected) == 1:
        value = values[0]
        kind = "unknown" if value is None and (query.operation == "ratio" or _sums(query)) else "value"
        if kind == "value" and value is None and all(r["value"] is None for r in rows):
            kind = "unknown"
        return Answer(query.text, text, kind, value=value, items=[selected[0].short_name], citations=s.citations,
                      rows=rows, query=query)
    known = [v for v in values if v is not None]
    kind = "value" if known else "unknown"
    return Answer(query.text, text, kind, value=None, items=[r.short_name for r in selected], citations=s.citations,
                  rows=rows, query=query)


def _sums(query: Query) -> bool:
    return query.operation == "sum" or bool(_SUM_WORDS.search(query.folded))


_JOINERS = re.compile(r"以及|和|与|及|、|加上")


def noun_parts(query: Query) -> list[Part]:
    """“政策解读和政策文件一共多少条”: each side of a joiner a noun only the prose states, when every side has one."""
    if query.measure not in (None, "fact.proactive_total") or not _JOINERS.search(query.noun_text):
        return []
    parts = []
    for side in _JOINERS.split(query.noun_text):
        sub = replace(query, noun_text=side)
        terms = asked_terms(sub)
        if not terms:
            return []
        parts.append(Part(f"正文所述{terms[0]}", "", noun_query=sub))
    return parts


def _parts(query: Query) -> list[Part]:
    measures = [m for m in (measure_by_key(k) for k in (query.measures or [query.measure] if query.measure else []))
                if m is not None]
    parts = [Part(m.label, m.unit, measure=m) for m in measures]
    nouns = noun_parts(query)
    if len(parts) < 2 and len(nouns) > 1:
        return nouns
    if query.operation == "ratio" and len(parts) < 2:
        # “政策解读占主动公开信息的比例”: the noun only prose states is the part, the named total the base.
        base = [p for p in parts if p.measure is not None and p.measure.key == "fact.proactive_total"]
        terms = asked_terms(query)
        if base and terms:
            parts = [Part(f"正文所述{terms[0]}", "", noun_query=query), base[0]]
    return parts


def _one_report(query: Query, report: Report, parts: list[Part], s: Sources) -> tuple[str, float | int | None, list]:
    figures = [p.figure(report) for p in parts]
    shown = [_shown(f, p, s) for f, p in zip(figures, parts, strict=True)]
    rows = [{"body": report.short_name, "year": report.year, "value": f.value, "measure": p.label}
            for f, p in zip(figures, parts, strict=True)]
    core = f"{body_year(report)}：{'；'.join(shown)}"
    head = f"{core}。"
    missing = [p.label for f, p in zip(figures, parts, strict=True) if not f.known]
    if query.operation == "ratio":
        return _ratio(head, figures, parts, missing)
    if len(parts) == 2 and _DIFFERENCE.search(query.folded):  # “网站发布的信息比公众号少多少”
        if missing:
            return f"{head}无法相减：{'、'.join(missing)}报告未披露。", None, rows
        diff = abs(add_up([figures[0].value, -figures[1].value]))
        return f"{core}，相差{_fmt(diff)}。", diff, rows
    if _sums(query):
        if missing:
            return f"{head}无法合计：{'、'.join(missing)}报告未披露。", None, rows
        total = add_up([f.value for f in figures])
        units = {f.unit or p.unit for f, p in zip(figures, parts, strict=True)}
        unit = units.pop() if len(units) == 1 else ""
        return f"{core}，合计{number(total, unit)}。", total, rows
    return head, None, rows


def _ratio(head: str, figures: list[Figure], parts: list[Part], missing: list[str]) -> tuple[str, float | None, list]:
    if len(parts) < 2:
        return f"{head}问题没有说明占什么的比例（例如“占主动公开总数的比例”），未计算。", None, []
    if missing:
        return f"{head}无法计算比例：{'、'.join(missing)}报告未披露。", None, []
    *shares, whole = figures
    if not whole.value:
        return f"{head}{parts[-1].label}为0，无法计算比例。", None, []
    pct = round(add_up([f.value for f in shares]) / whole.value * 100, 1)
    named = "、".join(p.label for p in parts[:-1])
    top = " + ".join(_fmt(f.value) for f in shares)  # every number shown is a cited one; only the % is derived
    top = f"({top})" if len(shares) > 1 else top
    text = f"{head}{named}占{parts[-1].label}的{pct:g}%（{top} ÷ {_fmt(whole.value)}）。"
    rows = [{"body": whole.report.short_name, "year": whole.report.year, "value": pct, "measure": "占比（%）"}]
    return text, pct, rows


def _shown(fig: Figure, part: Part, s: Sources) -> str:
    if not fig.known:
        return f"{part.label}{fig.note}"
    if part.measure is not None:
        return f"{part.label}{show(fig, part.measure, s)}"
    return f"{part.label}{number(fig.value, fig.unit)}{s.mark(fig.citations)}"


def _fmt(value: float | int) -> str:
    return number(value, "")
