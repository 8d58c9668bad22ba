"""`nianbao export`: the stable JSON contract and one CSV row per table cell; unknown stays empty, never 0."""

from __future__ import annotations

import csv
import io
import json

import pytest

from indexing.export import CSV_COLUMNS, export_reports
from indexing.models import Fact
from indexing.parser import parse_file
from tests.conftest import SAMPLES
from tests.indexing.test_chunking import make_report

EXPORT_KEYS = {
    "report_id", "source", "agency", "short_name", "region", "level", "year", "template",
    "sections", "tables", "facts", "flags", "sources", "corrections",
}


@pytest.fixture(scope="module")
def samples():
    return [parse_file(p) for p in SAMPLES]


def test_json_contract(samples):
    text = export_reports(list(reversed(samples)), "json")
    assert "侯家镇" in text  # not \\u-escaped
    data = json.loads(text)
    assert list(data) == ["reports"]
    reports = data["reports"]
    assert [r["report_id"] for r in reports] == sorted(r.report_id for r in samples)
    for r in reports:
        assert set(r) == EXPORT_KEYS
        assert set(r["tables"]) == {"proactive", "requests", "appeals"}
    mishan = next(r for r in reports if r["short_name"] == "米山镇")
    assert mishan["tables"]["requests"] is None  # a missing table is null, not zeros
    houjia = next(r for r in reports if r["short_name"] == "侯家镇")
    assert houjia["facts"]["proactive_total"] == 329
    assert houjia["tables"]["proactive"]["licensing"]["decisions"] == 0


def test_csv_has_one_row_per_cell_and_fact(samples):
    text = export_reports(samples, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    expected = sum(
        len(cells or {}) for r in samples for t in ("proactive", "requests", "appeals")
        for cells in (r.tables.get(t) or {}).values()
    ) + sum(len(r.facts) for r in samples)
    assert len(rows) == expected
    baikui = next(r for r in samples if r.short_name == "白奎镇")
    blank = [x for x in rows if x["report_id"] == baikui.report_id and x["table"] == "requests"
             and x["row"] == "carried_forward" and x["column"] == "total"]
    assert len(blank) == 1 and blank[0]["value"] == ""
    facts = [x for x in rows if x["table"] == "facts"]
    assert facts and all(x["column"] == "value" for x in facts)


def test_csv_values_none_bool_and_numbers():
    report = make_report(
        tables={"requests": {"new_received": {"total": 3, "natural_person": None}}},
        facts={"no_fees": Fact("no_fees", True, "未收取信息处理费。", "other")},
    )
    rows = list(csv.DictReader(io.StringIO(export_reports([report], "csv"))))
    values = {(x["table"], x["row"], x["column"]): x["value"] for x in rows}
    assert values == {
        ("requests", "new_received", "total"): "3",
        ("requests", "new_received", "natural_person"): "",
        ("facts", "no_fees", "value"): "true",
    }
    assert rows[0]["year"] == "2021" and rows[0]["short_name"] == "甲镇"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export_reports([], "xml")


# ---------------------------------------------------------------- formula injection (issue 11, finding 5)
HOSTILE_NAMES = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_export_csv_neutralises_formula_cells(name):
    report = make_report(tables={"requests": {"new_received": {"total": -3}}})
    report.agency = name
    report.short_name = name
    rows = list(csv.reader(io.StringIO(export_reports([report], "csv"))))
    agency, short = CSV_COLUMNS.index("agency"), CSV_COLUMNS.index("short_name")
    shown = "'" + name.replace("\r", "\n")  # a CR inside a field would break the file; it is a line break
    for row in rows[1:]:
        assert row[agency] == shown and row[short] == shown
        assert row[CSV_COLUMNS.index("value")] == "-3"  # a plain (negative) number stays a number
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) and cell != "-3" for cell in row), row


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86 123", "'+86 123"), ("-cmd", "'-cmd"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\nx"),
    ("侯家镇", "侯家镇"), ("-3", "-3"), ("+1.5", "+1.5"), ("", ""), (None, ""), (0, 0), (-2.5, -2.5),
])
def test_csv_cell(value, expected):
    from indexing.export import csv_cell

    assert csv_cell(value) == expected
