"""Is a file a government information-disclosure annual report? Decided from several signals, never from one phrase.

Real reports often have no title line, and pages that are not reports (news about a report, notices, a 政府工作报告,
a 公开指南) use the same words. So the evidence is counted — the title, canonical section headings, the standard
tables' labels, disclosure vocabulary, and whether the page names itself as another kind of document — and a file is
refused only when it lacks the structure of a report, with a reason that says what was missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexing.normalize import fold

# The standard tables' own labels: only a report prints these.
TABLE_LABELS: tuple[str, ...] = (
    "第二十条第", "本年制发件数", "本年新制作数量", "现行有效件数", "申请人情况", "本年新收政府信息公开申请",
    "上年结转政府信息公开申请", "本年度办理结果", "勾稽关系", "结果维持", "尚未审结", "未经复议直接起诉",
)  # fmt: skip
# Words of the disclosure regime, and the metadata rows of a disclosure platform page; a report shows several.
VOCABULARY: tuple[str, ...] = (
    "索引号", "发布机构",
    "政府信息公开条例", "《条例》", "主动公开", "依申请公开", "政府信息公开申请", "统计期限", "统计时限",
    "信息处理费", "行政复议", "政务公开", "年度报告", "公开指南", "公开目录", "本年度报告", "本报告",
)  # fmt: skip
# What a page calls itself when it is another kind of document.
MAX_TITLE_CHARS = 40
NEWS = "新闻报道"
OTHER_KINDS: tuple[tuple[str, str], ...] = (
    ("政府工作报告", r"政府工作报告"),
    ("通知或公告", r"(?:通知|公告|通告|公示)$"),
    ("政府信息公开指南", r"公开指南"),
    ("政府信息公开目录", r"公开目录"),
    ("工作要点或方案", r"(?:要点|方案|意见|规划|办法|细则)$"),
    (NEWS, r"^(?:日前|近日|记者|本报讯|本网讯|新华社)|^[^。]{0,12}(?:日前|近日)[，,]"),
)
MIN_VOCABULARY_WITHOUT_TITLE = 2
MIN_VOCABULARY_PROSE_ONLY = 3


@dataclass(frozen=True)
class Evidence:
    title: bool  # a line names the report, or the opening sentence does (“现公布X2022年…年度报告”)
    sections: int  # canonical section headings found
    table_labels: int  # distinct standard table labels
    vocabulary: int  # distinct disclosure words
    other_kind: str  # the kind of document the page names itself, or ""


def gather(text: str, head: list[str], title: bool, sections: int) -> Evidence:
    """Evidence from the whole text and its head (the lines where a page names what it is: titles, first lines)."""
    compact = re.sub(r"\s+", "", fold(text))
    other = next((kind for line in head for kind in _kinds(re.sub(r"\s+", "", fold(line)))), "")
    return Evidence(
        title=title,
        sections=sections,
        table_labels=sum(label in compact for label in TABLE_LABELS),
        vocabulary=sum(word in compact for word in VOCABULARY),
        other_kind=other,
    )


def _kinds(line: str) -> list[str]:
    """Kinds a head line names: a short line is a title (“…的通知”); a sentence only shows news (“近日，…”)."""
    title = len(line) <= MAX_TITLE_CHARS and "。" not in line
    return [kind for kind, pattern in OTHER_KINDS if (title or kind == NEWS) and re.search(pattern, line)]


def refusal(ev: Evidence) -> str | None:
    """None when the evidence makes a report; else the reason (Chinese, for users) it is not one."""
    structure = ev.sections + ev.table_labels
    if ev.other_kind and structure < 3:
        return f"这是{ev.other_kind}，不是政府信息公开工作年度报告"
    if ev.table_labels >= 2:
        return None
    if ev.title and (ev.sections >= 1 or ev.vocabulary >= MIN_VOCABULARY_PROSE_ONLY):
        return None
    if ev.sections >= 1 and ev.vocabulary >= MIN_VOCABULARY_WITHOUT_TITLE:
        return None
    missing = [] if ev.title else ["年度报告的标题"]
    missing.append("标准章节（如“一、总体情况”）或表格")
    if ev.vocabulary < MIN_VOCABULARY_WITHOUT_TITLE:
        missing.append("政府信息公开的用语")
    return "不是政府信息公开工作年度报告（没有找到" + "、".join(missing) + "）"
