"""The report generator: reproducible, and its truth is what the files really say, where they say it."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from eval.synth import (
    MANIFEST_FILE,
    TITLE_PATTERNS,
    TRUTH_FILE,
    generate,
    load_truth,
    make_non_report,
    synthesise,
)
from nianbao.cli import main

SEED = 7
N = 48  # enough for every format and most shapes, fast enough to stay well under a second or two
REPORT_TITLE = re.compile(  # a line that is a report's title: names the disclosure report and ends there
    r"^[#\s]*[^，。：:]{0,40}(?:政府信息公开|政务公开|信息公开)[^，。：:]{0,14}(?:报告|年报)(?:[（(][^）)]*[）)])?\s*$"
)


@pytest.fixture(scope="module")
def items():
    return [synthesise(i, SEED) for i in range(N)]


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _token(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _file_lines(item) -> list[str]:
    encoding = item.truth["shape"].get("encoding", "utf-8")
    return item.data.decode(encoding).replace("\r\n", "\n").removesuffix("\n").split("\n")


def test_generation_is_deterministic_for_a_seed(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(12, SEED, a)
    generate(12, SEED, b)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # File i does not depend on how many files are asked for; another seed gives another corpus.
    assert synthesise(3, SEED).data == (a / load_truth(a)[3]["file"]).read_bytes()
    assert synthesise(3, SEED + 1).data != synthesise(3, SEED).data


def test_every_truth_cell_is_in_the_file_on_the_line_that_claims_it(items):
    checked = 0
    for item in items:
        if item.truth["format"] not in ("txt", "md") or not item.truth["is_report"]:
            continue
        lines = item.written.lines
        file_lines = _file_lines(item)
        assert len(file_lines) == len(lines), item.name  # one written line per file line: nothing split or merged
        claimed = {}
        for written, in_file in zip(lines, file_lines, strict=True):
            fields = {f.removeprefix("+").removesuffix("万元") for f in re.split(r"[|\s]+", _plain(in_file))}
            for key, value in written.cells.items():
                assert _token(value) in fields, (item.name, key, value, in_file)
                checked += 1
            claimed.update(written.cells)
        assert claimed == item.truth["cells"], item.name
    assert checked > 1000


def test_structured_formats_state_every_truth_cell(items, tmp_path: Path):
    """.html/.docx/.pdf: each truth cell's number is in the file's table text, read back by the project's reader."""
    from indexing.readers import read_document

    for item in items:
        if item.truth["format"] not in ("html", "docx", "pdf") or not item.truth["cells"]:
            continue
        path = tmp_path / item.name
        path.write_bytes(item.data)
        rows = [_plain(line) for line in read_document(path).text.split("\n") if line.startswith("|")]
        tokens = {f.strip().removeprefix("+").removesuffix("万元") for row in rows for f in row.split("|")}
        for key, value in item.truth["cells"].items():
            assert _token(value) in tokens, (item.name, key, value)


def test_truth_facts_and_identity_come_from_what_is_written(items):
    for item in items:
        truth = item.truth
        if not truth["is_report"]:
            continue
        stated = {}
        for line in item.written.lines:
            stated.update(line.facts)
        assert stated == truth["facts"], item.name
        places = [ln.text for ln in item.written.lines] + item.written.outside + [item.name]
        if item.manifest:
            places.append(f"{item.manifest['agency']} {item.manifest['year']}年")
        identity = truth["identity"]
        if identity["agency"]:
            assert any(identity["agency"] in p for p in places), item.name
        else:  # nothing names the body: every field that depends on it is withheld too
            assert identity["short_name"] is identity["region"] is identity["level"] is None, item.name
        if identity["year"]:
            assert any(re.search(rf"{identity['year']}\s*年", p) for p in places), item.name


def test_cells_cut_off_by_truncation_are_unknown_and_no_number_is_cut():
    truncated = [s for s in (synthesise(i, 11) for i in range(80)) if s.truth["shape"].get("truncated")]
    assert truncated
    for item in truncated:
        lines, file_lines = item.written.lines, _file_lines(item)
        assert len(file_lines) == len(lines), item.name  # the cut fell between lines
        last = _plain(file_lines[-1])
        assert _plain(lines[-1].text) in last or item.truth["shape"]["traditional"], item.name
        for line in item.written.dropped:
            for key in line.cells:
                assert key in item.truth["unknown_cells"] and key not in item.truth["cells"], (item.name, key)


def test_titles_are_titles_and_non_reports_have_none():
    for wording, _ in TITLE_PATTERNS.values():
        assert REPORT_TITLE.match(wording.format(name="云川县青禾镇人民政府", y=2022)), wording
    kinds = set()
    for i in range(60):
        name, data, truth = make_non_report(i, random.Random(i))
        kinds.add(truth["kind"])
        assert truth["is_report"] is False and truth["cells"] == {} and truth["facts"] == {}
        if name.endswith((".txt", ".html")):
            for line in re.sub(r"<[^>]+>", "\n", data.decode("utf-8")).split("\n"):
                assert not REPORT_TITLE.match(line.strip()), (name, line)
    assert kinds == {"news", "notice", "gov_work_report", "guide", "random"}


def test_every_format_and_the_main_shapes_occur(items):
    shapes = [t.truth["shape"] for t in items if t.truth["is_report"]]
    assert {s["format"] for s in shapes} == {"txt", "md", "html", "docx", "pdf"}
    assert {s["template"] for s in shapes} >= {"2021", "2019", "pre2019"}
    assert {s["title"] for s in shapes} >= {"present", "absent"}
    assert any(s["traditional"] for s in shapes)


def test_synth_cli_writes_n_files_and_the_truth(tmp_path: Path, capsys):
    out = tmp_path / "corpus"
    assert main(["synth", "--n", "6", "--seed", "2", "--out", str(out)]) == 0
    truths = [json.loads(line) for line in (out / TRUTH_FILE).read_text(encoding="utf-8").splitlines()]
    files = sorted(p.name for p in out.iterdir() if p.name not in (TRUTH_FILE, MANIFEST_FILE))
    assert len(truths) == 6 and sorted(t["file"] for t in truths) == files
    assert "6" in capsys.readouterr().out
