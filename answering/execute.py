"""Plans → answers for the operations the plan reader brought (issue 10): ask back, growth, per-month and per-year
averages, differences, shares, which part of a report is largest, where a body ranks, and “do all of them…”.

Every number comes from a record (a table cell or a prose fact, resolved by answering.structured.resolve) and is
cited; an unknown stays unknown and is said, never counted as zero. Nothing here reads the question text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from answering import lexicon as lx
from answering.chart import chart_reports
from answering.claims import Claim, Support, claim_of, support
from answering.compose import Sources, body_year, join_names, number, paged, passage_citation, text_row
from answering.lookup import head_words
from answering.models import Answer, fmt_number
from answering.passages import sentences as prose_sentences
from answering.plan import Figure, Plan, Years
from answering.records import candidates
from answering.structured import Figure as Value
from answering.structured import resolve
from answering.vocabulary import MEASURES, measure_by_key
from indexing.models import Fact, Report
from indexing.normalize import fold
from indexing.schema import ITEM_PREFIX, fact_label

# Prose nouns that name a typed fact (indexing.schema.FACT_LABELS) rather than an enumerated item.
MONTHS = 12
Executor = Callable[[Plan, list[Report], str], Answer]


# ---------------------------------------------------------------- figures of one report
def label(figure: Figure) -> str:
    if figure.measure:
        m = measure_by_key(figure.measure)
        return m.label if m else figure.measure
    return figure.noun or ""


def unit(figure: Figure) -> str:
    m = measure_by_key(figure.measure) if figure.measure else None
    return m.unit if m else ""


def value_of(report: Report, figure: Figure) -> Value:
    """A figure of one report: a measure's cells or facts, or a noun's typed or enumerated prose fact."""
    if figure.measure:
        m = measure_by_key(figure.measure)
        return resolve(report, m) if m else Value(report, None, note="报告未披露")
    noun = figure.noun or ""
    fact = report.facts.get(lx.TYPED_NOUNS.get(noun, "")) or _item_fact(report, noun)
    named = fact is not None and noun_core(noun) in fold(fact.sentence or "")  # 法规条文解读 is no 政策解读
    if named and isinstance(fact.value, int | float) and not isinstance(fact.value, bool):
        return Value(report, fact.value, [passage_citation(report, fact.section, fact.sentence)], unit=fact.unit)
    return _counted_in_prose(report, noun) or Value(report, None, note="报告未披露")


def _item_fact(report: Report, noun: str) -> Fact | None:
    """The enumerated item the noun names: the same name; else the same head words, a generic tail (信息) on either
    side optional (机构职能信息 is the stated 机构职能, 概况 the stated 概况信息); else an item whose name holds it."""
    items = {k[len(ITEM_PREFIX):]: f for k, f in report.facts.items() if k.startswith(ITEM_PREFIX)}
    if noun in items:
        return items[noun]
    head = head_words(noun)
    same_head = [f for name, f in items.items() if head_words(name) == head]
    if same_head:
        return same_head[0]
    return next((f for name, f in items.items() if noun in name), None)


def _counted_in_prose(report: Report, noun: str) -> Value | None:
    """“在9个社区服务点均设置了公开栏”: a number written right before the noun it counts, in one sentence of the
    report. Only when every such sentence gives the same number (two different counts of it: unknown)."""
    if len(noun) < 3:
        return None  # a short noun (站点, 村) is too common to pin one count on
    pattern = re.compile(rf"(\d+)\s*({lx.PROSE_CLASSIFIER})\s*{re.escape(noun)}")
    # a sentence is part of its section's text: a section without the noun is not split at all (a question over
    # every report otherwise splits the whole corpus into sentences)
    hits = [(int(m.group(1)), m.group(2), key, sent) for key, text in report.sections.items() if noun in text
            for sent in prose_sentences(text) for m in pattern.finditer(sent)
            if not re.search(rf"(?:{lx.APPROXIMATE_BEFORE})$", sent[:m.start()])]  # “约12个”: rough, no count
    if not hits or len({h[0] for h in hits}) != 1:
        return None
    value, unit, key, sent = hits[0]
    return Value(report, value, [passage_citation(report, key, sent)], unit=unit)


def states_beside(text: str, noun: str, value: float) -> bool:
    """The text gives `value` as the noun's own number: right after it (“法规条文解读19条”) or right before it
    (“9个社区服务点”, “24万张明白纸”), not elsewhere in a sentence that lists other kinds."""
    n = re.escape(noun)
    number = r"(\d+(?:\.\d+)?)(万)?"
    for m in re.finditer(rf"{n}[^\d，。；、]{{0,6}}{number}|{number}\s*[^\d，。；、]{{0,3}}{n}", text):
        digits, wan = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        # 24万张: 24 when asked in 万 (多少万张), 240000 when asked in units
        if any(abs(float(digits) * k - float(value)) < 1e-9 for k in ((1, 10000) if wan else (1,))):
            return True
    return False


def noun_core(noun: str) -> str:
    """The words a sentence must hold to state the noun asked: 政策解读信息 → 政策解读, 多少张明白纸 → 明白纸."""
    core = key_term(noun)
    return next((core.removesuffix(x) for x in lx.NOUN_SUFFIXES if core.endswith(x) and len(core) > 3), core)


def row(value: Value, figure: Figure) -> dict:
    """A part of a derived answer, for its table and chart (and to show what the derived number comes from)."""
    out = {"body": value.report.short_name, "year": value.report.year, "value": value.value, "measure": label(figure)}
    if value.unit:  # the unit the report wrote (“59篇”), not the measure's
        out["unit"] = value.unit
    return out


def shown(value: Value, figure: Figure, sources: Sources) -> str:
    if not value.known:
        return value.note or "报告未披露"
    return f"{number(value.value, value.unit or unit(figure))}{sources.mark(value.citations)}"


# ---------------------------------------------------------------- which reports
def in_scope(plan: Plan, reports: list[Report]) -> list[Report]:
    """The reports a plan's scope names; without years, each body's newest report."""
    s = plan.scope
    asked_years = s.years.values if s.years.kind == "absolute" else ()
    out = [
        r for r in candidates(reports, bodies=s.bodies, regions=s.regions, levels=s.levels, years=asked_years)
        if (not s.bodies or r.short_name in s.bodies)
        and (not s.regions or set(s.regions) & set(r.region))
        and (not s.levels or r.level in s.levels)
    ]
    if s.years.kind == "absolute":
        asked = [r for r in out if r.year in s.years.values]
        if asked or not (s.years.carried and s.bodies):
            return asked
        # “侯家镇呢？” after a 2022 question: the year was carried over, not said, and 侯家镇 has no 2022 report;
        # its newest report answers, and every answer names the year it used.
        return in_scope(replace_scope(plan, years=Years()), reports)
    if s.years.kind == "range":
        lo, hi = s.years.values
        return [r for r in out if r.year is not None and lo <= r.year <= hi]
    newest: dict[str, Report] = {}
    for r in out:
        if r.short_name not in newest or (r.year or 0) > (newest[r.short_name].year or 0):
            newest[r.short_name] = r
    return sorted(newest.values(), key=lambda r: r.short_name)


def _with_charts(plan: Plan, reports: list[Report]) -> list[Report]:
    """The reports the scope's bodies, regions and levels name, and the stand-ins their charts give: a chart of a
    report outside the scope yields stand-ins outside it too, so only the scope's reports are read for charts."""
    s = plan.scope
    scoped = list(candidates(reports, bodies=s.bodies, regions=s.regions, levels=s.levels))
    return scoped + chart_reports(scoped)


def _none(plan: Plan, question: str, what: str, reports: list[Report] = ()) -> Answer:
    """No report in scope: name the bodies and years asked, and the years the corpus does hold for those bodies."""
    s = plan.scope
    if s.bodies and s.years.kind == "absolute":
        what = join_names(list(s.bodies)) + "、".join(f"{y}年" for y in s.years.values)
    held = [f"{b}只有{'、'.join(f'{y}年' for y in years)}的报告" for b in s.bodies
            if (years := sorted({r.year for r in reports if r.short_name == b and r.year}))]
    note = f"（{'；'.join(held)}）" if held else ""
    return Answer(question, f"语料中没有找到{what}的报告{note}。", "unknown")


# ---------------------------------------------------------------- executors
def ask_back(plan: Plan, reports: list[Report], question: str) -> Answer:
    options = [describe_plan(o) for o in plan.options]
    listed = "".join(f"\n{n}. {o}" for n, o in enumerate(options, 1))
    text = (plan.reason or "这个问题有几种理解。") + (f"请选择或换个说法：{listed}" if options else "")
    return Answer(question, text, "clarify", options=options)


def describe_plan(plan: Plan) -> str:
    """A plan as a question a user can click: “侯家镇2021年本年新收政府信息公开申请是多少？”."""
    scope = "、".join(plan.scope.bodies) or "、".join(plan.scope.regions + plan.scope.levels) or "各单位"
    years = "、".join(f"{y}年" for y in plan.scope.years.values) if plan.scope.years.kind == "absolute" else ""
    what = "和".join(label(f) for f in plan.figures) or "这项数字"
    if plan.op in ("max", "min"):
        return f"{years}{scope}中哪个{what}{'最多' if plan.op == 'max' else '最少'}？"
    return f"{scope}{years}{what}是多少？"


def growth(plan: Plan, reports: list[Report], question: str) -> Answer:
    figure = plan.figures[0] if plan.figures else None
    years = plan.scope.years.values
    if figure is None or len(years) != 2 or len(plan.scope.bodies) > 1:
        return Answer(question, "请说明要比较哪个单位、哪个数字、哪两个年份。", "unknown")
    earlier, later = sorted(years)
    every = _with_charts(replace_scope(plan, regions=(), levels=()), reports)  # by body only, as below
    by_year = {r.year: r for r in every if not plan.scope.bodies or r.short_name in plan.scope.bodies}
    if earlier not in by_year or later not in by_year:
        missing = "、".join(f"{y}年" for y in (earlier, later) if y not in by_year)
        bodies = join_names(list(plan.scope.bodies))
        return Answer(question, f"语料中没有{bodies}{missing}的报告，无法计算变化。", "unknown")
    s = Sources()
    if len(plan.figures) >= 2:  # “网站和公众号合计发布量…增长了百分之几”: the growth of their sum
        (a, a_parts), (b, b_parts) = (_combined(by_year[y], plan.figures) for y in (earlier, later))
        named = "、".join(label(f) for f in plan.figures) + "合计"
        head = f"{by_year[later].short_name}{named}：{earlier}年{_shown_sum(a, a_parts, plan.figures, s)}，" \
               f"{later}年{_shown_sum(b, b_parts, plan.figures, s)}"
    else:
        a, b = value_of(by_year[earlier], figure), value_of(by_year[later], figure)
        head = f"{by_year[later].short_name}{label(figure)}：{earlier}年{shown(a, figure, s)}，" \
               f"{later}年{shown(b, figure, s)}"
    body = by_year[later].short_name
    if not (a.known and b.known):
        return Answer(question, head + "；有一年未披露，无法计算变化。", "unknown", citations=s.citations)
    change = b.value - a.value
    if plan.unit == "pct":
        if a.value == 0:
            return Answer(question, head + f"；{earlier}年为0，增长率无法计算。", "unknown", citations=s.citations)
        pct = round(change / a.value * 100, 1)
        word = "增长" if pct >= 0 else "下降"
        return Answer(question, f"{head}；{word}{fmt_number(abs(pct))}%。", "value", value=pct, items=[body],
                      citations=s.citations, rows=[row(a, figure), row(b, figure)])
    word = "增加" if change >= 0 else "减少"
    return Answer(question, f"{head}；{word}{number(abs(change), unit(figure))}。", "value", value=change,
                  items=[body], citations=s.citations, rows=[row(a, figure), row(b, figure)])


def _combined(report: Report, figures: tuple[Figure, ...]) -> tuple[Value, list[Value]]:
    """The sum of several figures of one report (known only when every part is), and the parts to show."""
    parts = [value_of(report, f) for f in figures]
    if not all(p.known for p in parts):
        return Value(report, None, note="有一项未披露"), parts
    units = {p.unit for p in parts}  # 59篇 + 235条: no one written unit, the measure's own
    return Value(report, sum(p.value for p in parts), [c for p in parts for c in p.citations],
                 unit=units.pop() if len(units) == 1 else ""), parts


def _shown_sum(total: Value, parts: list[Value], figures: tuple[Figure, ...], sources: Sources) -> str:
    shown_parts = " + ".join(f"{label(f)}{shown(p, f, sources)}" for p, f in zip(parts, figures, strict=True))
    summed = f" = {number(total.value, total.unit or unit(figures[0]))}" if total.known else ""
    return f"（{shown_parts}{summed}）"


def average(plan: Plan, reports: list[Report], question: str) -> Answer:
    figure = plan.figures[0] if plan.figures else None
    selected = in_scope(plan, reports)
    if figure is None or not selected:
        return _none(plan, question, "所问单位和年份", reports)
    s = Sources()
    values = [value_of(r, figure) for r in selected]
    known = [v for v in values if v.known]
    if not known:
        return Answer(question, f"报告未披露{label(figure)}。", "unknown")
    # the known figures first: the ones averaged are the ones written out (and cited) before the paging cuts
    parts = paged(sorted(values, key=lambda v: not v.known), lambda v: f"{body_year(v.report)}{shown(v, figure, s)}",
                  "；", in_rows=len(known) == len(values))
    if plan.per == "month":
        if len(known) != 1:
            return Answer(question, "按月平均需要一个单位一年的数字，请说明单位和年份。", "unknown")
        avg = round(known[0].value / MONTHS, 1)
        text = (f"{parts}，报告只给出全年合计；按十二个月平均：{fmt_number(known[0].value)} ÷ 十二 ≈ 每月"
                f"{fmt_number(avg)}{unit(figure)}（计算值，报告未按月披露）。")
        return Answer(question, text, "value", value=avg, items=[known[0].report.short_name], citations=s.citations)
    avg = round(sum(v.value for v in known) / len(known), 2)
    left_out = [v.report.short_name for v in values if not v.known]
    note = f"（{paged(left_out, str, '、', in_rows=False)}未披露，未计入）" if left_out else ""
    per = "每年" if plan.per == "year" else "每个单位"
    text = f"{parts}。{per}平均{fmt_number(avg)}{unit(figure)}（{len(known)}份报告）{note}。"
    return Answer(question, text, "value", value=avg, citations=s.citations, rows=[row(v, figure) for v in known])


def difference(plan: Plan, reports: list[Report], question: str) -> Answer:
    selected = in_scope(plan, _with_charts(plan, reports))
    s = Sources()
    if len(plan.figures) == 2 and len(selected) == 1:
        r = selected[0]
        a, b = value_of(r, plan.figures[0]), value_of(r, plan.figures[1])
        pair = (f"{body_year(r)}{label(plan.figures[0])}{shown(a, plan.figures[0], s)}，"
                f"{label(plan.figures[1])}{shown(b, plan.figures[1], s)}")
    elif len(plan.figures) == 1 and len(selected) == 2:
        first, second = _in_plan_order(plan, selected)
        a, b = value_of(first, plan.figures[0]), value_of(second, plan.figures[0])
        pair = f"{label(plan.figures[0])}：{body_year(first)}{shown(a, plan.figures[0], s)}，{body_year(second)}" \
               f"{shown(b, plan.figures[0], s)}"
    else:
        return Answer(question, "请说明要比较的两个数字（同一份报告），或两个单位、两个年份的同一个数字。", "unknown")
    if not (a.known and b.known):
        return Answer(question, pair + "；有一项未披露，无法相减。", "unknown", citations=s.citations)
    diff = a.value - b.value
    word = "多" if diff >= 0 else "少"
    parts = [row(a, plan.figures[0]), row(b, plan.figures[-1])]
    years = "（两份报告年份不同）" if a.report.year != b.report.year and a.report is not b.report else ""
    return Answer(question, f"{pair}；前者比后者{word}{fmt_number(abs(diff))}{years}。", "value", value=abs(diff),
                  citations=s.citations, rows=parts)


def _in_plan_order(plan: Plan, selected: list[Report]) -> list[Report]:
    if len(plan.scope.bodies) == 2:
        return sorted(selected, key=lambda r: plan.scope.bodies.index(r.short_name))
    years = list(plan.scope.years.values)
    return sorted(selected, key=lambda r: years.index(r.year) if r.year in years else 0)


def ratio(plan: Plan, reports: list[Report], question: str) -> Answer:
    """figures[0] ÷ figures[1] of one report, or one figure of two bodies or years (“是…的几倍”)."""
    selected = in_scope(plan, _with_charts(plan, reports))
    s = Sources()
    if len(plan.figures) == 2 and len(selected) == 1:
        a, b = value_of(selected[0], plan.figures[0]), value_of(selected[0], plan.figures[1])
        fa, fb = plan.figures
    elif len(plan.figures) == 1 and len(selected) == 2:
        first, second = _in_plan_order(plan, selected)
        a, b = value_of(first, plan.figures[0]), value_of(second, plan.figures[0])
        fa = fb = plan.figures[0]
    else:
        return Answer(question, "请说明要相除的两个数字（同一份报告），或两个单位的同一个数字。", "unknown")
    pair = f"{body_year(a.report)}{label(fa)}{shown(a, fa, s)}，{body_year(b.report)}{label(fb)}{shown(b, fb, s)}"
    if not (a.known and b.known) or not b.value:
        return Answer(question, pair + "；无法计算倍数。", "unknown", citations=s.citations)
    times = round(a.value / b.value, 1)
    text = f"{pair}；{fmt_number(a.value)} ÷ {fmt_number(b.value)} ≈ {fmt_number(times)}倍。"
    return Answer(question, text, "value", value=times, citations=s.citations, rows=[row(a, fa), row(b, fb)])


def noun_values(plan: Plan, reports: list[Report], question: str) -> Answer:
    """A thing only prose counts (政策解读, 工作动态), for the bodies asked, or which of them has most or least."""
    figure = plan.figures[0]
    selected = in_scope(plan, reports)
    if not selected:
        return _none(plan, question, "所问单位和年份", reports)
    s = Sources()
    values = [value_of(r, figure) for r in selected]
    known = [v for v in values if v.known]
    if not known:
        names = paged([body_year(v.report) for v in values], str, "、", in_rows=False)
        return Answer(question, f"{names}报告未披露“{label(figure)}”的数量。", "unknown")
    picks = plan.op in ("max", "min") and len(values) > 1
    pick = (max if plan.op == "max" else min)(known, key=lambda v: v.value) if picks else None
    # the pick is written out and cited first, whether or not the paged list below reaches it
    most = "最多" if plan.op == "max" else "最少"
    lead = f"{body_year(pick.report)}{most}（{shown(pick, figure, s)}）。" if pick else ""
    listed = paged(values, lambda v: f"{body_year(v.report)}{label(figure)}{shown(v, figure, s)}", "；",
                   in_rows=len(known) == len(values))
    if pick is not None:
        return Answer(question, f"{lead}{listed}。", "list",
                      items=[pick.report.short_name], citations=s.citations, rows=[row(v, figure) for v in known])
    if len(values) == 1:
        v = values[0]
        return Answer(question, f"{listed}。", "value", value=v.value, items=[v.report.short_name],
                      citations=s.citations)
    return Answer(question, f"{listed}。", "list", items=[v.report.short_name for v in known], citations=s.citations,
                  rows=[row(v, figure) for v in known])


def noun_sum(plan: Plan, reports: list[Report], question: str) -> Answer:
    """“政策文件和政策解读加起来”: several figures of each report asked, one of them a noun only prose counts; a
    total only when every part is stated."""
    selected = in_scope(plan, reports)
    if not selected:
        return _none(plan, question, "所问单位和年份", reports)
    s = Sources()
    values = [(value_of(r, f), f) for r in selected for f in plan.figures]
    listed = paged(values, lambda vf: f"{body_year(vf[0].report)}{label(vf[1])}{shown(*vf, s)}", "；", in_rows=False)
    if not all(v.known for v, _ in values):
        return Answer(question, f"{listed}；有一项未披露，不能相加。", "unknown", citations=s.citations)
    total = sum(v.value for v, _ in values)
    terms = " + ".join(fmt_number(v.value) for v, _ in values)
    units = {v.unit or unit(f) for v, f in values}
    shared = units.pop() if len(units) == 1 else ""  # 条 and 篇 summed: no one unit to name
    return Answer(question, f"{listed}；合计{number(total, shared)}（{terms}）。", "value", value=total,
                  citations=s.citations, rows=[row(v, f) for v, f in values])


def share(plan: Plan, reports: list[Report], question: str) -> Answer:
    selected = in_scope(plan, reports)
    if len(selected) != 1 or not plan.figures or plan.base is None:
        return Answer(question, "占比需要一个单位一年的两个数字：部分和总数。", "unknown")
    r, s = selected[0], Sources()
    parts = [(f, value_of(r, f)) for f in plan.figures]
    whole = value_of(r, plan.base)
    listed = "，".join(f"{label(f)}{shown(v, f, s)}" for f, v in parts)
    text = f"{body_year(r)}{listed}，{label(plan.base)}{shown(whole, plan.base, s)}"
    if not (all(v.known for _, v in parts) and whole.known) or not whole.value:
        return Answer(question, text + "；无法计算占比。", "unknown", citations=s.citations)
    total = sum(v.value for _, v in parts)
    backwards = any(_contains(f, plan.base) for f in plan.figures)  # “公众号占主动公开” read as 主动公开 of 公众号
    if backwards or (all(_contains(plan.base, f) for f in plan.figures) and total > whole.value):
        return Answer(question, text + f"；{label(plan.figures[0])}不是{label(plan.base)}的一部分，无法按“占比”计算。"
                      "请确认哪个是部分、哪个是总数。", "clarify", citations=s.citations)
    pct = round(total / whole.value * 100, 1)
    over = " + ".join(fmt_number(v.value) for _, v in parts)
    calc = f"{over if len(parts) == 1 else f'({over})'} ÷ {fmt_number(whole.value)} = {fmt_number(pct)}%"
    return Answer(question, f"{text}；占{calc}。", "value", value=pct, citations=s.citations,
                  rows=[*(row(v, f) for f, v in parts), row(whole, plan.base)])


def _contains(whole: Figure | None, part: Figure) -> bool:
    """`part` is one of the figures `whole` totals (主动公开 holds a channel, 不予公开 holds 国家秘密)."""
    prefix = lx.NARROWER.get((whole.measure or "") if whole else "")
    return bool(prefix) and part.measure is not None and part.measure != whole.measure and (
        part.measure.startswith(prefix))


def which_part(plan: Plan, reports: list[Report], question: str) -> Answer:
    selected = in_scope(plan, reports)
    if len(selected) != 1:
        return Answer(question, "请说明是哪个单位、哪一年的报告。", "unknown")
    r, s = selected[0], Sources()
    parts = list(plan.figures) or _parts(r, plan.part or "channel")
    values = [(f, value_of(r, f)) for f in parts]
    known = [(f, v) for f, v in values if v.known]
    if not known:
        return Answer(question, f"{body_year(r)}报告未按{'渠道' if plan.part == 'channel' else '类别'}披露数量。",
                      "unknown")
    pick = (min if plan.order == "asc" else max)(known, key=lambda fv: fv[1].value)
    ties = [f for f, v in known if v.value == pick[1].value]
    listed = "；".join(f"{label(f)}{shown(v, f, s)}" for f, v in sorted(known, key=lambda fv: -fv[1].value))
    most = "最少" if plan.order == "asc" else "最多"
    winner = "、".join(label(f) for f in ties)
    unknown_parts = [label(f) for f, v in values if not v.known]
    note = f"（{join_names(unknown_parts)}未披露）" if unknown_parts and plan.figures else ""
    return Answer(question, f"{body_year(r)}{most}的是{winner}。{listed}{note}。", "list", items=[winner],
                  citations=s.citations)


def _parts(report: Report, part: str) -> list[Figure]:
    """The parts a report states: its channel facts, its enumerated items, or its request-handling rows."""
    if part == "channel":
        return [Figure(m.key) for m in MEASURES if m.key.startswith("fact.channel")]
    if part == "category":
        return [Figure(noun=k[len(ITEM_PREFIX):]) for k in report.facts if k.startswith(ITEM_PREFIX)]
    return [Figure(k) for k in ("requests.granted.total", "requests.partial.total", "requests.denied.total",
                                "requests.unable.total", "requests.rejected.total", "requests.other.total")]


def rank_position(plan: Plan, reports: list[Report], question: str) -> Answer:
    figure = plan.figures[0] if plan.figures else None
    selected = in_scope(plan, reports)
    if figure is None or plan.reference not in {r.short_name for r in selected} | set(plan.scope.bodies):
        selected = in_scope(Plan(plan.op, plan.scope.__class__(levels=plan.scope.levels, years=plan.scope.years)),
                            reports)
    values = [value_of(r, figure) for r in selected] if figure else []
    mine = next((v for v in values if v.report.short_name == plan.reference), None)
    if figure is None or mine is None:
        return _none(plan, question, f"{plan.reference or '所问单位'}")
    s = Sources()
    if not mine.known:
        return Answer(question, f"{body_year(mine.report)}{label(figure)}报告未披露，无法排名。", "unknown")
    known = sorted((v for v in values if v.known), key=lambda v: v.value, reverse=plan.order != "asc")
    position = 1 + sum(1 for v in known if (v.value > mine.value if plan.order != "asc" else v.value < mine.value))
    left_out = [v.report.short_name for v in values if not v.known]
    note = f"（{paged(left_out, str, '、', in_rows=False)}未披露，未参与排名）" if left_out else ""
    order = "从多到少" if plan.order != "asc" else "从少到多"
    text = (f"{body_year(mine.report)}{label(figure)}{shown(mine, figure, s)}，在{len(known)}个有数字的单位中{order}"
            f"排第{position}{note}。")
    # the position rests on every number it was ranked against: each in the rows, the first ones shown and cited
    ranked = paged(known, lambda v: f"{body_year(v.report)}{shown(v, figure, s)}", "、")
    text += f"参与排名：{ranked}。"
    return Answer(question, text, "value", value=position, items=[mine.report.short_name], citations=s.citations,
                  rows=[row(v, figure) for v in known])


def every(plan: Plan, reports: list[Report], question: str) -> Answer:
    figure = plan.figures[0] if plan.figures else None
    selected = in_scope(plan, reports)
    if figure is None or not selected or plan.condition is None:
        return _none(plan, question, "所问范围")
    s = Sources()
    values = [value_of(r, figure) for r in selected]
    failing = [v for v in values if v.known and not _holds(plan, v.value)]
    unknowns = [v for v in values if not v.known]
    if failing:
        names = paged(failing, lambda v: f"{body_year(v.report)}（{shown(v, figure, s)}）", "、", in_rows=False)
        return Answer(question, f"否。{names}不符合。", "yesno", value=False, citations=s.citations)
    if unknowns:
        names = paged([body_year(v.report) for v in unknowns], str, "、", in_rows=False)
        return Answer(question, f"无法确定：{names}的{label(figure)}报告未披露；其余单位均符合。", "unknown",
                      citations=s.citations)
    listed = paged(values, lambda v: f"{body_year(v.report)}{label(figure)}{shown(v, figure, s)}", "；",
                   in_rows=False)
    return Answer(question, f"是。{listed}。", "yesno", value=True, citations=s.citations)


def _noun_yesno(plan: Plan, reports: list[Report], question: str) -> Answer:
    """“米山镇有没有组织培训”: a count the report states answers it; else the sentences that mention it."""
    selected = in_scope(plan, reports)
    if len(selected) == 1:
        v = value_of(selected[0], plan.figures[0])
        if v.known:
            s = Sources()
            yes = _holds(plan, v.value) if plan.condition else v.value > 0
            said = shown(v, plan.figures[0], s)
            text = f"{'是' if yes else '否'}。{body_year(selected[0])}{label(plan.figures[0])}{said}。"
            return Answer(question, text, "yesno", value=yes, citations=s.citations)
    if plan.figures[0].noun in lx.TYPED_NOUNS:  # a thing reports count: a mention without a count is no evidence
        return Answer(question, f"报告未披露{label(plan.figures[0])}的数量，无法判断。", "unknown")
    return mentions(plan, reports, question)


def any_of(plan: Plan, reports: list[Report], question: str) -> Answer:
    """“收到过人大代表建议或者政协委员提案没有”: yes when any of the figures holds; no only when every one is stated
    and none holds; else unknown."""
    selected = in_scope(plan, reports)
    if len(selected) != 1:
        return _none(plan, question, "所问单位", reports)
    r, s = selected[0], Sources()
    values = [(f, value_of(r, f)) for f in plan.figures]
    listed = "；".join(f"{label(f)}{shown(v, f, s)}" for f, v in values)
    held = [v.known and (_holds(plan, v.value) if plan.condition else v.value > 0) for _, v in values]
    if any(held):
        return Answer(question, f"是。{body_year(r)}{listed}。", "yesno", value=True, citations=s.citations)
    if all(v.known for _, v in values):
        return Answer(question, f"否。{body_year(r)}{listed}。", "yesno", value=False, citations=s.citations)
    return Answer(question, f"{body_year(r)}{listed}；有一项未披露，无法判断。", "unknown", citations=s.citations)


def _holds(plan: Plan, value: float) -> bool:
    return plan.condition.holds(value)


def list_against(plan: Plan, reports: list[Report], question: str) -> Answer:
    """“哪个乡镇主动公开的信息比侯家镇多”: the bodies whose figure beats the reference body's."""
    figure = plan.figures[0] if plan.figures else None
    selected = in_scope(plan, reports)
    ref = next((r for r in in_scope(replace_scope(plan, bodies=(plan.reference,)), reports)), None)
    if figure is None or ref is None:
        return _none(plan, question, plan.reference or "所比单位")
    s = Sources()
    base = value_of(ref, figure)
    if not base.known:
        return Answer(question, f"{body_year(ref)}{label(figure)}报告未披露，无法比较。", "unknown")
    more = plan.condition is None or plan.condition.op in (">", ">=")
    others = [value_of(r, figure) for r in selected if r.short_name != plan.reference]
    hits = [v for v in others if v.known and (v.value > base.value if more else v.value < base.value)]
    word = "多" if more else "少"
    head = f"{body_year(ref)}{label(figure)}{shown(base, figure, s)}。"
    if not hits:
        checked = paged([v for v in others if v.known], lambda v: f"{body_year(v.report)}（{shown(v, figure, s)}）",
                        "、", in_rows=False)
        return Answer(question, f"{head}没有比它{word}的单位。已核对：{checked or '无其他单位的数字'}。", "list",
                      citations=s.citations)
    listed = paged(hits, lambda v: f"{body_year(v.report)}（{shown(v, figure, s)}）", "、")
    return Answer(question, f"{head}比它{word}的有：{listed}。", "list", items=[v.report.short_name for v in hits],
                  citations=s.citations, rows=[row(v, figure) for v in hits])


def replace_scope(plan: Plan, **slots) -> Plan:
    from dataclasses import replace

    return replace(plan, scope=replace(plan.scope, **slots))


def mentions(plan: Plan, reports: list[Report], question: str) -> Answer:
    """Prose yes/no and reverse lookups: which reports state the thing asked (“组织培训”, “政府开放日”, “未收取信息
    处理费”). A sentence stating its opposite (未收取 for 收取) answers a yes/no with 否; silence answers nothing."""
    phrase = plan.phrase or (plan.figures[0].noun if plan.figures else "") or ""
    term, claim = key_term(phrase), claim_of(phrase)
    what = claim.words or term
    if not what:
        return Answer(question, "请说明要查找的做法或事项。", "unknown")
    selected = in_scope(plan, reports)
    s = Sources()
    found = [(r, hit) for r in selected if (hit := _stated(r, term, claim)) is not None]
    if plan.op == "yesno":
        if not selected:
            return _none(plan, question, "所问单位")
        if not found:
            text = f"{body_year(selected[0])}报告中没有提到“{what}”（没有找到，不等于没有做）。"
            return Answer(question, text, "unknown")
        r, (section, sent, same) = found[0]
        mark = s.mark([passage_citation(r, section, sent)])
        said = "是。" if same else "否（报告写的是相反的情况）。"
        return Answer(question, f"{said}{body_year(r)}报告写道：{sent}{mark}", "yesno", value=same,
                      citations=s.citations)
    found = [(r, hit) for r, hit in found if hit[2]]  # a body that says it did not is not one that did
    if not found:
        return Answer(question, f"已查找{len(selected)}份报告，没有报告提到“{what}”。", "unknown")
    listed = paged(found, lambda f: f"{body_year(f[0])}：{f[1][1]}{s.mark([passage_citation(f[0], *f[1][:2])])}", "；")
    return Answer(question, f"提到“{what}”的有{len(found)}份报告。{listed}", "list",
                  items=[r.short_name for r, _ in found], citations=s.citations,
                  rows=[text_row(r, sent) for r, (_, sent, _) in found])


def _stated(report: Report, term: str, claim: Claim) -> tuple[str, str, bool] | None:
    """(section, sentence, same polarity) of the report's sentence that best states the claim: most of its words
    (or its key term as written), a sentence saying it as asked before one saying the opposite."""
    best: tuple[tuple[bool, float], str, str] | None = None
    for key, text in report.sections.items():
        for sent in prose_sentences(text):  # split at line ends too: a heading line is not its answer's sentence
            found = support(claim, sent)
            # the key term as written also states it (a lone 有/在 left by trimming is no term)
            if found is None and len(term) >= 2 and term in fold(sent):
                found = Support(1.0, True)
            if found is not None and (best is None or (found.same_polarity, found.share) > best[0]):
                best = ((found.same_polarity, found.share), key, sent)
    return None if best is None else (best[1], best[2], best[0][0])


def key_term(phrase: str) -> str:
    """The thing a phrase is about, without its verb and trailing words: 开展了政府开放日活动 → 政府开放日."""
    text = fold(phrase)
    text = re_sub(lx.DONE_VERB, "", re_sub(lx.QUOTE_MARKS, "", text))
    text = re_sub(lx.AFTER_THING, "", text) or text  # 微信公众号发布政务信息 → 微信公众号
    text = re_sub(lx.THING_TAIL, "", text)
    text = re_sub(lx.CLASSIFIER_HEAD, "", text)  # 多少万张明白纸: the classifier is the question's
    return text.strip()


def re_sub(pattern: str, repl: str, text: str) -> str:
    import re

    return re.sub(pattern, repl, text)


EXECUTORS: dict[str, Executor] = {
    "clarify": ask_back,
    "growth": growth,
    "difference": difference,
    "share": share,
    "which_part": which_part,
    "rank_position": rank_position,
    "all": every,
    "which_body": mentions,
    "ratio": ratio,
}


def tentative(plan: Plan) -> bool:
    """Plans answered here only when the typed facts answer them: a value of a noun only prose counts, which the
    Query path can still find in a sentence when no fact holds it."""
    noun = bool(plan.figures) and plan.figures[0].noun is not None
    return noun and plan.op in ("value", "max", "min", "yesno")


def executes(plan: Plan) -> bool:
    """Plans answered here; the rest still go down the Query path (answering.assistant). A question whose figure
    the plan reader could not name is left to that path too, which reads figures stated only in prose."""
    if plan.op == "clarify":
        return plan.unclear in ("scope", "reading")
    if plan.op == "average":
        return plan.per in ("month", "year")
    if plan.op == "list" and plan.reference:
        return True
    noun = bool(plan.figures) and plan.figures[0].noun is not None
    if plan.op == "yesno" and ((noun and (plan.condition is None or not plan.condition.value)) or plan.phrase):
        return True
    if plan.op == "yesno" and len(plan.figures) >= 2 and all(f.measure for f in plan.figures):
        return True  # “A或者B有没有”: any of them
    if plan.op in ("value", "max", "min") and noun and len(plan.figures) == 1:
        return True
    if plan.op == "sum" and any(f.noun is not None for f in plan.figures) and len(plan.figures) >= 2:
        return True
    return plan.op in EXECUTORS


def execute(plan: Plan, reports: list[Report], question: str) -> Answer:
    if plan.op == "average":
        executor: Executor = average
    elif plan.op == "list" and plan.reference:
        executor = list_against
    elif plan.op == "yesno":
        several = len(plan.figures) >= 2 and all(f.measure for f in plan.figures)
        executor = mentions if plan.phrase and not plan.figures else any_of if several else _noun_yesno
    elif plan.op in ("value", "max", "min"):
        executor = noun_values
    elif plan.op == "sum" and any(f.noun is not None for f in plan.figures):
        executor = noun_sum
    else:
        executor = EXECUTORS[plan.op]
    answer = executor(plan, reports, question)
    answer.plan = plan
    return answer


__all__ = ["execute", "executes", "fact_label"]
