"""Which channels a report names (“通过哪些平台发布信息”, “用了哪些新媒体”): answered as a list of items read out of
the prose, each item cited to the sentence it was read from — not as pasted passages.

Items are read from the ways reports enumerate them:
- after a verb of means, up to the act done through them: “通过A、B发布…”, “依托X，…”, “充分发挥Y的作用”;
- a list closed by a kind word: “A、B、C等新媒体”, “A、B两个政务公开平台”;
- a numbered list whose items are bare names: “一是政府网站。二是微信公众号。”
A name read after a verb must hold a channel's word (网站, 公众号, 大厅 …, lexicon.CHANNEL_HEADS); one in a list the
report itself calls 新媒体 or 平台 needs none. Nothing is invented: every item is a span of its cited sentence.

Measures (“采取了哪些措施”) are answered by the passage path (numbered lists are items there already); a chosen
passage that lists them inline (“通过A、B、C等措施”) is shown as those items (`itemize_measures`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answering import lexicon as lx
from answering.compose import Sources, body_year, paged, passage_citation, text_row
from answering.models import Answer, Query
from answering.passages import enumerations, sentences
from answering.structured import select
from indexing.models import Report
from indexing.normalize import fold

MAX_NAME = 24  # longer than this, a span is a clause, not a channel's name
MAX_ITEMS = 12  # per report
MIN_PART = 3  # a name this long found inside a longer name is that name

_ASKED = re.compile(lx.CHANNELS_ASKED)
_KIND = re.compile(lx.CHANNEL_KINDS)
_HEAD = re.compile(lx.CHANNEL_HEADS, re.IGNORECASE)
_MEANS = re.compile(rf"(?:{lx.MEANS_VERBS})")
_NAME_END = re.compile(lx.CHANNEL_NAME_END)
_LEAD = re.compile(lx.CHANNEL_LEAD)
_GENERIC = re.compile(lx.GENERIC_ITEM)
_SEPARATORS = re.compile(lx.LIST_SEPARATORS)
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?（(\n]")
# “A、B、C等新媒体” / “A、B两个政务公开平台”: the kind word after 等 or a count of kinds, a few modifiers between
_COUNTED = r"[\d一二两三四五六七八九十]+[个种类家项]"
_CLOSER = r"(?:等(?:{counted})?|{counted})(?:其他|各类|一系列|多项)?[^，,。；;、]{{0,6}}?(?:{kinds})"
_CLOSED = re.compile(_CLOSER.format(counted=_COUNTED, kinds=lx.MEDIA_KINDS))
_MEASURES_CLOSED = re.compile(_CLOSER.format(counted=_COUNTED, kinds=lx.MEASURE_KINDS))
_QUOTED = re.compile(r"[“\"「『][^”\"」』]{0,20}[”\"」』]")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》]")
_SHORT_ITEM = 16  # a numbered item this short that names a channel is the channel itself


@dataclass(frozen=True)
class Thing:
    name: str  # as printed (quotes kept: “花饽饽小镇”微信公众号)
    sentence: str  # the sentence it was read from: its citation
    section: str
    listed: int = 1  # how many channels its sentence names


def channels_asked(query: Query) -> str | None:
    """The kind word the question asks a list of (平台, 渠道, 方式 …), or None. A question that asks a figure of
    channels (最多, 多少条, a threshold), asks which bodies (哪些乡镇开通了新媒体), or asks how to apply is no list
    of channels' names."""
    folded = query.folded or fold(query.text)
    m = _ASKED.search(folded)
    if m is None or query.condition is not None or query.operation not in (None, "text", "list", "value"):
        return None
    rest = folded[:m.start()] + folded[m.end():]  # “哪几个平台” asks which, not how many
    if re.search(lx.ASKS_AMOUNT, rest) or re.search(lx.WHICH_BODY_ASKED, folded) or re.search(
            lx.CHANNELS_NOT_ASKED, folded):
        return None
    return _KIND.findall(m.group(0))[-1]


def things_in(sentence: str) -> list[str]:
    """The channel names one sentence enumerates, in order."""
    names: list[str] = []
    for m in _MEANS.finditer(sentence):
        clause = _CLAUSE_END.split(sentence[m.end():], maxsplit=1)[0]
        span = clause[:_name_end(clause)]
        names += [n for n in _pieces(span) if _HEAD.search(n)]
    for pieces in _closed_lists(sentence, _CLOSED):
        if len(pieces) >= 2 or _HEAD.search("".join(pieces)):
            names += pieces
    return sorted(_distinct(names), key=sentence.find)


def measures_in(sentence: str) -> list[str]:
    """The measures a sentence lists and calls so (“通过召开专题会、开展培训等措施”): two or more, in order."""
    return next((pieces for pieces in _closed_lists(sentence, _MEASURES_CLOSED) if len(pieces) >= 2), [])


def _closed_lists(sentence: str, closer: re.Pattern[str]) -> list[list[str]]:
    """The lists a kind word closes (“A、B、C等新媒体”, “A、B两个平台”): the pieces from the clause's start (or its
    verb of means) to the 等 or count."""
    out = []
    for m in closer.finditer(sentence):
        if m.start() == 0:
            continue
        before = re.split(r"[，,。；;：:！!？?\n]", sentence[:m.start()])[-1]
        before = _MEANS.split(before)[-1]  # “通过A、B两个平台”: the list starts after the verb
        out.append(_pieces(before))
    return out


def itemize_measures(answer: Answer, query: Query) -> Answer:
    """“采取了哪些措施” answered by a passage that lists them inline: the passage is shown as its items, cited to it."""
    asked = re.search(lx.MEASURES_ASKED, query.folded or fold(query.text))
    if answer.kind != "text" or asked is None:
        return answer
    kind = re.findall(lx.MEASURE_KINDS, asked.group(0))[-1]
    for n, c in enumerate(answer.citations, 1):
        items = measures_in(c.text)
        said = f"{c.text}[{n}]"
        if items and said in answer.answer:
            answer.answer = answer.answer.replace(said, f"所列{kind}：{'、'.join(items)}[{n}]。")
    return answer


def _name_end(clause: str) -> int:
    """Where the names after a verb end: at the first act or count outside quotes (“白石发布”公众号 is a name)."""
    quoted = [range(m.start(), m.end()) for m in _QUOTED.finditer(clause)]
    return next((m.start() for m in _NAME_END.finditer(clause) if not any(m.start() in q for q in quoted)),
                len(clause))


def _pieces(span: str) -> list[str]:
    out = []
    for piece in _SEPARATORS.split(span):
        piece = _LEAD.sub("", piece.strip()).strip()
        if len(_QUOTES.sub("", piece)) < 2 or len(piece) > MAX_NAME or _GENERIC.match(piece) or _KIND.fullmatch(piece):
            continue
        out.append(piece)
    return out


def _key(name: str) -> str:
    return fold(_QUOTES.sub("", name))


def _distinct(names: list[str]) -> list[str]:
    """Each name once; a name inside a longer one of the same report (“假日米山”微信公众号 in 政务新媒体“假日米山”微信
    公众号) is that one — but a bare two-character word (微信, 网站) is a channel of its own, not part of a name."""
    keys = [_key(n) for n in names]
    out, seen = [], set()
    for name, key in zip(names, keys, strict=True):
        if key in seen or (len(key) >= MIN_PART and any(key != other and key in other for other in keys)):
            continue
        seen.add(key)
        out.append(name)
    return out


def mentions(report: Report) -> list[Thing]:
    """Every mention of a channel in the report, in order: a name once per sentence naming it."""
    said: list[Thing] = []
    for section, text in report.sections.items():
        for sentence in sentences(text):
            names = things_in(sentence)
            said += [Thing(n, sentence, section, len(names)) for n in names]
        for group in enumerations(text):
            said += [Thing(lead, (sentences(body) or [body])[0], section, len(group.leads))
                     for lead, body in zip(group.leads, group.bodies, strict=True)
                     if len(lead) <= _SHORT_ITEM and _HEAD.search(lead) and not _MEANS.search(lead)]
    return said


def report_things(report: Report, kind: str = "") -> list[Thing]:
    """Every channel the report names, each cited to the sentence that names it best: one that says the asked
    kind word (平台) and lists the most channels, else the first."""
    said = mentions(report)
    best: dict[str, int] = {}  # name → the position in `said` of the mention cited
    for i, t in enumerate(said):
        j = best.get(_key(t.name))
        if j is None or _rank(t, kind) > _rank(said[j], kind):
            best[_key(t.name)] = i
    kept = {_key(n) for n in _distinct([t.name for t in said])}
    return [said[i] for i in sorted(i for key, i in best.items() if key in kept)][:MAX_ITEMS]


def _rank(thing: Thing, kind: str) -> tuple[bool, int]:
    return bool(kind) and kind in thing.sentence, thing.listed


def channel_bodies_asked(query: Query) -> tuple[str, ...]:
    """The channel words (抖音, 微信 + 公众号) of a question asking which bodies use them (“哪些乡镇用抖音发布政务信息”,
    “开通了抖音号”, “有抖音账号”); empty when it asks something else — a figure (发布最多, 超过300条), a body that
    did not (silence is not an answer), or a kind of channel only (平台, 新媒体: the prose claims answer those)."""
    folded = query.folded or fold(query.text)
    if not re.search(lx.WHICH_BODY_ASKED, folded) or not re.search(lx.CHANNEL_USED, folded):
        return ()
    if re.search(rf"\d|{lx.ASKS_FIGURE}|{lx.NEGATION}", folded) or (query.condition and query.condition.threshold):
        return ()
    return tuple(dict.fromkeys(h for h in _HEAD.findall(folded) if not _KIND.fullmatch(h)))


def answer_channel_bodies(query: Query, reports: list[Report], filters=None) -> Answer | None:
    """The bodies whose reports name the asked channel as one they use, each cited to the sentence naming it; None
    when the question asks no such thing."""
    heads = channel_bodies_asked(query)
    if not heads:
        return None
    selected = sorted(select(reports, query, filters), key=lambda r: (r.short_name, r.year or 0))
    found: list[tuple[Report, list[Thing]]] = []
    for report in selected:
        said = [t for t in mentions(report) if all(fold(h) in _key(t.name) for h in heads)]
        if said:
            # each name cited to the first sentence publishing through it (“通过“假日米山”微信公众号发布消息306条”),
            # else the first naming it (or a part of it)
            found.append((report, [min((t for t in said if _key(t.name) in _key(name)), key=lambda t: not _published(t))
                                   for name in _distinct([t.name for t in said])]))
    asked = "".join(heads)
    if not found:
        return Answer(query.text, f"已查找{len(selected)}份报告，没有报告写到{asked}（没有写到，不等于没有）。",
                      "unknown", query=query)
    s = Sources()

    def entry(item: tuple[Report, list[Thing]]) -> str:
        report, cited = item
        marks = "、".join(f"{t.name}{s.mark([passage_citation(report, t.section, t.sentence)])}" for t in cited)
        return f"{body_year(report)}（{marks}）"

    text = f"报告写到{asked}的有：{paged(found, entry, '、')}。"
    return Answer(query.text, text, "list", items=list(dict.fromkeys(r.short_name for r, _ in found)),
                  citations=s.citations, query=query,
                  rows=[text_row(r, "、".join(t.name for t in cited)) for r, cited in found])


def _published(thing: Thing) -> bool:
    return re.search(re.escape(thing.name) + rf"(?:{lx.PUBLISHED_THROUGH})", thing.sentence) is not None


def answer_channels(query: Query, reports: list[Report], filters=None, earlier: Query | None = None) -> Answer | None:
    """The channels each asked report names, item by item; None when the question asks no such list or no report
    in scope names any (the caller answers from passages). `earlier`: the last turn's query when this question
    follows up on it — one that asks nothing anew (“那米山镇呢”) asks its list again. Which bodies use a named
    channel (“哪些乡镇用抖音发布”) is answered from the same names."""
    bodies = answer_channel_bodies(query, reports, filters)
    if bodies is not None:
        return bodies
    kind = channels_asked(query)
    if kind is None and earlier is not None and not re.search(lx.ASKS_ANEW, query.folded or fold(query.text)):
        kind = channels_asked(earlier)
    if kind is None:
        return None
    found = [(report, things) for report in sorted(select(reports, query, filters),
                                                   key=lambda r: (r.short_name, r.year or 0))
             if (things := report_things(report, kind))]
    if not found:
        return None
    s = Sources()

    def entry(item: tuple[Report, list[Thing]]) -> str:
        report, things = item
        items = [f"{t.name}{s.mark([passage_citation(report, t.section, t.sentence)])}" for t in things]
        return f"{body_year(report)}报告写到的{kind}有：{'、'.join(items)}。"

    return Answer(query.text, paged(found, entry, ""), "text", items=[r.short_name for r, _ in found],
                  citations=s.citations, query=query,
                  rows=[text_row(r, "、".join(t.name for t in things)) for r, things in found])
