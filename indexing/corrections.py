"""Identity fields a person set (`nianbao fix`, the app): kept beside the index, keyed by the file's content hash,
so a correction survives re-ingesting the same file. A corrected field says so (`Report.sources[field]`).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from indexing.identity import level_of, said_name, split_name
from indexing.models import Report

FILE_NAME = "corrections.json"
FIELDS = ("agency", "region", "year")
ORIGINAL = "original"  # beside the fields: what the parser read before the first correction (shown in the library)
_FLAGS_CLEARED = {"agency": "agency.missing", "year": "year.missing"}


def load(index_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((index_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(index_dir: Path, content_hash: str, fields: dict[str, Any], *, original: dict[str, Any] | None = None) -> None:
    """Keep the corrected fields of the file with this content hash; `original` (as_read) is kept only for fields
    not corrected before, so it stays what the parser read, not an earlier correction."""
    data = load(index_dir)
    entry = data.get(content_hash, {})
    entry = {**entry, **{k: v for k, v in fields.items() if k != ORIGINAL}}
    if original:
        kept = dict(entry.get(ORIGINAL) or {})
        entry[ORIGINAL] = {**{k: v for k, v in original.items() if k in FIELDS}, **kept}
    data[content_hash] = entry
    path = index_dir / FILE_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def as_read(report: Report) -> dict[str, Any]:
    """The identity fields of `report` that no person corrected: what the parser read."""
    return {k: getattr(report, k) for k in FIELDS if k not in report.corrections}


def originals(index_dir: Path, content_hash: str) -> dict[str, Any]:
    """What the parser read for the corrected fields of this file (empty when nothing was corrected or recorded)."""
    entry = load(index_dir).get(content_hash)
    got = entry.get(ORIGINAL) if isinstance(entry, dict) else None
    return dict(got) if isinstance(got, dict) else {}


def apply(report: Report, fields: dict[str, Any]) -> Report:
    """The report with the corrected fields; name parts (short name, region, level) follow a corrected agency."""
    fields = {k: v for k, v in fields.items() if k in FIELDS and v not in (None, "", [])}
    if not fields:
        return report
    agency = fields.get("agency", report.agency)
    region, short = split_name(agency) if "agency" in fields else (report.region, report.short_name)
    level = level_of(agency, short) if "agency" in fields else report.level
    region = list(fields.get("region") or region)
    if "agency" in fields:
        short = said_name(region, short, level)
    year = int(fields["year"]) if "year" in fields else report.year
    cleared = {_FLAGS_CLEARED[k] for k in fields if k in _FLAGS_CLEARED}
    return dataclasses.replace(
        report,
        report_id=f"{short or agency or Path(report.source).stem}-{year or 'unknown'}-{report.content_hash[:8]}",
        agency=agency,
        short_name=short,
        region=region,
        level=level,
        year=year,
        flags=[f for f in report.flags if f.rule not in cleared],
        sources={**report.sources, **dict.fromkeys(fields, "correction")},
        corrections={**report.corrections, **fields},
    )
