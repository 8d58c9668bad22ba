"""Question → Query: years, bodies (or a region / level), the measure, the operation and its condition.

Matching happens on the folded form (simplified characters, half-width digits), so 侯家鎮 finds 侯家镇.
The Catalog lists what the corpus holds, so names and years are checked against it, not guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import fuzz

from answering.lexicon import ANAPHORA, FOLLOWING, RELATIVE, REPORTS_QUANTIFIED, SITE_AFTER
from answering.models import Condition, Query
from answering.vocabulary import MEASURE_BY_KEY, find_measure, find_measures, find_topic
from indexing.models import Report
from indexing.normalize import fold  # the parser's matching form: simplified, half-width
from indexing.schema import ITEM_PREFIX


# ---------------------------------------------------------------- the corpus catalog
class NameMatcher:
    """Every body-name variant and region of a catalog in one Aho–Corasick automaton, built once per catalog change.

    A question is scanned once whatever the number of names. Testing each name (`in`, or a regex per region) cost
    O(names) per question, and past ~500 regions Python's regex cache recompiled every pattern on every question."""

    builds = 0  # automata built in this process (tests count them: once per catalog, never per question)

    def __init__(self, names: list[str], regions: list[str]) -> None:
        NameMatcher.builds += 1
        self._automaton = ahocorasick.Automaton()
        for rank, variant in enumerate(names):
            self._automaton.add_word(variant, (0, rank))
        for rank, region in enumerate(regions):
            if self._automaton.exists(region):
                continue  # a region spelt like a name variant: the name wins (regions exclude names anyway)
            self._automaton.add_word(region, (1, rank))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def found(self, text: str) -> tuple[list[int], list[int]]:
        """Ranks (positions in the catalog's longest-first lists) of the name variants and regions `text` holds."""
        if self._empty:
            return [], []
        names, regions = set(), set()
        for _, (kind, rank) in self._automaton.iter(text):
            (regions if kind else names).add(rank)
        return sorted(names), sorted(regions)


def _one_off_keys(name: str) -> list[str]:
    """A name with each character in turn masked: two names of one length differing in one place share a key."""
    return [name[:i] + "\0" + name[i + 1:] for i in range(len(name))]


@dataclass
class Catalog:
    """Names and years the corpus holds; built once per index load."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (folded variant, short name), longest first
    # variant → the one agency it names, when its short name is shared by several bodies (two 新华镇)
    agency_of: dict[str, str] = field(default_factory=dict)
    short_names: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # folded region names, longest first
    years: list[int] = field(default_factory=list)
    body_years: set[tuple[str, int]] = field(default_factory=set)  # (short name, year) of every report
    # things the reports count in prose (业务信息及其他类信息), as facts keyed ITEM_PREFIX + the noun
    items: tuple[str, ...] = ()

    @classmethod
    def from_reports(cls, reports: list[Report]) -> Catalog:
        names: dict[str, str] = {}
        agencies: dict[str, set[str]] = {}
        regions: set[str] = set()
        for r in reports:
            short = r.short_name
            for variant in _name_variants(r):
                names.setdefault(fold(variant), short)
                agencies.setdefault(fold(variant), set()).add(r.agency)
            regions.update(fold(x) for x in r.region if x)
        shared = {r.short_name for r in reports if len(agencies.get(fold(r.short_name), ())) > 1}
        agency_of = {v: next(iter(a)) for v, a in agencies.items() if len(a) == 1 and names[v] in shared}
        ordered = sorted(names.items(), key=lambda kv: -len(kv[0]))
        return cls(
            names=ordered,
            agency_of=agency_of,
            short_names=sorted({r.short_name for r in reports}),
            regions=sorted(regions - set(names), key=len, reverse=True),
            years=sorted({r.year for r in reports if r.year}),
            body_years={(r.short_name, r.year) for r in reports if r.year},
            items=tuple(sorted({k.removeprefix(ITEM_PREFIX) for r in reports for k in r.facts
                                if k.startswith(ITEM_PREFIX)}, key=len, reverse=True)),
        )

    def __post_init__(self) -> None:
        self.matcher = NameMatcher([v for v, _ in self.names], self.regions)
        self.one_off: dict[str, list[str]] = defaultdict(list)  # masked name → short names (typo look-up)
        for short in self.short_names:
            for key in _one_off_keys(short):
                self.one_off[key].append(short)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def names_in(self, text: str) -> list[tuple[str, str]]:
        """The (variant, short name) pairs `text` holds, in the catalog's order (longest first)."""
        ranks, _ = self.matcher.found(text)
        return [self.names[i] for i in ranks]

    def regions_in(self, text: str) -> list[str]:
        """The regions `text` holds, longest first."""
        _, ranks = self.matcher.found(text)
        return [self.regions[i] for i in ranks]


def _name_variants(r: Report) -> set[str]:
    out = {r.short_name, r.agency}
    for suffix in ("人民政府", "政府", "办事处"):
        if r.agency.endswith(suffix):
            out.add(r.agency[: -len(suffix)])
    out.add(r.short_name + "人民政府")
    out.add(r.short_name + "政府")
    if r.region:
        out.add(r.region[-1] + r.short_name)
    return {v for v in out if v and len(v) >= 2}


# ---------------------------------------------------------------- slots
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR_RANGE = re.compile(r"(20\d\d|19\d\d)\s*年?\s*(?:到|至|-|—|~|～)\s*(20\d\d|19\d\d)\s*年")
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*(?:年|年度)")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")


def find_years(folded: str, catalog: Catalog) -> list[int]:
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", folded)
    years: list[int] = []
    for a, b in _YEAR_RANGE.findall(text):
        lo, hi = sorted((int(a), int(b)))
        years.extend(range(lo, hi + 1))
    text = _YEAR_RANGE.sub(" ", text)
    years.extend(int(y) for y in _YEAR.findall(text))
    latest = catalog.latest_year
    if latest is not None:  # relative years count back from the newest report: 去年 = the latest report year
        named = bool(years)
        if "前年" in text:
            years.append(latest - 1)
        # “2021年…比上一年” names its own base year (the change operation reads it), not the corpus's latest.
        if "去年" in text or "最近一年" in text or "最新" in text or ("上一年" in text and not named):
            years.append(latest)
    return sorted(set(years))


def find_bodies(folded: str, catalog: Catalog, agencies: list[str] | None = None) -> tuple[list[str], list[str], str]:
    """Short names of the bodies named (longest variant first), regions named, and the text with both blanked.

    When a short name is shared (two 新华镇) and the question names one precisely, its agency goes into `agencies`.
    """
    bodies: list[str] = []
    text = folded
    # Only the names the automaton finds can match: blanking a name never makes another appear.
    for variant, short in catalog.names_in(folded):
        if variant in text:
            text = text.replace(variant, "□")
            if short not in bodies:
                bodies.append(short)
            if agencies is not None and variant in catalog.agency_of:
                agencies.append(catalog.agency_of[variant])
    regions: list[str] = []
    for region in catalog.regions_in(text):
        # “文登区人民政府” is the district government itself — a body, not every body inside the district.
        if any(not text.startswith(("人民政府", "政府"), i + len(region)) for i in _occurrences(region, text)):
            regions.append(region)
        # “在铜鼓县人民政府网站下载”: a site's name stays whole in the text, it is part of what is asked
        text = _blank_unless(region, text, _SITE_NAMED)
    return _in_question_order(folded, bodies), regions, text


# After a region: its government's site (“…人民政府网站”), or its government itself (not a site of it). Compiled
# once: a pattern per region name would be compiled per question (thousands of names overflow re's cache).
_SITE_NAMED = re.compile(rf"(?:人民)?政府(?:{SITE_AFTER})")
_GOVERNMENT_ITSELF = re.compile(rf"(?:人民)?政府(?!{SITE_AFTER})")


def _occurrences(word: str, text: str, *, overlapping: bool = False):
    """Start of each occurrence of `word` in `text`, left to right (as re.finditer of the escaped word)."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + (1 if overlapping else len(word)))


def _blank_unless(word: str, text: str, followed: re.Pattern[str]) -> str:
    """`word` replaced by □ wherever `followed` does not match right after it (re.sub of word(?!followed))."""
    out, last, i = [], 0, text.find(word)
    while i >= 0:
        end = i + len(word)
        if followed.match(text, end):
            i = text.find(word, i + 1)  # kept: the next try starts one character on, as re.sub's does
            continue
        out += [text[last:i], "□"]
        last, i = end, text.find(word, end)
    return "".join(out) + text[last:]


def _in_question_order(folded: str, bodies: list[str]) -> list[str]:
    def pos(b: str) -> int:
        i = folded.find(b)
        return i if i >= 0 else len(folded)

    return sorted(bodies, key=pos)


_BODY_LIKE = re.compile(r"([\u4e00-\u9fff]{2,4})(街道办事处|街道|镇|乡|区|县|市|局)")
_STOP_CHARS = set("哪些几个各所有全的和与及或年在中里是有没为了呢吗么那它其该谁比较请问下共多少最本每")
# where a body's own name starts: after a word of the question or a region's suffix (文登区大水泊镇)
_NAME_BOUNDARY = "[" + "".join(sorted(_STOP_CHARS)) + "省市区县旗]"
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|「[^」]*」")


def _without_bodies(folded: str, catalog: Catalog) -> str:
    for variant, _ in catalog.names_in(folded):
        folded = folded.replace(variant, "□")
    return folded


def find_unknown_bodies(blanked: str, catalog: Catalog, folded: str = "") -> tuple[list[str], list[str]]:
    """Names shaped like a body (…镇/乡/街道/区/县) that the corpus does not hold → (near matches, unknown)."""
    near: list[str] = []
    rest = _without_bodies(folded, catalog)
    # “在铜鼓县人民政府网站下载”: a site named after a body is where something is, not a body asked about
    unknown = [f"{r}人民政府" for r in catalog.regions_in(rest)
               if any(_GOVERNMENT_ITSELF.match(rest, i + len(r)) for i in _occurrences(r, rest, overlapping=True))]
    for m in _BODY_LIKE.finditer(_QUOTED.sub("□", blanked)):  # “花饽饽小镇” is an account's name, not a body
        stem, suffix = m.group(1), m.group(2)
        if re.match(rf"(?:人民)?(?:政府)?(?:{SITE_AFTER})", blanked[m.end():]):
            continue
        stem = re.split(_NAME_BOUNDARY, stem)[-1][-3:]  # 大水泊镇 and 张家产镇 as well as 米山镇
        if len(stem) < 2 or (stem + suffix) in ("乡镇", "镇街"):
            continue
        name = stem + suffix
        match = _near_name(name, catalog)
        if match:
            near.append(match)
        else:
            unknown.append(name)
    return near, unknown


# Look-alike characters people slip on when typing names; a different character in a short name is otherwise
# a different place (张家镇 is not 侯家镇), so short names only forgive these.
_LOOK_ALIKE = {frozenset(p) for p in ("侯候", "已己", "未末", "戌戍", "汩汨", "亳毫", "沽洁", "崂劳", "圩墟", "堡保")}


def _near_name(name: str, catalog: Catalog) -> str | None:
    """A slip in a name: same suffix and length, one character off — a look-alike in short names."""
    best: tuple[float, str] | None = None
    candidates = sorted({short for key in _one_off_keys(name) for short in catalog.one_off.get(key, ())})
    for short in candidates:  # the catalog's names one character off this one (or equal), not every name
        if len(short) != len(name) or short[-1] != name[-1]:
            continue
        diff = [(a, b) for a, b in zip(name, short, strict=True) if a != b]
        if len(diff) != 1:
            continue
        ok = len(short) >= 5 or frozenset(diff[0]) in _LOOK_ALIKE
        score = fuzz.ratio(name, short)
        if ok and (best is None or score > best[0]):
            best = (score, short)
    return None if best is None else best[1]


def find_levels(folded: str) -> list[str]:
    levels = []
    if re.search(r"乡镇|哪些镇|哪个镇|各镇|哪些乡|哪个乡|几个镇|几个乡|镇政府|乡政府", folded):
        levels.append("乡镇")
    if re.search(r"街道", folded):
        levels.append("街道")
    for lv in ("县级", "市级", "省级"):
        if lv in folded:
            levels.append(lv)
    if re.search(r"部门|委办局", folded):
        levels.append("部门")
    return levels


# ---------------------------------------------------------------- operation and condition
_NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)"
_CONDITIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:不少于|不低于|至少|大于等于|≥|>=)\s*" + _NUM), ">="),
    (re.compile(r"(?:不超过|不多于|至多|小于等于|≤|<=)\s*" + _NUM), "<="),
    (re.compile(r"(?:超过|大于|多于|高于|>)\s*" + _NUM), ">"),
    (re.compile(r"(?:少于|低于|小于|不到|不足|<)\s*" + _NUM), "<"),
    (re.compile(_NUM + r"\s*[件条篇次个项万元]*\s*(?:以上|及以上)"), ">="),
    (re.compile(_NUM + r"\s*[件条篇次个项万元]*\s*(?:以下|及以下)"), "<="),
    (re.compile(r"(?:等于|为|是|有|达到|达)\s*" + _NUM + r"\s*[件条篇次个项]"), "=="),
)
_ZERO = re.compile(r"没|未|为0|为零|是0|等于0|零|从无|无(?!法)|0件|0条|不曾")
_ASKS_FIGURE = re.compile(r"几|多少|哪些|哪个|哪几|一共|合计|总共|排名|排序|最多|最少|是否|有没有|吗|分别")
_FOLLOW_UP = re.compile(r"^(那|那么|它|它的|其|该|这个|还有|另外|同样|那个)|呢[?？。!！\s]*$")


def _number(s: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    try:
        import cn2an

        return float(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def find_condition(text: str) -> Condition | None:
    for pattern, op in _CONDITIONS:
        m = pattern.search(text)
        if m:
            n = _number(m.group(1))
            if n is not None:
                after = text[m.end(1):]
                if after.startswith("万") and not after.startswith("万元"):
                    n *= 10000  # “超过30万张”: figures are kept in units (24万张 → 240000); 万元 stays the money unit
                return Condition(op, n)
    if _ZERO.search(text.replace("有没有", "")):
        return Condition("==", 0)
    return None


def find_operation(text: str, n_bodies: int, n_years: int) -> tuple[str | None, bool]:
    """(operation, descending). None when the question names no operation (a follow-up inherits one)."""
    if re.search(r"什么时候|何时|哪天|哪一天|几月|日期|时间", text):
        return "text", True  # “报告是什么时候发布的”: a date, read from the report, not a figure
    if re.search(r"是否|有没有|是不是|有无|吗[?？。\s]*$", text):
        return "yesno", True

    if re.search(r"占比|比例|比重|百分比|百分之几|占[^，。？?]{0,15}(?:多少|几成)", text):
        return "ratio", True
    compare_words = r"谁|哪个|哪一个|哪家|比较|相比|对比|更多|更少|多还是少|高还是低|差多少|差距|相差|比"
    if n_bodies >= 2 and re.search(compare_words, text):
        fewer = re.search(r"更少|更低|较少|(?:谁|哪个|哪一个|哪家)[^多高]{0,10}[少低]", text) and not re.search(
            r"多还是少|高还是低", text)
        return "compare", not fewer
    if re.search(r"变化|增加|减少|增长|下降|增减|比上年|较上年|同比|多了|少了|涨|降", text) and n_bodies <= 1:
        return "change", True
    if re.search(r"排名|排序|排行|从高到低|从多到少|依次|前[三五十\d]+名?", text):
        return "rank", not re.search(r"从少到多|从低到高|升序", text)
    if re.search(r"最多|最高|最大|第一|最活跃", text):
        return "max", True
    if re.search(r"最少|最低|最小", text):
        return "min", False
    if re.search(r"平均|均值|人均", text):
        return "average", True
    if re.search(r"几个|多少个|有几|几家|多少家|数目", text):
        return "count", True
    summing = re.search(r"合计|总共|一共|总和|加起来|共计|累计|总计|合起来|总数|总量", text)
    if summing and (n_bodies != 1 or n_years > 1):  # one body's 总数 is its own figure, unless over several years
        return "sum", True
    if re.search(r"哪些|哪几|哪个|哪一个|哪家|有谁|列出|名单|谁", text):
        return "list", True
    if re.search(r"多少|几|数量|数字|金额|是多少|多大", text):
        return "value", True
    return None, True


# ---------------------------------------------------------------- the whole understanding
def understand(question: str, catalog: Catalog, previous: Query | None = None,
               previous_items: list[str] | None = None) -> Query:
    """`previous`/`previous_items`: the last turn's query and the bodies its answer named (for 它/其/该)."""
    folded = fold(question).strip()
    agencies: list[str] = []
    bodies, regions, blanked = find_bodies(folded, catalog, agencies)
    near, unknown = find_unknown_bodies(blanked, catalog, folded)
    bodies += [b for b in near if b not in bodies]
    years = find_years(folded, catalog)
    if bodies and re.search(r"最新|最近一年", folded) and not _YEAR.search(folded):
        years = []  # “侯家镇最新一年…”: that body's latest report, not the corpus's latest year
    known_years = set(catalog.years)
    q = Query(text=question, folded=folded)
    q.bodies = bodies
    q.agencies = agencies
    q.regions = regions
    q.unknown_bodies = unknown
    q.years = [y for y in years if y in known_years]
    q.unknown_years = [y for y in years if y not in known_years]
    q.levels = [] if bodies else find_levels(blanked)
    q.noun_text = blanked
    measure = find_measure(blanked)
    # Remove the measure's own words before reading the condition (“无法提供” is not “无”) and the topic (the 渠道
    # of “通过各类渠道公开了多少条” is the total's word, not the platform topic).
    rest = blanked
    if measure is not None:
        for cue in sorted(MEASURE_BY_KEY.get(measure.key, measure).cues, key=len, reverse=True):
            rest = rest.replace(cue, "□")
    topic = find_topic(rest)
    rest = re.sub(r"20\d\d\s*(?:年|年度)?", "□", rest)
    operation, descending = find_operation(rest, len(bodies), len(q.years))
    one_body = len(bodies) == 1 and not (regions or q.levels)
    if operation == "list" and one_body and find_condition(rest) is None:
        operation = "text"  # “港口乡主动公开了哪些类别的信息”: which things, not which bodies
    if operation == "count" and one_body and find_condition(rest) is None:
        operation = "value"  # “在多少个社区服务点…”, “政策解读有几条”: how many of something, not how many bodies
    if measure is None and operation in ("compare", "max", "min", "rank", "sum", "average", "change") and re.search(
            r"公开|发布|公布", blanked):
        measure = MEASURE_BY_KEY["fact.proactive_total"]  # “谁公开得多”: the proactive-disclosure total
    # A prose topic (问题, 措施, 平台…) wins unless the question plainly asks for a figure.
    numeric = operation in ("value", "count", "sum", "average", "max", "min", "rank", "compare", "change", "yesno",
                            "ratio")
    if operation == "text" or (topic is not None and (measure is None or not numeric)):
        q.topic, q.operation = topic, "text"
    else:
        q.measure = measure.key if measure else None
        named = find_measures(blanked, ratio=operation == "ratio") if measure else []
        q.measures = [m.key for m in named] if len(named) > 1 else []
        q.operation = operation
        q.descending = descending
        if operation in ("list", "count", "yesno", None):
            q.condition = find_condition(rest)
    # A follow-up leans on the last turn (“那2020年呢？”, “一共有几个？”); a question that names nothing and asks no
    # figure (“天气怎么样”) is not one, and must not inherit the last turn's bodies and topic.
    names_nothing = not (bodies or regions or q.levels or unknown or q.measure or q.topic)
    # “五份报告里”, “所有单位”: every report is a scope said, not a pointer to the last turn's (nor a noun counted)
    every_report = not (bodies or regions or q.levels) and bool(re.search(REPORTS_QUANTIFIED, blanked))
    names_scope = bool(bodies or regions or q.levels or unknown or every_report)
    points_back = not names_scope and bool(re.search(ANAPHORA, folded))
    # “电话是多少？” after a question about 港口乡: a figure or topic asked of no one is asked of the last turn's scope
    asks_unscoped = not names_scope and bool(q.topic or q.measure)
    is_follow_up = previous is not None and (
        bool(_FOLLOW_UP.search(folded)) or points_back or asks_unscoped
        or (names_nothing and bool(_ASKS_FIGURE.search(folded)))
    )
    if is_follow_up:
        named_here = bool(bodies or regions or q.levels)
        q = q.merged_with(previous)
        if every_report:  # “那五份报告呢”: the figure asked before, over every report and year
            q.bodies, q.regions, q.levels, q.agencies, q.years = [], [], [], [], [y for y in years if y in known_years]
        if bodies and not (years or q.unknown_years) and not any(
                (b, y) in catalog.body_years for b in q.bodies for y in q.years):
            q.years = []  # “侯家镇呢？” after a 米山镇 2022 question: 侯家镇's own report, not a 2022 it lacks
        back, ahead = re.search(RELATIVE, folded), re.search(FOLLOWING, folded)
        step = -1 if back else 1 if ahead else 0
        if step and previous.years and not _YEAR.search(folded):
            # “那上一年呢？” steps from the year the last turn asked about, not from the corpus's newest year
            stepped = [y + step for y in previous.years]
            q.years = [y for y in stepped if y in known_years]
            q.unknown_years = [y for y in stepped if y not in known_years]
        if not named_here and re.search(ANAPHORA + r"|其|该", folded) and previous_items and len(previous_items) == 1:
            # “它的…呢” after an answer that named one body: that body, and a plain value for it.
            q.bodies, q.regions, q.levels, q.agencies = list(previous_items), [], [], []
            if q.operation in ("list", "count", "max", "min", "rank", "compare"):
                q.operation, q.condition = "value", None
    if q.operation is None:  # nothing said how: a figure's value, or prose (retrieval over every section)
        q.operation = "value" if q.measure else "text"
    return q


def is_bare_follow_up(query: Query, catalog: Catalog) -> bool:
    """“那2020年呢？”, “那侯家镇呢？” with no earlier turn to lean on: beside names and years, nothing is asked
    (“辉渠镇发放了多少张明白纸呢？” is a whole question that happens to end in 呢)."""
    if query.follow_up or query.measure is not None or query.topic is not None or not _FOLLOW_UP.search(query.folded):
        return False
    rest = _without_bodies(query.folded, catalog)
    rest = re.sub(r"(?:19|20)\d\d\s*年?度?|[□?？。!！，,\s]|呢", "", rest)
    rest = re.sub(r"^(?:那么|那|它的|它|其|该|还有|另外|同样|那个)", "", rest)
    return len(rest) <= 2
