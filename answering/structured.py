"""Answers about numbers, from the structured records: filter, aggregate, rank, compare.

A body whose figure is unknown (blank cell, missing table, nothing in prose) is left out of lists and sums and is
named as unknown — never counted as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from answering.chart import CHART_FACTS, SOURCE_YEAR, chart_reports
from answering.compose import MAX_SHOWN, Sources, body_year, join_names, number, paged, passage_citation, unknown
from answering.models import Answer, Citation, Query
from answering.records import body_years, candidates
from answering.vocabulary import Measure, cell_text, fact_label, measure_by_key
from indexing.models import Report
from indexing.normalize import fold
from indexing.schema import TABLE_TITLES


# ---------------------------------------------------------------- one body's figure
@dataclass
class Figure:
    report: Report
    value: float | int | None
    citations: list[Citation] = field(default_factory=list)
    stated_zero: bool = False  # zero said in prose (“未收到申请”), not printed as a number
    note: str = ""  # why the value is unknown
    unit: str = ""  # the unit the source wrote (“35篇”), when it differs from the measure's

    @property
    def known(self) -> bool:
        return self.value is not None


def resolve(report: Report, measure: Measure) -> Figure:
    """Table cells first (all cells of one option known), then numeric prose facts, then a stated zero."""
    missing_tables = []
    for option in measure.cell_options:
        values = []
        for table, row, column in option:
            if report.tables.get(table) is None:
                missing_tables.append(table)
                break
            values.append(report.cell(table, row, column))
        else:
            if values and all(v is not None for v in values):
                cites = [_cell_citation(report, t, r, c, v) for (t, r, c), v in zip(option, values, strict=True)]
                zero = _stated_zero(report, measure) if add_up(values) == 0 else None
                # a zero the prose also states is cited there too: the sentence can be found where a cell
                # (its row label lost in the page) may not
                return Figure(report, add_up(values), cites + ([zero] if zero else []))
    for key in measure.facts:
        fact = report.facts.get(key)
        if fact is not None and isinstance(fact.value, int | float) and not isinstance(fact.value, bool):
            cite = passage_citation(report, fact.section, fact.sentence)
            cite.year = SOURCE_YEAR.get((report.report_id, report.year), cite.year)  # a chart cites its own report
            return Figure(report, fact.value, [cite], unit=fact.unit)
    zero = _stated_zero(report, measure)
    if zero is not None:
        return Figure(report, 0, [zero], stated_zero=True)
    if missing_tables:
        tables = "、".join(dict.fromkeys(TABLE_TITLES[t].split()[0] for t in missing_tables))
        return Figure(report, None, note=f"报告未披露（{tables}缺失）")
    if measure.cell_options:
        return Figure(report, None, note="报告未披露（表格中该项为空）")
    return Figure(report, None, note="报告未披露")


def _stated_zero(report: Report, measure: Measure) -> Citation | None:
    """The sentence saying the measure is nil (“本年度未收到政府信息公开申请”), when the report has one."""
    for key in measure.zero_facts:
        fact = report.facts.get(key)
        if fact is None or fact.value is not True:
            continue
        if not measure.zero_words or any(w in fold(fact.sentence) for w in measure.zero_words):
            return passage_citation(report, fact.section, fact.sentence)
    return None


def add_up(values: list) -> float | int:
    """A sum that stays an int when its parts are whole (329 + 16 is 345, not 345.0)."""
    total = sum(values)
    return int(total) if isinstance(total, float) and total.is_integer() else total


def _cell_citation(report: Report, table: str, row: str, column: str, value: float | int) -> Citation:
    return Citation(report.report_id, report.agency, report.short_name, report.year, table,
                    cell_text(table, row, column, value), table=table, row=row, column=column)


def show(fig: Figure, measure: Measure, sources: Sources) -> str:
    """A figure as written in the answer: the number with its unit and [n], or 无 for a stated zero."""
    marks = sources.mark(fig.citations)
    if fig.stated_zero:
        return f"正文称无{marks}"  # a zero said in words (“未收到”), not printed as 0
    shown = number(fig.value, fig.unit or measure.unit)
    if "所附图表" in fig.report.title:  # name the report that prints the chart (body + its year), not “后一年”
        source = replace(fig.report, year=SOURCE_YEAR.get((fig.report.report_id, fig.report.year), fig.report.year))
        return f"{shown}（据{body_year(source)}报告所附图表数据）{marks}"
    return f"{shown}{marks}"


def row_of(fig: Figure) -> dict:
    row = {"body": fig.report.short_name, "year": fig.report.year, "value": fig.value}
    if fig.unit:  # the unit the report wrote (“59篇”) wins over the measure's own in the table, chart and CSV
        row["unit"] = fig.unit
    return row


# ---------------------------------------------------------------- selection
def select(reports: list[Report], query: Query, filters=None) -> list[Report]:
    # Indexed records are looked up by the scope's slots; every candidate is still tested in full below.
    pool = candidates(reports, bodies=query.bodies, years=query.years, regions=query.regions, levels=query.levels)
    # short names the question picked one agency of (two 新华镇): the other bodies of that name are left out
    picked = {x.short_name for x in candidates(reports, agencies=query.agencies)
              if x.agency in query.agencies} if query.agencies else set()
    out = []
    for r in pool:
        if query.bodies and r.short_name not in query.bodies:
            continue
        if query.agencies and r.agency not in query.agencies and r.short_name in picked:
            continue
        if query.years and r.year not in query.years:
            continue
        if query.regions and not (set(query.regions) & {x for x in r.region}):
            continue
        if query.levels and r.level not in query.levels:
            continue
        if filters is not None and not _passes(r, filters):
            continue
        out.append(r)
    return sorted(out, key=lambda r: (r.short_name, r.year or 0))


def _passes(r: Report, f) -> bool:
    if getattr(f, "years", None) and r.year not in f.years:
        return False
    if getattr(f, "report_ids", None) and r.report_id not in f.report_ids:
        return False
    if getattr(f, "levels", None) and r.level not in f.levels:
        return False
    # A region filter names any level of the chain, or the body itself.
    return not (getattr(f, "regions", None) and not set(f.regions) & {*r.region, r.short_name, r.agency})


def scope_text(query: Query) -> str:
    """What was searched, in words (for lists and abstentions)."""
    parts = []
    if query.years:
        parts.append("、".join(f"{y}年" for y in query.years))
    if query.regions:
        parts.append("、".join(query.regions))
    if query.bodies:
        parts.append("、".join(query.bodies))
    elif query.levels:
        parts.append("、".join(query.levels))
    return "".join(parts) or "全部报告"


# ---------------------------------------------------------------- entry point
def answer_structured(query: Query, reports: list[Report], filters=None) -> Answer:
    measure = measure_by_key(query.measure)
    assert measure is not None, "answer_structured needs a measure"
    q = query.text
    if query.bodies and CHART_FACTS & set(measure.facts) and asks_for_year_without_report(query, reports):
        # A later report's chart may give a year the corpus has no report for (侯家镇 2021 prints 2020's figures).
        reports = reports + chart_reports([r for r in candidates(reports, bodies=query.bodies)
                                           if r.short_name in query.bodies])
    miss = _missing_scope(query, reports)
    if miss:
        return unknown(q, miss, query)
    scope = query
    if query.operation == "change" and len(query.years) == 1:  # “2021年…比上年”: the year before is the base
        scope = replace(query, years=[query.years[0] - 1, query.years[0]])
    selected = select(reports, scope, filters)
    if not selected:
        return unknown(q, f"语料中没有找到{scope_text(query)}的报告，无法回答{measure.label}。", query)
    answer = answer_figures(query, measure, [resolve(r, measure) for r in selected])
    absent = _absent_note(query, reports)
    if absent and answer.kind != "unknown":
        answer.answer += absent
    return answer


def answer_figures(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    """The operation the question asks for, over one figure per selected report."""
    handler = {
        "value": _value, "list": _list, "count": _count, "sum": _sum_avg, "average": _sum_avg,
        "max": _extreme, "min": _extreme, "rank": _rank, "compare": _compare, "change": _change, "yesno": _yesno,
    }.get(query.operation or "value", _value)
    return handler(query, measure, figures)


def _absent_note(query: Query, reports: list[Report]) -> str:
    """Asked years (or body-years) the corpus has no report for, when others were answered: said, not dropped."""
    if query.operation == "change":
        return ""
    asked = sorted(set(query.years + query.unknown_years))
    if query.bodies and asked:
        have = body_years(reports)
        gaps = [f"{b}{y}年" for b in query.bodies for y in asked if (b, y) not in have]
    else:
        gaps = [f"{y}年" for y in query.unknown_years]
    return f"（语料中没有{'、'.join(gaps)}的报告。）" if gaps else ""


def asks_for_year_without_report(query: Query, reports: list[Report]) -> bool:
    """A named body asked about in a year it has no report for (or a change across years)."""
    if query.operation == "change":
        return True
    have = body_years(reports)
    return any((b, y) not in have for b in query.bodies for y in query.years + query.unknown_years)


def _missing_scope(query: Query, reports: list[Report]) -> str | None:
    if query.unknown_bodies and not query.bodies:
        return f"语料中没有找到{join_names(query.unknown_bodies)}的报告（已检索语料中全部报告的机关名称）。"
    if query.unknown_years and not query.years:
        years = "、".join(f"{y}年" for y in query.unknown_years)
        have = "、".join(f"{y}年" for y in sorted({r.year for r in reports if r.year}))
        return f"语料中没有找到{years}的报告（语料中的报告年份：{have}）。"
    if query.bodies and query.years and query.operation != "change":
        held = body_years(reports)
        missing = [b for b in query.bodies if not any((b, y) in held for y in query.years)]
        if missing and len(missing) == len(query.bodies):
            have = {b: sorted({r.year for r in candidates(reports, bodies=[b]) if r.short_name == b and r.year})
                    for b in missing}
            said = "；".join(f"{b}只有{'、'.join(f'{y}年' for y in ys)}的报告" for b, ys in have.items())
            years = "、".join(f"{y}年" for y in query.years)
            return f"语料中没有找到{join_names(missing)}{years}的报告（{said}）。"
    return None


def _unknown_note(unknowns: list[Figure]) -> str:
    if not unknowns:
        return ""
    names = paged(unknowns, lambda f: f"{body_year(f.report)}：{f.note}", "；", in_rows=False)
    return f"以下报告未披露该数字，未计入：{names}。"


def _all_unknown(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    names = paged(figures, lambda f: f"{body_year(f.report)}{f.note}", "；", in_rows=False)
    return unknown(query.text, f"语料中没有找到{scope_text(query)}{measure.label}的数字：{names}。", query)


# ---------------------------------------------------------------- operations
def _value(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    if len({f.report.agency for f in figures}) == 1 and len(figures) > 1 and not query.years:
        figures = [max(figures, key=lambda f: f.report.year or 0)]  # latest report of the one body asked about
    if len(figures) > 1:
        return _list(query, measure, figures, listing=True)
    fig = figures[0]
    if not fig.known:
        text = f"{body_year(fig.report)}{measure.label}：{fig.note}，语料中没有找到这个数字。"
        s = Sources()
        for key in measure.related:  # what the report does say nearby, clearly labelled as a different figure
            fact = fig.report.facts.get(key)
            if fact is not None and isinstance(fact.value, int | float) and not isinstance(fact.value, bool):
                cite = s.mark([passage_citation(fig.report, fact.section, fact.sentence)])
                text += f"报告只写明{fact_label(key)}：{number(fact.value, measure.unit)}{cite}。"
        return unknown(query.text, text, query, s)
    s = Sources()
    text = f"{body_year(fig.report)}{measure.label}：{show(fig, measure, s)}。"
    return Answer(query.text, text, "value", value=fig.value, items=[fig.report.short_name], citations=s.citations,
                  rows=[row_of(fig)], query=query)


MAX_MISSES = 10  # checked reports that fail the condition, shown with their numbers


def _list(query: Query, measure: Measure, figures: list[Figure], listing: bool = False) -> Answer:
    known = [f for f in figures if f.known]
    unknowns = [f for f in figures if not f.known]
    if not known:
        return _all_unknown(query, measure, figures)
    s = Sources()
    if listing:  # “各乡镇…多少” — every figure, no condition
        parts = paged(known, lambda f: f"{body_year(f.report)}{show(f, measure, s)}", "；")
        text = f"{scope_text(query)}{measure.label}：{parts}。"
        hits = known
    else:
        cond = query.condition
        if cond is None:
            from answering.models import Condition

            cond = Condition(">", 0)
        hits = [f for f in known if cond.holds(float(f.value))]
        unit = measure.unit if cond.threshold else ""
        scope = scope_text(query)
        head = f"{scope}{'中' if query.levels or query.regions else ''}{measure.label}{cond.describe()}{unit}的"
        if hits:
            text = f"{head}有：" + paged(hits, lambda f: f"{body_year(f.report)}（{show(f, measure, s)}）", "、") + "。"
            # nearest the threshold first: a long list of misses is cut after the ones that came closest
            hit = {id(f) for f in hits}  # by identity: comparing Figures compares whole reports
            misses = sorted((f for f in known if id(f) not in hit), key=lambda f: abs(float(f.value) - cond.threshold))
            if misses:  # what was checked and left out, with its number: the list is only as good as its misses
                shown_misses = "、".join(f"{body_year(f.report)}（{show(f, measure, s)}）" for f in misses[:MAX_MISSES])
                more = f"等{len(misses)}份" if len(misses) > MAX_MISSES else ""
                text += f"不符合的：{shown_misses}{more}。"
        else:
            text = f"{head}：没有。已核对：" + paged(
                known, lambda f: f"{body_year(f.report)}（{show(f, measure, s)}）", "、", in_rows=False) + "。"
    note = _unknown_note(unknowns)
    if note:
        text += note
    items = list(dict.fromkeys(f.report.short_name for f in hits))
    return Answer(query.text, text, "list", items=items, citations=s.citations, rows=[row_of(f) for f in hits],
                  query=query)


def _count(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    ans = _list(query, measure, figures)
    if ans.kind != "list":
        return ans
    n = len(ans.items)
    ans.kind, ans.value = "count", n
    ans.answer = f"共{n}个。" + ans.answer
    return ans


def _sum_avg(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    known = [f for f in figures if f.known]
    if not known:
        return _all_unknown(query, measure, figures)
    s = Sources()
    total = add_up([f.value for f in known])
    parts = paged(known, lambda f: f"{body_year(f.report)}{show(f, measure, s)}", " + ")
    if query.operation == "average":
        value = round(total / len(known), 2)
        value = int(value) if float(value).is_integer() else value
        text = f"{scope_text(query)}{measure.label}平均为{number(value, measure.unit)}（{len(known)}份报告：{parts}）。"
    else:
        value = total
        text = f"{scope_text(query)}{measure.label}合计{number(value, measure.unit)}（{parts}）。"
    text += _years_note(known) + _unknown_note([f for f in figures if not f.known])
    return Answer(query.text, text, "value", value=value, items=[f.report.short_name for f in known],
                  citations=s.citations, rows=[row_of(f) for f in known], query=query)


def _ordered(query: Query, figures: list[Figure]) -> list[Figure]:
    known = [f for f in figures if f.known]
    return sorted(known, key=lambda f: (-f.value if query.descending else f.value, f.report.short_name))


def _years_note(figs: list[Figure]) -> str:
    years = sorted({f.report.year for f in figs if f.report.year})
    if len(years) > 1:
        return f"注意：比较的报告年份不同（{'、'.join(f'{y}年' for y in years)}）。"
    return ""


def _extreme(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    ranked = _ordered(query, figures)
    if not ranked:
        return _all_unknown(query, measure, figures)
    best = ranked[0].value
    winners = [f for f in ranked if f.value == best]
    s = Sources()
    word = "最多" if query.descending else "最少"
    names = paged(winners, lambda f: f"{body_year(f.report)}（{show(f, measure, s)}）", "、")
    others = paged(ranked[len(winners):], lambda f: f"{body_year(f.report)}{show(f, measure, s)}", "；")
    text = f"{scope_text(query)}{measure.label}{word}的是{names}。"
    if others:
        text += f"其余：{others}。"
    text += _years_note(ranked) + _unknown_note([f for f in figures if not f.known])
    return Answer(query.text, text, "list", value=best, items=list(dict.fromkeys(f.report.short_name for f in winners)),
                  citations=s.citations, rows=[row_of(f) for f in ranked], query=query)


def _rank(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    ranked = _ordered(query, figures)
    if not ranked:
        return _all_unknown(query, measure, figures)
    s = Sources()
    order = "从多到少" if query.descending else "从少到多"
    chain = ""
    for i, f in enumerate(ranked[:MAX_SHOWN]):
        if i:
            chain += " = " if f.value == ranked[i - 1].value else (" > " if query.descending else " < ")
        chain += f"{body_year(f.report)}{show(f, measure, s)}"
    if len(ranked) > MAX_SHOWN:
        chain += f" ……（共{len(ranked)}份报告，完整排名见明细表）"
    text = f"{scope_text(query)}{measure.label}{order}：{chain}。"
    text += _years_note(ranked) + _unknown_note([f for f in figures if not f.known])
    return Answer(query.text, text, "list", items=list(dict.fromkeys(f.report.short_name for f in ranked)),
                  citations=s.citations, rows=[row_of(f) for f in ranked], query=query)


_DIFFERENCE = re.compile(r"相差|差多少|差距|差了|[多少][^，。？?]{0,6}多少|多了|少了")


def _compare(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    # One figure per body: the asked year, else each body's latest report.
    per_body: dict[str, Figure] = {}
    for f in sorted(figures, key=lambda f: f.report.year or 0):
        per_body[f.report.short_name] = f
    figs = [per_body[b] for b in query.bodies if b in per_body] or list(per_body.values())
    unknowns = [f for f in figs if not f.known]
    known = [f for f in figs if f.known]
    missing = [b for b in query.bodies if b not in per_body]
    if unknowns or missing or len(known) < 2:
        s = Sources()
        said = "；".join(f"{body_year(f.report)}{show(f, measure, s)}" for f in known)
        years = "、".join(f"{y}年" for y in query.years)
        gaps = [f"{body_year(f.report)}{f.note}" for f in unknowns] + [f"语料中没有{b}{years}的报告" for b in missing]
        text = f"无法比较{measure.label}：{'；'.join(gaps)}。" + (f"已知：{said}。" if said else "")
        return unknown(query.text, text, query, s)
    ranked = sorted(known, key=lambda f: -f.value if query.descending else f.value)
    s = Sources()
    a, b = ranked[0], ranked[1]
    if a.value == b.value:
        text = (f"{body_year(a.report)}与{body_year(b.report)}{measure.label}相同："
                f"{show(a, measure, s)}、{show(b, measure, s)}。")
        items = [a.report.short_name, b.report.short_name]
    elif _DIFFERENCE.search(query.folded):  # “相差多少 / 比…少公开多少”: the difference, both figures cited
        diff = abs(add_up([a.value, -b.value]))
        text = (f"{body_year(a.report)}{measure.label}{show(a, measure, s)}，"
                f"{body_year(b.report)}{show(b, measure, s)}，相差{number(diff, measure.unit)}。") + _years_note(ranked)
        return Answer(query.text, text, "value", value=diff, items=[a.report.short_name, b.report.short_name],
                      citations=s.citations, rows=[row_of(f) for f in ranked], query=query)
    else:
        word = "多于" if query.descending else "少于"
        text = (f"{a.report.short_name}{'更多' if query.descending else '更少'}：{body_year(a.report)}{measure.label}"
                f"{show(a, measure, s)}，{word}{body_year(b.report)}{show(b, measure, s)}。")
        for extra in ranked[2:]:
            text += f"{body_year(extra.report)}{show(extra, measure, s)}。"
        items = [a.report.short_name]
    text += _years_note(ranked)
    return Answer(query.text, text, "list", items=items, citations=s.citations, rows=[row_of(f) for f in ranked],
                  query=query)


def _change(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    bodies = sorted({f.report.short_name for f in figures})
    if len(bodies) != 1:
        return _list(query, measure, figures, listing=True)
    by_year = {f.report.year: f for f in figures if f.report.year}
    years = sorted(by_year)
    if query.years and len(query.years) == 1 and query.years[0] - 1 not in by_year:
        years = []
    if len(years) < 2:
        have = "、".join(f"{y}年" for y in sorted(by_year)) or "无"
        return unknown(query.text, f"语料中只有{bodies[0]}{have}的报告，没有找到可比较的两个年份。", query)
    first, last = by_year[years[0]], by_year[years[-1]]
    if not (first.known and last.known):
        gaps = "；".join(f"{body_year(f.report)}{f.note}" for f in (first, last) if not f.known)
        return unknown(query.text, f"无法计算{measure.label}的变化：{gaps}。", query)
    s = Sources()
    diff = add_up([last.value, -first.value])
    trend = "增加" if diff > 0 else "减少" if diff < 0 else "没有变化"
    amount = "" if diff == 0 else number(abs(diff), measure.unit)
    text = (f"{bodies[0]}{measure.label}：{years[0]}年{show(first, measure, s)}，"
            f"{years[-1]}年{show(last, measure, s)}，{trend}{amount}。")
    return Answer(query.text, text, "value", value=diff, items=[bodies[0]], citations=s.citations,
                  rows=[row_of(first), row_of(last)], query=query)


_EVERY = re.compile(r"所有|每个|每一个|各个|全部|都|均")


def _yesno(query: Query, measure: Measure, figures: list[Figure]) -> Answer:
    from answering.models import Condition

    cond = query.condition or Condition(">", 0)
    known = [f for f in figures if f.known]
    if not known:
        return _all_unknown(query, measure, figures)
    s = Sources()
    hits = [f for f in known if cond.holds(float(f.value))]
    unknowns = [f for f in figures if not f.known]
    every = len(figures) > 1 and bool(_EVERY.search(query.folded))
    # “是否所有…都…” needs every figure; “有没有…” needs one. An unknown figure can decide neither way.
    yes = len(hits) == len(known) if every else bool(hits)
    shown = "；".join(f"{body_year(f.report)}{measure.label}：{show(f, measure, s)}" for f in known)
    if unknowns and (yes if every else not yes):
        verdict = "都满足" if every else "都不满足"
        text = f"无法确定：已知的报告{verdict}，但有报告未披露该数字。{shown}。" + _unknown_note(unknowns)
        return unknown(query.text, text, query, s)
    text = f"{'是' if yes else '否'}。{shown}。" + _unknown_note(unknowns)
    return Answer(query.text, text, "yesno", value=yes, items=[f.report.short_name for f in hits],
                  citations=s.citations, rows=[row_of(f) for f in known], query=query)


# ---------------------------------------------------------------- which reports leave a figure out
def answer_undisclosed(query: Query, reports: list[Report], filters=None) -> Answer:
    """“哪些报告没有披露…的数量”: the reports whose cell is blank or whose table is missing lead the answer; a zero the
    report prints is a figure disclosed (said apart, as disclosed-as-zero), never a figure left out."""
    measure = measure_by_key(query.measure)
    assert measure is not None, "answer_undisclosed needs a measure"
    miss = _missing_scope(query, reports)
    if miss:
        return unknown(query.text, miss, query)
    selected = select(reports, query, filters)
    if not selected:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}的报告，无法回答{measure.label}。", query)
    figures = [resolve(r, measure) for r in selected]
    left_out = [f for f in figures if not f.known]
    zeros = [f for f in figures if f.known and f.value == 0]
    s = Sources()
    head = f"{scope_text(query)}中未披露{measure.label}的"
    if left_out:
        text = f"{head}有：" + paged(left_out, lambda f: f"{body_year(f.report)}（{_why_unknown(f)}）", "、") + "。"
    else:
        text = f"{head}：没有，每份报告都写明了这个数字。"
    def shown(f: Figure) -> str:
        return f"{body_year(f.report)}（{show(f, measure, s)}）"

    if zeros:  # said apart so that no one reads a zero as a blank
        text += "披露为零（已披露，不属未披露）的：" + paged(zeros, shown, "、", in_rows=False) + "。"
    others = [f for f in figures if f.known and f.value != 0]
    if others:  # what else was checked, with its number
        text += "其余已披露的：" + paged(others, shown, "、", in_rows=False) + "。"
    kind = "count" if query.operation == "count" else "list"
    if kind == "count":
        text = f"共{len(left_out)}份。{text}"
    return Answer(query.text, text, kind, value=len(left_out) if kind == "count" else None,
                  items=list(dict.fromkeys(f.report.short_name for f in left_out)), citations=s.citations,
                  rows=[row_of(f) for f in left_out], query=query)


def _why_unknown(fig: Figure) -> str:
    """“表格中该项为空”, “表三缺失” — what the note says beyond 报告未披露."""
    why = fig.note.removeprefix("报告未披露").strip("（）")
    return why or "表格和正文都没有写明"
