"""Issue 6's gate inside `make test`: the assistant on the shipped corpus meets eval/thresholds.json on the gold set."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.runner import load_thresholds, run_eval

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_shipped_gold_meets_the_project_thresholds(corpus_index_config, corpus_dir):
    from answering.assistant import Assistant

    thresholds = load_thresholds()
    assert thresholds.get("accuracy") == 1.0  # the issue starts the gate at 100%; lowering it is a decision, not a fix

    result = run_eval(ROOT / "eval" / "gold.jsonl", Assistant.open(corpus_index_config), corpus_dirs=[corpus_dir])
    failed = [f"{r.item.id} {r.item.question} → {r.why}" for r in result.results if not r.correct]
    assert result.passed, "\n".join([*result.below_thresholds(), *failed])
