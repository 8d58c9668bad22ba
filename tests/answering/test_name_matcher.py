"""The catalog's name matcher: one automaton per catalog change, whatever the number of names and questions.

Before it, every question compiled a regex per region name; past Python's regex cache (512 patterns) that meant
thousands of compiles per question at a province's scale (issue 12: 16,408 compiles for 28 questions)."""

from __future__ import annotations

import random
import re
import re._compiler as sre_compiler

import pytest

from answering.assistant import Assistant
from answering.lexicon import SITE_AFTER
from answering.understand import Catalog, NameMatcher, find_bodies, find_unknown_bodies

from .conftest import make_report

_A = "青松云石柳白兰双桂梅枫竹杏岚鹤麦芦荷栗槐桐杉樟橙茶秋春晓星月泉涧溪沙凤鹿燕雀朱瑞裕临湘"
_B = "禾岭川门亭桥塘岗林坛鸣田湾园荫湖埠浦晖口洲栖台坊角丰源泽峰屏前坝垭圩滩冈畈"


def many_counties(n_counties: int = 600, per_county: int = 2) -> list:
    rng = random.Random(3)
    stems = rng.sample([a + b for a in _A for b in _B], n_counties * (per_county + 1))
    reports = []
    for c in range(n_counties):
        county = stems[c] + "县"
        for j in range(per_county):
            town = stems[n_counties + c * per_county + j] + "镇"
            reports.append(make_report(town, 2021, region=("岚江省", "云川市", county)))
    return reports


@pytest.fixture(scope="module")
def big():
    reports = many_counties(600, 1)
    return reports, Assistant.from_reports(reports)


def test_one_automaton_per_catalog_and_few_compiles_across_many_questions(big, monkeypatch):
    reports, assistant = big
    assistant.catalog()
    counties = sorted({r.region[-1] for r in reports})
    compiles = []
    real = sre_compiler.compile
    monkeypatch.setattr(sre_compiler, "compile", lambda *a, **k: compiles.append(a[0]) or real(*a, **k))
    builds = NameMatcher.builds
    asked = counties[:30]
    passes = []
    for _ in range(2):
        before = len(compiles)
        for county in asked:
            query = assistant.understand(f"2021年{county}哪些乡镇没有收到政府信息公开申请？")
            assert query.regions == [county]
        passes.append(len(compiles) - before)
    assert NameMatcher.builds == builds  # no automaton built while asking
    # before: a pattern per region name per question (600 regions overflow the regex cache): over 1,000 a question.
    # Now only the patterns of the county a question names, once; asked again, they are cached.
    assert passes[0] < 10 * len(asked), passes
    assert passes[1] < len(asked), passes


def test_the_catalog_is_built_again_only_when_the_records_change():
    reports = many_counties(40, 1)
    assistant = Assistant.from_reports(reports)
    first = assistant.catalog()
    builds = NameMatcher.builds
    assistant.ask("2021年哪些乡镇没有收到政府信息公开申请？")
    assert assistant.catalog() is first and NameMatcher.builds == builds
    reports.append(make_report("新来镇", 2021, region=("岚江省", "云川市", "新县")))
    assert assistant.catalog() is not first and NameMatcher.builds == builds + 1
    assert "新来镇" in assistant.catalog().short_names


class _Index:
    """An index as indexing.store hands out records: a new list (of the same cached objects) on every call."""

    def __init__(self, reports: list) -> None:
        self.records = reports

    def reports(self) -> list:
        return list(self.records)

    def search(self, *args, **kwargs) -> list:
        return []


def test_a_fresh_list_of_the_same_records_does_not_rebuild_the_catalog():
    index = _Index(many_counties(40, 1))
    assistant = Assistant(index)
    first = assistant.catalog()
    builds = NameMatcher.builds
    for _ in range(3):
        assistant.understand("2021年哪些乡镇没有收到政府信息公开申请？")
    assert assistant.catalog() is first and NameMatcher.builds == builds
    index.records = index.records[1:]  # a report removed: the names are built again, once
    assert assistant.catalog() is not first and NameMatcher.builds == builds + 1
    assert len(assistant.catalog().short_names) == 39


def _old_find_bodies(folded: str, catalog: Catalog) -> tuple[list[str], list[str], str]:
    """The matching as it was before the automaton: every name and region tested in turn (the reference)."""
    bodies, text = [], folded
    for variant, short in catalog.names:
        if variant in text:
            text = text.replace(variant, "□")
            if short not in bodies:
                bodies.append(short)
    regions = []
    for region in catalog.regions:
        if any(not text.startswith(("人民政府", "政府"), m.end()) for m in re.finditer(re.escape(region), text)):
            regions.append(region)
        text = re.sub(re.escape(region) + rf"(?!(?:人民)?政府(?:{SITE_AFTER}))", "□", text)
    return sorted(bodies, key=lambda b: folded.find(b) if b in folded else len(folded)), regions, text


def test_the_automaton_finds_what_testing_every_name_found():
    reports = many_counties(60, 2)
    catalog = Catalog.from_reports(reports)
    rng = random.Random(11)
    names = [r.short_name for r in reports] + [r.region[-1] for r in reports] + [r.agency for r in reports]
    for _ in range(300):
        picked = rng.sample(names, rng.randint(0, 3))
        tails = ["收到多少申请？", "人民政府网站", "政府信息公开申请数量", "政府官网", "人民政府收到多少申请"]
        question = "2021年" + rng.choice(tails).join(picked) + rng.choice(tails)
        assert find_bodies(question, catalog) == _old_find_bodies(question, catalog), question


def test_a_typo_finds_the_name_one_character_off():
    reports = many_counties(60, 2) + [make_report("侯家镇", 2021), make_report("长安路街道", 2021, level="街道")]
    catalog = Catalog.from_reports(reports)
    assert find_unknown_bodies("长按路街道", catalog, "长按路街道")[0] == ["长安路街道"]  # five characters: any slip
    assert find_unknown_bodies("候家镇", catalog, "候家镇")[0] == ["侯家镇"]  # a look-alike in a short name
    assert find_unknown_bodies("张家镇", catalog, "张家镇") == ([], ["张家镇"])  # another place, not a slip
