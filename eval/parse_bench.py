"""`nianbao bench parse`: the parser against generated reports whose truth is known (issue 9).

Every file of a corpus written by `eval.synth` (DIR/truth.jsonl beside the files; one is generated into a temp dir
when none is given) goes through `read_document` + `parse_document`, with its manifest row when DIR/manifest.csv has
one, exactly as `nianbao ingest DIR --manifest DIR/manifest.csv` reads it. A `ReadError` is a refusal; any other
exception is a crash (counted as not accepted and reported). Then each report is compared with its truth:

- accepted: reports (is_report true) the parser accepted / reports. Non-reports are counted apart
  (`refused_non_reports`); a non-report accepted is a failure.
- identity_correct: accepted reports whose agency, short_name, region, year and level all equal the truth / accepted
  reports. Names compare folded (simplified, half-width, no reading notes or spaces). A null in the truth means the
  file does not reveal that field: the parser must give nothing (""/None/[]), not a guess.
- cells_correct: truth cells the parser read exactly (`report.tables[table][row][col]`) / all truth cells.
- facts_correct: truth facts the parser gave with the same value (`report.facts[key].value`; booleans are never
  numbers) / all truth facts. "item:<noun>" facts compare by folded noun.
- invented: parser cells with a value where the truth has none (a cell printed blank/“/”/“—”, cut off, or absent)
  plus parser facts the truth lacks or states otherwise. A wrong value in a stated cell is wrong, not invented.
- reports_per_s: files read and parsed per second (generation excluded).

`failures` lists up to 20 failing files, one per failure class first (then in file order), each with what was
expected and what was got; `failure_classes` counts the files in each class, most frequent first.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eval.synth import TRUTH_FILE, generate, load_manifest, load_truth
from indexing.schema import ITEM_PREFIX

MAX_FAILURES = 20
MAX_LISTED = 8  # differences of one kind shown per failing file
TOLERANCE = 1e-6
IDENTITY_FIELDS = ("agency", "short_name", "region", "year", "level")
SHAPE_DIMENSIONS = (
    "format", "table_shape", "title", "chrome", "traditional", "encoding", "truncated", "template", "tables",
    "figures", "region_shape", "level", "identity_source",
)  # fmt: skip

ParseFn = Callable[[Path, dict[str, str] | None], Any]  # (file, manifest row) → Report; raises ReadError to refuse


# ---------------------------------------------------------------- matching forms
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_READING_NOTE = re.compile(rf"[(（]\s*[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\s*[)）]")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """The matching form of a name: simplified, half-width, without reading notes, markup or whitespace."""
    text = unicodedata.normalize("NFKC", _READING_NOTE.sub("", text or ""))
    return re.sub(r"\s+", "", _t2s().convert(text))


def same_value(expected: Any, got: Any) -> bool:
    """Numbers equal within TOLERANCE; a boolean equals only the same boolean (True is not 1)."""
    if got is None:
        return False
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    return isinstance(got, int | float) and abs(float(expected) - float(got)) <= TOLERANCE


def same_identity(name: str, expected: Any, got: Any) -> bool:
    if expected is None or expected == []:
        return not got  # withheld: the parser must not guess
    if name == "year":
        return got == expected
    if name == "region":
        return [fold_name(x) for x in (got or [])] == [fold_name(x) for x in expected]
    return fold_name(str(got or "")) == fold_name(str(expected))


# ---------------------------------------------------------------- what the parser gave
def parsed_identity(report: Any) -> dict[str, Any]:
    return {name: getattr(report, name, None) for name in IDENTITY_FIELDS}


def parsed_cells(report: Any) -> dict[str, Any]:
    """Every cell the parser filled: "table.row.column" → value (None cells are unknown, left out)."""
    out = {}
    for table, grid in (getattr(report, "tables", None) or {}).items():
        for row, columns in (grid or {}).items():
            for column, value in (columns or {}).items():
                if value is not None:
                    out[f"{table}.{row}.{column}"] = value
    return out


def fact_key(key: str) -> str:
    return ITEM_PREFIX + fold_name(key[len(ITEM_PREFIX) :]) if key.startswith(ITEM_PREFIX) else key


def parsed_facts(report: Any) -> dict[str, Any]:
    out = {}
    for key, fact in (getattr(report, "facts", None) or {}).items():
        value = getattr(fact, "value", fact)
        if value is not None:
            out[fact_key(key)] = value
    return out


# ---------------------------------------------------------------- one file
@dataclass
class Verdict:
    """One file compared with its truth."""

    truth: dict[str, Any]
    accepted: bool
    refusal: str = ""
    crashed: bool = False
    seconds: float = 0.0
    identity: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (expected, got), differing only
    cells_right: int = 0
    cells_wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    cells_missing: dict[str, Any] = field(default_factory=dict)
    cells_invented: dict[str, Any] = field(default_factory=dict)
    facts_right: int = 0
    facts_wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    facts_missing: dict[str, Any] = field(default_factory=dict)
    facts_invented: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.truth["file"]

    @property
    def is_report(self) -> bool:
        return bool(self.truth["is_report"])

    @property
    def identity_ok(self) -> bool:
        return self.accepted and not self.identity

    @property
    def invented(self) -> int:
        return len(self.cells_invented) + len(self.facts_invented) + len(self.facts_wrong)

    @property
    def ok(self) -> bool:
        if not self.is_report:
            return not self.accepted and not self.crashed
        differences = (self.identity, self.cells_wrong, self.cells_missing, self.cells_invented, self.facts_wrong,
                       self.facts_missing, self.facts_invented)  # fmt: skip
        return self.accepted and not any(differences)

    def classes(self) -> list[str]:
        """The failure classes this file falls in (one entry per class)."""
        if self.crashed:
            return [f"crashed: {self.refusal.split(':')[0]}"]
        if not self.is_report:
            return [] if not self.accepted else [f"non_report_accepted: {self.truth.get('kind')}"]
        if not self.accepted:
            return [f"refused: {self.refusal[:60]}"]
        found = [f"identity.{name}" for name in self.identity]
        for kind, cells in (("wrong", self.cells_wrong), ("missing", self.cells_missing),
                            ("invented", self.cells_invented)):  # fmt: skip
            found += sorted({f"cells.{kind}: {key.split('.')[0]}" for key in cells})
        for kind, facts in (("wrong", self.facts_wrong), ("missing", self.facts_missing),
                            ("invented", self.facts_invented)):  # fmt: skip
            found += sorted({f"facts.{kind}: {_fact_class(key)}" for key in facts})
        return found

    def failure(self) -> dict[str, Any]:
        """What went wrong with this file, for the parser engineer."""
        shape = self.truth.get("shape", {})
        out: dict[str, Any] = {"file": self.file, "shape": {k: v for k, v in shape.items() if v not in ("", [], None)}}
        if not self.is_report:
            out["expected"] = f"refused (not a report: {self.truth.get('kind')})"
            out["got"] = "crashed: " + self.refusal if self.crashed else "accepted as a report"
            return out
        if not self.accepted:
            out["expected"] = "accepted"
            out["got"] = ("crashed: " if self.crashed else "refused: ") + self.refusal
            return out
        if self.identity:
            out["identity"] = {k: {"expected": e, "got": g} for k, (e, g) in self.identity.items()}
        for name, wrong, missing, invented, total in (
            ("cells", self.cells_wrong, self.cells_missing, self.cells_invented, len(self.truth["cells"])),
            ("facts", self.facts_wrong, self.facts_missing, self.facts_invented, len(self.truth["facts"])),
        ):
            part: dict[str, Any] = {}
            if wrong:
                part["wrong"] = {k: {"expected": e, "got": g} for k, (e, g) in list(wrong.items())[:MAX_LISTED]}
            if missing:
                part["missing"] = dict(list(missing.items())[:MAX_LISTED])
            if invented:
                part["invented"] = dict(list(invented.items())[:MAX_LISTED])
            if part:
                part["counts"] = {"stated": total, "wrong": len(wrong), "missing": len(missing),
                                  "invented": len(invented)}  # fmt: skip
                out[name] = part
        return out


def _fact_class(key: str) -> str:
    return "item:*" if key.startswith(ITEM_PREFIX) else key


def compare(truth: dict[str, Any], report: Any, seconds: float = 0.0) -> Verdict:
    """An accepted report against its truth."""
    verdict = Verdict(truth, accepted=True, seconds=seconds)
    got = parsed_identity(report)
    for name in IDENTITY_FIELDS:
        expected = truth["identity"][name]
        if not same_identity(name, expected, got[name]):
            verdict.identity[name] = (expected, got[name])

    (verdict.cells_right, verdict.cells_missing, verdict.cells_wrong, verdict.cells_invented) = score_values(
        truth["cells"], parsed_cells(report)
    )
    expected_facts = {fact_key(k): v for k, v in truth["facts"].items()}
    (verdict.facts_right, verdict.facts_missing, verdict.facts_wrong, verdict.facts_invented) = score_values(
        expected_facts, parsed_facts(report)
    )
    return verdict


def score_values(expected: dict[str, Any], got: dict[str, Any]) -> tuple[int, dict, dict, dict]:
    """(right, missing, wrong, invented) of parsed values against the truth's, key by key."""
    right, missing, wrong = 0, {}, {}
    for key, want in expected.items():
        value = got.get(key)
        if same_value(want, value):
            right += 1
        elif value is None:
            missing[key] = want
        else:
            wrong[key] = (want, value)
    return right, missing, wrong, {k: v for k, v in got.items() if k not in expected}


def judge(path: Path, truth: dict[str, Any], manifest_row: dict[str, str] | None, parse: ParseFn) -> Verdict:
    from indexing.models import ReadError

    start = time.perf_counter()
    try:
        report = parse(path, manifest_row)
    except ReadError as exc:
        return Verdict(truth, accepted=False, refusal=exc.reason, seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001  (a crash is a finding: note it and go on)
        reason = f"{type(exc).__name__}: {exc}"
        return Verdict(truth, accepted=False, refusal=reason, crashed=True, seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    if not truth["is_report"]:
        return Verdict(truth, accepted=True, seconds=seconds)
    return compare(truth, report, seconds)


# ---------------------------------------------------------------- the parser, as ingest runs it
def default_parse(path: Path, manifest_row: dict[str, str] | None) -> Any:
    from indexing.identity import Hints
    from indexing.parser import parse_document
    from indexing.readers import read_document

    hints = None
    if manifest_row:
        region = tuple(x for x in re.split(r"[/>\s]+", manifest_row.get("region") or "") if x)
        year = (manifest_row.get("year") or "").strip()
        agency = (manifest_row.get("agency") or "").strip()
        hints = Hints(agency=agency, region=region, year=int(year) if year.isdigit() else None)
    return parse_document(read_document(path), hints)


def _judge_default(job: tuple[Path, dict[str, Any], dict[str, str] | None]) -> Verdict:
    return judge(*job, default_parse)


# ---------------------------------------------------------------- a corpus
def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def score_corpus(corpus: Path, parse: ParseFn = default_parse, workers: int | None = None) -> dict[str, Any]:
    """Score every file of a generated corpus. The shipped parser runs in one process per core, as files are
    independent; `reports_per_s` is files over wall-clock seconds (generation excluded)."""
    corpus = Path(corpus)
    manifest = load_manifest(corpus)
    jobs = [(corpus / t["file"], t, manifest.get(t["file"])) for t in load_truth(corpus)]
    workers = workers or (os.cpu_count() or 1 if parse is default_parse else 1)
    start = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            verdicts = list(pool.map(_judge_default, jobs, chunksize=8))
    else:
        verdicts = [judge(*job, parse) for job in jobs]
    return {**summarise(verdicts, time.perf_counter() - start), "workers": workers}


def summarise(verdicts: list[Verdict], wall_seconds: float | None = None) -> dict[str, Any]:
    reports = [v for v in verdicts if v.is_report]
    accepted = [v for v in reports if v.accepted]
    non_reports = [v for v in verdicts if not v.is_report]
    cells = sum(len(v.truth["cells"]) for v in reports)
    facts = sum(len(v.truth["facts"]) for v in reports)
    seconds = wall_seconds if wall_seconds is not None else sum(v.seconds for v in verdicts)
    classes = Counter(c for v in verdicts for c in v.classes())
    return {
        "reports": len(reports),
        "accepted": ratio(len(accepted), len(reports)),
        "identity_correct": ratio(sum(v.identity_ok for v in accepted), len(accepted)),
        "cells_correct": ratio(sum(v.cells_right for v in reports), cells),
        "facts_correct": ratio(sum(v.facts_right for v in reports), facts),
        "invented": sum(v.invented for v in reports),
        "reports_per_s": round(len(verdicts) / seconds, 1) if seconds else 0.0,
        "refused_non_reports": ratio(sum(not v.accepted for v in non_reports), len(non_reports)),
        "counts": {
            "files": len(verdicts),
            "reports": len(reports),
            "accepted": len(accepted),
            "identity_correct": sum(v.identity_ok for v in accepted),
            "cells": cells,
            "cells_correct": sum(v.cells_right for v in reports),
            "facts": facts,
            "facts_correct": sum(v.facts_right for v in reports),
            "non_reports": len(non_reports),
            "non_reports_refused": sum(not v.accepted for v in non_reports),
            "crashed": sum(v.crashed for v in verdicts),
        },
        "by_shape": by_shape(reports),
        "failure_classes": dict(classes.most_common()),
        "failures": [v.failure() for v in pick_failures(verdicts)],
    }


def pick_failures(verdicts: list[Verdict], limit: int = MAX_FAILURES) -> list[Verdict]:
    """Failing files: first one for each failure class (in order of first appearance), then the rest in file order."""
    failing = [v for v in verdicts if not v.ok]
    chosen: list[Verdict] = []
    seen: set[str] = set()
    for v in failing:
        new = [c for c in v.classes() if c not in seen]
        if new and len(chosen) < limit:
            chosen.append(v)
            seen.update(v.classes())
    for v in failing:
        if len(chosen) >= limit:
            break
        if v not in chosen:
            chosen.append(v)
    order = {id(v): i for i, v in enumerate(verdicts)}
    return sorted(chosen, key=lambda v: order[id(v)])


def by_shape(reports: list[Verdict]) -> dict[str, dict[str, dict[str, Any]]]:
    """The headline rates per value of each shape dimension (and per quirk), to see which shapes fail."""
    groups: dict[str, dict[str, list[Verdict]]] = {}
    for v in reports:
        shape = v.truth.get("shape", {})
        for dim in SHAPE_DIMENSIONS:
            if dim in shape:
                groups.setdefault(dim, {}).setdefault(str(shape[dim]).lower(), []).append(v)
        for quirk in shape.get("quirks", []):
            groups.setdefault("quirk", {}).setdefault(quirk, []).append(v)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for dim, values in groups.items():
        out[dim] = {}
        for value, members in sorted(values.items()):
            accepted = [m for m in members if m.accepted]
            cells = sum(len(m.truth["cells"]) for m in members)
            facts = sum(len(m.truth["facts"]) for m in members)
            out[dim][value] = {
                "n": len(members),
                "accepted": ratio(len(accepted), len(members)),
                "identity": ratio(sum(m.identity_ok for m in accepted), len(accepted)),
                "cells": ratio(sum(m.cells_right for m in members), cells) if cells else None,
                "facts": ratio(sum(m.facts_right for m in members), facts) if facts else None,
            }
    return out


def run_parse_bench(
    corpus_dir: Path | None = None, *, n: int = 300, seed: int = 0, parse: ParseFn = default_parse
) -> dict[str, Any]:
    """Score the parser on `corpus_dir` when it holds a generated corpus (truth.jsonl), else on n reports generated
    with `seed` into a temporary directory."""
    if corpus_dir is not None and (Path(corpus_dir) / TRUTH_FILE).exists():
        return score_corpus(Path(corpus_dir), parse)
    with tempfile.TemporaryDirectory(prefix="nianbao-synth-") as tmp:
        generate(n, seed, Path(tmp))
        return score_corpus(Path(tmp), parse)
