"""Who wrote the report and for which year: title, agency, short name, region chain, level, signing date.

The year comes from the title (“2021年政府信息公开工作年度报告”), never from the signing date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexing.normalize import chinese_number, clean_display, fold, strip_junk

MAX_TITLE_SEARCH_LINES = 60  # page furniture (breadcrumbs, 字号, 打印本页) may sit above the title
MAX_LINES_AFTER_SIGNATURE = 10  # only export junk (chart data, page footers) follows a signature
_TITLE_WORDS = re.compile(r"政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)")
_TITLE_HEAD = re.compile(r"政府信息公开(?:工作)?$")
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")
_YEAR_ANY_WIDTH = re.compile(r"(?:[12１２][0-9０-９]{3})\s*年")
_CN_DATE_DIGITS = "〇零一二三四五六七八九十"
_DATE_LINE = re.compile(
    rf"(?P<y>(?:19|20)\d\d|[{_CN_DATE_DIGITS}]{{4}})年(?P<m>\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,2}})月"
    rf"(?P<d>\d{{1,2}}|[{_CN_DATE_DIGITS}]{{1,3}})日$"
)
_FURNITURE = ("首页", ">", "/", "当前位置", "您的位置", "字号", "打印", "关闭窗口", "分享到")
_ORG_END = re.compile(r"(人民政府|政府|办事处|街道|镇|乡|局|委员会|委|办公室|办|中心|厅|院|署|所|站|公司|管委会)$")
_PUBLISH = re.compile(r"(?:公布)([\u4e00-\u9fff]{2,30}?)\s*(?:19|20)\d\d\s*年度?(?:政府信息公开|政务公开)")

# Region tokens inside a name, outermost first: 省/自治区, 市/州/盟/地区, 区/县/旗/县级市.
_REGION_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:自治区|特别行政区|省|自治州|地区|市|州|盟|自治县|区|县|旗)")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)?(?:办事处)?$")
_FUNCTION_CHARS = set("的在和及与对向由于为是我本各该其了好把将从按经据请可")


@dataclass
class Identity:
    title: str
    title_lines: tuple[int, int]  # [first, last] line index of the title
    year: int | None
    agency: str = ""
    short_name: str = ""
    region: list[str] = field(default_factory=list)
    level: str = ""
    signed_date: str | None = None
    signature_line: int | None = None  # the agency line of the signature block (body ends here)


def find_title(lines: list[str]) -> tuple[str, int, int] | None:
    """(title, first line, last line): the first line naming the report, joined with a wrapped line.

    Page furniture (breadcrumbs “首页/政府信息公开/年报”) is skipped; a title with a year beats one without.
    """
    seen = 0
    yearless: tuple[str, int, int] | None = None
    for i, line in enumerate(lines):
        folded = re.sub(r"\s+", "", fold(line))
        if not folded:
            continue
        seen += 1
        if seen > MAX_TITLE_SEARCH_LINES:
            break
        if len(folded) > 60 or any(m in folded for m in _FURNITURE):
            continue
        first, last = i, i
        if not _TITLE_WORDS.search(folded):
            nxt = _next_nonblank(lines, i)
            if nxt is None or not _TITLE_HEAD.search(folded):
                continue
            joined = folded + re.sub(r"\s+", "", fold(lines[nxt]))
            if not _TITLE_WORDS.search(joined):
                continue
            last = nxt
        # A title that starts with the year may have the body's name on the line above (sample 002).
        prev = _prev_nonblank(lines, i)
        if _YEAR.match(folded) and prev is not None:
            above = re.sub(r"\s+", "", fold(lines[prev]))
            if above and len(above) <= 30 and _ORG_END.search(above) and "政府信息公开" not in above:
                first = prev
        title = "".join(_clean(lines[k]) for k in range(first, last + 1))
        if _YEAR.search(fold(title)):
            return title, first, last
        yearless = yearless or (title, first, last)
    return yearless


def find_signature(lines: list[str], after: int) -> tuple[int | None, int | None, str | None]:
    """(agency line, date line, ISO date) of the closing signature block, searching from the end."""
    for i in range(len(lines) - 1, after, -1):
        folded = re.sub(r"\s+", "", fold(lines[i]))
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
            name = re.sub(r"\s+", "", fold(lines[prev]))
            if name and len(name) <= 40 and _ORG_END.search(name):
                return prev, i, date
        return None, i, date
    return None, None, None


def _iso_date(y: str, m: str, d: str) -> str | None:
    year = _cn_digits(y)
    month, day = chinese_number(m), chinese_number(d)
    if year is None or month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{int(month):02d}-{int(day):02d}"


def _cn_digits(y: str) -> int | None:
    """“2022” or “二〇二二” (digit by digit) → 2022."""
    digits = y.translate(str.maketrans("〇零一二三四五六七八九", "00123456789"))
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


def identify(lines: list[str]) -> Identity | None:
    found = find_title(lines)
    if found is None:
        return None
    title, first, last = found
    m = _YEAR.search(fold(title))
    ident = Identity(title=title, title_lines=(first, last), year=int(m.group(1)) if m else None)
    sig_line, date_line, ident.signed_date = find_signature(lines, last)
    ident.signature_line = sig_line if sig_line is not None else date_line
    ident.agency = _agency(lines, title, sig_line, last)
    ident.region, ident.short_name = split_name(ident.agency)
    if ident.region and level_of(ident.agency, ident.short_name) == "部门":
        ident.short_name = ident.region[-1] + ident.short_name  # 教育局 alone names no one: 文登区教育局
    if not ident.region:
        ident.region = _region_from_mentions(lines, ident.short_name)
    ident.level = level_of(ident.agency, ident.short_name) if ident.agency else ""
    return ident


def _agency(lines: list[str], title: str, sig_line: int | None, title_end: int) -> str:
    """The body's full name as written: signature, then “现公布X2021年…”, then the title's prefix."""
    names: list[str] = []
    if sig_line is not None:
        names.append(_clean(lines[sig_line]))
    body = "\n".join(lines[title_end + 1 : title_end + 8])
    m = _PUBLISH.search(fold(body))
    if m:
        names.append(m.group(1))
    prefix = _YEAR_ANY_WIDTH.split(re.sub(r"\s+", "", strip_junk(title)), maxsplit=1)[0]
    prefix = re.sub(r"关于$", "", prefix)
    if prefix and "政府信息公开" not in fold(prefix):
        names.append(prefix)
    # “2021年度威海市文登区侯家镇人民政府政府信息公开工作年度报告”: the name after the year.
    after = re.search(r"年度?(.+?)(?:政府信息公开|政务公开)", re.sub(r"\s+", "", strip_junk(title)))
    if after and _ORG_END.search(fold(after.group(1))):
        names.append(after.group(1))
    names = [n for n in names if 2 <= len(n) <= 40]
    if not names:
        return ""
    # The longest name that contains the title's own name is the fullest spelling of the same body.
    return max(names, key=lambda n: (len(n), -names.index(n)))


def split_name(agency: str) -> tuple[list[str], str]:
    """“威海市文登区侯家镇人民政府” → (["威海市", "文登区"], "侯家镇")."""
    name = fold(agency).strip()
    region: list[str] = []
    rest = name
    while True:
        m = _REGION_TOKEN.match(rest)
        if not m:
            break
        tail = rest[m.end() :]
        core = _GOV_SUFFIX.sub("", tail)
        if len(core) < 2:
            break  # the token *is* the body (铜鼓县人民政府): it is not a region it sits in
        region.append(m.group(0))
        rest = tail
    short = _GOV_SUFFIX.sub("", rest) or rest
    return region, short


def level_of(agency: str, short_name: str) -> str:
    name = fold(agency)
    short = fold(short_name)
    if short.endswith("街道") or name.endswith(("街道办事处", "街道")):
        return "街道"
    if short.endswith(("镇", "乡")):
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


def _clean(line: str) -> str:
    """Display form of a title or name line: export junk and spaces gone, characters as written."""
    return re.sub(r"\s+", "", clean_display(line))


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
