"""Several figures of one report in one question: each with its own citation, and their sum or ratio when asked.

“侯家镇2021年通过网站和公众号一共发布了多少条信息？” → 59 [1] + 235 [2] = 294.
“…政府网站发布的信息占主动公开总数的比例是多少？” → 59 [1] ÷ 329 [2] = 17.9%.
A sum or ratio is computed only from known figures; an unknown part makes the whole unknown, said as such.
"""

from __future__ import annotations

import re

from answering.compose import Sources, body_year, number, unknown
from answering.models import Answer, Query
from answering.structured import Figure, resolve, select, show
from answering.vocabulary import Measure, measure_by_key
from indexing.models import Report

_SUM_WORDS = re.compile(r"合计|总共|一共|总和|加起来|共计|累计|总计|合起来|共有|共[收发公]")


def answer_combined(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """None when the question is not about one report (the caller answers the first figure as usual)."""
    measures = [m for m in (measure_by_key(k) for k in query.measures) if m is not None]
    if len(measures) < 2 or query.operation not in ("value", "sum", "ratio"):
        return None
    selected = select(reports, query, filters)
    if len({r.agency for r in selected}) != 1:
        return None
    report = max(selected, key=lambda r: r.year or 0)  # one body: the asked year, else its latest report
    figures = [resolve(report, m) for m in measures]
    s = Sources()
    parts = [_part(f, m, s) for f, m in zip(figures, measures, strict=True)]
    rows = [{"body": report.short_name, "year": report.year, "value": f.value, "measure": m.label}
            for f, m in zip(figures, measures, strict=True)]
    head = f"{body_year(report)}：{'；'.join(parts)}。"
    missing = [m.label for f, m in zip(figures, measures, strict=True) if not f.known]
    if query.operation == "ratio":
        return _ratio(query, report, figures, measures, head, missing, s, rows)
    if query.operation == "sum" or _SUM_WORDS.search(query.folded):
        if missing:
            return unknown(query.text, f"{head}无法合计：{'、'.join(missing)}报告未披露。", query, s)
        total = _sum([f.value for f in figures])
        units = {m.unit for m in measures}
        unit = units.pop() if len(units) == 1 else ""
        text = f"{head}合计{number(total, unit)}。"
        return Answer(query.text, text, "value", value=total, items=[report.short_name], citations=s.citations,
                      rows=rows, query=query)
    kind = "unknown" if len(missing) == len(figures) else "value"
    return Answer(query.text, head, kind, value=None, items=[report.short_name], citations=s.citations, rows=rows,
                  query=query)


def _part(fig: Figure, measure: Measure, s: Sources) -> str:
    return f"{measure.label}{show(fig, measure, s)}" if fig.known else f"{measure.label}{fig.note}"


def _ratio(query: Query, report: Report, figures: list[Figure], measures: list[Measure], head: str,
           missing: list[str], s: Sources, rows: list[dict]) -> Answer:
    part, whole = figures[0], figures[-1]
    if missing:
        return unknown(query.text, f"{head}无法计算比例：{'、'.join(missing)}报告未披露。", query, s)
    if not whole.value:
        return unknown(query.text, f"{head}{measures[-1].label}为0，无法计算比例。", query, s)
    pct = round(part.value / whole.value * 100, 1)
    text = (f"{head}{measures[0].label}占{measures[-1].label}的"
            f"{pct:g}%（{number(part.value, measures[0].unit)} ÷ {number(whole.value, measures[-1].unit)}）。")
    return Answer(query.text, text, "value", value=pct, items=[report.short_name], citations=s.citations,
                  rows=rows, query=query)


def _sum(values: list) -> float | int:
    total = sum(values)
    return int(total) if isinstance(total, float) and total.is_integer() else total
