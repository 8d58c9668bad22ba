"""Semantic search still catching up: the note a prose answer carries while reports it searched wait for vectors.

Records first (indexing/vectors.py): a report is answerable by its record and by keyword search as soon as it is
ingested; its passage vectors follow in the background. A passage search over such a report finds it by keywords
only, so a prose answer may miss what semantic search would find: the answer says how many reports of its scope
were searched that way. Numbers answered from the records need no note.

`passages.gather` tells `searched` which reports one search covered; `Assistant.ask` collects them per question
(`collecting`, a context variable: concurrent questions in other threads keep their own) and adds the note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from answering.models import Answer

_searched: ContextVar[set[str] | None] = ContextVar("nianbao_waiting_searched", default=None)


def note_text(waiting: int) -> str:
    return f"（语义检索尚在补齐：{waiting} 份报告暂只按关键词检索）"


@contextmanager
def collecting() -> Iterator[set[str]]:
    """The reports waiting for vectors that passage searches inside the block covered (filled as they run)."""
    seen: set[str] = set()
    token = _searched.set(seen)
    try:
        yield seen
    finally:
        _searched.reset(token)


def searched(index, report_ids: Iterable[str] | None) -> None:
    """A passage search covered these reports (None: every report). Reads the index's cached record metadata only."""
    seen = _searched.get()
    if seen is None or index is None:
        return
    if report_ids is None:
        seen.update(index.waiting_for_vectors())
    else:  # a scoped search: look up its reports only, not every record's state on every question
        seen.update(rid for rid in report_ids if index.is_waiting_for_vectors(rid))


def rests_on_cells(answer: Answer) -> bool:
    """Every citation is a table cell: the answer is the records' figures, whatever was searched on the way."""
    return bool(answer.citations) and all(c.table for c in answer.citations)


def with_note(answer: Answer, waiting: set[str]) -> Answer:
    """The answer, saying how many searched reports were found by keywords only (none: unchanged)."""
    if waiting and not rests_on_cells(answer):
        answer.catching_up = len(waiting)
        answer.answer += note_text(len(waiting))
    return answer
