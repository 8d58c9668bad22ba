"""Tables 2, 3 and 4 into canonical rows and columns, from any of the shapes exports produce.

Every shape is first flattened to one stream of cells (a cell per line, pipe rows, tab rows, web pages
with blank lines), then cut into *groups*: a label followed by the values after it. Labels anchor rows of
the template; values between two anchors must fill exactly the rows between them (this is how rows whose
label was lost in export are recovered by position). Anything that does not fit is left None and flagged,
never shifted into a neighbouring cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexing.models import Cells, Flag, Number
from indexing.normalize import cell_kind, fold
from indexing.schema import (
    APPEAL_BLOCKS,
    APPEAL_COLUMNS,
    TABLE_TITLES,
    proactive_rows,
    request_columns,
    request_rows,
)


@dataclass
class Cell:
    kind: str  # text | number | empty
    value: Number | None
    text: str
    row_start: bool = False  # first cell of a physical row (pipe / tab rows)
    multi: bool = False  # part of a pipe/tab row (one line holding several cells)
    pos: int = -1  # its column in the physical row (pipe / tab rows), -1 in a cell stream


@dataclass
class Group:
    label: str | None
    values: list[Cell] = field(default_factory=list)
    key: str | None = None
    physical: bool = False  # one pipe/tab row: its cell count is the row's real width
    label_pos: int = -1  # the column of the label's last cell in its physical row (-1: no label, or a cell stream)
    cut: bool = False  # the last row of a file cut off inside the table: its cells run from the left, the rest lost

    @property
    def numbers(self) -> int:
        return sum(1 for c in self.values if c.kind == "number")


# ---------------------------------------------------------------- cells
_PAGE_MARK = re.compile(r"[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+")
MIN_PIPE_ROWS = 3  # a region with this many pipe rows came from a structured reader: only pipe rows hold cells
MIN_STREAM_TOKENS = 24  # a PDF row holds a label and at most 8 values; a line with this many tokens is a whole table


def tokenize(lines: list[str]) -> list[Cell]:
    """The cells of a table region, in reading order, from any of the export shapes."""
    cells: list[Cell] = []
    pipe_mode = sum("|" in line for line in lines) >= MIN_PIPE_ROWS
    # Web pages that put each cell on its own line (“规章 |”, “0 |”, a lone “|” opening a row): the lines are not rows,
    # the cells run in reading order like a cell-per-line export.
    stream = pipe_mode and _one_cell_lines(lines)
    # “| a | b |” has a left border; pages whose rows start with their label (“a ||| 2 | 0 |”) have none, and there
    # a leading pipe opens an empty first cell — dropping it would shift that row one column left.
    piped = [line.strip() for line in lines if "|" in line]
    bordered = sum(line.startswith("|") for line in piped) * 2 >= len(piped)
    for line in lines:
        folded = fold(line)
        if _PAGE_MARK.fullmatch(folded.strip()):
            continue  # page furniture of a PDF (“- 3 -”, “第3页 共10页”)
        if pipe_mode and "|" not in folded:
            kind, _ = cell_kind(folded)
            if kind == "text":  # a caption or wrapped text between rows: a label without values
                cells.append(Cell("text", None, folded.strip(), row_start=True))
            continue  # a bare number between pipe rows is a page number, not a cell
        if "|" in folded:
            parts = folded.strip().strip("\t")
            parts = parts[1:] if parts.startswith("|") and bordered else parts
            parts = parts[:-1] if parts.endswith("|") else parts
            fields = parts.split("|")
        elif "\t" in folded:
            fields = folded.rstrip("\n").split("\t")
            if not fields[0].strip():
                fields = fields[1:]  # indentation, or the empty label cell of a row that lost its label
            if len(fields) > 1 and not fields[-1].strip():
                fields = fields[:-1]  # trailing tab
        else:
            if not folded.strip():
                continue  # blank line: a row separator, not a cell
            tokens = folded.split()
            if len(tokens) >= MIN_STREAM_TOKENS:
                # A whole table on one line, cells joined by spaces (a page that lost its line breaks): a stream.
                cells.extend(Cell(*cell_kind(t), t) for t in tokens)
                continue
            fields = _spaced_row(folded) or [folded]
        for n, text in enumerate(fields):
            kind, value = cell_kind(text)
            multi = len(fields) > 1 and not stream
            pos = n if multi else -1
            cells.append(Cell(kind, value, text.strip(), row_start=multi and n == 0, multi=multi, pos=pos))
    return cells


ONE_CELL_SHARE = 0.6


def _one_cell_lines(lines: list[str]) -> bool:
    """Most pipe lines hold at most one non-empty cell: the page wrote one cell per line."""
    piped = [line for line in lines if "|" in line]
    single = sum(1 for line in piped if sum(1 for f in line.split("|") if f.strip()) <= 1)
    return bool(piped) and single >= ONE_CELL_SHARE * len(piped)


_SPACED_VALUE = re.compile(r"[+-]?\d+(?:\.\d+)?|[/—–-]+")
MAX_LABEL_CHARS = 60


def _spaced_row(line: str) -> list[str] | None:
    """A PDF text row, “规章 0 0 0” or “0 0 0 0 0”: the label (if any) and its space-separated values."""
    tokens = line.split()
    if len(tokens) < 2:
        return None
    n = len(tokens)
    while n > 0 and _SPACED_VALUE.fullmatch(tokens[n - 1]):
        n -= 1
    values = tokens[n:]
    label = "".join(tokens[:n])
    if not values or len(label) > MAX_LABEL_CHARS or (label and _SPACED_VALUE.fullmatch(label[-1:] or "x")):
        return None
    return ([label] if label else [""]) + values


def group_cells(cells: list[Cell]) -> list[Group]:
    """Cut the cell stream into label + values groups."""
    groups: list[Group] = []
    cur: Group | None = None
    lead = False  # at the start of a physical row, before its first non-empty cell
    for c in cells:
        if c.row_start:
            cur, lead = None, True
        if lead and c.kind == "empty" and not c.text.strip():
            continue  # label-column cells of a pipe/tab row: rowspan continuations or a lost label (a “—” is data)
        lead = False
        if c.kind == "text":
            if cur is not None and cur.label is not None and not cur.values:
                cur.label += c.text  # a label wrapped over several cells/lines
                cur.label_pos = c.pos
            else:
                cur = Group(c.text, physical=c.multi, label_pos=c.pos)
                groups.append(cur)
        else:
            if cur is None:
                cur = Group(None, physical=c.multi)  # a row whose label was lost
                groups.append(cur)
            cur.values.append(c)
    return groups


# ---------------------------------------------------------------- placing values into rows
Row = tuple[str, tuple[str, ...]]  # (row key, its columns)


def _trim(values: list[Cell], size: int) -> list[Cell]:
    """Drop empty cells beyond `size` at the ends: label-column cells of the next row (or this one's lost label).

    Truly empty cells go first, leading ones before trailing ones (a label spanning grid columns leaves empties right
    after it); a “/” or “—” is a printed blank of the data area and is dropped only when nothing else can be."""
    values = list(values)
    for printed in (False, True):
        while len(values) > size and _droppable(values[0], printed):
            values.pop(0)
        while len(values) > size and _droppable(values[-1], printed):
            values.pop()
    return values


def _droppable(cell: Cell, printed: bool) -> bool:
    return cell.kind == "empty" and (printed or not cell.text.strip())


Layouts = tuple[tuple[int, int], ...]  # (column where data starts, cells in the row) of a table's complete pipe rows


def _fill_row(
    values: list[Cell],
    columns: tuple[str, ...],
    total_col: str | None,
    physical: bool = False,
    layouts: Layouts = (),
    cut: bool = False,
    label_pos: int = -1,
) -> dict[str, Number | None] | None:
    """One row's cells; None when they cannot be placed safely. `cut`: the last row of a truncated file.
    `layouts`: how the physical rows of this table are laid out (learned from its complete rows), so a blank first
    cell does not shift the row. `label_pos`: the column of the row's label; its data lie to the right of it."""
    numbers = [c for c in values if c.kind == "number"]
    if not numbers:
        return dict.fromkeys(columns)
    single = len(numbers) == 1 and all(c.kind == "number" or not c.text.strip() for c in values) and not cut
    if total_col and len(columns) > 1 and single:
        # One number in a row of the wrong width: a merged cell spanning the row (shapes §2).
        # It states the row total, not which applicant column; the others stay unknown.
        row = dict.fromkeys(columns)
        row[total_col] = numbers[0].value
        return row
    if physical and layouts and all(c.pos >= 0 for c in values):
        # Where data starts differs between rows of one table (a rowspan column dropped in some rows): only a start
        # that keeps every printed cell of this row inside the data columns is safe; one such start, or none.
        printed = [c.pos for c in values if c.kind != "empty" or c.text.strip()]
        fits = _data_starts(values, len(columns), layouts, label_pos)
        if len(fits) == 1:
            by_pos = {c.pos - fits[0]: c for c in values}
            return {col: (by_pos[k].value if k in by_pos else None) for k, col in enumerate(columns)}
        if len(fits) > 1 and len(printed) < len(columns):
            return None  # blanks, and two starts fit: which column a number sits in is a guess — leave it unknown
    values = _trim(values, len(columns))
    if len(values) == len(columns):
        return {col: c.value for col, c in zip(columns, values, strict=True)}
    return None


def _data_starts(values: list[Cell], size: int, layouts: Layouts, label_pos: int) -> list[int]:
    """The learned data starts that can hold this pipe row: right of its label, every printed cell inside the data
    columns. Where several do, the row's cell count decides when it is the count of exactly one of them: every
    complete row of a start has one count (a table with a trailing column of its own shows it in those counts)."""
    printed = [c.pos for c in values if c.kind != "empty" or c.text.strip()]
    starts = sorted({start for start, _ in layouts})
    fits = [w for w in starts if w > label_pos and all(w <= pos < w + size for pos in printed)]
    if len(fits) < 2:
        return fits
    counts = {w: {n for start, n in layouts if start == w} for w in fits}
    if any(len(n) != 1 for n in counts.values()):
        return fits  # rows of one start differ in width: a row's width tells nothing
    width = max(c.pos for c in values) + 1
    pinned = [w for w in fits if counts[w] == {width}]
    return pinned if len(pinned) == 1 else fits


def _cut_row(group: Group, columns: tuple[str, ...] | list[str]) -> dict[str, Number | None] | None:
    """The cells a cut-off last row still holds, from the left; None when the row is not the cut one. A single
    cell is left unknown: cut after one cell, or a merged cell stating the total, the text cannot tell."""
    values = _blank_ends_dropped(group.values)
    if group.physical or not group.cut or len(values) < 2 or len(values) >= len(columns):
        return None  # a pipe row is a whole line: only a cell stream can stop inside a row
    if values[0].kind != "number" or any(c.kind == "text" for c in values):
        return None  # a leading “/” may be a label column's: where the numbers start is unsure
    # A blank between numbers (“/”, a tab-only line, a lone pipe) is a cell of this row: it holds its column.
    return {col: (values[n].value if n < len(values) else None) for n, col in enumerate(columns)}


def _blank_ends_dropped(values: list[Cell]) -> list[Cell]:
    """A cell stream's cells without the truly empty ones at either end: label columns a span or a rowspan left
    before the numbers, or the next row's, after them."""
    kept = [n for n, c in enumerate(values) if c.kind != "empty" or c.text.strip()]
    return values[kept[0] : kept[-1] + 1] if kept else []


def mark_cut(groups: list[Group]) -> None:
    """The file ends inside this table: its last row with numbers may be cut short."""
    last = next((g for g in reversed(groups) if g.numbers), None)
    if last is not None:
        last.cut = True


def row_layouts(groups: list[Group], size: int) -> Layouts:
    """How the physical rows of a table are laid out: (column of the first number, cells in the row) of each row that
    holds all `size` numbers. () for cell streams."""
    return tuple(sorted({
        (next(c.pos for c in g.values if c.kind == "number"), g.values[-1].pos + 1)
        for g in groups
        if g.physical and g.numbers == size and all(c.pos >= 0 for c in g.values)
    }))


def place(
    groups: list[Group], rows: list[Row], total_col: str | None, layouts: Layouts = ()
) -> tuple[Cells, list[str]]:
    """Values of anchored groups into their rows; returns the grid and the keys of rows left unplaced."""
    grid: Cells = {key: dict.fromkeys(cols) for key, cols in rows}
    index = {key: n for n, (key, _) in enumerate(rows)}
    unplaced: list[str] = []
    # Runs: an anchored group plus the unanchored groups after it, up to the next anchor.
    runs: list[tuple[int, list[Group]]] = []
    lead: list[Group] = []
    for g in groups:
        if g.key is None and not g.values:
            continue  # a header cell or the empty cell a vertical merge leaves: no row of its own
        if g.key is not None and g.key in index:
            runs.append((index[g.key], [g]))
        elif runs:
            runs[-1][1].append(g)
        elif g.numbers:
            lead.append(g)
    if lead:
        # Numbers before the first label: rows at the top whose labels were lost (sample 000's 一、 row).
        if runs and runs[0][0] == 0:
            unplaced.append("(header)")
        else:
            runs.insert(0, (0, lead))
    for n, (start, run) in enumerate(runs):
        stop = runs[n + 1][0] if n + 1 < len(runs) else len(rows)
        if stop <= start:
            if any(g.numbers for g in run):
                unplaced.append(rows[start][0])
            continue
        unplaced.extend(_place_run(run, rows[start:stop], total_col, grid, layouts))
    return grid, unplaced


def _place_run(
    run: list[Group], rows: list[Row], total_col: str | None, grid: Cells, layouts: Layouts = ()
) -> list[str]:
    """Place one run into rows[...]; returns the keys of rows whose numbers could not be placed."""
    flat = [c for g in run for c in g.values]
    if len(rows) == 1:
        key, cols = rows[0]
        alone = len(run) == 1
        row = _cut_row(run[-1], cols) or _fill_row(flat, cols, total_col, alone and run[0].physical, layouts,
                                                   run[-1].cut, run[0].label_pos if alone else -1)
        if row is None:
            return [key]
        grid[key] = row
        return []
    # Each physical row in its own group (pipe/tab rows, some with empty label cells).
    if len(run) == len(rows):
        fills = [
            _fill_row(g.values, cols, total_col, g.physical, layouts, label_pos=g.label_pos)
            for g, (_, cols) in zip(run, rows, strict=True)
        ]
        if all(f is not None for f in fills):
            for (key, _), f in zip(rows, fills, strict=True):
                grid[key] = f
            return []
    # Cells in template order across rows whose labels were lost (cell-per-line exports).
    need = sum(len(cols) for _, cols in rows)
    trimmed = _trim(flat, need)
    if len(trimmed) == need:
        pos = 0
        for key, cols in rows:
            grid[key] = {col: c.value for col, c in zip(cols, trimmed[pos : pos + len(cols)], strict=True)}
            pos += len(cols)
        return []
    # Only the labelled row can be placed; the rows after it are absent unless numbers are left over.
    key, cols = rows[0]
    if run[0].key is None:
        return [k for k, _ in rows] if any(g.numbers for g in run) else []
    row = _cut_row(run[0], cols) or _fill_row(
        run[0].values, cols, total_col, run[0].physical, layouts, run[0].cut, run[0].label_pos
    )
    bad = []
    if row is None:
        bad.append(key)
    else:
        grid[key] = row
    if any(g.numbers for g in run[1:]):
        bad.extend(k for k, _ in rows[1:])
    return bad


# ---------------------------------------------------------------- table 3: requests
_REQUEST_PATTERNS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年新收",),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied_state_secret": ("国家秘密",),
    "denied_law_forbidden": ("禁止公开",),
    "denied_safety_stability": ("三安全一稳定", "三安全", "一稳定"),
    "denied_third_party": ("第三方合法权益", "第三方"),
    "denied_internal_affairs": ("内部事务",),
    "denied_process_info": ("过程性信息",),
    "denied_enforcement_file": ("行政执法案卷", "执法案卷"),
    "denied_query_matter": ("行政查询事项", "查询事项"),
    "unable_not_held": ("不掌握",),
    "unable_need_creation": ("另行制作",),
    "unable_unclear": ("仍不明确",),
    "rejected_petition": ("信访举报投诉", "信访"),
    "rejected_duplicate": ("重复申请",),
    "rejected_publication": ("公开出版物",),
    "rejected_mass_repeat": ("大量反复",),
    "rejected_confirm": ("重新出具", "确认或重新"),
    "other_overdue_correction": ("逾期不补正",),
    "other_unpaid_fee": ("缴纳费用", "收费通知"),
    "other_handling": ("其他处理",),
    "handled_total": ("(七)总计", "七、总计", "办理结果总计"),
    "carried_forward": ("结转下年度", "下年度继续办理"),
}
_OTHER_MISC = re.compile(r"(?:^|[^\d])3[.、]?其他$|\(3\)其他$")
_SUBTOTAL_OF = {g: f"{g}_total" for g in ("denied", "unable", "rejected", "other")}
_GROUP_WORDS = {"denied": "不予公开", "unable": "无法提供", "rejected": "不予处理", "other": "其他处理"}


def _label_key(label: str, patterns: dict[str, tuple[str, ...]]) -> tuple[str | None, int]:
    """The row a (possibly merged) label names: the pattern matching last wins, e.g. “（六）其他处理1.…逾期不补正”."""
    text = re.sub(r"\s+", "", label)
    best, best_end = None, -1
    for key, pats in patterns.items():
        for p in pats:
            pos = text.rfind(p)
            if pos >= 0 and pos + len(p) > best_end:
                best, best_end = key, pos + len(p)
    return best, best_end


def _request_key(label: str, previous: str | None) -> str | None:
    text = re.sub(r"\s+", "", label)
    if "小计" in text.replace("法人或其他组织小计", ""):
        for group, word in _GROUP_WORDS.items():
            if text.rfind(word) >= 0 and text.rfind(word) > text.rfind("小计") - 8:
                return _SUBTOTAL_OF[group]
        if previous:
            for group in _SUBTOTAL_OF:
                if previous.startswith(group + "_") and previous != _SUBTOTAL_OF[group]:
                    return _SUBTOTAL_OF[group]
        return None
    key, end = _label_key(text, _REQUEST_PATTERNS)
    m = _OTHER_MISC.search(text)
    if m and m.end() >= end:
        return "other_misc"
    return key


def detect_request_template(groups: list[Group], header: str, year: int | None) -> str:
    keys = {g.key for g in groups}
    if "小计" in header or keys & {"denied_total", "unable_total", "rejected_total", "other_total"}:
        return "wide"
    if keys & {"other_overdue_correction", "other_unpaid_fee", "other_misc"}:
        return "2021"
    if "other_handling" in keys:
        return "2019"
    numbers = sum(g.numbers for g in groups)
    for template in ("2021", "2019", "wide"):
        if numbers == len(request_rows(template)) * len(request_columns(template)):
            return template
    return "2019" if year is not None and year <= 2020 else "2021"


def parse_requests(
    lines: list[str], year: int | None, cut: bool = False
) -> tuple[Cells | None, str | None, list[str]]:
    """(grid or None, template, unplaced rows). None grid when the table holds no numbers at all."""
    groups = group_cells(tokenize(lines))
    if not any(g.numbers for g in groups):
        return None, None, []
    if cut:
        mark_cut(groups)
    previous = None
    for g in groups:
        if g.label is not None:
            g.key = _request_key(fold(g.label), previous)
            previous = g.key or previous
    header = "".join(fold(g.label) for g in groups if g.label and g.key is None)
    template = detect_request_template(groups, header, year)
    rows = [(key, request_columns(template)) for key in request_rows(template)]
    valid = {key for key, _ in rows}
    for g in groups:
        if g.key not in valid:
            g.key = None
    grid, unplaced = place(groups, rows, "total", row_layouts(groups, len(request_columns(template))))
    return grid, template, unplaced


# ---------------------------------------------------------------- table 2: proactive
_PROACTIVE_PATTERNS: dict[str, tuple[str, ...]] = {
    "rules": ("规章",),
    "normative_docs": ("规范性文件",),
    "licensing": ("行政许可",),
    "other_services": ("其他对外管理服务事项", "对外管理服务"),
    "penalty": ("行政处罚",),
    "enforcement": ("行政强制",),
    "fees": ("行政事业性收费", "事业性收费"),
    "procurement": ("政府集中采购", "集中采购"),
}
_PROACTIVE_2019_WORDS = (
    "本年新制作", "本年新公开", "对外公开总数", "上一年项目数量", "本年增/减", "集中采购", "对外管理服务",
)
_PROACTIVE_2021_WORDS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")


def detect_proactive_template(text: str, fallback: str) -> str:
    compacted = re.sub(r"\s+", "", fold(text))
    score_2019 = sum(w in compacted for w in _PROACTIVE_2019_WORDS)
    score_2021 = sum(w in compacted for w in _PROACTIVE_2021_WORDS)
    if score_2019 != score_2021:
        return "2019" if score_2019 > score_2021 else "2021"
    return "2019" if fallback == "2019" else "2021"


# Column headers of table 2 as printed, to canonical column keys. Each 第二十条 block prints its own header row,
# and real reports mix the 2019 and 2021 headers (2019 columns in （一）, 2021 ones in （五）（六）), so columns
# are read from the header of the block a row sits in, not assumed from the template.
_PROACTIVE_COLUMN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("new_made", r"新制作"),
    ("new_published", r"新公开"),
    ("total_published", r"对外公开总"),
    ("issued", r"制发件数|本年制发|本年发件"),
    ("repealed", r"废止件数|本年废止"),
    ("in_force", r"现行有效"),
    ("prev_items", r"上一年项目|上年项目"),
    ("change", r"增/?减"),
    ("decisions", r"处理决定"),
    ("amount_wan", r"收费金额"),
    ("items", r"采购项目数"),
    ("amount", r"采购总金额"),
)
_HEADER_WORD = "信息内容"


def header_columns(label: str) -> list[str] | None:
    """The column keys a block header names, in printed order (“信息内容本年制发件数本年废止件数现行有效件数”)."""
    text = re.sub(r"\s+", "", label)
    if _HEADER_WORD not in text:
        return None
    text = text[text.rfind(_HEADER_WORD) + len(_HEADER_WORD) :]
    found = sorted(
        (m.start(), key) for key, pattern in _PROACTIVE_COLUMN_PATTERNS for m in [re.search(pattern, text)] if m
    )
    return [key for _, key in found] or None


def parse_proactive(
    lines: list[str], fallback_template: str, cut: bool = False
) -> tuple[Cells | None, str, list[str]]:
    groups = group_cells(tokenize(lines))
    if cut:
        mark_cut(groups)
    template = detect_proactive_template("\n".join(lines), fallback_template)
    if not any(g.numbers for g in groups):
        return None, template, []
    for g in groups:
        if g.label is not None:
            g.key, _ = _label_key(fold(g.label), _PROACTIVE_PATTERNS)
    by_header = _place_by_headers(groups, template)
    if by_header is not None:
        return (*by_header[:1], template, by_header[1])
    rows = [(r.key, r.columns) for r in proactive_rows(template)]
    valid = {key for key, _ in rows}
    for g in groups:
        if g.key not in valid:
            g.key = None
    grid, unplaced = place(groups, rows, None)
    return grid, template, unplaced


def _place_by_headers(groups: list[Group], template: str) -> tuple[Cells, list[str]] | None:
    """Rows placed under the columns their block's header names (a block without a header row: the template's
    columns for that row); None when a row with numbers lost its label — then position decides (`place`)."""
    template_rows = proactive_rows(template)
    grid: Cells = {r.key: dict.fromkeys(r.columns) for r in template_rows}
    by_template = {r.key: list(r.columns) for r in template_rows}
    unplaced: list[str] = []
    columns: list[str] | None = None
    for g in groups:
        if g.label is not None:
            label = fold(g.label)
            if "第二十条" in label:
                columns = None  # a new block: its own header, if it prints one, follows
            columns = header_columns(label) or columns
        if not g.numbers:
            continue
        if g.key is None:
            return None
        cols = columns or by_template.get(g.key)
        values = _trim(g.values, len(cols or []))
        if cols and len(values) != len(cols) and by_template.get(g.key):
            # A damaged header (“本年发件”) names fewer columns than the row holds: the template's, if they fit.
            cols = by_template[g.key]
            values = _trim(g.values, len(cols))
        if cols and len(values) != len(cols) and (partial := _cut_row(g, cols)) is not None:
            grid.setdefault(g.key, {}).update(partial)
            continue
        if not cols or len(values) != len(cols):
            unplaced.append(g.key)
            continue
        grid.setdefault(g.key, {}).update({col: c.value for col, c in zip(cols, values, strict=True)})
    return grid, unplaced


# ---------------------------------------------------------------- table 4: appeals
_APPEAL_PATTERNS = {
    "review": ("行政复议",),
    "litigation_direct": ("未经复议直接起诉", "直接起诉"),
    "litigation_after_review": ("复议后起诉",),
}


def parse_appeals(lines: list[str], cut: bool = False) -> tuple[Cells | None, list[str]]:
    groups = group_cells(tokenize(lines))
    if not any(g.numbers for g in groups):
        return None, []
    width = len(APPEAL_COLUMNS)
    # Row form: each block labelled with its own five values.
    by_block: dict[str, dict[str, Number | None]] = {}
    for g in groups:
        if g.label is None:
            continue
        key, _ = _label_key(fold(g.label), _APPEAL_PATTERNS)
        vals = _trim(g.values, width)
        if key and len(vals) == width and len(re.sub(r"\s+", "", g.label)) <= 12:
            by_block[key] = {col: c.value for col, c in zip(APPEAL_COLUMNS, vals, strict=True)}
    if len(by_block) == len(APPEAL_BLOCKS):
        return {b: by_block[b] for b in APPEAL_BLOCKS}, []
    # Flat form: fifteen values in template order after the squashed header (shapes §4, the samples).
    by_position = _appeals_by_position(groups)
    if by_position is not None:
        return by_position, []
    flat = _trim([c for g in groups if g.numbers for c in g.values], width * len(APPEAL_BLOCKS))
    if cut and 0 < len(flat) < width * len(APPEAL_BLOCKS) and all(c.kind == "number" for c in flat):
        # Cut off inside the table: the values still there are the first ones in template order.
        cells = [(block, col) for block in APPEAL_BLOCKS for col in APPEAL_COLUMNS]
        grid = {block: dict.fromkeys(APPEAL_COLUMNS) for block in APPEAL_BLOCKS}
        for (block, col), c in zip(cells, flat, strict=False):
            grid[block][col] = c.value
        return grid, []
    if len(flat) == width * len(APPEAL_BLOCKS):
        return {
            block: {col: flat[b * width + n].value for n, col in enumerate(APPEAL_COLUMNS)}
            for b, block in enumerate(APPEAL_BLOCKS)
        }, []
    return None, list(APPEAL_BLOCKS)


def _appeals_by_position(groups: list[Group]) -> Cells | None:
    """Table 4 as one physical row of fifteen cells, blanks included (“|| 2 | 0 | 0 || 2 |…”): by position."""
    size = len(APPEAL_COLUMNS) * len(APPEAL_BLOCKS)
    rows = [g for g in groups if g.physical and g.label is None and g.numbers]
    if len(rows) != 1 or any(c.pos < 0 for c in rows[0].values):
        return None
    cells = {c.pos: c for c in rows[0].values}
    if max(cells) != size - 1 or rows[0].numbers == size:
        return None  # not fifteen positions, or nothing blank: the flat reading below is the same and simpler
    keys = [(block, col) for block in APPEAL_BLOCKS for col in APPEAL_COLUMNS]
    grid: Cells = {block: dict.fromkeys(APPEAL_COLUMNS) for block in APPEAL_BLOCKS}
    for pos, (block, col) in enumerate(keys):
        grid[block][col] = cells[pos].value if pos in cells else None
    return grid


# ---------------------------------------------------------------- locating the tables
_T3_MARKERS = ("勾稽", "申请人情况", "本年新收政府信息公开申请")
_T4_LINE = re.compile(r"^(?:[一二三四五六七八九十\d]+[、.])?(?:政府信息公开)?行政复议")
_T3_TITLE = "收到和处理政府信息公开申请"  # table 3's heading, inside a line only where it lost its numbering


def _cut_stream_lines(lines: list[str], headings: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    """A page that lost its line breaks holds several tables on one line when a table's heading carries no
    numbering (`reflow` splits only numbered ones): cut such a line where table 3, then table 4, starts, so each
    table keeps its own cells. `headings` (line numbers) move with their lines; a cut is where its table starts."""
    out: list[str] = []
    first: list[int] = []  # where each original line now starts
    starts: dict[str, int] = {}
    for line in lines:
        first.append(len(out))
        pieces = _stream_pieces(line) if len(line.split()) >= 2 * MIN_STREAM_TOKENS else [(None, line)]
        for table, piece in pieces:
            if table is not None:
                starts.setdefault(table, len(out))
            out.append(piece)
    moved = {k: first[h] if 0 <= h < len(first) else h + len(out) - len(lines) for k, h in headings.items()}
    return out, {**moved, **{k: min(moved.get(k, n), n) for k, n in starts.items()}}


def _stream_pieces(line: str) -> list[tuple[str | None, str]]:
    """The line cut before the token that opens table 3 and the one that opens table 4, each piece with the table it
    opens; a cut is made only where both sides stay whole-table streams (MIN_STREAM_TOKENS tokens each), as
    `tokenize` reads them."""
    tokens = list(re.finditer(r"\S+", line))
    folded = [re.sub(r"\s+", "", fold(m.group(0))) for m in tokens]
    t3 = next((n for n, t in enumerate(folded) if _T3_TITLE in t or any(m in t for m in _T3_MARKERS)), None)
    t4 = next((n for n, t in enumerate(folded) if t3 is not None and n > t3 and _T4_LINE.match(t)), None)
    cuts: list[tuple[str, int]] = []
    for table, n in (("requests", t3), ("appeals", t4)):
        before = n - cuts[-1][1] if cuts and n is not None else n
        if n is not None and before >= MIN_STREAM_TOKENS and len(tokens) - n >= MIN_STREAM_TOKENS:
            cuts.append((table, n))
    bounds = [(None, 0), *((table, tokens[n].start()) for table, n in cuts)]
    ends = [start for _, start in bounds[1:]] + [len(line)]
    return [(table, line[start:end].rstrip()) for (table, start), end in zip(bounds, ends, strict=True)]


def split_table_regions(lines: list[str], headings: dict[str, int] | None = None) -> dict[str, list[str]]:
    """Cut the table area (proactive heading .. problems heading) into the lines of tables 2, 3 and 4.

    `headings` gives the line (relative to `lines`) of the requests/appeals headings when they were found;
    markers inside the tables decide too, so a lost heading (sample 002) does not lose a table.
    """
    lines, headings = _cut_stream_lines(lines, headings or {})
    t3 = t4 = None
    for i, line in enumerate(lines):
        compacted = re.sub(r"\s+", "", fold(line)).lstrip("|")
        if t3 is None and any(m in compacted for m in _T3_MARKERS):
            t3 = i
        if t4 is None and i >= (t3 or 0) and _T4_LINE.match(compacted) and len(compacted) <= 40:
            t4 = i
    if "requests" in headings:
        t3 = min(t3, headings["requests"]) if t3 is not None else headings["requests"]
    if "appeals" in headings and headings["appeals"] >= (t3 or 0):
        t4 = min(t4, headings["appeals"]) if t4 is not None and t4 >= (t3 or 0) else headings["appeals"]
    end = len(lines)
    t4_start = t4 if t4 is not None else end
    t3_start = t3 if t3 is not None and t3 < t4_start else t4_start
    return {
        "proactive": lines[:t3_start],
        "requests": lines[t3_start:t4_start],
        "appeals": lines[t4_start:end],
    }


@dataclass
class TableResult:
    tables: dict[str, Cells | None]
    template: str
    flags: list[Flag]


def parse_tables(
    lines: list[str], year: int | None, headings: dict[str, int] | None = None, cut: bool = False
) -> TableResult:
    """Tables 2, 3 and 4 from the lines of the table area; absent tables are None with table.missing.
    `cut`: the file ends inside the table area (a truncated page), so the last table's last row may be short."""
    regions = split_table_regions(lines, headings)
    last = next((k for k in ("appeals", "requests", "proactive") if any(r.strip() for r in regions[k])), None)
    fallback = "2019" if year is not None and year <= 2020 else "2021"
    flags: list[Flag] = []
    cut_in = last if cut else None
    requests, template, req_unplaced = parse_requests(regions["requests"], year, cut_in == "requests")
    proactive, _, pro_unplaced = parse_proactive(regions["proactive"], template or fallback, cut_in == "proactive")
    appeals, app_unplaced = parse_appeals(regions["appeals"], cut_in == "appeals")
    tables: dict[str, Cells | None] = {"proactive": proactive, "requests": requests, "appeals": appeals}
    for key, unplaced in (("proactive", pro_unplaced), ("requests", req_unplaced), ("appeals", app_unplaced)):
        if tables[key] is None and not unplaced:
            flags.append(
                Flag(
                    rule="table.missing",
                    message=f"报告中没有{TABLE_TITLES[key]}的数据，其数字未知（不是0）",
                    cells=[key],
                )
            )
        elif unplaced:
            if tables[key] is not None and len(unplaced) >= len(tables[key]):
                tables[key] = None
            cells = [key] if tables[key] is None else [f"{key}.{r}" for r in unplaced]
            flags.append(
                Flag(
                    rule="table.unplaced",
                    message=f"{TABLE_TITLES[key]}中有数字无法可靠地对应到行列，相关单元格记为未知",
                    cells=cells,
                )
            )
    if template is None:
        template = _template_from_proactive(regions["proactive"], fallback)
    return TableResult(tables, template, flags)


def _template_from_proactive(lines: list[str], fallback: str) -> str:
    return detect_proactive_template("\n".join(lines), fallback)
