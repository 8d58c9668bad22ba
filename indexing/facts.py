"""Facts stated in prose: the proactive-disclosure total, per-channel counts, and stated absences.

Each fact keeps the exact original sentence it came from (a substring of the report, for citations).
Matching runs on the folded sentence; the first sentence that states a fact wins (overview first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexing.models import Fact
from indexing.normalize import NUMBER_TOKEN, chinese_number, fold
from indexing.schema import SECTION_KEYS

_UNITS = "条篇件次则期"
_COUNT = re.compile(rf"({NUMBER_TOKEN})\s*([{_UNITS}])")
_CLAUSE_SPLIT = re.compile(r"[，,；;:：]")
_SENTENCE = re.compile(r"[^。！？!?；]+[。！？!?；]?")
MIN_WRAPPED_LINE_CHARS = 30  # PDF text lines run to the page width; headings are short

_TOTAL = re.compile(
    rf"(?:公开|公布|发布)了?(?:各类|各项)?(?:政府|政务)?信息(?:数量|总数|总量)?(?:共计|共|合计|总计)?(?:为|达|达到)?"
    rf"\s*{NUMBER_TOKEN}\s*[{_UNITS}]"
)
_CHANNEL_WORDS = ("微信", "公众号", "网站", "门户", "专栏", "微博", "媒体", "电视", "报纸", "抖音", "客户端", "报道")
_PUBLISH_VERBS = ("发布", "公开", "推送", "发表", "刊发", "报道", "刊登", "公布")
# Order matters: the first rule that matches a clause names its channel.
_CHANNELS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("channel_weibo_wechat", ("微博",), ("微信", "公众号")),
    ("channel_weibo", ("微博",), ()),
    ("channel_wechat", ("微信", "公众号"), ()),
    ("channel_douyin", ("抖音",), ()),
    ("channel_column", ("专栏",), ()),
    ("channel_website", ("网站", "门户"), ()),
    ("channel_media", ("媒体", "电视", "报纸", "报道"), ()),
)

_NEG = r"(?:没有|未|无|均未|尚未|并未|未曾|不存在)"
_NO_REQUESTS = re.compile(
    rf"{_NEG}(?:收到|接收到|接到|受理|接收|发生)[^。；]{{0,15}}?(?:政府信息公开申请|依申请公开|信息公开申请|公开申请)"
)
_REQUESTS_COUNT = re.compile(
    rf"(?:(?:收到|受理|接收|接到|新收)[^。；，]{{0,12}}?(?:政府信息公开申请|依申请公开申请|信息公开申请|申请)"
    rf"|依申请公开(?:政府信息)?(?:申请)?)"
    rf"(?:数量|总数)?(?:共计|共|合计|总计)?(?:为|是)?\s*({NUMBER_TOKEN})\s*件"
)
_NO_FEES = re.compile(rf"{_NEG}[^。；，]{{0,4}}(?:收取|收)[^。；，]{{0,8}}(?:信息处理费|处理费)")
_NO_APPEALS = re.compile(rf"{_NEG}(?:发生|出现|收到|有)?[^。；]{{0,15}}(?:行政复议|行政诉讼)")
_NO_PROPOSALS = re.compile(rf"{_NEG}(?:收到|承办过|承办|接到|办理)[^。；]{{0,10}}(?:人大|政协|提案|建议)")


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
            for fact in _sentence_facts(sentence, section):
                facts.setdefault(fact.key, fact)
    return facts


def _sentence_facts(sentence: str, section: str) -> Iterable[Fact]:
    folded = fold(sentence)
    compacted = re.sub(r"\s+", "", folded)
    for clause in _CLAUSE_SPLIT.split(compacted):
        yield from _clause_counts(clause, sentence, section)
    if _NO_REQUESTS.search(compacted) and not re.search(r"复议|诉讼", _NO_REQUESTS.search(compacted).group(0)):
        yield Fact("no_requests", True, sentence, section)
    m = _REQUESTS_COUNT.search(compacted)
    if m and not re.search(rf"{_NEG}[^。；，]{{0,4}}$", compacted[: m.start()]):
        value = chinese_number(m.group(1))
        if value is not None:
            yield Fact("requests_received", value, sentence, section, "件")
    if _NO_FEES.search(compacted):
        yield Fact("no_fees", True, sentence, section)
    if _NO_APPEALS.search(compacted):
        yield Fact("no_appeals", True, sentence, section)
    if _NO_PROPOSALS.search(compacted):
        yield Fact("no_proposals", True, sentence, section)


def _clause_counts(clause: str, sentence: str, section: str) -> Iterable[Fact]:
    counts = list(_COUNT.finditer(clause))
    if not counts:
        return
    has_channel = any(w in clause for w in _CHANNEL_WORDS)
    total = _TOTAL.search(clause)
    # “通过各类媒体渠道公开政府信息365条” is the total; “通过政务网站发布各类政务信息共计59条” is a channel.
    all_channels = re.search(r"(?:各类|各种|多种)(?:媒体)?渠道", clause)
    if total and "其中" not in clause and "申请" not in clause and (not has_channel or all_channels):
        m = _COUNT.search(total.group(0))
        value = chinese_number(m.group(1)) if m else None
        if value is not None:
            yield Fact("proactive_total", value, sentence, section, m.group(2))
        return
    if not has_channel or "申请" in clause or not any(v in clause for v in _PUBLISH_VERBS):
        return
    last = counts[-1]
    value = chinese_number(last.group(1))
    if value is None:
        return
    for key, words, also in _CHANNELS:
        if any(w in clause for w in words) and (not also or any(w in clause for w in also)):
            yield Fact(key, value, sentence, section, last.group(2))
            return
