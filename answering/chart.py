"""Figures of other years printed in a report's trailing chart data.

Exports of a report sometimes end with the data behind a chart (“2021年 政府网站 官方公众号 59 235 2020年 …”).
Those are the report's own words about earlier years; they stand in for a year the corpus has no report for,
cited to the chart line of the report that prints them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexing.models import Fact, Report

# Chart series labels → prose fact keys.
CHART_LABELS: tuple[tuple[str, str], ...] = (
    ("公众号", "channel_wechat"), ("微信", "channel_wechat"), ("网站", "channel_website"), ("微博", "channel_weibo"),
)
CHART_FACTS: frozenset[str] = frozenset(k for _, k in CHART_LABELS)
_YEAR = re.compile(r"^((?:19|20)\d\d)年$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def chart_series(report: Report) -> tuple[str, dict[int, dict[str, float | int]]] | None:
    """(the chart line as printed, {year: {fact key: value}}) from the report's tail, or None."""
    for line in reversed(report.text.splitlines()[-12:]):
        tokens = [t for t in re.split(r"[\t ]+", line.strip()) if t]
        if sum(1 for t in tokens if _YEAR.match(t)) < 1 or not any(_NUMBER.match(t) for t in tokens):
            continue
        series = _read(tokens)
        if series:
            return " ".join(tokens), series
    return None


def _read(tokens: list[str]) -> dict[int, dict[str, float | int]]:
    out: dict[int, dict[str, float | int]] = {}
    i = 0
    while i < len(tokens):
        m = _YEAR.match(tokens[i])
        if not m:
            i += 1
            continue
        year, i = int(m.group(1)), i + 1
        labels, numbers = [], []
        while i < len(tokens) and not _YEAR.match(tokens[i]) and not _NUMBER.match(tokens[i]):
            labels.append(tokens[i])
            i += 1
        while i < len(tokens) and _NUMBER.match(tokens[i]):
            numbers.append(tokens[i])
            i += 1
        if labels and len(labels) == len(numbers):  # a ragged group cannot be placed safely: skip it
            for label, n in zip(labels, numbers, strict=True):
                key = next((k for cue, k in CHART_LABELS if cue in label), None)
                if key:
                    out.setdefault(year, {})[key] = float(n) if "." in n else int(n)
    return out


# (report_id, stand-in year) → the year of the report that prints the chart (what its citations name).
SOURCE_YEAR: dict[tuple[str, int], int | None] = {}


def chart_reports(reports: list[Report]) -> list[Report]:
    """Stand-in records for (body, year) pairs only a later report's chart covers: chart facts, no tables."""
    have = {(r.agency, r.year) for r in reports}
    out = []
    for r in reports:
        found = chart_series(r)
        if not found:
            continue
        line, series = found
        for year, facts in series.items():
            if (r.agency, year) in have:
                continue
            have.add((r.agency, year))
            SOURCE_YEAR[(r.report_id, year)] = r.year
            out.append(replace(
                r, year=year, tables={"proactive": None, "requests": None, "appeals": None}, flags=[], sections={},
                facts={k: Fact(k, v, line, "other") for k, v in facts.items()},
                title=f"{r.title}（所附图表中的{year}年数据）",
            ))
    return out
