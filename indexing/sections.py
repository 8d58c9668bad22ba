"""Split a report body into the six canonical sections, whatever numbering the headings carry.

A heading is a short line whose words (after any numbering) name a section (schema.SECTION_CUES).
Real reports mix numbering styles (一、/2、/（三）/(5)) and use the same words in sub-headings and prose,
so the headings are chosen as the best-scoring chain in canonical order: top-level numbering beats a
parenthesised sub-heading, and a chain that finds more sections beats one that finds fewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexing.identity import is_signature
from indexing.models import Flag
from indexing.normalize import clean_display, fold
from indexing.schema import SECTION_CUES, SECTION_KEYS, SECTION_TITLES

_CN = "一二三四五六七八九十"
_TOP = rf"(?:[{_CN}]{{1,3}}\s*[、.,，]|\d{{1,2}}\s*[、.,，](?!\d)|第[{_CN}]{{1,3}}部分\s*[、:,，]?)"
_PAREN = rf"(?:\(\s*(?:[{_CN}]{{1,3}}|\d{{1,2}})\s*\)[、.]?)"
_NUMBERING = re.compile(rf"^\s*(?:(?P<top>{_TOP})|(?P<paren>{_PAREN}))\s*")

MAX_HEADING_CHARS = 40  # longer lines are prose that happens to use a section's words
MAX_CUE_OFFSET = 10  # “政府信息公开行政复议、行政诉讼情况”: the cue sits a few characters in
_WEIGHT = {"top": 3, "paren": 2, "bare": 1}


# A page that lost its line breaks runs headings into the prose: “…报告如下。 一、总体情况 2022年，我镇…”.
_INLINE_TOP = re.compile(
    rf"(?:(?<=[。；\s])|^)\s*(?=(?:[{_CN}]{{1,2}}、|\d{{1,2}}[、.](?!\d)|第[{_CN}]{{1,2}}部分)\s*\S)"
)
MIN_REFLOW_CHARS = 200
_SENTENCE_GAP = re.compile(r"(?<=[。；！？])\s+(?=\S)")


def reflow(lines: list[str]) -> list[str]:
    """Long lines split around each numbered section heading they carry (“。 一、总体情况 2022年…”), so headings
    stand on lines of their own. Only a heading set off by spaces is split out: it is then certain where it ends."""
    out: list[str] = []
    for line in lines:
        if len(line) < MIN_REFLOW_CHARS:
            out.extend(_heading_run_on(line))
            continue
        # A whole page on one line: its paragraphs were joined with spaces after each sentence's end.
        pieces = _SENTENCE_GAP.split(line)
        if len(pieces) > 1:
            out.extend(reflow(pieces))
            continue
        start = 0
        for m in _INLINE_TOP.finditer(line):
            token = re.match(r"\S+", line[m.end() :])
            if m.end() < start or token is None or not heading_candidate(token.group(0)):
                continue
            if m.end() + token.end() >= len(line.rstrip()):
                continue  # the heading is the whole (rest of the) line already
            out.append(line[start : m.start()].strip())
            out.append(token.group(0))
            start = m.end() + token.end()
        out.append(line[start:].strip() if start else line)
    out = [piece for line in out for piece in _signature_run_on(line)]
    # A line of only a tab is the blank cell of a tab-indented cell-per-line export: it holds a table column.
    return [line for line in out if line.strip() or line == "" or "\t" in line]


# The last sentence of a line, and what follows it: “…本年度未收取信息处理费。 青禾镇人民政府 2023年1月20日”.
_LAST_SENTENCE_END = re.compile(r"^(?P<text>.*[。！？!?；;])(?P<tail>[^。！？!?；;]+)$")


def _signature_run_on(line: str) -> list[str]:
    """A sentence and the signature (a dated body name, or a date) run together on one line: each on a line of its
    own. Taken as one signature line, the sentence — often the last stated zero (未收取费用, 未承办提案) — would be cut
    off the body with it."""
    if not line.rstrip().endswith("日") or "\t" in line or "|" in line:
        return [line]
    m = _LAST_SENTENCE_END.match(line.rstrip())
    if m is None or not is_signature(m.group("tail")):
        return [line]
    return [m.group("text"), m.group("tail").strip()]


# What may follow a heading on its line as the section's own text: a sentence, or a bare “无”.
_RUN_ON_TEXT = re.compile(r"[。！？!?]|^\s*(?:无|暂无|没有)[\s。.]*$")


def _heading_run_on(line: str) -> list[str]:
    """A short line that opens with a numbered section heading and runs on, after a gap of spaces, into the section's
    first sentence (“六、其他需要报告的事项     本年度未收取任何费用。”, a paragraph of a flattened page): the heading
    and the text, on lines of their own. Read as one heading line, the sentence would be lost with it. Only a whole
    heading (its words up to the gap) followed by a sentence is split: a heading spelt with a space inside, or followed
    by table labels, stays as it is."""
    m = _LEADING_TOP.match(line)
    if m is None:
        return [line]
    rest = line[m.end() :]
    if not _RUN_ON_TEXT.search(rest) or heading_candidate(m.group("heading")) is None:
        return [line]
    return [line[: m.end("heading")], rest.strip()]


_LEADING_TOP = re.compile(
    rf"^\s*(?P<heading>(?:[{_CN}]{{1,2}}、|\d{{1,2}}[、.](?!\d)|第[{_CN}]{{1,2}}部分)\S+)\s+(?=\S)"
)


@dataclass(frozen=True)
class Heading:
    line: int  # index into the document's lines
    key: str  # schema.SECTION_KEYS
    style: str  # top | paren | bare
    inline: bool = False  # the section's text starts on the heading line itself


def heading_candidate(line: str) -> tuple[str, str, bool] | None:
    """(section key, numbering style, text runs on after it) when the line can be a section heading."""
    folded = fold(line).strip()
    if not folded or "\t" in line or "|" in folded:
        return None
    m = _NUMBERING.match(folded)
    style = "bare"
    rest = folded
    if m:
        style = "top" if m.group("top") else "paren"
        rest = folded[m.end():]
    rest = re.sub(r"\s+", "", rest).rstrip("。.:：")
    if style != "bare" and rest and (len(rest) > MAX_HEADING_CHARS or "。" in rest):
        return _inline_heading(rest, style)
    if not rest or len(rest) > MAX_HEADING_CHARS or "。" in rest:
        return None
    for key in SECTION_KEYS:
        for cue in SECTION_CUES[key]:
            pos = rest.find(cue)
            if pos < 0 or pos > MAX_CUE_OFFSET:
                continue
            # Unnumbered lines count only when they read as the bare title itself.
            if style == "bare" and (pos > 0 or len(rest) > len(SECTION_TITLES[key]) + 6):
                continue
            return key, style, False
    return None


def _inline_heading(rest: str, style: str) -> tuple[str, str, bool] | None:
    """“一、总体情况：2021年，我镇……” — a numbered title that opens the line, its text running on after a colon."""
    for key in SECTION_KEYS:
        for cue in SECTION_CUES[key]:
            if rest.startswith(cue) and re.match(rf"{re.escape(cue)}[^，,。]{{0,12}}[:：。]", rest):
                return key, style, True
    return None


def find_headings(lines: list[str], start: int, end: int) -> list[Heading]:
    """The best chain of headings in canonical order among lines[start:end]."""
    cands: list[Heading] = []
    for i in range(start, end):
        hit = heading_candidate(lines[i])
        if hit:
            cands.append(Heading(i, *hit))
    order = {k: n for n, k in enumerate(SECTION_KEYS)}
    best: list[tuple[int, int]] = []  # (score, previous index) per candidate
    for i, c in enumerate(cands):
        score, prev = _WEIGHT[c.style], -1
        for j in range(i):
            if order[cands[j].key] < order[c.key] and best[j][0] + _WEIGHT[c.style] > score:
                score, prev = best[j][0] + _WEIGHT[c.style], j
        best.append((score, prev))
    if not cands:
        return []
    i = max(range(len(cands)), key=lambda n: (best[n][0], -n))
    chain: list[Heading] = []
    while i >= 0:
        chain.append(cands[i])
        i = best[i][1]
    return chain[::-1]


def split_sections(
    lines: list[str], start: int, end: int
) -> tuple[dict[str, str], dict[str, tuple[int, int]], list[Flag]]:
    """Section texts (original characters), each section's line span [from, to), and section.missing flags.

    Text before the first heading (the report's preamble: purpose, statistics period, contacts) opens
    the overview, so nothing of the body is lost.
    """
    headings = find_headings(lines, start, end)
    sections = {k: "" for k in SECTION_KEYS}
    spans: dict[str, tuple[int, int]] = {}
    for n, h in enumerate(headings):
        stop = headings[n + 1].line if n + 1 < len(headings) else end
        spans[h.key] = (h.line, stop)
        sections[h.key] = _join(lines[h.line if h.inline else h.line + 1 : stop])
    if headings:
        preamble = _join(lines[start : headings[0].line])
        if preamble:
            sections["overview"] = (preamble + "\n" + sections["overview"]).strip("\n")
    else:  # prose only, no heading at all: the whole body is read as the overview, nothing is lost
        sections["overview"] = _join(lines[start:end])
        message = "没有找到任何部分的标题（如“一、总体情况”），全文按总体情况处理"
        return sections, spans, [Flag(rule="section.none", message=message, cells=["sections"])]
    flags = []
    if headings:
        found = {h.key for h in headings}
        for n, key in enumerate(SECTION_KEYS):
            if key not in found:
                flags.append(
                    Flag(
                        rule="section.missing",
                        message=f"未找到第{n + 1}部分“{SECTION_TITLES[key]}”的标题，该部分内容为空或并入了前一部分",
                        cells=[f"sections.{key}"],
                    )
                )
    return sections, spans, flags


def _join(lines: list[str]) -> str:
    # Blank table cells (tab-only lines, kept by `reflow` for the tables) are no lines of the section's text.
    return clean_display("\n".join(line.rstrip() for line in lines if line.strip() or not line)).strip()
