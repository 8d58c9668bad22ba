"""Open questions (存在的问题, 改进措施, 平台建设, 联系方式 …): hybrid retrieval with the filters the question implies,
then a short extractive answer — the best one to three sentences, each cited — or an honest abstention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from answering import catching_up
from answering import lexicon as lx
from answering.compose import Sources, announces, body_year, chained, display_name, passage_citation, unknown
from answering.foreign import fragment
from answering.models import Answer, Query, section_title
from answering.structured import scope_text, select
from answering.vocabulary import CROSS_YEAR_TOPICS, GENERIC_TERMS, TOPICS
from indexing.models import Report
from indexing.normalize import fold
from indexing.schema import PREFACE

MAX_SENTENCES = 3
MAX_CHARS = 360
MIN_SCORE = 2.0
RELATIVE_FLOOR = 0.6  # a sentence far weaker than the best one is not evidence worth showing
ITEM_SENTENCES = 2
GROUP_SHARE = 0.8  # a numbered list answers when it scores near the best single sentence
STRONG_MATCH = 5  # word pairs a sentence shares with the question to outweigh a list's heading
IN_TOPIC = 2.0  # the section a topic lives in (problems → 5) counts like two shared words
# What a body did in its report year (“采取了哪些措施”): read as a topic of its own — the sections on that year's work
# (总体情况, 其他需要报告的事项), the words its measures are said in — never the next year's plans.
WORK_DONE = "work_done"
_TOPICS = {**TOPICS, WORK_DONE: (lx.WORK_DONE_HEADINGS, ("overview", "other"), lx.WORK_DONE_WORDS)}

# Words that carry no meaning for matching a question to a sentence.
_QUESTION_NOISE = re.compile(
    r"哪些|什么|怎么|怎样|如何|是否|有没有|情况|方面|请问|介绍|一下|主要|报告|政府信息公开|工作|年度|的|了|吗|呢|有|是|在|[?？。，,!！]"
)


@dataclass
class Passage:
    report: Report
    section: str
    text: str
    rank: int  # retrieval rank (0 = best); section order when read without an index


# A sentence ends after 。！？ — and after the bracket or quote that closes right behind it (“…电话：0795-1234567。）”).
_SENTENCE_END = re.compile(r"(?<=[。！？!?][）)」”』])|(?<=[。！？!?])(?![）)」”』])|\n+")
_HEADING = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十]+)")
LONG_SENTENCE = 160


def sentences(text: str) -> list[str]:
    """Sentences (。！？, line ends; ； inside very long ones), without bare headings like “（一）存在的主要问题”."""
    return [s for s, _ in sentences_with_headings(text)]


def sentences_with_headings(text: str) -> list[tuple[str, str]]:
    """(sentence, the sub-heading it sits under or "") — a heading says what the sentences below it are about."""
    out: list[tuple[str, str]] = []
    heading = ""
    for part in _SENTENCE_END.split(text):
        part = part.strip()
        if not part:
            continue
        if len(part) < 30 and "，" not in part and _HEADING.match(part):
            heading = part
            continue
        pieces = re.split(r"(?<=[；;])", part) if len(part) > LONG_SENTENCE else [part]
        out.extend((p.strip(), heading) for p in pieces if len(p.strip()) >= 6)
    return out


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)
    return {t[i: i + 2] for i in range(len(t) - 1)}


def _score(sentence: str, q_grams: set[str], markers: tuple[str, ...], rank: int, in_topic: bool,
           heading_fit: int) -> float:
    f = fold(sentence)
    overlap = len(q_grams & _bigrams(f))
    marked = sum(1 for m in markers if m in f)
    # A sentence of the section the topic lives in (存在的问题 → section 5) is evidence by place, not only by words;
    # so is one under a sub-heading naming the topic (“（二）改进措施”), and one under another topic's heading is not.
    return overlap + 1.5 * min(marked, 3) + (IN_TOPIC if in_topic else 0.0) + 3.0 * heading_fit - 0.15 * rank


def _words_shared(text: str, q_grams: set[str]) -> int:
    """Word pairs of the question the text holds, besides the words every report uses (政务公开, 信息)."""
    return len((q_grams - _GENERIC_PAIRS) & _bigrams(fold(text)))


_GENERIC_PAIRS = {g for term in GENERIC_TERMS for g in _bigrams(term)}


def _is_contents(sentence: str) -> bool:
    """“本报告由总体情况、主动公开…等部分组成”: names every section, answers nothing."""
    f = fold(sentence)
    cues = ("总体情况", "主动公开", "申请", "复议", "问题", "其他需要报告", "其它需要报告")
    return sum(1 for cue in cues if cue in f) >= 4


def _heading_fit(heading: str, topic: str | None, other_years: tuple[int, ...] = ()) -> int:
    """+1 when a sub-heading names the topic (+1 more when it names a year the question asks about besides the
    report's own, e.g. “2019年问题整改情况” in a 2020 report), -1 when it names another topic."""
    if not heading:
        return 0
    h = fold(heading)
    years_named = {int(y) for y in re.findall(r"((?:19|20)\d\d)年", h)}
    year = 0
    if other_years and years_named:  # “2019年的问题” asked of a 2020 report: its 2019 part, not its 2020 part
        year = 1 if years_named & set(other_years) else -1
    if topic not in TOPICS:  # work done: any heading of that year's work fits as well as another
        return year
    if any(c in h for c in TOPICS[topic][0]):
        return 1 + year
    others = (c for t, (cues, _, _) in TOPICS.items() if t != topic for c in cues if len(c) >= 2)
    return -1 if any(c in h for c in others) else year


def gather(query: Query, reports: list[Report], index, filters) -> list[Passage]:
    """Passages for the question: Index.search with the year/body filters — once over every section and once over
    the topic's own sections, merged — else (no index) the records' own sections."""
    selected = select(reports, query, filters)
    narrowed = bool(query.bodies or query.years or query.regions or query.levels)
    sections = list(_TOPICS[query.topic][1]) if query.topic in _TOPICS and _TOPICS[query.topic][1] else None
    if index is not None:
        from indexing.retrieve import SearchFilters

        ids = [r.report_id for r in selected] if narrowed or filters is not None else None
        if ids == []:
            return []
        by_id = {r.report_id: r for r in (selected if ids is not None else reports)}  # hits come from ids only
        found: list[Passage] = []
        seen: set[str] = set()
        for secs, k in ([(sections, 4), (None, 8)] if sections else [(None, 8)]):
            sf = SearchFilters(years=query.years or None, report_ids=ids, sections=secs)
            for h in index.search(query.text, k=k, filters=sf):
                report = by_id.get(h.report_id)
                if report is None:
                    continue
                # Retrieval picks the section; the record gives it whole, so a numbered list split across
                # chunks is read as one list.
                whole = report.sections.get(h.section)
                key = f"{h.report_id}/{h.section}" if whole else h.chunk_id
                if key not in seen:
                    seen.add(key)
                    found.append(Passage(report, h.section, whole or h.text, len(found)))
        catching_up.searched(index, ids)  # the answer says so when some of them still wait for vectors
        return found
    out = []
    for r in selected:
        preamble = _preamble(r)
        if preamble:
            out.append(Passage(r, PREFACE, preamble, 0))
        for i, (key, text) in enumerate(r.sections.items()):
            out.append(Passage(r, key, text, i))
    return out


def _preamble(r: Report) -> str:
    """The text before section 1 (where contact details usually sit), when no section holds it."""
    first = next((t for t in r.sections.values() if t.strip()), "")
    cut = r.text.find(first.strip()[:20]) if first.strip() else -1
    return r.text[:cut].strip() if cut > 0 else ""


def neighbour_years(query: Query, reports: list[Report]) -> tuple[list[int], list[int]]:
    """(years to read, years asked) for a prose question about a year the named body filed no report for: its
    reports of the year before (plans for that year: “2022年将重点…”) and after (整改 of that year's problems) speak
    of it. ([], []) when every asked year has its report, or no neighbour does."""
    asked = query.years + query.unknown_years
    if not query.bodies or not asked or query.topic not in CROSS_YEAR_TOPICS:
        return [], []
    held = {(r.short_name, r.year) for r in reports if r.short_name in query.bodies}
    if any((b, y) in held for b in query.bodies for y in asked):
        return [], []
    near = sorted({y + d for y in asked for d in (-1, 1) if any((b, y + d) in held for b in query.bodies)})
    return (near, list(asked)) if near else ([], [])


def _report_names(reports: list[Report]) -> str:
    """“侯家镇2021年报告”, “侯家镇2021年、2023年报告”: the reports, by body and year."""
    years: dict[str, list[str]] = {}
    for r in sorted(reports, key=lambda r: (r.short_name, r.year or 0)):
        years.setdefault(display_name(r), []).append(f"{r.year}年")
    return "、".join(f"{name}{'、'.join(ys)}" for name, ys in years.items()) + "报告"


def _names_year(text: str, years: list[int]) -> bool:
    return any(f"{y}年" in text for y in years)


def answer_passages(query: Query, reports: list[Report], index=None, filters=None, *, counting: bool = False,
                    condition=None) -> Answer:
    """The best sentences or numbered list for the question; `counting`: how many items the report lists
    (“改进措施有几条”, “分成了几类”), answered only from a list the report itself sets out."""
    q = query.text
    if query.unknown_bodies and not query.bodies:
        return unknown(q, f"语料中没有找到{'、'.join(query.unknown_bodies)}的报告（已检索全部报告的机关名称）。", query)
    if asks_done(query) and query.topic in (None, "improvements") and not counting:
        # what was done that year: its own sections, not the plans 改进措施 would find (a topic of that year's work —
        # 平台建设, 信息管理 — already reads its own)
        found = _answer_passages(replace(query, topic=WORK_DONE), reports, index, filters, condition=condition)
        found.query = query
        return found
    near, about = neighbour_years(query, reports)
    if near:
        # Only what those reports say of the asked year answers; the answer says which report said it.
        found = _answer_passages(replace(query, years=near, unknown_years=[]), reports, index, filters,
                                 must_name=about, counting=counting, condition=condition)
        asked = "、".join(f"{y}年" for y in about)
        missing = f"语料中没有{'、'.join(query.bodies)}{asked}的报告"
        # the reports read are named by body and year (“侯家镇2021年报告”), never as “the year before”
        read = [r for r in reports if r.short_name in query.bodies and r.year in near]
        if found.kind == "unknown":
            return unknown(q, f"{missing}；{_report_names(read)}也没有写到{asked}的相关内容。", query)
        cited = {c.report_id for c in found.citations}
        found.answer = (f"{missing}；以下是{_report_names([r for r in read if r.report_id in cited])}中写到{asked}的"
                        f"内容。{found.answer}")
        found.query = query
        return found
    return _answer_passages(query, reports, index, filters, counting=counting, condition=condition)


def asks_done(query: Query) -> bool:
    """“采取了哪些措施”, “开展了哪些工作”: what was done in the report year — unless plans are asked (计划, 下一步)."""
    folded = query.folded or fold(query.text)
    return bool(re.search(lx.DONE_ASKED, folded)) and not re.search(lx.PLANS_ASKED, folded)


def says_plans(text: str, report: Report) -> bool:
    """A sentence or list heading that sets out plans: “2022年将重点…”, “下一步…” (the year after the report's)."""
    folded = fold(text)
    return bool(re.search(lx.PLAN_SAYS, folded)) or (report.year is not None and f"{report.year + 1}年" in folded)


def plans_year(report: Report) -> str:
    """The year a report's plans are for: the one after its own."""
    return f"{report.year + 1}年" if report.year else "下一年度"


def says_problems(text: str) -> bool:
    """A sentence or list heading that sets out the year's problems (“存在的主要问题为：”)."""
    return bool(re.search(lx.PROBLEMS_SAY, fold(text)))


def _answer_passages(query: Query, reports: list[Report], index=None, filters=None,
                     must_name: list[int] | None = None, counting: bool = False, condition=None) -> Answer:
    q = query.text
    if query.unknown_years and not query.years:
        return unknown(q, f"语料中没有找到{'、'.join(f'{y}年' for y in query.unknown_years)}的报告。", query)
    passages = gather(query, reports, index, filters)
    asked = fragment(_QUESTION_NOISE.sub("", _strip_names(query)))
    what = _TOPICS[query.topic][0][0] if query.topic in _TOPICS else (asked or "相关内容")
    if not passages:
        return unknown(q, f"语料中没有找到{scope_text(query)}关于“{what}”的内容。", query)
    markers = _TOPICS[query.topic][2] if query.topic in _TOPICS else ()
    topic_sections = _TOPICS[query.topic][1] if query.topic in _TOPICS else ()
    done = query.topic == WORK_DONE
    q_grams = _bigrams(_QUESTION_NOISE.sub("", _strip_names(query)))
    asked_years = tuple(query.years + query.unknown_years)
    scored = []
    lists = []
    fits: dict[tuple[int, int], int] = {}
    for p in passages:
        other_years = tuple(y for y in asked_years if y != p.report.year)
        in_topic = p.section in topic_sections
        for j, (s, heading) in enumerate(sentences_with_headings(p.text)):
            if _is_contents(s) or (must_name and not _names_year(heading + s, must_name)):
                continue
            if done and (says_plans(heading + s, p.report) or says_problems(heading + s)):
                continue
            fit = _heading_fit(heading, query.topic, other_years)
            fits[(id(p), j)] = fit
            scored.append((_score(s, q_grams, markers, p.rank, in_topic, fit), p, j, s))
        for group in enumerations(p.text):
            if must_name and not _names_year(group.heading + group.intro, must_name):
                continue
            if done and (says_plans(group.heading + group.intro, p.report) or says_problems(group.heading + group.intro)
                         or all(_item_number(lead) is not None for lead in group.leads)):
                continue  # plans, problems, and counts by kind (机构职能4条…) are no measures taken
            fit = _heading_fit(group.intro, query.topic, other_years)
            if group.heading and group.heading != group.intro:
                fit = max(-1, min(2, fit + _heading_fit(group.heading, query.topic, other_years)))
            # An intro that announces the list (“存在的问题为：”, “从以下三方面…”) speaks for it; one that is a whole
            # statement of its own (“通过网站、公众号两个平台发布信息。一是高度重视…”) answers as a sentence, not
            # through the list after it.
            said = group.intro if _ANNOUNCES.search(group.intro) else ""
            score = _score(said + "".join(group.leads), q_grams, markers, p.rank, in_topic, fit)
            lists.append((score, p, group, fit))
    scored.sort(key=lambda t: -t[0])
    lists.sort(key=lambda t: -t[0])
    for score, p, group, fit in lists:
        if score < MIN_SCORE or _one_item_asked(group, q_grams):
            continue
        top = scored[0] if scored else None
        if top is not None and fits.get((id(top[1]), top[2]), 0) > fit:
            continue  # the best sentence sits under a better-fitting heading than this list
        if top is not None and _words_shared(top[3], q_grams) >= STRONG_MATCH and _words_shared(
                group.heading + "".join(group.leads), q_grams) < 0.5 * _words_shared(top[3], q_grams):
            continue  # a sentence saying the question's own words beats a list under a fitting heading that does not
        announced = [group.intro] if _ANNOUNCES.search(group.intro) else []
        inside = top is not None and top[1] is p and any(x and x in top[3] for x in [*announced, *group.leads])
        if top is None or score >= GROUP_SHARE * top[0] or inside:
            if done:  # that year's work is often set out in several lists (平台建设, 落实上级要点): each one that fits
                return _several_lists(query, [(p, group)] + _lists_beside(lists, p, group, score))
            return _enumerated_answer(query, p, group, counting, condition)
    if counting:  # no list fits: the items are not set out one by one, and the answer does not count for the report
        return unknown(q, f"{scope_text(query)}的报告没有逐条列出“{what}”，无法据原文计数。", query)
    floor = max(MIN_SCORE, RELATIVE_FLOOR * scored[0][0]) if scored else MIN_SCORE
    best = _distinct([t for t in scored if t[0] >= floor])[:MAX_SENTENCES]
    best = _distinct(_with_item_bodies(best))
    if not best:
        said = f"语料中没有找到{scope_text(query)}关于“{what}”的明确表述（检索了相关报告的段落，证据不足）。"
        return unknown(q, said, query)
    best = _trim(best)
    # Group by report, keep each report's sentences in document order.
    best.sort(key=lambda t: (t[1].report.short_name, t[1].report.year or 0, t[1].rank, t[2]))
    best = _with_what_they_announce(best)
    s = Sources()
    pieces: list[str] = []
    last_head = None
    for _, p, _, sentence in best:
        head = f"{body_year(p.report)}报告（{section_title(p.section)}）"
        mark = s.mark([passage_citation(p.report, p.section, sentence)])
        if head != last_head:
            pieces.append(f"{head}：")
            last_head = head
        planned = f"（{plans_year(p.report)}工作计划）" if says_plans(sentence, p.report) else ""
        pieces.append(f"{planned}{sentence}{mark}")
    text = "".join(pieces)
    items = list(dict.fromkeys(t[1].report.short_name for t in best))
    return Answer(q, text, "text", items=items, citations=s.citations, query=query)


# ---------------------------------------------------------------- enumerations (一是…二是… / （一）（二）/ 1. 2.)
# Words with which an intro announces the list after it (“问题为：”, “从以下三方面”, “…改进措施”).
_ANNOUNCES = re.compile(
    r"[：:]\s*$|以下|如下|下列|几个?方面|几点|为[：:]|包括|主要有|主要是|措施|问题|不足|打算|计划|情况[。.]?$"
)
_ENUM = re.compile(
    r"(?:(?<=[。；;：:\n])|^)[^\S\n]*"
    r"(?:([一二三四五六七八九十])是|[（(]([一二三四五六七八九十]+)[)）]|[（(](\d+)[)）]|(\d+)[、.．](?!\d))"
)
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
MAX_ITEMS = 8
LEAD_CHARS = 40


@dataclass
class Enumeration:
    intro: str  # the words that introduce the list (“存在的主要问题为：”, “（二）改进情况。”)
    leads: list[str]  # each item's first clause: the short answer
    bodies: list[str]  # each item's full text: what is cited
    markers: list[str]  # each item's own numbering as printed (一是 / （一） / 1.)
    heading: str = ""  # the sub-heading the list sits under


def _ordinal(m: re.Match) -> tuple[str, int]:
    if m.group(1):
        return "shi", _CN[m.group(1)]
    if m.group(2):
        return "paren_cn", _CN.get(m.group(2), 0) if len(m.group(2)) == 1 else 10 + _CN.get(m.group(2)[-1], 0)
    if m.group(3):
        return "paren_num", int(m.group(3))
    return "num", int(m.group(4))


def enumerations(text: str) -> list[Enumeration]:
    """Runs of items numbered 1, 2, 3… in one style; a run of bare headings is not a list of answers."""
    marks = [(m, *_ordinal(m)) for m in _ENUM.finditer(text)]
    runs: list[list[tuple[re.Match, str, int]]] = []
    for m, style, n in marks:
        run = next((r for r in reversed(runs) if r[-1][1] == style), None)
        if n == 1:
            runs.append([(m, style, n)])
        elif run is not None and run[-1][2] == n - 1:
            run.append((m, style, n))
    out = []
    for run in runs:
        if len(run) < 2:
            continue
        starts = [m.start() for m, _, _ in marks]
        bodies, leads, markers, headings = [], [], [], 0
        for m, _, _ in run:
            markers.append(m.group(0).strip())
            following = [x for x in starts if x > m.start()]
            end = following[0] if following else len(text)
            body = text[m.start():end].strip()
            bodies.append(body)
            lead = _lead(text[m.end():end])
            leads.append(lead)
            item = text[m.end():end].strip()
            line = item.split("\n", 1)[0].strip()
            # A heading: the lead is its whole line and the content starts on the next one (or there is none).
            headings += (len(line) - len(lead) <= 1 and "\n" in item) or item == lead
        if headings > len(run) / 2:
            continue  # “（一）主动公开情况 / （二）依申请公开…” on lines of their own: sub-headings, not answers
        line_start = text.rfind("\n", 0, run[0][0].start()) + 1
        before = text[line_start:run[0][0].start()].strip()
        intro = before if before else _previous_line(text, line_start)
        out.append(Enumeration(intro, leads, bodies, markers, _heading_before(text, run[0][0].start())))
    return out + _tallies(text)


# “从内容分类看，机构职能4条，工作动态36条，政策文件3条”: kinds listed with their counts, one clause each.
_COUNT_UNIT = r"[条篇件个项次期]"
_TALLY_ITEM = re.compile(rf"^[^\d，,。；;、：:“”（）()]{{2,16}}?\d+(?:\.\d+)?{_COUNT_UNIT}$")
MIN_TALLY = 3
_TALLY_TOTAL = re.compile(lx.TALLY_TOTAL)


def _tallies(text: str) -> list[Enumeration]:
    """Runs of at least three “<kind><count><unit>” clauses in one sentence. The sentence is what each item cites:
    the kinds are the clauses it sets side by side."""
    out = []
    for sentence in re.split(r"(?<=[。；;！？])|\n+", text):
        # “包括机构职能3条”: the item without its lead-in word
        clauses = [re.sub(lx.TALLY_LEAD, "", c.strip()) for c in re.split(r"[，,]", sentence.strip().rstrip("。；;"))]
        run: list[int] = []
        for i, clause in enumerate([*clauses, ""]):
            if _TALLY_ITEM.match(clause) and not _TALLY_TOTAL.search(clause):  # a total is no kind of its own
                run.append(i)
                continue
            if len(run) >= MIN_TALLY:
                items = [clauses[k] for k in run]
                intro = clauses[run[0] - 1] if run[0] > 0 else ""
                out.append(Enumeration(intro, items, [sentence.strip()] * len(items), [""] * len(items),
                                       _heading_before(text, text.find(sentence))))
            run = []
    return out


def _heading_before(text: str, pos: int) -> str:
    for line in reversed(text[:pos].splitlines()):
        line = line.strip()
        if line and len(line) < 30 and "，" not in line and _HEADING.match(line):
            return line
    return ""


def _lead(item: str) -> str:
    first = re.split(r"[。；;\n]", item.strip(), maxsplit=1)[0].strip()
    if len(first) > LEAD_CHARS:
        first = first.split("，")[0]
    return first


def _previous_line(text: str, line_start: int) -> str:
    prev_end = line_start - 1
    prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
    return text[prev_start:prev_end].strip() if prev_end > 0 else ""


def _one_item_asked(group: Enumeration, q_grams: set[str]) -> bool:
    """The question names one item (“如何落实信息公开保障措施”): that item answers, not the whole list."""
    # Words every report uses (政务公开, 信息公开) name no item: “政务公开的主要问题有哪些” asks for the whole list
    # even though one item happens to say 政务公开.
    specific = q_grams - _GENERIC_PAIRS
    overlaps = sorted((len(specific & _bigrams(fold(lead))) for lead in group.leads), reverse=True)
    if bool(specific) and overlaps[0] >= 0.6 * len(specific) and overlaps[0] >= 2 * max(overlaps[1], 1):
        return True
    # …or the question holds one item's whole name (“规划计划类信息主要包括哪些内容”) and no other's
    covers = sorted((len(q_grams & g) / len(g) for g in (_bigrams(fold(lead)) for lead in group.leads) if len(g) >= 3),
                    reverse=True)
    return len(covers) >= 2 and covers[0] >= 0.8 and covers[1] < 0.5


def _enumerated_answer(query: Query, p: Passage, group: Enumeration, counting: bool = False,
                       condition=None, named: bool = False) -> Answer:
    """The list's items, each cited; `named`: its sub-heading said too (several lists of one section shown)."""
    s = Sources()
    items = []
    shown = len(group.leads) if counting else MAX_ITEMS  # a count shows every item it counts
    listed = list(zip(group.markers, group.leads, group.bodies, strict=True))[:shown]
    if counting and condition is not None:
        # “刚好3条的类别有几类”: only kinds whose own number meets the test; items without a number cannot be tested
        numbers = [_item_number(lead) for _, lead, _ in listed]
        if any(n is None for n in numbers):
            return unknown(query.text, "报告列出的各项没有写明数量，无法按条件计数。", query)
        listed = [x for x, n in zip(listed, numbers, strict=True) if condition.holds(n)]
    for marker, lead, body in listed:
        cited = body if len(body) <= 240 else body[:240].rsplit("。", 1)[0] + "。"
        mark = s.mark([passage_citation(p.report, p.section, cited)])
        items.append(f"{marker}{lead}{mark}")
    heading = _HEADING.sub("", group.heading).strip(" 。.") if named else ""
    head = f"{body_year(p.report)}报告（{section_title(p.section)}{'·' + heading if heading else ''}）"
    if counting:
        said = "所列各项中符合所问条件的有" if condition is not None else "列出"
        text = f"{head}{said}{len(items)}项：" + "；".join(items) + "。"
        return Answer(query.text, text, "count", value=len(items), items=[p.report.short_name],
                      citations=s.citations, query=query)
    if says_plans(group.heading + group.intro, p.report):
        head += f"所列的{plans_year(p.report)}工作计划"  # plans are said to be plans, never passed off as work done
    text = f"{head}：" + "；".join(items) + "。"
    return Answer(query.text, text, "text", items=[p.report.short_name], citations=s.citations, query=query)


MORE_LISTS = 2  # lists shown beside the best one, for what a body did that year
LIST_SHARE = 0.6  # …each scoring at least this share of the best


def _lists_beside(lists: list, best: Passage, group: Enumeration, score: float) -> list[tuple[Passage, Enumeration]]:
    """The other lists of the same report that answer nearly as well (`lists` is best first and already filtered)."""
    out = []
    for other_score, p, other, _ in lists:
        if other is group or p.report is not best.report or other_score < max(MIN_SCORE, LIST_SHARE * score):
            continue
        out.append((p, other))
        if len(out) == MORE_LISTS:
            break
    return out


def _several_lists(query: Query, chosen: list[tuple[Passage, Enumeration]]) -> Answer:
    """Each list as its own enumerated answer, one after another, the citations numbered on."""
    answers = [_enumerated_answer(query, p, group, named=True) for p, group in chosen]
    text, cites = chained([(a.answer, a.citations) for a in answers])
    return Answer(query.text, text, "text", items=answers[0].items, citations=cites, query=query)


def _item_number(lead: str) -> float | None:
    m = re.search(rf"(\d+(?:\.\d+)?)\s*{_COUNT_UNIT}$", lead)
    return float(m.group(1)) if m else None


def _with_item_bodies(best: list) -> list:
    """A chosen item heading (“（三）落实信息公开保障措施，持续夯实工作基础。”) says little alone: add the item's
    next sentences, up to the next numbered item."""
    out = []
    for score, p, j, sentence in best:
        out.append((score, p, j, sentence))
        if not (_ENUM.match(sentence) and len(sentence) <= LEAD_CHARS + 4):
            continue
        following = [x for x, _ in sentences_with_headings(p.text)][j + 1: j + 1 + ITEM_SENTENCES]
        for k, nxt in enumerate(following, 1):
            if _ENUM.match(nxt) or any(t[1] is p and t[2] == j + k for t in best):
                break
            out.append((score, p, j + k, nxt))
    return out


def _distinct(best: list) -> list:
    """Each sentence once: the same sentence in two sections, or in two overlapping chunks, is said once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for t in best:
        key = (t[1].report.report_id, fold(t[3]).strip())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def _with_what_they_announce(best: list) -> list:
    """A sentence announcing a list (“从以下三方面做好…：”) stands only before what it announces: kept when the next
    sentence is shown too, completed by it when it is the whole answer, dropped otherwise."""
    chosen = {(id(t[1]), t[2]) for t in best}
    out = []
    for t in best:
        score, p, j, sentence = t
        if not announces(sentence) or (id(p), j + 1) in chosen:
            out.append(t)
        elif len(best) == 1:
            following = sentences(p.text)[j + 1: j + 2]
            out += [t] + [(score, p, j + 1, nxt) for nxt in following]
    return out


def _trim(best: list) -> list:
    out, total = [], 0
    for t in best:
        if out and total + len(t[3]) > MAX_CHARS:
            break
        out.append(t)
        total += len(t[3])
    return out


def _strip_names(query: Query) -> str:
    text = query.folded or fold(query.text)
    for name in query.bodies + query.regions:
        text = text.replace(name, "")
    return re.sub(r"20\d\d年?", "", text)
