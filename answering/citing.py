"""How an answer's sources and rows are worded for people — one wording for every surface that shows them (the app's
page and `/chat`, the OpenAI-compatible endpoint).

Pure functions over `Citation`s and answer rows; `lookup` (report_id → Report) lets a table citation show the
stored cell itself rather than the question side's retelling of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from answering.compose import MAX_SHOWN, more_than_shown
from answering.models import Answer, Citation, fmt_number
from answering.models import section_title as answer_section_title
from answering.vocabulary import MEASURES, measure_by_key
from indexing import schema
from indexing.models import Report

Lookup = Callable[[str], Report | None]


def section_title(section: str | None) -> str:
    return answer_section_title(section) if section else "正文"


def cell_label(table: str | None, row: str | None, column: str | None) -> str:
    """“表三 · 本年新收政府信息公开申请数量 × 总计” from canonical keys (unknown keys shown as they are)."""
    rows = {
        "proactive": schema.PROACTIVE_ROW_LABELS,
        "requests": schema.REQUEST_ROW_LABELS,
        "appeals": schema.APPEAL_BLOCK_LABELS,
    }.get(table or "", {})
    cols = {
        "proactive": schema.PROACTIVE_COLUMN_LABELS,
        "requests": schema.REQUEST_COLUMN_LABELS,
        "appeals": schema.APPEAL_COLUMN_LABELS,
    }.get(table or "", {})
    title = schema.TABLE_TITLES.get(table or "", table or "表格").split()[0]  # “表三”: the heading names the section
    parts = [title]
    if row:
        parts.append(rows.get(row, row))
    label = " · ".join(parts)
    if column:
        label += f" × {cols.get(column, column)}"
    return label


def citation_heading(c: Citation) -> str:
    year = f"{c.year}年" if c.year else "年份不详"
    return f"{c.short_name or c.agency} · {year} · {section_title(c.section)}"


def cell_value_text(c: Citation, lookup: Lookup | None) -> str | None:
    """The cited cell's value from the stored record (the number itself, not our retelling of it)."""
    if not (c.table and c.row and c.column and lookup):
        return None
    report = lookup(c.report_id)
    if report is None:
        return None
    value = report.cell(c.table, c.row, c.column)
    return "空白（未披露）" if value is None else fmt_number(value)


def cell_line(c: Citation, lookup: Lookup | None) -> str | None:
    """A table citation as “表三 · row × column = value”, the value read from the stored record; None for prose."""
    if not (c.table and c.row):
        return None
    value = cell_value_text(c, lookup)
    if value is None:  # the record is gone or the cite has no column: the question side's own wording stands
        return c.text or cell_label(c.table, c.row, c.column)
    return f"{cell_label(c.table, c.row, c.column)} = {value}"


def row_pairs(rows: list[dict[str, Any]], answer: Answer | None = None) -> list[tuple[str, str]]:
    """(label, value) per answer row, the value with its unit (“侯家镇（2021年）：329条”); an unknown value is 未披露,
    never 0. The unit is the row's own (“unit”), else that of the figure the row names (“measure”), else that of
    the answer's figures when they share one; none when nothing says it."""
    shared = _shared_unit(answer)
    return [(row_heading(r), "未披露" if r.get("value") is None else fmt_number(r["value"]) + _row_unit(r, shared))
            for r in rows]


def _row_unit(row: dict[str, Any], shared: str) -> str:
    if isinstance(row.get("value"), bool | str):  # yes/no, or what a report says (a sentence, names)
        return ""
    if row.get("unit") is not None:
        return str(row["unit"])
    if row.get("measure"):
        return next((m.unit for m in MEASURES if m.label == row["measure"]), "")
    return shared


def _shared_unit(answer: Answer | None) -> str:
    """The one unit of the measures an answer was asked about (its plan's figures, else its query's)."""
    if answer is None:
        return ""
    keys = [f.measure for f in getattr(answer.plan, "figures", ()) or () if getattr(f, "measure", None)]
    if not keys and answer.query is not None:
        keys = list(answer.query.measures) or ([answer.query.measure] if answer.query.measure else [])
    units = {m.unit for m in (measure_by_key(k) for k in keys) if m is not None}
    return units.pop() if len(units) == 1 else ""


def row_heading(row: dict[str, Any]) -> str:
    year = row.get("year")
    return f"{body_label(row)}（{year}年）" if year else body_label(row)


def body_label(row: dict[str, Any]) -> str:
    """The body, and the figure when one answer holds several of one report (“侯家镇·通过政府网站发布的信息”)."""
    body = str(row.get("body", ""))
    return f"{body}·{row['measure']}" if row.get("measure") else body


# ---------------------------------------------------------------- the answer as Markdown (copied from the app, sent
# by the OpenAI-compatible endpoint): report text is escaped, so a report is shown as text and never as markup
_INLINE_MARKS = frozenset("\\`*_[]<>()#|!~")


def md_escape(text: str) -> str:
    """Report text shown as text: every character Markdown or HTML could act on is escaped (a report is data, never
    markup — no link, image or tag reaches the client), and line starts cannot open a heading, quote or list."""
    lines = []
    for line in text.split("\n"):
        escaped = "".join(f"\\{ch}" if ch in _INLINE_MARKS else ch for ch in line)
        head = escaped.lstrip()
        indent = escaped[: len(escaped) - len(head)]
        if head[:1] in ("-", "+", "=", "*"):
            head = "\\" + head
        elif head[:1].isdigit():
            digits = len(head) - len(head.lstrip("0123456789"))
            if head[digits : digits + 1] in (".", ")"):
                head = f"{head[:digits]}\\{head[digits:]}"
        lines.append(indent + head)
    return "\n".join(lines)


def answer_escape(text: str) -> str:
    """The answer's text escaped, its citation marks [n] left readable: with every other “[” escaped no link
    definition can exist for them to point at (and a mark followed by “:” — a definition's start — stays escaped)."""
    return re.sub(r"\\\[(\d+)\\\](?!:)", r"[\1]", md_escape(text))


def source_line(citation: Citation, lookup: Lookup | None) -> str:
    """One numbered source: body · year · section, then “表三 · row × column = value” or the quoted passage."""
    said = cell_line(citation, lookup) or f"“{' '.join(citation.text.split())}”"
    return f"{md_escape(citation_heading(citation))}：{md_escape(said)}"


def answer_markdown(answer: Answer, lookup: Lookup | None = None) -> str:
    """The chat message: the answer ([n] marks refer to the numbered sources), its rows, then the sources."""
    lines = [line.strip() for line in answer.answer.splitlines() if line.strip()]
    blocks = ["  \n".join(answer_escape(line) for line in lines)]  # hard breaks: the answer's own lines stay lines
    if answer.unsupported_numbers:
        blocks.append(f"**注意：**以下数字在引用材料中找不到，请核实：{md_escape('、'.join(answer.unsupported_numbers))}")
    if answer.options:
        blocks.append("可以这样问（任选其一）：\n" + "\n".join(f"- {md_escape(o)}" for o in answer.options))
    if answer.rows:  # the first MAX_SHOWN: the 明细 table and its CSV hold them all (thousands at 10,000 reports)
        pairs = row_pairs(answer.rows[:MAX_SHOWN], answer)
        more = [f"- {more_than_shown(len(answer.rows), counted='项')}"] if len(answer.rows) > MAX_SHOWN else []
        blocks.append("\n".join([*(f"- {md_escape(label)}：{md_escape(value)}" for label, value in pairs), *more]))
    if answer.citations:
        numbered = [f"{n}. {source_line(c, lookup)}" for n, c in enumerate(answer.citations, 1)]
        blocks.append("**来源**\n\n" + "\n".join(numbered))
    return "\n\n".join(b for b in blocks if b)
