"""The parser on invented reports in every catalogued real shape (eval/synth.py), scored against the generator's
truth: issue 9's bars — every report accepted, every non-report refused, nothing invented, identity ≥ 99%."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.parse_bench import score_corpus
from eval.synth import generate

SEED = 23  # not a seed the parser was tuned on (0, 7, 11)


@pytest.mark.slow
def test_generated_reports_in_every_shape(tmp_path: Path):
    generate(250, SEED, tmp_path)
    result = score_corpus(tmp_path, workers=1)
    assert result["counts"]["crashed"] == 0
    assert result["accepted"] == 1.0 and result["refused_non_reports"] == 1.0
    assert result["invented"] == 0, result["failures"]
    assert result["identity_correct"] >= 0.99, result["failures"]
    assert result["cells_correct"] >= 0.995 and result["facts_correct"] >= 0.99, result["failure_classes"]
