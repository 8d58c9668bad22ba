"""Questions about the reports themselves rather than their figures: which reports the corpus holds (list/count),
where a body sits (属于哪个县 / 属于…吗), and when a report was signed (落款日期). Each answer cites report text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from answering import lexicon as lx
from answering.compose import Sources, body_year, paged, passage_citation, text_row, unknown
from answering.models import Answer, Query
from answering.structured import scope_text, select
from indexing.models import Report
from indexing.normalize import fold
from indexing.schema import PREFACE

# “哪些报告…”, “有几份年报” — not “在报告中提到…”, where the report is only where something is said.
_INVENTORY = re.compile(
    r"(几份|多少份|哪些|几个|多少个|有哪|哪几).{0,12}(报告|年报)(?![中里内上])|(报告|年报).{0,6}(几份|多少份|哪些)"
)
_PUBLISHED_REPORT = re.compile(r"(?:发布|公布|出具|编制|提交)了?.{0,4}(?:年度报告|年报)")
_MEMBER_WHICH = re.compile(r"(?:属于|隶属|位于|在)哪(?:个|一个)?(省|市|区|县|地区|地方)|是哪(?:个)?(省|市|区|县)的")
_MEMBERS = re.compile(lx.MEMBERS_ASKED)
_WHICH_YEAR = re.compile(lx.REPORT_YEAR_ASKED)
_SIGNED = re.compile(r"落款|签发|成文日期|成文时间|发布日期|签署|哪天|哪一天|什么时候(?:发布|印发|签)")


def answer_about(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """An answer when the question is about the reports themselves; None when it is not."""
    text = query.folded or fold(query.text)
    if query.measure is not None and query.operation not in (None, "text", "list", "count"):
        return None
    if query.unknown_bodies and not query.bodies:
        return None  # the abstain paths say what was not found
    if query.bodies and _MEMBER_WHICH.search(text):
        return _which_region(query, reports, _MEMBER_WHICH.search(text))
    if query.bodies and query.regions and re.search(r"属于|隶属|位于", text):
        return _in_region(query, reports)
    if not query.bodies and _SIGNED.search(text) and (_INVENTORY.search(text) or re.search(lx.WHICH_BODY_ASKED, text)):
        return _which_signed(query, reports, filters, text)  # “哪些乡镇的年报没有写落款日期”
    if query.regions and not query.bodies and query.measure is None and _MEMBERS.search(text):
        return _inventory(query, reports, filters, text)  # “哪些镇属于文登区”: the bodies whose reports name it
    if query.bodies and _SIGNED.search(text):
        return _signed(query, reports, filters)
    if query.bodies and _WHICH_YEAR.search(text) and not query.years:
        return _report_years(query, reports, filters)
    if (query.measure is None and query.topic is None and _INVENTORY.search(text)) or (
            _PUBLISHED_REPORT.search(text) and re.search(r"几|多少|哪些|哪几", text)):
        return _inventory(query, reports, filters, text)
    return None


def _condition_left(query: Query, text: str) -> str:
    """What the question asks besides its scope (bodies, regions, levels, years) and the words of an inventory:
    empty for “语料中有几份2021年的年度报告”, “没写落款日期” for “哪些乡镇的年报没有写落款日期”."""
    rest = text
    for name in sorted({*query.bodies, *query.regions, *query.levels}, key=len, reverse=True):
        rest = rest.replace(fold(name), " ")
        if len(name) > 2:
            rest = rest.replace(fold(name[:-1]), " ")  # 文登 for 文登区
    return "".join(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", re.sub(lx.INVENTORY_WORDS, " ", rest)))


def _reports_of(query: Query, reports: list[Report], filters=None) -> list[Report]:
    return select(reports, query, filters)


def _sentence_with(report: Report, *needles: str) -> str | None:
    """The first sentence of the report text holding every needle (folded match, original characters back)."""
    for sentence in re.split(r"(?<=[。！？])|\n+", report.text):
        f = fold(sentence)
        if sentence.strip() and all(fold(n) in f for n in needles):
            return sentence.strip()
    return None


def _which_region(query: Query, reports: list[Report], m: re.Match) -> Answer:
    level = m.group(1) or m.group(2) or ""
    s = Sources()
    parts = []
    for r in _latest_per_body(_reports_of(query, reports)):
        fitting = [x for x in r.region if level in ("地区", "地方", "") or x.endswith(level)]
        if not fitting:
            continue
        region = fitting[-1]
        sentence = _sentence_with(r, region, r.short_name) or _sentence_with(r, region)
        mark = s.mark([passage_citation(r, PREFACE, sentence)]) if sentence else ""
        chain = "".join(r.region[: r.region.index(region) + 1])
        parts.append(f"{r.short_name}属于{chain}{mark}")
    if not parts:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}所属{level or '地区'}的表述。", query)
    items = list(dict.fromkeys(query.bodies))
    return Answer(query.text, "；".join(parts) + "。", "text", items=items, citations=s.citations, query=query)


def _in_region(query: Query, reports: list[Report]) -> Answer:
    s = Sources()
    verdicts = []
    for r in _latest_per_body(_reports_of(replace(query, regions=[]), reports)):
        inside = all(region in r.region for region in query.regions)
        sentence = _sentence_with(r, *(query.regions[:1]), r.short_name) or _sentence_with(r, r.short_name)
        mark = s.mark([passage_citation(r, PREFACE, sentence)]) if sentence else ""
        where = "".join(r.region) or "（报告未写明所属地区）"
        verdicts.append((inside, f"{r.short_name}属于{where}{mark}"))
    if not verdicts:
        return unknown(query.text, f"语料中没有找到{'、'.join(query.bodies)}的报告。", query)
    yes = all(v for v, _ in verdicts)
    text = f"{'是' if yes else '否'}。" + "；".join(t for _, t in verdicts) + "。"
    return Answer(query.text, text, "yesno", value=yes, items=list(query.bodies), citations=s.citations, query=query)


def _signed(query: Query, reports: list[Report], filters) -> Answer:
    s = Sources()
    parts = []
    for r in _reports_of(query, reports, filters):
        date = _signature_date(r)
        if date is None:
            parts.append(f"{body_year(r)}报告没有落款日期")
            continue
        line = _signature_lines(r, date)
        parts.append(f"{body_year(r)}报告的落款日期是{date}{s.mark([passage_citation(r, 'other', line)])}")
    if not s.citations:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}报告的落款日期（报告末尾没有署名日期）。", query)
    return Answer(query.text, "；".join(parts) + "。", "text", items=list(query.bodies), citations=s.citations,
                  query=query)


def _which_signed(query: Query, reports: list[Report], filters, text: str) -> Answer:
    """Which reports end with a dated signature — or, asked with 没有/缺少, which do not: the parser's signing date
    (Report.signed_date) read for every report in scope, each cited (a dated one to its signature, one without to
    its title: the report checked)."""
    selected = _reports_of(query, reports, filters)
    if not selected:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}的报告。", query)
    missing_asked = bool(re.search(lx.MISSING_WORDS, _condition_left(query, text)))
    s = Sources()
    dated = [(r, d) for r in selected if (d := _signature_date(r)) is not None]
    undated = [r for r in selected if _signature_date(r) is None]
    with_date = paged(dated, lambda rd: f"{body_year(rd[0])}（{rd[1]}"
                      f"{s.mark([passage_citation(rd[0], 'other', _signature_lines(*rd))])}）", "、")
    without = paged(undated, lambda r: f"{body_year(r)}{s.mark(_naming_citations(r))}", "、")
    said_with = f"写有落款日期的：{with_date}。" if dated else "没有一份报告写有落款日期。"
    said_without = f"没有落款日期（报告末尾没有署名日期）的：{without}。" if undated else "每份报告都写有落款日期。"
    asked = undated if missing_asked else [r for r, _ in dated]
    text_out = said_without + said_with if missing_asked else said_with + said_without
    return Answer(query.text, text_out, "list",
                  items=list(dict.fromkeys(r.short_name for r in asked)), citations=s.citations, query=query,
                  rows=[text_row(r, d) for r, d in dated] + [text_row(r, "没有落款日期") for r in undated])


def _report_years(query: Query, reports: list[Report], filters) -> Answer:
    """Which year each named body's report covers, cited by the title (or the sentence naming the body)."""
    selected = _reports_of(query, reports, filters)
    if not selected:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}的报告。", query)
    s = Sources()
    parts = [f"{r.short_name}的报告是{r.year}年度的{s.mark(_naming_citations(r))}" for r in selected]
    years = sorted({r.year for r in selected if r.year})
    value = years[0] if len(years) == 1 else None
    return Answer(query.text, "；".join(parts) + "。", "value" if value else "text", value=value,
                  items=list(dict.fromkeys(r.short_name for r in selected)), citations=s.citations, query=query)


def _signature_date(r: Report) -> str | None:
    """The signing date the parser found, as printed; a date elsewhere in the text is not a signature."""
    if not r.signed_date:
        return None
    y, mo, d = (int(x) for x in r.signed_date.split("-")[:3])
    written = f"{y}年{mo}月{d}日"
    return written if written in r.text else None


def _signature_lines(r: Report, date: str) -> str:
    """The signature as printed: the body's name line above the date, and the date."""
    lines = [x.strip() for x in r.text.splitlines()]
    idx = max(i for i, x in enumerate(lines) if date in x)
    above = next((lines[j] for j in range(idx - 1, max(idx - 4, -1), -1) if lines[j]), "")
    return f"{above} {lines[idx]}".strip() if above and len(above) < 40 else lines[idx]


def _latest_per_body(reports: list[Report]) -> list[Report]:
    latest: dict[str, Report] = {}
    for r in sorted(reports, key=lambda r: r.year or 0):
        latest[r.agency] = r
    return list(latest.values())


def _naming_citations(r: Report) -> list:
    """The title; and when it does not name the body (侯家镇's does not), the first sentence that does."""
    cites = [passage_citation(r, PREFACE, r.title)]
    if r.agency not in r.title and r.short_name not in r.title:
        naming = _sentence_with(r, r.agency)
        if naming:
            cites.append(passage_citation(r, PREFACE, naming))
    return cites


def _inventory(query: Query, reports: list[Report], filters, text: str) -> Answer | None:
    """The reports in scope, listed or counted; None when the question asks more of them than its scope (“哪些乡镇的
    报告写得最认真”): the list of every report would not meet that condition — the paths after this evaluate it, or
    say what they could not find."""
    if _condition_left(query, text):
        return None
    selected = _reports_of(query, reports, filters)
    if not selected:
        return unknown(query.text, f"语料中没有找到{scope_text(query)}的报告。", query)
    s = Sources()
    listed = paged(selected, lambda r: f"{body_year(r)}{s.mark(_naming_citations(r))}", "、")
    counting = re.search(r"几份|多少份|几个|多少个|几家", text)
    by_body = re.search(r"几个|多少个|几家", text) and not re.search(r"几份|多少份", text)
    items = list(dict.fromkeys(r.short_name for r in selected))
    rows = [{"body": r.short_name, "year": r.year, "value": None} for r in selected]
    if counting:
        n = len(items) if by_body else len(selected)
        unit = "个机关" if by_body else "份报告"
        return Answer(query.text, f"共{n}{unit}：{listed}。", "count", value=n, items=items, citations=s.citations,
                      rows=rows, query=query)
    scope = scope_text(query) if query.years or query.bodies or query.regions or query.levels else "语料中"
    return Answer(query.text, f"{scope}的报告有：{listed}。", "list", items=items, citations=s.citations,
                  rows=rows, query=query)
