"""`nianbao export`: every record as the stable JSON contract of issue 2, or as one CSV row per table cell."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from indexing.models import Report

CSV_COLUMNS = ("report_id", "agency", "short_name", "year", "table", "row", "column", "value")

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM(…)); a tab or
# CR at the start hides such a cell from a reader's eye. Every CSV the project writes goes through `csv_cell`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def csv_cell(value) -> str | int | float:
    """One CSV cell, neutralised against formula injection: text that a spreadsheet would run (it starts with
    = + - @, a tab or a line break) gets a leading apostrophe, which spreadsheets show as text and do not run.
    Numbers, and text that is a plain number (“-3”, “1.5”), stay as they are; a CR becomes a line break."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    # a lone CR inside a field is not quoted by a writer whose line end is "\n" and breaks the file: make it "\n"
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values: Iterable) -> list:
    """A row of `csv_cell`s, for csv.writer.writerow."""
    return [csv_cell(v) for v in values]


def _value(v) -> str:
    if v is None:
        return ""  # unknown stays unknown: an empty field, never 0
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def export_json(reports: Iterable[Report]) -> str:
    ordered = sorted(reports, key=lambda r: r.report_id)
    return json.dumps({"reports": [r.to_export() for r in ordered]}, ensure_ascii=False, indent=2) + "\n"


def export_csv(reports: Iterable[Report]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(CSV_COLUMNS))
    for r in sorted(reports, key=lambda r: r.report_id):
        ident = (r.report_id, r.agency, r.short_name, "" if r.year is None else r.year)
        for table in ("proactive", "requests", "appeals"):
            for row, cells in (r.tables.get(table) or {}).items():
                for column, value in (cells or {}).items():
                    writer.writerow(csv_row((*ident, table, row, column, _value(value))))
        for key, fact in r.facts.items():
            writer.writerow(csv_row((*ident, "facts", key, "value", _value(fact.value))))
    return out.getvalue()


def export_reports(reports: Iterable[Report], fmt: str) -> str:
    if fmt == "json":
        return export_json(reports)
    if fmt == "csv":
        return export_csv(reports)
    raise ValueError(f"未知的导出格式：{fmt}（可用 json 或 csv）")
