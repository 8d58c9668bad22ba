"""The 数据 tab's page logic, the answer link, `nianbao data` and the `data` endpoint through gradio_client."""

from __future__ import annotations

import csv
import io
import json

import pytest

from answering import dataset as ds
from answering.models import Answer, Citation
from nianbao import data_tab as dt
from tests.answering.conftest import make_report


def _reports(n: int = 120):
    """n towns over two years; every 7th town's 2021 cell is blank, every 5th has no 2022 report."""
    out = []
    for i in range(n):
        region = ("山东省", "威海市", "文登区") if i % 2 else ("江西省", "宜春市", "铜鼓县")
        name = f"测{i:03d}镇"
        out.append(make_report(name, 2021, region=region,
                               tables={"requests": {"new_received": {"total": None if i % 7 == 0 else i}}}))
        if i % 5:
            out[-1:] += [make_report(name, 2022, region=region,
                                     tables={"requests": {"new_received": {"total": 1000 + i}}})]
    return out


@pytest.fixture(scope="module")
def reports():
    return _reports()


def test_pages_hold_page_size_bodies_and_show_blank_and_no_report_apart(reports):
    view = dt.run_query(reports, dt.DataQuery())
    assert len(view.bodies) == 120 and view.pages == 3 and view.years == [2021, 2022]
    frames = [dt.page_frame(view, n) for n in (1, 2, 3)]
    assert [len(f) for f in frames] == [dt.PAGE_SIZE, dt.PAGE_SIZE, 20]
    assert len(dt.page_frame(view, 99)) == 20  # past the end: the last page
    shown = {(row["单位"], year): row[f"{year}年"] for f in frames for _, row in f.iterrows() for year in (2021, 2022)}
    assert shown[("测007镇", 2021)] == dt.BLANK == ""  # a blank cell is shown blank, never 0
    assert shown[("测005镇", 2022)] == dt.NO_REPORT  # no report that year: said apart from a blank
    assert shown[("测003镇", 2021)] == "3"


def test_sorting_by_a_year_sorts_all_pages_not_one(reports):
    view = dt.run_query(reports, dt.DataQuery(sort="2021", descending=True))
    first = dt.page_frame(view, 1)
    assert first.iloc[0]["单位"] == "测118镇"  # the largest known 2021 value of all 120 (119 is blank), on page 1
    last = dt.page_frame(view, view.pages)
    assert set(last["2021年"].iloc[-(120 // 7 + 1):]) == {""}  # blanks last, even descending


def test_filters_and_charts(reports):
    view = dt.run_query(reports, dt.DataQuery.from_inputs("新收申请", "2021", "威海市", dt.ALL, "region", "升序"))
    assert {b.region for b in view.bodies} == {"山东省/威海市/文登区"} and view.years == [2021]
    bars = dt.bar_frame(view, 1, 2021)
    assert len(bars) == len([b for b in view.page(1) if b.value(2021) is not None])  # blanks are not bars
    line = dt.line_frame(dt.run_query(reports, dt.DataQuery()))
    known_2021 = [r.cell("requests", "new_received", "total") for r in reports if r.year == 2021]
    assert line.set_index("年份").loc["2021", "数值"] == sum(v for v in known_2021 if v is not None)
    assert line.set_index("年份").loc["2021", "有数值的报告"] == sum(v is not None for v in known_2021)
    assert "表三 本年新收政府信息公开申请数量 · 总计（单位：件）" in dt.page_info(view, 1)
    with pytest.raises(ds.UnknownMeasure):
        dt.DataQuery.from_inputs("没有这个", None, None, None, None, None)
    with pytest.raises(ValueError, match="年份"):
        dt.DataQuery.from_inputs("新收申请", "二〇二一", None, None, None, None)


def test_a_clicked_cell_names_its_report_and_cell(reports):
    view = dt.run_query(reports, dt.DataQuery(region="威海市"))
    row = next(i for i, b in enumerate(view.page(1)) if b.short_name == "测007镇")
    html = dt.cell_detail(view, 1, row, 3)  # column 3: the first year
    assert "测007镇" in html and "测007镇2021.txt" in html and "测007镇-2021-test" in html
    assert "表三 · 本年新收政府信息公开申请数量 × 总计 = 空白（未知）" in html
    assert "没有 2022 年的报告" in dt.cell_detail(view, 1, next(
        i for i, b in enumerate(view.page(1)) if b.short_name == "测005镇"), 4)


def test_downloads_hold_every_filtered_row_in_the_tables_order(reports, tmp_path):
    view = dt.run_query(reports, dt.DataQuery(sort="2022", descending=True))
    csv_path, xlsx_path = dt.write_downloads(view, tmp_path)
    lines = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert lines[0][5] == view.measure.title
    assert len(lines) - 1 == len(ds.data_rows(reports, view.measure.key)) > dt.PAGE_SIZE  # all rows, not a page
    assert [line[6] for line in lines[1:]] == [d.report_id for d in view.ordered]
    assert xlsx_path.stat().st_size > 0


def test_answer_link_targets_the_cited_cells_measure_year_and_shared_region(reports):
    by_id = {r.report_id: r for r in reports}
    a, b = by_id["测001镇-2021-test"], by_id["测003镇-2021-test"]

    def cite(r, column="total"):
        return Citation(r.report_id, r.agency, r.short_name, r.year, "requests", "…", "requests", "new_received",
                        column)

    answer = Answer("测001镇和测003镇2021年新收多少申请？", "…", "list", citations=[cite(a), cite(b)])
    assert dt.answer_target(answer, by_id.get) == {
        "measure": "requests.new_received.total", "year": 2021, "region": "山东省/威海市/文登区"}
    prose = Answer("q", "…", "text", citations=[Citation("x", "x", "x", 2021, "overview", "一句话")])
    assert dt.answer_target(prose, by_id.get) is None
    assert dt.answer_target(None) is None


# ---------------------------------------------------------------- nianbao data
@pytest.fixture
def cli_reports(monkeypatch, reports):
    import indexing.pipeline

    monkeypatch.setattr(indexing.pipeline, "load_reports", lambda config: reports)
    return reports


def test_cli_csv_and_json(cli_reports, capsys):
    from nianbao.cli import main

    assert main(["data", "新收申请", "--year", "2021", "--region", "威海市", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    expected = ds.data_rows(cli_reports, "requests.new_received.total", year=2021, region="威海市")
    assert rows == [d.to_json() for d in expected] and len(rows) == 60
    assert any(r["value"] is None for r in rows)  # blank stays null

    assert main(["data", "requests.new_received.total", "--level", "乡镇"]) == 0
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines[0][5] == "表三 本年新收政府信息公开申请数量 · 总计（单位：件）"
    assert len(lines) - 1 == len(ds.data_rows(cli_reports, "requests.new_received.total"))
    blank = next(line for line in lines if line[1] == "测007镇" and line[4] == "2021")
    assert blank[5] == ""

    assert main(["data", "没有这个指标"]) == 2
    assert "没有这个指标" in capsys.readouterr().err


# ---------------------------------------------------------------- the data endpoint
@pytest.mark.slow
def test_data_endpoint_through_gradio_client(corpus_index_config):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from indexing.pipeline import load_reports
    from tests.app.conftest import running_app

    reports = load_reports(corpus_index_config)
    with running_app(corpus_index_config) as (url, _demo):
        client = Client(url, verbose=False, analytics_enabled=False)
        rows = client.predict("requests.new_received.total", None, "威海市", None, api_name="/data")
        assert rows == [d.to_json() for d in ds.data_rows(reports, "requests.new_received.total", region="威海市")]
        assert {r["body"] for r in rows} == {"威海市文登区侯家镇人民政府", "威海市文登区米山镇人民政府"}
        assert next(r for r in rows if "米山镇" in r["body"])["value"] is None  # its report has no tables: unknown
        rows = client.predict("新收申请", 2021, None, "乡镇", api_name="/data")
        assert sorted(r["body"].removeprefix("威海市文登区").removesuffix("人民政府") for r in rows) == sorted(
            ["侯家镇", "港口乡", "呼兰区白奎镇"])
        assert all(set(r) >= {"body", "region", "year", "value", "report_id"} for r in rows)
        with pytest.raises(AppError, match="没有这个指标"):
            client.predict("不存在", None, None, None, api_name="/data")


def test_bodies_sort_by_region_and_name_in_the_librarys_pinyin_order():
    def body(short: str, region: str) -> ds.BodyRow:
        return ds.BodyRow(f"{short}人民政府", short, region, "乡镇", {})

    # character codes put 侯 (U+4FAF) before 港 (U+6E2F) and 威海市 (U+5A01) before 济南市 (U+6D4E): not pinyin
    bodies = [body("侯家镇", "山东省/威海市"), body("港口乡", "山东省/威海市"), body("文登区", "山东省/济南市"),
              body("无地区镇", "")]
    assert [b.short_name for b in dt.sort_bodies(bodies, "body")] == ["港口乡", "侯家镇", "文登区", "无地区镇"]
    assert [b.short_name for b in dt.sort_bodies(bodies, "region")] == ["文登区", "港口乡", "侯家镇", "无地区镇"]


# ---------------------------------------------------------------- the measure search, prose figures, the library
@pytest.mark.parametrize("typed", ["复议 总计", "行政复议 总计", "总计 复议", "正文 微信"])
def test_the_pickers_search_is_the_clis_every_word_in_any_order(typed):
    found = dt.measure_choices(typed)
    assert [key for _, key in found] == [m.key for m in ds.search_measures(typed)] != []
    options, value, note = dt.searched(typed, dt.DEFAULT_MEASURE)
    assert options == found and value == found[0][1] and f"找到 {len(found)} 个指标" in note
    if "复议" in typed:
        assert ("表四 行政复议 · 总计（件）", "appeals.review.total") in found


def test_a_search_that_finds_nothing_keeps_the_measure_and_says_so():
    options, value, note = dt.searched("天气 预报", "appeals.review.total")
    assert value == "appeals.review.total" and len(options) == len(ds.measures()) and "没有找到" in note


@pytest.fixture(scope="module")
def samples():
    from pathlib import Path

    from indexing.parser import parse_file

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    return [parse_file(p) for p in sorted(corpus.glob("*.txt"))]


def test_prose_figures_of_the_samples_are_in_the_data_tab_with_their_sentence(samples):
    view = dt.run_query(samples, dt.DataQuery("fact.proactive_total", sort="body"))
    shown = {(b.short_name, y): dt.cell_shown(b, y) for b in view.bodies for y in view.years}
    assert shown[("辉渠镇", 2020)] == "451" and shown[("侯家镇", 2021)] == "329" and shown[("港口乡", 2021)] == "16"
    assert shown[("白奎镇", 2021)] == dt.BLANK  # the report states no total: unknown, not 0
    row = next(i for i, b in enumerate(view.page(1)) if b.short_name == "侯家镇")
    html = dt.cell_detail(view, 1, row, 3 + view.years.index(2021))
    assert "正文 · 主动公开政府信息总数 = 329" in html and "2021年度通过各类渠道公开政府信息329条" in html
    assert "表" not in html.split("正文 · ")[0].split("</code>")[-1]  # no table cell is claimed
    assert dt.cell_reports(view, 1, row, 3 + view.years.index(2021)) == [
        ("侯家镇 2021年（000_0fdc335fd3bbd9c3.txt）", "侯家镇-2021-65e779d2")]
    assert dt.cell_reports(view, 1, row, 0) == []  # the name column opens nothing


def test_an_answer_citing_prose_facts_links_to_their_measure(samples):
    from answering.assistant import Assistant

    assistant = Assistant.from_reports(samples)
    by_id = {r.report_id: r for r in samples}
    answer = assistant.ask("哪个镇主动公开的信息最多？")
    assert all(c.table is None for c in answer.citations)  # every figure is a sentence, none a cell
    # four bodies of three years in places with no common chain: the whole table of that measure
    assert dt.answer_target(answer, by_id.get) == {"measure": "fact.proactive_total", "year": None, "region": None}
    one = assistant.ask("米山镇和侯家镇主动公开的信息哪个多？")
    assert dt.answer_target(one, by_id.get) == {"measure": "fact.proactive_total", "year": None,
                                                "region": "威海市/文登区"}
    wechat = assistant.ask("侯家镇2021年通过微信公众号发布了多少条信息？")  # its sentence states the total too
    assert dt.answer_target(wechat, by_id.get)["measure"] == "fact.channel_wechat"
    assert dt.answer_target(assistant.ask("港口乡存在哪些主要问题？"), by_id.get) is None
