"""Question (and the plans of the turns before it) → one typed Plan (answering.plan). Issue 10's single reader.

The question is read once, slot by slot: names and regions from the corpus catalog, years, the figures (measures,
else a noun the reports count in prose), the condition, then the operation from answering.lexicon. A follow-up takes
what it leaves unsaid from the previous plan. Where a slot cannot be filled without a guess the plan is `clarify`,
with readings to choose from. Nothing here computes an answer: executors run the plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from answering import lexicon as lx
from answering.claims import claim_of, content
from answering.lookup import counted_after_measure_word, head_words, item_name
from answering.plan import Condition, Figure, Plan, Scope, Years
from answering.understand import Catalog, find_bodies, find_levels, find_unknown_bodies
from answering.vocabulary import MEASURE_BY_KEY, MEASURES, TOPICS, find_topic, refine
from indexing.normalize import CN_DIGITS, chinese_number, fold

_C = lx.compiled
CLAIM_WORDS = 3  # word pairs a yes/no must name beyond its topic's cue to be a claim about one sentence
_YEAR = re.compile(lx.YEAR)
_YEAR_IN_LIST = re.compile(lx.YEAR_IN_LIST)
_YEAR_RANGE = re.compile(lx.YEAR_RANGE)
_COUNTED_NOUNS = tuple(re.compile(p) for p in lx.COUNTED_NOUN)
_NOUN_TRIM = re.compile(lx.NOUN_TRIM)


def read(question: str, catalog: Catalog, history: Sequence[Plan] = ()) -> Plan:
    folded = fold(question).strip()
    previous = history[-1] if history else None
    bodies, regions, blanked = find_bodies(folded, catalog)
    near, unknown = find_unknown_bodies(blanked, catalog, folded)
    bodies += [b for b in near + unknown if b not in bodies and not _C(lx.NOT_A_BODY).search(b)]
    levels = [] if bodies else _levels(blanked)
    if levels and _C(lx.LEVEL_PAIRS).search(blanked):
        levels = list(dict.fromkeys([*levels, *lx.PAIRED_LEVELS]))  # 镇街: towns and street offices
    text = _C(lx.COUNT_INSIDE).sub(r"\1\3\2", _digits_for_years(blanked))
    spans = figure_spans(_C(lx.TITLE).sub(lambda m: "□" * len(m.group(0)), text))  # 《主动公开基本目录》 is a title
    rest = _blank(text, [(a, b) for a, b, _ in spans])  # a measure's own words are no operation words (无法提供)
    years = _years(text, rest, previous)
    rest = _YEAR.sub("□", rest)
    figures = [Figure(key) for _, _, key in spans]
    nouns = _counted_nouns(_YEAR.sub("□", text), catalog.items)
    covering = _covering_item(text, spans, catalog.items)
    if covering:  # “公开人大建议政协提案类的信息”: a kind some report counts, whose name holds the figures' words
        figures, spans, nouns = [Figure(noun=covering)], [], [covering]
    if figures and figures[0].measure != "fact.proactive_total":
        nouns = [n for n in nouns if any(known in n for known in lx.PROSE_NOUNS)]  # not “通过公众号” under 公众号
    if nouns and (not figures or (len(figures) == 1 and _publishes(figures[0]))):
        # “发布了多少篇政策解读”, “网站发布的业务动态”: the verb's total or channel yields to the noun it counts,
        # unless named as itself (主动公开的信息和政策解读) or as the whole of a share (网站发布的信息中，业务动态占…)
        share = _C(lx.SHARE).search(text)
        named = figures and (re.search(lx.NAMED_AS_ITSELF, text) or share)
        starts = [text.find(n) for n in nouns]
        # a figure right before the noun qualifies it (主动公开的疫情防控信息): the noun alone is asked
        modifies = {a for a, b, _ in spans for n in starts if n >= b and text[b:n] in lx.MODIFIER_GAPS}
        placed = [(a, f) for (a, _, _), f in zip(spans, figures, strict=True) if a not in modifies] if named else []
        placed += [(at, Figure(noun=n)) for at, n in zip(starts, nouns, strict=True)]
        figures = [f for _, f in sorted(placed, key=lambda p: p[0])]  # in the order the question names them
    whole_first = spans and _C(lx.WHOLE_FIRST).match(text[spans[0][1]:])
    if len(figures) >= 2 and figures[0].noun is None and whole_first and _C(lx.SHARE).search(text):
        figures = figures[1:] + figures[:1]  # “主动公开的信息中，公众号发布的占比”: the whole is named first
    topic = find_topic(blanked)
    # “五份报告里一共…”, “所有单位…”: every report is the scope said, with or without a turn before it
    every_report = not (bodies or regions or levels) and bool(_C(lx.REPORTS_QUANTIFIED).search(blanked))
    follow_up = previous is not None and (
        bool(_C(lx.FOLLOW_UP).search(folded)) or not (bodies or regions or levels or every_report)
        or not (figures or topic)
    )
    scope = Scope(tuple(bodies), tuple(regions), tuple(levels), years)
    if follow_up and _C(lx.COMBINE).search(folded):
        scope, figures = _combine(scope, figures, previous)
    elif follow_up:
        scope, figures, topic = _inherit(scope, figures, topic, previous, blanked, every_report=every_report)
    elif _C(lx.PRONOUN).search(folded) and (not bodies or _C(lx.PRONOUN_SUBJECT).search(folded)):
        # “它收到了多少申请”, “它和米山镇比…” with nothing before: which body? (not “辉渠镇…占其全年”)
        return Plan("clarify", reason="问题里的“它/该单位”指的是哪个单位？请说出单位名称。", unclear="scope")
    if _C(lx.LISTED_COUNT).search(folded) and not _names_item(folded):
        # “按内容分成了几类”, “列了几条改进措施”: the items of the list the report sets out are counted (and shown);
        # the total of the kinds' figures is not the answer
        kinds = _C(lx.KIND_COUNT).search(folded)
        return Plan("count_listed", scope, condition=_condition(_YEAR.sub("□", rest)),
                    topic=topic or ("categories" if kinds else None), follow_up=follow_up)
    ambiguous = _ambiguous(text, figures)
    if ambiguous:
        options = tuple(Plan("value", scope, (Figure(k),)) for k in ambiguous)
        return Plan("clarify", reason="这个说法可以指几个不同的数字，请选择要问的是哪一个。", options=options,
                    unclear="reading")
    share_at = _C(lx.SHARE).search(text)
    part_named = bool(spans and share_at and spans[-1][1] <= share_at.start())  # “其中公众号发布的占…”: a part
    plan = _operation(rest, scope, tuple(figures), topic, previous if follow_up else None, tuple(_levels(blanked)),
                      blanked, part_named=part_named)
    plan = replace(plan, follow_up=follow_up)
    asked_for = plan.figures or plan.part or plan.phrase or (plan.op == "yesno" and plan.topic)
    if plan.op not in ("describe", "which_body", "clarify", "compare") and not asked_for:
        options = tuple(replace(plan, figures=(Figure(k),)) for k in lx.DEFAULT_READINGS)
        return Plan("clarify", reason="没有说要哪一个数字（例如收到的申请数，或主动公开的信息数）。", options=options,
                    follow_up=follow_up, unclear="figure")
    return plan


# ---------------------------------------------------------------- slots
def _levels(text: str) -> list[str]:
    levels = find_levels(text)
    if "乡镇" not in levels and _C(lx.TOWN_WORDS).search(text):
        levels.insert(0, "乡镇")
    return levels



def _digits_for_years(text: str) -> str:
    """Years in any spelling as four digits: 二〇二一 → 2021, 21年 → 2021年, 二一年 → 2021年."""
    text = re.sub(lx.CN_YEAR, lambda m: m.group(0).translate(CN_DIGITS), text)
    text = re.sub(lx.CN_SHORT_YEAR, lambda m: "20" + m.group(1).translate(CN_DIGITS) + "年", text)
    return re.sub(lx.SHORT_YEAR, lambda m: "20" + m.group(1), text)


def figure_spans(text: str) -> list[tuple[int, int, str]]:
    """Every measure the question names, by the longest words that name it, in question order: (start, end, key).
    The proactive total's verb-like words (“发布了多少”) name it only when no other figure is named."""
    found: list[tuple[int, int, str]] = []
    for m in MEASURES:
        # The row's printed name counts whole (“无正当理由大量反复申请”): its 无 is a name's, never a negation.
        printed = (m.label.split("·")[-1],) if "·" in m.label else ()
        for cue in (*m.cues, *printed):
            for hit in re.finditer(re.escape(cue), text):
                found.append((hit.start(), hit.end(), m.key))
    chosen: list[tuple[int, int, str]] = []
    # longest first, a generic verb-like cue last: “予以公开了多少件” names the granted requests, not 公开了多少
    for start, end, key in sorted(found, key=lambda f: (text[f[0]:f[1]] in lx.GENERIC_CUES, f[0] - f[1], f[0])):
        if all(end <= a or start >= b for a, b, _ in chosen):
            chosen.append((start, end, key))
    chosen.sort()
    keys = {k for _, _, k in chosen}
    # A broad figure beside a narrower one of its own kind is the question's wording, not a figure of its own
    # (“通过微信公众号发布的信息”: the channel, not also the total) — unless it is named as itself (主动公开).
    def joined(c: tuple[int, int, str]) -> bool:  # “收到的申请数和予以公开的申请数”: listed side by side
        i = chosen.index(c)
        gaps = [text[chosen[i - 1][1]:c[0]]] if i > 0 else []
        gaps += [text[c[1]:chosen[i + 1][0]]] if i + 1 < len(chosen) else []
        return any(re.match(rf"(?:的|数|数量|件数)*(?:{lx.JOINER})", gap) or re.search(rf"(?:{lx.JOINER})$", gap)
                   for gap in gaps)

    kept = [
        c for c in chosen
        if not (any(other != c[2] and other.startswith(lx.NARROWER.get(c[2], "\0")) for other in keys)
                and not re.search(lx.NAMED_AS_ITSELF, text[max(0, c[0] - 4):c[1]]) and not joined(c))
    ]
    if any(text[a:b] not in lx.GENERIC_CUES for a, b, _ in kept):
        kept = [c for c in kept if not (len(keys) > 1 and text[c[0]:c[1]] in lx.GENERIC_CUES and not joined(c))]
    out: list[tuple[int, int, str]] = []
    for span in kept:
        if span[2] not in {k for _, _, k in out}:
            out.append(span)
    return [(a, b, refine(MEASURE_BY_KEY[k], text).key) for a, b, k in out]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + "□" + text[b:]
    return text


def _years(text: str, rest: str, previous: Plan | None) -> Years:
    """`rest`: the text without measure words, where 上年 in “上年结转” is gone and only a relative year remains."""
    span = _YEAR_RANGE.search(text)
    if span:
        lo, hi = sorted((int(span.group(1)), int(span.group(2))))
        return Years("range", (lo, hi))
    named = [int(y) for y in _YEAR_IN_LIST.findall(text)]
    if named and _C(lx.RELATIVE).search(rest) and len(set(named)) == 1:
        if _C(lx.GROWTH).search(rest) or _C(lx.COMPARED_TO).search(rest):
            return Years("absolute", (named[0] - 1, named[0]))  # “2021年比上一年”: the year names its own base
        return Years("relative", tuple(named), -1)  # “2021年和去年”: a named year beside a relative one
    if named:
        return Years("absolute", tuple(dict.fromkeys(named)))
    if _C(lx.RELATIVE).search(rest) and previous is not None:
        return Years("relative", offset=-1)
    if _C(lx.LATEST).search(text):
        return Years("latest")
    return Years()


def _publishes(figure: Figure) -> bool:
    """The proactive total or one channel's count: figures a counted noun (业务动态, 政策解读) is a part of."""
    return figure.measure == "fact.proactive_total" or (figure.measure or "").startswith("fact.channel_")


def _counted_nouns(text: str, items: Sequence[str] = ()) -> list[str]:
    """Things the question counts that no measure names: “发布了多少篇政策解读”, “政策解读和工作动态加起来”, or
    a thing some report counts (`items`: 业务信息及其他类信息)."""
    known = [n for n in (*lx.PROSE_NOUNS, *(i for i in items if len(i) >= 4)) if n in text]
    # an item asked without its generic tail (“概况和财政信息”: the stated 概况信息), where the asked noun ends
    known += [head for head in (head_words(i) for i in items) if head not in items and _C(
        re.escape(head) + lx.NOUN_ENDS_HERE).search(text)]
    known = list(dict.fromkeys(known))
    known = [n for n in known if not any(n != other and n in other for other in known)]  # 解读 inside 政策解读
    if known:
        return [_as_asked(text, n) for n in sorted(known, key=text.find)]
    # “多少车次广播车”, “几个社区服务点设置了…”: the noun after the measure word, up to what was done with it
    for _, counted in counted_after_measure_word(text):
        noun = item_name(counted)  # 几条人事方面的信息: the item 人事
        if 2 <= len(noun) <= 8 and noun not in lx.NOT_NOUNS and not _C(lx.NOT_A_NOUN).search(noun) and not (
                figure_spans(noun)):
            return [noun]
    for pattern in _COUNTED_NOUNS:
        m = pattern.search(text)
        if m:
            noun = item_name(_NOUN_TRIM.sub("", m.group("noun")).strip("□"))  # 重点领域的信息: the item 重点领域
            # a measure's own words are no noun: “通过各类渠道公开了多少条” asks the total
            plain = noun not in lx.NOT_NOUNS and not _C(lx.NOT_A_NOUN).search(noun) and not figure_spans(noun)
            if "□" not in noun and 2 <= len(noun) <= 8 and plain:
                return [noun]
    return []


def _covering_item(text: str, spans: list[tuple[int, int, str]], items: Sequence[str]) -> str | None:
    """A catalog item (a kind reports count, ≥ 4 characters) whose name in the question spans every figure found.
    `items` come longest first (Catalog builds them so): the longest name that fits wins."""
    if not spans:
        return None
    for item in items:
        at = text.find(item) if len(item) >= 4 else -1
        if at >= 0 and all(at <= a and b <= at + len(item) for a, b, _ in spans):
            return item
    return None


def _names_item(text: str) -> bool:
    """The question names one item of a list (几条机构职能方面的信息): its figure is asked, not how many kinds."""
    return any(m.group("item") not in lx.NOT_ITEMS for m in _C(lx.NAMED_ITEM).finditer(text))


def _as_asked(text: str, noun: str) -> str:
    """The noun as the question writes it: 财政预决算 → 财政预决算信息, 培训 → 培训班."""
    after = text[text.find(noun) + len(noun):]
    return noun + next((suffix for suffix in lx.NOUN_SUFFIXES if after.startswith(suffix)), "")


def _condition(text: str) -> Condition | None:
    for pattern, op in lx.THRESHOLDS:
        m = _C(pattern).search(text)
        if not m:
            continue
        value = _scaled(m.group(1), m.group(2))
        if value is None:
            continue
        if op == "between":
            upper = _scaled(m.group(3), m.group(4))
            return Condition("between", value, upper) if upper is not None else None
        return Condition(op, value)  # type: ignore[arg-type]
    if _C(lx.NOT_ZERO).search(text):
        return Condition(">", 0)
    asked = _C(lx.ASKING_TAIL).sub("", _C(lx.WHETHER).sub("", text))  # the question's own 有没有, 没有？
    if _C(lx.ZERO).search(asked):
        return Condition("==", 0)
    if _C(lx.NONZERO).search(text):
        return Condition(">", 0)
    return None


def _scaled(number: str | None, scale: str | None) -> float | None:
    value = (chinese_number(number) if number else 1 if scale else None)  # “过万条”: 1 × 万
    if value is None:
        return None
    return float(value) * lx.SCALES.get(scale or "", 1)


def _ambiguous(text: str, figures: list[Figure]) -> tuple[str, ...]:
    """The readings of a wording that fits several figures (结转的申请: carried over, or forward?) — unless the
    question names a figure of its own beyond those readings (其他对外管理服务事项处理决定)."""
    for pattern, readings in lx.AMBIGUOUS:
        if _C(pattern).search(text):
            named = [f.measure for f in figures
                     if f.measure and f.measure not in readings and f.measure not in lx.WHOLES]
            return () if named else readings
    return ()


def _inherit(scope: Scope, figures: list[Figure], topic: str | None, previous: Plan, said: str = "", *,
             every_report: bool = False):
    """A follow-up keeps what it does not say from the previous plan. `every_report`: the question said its scope
    is every report (“那五份报告呢”): neither the last turn's bodies nor its years narrow it."""
    prev = previous.scope
    if not every_report:
        scope = _inherit_scope(scope, prev, said)
    if not figures and topic is None:
        figures, topic = list(previous.figures), previous.topic
    return scope, figures, topic


def _inherit_scope(scope: Scope, prev: Scope, said: str) -> Scope:
    if not (scope.bodies or scope.regions or scope.levels):
        scope = replace(scope, bodies=prev.bodies, regions=prev.regions, levels=prev.levels)
    elif not (scope.bodies or scope.regions) and not _C(lx.ALL_BODIES).search(said):
        scope = replace(scope, bodies=prev.bodies, regions=prev.regions)  # “平均每个镇呢”: the bodies asked before
    if scope.years.kind == "all":
        scope = replace(scope, years=replace(prev.years, carried=True))
    return scope


def _combine(scope: Scope, figures: list[Figure], previous: Plan) -> tuple[Scope, list[Figure]]:
    """“加上白奎镇一共多少”, “比港口乡多多少”, “和2020年差多少”: the previous question's slots plus this one's."""
    prev = previous.scope
    bodies = prev.bodies + tuple(b for b in scope.bodies if b not in prev.bodies)
    years = prev.years
    if scope.years.kind == "relative" and prev.years.kind == "absolute" and len(prev.years.values) == 1:
        years = Years("absolute", (prev.years.values[0], prev.years.values[0] + scope.years.offset))
    elif scope.years.kind == "absolute" and prev.years.kind == "absolute":
        added = tuple(y for y in scope.years.values if y not in prev.years.values)
        years = Years("absolute", prev.years.values + added)
    elif scope.years.kind != "all":
        years = scope.years
    merged = Scope(bodies, prev.regions or scope.regions, prev.levels or scope.levels, years)
    return merged, list(previous.figures) + [f for f in figures if f not in previous.figures]


# ---------------------------------------------------------------- the operation
def _operation(
    rest: str,
    scope: Scope,
    figures: tuple[Figure, ...],
    topic: str | None,
    previous: Plan | None,
    levels_said: tuple[str, ...] = (),
    said: str = "",
    part_named: bool = False,
) -> Plan:
    """`rest`: the question without names, years and measure words; `said`: without names only (for the words a
    measure shares with an operation, such as 发布 in 发布渠道)."""

    def has(pattern: str) -> bool:
        return bool(_C(pattern).search(rest))

    def says(pattern: str) -> bool:
        return bool(_C(pattern).search(said))

    condition = _condition(rest)
    new_value = _C(lx.NEW_THRESHOLD).search(_C(lx.RELATIVE).sub("", rest))
    if previous is not None and previous.condition is not None and condition is None and new_value:
        number = _scaled(new_value.group(1), None)  # “门槛降到三百条呢”: the same test, a new value
        if number is not None:
            condition = replace(previous.condition, value=number)
    reorder = has(lx.RANK_SAID)  # “按总条数从多到少排一下” after a list: that list, ranked
    if previous is not None and previous.op in ("count", "list", "all", "yesno") and not (has(lx.ASKS_ANEW) or reorder):
        return replace(previous, scope=scope, figures=figures or previous.figures,
                       condition=condition or previous.condition)  # “那没有被申请行政复议的呢”, “超过五件呢”
    if has(lx.GROWTH) and previous is not None and scope.years.kind == "relative":
        base = previous.scope.years
        if base.kind == "absolute" and len(base.values) == 1:  # “比上年增加了多少” after a 2022 question
            scope = replace(scope, years=Years("absolute", (base.values[0] - 1, base.values[0])))
    pair = has(lx.RATIO) or has(lx.DIFFERENCE)
    if previous is not None and pair and len(figures) == 1 and previous.figures and previous.figures[0] not in figures:
        figures = (previous.figures[0], *figures)  # “是公众号的几倍” after a question about the website
    n_bodies, n_years = len(scope.bodies), len(scope.years.values) if scope.years.kind == "absolute" else 0
    group = bool(scope.regions or scope.levels) or n_bodies == 0
    if says(lx.WHICH_BODY_ASKED) and says(lx.WHICH_BODY_VERBS) and not has(lx.ASKS_AMOUNT):
        return Plan("which_body", scope, phrase=_phrase(said))  # “哪个镇开展了政府开放日活动”
    if previous is not None and previous.op == "which_body" and not (figures and has(lx.ASKS_FIGURE)):
        return replace(previous, scope=scope, phrase=_phrase(said) if says(lx.WHICH_BODY_VERBS) else previous.phrase)
    named_parts = len(figures) >= 2 and has(lx.WHICH_OF_NAMED)  # “网站、公众号、微博里哪个发得最多”
    town_asked = has(lx.WHICH_BODIES)
    if n_bodies <= 1 and not town_asked and (says(lx.WHICH_PART) or named_parts) and says(lx.PART_MOST):
        channels = named_parts and all((f.measure or "").startswith("fact.channel") for f in figures)
        part = "channel" if says(lx.PART_CHANNEL) or channels else (
            "handling" if any((f.measure or "").startswith("requests") for f in figures)
            or says(lx.PART_HANDLING) else "category")
        parts = tuple(f for f in figures if f.measure not in lx.WHOLES)
        return Plan("which_part", scope, parts, part=part, order="asc" if has(lx.MIN) else "desc")
    if previous is not None and previous.op in ("which_part", "max", "min") and (has(lx.MAX) or has(lx.MIN)):
        flipped = "asc" if has(lx.MIN) else "desc"  # “最少的是哪个”
        if previous.op == "which_part":
            return replace(previous, scope=scope, order=flipped)
        return replace(previous, op="min" if flipped == "asc" else "max", scope=scope)
    # whether a sentence states a thing: no figure, no threshold, and not also asking what or which
    whether = condition is None or (condition.op == ">" and condition.value == 0)  # 有没有 reads as “> 0”
    claimed = (has(lx.YESNO) and n_bodies <= 1 and not figures and previous is None and whether
               and not has(lx.ASKS_WHAT))
    if claimed and content(claim_of(said), TOPICS[topic][0] if topic in TOPICS else ()) >= CLAIM_WORDS:
        return Plan("yesno", scope, phrase=_phrase(said))  # “有没有把信息公开工作纳入年度考核”: a sentence says so?
    if claimed and topic:  # “年报有没有留联系电话”: whether the report says anything on the topic
        return Plan("yesno", scope, topic=topic)
    if topic and not has(lx.ASKS_FIGURE) and (not figures or says(lx.DESCRIBE_ASKED)):
        return Plan("describe", scope, topic=topic)  # “通过哪些平台公开政府信息”: 公开 is the verb, not a figure
    if scope.years.kind == "range" and (has(lx.GROWTH) or has(lx.DIFFERENCE) or has(lx.COMPARE)):
        scope = replace(scope, years=Years("absolute", scope.years.values))  # “从2020年到2021年…增加”: two ends
        n_years = 2
    if has(lx.RANK_POSITION):
        if n_bodies >= 2:  # “在侯家镇、米山镇、港口乡三者之中，港口乡…排第几”: among those, the one named again
            reference = max(scope.bodies, key=lambda b: (rest.count(b), scope.bodies.index(b)))
            return Plan("rank_position", scope, figures, reference=scope.bodies[-1] if reference is None else
                        reference, order="asc" if has(lx.ASCENDING) else "desc")
        reference = scope.bodies[0] if scope.bodies else (previous.reference if previous else None)
        said_levels = scope.levels or levels_said or (previous.scope.levels if previous else ())
        among = replace(scope, bodies=(), levels=said_levels)
        return Plan("rank_position", among, figures, reference=reference, order="asc" if has(lx.ASCENDING) else "desc")
    if has(lx.EACH) and n_bodies >= 2 and not has(lx.SUM):
        return Plan("value", scope, figures)  # “分别列出白奎镇、港口乡、侯家镇…的篇数”
    if has(lx.SHARE):
        if previous is not None and len(figures) == 1 and previous.figures and previous.figures[0] != figures[0]:
            if part_named:  # “其中通过公众号发布的占多少” after the total: this figure of the last one
                return Plan("share", scope, figures, base=previous.figures[0])
            return Plan("share", scope, previous.figures[:1], base=figures[0])  # “占主动公开总数的几成”
        if len(figures) > 1:  # “网站和公众号发布的信息占主动公开总数的比例”: the parts, then the whole
            return Plan("share", scope, figures[:-1], base=figures[-1])
        if figures and says(lx.WHOLE_MARK):  # “不予公开的申请中属于国家秘密的占多少”: the whole it sits in
            return Plan("share", scope, figures, base=_whole_of(figures[0]))
        reading = replace(Plan("share", scope, figures), base=Figure("fact.proactive_total"))
        return Plan("clarify", reason="没有说明占什么的比例（例如占主动公开总数）。", options=(reading,),
                    unclear="figure")
    if has(lx.RATIO):
        return Plan("ratio", scope, figures)
    combined = len(figures) >= 2 and has(lx.SUM)  # “网站和公众号合计发布量…增长了百分之几”: one summed figure
    growth = (has(lx.GROWTH) and n_bodies <= 1 and n_years in (1, 2) and (len(figures) <= 1 or combined)
              and not has(lx.DIFFERENCE_SAID))
    if growth or (has(lx.GROWTH) and scope.years.kind == "relative" and n_bodies <= 1):
        if n_years == 1:  # “2022年…的增长率”, “同比增加”: against the year before
            scope = replace(scope, years=Years("absolute", (scope.years.values[0] - 1, scope.years.values[0])))
        return Plan("growth", scope, figures, unit="pct" if has(lx.GROWTH_PCT) else "abs")
    if has(lx.DIFFERENCE) and (len(figures) == 2 or n_bodies == 2 or n_years == 2):
        return Plan("difference", scope, figures)
    if has(lx.ALL) and (group or n_bodies >= 2):
        return Plan("all", scope, figures, condition or Condition(">", 0))  # “是否所有乡镇都发布了…”
    if has(lx.AVERAGE):
        per = "month" if has(lx.PER_MONTH) else "year" if has(lx.PER_YEAR) else "body"
        return Plan("average", scope, figures, per=per)
    if has(lx.RANK_SAID) or has(lx.RANK) and not (has(lx.MAX) or has(lx.MIN)) or has(lx.TOP_N):
        k = _top_k(rest)
        return Plan("rank", scope, figures, order="asc" if has(lx.ASCENDING) else "desc", k=k)
    top = _C(lx.TOP_K).search(rest)
    if (has(lx.MAX) or has(lx.MIN)) and top and (group or n_bodies >= 2):  # “最少的三个镇”: a ranking cut at k
        k = chinese_number(top.group(1))
        return Plan("rank", scope, figures, order="asc" if has(lx.MIN) else "desc", k=int(k) if k else None)
    if (has(lx.MAX) or has(lx.MIN)) and (group or n_bodies >= 2):
        return Plan("min" if has(lx.MIN) and not has(lx.MOST) else "max", scope, figures)
    beats = _C(lx.BEATS).search(rest)
    if beats and n_bodies == 1 and has(lx.WHICH_OR_HOW_MANY):  # “哪个乡镇主动公开的信息比侯家镇多”
        among = replace(scope, bodies=(), levels=scope.levels or levels_said or (lx.DEFAULT_LEVEL,))
        more = beats.group(1) in lx.BEATS_MORE
        return Plan("list", among, figures, Condition(">" if more else "<", 0), reference=scope.bodies[0])
    if n_bodies >= 2 and (has(lx.MAX) or has(lx.MIN)) and not _C(lx.TOP_K).search(rest):
        return Plan("min" if has(lx.MIN) and not has(lx.MOST) else "max", scope, figures)
    if previous is not None and condition is None and previous.condition is not None:
        condition = previous.condition  # “分别是哪几个？” after a count: the same test
    if has(lx.LIST_ASKED) and (group or n_bodies >= 2) and not has(lx.WHICH_BODY_VERBS):
        return Plan("list", scope, figures, condition or Condition(">", 0))
    if previous is not None and condition is None and previous.condition is not None:
        condition = previous.condition  # “一共有几个？” after a list: the same test
    if has(lx.COUNT) and (group or n_bodies >= 2):
        return Plan("count", scope, figures, condition or Condition(">", 0))
    if group and condition is not None and not has(lx.AMOUNT_OR_WHETHER):  # “…不为零的乡镇”: a list
        return Plan("list", scope, figures, condition)
    if has(lx.LIST) and group and (condition is not None or has(lx.WHICH_SEVERAL)):
        if not figures and has(lx.WHICH_BODY_VERBS):
            return Plan("which_body", scope, phrase=_phrase(rest))
        return Plan("list", scope, figures, condition or Condition(">", 0))
    if has(lx.LIST) and not figures and has(lx.WHICH_BODY_VERBS):
        if n_bodies == 1:  # “白奎镇制定了哪个实施方案”: which thing the named body did, read from its prose
            return Plan("describe", scope, topic=topic)
        return Plan("which_body", scope, phrase=_phrase(rest))
    if has(lx.YESNO) and n_bodies <= 1:
        if claimed:  # “是按月公开财政收支情况的吗”: whether a sentence states it
            return Plan("yesno", scope, phrase=_phrase(said))
        return Plan("yesno", scope, figures, condition or Condition(">", 0))
    if has(lx.COMPARE) and (n_bodies >= 2 or n_years >= 2):
        return Plan("compare", scope, figures)
    several = group or n_bodies >= 2 or n_years >= 2 or len(figures) >= 2 or scope.years.kind == "range"
    if has(lx.SUM) and (several or has(lx.ALL_YEARS)):
        return Plan("sum", scope, figures)
    if previous is not None and previous.op == "growth" and has(lx.GROWTH_PCT):
        return replace(previous, unit="pct")  # “换算成百分比是多少”
    if previous is not None and previous.op == "rank_position" and n_bodies == 1:
        return replace(previous, reference=scope.bodies[0])  # “那米山镇呢”: the same ranking, another body
    if previous is not None and previous.condition is not None and condition is None and re.search(lx.NUMBER, rest):
        number = _scaled(re.search(lx.NUMBER, rest).group(1), None)  # “门槛降到三百条呢”: the same test, a new value
        if number is not None:
            condition = replace(previous.condition, value=number)
    if previous is not None and not figures and previous.op not in ("clarify",):
        return replace(previous, scope=scope, condition=condition or previous.condition)
    if topic and not figures:
        return Plan("describe", scope, topic=topic)
    if previous is not None and previous.op not in ("clarify", "describe"):
        return replace(previous, scope=scope, figures=figures or previous.figures,
                       condition=condition or previous.condition)
    return Plan("value", scope, figures)


def _whole_of(part: Figure | None) -> Figure:
    """The whole a figure is a part of: its broad figure (不予公开 for 国家秘密), else the proactive total."""
    key = (part.measure or "") if part else ""
    broad = [b for b, prefix in lx.NARROWER.items() if key.startswith(prefix) and key != b]
    return Figure(max(broad, key=lambda b: len(lx.NARROWER[b]))) if broad else Figure("fact.proactive_total")


def _top_k(rest: str) -> int | None:
    m = _C(lx.TOP_K).search(rest) or _C(lx.TOP_N).search(rest)
    if not m:
        return None
    value = chinese_number(m.group(1))
    return int(value) if value else None


def _phrase(rest: str) -> str:
    """What was done, as the question words it: the words after the verb, question words and marks dropped."""
    text = _C(lx.PHRASE_DROPPED).sub("", rest)
    return text.strip() or rest
