"""`nianbao bench scale`: derived corpora keep their truth, the checker catches a wrong answer, and a small run
answers every question of its mix right."""

from __future__ import annotations

import re

import pytest

from answering.models import Answer
from eval.scale_bench import (
    YEARS,
    Check,
    bench_size,
    check,
    derive,
    parsed_bases,
    question_mix,
    requests_received,
)


@pytest.fixture(scope="module")
def bases():
    found, parsing = parsed_bases(16, seed=1)
    assert found, parsing
    return found, parsing


def test_the_checker_catches_a_wrong_answer():
    value = Check("sum", "q", value=12)
    assert check(value, Answer("q", "…12件", "value", value=12)).ok
    assert not check(value, Answer("q", "…13件", "value", value=13)).ok
    assert not check(value, Answer("q", "语料中没有找到", "unknown")).ok
    listed = Check("list", "q", items=["甲镇", "乙镇"])
    assert check(listed, Answer("q", "", "list", items=["乙镇", "甲镇"])).ok
    assert not check(listed, Answer("q", "", "list", items=["甲镇"])).ok  # one lacking
    assert not check(listed, Answer("q", "", "list", items=["甲镇", "乙镇", "丙镇"])).ok  # one extra
    ranked = Check("rank", "q", rows=[("甲镇", 5), ("乙镇", 3)])
    rows = [{"body": "甲镇", "year": 2021, "value": 5}, {"body": "乙镇", "year": 2021, "value": 3}]
    assert check(ranked, Answer("q", "", "list", rows=rows)).ok
    assert not check(ranked, Answer("q", "", "list", rows=rows[::-1])).ok  # out of order
    top = Check("top", "q", rows=[("甲镇", 5)], rows_complete=False)
    assert check(top, Answer("q", "", "list", rows=rows)).ok
    assert not check(top, Answer("q", "", "list", rows=rows[::-1])).ok


def test_derived_reports_hold_their_truth(bases):
    found, _ = bases
    reports, truths = derive(found, 60)
    assert len({(r.short_name, r.year) for r in reports}) == 60 and {r.year for r in reports} == set(YEARS)
    assert len({r.report_id for r in reports}) == 60
    for report, truth in zip(reports, truths, strict=True):
        assert (report.short_name, report.year, report.region, report.level) == (
            truth["short_name"], truth["year"], truth["region"], truth["level"])
        for key, want in truth["cells"].items():
            table, row, column = key.split(".")
            assert report.cell(table, row, column) == want, key
        for key, want in truth["facts"].items():
            fact = report.facts.get(key)
            if fact is None:  # item facts are keyed by their folded noun in the truth
                continue
            assert fact.value == want
            if isinstance(want, int) and not isinstance(want, bool):
                assert re.search(rf"(?<![\d.]){want}(?![\d.])", fact.sentence), (fact.sentence, want)


def test_a_small_run_answers_its_whole_mix_right(bases):
    found, parsing = bases
    reports, truths = derive(found, 120)
    mix = question_mix(truths)
    assert {c.kind for c in mix} >= {"single", "list", "rank", "top", "sum", "average", "change", "headline"}
    assert any(requests_received(t) == 0 for t in truths)  # the lists have something to list
    result = bench_size(found, parsing, 120, rounds=1)
    assert result["wrong"] == [] and result["correct"] == 1.0
    assert result["questions"] == len(mix)
    assert result["structured_ms"]["p50"] > 0
