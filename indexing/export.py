"""`nianbao export`: every record as the stable JSON contract of issue 2, or as one CSV row per table cell."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from indexing.models import Report

CSV_COLUMNS = ("report_id", "agency", "short_name", "year", "table", "row", "column", "value")


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
    writer.writerow(CSV_COLUMNS)
    for r in sorted(reports, key=lambda r: r.report_id):
        ident = (r.report_id, r.agency, r.short_name, "" if r.year is None else r.year)
        for table in ("proactive", "requests", "appeals"):
            for row, cells in (r.tables.get(table) or {}).items():
                for column, value in (cells or {}).items():
                    writer.writerow((*ident, table, row, column, _value(value)))
        for key, fact in r.facts.items():
            writer.writerow((*ident, "facts", key, "value", _value(fact.value)))
    return out.getvalue()


def export_reports(reports: Iterable[Report], fmt: str) -> str:
    if fmt == "json":
        return export_json(reports)
    if fmt == "csv":
        return export_csv(reports)
    raise ValueError(f"未知的导出格式：{fmt}（可用 json 或 csv）")
