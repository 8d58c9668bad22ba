"""What a question may be, checked on the server (issue 11): every way in — the app, `/chat`, the CLI — goes through
`Assistant.ask`, which applies `bound_question` first.

- Control and format characters (NUL, ESC, bidi overrides, zero-width marks…) are removed; tabs and line breaks
  become plain spaces. Nothing typed is echoed back raw.
- A question longer than `MAX_QUESTION_CHARS` is refused with an answer that states the limit; it is never cut
  silently (a cut question could be answered as a different one).
"""

from __future__ import annotations

import re
import unicodedata

from answering.models import Answer

MAX_QUESTION_CHARS = 500  # the browser's text box has the same bound; a real question is well under 100 characters
MAX_CONCURRENT_ANSWERS = 4  # questions answered at once on every surface (app chat, /v1, MCP); the rest wait their turn
MAX_REPLAYED_TURNS = 4  # earlier questions replayed as a follow-up's history: follow-ups lean on the last one or two
# The app knows which kept question stood on its own (its plan was no follow-up), so after a page refresh it replays
# back to that one — a chain “辉渠镇2020年… → 那2021年呢 → 侯家镇呢” is whole — but never more than this many.
MAX_REPLAYED_CHAIN = 8
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # control, format (bidi, zero-width), lone surrogates


def clean_question(text: str | None) -> str:
    """The question without control characters: whitespace of any kind becomes one plain space, the rest is dropped.

    Linear in the length of the text."""
    out: list[str] = []
    for ch in text or "":
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.append(ch)
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def too_long_text(length: int) -> str:
    return (f"问题太长：共 {length} 个字，超过了每个问题 {MAX_QUESTION_CHARS} 个字的上限，没有作答。"
            f"请把问题缩短到 {MAX_QUESTION_CHARS} 个字以内再问（例如一次只问一个单位、一个年份、一件事）。")


def bound_question(question: str | None) -> tuple[str, Answer | None]:
    """(the cleaned question, None) when it may be answered, or (the cleaned question, the refusal to return)."""
    cleaned = clean_question(question)
    if len(cleaned) > MAX_QUESTION_CHARS:
        # the refusal keeps only the start of the question: a huge text is not copied into every output
        shown = cleaned[:MAX_QUESTION_CHARS] + "…"
        return cleaned, Answer(shown, too_long_text(len(cleaned)), "unknown")
    return cleaned, None
