"""Issue 9: a report whose body or year is unknown, ingested beside the samples, changes no answer about them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eval.runner import run_eval

ROOT = Path(__file__).resolve().parents[2]

# Invented reports that name neither their body nor (the second) their year: only “我镇” and an undated overview.
NO_BODY = (
    "根据《中华人民共和国政府信息公开条例》要求，现将我镇2021年度政府信息公开工作情况报告如下。\n"
    "一、总体情况\n全年主动公开政府信息999条，其中通过微信公众号发布888条。未收到政府信息公开申请。\n"
    "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
)
NO_YEAR = (
    "云川县青禾镇政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息777条。共受理政府信息公开申请5件。\n"
    "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
)


@pytest.mark.slow
def test_unidentified_reports_leave_every_sample_answer_unchanged(tmp_path, corpus_dir, corpus_index_config):
    from answering.assistant import Assistant
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    mixed = tmp_path / "corpus"
    shutil.copytree(corpus_dir, mixed)
    (mixed / "no_body.txt").write_text(NO_BODY, encoding="utf-8")
    (mixed / "no_year.txt").write_text(NO_YEAR, encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")
    assert not ingest_paths([mixed], config).failures
    with_them = Assistant.open(config)
    assert {r.source for r in with_them.index.reports() if not r.identified} == {"no_body.txt", "no_year.txt"}

    gold = ROOT / "eval" / "gold.jsonl"
    result = run_eval(gold, with_them, corpus_dirs=[corpus_dir])
    assert result.passed, [f"{r.item.id} {r.why}" for r in result.results if not r.correct]
    alone = run_eval(gold, Assistant.open(corpus_index_config), corpus_dirs=[corpus_dir])
    def shown(r):  # what a user sees: the answer and its citations (timings differ run to run)
        return {k: v for k, v in r.answer_json.items() if k not in ("elapsed_ms", "latency_ms")}

    changed = [a.item.id for a, b in zip(alone.results, result.results, strict=True) if shown(a) != shown(b)]
    assert changed == []
