"""The 数据 tab in a real headless Chromium, on a generated corpus of over 1,000 reports: pick a measure by its Chinese
name, sort, page, filter by region, see the charts, download CSV and .xlsx and check them against the query, click a
cell to see its report; and “在数据页查看” from an answer."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from answering import dataset as ds
from nianbao import data_tab as dt
from tests.app.conftest import ARTIFACTS_DIR, HEADLINE, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SYNTH_FILES = 1100  # about 5% are generated non-reports and a few withhold body or year: over 1,000 remain
SYNTH_SEED = 13
MEASURE = "requests.granted.total"
MEASURE_OPTION = "表三 予以公开 · 总计（件）"


class RecordsOnly:
    """An index of parsed records without vectors or a store: all the 数据 tab reads (the chat is not used here)."""

    def __init__(self, reports, root: Path):
        from indexing.store import IndexConfig

        self.config = IndexConfig(index_dir=root)
        self._by_id = {r.report_id: r for r in reports}

    def reports(self):
        return list(self._by_id.values())

    def report(self, report_id: str):
        return self._by_id.get(report_id)

    def refresh(self) -> None:
        pass


def _parse(job):
    from eval.parse_bench import default_parse
    from indexing.models import ReadError

    try:
        return default_parse(*job)
    except ReadError:  # a generated non-report, refused as ingest refuses it
        return None


@pytest.fixture(scope="session")
def synth_reports(tmp_path_factory):
    """`nianbao synth` files parsed as `nianbao bench parse` parses them (with the manifest), once per session."""
    from eval.synth import generate, load_manifest

    out = tmp_path_factory.mktemp("synth")
    truths = generate(SYNTH_FILES, SYNTH_SEED, out)
    manifest = load_manifest(out)
    with ProcessPoolExecutor(2) as pool:
        jobs = [(out / t["file"], manifest.get(t["file"])) for t in truths]
        reports = [r for r in pool.map(_parse, jobs, chunksize=16) if r is not None]
    assert sum(r.identified for r in reports) >= 1000
    return reports


@pytest.fixture(scope="module")
def synth_app(synth_reports, tmp_path_factory):
    from answering.assistant import Assistant

    assistant = Assistant(RecordsOnly(synth_reports, tmp_path_factory.mktemp("records")), None,
                          reports=synth_reports)
    import app

    demo = app.build_app(assistant)
    from tests.app.conftest import free_port

    port = free_port()
    app.launch(demo, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def pick(page, elem_id: str, option: str, typed: str | None = None) -> None:
    """Choose a dropdown option by its label, typing `typed` first to search (the picker filters as you type)."""
    from playwright.sync_api import expect

    box = page.locator(f"#{elem_id} input")
    for _ in range(3):  # the option list re-renders as it filters: a click can land on the row that moved under it
        box.click()
        if typed is not None:
            box.press("Control+a")
            box.press("Backspace")
            box.press_sequentially(typed)
            box.press("End")  # the picker filters on a key event; Chinese text typed by playwright sends none
            expect(page.get_by_role("option")).not_to_have_count(0)
        page.get_by_role("option", name=option, exact=True).click()
        if box.input_value() == option:
            return
    expect(box).to_have_value(option)  # still not chosen: fail here, naming the option, not at a later count


def cell(page, row: int, column: int):
    """A cell of the shown page (the grid renders its rows virtually: a row exists once scrolled into view)."""
    return page.locator(f'#nb-data-table [data-testid="cell-{row}-{column}"]')


def scroll_table(page, top: int) -> None:
    page.locator("#nb-data-table").evaluate(
        "(e, top) => e.querySelectorAll('*')"
        ".forEach(x => { if (x.scrollHeight > x.clientHeight + 4) x.scrollTop = top; })",
        top)


def shot(page, name: str) -> None:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / name), full_page=True)


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_data_tab_on_a_thousand_generated_reports(page, synth_app, synth_reports, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    reports = synth_reports
    measure = ds.require_measure(MEASURE)
    page.goto(synth_app)
    page.get_by_role("tab", name="数据").click()
    info = page.locator("#nb-data-info")
    everyone = dt.run_query(reports, dt.DataQuery())
    expect(info).to_contain_text(f"第 1 / {everyone.pages} 页 · 共 {len(everyone.bodies):,} 个单位、"
                                 f"{len(everyone.rows):,} 份报告")
    assert len(everyone.rows) >= 1000 and everyone.pages > 10
    expect(cell(page, 0, 0)).to_have_text(everyone.bodies[0].short_name)
    scroll_table(page, 10**6)  # one page, and only one, reaches the browser
    expect(cell(page, dt.PAGE_SIZE - 1, 0)).to_have_text(everyone.bodies[dt.PAGE_SIZE - 1].short_name)
    expect(cell(page, dt.PAGE_SIZE, 0)).to_have_count(0)
    scroll_table(page, 0)

    # the measure, found by typing its Chinese name
    pick(page, "nb-data-measure", MEASURE_OPTION, typed="予以公开")
    expect(info).to_contain_text(measure.title)

    # sorted by the year with the most stated values, largest first, across all pages
    year = Counter(d.year for d in ds.data_rows(reports, MEASURE) if d.value is not None).most_common(1)[0][0]
    pick(page, "nb-data-sort", f"按{year}年数值")
    page.get_by_label("降序").check()
    query = dt.DataQuery(MEASURE, sort=str(year), descending=True)
    view = dt.run_query(reports, query)
    top = view.bodies[0]
    assert top.value(year) == max(d.value for d in view.rows if d.year == year and d.value is not None)
    expect(cell(page, 0, 0)).to_have_text(top.short_name)
    expect(cell(page, 0, 3 + view.years.index(year))).to_have_text(dt.cell_shown(top, year))

    # the next page starts where the first ended
    page.locator("#nb-data-next").click()
    expect(info).to_contain_text(f"第 2 / {view.pages} 页")
    expect(cell(page, 0, 0)).to_have_text(view.bodies[dt.PAGE_SIZE].short_name)
    shot(page, "data-sorted-page2.png")

    # a region filter follows the chain: the place with the most reports, its lower levels included
    region = Counter(p for r in reports if r.identified for p in ("/".join(r.region[:i])
                     for i in range(1, len(r.region) + 1))).most_common(1)[0][0]
    pick(page, "nb-data-region", region.replace("/", " › "), typed=region.split("/")[-1])
    in_region = ds.data_rows(reports, MEASURE, region=region)
    sort = str(year) if year in ds.years_of(in_region) else "region"  # a sort by a year the region lacks resets
    view = dt.run_query(reports, dt.DataQuery(MEASURE, region=region, sort=sort, descending=True))
    assert len(view.rows) > 1
    assert {r.report_id for r in reports if r.identified and "/".join(r.region).startswith(region)} == {
        d.report_id for d in view.rows}
    expect(info).to_contain_text(f"第 1 / {view.pages} 页 · 共 {len(view.bodies):,} 个单位、{len(view.rows):,} 份报告")
    expect(cell(page, 0, 0)).to_have_text(view.bodies[0].short_name)

    # charts titled with the measure and its unit; the bar chart draws the chosen year
    title = page.locator("#nb-data-chart-title")
    expect(title).to_contain_text(measure.title)
    bar_year = dt.chart_year(view, year)  # the sorted-by year (kept when the region lacks it: falls back)
    expect(title).to_contain_text(f"柱状图：{bar_year}年")
    expect(page.locator("#nb-data-bar")).to_be_visible()
    expect(page.locator("#nb-data-line")).to_be_visible()
    page.locator("#nb-data-line").scroll_into_view_if_needed()
    shot(page, "data-region-charts.png")

    # downloads: every filtered row, in the table's order, the value column named with the measure and unit
    expected = [ds.export_values(d, measure) for d in view.ordered]
    for button, label in (("#nb-data-csv", dt.CSV_LABEL), ("#nb-data-xlsx", dt.XLSX_LABEL)):
        expect(page.locator(button)).to_have_text(label)  # written after the table, then switched on
        expect(page.locator(button)).to_be_enabled()
    with page.expect_download() as got:
        page.locator("#nb-data-csv").click()
    lines = read_csv(Path(got.value.path()))
    assert lines[0] == ds.export_header(measure) and measure.title in lines[0]
    assert lines[1:] == [[str(v) for v in row] for row in expected]
    with page.expect_download() as got:
        page.locator("#nb-data-xlsx").click()
    assert got.value.suggested_filename == f"年报数据_{MEASURE}.xlsx"
    xlsx = tmp_path / got.value.suggested_filename
    got.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    cells = [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == lines[0] and cells[1:] == lines[1:]
    blanks = [d for d in view.rows if d.value is None]
    if blanks:  # a blank cell is an empty field in both files, never 0
        assert all(line[5] == "" for line in lines[1:] if line[6] in {d.report_id for d in blanks})

    # a clicked value names its report and cell
    page.locator("#nb-data-table").scroll_into_view_if_needed()
    cell(page, 0, 3 + view.years.index(year)).click()
    detail = page.locator("#nb-data-detail")
    first = view.bodies[0].by_year[year][0]
    expect(detail).to_contain_text(first.report_id)
    expect(detail).to_contain_text(first.source)
    expect(detail).to_contain_text(measure.cell_text(first.value))
    detail.scroll_into_view_if_needed()
    shot(page, "data-cell-detail.png")


def test_from_an_answer_to_the_data_tab(page, corpus_index_config):
    from playwright.sync_api import expect

    from tests.app.test_browser import ask

    with running_app(corpus_index_config) as (url, _demo):
        page.goto(url)
        page.locator("#nb-question textarea").wait_for()
        link = page.locator("#nb-to-data")
        expect(link).to_be_hidden()
        ask(page, HEADLINE)  # its figure is 表三 本年新收… · 总计 of three 2021 reports
        expect(link).to_be_visible()
        link.click()
        info = page.locator("#nb-data-info")
        expect(info).to_contain_text("表三 本年新收政府信息公开申请数量 · 总计（单位：件）")
        expect(page.locator("#nb-data-year input")).to_have_value("2021年")
        table = page.locator("#nb-data-table")
        for name in ("侯家镇", "港口乡", "白奎镇"):
            expect(table).to_contain_text(name)
        expect(table).not_to_contain_text("米山镇")  # 2022 only
        shot(page, "data-from-answer.png")

        ask_again = page.get_by_role("tab", name="问答")
        ask_again.click()
        ask(page, "港口乡存在哪些主要问题？")  # prose: no table cell, no link
        expect(link).to_be_hidden()


def test_prose_figures_search_and_the_report_behind_a_value(page, corpus_index_config):
    """On the five samples, whose only non-zero figures are stated in prose: an answer citing sentences opens the 数据
    tab on its prose measure; the picker's search finds “复议 总计” as the CLI does; a clicked value names its sentence
    and opens its report in 报告库."""
    from playwright.sync_api import expect

    from tests.app.test_browser import ask

    total = ds.require_measure("fact.proactive_total")
    with running_app(corpus_index_config) as (url, _demo):
        page.goto(url)
        page.locator("#nb-question textarea").wait_for()
        link = page.locator("#nb-to-data")
        ask(page, "哪个镇主动公开的信息最多？")  # every figure is a sentence, none a cell
        expect(link).to_be_visible()
        link.click()
        info = page.locator("#nb-data-info")
        expect(info).to_contain_text(total.title)
        table = page.locator("#nb-data-table")
        for value in ("451", "365", "329", "16"):
            expect(table).to_contain_text(value)
        shot(page, "data-prose-from-answer.png")

        # the search box: every word, any order (the dropdown's own filter matches one substring only)
        search = page.locator("#nb-data-measure-search textarea")
        search.press_sequentially("复议 总计")  # typed as a person types
        expect(info).to_contain_text("表四 行政复议 · 总计")  # the first measure found is shown
        expect(page.locator("#nb-data-measure-note")).to_contain_text("找到")
        page.locator("#nb-data-measure input").click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        labels = [x.removeprefix("✓").strip() for x in options.all_inner_texts()]  # ✓ marks the one chosen
        assert labels == [label for label, _ in dt.measure_choices("复议 总计")]  # the CLI's search, whole
        assert "表四 行政复议 · 总计（件）" in labels
        shot(page, "data-measure-search.png")
        page.keyboard.press("Escape")

        search.fill("")
        search.press_sequentially("正文 主动公开")
        expect(info).to_contain_text(total.title)
        view = dt.run_query([r for r in _index_reports(corpus_index_config)], dt.DataQuery(total.key))
        row = next(i for i, b in enumerate(view.page(1)) if b.short_name == "侯家镇")
        cell(page, row, 3 + view.years.index(2021)).click()
        detail = page.locator("#nb-data-detail")
        expect(detail).to_contain_text("正文 · 主动公开政府信息总数 = 329")
        expect(detail).to_contain_text("2021年度通过各类渠道公开政府信息329条")
        opener = page.locator("#nb-data-open-report")
        expect(opener).to_be_visible()
        shot(page, "data-prose-cell.png")

        opener.click()  # 报告库, with that report picked and shown
        expect(page.get_by_role("tab", name="报告库", exact=True)).to_have_attribute("aria-selected", "true")
        expect(page.locator("#nb-report-picker input")).to_have_value(re.compile("侯家镇.*2021"))
        expect(page.locator("#nb-report-meta")).to_contain_text("侯家镇-2021-65e779d2")
        expect(page.locator("#nb-report-text textarea")).to_have_value(re.compile("花饽饽小镇"))
        shot(page, "data-open-in-library.png")


def _index_reports(config):
    from indexing.pipeline import load_reports

    return load_reports(config)
