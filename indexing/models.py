"""Typed records at the seams: what readers produce and what the parser emits.

A cell is a number or None. None means unknown (blank, “/”, “—”, “无”, or a table that is absent); a stated zero is 0.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import orjson

Number = int | float
Cells = dict[str, dict[str, Number | None]]  # row (or block) -> column -> value


class ReadError(Exception):
    """A file that cannot be turned into a report. The message names the file and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass
class Document:
    """What a reader hands the parser: the report as lines of text, tables already flattened to lines.

    Readers of structured formats (.docx, .html, .pdf) render each real table row as one pipe row
    (“| 规章 | 0 | 0 | 0 |”), a shape the parser reads like any other.
    """

    source: str  # file name as given (display, errors)
    text: str
    content_hash: str  # sha256 of the file bytes
    format: str  # txt | md | docx | html | pdf
    page_titles: tuple[str, ...] = ()  # titles that came with the file, not in its text: HTML <title>, .docx title


@dataclass
class Flag:
    """A broken consistency rule or a parse doubt, kept on the record and shown to users."""

    rule: str  # e.g. requests.balance, requests.row_total, requests.handled_total, appeals.block_total,
    #            prose_vs_table, table.unplaced, table.missing, section.missing, year.missing
    message: str  # Chinese, for users
    cells: list[str] = field(default_factory=list)  # "requests.new_received.total", ...
    numbers: dict[str, Number | None] = field(default_factory=dict)


@dataclass
class Fact:
    """A number or yes/no stated in prose, with the sentence it came from (for citations)."""

    key: str  # schema.FACT_KEYS
    value: Number | bool | None
    sentence: str
    section: str  # section key the sentence sits in
    unit: str = ""


@dataclass
class Report:
    report_id: str
    source: str
    content_hash: str
    agency: str  # full name as written, e.g. 威海市文登区侯家镇人民政府
    short_name: str  # 侯家镇
    region: list[str]  # ["威海市", "文登区"], outermost first
    level: str  # schema.LEVELS
    year: int | None  # report year, from the title
    signed_date: str | None  # ISO date of the signature
    template: str  # "2021" | "2019" | "wide" (of table 3, else guessed from the year)
    title: str
    sections: dict[str, str]  # section key -> text (original characters, for display)
    tables: dict[str, Cells | None]  # "proactive" | "requests" | "appeals" -> cells, or None when absent
    facts: dict[str, Fact]
    flags: list[Flag]
    text: str  # the whole document text as read (display)
    sources: dict[str, str] = field(default_factory=dict)  # identity field -> where it was read (identity.PRIORITY)
    corrections: dict[str, Any] = field(default_factory=dict)  # identity fields a person set (`nianbao fix`)

    # ------------------------------------------------------------ access
    @property
    def identified(self) -> bool:
        """Body and year known. An unidentified report stays in the library, flagged, until `nianbao fix` names it;
        it takes no part in answers, so it can never change an answer about another report."""
        return bool(self.agency) and self.year is not None

    def cell(self, table: str, row: str, column: str) -> Number | None:
        grid = self.tables.get(table) or {}
        return (grid.get(row) or {}).get(column)

    def fact(self, key: str) -> Number | bool | None:
        f = self.facts.get(key)
        return None if f is None else f.value

    # ------------------------------------------------------------ export / storage
    def to_export(self) -> dict[str, Any]:
        """The stable JSON export contract (issue 2)."""
        return {
            "report_id": self.report_id,
            "source": self.source,
            "agency": self.agency,
            "short_name": self.short_name,
            "region": list(self.region),
            "level": self.level,
            "year": self.year,
            "template": self.template,
            "sections": dict(self.sections),
            "tables": {k: self.tables.get(k) for k in ("proactive", "requests", "appeals")},
            "facts": {k: f.value for k, f in self.facts.items()},
            "flags": [asdict(f) for f in self.flags],
            "sources": dict(self.sources),
            "corrections": dict(self.corrections),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, for the record store (round-trips through from_dict). Shallow: the nested dicts and lists are
        this report's own (dataclasses.asdict deep-copies them, a second of an ingest per 1,000 reports)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["facts"] = {k: vars(f).copy() for k, f in self.facts.items()}
        out["flags"] = [vars(f).copy() for f in self.flags]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        d = dict(d)
        d["facts"] = {k: Fact(**v) for k, v in d.get("facts", {}).items()}
        d["flags"] = [Flag(**f) for f in d.get("flags", [])]
        return cls(**d)

    def to_document(self) -> str:
        """The record as the record store keeps it: compressed JSON. Chroma's cost to write, read and delete a
        document grows with its text (8 KB of JSON: 10× slower to read back than its 3 KB compressed form), and a
        record is only ever fetched by id, never searched."""
        packed = zlib.compress(json.dumps(self.to_dict(), ensure_ascii=False).encode("utf-8"), 6)
        return PACKED + base64.b64encode(packed).decode("ascii")

    @classmethod
    def from_document(cls, doc: str) -> Report:
        """A record written by to_document, or as plain JSON (indexes written before records were packed).
        Raises ValueError (and its kin) when the text is no record."""
        for prefix, decode in ((PACKED, base64.b64decode), (PACKED_B85, base64.b85decode)):
            if doc.startswith(prefix):
                try:
                    return cls.from_dict(_loads(zlib.decompress(decode(doc[len(prefix):]))))
                except (zlib.error, UnicodeDecodeError, binascii.Error) as exc:
                    raise ValueError(f"packed record unreadable: {exc}") from exc
        return cls.from_dict(_loads(doc))


def _loads(doc: str | bytes) -> Any:
    """JSON read with orjson (3x json's speed: the records are most of an index's load time), json for what orjson
    refuses and json.dumps may have written (NaN)."""
    try:
        return orjson.loads(doc)
    except orjson.JSONDecodeError:
        return json.loads(doc)


PACKED = "z64:"  # zlib, then base64 (C-coded: base85 is pure Python, 0.4 ms a record): a prefix JSON never starts with
PACKED_B85 = "z85:"  # records packed before: zlib, then base85 (still read)
