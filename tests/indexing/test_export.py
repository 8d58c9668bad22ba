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
