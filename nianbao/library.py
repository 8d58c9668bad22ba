"""The 报告库 (library) tab: find a report (search, filters, sort), see all of it, and manage it (correct, re-parse,
delete). Every change goes through `AppState`, so the chat answers from the new state at once.

The pure parts — which reports a query selects and in what order, a table with every row of its template, the
report's identity with its corrections — are functions of their inputs (tests call them without a server). The
handlers (`save_fix`, `reparse`, `delete`) take the state and return the page's message.

Everything from a report is HTML-escaped before it reaches the page: a report is data, never markup.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd
from pypinyin import lazy_pinyin

from answering.models import fmt_number
from answering.models import section_title as answer_section_title
from answering.vocabulary import column_label, row_label
from indexing import corrections, schema
from indexing.guard import IndexBusy
from indexing.identity import FIRST_YEAR, plausible_year
from indexing.models import ReadError, Report

if TYPE_CHECKING:  # app imports this module; the state is only passed in
    from app import AppState

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
UNKNOWN_CELL = "—（空白）"  # a blank cell is unknown, never 0: it must be seen as blank
BLANK_STYLE = "background:#fff7ed;color:#9a3412"  # dark orange on cream: readable (contrast > 7:1)
NOT_ON_FORM = "／"  # 表二's rows have different columns: a cell the form does not have is not a blank
UNNAMED = "（未识别）"  # a report whose body nothing names
FIELD_LABELS: dict[str, str] = {"agency": "单位", "region": "地区", "year": "年份"}
REGION_JOINER = " › "

# The flags a person filters by: (key, label).
FLAG_CHOICES: dict[str, str] = {
    "issues": "有解析标记（勾稽不平、缺表等）",
    "pending": "待补正（单位或年份未知，不参与问答）",
    "corrected": "已人工更正",
}
SORT_CHOICES: dict[str, str] = {"name": "按单位", "region": "按地区", "year": "按年份（新→旧）"}
ALL_REGIONS = "全部地区"
# A report the person picked is no longer in the index (removed from the shell, or in another tab): said plainly,
# and the list shown again without it — never a message about something else (“no source copy”).
GONE = "这份报告已不在索引中（可能已被删除），列表已刷新。"
MAX_SHOWN = 500  # rows in the table and the picker at once: 10,000 reports would freeze the page; search narrows


# ================================================================ pure: which reports, in what order
@dataclass(frozen=True)
class LibraryQuery:
    """What a person asked of the library: a search text, filters (empty = all) and a sort order."""

    text: str = ""
    years: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()
    region: str = ""  # a chain prefix as region_choices gives it: “山东省 › 威海市”
    flags: tuple[str, ...] = ()  # keys of FLAG_CHOICES; a report must carry every one chosen
    sort: str = "name"


def display_name(r: Report) -> str:
    return r.short_name or r.agency or UNNAMED


def region_text(r: Report) -> str:
    return REGION_JOINER.join(r.region)


def report_flags(r: Report) -> set[str]:
    """The FLAG_CHOICES keys this report carries."""
    found = set()
    if r.flags:
        found.add("issues")
    if not r.identified:
        found.add("pending")
    if r.corrections:
        found.add("corrected")
    return found


def matches(r: Report, query: LibraryQuery) -> bool:
    words = query.text.split()
    if words:
        haystack = " ".join([r.short_name, r.agency, "/".join(r.region), region_text(r), str(r.year or ""),
                             f"{r.year}年" if r.year else "", r.source, r.report_id]).casefold()
        if not all(w.casefold() in haystack for w in words):
            return False
    if query.years and r.year not in query.years:
        return False
    if query.levels and r.level not in query.levels:
        return False
    if query.region and not _chain_starts_with(r.region, query.region.split(REGION_JOINER)):
        return False
    return set(query.flags) <= report_flags(r)


def _chain_starts_with(chain: list[str], prefix: list[str]) -> bool:
    return list(chain[: len(prefix)]) == prefix


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> tuple[tuple[str, ...], str]:
    """Chinese names in the order people read lists in (港口乡 < 侯家镇 < 文登区), ties by the characters."""
    return tuple(lazy_pinyin(name)), name


def region_key(chain: list[str] | tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """A region chain (山东省, 威海市, 文登区) in pinyin order, level by level: the library and the 数据 tab use it."""
    return [pinyin_key(part) for part in chain]


def sort_key(by: str):
    """A key for sorted(): reports without a name (or year, or region) sort after those with one, whatever the
    order — an empty name sorting first hid every named report below it."""

    def name(r: Report) -> tuple:
        return (not (r.short_name or r.agency), pinyin_key(r.short_name or r.agency))

    def year(r: Report) -> tuple:
        return (r.year is None, -(r.year or 0))

    def key(r: Report) -> tuple:
        if by == "year":
            return (*year(r), *name(r), r.source)
        if by == "region":
            return (not r.region, region_key(r.region), *name(r), *year(r), r.source)
        return (*name(r), *year(r), r.source)

    return key


def select_reports(reports: list[Report], query: LibraryQuery) -> list[Report]:
    """The reports the query lets through, in its order."""
    return sorted((r for r in reports if matches(r, query)), key=sort_key(query.sort))


def region_choices(reports: list[Report]) -> list[str]:
    """Every chain prefix held by some report (“山东省”, “山东省 › 威海市”, …): a county sits under its city."""
    prefixes = {tuple(r.region[: n + 1]) for r in reports for n in range(len(r.region))}
    return [REGION_JOINER.join(p) for p in sorted(prefixes, key=region_key)]


def year_choices(reports: list[Report]) -> list[int]:
    return sorted({r.year for r in reports if r.year}, reverse=True)


def level_choices(reports: list[Report]) -> list[str]:
    return [lv for lv in schema.LEVELS if any(r.level == lv for r in reports)]


def count_text(total: int, matched: int, shown: int) -> str:
    if not matched:
        return f"共 {total} 份报告，没有符合条件的。"
    if shown < matched:
        return f"共 {total} 份报告，符合条件 {matched} 份，显示前 {shown} 份（请用搜索或筛选缩小范围）。"
    return f"共 {total} 份报告，显示 {shown} 份。"


def report_label(r: Report) -> str:
    return f"{display_name(r)} · {r.year or '年份不详'}{'年' if r.year else ''} · {r.source}"


def status_text(r: Report) -> str:
    parts = []
    if not r.identified:
        parts.append("待补正")
    if r.corrections:
        parts.append("已更正")
    return "、".join(parts)


def reports_frame(reports: list[Report]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "单位": [display_name(r) for r in reports],
            "全称": [r.agency for r in reports],
            "年份": [r.year or "" for r in reports],
            "级别": [r.level for r in reports],
            "所在地区": [region_text(r) for r in reports],
            "状态": [status_text(r) for r in reports],
            "表格格式": [TEMPLATE_LABELS.get(r.template, r.template) for r in reports],
            "解析标记": [len(r.flags) for r in reports],
            "来源文件": [r.source for r in reports],
        }
    )


# ================================================================ pure: one report, all of it
@dataclass(frozen=True)
class TableGrid:
    """One of tables 2–4 as shown: every row of the report's template (and any the record holds beyond it), every
    column, each cell a number or UNKNOWN_CELL. `note` says why a table is missing."""

    table: str
    columns: list[str]  # Chinese column labels
    rows: list[tuple[str, list[str]]]  # (row label, cell texts)
    note: str = ""


def _cell_text(value: Any) -> str:
    return UNKNOWN_CELL if value is None else fmt_number(value)


def _template_shape(table: str, template: str) -> tuple[list[str], dict[str, str], list[str], dict[str, str]]:
    """(row keys, row labels, column keys, column labels) of a table in a template (indexing/schema.py)."""
    if table == "proactive":
        rows = schema.proactive_rows(template)
        columns = list(dict.fromkeys(c for r in rows for c in r.columns))
        return [r.key for r in rows], schema.PROACTIVE_ROW_LABELS, columns, schema.PROACTIVE_COLUMN_LABELS
    if table == "requests":
        return (list(schema.request_rows(template)), schema.REQUEST_ROW_LABELS, list(schema.request_columns(template)),
                schema.REQUEST_COLUMN_LABELS)
    return (list(schema.APPEAL_BLOCKS), schema.APPEAL_BLOCK_LABELS, list(schema.APPEAL_COLUMNS),
            schema.APPEAL_COLUMN_LABELS)


def table_grid(table: str, cells: dict[str, dict[str, Any]] | None, template: str) -> TableGrid:
    """Every row the template has (表三 down to 结转下年度继续办理), a blank or absent cell shown as UNKNOWN_CELL."""
    template = template if template in schema.TEMPLATES else "2021"
    row_keys, labels, columns, col_labels = _template_shape(table, template)
    on_form = {r.key: set(r.columns) for r in schema.proactive_rows(template)} if table == "proactive" else {}
    note = "" if cells is not None else "报告中没有这张表：其中的数值未知（不按0处理）"
    cells = cells or {}
    # rows or columns the record holds beyond the template still show, after the template's own
    row_keys += [k for k in cells if k not in row_keys]
    columns += [c for row in cells.values() for c in row if c not in columns]

    def text(row: str, col: str) -> str:
        value = (cells.get(row) or {}).get(col)
        if value is None and row in on_form and col not in on_form[row]:
            return NOT_ON_FORM
        return _cell_text(value)

    rows = [(labels.get(k, k), [text(k, c) for c in columns]) for k in row_keys]
    return TableGrid(table, [col_labels.get(c, c) for c in columns], rows, note)


def table_frame(table: str, cells: dict[str, dict[str, Any]] | None, template: str) -> pd.DataFrame:
    """One of tables 2–4 with Chinese row and column labels; a blank cell shows UNKNOWN_CELL (unknown, not 0)."""
    if cells is None:
        return pd.DataFrame({"说明": ["报告中没有这张表：其中的数值未知（不按0处理）"]})
    grid = table_grid(table, cells, template)
    data: dict[str, list[str]] = {"项目": [label for label, _ in grid.rows]}
    for n, col in enumerate(grid.columns):
        data[col] = [values[n] for _, values in grid.rows]
    return pd.DataFrame(data)


def table_html(grid: TableGrid) -> str:
    """The whole table as HTML, every row on the page (a scrolling grid hid 表三's last row, 结转下年度)."""
    title = schema.TABLE_TITLES.get(grid.table, grid.table)
    head = "".join(f"<th>{_esc(c)}</th>" for c in ["项目", *grid.columns])
    body = "".join(
        "<tr><th scope=\"row\">" + _esc(label) + "</th>"
        + "".join(_td(v) for v in values)
        + "</tr>"
        for label, values in grid.rows
    )
    note = f'<p class="nb-table-note">{_esc(grid.note)}</p>' if grid.note else ""
    return (f'<div class="nb-lib-table" data-table="{_esc(grid.table)}"><h4>{_esc(title)}</h4>{note}'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _td(value: str) -> str:
    if value == UNKNOWN_CELL:  # tinted so a blank stands out from a 0 at a glance (the text says it too)
        return f'<td class="nb-blank" style="{BLANK_STYLE}">{_esc(value)}</td>'
    return f'<td class="nb-num">{_esc(value)}</td>'


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


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def cell_words(cell: str) -> str:
    """A flag's cell key in the words of the report: “requests.new_received.total” → 表三 本年新收… × 总计."""
    parts = cell.split(".")
    if parts[0] == "sections" and len(parts) == 2:
        return answer_section_title(parts[1]) if parts[1] else "正文"
    if parts[0] not in schema.TABLE_TITLES:
        return cell
    words = [schema.TABLE_TITLES[parts[0]].split()[0]]
    if len(parts) > 1:
        words.append(row_label(parts[0], parts[1]))
    if len(parts) > 2:
        words.append(f"× {column_label(parts[0], parts[2])}")
    return " ".join(words)


def _field_text(name: str, value: Any) -> str:
    if name == "region":
        return REGION_JOINER.join(value) if value else "未注明"
    if name == "year":
        return f"{value}年" if value else "未识别"
    return str(value) if value else UNNAMED


def report_meta_html(r: Report, original: dict[str, Any] | None = None) -> str:
    """The report's identity and parse flags; a corrected field says 已更正 and, when known, what was read before."""
    original = original or {}

    def shown(name: str, text: str) -> str:
        if name not in r.corrections:
            return _esc(text)
        before = f"，原为：{_esc(_field_text(name, original[name]))}" if name in original else ""
        return f'{_esc(text)} <span class="nb-corrected">（已更正{before}）</span>'

    rows = [
        ("全称", shown("agency", r.agency or UNNAMED)),
        ("简称", _esc(r.short_name or UNNAMED)),
        ("所在地区", shown("region", _field_text("region", r.region))),
        ("级别", _esc(r.level)),
        ("报告年份", shown("year", _field_text("year", r.year))),
        ("签发日期", _esc(r.signed_date or "未注明")),
        ("表格格式", _esc(TEMPLATE_LABELS.get(r.template, r.template))),
        ("来源文件", _esc(r.source)),
        ("报告编号", _esc(r.report_id)),
    ]
    sources = "；".join(
        f"{name}：{SOURCE_LABELS.get(where, where)}"
        for name, where in (("单位", r.sources.get("agency")), ("年份", r.sources.get("year")),
                            ("地区", r.sources.get("region")))
        if where
    )
    rows.append(("识别依据", _esc(sources or "无")))
    if not r.identified:
        rows.append(("状态", _esc("单位或年份未知：已入库，补正前不参与问答（可在下方“更正单位或年份”中补上）")))
    table = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
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
    return f"<h3>{_esc(r.title or r.agency or UNNAMED)}</h3><table>{table}</table>{flag_block}"


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


# ================================================================ the index's generation (changes from the CLI)
# Files every writer rewrites and no reader touches: pending.json around each record written or deleted (replaced
# by rename, so a new inode each time), corrections.json on a fix. Their stat is the index's generation. (Not the
# Chroma or search files: opening or reading those may write them, and a reload would then trigger the next.)
_GENERATION_FILES = ("pending.json", "corrections.json")


def index_generation(index_dir: Path) -> tuple:
    """A cheap fingerprint (a few stat calls) that changes whenever a writer — this app or `nianbao ingest/remove/
    fix` in another process — changed the index at `index_dir`."""
    out = []
    for name in _GENERATION_FILES:
        try:
            st = os.stat(Path(index_dir) / name)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


# ================================================================ handlers (state in, message out)
def save_fix(state: AppState, report_id: str | None, agency: str, region: str, year: float | None
             ) -> tuple[str, Report | None]:
    """Correct a report's body, region or year; returns the page's message and the corrected report."""
    if not report_id:
        return "请先选择报告。", None
    fields = fix_fields(agency, region, year)
    if isinstance(fields, str):
        return fields, None
    try:
        fixed = state.fix(report_id, fields)
    except KeyError:
        return GONE, None
    except IndexBusy as exc:
        return f"未能更正：{exc}", None
    what = "、".join(FIELD_LABELS[k] for k in fields)
    if fixed.identified:
        return f"已更正{what}：{display_name(fixed)} {fixed.year}年，问答即刻按更正后的内容回答。", fixed
    return f"已更正{what}；单位或年份仍未知，暂不参与问答。", fixed


def reparse(state: AppState, report_id: str | None) -> tuple[str, Report | None]:
    """Parse a report again from its kept file; says so when the file is gone or no longer reads."""
    if not report_id:
        return "请先选择报告。", None
    try:
        report = state.reparse(report_id)
    except KeyError:  # checked against the index as it is now, before its kept copy is looked for
        return GONE, None
    except FileNotFoundError as exc:
        return f"无法重新解析：{exc}", None
    except IndexBusy as exc:
        return f"未能重新解析：{exc}", None
    except ReadError as exc:
        return f"无法重新解析：{exc.reason}", None
    except Exception as exc:  # noqa: BLE001  (a parser failure on one report must leave the page usable)
        return f"无法重新解析：{exc.__class__.__name__}", None
    return f"已重新解析 {display_name(report)} {report.year or ''}（{report.source}），问答即刻使用新结果。", report


def delete(state: AppState, report_id: str | None) -> str:
    if not report_id:
        return "请先选择报告。"
    report = state.report(report_id)
    try:
        if report is None or not state.delete(report_id):
            return GONE
    except IndexBusy as exc:
        return f"未能删除：{exc}"
    return f"已删除 {display_name(report)} {report.year or ''}（{report.source}），问答不再使用它。"


# ================================================================ the tab
def _query(text, years, levels, region, flags, sort) -> LibraryQuery:
    return LibraryQuery(
        text=(text or "").strip()[:100],
        years=tuple(int(y) for y in years or ()),
        levels=tuple(levels or ()),
        region="" if region in (None, ALL_REGIONS) else region,
        flags=tuple(k for k, label in FLAG_CHOICES.items() if label in (flags or ()) or k in (flags or ())),
        sort=next((k for k, label in SORT_CHOICES.items() if sort in (k, label)), "name"),
    )


def picked_value(ids: list[str], selected: str | None, *, first: bool) -> str | None:
    """The picker's value over a new list: the picked report while it is listed; else the first one only when the
    person is choosing a listing (a search, a filter, the page opening) — after an action or an outside change a
    gone pick leaves the picker empty, so a form filled for one report can never be saved onto another."""
    if selected in ids:
        return selected
    return ids[0] if first and ids else None


def corpus_tab(state: AppState, demo: gr.Blocks, tab: gr.Tab | None = None):
    gr.Markdown(
        "每份已入库的报告：单位、年份、地区、表格格式、解析标记。可搜索、筛选、排序；选中一份查看其全部表格和全文，"
        f"并可更正、重新解析或删除。表格中“{UNKNOWN_CELL}”表示报告没有填写（未知，不是0）。"
    )
    with gr.Row():
        search = gr.Textbox(label="搜索（单位、地区、年份、文件名）", placeholder="例如：侯家镇 或 文登区 2021",
                            elem_id="nb-lib-search", scale=3)
        sort = gr.Radio(choices=list(SORT_CHOICES.values()), value=SORT_CHOICES["name"], label="排序",
                        elem_id="nb-lib-sort", scale=2)
    with gr.Row():
        years = gr.Dropdown(choices=[], multiselect=True, label="年份", elem_id="nb-lib-years")
        levels = gr.Dropdown(choices=[], multiselect=True, label="级别", elem_id="nb-lib-levels")
        region = gr.Dropdown(choices=[ALL_REGIONS], value=ALL_REGIONS, label="地区（省 › 市 › 县）",
                             elem_id="nb-lib-region")
        flags = gr.CheckboxGroup(choices=list(FLAG_CHOICES.values()), label="标记", elem_id="nb-lib-flags")
    count = gr.Markdown(elem_id="nb-lib-count")
    overview = gr.Dataframe(label="报告", interactive=False, elem_id="nb-reports", max_height=420)
    with gr.Row():
        picker = gr.Dropdown(label="选择报告", choices=[], elem_id="nb-report-picker", scale=4)
        reload_btn = gr.Button("刷新列表", scale=1, elem_id="nb-lib-reload")
    status = gr.Markdown(elem_id="nb-lib-status")
    meta = gr.HTML(elem_id="nb-report-meta")
    with gr.Accordion("管理这份报告：更正单位或年份、重新解析、删除", open=True, elem_id="nb-lib-manage"):
        gr.Markdown("更正记在报告文件上（按文件内容），重新导入或重新解析同一文件后仍然有效；页面上标为“已更正”并给出原识别结果。")
        with gr.Row():
            fix_agency = gr.Textbox(label="单位全称", placeholder="例如：某县某镇人民政府", elem_id="nb-fix-agency")
            fix_region = gr.Textbox(label="所在地区（可选）", placeholder="某省/某市/某县", elem_id="nb-fix-region")
            fix_year = gr.Number(label="报告年份", precision=0, elem_id="nb-fix-year")
        with gr.Row():
            fix_btn = gr.Button("保存更正", elem_id="nb-fix-save", variant="primary")
            reparse_btn = gr.Button("重新解析", elem_id="nb-lib-reparse")
            delete_btn = gr.Button("删除这份报告…", elem_id="nb-lib-delete", variant="stop")
        with gr.Row(visible=False, elem_id="nb-lib-confirm") as confirm_row:
            confirm_text = gr.Markdown(elem_id="nb-lib-confirm-text")
            confirm_btn = gr.Button("确认删除", variant="stop", elem_id="nb-lib-confirm-delete")
            cancel_btn = gr.Button("取消", elem_id="nb-lib-cancel")
    doomed = gr.State(None)  # the report the confirmation names: 确认删除 deletes that one, whatever is picked since
    tables = {t: gr.HTML(elem_id=f"nb-table-{t}") for t in schema.TABLE_KEYS}
    facts = gr.Dataframe(label="正文中的数字", interactive=False, wrap=True)
    text = gr.Textbox(label="报告全文", lines=20, max_lines=40, interactive=False, elem_id="nb-report-text")

    query_inputs = [search, years, levels, region, flags, sort]
    list_outputs = [overview, picker, count, years, levels, region]

    def listing(q: LibraryQuery, selected: str | None = None, *, clear: bool = False, first: bool = True):
        reports = state.reports()
        matched = select_reports(reports, q)
        shown = matched[:MAX_SHOWN]
        choices = [(report_label(r), r.report_id) for r in shown]
        value = picked_value([rid for _, rid in choices], selected, first=first)
        return (
            reports_frame(shown),
            gr.update(choices=choices, value=value),
            count_text(len(reports), len(matched), len(shown)),
            gr.update(choices=year_choices(reports), **({"value": []} if clear else {})),
            gr.update(choices=level_choices(reports), **({"value": []} if clear else {})),
            gr.update(choices=[ALL_REGIONS, *region_choices(reports)], **({"value": ALL_REGIONS} if clear else {})),
        )

    def filtered(text_, years_, levels_, region_, flags_, sort_, selected=None, first=True):
        return listing(_query(text_, years_, levels_, region_, flags_, sort_), selected, first=first)

    def show(report_id: str | None):
        # a new pick empties the correction form and withdraws a pending deletion: neither may land on another report
        cleared = ("", "", None, gr.update(visible=False), None)
        r = state.report(report_id) if report_id else None
        if r is None:
            return ("", *("" for _ in tables), None, "", *cleared)
        original = corrections.originals(state.config.index_dir, r.content_hash) if r.corrections else {}
        return (
            report_meta_html(r, original),
            *(table_html(table_grid(t, r.tables.get(t), r.template)) for t in tables),
            facts_frame(r),
            r.text,
            *cleared,
        )

    show_outputs = [meta, *tables.values(), facts, text, fix_agency, fix_region, fix_year, confirm_row, doomed]

    def after_change(message: str, report: Report | None, *query, kept: str | None = None):
        # the changed report stays picked (its id may be new); on a failure the pick stays only while it exists
        selected = report.report_id if report else kept
        return (message, *filtered(*query, selected=selected, first=False), state.version)

    def on_fix(report_id, agency, region_, year, *query):
        return after_change(*save_fix(state, report_id, agency, region_, year), *query, kept=report_id)

    def on_reparse(report_id, *query):
        return after_change(*reparse(state, report_id), *query, kept=report_id)

    def ask_delete(report_id):
        r = state.report(report_id) if report_id else None
        if r is None:
            return gr.update(visible=False), "", GONE if report_id else "请先选择报告。", None
        what = f"确定删除 **{_esc(display_name(r))} {r.year or ''}**（{_esc(r.source)}）？删除后问答不再使用它。"
        return gr.update(visible=True), what, "", r.report_id

    def on_delete(report_id, picked_, *query):
        kept = picked_ if picked_ != report_id else None
        return (gr.update(visible=False), None, *after_change(delete(state, report_id), None, *query, kept=kept))

    seen = gr.State(-1)  # the AppState.version this page's list shows

    def follow(seen_, picked_, *query):
        """The list again when the state moved since it was shown (a shell `nianbao remove/ingest`, another page's
        upload); nothing is sent when it did not. A pick that is gone empties the picker and says so."""
        state.sync()
        if seen_ == state.version:
            return (gr.skip(),) * (len(list_outputs) + 2)
        gone = bool(picked_) and state.report(picked_) is None
        return (state.version, GONE if gone else gr.skip(), *filtered(*query, selected=picked_, first=False))

    private = dict(api_visibility="private")
    for component in (years, levels, region, flags, sort):
        component.input(filtered, query_inputs, list_outputs, **private)
    search.submit(filtered, query_inputs, list_outputs, **private)
    search.input(filtered, query_inputs, list_outputs, trigger_mode="always_last", **private)
    follow_outputs = [seen, status, *list_outputs]
    picker.change(show, picker, show_outputs, **private).then(follow, [seen, picker, *query_inputs], follow_outputs,
                                                              trigger_mode="always_last", **private)
    if tab is not None:
        tab.select(follow, [seen, picker, *query_inputs], follow_outputs, trigger_mode="always_last", **private)
    fix_btn.click(on_fix, [picker, fix_agency, fix_region, fix_year, *query_inputs], [status, *list_outputs, seen],
                  concurrency_id="library-write", **private).then(show, picker, show_outputs, **private)
    reparse_btn.click(on_reparse, [picker, *query_inputs], [status, *list_outputs, seen],
                      concurrency_id="library-write", **private).then(show, picker, show_outputs, **private)
    delete_btn.click(ask_delete, picker, [confirm_row, confirm_text, status, doomed], **private)
    cancel_btn.click(lambda: (gr.update(visible=False), None, "已取消删除。"), None, [confirm_row, doomed, status],
                     **private)
    confirm_btn.click(on_delete, [doomed, picker, *query_inputs], [confirm_row, doomed, status, *list_outputs, seen],
                      concurrency_id="library-write", **private).then(show, picker, show_outputs, **private)
    reload_btn.click(filtered, query_inputs, list_outputs, **private)

    def everything():  # on page load and after an upload: every report, the filters cleared
        return ("", [], SORT_CHOICES["name"], *listing(LibraryQuery(), clear=True), state.version)

    all_outputs = [search, flags, sort, *list_outputs, seen]
    demo.load(everything, None, all_outputs, **private)
    return everything, all_outputs
