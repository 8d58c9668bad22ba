"""The Gradio app: ask in Chinese, see the answer, its sources, its table and chart; browse, upload, see settings.

`serve(config, corpus_dir=..., host=..., port=...)` builds the index from `corpus_dir` when it is empty and starts
the app; `build_app(assistant_or_config)` returns the `gr.Blocks` (tests launch it themselves). The endpoint
`/chat` takes one question and returns the answer text with its numbered sources, for `gradio_client`.

Everything from a report is HTML-escaped here before it reaches the page: a report is data, never markup.
"""

from __future__ import annotations

import nianbao  # noqa: F401  (pins the offline environment before gradio or any model library loads)

# isort: split
import csv
import html
import logging
import re
import shutil
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from answering.assistant import Assistant
from answering.citing import body_label as _body_label
from answering.citing import cell_line, citation_heading, section_title
from answering.citing import row_pairs as _row_pairs
from answering.limits import MAX_QUESTION_CHARS, clean_question
from answering.llm import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, LLMConfig
from answering.models import Answer, fmt_number
from answering.vocabulary import column_label, row_label
from indexing import schema
from indexing.export import csv_row
from indexing.identity import FIRST_YEAR, plausible_year
from indexing.models import Report
from indexing.pipeline import fix_report, ingest_paths
from indexing.retrieve import SearchFilters
from indexing.store import Index, IndexConfig
from nianbao.config import DEFAULT_CORPUS_DIR, DEFAULT_EMBEDDER, DEFAULT_INDEX_DIR

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

TEMPLATE_LABELS: dict[str, str] = {
    "2021": "2021年新版格式（表三25行×7列）",
    "2019": "2019/2020年旧版格式（表三23行×7列）",
    "wide": "加宽格式（表三约28行×8列）",
}
FLAG_RULE_LABELS: dict[str, str] = {
    "requests.balance": "勾稽关系不平衡（新收+上年结转≠办理总计+结转下年）",
    "requests.row_total": "行合计与各申请人列之和不符",
    "requests.handled_total": "办理结果总计与各项之和不符",
    "appeals.block_total": "表四合计与各结果之和不符",
    "prose_vs_table": "正文数字与表格不一致",
    "table.unplaced": "表格无法安全定位（已留空，未猜测）",
    "table.missing": "缺少表格（数值未知，不按0处理）",
    "section.missing": "缺少章节",
    "year.missing": "未识别报告年份",
    "agency.missing": "未识别发布机关",
    "section.none": "没有章节标题（全文按总体情况处理）",
}
# Where an identity field was read (indexing.identity.PRIORITY), in the words of the library.
SOURCE_LABELS: dict[str, str] = {
    "title": "标题", "manifest": "导入清单", "page_title": "网页/文档标题", "opening": "开头说明",
    "statistics_period": "统计期限", "signature": "落款", "metadata": "页面信息栏", "breadcrumb": "页面导航",
    "file_name": "文件名", "mentions": "正文首段", "overview": "总体情况首句年份", "text_mentions": "正文提及",
    "correction": "人工更正",
}  # fmt: skip
UNKNOWN_CELL = "—"
MAX_DOWNLOAD_FOLDERS = 32  # CSV downloads kept on disk (one folder each); older ones are removed as answers come in
# Questions answered at once. The Assistant only reads per question (uploads and corrections take AppState's
# write lock), so one slow question no longer holds every other user's chat in a single queue slot.
CHAT_CONCURRENCY = 4

APP_CSS = """
.nb-answer { white-space: normal; }
.nb-sources { margin-top: .6em; font-size: .92em; }
.nb-sources summary { cursor: pointer; font-weight: 600; }
.nb-sources ol { margin: .4em 0 0 1.2em; padding: 0; }
.nb-sources li { margin-bottom: .5em; }
.nb-source-head { font-weight: 600; }
.nb-cell { font-family: monospace; }
.nb-passage { color: var(--body-text-color-subdued); }
.nb-sources mark { padding: 0 .1em; }
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


def cell_words(cell: str) -> str:
    """A flag's cell key in the words of the report: “requests.new_received.total” → 表三 本年新收… × 总计."""
    parts = cell.split(".")
    if parts[0] == "sections" and len(parts) == 2:
        return section_title(parts[1])
    if parts[0] not in schema.TABLE_TITLES:
        return cell
    words = [schema.TABLE_TITLES[parts[0]].split()[0]]
    if len(parts) > 1:
        words.append(row_label(parts[0], parts[1]))
    if len(parts) > 2:
        words.append(f"× {column_label(parts[0], parts[2])}")
    return " ".join(words)


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
        spans.extend((i, i + n) for i in range(len(text) - n + 1) if text[i : i + n] in pieces)
    for term in list(dict.fromkeys(t for t in terms if t))[:MAX_HIGHLIGHT_TERMS]:
        # a number matches whole numbers only: 23 must not light up inside 235
        pattern = rf"(?<![\d.]){re.escape(term)}(?![\d.])" if term[0].isdigit() else re.escape(term)
        spans.extend(m.span() for m in re.finditer(pattern, text))
    return _merge(spans)[:MAX_MARKS]


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


def answer_plain_text(answer: Answer, lookup: Callable[[str], Report | None] | None = None) -> str:
    """What `/chat` returns: the answer, then its numbered sources as plain text."""
    lines = [answer.answer.strip()]
    if answer.rows:
        lines.append("")
        lines.extend(f"  {label}：{value}" for label, value in _row_pairs(answer.rows))
    if answer.citations:
        lines += ["", "来源："]
        for n, c in enumerate(answer.citations, 1):
            lines.append(f"[{n}] {citation_heading(c)}：{cell_line(c, lookup) or ' '.join(c.text.split())}")
    return "\n".join(lines)


def shows_rows(answer: Answer) -> bool:
    """Lists, rankings and comparisons get a table and chart; a single figure is already the whole answer."""
    return bool(answer.rows) and (answer.kind == "list" or len(answer.rows) > 1)


def rows_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows of a list/ranking/comparison answer as the table users see (unknown values stay blank)."""
    return pd.DataFrame(
        {
            "单位": [_body_label(r) for r in rows],
            "年份": [r.get("year") if r.get("year") is not None else "" for r in rows],
            "数值": ["未披露" if r.get("value") is None else fmt_number(r["value"]) for r in rows],
        }
    )


def chart_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Bars for the rows with a known value; an unknown value is left out, never drawn as zero."""
    known = [r for r in rows if isinstance(r.get("value"), int | float) and not isinstance(r.get("value"), bool)]
    labels = [f"{_body_label(r)}{r.get('year') or ''}" for r in known]  # short: axis labels must not collide
    return pd.DataFrame({"单位": labels, "数值": [float(r["value"]) for r in known]})


def write_rows_csv(rows: list[dict[str, Any]], directory: Path, *, keep: int = MAX_DOWNLOAD_FOLDERS) -> Path:
    """A CSV named for people (年报问答数据.csv), in a folder of its own so concurrent answers never collide.

    Every cell goes through indexing.export.csv_cell (a body named “=HYPERLINK(…)” is text, not a formula), and only
    the newest `keep` answer folders are kept: older downloads are removed as new ones are written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="answer-", dir=directory)) / "年报问答数据.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(csv_row(["单位", "年份", "数值"]))
        for r in rows:
            value = "" if r.get("value") is None else r["value"]
            writer.writerow(csv_row([_body_label(r), r.get("year") or "", value]))
    prune_download_folders(directory, keep, spare=path.parent)
    return path


def prune_download_folders(directory: Path, keep: int, *, spare: Path | None = None) -> None:
    """Remove all but the newest `keep` answer-* folders in `directory` (never `spare`, the one just written)."""
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # removed meanwhile by another answer's pruning
            return 0.0

    folders = sorted((p for p in directory.glob("answer-*") if p != spare), key=age, reverse=True)
    for old in folders[max(keep - 1, 0):]:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- corpus view
def report_label(r: Report) -> str:
    return f"{r.short_name or r.agency} · {r.year or '年份不详'}年 · {r.source}"


def reports_frame(reports: list[Report]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "单位": [r.short_name for r in reports],
            "全称": [r.agency for r in reports],
            "年份": [r.year or "" for r in reports],
            "级别": [r.level for r in reports],
            "所在地区": [" › ".join(r.region) for r in reports],
            "表格格式": [TEMPLATE_LABELS.get(r.template, r.template) for r in reports],
            "解析标记": [len(r.flags) for r in reports],
            "来源文件": [r.source for r in reports],
        }
    )


def _cell_text(value: Any) -> str:
    return UNKNOWN_CELL if value is None else fmt_number(value)


def table_frame(table: str, cells: dict[str, dict[str, Any]] | None, template: str) -> pd.DataFrame:
    """One of tables 2–4 with Chinese row and column labels; a blank cell shows “—” (unknown, not 0)."""
    if cells is None:
        return pd.DataFrame({"说明": ["报告中没有这张表：其中的数值未知（不按0处理）"]})
    if table == "proactive":
        row_keys = [r.key for r in schema.proactive_rows(template)]
        labels, col_labels = schema.PROACTIVE_ROW_LABELS, schema.PROACTIVE_COLUMN_LABELS
        columns = list(dict.fromkeys(c for r in schema.proactive_rows(template) for c in r.columns))
    elif table == "requests":
        row_keys = list(schema.request_rows(template))
        labels, col_labels = schema.REQUEST_ROW_LABELS, schema.REQUEST_COLUMN_LABELS
        columns = list(schema.request_columns(template))
    else:
        row_keys = list(schema.APPEAL_BLOCKS)
        labels, col_labels = schema.APPEAL_BLOCK_LABELS, schema.APPEAL_COLUMN_LABELS
        columns = list(schema.APPEAL_COLUMNS)
    # rows or columns the record holds beyond the template still show, after the template's own
    row_keys += [k for k in cells if k not in row_keys]
    columns += [c for row in cells.values() for c in row if c not in columns]
    data: dict[str, list[str]] = {"项目": [labels.get(k, k) for k in row_keys]}
    for col in columns:
        data[col_labels.get(col, col)] = [
            _cell_text(cells[k].get(col)) if k in cells and col in cells[k] else "" for k in row_keys
        ]
    return pd.DataFrame(data)


def facts_frame(report: Report) -> pd.DataFrame:
    facts = list(report.facts.values())
    return pd.DataFrame(
        {
            "事项": [schema.fact_label(f.key) for f in facts],
            "数值": [_fact_value(f.value) + (f.unit or "") for f in facts],
            "原文": [f.sentence for f in facts],
        }
    )


def _fact_value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return _cell_text(value)


def report_meta_html(r: Report) -> str:
    rows = [
        ("全称", r.agency),
        ("简称", r.short_name),
        ("所在地区", " › ".join(r.region) or "未注明"),
        ("级别", r.level),
        ("报告年份", f"{r.year}年" if r.year else "未识别"),
        ("签发日期", r.signed_date or "未注明"),
        ("表格格式", TEMPLATE_LABELS.get(r.template, r.template)),
        ("来源文件", r.source),
        ("报告编号", r.report_id),
    ]
    sources = "；".join(
        f"{name}：{SOURCE_LABELS.get(where, where)}"
        for name, where in (("单位", r.sources.get("agency")), ("年份", r.sources.get("year")),
                            ("地区", r.sources.get("region")))
        if where
    )
    rows.append(("识别依据", sources or "无"))
    if not r.identified:
        rows.append(("状态", "单位或年份未知：已入库，补正前不参与问答（可在下方“更正单位或年份”中补上）"))
    table = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
    if r.flags:
        flags = "".join(
            f"<li><strong>{_esc(FLAG_RULE_LABELS.get(f.rule, f.rule))}</strong>：{_esc(f.message)}"
            + (f"（涉及：{_esc('、'.join(cell_words(c) for c in f.cells))}）" if f.cells else "")
            + "</li>"
            for f in r.flags
        )
        flag_block = f"<h4>解析标记（{len(r.flags)}）</h4><ul>{flags}</ul>"
    else:
        flag_block = "<h4>解析标记</h4><p>无。</p>"
    return f"<h3>{_esc(r.title or r.agency)}</h3><table>{table}</table>{flag_block}"


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
    side of `lock`; a correction, and the moment an upload's new records are swapped in, take the write side,
    alone. The LLM endpoint is
    fixed when the server starts (command line or environment): no visitor can change it (issue 11).
    """

    def __init__(self, config: IndexConfig, assistant: Assistant | None = None, llm: LLMConfig | None = None):
        self.config = config
        self.llm = llm
        self.lock = ReadWriteLock()
        self.assistant = assistant or Assistant.open(config, llm=llm)
        self.assistant.catalog()  # built now, under no lock: questions then only read it
        self.download_dir = Path(tempfile.mkdtemp(prefix="nianbao-app-"))
        weakref.finalize(self, shutil.rmtree, str(self.download_dir), True)  # removed when the server stops

    # ------------------------------------------------------------ questions
    def ask(self, question: str, history: list[Answer] | None = None, filters: SearchFilters | None = None) -> Answer:
        with self.lock.read():
            return self.assistant.ask(question, history=history or None, filters=filters)

    def report(self, report_id: str) -> Report | None:
        with self.lock.read():
            return self.assistant.index.report(report_id)

    def reports(self) -> list[Report]:
        with self.lock.read():
            return sorted(self.assistant.index.reports(), key=lambda r: (r.short_name, r.year or 0, r.source))

    # ------------------------------------------------------------ changes
    def reload(self) -> None:
        """Drop the cached records so the assistant sees what an ingest added (its name catalog follows)."""
        with self.lock.write():
            self._reload()

    def _reload(self) -> None:
        # caller holds the write lock; the catalog is rebuilt here so concurrent questions never rebuild it
        self.assistant.index.refresh()
        self.assistant.catalog()

    def fix(self, report_id: str, fields: dict[str, Any]) -> Report:
        """Correct a report's body, region or year (indexing.pipeline.fix_report); the chat sees it at once."""
        with self.lock.write():
            fixed = fix_report(report_id, fields, self.config, index=self.assistant.index)
            self._reload()
            return fixed

    def ingest(self, paths: list[Path], progress: Callable[[str], None] | None = None):
        # Reading, screening, parsing and embedding take seconds to minutes: questions go on meanwhile (a report is
        # answerable only once its record — the commit marker — is written, so none sees half a report; writers are
        # serialised by the index's own lock). Only swapping in the new records and names takes the write side.
        with self.lock.read():
            summary = ingest_paths(paths, self.config, progress=progress, index=self.assistant.index)
        with self.lock.write():
            self._reload()
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
        with gr.Tab("问答", id="chat"):
            refresh_filters = chat_tab(state)
        with gr.Tab("报告库", id="corpus"):
            refresh_listing = corpus_tab(state, demo)
        with gr.Tab("上传报告", id="upload"):
            upload_tab(state, after=[refresh_filters, refresh_listing])
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
    demo.nianbao_state = state  # tests and serve() reach the shared state through the Blocks
    return demo


FAILED_ANSWER = "出错了：回答这个问题时程序出现了问题（详情已记入服务器日志）。请换个问法，或稍后再试。"


def _echo(question: str) -> str:
    """The question as shown in the chat: its start only when it is over the limit (the answer says the limit)."""
    return question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"


def _filters(years: list[Any] | None, regions: list[str] | None, levels: list[str] | None) -> SearchFilters | None:
    if not (years or regions or levels):
        return None
    return SearchFilters(
        years=[int(y) for y in years] if years else None,
        regions=list(regions) if regions else None,
        levels=list(levels) if levels else None,
    )


def _filter_choices(reports: list[Report]) -> tuple[list[int], list[str], list[str]]:
    years = sorted({r.year for r in reports if r.year})
    regions = sorted({part for r in reports for part in r.region})
    levels = [lv for lv in schema.LEVELS if any(r.level == lv for r in reports)]
    return years, regions, levels


Refresher = tuple[Callable[[], Any], list[gr.components.Component]]  # (fn, its outputs), run after an upload


def chat_tab(state: AppState) -> Refresher:
    years, regions, levels = _filter_choices(state.reports())
    history = gr.State([])  # this session's Answers, passed back as history= for follow-ups
    with gr.Row():
        with gr.Column(scale=4):
            chatbot = gr.Chatbot(
                label="对话",
                height=560,
                latex_delimiters=[],
                feedback_options=None,
                buttons=["copy", "copy_all"],
                placeholder="请提问，例如：2021年哪些乡镇没有收到政府信息公开申请？",
                elem_id="nb-chatbot",
            )
            with gr.Row():
                question = gr.Textbox(
                    show_label=False,
                    placeholder="输入问题，按回车提问",
                    scale=6,
                    elem_id="nb-question",
                    max_length=500,
                )
                ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="nb-ask")
                clear_btn = gr.Button("清空对话", scale=1, elem_id="nb-clear")
            # A question with several readings is asked back: its readings, one click each.
            readings = gr.Radio(choices=[], label="您指的是哪一个？（点击即问）", visible=False, elem_id="nb-readings")
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
        with gr.Column(scale=1, min_width=220):
            gr.Markdown("#### 筛选\n只在所选范围内查找（不选即全部）。")
            year_filter = gr.CheckboxGroup(choices=years, label="年份", elem_id="nb-years")
            region_filter = gr.Dropdown(choices=regions, multiselect=True, label="地区", elem_id="nb-regions")
            level_filter = gr.Dropdown(choices=levels, multiselect=True, label="级别", elem_id="nb-levels")
            refresh_btn = gr.Button("刷新筛选项", size="sm")

    def respond(q: str, messages: list, past: list[Answer], ys, rs, ls):
        q = clean_question(q)  # control characters never reach the page; Assistant.ask checks the length
        if not q:
            return messages, past, "", gr.skip(), gr.skip(), gr.skip(), gr.skip()
        messages = list(messages or []) + [{"role": "user", "content": _echo(q)}]
        try:
            answer = state.ask(q, history=past, filters=_filters(ys, rs, ls))
        except Exception:  # the page stays usable; a Chinese message is shown, the trace goes to the log
            log.exception("question failed: %s", q[:MAX_QUESTION_CHARS])
            messages.append({"role": "assistant", "content": FAILED_ANSWER})
            return messages, past, "", gr.update(visible=False), None, None, gr.update(value=None)
        messages.append({"role": "assistant", "content": answer_html(answer, state.report)})
        past = list(past or []) + [answer]
        if not shows_rows(answer):
            return messages, past, "", gr.update(visible=False), None, None, gr.update(value=None)
        plot = chart_frame(answer.rows)
        return (
            messages,
            past,
            "",
            gr.update(visible=True),
            rows_frame(answer.rows),
            # a y range even when every value is 0 (“which had none”)
            # All zeros (“which had none”) draws no bars: the table says it; an empty chart looks broken.
            gr.update(value=plot, visible=bool((plot["数值"] != 0).any())),
            gr.update(value=str(write_rows_csv(answer.rows, state.download_dir))),
        )

    def respond_and_offer(q: str, messages: list, past: list[Answer], ys, rs, ls):
        out = respond(q, messages, past, ys, rs, ls)
        last = (out[1] or [None])[-1] if isinstance(out[1], list) and out[1] else None
        offered = last is not None and last.kind == "clarify" and last.options and last.question == clean_question(q)
        shown = gr.update(choices=list(last.options), value=None, visible=True) if offered else gr.update(
            choices=[], value=None, visible=False)
        return (*out, shown)

    inputs = [question, chatbot, history, year_filter, region_filter, level_filter]
    outputs = [chatbot, history, question, rows_box, rows_table, chart, csv_file, readings]
    common = dict(concurrency_id="ask", concurrency_limit=CHAT_CONCURRENCY, api_visibility="private")
    question.submit(respond_and_offer, inputs, outputs, **common)
    ask_btn.click(respond_and_offer, inputs, outputs, **common)
    examples.load_input_event.then(respond_and_offer, inputs, outputs, **common)
    readings.select(lambda choice: choice, readings, question, api_visibility="private").then(
        respond_and_offer, inputs, outputs, **common
    )
    clear_btn.click(
        lambda: ([], [], gr.update(visible=False)), None, [chatbot, history, rows_box], api_visibility="private"
    )

    def refresh():
        ys, rs, ls = _filter_choices(state.reports())
        return gr.update(choices=ys), gr.update(choices=rs), gr.update(choices=ls)

    refresh_btn.click(refresh, None, [year_filter, region_filter, level_filter], api_visibility="private")
    return refresh, [year_filter, region_filter, level_filter]


def corpus_tab(state: AppState, demo: gr.Blocks) -> Refresher:
    gr.Markdown("每份已入库的报告：单位、年份、表格格式、解析标记；选中一份查看其表格和全文。表格中“—”表示空白（未知，不是0）。")
    overview = gr.Dataframe(label="全部报告", interactive=False, elem_id="nb-reports")
    with gr.Row():
        picker = gr.Dropdown(label="选择报告", choices=[], elem_id="nb-report-picker", scale=4)
        reload_btn = gr.Button("刷新列表", scale=1)
    meta = gr.HTML(elem_id="nb-report-meta")
    proactive = gr.Dataframe(label=schema.TABLE_TITLES["proactive"], interactive=False, wrap=True)
    requests = gr.Dataframe(label=schema.TABLE_TITLES["requests"], interactive=False, wrap=True)
    appeals = gr.Dataframe(label=schema.TABLE_TITLES["appeals"], interactive=False, wrap=True)
    facts = gr.Dataframe(label="正文中的数字", interactive=False, wrap=True)
    text = gr.Textbox(label="报告全文", lines=20, max_lines=40, interactive=False, elem_id="nb-report-text")
    with gr.Accordion("更正单位或年份", open=False):
        gr.Markdown("解析不出或认错时在此补正：更正记在报告文件上，重新导入同一文件后仍然有效。")
        with gr.Row():
            fix_agency = gr.Textbox(label="单位全称", placeholder="例如：某县某镇人民政府", elem_id="nb-fix-agency")
            fix_region = gr.Textbox(label="所在地区（可选）", placeholder="某省/某市/某县", elem_id="nb-fix-region")
            fix_year = gr.Number(label="报告年份", precision=0, elem_id="nb-fix-year")
        fix_btn = gr.Button("保存更正", elem_id="nb-fix-save")
        fix_status = gr.Markdown(elem_id="nb-fix-status")

    def listing():
        reports = state.reports()
        choices = [(report_label(r), r.report_id) for r in reports]
        first = choices[0][1] if choices else None
        return (reports_frame(reports), gr.update(choices=choices, value=first))

    def show(report_id: str | None):
        r = state.report(report_id) if report_id else None
        if r is None:
            return "", None, None, None, None, ""
        return (
            report_meta_html(r),
            table_frame("proactive", r.tables.get("proactive"), r.template),
            table_frame("requests", r.tables.get("requests"), r.template),
            table_frame("appeals", r.tables.get("appeals"), r.template),
            facts_frame(r),
            r.text,
        )

    def save_fix(report_id: str | None, agency: str, region: str, year: float | None):
        fields = fix_fields(agency, region, year)
        if not report_id or isinstance(fields, str):
            return gr.update(), gr.update(), "请先选择报告。" if not report_id else fields
        try:
            fixed = state.fix(report_id, fields)
        except KeyError:
            return gr.update(), gr.update(), "这份报告已不在库中，请刷新列表。"
        reports = state.reports()
        choices = [(report_label(r), r.report_id) for r in reports]
        status = "已更正，可参与问答。" if fixed.identified else "已更正；单位或年份仍未知，暂不参与问答。"
        return reports_frame(reports), gr.update(choices=choices, value=fixed.report_id), status

    picker.change(show, picker, [meta, proactive, requests, appeals, facts, text], api_visibility="private")
    fix_btn.click(save_fix, [picker, fix_agency, fix_region, fix_year], [overview, picker, fix_status],
                  api_visibility="private")
    reload_btn.click(listing, None, [overview, picker], api_visibility="private")
    demo.load(listing, None, [overview, picker], api_visibility="private")
    return listing, [overview, picker]


def fix_fields(agency: str, region: str, year: float | None) -> dict[str, Any] | str:
    """The correction a person typed, or why it cannot be saved (Chinese, for the page)."""
    fields: dict[str, Any] = {}
    if agency and agency.strip():
        fields["agency"] = agency.strip()
    if region and region.strip():
        fields["region"] = [x for x in re.split(r"[/>›\s]+", region.strip()) if x]
    if year:
        if not plausible_year(int(year)):
            return f"年份 {int(year)} 不在 {FIRST_YEAR} 年至今之间。"
        fields["year"] = int(year)
    return fields or "请至少填写单位全称、所在地区或报告年份之一。"


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
    """On first start the index is empty: build it from the corpus, showing progress."""
    if index.reports():
        return
    print(f"索引为空，正在从 {corpus_dir} 建立索引……", file=out, flush=True)
    summary = ingest_paths(
        [Path(corpus_dir)], index.config, progress=lambda m: print(m, file=out, flush=True), index=index
    )
    for source, reason in summary.failures:
        print(f"错误 {source}: {reason}", file=out, flush=True)
    print(summary.describe(), file=out, flush=True)


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, *, block: bool = True):
    """Start the server on host:port: no share link, no analytics, no Node SSR server, uploads capped."""
    # Chat events run CHAT_CONCURRENCY at once (their own limit), uploads one at a time in their own slot; other
    # events (the library, filters) are quick and keep one slot each.
    demo.queue(default_concurrency_limit=1)
    return demo.launch(
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
) -> None:
    index = Index.open(config)  # opened once: the build, the assistant and uploads share its models
    ensure_index(index, corpus_dir)
    assistant = Assistant(index, llm)
    assistant.warm_up()
    demo = build_app(assistant, llm=llm)
    print(f"年报问答已启动：http://{host}:{port}", file=sys.stderr, flush=True)
    launch(demo, host, port)


def main() -> None:
    config = IndexConfig(index_dir=DEFAULT_INDEX_DIR, embedder=DEFAULT_EMBEDDER)
    serve(config, corpus_dir=DEFAULT_CORPUS_DIR, llm=LLMConfig.from_args(None, None, None, None))


if __name__ == "__main__":
    main()
