"""Hand-checked expected records for the five shipped samples: identity, sections, every table cell, facts, flags.

Every number below was read off the sample files by hand (view tabs with `sed 's/\\t/⇥/g' FILE`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.parser import parse_file
from indexing.schema import APPEAL_BLOCKS, APPEAL_COLUMNS, SECTION_KEYS, proactive_rows, request_columns, request_rows

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _file(prefix: str) -> Path:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path


def zeros_requests(template: str) -> dict:
    return {r: dict.fromkeys(request_columns(template), 0) for r in request_rows(template)}


def zeros_proactive(template: str) -> dict:
    return {r.key: dict.fromkeys(r.columns, 0) for r in proactive_rows(template)}


def zeros_appeals() -> dict:
    return {b: dict.fromkeys(APPEAL_COLUMNS, 0) for b in APPEAL_BLOCKS}


def _004_requests() -> dict:
    grid = zeros_requests("2021")
    grid["carried_forward"] = dict.fromkeys(request_columns("2021"))  # blank row in the source: unknown, not 0
    return grid


EXPECTED = {
    "000": dict(
        agency="威海市文登区侯家镇人民政府", short_name="侯家镇", region=["威海市", "文登区"], level="乡镇",
        year=2021, signed_date="2022-01-26", template="2021",
        sections={
            "overview": "2021年没有收到政府信息公开申请",
            "proactive": "行政事业性收费",
            "requests": "结转下年度继续办理",
            "appeals": "未经复议直接起诉",
            "problems": "对政务公开认识不够到位",
            "other": "未收到人大代表建议和政协委员提案",
        },
        tables={"proactive": zeros_proactive("2021"), "requests": zeros_requests("2021"), "appeals": zeros_appeals()},
        facts={
            "proactive_total": 329, "channel_wechat": 235, "channel_media": 35, "channel_website": 59,
            "no_requests": True, "no_fees": True, "no_proposals": True,
            # issue 9: policy interpretations and the enumerated items, each a fact users can ask about by name
            "policy_interpretations": 5, "item:机构职能": 4, "item:工作动态": 36, "item:政策文件": 3,
            "item:重点领域信息公开": 5, "item:政务公开组织推进": 3, "item:执行公开": 3,
        },
        flags=[],
    ),
    "001": dict(
        agency="安丘市辉渠镇人民政府", short_name="辉渠镇", region=["安丘市"], level="乡镇",
        year=2020, signed_date="2021-01-25", template="2019",
        sections={
            "overview": "主动公开政府信息451条",
            "proactive": "政府集中采购",
            "requests": "（六）其他处理",
            "appeals": "复议后起诉",
            "problems": "主动公开目录有待进一步细化",
            "other": "未收到提案建议",
        },
        tables={"proactive": zeros_proactive("2019"), "requests": zeros_requests("2019"), "appeals": zeros_appeals()},
        facts={
            "proactive_total": 451, "channel_column": 242, "channel_website": 104, "channel_weibo_wechat": 69,
            "channel_media": 36, "no_requests": True, "no_appeals": True, "no_proposals": True,
            "policy_interpretations": 19, "item:概况信息": 20, "item:财政信息": 24, "item:人大建议政协提案": 0,
            "item:其他重点领域信息": 116, "item:业务信息及其他类信息": 272,
        },
        flags=[],
    ),
    "002": dict(
        agency="威海市文登区米山镇人民政府", short_name="米山镇", region=["威海市", "文登区"], level="乡镇",
        year=2022, signed_date="2023-01-16", template="2021",
        sections={
            "overview": "主动公开政府信息365条",
            "proactive": None,  # heading present, nothing under it
            "requests": None,  # heading lost in the source
            "appeals": None,
            "problems": "政务公开宣传力度较小",
            "other": "无收取信息处理费",
        },
        tables={"proactive": None, "requests": None, "appeals": None},
        facts={
            "proactive_total": 365, "channel_wechat": 306, "channel_website": 59,
            "no_requests": True, "no_fees": True, "no_proposals": True,
            "policy_interpretations": 7, "item:机构职能": 3, "item:人事信息": 3, "item:业务动态": 30,
            "item:政策文件": 3, "item:重点领域信息公开": 6, "item:政务公开组织推进": 4, "item:执行公开": 3,
        },
        flags=[
            ("section.missing", ["sections.requests"]),
            ("table.missing", ["proactive"]),
            ("table.missing", ["requests"]),
            ("table.missing", ["appeals"]),
        ],
    ),
    "003": dict(
        agency="港口乡", short_name="港口乡", region=["铜鼓县"], level="乡镇",
        year=2021, signed_date=None, template="2021",
        sections={
            "overview": "共公布各类信息16条",
            "proactive": "行政规范性文件",
            "requests": "本年新收政府信息公开申请数量",
            "appeals": "尚未",
            "problems": "信息发布和更新效率有待提高",
            "other": "无",
        },
        tables={"proactive": zeros_proactive("2021"), "requests": zeros_requests("2021"), "appeals": zeros_appeals()},
        facts={"proactive_total": 16, "no_requests": True},
        flags=[],
    ),
    "004": dict(
        agency="呼兰区白奎镇", short_name="白奎镇", region=["呼兰区"], level="乡镇",
        year=2021, signed_date=None, template="2021",
        sections={
            "overview": "深入推进主动公开",
            "proactive": "第二十条第（八）项",
            "requests": "三、本年度办理结果",
            "appeals": "复议后起诉",
            "problems": "规范工作流程，健全工作机制",
            "other": "2021年我镇无收取信息处理费情况。",
        },
        tables={"proactive": zeros_proactive("2021"), "requests": _004_requests(), "appeals": zeros_appeals()},
        facts={"no_fees": True},
        flags=[],
    ),
}


@pytest.fixture(scope="module")
def reports():
    return {prefix: parse_file(_file(prefix)) for prefix in EXPECTED}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_identity(reports, prefix):
    r, e = reports[prefix], EXPECTED[prefix]
    got = {k: getattr(r, k) for k in ("agency", "short_name", "region", "level", "year", "signed_date", "template")}
    assert got == {k: e[k] for k in got}
    assert r.source.endswith(_file(prefix).name)
    assert r.report_id == f"{e['short_name']}-{e['year']}-{r.content_hash[:8]}"


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_sections(reports, prefix):
    r, e = reports[prefix], EXPECTED[prefix]
    assert set(r.sections) == set(SECTION_KEYS)
    for key, snippet in e["sections"].items():
        if snippet is None:
            assert r.sections[key] == "", key
        else:
            assert snippet in r.sections[key], (key, r.sections[key][:80])


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_every_table_cell(reports, prefix):
    r, e = reports[prefix], EXPECTED[prefix]
    assert r.tables == e["tables"]


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_facts_and_their_sentences(reports, prefix):
    r, e = reports[prefix], EXPECTED[prefix]
    assert {k: f.value for k, f in r.facts.items()} == e["facts"]
    source = _file(prefix).read_text(encoding="utf-8")
    for fact in r.facts.values():
        assert fact.sentence and fact.sentence in source, fact
        assert fact.section in SECTION_KEYS


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_flags(reports, prefix):
    r, e = reports[prefix], EXPECTED[prefix]
    assert [(f.rule, f.cells) for f in r.flags] == e["flags"]
    for f in r.flags:
        assert f.message  # Chinese text shown to users


def test_chart_junk_after_signature_stays_out(reports):
    # 000 ends with chart data (“2021年 政府网站 官方公众号 59 235 2020年 … 51 228”) after the signature.
    r = reports["000"]
    assert "官方公众号" not in "".join(r.sections.values())
    assert r.facts["channel_website"].value == 59  # not the chart's 2020 figure 51
    assert "官方公众号" in r.text  # the full text is kept for display


def test_missing_tables_are_unknown_not_zero(reports):
    r = reports["002"]
    assert r.cell("requests", "new_received", "total") is None
    assert r.cell("proactive", "penalty", "decisions") is None
    assert reports["004"].cell("requests", "carried_forward", "total") is None
    assert reports["004"].cell("requests", "handled_total", "total") == 0


def test_year_comes_from_title_not_signature(reports):
    assert reports["000"].year == 2021 and reports["000"].signed_date.startswith("2022")
    assert reports["001"].year == 2020 and reports["001"].signed_date.startswith("2021")


def test_export_round_trip(reports):
    from indexing.models import Report

    for r in reports.values():
        assert Report.from_dict(r.to_dict()) == r
        exported = r.to_export()
        assert exported["tables"]["requests"] == r.tables["requests"]
        assert exported["facts"] == {k: f.value for k, f in r.facts.items()}


def test_parse_is_deterministic():
    path = _file("000")
    assert parse_file(path).report_id == parse_file(path).report_id
