"""Chunks follow the report's structure: boundaries, headers, table rendering, metadata (unknown never 0)."""

from __future__ import annotations

import re

import pytest

from indexing import schema
from indexing.chunking import MAX_CHARS, chunk_report, format_value, key_figures, table_rows
from indexing.models import Fact, Report
from tests.conftest import SAMPLES


# ---------------------------------------------------------------- helpers (imported by the other index tests)
def make_report(
    report_id: str = "甲镇-2021-aaaaaaaa",
    *,
    short_name: str = "甲镇",
    agency: str | None = None,
    region: list[str] | None = None,
    year: int | None = 2021,
    level: str = "乡镇",
    sections: dict[str, str] | None = None,
    tables: dict | None = None,
    facts: dict | None = None,
    source: str | None = None,
    content_hash: str | None = None,
    template: str = "2021",
) -> Report:
    region = ["某市", "某区"] if region is None else region
    return Report(
        report_id=report_id,
        source=source or f"{report_id}.txt",
        content_hash=content_hash or f"hash-{report_id}",
        agency=agency or f"{''.join(region)}{short_name}人民政府",
        short_name=short_name,
        region=region,
        level=level,
        year=year,
        signed_date=None,
        template=template,
        title=f"{year}年政府信息公开工作年度报告",
        sections={k: "" for k in schema.SECTION_KEYS} | (sections or {}),
        tables={"proactive": None, "requests": None, "appeals": None} | (tables or {}),
        facts=facts or {},
        flags=[],
        text="\n".join((sections or {}).values()),
    )


def parse_sample(i: int) -> Report:
    from indexing.parser import parse_file

    return parse_file(SAMPLES[i])


@pytest.fixture(scope="module")
def samples() -> list[Report]:
    return [parse_sample(i) for i in range(len(SAMPLES))]


# ---------------------------------------------------------------- on the five samples
def test_every_chunk_has_a_header_naming_body_year_and_section(samples):
    for report in samples:
        chunks = chunk_report(report)
        assert chunks
        for c in chunks:
            assert c.text.startswith(f"【{report.agency} {report.year}年 ")
            assert c.header.endswith("】") and "\n" not in c.header
            assert c.text == f"{c.header}\n{c.body}"
            assert c.title in c.header


def test_chunk_ids_are_deterministic_and_unique(samples):
    for report in samples:
        first, second = chunk_report(report), chunk_report(report)
        ids = [c.chunk_id for c in first]
        assert ids == [c.chunk_id for c in second]
        assert [c.text for c in first] == [c.text for c in second]
        assert len(ids) == len(set(ids))
        for c in first:
            rid, section, n = c.chunk_id.rsplit(":", 2)
            assert rid == report.report_id and section == c.section and n.isdigit()


def test_subsections_become_their_own_chunks_sample_000(samples):
    report = samples[0]
    chunks = {c.title: c for c in chunk_report(report)}
    key = "一、总体情况·（二）依申请公开工作情况"
    assert key in chunks, list(chunks)
    assert chunks[key].body == "2021年没有收到政府信息公开申请。"
    assert chunks[key].header == f"【{report.agency} 2021年 {key}】"
    active = chunks["一、总体情况·（一）政府信息主动公开情况"]
    assert "通过“花饽饽小镇”微信公众号发布消息235条" in active.body
    # the sub-section on fees in section 6, whatever its numbering style “（1）”
    fees = [c for c in chunk_report(report) if c.section == "other" and "信息处理费" in c.title]
    assert fees and fees[0].body == "2021年度本单位未收取信息处理费。"


def test_preamble_is_its_own_chunk_with_the_contact_address(samples):
    for report in samples:
        preface = [c for c in chunk_report(report) if c.section == "preface"]
        assert preface, report.source
        assert any(("电话" in c.body or "联系" in c.body) for c in preface)
        overview = [c for c in chunk_report(report) if c.section == "overview"]
        assert not any("本报告中所列数据的统计" in c.body for c in overview)  # not duplicated into section 1


def test_prose_chunks_hold_no_table_debris_and_lose_no_sentence(samples):
    for report in samples:
        chunks = chunk_report(report)
        prose = [c for c in chunks if c.metadata["kind"] == "prose"]
        for c in prose:
            for line in c.body.splitlines():
                assert not re.fullmatch(r"\s*[\d.]+\s*", line), (c.chunk_id, line)
                assert not line.startswith("|")
            assert len(c.body) <= MAX_CHARS, (c.chunk_id, len(c.body))
        everything = "".join(c.text for c in prose).replace(" ", "")
        for key in ("overview", "problems", "other"):
            for sentence in re.findall(r"[^。\n]{8,}。", report.sections.get(key, "")):
                s = re.sub(r"\[bookmark:[^\]]*\]", "", sentence).strip().replace(" ", "")
                assert s.rstrip("。") in everything, (report.source, key, s)  # a heading loses its 。


def test_long_sections_split_on_paragraph_boundaries():
    paragraphs = [f"第{i}段" + "政务公开工作稳步推进，" * 18 + "。" for i in range(8)]
    report = make_report(sections={"problems": "\n".join(paragraphs)})
    chunks = [c for c in chunk_report(report) if c.section == "problems"]
    assert len(chunks) > 1
    for c in chunks:
        assert len(c.body) <= MAX_CHARS
        for line in c.body.splitlines():
            assert line in paragraphs  # never cut inside a paragraph that fits
    assert [line for c in chunks for line in c.body.splitlines()] == paragraphs
    assert [c.chunk_id.rsplit(":", 1)[1] for c in chunks] == [str(i) for i in range(len(chunks))]


def test_a_paragraph_longer_than_the_limit_splits_between_sentences():
    long = "".join(f"第{i}句话讲的是信息公开平台建设的具体做法和成效。" for i in range(60))
    chunks = [c for c in chunk_report(make_report(sections={"other": long})) if c.section == "other"]
    assert len(chunks) > 1
    assert all(c.body.endswith("。") and len(c.body) <= MAX_CHARS for c in chunks)
    assert "".join(c.body for c in chunks) == long


# ---------------------------------------------------------------- tables
def test_tables_render_as_labelled_rows_in_their_own_chunks(samples):
    report = samples[0]
    table_chunks = [c for c in chunk_report(report) if c.metadata["kind"] == "table"]
    assert {c.section for c in table_chunks} == {"proactive", "requests", "appeals"}
    proactive = "\n".join(c.body for c in table_chunks if c.section == "proactive")
    assert "行政许可 本年处理决定数量：0" in proactive
    requests = "\n".join(c.body for c in table_chunks if c.section == "requests")
    assert "本年新收政府信息公开申请数量 总计：0" in requests
    # every row of the template is there once, and rows are never split across chunks
    for row in schema.request_rows(report.template):
        assert sum(line.startswith(schema.REQUEST_ROW_LABELS[row] + " ") for line in requests.splitlines()) == 1


def test_missing_tables_say_unknown_not_zero_sample_002(samples):
    report = samples[2]
    assert report.tables.get("requests") is None
    chunks = chunk_report(report)
    requests = [c for c in chunks if c.section == "requests" and c.metadata["kind"] == "table"]
    assert len(requests) == 1 and "未填报" in requests[0].body and "：0" not in requests[0].body
    for c in chunks:
        assert not any(k.startswith(("requests__", "proactive__", "appeals__")) for k in c.metadata)


def test_blank_cell_is_rendered_unknown_and_left_out_of_metadata_sample_004(samples):
    report = samples[4]
    assert report.cell("requests", "carried_forward", "total") is None
    rows = table_rows(report, "requests")
    line = next(r for r in rows if r.startswith(schema.REQUEST_ROW_LABELS["carried_forward"]))
    assert "总计：未填报" in line
    meta = chunk_report(report)[0].metadata
    assert "requests__carried_forward__total" not in meta
    assert meta["requests__new_received__total"] == report.cell("requests", "new_received", "total")


@pytest.mark.parametrize("template", schema.TEMPLATES)
def test_every_template_renders_every_row_with_its_labels(template):
    requests = {row: {col: 1 for col in schema.request_columns(template)} for row in schema.request_rows(template)}
    proactive = {row.key: {col: 2 for col in row.columns} for row in schema.proactive_rows(template)}
    appeals = {block: {col: 0 for col in schema.APPEAL_COLUMNS} for block in schema.APPEAL_BLOCKS}
    report = make_report(template=template, tables={"requests": requests, "proactive": proactive, "appeals": appeals})
    assert len(table_rows(report, "requests")) == len(schema.request_rows(template))
    assert len(table_rows(report, "proactive")) == len(schema.proactive_rows(template))
    assert table_rows(report, "appeals")[0] == "行政复议 结果维持：0；结果纠正：0；其他结果：0；尚未审结：0；总计：0"
    if template == "wide":
        assert any("法人或其他组织小计：1" in line for line in table_rows(report, "requests"))
    table_chunks = [c for c in chunk_report(report) if c.metadata["kind"] == "table"]
    assert all(len(c.body) <= MAX_CHARS + 40 for c in table_chunks)


# ---------------------------------------------------------------- metadata
def test_metadata_identity_region_and_key_figures(samples):
    report = samples[0]
    meta = chunk_report(report)[0].metadata
    assert meta["report_id"] == report.report_id
    assert meta["agency"] == report.agency and meta["short_name"] == report.short_name
    assert meta["region"] == "/".join(report.region)
    for i, name in enumerate(report.region, start=1):
        assert meta[f"region_{i}"] == name
    assert meta["year"] == 2021 and meta["level"] == report.level
    assert meta["proactive__licensing__decisions"] == 0
    assert meta["fact__proactive_total"] == 329
    for report in samples:
        for c in chunk_report(report):
            for k, v in c.metadata.items():
                assert isinstance(v, str | int | float | bool), (k, v)


def test_none_cells_are_left_out_never_written_as_zero():
    tables = {
        "proactive": {"licensing": {"decisions": None}, "penalty": {"decisions": 3}},
        "requests": {"new_received": {"natural_person": None, "total": 2}, "carried_forward": {"total": None}},
        "appeals": {"review": {"upheld": 0, "total": None}},
    }
    facts = {
        "proactive_total": Fact("proactive_total", None, "", "overview"),
        "no_fees": Fact("no_fees", True, "未收取信息处理费。", "other"),
    }
    figures = key_figures(make_report(tables=tables, facts=facts))
    assert figures["proactive__penalty__decisions"] == 3
    assert figures["requests__new_received__total"] == 2
    assert figures["appeals__review__upheld"] == 0
    assert figures["fact__no_fees"] is True
    for absent in (
        "proactive__licensing__decisions",
        "requests__new_received__natural_person",
        "requests__carried_forward__total",
        "appeals__review__total",
        "fact__proactive_total",
    ):
        assert absent not in figures


def test_format_value():
    assert format_value(None) == "未填报"
    assert format_value(0) == "0"
    assert format_value(3.0) == "3"
    assert format_value(1.5) == "1.5"


def test_a_record_reads_back_whole_however_it_was_stored():
    """Packed (base64, or base85 as earlier indexes wrote it) or plain JSON; a number JSON may hold that the fast
    reader refuses (json.dumps writes inf as Infinity) still reads back."""
    import base64
    import json
    import zlib

    report = make_report(tables={"requests": {"new_received": {"total": 7}}},
                         facts={"hotline": Fact("hotline", float("inf"), "热线全年无休。", "overview")})
    plain = json.dumps(report.to_dict(), ensure_ascii=False)
    b85 = "z85:" + base64.b85encode(zlib.compress(plain.encode("utf-8"))).decode("ascii")
    for doc in (report.to_document(), plain, b85):
        assert Report.from_document(doc) == report
    assert report.to_document().startswith("z64:")
    for broken in ("z64:" + report.to_document()[4:-8], "{\"report_id\": ", "z85:~~~~"):
        with pytest.raises(ValueError):
            Report.from_document(broken)
