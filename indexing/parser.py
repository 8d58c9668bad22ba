"""Document → Report: identity, sections, tables, prose facts and consistency flags, in one pass.

`parse_document` is the one entry point of the parser; `parse_file` reads then parses.
"""

from __future__ import annotations

from pathlib import Path

from indexing.facts import extract_facts
from indexing.identity import identify
from indexing.models import Document, Flag, ReadError, Report
from indexing.sections import split_sections
from indexing.tables import parse_tables
from indexing.validate import validate

NOT_A_REPORT = "不是政府信息公开工作年度报告"


def parse_file(path: Path) -> Report:
    from indexing.readers import read_document

    return parse_document(read_document(Path(path)))


def parse_document(doc: Document) -> Report:
    lines = doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ident = identify(lines)
    if ident is None:
        raise ReadError(doc.source, f"{NOT_A_REPORT}（没有找到“政府信息公开工作年度报告”标题）")
    start = ident.title_lines[1] + 1
    # The body ends at the signature: exports may append chart data after it (samples 000, 002).
    end = ident.signature_line if ident.signature_line is not None else len(lines)
    sections, spans, flags = split_sections(lines, start, end)
    if not spans:
        raise ReadError(doc.source, f"{NOT_A_REPORT}（有标题但没有找到任何一个部分的标题，如“一、总体情况”）")

    table_start, table_end = _table_area(spans, start, end)
    headings = {k: spans[k][0] - table_start for k in ("requests", "appeals") if k in spans}
    tables = parse_tables(lines[table_start:table_end], ident.year, headings)
    facts = extract_facts(sections)
    flags = flags + tables.flags + validate(tables.tables, tables.template, facts)
    if not ident.agency:
        message = "没有找到发布报告的机关名称（标题、落款和正文开头都没有）"
        flags.append(Flag(rule="agency.missing", message=message, cells=["agency"]))
    if ident.year is None:
        flags.append(Flag(rule="year.missing", message="标题中没有年份，报告年度未知", cells=["year"]))

    short = ident.short_name or ident.agency or Path(doc.source).stem
    return Report(
        report_id=f"{short}-{ident.year or 'unknown'}-{doc.content_hash[:8]}",
        source=doc.source,
        content_hash=doc.content_hash,
        agency=ident.agency,
        short_name=ident.short_name,
        region=ident.region,
        level=ident.level,
        year=ident.year,
        signed_date=ident.signed_date,
        template=tables.template,
        title=ident.title,
        sections=sections,
        tables=tables.tables,
        facts=facts,
        flags=flags,
        text=doc.text,
    )


def _table_area(spans: dict[str, tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Lines that hold tables 2–4: from the first table section's heading to the section after them."""
    firsts = [spans[k][0] for k in ("proactive", "requests", "appeals") if k in spans]
    lasts = [spans[k][1] for k in ("proactive", "requests", "appeals") if k in spans]
    if firsts:
        return min(firsts), max(lasts)
    # No table heading at all: the tables, if any, sit between the overview and the problems section.
    lo = spans["overview"][1] if "overview" in spans else start
    later = [spans[k][0] for k in ("problems", "other") if k in spans and spans[k][0] >= lo]
    return lo, min(later) if later else end
