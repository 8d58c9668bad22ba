"""Variants built in code from the samples: other table shapes, traditional characters, broken rules, templates.

Each variant states what the parser must recover; numbers are made distinct so a cell in the wrong place fails.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from opencc import OpenCC

from indexing.models import Document, ReadError
from indexing.normalize import fold
from indexing.parser import parse_document
from indexing.schema import (
    APPEAL_BLOCKS,
    APPEAL_COLUMNS,
    APPLICANT_COLUMNS,
    HANDLING_ROWS,
    PROACTIVE_COLUMN_LABELS,
    SUBTOTAL_GROUPS,
    proactive_rows,
    request_columns,
    request_rows,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def sample(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def doc(text: str, source: str = "variant.txt") -> Document:
    return Document(source=source, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(), format="txt")


def parse(text: str):
    return parse_document(doc(text))


# ---------------------------------------------------------------- building tables
# Row labels as reports print them (label cells of the national format).
PRINTED = {
    "new_received": ["一、本年新收政府信息公开申请数量"],
    "carried_over": ["二、上年结转政府信息公开申请数量"],
    "granted": ["三、本年度办理结果", "（一）予以公开"],
    "partial": ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "denied_state_secret": ["（三）不予公开", "1.属于国家秘密"],
    "denied_law_forbidden": ["2.其他法律行政法规禁止公开"],
    "denied_safety_stability": ["3.危及“三安全一稳定”"],
    "denied_third_party": ["4.保护第三方合法权益"],
    "denied_internal_affairs": ["5.属于三类内部事务信息"],
    "denied_process_info": ["6.属于四类过程性信息"],
    "denied_enforcement_file": ["7.属于行政执法案卷"],
    "denied_query_matter": ["8.属于行政查询事项"],
    "denied_total": ["小计"],
    "unable_not_held": ["（四）无法提供", "1.本机关不掌握相关政府信息"],
    "unable_need_creation": ["2.没有现成信息需要另行制作"],
    "unable_unclear": ["3.补正后申请内容仍不明确"],
    "unable_total": ["小计"],
    "rejected_petition": ["（五）不予处理", "1.信访举报投诉类申请"],
    "rejected_duplicate": ["2.重复申请"],
    "rejected_publication": ["3.要求提供公开出版物"],
    "rejected_mass_repeat": ["4.无正当理由大量反复申请"],
    "rejected_confirm": ["5.要求行政机关确认或重新出具已获取信息"],
    "rejected_total": ["小计"],
    "other_overdue_correction": ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "other_unpaid_fee": ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "other_misc": ["3.其他"],
    "other_handling": ["（六）其他处理"],
    "other_total": ["小计"],
    "handled_total": ["（七）总计"],
    "carried_forward": ["四、结转下年度继续办理"],
}


def consistent_requests(template: str) -> dict:
    """A table 3 with distinct, non-zero numbers that satisfies every 勾稽 rule of its template."""
    columns = request_columns(template)
    grid: dict[str, dict] = {row: {} for row in request_rows(template)}
    for j, col in enumerate(APPLICANT_COLUMNS):
        for i, row in enumerate(HANDLING_ROWS[template]):
            grid[row][col] = (i * 7 + j * 3) % 11 + 1
        if template == "wide":
            for total_row, members in SUBTOTAL_GROUPS.items():
                grid[total_row][col] = sum(grid[m][col] for m in members)
        grid["handled_total"][col] = sum(grid[r][col] for r in HANDLING_ROWS[template])
        grid["carried_over"][col] = j + 1
        grid["carried_forward"][col] = j + 2
        balance = grid["handled_total"][col] + grid["carried_forward"][col] - grid["carried_over"][col]
        grid["new_received"][col] = balance
    for row in grid:
        if "org_subtotal" in columns:
            grid[row]["org_subtotal"] = sum(grid[row][c] for c in APPLICANT_COLUMNS[1:])
        grid[row]["total"] = sum(grid[row][c] for c in APPLICANT_COLUMNS)
        grid[row] = {c: grid[row][c] for c in columns}
    return grid


def numbered_proactive(template: str) -> dict:
    n = iter(range(1, 100))
    return {r.key: {c: next(n) for c in r.columns} for r in proactive_rows(template)}


def numbered_appeals() -> dict:
    """Distinct results per block, each block's total the sum of its four results."""
    grid = {}
    for k, block in enumerate(APPEAL_BLOCKS):
        results = {c: 4 * k + n + 1 for n, c in enumerate(APPEAL_COLUMNS[:4])}
        grid[block] = {**results, "total": sum(results.values())}
    return grid


def pipe(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def requests_rows(grid: dict, template: str, sep=pipe) -> list[str]:
    cols = request_columns(template)
    head = ["", "自然人", "法人或其他组织", "", "", "", ""]
    if template == "wide":
        head += ["", "总计"]
        sub = ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "法人或其他组织小计", ""]
    else:
        head += ["总计"]
        sub = ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    lines = [sep([note, "申请人情况"]), sep(head), sep(sub)]
    for row in request_rows(template):
        label = PRINTED[row] if not (template == "2019" and row == "other_handling") else ["（六）其他处理"]
        lines.append(sep([*label, *[_cell(grid[row][c]) for c in cols]]))
    return lines


def proactive_rows_text(grid: dict, template: str, sep=pipe) -> list[str]:
    lines, item = [], None
    for r in proactive_rows(template):
        if r.item != item:
            item = r.item
            lines.append(sep([f"第二十条第{item}项"]))
            lines.append(sep(["信息内容", *[PROACTIVE_COLUMN_LABELS[c] for c in r.columns]]))
        lines.append(sep([r.label, *[_cell(grid[r.key][c]) for c in r.columns]]))
    return lines


def appeals_rows_text(grid: dict, sep=pipe) -> list[str]:
    head = ["行政复议", "", "", "", "", "行政诉讼"]
    sub = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    values = [_cell(grid[b][c]) for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS]
    return [sep(head), sep(["", "", "", "", "", "未经复议直接起诉", "复议后起诉"]), sep(sub), sep(values)]


def _cell(v) -> str:
    return "" if v is None else str(v)


def with_tables(text: str, table_lines: dict[str, list[str]]) -> str:
    """The sample's text with its table area replaced: each table under its own heading."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"\s*(二|2)、\s*主动公开政府信息情况", line))
    end = next(i for i, line in enumerate(lines) if re.match(r"\s*(五|5)、\s*存在的主要问题", line))
    area = ["二、主动公开政府信息情况", *table_lines["proactive"], "三、收到和处理政府信息公开申请情况",
            *table_lines["requests"], "四、政府信息公开行政复议、行政诉讼情况", *table_lines["appeals"]]  # fmt: skip
    return "\n".join(lines[:start] + area + lines[end:])


# ---------------------------------------------------------------- shapes of the same tables
SEPARATORS = {
    "pipe": pipe,
    "tab": lambda cells: "\t".join(str(c) for c in cells),
    "pdf-text": lambda cells: " ".join(str(c) for c in cells if str(c)),  # PDF text layer: spaces, no blanks
    # Web pages seen in eval/shapes.md: every cell on its own line closed by a pipe (“规章 |”, “0 |”) …
    "pipe-cell-per-line": lambda cells: "\n".join(f"{c} |" for c in cells),
    # … or a lone “| ” opening each row and each cell padded on its own line (“ 规章  | ”).
    "pipe-newline-cells": lambda cells: "| \n" + "\n".join(f" {c}  | " for c in cells),
    # … or one value per line with blank lines between, empty header cells gone.
    "cell-per-line-blank": lambda cells: "\n\n".join(str(c) for c in cells if str(c)),
}


@pytest.mark.parametrize("shape", sorted(SEPARATORS))
@pytest.mark.parametrize("template,prefix", [("2021", "000"), ("2019", "001")])
def test_table_shapes_give_the_same_cells(shape, template, prefix):
    sep = SEPARATORS[shape]
    req, pro, app = consistent_requests(template), numbered_proactive(template), numbered_appeals()
    text = with_tables(
        sample(prefix),
        {
            "proactive": proactive_rows_text(pro, template, sep),
            "requests": requests_rows(req, template, sep),
            "appeals": appeals_rows_text(app, sep),
        },
    )
    r = parse(text)
    assert r.template == template
    assert r.tables == {"proactive": pro, "requests": req, "appeals": app}
    # The sample's prose says no requests came in (001: and no appeals); the made-up tables say otherwise.
    prose_flags = [f.cells[-1] for f in r.flags if f.rule == "prose_vs_table"]
    assert prose_flags == (["facts.no_requests"] + (["facts.no_appeals"] if prefix == "001" else []))
    assert [f.rule for f in r.flags] == ["prose_vs_table"] * len(prose_flags)


def test_wide_template_lands_in_the_right_cells():
    req = consistent_requests("wide")
    text = with_tables(
        sample("003"),
        {
            "proactive": proactive_rows_text(numbered_proactive("2021"), "2021"),
            "requests": requests_rows(req, "wide"),
            "appeals": appeals_rows_text(numbered_appeals()),
        },
    )
    r = parse(text)
    assert r.template == "wide"
    assert r.tables["requests"] == req
    r.flags = [f for f in r.flags if f.rule != "prose_vs_table"]  # 003's prose says no requests
    assert len(req) == len(request_rows("wide")) and all(len(cols) == 8 for cols in req.values())
    # The org subtotal is its own column, never folded into 其他 or 总计.
    assert r.cell("requests", "granted", "org_subtotal") == sum(req["granted"][c] for c in APPLICANT_COLUMNS[1:])
    assert r.cell("requests", "granted", "other_org") == req["granted"]["other_org"]
    assert r.cell("requests", "denied_total", "natural_person") == sum(
        req[m]["natural_person"] for m in SUBTOTAL_GROUPS["denied_total"]
    )
    assert [f.rule for f in r.flags] == []


def test_wide_template_broken_org_subtotal_is_flagged():
    req = consistent_requests("wide")
    req["granted"]["org_subtotal"] += 1
    text = with_tables(
        sample("003"),
        {"proactive": [], "requests": requests_rows(req, "wide"), "appeals": appeals_rows_text(numbered_appeals())},
    )
    r = parse(text)
    org = [f for f in r.flags if f.rule == "requests.org_subtotal"]
    assert len(org) == 1 and "requests.granted.org_subtotal" in org[0].cells


def test_lost_labels_are_recovered_by_position():
    """Sample 000 loses seven row labels; give every number a distinct value and check each lands in its row."""
    lines = sample("000").split("\n")
    start = next(i for i, line in enumerate(lines) if "三、收到和处理政府信息公开申请情况" in line)
    end = next(i for i, line in enumerate(lines) if "四、政府信息公开行政复议" in line)
    counter = iter(range(1, 1000))
    for i in range(start, end):
        if re.fullmatch(r"\s*\t0", lines[i]):
            lines[i] = re.sub(r"0$", str(next(counter)), lines[i])
    r = parse("\n".join(lines))
    rows, cols = request_rows("2021"), request_columns("2021")
    expected = {row: {c: n * len(cols) + k + 1 for k, c in enumerate(cols)} for n, row in enumerate(rows)}
    assert r.tables["requests"] == expected
    # The numbers are not consistent any more: the record is kept and the broken rules are flagged.
    assert r.flags and all(f.rule.startswith("requests.") or f.rule == "prose_vs_table" for f in r.flags)


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_every_sample_cell_position_with_distinct_numbers(prefix):
    """Give every “0” cell of a sample's tables its own number: each must land in its own row and column."""
    original = parse(sample(prefix))
    counter = iter(range(1, 10_000))
    lines = [
        re.sub(r"0(?=[\s\u3000]*$)", lambda _: str(next(counter)), line)
        if re.fullmatch(r"\s*\t\s*0[\s\u3000]*", line) else line
        for line in sample(prefix).split("\n")
    ]  # fmt: skip
    r = parse("\n".join(lines))
    expected_counter = iter(range(1, 10_000))
    for table in ("proactive", "requests", "appeals"):
        expected = {
            row: {col: (None if v is None else next(expected_counter)) for col, v in cols.items()}
            for row, cols in original.tables[table].items()
        }
        assert r.tables[table] == expected, table


def test_web_page_one_cell_per_line_with_blank_lines():
    """shapes §1: 2019 column names, half-width brackets, a blank line between every cell."""
    pro = numbered_proactive("2019")
    cells = []
    for line in proactive_rows_text(pro, "2019", sep=lambda c: "\n".join(str(x) for x in c)):
        cells.extend(line.split("\n"))
    web = "\n\n".join(x.replace("（", "(").replace("）", ")") for x in cells)
    text = with_tables(sample("001"), {"proactive": web.split("\n"), "requests": [], "appeals": []})
    r = parse(text)
    assert r.tables["proactive"] == pro
    assert r.tables["requests"] is None and r.tables["appeals"] is None
    assert [f.rule for f in r.flags] == ["table.missing", "table.missing"]


def test_table4_as_one_line_of_fifteen_numbers():
    """shapes §4: squashed header, then fifteen numbers in template order."""
    app = numbered_appeals()
    values = [app[b][c] for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS]
    text = with_tables(
        sample("003"),
        {"proactive": [], "requests": [], "appeals": ["行政复议行政诉讼", pipe(values)]},
    )
    r = parse(text)
    assert r.tables["appeals"] == app
    assert [f.rule for f in r.flags if f.rule.startswith("appeals")] == []
    values[9] += 1  # direct litigation total one too many
    tables = {"proactive": [], "requests": [], "appeals": ["行政复议行政诉讼", pipe(values)]}
    r = parse(with_tables(sample("003"), tables))
    (flag,) = [f for f in r.flags if f.rule.startswith("appeals")]
    assert flag.rule == "appeals.block_total"
    assert flag.numbers["appeals.litigation_direct.total"] == app["litigation_direct"]["total"] + 1


def test_merged_cells_keep_the_total_and_nothing_else():
    """shapes §2: a row with one number and empty cells states the row total only; nothing is shifted."""
    table3 = [
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||",
        "一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
        "二、上年结转政府信息公开申请数量 | 0 | ||||||||",
    ]
    table2 = [
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 规章 | 0 | 0 | 0 |",
        "| 第二十条第(五)项 | |||",
        "| 行政许可 | 12 | ||",
    ]
    r = parse(with_tables(sample("004"), {"proactive": table2, "requests": table3, "appeals": []}))
    req = r.tables["requests"]
    assert req["new_received"] == dict(zip(request_columns("2021"), [3, 1, 0, 0, 0, 0, 4], strict=True))
    assert req["carried_over"]["total"] == 0
    assert all(req["carried_over"][c] is None for c in APPLICANT_COLUMNS)
    assert all(v is None for row in request_rows("2021")[2:] for v in req[row].values())
    assert r.tables["proactive"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert r.tables["proactive"]["licensing"] == {"decisions": 12}
    assert r.tables["proactive"]["penalty"] == {"decisions": None}


def test_blank_and_dash_cells_are_unknown_not_zero():
    req = consistent_requests("2021")
    req["granted"]["research"] = None
    req["partial"]["social"] = None
    lines = requests_rows(req, "2021")
    lines = [line.replace("|  |", "| — |", 1) if "部分公开" in line else line for line in lines]
    r = parse(with_tables(sample("003"), {"proactive": [], "requests": lines, "appeals": []}))
    assert r.cell("requests", "granted", "research") is None
    assert r.cell("requests", "partial", "social") is None
    assert r.cell("requests", "granted", "natural_person") == req["granted"]["natural_person"]
    # Rules with an unknown operand are not checked: no flag invented from a blank.
    assert not [f for f in r.flags if f.rule.startswith("requests.")]


def test_a_row_short_of_numbers_is_never_shifted_left():
    table2 = [
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 规章 | 1 | 2 |",
        "| 行政规范性文件 | 4 | 5 | 6 |",
    ]
    r = parse(with_tables(sample("003"), {"proactive": table2, "requests": [], "appeals": []}))
    assert r.tables["proactive"]["rules"] == {"issued": None, "repealed": None, "in_force": None}
    assert r.tables["proactive"]["normative_docs"] == {"issued": 4, "repealed": 5, "in_force": 6}
    unplaced = [f for f in r.flags if f.rule == "table.unplaced"]
    assert unplaced and unplaced[0].cells == ["proactive.rules"]


def test_numbers_without_labels_in_the_wrong_count_are_not_guessed():
    table3 = ["申请人情况", "自然人", "总计", *["\t1"] * 100]  # 100 numbers: not 175, 161 or 224
    r = parse(with_tables(sample("003"), {"proactive": [], "requests": table3, "appeals": []}))
    assert r.tables["requests"] is None
    assert ("table.unplaced", ["requests"]) in [(f.rule, f.cells) for f in r.flags]


# ---------------------------------------------------------------- consistency flags
def test_broken_balance_is_flagged_with_cells_and_numbers():
    lines = sample("003").split("\n")
    i = next(n for n, line in enumerate(lines) if "一、本年新收政府信息公开申请数量" in line)
    assert lines[i + 1].strip() == "0"
    lines[i + 1] = "\t5"  # natural persons: 5 new requests, but nothing handled or carried forward
    r = parse("\n".join(lines))
    assert r.cell("requests", "new_received", "natural_person") == 5
    by_rule = {f.rule: f for f in r.flags}
    assert set(by_rule) == {"requests.balance", "requests.row_total"}
    balance = by_rule["requests.balance"]
    assert balance.numbers == {
        "requests.new_received.natural_person": 5,
        "requests.carried_over.natural_person": 0,
        "requests.handled_total.natural_person": 0,
        "requests.carried_forward.natural_person": 0,
    }
    assert balance.cells == list(balance.numbers)
    assert "自然人" in balance.message
    row = by_rule["requests.row_total"]
    assert row.numbers["requests.new_received.total"] == 0 and row.numbers["requests.new_received.natural_person"] == 5


def test_prose_against_table():
    # 003 says it received no requests; make its table say 2 (consistently) and the prose is flagged.
    req = consistent_requests("2021")
    r = parse(with_tables(sample("003"), {"proactive": [], "requests": requests_rows(req, "2021"), "appeals": []}))
    flags = [f for f in r.flags if f.rule == "prose_vs_table"]
    assert len(flags) == 1 and flags[0].numbers["requests.new_received.total"] == req["new_received"]["total"]


def test_prose_request_count_is_a_fact():
    """shapes §5: numbers in prose are facts with a sentence to cite."""
    text = sample("004").replace(
        "（二）依法做好依申请公开",
        "本年度我镇共受理政府信息公开申请7件,均已按期答复,其中予以公开5件,不予公开2件。\n（二）依法做好依申请公开",
    )
    r = parse(text)
    fact = r.facts["requests_received"]
    assert fact.value == 7 and fact.sentence in text and fact.section == "overview"
    flags = [f for f in r.flags if f.rule == "prose_vs_table"]
    assert flags and flags[0].numbers == {"requests.new_received.total": 0, "facts.requests_received": 7}


def test_chinese_numerals_in_prose():
    text = sample("000").replace("公开政府信息329条", "公开政府信息三百二十九条").replace("235条", "二百三十五条")
    r = parse(text)
    assert r.fact("proactive_total") == 329 and r.fact("channel_wechat") == 235


# ---------------------------------------------------------------- characters and furniture
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_traditional_characters_give_the_same_record(prefix):
    simplified = parse(sample(prefix))
    traditional_text = OpenCC("s2t").convert(sample(prefix))
    assert traditional_text != sample(prefix)
    r = parse(traditional_text)
    assert fold(r.agency) == simplified.agency
    assert (r.short_name, r.region, r.level, r.year, r.signed_date, r.template) == (
        simplified.short_name, simplified.region, simplified.level, simplified.year, simplified.signed_date,
        simplified.template,
    )  # fmt: skip
    assert r.tables == simplified.tables
    assert {k: f.value for k, f in r.facts.items()} == {k: f.value for k, f in simplified.facts.items()}
    assert [(f.rule, f.cells) for f in r.flags] == [(f.rule, f.cells) for f in simplified.flags]
    for fact in r.facts.values():
        assert fact.sentence in traditional_text  # citations quote the original characters
    assert all((r.sections[k] == "") == (simplified.sections[k] == "") for k in r.sections)


def test_reading_notes_full_width_digits_and_page_furniture():
    text = sample("004")
    text = text.replace("呼兰区白奎镇2021年", "呼兰区白奎鎮(zhèn)２０２１年", 1)
    text = "首页/政府信息公开/年度报告\n字号：大 中 小\n打印本页\n点击接收年报语音朗读\n\n" + text
    r = parse(text)
    assert (r.year, r.short_name, r.region) == (2021, "白奎镇", ["呼兰区"])
    assert "(zhèn)" in r.title  # the original is kept for display
    assert r.tables["requests"]["new_received"]["total"] == 0


# ---------------------------------------------------------------- not a report / truncated
def test_random_text_is_not_a_report():
    with pytest.raises(ReadError) as err:
        parse("今天天气很好，我们去公园散步。\n晚上吃饺子。\n" * 20)
    assert "不是政府信息公开工作年度报告" in err.value.reason and err.value.source == "variant.txt"


def test_title_without_any_section_is_not_a_report():
    with pytest.raises(ReadError):
        parse("某某镇2021年政府信息公开工作年度报告\n\n这里只有一段话。")


def test_truncated_report_is_kept_with_its_gaps_flagged():
    text = sample("000")
    text = text[: text.index("2、 主动公开政府信息情况")]
    r = parse(text)
    assert (r.short_name, r.year) == ("侯家镇", 2021)
    assert r.tables == {"proactive": None, "requests": None, "appeals": None}
    rules = [f.rule for f in r.flags]
    assert rules.count("section.missing") == 5 and rules.count("table.missing") == 3
    assert r.fact("proactive_total") == 329


# ---------------------------------------------------------------- through a real reader
def _td(text, **span) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in span.items())
    return f"<td{attrs}>{text}</td>"


def _html_requests(grid: dict) -> str:
    """Table 3 as government sites print it: merged header cells, rowspans down the label columns."""
    cols = request_columns("2021")
    rows = [
        _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
        + _td("申请人情况", colspan=7),
        _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2),
        "".join(_td(x) for x in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]),
    ]
    group_span = {"denied_state_secret": 8, "unable_not_held": 3, "rejected_petition": 5, "other_overdue_correction": 3}
    for row in request_rows("2021"):
        label = PRINTED[row]
        if row in ("new_received", "carried_over", "carried_forward"):
            cells = _td(label[0], colspan=3)
        elif row == "granted":
            cells = _td(label[0], rowspan=22) + _td(label[1], colspan=2)
        elif row in ("partial", "handled_total"):
            cells = _td(label[0], colspan=2)
        elif len(label) == 2:
            cells = _td(label[0], rowspan=group_span[row]) + _td(label[1])
        else:
            cells = _td(label[0])
        rows.append(cells + "".join(_td(_cell(grid[row][c])) for c in cols))
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def _html_appeals(grid: dict) -> str:
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10),
        "".join(_td(x, rowspan=2) for x in results) + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5),
        "".join(_td(x) for x in results * 2),
        "".join(_td(grid[b][c]) for b in APPEAL_BLOCKS for c in APPEAL_COLUMNS),
    ]
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def test_html_page_through_the_reader(tmp_path):
    from indexing.readers import read_document

    req, app = consistent_requests("2021"), numbered_appeals()
    req["partial"]["research"] = None  # a blank <td>
    req["partial"]["total"] = None
    lines = sample("004").split("\n")
    start = next(i for i, line in enumerate(lines) if "二、主动公开政府信息情况" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("5、"))
    paras = lambda ls: "".join(f"<p>{line}</p>" for line in ls if line.strip())  # noqa: E731
    body = (
        "<div>首页 &gt; 政府信息公开 &gt; 年度报告</div>" + paras(lines[:start])
        + "<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>" + _html_requests(req)
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p>" + _html_appeals(app) + paras(lines[end:])
    )  # fmt: skip
    path = tmp_path / "report.html"
    path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    r = parse_document(read_document(path))
    assert (r.short_name, r.year, r.template) == ("白奎镇", 2021, "2021")
    assert r.tables["requests"] == req
    assert r.tables["appeals"] == app
    assert r.tables["proactive"] is None
    assert [f.rule for f in r.flags] == ["table.missing"]


def test_report_without_a_body_name_is_kept_and_flagged():
    text = sample("003").replace("港口乡2021年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告", 1)
    r = parse(text.replace("港口乡", "我乡"))  # named nowhere, not even as the subject of the overview
    assert (r.agency, r.level, r.year) == ("", "", 2021)
    assert r.report_id.startswith("variant-2021-")
    assert [f.rule for f in r.flags] == ["agency.missing"]


def test_a_body_named_only_as_the_overviews_subject_is_found_and_says_where():
    r = parse(sample("003").replace("港口乡2021年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告", 1))
    assert (r.short_name, r.level, r.sources["agency"]) == ("港口乡", "乡镇", "mentions")


@pytest.mark.parametrize("shape", ["pipe", "pdf-text"])
def test_pdf_page_numbers_between_rows_are_not_cells(shape):
    req = consistent_requests("2021")
    rows = requests_rows(req, "2021", SEPARATORS[shape])
    rows[10:10] = ["- 3 -", "第3页 共5页"] + (["3"] if shape == "pipe" else [])
    r = parse(with_tables(sample("003"), {"proactive": [], "requests": rows, "appeals": []}))
    assert r.tables["requests"] == req
