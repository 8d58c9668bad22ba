"""One figure for every body and year: the measure catalogue and the data query behind the 数据 tab, the `data` API
and `nianbao data`.

A measure is one kind of table cell (table, row, column), named from indexing.schema's labels, or one kind of figure
stated in the report's prose (kind 正文数字: indexing.facts' canonical fact keys — totals, channels, press
conferences, policy interpretations …). A cell's value is the cell as parsed: a blank cell stays None (unknown),
never 0. A prose value is the fact with its sentence; a report that does not state it is None, and a stated absence
(“未收到政府信息公开申请”) is 0 only where the question side reads it as that figure's zero. Approximate figures
(“80余条”) are never facts, so they stay unknown here too. Pure functions over a list of Report records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from indexing.models import Fact, Number, Report
from indexing.normalize import compact, fold
from indexing.schema import (
    APPEAL_BLOCK_LABELS,
    APPEAL_COLUMN_LABELS,
    APPEAL_COLUMNS,
    PROACTIVE_COLUMN_LABELS,
    PROACTIVE_ROWS_2019,
    PROACTIVE_ROWS_2021,
    REQUEST_COLUMN_LABELS,
    REQUEST_ROW_LABELS,
    TABLE_TITLES,
    fact_label,
)

# The table's short name as officials cite it (表三 …), from the schema's titles.
TABLE_SHORT: dict[str, str] = {t: title.split(" ", 1)[0] for t, title in TABLE_TITLES.items()}
TABLE_ORDER: tuple[str, ...] = ("requests", "proactive", "appeals")  # the tables researchers ask about most first

# Units of table 2's columns (the template prints them in the column heads or implies them by the item counted).
_PROACTIVE_UNITS: dict[str, str] = {
    "issued": "件", "repealed": "件", "in_force": "件", "decisions": "件", "amount_wan": "万元",
    "new_made": "件", "new_published": "件", "total_published": "件", "prev_items": "项", "change": "项",
    # 采购总金额 (2019 template): the template prints no unit and reports write 万元 or 元 in the cell (36.5万元,
    # 152790元, eval/shapes.md § 8); the parser keeps the number only. One unit would misstate half of them.
    "items": "项", "amount": "万元或元，以各报告原文为准",
}

KIND_CELL = "表格单元格"
KIND_PROSE = "正文数字"
PROSE = "prose"  # the `table` of a prose measure: the report's text, not one of its tables
PROSE_PREFIX = "fact."  # prose measures are keyed as the question side keys them (fact.channel_wechat)
REGION_SEP = "/"  # a region chain as text: 威海市/文登区 (as `nianbao fix --region` takes it)


class UnknownMeasure(ValueError):
    """A measure name or key that is not in the catalogue. The message says so and how to list them."""


@dataclass(frozen=True)
class Measure:
    key: str  # "requests.new_received.total": table.row.column, the answer side's cell keys
    name_zh: str  # 表三 本年新收政府信息公开申请数量 · 总计
    table: str
    row: str
    column: str
    unit: str  # 件 / 项 / 万元 (headings and lists only: values are bare numbers), or "" when none is known
    kind: str = KIND_CELL  # KIND_CELL, or KIND_PROSE: `row` is then the fact key (indexing.schema.FACT_KEYS)

    @property
    def prose(self) -> bool:
        return self.kind == KIND_PROSE

    @property
    def row_label(self) -> str:
        return fact_label(self.row) if self.prose else _row_labels(self.table)[self.row]

    @property
    def column_label(self) -> str:
        return "" if self.prose else _column_labels(self.table)[self.column]

    @property
    def title(self) -> str:
        """The measure with its unit, for chart titles and CSV headers."""
        return f"{self.name_zh}（单位：{self.unit}）" if self.unit else self.name_zh

    def cell_text(self, value: Number | None) -> str:
        """The cell as an answer cites it: 表三 · 行 × 列 = 值 (blank when unknown); prose: 正文 · 名称 = 值."""
        if self.prose:
            return f"正文 · {self.row_label} = {'报告未写明（未知）' if value is None else _fmt(value)}"
        shown = "空白（未知）" if value is None else _fmt(value)
        return f"{TABLE_SHORT[self.table]} · {self.row_label} × {self.column_label} = {shown}"


@dataclass(frozen=True)
class DataRow:
    """One report's value of one measure, with where it was read."""

    body: str  # full name as written (short names can be shared by bodies in different places)
    short_name: str
    region: str  # the chain, outermost first, joined by REGION_SEP
    level: str
    year: int
    value: Number | None  # None: the cell is blank or the table absent — unknown, not zero
    report_id: str
    source: str  # the report's file
    table: str
    row: str
    column: str
    sentence: str = ""  # a prose value's sentence, as the report wrote it (the citation instead of a cell)
    section: str = ""  # the section that sentence sits in
    unit: str = ""  # a prose value's unit as written (条, 篇, 场 …)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _row_labels(table: str) -> dict[str, str]:
    return {"requests": REQUEST_ROW_LABELS, "appeals": APPEAL_BLOCK_LABELS,
            "proactive": {r.key: r.label for r in PROACTIVE_ROWS_2021 + PROACTIVE_ROWS_2019}}[table]


def _column_labels(table: str) -> dict[str, str]:
    return {"requests": REQUEST_COLUMN_LABELS, "proactive": PROACTIVE_COLUMN_LABELS,
            "appeals": APPEAL_COLUMN_LABELS}[table]


def _fmt(value: Number) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _cells(table: str) -> list[tuple[str, str]]:
    """Every (row, column) any template of the table prints, in the template's order."""
    if table == "requests":
        return [(r, c) for r in REQUEST_ROW_LABELS for c in REQUEST_COLUMN_LABELS]
    if table == "appeals":
        return [(b, c) for b in APPEAL_BLOCK_LABELS for c in APPEAL_COLUMNS]
    out: list[tuple[str, str]] = []
    for r in PROACTIVE_ROWS_2021 + PROACTIVE_ROWS_2019:
        out += [(r.key, c) for c in r.columns if (r.key, c) not in out]
    return out


def _unit(table: str, column: str) -> str:
    return _PROACTIVE_UNITS[column] if table == "proactive" else "件"


# ---------------------------------------------------------------- prose figures (indexing/facts.py)
def _prose_keys() -> list[str]:
    """The numeric facts indexing.facts states (the schema's fact keys less the stated absences no_*)."""
    from indexing.schema import FACT_KEYS

    return [k for k in FACT_KEYS if not k.startswith("no_")]


@lru_cache(maxsize=1)
def _question_measures() -> dict[str, Any]:
    """fact key → the question side's measure that falls back on it (answering.vocabulary): its unit and the stated
    absences that mean its zero. One reading of “未收到申请” for answers and this table."""
    from answering.vocabulary import MEASURES

    out: dict[str, Any] = {}
    for m in MEASURES:
        for key in m.facts:
            out.setdefault(key, m)
    return out


def _prose_measure(key: str) -> Measure:
    read = _question_measures().get(key)
    return Measure(PROSE_PREFIX + key, f"正文 {fact_label(key)}", PROSE, key, "", read.unit if read else "", KIND_PROSE)


def prose_value(report: Report, key: str) -> tuple[Number | None, Fact | None]:
    """A prose figure of one report with the fact that states it: the number; else 0 when the report states the
    absence the question side reads as this figure's zero (with that sentence); else (None, None) — not stated."""
    fact = report.facts.get(key)
    if fact is not None and isinstance(fact.value, int | float) and not isinstance(fact.value, bool):
        return fact.value, fact
    read = _question_measures().get(key)
    for zero in read.zero_facts if read else ():
        said = report.facts.get(zero)
        if said is not None and said.value is True and (
                not read.zero_words or any(w in fold(said.sentence) for w in read.zero_words)):
            return 0, said
    return None, None


@lru_cache(maxsize=1)
def _catalogue() -> tuple[Measure, ...]:
    out = []
    for table in TABLE_ORDER:
        rows, columns = _row_labels(table), _column_labels(table)
        for row, column in _cells(table):
            name = f"{TABLE_SHORT[table]} {rows[row]} · {columns[column]}"
            out.append(Measure(f"{table}.{row}.{column}", name, table, row, column, _unit(table, column)))
    out += [_prose_measure(k) for k in _prose_keys()]
    return tuple(out)


def measures() -> list[Measure]:
    """Every measure: table 3 first, each table in its template's row and column order, then the prose figures."""
    return list(_catalogue())


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Measure]:
    return {m.key: m for m in _catalogue()}


def search_measures(text: str) -> list[Measure]:
    """Measures whose key or Chinese name holds every word of `text` (words split on spaces; traditional characters
    and full-width forms folded). Empty text: all."""
    words = [compact(w) for w in (text or "").split() if compact(w)]
    return [m for m in _catalogue() if all(w in compact(m.name_zh) or w in m.key for w in words)]


def find_measure(text: str) -> Measure | None:
    """The measure `text` names: its key, its exact Chinese name, the one measure a search finds, or — when several
    match — the question reader's reading of the words (新收申请 → 表三 本年新收… · 总计). None when nothing fits."""
    text = (text or "").strip()
    if not text:
        return None
    if text in _by_key():
        return _by_key()[text]
    exact = [m for m in _catalogue() if compact(m.name_zh) == compact(text)]
    if exact:
        return exact[0]
    found = search_measures(text)
    if len(found) == 1:
        return found[0]
    from answering.vocabulary import find_measure as read_measure

    read = read_measure(compact(text))
    cells = [c for option in read.cell_options for c in option][:1] if read else []
    if cells and ".".join(cells[0]) in _by_key():
        return _by_key()[".".join(cells[0])]
    if read and read.key in _by_key():  # a figure only prose states (主动公开 → fact.proactive_total)
        return _by_key()[read.key]
    return found[0] if found else None


def require_measure(text: str) -> Measure:
    """find_measure, or UnknownMeasure with a message that says what to do."""
    m = find_measure(text)
    if m is None:
        raise UnknownMeasure(f"没有这个指标：“{text}”。请用指标键（如 requests.new_received.total）"
                             f"或中文名称（如 新收申请 总计）；"
                             f"`nianbao data --list` 列出全部 {len(_catalogue())} 个指标。")
    return m


def region_text(report: Report) -> str:
    return REGION_SEP.join(report.region)


def in_region(report: Report, region: str) -> bool:
    """A region follows the chain: 威海市 holds every report whose chain passes through it (文登区, its towns)."""
    wanted = [p for p in region.replace("›", REGION_SEP).split(REGION_SEP) if p.strip()]
    chain = [compact(p) for p in report.region]
    if not wanted:
        return True
    # A chain given whole (威海市/文登区) must appear in that order; one name may sit anywhere in the chain.
    wanted = [compact(p) for p in wanted]
    return any(chain[i:i + len(wanted)] == wanted for i in range(len(chain) - len(wanted) + 1))


def data_rows(reports: list[Report], measure_key: str, *, year: int | None = None, region: str | None = None,
              level: str | None = None) -> list[DataRow]:
    """One row per identified report that passes the filters, sorted by region chain, body, year.

    Raises UnknownMeasure for a key (or name) the catalogue lacks. Unidentified reports (no body or year) take no
    part, as in answers."""
    m = require_measure(measure_key)
    out = []
    for r in reports:
        if not r.identified or (year is not None and r.year != year) or (level and r.level != level):
            continue
        if region and not in_region(r, region):
            continue
        if m.prose:
            value, fact = prose_value(r, m.row)
            said = (fact.sentence, fact.section, fact.unit) if fact else ()
        else:
            value, said = r.cell(m.table, m.row, m.column), ()
        out.append(DataRow(r.agency, r.short_name, region_text(r), r.level, r.year, value,
                           r.report_id, r.source, m.table, m.row, m.column, *said))
    out.sort(key=lambda d: (d.region, d.body, d.year, d.report_id))
    return out


def region_choices(reports: list[Report]) -> list[str]:
    """Every region chain prefix in the reports (威海市, 威海市/文登区, …), so a filter can pick a city or a county."""
    seen = {REGION_SEP.join(r.region[:i]) for r in reports for i in range(1, len(r.region) + 1)}
    return sorted(seen)


# ---------------------------------------------------------------- bodies × years (the 数据 tab's table)
@dataclass(frozen=True)
class BodyRow:
    """One body's values by year. A year with no report has no entry; a blank cell is an entry whose value is None."""

    body: str
    short_name: str
    region: str
    level: str
    by_year: dict[int, tuple[DataRow, ...]]  # several when a body has more than one report for a year

    def value(self, year: int) -> Number | None:
        """The year's value when its reports agree on one known number, else None."""
        known = {d.value for d in self.by_year.get(year, ()) if d.value is not None}
        return known.pop() if len(known) == 1 else None


SORT_KEYS: tuple[str, ...] = ("body", "region", "level")  # or a year, as text (“2021”): by that year's value


def pivot(rows: list[DataRow]) -> list[BodyRow]:
    """DataRows grouped by body (full name and region), in the order of their first row."""
    grouped: dict[tuple[str, str], list[DataRow]] = {}
    for d in rows:
        grouped.setdefault((d.body, d.region), []).append(d)
    out = []
    for ds in grouped.values():
        by_year: dict[int, tuple[DataRow, ...]] = {}
        for d in ds:
            by_year[d.year] = (*by_year.get(d.year, ()), d)
        first = ds[0]
        out.append(BodyRow(first.body, first.short_name, first.region, first.level, by_year))
    return out


def sort_bodies(bodies: list[BodyRow], by: str = "region", *, descending: bool = False) -> list[BodyRow]:
    """Sorted by a SORT_KEYS field or by one year's value; bodies with no known value for that year come last in
    either order (unknown is not small)."""
    if by in SORT_KEYS:
        field = {"body": _name, "region": lambda b: (b.region, *_name(b)),
                 "level": lambda b: (b.level, b.region, *_name(b))}[by]
        return sorted(bodies, key=field, reverse=descending)
    year = int(by)
    known = sorted((b for b in bodies if b.value(year) is not None), key=_name)
    known.sort(key=lambda b: b.value(year), reverse=descending)  # stable: equal values stay in name order
    return known + sorted((b for b in bodies if b.value(year) is None), key=_name)


def _name(b: BodyRow) -> tuple[str, str]:
    return b.short_name, b.body


def years_of(rows: list[DataRow]) -> list[int]:
    return sorted({d.year for d in rows})


def rows_in_order(bodies: list[BodyRow]) -> list[DataRow]:
    """The DataRows of sorted bodies, each body's years in order: the order downloads list them."""
    return [d for b in bodies for y in sorted(b.by_year) for d in b.by_year[y]]


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


# ---------------------------------------------------------------- downloads (CSV, .xlsx) and the CLI
EXPORT_FIELDS: tuple[tuple[str, str], ...] = (
    ("body", "单位"), ("short_name", "简称"), ("region", "所在地区"), ("level", "级别"), ("year", "年份"),
    ("value", ""), ("report_id", "报告编号"), ("source", "来源文件"), ("cell", "单元格"),
)


def export_header(measure: Measure) -> list[str]:
    """Column heads; the value's head is the measure with its unit (表三 … · 总计（单位：件）); a prose measure's
    source is its sentence, not a cell."""
    heads = [label or measure.title for _, label in EXPORT_FIELDS]
    return [("正文句子" if measure.prose and h == "单元格" else h) for h in heads]


def export_values(d: DataRow, measure: Measure) -> list[Any]:
    """One row as written to a file: an unknown value is an empty field, never 0; a prose value cites its sentence."""
    cell = (f"正文：{d.sentence}" if d.sentence else "正文（未写明）") if measure.prose else \
        f"{TABLE_SHORT[d.table]} · {measure.row_label} × {measure.column_label}"
    record = {**d.to_json(), "cell": cell}
    return ["" if record[k] is None else record[k] for k, _ in EXPORT_FIELDS]


def write_csv(fh, measure: Measure, rows: list[DataRow]) -> None:
    """CSV of the rows (header first); every text cell neutralised against formula injection."""
    import csv

    from indexing.export import csv_row

    writer = csv.writer(fh)
    writer.writerow(csv_row(export_header(measure)))
    for d in rows:
        writer.writerow(csv_row(export_values(d, measure)))


def write_xlsx(path, measure: Measure, rows: list[DataRow]) -> None:
    """The same table as an .xlsx sheet (write-only: 10,000 rows in well under a second); text that a spreadsheet
    would run as a formula is kept as text."""
    from openpyxl import Workbook

    from indexing.export import csv_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append(csv_row(export_header(measure)))
    for d in rows:
        sheet.append(csv_row(export_values(d, measure)))
    book.save(path)
