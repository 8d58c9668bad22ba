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
    assert ds.find_measure("天气预报") is None  # no table cell and no prose figure
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


# ---------------------------------------------------------------- figures stated in prose
def prose_report(short_name: str, text: str, year: int = 2021):
    """A record whose facts are read from `text` by the parser's own fact reader (indexing.facts)."""
    from indexing.facts import extract_facts

    report = make_report(short_name, year, region=("山东省", "威海市", "文登区"))
    report.facts = extract_facts({"overview": text})
    report.sections = {"overview": text}
    return report


PROSE = {
    "侯家镇": "2021年度通过各类渠道公开政府信息329条，其中通过微信公众号发布消息235条，通过政府网站发布信息59篇。"
              "全年举办新闻发布会2场。2021年没有收到政府信息公开申请。",
    "港口乡": "截止2021年12月31日，共公布各类信息80余条。",  # an approximation: not a figure
    "白奎镇": "本年度未发生行政复议。",  # says nothing of requests
}


@pytest.fixture
def prose_reports():
    return [prose_report(name, text) for name, text in PROSE.items()]


def test_prose_facts_are_measures_keyed_by_their_canonical_names():
    prose = {m.key: m for m in ds.measures() if m.kind == ds.KIND_PROSE}
    numeric = [k for k in schema.FACT_KEYS if not k.startswith("no_")]
    assert sorted(prose) == sorted(f"fact.{k}" for k in numeric)  # every numeric fact, no word list of its own
    assert prose["fact.proactive_total"].name_zh == f"正文 {schema.fact_label('proactive_total')}"
    assert ds.find_measure("主动公开") is prose["fact.proactive_total"]
    assert ds.find_measure("微信公众号") is prose["fact.channel_wechat"]
    assert {m.key for m in ds.search_measures("正文 微信")} == {"fact.channel_wechat", "fact.channel_weibo_wechat"}


def test_prose_values_cite_their_sentence_and_approximations_stay_unknown(prose_reports):
    total = {d.short_name: d for d in ds.data_rows(prose_reports, "fact.proactive_total")}
    assert total["侯家镇"].value == 329 and total["侯家镇"].sentence.startswith("2021年度通过各类渠道公开政府信息329条")
    assert total["侯家镇"].section == "overview" and total["侯家镇"].table == ds.PROSE
    assert total["港口乡"].value is None and total["港口乡"].sentence == ""  # “80余条” is not 80
    assert total["白奎镇"].value is None
    def stated(key: str) -> list[tuple]:
        return [(d.short_name, d.value, d.unit) for d in ds.data_rows(prose_reports, key) if d.value is not None]

    assert stated("fact.channel_wechat") == [("侯家镇", 235, "条")]
    assert stated("fact.channel_website") == [("侯家镇", 59, "篇")]  # the unit as the report wrote it
    assert stated("fact.press_conferences") == [("侯家镇", 2, "场")]


def test_a_stated_absence_is_zero_only_where_the_report_states_it(prose_reports):
    received = {d.short_name: d for d in ds.data_rows(prose_reports, "fact.requests_received")}
    assert received["侯家镇"].value == 0 and received["侯家镇"].sentence == "2021年没有收到政府信息公开申请。"
    assert received["港口乡"].value is None and received["白奎镇"].value is None  # silent: unknown, not 0


def test_prose_rows_in_the_csv_cite_the_sentence_and_leave_unknown_empty(prose_reports):
    m = ds.require_measure("fact.proactive_total")
    out = io.StringIO()
    ds.write_csv(out, m, ds.data_rows(prose_reports, m.key))
    head, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert head[5] == "正文 主动公开政府信息总数（单位：条）" and head[8] == "正文句子"
    by_body = {r[1]: r for r in rows}
    assert by_body["侯家镇"][5] == "329" and by_body["侯家镇"][8].startswith("正文：2021年度通过各类渠道")
    assert by_body["港口乡"][5] == "" and "80" not in by_body["港口乡"][8]
    assert m.cell_text(None) == "正文 · 主动公开政府信息总数 = 报告未写明（未知）"


def test_money_measures_name_their_unit():
    fees = ds.require_measure("proactive.fees.amount_wan")
    assert fees.unit == "万元" and fees.title.endswith("（单位：万元）")
    amount = ds.require_measure("proactive.procurement.amount")
    # the template prints no unit and reports write either: the unit says so rather than pick one
    assert amount.unit == "万元或元，以各报告原文为准" and ds.export_header(amount)[5] == (
        "表二 政府集中采购 · 采购总金额（单位：万元或元，以各报告原文为准）")
    assert all(m.unit for m in ds.measures() if not m.prose)  # every cell measure names its unit
