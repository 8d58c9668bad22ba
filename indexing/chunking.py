"""Report → chunks that follow the report's own structure.

One chunk per section or sub-section of prose (long ones split on paragraph, then sentence, boundaries), and each
table rendered as labelled rows in chunks of its own (never split inside a row; searched lexically, not embedded).
Every chunk starts with a short header naming body, year and section — measured to help both BM25 and the embedder
pick the right report.
Metadata carries identity, the section key and the report's key figures as scalars; unknown cells are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from indexing import schema
from indexing.models import Report

MAX_CHARS = 600
CN_NUMERALS = "一二三四五六七八九十"
PREFACE, PREFACE_TITLE = schema.PREFACE, schema.PREFACE_TITLE
UNKNOWN = "未填报"

_JUNK = re.compile(r"\[bookmark:[^\]]*\]")
_SUBHEAD = re.compile(r"^[（(]\s*(?:[一二三四五六七八九十]+|\d{1,2})\s*[)）]")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass
class Chunk:
    chunk_id: str
    report_id: str
    section: str  # schema.SECTION_KEYS or "preface"
    title: str  # "一、总体情况·（一）政府信息主动公开情况"
    header: str  # "【威海市文登区侯家镇人民政府 2021年 一、总体情况·（一）…】"
    body: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What is searched (BM25), stored and returned: header line + body."""
        return f"{self.header}\n{self.body}"

    @property
    def embedded(self) -> bool:
        """Whether the chunk gets a vector. A table's text is found lexically only: its numbers are answered from
        the records, and 27.6% of chunks are table text the embedder would spend most of the ingest time on."""
        return self.metadata.get("kind") != "table"

    @property
    def embed_text(self) -> str:
        """What the embedder sees (embedded chunks only)."""
        return self.text


# ---------------------------------------------------------------- labels
def section_label(key: str) -> str:
    if key == PREFACE:
        return PREFACE_TITLE
    i = schema.SECTION_KEYS.index(key)
    return f"{CN_NUMERALS[i]}、{schema.SECTION_TITLES[key]}"


def chunk_header(report: Report, title: str) -> str:
    year = f" {report.year}年" if report.year else ""
    return f"【{report.agency or report.short_name}{year} {title}】"


def format_value(value: Any) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- prose
def _clean(line: str) -> str:
    return _JUNK.sub("", line).strip()


def _is_table_line(raw: str, clean: str) -> bool:
    """Cell fragments of an exported table (tab-led cells, pipe rows, bare numbers) are not prose."""
    if not clean:
        return True
    if clean.startswith("|") or clean.endswith("|"):
        return True
    if re.fullmatch(r"[\d.,，%／/—\-－\s]+", clean):
        return True
    if "\t" in raw.strip() and "。" not in clean:
        return True
    return raw[:1] == "\t" and "。" not in clean and len(clean) < 40


def prose_lines(text: str, *, table_section: bool = False) -> list[str]:
    """Paragraphs of a section's text, without table debris. Sections that hold a table keep only real sentences."""
    out = []
    for raw in (text or "").splitlines():
        clean = _clean(raw)
        if _is_table_line(raw, clean):
            continue
        if table_section and (("。" not in clean and len(clean) < 30) or "勾稽" in clean):
            continue  # a stray header cell (“公开数量”, “纠正”), the table's printed note, or the heading itself
        out.append(clean)
    return out


def _is_section_heading(line: str, key: str) -> bool:
    return len(line) <= 40 and any(cue in line for cue in schema.SECTION_CUES.get(key, ())) and "。" not in line[:-1]


def _subheading(line: str) -> tuple[str, str] | None:
    """(title, rest) when the paragraph opens a sub-section.

    “（一）主动公开情况” is a heading line; “（一）规范工作流程，健全工作机制。按照…” opens one inline.
    """
    if not _SUBHEAD.match(line):
        return None
    if "。" not in line.rstrip("。") and len(line) <= 50:
        return line.rstrip("。").replace(" ", "").replace("\u3000", ""), ""
    head, _, rest = line.partition("。")
    if len(head) <= 30:
        return head.replace(" ", "").replace("\u3000", ""), line
    return None


def _split_long(paragraphs: list[str], limit: int = MAX_CHARS) -> list[str]:
    """Pack paragraphs into pieces of at most `limit` chars; a paragraph longer than that splits between sentences."""
    units: list[str] = []
    for p in paragraphs:
        if len(p) <= limit:
            units.append(p)
            continue
        piece = ""
        for sentence in filter(None, _SENTENCE_END.split(p)):
            if piece and len(piece) + len(sentence) > limit:
                units.append(piece)
                piece = ""
            piece += sentence
        if piece:
            units.append(piece)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for u in units:
        if current and size + len(u) + 1 > limit:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(u)
        size += len(u) + 1
    if current:
        pieces.append("\n".join(current))
    return pieces


def section_parts(key: str, text: str, skip: set[str] | frozenset = frozenset()) -> list[tuple[str, list[str]]]:
    """[(sub-section title or "", paragraphs)] in order; the section's own heading line is dropped."""
    lines = [x for x in prose_lines(text, table_section=key in schema.TABLE_KEYS) if x not in skip]
    if lines and _is_section_heading(lines[0], key) and not _SUBHEAD.match(lines[0]):
        lines = lines[1:]  # a heading the parser left in (a “（一）存在的主要问题” sub-heading stays)
    parts: list[tuple[str, list[str]]] = [("", [])]
    for line in lines:
        sub = _subheading(line)
        if sub:
            title, rest = sub
            parts.append((title, [rest] if rest else []))
        else:
            parts[-1][1].append(line)
    return [(t, ps) for t, ps in parts if ps or t]


# ---------------------------------------------------------------- tables
def table_rows(report: Report, table: str) -> list[str]:
    """Each table row as one readable line with its labels: “行政许可 本年处理决定数量：0”."""
    grid = report.tables.get(table)
    if grid is None:
        return []
    lines = []
    if table == "proactive":
        for row in schema.proactive_rows(report.template):
            cells = grid.get(row.key)
            if cells is None:
                continue
            parts = [f"{schema.PROACTIVE_COLUMN_LABELS[c]}：{format_value(cells.get(c))}" for c in row.columns]
            lines.append(f"{row.label} " + "；".join(parts))
    elif table == "requests":
        cols = schema.request_columns(report.template)
        for row in schema.request_rows(report.template):
            cells = grid.get(row)
            if cells is None:
                continue
            # The total first: most questions ask for it, and it keeps the number next to the row label.
            label = schema.REQUEST_ROW_LABELS[row]
            total = f"总计：{format_value(cells.get('total'))}"
            split = [c for c in cols if c != "total"]
            if all(cells.get(c) is None for c in split):
                lines.append(f"{label} {total}" + ("（分项未填报）" if cells.get("total") is not None else ""))
            else:
                parts = [f"{schema.REQUEST_COLUMN_LABELS[c]}：{format_value(cells.get(c))}" for c in split]
                lines.append(f"{label} {total}（" + "，".join(parts) + "）")
    elif table == "appeals":
        for block in schema.APPEAL_BLOCKS:
            cells = grid.get(block)
            if cells is None:
                continue
            parts = [f"{schema.APPEAL_COLUMN_LABELS[c]}：{format_value(cells.get(c))}" for c in schema.APPEAL_COLUMNS]
            lines.append(f"{schema.APPEAL_BLOCK_LABELS[block]} " + "；".join(parts))
    return lines


# ---------------------------------------------------------------- metadata
KEY_REQUEST_ROWS = ("new_received", "carried_over", "granted", "partial", "handled_total", "carried_forward")


def key_figures(report: Report) -> dict[str, int | float | bool]:
    """The report's key figures as scalar metadata; a None cell is left out, never written as 0."""
    out: dict[str, int | float | bool] = {}

    def put(key: str, value: Any) -> None:
        if value is None or isinstance(value, str):
            return
        out[key] = value

    for row, cells in (report.tables.get("proactive") or {}).items():
        for col, v in (cells or {}).items():
            put(f"proactive__{row}__{col}", v)
    requests = report.tables.get("requests") or {}
    for row, cells in requests.items():
        cells = cells or {}
        put(f"requests__{row}__total", cells.get("total"))
        if row in KEY_REQUEST_ROWS:
            for col, v in cells.items():
                put(f"requests__{row}__{col}", v)
    for block, cells in (report.tables.get("appeals") or {}).items():
        for col, v in (cells or {}).items():
            put(f"appeals__{block}__{col}", v)
    for key, fact in report.facts.items():
        put(f"fact__{key}", fact.value)
    return out


def identity_metadata(report: Report) -> dict[str, Any]:
    """Who and when, as scalar Chroma metadata (nulls left out): shared by every chunk and the report's record."""
    meta: dict[str, Any] = {
        "report_id": report.report_id,
        "source": report.source,
        "content_hash": report.content_hash,
        "agency": report.agency,
        "short_name": report.short_name,
        "region": "/".join(report.region),
        "level": report.level,
        "template": report.template,
    }
    for i, name in enumerate(report.region, start=1):
        meta[f"region_{i}"] = name
    if report.year is not None:
        meta["year"] = int(report.year)
    return {k: v for k, v in meta.items() if v is not None}


def report_metadata(report: Report) -> dict[str, Any]:
    """A chunk's report-level metadata: identity plus the key table figures (null cells left out, never 0)."""
    meta = identity_metadata(report)
    meta.update({k: v for k, v in key_figures(report).items() if v is not None})
    return meta


# ---------------------------------------------------------------- the component
def _is_title_line(line: str, report: Report) -> bool:
    title = (report.title or "").strip()
    return line == title or (len(line) <= 40 and "。" not in line and "年度报告" in line)


def preface_lines(report: Report) -> list[str]:
    """Text before the “总体情况” heading: the report's purpose, statistics period and contact address."""
    lines = []
    for line in prose_lines(report.text or ""):
        if _is_section_heading(line, "overview"):
            return [x for x in lines if not _is_title_line(x, report) and x != report.agency]
        lines.append(line)
    return []  # no heading found: nothing can be told apart from section 1


def chunk_report(report: Report, max_chars: int = MAX_CHARS) -> list[Chunk]:
    base = report_metadata(report)
    chunks: list[Chunk] = []

    def add(section: str, n: int, title: str, body: str, extra: dict[str, Any] | None = None) -> None:
        meta = dict(base, section=section, title=title, kind="prose")
        meta.update(extra or {})
        chunks.append(
            Chunk(
                chunk_id=f"{report.report_id}:{section}:{n}",
                report_id=report.report_id,
                section=section,
                title=title,
                header=chunk_header(report, title),
                body=body,
                metadata=meta,
            )
        )

    preface = preface_lines(report)
    for n, piece in enumerate(_split_long(preface, max_chars)):
        add(PREFACE, n, PREFACE_TITLE, piece)

    for key in schema.SECTION_KEYS:
        n = 0
        label = section_label(key)
        # The parser opens section 1 with the preamble (nothing lost); it is chunked above as 报告说明.
        skip = set(preface) if key == "overview" else set()
        for sub, paragraphs in section_parts(key, report.sections.get(key, ""), skip):
            title = f"{label}·{sub}" if sub else label
            body_lines = paragraphs or [sub]
            for piece in _split_long(body_lines, max_chars):
                add(key, n, title, piece)
                n += 1
        if key in schema.TABLE_KEYS:
            table_title = schema.TABLE_TITLES[key]
            rows = table_rows(report, key)
            if not rows:
                add(key, n, f"{label}·{table_title.split()[0]}", f"{table_title}：{UNKNOWN}（报告未附此表或无法识别）",
                    {"kind": "table", "table": key})
                n += 1
                continue
            pieces = _split_long(rows, max_chars)
            for i, piece in enumerate(pieces):
                part = f"（{i + 1}/{len(pieces)}）" if len(pieces) > 1 else ""
                add(key, n, f"{label}·{table_title.split()[0]}{part}", f"{table_title}\n{piece}",
                    {"kind": "table", "table": key})
                n += 1
    return chunks
