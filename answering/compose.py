"""Chinese answer text with numbered citations: every figure stated carries the [n] of its cell or sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from answering.models import Answer, Citation, Query, fmt_number
from indexing.models import Report


@dataclass
class Sources:
    """The numbered source list of one answer; the same passage or cell is numbered once."""

    citations: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple, int] = field(default_factory=dict, repr=False, compare=False)  # key → its [n]

    def mark(self, cites: list[Citation]) -> str:
        if len(self._numbers) != len(self.citations):  # citations given or changed from outside: index them anew
            self._numbers = {}
            for i, old in enumerate(self.citations, 1):
                self._numbers.setdefault(_key(old), i)
        marks = []
        for c in cites:
            key = _key(c)
            if key not in self._numbers:  # a dict, not a scan: an answer listing 3,000 reports cited each once
                self.citations.append(c)
                self._numbers[key] = len(self.citations)
            marks.append(self._numbers[key])
        return "".join(f"[{i}]" for i in marks)


def _key(c: Citation) -> tuple:
    return (c.report_id, c.table, c.row, c.column, c.text)


T = TypeVar("T")
MAX_SHOWN = 20  # entries an answer writes out; its rows hold every one (the app's 明细 table and its CSV download)


def paged(items: Sequence[T], render: Callable[[T], str], sep: str, *, in_rows: bool = True) -> str:
    """The first MAX_SHOWN items (one report each) written out — only those are rendered, so only those are cited —
    then how many there are in all: at 10,000 reports a list of thousands is read in the 明细 table, not here.
    `in_rows`: the answer's rows hold every item (else the text says how many and no more)."""
    shown = sep.join(render(x) for x in items[:MAX_SHOWN])
    return shown if len(items) <= MAX_SHOWN else f"{shown}{sep}{more_than_shown(len(items), in_rows=in_rows)}"


def more_than_shown(total: int, *, in_rows: bool = True, counted: str = "份报告") -> str:
    """What follows the first MAX_SHOWN of `total`: how many, and where the rest are when the rows hold them."""
    return f"……（共{total}{counted}{'，完整列表见明细表' if in_rows else ''}）"


def text_row(report: Report, said: str) -> dict[str, Any]:
    """A 明细 row whose value is what the report says (a list of names, a sentence), not a number."""
    return {"body": report.short_name, "year": report.year, "value": said, "report_id": report.report_id}


def body_year(report: Report) -> str:
    return f"{display_name(report)}{report.year}年" if report.year else display_name(report)


def display_name(report: Report) -> str:
    """The short name; with its county when another body in the corpus shares it (two 新华镇 are never merged)."""
    if report.short_name in _SHARED_NAMES and report.region:
        return f"{report.region[-1]}{report.short_name}"
    return report.short_name


_SHARED_NAMES: set[str] = set()


def note_shared_names(reports: list[Report]) -> None:
    """Called when the corpus (re)loads: which short names belong to more than one body."""
    seen: dict[str, set[str]] = {}
    for r in reports:
        seen.setdefault(r.short_name, set()).add(r.agency)
    _SHARED_NAMES.clear()
    _SHARED_NAMES.update(k for k, v in seen.items() if len(v) > 1)


def passage_citation(report: Report, section: str, text: str) -> Citation:
    return Citation(report.report_id, report.agency, report.short_name, report.year, section,
                    without_dangling(text.strip()))


# A last sentence that announces what follows (“2022年将重点从以下三方面…：”) and is not followed by it. One holding
# a number other than a year is kept: a cited number never leaves its citation.
_DANGLING = re.compile(r"(?<=[。！？!?；;\n])(?:(?:19|20)\d\d年|[^。！？!?；;\n\d])*[：:]\s*$")
_ANNOUNCING = re.compile(r"[：:]\s*$")


def announces(sentence: str) -> bool:
    """The sentence ends on a colon: it announces a list it does not hold."""
    return bool(_ANNOUNCING.search(sentence))


def without_dangling(text: str) -> str:
    """The text without a trailing sentence that announces what the text no longer holds; a text that is only
    such a sentence stays as it is (dropping it is its caller's choice)."""
    return _DANGLING.sub("", text).rstrip() or text


def number(value: float | int, unit: str) -> str:
    return f"{fmt_number(value)}{unit}"


def unknown(question: str, text: str, query: Query | None, sources: Sources | None = None) -> Answer:
    """The abstain answer: says what was searched; never a number of its own."""
    return Answer(question=question, answer=text, kind="unknown", citations=(sources.citations if sources else []),
                  query=query)


def join_names(names: list[str]) -> str:
    return "、".join(names)


def renumbered(text: str, offset: int) -> str:
    """An answer's [n] marks moved on by `offset`: its citations follow another answer's in one source list."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text) if offset else text


def chained(texts_and_citations: list[tuple[str, list[Citation]]]) -> tuple[str, list[Citation]]:
    """Several answers' texts one after another, their citations in one list, every mark still pointing at its own."""
    text, cites = "", []
    for t, cs in texts_and_citations:
        text += renumbered(t, len(cites))
        cites += cs
    return text, cites
