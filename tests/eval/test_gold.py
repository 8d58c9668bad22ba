"""The gold set itself: valid lines, real evidence, and the coverage issue 6 asks for."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.runner import GOLD_TYPES, gold_problems, load_gold

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold.jsonl"
CORPUS = ROOT / "corpus"
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
LINES = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"
TRADITIONAL = re.compile(r"[鎮鄉開於嗎個條發數結轉辦處號眾問題請處罰費報]")


def _by_question(question: str, history: tuple[str, ...] = ()) -> dict:
    hits = [d for d in LINES if d["question"] == question and tuple(d.get("history", [])) == history]
    assert len(hits) == 1, f"expected exactly one gold line for {question!r} after {history}"
    return hits[0]


def test_at_least_150_questions_with_unique_ids_and_questions():
    assert len(LINES) >= 150
    assert len({d["id"] for d in LINES}) == len(LINES)
    asked = Counter((tuple(d.get("history", [])), d["question"]) for d in LINES)
    assert [k for k, n in asked.items() if n > 1] == []


def test_every_line_is_valid_and_loads():
    for d in LINES:
        assert gold_problems(d) == [], d["id"]
    assert len(load_gold(GOLD)) == len(LINES)


@pytest.mark.parametrize("d", LINES, ids=[d["id"] for d in LINES])
def test_answer_has_the_shape_of_its_type(d):
    t, a = d["type"], d["answer"]
    assert t in GOLD_TYPES
    if t in ("value", "count"):
        assert isinstance(a, int | float) and not isinstance(a, bool)
    if t == "count":
        assert isinstance(a, int) and a >= 0
    if t == "list":
        assert isinstance(a, list) and a and all(isinstance(x, str) and 2 <= len(x) <= 6 for x in a)
    if t == "yesno":
        assert a in ("是", "否")
    if t == "text":
        assert isinstance(a, list) and 1 <= len(a) <= 5
    if t == "unknown":
        assert a is None


@pytest.mark.parametrize("d", LINES, ids=[d["id"] for d in LINES])
def test_evidence_is_exact_text_of_its_files(d):
    for name in d["files"]:
        assert name in TEXTS, f"{d['id']}: no corpus file {name}"
    for e in d["evidence"]:
        assert any(e in TEXTS[name] for name in d["files"]), f"{d['id']}: evidence not in its files: {e!r}"
    for name in d["files"]:  # each named file is backed by at least one of the evidence strings
        assert any(e in TEXTS[name] for e in d["evidence"]), f"{d['id']}: nothing cited from {name}"
    if d["type"] == "text":  # key phrases are copied from the report sentence that answers
        for phrase in d["answer"]:
            assert any(phrase in TEXTS[name] for name in d["files"]), f"{d['id']}: phrase {phrase!r} not in the text"


def test_every_type_every_file_and_every_table_is_covered():
    types = Counter(d["type"] for d in LINES)
    assert types["value"] >= 40 and types["list"] >= 15 and types["text"] >= 20
    assert types["count"] >= 5 and types["yesno"] >= 10 and types["unknown"] >= 15
    files = Counter(name for d in LINES for name in d["files"])
    assert set(files) == set(TEXTS)
    evidence = " ".join(e for d in LINES for e in d["evidence"])
    for label in ("行政规范性文件", "行政处罚", "政府集中采购", "上年结转", "结转下年度继续办理", "不予公开",
                  "无法提供", "不予处理", "其他处理", "行政复议", "行政诉讼", "复议后起诉"):
        assert label in evidence, f"no question reads the table row {label}"


def test_follow_ups_traditional_characters_and_rankings_are_present():
    assert sum(1 for d in LINES if d.get("history")) >= 10
    assert sum(1 for d in LINES if TRADITIONAL.search(d["question"])) >= 5
    assert any(d.get("ordered") for d in LINES)
    not_in_corpus = [d for d in LINES if d["type"] == "unknown" and not d["files"]]
    assert len(not_in_corpus) >= 4  # bodies and years the corpus does not hold


def test_headline_questions_of_the_issue():
    assert set(_by_question(HEADLINE)["answer"]) == {"侯家镇", "港口乡", "白奎镇"}
    assert _by_question("侯家镇2021年通过微信公众号发布了多少条信息？")["answer"] == 235
    assert _by_question("米山镇2022年行政处罚决定多少件？")["type"] == "unknown"
    assert _by_question("那2020年呢？", (HEADLINE,))["answer"] == ["辉渠镇"]


def test_blank_and_missing_tables_are_unknown_not_zero():
    # 白奎镇's 结转下年度继续办理 row is blank; 米山镇 2022 prints no tables at all.
    assert "四、结转下年度继续办理\n\t\u00a0\n\t\u00a0\n" in TEXTS["004_7989c5e8f70cbf62.txt"]
    assert _by_question("白奎镇2021年结转下年度继续办理的申请有多少件？")["type"] == "unknown"
    mishan = [d for d in LINES if "米山镇2022年" in d["question"] and any(
        w in d["question"] for w in ("行政处罚", "行政复议", "行政诉讼", "行政许可", "规范性文件", "行政事业性收费"))]
    assert mishan and all(d["type"] == "unknown" for d in mishan)
