"""Consistency rules (勾稽关系) of the standard tables, and prose against tables.

A broken rule becomes a Flag on the record (the record is kept). A rule with an unknown (None) operand is
not checked: an unknown cell is not evidence of anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from indexing.models import Cells, Fact, Flag, Number
from indexing.schema import (
    APPEAL_BLOCK_LABELS,
    APPEAL_BLOCKS,
    APPEAL_COLUMNS,
    APPLICANT_COLUMNS,
    HANDLING_ROWS,
    REQUEST_COLUMN_LABELS,
    REQUEST_ROW_LABELS,
    SUBTOTAL_GROUPS,
    request_columns,
)

_ORG_COLUMNS = APPLICANT_COLUMNS[1:]  # the five 法人或其他组织 columns
_TOLERANCE = 1e-6


def _cells(table: str, grid: Cells, refs: Iterable[tuple[str, str]]) -> dict[str, Number | None] | None:
    """{"table.row.col": value} for the refs, or None when any operand is unknown."""
    out: dict[str, Number | None] = {}
    for row, col in refs:
        value = (grid.get(row) or {}).get(col)
        if value is None:
            return None
        out[f"{table}.{row}.{col}"] = value
    return out


def _sum_rule(
    table: str, grid: Cells, lhs: list[tuple[str, str]], rhs: list[tuple[str, str]], rule: str, message: str
) -> Flag | None:
    numbers = _cells(table, grid, lhs + rhs)
    if numbers is None:
        return None
    left = sum(grid[r][c] for r, c in lhs)
    right = sum(grid[r][c] for r, c in rhs)
    if abs(left - right) <= _TOLERANCE:
        return None
    return Flag(rule=rule, message=f"{message}（{_fmt(left)} ≠ {_fmt(right)}）", cells=list(numbers), numbers=numbers)


def _fmt(n: Number) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def check_requests(grid: Cells, template: str) -> list[Flag]:
    flags: list[Flag] = []
    columns = request_columns(template)
    handling = HANDLING_ROWS[template]
    for col in columns:
        label = REQUEST_COLUMN_LABELS[col]
        f = _sum_rule(
            "requests", grid,
            [("new_received", col), ("carried_over", col)],
            [("handled_total", col), ("carried_forward", col)],
            "requests.balance",
            f"表三“{label}”列：本年新收加上年结转不等于办理结果总计加结转下年度",
        )
        if f:
            flags.append(f)
        f = _sum_rule(
            "requests", grid,
            [(row, col) for row in handling], [("handled_total", col)],
            "requests.handled_total",
            f"表三“{label}”列：各项办理结果之和不等于（七）总计",
        )
        if f:
            flags.append(f)
        if template == "wide":
            for total_row, members in SUBTOTAL_GROUPS.items():
                f = _sum_rule(
                    "requests", grid,
                    [(row, col) for row in members], [(total_row, col)],
                    "requests.subtotal",
                    f"表三“{label}”列：{REQUEST_ROW_LABELS[total_row]}不等于其各项之和",
                )
                if f:
                    flags.append(f)
    for row in grid:
        f = _sum_rule(
            "requests", grid,
            [(row, c) for c in APPLICANT_COLUMNS], [(row, "total")],
            "requests.row_total",
            f"表三“{REQUEST_ROW_LABELS.get(row, row)}”行：各类申请人之和不等于总计",
        )
        if f:
            flags.append(f)
        if template == "wide":
            f = _sum_rule(
                "requests", grid,
                [(row, c) for c in _ORG_COLUMNS], [(row, "org_subtotal")],
                "requests.org_subtotal",
                f"表三“{REQUEST_ROW_LABELS.get(row, row)}”行：五类法人或其他组织之和不等于小计",
            )
            if f:
                flags.append(f)
    return flags


def check_appeals(grid: Cells) -> list[Flag]:
    flags = []
    for block in APPEAL_BLOCKS:
        f = _sum_rule(
            "appeals", grid,
            [(block, c) for c in APPEAL_COLUMNS[:4]], [(block, "total")],
            "appeals.block_total",
            f"表四“{APPEAL_BLOCK_LABELS[block]}”：维持、纠正、其他结果、尚未审结之和不等于总计",
        )
        if f:
            flags.append(f)
    return flags


def check_prose(facts: dict[str, Fact], requests: Cells | None) -> list[Flag]:
    """Numbers stated in prose against table 3 (proactive facts have no table counterpart)."""
    if requests is None:
        return []
    table_value = (requests.get("new_received") or {}).get("total")
    if table_value is None:
        return []
    flags = []
    cell = "requests.new_received.total"
    stated = facts.get("requests_received")
    if stated is not None and isinstance(stated.value, int | float) and abs(stated.value - table_value) > _TOLERANCE:
        flags.append(
            Flag(
                rule="prose_vs_table",
                message=f"正文称收到政府信息公开申请{_fmt(stated.value)}件，表三本年新收总计为{_fmt(table_value)}",
                cells=[cell, "facts.requests_received"],
                numbers={cell: table_value, "facts.requests_received": stated.value},
            )
        )
    none = facts.get("no_requests")
    if none is not None and none.value is True and table_value > 0:
        flags.append(
            Flag(
                rule="prose_vs_table",
                message=f"正文称未收到政府信息公开申请，但表三本年新收总计为{_fmt(table_value)}",
                cells=[cell, "facts.no_requests"],
                numbers={cell: table_value},
            )
        )
    return flags


def check_prose_appeals(facts: dict[str, Fact], appeals: Cells | None) -> list[Flag]:
    """“未发生行政复议、行政诉讼” against table 4's block totals."""
    stated = facts.get("no_appeals")
    if appeals is None or stated is None or stated.value is not True:
        return []
    totals = {f"appeals.{b}.total": (appeals.get(b) or {}).get("total") for b in APPEAL_BLOCKS}
    positive = {cell: v for cell, v in totals.items() if v is not None and v > 0}
    if not positive:
        return []
    return [
        Flag(
            rule="prose_vs_table",
            message="正文称未发生政府信息公开行政复议、行政诉讼，但表四有案件数",
            cells=[*positive, "facts.no_appeals"],
            numbers=positive,
        )
    ]


def validate(tables: dict[str, Cells | None], template: str, facts: dict[str, Fact]) -> list[Flag]:
    flags: list[Flag] = []
    if tables.get("requests"):
        flags += check_requests(tables["requests"], template)
    if tables.get("appeals"):
        flags += check_appeals(tables["appeals"])
    flags += check_prose(facts, tables.get("requests"))
    flags += check_prose_appeals(facts, tables.get("appeals"))
    return flags
