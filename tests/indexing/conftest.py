"""Builders for report files in every format the readers take, made by the test itself.

Each `make_*` fixture returns a function `(path, blocks, ...) -> path`. `blocks` is the document in body order:
a `str` is a paragraph, a `list[list[str | None]]` is a table. In a table cell, `None` means “merged into the cell to
the left” (a horizontal span), `"^"` means “merged into the cell above” (a vertical span), and a `"\\n"` inside a cell
is a line break within that cell.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

Block = str | list[list[str | None]]

MERGED_LEFT = None
MERGED_UP = "^"


def _spans(table: list[list[str | None]]) -> list[tuple[int, int, int, int]]:
    """Merged areas as (row, col, last_row, last_col) for every cell that spans more than one grid position."""
    spans = []
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if value is MERGED_LEFT or value == MERGED_UP:
                continue
            last_c = c
            while last_c + 1 < len(row) and row[last_c + 1] is MERGED_LEFT:
                last_c += 1
            last_r = r
            while last_r + 1 < len(table) and table[last_r + 1][c] == MERGED_UP:
                last_r += 1
            if (last_r, last_c) != (r, c):
                spans.append((r, c, last_r, last_c))
    return spans


def build_docx(path: Path, blocks: list[Block]) -> Path:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)  # "\n" becomes <w:br/>, "\t" <w:tab/>
            continue
        table = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        table.style = "Table Grid"
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if value is not MERGED_LEFT and value != MERGED_UP:
                    table.cell(r, c).text = value
        for r, c, last_r, last_c in _spans(block):
            table.cell(r, c).merge(table.cell(last_r, last_c))
    document.save(str(path))
    return path


def build_html(path: Path, blocks: list[Block], *, encoding: str = "utf-8", head: str = "") -> Path:
    parts = [f'<html><head><meta charset="{encoding}"><title>年报</title>{head}</head><body>']
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{escape(block).replace(chr(10), '<br>')}</p>")
            continue
        spans = {(r, c): (lr - r + 1, lc - c + 1) for r, c, lr, lc in _spans(block)}
        parts.append('<table border="1">')
        for r, row in enumerate(block):
            tag = "th" if r == 0 else "td"
            cells = []
            for c, value in enumerate(row):
                if value is MERGED_LEFT or value == MERGED_UP:
                    continue
                rowspan, colspan = spans.get((r, c), (1, 1))
                attrs = f' rowspan="{rowspan}"' if rowspan > 1 else ""
                attrs += f' colspan="{colspan}"' if colspan > 1 else ""
                cells.append(f"<{tag}{attrs}>{escape(value).replace(chr(10), '<br>')}</{tag}>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    path.write_bytes("\n".join(parts).encode(encoding))
    return path


def build_pdf(path: Path, blocks: list[Block]) -> Path:
    """A PDF with a real text layer in reportlab's built-in Chinese CID font (STSong-Light), tables with grid lines."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK")
    story = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(escape(block).replace("\n", "<br/>"), style))
            continue
        data = [["" if v is MERGED_LEFT or v == MERGED_UP else v for v in row] for row in block]
        commands = [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ]
        commands += [("SPAN", (c, r), (lc, lr)) for r, c, lr, lc in _spans(block)]
        story += [Spacer(1, 6), Table(data, style=TableStyle(commands)), Spacer(1, 6)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


@pytest.fixture
def make_docx():
    return build_docx


@pytest.fixture
def make_html():
    return build_html


@pytest.fixture
def make_pdf():
    return build_pdf
