"""The parse benchmark's scoring, on a hand-built corpus and a stand-in parser (independent of the real parser)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from eval.parse_bench import run_parse_bench, score_corpus
from indexing.models import ReadError
from nianbao.cli import main

IDENTITY = {
    "agency": "云川县青禾镇人民政府", "short_name": "青禾镇", "region": ["云川县"], "year": 2022, "level": "乡镇",
}  # fmt: skip
CELLS = {"requests.new_received.total": 3, "requests.granted.total": 2, "proactive.fees.amount_wan": 12.5}
FACTS = {"proactive_total": 365, "no_requests": True, "item:工作动态": 30}


def truth(file: str, **changes) -> dict:
    base = {"file": file, "format": "txt", "is_report": True, "shape": {"format": "txt", "table_shape": "pipe_rows"},
            "identity": dict(IDENTITY), "cells": dict(CELLS), "unknown_cells": ["requests.granted.commercial"],
            "facts": dict(FACTS)}  # fmt: skip
    base.update(changes)
    return base


def report(*, identity=None, cells=None, facts=None) -> SimpleNamespace:
    """What a parser returns, reduced to what the bench reads."""
    tables: dict = {}
    for key, value in (CELLS if cells is None else cells).items():
        table, row, col = key.split(".")
        tables.setdefault(table, {}).setdefault(row, {})[col] = value
    tables["appeals"] = None  # a table the parser found absent
    facts = FACTS if facts is None else facts
    return SimpleNamespace(**(identity or IDENTITY), tables=tables,
                           facts={k: SimpleNamespace(value=v) for k, v in facts.items()})  # fmt: skip


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three reports (perfect / one wrong cell / inventions) and a non-report, with the parser's answers."""
    truths = [
        truth("perfect.txt"),
        truth("wrong_cell.txt"),
        truth("invented.txt"),
        {"file": "notice.txt", "format": "txt", "is_report": False, "kind": "notice", "shape": {"format": "txt"},
         "identity": None, "cells": {}, "unknown_cells": [], "facts": {}},  # fmt: skip
    ]
    for t in truths:
        (tmp_path / t["file"]).write_text("（内容由测试中的替身解析器给出）", encoding="utf-8")
    (tmp_path / "truth.jsonl").write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in truths) + "\n")
    return tmp_path


ANSWERS = {
    "perfect.txt": report(),
    "wrong_cell.txt": report(cells={**CELLS, "requests.granted.total": 5}),
    # 政务动态 in traditional characters is the same noun; the unknown cell and the extra fact are inventions.
    "invented.txt": report(
        cells={**CELLS, "requests.granted.commercial": 0},
        facts={"proactive_total": 365, "no_requests": True, "item:工作動態": 30, "no_fees": True},
    ),
}


def stand_in(path: Path, manifest_row):
    if path.name == "notice.txt":
        raise ReadError(path.name, "不是政府信息公开工作年度报告")
    return ANSWERS[path.name]


def test_scores_count_right_wrong_and_invented(corpus: Path):
    result = score_corpus(corpus, stand_in)
    assert result["reports"] == 3
    assert result["accepted"] == 1.0
    assert result["identity_correct"] == 1.0
    assert result["cells_correct"] == round(8 / 9, 4)  # one wrong cell of nine stated
    assert result["facts_correct"] == 1.0  # the item noun matched across character sets
    assert result["invented"] == 2  # the unknown cell given a value, the fact no sentence states
    assert result["refused_non_reports"] == 1.0
    assert result["counts"]["cells_correct"] == 8 and result["counts"]["facts"] == 9

    failures = {f["file"]: f for f in result["failures"]}
    assert set(failures) == {"wrong_cell.txt", "invented.txt"}
    assert failures["wrong_cell.txt"]["cells"]["wrong"] == {"requests.granted.total": {"expected": 2, "got": 5}}
    assert failures["invented.txt"]["cells"]["invented"] == {"requests.granted.commercial": 0}
    assert failures["invented.txt"]["facts"]["invented"] == {"no_fees": True}
    assert result["failure_classes"] == {
        "cells.wrong: requests": 1, "cells.invented: requests": 1, "facts.invented: no_fees": 1,
    }  # fmt: skip
    assert result["by_shape"]["table_shape"]["pipe_rows"]["n"] == 3


def test_refusals_guesses_and_booleans(corpus: Path):
    withheld = {**IDENTITY, "agency": None, "short_name": None, "region": None, "level": None}
    lines = [truth("perfect.txt", identity=withheld), truth("wrong_cell.txt"), truth("invented.txt")]
    (corpus / "truth.jsonl").write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in lines) + "\n")
    guess = {**IDENTITY, "agency": "青禾镇人民政府"}  # the text did not name the body: any name is a guess
    answers = {
        "perfect.txt": report(identity=guess),
        "wrong_cell.txt": report(facts={**FACTS, "no_requests": 1}),  # 1 is not True
    }

    def parse(path: Path, manifest_row):
        if path.name not in answers:
            raise ReadError(path.name, "不是政府信息公开工作年度报告")
        return answers[path.name]

    result = score_corpus(corpus, parse)
    assert result["accepted"] == round(2 / 3, 4)
    assert result["identity_correct"] == 0.5
    assert result["facts_correct"] == round(5 / 9, 4)  # refused file's 3 facts missed, one wrong
    assert result["failure_classes"]["refused: 不是政府信息公开工作年度报告"] == 1
    assert result["failure_classes"]["identity.agency"] == 1

    answers["perfect.txt"] = report(identity={**withheld, "agency": "", "short_name": "", "region": [], "level": ""})
    assert score_corpus(corpus, parse)["identity_correct"] == 1.0


def test_a_crash_is_reported_not_raised(corpus: Path):
    def parse(path: Path, manifest_row):
        raise ZeroDivisionError("boom")

    result = score_corpus(corpus, parse)
    assert result["accepted"] == 0.0 and result["counts"]["crashed"] == 4
    assert result["failures"][0]["got"].startswith("crashed: ZeroDivisionError")


def test_the_real_parser_runs_on_a_small_generated_corpus():
    result = run_parse_bench(n=6, seed=3)
    assert result["counts"]["files"] == 6
    assert {"reports", "accepted", "identity_correct", "cells_correct", "facts_correct", "invented",
            "reports_per_s", "refused_non_reports", "by_shape", "failures"} <= set(result)  # fmt: skip


def test_bench_parse_cli_prints_json(capsys):
    assert main(["bench", "parse", "--n", "4", "--seed", "1", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["counts"]["files"] == 4
