"""A number stated in one report's prose for a thing the schema has no key for (政策解读5条, 9个社区服务点).

The question's own nouns are looked up in the report's sentences; a number right beside the noun (in the same
clause) is the answer, cited to its sentence. Nothing found → None (the caller goes on to other paths).
"""

from __future__ import annotations

import re

from answering.compose import Sources, body_year, passage_citation, unknown
from answering.models import Answer, Query
from answering.structured import Figure, answer_figures, select
from answering.understand import fold
from answering.vocabulary import MEASURE_BY_KEY, Measure
from indexing.models import Report

# Words that carry the question, not the thing counted.
_NOISE = re.compile(
    r"多少|几|是|有|的|了|在|年度?|公开|发布|推送|通过|共|一共|总共|数量|数|情况|哪些|什么|报告|中|上|里|其中|"
    r"最多|最少|最高|最低|更多|更少|哪个|哪家|谁|各|乡镇|街道|"
    r"[条篇件个次项家张]|[?？。，,!！“”\"'‘’《》()（）、\s]|□"
)
_GENERIC = {"信息", "政府", "政府信息", "政务", "工作", "政务信息", "消息", "内容", "全年", "本年", "设置"}
_UNIT = r"(?:条|篇|件|个|次|项|家|张|万张|车次|余车次|场|期|人次|名|万元|元)"
_CLAUSE_GAP = r"[^，。；;,、\d]{0,12}?"


def _measure_cues(query: Query) -> tuple[str, ...]:
    measure = MEASURE_BY_KEY.get(query.measure or "")
    return tuple(sorted(measure.cues, key=len, reverse=True)) if measure else ()


def names_a_thing_beyond(query: Query) -> bool:
    """No figure key was recognised, or the generic proactive total plus nouns of its own
    (“主动公开的信息里政策解读有几条”: 政策解读 is a part of the total, stated beside its number in prose)."""
    if query.measure is None:
        return True
    return query.measure == "fact.proactive_total" and bool(_terms(query))


def _blank(text: str, words: tuple[str, ...]) -> str:
    """Every occurrence of every word blanked, overlaps included (“主动公开政府信息” holds two cues)."""
    covered = [False] * len(text)
    for w in words:
        for m in re.finditer(re.escape(w), text):
            covered[m.start():m.end()] = [True] * len(w)
    return "".join("□" if c else ch for ch, c in zip(text, covered, strict=True))


def _terms(query: Query) -> list[str]:
    return list(_terms_with_left(query))


def _terms_with_left(query: Query) -> dict[str, str]:
    """Question nouns, longest first → the word the question puts right before each (“政策|解读” → 解读: 政策)."""
    text = _blank(query.folded or fold(query.text), (*query.bodies, *query.regions, *_measure_cues(query)))
    text = re.sub(r"(?:19|20)\d\d年?", "□", text)
    runs = [r for r in _NOISE.split(text) if len(r) >= 2]
    terms: dict[str, str] = {}
    for run in runs:  # whole words only: spans of jieba tokens, never “务信息” cut out of “政务信息”
        tokens = words(run)
        for i in range(len(tokens)):
            for j in range(i + 1, len(tokens) + 1):
                term = "".join(tokens[i:j])
                if len(term) >= 2 and term not in _GENERIC:
                    terms.setdefault(term, tokens[i - 1] if i else "")
    return dict(sorted(terms.items(), key=lambda kv: -len(kv[0])))


def words(run: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(run)


def _sentences(report: Report) -> list[tuple[str, str]]:
    out = []
    for key, text in report.sections.items():
        for s in re.split(r"(?<=[。！？；])|\n+", text):
            if s.strip():
                out.append((key, s.strip()))
    return out


def asked_terms(query: Query) -> list[str]:
    """The nouns a figure question names beyond its body, year and measure (longest first)."""
    return _terms(query)


def find_stated_number(
    report: Report, terms: list[str] | dict[str, str], *, in_wan: bool = False
) -> tuple[str, float | int, str, str] | None:
    """(matched words, number, section, sentence) for the longest question noun with a number beside it.

    `in_wan`: the question counts in 万 (“多少万张”), so “24万张” answers 24, not 240,000."""
    sentences = _sentences(report)
    lefts = terms if isinstance(terms, dict) else {}
    for term in terms:
        left = lefts.get(term, "")
        t = re.escape(term)
        after = re.compile(t + _CLAUSE_GAP + r"(\d+(?:\.\d+)?)\s*" + _UNIT)
        # The unit is required: “2.政策法规类信息” is an item number, not two items.
        before = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*" + _UNIT + r"[^，。；;,\d]{0,3}?" + t)
        for section, sentence in sentences:
            f = fold(sentence)
            m = after.search(f)
            if m and left and not f[: m.start()].endswith(left):
                m = None  # the question's 政策解读 is not the sentence's 条文解读
            m = m or before.search(f)
            if m:
                n = m.group(1)
                value = float(n) if "." in n else int(n)
                if not in_wan and f.startswith("万", m.end(1)) and not f.startswith("万元", m.end(1)):
                    value *= 10000  # “24万张” is 240,000 sheets; 万元 stays the unit of money figures
                return m.group(0), value, section, sentence
    return None


def answer_stated_number(query: Query, reports: list[Report], filters=None) -> Answer | None:
    if query.unknown_years and not query.years:
        return None  # only years the corpus lacks: the caller says so, never another year's figure
    selected = select(reports, query, filters)
    agencies = {r.agency for r in selected}
    if len(agencies) != 1:
        return None
    report = max(selected, key=lambda r: r.year or 0)  # one body: the asked year, else its latest report
    terms = _terms(query)
    in_wan = bool(re.search(r"(?:多少|几)万", query.folded or ""))
    found = find_stated_number(report, terms, in_wan=in_wan) if terms else None
    if found is None:
        return None
    matched, value, section, sentence = found
    s = Sources()
    mark = s.mark([passage_citation(report, section, sentence)])
    text = f"{body_year(report)}报告写明：“{matched}”{mark}。"
    return Answer(query.text, text, "value", value=value, items=[report.short_name], citations=s.citations,
                  rows=[{"body": report.short_name, "year": report.year, "value": value}], query=query)


def answer_figure_not_found(query: Query, reports: list[Report], filters=None) -> Answer:
    """A figure question whose noun no table, fact or sentence of the asked reports gives a number for."""
    if query.unknown_years and not query.years:
        years = "、".join(f"{y}年" for y in query.unknown_years)
        return unknown(query.text, f"语料中没有找到{years}的报告。", query)
    searched = [body_year(r) for r in select(reports, query, filters)]
    terms = asked_terms(query)
    noun = terms[0].lstrip("名位人") if terms else ""  # “多少名工作人员…”: the measure word is not the noun
    thing = f"“{noun}”的数量" if noun else "这个数字"
    where = f"已查找{'、'.join(searched)}报告的表格和正文" if searched else "语料中没有符合条件的报告"
    return unknown(query.text, f"报告未披露{thing}：{where}，没有找到相应数字。", query)


def answer_stated_figures(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """A list, count, ranking or comparison over a thing only prose states (“哪些乡镇发布的政策文件有3条”).

    Each report's figure is the number beside the question's noun in its own prose, cited to that sentence; a
    report that states none is unknown (left out and named), never zero."""
    if query.unknown_years and not query.years:
        return None
    selected = select(reports, query, filters)
    terms = _terms_with_left(query)
    if len({r.agency for r in selected}) < 2 or not terms:
        return None
    in_wan = bool(re.search(r"(?:多少|几)万", query.folded or ""))
    figures, units, nouns = [], [], []
    for r in selected:
        found = find_stated_number(r, terms, in_wan=in_wan)
        if found is None:
            figures.append(Figure(r, None, note="报告未披露"))
            continue
        matched, value, section, sentence = found
        units.append(_unit_of(matched))
        nouns.append(_noun_of(matched))
        figures.append(Figure(r, value, [passage_citation(r, section, sentence)]))
    if not any(f.known for f in figures):
        return None
    noun = max(nouns, key=nouns.count)
    unit = max(set(units), key=units.count) if units else ""
    measure = Measure(key=f"stated.{noun}", label=f"正文所述{noun}", unit=unit, cues=(noun,))
    return answer_figures(query, measure, figures)


def _noun_of(matched: str) -> str:
    """“政策文件3条” → 政策文件: the thing as the reports name it."""
    return re.sub(r"\d+(?:\.\d+)?\s*" + _UNIT + "?", "", matched).strip("，、：: ")


def _unit_of(matched: str) -> str:
    m = re.search(r"\d(?:\.\d+)?\s*(" + _UNIT[3:-1] + ")", matched)
    return m.group(1) if m else ""
