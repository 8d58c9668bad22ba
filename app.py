"""The Gradio app: ask in Chinese, see the answer, its sources, its table and chart; browse, upload, see settings.

`serve(config, corpus_dir=..., host=..., port=...)` builds the index from `corpus_dir` when it is empty and starts
the app; `build_app(assistant_or_config)` returns the `gr.Blocks` (tests launch it themselves). The endpoint
`/chat` takes one question and returns the answer text with its numbered sources, for `gradio_client`.

Everything from a report is HTML-escaped here before it reaches the page: a report is data, never markup.
"""

from __future__ import annotations

import nianbao  # noqa: F401  (pins the offline environment before gradio or any model library loads)

# isort: split
import bisect
import csv
import html
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
from gradio.context import Context

from answering.assistant import Assistant
from answering.citing import answer_markdown as citing_markdown
from answering.citing import body_label as _body_label
from answering.citing import cell_line, citation_heading, md_escape
from answering.citing import row_pairs as _row_pairs
from answering.dataset import REGION_SEP, in_region, region_choices
from answering.limits import (
    MAX_CONCURRENT_ANSWERS,
    MAX_QUESTION_CHARS,
    MAX_REPLAYED_CHAIN,
    bound_question,
    clean_question,
)
from answering.llm import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, LLMConfig
from answering.models import Answer, fmt_number
from answering.vocabulary import measure_by_key
from indexing import schema
from indexing.export import csv_row
from indexing.guard import IndexBusy, index_lock
from indexing.models import Report
from indexing.pipeline import IngestSummary, fix_report, ingest_paths, remove_reports, reparse_report
from indexing.retrieve import SearchFilters
from indexing.store import Index, IndexConfig
from nianbao.catchup import CatchUp
from nianbao.config import DEFAULT_CORPUS_DIR, DEFAULT_EMBEDDER, DEFAULT_INDEX_DIR
from nianbao.data_tab import AnswerLink, data_api, data_tab
from nianbao.downloads import prune_folders
from nianbao.feedback import Feedback, record, write_export
from nianbao.library import (  # noqa: F401  (the library tab and its helpers, re-exported for callers of app)
    FLAG_RULE_LABELS,
    SOURCE_LABELS,
    TEMPLATE_LABELS,
    UNKNOWN_CELL,
    cell_words,
    corpus_tab,
    facts_frame,
    fix_fields,
    index_generation,
    report_label,
    report_meta_html,
    reports_frame,
    table_frame,
)

log = logging.getLogger("nianbao.app")

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "2021年哪些乡镇没有收到政府信息公开申请？",
    "侯家镇2021年通过微信公众号发布了多少条信息？",
    "米山镇2022年行政处罚决定多少件？",
    "港口乡存在哪些主要问题？",
)
UPLOAD_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a real report is well under 5 MB; the reader has its own limit too
MIN_SHARED_PHRASE = 3  # shorter overlaps with the question (“公开”) would light up every line of a report
MAX_MARKS = 200  # highlighted stretches per passage: the page stays small whatever the question
MAX_HIGHLIGHT_TERMS = 200  # the answer's own terms looked for in each passage (one linear pass each)

VALUE_HEADING = "数值"  # the value column's heading when the answer names no known measure
MAX_DOWNLOAD_FOLDERS = 32  # CSV downloads kept on disk (one folder each); older ones are removed as answers come in
# Questions answered at once. The Assistant only reads per question (uploads and corrections take AppState's
# write lock), so one slow question no longer holds every other user's chat in a single queue slot.
CHAT_CONCURRENCY = MAX_CONCURRENT_ANSWERS

# Source text and highlights in colours of their own, each at least WCAG AA (4.5:1) on the theme's background in
# light and dark mode (tests compute the ratios): the theme's “subdued” grey was hard to read.
PAGE_BACKGROUNDS = {"light": "#ffffff", "dark": "#0b0f19"}  # Gradio's default theme: body background
PASSAGE_COLORS = {"light": "#374151", "dark": "#d1d5db"}
MARK_COLORS = {"light": ("#111827", "#fde68a"), "dark": ("#111827", "#fde68a")}  # (text, background)
HINT_COLORS = {"light": "#9a3412", "dark": "#fdba74"}  # an input hint (empty question, over the limit)
FOCUS_COLOR = "#1d4ed8"

APP_CSS = f"""
.nb-answer {{ white-space: normal; }}
.nb-sources {{ margin-top: .6em; font-size: .92em; }}
.nb-sources summary {{ cursor: pointer; font-weight: 600; }}
.nb-sources ol {{ margin: .4em 0 0 1.2em; padding: 0; }}
.nb-sources li {{ margin-bottom: .5em; }}
.nb-source-head {{ font-weight: 600; }}
.nb-cell {{ font-family: monospace; }}
.nb-passage {{ color: {PASSAGE_COLORS["light"]}; }}
.dark .nb-passage {{ color: {PASSAGE_COLORS["dark"]}; }}
.nb-sources mark {{ padding: 0 .1em; color: {MARK_COLORS["light"][0]}; background: {MARK_COLORS["light"][1]}; }}
.dark .nb-sources mark {{ color: {MARK_COLORS["dark"][0]}; background: {MARK_COLORS["dark"][1]}; }}
.nb-hint {{ color: {HINT_COLORS["light"]}; font-size: .92em; min-height: 1.2em; }}
.dark .nb-hint {{ color: {HINT_COLORS["dark"]}; }}
.nb-count {{ font-size: .92em; }}
/* while the person types, the counter speaks; an earlier “please type a question” hint steps aside */
#nb-input-notes:has(#nb-count .nb-count, #nb-count .nb-hint) #nb-input-hint {{ display: none; }}
/* a visible focus ring for keyboard users on every control */
.gradio-container :focus-visible {{ outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px; }}
"""


# ================================================================ rendering (pure functions)
def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _esc_lines(text: str) -> str:
    """Escaped text whose line breaks survive as <br> and which never contains a blank line.

    A blank line would end the raw-HTML block the chat message is, and Markdown would start parsing report text.
    """
    lines = [line.strip() for line in text.splitlines()]
    return "<br>".join(_esc(line) for line in lines if line)


def highlight_spans(text: str, question: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of `text` that support the answer: phrases it shares with the question, and the answer's own terms.

    Linear in the sizes of the text and the question (issue 11: a long question must not stall the server): a shared
    phrase is found as a run of the question's MIN_SHARED_PHRASE-character pieces — overlapping and adjacent pieces
    join into one mark — so no set of all the question's substrings is ever built. At most MAX_HIGHLIGHT_TERMS of the
    answer's terms are looked for, and at most MAX_MARKS spans come back.
    """
    spans: list[tuple[int, int]] = []
    n = MIN_SHARED_PHRASE
    pieces = _pieces(question, n)
    if pieces:
        runs = _merge([(i, i + n) for i in range(len(text) - n + 1) if text[i : i + n] in pieces])
        if runs:  # a shared run covers whole words only: “202” of the question's 2021 must not mark 2020年
            bounds = _token_bounds(text)
            spans.extend(s for s in (_to_whole_tokens(run, bounds) for run in runs) if s)
    for term in list(dict.fromkeys(t for t in terms if t))[:MAX_HIGHLIGHT_TERMS]:
        # a number matches whole numbers only: 23 must not light up inside 235
        pattern = rf"(?<![\d.]){re.escape(term)}(?![\d.])" if term[0].isdigit() else re.escape(term)
        spans.extend(m.span() for m in re.finditer(pattern, text))
    return _merge(spans)[:MAX_MARKS]


def _token_bounds(text: str) -> list[int]:
    """Where jieba's words of `text` start and end (a number is one word: 2021 in 2021年), sorted."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    bounds = {0, len(text)}
    for _word, start, end in jieba.tokenize(text):
        bounds.update((start, end))
    return sorted(bounds)


def _to_whole_tokens(span: tuple[int, int], bounds: list[int]) -> tuple[int, int] | None:
    """The span shrunk to the words it covers whole; None when it covers no whole word."""
    start = bounds[bisect.bisect_left(bounds, span[0])]
    end = bounds[bisect.bisect_right(bounds, span[1]) - 1]
    return (start, end) if start < end else None


def _pieces(text: str, size: int) -> set[str]:
    """The question's pieces of exactly `size` characters that hold a letter or digit (runs of punctuation are not
    phrases): at most len(text) of them."""
    return {text[i : i + size] for i in range(len(text) - size + 1) if any(ch.isalnum() for ch in text[i : i + size])}


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, question: str, terms: Iterable[str]) -> str:
    """The passage as escaped HTML with the supporting words in <mark>. Only our own tags reach the page."""
    out, pos = [], 0
    for start, end in highlight_spans(text, question, terms):
        out.append(_esc_lines_keep(text[pos:start]))
        out.append(f"<mark>{_esc_lines_keep(text[start:end])}</mark>")
        pos = end
    out.append(_esc_lines_keep(text[pos:]))
    return "".join(out)


def _esc_lines_keep(text: str) -> str:
    # like _esc_lines but keeps inline whitespace exactly (it is called on fragments of one passage)
    return "<br>".join(_esc(line) for line in _split_at_line_breaks(text))


def _split_at_line_breaks(text: str) -> list[str]:
    """re.split(r"\\s*\\n\\s*", text) in one linear pass: that pattern backtracks quadratically on a long run of
    spaces without a line break; here each whitespace run is read once and splits the text if it holds a “\\n”."""
    parts, pos = [], 0
    for m in re.finditer(r"\s+", text):
        if "\n" in m.group():
            parts.append(text[pos : m.start()])
            pos = m.end()
    parts.append(text[pos:])
    return parts


def answer_terms(answer: Answer) -> list[str]:
    """What the answer asserts, to be found in its sources: its value, named bodies and multi-digit figures."""
    terms: list[str] = []
    if isinstance(answer.value, int | float) and not isinstance(answer.value, bool):
        terms.append(fmt_number(answer.value))
    terms.extend(answer.items)
    text = re.sub(r"\[\d+\]", "", answer.answer)
    terms.extend(n for n in re.findall(r"\d+(?:\.\d+)?", text) if len(n) >= 2)
    return list(dict.fromkeys(t for t in terms if t))


def sources_html(answer: Answer, lookup: Callable[[str], Report | None] | None = None) -> str:
    """Numbered sources in a collapsed <details>: body, year, section, and the passage with <mark>ed support."""
    if not answer.citations:
        return ""
    terms = answer_terms(answer)
    items = []
    for n, c in enumerate(answer.citations, 1):
        head = f'<span class="nb-source-head">[{n}] {_esc(citation_heading(c))}</span>'
        if c.agency and c.agency != c.short_name:
            head += f"（{_esc(c.agency)}）"
        cell = cell_line(c, lookup)
        if cell:
            label, eq, value = cell.rpartition(" = ")
            # the cited cell's value is the support itself; the label lights up where it echoes the question
            marked = f"{highlight_html(label, answer.question, terms)}{eq}<mark>{_esc(value)}</mark>" if eq else (
                highlight_html(cell, answer.question, terms)
            )
            body = f'<div class="nb-cell">{marked}</div>'
        else:
            body = f'<div class="nb-passage">{highlight_html(c.text, answer.question, terms)}</div>'
        items.append(f"<li>{head}{body}</li>")
    return (
        f'<details class="nb-sources"><summary>来源（{len(answer.citations)}）</summary>'
        f"<ol>{''.join(items)}</ol></details>"
    )


def answer_html(answer: Answer, lookup: Callable[[str], Report | None] | None = None) -> str:
    """The assistant's chat message: one raw-HTML block (no blank line inside, so Markdown leaves it alone)."""
    parts = [f'<div class="nb-answer">{_esc_lines(answer.answer)}</div>']
    if answer.unsupported_numbers:
        nums = "、".join(answer.unsupported_numbers)
        parts.append(f"<div><strong>注意：</strong>以下数字在引用材料中找不到，请核实：{_esc(nums)}</div>")
    parts.append(sources_html(answer, lookup))
    return "".join(p for p in parts if p)


def answer_markdown(answer: Answer, lookup: Callable[[str], Report | None] | None = None) -> str:
    """The answer as Markdown to copy: the question, then the answer as every surface words it in Markdown
    (answering/citing: its rows and numbered sources, report text escaped)."""
    return f"**问：**{md_escape(answer.question)}\n\n{citing_markdown(answer, lookup)}"


def answer_plain_text(answer: Answer, lookup: Callable[[str], Report | None] | None = None) -> str:
    """What `/chat` returns: the answer, then its numbered sources as plain text."""
    lines = [answer.answer.strip()]
    if answer.rows:
        lines.append("")
        lines.extend(f"  {label}：{value}" for label, value in _row_pairs(answer.rows, answer))
    if answer.citations:
        lines += ["", "来源："]
        for n, c in enumerate(answer.citations, 1):
            lines.append(f"[{n}] {citation_heading(c)}：{cell_line(c, lookup) or ' '.join(c.text.split())}")
    return "\n".join(lines)


def shows_rows(answer: Answer) -> bool:
    """Lists, rankings and comparisons get a table and chart; a single figure is already the whole answer."""
    return bool(answer.rows) and (answer.kind == "list" or len(answer.rows) > 1)


def measure_title(answer: Answer) -> str:
    """What the answer's rows measure, with the unit, for the chart, table and CSV heading:
    “本年新收政府信息公开申请（单位：件）”; several figures are named together; “数值” when none is known."""
    keys = [f.measure for f in getattr(answer.plan, "figures", ()) or () if getattr(f, "measure", None)]
    nouns = [f.noun for f in getattr(answer.plan, "figures", ()) or () if getattr(f, "noun", None)]
    if not keys and answer.query is not None:
        keys = list(answer.query.measures) or ([answer.query.measure] if answer.query.measure else [])
    measures = [m for m in (measure_by_key(k) for k in dict.fromkeys(keys)) if m is not None]
    if not measures:
        return "、".join(dict.fromkeys(nouns)) or VALUE_HEADING
    units = {m.unit for m in measures}
    if len(units) == 1:
        unit = units.pop()
        return "、".join(m.label for m in measures) + (f"（单位：{unit}）" if unit else "")
    return "、".join(f"{m.label}（单位：{m.unit}）" if m.unit else m.label for m in measures)


def rows_frame(rows: list[dict[str, Any]], measure: str = VALUE_HEADING) -> pd.DataFrame:
    """The rows of a list/ranking/comparison answer as the table users see (unknown values stay blank); the value
    column is headed by what it measures."""
    return pd.DataFrame(
        {
            "单位": [_body_label(r) for r in rows],
            "年份": [r.get("year") if r.get("year") is not None else "" for r in rows],
            measure: ["未披露" if r.get("value") is None else fmt_number(r["value"]) for r in rows],
        }
    )


def chart_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Bars for the rows with a known value; an unknown value is left out, never drawn as zero."""
    known = [r for r in rows if isinstance(r.get("value"), int | float) and not isinstance(r.get("value"), bool)]
    labels = [f"{_body_label(r)}{r.get('year') or ''}" for r in known]  # short: axis labels must not collide
    return pd.DataFrame({"单位": labels, "数值": [float(r["value"]) for r in known]})


def write_rows_csv(
    rows: list[dict[str, Any]], directory: Path, *, measure: str = VALUE_HEADING, keep: int = MAX_DOWNLOAD_FOLDERS
) -> Path:
    """A CSV named for people (年报问答数据.csv), in a folder of its own so concurrent answers never collide.

    Every cell goes through indexing.export.csv_cell (a body named “=HYPERLINK(…)” is text, not a formula), and only
    the newest `keep` answer folders are kept: older downloads are removed as new ones are written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="answer-", dir=directory)) / "年报问答数据.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(csv_row(["单位", "年份", measure]))  # the value column names the measure and its unit
        for r in rows:
            value = "" if r.get("value") is None else r["value"]
            writer.writerow(csv_row([_body_label(r), r.get("year") or "", value]))
    prune_download_folders(directory, keep, spare=path.parent)
    return path


def prune_download_folders(directory: Path, keep: int, *, spare: Path | None = None) -> None:
    """Remove all but the newest `keep` answer-* folders in `directory` (never `spare`, the one just written)."""
    prune_folders(directory, "answer-*", keep, spare=spare)


# ================================================================ state shared by every session
class ReadWriteLock:
    """Many readers at once, or one writer alone. A waiting writer lets no new reader in, so an upload is not
    starved by a stream of questions. Not reentrant: a holder must not take it again."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not (self._writing or self._writers_waiting))
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                self._cond.wait_for(lambda: not (self._writing or self._readers))
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class AppState:
    """The assistant behind the page, shared by every session.

    Questions only read (the index, its records, the name catalog), so several are answered at once under the read
    side of `lock`; a correction, a deletion, and the moment an upload's or a re-parse's new records are swapped in,
    take the write side, alone. The LLM endpoint is
    fixed when the server starts (command line or environment): no visitor can change it (issue 11).

    Changes made from outside (`nianbao remove/fix/ingest` on the same index directory) are seen without a restart:
    each question first compares the index's generation (library.index_generation, a few stat calls) with the one
    last read, and reloads when it moved — only when no writer holds the index lock, so a half-written index is never
    read; while one does, questions are answered from what was read before and the next one looks again.
    With `chroma_url`, apps on other index directories write the same server: the shared generation (Index.generation,
    one small get, at most every SHARED_POLL_SECONDS) tells their changes, and the reload then re-reads the records
    and catches up the local lexical rows of those reports only (no rebuild, no embedding).
    Records first (issue 12): an upload returns once its records are written; `catch_up` (nianbao/catchup.py) then
    embeds the passages of every report still waiting for vectors on a background thread, started here and after each
    reload. It takes no lock of this class, so no question waits for it; `close()` stops it.
    Lock order, everywhere: the index lock first, then `lock` (an upload holds the index lock across its read side).
    """

    SHARED_POLL_SECONDS = 1.5  # a question costs no round trip to the Chroma server more often than this

    def __init__(self, config: IndexConfig, assistant: Assistant | None = None, llm: LLMConfig | None = None):
        self.config = config
        self.llm = llm
        self.lock = ReadWriteLock()
        self.assistant = assistant or Assistant.open(config, llm=llm)
        self.shared_generation: str | None = None
        self.shared_generation = self._read_shared_generation()  # before the records are read below
        self._shared_read_at = time.monotonic()
        self.assistant.catalog()  # built now, under no lock: questions then only read it
        self.generation = index_generation(config.index_dir)
        # Counts the reloads: a page's lists (the library, the chat's filters) compare it with the one they last
        # showed and refresh only when it moved — on their tab's select and after a question's sync, no polling.
        self.version = 0
        self.download_dir = Path(tempfile.mkdtemp(prefix="nianbao-app-"))
        weakref.finalize(self, shutil.rmtree, str(self.download_dir), True)  # removed when the server stops
        # Records first: reports whose passages still wait for vectors are embedded in the background (nianbao/
        # catchup.py), now and after every reload that leaves some waiting; questions never wait for it.
        self.catch_up = CatchUp(lambda: self.assistant.index)
        self.catch_up.start()

    def close(self) -> None:
        """Stop the background embedder after its current batch (the server is stopping)."""
        self.catch_up.stop()

    # ------------------------------------------------------------ questions
    def ask(self, question: str, history: list[Answer] | None = None, filters: SearchFilters | None = None) -> Answer:
        self.sync()
        with self.lock.read():
            return self.assistant.ask(question, history=history or None, filters=filters)

    def report(self, report_id: str) -> Report | None:
        self.sync()  # a report removed from the shell is gone here too: an action never lands on a stale record
        with self.lock.read():
            return self.assistant.index.report(report_id)

    def reports(self) -> list[Report]:
        self.sync()
        with self.lock.read():
            return sorted(self.assistant.index.reports(), key=lambda r: (r.short_name, r.year or 0, r.source))

    # ------------------------------------------------------------ changes
    def reload(self) -> None:
        """Drop the cached records so the assistant sees what an ingest added (its name catalog follows)."""
        with self.lock.write():
            self._reload()

    def _reload(self, *, reopen: bool = False, embed: bool = True) -> None:
        # caller holds the write lock (and the index lock); the catalog is rebuilt here so concurrent questions never
        # rebuild it. `embed`: start the background embedder when reports wait for vectors.
        if reopen:
            self._reopen()
        self.shared_generation = self._read_shared_generation()  # before the records: a later change moves it again
        self.assistant.index.refresh()
        self.assistant.catalog()  # rebuilt only when a record changed: unchanged Report objects are kept
        self.generation = index_generation(self.config.index_dir)
        self.version += 1
        if embed:  # an upload's reports, or another process's --no-embed ingest, wait for vectors
            self.catch_up.start()

    def _catch_up(self) -> None:
        # caller holds the index lock and the write side: another process's change is read before acting, so a fix,
        # re-parse or deletion acts on the index as it is now (a report removed from the shell raises KeyError)
        if index_generation(self.config.index_dir) != self.generation:
            self._reload(reopen=True)

    def _reopen(self) -> None:
        # Another process wrote the index. Chroma's local client keeps the vector index in memory and never sees
        # another process's chunks (a report ingested from the shell would be found by BM25 only): a fresh client,
        # from a cleared system cache, reads them. Other open clients keep their own systems.
        if not self.config.chroma_url:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        try:
            fresh = Index.open(self.config)
        except Exception:  # a damaged index is reported by its own tools; answer from the handle we have
            log.exception("reopening the index after an outside change failed")
            return
        # the records read so far come along: only those another process changed are read again (a vectors-only
        # write, e.g. `nianbao embed`, reads none), and the catalog built on the unchanged ones is kept
        fresh.adopt_records(self.assistant.index)
        self.assistant.index = fresh

    def _read_shared_generation(self) -> str | None:
        if not self.config.chroma_url:  # a local index: its files' fingerprint tells every change
            return None
        try:
            return self.assistant.index.generation()
        except Exception:  # the server is unreachable: answer from what was read; the next look tries again
            log.exception("could not read the shared generation from %s", self.config.chroma_url)
            return self.shared_generation

    def _shared_moved(self) -> bool:
        # throttled: between two looks, questions compare nothing with the server
        if not self.config.chroma_url or time.monotonic() - self._shared_read_at < self.SHARED_POLL_SECONDS:
            return False
        self._shared_read_at = time.monotonic()
        return self._read_shared_generation() != self.shared_generation

    def sync(self) -> bool:
        """Reload when another process changed the index since it was last read; True when it did."""
        if index_generation(self.config.index_dir) == self.generation and not self._shared_moved():
            return False
        try:
            with index_lock(self.config.index_dir, wait=0, what="读取"), self.lock.write():
                if index_generation(self.config.index_dir) != self.generation:  # another question may have done it
                    self._reload(reopen=True)
                elif (shared := self._read_shared_generation()) != self.shared_generation:
                    # another directory's app wrote the shared server: its reports' lexical rows are added here, the
                    # removed ones' dropped (prune is safe: this directory's writers are kept out by the index lock).
                    # Their vectors are that app's to write (its own catch-up): two apps never embed the same report.
                    self._reload(embed=False)
                    self.assistant.index.catch_up_lexical(prune=True)
                    log.info("shared index changed (%s): reloaded", shared)
                else:
                    return False
        except IndexBusy:  # a writer is at work: answer from what was read; the next question looks again
            return False
        except OSError:  # the lock file cannot be made (a read-only index directory): keep what was read
            log.exception("could not take the index lock to reload %s", self.config.index_dir)
            return False
        return True

    def fix(self, report_id: str, fields: dict[str, Any]) -> Report:
        """Correct a report's body, region or year (indexing.pipeline.fix_report); the chat sees it at once."""
        with index_lock(self.config.index_dir, what="更正"), self.lock.write():
            self._catch_up()
            fixed = fix_report(report_id, fields, self.config, index=self.assistant.index)
            self._reload()
            return fixed

    def delete(self, report_id: str) -> bool:
        """Remove one report (indexing.pipeline.remove_reports); False when it was not there."""
        with index_lock(self.config.index_dir, what="删除"), self.lock.write():
            self._catch_up()
            removed = remove_reports([report_id], self.config, index=self.assistant.index)
            self._reload()
            return bool(removed)

    def reparse(self, report_id: str) -> Report:
        """Parse one report again from its kept file (indexing.pipeline.reparse_report). Like an upload, the parse
        runs beside questions; only swapping in the new record takes the write side."""
        with index_lock(self.config.index_dir, what="重新解析"):
            with self.lock.write():
                self._catch_up()
            try:
                with self.lock.read():
                    return reparse_report(report_id, self.config, index=self.assistant.index)
            finally:
                with self.lock.write():
                    self._reload()

    def ingest(self, paths: list[Path], progress: Callable[[str], None] | None = None):
        # Reading, screening and parsing take seconds to minutes: questions go on meanwhile (a report is answerable
        # only once its record — the commit marker — is written, so none sees half a report; writers are serialised
        # by the index's own lock). Only swapping in the new records and names takes the write side. Records first:
        # the upload returns once they are written; their vectors follow in the background (the reload starts it).
        try:
            with index_lock(self.config.index_dir, say=progress, what="写入"):
                with self.lock.read():
                    summary = ingest_paths(
                        paths, self.config, progress=progress, index=self.assistant.index, embed=False
                    )
                with self.lock.write():
                    self._reload()
        except IndexBusy as exc:
            return IngestSummary(failures=[(str(self.config.index_dir), str(exc))])
        return summary


def _config_of(assistant: Assistant) -> IndexConfig:
    return assistant.index.config


# ================================================================ the page
def build_app(assistant_or_config: Assistant | IndexConfig, *, llm: LLMConfig | None = None) -> gr.Blocks:
    if isinstance(assistant_or_config, IndexConfig):
        state = AppState(assistant_or_config, llm=llm)
    else:
        llm = llm if llm is not None else assistant_or_config.llm
        state = AppState(_config_of(assistant_or_config), assistant=assistant_or_config, llm=llm)

    # delete_cache: Gradio's own copies of downloads and uploads older than an hour are removed every half hour
    with gr.Blocks(
        title="年报问答 · 政府信息公开工作年度报告", analytics_enabled=False, delete_cache=(1800, 3600)
    ) as demo:
        gr.Markdown("## 年报问答\n就政府信息公开工作年度报告提问：数字取自报告表格和正文，每个回答都附来源。")
        refresh_catch_up = catch_up_line(state, demo)
        data_link = AnswerLink(state.report)  # “在数据页查看” under an answer whose figure is a table cell
        with gr.Tab("问答", id="chat") as chat_page:
            refresh_filters = chat_tab(state, data_link, tab=chat_page)
        with gr.Tab("数据", id="data"):
            data_tab(state, data_link)
        with gr.Tab("报告库", id="corpus") as corpus_page:
            refresh_listing = corpus_tab(state, demo, tab=corpus_page)
        with gr.Tab("上传报告", id="upload"):
            upload_tab(state, after=[refresh_filters, refresh_listing, refresh_catch_up])
        with gr.Tab("设置", id="settings"):
            settings_tab(state)

        def chat(question: str) -> str:
            """Ask one question; returns the answer text with its numbered sources."""
            question = clean_question(question)
            if not question:
                return "请输入问题。"
            try:
                return answer_plain_text(state.ask(question), state.report)
            except Exception:  # the reason goes to the log; the caller gets a message in Chinese, not a trace
                log.exception("question failed: %s", question[:MAX_QUESTION_CHARS])
                return FAILED_ANSWER

        chat.__annotations__ = {"question": str, "return": str}  # gr.api reads real types, not postponed strings
        gr.api(chat, api_name="chat", concurrency_id="ask", concurrency_limit=CHAT_CONCURRENCY)

        def data(measure: str, year: int | None = None, region: str | None = None,
                 level: str | None = None) -> list[dict]:
            """One measure (key or Chinese name) for every report that passes the filters: rows of body, region,
            level, year, value (None = blank cell, unknown), report_id, source, table, row, column."""
            try:
                return data_api(state.reports(), measure, year, region, level)
            except ValueError as exc:  # unknown measure, bad year: a clear message to the caller
                raise gr.Error(str(exc)) from None

        data.__annotations__ = {"measure": str, "year": int | None, "region": str | None, "level": str | None,
                                "return": list[dict]}
        gr.api(data, api_name="data")
    demo.nianbao_state = state  # tests and serve() reach the shared state through the Blocks
    return demo


FAILED_ANSWER = "出错了：回答这个问题时程序出现了问题（详情已记入服务器日志）。请换个问法，或稍后再试。"


def _echo(question: str) -> str:
    """The question as shown in the chat: its start only when it is over the limit (the answer says the limit)."""
    return question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"


def _filters(
    years: list[Any] | None, regions: list[str] | None, levels: list[str] | None, reports: list[Report] | None = None
) -> SearchFilters | None:
    """The chat's filters as SearchFilters. A region is a chain (山东省/威海市) and lets through the reports whose
    chain runs through it — its 县/区 and their towns included — and no report of a namesake elsewhere."""
    if not (years or regions or levels):
        return None
    report_ids = None
    if regions:
        chosen = {r.report_id for r in reports or [] if any(in_region(r, region) for region in regions)}
        report_ids = sorted(chosen) or [NO_REPORT]  # an empty list would mean “no filter”
    return SearchFilters(
        years=[int(y) for y in years] if years else None,
        report_ids=report_ids,
        levels=list(levels) if levels else None,
    )


def _filter_choices(reports: list[Report]) -> tuple[list[int], list[tuple[str, str]], list[str]]:
    """Years, regions and levels to filter by. Regions are chain prefixes, sorted so each 市 is followed by its 县/区:
    (“山东省 › 威海市 › 文登区”, “山东省/威海市/文登区”) — label and value."""
    years = sorted({r.year for r in reports if r.year})
    regions = [(chain.replace(REGION_SEP, REGION_LABEL_SEP), chain) for chain in region_choices(reports)]
    levels = [lv for lv in schema.LEVELS if any(r.level == lv for r in reports)]
    return years, regions, levels


Refresher = tuple[Callable[[], Any], list[gr.components.Component]]  # (fn, its outputs), run after an upload

NO_REPORT = "（无）"  # a report id no report has: a region filter that matches nothing lets nothing through
REGION_LABEL_SEP = " › "
MAX_SAVED_TURNS = 30  # turns kept in the browser's storage (each holds its rendered answer)
CHAT_STORAGE_KEY = "nianbao-chat"
BROWSER_KEY_FILE = "browser_state.key"
EMPTY_HINT = "请先输入问题，例如：“2021年哪些乡镇没有收到政府信息公开申请？”"


def _hint_html(text: str) -> str:
    return f'<div class="nb-hint" role="status" aria-live="polite">{_esc(text)}</div>' if text else ""


# In the browser, with no round trip: a live count of the question's characters, and a warning past the limit
# (the server refuses such a question too, saying the limit; nothing is cut silently). It reads the box on each
# keystroke and every 400 ms (the box is also emptied by the server after a question is sent). Gradio's own
# Textbox.input event did not reach a JS-only listener in this app, so the counter owns its element.
COUNTER_JS = f"""
const max = {MAX_QUESTION_CHARS};
let last = null;
const show = () => {{
  const box = document.querySelector('#nb-question textarea');
  const q = box ? box.value : '';
  if (q === last) return;
  last = q;
  const n = [...q].length;
  // one hint at a time: while there is text, the counter speaks and an earlier “请先输入问题” steps aside
  const earlier = document.querySelector('#nb-input-hint');
  if (earlier) earlier.style.display = n ? 'none' : '';
  element.innerHTML = n > max
    ? '<div class="nb-hint" role="status" aria-live="polite">已输入 ' + n + ' 字，超过每个问题 ' + max
      + ' 字的上限：请缩短后再提问（超过上限的问题不会作答）。</div>'
    : (n ? '<div class="nb-count">' + n + ' / ' + max + ' 字</div>' : '');
}};
document.addEventListener('input', (e) => {{ if (e.target.closest && e.target.closest('#nb-question')) show(); }});
setInterval(show, 400);
"""
# Gradio sets each message's aria-label to its raw content (our answer HTML): screen readers get plain text instead.
ARIA_JS = """
if (!window.__nbAria) {
  window.__nbAria = true;
  let queued = false;
  const plain = () => {
    queued = false;
    document.querySelectorAll('#nb-chatbot [data-testid="bot"], #nb-chatbot [data-testid="user"]').forEach((el) => {
      const who = el.getAttribute('data-testid') === 'user' ? '提问' : '回答';
      const label = who + '：' + (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 2000);
      if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
    });
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(plain); } }).observe(
    document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                    attributeFilter: ['aria-label']});
  plain();
}
"""
# Copies the chosen answer's Markdown; window.__nbCopied is what was copied (a hook for tests and for browsers that
# refuse the clipboard, where the hidden-textarea fallback is used).
COPY_JS = """(md) => {
  if (!md) return '还没有可复制的回答。';
  window.__nbCopied = md;
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = md; document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); } finally { area.remove(); }
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(md).catch(fallback);
  else fallback();
  return '已复制回答及来源（Markdown）。';
}"""


def _turn(answer: Answer | None, question: str, html_text: str, markdown: str, files: list[str],
          before: list[str], message: int, filters: dict[str, list] | None = None, *, context: bool = True
          ) -> dict[str, Any]:
    """One question and its rendered answer, as kept in the session and the browser's storage; `record` is what a
    👍/👎 stores (nianbao.feedback.Feedback's fields); `filters` what it was asked within (to replay it); `context`
    False for a refused question (no follow-up reads it); `follow_up` whether it leaned on the turn before (a replay
    after a refresh goes back to the last turn that did not)."""
    value = answer.value if answer is not None and isinstance(answer.value, int | float | bool | str) else None
    plan_, query_ = getattr(answer, "plan", None), getattr(answer, "query", None)
    follow_up = bool(getattr(plan_, "follow_up", False) or getattr(query_, "follow_up", False))
    return {
        "id": uuid.uuid4().hex[:16], "question": question, "html": html_text, "markdown": markdown, "message": message,
        "filters": filters or {}, "context": context and answer is not None, "follow_up": follow_up,
        "record": {
            "question": answer.question if answer else question, "answer": answer.answer if answer else html_text,
            "kind": answer.kind if answer else "unknown", "value": value, "items": list(answer.items) if answer else [],
            "citations": [c.to_json() for c in answer.citations] if answer else [], "files": files, "history": before,
        },
    }


def browser_secret(index_dir: Path) -> str | None:
    """The key the browser's copy of a conversation is sealed with, kept beside the index so a restarted server can
    still read what browsers kept; None (a new key each start) when the index folder cannot hold it."""
    path = Path(index_dir) / BROWSER_KEY_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
                fh.write(secrets.token_hex(32))
        except FileExistsError:  # kept from an earlier start (or another server's, this instant)
            pass
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):  # a read-only index folder
        return None
    return key if len(key) >= 32 else None


def _replayed(state: AppState, turns: list[dict[str, Any]]) -> list[Answer]:
    """The Answers behind the last kept turns, asked again in order with their filters, so a follow-up (“那2020年呢？”)
    after a refresh reads against them. A turn whose answer comes out differently (the library changed, or it leaned
    on a turn before these) starts the thread afresh; answers are deterministic, so normally all come back."""
    past: list[Answer] = []
    for t in turns:
        record_ = t.get("record") if isinstance(t.get("record"), dict) else {}
        question, f = record_.get("question"), t.get("filters") if isinstance(t.get("filters"), dict) else {}
        if not isinstance(question, str) or not question:
            past = []
            continue
        try:
            regions = f.get("regions")
            filters = _filters(f.get("years"), regions, f.get("levels"), state.reports() if regions else None)
            answer = state.ask(question, history=past, filters=filters)
        except Exception:  # a kept value the server no longer accepts: the thread starts afresh
            log.exception("replaying a kept question failed")
            return []
        past = past + [answer] if answer.answer == record_.get("answer") else []
    return past


def _thread(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The kept turns a follow-up after a refresh stands on: back from the last answered question to the last one that
    stood on its own (refused questions skipped), at most MAX_REPLAYED_CHAIN. A turn kept before `follow_up` was
    recorded counts as leaning on the one before: the walk goes on, within the bound."""
    chain: list[dict[str, Any]] = []
    for t in reversed([t for t in turns if t.get("context", True)]):
        chain.insert(0, t)
        if t.get("follow_up") is False or len(chain) >= MAX_REPLAYED_CHAIN:
            break
    return chain


def _restored(saved: Any) -> list[dict[str, Any]]:
    """The turns kept in the browser, checked: only well-formed ones, at most MAX_SAVED_TURNS, renumbered."""
    turns = []
    for t in saved if isinstance(saved, list) else []:
        if isinstance(t, dict) and all(isinstance(t.get(k), str) for k in ("id", "question", "html", "markdown")):
            turns.append({**t, "message": 2 * len(turns) + 1})
    return turns[-MAX_SAVED_TURNS:]


def _messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [m for t in turns for m in ({"role": "user", "content": t["question"]},
                                       {"role": "assistant", "content": t["html"]})]


def _turn_at(turns: list[dict[str, Any]], message: Any) -> dict[str, Any] | None:
    index = message[0] if isinstance(message, list | tuple) else message
    return next((t for t in turns or [] if t.get("message") == index), None)


def _verdict(liked: Any) -> str | None:
    """Gradio's like value: True/“Like” is 👍, False/“Dislike” 👎, "" the same thumb clicked again to take it back;
    anything else is no verdict."""
    if not isinstance(liked, bool | str):
        return None
    return {True: "up", "Like": "up", False: "down", "Dislike": "down", "": "withdrawn"}.get(liked)


def _feedback(turn: dict[str, Any], verdict: str, note: str = "") -> Feedback:
    record = turn.get("record") if isinstance(turn.get("record"), dict) else {}
    fields = {k: record[k] for k in ("question", "answer", "kind", "value", "items", "citations", "files", "history")
              if k in record}
    return Feedback(id=str(turn["id"]), verdict=verdict, note=note, **{"question": "", "answer": "", **fields})


def chat_tab(state: AppState, data_link: AnswerLink | None = None, tab: gr.Tab | None = None) -> Refresher:
    years, regions, levels = _filter_choices(state.reports())
    history = gr.State([])  # this session's Answers, passed back as history= for follow-ups
    turns = gr.State([])  # this session's questions with their rendered answers (what the browser keeps)
    judged = gr.State(None)  # the turn last given 👍/👎 and its verdict, for a note sent after it
    # the conversation, in the browser, across refresh (and server restarts: the key it is sealed with is kept)
    saved = gr.BrowserState([], storage_key=CHAT_STORAGE_KEY, secret=browser_secret(state.config.index_dir))
    with gr.Row():
        with gr.Column(scale=4):
            chatbot = gr.Chatbot(
                label="对话",
                height=560,
                latex_delimiters=[],
                feedback_options=("Like", "Dislike"),  # 👍/👎 under each answer, stored with an optional note
                buttons=[],  # Gradio's copy buttons copy the raw HTML; 复制回答 below copies Markdown
                placeholder="请提问，例如：2021年哪些乡镇没有收到政府信息公开申请？",
                elem_id="nb-chatbot",
            )
            with gr.Row():
                question = gr.Textbox(
                    label="问题",
                    show_label=False,
                    placeholder=f"输入问题，按回车提问（最多 {MAX_QUESTION_CHARS} 字）",
                    scale=6,
                    elem_id="nb-question",
                )
                ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="nb-ask")
                clear_btn = gr.Button("清空对话", scale=1, elem_id="nb-clear")
            with gr.Row(elem_id="nb-input-notes"):
                hint = gr.HTML("", elem_id="nb-input-hint", js_on_load=ARIA_JS)
                gr.HTML("", elem_id="nb-count", js_on_load=COUNTER_JS)
            with gr.Row():
                copy_btn = gr.Button("复制回答（Markdown）", size="sm", scale=1, elem_id="nb-copy")
                copy_status = gr.Markdown(
                    "点选一条回答可复制那一条；默认复制最新的回答。", elem_id="nb-copy-status", scale=3
                )
            copy_md = gr.Textbox(visible="hidden", elem_id="nb-copy-md")  # the chosen answer's Markdown
            with gr.Row(visible=False, elem_id="nb-feedback") as feedback_row:
                note = gr.Textbox(
                    label="补充说明（可选：哪里不对，正确答案是什么）", scale=5, elem_id="nb-feedback-note"
                )
                note_btn = gr.Button("提交说明", scale=1, elem_id="nb-feedback-send")
            feedback_status = gr.Markdown("", elem_id="nb-feedback-status")
            # A question with several readings is asked back: its readings, one click each.
            readings = gr.Radio(choices=[], label="您指的是哪一个？（点击即问）", visible=False, elem_id="nb-readings")
            if data_link is not None:
                data_link.offer(history)  # 在数据页查看: shown when the last answer's figure is a table cell
            examples = gr.Examples(
                examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=[question], label="示例问题（点击即问）"
            )
            with gr.Column(visible=False, elem_id="nb-rows") as rows_box:
                gr.Markdown("#### 数据表与图表")
                with gr.Row():
                    rows_table = gr.Dataframe(
                        label="明细（单位、年份、数值）", interactive=False, elem_id="nb-rows-table", scale=1
                    )
                    chart = gr.BarPlot(
                        x="单位", y="数值", label="柱状图", elem_id="nb-chart", scale=1, height=300,
                        y_axis_format=",.6~g",  # 329, 1.5, 0 — not 0.000000
                        x_label_angle=-30,
                        # Biggest first, as rankings read. Set once: Gradio 6.31 applies a sort or y_lim sent with
                        # a new value to the next answer's chart, not this one's.
                        sort="-y",
                        y_lim=[0, None],  # bars start at zero: 235 against 306 must not look like 1 against 8
                    )
                csv_file = gr.DownloadButton("下载 CSV", elem_id="nb-csv")
            with gr.Accordion("反馈记录", open=False):
                gr.Markdown("👍/👎 和说明保存在本机索引目录的 feedback.jsonl；导出为与 eval/gold.jsonl 相近的格式，"
                            "答错的问题可整理为评测题（命令行：`nianbao feedback export --down`）。")
                export_btn = gr.Button("导出反馈（JSONL）", size="sm", elem_id="nb-feedback-export")
                export_file = gr.File(label="反馈文件", visible=False, elem_id="nb-feedback-file")
        with gr.Column(scale=1, min_width=220):
            gr.Markdown("#### 筛选\n只在所选范围内查找（不选即全部）。")
            year_filter = gr.CheckboxGroup(choices=years, label="年份", elem_id="nb-years")
            region_filter = gr.Dropdown(
                choices=regions, multiselect=True, label="地区（省 › 市 › 县，选市含其下各县区）", elem_id="nb-regions"
            )
            level_filter = gr.Dropdown(choices=levels, multiselect=True, label="级别", elem_id="nb-levels")
            refresh_btn = gr.Button("刷新筛选项", size="sm")

    def respond(q: str, messages: list, past: list[Answer], kept: list, ys, rs, ls) -> dict:
        q = clean_question(q)  # control characters never reach the page; Assistant.ask checks the length
        if not q:
            return {hint: _hint_html(EMPTY_HINT)}
        messages = list(messages or []) + [{"role": "user", "content": _echo(q)}]
        hidden = {rows_box: gr.update(visible=False), rows_table: None, chart: None, csv_file: gr.update(value=None)}
        before = [t["record"]["question"] for t in kept or [] if isinstance(t.get("record"), dict)
                  and t.get("context", True)][-5:]
        # a refused question (over the limit) is answered with the limit, stays in its box to be shortened, and is
        # no context: the next follow-up, and a replay after a refresh, read the question before it
        refused = bound_question(q)[1] is not None
        try:
            answer = state.ask(q, history=past, filters=_filters(ys, rs, ls, state.reports() if rs else None))
        except Exception:  # the page stays usable; a Chinese message is shown, the trace goes to the log
            log.exception("question failed: %s", q[:MAX_QUESTION_CHARS])
            answer, shown, md, files = None, FAILED_ANSWER, FAILED_ANSWER, []
        else:
            shown, md = answer_html(answer, state.report), answer_markdown(answer, state.report)
            files = [r.source for r in (state.report(rid) for rid in dict.fromkeys(
                c.report_id for c in answer.citations)) if r is not None]
            past = list(past or []) + ([] if refused else [answer])
        messages.append({"role": "assistant", "content": shown})
        asked_within = {"years": list(ys or []), "regions": list(rs or []), "levels": list(ls or [])}
        turn = _turn(answer, _echo(q), shown, md, files, before, len(messages) - 1, asked_within, context=not refused)
        kept = list(kept or []) + [turn]
        out = {chatbot: messages, history: past, turns: kept, saved: kept[-MAX_SAVED_TURNS:],
               question: gr.skip() if refused else "",
               hint: "", copy_md: md, copy_status: "可复制最新的回答；点选一条回答可改为复制那一条。", **hidden}
        if answer is None or not shows_rows(answer):
            return out
        title = measure_title(answer)
        plot = chart_frame(answer.rows)
        return {
            **out,
            rows_box: gr.update(visible=True),
            rows_table: gr.update(value=rows_frame(answer.rows, title), label=f"明细：{title}"),
            # All zeros (“which had none”) draws no bars: the table says it; an empty chart looks broken.
            # Only the label names the measure: a y_title sent with new values made Gradio 6.31 keep the last
            # answer's bars on the x axis (the same lag as sort and y_lim).
            chart: gr.update(value=plot, visible=bool((plot["数值"] != 0).any()), label=f"柱状图：{title}"),
            csv_file: gr.update(value=str(write_rows_csv(answer.rows, state.download_dir, measure=title))),
        }

    def respond_and_offer(q: str, messages: list, past: list[Answer], kept: list, ys, rs, ls) -> dict:
        out = respond(q, messages, past, kept, ys, rs, ls)
        last = (out.get(history) or [None])[-1]
        offered = last is not None and last.kind == "clarify" and last.options and last.question == clean_question(q)
        shown = gr.update(choices=list(last.options), value=None, visible=True) if offered else gr.update(
            choices=[], value=None, visible=False)
        return {**out, readings: shown}

    inputs = [question, chatbot, history, turns, year_filter, region_filter, level_filter]
    outputs = [chatbot, history, turns, saved, question, hint, copy_md, copy_status, rows_box, rows_table, chart,
               csv_file, readings]
    common = dict(concurrency_id="ask", concurrency_limit=CHAT_CONCURRENCY, api_visibility="private")
    private = dict(api_visibility="private")
    answered = [
        question.submit(respond_and_offer, inputs, outputs, **common),
        ask_btn.click(respond_and_offer, inputs, outputs, **common),
        examples.load_input_event.then(respond_and_offer, inputs, outputs, **common),
        readings.select(lambda choice: choice, readings, question, **private).then(
            respond_and_offer, inputs, outputs, **common
        ),
    ]
    clear_btn.click(
        lambda: ([], [], [], [], gr.update(visible=False), "", gr.update(visible=False), ""), None,
        [chatbot, history, turns, saved, rows_box, copy_md, feedback_row, feedback_status], **private,
    )

    def restore(kept: Any):
        restored = _restored(kept)
        md = restored[-1]["markdown"] if restored else ""
        return _messages(restored), restored, md, _replayed(state, _thread(restored))

    gr.on([Context.root_block.load], restore, saved, [chatbot, turns, copy_md, history], **common)

    def choose(kept: list, selected: gr.SelectData):
        turn = _turn_at(kept, selected.index)
        if turn is None:
            return gr.skip(), gr.skip()
        return turn["markdown"], f"已选中这条回答：{turn['question'][:40]}（点“复制回答”复制）"

    chatbot.select(choose, turns, [copy_md, copy_status], **private)
    copy_btn.click(None, copy_md, copy_status, js=COPY_JS, **private)

    def judge(kept: list, liked: gr.LikeData):
        turn, verdict = _turn_at(kept, liked.index), _verdict(liked.liked)
        if turn is None or verdict is None:
            return None, gr.update(visible=False), gr.skip(), ""
        try:
            record(state.config.index_dir, _feedback(turn, verdict))
        except OSError as exc:
            log.warning("feedback not saved: %s", exc)
            return None, gr.update(visible=False), gr.skip(), "反馈未能保存（索引目录不可写），请告知管理员。"
        if verdict == "withdrawn":
            return None, gr.update(visible=False), "", "已撤回评价。"
        mark = "👍" if verdict == "up" else "👎"
        return ({"id": turn["id"], "verdict": verdict}, gr.update(visible=True), "",
                f"已记录 {mark}。可在下方补充说明后点“提交说明”（可选）。")

    chatbot.like(judge, turns, [judged, feedback_row, note, feedback_status], **private)

    def send_note(kept: list, pending: Any, text: str):
        wanted = pending.get("id") if isinstance(pending, dict) else None
        turn = next((t for t in kept or [] if wanted and t.get("id") == wanted), None)
        if turn is None:
            return gr.skip(), "请先点 👍 或 👎 评价一条回答。"
        try:
            record(state.config.index_dir, _feedback(turn, pending["verdict"], clean_question(text)))
        except OSError as exc:
            log.warning("feedback not saved: %s", exc)
            return gr.skip(), "说明未能保存（索引目录不可写），请告知管理员。"
        return gr.update(visible=False), "说明已保存，谢谢。"

    note_btn.click(send_note, [turns, judged, note], [feedback_row, feedback_status], **private)
    note.submit(send_note, [turns, judged, note], [feedback_row, feedback_status], **private)

    def export():
        out = Path(tempfile.mkdtemp(prefix="feedback-", dir=state.download_dir)) / "年报问答反馈.jsonl"
        return gr.update(value=str(write_export(state.config.index_dir, out)), visible=True)

    export_btn.click(export, None, export_file, **private)

    filter_outputs = [year_filter, region_filter, level_filter]
    seen = gr.State(-1)  # the AppState.version the filter choices were made from

    def refresh(ys=None, rs=None, ls=None):
        """The choices from the reports now; a chosen year, region or level no report has any more is unchosen."""
        choices = _filter_choices(state.reports())
        chosen = (ys, rs, ls)
        updates = []
        for options, picked in zip(choices, chosen, strict=True):
            values = {o[1] if isinstance(o, tuple) else o for o in options}
            updates.append(gr.update(choices=options) if picked is None else
                           gr.update(choices=options, value=[v for v in picked if v in values]))
        return (*updates, state.version)

    def follow(seen_, ys, rs, ls):
        """The choices again only when the state moved (a shell `nianbao remove`, an upload) since they were made:
        on the tab's select, on page load and after each answer (its question synced the state) — never polled."""
        state.sync()
        if seen_ == state.version:
            return (gr.skip(),) * 4
        return refresh(ys, rs, ls)

    follow_inputs = [seen, *filter_outputs]
    refresh_btn.click(refresh, filter_outputs, [*filter_outputs, seen], **private)
    gr.on([Context.root_block.load], follow, follow_inputs, [*filter_outputs, seen], **private)
    if tab is not None:
        tab.select(follow, follow_inputs, [*filter_outputs, seen], trigger_mode="always_last", **private)
    for event in answered:
        event.then(follow, follow_inputs, [*filter_outputs, seen], **private)
    return (lambda: refresh()), [*filter_outputs, seen]


CATCH_UP_TICK_SECONDS = 3.0  # the catch-up line is read again this often, only while reports wait for vectors


def catch_up_view(state: AppState) -> tuple[Any, Any]:
    """The catch-up line (hidden when every report has its vectors) and its timer, running only while it has news."""
    text = state.catch_up.status()
    return gr.Markdown(_esc(text), visible=bool(text)), gr.Timer(active=state.catch_up.running)


def catch_up_line(state: AppState, demo: gr.Blocks) -> Refresher:
    """Under the title, on every tab: how far semantic search is in catching up with the records. Read when the page
    loads and after an upload; a timer reads it again every few seconds while a catch-up runs, then stops."""
    line = gr.Markdown("", visible=False, elem_id="nb-catch-up")
    timer = gr.Timer(CATCH_UP_TICK_SECONDS, active=False)

    def show() -> tuple[Any, Any]:
        return catch_up_view(state)

    demo.load(show, None, [line, timer], api_visibility="private")
    timer.tick(show, None, [line, timer], api_visibility="private", show_progress="hidden")
    return show, [line, timer]


def check_upload(path: Path) -> str | None:
    """Why an uploaded file is refused before it reaches the index, or None when it may go in."""
    if path.suffix.lower() not in UPLOAD_SUFFIXES:
        return f"不支持的文件类型 {path.suffix or '（无扩展名）'}，只接受 {' '.join(UPLOAD_SUFFIXES)}"
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）"
    if size == 0:
        return "文件为空"
    return None


def upload_report_files(state: AppState, files: list[str] | None) -> str:
    """Check each file, ingest the acceptable ones in one batch, and say per file what happened."""
    if not files:
        return "请先选择文件。"
    accepted: list[Path] = []
    lines: list[str] = []
    for name in files:
        path = Path(name)
        reason = check_upload(path)
        if reason:
            lines.append(f"✗ {path.name}：{reason}")
        else:
            accepted.append(path)
    if accepted:
        progress: list[str] = []
        summary = state.ingest(accepted, progress=progress.append)
        lines.extend(f"✗ {Path(source).name}：{why}" for source, why in summary.failures)
        lines.append("")
        # the per-file lines (新增 / 未变 / 更新); failures are listed above with their reasons
        lines.extend(m for m in progress if m.startswith("[") and "：失败" not in m)
        lines.append(summary.describe())
        if catching_up := state.catch_up.status():  # answerable now; semantic search follows
            lines.append(catching_up)
    else:
        lines.append("没有可入库的文件。")
    return "\n".join(lines).strip()


def upload_tab(state: AppState, after: list[Refresher]) -> None:
    gr.Markdown(
        f"拖入 {' '.join(UPLOAD_SUFFIXES)} 格式的年度报告（单个文件不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。"
        "每个文件单独检查：读不了或不是年度报告的文件会列出原因，不会部分入库；其余文件照常入库。"
    )
    files = gr.File(
        label="报告文件", file_count="multiple", file_types=list(UPLOAD_SUFFIXES), type="filepath", elem_id="nb-upload"
    )
    go = gr.Button("加入索引", variant="primary", elem_id="nb-ingest")
    result = gr.Textbox(label="入库结果", lines=8, interactive=False, elem_id="nb-ingest-result")
    # its own queue slot: an upload waits for other uploads, not for questions (the write lock orders it with them)
    event = go.click(
        lambda fs: upload_report_files(state, fs), files, result, concurrency_id="ingest", concurrency_limit=1,
        api_visibility="private",
    )
    for fn, outputs in after:  # the new reports show up in the filters and the report list at once
        event = event.then(fn, None, outputs, api_visibility="private")


def settings_tab(state: AppState) -> None:
    # Read-only on purpose (issue 11): the endpoint serves every user of this server, and a visitor who could change
    # it could make the server send everyone's questions and report passages to an address of their choosing (SSRF).
    # It is set by whoever starts the server — `nianbao serve --llm …` or NIANBAO_LLM_* — and only shown here.
    gr.Markdown(
        "可选：一个 OpenAI 兼容的大模型接口，用于润色开放性问题的文字回答。"
        "数字类问题始终直接取自报告表格，不经过大模型。\n\n"
        "**此页只显示、不能修改**：大模型接口对本服务的所有用户生效，只能由运行服务的人在启动时设置——"
        "命令行 `nianbao serve --llm openai-compatible --llm-base-url 地址 --llm-model 模型名`，"
        f"或环境变量 `{ENV_BASE_URL}`、`{ENV_MODEL}`、`{ENV_API_KEY}`。"
        "网页上不提供修改，以免访问者把所有用户的问题和报告摘录转发到他指定的地址。",
        elem_id="nb-llm-help",
    )
    gr.Markdown(_llm_status(state.llm), elem_id="nb-llm-status")


def _llm_status(llm: LLMConfig | None) -> str:
    if llm is None:
        return "当前：未使用大模型（回答全部由报告原文和表格直接生成）。"
    model, url = _esc(getattr(llm, "model", "")), _esc(getattr(llm, "base_url", ""))
    return f"当前：使用 `{model}` @ `{url}`（启动时设置，只读）"


# ================================================================ start
def ensure_index(index: Index, corpus_dir: Path, *, out=sys.stderr) -> None:
    """On first start the index is empty: build it from the corpus, showing progress. Records first: the app starts
    once they are written, and embeds the passages in the background (AppState.catch_up)."""
    if index.reports():
        return
    print(f"索引为空，正在从 {corpus_dir} 建立索引……", file=out, flush=True)
    summary = ingest_paths(
        [Path(corpus_dir)], index.config, progress=lambda m: print(m, file=out, flush=True), index=index, embed=False
    )
    for source, reason in summary.failures:
        print(f"错误 {source}: {reason}", file=out, flush=True)
    print(summary.describe(), file=out, flush=True)


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, *, block: bool = True, api=None):
    """Start the server on host:port: no share link, no analytics, no Node SSR server, uploads capped.

    `api` (nianbao.openai_api.create_api) is mounted at /v1 on the same server, ahead of Gradio's own routes."""
    # Chat events run CHAT_CONCURRENCY at once (their own limit), uploads one at a time in their own slot; other
    # events (the library, filters) are quick and keep one slot each.
    demo.queue(default_concurrency_limit=1)
    from starlette.routing import Mount

    return demo.launch(
        app_kwargs={"routes": [Mount("/v1", app=api)]} if api is not None else None,
        server_name=host,
        server_port=port,
        share=False,
        ssr_mode=False,
        mcp_server=False,
        prevent_thread_lock=not block,
        max_file_size=MAX_UPLOAD_BYTES,
        show_error=True,
        quiet=not block,
        css=APP_CSS,
        footer_links=["api"],
    )


def serve(
    config: IndexConfig,
    *,
    corpus_dir: Path,
    host: str = "127.0.0.1",
    port: int = 7860,
    llm: LLMConfig | None = None,
    api_key: str | None = None,
    api_no_auth: bool = False,
) -> None:
    from nianbao.openai_api import mounted_api

    index = Index.open(config)  # opened once: the build, the assistant and uploads share its models
    ensure_index(index, corpus_dir)
    assistant = Assistant(index, llm)
    assistant.warm_up()
    demo = build_app(assistant, llm=llm)
    # the OpenAI-compatible endpoint answers through the page's own state: it sees uploads and corrections at once
    api, note = mounted_api(demo.nianbao_state, host=host, api_key=api_key, no_auth=api_no_auth)
    print(f"年报问答已启动：http://{host}:{port}", file=sys.stderr, flush=True)
    demo.nianbao_state.catch_up.say = lambda line: print(line, file=sys.stderr, flush=True)  # 语义检索：x/y …
    print(note, file=sys.stderr, flush=True)
    try:
        launch(demo, host, port, api=api)
    finally:
        demo.nianbao_state.close()


def main() -> None:
    config = IndexConfig(index_dir=DEFAULT_INDEX_DIR, embedder=DEFAULT_EMBEDDER)
    serve(config, corpus_dir=DEFAULT_CORPUS_DIR, llm=LLMConfig.from_args(None, None, None, None))


if __name__ == "__main__":
    main()
