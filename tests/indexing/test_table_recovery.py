"""Table cells the text states only by their place: blank cells as tab-only lines, a pipe row's width, a row cut off by
the end of the file. Every table here is invented (numbers made distinct so a cell in the wrong place fails); each
class has members that must be read and a twin whose placement is ambiguous, which must stay unknown.
"""

from __future__ import annotations

import pytest

from indexing.models import Document
from indexing.parser import parse_document
from indexing.schema import APPEAL_BLOCKS, APPEAL_COLUMNS, request_columns, request_rows
from indexing.sections import reflow, split_sections
from indexing.tables import parse_tables
from tests.indexing.test_parser_variants import (
    PRINTED,
    consistent_requests,
    numbered_appeals,
    numbered_proactive,
    proactive_rows_text,
)

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织",
                    "法律服务机构", "其他"]  # fmt: skip


def _labels(row: str, template: str) -> list[str]:
    return ["（六）其他处理"] if template == "2019" and row == "other_handling" else PRINTED[row]


def _blank(grid: dict, *cells: tuple[str, str]) -> dict:
    for row, col in cells:
        grid[row][col] = None
    return grid


# ---------------------------------------------------------------- blank cells as tab-only lines
def tab_cell_lines(grid: dict, template: str, drop: tuple[str, str] | None = None) -> list[str]:
    """Table 3 as a .docx copied as text: one tab-indented cell per line, a blank cell a line holding only the tab,
    a blank line after each row. `drop`: that blank cell's line lost as well (the ambiguous twin)."""
    lines = ["\t" + NOTE, *("\t" + h for h in APPLICANT_HEADER), ""]
    for row in request_rows(template):
        lines += ["\t" + label for label in _labels(row, template)]
        for col in request_columns(template):
            value = grid[row][col]
            if value is None and drop == (row, col):
                continue
            lines.append("\t" + ("" if value is None else str(value)))
        lines.append("")
    return lines


def _requests(lines: list[str], year: int = 2023):
    return parse_tables(reflow(lines), year)


@pytest.mark.parametrize(
    "template,blanks",
    [
        ("2021", [("granted", "natural_person")]),
        ("2021", [("partial", "social"), ("handled_total", "total"), ("carried_forward", "commercial")]),
        ("2019", [("other_handling", "research"), ("new_received", "legal_service")]),
        ("wide", [("denied_total", "org_subtotal"), ("rejected_duplicate", "other_org")]),
    ],
)
def test_tab_only_lines_are_blank_cells_in_their_place(template, blanks):
    grid = _blank(consistent_requests(template), *blanks)
    result = _requests(tab_cell_lines(grid, template), 2020 if template == "2019" else 2023)
    assert result.tables["requests"] == grid
    assert not [f for f in result.flags if f.rule == "table.unplaced"]


def test_tab_only_line_in_table4_holds_its_column():
    grid = numbered_appeals()
    grid["litigation_direct"]["other"] = None
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    lines = ["\t行政复议", "\t行政诉讼", *("\t" + h for h in results * 3)]
    values = [grid[b][c] for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS]
    lines += ["\t" + ("" if v is None else str(v)) for v in values]
    result = parse_tables(reflow(["四、政府信息公开行政复议、行政诉讼情况", *lines]), 2023)
    assert result.tables["appeals"] == grid


def test_a_row_that_lost_its_blank_cell_line_stays_unknown():
    """Six numbers for seven columns and nothing saying which is blank: the row is unknown, its neighbours intact."""
    grid = _blank(consistent_requests("2021"), ("partial", "research"))
    result = _requests(tab_cell_lines(grid, "2021", drop=("partial", "research")))
    table = result.tables["requests"]
    assert table["partial"] == dict.fromkeys(request_columns("2021"))
    assert table["granted"] == grid["granted"] and table["denied_state_secret"] == grid["denied_state_secret"]
    assert ("table.unplaced", ["requests.partial"]) in [(f.rule, f.cells) for f in result.flags]


def test_reflow_keeps_tab_only_lines_and_section_text_does_not_show_them():
    assert reflow(["\t1", "\t", "\t2", "   ", ""]) == ["\t1", "\t", "\t2", ""]
    lines = ["一、总体情况", "正文。", "三、收到和处理政府信息公开申请情况", "\t1", "\t", "\t2",
             "五、存在的主要问题及改进情况", "无。"]
    without = [line for line in lines if line != "\t"]
    kept, _, _ = split_sections(reflow(lines), 0, len(lines))
    dropped, _, _ = split_sections(reflow(without), 0, len(without))
    assert kept["requests"] == dropped["requests"] and "\n\n" not in kept["requests"]


# ---------------------------------------------------------------- pipe rows whose data start differs by row
def pipe_requests(grid: dict, template: str, *, trailing: bool = False, extra: dict | None = None) -> list[str]:
    """Table 3 as a web page's pipe rows. Label columns as pages print them: a row label spanning them shows once, a
    label cell covered by a rowspan above is an empty cell, so data starts in column 1, 2 or 3 depending on the row.
    `trailing`: the page's table has an empty column of its own at the end. `extra`: row → empty cells appended."""
    extra = extra or {}
    cols = request_columns(template)
    lines = [_pipe([NOTE, "申请人情况"]), _pipe(["", "自然人", "法人或其他组织", "总计"])]
    for row in request_rows(template):
        labels = _labels(row, template)
        if row in ("new_received", "carried_over", "carried_forward", "granted"):
            lead = []
        elif len(labels) == 2 or row in ("partial", "handled_total", "other_handling"):
            lead = [""]
        else:
            lead = ["", ""]
        values = ["" if grid[row][c] is None else str(grid[row][c]) for c in cols]
        tail = [""] * (int(trailing) + extra.get(row, 0))
        lines.append(_pipe([*lead, *labels, *values, *tail]))
    return lines


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pipe_requests(lines: list[str], template: str = "2021"):
    return parse_tables(lines, 2020 if template == "2019" else 2023)


@pytest.mark.parametrize(
    "template,trailing,blanks",
    [
        ("2021", False, [("denied_safety_stability", "total")]),  # label in column 2: data can only start at 3
        ("2021", True, [("granted", "total"), ("rejected_confirm", "other_org"), ("rejected_confirm", "total")]),
        ("2019", False, [("handled_total", "total"), ("unable_unclear", "total")]),
        ("wide", True, [("denied_total", "total"), ("partial", "org_subtotal"), ("partial", "total")]),
    ],
)
def test_the_label_column_pins_where_a_pipe_rows_data_start(template, trailing, blanks):
    """The row's last cells are blank, so its numbers fit under two data starts; the label sits right before one."""
    grid = _blank(consistent_requests(template), *blanks)
    result = _pipe_requests(pipe_requests(grid, template, trailing=trailing), template)
    assert result.tables["requests"] == grid
    assert not [f for f in result.flags if f.rule == "table.unplaced"]


@pytest.mark.parametrize(
    "template,trailing,blanks",
    [
        ("2021", True, [("new_received", "natural_person")]),  # one cell short: a trailing column of the table's own
        ("2021", False, [("carried_forward", "natural_person"), ("carried_forward", "commercial")]),
        ("wide", True, [("carried_over", "natural_person")]),
    ],
)
def test_the_rows_width_pins_where_its_data_start(template, trailing, blanks):
    """Blank first data cells after a label in column 0: data may start at 1 or 2; only rows starting at 1 have this
    many cells in this table."""
    grid = _blank(consistent_requests(template), *blanks)
    result = _pipe_requests(pipe_requests(grid, template, trailing=trailing), template)
    assert result.tables["requests"] == grid


def test_rows_of_one_start_differing_in_width_leave_a_blank_row_unknown():
    """Some full rows end with an extra empty pipe, some do not: a row's width proves nothing, so the row whose first
    data cell is blank is not placed (its numbers could be natural_person..other_org or commercial..total)."""
    grid = _blank(consistent_requests("2021"), ("new_received", "natural_person"))
    lines = pipe_requests(grid, "2021", extra={"carried_over": 1, "new_received": 1})
    table = _pipe_requests(lines).tables["requests"]
    assert table["new_received"] == dict.fromkeys(request_columns("2021"))
    assert table["carried_over"] == grid["carried_over"] and table["granted"] == grid["granted"]


def test_a_row_whose_width_matches_no_full_row_stays_unknown():
    grid = _blank(consistent_requests("2021"), ("carried_forward", "natural_person"))
    table = _pipe_requests(pipe_requests(grid, "2021", extra={"carried_forward": 2})).tables["requests"]
    assert table["carried_forward"] == dict.fromkeys(request_columns("2021"))


# ---------------------------------------------------------------- a row cut off by the end of the file
def cut_stream(grid: dict, template: str, cut_row: str, cells: list[str], cell) -> list[str]:
    """Table 3 as a cell stream (`cell` writes one cell as lines) whose file ends inside `cut_row`, after `cells`."""
    lines = [*cell(NOTE), *(x for h in APPLICANT_HEADER for x in cell(h))]
    for row in request_rows(template):
        lines += [x for label in _labels(row, template) for x in cell(label)]
        if row == cut_row:
            return lines + [x for c in cells for x in cell(c)]
        values = ["/" if grid[row][c] is None else str(grid[row][c]) for c in request_columns(template)]
        lines += [x for v in values for x in cell(v)]
    raise AssertionError(cut_row)


STREAMS = {
    "blank-lines": lambda text: [text, ""],  # a web page: one cell per line, blank lines between
    "tab-indented": lambda text: ["\t" + ("" if text == "\t" else text)],  # a .docx copied as text
    "pipe-cells": lambda text: ["|" if text == "\t" else f"{text} |"],  # “0 |”; a blank cell a lone pipe
}


def _cut_requests(lines: list[str], template: str = "2021"):
    return parse_tables(lines, 2020 if template == "2019" else 2023, cut=True)


@pytest.mark.parametrize(
    "stream,template,cut_row,cells,expected",
    [
        ("blank-lines", "2021", "denied_state_secret", ["5", "/", "2", "7"], [5, None, 2, 7]),
        ("tab-indented", "2019", "unable_unclear", ["3", "\t", "4"], [3, None, 4]),
        ("pipe-cells", "wide", "rejected_total", ["6", "\t", "\t", "1", "—"], [6, None, None, 1, None]),
        ("blank-lines", "2021", "carried_forward", ["8", "9", "—"], [8, 9, None]),
    ],
)
def test_a_cut_row_keeps_its_cells_with_blanks_holding_their_columns(stream, template, cut_row, cells, expected):
    grid = consistent_requests(template)
    result = _cut_requests(cut_stream(grid, template, cut_row, cells, STREAMS[stream]), template)
    columns = request_columns(template)
    assert result.tables["requests"][cut_row] == dict.fromkeys(columns) | dict(zip(columns, expected, strict=False))
    rows = request_rows(template)
    before = rows[: rows.index(cut_row)]
    assert {r: result.tables["requests"][r] for r in before} == {r: grid[r] for r in before}


def test_a_cut_row_of_table2_keeps_its_cells():
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项", "", "信息内容", "", "本年制发件数", "", "本年废止件数", "",
             "现行有效件数", "", "规章", "", "2", "", "0", "", "5", "", "行政规范性文件", "", "7", "", "/"]  # fmt: skip
    table = parse_tables(lines, 2023, cut=True).tables["proactive"]
    assert table["rules"] == {"issued": 2, "repealed": 0, "in_force": 5}
    assert table["normative_docs"] == {"issued": 7, "repealed": None, "in_force": None}


@pytest.mark.parametrize(
    "stream,cells",
    [
        ("blank-lines", ["4"]),  # the first cell of a cut row, or a merged cell stating the row total: unknown
        ("pipe-cells", ["0"]),
        ("tab-indented", ["0", "\t"]),
        ("blank-lines", ["/", "3", "5"]),  # a leading “/”: a blank first column or a label column's mark
    ],
)
def test_a_cut_row_whose_placement_is_unsure_stays_unknown(stream, cells):
    grid = consistent_requests("2021")
    table = _cut_requests(cut_stream(grid, "2021", "rejected_duplicate", cells, STREAMS[stream])).tables["requests"]
    assert table["rejected_duplicate"] == dict.fromkeys(request_columns("2021"))
    assert table["rejected_petition"] == grid["rejected_petition"]


# ---------------------------------------------------------------- several tables on one line
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def appeals_tokens(grid: dict) -> list[str]:
    return ["行政复议", "行政诉讼", *RESULTS * 3, *(str(grid[b][c]) for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS)]


def stream_tokens(grid: dict, template: str, *, title: bool = True, appeals: dict | None = None) -> str:
    """Tables 2 and 3 (and 4 when given) of a page that lost its line breaks: every cell one space-separated token,
    table 3's heading (if any) and table 4's without numbering, so nothing split them onto lines of their own."""
    tokens = proactive_rows_text(numbered_proactive(template), template, sep=" ".join)
    tokens += ["收到和处理政府信息公开申请情况"] if title else []
    tokens += [NOTE, *APPLICANT_HEADER]
    for row in request_rows(template):
        tokens += [*_labels(row, template), *(str(grid[row][c]) for c in request_columns(template))]
    if appeals is not None:
        tokens += ["因政府信息公开工作被申请行政复议、提起行政诉讼情况", *appeals_tokens(appeals)]
    return " ".join(tokens)


@pytest.mark.parametrize(
    "template,title,with_appeals",
    [("2021", True, False), ("2019", True, True), ("2021", False, True), ("2019", False, False)],
)
def test_tables_run_together_on_one_line_are_cut_apart(template, title, with_appeals):
    requests, appeals = consistent_requests(template), numbered_appeals()
    lines = ["二、主动公开政府信息情况", stream_tokens(requests, template, title=title, appeals=appeals if with_appeals
                                                   else None)]  # fmt: skip
    headings = {}
    if not with_appeals:  # table 4 under a numbered heading of its own
        lines += ["四、政府信息公开行政复议、行政诉讼情况", " ".join(appeals_tokens(appeals))]
        headings = {"appeals": 2}
    result = parse_tables(lines, 2020 if template == "2019" else 2023, headings)
    assert result.tables == {"proactive": numbered_proactive(template), "requests": requests, "appeals": appeals}
    assert not [f for f in result.flags if f.rule.startswith("table.")]


def test_a_one_line_report_reads_all_three_tables():
    """The whole page on one line (sentences and numbered headings split out by `reflow`, table 3's heading not)."""
    requests, appeals = consistent_requests("2021"), numbered_appeals()
    body = [
        "示例县青木镇2023年政府信息公开工作年度报告",
        "一、总体情况 本年度，我镇持续推进政务公开。",
        "二、主动公开政府信息情况 " + stream_tokens(requests, "2021"),
        "四、政府信息公开行政复议、行政诉讼情况 " + " ".join(appeals_tokens(appeals)),
        "五、存在的主要问题及改进情况 信息更新不够及时。",
        "六、其他需要报告的事项 无。",
    ]
    report = parse_document(Document(source="one-line.txt", text="    ".join(body), content_hash="x", format="txt"))
    assert report.tables == {"proactive": numbered_proactive("2021"), "requests": requests, "appeals": appeals}


def test_a_short_table2_before_table3_on_one_line_is_not_cut_out_and_stays_unknown():
    """Table 2 reduced to one block (fewer tokens than a whole-table stream): cut off, it would be read as a PDF row,
    whose cells are not certain; it stays unknown and table 3 is read as before."""
    requests = consistent_requests("2021")
    table3 = stream_tokens(requests, "2021").split(" 收到和处理政府信息公开申请情况 ")[1]
    line = "第二十条第(五)项 信息内容 本年处理决定数量 行政许可 6 收到和处理政府信息公开申请情况 " + table3
    result = parse_tables(["二、主动公开政府信息情况", line], 2023)
    assert result.tables["requests"] == requests
    proactive = result.tables["proactive"]
    assert proactive is None or all(v is None for row in proactive.values() for v in row.values())
