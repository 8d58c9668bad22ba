"""Who wrote the report and for which year, from every place that names them.

Real files often carry no title line (it sat in the page's <title> or the file name), open with page chrome, or name
the body only in the opening sentence (“现将我镇2022年度…报告如下”), a metadata row (发布机构：…), the statistics
period or the signature. Each place gives *candidates*; each field takes the first candidate in `PRIORITY` order and
keeps where it came from (`Identity.sources`). A field no place names stays empty: it is flagged, never guessed.
The year is the year reported on, never the signing or publishing date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from indexing.normalize import CN_DIGITS, chinese_number, clean_display, fold, strip_junk

MAX_TITLE_SEARCH_LINES = 60  # page chrome (breadcrumbs, 字号, 打印本页, metadata rows) may sit above the title
MAX_TITLE_CHARS = 60
MAX_OPENING_LINES = 15  # the opening sentence and the statistics period sit right after the title
MAX_LINES_AFTER_SIGNATURE = 10  # only export junk (chart data, page footers) follows a signature

# Where a field may come from, most trusted first.
PRIORITY: tuple[str, ...] = (
    "title", "manifest", "page_title", "opening", "statistics_period", "signature", "metadata", "breadcrumb",
    "file_name", "mentions", "overview",
)  # fmt: skip

_REPORT_WORDS = r"(?:政府信息公开|政务公开|信息公开)"
# “…政府信息公开工作年度报告”, “…信息公开工作2022年度报告”, “…政务公开工作开展年度报告”, “…公开情况的报告”, “…年报”.
_TITLE_WORDS = re.compile(
    rf"{_REPORT_WORDS}[\u4e00-\u9fff\d]{{0,8}}?(?:年度报告|年报|工作报告|情况的?报告|年度工作报告)"
)
_TITLE_HEAD = re.compile(rf"{_REPORT_WORDS}(?:工作)?(?:年度)?$")
_NOT_TITLE = re.compile(r"现将|如下|根据|按照|依据|编制|[，。；>»/]|首页|当前位置|您的位置|发布时间|浏览|点击")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_ANY_WIDTH = re.compile(r"(?:[12１２][0-9０-９]{3})\s*年")
_CN_DATE_DIGITS = "〇零一二三四五六七八九十"
_DATE_LINE = re.compile(
    rf"(?P<y>(?:19|20)\d\d|[{_CN_DATE_DIGITS}]{{4}})年(?P<m>\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,2}})月"
    rf"(?P<d>\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,3}})日$"
)
_ORG_SUFFIX = (
    r"(?:人民政府|政府|办事处|街道|镇|乡|苏木|局|委员会|委|办公室|办|中心|厅|院|署|所|站|公司|管委会|管理委员会)"
)
_ORG_END = re.compile(rf"{_ORG_SUFFIX}$")
_NAME = r"[\u4e00-\u9fff（）()·]{2,40}?"
# The opening sentence names the body and the year: “现公布X2021年…”, “现将我镇2022年度…报告如下”, “编制《X2022年…》”.
_OPENING = re.compile(
    rf"(?:现将|现公布|现予公布|特公布|予以公布|现发布|现向社会公布|编制|发布)了?《?"
    rf"(?:我[镇乡区县市局办委街]|本机关|本单位|本部门)?(?P<agency>{_NAME})?\s*(?P<year>(?:19|20)\d\d)\s*年度?(?:的)?"
    rf"(?P<after>{_NAME})?{_REPORT_WORDS}"
)
# “现将X本年度政府信息公开工作情况报告如下”: the body named, the year not.
_OPENING_NO_YEAR = re.compile(
    rf"(?:现将|现公布|现予公布|特公布|现发布|现向社会公布)《?(?P<agency>{_NAME})(?:本年度|本年|年度)?(?:的)?{_REPORT_WORDS}"
)
# “本报告由X编制”, “…规定，X编制了…报告”, “由X负责编制”.
_COMPILED_BY = re.compile(rf"(?:由|[，,。]|^)(?P<agency>{_NAME})(?:负责)?(?:编制|编写|制作)")
# The body as the subject of the overview's first sentences: “2022年，青禾镇人民政府认真贯彻…”.
_MENTION = re.compile(
    r"(?:^|[，,。；\s])(?P<name>[\u4e00-\u9fff]{2,16}?(?:街道办事处|人民政府|苏木|街道|镇|乡|局|委员会|办公室))"
    r"(?=认真|坚持|严格|始终|紧紧|深入|全面|切实|积极|按照|在|围绕|高度|以|进一步|持续|不断|结合|聚焦|把|将|牢固)"
)
# The year the overview opens with: “一、总体情况 / 2022年，我镇…”, “（一）主动公开情况。2022年以来，…”.
_OVERVIEW_YEAR = re.compile(r"(?:^|[。\n])[^，。\n]{0,12}?((?:19|20)\d\d)年(?:度|以来|全年)?[，,]")
_SUBJECT_LEAD = re.compile(r"^(?:本(?:年度)?(?:报告|年报)(?:是)?(?:根据.*)?|根据.*?规定|报告)")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|周期|范围)[^。；\n]{0,10}?((?:19|20)\d\d)")
_METADATA = re.compile(
    r"(?:发布机构|发文机关|发布单位|来源|信息来源|公开主体|所属机构|发布部门)\s*[:：]\s*(?P<value>[^\s|:：]{2,40})"
)
# “来源：政务公开办”, “来源：本站”: an office or the site, not the body that reports.
_OFFICE_ONLY = re.compile(r"^(?:政务公开|信息公开|政府信息公开|本站|本网|原创|办公室|综合办)")
_LABEL = re.compile(r"^(?:标题|標題|名称|名稱|题名|題名|文章标题|信息名称)\s*[:：]?\s*")
_MARKUP = re.compile(r"^[#>*\-\s]+|[*_`]+")

# Region tokens inside a name, outermost first: 省/自治区, 市/州/盟/地区, 区/县/旗/县级市.
_REGION_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:自治区|特别行政区|省|自治州|地区|市|州|盟|自治县|区|县|旗)")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)?(?:办事处)?$")
# A zone's committee is a body, not a region it sits in (柳园区 is a district: a bare 园区 is not a zone).
_ZONE_WORDS = r"(?:开发区|高新区|工业园区|产业园区|科技园区|试验区|示范区|合作区|保税区)"
_ZONE = re.compile(rf"{_ZONE_WORDS}$")
_ZONE_BODY = re.compile(_ZONE_WORDS)  # its name is its own
_GENERIC = {"街道", "镇", "乡", "办事处", "人民政府", "政府", "街道办事处"}  # a level word is not a body's name
_FUNCTION_CHARS = set("的在和及与对向由于为是我本各该其了好把将从按经据请可")


@dataclass(frozen=True)
class Hints:
    """What came with the file rather than in its text: its name, an HTML <title> or .docx title, a manifest row."""

    file_name: str = ""
    page_titles: tuple[str, ...] = ()
    agency: str = ""  # manifest
    region: tuple[str, ...] = ()  # manifest
    year: int | None = None  # manifest


@dataclass
class Identity:
    title: str = ""
    title_lines: tuple[int, int] | None = None  # [first, last] line index of the title in the text
    body_start: int = 0  # first line of the report body (after the title or the page chrome)
    year: int | None = None
    agency: str = ""
    short_name: str = ""
    region: list[str] = field(default_factory=list)
    level: str = ""
    signed_date: str | None = None
    signature_line: int | None = None  # the agency (or date) line of the signature block: the body ends there
    sources: dict[str, str] = field(default_factory=dict)  # field -> PRIORITY entry it came from


# ---------------------------------------------------------------- lines
def _compact(line: str) -> str:
    return re.sub(r"\s+", "", fold(line))


# Metadata cells and page-title parts (“网站名-标题_栏目”) are separate pieces.
_PIECE_SEPARATOR = re.compile(r"[|_]|(?<=[\u4e00-\u9fff])[-–—](?=\d|[\u4e00-\u9fff])")


# Invisible characters that pages and exports put before a title or inside a name (zero-width spaces and joiners,
# word joiners, byte-order marks, soft hyphens): they are no part of the words, and a name read with them names no one.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def _visible(text: str) -> str:
    """The text without whitespace (any width: U+3000, NBSP, en/em spaces, tabs) or invisible characters."""
    return _INVISIBLE.sub("", re.sub(r"\s+", "", text))


def _fields(line: str) -> list[str]:
    """A line's text pieces as written: pipe cells of a metadata row apart, markdown marks and “标题：” labels gone."""
    out = []
    for part in _PIECE_SEPARATOR.split(_visible(clean_display(line))):
        part = _LABEL.sub("", _MARKUP.sub("", part))
        if part:
            out.append(part)
    return out


def is_title(text: str) -> bool:
    compact = _compact(text)
    return bool(_TITLE_WORDS.search(compact)) and len(compact) <= MAX_TITLE_CHARS and not _NOT_TITLE.search(compact)


def find_title(lines: list[str]) -> tuple[str, int, int] | None:
    """(title, first line, last line): the first line near the top naming the report, joined with a wrapped line.

    Chrome and metadata labels around it are dropped (“|标题:|…|”, “# …”); a title with a year beats one without.
    """
    seen = 0
    yearless: tuple[str, int, int] | None = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > MAX_TITLE_SEARCH_LINES:
            break
        found = _title_at(lines, i)
        if found is None:
            continue
        if _YEAR.search(fold(found[0])):
            return found
        yearless = yearless or found
    return yearless


def _title_at(lines: list[str], i: int) -> tuple[str, int, int] | None:
    pieces = _fields(lines[i])
    for piece in pieces:
        if is_title(piece):
            return _with_name_above(lines, i, piece, i)
    run_on = _title_running_on(lines[i])
    if run_on:
        return run_on, i, i
    # A title wrapped after “…政府信息公开工作” continues on the next line.
    nxt = _next_nonblank(lines, i)
    if nxt is None or len(pieces) != 1 or not _TITLE_HEAD.search(fold(pieces[0])):
        return None
    joined = pieces[0] + "".join(_fields(lines[nxt]))
    return _with_name_above(lines, i, joined, nxt) if is_title(joined) else None


MAX_RUN_ON_WORDS = 40  # words of a flattened page's first line searched for its title
MIN_TEXT_AFTER_TITLE = 10  # a flattened page's title runs on into a whole sentence at least


def _title_running_on(line: str) -> str:
    """The title of a flattened page, whose first line runs on from the title into the text after a space (“云川县
    青禾镇2022年政府信息公开工作年度报告 根据《条例》…现将…报告如下。”), maybe after the page's metadata (“发布时间：…
    浏览次数：…”). Read as one piece, the line is a sentence and names no report. The title is the shortest run of
    whole words that reads as one, opening the line or right after the metadata, with more text after it."""
    words = line.split()
    if len(words) < 2 or ("报" not in line and "報" not in line) or not _TITLE_WORDS.search(_compact(line)):
        return ""  # (“报告”/“年报” in either script: most lines are ruled out before folding)
    words = words[:MAX_RUN_ON_WORDS]
    for start in range(len(words) - 1):
        if len(_compact(words[start])) <= 1:
            continue  # a lone character (the 中 小 of “字号：大 中 小”) is the chrome's, never a title's start
        lead = _compact("".join(words[:start]))
        if lead and not (_CHROME.search(lead) and not re.search(r"[，。；>»›]", lead)):
            return ""  # text before it that is no page metadata: a sentence naming the report, not its title
        for end in range(start + 1, len(words)):  # always leaves text after the title
            candidate = "".join(_fields(" ".join(words[start:end])))
            if len(candidate) > MAX_TITLE_CHARS or _CHROME.search(_compact(candidate)):
                break  # too long, or it takes in the metadata (“【字体：大 中 小】”): the title starts later
            if is_title(candidate):
                # The shortest: a title said twice (“X年报 X年报 根据…”) is one title. What follows it must be the
                # page's text, not the end of a sentence that names the report (“详见 X年度报告 全文。”).
                after = _compact("".join(words[end:]))
                return candidate if len(after) >= MIN_TEXT_AFTER_TITLE else ""
    return ""


def _with_name_above(lines: list[str], i: int, title: str, last: int) -> tuple[str, int, int]:
    """A title that starts with the year may have the body's name alone on the line above (sample 002) or below
    (“2022年…年度报告 / 云川县青禾镇人民政府 / 2022年…年度报告”, the name between two copies of the title)."""
    if _title_names(title)[0]:
        return title, i, last  # the title names its body already
    prev, nxt = _prev_nonblank(lines, i), _next_nonblank(lines, last)
    for k, first, end in ((prev, prev, last), (nxt, i, nxt)):
        if k is None:
            continue
        name = "".join(_fields(lines[k]))
        named = _ORG_END.search(fold(name)) or _PLACE_END.search(fold(name))  # “…镇人民政府”, or a place: “瑞禾市”
        if name and len(name) <= 30 and named and "信息公开" not in fold(name) and _clean_name(name):
            return name + title, first, end
    return title, i, last


# ---------------------------------------------------------------- signature
def find_signature(lines: list[str], after: int) -> tuple[int | None, int | None, str | None]:
    """(agency line, date line, ISO date) of the closing signature block, searching from the end."""
    for i in range(len(lines) - 1, after, -1):
        folded = _compact(lines[i])
        m = _DATE_LINE.search(folded)
        if not m or not folded:
            continue
        if i < after + (len(lines) - after) // 2:
            break  # a bare date in the first half is not a signature
        if sum(1 for line in lines[i + 1 :] if line.strip()) > MAX_LINES_AFTER_SIGNATURE:
            break  # a date with a body of text after it is a date in the text
        date = _iso_date(m.group("y"), m.group("m"), m.group("d"))
        name = folded[: m.start()]
        if name:  # “威海市文登区侯家镇人民政府 2022年1月26日” on one line
            return (i if _ORG_END.search(name) and len(name) <= 40 else None), i, date
        prev = _prev_nonblank(lines, i)
        if prev is not None and prev > after:
            name = _compact(lines[prev])
            if name and len(name) <= 40 and _ORG_END.search(name):
                return prev, i, date
        return None, i, date
    # An undated signature: the last line alone names the body (“…人民政府”).
    last = _prev_nonblank(lines, len(lines))
    if last is not None and last > after:
        name = _compact(lines[last])
        if 4 <= len(name) <= 40 and _ORG_END.search(name) and not re.search(r"[，。；：:]", name):
            return last, None, None
    return None, None, None


def is_signature(text: str) -> bool:
    """A signature as one piece of text: a date alone (“2023年1月20日”) or after the body's name (“青禾镇人民政府
    2023年1月20日”). Used to cut a signature off the sentence it runs on from, on a line of its own."""
    folded = _compact(text)
    m = _DATE_LINE.search(folded)
    if not m:
        return False
    name = folded[: m.start()]
    return not name or (len(name) <= 40 and bool(_ORG_END.search(name)) and _clean_name(name) != "")


def _iso_date(y: str, m: str, d: str) -> str | None:
    year = _cn_digits(y)
    month, day = chinese_number(m), chinese_number(d)
    if year is None or month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{int(month):02d}-{int(day):02d}"


def _cn_digits(y: str) -> int | None:
    """“2022” or “二〇二二” (digit by digit) → 2022."""
    digits = y.translate(CN_DIGITS)
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


# ---------------------------------------------------------------- candidates
Candidates = dict[str, list[tuple[str, object]]]  # field -> [(where, value)]


def _title_names(title: str) -> tuple[str, int | None]:
    """(body name, year) a title states: the words before the year or the report words (“X2021年…”, “X政府信息公开
    工作2022年度报告”), else the name between them (“2021年度X政府信息公开…”, “2022年上海市政府信息公开…”)."""
    text = _visible(strip_junk(title))
    if fold(text).startswith("关于"):  # “關於…” too
        text = text[2:]
    folded = fold(text)
    m = _YEAR.search(folded)
    year = int(m.group(1)) if m else None
    words = re.search(_REPORT_WORDS, folded)
    cut = min(x.start() for x in (m, words) if x is not None) if (m or words) else len(text)
    before = text[:cut]
    before = before[:-2] if fold(before).endswith("关于") else before  # “X关于2022年度…的报告”, 關於 too
    if before:
        return before, year
    between = re.search(rf"年度?(.+?){_REPORT_WORDS}", folded)
    # Positions come from the folded form; the name keeps the characters as written when the two align.
    source = text if len(text) == len(folded) else folded
    name = _clean_name(source[between.start(1) : between.end(1)]) if between else ""
    if name and (_ORG_END.search(fold(name)) or _PLACE_END.search(fold(name))):
        return name, year
    return "", year


_PLACE_END = re.compile(r"(?:省|自治区|市|州|盟|县|区|旗)$")


def _opening(lines: list[str], start: int) -> tuple[str, int | None]:
    """(body, year) the opening sentences name: “现公布X2021年…报告”, “现发布《2022年X…报告》”, “由X编制”."""
    text = _compact("".join(lines[start : start + MAX_OPENING_LINES]))
    agency, year = "", None
    m = _OPENING.search(text)
    if m:
        year = int(m.group("year"))
        after = m.group("after") or ""
        agency = m.group("agency") or (after if _ORG_END.search(after) else "")
    elif (unnamed_year := _OPENING_NO_YEAR.search(text)) and _ORG_END.search(unnamed_year.group("agency")):
        agency = unnamed_year.group("agency")
    for by in _COMPILED_BY.finditer(text[:400]):
        name = re.sub(r"^.*由", "", _SUBJECT_LEAD.sub("", by.group("agency")))
        if _ORG_END.search(_body_of(name)) and len(_body_of(name)) > len(agency):
            agency = name
            break
    return agency, year


def _period_year(lines: list[str], start: int) -> int | None:
    m = _PERIOD.search(_compact("".join(lines[start : start + MAX_OPENING_LINES])))
    return int(m.group(1)) if m else None


def _mentioned(lines: list[str], start: int) -> tuple[str, int | None]:
    """(body, year) the overview's first sentences state as their subject and their year — the weakest evidence,
    used only when nothing else names them."""
    text = "\n".join(_compact(line) for line in lines[start : start + MAX_OPENING_LINES])
    names = [m.group("name") for m in _MENTION.finditer(text)]
    higher = re.compile(r"[县市区省]人民政府$|^[县市区省我本]")  # the county above, “我镇”: not this body's name
    lower = [n for n in names if not higher.search(n)]
    years = [int(m.group(1)) for m in _OVERVIEW_YEAR.finditer(text)]
    return (lower[0] if lower else ""), (years[0] if years else None)


def _breadcrumb_agency(lines: list[str]) -> str:
    """“首页 > 云川县青禾镇人民政府 > 政府信息公开 > 年度报告”: a site section named after the body."""
    for line in lines[:MAX_TITLE_SEARCH_LINES]:
        parts = [p.strip() for p in re.split(r"[>»›]+", fold(line))]
        if len(parts) < 3:
            continue
        names = [p for p in parts if _ORG_END.search(re.sub(r"\s+", "", p)) and not _OFFICE_ONLY.match(p)]
        if names:
            return re.sub(r"\s+", "", names[-1])
    return ""


def _metadata_agency(lines: list[str]) -> str:
    for line in lines[:MAX_TITLE_SEARCH_LINES]:
        for m in _METADATA.finditer(fold(line).replace("|", " ")):  # spaces kept: they end a value
            value = _MARKUP.sub("", m.group("value"))
            if _ORG_END.search(value) and not _OFFICE_ONLY.match(value):
                return value
    return ""


def _file_name(name: str) -> tuple[str, int | None]:
    """(body, year) a file name states, when it names a report: “X2022年政府信息公开工作年度报告.docx”."""
    stem = fold(PurePath(name).stem)
    if not re.search(r"报告|年报|信息公开|政务公开", stem):
        return "", None
    m = _YEAR.search(stem) or re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", stem)
    year = int(m.group(1)) if m and plausible_year(int(m.group(1))) else None
    words = re.search(rf"{_REPORT_WORDS}|年报|年度报告", stem)
    cut = min((x.start() for x in (m, words) if x is not None), default=len(stem))
    prefix = re.sub(r"[^\u4e00-\u9fff]", "", PurePath(name).stem[:cut])
    return (prefix if _ORG_END.search(fold(prefix)) else ""), year


FIRST_YEAR = 2007  # the disclosure regulation dates from 2007; its first reports cover 2008


def plausible_year(year: int) -> bool:
    import datetime

    return FIRST_YEAR <= year <= datetime.date.today().year + 1


def _candidates(lines: list[str], ident: Identity, hints: Hints, sig_line: int | None) -> Candidates:
    cands: Candidates = {"agency": [], "year": []}

    def add(where: str, agency: str, year: int | None) -> None:
        agency = _clean_name(agency)
        if agency:
            cands["agency"].append((where, agency))
        if year is not None and plausible_year(year):
            cands["year"].append((where, year))

    if ident.title_lines is not None:
        add("title", *_title_names(ident.title))
    add("manifest", hints.agency, hints.year)
    for page_title in hints.page_titles:
        if is_title(page_title):
            add("page_title", *_title_names(page_title))
    add("opening", *_opening(lines, ident.body_start))
    add("statistics_period", "", _period_year(lines, ident.body_start))
    if sig_line is not None:
        add("signature", _DATE_LINE.split("".join(_fields(lines[sig_line])))[0], None)
    add("metadata", _metadata_agency(lines), None)
    add("breadcrumb", _breadcrumb_agency(lines), None)
    add("file_name", *_file_name(hints.file_name))
    name, year = _mentioned(lines, ident.body_start)
    add("mentions", name, None)
    add("overview", "", year)
    return cands


_ALIAS = re.compile(r"[（(][^）)]*[）)]$")  # “…发展局(…管委会)”: a second name for the same office
# An office inside a township or street that compiles its report: the body is the township or street.
_INTERNAL_OFFICE = re.compile(r"(街道|镇|乡|苏木)(?:办事处)?(?:党政|综合|党建)[\u4e00-\u9fff]{0,8}$")


def _body_of(name: str) -> str:
    return _INTERNAL_OFFICE.sub(r"\1", _ALIAS.sub("", name))


def _clean_name(name: str) -> str:
    """A body name as written, or "" when the text is not one (a sentence, “我镇”, a level word alone)."""
    name = _LABEL.sub("", _MARKUP.sub("", _visible(clean_display(name or ""))))
    name = _body_of(re.sub(r"^[《“\"]|[》”\"]$", "", name))
    core = fold(name)
    if not (2 <= len(core) <= 40) or not re.fullmatch(r"[\u4e00-\u9fff（）()·]+", core):
        return ""
    if core in _GENERIC or core.startswith(("我", "本")):
        return ""
    return name


def _resolve(cands: Candidates, key: str) -> tuple[object, str] | None:
    ranked = sorted(cands[key], key=lambda c: PRIORITY.index(c[0]))
    return (ranked[0][1], ranked[0][0]) if ranked else None


def _fullest(names: list[tuple[str, object]], chosen: str) -> str:
    """The longest spelling among the candidates that name the same body as the chosen one."""
    _, short = split_name(chosen)
    same = [str(n) for _, n in names if split_name(str(n))[1] == short]
    return max(same, key=len) if same else chosen


# ---------------------------------------------------------------- entry point
def identify(lines: list[str], hints: Hints | None = None) -> Identity:
    """Identity from the text and what came with the file; empty fields where nothing names them."""
    hints = hints or Hints()
    ident = Identity()
    found = find_title(lines)
    if found is not None:
        ident.title, first, last = found
        ident.title_lines = (first, last)
        # A flattened page's title runs on into the opening sentence: the body starts on the title's line.
        runs_on = first == last and not any(is_title(p) for p in _fields(lines[first]))
        ident.body_start = first if runs_on else last + 1
    else:
        ident.body_start = chrome_end(lines)
        ident.title = next((t for t in hints.page_titles if is_title(t)), "")
    sig_line, date_line, ident.signed_date = find_signature(lines, ident.body_start - 1)
    ident.signature_line = sig_line if sig_line is not None else date_line
    cands = _candidates(lines, ident, hints, sig_line)
    year = _resolve(cands, "year")
    if year is not None:
        ident.year, ident.sources["year"] = int(year[0]), year[1]
    agency = _resolve(cands, "agency")
    if agency is not None:
        ident.agency = _fullest(cands["agency"], str(agency[0]))
        ident.sources["agency"] = agency[1]
    _name_parts(ident, lines, hints)
    return ident


def _name_parts(ident: Identity, lines: list[str], hints: Hints) -> None:
    if not ident.agency:
        return
    ident.region, ident.short_name = split_name(ident.agency)
    ident.level = level_of(ident.agency, ident.short_name)
    manifest = [fold(x) for x in hints.region]
    if manifest and manifest[len(manifest) - len(ident.region) :] == ident.region:  # the same chain, or a fuller one
        ident.region, ident.sources["region"] = manifest, "manifest"
    elif not ident.region:
        ident.region = _region_from_mentions(lines, ident.short_name)
        if ident.region:
            ident.sources["region"] = "text_mentions"
    elif ident.region:
        ident.sources["region"] = ident.sources.get("agency", "")
    ident.short_name = said_name(ident.region, ident.short_name, ident.level)


def said_name(region: list[str], short: str, level: str) -> str:
    """The name users say: 教育局 alone names no one, so a department keeps its county (文登区教育局); a zone's
    committee is named by the zone already."""
    if region and level == "部门" and not _ZONE_BODY.search(fold(short)) and not fold(short).startswith(region[-1]):
        return region[-1] + short
    return short


# ---------------------------------------------------------------- page chrome
_CHROME = re.compile(
    r"首页|当前位置|您的位置|您现在的位置|字号|字体|打印|关闭窗口|分享到|语音|朗读|浏览次数|阅读次数|访问量|发布时间|发布日期|"
    r"成文日期|索引号|文号|主题分类|信息分类|发布机构|来源|信息公开元数据|【|】|>|»|^[\W_]*$"
)


def chrome_end(lines: list[str]) -> int:
    """First line after the page chrome (breadcrumbs, 字号, metadata rows) that opens a page with no title line."""
    for i, line in enumerate(lines[:MAX_TITLE_SEARCH_LINES]):
        compact = _compact(line)
        if compact and not (len(compact) <= 80 and _CHROME.search(compact)):
            return i
    return 0


# ---------------------------------------------------------------- names
def split_name(agency: str) -> tuple[list[str], str]:
    """“威海市文登区侯家镇人民政府” → (["威海市", "文登区"], "侯家镇")."""
    name = fold(agency).strip()
    region: list[str] = []
    rest = name
    while True:
        m = _REGION_TOKEN.match(rest)
        if not m:
            break
        token, end = m.group(0), m.end()
        if token.endswith("州") and not token.endswith("自治州") and rest[end:end + 1] in ("市", "区", "县"):
            token, end = token + rest[end], end + 1  # 杭州市, 通州区: the 州 is part of the name, not a prefecture
        tail = re.sub(r"^(?:人民)?政府(?=.{2,})(?!办公)", "", rest[end:])  # 桦甸市人民政府新华街道办事处
        core = _GOV_SUFFIX.sub("", tail)
        if len(core) < 2 or core in _GENERIC or _ZONE.search(token):
            break  # the token *is* the body (铜鼓县人民政府, 城区街道, 某经济开发区管委会): not a region it sits in
        region.append(token)
        rest = tail
    short = _GOV_SUFFIX.sub("", rest) or rest
    return region, short


def level_of(agency: str, short_name: str) -> str:
    name = fold(agency)
    short = fold(short_name)
    if short.endswith("街道") or name.endswith(("街道办事处", "街道")):
        return "街道"
    if short.endswith(("镇", "乡", "苏木")):
        return "乡镇"
    if re.search(r"(局|委员会|委|办公室|办|中心|厅|署|院|所|站|管委会|公司)$", name):
        return "部门"
    if short.endswith("省") or name.endswith("省人民政府"):
        return "省级"
    if short.endswith(("县", "区", "旗", "自治县")):
        return "县级"
    if short.endswith(("市", "州", "盟")):
        return "市级"
    return "部门"


def _region_from_mentions(lines: list[str], short_name: str) -> list[str]:
    """When the name carries no region, the county the text names (“铜鼓县人民政府网站”), by majority."""
    text = fold("\n".join(lines))
    votes: Counter[str] = Counter()
    for m in re.finditer(r"(县|区|市|旗)(?:人民)?政府", text):
        end = m.start()
        for size in (2, 3):
            name = text[end - size : end]
            cjk = len(name) == size and all("\u4e00" <= c <= "\u9fff" for c in name)
            if cjk and not (set(name) & _FUNCTION_CHARS):
                votes[name + m.group(1)] += 1
    ranked = sorted((c for c in votes if short_name not in c), key=lambda c: (-votes[c], len(c)))
    return ranked[:1]


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for k in range(i + 1, min(len(lines), i + 4)):
        if lines[k].strip():
            return k
    return None


def _prev_nonblank(lines: list[str], i: int) -> int | None:
    for k in range(i - 1, max(-1, i - 4), -1):
        if lines[k].strip():
            return k
    return None
