"""A number stated in one report's prose for a thing the schema has no key for (政策解读5条, 9个社区服务点).

The question's own nouns are looked up in the report's sentences; a number right beside the noun (in the same
clause) is the answer, cited to its sentence. Nothing found → None (the caller goes on to other paths).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from answering import lexicon as lx
from answering.compose import Sources, body_year, paged, passage_citation, unknown
from answering.models import Answer, Query
from answering.structured import Figure, answer_figures, select
from answering.vocabulary import MEASURE_BY_KEY, Measure
from indexing.models import Report
from indexing.normalize import fold

# Words that carry the question, not the thing counted.
_NOISE = re.compile(
    lx.REPORTS_QUANTIFIED + "|"  # “五份报告里”: the scope, never a noun counted
    # A measure word goes only with its number or 多少/几: the 条 of 条文 and the 件 of 文件 stay in their nouns.
    rf"(?:多少|几|\d+(?:\.\d+)?)\s*(?:{lx.MEASURE_WORDS})?|是否|是|有|的|了|过|在|年度?|公开|发布|推送|通过|共|一共|总共|"
    r"数量|数|情况|哪些|什么|报告|中|上|里|其中|最多|最少|最高|最低|更多|更少|哪个|哪家|谁|各|乡镇|街道|"
    r"占比|比例|比重|占|以及|和|与|及|分别|"
    # the operation's and the condition's own words (“不少于365条的乡镇”, “平均”, “排名”)
    r"不少于|不低于|至少|不超过|不多于|至多|超过|大于|多于|高于|少于|低于|小于|不到|不足|以上|以下|等于|为零|为0|"
    r"合计|总计|累计|总和|加起来|平均|均值|排名|排序|排行|从高到低|从多到少|从少到多|从低到高|依次|前[三五十\d]+名?|"
    r"变化|增加|减少|增长|下降|相差|差多少|对比|比较|相比|没有|没|未|零|得多|得少|较多|较少|"
    r"[?？。，,!！“”\"'‘’《》()（）、\s]|□"
)
_GENERIC = {"信息", "政府", "政府信息", "政务", "工作", "政务信息", "消息", "内容", "全年", "本年", "设置"}
_UNIT = rf"(?:{lx.MEASURE_WORDS}|万元|元)"  # the lexicon's measure words (two-character units first), and money
_APPROX = rf"\s*({lx.APPROXIMATE_AFTER})?\s*"  # “80余车次”: a rough figure (group 2 of the number patterns)
_TAIL = rf"(?:{lx.APPROXIMATE_TAIL})?"  # “20车次左右”: quoted whole
_CLAUSE_GAP = r"[^，。；;,、\d]{0,12}?"


def _measure_cues(query: Query) -> tuple[str, ...]:
    measure = MEASURE_BY_KEY.get(query.measure or "")
    return tuple(sorted(measure.cues, key=len, reverse=True)) if measure else ()


def names_a_thing_beyond(query: Query) -> bool:
    """No figure key was recognised, or the generic proactive total plus nouns of its own
    (“主动公开的信息里政策解读有几条”: 政策解读 is a part of the total, stated beside its number in prose)."""
    if query.measure is None:
        return True
    return query.measure == "fact.proactive_total" and bool(asked_terms(query))


def _blank(text: str, words: tuple[str, ...]) -> str:
    """Every occurrence of every word blanked, overlaps included (“主动公开政府信息” holds two cues)."""
    covered = [False] * len(text)
    for w in words:
        for m in re.finditer(re.escape(w), text):
            covered[m.start():m.end()] = [True] * len(w)
    return "".join("□" if c else ch for ch, c in zip(text, covered, strict=True))


def asked_terms(query: Query) -> list[str]:
    """The nouns a figure question names beyond its body, year and measure (longest first)."""
    return list(_terms_with_left(query))


def _terms_with_left(query: Query) -> dict[str, str]:
    """Question nouns, longest first → the word the question puts right before each (“政策|解读” → 解读: 政策)."""
    text = query.noun_text or query.folded or fold(query.text)
    return dict(_noun_terms(text, (*query.bodies, *query.regions, *_measure_cues(query))))


@lru_cache(maxsize=512)
def _noun_terms(text: str, blanks: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Cached: one question asks for its terms once per report it looks at; jieba's tagging is the cost.
    text = re.sub(r"(?:19|20)\d\d年?", "□", _blank(text, blanks))
    text = re.sub(lx.HEDGE, "□", text)  # “广播车大概多少车次”: the asker's hedge is no part of a noun
    # a measure word left over where a cue took its 多少 (“公开了多少|条人事信息”) is not part of the noun
    runs = [re.sub(r"^[条篇件个次项家张名]", "", r) for r in _NOISE.split(text)]
    runs = [r for r in runs if len(r) >= 2]
    terms: dict[str, str] = {}
    for run in runs:  # whole words only: spans of jieba tokens, never “务信息” cut out of “政务信息”
        tagged = tagged_words(run)
        tokens = [w for w, _ in tagged]
        for i in range(len(tokens)):
            for j in range(i + 1, len(tokens) + 1):
                term = "".join(tokens[i:j])
                # A Chinese noun ends in its head: 业务动态 is not 业务; 政策解读(信息) may drop a generic tail.
                # … and a verb after it is the question's, not the noun's (广播车|出动, 政府开放日活动|开展)
                head_kept = all(t in _GENERIC or t == "类" or _asking_verb(t, tag) for t, tag in tagged[j:])
                if len(term) >= 2 and term not in _GENERIC and head_kept:
                    # the noun before it (政策|解读) must stay before it; a verb (发放|明白纸) need not
                    noun_before = i and len(tokens[i - 1]) >= 2 and tagged[i - 1][1] in _NOUNISH
                    left = tokens[i - 1] if noun_before else ""
                    terms.setdefault(term, left)
    return tuple(sorted(terms.items(), key=lambda kv: -len(kv[0])))


def _asking_verb(word: str, tag: str) -> bool:
    """A verb the question puts after its noun: jieba's (not a verbal noun), or one of the lexicon's counted actions,
    which jieba tags as names at times (张贴 nr, 印发 nz)."""
    return (tag.startswith("v") and tag != "vn") or re.fullmatch(lx.COUNTED_ACTION, word) is not None


_NOUNISH = frozenset({"n", "nz", "nt", "ns", "nr", "vn", "an", "ng"})  # jieba flags of nouns and verbal nouns


def tagged_words(run: str) -> list[tuple[str, str]]:
    """jieba's words with their part-of-speech flags (n… nouns, v… verbs)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return [(p.word, p.flag) for p in jieba.posseg.cut(run)]


def item_name(noun: str) -> str:
    """The item a wrapped name names (机构职能方面的信息, 机构职能类信息 → 机构职能; 重点领域的信息 → 重点领域)."""
    return next((noun.removesuffix(x) for x in lx.ITEM_WRAPPERS if noun.endswith(x) and len(noun) - len(x) >= 2),
                noun)


def head_words(noun: str) -> str:
    """A noun without its wrapper or generic tail (机构职能信息 → 机构职能), when two characters of its own remain."""
    noun = item_name(noun)
    return next((noun.removesuffix(x) for x in lx.NOUN_SUFFIXES if noun.endswith(x) and len(noun) - len(x) >= 2),
                noun)


def _sentences(report: Report) -> list[tuple[str, str, str]]:
    """(section, sentence as written, its folded matching form) — folded once per lookup, not once per term."""
    out = []
    for key, text in report.sections.items():
        for s in re.split(r"(?<=[。！？；])|\n+", text):
            if s.strip():
                # quotes dropped from the matching form: “开展“政府开放日”活动9次” states 开展政府开放日活动 9
                out.append((key, s.strip(), re.sub(lx.QUOTE_MARKS, "", fold(s.strip()))))
    return out


class Stated(NamedTuple):
    """A number one sentence states beside the question's noun."""

    matched: str
    value: float | int
    section: str
    sentence: str
    approximate: bool = False  # “80余车次”, “约50场”, “20场左右”: quoted as rough, never given as an exact count


def _is_approximate(folded: str, m: re.Match[str]) -> bool:
    """The number `m` matched (group 1; group 2 the 余/多 after it) is said to be rough."""
    before = re.search(rf"(?:{lx.APPROXIMATE_BEFORE})$", folded[: m.start(1)])
    tail = re.search(rf"(?:{lx.APPROXIMATE_TAIL})$", m.group(0)) or re.match(lx.APPROXIMATE_TAIL, folded[m.end():])
    return bool(m.group(2) or before or tail)


def _stated(folded: str, m: re.Match[str], value: float | int, section: str, sentence: str) -> Stated:
    """The match as a Stated, its quote holding a rough word written before the number (“约12个村级服务站”)."""
    if not _is_approximate(folded, m):
        return Stated(m.group(0), value, section, sentence)
    lead = re.search(rf"(?:{lx.APPROXIMATE_BEFORE})$", folded[: m.start()])
    return Stated((lead.group(0) if lead else "") + m.group(0), value, section, sentence, approximate=True)


def find_stated_number(
    report: Report, terms: list[str] | dict[str, str], *, in_wan: bool = False
) -> Stated | None:
    """(matched words, number, section, sentence) for the longest question noun with a number beside it.

    `in_wan`: the question counts in 万 (“多少万张”), so “24万张” answers 24, not 240,000."""
    sentences = _sentences(report)
    lefts = terms if isinstance(terms, dict) else {}
    for term in terms:
        left = lefts.get(term, "")
        t = re.escape(term)
        after = re.compile(t + _CLAUSE_GAP + r"(\d+(?:\.\d+)?)" + _APPROX + _UNIT + _TAIL)
        # The unit is required: “2.政策法规类信息” is an item number, not two items.
        # A two-character noun must end where the sentence's noun ends (“9个社区服务点” holds no count of 社区).
        end = r"(?![\u4e00-\u9fff](?<!信)(?<!类)(?<!的))" if len(term) <= 2 else ""
        before = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)" + _APPROX + _UNIT + r"[^，。；;,\d]{0,3}?" + t + end)
        for section, sentence, f in sentences:
            m = after.search(f)
            if m and left and not f[: m.start()].endswith(left):
                m = None  # the question's 政策解读 is not the sentence's 条文解读
            m = m or before.search(f)
            if m:
                n = m.group(1)
                value = float(n) if "." in n else int(n)
                if not in_wan and f.startswith("万", m.end(1)) and not f.startswith("万元", m.end(1)):
                    value *= 10000  # “24万张” is 240,000 sheets; 万元 stays the unit of money figures
                return _stated(f, m, value, section, sentence)
    return None


def answer_stated_number(query: Query, reports: list[Report], filters=None) -> Answer | None:
    if query.unknown_years and not query.years:
        return None  # only years the corpus lacks: the caller says so, never another year's figure
    if query.unknown_bodies and not query.bodies:
        return None  # “文登区大水泊镇…”: a body the corpus lacks; the caller says so, never its neighbour's figure
    selected = select(reports, query, filters)
    agencies = {r.agency for r in selected}
    if len(agencies) != 1:
        return None
    report = max(selected, key=lambda r: r.year or 0)  # one body: the asked year, else its latest report
    found = _find_for(report, query)
    if found is None:
        return None
    matched, value, section, sentence, approximate = found
    s = Sources()
    mark = s.mark([passage_citation(report, section, sentence)])
    if approximate:  # “广播车80余车次”: the sentence, and that it gives no exact number
        text = f"{body_year(report)}报告只给出约数：“{matched}”{mark}，没有写明确切数字。"
        return Answer(query.text, text, "text", items=[report.short_name], citations=s.citations, query=query)
    text = f"{body_year(report)}报告写明：“{matched}”{mark}。"
    return Answer(query.text, text, "value", value=value, items=[report.short_name], citations=s.citations,
                  rows=[{"body": report.short_name, "year": report.year, "value": value}], query=query)


def answer_figure_not_found(query: Query, reports: list[Report], filters=None) -> Answer:
    """A figure question whose noun no table, fact or sentence of the asked reports gives a number for."""
    if query.unknown_years and not query.years:
        years = "、".join(f"{y}年" for y in query.unknown_years)
        return unknown(query.text, f"语料中没有找到{years}的报告。", query)
    searched = [body_year(r) for r in select(reports, query, filters)]  # written out up to MAX_SHOWN
    terms = [noun for _, noun in _counted_nouns(query)] or asked_terms(query)  # 多少个村设置了…: 村, not 村设置
    noun = re.sub(r"^[名位](?=..)", "", terms[0]) if terms else ""  # “多少名工作人员”: 名 is the measure word
    thing = f"“{noun}”的数量" if noun else "这个数字"
    listed = paged(searched, str, "、", in_rows=False)
    where = f"已查找{listed}报告的表格和正文" if searched else "语料中没有符合条件的报告"
    return unknown(query.text, f"报告未披露{thing}：{where}，没有找到相应数字。", query)


def answer_stated_figures(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """A list, count, ranking or comparison over a thing only prose states (“哪些乡镇发布的政策文件有3条”).

    Each report's figure is the number beside the question's noun in its own prose, cited to that sentence; a
    report that states none is unknown (left out and named), never zero."""
    if query.unknown_years and not query.years:
        return None
    if query.unknown_bodies and not query.bodies:
        return None  # “文登区人民政府…”: a body the corpus lacks; the caller says so, never the others' figures
    selected = select(reports, query, filters)
    fewest = 1 if query.operation == "yesno" else 2  # one body's yes/no is about its own prose too
    if len({r.agency for r in selected}) < fewest or not (_terms_with_left(query) or _counted_nouns(query)):
        return None
    figures = [stated_figure(r, query) or Figure(r, None, note="报告未披露") for r in selected]
    known = [f for f in figures if f.known]
    if not known:
        return None
    nouns = [_noun_of(f.note) for f in known]
    units = [f.unit for f in known]
    noun = max(nouns, key=nouns.count)
    unit = max(set(units), key=units.count)
    for f in known:
        f.note = ""
    measure = Measure(key=f"stated.{noun}", label=f"正文所述{noun}", unit=unit, cues=(noun,))
    return answer_figures(query, measure, figures)


def stated_figure(report: Report, query: Query) -> Figure | None:
    """The number one report's prose states beside the question's noun, as a cited Figure (None: not stated).
    `note` carries the matched words (“政策解读7条”) for labelling; callers clear it."""
    found = _find_for(report, query)
    if found is None:
        return None
    matched, value, section, sentence, approximate = found
    if approximate:  # a rough figure is no count to list, add or rank
        return Figure(report, None, [passage_citation(report, section, sentence)], note="报告只给出约数，没有确切数字")
    unit = _unit_of(matched, scaled=not _in_wan(query))
    return Figure(report, value, [passage_citation(report, section, sentence)], note=matched, unit=unit)


def _noun_of(matched: str) -> str:
    """“政策文件3条” → 政策文件: the thing as the reports name it."""
    return re.sub(r"\d+(?:\.\d+)?\s*" + _UNIT + "?", "", matched).strip("，、：: ")


def _unit_of(matched: str, *, scaled: bool) -> str:
    """The unit as written, less 万 when the value was scaled out of it (24万张 → 240000 张)."""
    m = re.search(r"\d(?:\.\d+)?\s*(" + _UNIT + ")", matched)
    unit = m.group(1) if m else ""
    return unit[1:] if scaled and unit.startswith("万") and unit != "万元" else unit


def _in_wan(query: Query) -> bool:
    return bool(re.search(r"(?:多少|几)万", query.folded or ""))


def _find_for(report: Report, query: Query) -> Stated | None:
    terms = _terms_with_left(query)
    found = find_stated_number(report, terms, in_wan=_in_wan(query)) if terms else None
    return found or find_counted(report, _counted_nouns(query), in_wan=_in_wan(query))


def _counted_nouns(query: Query) -> list[tuple[str, str]]:
    """The question's “多少+measure word+noun”, less the generic words and the measure's own (“多少条政府信息”
    asks the total, whose words any sentence about any kind holds)."""
    cues = _measure_cues(query)
    return [(word, noun) for word, noun in counted_after_measure_word(query.folded or fold(query.text))
            if noun not in lx.NOT_NOUNS and noun not in _GENERIC and not any(noun in c or c in noun for c in cues)]


_AFTER_MEASURE_WORD = re.compile(rf"(?<!哪)(?:多少|几)\s*({lx.MEASURE_WORDS})([\u4e00-\u9fff]+)")


def counted_after_measure_word(text: str) -> list[tuple[str, str]]:
    """(measure word, noun) of each “多少+measure word+noun” in a question: the noun is the words after the measure
    word up to what was done with it — “多少车次广播车” → (车次, 广播车), “多少个村设置了…” → (个, 村).
    jieba's words keep a noun whole (设 of 设施 is no verb); a verb of two characters or more ends it too."""
    out: list[tuple[str, str]] = []
    for m in _AFTER_MEASURE_WORD.finditer(text):
        noun = ""
        for word, flag in tagged_words(m.group(2)):
            verb = flag == "v" and len(word) >= 2
            if verb or flag[0] in "dpyuc" or re.fullmatch(lx.COUNTED_NOUN_END, word):
                break
            noun += word
        if noun:
            out.append((m.group(1), noun))
    return out


def find_counted(report: Report, counted: list[tuple[str, str]], *, in_wan: bool = False) -> Stated | None:
    """“40个村”: a number in the question's measure word, right before its noun in one sentence; or the noun and
    then its number in that same unit (“广播车80余车次”)."""
    for word, noun in counted:
        w, n = re.escape(word), re.escape(noun)
        # “40个村，” but not “9个社区服务点” for 社区: the noun ends where the sentence's noun ends.
        ends = rf"(?:(?![\u4e00-\u9fff])|(?=[的和及、]|{lx.COUNTED_NOUN_END}))"  # “12个村级服务站|均设置了”
        patterns = [re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?){_APPROX}{w}(?:行政)?{n}{ends}")]
        if len(noun) >= 2:  # one character (村) after its number only: 村委…40个 is no count of 村
            patterns.append(re.compile(rf"{n}{_CLAUSE_GAP}(\d+(?:\.\d+)?){_APPROX}{w}{_TAIL}"))
        for section, sentence, folded in _sentences(report):
            for pattern in patterns:
                m = pattern.search(folded)
                if m:
                    n1 = m.group(1)
                    value = float(n1) if "." in n1 else int(n1)
                    return _stated(folded, m, value, section, sentence)
    return None


# Operations over several bodies' figures (one body's figure is the "value" operation).
_ACROSS_BODIES = frozenset({"list", "count", "sum", "average", "max", "min", "rank", "compare", "yesno"})
# A count is asked (“几条”, “多少个”, “数量”), not any value (“统计期限是多少” is a period, answered from prose).
_COUNT_ASKED = re.compile(rf"几|多少\s*(?:{lx.MEASURE_WORDS}|[万元人])|数量|数目")


def answer_prose_figure(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """A figure the schema has no key for (“公开了多少条人事信息”), stated beside its noun in prose, for one body
    or across bodies. Not stated anywhere: 报告未披露 — never a passage, never the total of everything instead.
    None when the question is not of this kind (the caller goes on)."""
    if not names_a_thing_beyond(query) or query.operation not in ("value", *_ACROSS_BODIES):
        return None
    one = query.operation == "value"
    stated = (answer_stated_number(query, reports, filters) if one else None) or answer_stated_figures(
        query, reports, filters)
    if stated is not None or query.topic is not None:
        return stated
    named_count = query.measure is None and bool(query.bodies or query.agencies) and bool(
        _COUNT_ASKED.search(query.folded))
    return answer_figure_not_found(query, reports, filters) if not one or named_count else None
