"""👍/👎 on answers, kept beside the index as JSONL, and exported as lines shaped like eval/gold.jsonl.

`feedback.jsonl` is append-only: one line per verdict, and a note added later is a new line with the same `id`
(the answer's id). `latest()` keeps the last line per answer, so a changed verdict or an added note wins. Appends
take a process lock and an exclusive `flock` on the file, so concurrent sessions and processes never interleave a
line. Every field is bounded: a visitor's note cannot grow the file without limit.
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FEEDBACK_FILE = "feedback.jsonl"
MAX_NOTE_CHARS = 1000
MAX_TEXT_CHARS = 4000  # question and answer text: a real answer is well under this
MAX_CITATIONS = 30
MAX_CITATION_CHARS = 600  # one cited passage
VERDICTS = ("up", "down", "withdrawn")  # withdrawn: the 👍/👎 was clicked again to take it back
MAX_FILE_BYTES = 50 * 1024 * 1024  # ~2,000 full-size lines; past it new feedback is refused, not the disk filled
_LOCK = threading.Lock()


@dataclass
class Feedback:
    """One verdict on one answer, with what the answer said and cited (enough to write a gold question from)."""

    id: str  # the answer's id: later lines with the same id (a note, a changed verdict) replace earlier ones
    verdict: str  # "up" or "down"
    question: str
    answer: str
    kind: str = "unknown"
    value: Any = None
    items: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)  # Citation.to_json() of each source
    files: list[str] = field(default_factory=list)  # the cited reports' source files
    history: list[str] = field(default_factory=list)  # the questions asked before it in the conversation
    note: str = ""
    time: str = ""  # ISO 8601, UTC

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")
        self.id = _cut(self.id, 64)
        self.question = _cut(self.question, MAX_TEXT_CHARS)
        self.answer = _cut(self.answer, MAX_TEXT_CHARS)
        self.note = _cut(self.note, MAX_NOTE_CHARS)
        self.kind = _cut(self.kind, 16)
        if not isinstance(self.value, int | float | bool | str | None):
            self.value = None
        self.items = [_cut(i, 200) for i in list(self.items)[:MAX_CITATIONS]]
        self.citations = [_bounded_citation(c) for c in list(self.citations)[:MAX_CITATIONS] if isinstance(c, dict)]
        self.files = [_cut(f, 300) for f in list(self.files)[:MAX_CITATIONS]]
        self.history = [_cut(h, MAX_TEXT_CHARS) for h in list(self.history)[-10:]]
        self.time = self.time or datetime.now(UTC).isoformat(timespec="seconds")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Feedback:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def _gold_answer(self) -> Any:
        if self.kind in ("list", "text"):
            return list(self.items) or None
        if isinstance(self.value, bool):
            return "是" if self.value else "否"  # gold's yes/no answers are words
        return self.value

    def to_gold(self) -> dict[str, Any]:
        """A line in the shape of eval/gold.jsonl, for a person to correct: `answer` holds what was answered."""
        line: dict[str, Any] = {
            "id": f"fb-{self.id}",
            "question": self.question,
            "type": self.kind,
            "answer": self._gold_answer(),
            "evidence": [c.get("text", "") for c in self.citations],
            "files": list(dict.fromkeys(self.files)),
        }
        if self.history:
            line["history"] = list(self.history)
        line["feedback"] = {"verdict": self.verdict, "note": self.note, "time": self.time, "answer_text": self.answer}
        return line


def _cut(text: Any, limit: int) -> str:
    return ("" if text is None else str(text))[:limit]


def _bounded_citation(c: dict[str, Any]) -> dict[str, Any]:
    keys = ("report_id", "agency", "short_name", "year", "section", "text", "table", "row", "column")
    out = {k: c.get(k) for k in keys}
    for k in keys:
        if k != "year" and out[k] is not None:
            out[k] = _cut(out[k], MAX_CITATION_CHARS)
    if not isinstance(out["year"], int) or isinstance(out["year"], bool):
        out["year"] = None
    return out


class FeedbackFull(OSError):
    """The feedback file has reached MAX_FILE_BYTES: export and move it aside to collect more."""


def feedback_path(index_dir: Path) -> Path:
    return Path(index_dir) / FEEDBACK_FILE


def record(index_dir: Path, entry: Feedback) -> Path:
    """Append one line to the index's feedback file (created with its folder when missing)."""
    path = feedback_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
    with _LOCK, path.open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # another process (a second server) appending at once
        try:
            if fh.seek(0, 2) + len(line.encode("utf-8")) > MAX_FILE_BYTES:
                raise FeedbackFull(f"{path} 已达 {MAX_FILE_BYTES // 1024 // 1024} MB 上限：请导出后移走再收集")
            fh.write(line)
            fh.flush()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return path


def read_all(index_dir: Path) -> Iterator[Feedback]:
    """Every stored line in order; a damaged line (a crash mid-write) is skipped, not fatal."""
    path = feedback_path(index_dir)
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                yield Feedback.from_json(json.loads(line))
            except (ValueError, TypeError):
                continue


def latest(index_dir: Path) -> list[Feedback]:
    """The last line per answer id, in the order answers were first judged."""
    by_id: dict[str, Feedback] = {}
    for entry in read_all(index_dir):
        by_id[entry.id] = entry
    return list(by_id.values())


def export_lines(index_dir: Path, *, verdict: str | None = None) -> list[str]:
    """JSONL lines, gold-shaped, of every answer still judged 👍 or 👎 (only 👎 ones with verdict="down")."""
    chosen = [e for e in latest(index_dir) if e.verdict != "withdrawn" and verdict in (None, e.verdict)]
    return [json.dumps(e.to_gold(), ensure_ascii=False) for e in chosen]


def write_export(index_dir: Path, out: Path, *, verdict: str | None = None) -> Path:
    lines = export_lines(index_dir, verdict=verdict)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return out
