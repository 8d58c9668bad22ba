"""Long lists and rankings are paged in the answer text (the first MAX_SHOWN, then how many in all), while the
answer's rows and items keep every report — the app's 明细 table and its CSV download show them all."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from answering.assistant import Assistant
from answering.structured import MAX_SHOWN
from indexing.schema import REQUEST_COLUMNS, REQUEST_ROWS_2021

from .conftest import assert_cited, make_report

N = 3 * MAX_SHOWN


def requests_table(new_received: int) -> dict:
    grid = {r: dict.fromkeys(REQUEST_COLUMNS, 0) for r in REQUEST_ROWS_2021}
    grid["new_received"]["total"] = new_received
    return grid


TOWNS = [f"{a}{b}镇" for a in "东西南北青白红黄" for b in "山水林田湖草沙石"][:N]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    # most towns received none (a long list); every sixth 1, 7, 13 …
    return Assistant.from_reports([
        make_report(town, 2021, tables={"requests": requests_table(0 if i % 6 else i + 1)})
        for i, town in enumerate(TOWNS)
    ])


def named(answer) -> set[str]:
    return {t for t in TOWNS if t in answer.answer}


def test_a_long_list_is_paged_and_every_item_kept(assistant):
    answer = assistant.ask("2021年哪些乡镇没有收到政府信息公开申请？")
    zero = {t for i, t in enumerate(TOWNS) if i % 6}
    assert answer.kind == "list"
    assert set(answer.items) == zero and {r["body"] for r in answer.rows} == zero  # every item, in the rows
    assert len(named(answer) & zero) == MAX_SHOWN  # the text writes out the first MAX_SHOWN
    assert f"共{len(zero)}份报告" in answer.answer
    # every figure written out is cited; the count of the list is the answer's own (its rows)
    assert_cited(replace(answer, answer=answer.answer.replace(f"共{len(zero)}份报告", "")))


def test_a_long_ranking_is_paged_and_every_row_kept_in_order(assistant):
    answer = assistant.ask("2021年各乡镇政府信息公开申请数量从多到少排名")
    values = [r["value"] for r in answer.rows]
    assert len(answer.rows) == N and values == sorted(values, reverse=True)
    assert f"共{N}份报告" in answer.answer
    shown = re.findall(r"[东西南北青白红黄][山水林田湖草沙石]镇", answer.answer)
    assert shown == [r["body"] for r in answer.rows[:MAX_SHOWN]]  # the top of the ranking, in order
    assert len(answer.citations) <= 2 * MAX_SHOWN  # only what is written out is cited


def test_a_sum_names_its_first_parts_and_counts_them_all(assistant):
    answer = assistant.ask("2021年各乡镇政府信息公开申请一共多少件？")
    assert answer.value == sum(i + 1 for i in range(N) if i % 6 == 0)
    assert len(answer.rows) == N and f"共{N}份报告" in answer.answer
    assert len(answer.answer) < 2000  # before: every part written out


def test_a_short_list_is_written_out_whole(assistant):
    answer = assistant.ask(f"2021年{TOWNS[0]}和{TOWNS[2]}的政府信息公开申请一共多少件？")
    assert "完整列表见明细表" not in answer.answer and TOWNS[0] in answer.answer and TOWNS[2] in answer.answer
