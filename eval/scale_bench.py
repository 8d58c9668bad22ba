"""`nianbao bench scale`: whether a question costs the same at 1,000 and 100,000 reports (issue 12).

Corpus: generating and parsing 100,000 files takes longer than a bench should, so each size is derived.
`eval.synth` writes K distinct reports (default 240) with their truth; each goes through the shipped parser
(`eval.parse_bench.default_parse`) and is kept only when the parser read it exactly (`parse_bench.compare`: identity,
every cell and every fact equal the truth), so a wrong answer below is the answering side's, not the parser's.
Report i of a size is then base report i mod K under a new identity, its numbers multiplied by m = 1 + i mod 3:
- identity: body i // 3 (a 镇, 乡 or 街道 with a unique three-character invented name) in one of 2019/2020/2021 (so
  every body has three years), under an invented county (20 bodies each), city (8 counties) and province;
  agency 县 + body + 人民政府 (办事处 for a 街道); level 乡镇 or 街道.
- numbers: every table cell and numeric prose fact × m (a sum of cells stays the sum; a zero stays zero); the fact's
  sentence has its number rewritten to match, so a cited sentence states the value answered. Booleans are kept.
- truth: the base's truth (from the generator, not from the parser) under the same identity and multiplier.

Per size (records only, no embeddings: full ingest is out of this bench's reach on a 2-core machine):
- records_ready_s: the K files parsed (measured rate) projected to N files, plus deriving and
  `Assistant.from_reports` up to a first answered question (catalog built) — stated as parts.
- load_s: N records as the record store keeps them (JSON, `Report.to_dict`) read back with `Report.from_dict`,
  then `Assistant.from_reports` and its catalog — the records part of `Index.open` without Chroma.
- rss_mb: the process's resident memory after the size is loaded.
- structured_ms p50/p95 over a fixed question mix (single figure, list with a condition, ranking, top-N, sum and
  average by region and year, year-over-year, the corpus-wide headline list), each asked `rounds` times; by kind too.
- correct: every checked answer against values computed from the truth here (never from the code under test);
  `wrong` lists what differed.
"""

from __future__ import annotations

import json
import os
import random
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

BASE_K = 240
YEARS = (2019, 2020, 2021)
BODIES_PER_COUNTY = 20
COUNTIES_PER_CITY = 8
PROVINCES = ("岚江省", "云岭省", "溪北省", "澜南省", "东陵省", "翠川省")
_FIRST = "青松云石柳白兰双桂梅枫竹杏岚鹤麦芦荷栗槐桐杉樟橙茶秋春晓星月泉涧溪沙凤鹿燕雀朱瑞裕临湘黛翠碧鸿雪霞晴岩坪"
_SECOND = "禾岭川门溪亭桥塘岗林坛鸣田湾园荫湖埠浦晖口洲栖台坊角丰源泽峰屏前坝垭圩滩冈畈"
# The figure every question asks: table 3's 本年新收, else the prose count, else a stated zero.
MEASURE_WORDS = "政府信息公开申请"
CELL = "requests.new_received.total"


# ---------------------------------------------------------------- the base reports
@dataclass
class Base:
    report: Any  # indexing.models.Report, read exactly by the parser
    truth: dict[str, Any]


def parsed_bases(k: int = BASE_K, seed: int = 0) -> tuple[list[Base], dict[str, Any]]:
    """K generated files through the parser; those read exactly, and how long parsing took."""
    from eval.parse_bench import compare
    from eval.synth import generate, load_manifest

    with tempfile.TemporaryDirectory(prefix="nianbao-scale-") as tmp:
        truths = generate(k, seed, Path(tmp))
        manifest = load_manifest(Path(tmp))
        jobs = [(Path(tmp) / t["file"], manifest.get(t["file"])) for t in truths]
        workers = os.cpu_count() or 1  # files are independent: one parser per core, as parse_bench runs them
        start = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            parsed = list(zip(truths, pool.map(_parse_or_none, jobs, chunksize=8), strict=True))
        seconds = time.perf_counter() - start
    bases = [Base(r, t) for t, r in parsed
             if r is not None and t["is_report"] and r.identified and compare(t, r).ok]
    return bases, {"files": len(truths), "parse_s": round(seconds, 3), "files_per_s": round(len(truths) / seconds, 1),
                   "workers": workers,
                   "exact_reports": len(bases)}


def _parse_or_none(job: tuple[Path, dict[str, str] | None]) -> Any:
    from eval.parse_bench import default_parse

    try:
        return default_parse(*job)
    except Exception:  # noqa: BLE001  (a refusal or crash: not a base; `nianbao bench parse` reports those)
        return None


# ---------------------------------------------------------------- derived corpora
def _stems(n: int, length: int, rng: random.Random, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        stem = rng.choice(_FIRST) + "".join(rng.choice(_SECOND) for _ in range(length - 1))
        if stem not in taken:
            taken.add(stem)
            out.append(stem)
    return out


@dataclass(frozen=True)
class Place:
    province: str
    city: str
    county: str


def _scaled(value: Any, m: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return value * m if isinstance(value, int) else round(value * m, 2)


def _shown(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _rewrite(sentence: str, old: Any, new: Any) -> str:
    """The fact's sentence stating the new number where it stated the old (its first standalone occurrence)."""
    if isinstance(old, bool) or old == new:
        return sentence
    return re.sub(rf"(?<![\d.]){re.escape(_shown(old))}(?![\d.])", _shown(new), sentence, count=1)


def derive(bases: list[Base], n: int, seed: int = 0) -> tuple[list[Any], list[dict[str, Any]]]:
    """N reports and their truths from the bases (see the module docstring)."""
    rng = random.Random(f"nianbao-scale:{seed}")
    n_bodies = -(-n // len(YEARS))
    n_counties = -(-n_bodies // BODIES_PER_COUNTY)
    n_cities = -(-n_counties // COUNTIES_PER_CITY)
    taken: set[str] = set()
    cities = [c + "市" for c in _stems(n_cities, 2, rng, taken)]
    counties = [c + "县" for c in _stems(n_counties, 2, rng, taken)]
    bodies = _stems(n_bodies, 3, rng, taken)
    reports, truths = [], []
    for i in range(n):
        b, year, m = i // len(YEARS), YEARS[i % len(YEARS)], 1 + i % 3
        county = b // BODIES_PER_COUNTY
        place = Place(PROVINCES[county // COUNTIES_PER_CITY % len(PROVINCES)], cities[county // COUNTIES_PER_CITY],
                      counties[county])
        suffix = ("街道", "镇", "乡", "镇", "镇")[b % 5]
        short = bodies[b] + suffix
        level = "街道" if suffix == "街道" else "乡镇"
        agency = place.county + short + ("办事处" if level == "街道" else "人民政府")
        base = bases[(i * 7) % len(bases)]  # a stride, so one body's three years come from different bases
        region = [place.province, place.city, place.county]
        tables = {t: None if grid is None else {row: {c: _scaled(v, m) for c, v in cols.items()}
                                                for row, cols in grid.items()}
                  for t, grid in base.report.tables.items()}
        facts = {k: replace(f, value=_scaled(f.value, m), sentence=_rewrite(f.sentence, f.value, _scaled(f.value, m)))
                 for k, f in base.report.facts.items()}
        reports.append(replace(base.report, report_id=f"scale-{i:06d}", source=f"scale/{i:06d}.txt", agency=agency,
                               short_name=short, region=region, level=level, year=year, tables=tables, facts=facts))
        truths.append({"short_name": short, "region": region, "level": level, "year": year,
                       "cells": {k: _scaled(v, m) for k, v in base.truth["cells"].items()},
                       "facts": {k: _scaled(v, m) for k, v in base.truth["facts"].items()}})
    return reports, truths


# ---------------------------------------------------------------- expected values, from the truth alone
def requests_received(truth: dict[str, Any]) -> int | float | None:
    """Table 3's 本年新收 when printed; else the prose count; else 0 when the prose says none came; else unknown."""
    if CELL in truth["cells"]:
        return truth["cells"][CELL]
    value = truth["facts"].get("requests_received")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return 0 if truth["facts"].get("no_requests") is True else None


@dataclass
class Check:
    """One question of the mix and what its answer must say."""

    kind: str  # single | list | rank | top | sum | average | change | headline
    question: str
    value: Any = None  # the answer's value (single, sum, average, change)
    items: list[str] | None = None  # the bodies listed, as a set (list, headline)
    rows: list[tuple[str, Any]] | None = None  # (body, value) in order (rank, top: the first len(rows))
    rows_complete: bool = True  # rank: every known figure is in the rows


@dataclass
class Verdict:
    ok: bool
    why: str = ""


def check(c: Check, answer: Any) -> Verdict:
    """The answer against the truth's expectation: value within 1e-6, the same set of items, rows in order."""
    if answer.kind == "unknown":
        return Verdict(False, f"abstained: {answer.answer[:120]}")
    if c.value is not None and not (isinstance(answer.value, int | float) and abs(answer.value - c.value) <= 1e-6):
        return Verdict(False, f"value {answer.value!r} ≠ {c.value!r}")
    if c.items is not None and set(answer.items) != set(c.items):
        extra, lacking = set(answer.items) - set(c.items), set(c.items) - set(answer.items)
        return Verdict(False, f"items: {len(extra)} extra {sorted(extra)[:5]}, "
                              f"{len(lacking)} lacking {sorted(lacking)[:5]}")
    if c.rows is not None:
        got = [(r["body"], r["value"]) for r in answer.rows]
        if (got if c.rows_complete else got[:len(c.rows)]) != c.rows:
            return Verdict(False, f"rows {got[:5]}… ≠ {c.rows[:5]}…")
    return Verdict(True)


def question_mix(truths: list[dict[str, Any]], seed: int = 0, per_kind: int = 4) -> list[Check]:
    """A fixed mix drawn from the corpus: per_kind questions of each kind, expectations from the truth."""
    rng = random.Random(f"nianbao-scale-mix:{seed}")
    by_key = {(t["short_name"], t["year"]): t for t in truths}
    counties = sorted({t["region"][2] for t in truths})
    cities = sorted({t["region"][1] for t in truths})
    checks: list[Check] = []

    def towns(where: int, name: str, year: int) -> list[tuple[str, Any]]:
        return [(t["short_name"], requests_received(t)) for t in truths
                if t["region"][where] == name and t["year"] == year and t["level"] == "乡镇"]

    known_keys = sorted(k for k, t in by_key.items() if requests_received(t) is not None)
    for short, year in rng.sample(known_keys, min(per_kind, len(known_keys))):
        checks.append(Check("single", f"{year}年{short}本年新收{MEASURE_WORDS}多少件？",
                            value=requests_received(by_key[(short, year)])))
    for county in rng.sample(counties, min(per_kind, len(counties))):
        year = rng.choice(YEARS)
        figures = towns(2, county, year)
        checks.append(Check("list", f"{year}年{county}哪些乡镇没有收到{MEASURE_WORDS}？",
                            items=[s for s, v in figures if v == 0]))
        known = sorted(((s, v) for s, v in figures if v is not None), key=lambda sv: (-sv[1], sv[0]))
        checks.append(Check("rank", f"{year}年{county}各乡镇{MEASURE_WORDS}数量从多到少排名", rows=known))
        checks.append(Check("top", f"{year}年{county}收到{MEASURE_WORDS}最多的乡镇是哪个？",
                            rows=known[:1], rows_complete=False))
        values = [v for _, v in known]
        checks.append(Check("sum", f"{year}年{county}各乡镇{MEASURE_WORDS}一共多少件？", value=sum(values)))
        average = round(sum(values) / len(values), 2) if values else None
        checks.append(Check("average", f"{year}年{county}各乡镇平均收到多少件{MEASURE_WORDS}？", value=average))
    for city in rng.sample(cities, min(max(1, per_kind // 2), len(cities))):
        year = rng.choice(YEARS)
        values = [v for _, v in towns(1, city, year) if v is not None]
        checks.append(Check("sum", f"{year}年{city}各乡镇{MEASURE_WORDS}一共多少件？", value=sum(values)))
    changing = [(s, y) for s, y in known_keys if y > YEARS[0] and (s, y - 1) in by_key
                and requests_received(by_key[(s, y - 1)]) is not None]
    for short, year in rng.sample(changing, min(per_kind, len(changing))):
        diff = requests_received(by_key[(short, year)]) - requests_received(by_key[(short, year - 1)])
        checks.append(Check("change", f"{short}{year}年{MEASURE_WORDS}比上年变化了多少？", value=diff))
    year = YEARS[-1]
    checks.append(Check("headline", f"{year}年哪些乡镇没有收到{MEASURE_WORDS}？",
                        items=sorted({t["short_name"] for t in truths if t["year"] == year and t["level"] == "乡镇"
                                      and requests_received(t) == 0})))
    return [c for c in checks if c.value is not None or c.items is not None or c.rows is not None]


# ---------------------------------------------------------------- measuring
def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def ask_mix(assistant: Any, checks: list[Check], rounds: int = 2) -> dict[str, Any]:
    """Each question `rounds` times (the first round's answer is the one checked); latency per kind."""
    times: dict[str, list[float]] = {}
    wrong, sizes = [], []
    for r in range(rounds):
        for c in checks:
            start = time.perf_counter()
            answer = assistant.ask(c.question)
            times.setdefault(c.kind, []).append((time.perf_counter() - start) * 1000)
            if r == 0:
                sizes.append(len(answer.answer))
                verdict = check(c, answer)
                if not verdict.ok:
                    wrong.append({"kind": c.kind, "question": c.question, "why": verdict.why})
    every = [t for ts in times.values() for t in ts]
    return {
        "questions": len(checks),
        "structured_ms": {"p50": percentile(every, 0.5), "p95": percentile(every, 0.95)},
        "by_kind_ms": {k: {"p50": percentile(ts, 0.5), "max": round(max(ts), 2)} for k, ts in sorted(times.items())},
        "answer_chars": {"p50": percentile(sizes, 0.5), "max": max(sizes, default=0)},
        "correct": round((len(checks) - len(wrong)) / len(checks), 4) if checks else 0.0,
        "wrong": wrong[:20],
    }


def bench_size(bases: list[Base], parsing: dict[str, Any], n: int, *, rounds: int = 2, seed: int = 0) -> dict[str, Any]:
    from answering.assistant import Assistant
    from indexing.models import Report

    start = time.perf_counter()
    reports, truths = derive(bases, n, seed)
    derive_s = time.perf_counter() - start
    start = time.perf_counter()
    assistant = Assistant.from_reports(reports)
    checks = question_mix(truths, seed)
    assistant.ask(checks[0].question)  # the catalog and its indexes are built on first use
    ready_s = time.perf_counter() - start
    stored = [json.dumps(r.to_dict(), ensure_ascii=False) for r in reports]
    del assistant, reports
    start = time.perf_counter()
    loaded = [Report.from_dict(json.loads(doc)) for doc in stored]
    assistant = Assistant.from_reports(loaded)
    assistant.catalog()
    load_s = time.perf_counter() - start
    del stored
    parse_projected = n / parsing["files_per_s"] if parsing["files_per_s"] else 0.0
    out = {
        "reports": n,
        "records_ready_s": round(parse_projected + derive_s + ready_s, 2),
        "records_ready_parts_s": {"parse_projected": round(parse_projected, 2), "derive": round(derive_s, 2),
                                  "assistant_ready": round(ready_s, 2)},
        "load_s": round(load_s, 2),
        "rss_mb": rss_mb(),
    }
    out.update(ask_mix(assistant, checks, rounds))
    return out


def run_scale_bench(sizes: list[int], *, records_only: bool = True, base_k: int = BASE_K, seed: int = 0,
                    rounds: int = 2, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    if not records_only:
        raise ValueError("bench scale measures records only for now (full ingest with embeddings: issue 12, not here)")
    bases, parsing = parsed_bases(base_k, seed)
    if not bases:
        raise RuntimeError("the parser read none of the generated reports exactly: see `nianbao bench parse`")
    result: dict[str, Any] = {
        "mode": "records_only",
        "not_measured": ["full ingest with embeddings (reports/s against the embedding floor)",
                         "one-report add/remove", "prose p50/p95", "app RSS"],
        "base": parsing,
        "sizes": [],
    }
    for n in sizes:
        if progress:
            progress(f"bench scale: {n} reports…")
        result["sizes"].append(bench_size(bases, parsing, n, rounds=rounds, seed=seed))
    return result

