"""The measure catalogue and the data query behind the 数据 tab, the `data` API and `nianbao data`."""

from __future__ import annotations

import csv
import io

import pytest

from answering import dataset as ds
from indexing import schema
from tests.answering.conftest import make_report


def requests_table(total: int | None, person: int | None = None) -> dict:
    return {"requests": {"new_received": {"total": total, "natural_person": person}}}


@pytest.fixture
def reports():
    return [
        make_report("侯家镇", 2021, region=("山东省", "威海市", "文登区"), tables=requests_table(3, 2)),
        make_report("侯家镇", 2022, region=("山东省", "威海市", "文登区"), tables=requests_table(None)),  # blank
        make_report("米山镇", 2021, region=("山东省", "威海市", "文登区"), tables=requests_table(0)),
        make_report("文登区", 2021, agency="威海市文登区人民政府", region=("山东省", "威海市", "文登区"), level="县级",
                    tables=requests_table(12)),
        make_report("港口乡", 2021, region=("江西省", "宜春市", "铜鼓县"), tables={"requests": None}),  # no table 3
        make_report("辉渠镇", 2020, region=("山东省", "潍坊市", "安丘市"), tables=requests_table(5)),
    ]


# ---------------------------------------------------------------- the catalogue
def test_every_table_cell_of_every_template_is_a_measure_named_from_the_schema():
    keys = {m.key for m in ds.measures()}
    for template in schema.TEMPLATES:
        for row in schema.request_rows(template):
            for column in schema.request_columns(template):
                assert f"requests.{row}.{column}" in keys
        for prow in schema.proactive_rows(template):
            for column in prow.columns:
                assert f"proactive.{prow.key}.{column}" in keys
    for block in schema.APPEAL_BLOCKS:
        for column in schema.APPEAL_COLUMNS:
            assert f"appeals.{block}.{column}" in keys
    assert len(keys) == len(ds.measures())  # one measure per cell kind

    m = ds.find_measure("requests.new_received.total")
    assert m.name_zh == f"表三 {schema.REQUEST_ROW_LABELS['new_received']} · 总计" and m.unit == "件"
    assert m.title == "表三 本年新收政府信息公开申请数量 · 总计（单位：件）"
    assert ds.find_measure("proactive.fees.amount_wan").unit == "万元"


@pytest.mark.parametrize(("text", "key"), [
    ("requests.new_received.total", "requests.new_received.total"),  # the key itself
    ("表三 本年新收政府信息公开申请数量 · 总计", "requests.new_received.total"),  # the exact name
    ("新收申请", "requests.new_received.total"),  # an official's words, read as the question reader reads them
    ("新收 自然人", "requests.new_received.natural_person"),  # words of the name, in any order
    ("行政复议 总计", "appeals.review.total"),
    ("國家秘密", "requests.denied_state_secret.total"),  # traditional characters fold
    ("行政处罚", "proactive.penalty.decisions"),
])
def test_find_measure_by_key_chinese_name_and_words(text, key):
    assert ds.find_measure(text).key == key


def test_search_lists_every_measure_with_the_words():
    found = ds.search_measures("结转下年度")
    assert found and all("结转下年度" in m.name_zh for m in found)
    assert {m.column for m in found} >= set(schema.REQUEST_COLUMNS)


def test_unknown_measure_is_a_clear_error(reports):
    assert ds.find_measure("微信公众号") is None  # a prose fact, not a table cell
    assert ds.find_measure("") is None
    with pytest.raises(ds.UnknownMeasure, match="没有这个指标：“不存在的指标”.*nianbao data --list"):
        ds.data_rows(reports, "不存在的指标")


# ---------------------------------------------------------------- the query
def test_blank_cell_and_missing_table_stay_unknown_never_zero(reports):
    rows = {(d.short_name, d.year): d for d in ds.data_rows(reports, "requests.new_received.total")}
    assert rows[("侯家镇", 2022)].value is None  # blank cell
    assert rows[("港口乡", 2021)].value is None  # table 3 absent
    assert rows[("米山镇", 2021)].value == 0  # a stated zero stays a zero
    assert rows[("侯家镇", 2021)].value == 3
    out = io.StringIO()
    m = ds.require_measure("requests.new_received.total")
    ds.write_csv(out, m, [rows[("侯家镇", 2022)], rows[("米山镇", 2021)]])
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    value_col = lines[0].index(m.title)  # the header names the measure and its unit
    assert [line[value_col] for line in lines[1:]] == ["", "0"]


def test_region_follows_the_chain(reports):
    def bodies(region):
        return {(d.short_name, d.year) for d in ds.data_rows(reports, "requests.new_received.total", region=region)}

    weihai = bodies("威海市")  # a city holds its districts and their towns
    assert weihai == {("侯家镇", 2021), ("侯家镇", 2022), ("米山镇", 2021), ("文登区", 2021)}
    assert bodies("山东省") == weihai | {("辉渠镇", 2020)}
    assert bodies("威海市/文登区") == weihai
    assert bodies("潍坊市/文登区") == set()  # a chain given whole must be that chain
    assert bodies("文登") == set()  # a place is named whole, not by a piece of its name


def test_filters_sorting_and_the_cell_on_every_row(reports):
    rows = ds.data_rows(reports, "新收 自然人", year=2021, level="乡镇")
    assert [(d.short_name, d.value) for d in rows] == [("侯家镇", 2), ("米山镇", None), ("港口乡", None)]
    for d in rows:
        assert (d.table, d.row, d.column) == ("requests", "new_received", "natural_person")
        assert d.report_id and d.source
    assert ds.data_rows(reports, "requests.new_received.total", region="威海市") == sorted(
        ds.data_rows(reports, "requests.new_received.total", region="威海市"),
        key=lambda d: (d.region, d.body, d.year))


def test_unidentified_reports_take_no_part(reports):
    nameless = make_report("无名镇", 2021, tables=requests_table(9))
    nameless.agency = ""
    assert all(d.short_name != "无名镇" for d in ds.data_rows([*reports, nameless], "requests.new_received.total"))


# ---------------------------------------------------------------- bodies × years
def test_pivot_and_sort_put_unknown_last_in_either_order(reports):
    bodies = ds.pivot(ds.data_rows(reports, "requests.new_received.total"))
    hou = next(b for b in bodies if b.short_name == "侯家镇")
    assert sorted(hou.by_year) == [2021, 2022] and hou.value(2021) == 3 and hou.value(2022) is None
    for descending in (False, True):
        order = [b.short_name for b in ds.sort_bodies(bodies, "2021", descending=descending)]
        known = ["米山镇", "侯家镇", "文登区"]
        assert order[:3] == (known[::-1] if descending else known)
        assert set(order[3:]) == {"港口乡", "辉渠镇"}  # unknown in 2021 (blank, or no report): last either way
    assert [b.short_name for b in ds.sort_bodies(bodies, "body")] == sorted(b.short_name for b in bodies)


def test_xlsx_holds_the_same_table_as_the_csv(tmp_path, reports):
    from openpyxl import load_workbook

    m = ds.require_measure("requests.new_received.total")
    rows = ds.data_rows(reports, m.key)
    rows = [*rows, ds.DataRow("=HYPERLINK(\"x\")", "x", "", "乡镇", 2021, 1, "r", "s", m.table, m.row, m.column)]
    ds.write_xlsx(tmp_path / "d.xlsx", m, rows)
    sheet = load_workbook(tmp_path / "d.xlsx").active
    got = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    out = io.StringIO()
    ds.write_csv(out, m, rows)
    expected = list(csv.reader(io.StringIO(out.getvalue())))
    assert got[0] == expected[0] and m.title in got[0]
    assert [[str(c) for c in r] for r in got[1:]] == expected[1:]
    assert got[-1][0].startswith("'=")  # a body named like a formula is text, not run
