"""Record indexes (answering.records): a scope looked up in the index selects exactly what a scan of every report
selects, on random records and random scopes (shared short names, several regions, missing years included)."""

from __future__ import annotations

import random

import pytest

from answering.execute import in_scope
from answering.models import Query
from answering.plan import Plan, Scope, Years
from answering.records import Records, body_years, candidates
from answering.structured import select

from .conftest import make_report

BODIES = ("甲镇", "乙镇", "丙乡", "丁街道", "戊镇", "己乡", "庚镇")
REGIONS = (("东省", "北市", "一县"), ("东省", "北市", "二县"), ("东省", "南市", "三县"), ("西省", "中市", "四县"))
YEARS = (2019, 2020, 2021, 2022)
LEVELS = ("乡镇", "街道", "部门")


def random_reports(rng: random.Random, n: int) -> list:
    out, seen = [], set()
    for _ in range(n):
        body, region, year = rng.choice(BODIES), rng.choice(REGIONS), rng.choice(YEARS)
        agency = f"{region[-1]}{body}人民政府"  # the same short name in two counties: two agencies
        if (agency, year) in seen:
            continue
        seen.add((agency, year))
        report = make_report(body, year, agency=agency, region=region, level=rng.choice(LEVELS))
        report.report_id = f"{agency}-{year}"
        out.append(report)
    rng.shuffle(out)
    return out


def scanned(reports: list, q: Query) -> list:
    """What a scope means, written out as a scan of every report (the reference)."""
    picked = {r.short_name for r in reports if r.agency in q.agencies}
    out = [r for r in reports
           if (not q.bodies or r.short_name in q.bodies)
           and (not q.agencies or r.agency in q.agencies or r.short_name not in picked)
           and (not q.years or r.year in q.years)
           and (not q.regions or set(q.regions) & set(r.region))
           and (not q.levels or r.level in q.levels)]
    return sorted(out, key=lambda r: (r.short_name, r.year or 0))


def random_query(rng: random.Random, reports: list) -> Query:
    def some(pool, k=2):
        return rng.sample(list(pool), rng.randint(0, k)) if rng.random() < 0.6 else []

    regions = sorted({x for chain in REGIONS for x in chain})
    agencies = [rng.choice(reports).agency] if rng.random() < 0.2 else []
    return Query(text="", bodies=some(BODIES), agencies=agencies, years=some(YEARS + (2030,)),
                 regions=some(regions), levels=some(LEVELS))


@pytest.mark.parametrize("seed", range(8))
def test_indexed_select_equals_a_full_scan(seed):
    rng = random.Random(seed)
    reports = random_reports(rng, 120)
    indexed = Records(reports)
    for _ in range(200):
        q = random_query(rng, reports)
        assert select(indexed, q) == scanned(reports, q), q
        assert select(indexed, q) == select(list(reports), q)


@pytest.mark.parametrize("seed", range(4))
def test_indexed_plan_scope_equals_a_full_scan(seed):
    rng = random.Random(100 + seed)
    reports = random_reports(rng, 120)
    indexed = Records(reports)
    regions = sorted({x for chain in REGIONS for x in chain})
    for _ in range(200):
        years = rng.choice([Years(), Years("absolute", tuple(rng.sample(YEARS, 2))), Years("range", (2020, 2021))])
        scope = Scope(tuple(rng.sample(BODIES, rng.randint(0, 2))), tuple(rng.sample(regions, rng.randint(0, 1))),
                      tuple(rng.sample(LEVELS, rng.randint(0, 2))), years)
        plan = Plan("list", scope)
        assert in_scope(plan, indexed) == in_scope(plan, list(reports)), scope


def test_the_index_follows_the_list_and_answers_body_years():
    rng = random.Random(7)
    reports = random_reports(rng, 40)
    indexed = Records(reports[:30])
    assert body_years(indexed) == {(r.short_name, r.year) for r in reports[:30]}
    indexed.extend(reports[30:])  # grown: indexed again, never a stale answer
    assert body_years(indexed) == {(r.short_name, r.year) for r in reports}
    picked = candidates(indexed, years=[2021])
    assert picked == [r for r in reports if r.year == 2021]  # in list order
    assert candidates(indexed) is indexed  # no slot named: every report
    assert candidates(indexed, bodies=["无此镇"]) == []
