"""The 数据 tab: one measure for every body and year — a paged, sortable table, a bar chart of one year, a line over
the years, CSV and .xlsx downloads, and each cell traced to its report (and opened in 报告库). Also the `data` API and
the “在数据页查看” link from an answer whose figure is a table cell or a figure stated in prose.

Only a page (PAGE_SIZE bodies) goes to the browser; the query runs on the server over the Report records
(answering.dataset), so 10,000 reports do not freeze the page. Report text is escaped before it reaches the page.
"""

from __future__ import annotations

import html
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from answering import dataset as ds
from answering.models import Answer, fmt_number, section_title
from indexing import schema
from indexing.models import Report
from nianbao.downloads import prune_folders
from nianbao.library import pinyin_key, region_key

if TYPE_CHECKING:
    from app import AppState

PAGE_SIZE = 50
DEFAULT_MEASURE = "requests.new_received.total"
BLANK = ""  # a blank cell: unknown, shown blank, never 0
NO_REPORT = "—"  # no report of this body for that year
ALL = "全部"  # the value of a filter's “all” choice
MAX_DATA_FOLDERS = 16  # download folders kept on disk; older ones are removed as new queries are written
CSV_LABEL = "下载 CSV（全部筛选结果）"
XLSX_LABEL = "下载 Excel .xlsx（全部筛选结果）"
PREPARING = "正在准备下载…"
LEGEND = (f"空白 = 报告中该格为空或正文没有写明（未知，不是0）；{NO_REPORT} = 该年没有这个单位的报告。"
          "“正文”指标是报告正文里写明的数字（如主动公开信息总数、各渠道发布条数），约数（如“80余条”）不计入。"
          "点击表中数值可查看它来自哪份报告的哪个单元格或哪一句话，并可在报告库中打开那份报告。")
OPEN_REPORT_LABEL = "在报告库中打开这份报告"


# ================================================================ the query a page shows (pure)
@dataclass(frozen=True)
class DataQuery:
    measure: str = DEFAULT_MEASURE
    year: int | None = None
    region: str | None = None
    level: str | None = None
    sort: str = "region"  # dataset.SORT_KEYS or a year as text
    descending: bool = False

    @classmethod
    def from_inputs(cls, measure: Any, year: Any, region: Any, level: Any, sort: Any, order: Any) -> DataQuery:
        """The page's control values, checked: bad input raises UnknownMeasure / ValueError with a Chinese message."""
        return cls(
            measure=ds.require_measure(str(measure or DEFAULT_MEASURE)).key,
            year=_year(year),
            region=str(region) if region and region != ALL else None,
            level=str(level) if level and level != ALL else None,
            sort=str(sort) if sort and (sort in ds.SORT_KEYS or str(sort).isdigit()) else "region",
            descending=order == "降序",
        )


@dataclass
class DataView:
    """What one query gives: the measure, every matching row, its bodies in sorted order, and the years."""

    measure: ds.Measure
    rows: list[ds.DataRow]
    bodies: list[ds.BodyRow]
    years: list[int]
    ordered: list[ds.DataRow] = field(default_factory=list)  # rows in the table's order (downloads)

    @property
    def pages(self) -> int:
        return ds.page_count(len(self.bodies), PAGE_SIZE)

    def page(self, number: int) -> list[ds.BodyRow]:
        n = clamp_page(number, self.pages)
        return self.bodies[(n - 1) * PAGE_SIZE: n * PAGE_SIZE]


def run_query(reports, q: DataQuery) -> DataView:
    rows = ds.data_rows(reports, q.measure, year=q.year, region=q.region, level=q.level)
    bodies = sort_bodies(ds.pivot(rows), q.sort, descending=q.descending)
    view = DataView(ds.require_measure(q.measure), rows, bodies, ds.years_of(rows))
    view.ordered = ds.rows_in_order(bodies)
    return view


def _body_key(b: ds.BodyRow) -> tuple:
    return pinyin_key(b.short_name or b.body), b.body


def _region_key(b: ds.BodyRow) -> tuple:
    # bodies without a region after those with one, as in the library
    return not b.region, region_key(b.region.split(ds.REGION_SEP) if b.region else ())


def sort_bodies(bodies: list[ds.BodyRow], by: str = "region", *, descending: bool = False) -> list[ds.BodyRow]:
    """dataset.sort_bodies with names and regions in the library's pinyin order (library.pinyin_key: 港口乡 before
    侯家镇), not character codes; by a year's value, bodies without a known value come last in either order."""
    if by in ds.SORT_KEYS:
        key = {"body": _body_key, "region": lambda b: (*_region_key(b), *_body_key(b)),
               "level": lambda b: (b.level, *_region_key(b), *_body_key(b))}[by]
        return sorted(bodies, key=key, reverse=descending)
    year = int(by)
    known = sorted((b for b in bodies if b.value(year) is not None), key=_body_key)
    known.sort(key=lambda b: b.value(year), reverse=descending)  # stable: equal values stay in name order
    return known + sorted((b for b in bodies if b.value(year) is None), key=_body_key)


def _year(value: Any) -> int | None:
    if value in (None, "", ALL):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"年份应为四位数字，收到“{value}”。") from None


def clamp_page(number: Any, pages: int) -> int:
    try:
        n = int(number or 1)
    except (TypeError, ValueError):
        n = 1
    return min(max(n, 1), pages)


def cell_shown(body: ds.BodyRow, year: int) -> str:
    found = body.by_year.get(year)
    if not found:
        return NO_REPORT
    if len(found) == 1:
        return BLANK if found[0].value is None else fmt_number(found[0].value)
    # several reports of one body and year: each value, a blank one named so the “/” does not dangle
    return " / ".join("空白" if d.value is None else fmt_number(d.value) for d in found)


def page_frame(view: DataView, number: int) -> pd.DataFrame:
    """The page as users see it: 单位, 所在地区, 级别, then one column per year."""
    shown = view.page(number)
    frame = {
        "单位": [b.short_name or b.body for b in shown],
        "所在地区": [b.region.replace(ds.REGION_SEP, " › ") for b in shown],
        "级别": [b.level for b in shown],
    }
    for y in view.years:
        frame[f"{y}年"] = [cell_shown(b, y) for b in shown]
    return pd.DataFrame(frame, columns=["单位", "所在地区", "级别", *(f"{y}年" for y in view.years)])


def page_info(view: DataView, number: int) -> str:
    n = clamp_page(number, view.pages)
    known = sum(1 for d in view.rows if d.value is not None)
    return (f"**{html.escape(view.measure.title)}** · 第 {n} / {view.pages} 页 · 共 {len(view.bodies):,} 个单位、"
            f"{len(view.rows):,} 份报告（{known:,} 份有数值）")


def bar_frame(view: DataView, number: int, year: int | None) -> pd.DataFrame:
    """The page's bodies with a known value in `year`: unknown values are left out, never drawn as zero."""
    if year is None:
        return pd.DataFrame({"单位": [], "数值": []})
    shown = [(b, b.value(year)) for b in view.page(number)]
    known = [(b, v) for b, v in shown if v is not None]
    return pd.DataFrame({"单位": [_axis_label(b) for b, _ in known], "数值": [float(v) for _, v in known]})


def _axis_label(b: ds.BodyRow) -> str:
    place = b.region.split(ds.REGION_SEP)[-1] if b.region else ""
    return f"{b.short_name}（{place}）" if place and place != b.short_name else b.short_name or b.body


def line_frame(view: DataView) -> pd.DataFrame:
    """Per year, the sum over reports that state the value (a computed figure; blanks are not counted as 0)."""
    years = [y for y in view.years if any(d.year == y and d.value is not None for d in view.rows)]
    sums = [float(sum(d.value for d in view.rows if d.year == y and d.value is not None)) for y in years]
    counts = [sum(1 for d in view.rows if d.year == y and d.value is not None) for y in years]
    return pd.DataFrame({"年份": [str(y) for y in years], "数值": sums, "有数值的报告": counts})


def chart_year(view: DataView, chosen: Any) -> int | None:
    try:
        year = int(chosen)
    except (TypeError, ValueError):
        year = None
    if year in view.years:
        return year
    known = sorted({d.year for d in view.rows if d.value is not None})  # a year with something to draw
    return known[-1] if known else (view.years[-1] if view.years else None)


def cell_detail(view: DataView, number: int, row: int, column: int) -> str:
    """The report and cell behind a clicked table cell, as HTML (report text escaped)."""
    shown = view.page(number)
    year_col = column - 3
    if not (0 <= row < len(shown)) or not (0 <= year_col < len(view.years)):
        return "<p>点击表中某一年的数值，查看它来自哪份报告的哪个单元格。</p>"
    body, year = shown[row], view.years[year_col]
    found = body.by_year.get(year, ())
    if not found:
        return f"<p>{html.escape(body.body)} 没有 {year} 年的报告。</p>"
    items = "".join(
        f"<li><b>{html.escape(d.body)}</b> · {d.year}年 · 来源文件 <code>{html.escape(d.source)}</code>"
        f"（报告编号 <code>{html.escape(d.report_id)}</code>）<br>{_source_html(view.measure, d)}</li>"
        for d in found
    )
    return f"<ul class='nb-data-cell'>{items}</ul>"


def _source_html(measure: ds.Measure, d: ds.DataRow) -> str:
    """Where the value was read: the cell, or for a prose figure the sentence that states it (or that it is not)."""
    if not measure.prose:
        return f"<span class='nb-cell'>{html.escape(measure.cell_text(d.value))}</span>"
    if not d.sentence:
        return f"<span class='nb-cell'>{html.escape(measure.cell_text(None))}</span>"
    return (f"<span class='nb-cell'>{html.escape(measure.cell_text(d.value))}</span><br>"
            f"正文（{html.escape(section_title(d.section))}）：<q class='nb-sentence'>{html.escape(d.sentence)}</q>")


def cell_reports(view: DataView, number: int, row: int, column: int) -> list[tuple[str, str]]:
    """The reports behind a clicked cell as picker choices (label, report_id): what “在报告库中打开” opens."""
    shown = view.page(number)
    year_col = column - 3
    if not (0 <= row < len(shown)) or not (0 <= year_col < len(view.years)):
        return []
    found = shown[row].by_year.get(view.years[year_col], ())
    return [(f"{d.short_name or d.body} {d.year}年（{d.source}）", d.report_id) for d in found]


# ================================================================ from an answer (pure)
def answer_target(answer: Answer | None, lookup: Callable[[str], Report | None] | None = None) -> dict[str, Any] | None:
    """The data view an answer's figure belongs to: its first cited table cell's measure, else the prose measure whose
    sentences it cites (the one the answer asked about when a sentence states several); the year when every citation
    of that measure is of one year; the region the cited reports share (their common chain), so the table opens on
    the cited bodies and their neighbours. None when the answer cites neither."""
    if answer is None:
        return None
    cells = [(f"{c.table}.{c.row}.{c.column}", c) for c in answer.citations if c.table and c.row and c.column]
    key = next((k for k, _ in cells if k in {m.key for m in ds.measures()}), None)
    cited = [c for k, c in cells if k == key] if key else []
    if key is None:
        key, cited = _prose_target(answer, lookup)
    if key is None:
        return None
    years = {c.year for c in cited}
    reports = [lookup(c.report_id) for c in cited] if lookup else []
    chains = [r.region for r in reports if r is not None]
    shared = _common_prefix(chains) if chains and len(chains) == len(cited) else []
    return {"measure": key, "year": years.pop() if len(years) == 1 else None,
            "region": ds.REGION_SEP.join(shared) or None}


def _prose_target(answer: Answer, lookup: Callable[[str], Report | None] | None) -> tuple[str | None, list]:
    """The prose measure an answer's passages state, and the citations that state it."""
    if lookup is None:
        return None, []
    prose = [m for m in ds.measures() if m.prose]
    stated: list[tuple[Any, set[str]]] = []  # each prose citation and the measures its sentence states
    for c in answer.citations:
        report = None if c.table or not c.text else lookup(c.report_id)
        if report is not None:
            keys = {m.key for m in prose if _states(ds.prose_value(report, m.row)[1], c.text)}
            stated.append((c, keys))
    asked = [k for k in _asked_keys(answer) if any(k in keys for _, keys in stated)]
    counted = Counter(k for _, keys in stated for k in keys)
    key = asked[0] if asked else (min(counted, key=lambda k: (-counted[k], _order(k))) if counted else None)
    return key, [c for c, keys in stated if key in keys]


def _states(fact: Any, passage: str) -> bool:
    """The cited passage is the fact's sentence (a citation may drop a dangling tail or surrounding spaces)."""
    passage = passage.strip()
    return fact is not None and bool(passage) and (passage in fact.sentence or fact.sentence.strip() in passage)


def _asked_keys(answer: Answer) -> list[str]:
    """The measures the answer was asked about (the plan's figures, else the query's), as the question side keys
    them — the data catalogue's prose keys are the same (fact.proactive_total)."""
    keys = [f.measure for f in getattr(answer.plan, "figures", ()) or () if getattr(f, "measure", None)]
    if answer.query is not None:
        keys += list(answer.query.measures) + ([answer.query.measure] if answer.query.measure else [])
    return list(dict.fromkeys(keys))


def _order(key: str) -> int:
    return [m.key for m in ds.measures()].index(key)


def _common_prefix(chains: list[list[str]]) -> list[str]:
    out: list[str] = []
    for parts in zip(*chains, strict=False):
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return out


class AnswerLink:
    """The “在数据页查看” button under the chat, for an answer whose figure is a table cell or a prose figure of a
    measure. chat_tab calls `offer(history)`; data_tab wires the click."""

    def __init__(self, lookup: Callable[[str], Report | None] | None = None) -> None:
        self.lookup = lookup  # report_id → Report, for the cited reports' region
        self.button: gr.Button | None = None
        self.target: gr.State | None = None

    def offer(self, history: gr.State) -> None:
        self.target = gr.State(None)
        self.button = gr.Button("在数据页查看", visible=False, size="sm", elem_id="nb-to-data")

        def follow(past: list[Answer]):
            target = answer_target(past[-1] if past else None, self.lookup)
            return target, gr.update(visible=target is not None)

        history.change(follow, history, [self.target, self.button], api_visibility="private")


# ================================================================ the API and downloads
def data_api(reports, measure: str, year: int | None = None, region: str | None = None,
             level: str | None = None) -> list[dict[str, Any]]:
    """The `data` endpoint's rows: body, short_name, region, level, year, value (None = blank or not stated),
    report_id, source, table, row, column; for a prose measure (table “prose”, row the fact key) also the sentence,
    its section and the unit as written."""
    rows = ds.data_rows(reports, measure, year=_year(year), region=region or None, level=level or None)
    return [d.to_json() for d in rows]


def write_downloads(view: DataView, directory: Path) -> tuple[Path, Path]:
    """CSV and .xlsx of every filtered row (not just the page), in a folder of their own."""
    directory.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="data-", dir=directory))
    stem = f"年报数据_{view.measure.key}"
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        ds.write_csv(fh, view.measure, view.ordered)
    ds.write_xlsx(xlsx_path, view.measure, view.ordered)
    prune_folders(directory, "data-*", MAX_DATA_FOLDERS, spare=folder)
    return csv_path, xlsx_path


# ================================================================ the tab
def measure_choices(search: str = "") -> list[tuple[str, str]]:
    """The picker's options: every measure, or those the search finds — the CLI's search (answering.dataset:
    every word must match, in any order: “复议 总计”)."""
    return [(measure_label(m), m.key) for m in ds.search_measures(search)]


def measure_label(m: ds.Measure) -> str:
    return f"{m.name_zh}（{m.unit}）" if m.unit else m.name_zh


def searched(text: str, current: str | None) -> tuple[list[tuple[str, str]], str | None, str]:
    """A measure search typed on the page: the options, the measure to show (the current one while it is found,
    else the first found; unchanged when nothing is), and a note."""
    found = measure_choices(text)
    if not found:
        return measure_choices(), current, f"没有找到包含“{text.strip()}”全部词语的指标。"
    keys = [k for _, k in found]
    note = f"找到 {len(found)} 个指标。" if text.strip() else ""
    return found, current if current in keys else keys[0], note


def filter_choices(reports) -> tuple[list, list, list]:
    years = sorted({r.year for r in reports if r.identified})
    regions = ds.region_choices([r for r in reports if r.identified])
    levels = [lv for lv in schema.LEVELS if any(r.level == lv for r in reports)]
    return (
        [("全部年份", ALL)] + [(f"{y}年", str(y)) for y in years],
        [("全部地区", ALL)] + [(r.replace(ds.REGION_SEP, " › "), r) for r in regions],
        [("全部级别", ALL)] + [(lv, lv) for lv in levels],
    )


def sort_choices(years: list[int]) -> list[tuple[str, str]]:
    return [("按地区", "region"), ("按单位", "body"), ("按级别", "level")] + [
        (f"按{y}年数值", str(y)) for y in years
    ]


def data_tab(state: AppState, link: AnswerLink | None = None) -> None:
    """Render the tab into the current gr.Tab, named 数据 (the answer link opens it by that name)."""
    tab = gr.context.Context.block
    gr.Markdown("选一个指标，看每个单位每年的数值；可按地区（含下级）、级别、年份筛选，"
                "可排序、翻页、下载。\n\n" + LEGEND)
    years, regions, levels = filter_choices(state.reports())
    with gr.Row():
        measure_search = gr.Textbox(label="搜索指标（多个词用空格分开，顺序不限，如：复议 总计）", scale=4,
                                    elem_id="nb-data-measure-search",
                                    placeholder="例如：微信公众号、复议 总计、新收 自然人")
        search_note = gr.Markdown(elem_id="nb-data-measure-note")
    with gr.Row():
        measure = gr.Dropdown(measure_choices(), value=DEFAULT_MEASURE, label="指标（可输入中文搜索）", filterable=True,
                              scale=4, elem_id="nb-data-measure")
        year = gr.Dropdown(years, value=ALL, label="年份", scale=1, elem_id="nb-data-year")
        region = gr.Dropdown(regions, value=ALL, label="地区（含下级）", filterable=True, scale=2,
                             elem_id="nb-data-region")
        level = gr.Dropdown(levels, value=ALL, label="级别", scale=1, elem_id="nb-data-level")
    with gr.Row():
        sort = gr.Dropdown(sort_choices([]), value="region", label="排序", scale=2, elem_id="nb-data-sort")
        order = gr.Radio(["升序", "降序"], value="升序", label="顺序", scale=1, elem_id="nb-data-order")
        prev_btn = gr.Button("上一页", scale=1, elem_id="nb-data-prev")
        page = gr.Number(value=1, precision=0, minimum=1, label="页码", scale=1, elem_id="nb-data-page")
        next_btn = gr.Button("下一页", scale=1, elem_id="nb-data-next")
    info = gr.Markdown(elem_id="nb-data-info")
    table = gr.Dataframe(interactive=False, wrap=True, max_height=640, elem_id="nb-data-table",
                         label=f"单位 × 年份（每页 {PAGE_SIZE} 个单位）")
    detail = gr.HTML(elem_id="nb-data-detail")
    with gr.Row(visible=False, elem_id="nb-data-open-row") as open_row:
        cell_report = gr.Dropdown([], label="这个数值来自的报告", scale=3, elem_id="nb-data-cell-report")
        open_report = gr.Button(OPEN_REPORT_LABEL, scale=1, elem_id="nb-data-open-report")
    with gr.Row():
        csv_file = gr.DownloadButton(CSV_LABEL, interactive=False, elem_id="nb-data-csv")
        xlsx_file = gr.DownloadButton(XLSX_LABEL, interactive=False, elem_id="nb-data-xlsx")
    chart_title = gr.Markdown(elem_id="nb-data-chart-title")
    bar_year = gr.Dropdown([], label="柱状图年份", elem_id="nb-data-bar-year")
    with gr.Row():
        bar = gr.BarPlot(x="单位", y="数值", label="本页单位的数值（一个年份）", elem_id="nb-data-bar", height=340,
                         x_label_angle=-40, y_axis_format=",.6~g", y_lim=[0, None], sort="-y", scale=1)
        line = gr.LinePlot(x="年份", y="数值", label="各年合计（有数值的报告之和，计算值）", elem_id="nb-data-line",
                           height=340, y_axis_format=",.6~g", tooltip=["年份", "数值", "有数值的报告"], scale=1)

    controls = [measure, year, region, level, sort, order]

    def view_of(*values) -> DataView:
        try:
            return run_query(state.reports(), DataQuery.from_inputs(*values))
        except ValueError as exc:  # UnknownMeasure, a bad year: said on the page, the page stays usable
            raise gr.Error(str(exc)) from None

    def shown(view: DataView, number: Any, chosen_year: Any):
        n = clamp_page(number, view.pages)
        y = chart_year(view, chosen_year)
        title = f"#### {view.measure.title}" + (f" · 柱状图：{y}年" if y else "")
        return (
            page_frame(view, n), page_info(view, n), n, title,
            gr.update(choices=[(f"{v}年", str(v)) for v in view.years], value=str(y) if y else None),
            bar_frame(view, n, y), line_frame(view),
            "",  # the clicked cell's detail belongs to the old table
            gr.update(visible=False),
        )

    page_outputs = [table, info, page, chart_title, bar_year, bar, line, detail, open_row]

    def refresh(*values):
        """A new query: its first page and sort choices. Its downloads are written next (`downloads`): the table
        does not wait for them, and the buttons are off until they hold this query's files."""
        *query, chosen_year = values
        view = view_of(*query)
        q = DataQuery.from_inputs(*query)
        # the bar chart follows the year the table is filtered to or sorted by
        chosen_year = q.year or (int(q.sort) if q.sort.isdigit() else chosen_year)
        sort_value = query[4] if query[4] in {v for _, v in sort_choices(view.years)} else "region"
        return (*shown(view, 1, chosen_year), gr.update(choices=sort_choices(view.years), value=sort_value),
                gr.update(value=None, label=PREPARING, interactive=False),
                gr.update(value=None, label=PREPARING, interactive=False))

    def downloads(*query):
        csv_path, xlsx_path = write_downloads(view_of(*query), state.download_dir)
        return (gr.update(value=str(csv_path), label=CSV_LABEL, interactive=True),
                gr.update(value=str(xlsx_path), label=XLSX_LABEL, interactive=True))

    def new_query(trigger):
        shown_ = trigger(refresh, [*controls, bar_year], full, **private)
        shown_.then(downloads, controls, [csv_file, xlsx_file], **private)
        return shown_

    def turn(step: int):
        def go(*values):
            *query, number, chosen_year = values
            return shown(view_of(*query), int(number or 1) + step, chosen_year)
        return go

    def select(measure_, year_, region_, level_, sort_, order_, number, evt):
        view = view_of(measure_, year_, region_, level_, sort_, order_)
        row, column = (evt.index if isinstance(evt.index, list | tuple) else (evt.index, -1))
        n = clamp_page(number, view.pages)
        found = cell_reports(view, n, int(row), int(column))
        return (cell_detail(view, n, int(row), int(column)),
                gr.update(choices=found, value=found[0][1] if found else None), gr.update(visible=bool(found)))

    def search_measures(text, current):
        options, value, note = searched(text or "", current)
        return gr.update(choices=options, value=value), note

    select.__annotations__ = {"evt": gr.SelectData}  # Gradio finds the event by its real type, not a string

    def choices():
        ys, rs, ls = filter_choices(state.reports())
        return gr.update(choices=ys), gr.update(choices=rs), gr.update(choices=ls)

    private = dict(api_visibility="private")
    full = [*page_outputs, sort, csv_file, xlsx_file]
    for control in controls:
        new_query(control.input)
    bar_year.input(turn(0), [*controls, page, bar_year], page_outputs, **private)
    page.submit(turn(0), [*controls, page, bar_year], page_outputs, **private)
    prev_btn.click(turn(-1), [*controls, page, bar_year], page_outputs, **private)
    next_btn.click(turn(+1), [*controls, page, bar_year], page_outputs, **private)
    table.select(select, [*controls, page], [detail, cell_report, open_row], **private)
    for typed in (measure_search.input, measure_search.submit):
        new_query(typed(search_measures, [measure_search, measure], [measure, search_note], trigger_mode="always_last",
                        **private).then)
    open_report.click(None, cell_report, None, js=OPEN_IN_LIBRARY, **private)

    if isinstance(tab, gr.Tab):
        new_query(tab.select(choices, None, [year, region, level], **private).then)
    if link is not None and link.button is not None:
        def follow(target: dict[str, Any] | None):
            target = target or {}
            picked = str(target["year"]) if target.get("year") else ALL
            shown_measure = gr.update(choices=measure_choices(), value=target.get("measure") or DEFAULT_MEASURE)
            return "", "", shown_measure, picked, target.get("region") or ALL, ALL

        # The tab is opened last, once its controls hold the answer's measure: its own select event then shows the
        # same query, never the one before. (The page's Tabs exists only once the Blocks close, hence a click.)
        new_query(link.button.click(choices, None, [year, region, level], **private).then(
            follow, link.target, [measure_search, search_note, measure, year, region, level], **private).then).then(
            None, js=OPEN_DATA_TAB, **private)


OPEN_DATA_TAB = """() => {
  const tab = [...document.querySelectorAll('button[role="tab"]')].find(b => b.textContent.trim() === '数据');
  if (tab) tab.click();
}"""


# 报告库 is built after this tab: its report is picked by searching its id there (the library's search matches
# report ids and picks the first match), as a person would — the text typed in, then Enter (a script's “input”
# event alone does not reach Gradio's listener; the Enter key's submit does).
OPEN_IN_LIBRARY = """(reportId) => {
  if (!reportId) return;
  const tab = [...document.querySelectorAll('button[role="tab"]')].find(b => b.textContent.trim() === '报告库');
  if (tab) tab.click();
  const fill = (tries) => {
    const box = document.querySelector('#nb-lib-search textarea, #nb-lib-search input');
    if (!box) { if (tries > 0) setTimeout(() => fill(tries - 1), 100); return; }
    box.value = reportId;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    box.dispatchEvent(new KeyboardEvent('keypress', {key: 'Enter', bubbles: true}));
  };
  fill(30);
}"""
