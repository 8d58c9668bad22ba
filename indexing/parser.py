"""Document → Report: identity, sections, tables, prose facts and consistency flags, in one pass.

`parse_document` is the one entry point of the parser; `parse_file` reads then parses.
"""

from __future__ import annotations

import re
from pathlib import Path

from indexing.facts import extract_facts
from indexing.identity import Hints, chrome_end, identify
from indexing.models import Document, Flag, ReadError, Report
from indexing.screen import gather, refusal
from indexing.sections import reflow, split_sections
from indexing.tables import parse_tables
from indexing.validate import validate

HEAD_LINES = 3  # where a page says what kind of document it is: its first lines after the chrome


def parse_file(path: Path, manifest: Hints | None = None) -> Report:
    from indexing.readers import read_document

    return parse_document(read_document(Path(path)), manifest)


def parse_document(doc: Document, manifest: Hints | None = None) -> Report:
    """The report in `doc`; raises ReadError when the file is not a report. `manifest` carries a crawl's row."""
    lines = reflow(doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    m = manifest or Hints()
    hints = Hints(doc.source, doc.page_titles, m.agency, m.region, m.year)
    ident = identify(lines, hints)
    start = ident.body_start
    # The body ends at the signature: exports may append chart data after it (samples 000, 002).
    end = ident.signature_line if ident.signature_line is not None and ident.signature_line >= start else len(lines)
    sections, spans, flags = split_sections(lines, start, end)
    named = bool(ident.title) or "opening" in ident.sources.values()
    reason = refusal(gather(doc.text, _head(doc, lines), named, len(spans)))
    if reason:
        raise ReadError(doc.source, reason)

    table_start, table_end = _table_area(spans, start, end)
    headings = {k: spans[k][0] - table_start for k in ("requests", "appeals") if k in spans}
    cut = ident.signature_line is None and table_end >= len(lines) and _ends_in_a_cell(lines)
    tables = parse_tables(lines[table_start:table_end], ident.year, headings, cut)
    facts = extract_facts(sections)
    flags = flags + tables.flags + validate(tables.tables, tables.template, facts)
    if not ident.agency:
        message = "没有找到发布报告的机关名称（标题、开头、落款、页面信息和文件名都没有）；可用 nianbao fix 补上"
        flags.append(Flag(rule="agency.missing", message=message, cells=["agency"]))
    if ident.year is None:
        message = "没有找到报告年度（标题、开头、统计期限和文件名都没有）；可用 nianbao fix 补上"
        flags.append(Flag(rule="year.missing", message=message, cells=["year"]))

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
        sources=dict(ident.sources),
    )


def _ends_in_a_cell(lines: list[str]) -> bool:
    """The file stops on a table cell (a number, maybe after a pipe): a page cut off inside its tables."""
    last = next((line for line in reversed(lines) if line.strip()), "")
    return bool(re.search(r"(?:^|[|\s])[+-]?\d+(?:\.\d+)?\s*\|?\s*$", last))


def _head(doc: Document, lines: list[str]) -> list[str]:
    """Where a page names what it is: its titles and its first lines."""
    first = [line for line in lines[chrome_end(lines) :] if line.strip()][:HEAD_LINES]
    return [*doc.page_titles, *first]


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
