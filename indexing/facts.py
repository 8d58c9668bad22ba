"""Figures stated in prose, each with the exact sentence it came from (a substring of the report, for citations).

A sentence is cut into *counts* (“235条”, “三百二十九篇”, “7件”); each count's *subject* is the text between the
previous count (or the clause start) and the number. The subject says what is counted: requests received or
handled, reviews and lawsuits, press conferences, policy interpretations, a channel (微信公众号, 门户网站, 公开栏 …),
the proactive-disclosure total, or — inside an enumeration (“其中工作动态30条，政策文件3条”) — a named item, kept as
`item:<noun>`. Approximate figures (“1200余条”) and changes (“比去年增加5件”) are not counts and are never kept.
Stated absences (“未收到政府信息公开申请”) are facts too. The first sentence that states a fact wins (overview first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from indexing.models import Fact
from indexing.normalize import NUMBER_TOKEN, chinese_number, fold
from indexing.schema import ITEM_PREFIX, SECTION_KEYS

_UNITS = "条篇件次则期场份个项宗起"
# A count: a number (not an ordinal 第N, not the tail of a longer numeral) and its unit; “余/多” mark approximations.
_COUNT = re.compile(
    rf"(?<![第\d.零〇一二两三四五六七八九十百千万])({NUMBER_TOKEN})\s*(万|千)?\s*(余|多|左右)?\s*([{_UNITS}])"
    r"(?![\u4e00-\u9fff]*[%％])"
)
_SCALE = {"万": 10_000, "千": 1_000, None: 1}
_CLAUSE_SPLIT = re.compile(r"[，,；;。!！?？]")
_SENTENCE = re.compile(r"[^。！？!?；]+[。！？!?；]?")
MIN_WRAPPED_LINE_CHARS = 30  # PDF text lines run to the page width; headings are short
MAX_ITEM_CHARS = 12

# ---------------------------------------------------------------- what a count's subject names
_NEG = r"(?:没有|未|无|均未|尚未|并未|未曾|不存在|未有)"
_CHANGE = re.compile(r"比|较|同比|环比|增加|减少|增长|下降|提高|其中含|占")
_REQUEST = re.compile(r"申请|依申请")
_HANDLED = re.compile(r"办结|答复|办理完成|办毕|已办理|办理了|处理完")
_RECEIVED = re.compile(r"收到|受理|接收|接到|新收|依申请公开")
# “已全部办结”, “均已按期答复” (with no number of its own): every request received was handled.
_ALL_HANDLED = re.compile(
    r"(?:已全部|全部|均已|均)(?:按期|按时|依法)?(?:办结|答复|办理完毕|答复完毕)(?![\d零〇一二两三四五六七八九十百])"
)
_REVIEW = re.compile(r"行政复议|复议")
_LAWSUIT = re.compile(r"行政诉讼|诉讼")
_PRESS = re.compile(r"新闻发布会|发布会")
_INTERPRET = re.compile(r"解读")
_PUBLISH = re.compile(r"发布|公开|推送|发表|刊发|报道|刊登|公布|张贴|更新|编发|上传")
_INFO = re.compile(r"信息|消息|文章|稿件|内容|资讯|动态")
_ALL_CHANNELS = re.compile(r"(?:各类|各种|多种|多个)(?:媒体|平台)?(?:渠道|平台|载体|媒体)")
# Channels, most specific first; each a key and the words that name it in a subject.
_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("channel_weibo_wechat", re.compile(r"微博[、和及与]?(?:微信|公众号)|(?:微信|公众号)[、和及与]?微博")),
    ("channel_weibo", re.compile(r"微博")),
    ("channel_wechat", re.compile(r"微信|公众号")),
    ("channel_douyin", re.compile(r"抖音")),
    ("channel_media", re.compile(r"电视|报纸|报刊|电台|广播|报道")),
    ("channel_new_media", re.compile(r"新媒体")),
    ("channel_app", re.compile(r"客户端|APP|App|app")),
    ("channel_board", re.compile(r"公开栏|公示栏|宣传栏|公告栏|信息栏")),
    ("channel_column", re.compile(r"专栏")),
    ("channel_website", re.compile(r"网站|门户|网上|[^联互]网(?:站)?(?:上|中)?(?:发布|公开)")),
    ("channel_media", re.compile(r"媒体")),
)
# Words of one channel that also name a broader one (“微博微信”, “新媒体发表报道”): still one channel.
_CHANNEL_FAMILIES = (
    {"channel_weibo_wechat", "channel_weibo", "channel_wechat"},
    {"channel_media", "channel_new_media"},
)
_ITEM_CONTEXT = re.compile(
    r"其中|包括|包含|分别为|分别是|具体为|具体包括|主要有|[:：]|(?:从|按)(?:内容|类别|类型|信息类别)(?:分类)?(?:看|来看|分|划分)?"
)
_ITEM_PREFIX_WORDS = re.compile(
    r"^(?:其中|包括|包含|主要有|主要包括|具体为|具体包括|分别为|分别是|涉及|含|有|共|计|共计|合计|"
    r"公开|发布|主动公开|更新|[\d.、()（）]+|[一二三四五六七八九十]+[、.])+"
)

# ---------------------------------------------------------------- stated absences
_NO_REQUESTS = re.compile(
    rf"{_NEG}(?:收到|接收到|接到|受理|接收|发生|办理)?[^。；]{{0,15}}?"
    rf"(?:政府信息公开申请|依申请公开|信息公开申请|公开申请|依申请)"
    rf"|{_NEG}(?:收到|接收到|接到|受理|接收)[^。；，]{{0,15}}?申请"
)
_NO_FEES = re.compile(
    rf"{_NEG}[^。；，]{{0,4}}(?:收取|收)[^。；，]{{0,8}}(?:信息处理费|处理费)|(?:收费|处理费)[^。；，]{{0,8}}(?:未|没有|不)"
)
_NO_APPEALS = re.compile(rf"{_NEG}(?:发生|出现|收到|有)?[^。；]{{0,15}}(?:行政复议|行政诉讼|复议诉讼)")
_NO_PROPOSALS = re.compile(rf"{_NEG}(?:收到|承办过|承办|接到|办理)[^。；]{{0,10}}(?:人大|政协|提案|建议)")


@dataclass(frozen=True)
class Count:
    subject: str  # the words before the number, back to the previous count or the clause start
    value: int | float
    unit: str
    in_list: bool  # inside an enumeration: after 其中 / 包括 / 分别为 / a colon, earlier in the sentence
    broken_down: bool = False  # the next words break it down (“…4751条，其中…”): a total
    before: str = ""  # the sentence before the subject (“收到申请9件，办结9件”: 办结 continues about requests)


def sentences(text: str) -> Iterable[str]:
    """Original sentences of prose lines (table lines — tab or pipe cells — are skipped).

    A long line that stops mid-sentence is a line wrapped by a PDF page: it continues on the next line,
    and the sentence keeps the line break so it stays an exact substring of the source.
    """
    for paragraph in _paragraphs(text):
        for m in _SENTENCE.finditer(paragraph):
            s = m.group(0).strip()
            if s:
                yield s


def _paragraphs(text: str) -> Iterable[str]:
    buffer: list[str] = []
    for line in text.split("\n"):
        if "\t" in line or "|" in line or not line.strip():
            if buffer:
                yield "\n".join(buffer)
            buffer = []
            continue
        if buffer and not _wrapped(buffer[-1]):
            yield "\n".join(buffer)
            buffer = []
        buffer.append(line)
    if buffer:
        yield "\n".join(buffer)


def _wrapped(line: str) -> bool:
    line = line.rstrip()
    return len(line) >= MIN_WRAPPED_LINE_CHARS and line[-1] not in "。！？!?；;：:”）)》"


def extract_facts(sections: dict[str, str]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for section in SECTION_KEYS:
        for sentence in sentences(sections.get(section, "")):
            for fact in sentence_facts(sentence, section):
                facts.setdefault(fact.key, fact)
    return facts


def counts(compact: str) -> Iterable[Count]:
    """The exact counts of a folded, space-free sentence, each with its subject."""
    listing = False
    for clause in _CLAUSE_SPLIT.split(compact):
        start = 0
        if not _COUNT.search(clause) and _ITEM_CONTEXT.search(clause):
            listing = True  # “按内容分类，工作动态36条，…”: the marker stands in a clause of its own
        for m in _COUNT.finditer(clause):
            subject = clause[start : m.start()]
            listing = listing or bool(_ITEM_CONTEXT.search(subject))
            start = m.end()
            value = chinese_number(m.group(1))
            if value is None or m.group(3):  # “1200余条” is not an exact figure
                continue
            value = _scaled(value, _SCALE[m.group(2)])  # “4.4万条”
            rest = compact[compact.find(clause) + m.end() :]
            broken_down = bool(re.match(r"[，,：:；]?(?:其中|包括|具体|分别)", rest))
            before = compact[: compact.find(clause) + m.start() - len(subject)]
            yield Count(subject, value, m.group(4), listing, broken_down, before)


def _scaled(value: int | float, scale: int) -> int | float:
    scaled = round(value * scale, 6)
    return int(scaled) if float(scaled).is_integer() else scaled


def sentence_facts(sentence: str, section: str) -> Iterable[Fact]:
    compact = re.sub(r"\s+", "", fold(sentence))
    for count in counts(compact):
        for key in subject_keys(count):
            yield Fact(key, count.value, sentence, section, count.unit)
            if key == "requests_received" and count.value == 0:  # “共收到依申请公开0件” states there were none
                yield Fact("no_requests", True, sentence, section)
            if key == "requests_received" and _ALL_HANDLED.search(compact):  # “收到申请8件，已全部办结”
                yield Fact("requests_handled", count.value, sentence, section, count.unit)
    no_requests = _NO_REQUESTS.search(compact)
    if no_requests and not re.search(r"复议|诉讼", compact[no_requests.start() : no_requests.end() + 12]):
        yield Fact("no_requests", True, sentence, section)
    if _NO_FEES.search(compact):
        yield Fact("no_fees", True, sentence, section)
    if _NO_APPEALS.search(compact):
        yield Fact("no_appeals", True, sentence, section)
    if _NO_PROPOSALS.search(compact):
        yield Fact("no_proposals", True, sentence, section)


def subject_keys(count: Count) -> list[str]:
    """What a count counts, as fact keys ([] when nothing a user asks by name, or negated). A total stated through
    one channel (“通过门户网站主动公开信息146条”) is both the total and that channel's figure."""
    s = count.subject
    if _CHANGE.search(s) or re.search(rf"{_NEG}[^，]{{0,4}}$", s):
        return []
    if _REVIEW.search(s) and count.unit in "件起宗次" and not _LAWSUIT.search(s):  # “被申请行政复议3件”
        return ["reviews"]
    if _HANDLED.search(s) and not _REQUEST.search(s) and _REQUEST.search(count.before[-30:]):
        return ["requests_handled"]
    if _REQUEST.search(s) and not re.search(r"依申请公开(?:的)?(?:文件|信息)", s):
        if _HANDLED.search(s) and not _RECEIVED.search(s.replace("依申请公开", "")):
            return ["requests_handled"]
        return ["requests_received"] if (_RECEIVED.search(s) or count.unit in "件宗") else []
    if _REVIEW.search(s) and count.unit in "件起宗次":
        return ["reviews"]
    if _LAWSUIT.search(s) and count.unit in "件起宗次":
        return ["lawsuits"]
    if _PRESS.search(s) and count.unit in "场次期":
        return ["press_conferences"]
    if _INTERPRET.search(s) and count.unit in "条篇件次份期个":
        return ["policy_interpretations"]
    keys = ["proactive_total"] if _is_total(s, count) else []
    channels = {key for key, pattern in _CHANNELS if pattern.search(s)}
    publishes = bool(_PUBLISH.search(s) or _INFO.search(s))
    one_channel = len(channels) == 1 or any(channels <= family for family in _CHANNEL_FAMILIES)
    if channels and one_channel and publishes and not _ALL_CHANNELS.search(s) and count.unit in "条篇次则期件个份":
        keys.append(next(key for key, pattern in _CHANNELS if pattern.search(s)))
    return keys or ([] if channels else [key for key in [_item(count)] if key])


def _is_total(subject: str, count: Count) -> bool:
    if count.unit not in "条篇件则份" or re.search(r"不予公开|依申请", subject):
        return False
    if subject.startswith("其中") or count.in_list and "其中" in subject:
        return False
    if not re.search(r"(?:主动)?(?:公开|公布|发布)了?", subject):
        return False
    strong = "主动公开" in subject or count.broken_down or bool(re.search(r"共|累计|合计|总数|全年", subject))
    if _CHANNEL_ANY.search(subject) and not (_ALL_CHANNELS.search(subject) or strong):
        return False  # “网站发布信息59条” alone is that channel's figure
    return bool(re.search(r"信息|文件", subject) or "主动公开" in subject) and (not count.in_list or strong)


_CHANNEL_ANY = re.compile("|".join(p.pattern for _, p in _CHANNELS))


def _item(count: Count) -> str | None:
    """“工作动态30条” inside an enumeration → item:工作动态."""
    if not count.in_list:
        return None
    noun = _ITEM_PREFIX_WORDS.sub("", count.subject)
    noun = re.sub(r"(?:类|方面)?(?:共|共计|计|合计)?$", "", noun) or noun
    if not (2 <= len(noun) <= MAX_ITEM_CHARS) or not re.fullmatch(r"[\u4e00-\u9fff“”\"]+", noun):
        return None
    return ITEM_PREFIX + noun.strip("“”\"")
