"""The app's pure rendering: escaping, highlighting, table/chart frames, upload checks (no server, no index)."""

from __future__ import annotations

import re

import pytest

import app
from answering.models import Answer, Citation
from indexing import schema
from indexing.models import Flag, Report

MARKUP = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _report(**kw) -> Report:
    base = dict(
        report_id="r1", source="r1.txt", content_hash="h", agency="威海市文登区侯家镇人民政府", short_name="侯家镇",
        region=["威海市", "文登区"], level="乡镇", year=2021, signed_date=None, template="2021", title="t",
        sections={}, tables={"proactive": None, "requests": {"new_received": {"total": 0, "natural_person": None}},
                             "appeals": None},
        facts={}, flags=[], text="",
    )
    base.update(kw)
    return Report(**base)


def test_answer_html_escapes_report_markup_and_keeps_our_tags():
    cite = Citation("r1", "某镇人民政府", "某镇", 2021, "problems", f"存在问题{MARKUP}需要改进")
    answer = Answer(
        question="某镇存在哪些问题需要改进？", answer=f"主要问题：存在问题{MARKUP}[1]", kind="text", citations=[cite]
    )
    out = app.answer_html(answer)
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
    assert out.count("&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;") == 2
    assert '<details class="nb-sources"><summary>来源（1）</summary>' in out
    assert "<mark>需要改进</mark>" in out  # a phrase shared with the question
    assert "\n\n" not in out  # a blank line would hand report text to the Markdown parser


def test_table_citation_reads_value_from_record_with_chinese_labels():
    report = _report()
    cite = Citation("r1", report.agency, "侯家镇", 2021, "requests", "whatever", table="requests",
                    row="new_received", column="total")
    line = app.cell_line(cite, {"r1": report}.get)
    assert line == "表三 · 本年新收政府信息公开申请数量 × 总计 = 0"
    blank = Citation("r1", report.agency, "侯家镇", 2021, "requests", "x", table="requests",
                     row="new_received", column="natural_person")
    assert app.cell_line(blank, {"r1": report}.get).endswith("× 自然人 = 空白（未披露）")
    answer = Answer(question="q", answer="侯家镇：0[1]", kind="list", items=["侯家镇"], citations=[cite])
    text = app.answer_plain_text(answer, {"r1": report}.get)
    assert "来源：\n[1] 侯家镇 · 2021年 · 收到和处理政府信息公开申请情况：表三 · 本年新收" in text


def test_highlight_matches_whole_numbers_and_shared_phrases():
    text = "发布消息235条，另有23篇；2021年没有收到政府信息公开申请。"
    spans = app.highlight_spans(text, "2021年哪些乡镇没有收到政府信息公开申请？", ["23"])
    marked = [text[a:b] for a, b in spans]
    assert "23" in marked and "235" not in "".join(marked)
    assert "2021年没有收到政府信息公开申请" in marked  # adjacent shared phrases join into one mark
    html_out = app.highlight_html("a<b>235</b>", "", ["235"])
    assert html_out == "a&lt;b&gt;<mark>235</mark>&lt;/b&gt;"


def test_rows_table_and_chart_leave_unknown_out_of_the_bars():
    rows = [{"body": "侯家镇", "year": 2021, "value": 235}, {"body": "米山镇", "year": 2022, "value": None}]
    table = app.rows_frame(rows)
    assert list(table.columns) == ["单位", "年份", "数值"]
    assert table["数值"].tolist() == ["235", "未披露"]
    chart = app.chart_frame(rows)
    assert chart["单位"].tolist() == ["侯家镇2021"] and chart["数值"].tolist() == [235.0]


def test_csv_download_keeps_blank_for_unknown(tmp_path):
    rows = [{"body": "侯家镇", "year": 2021, "value": 0}, {"body": "米山镇", "year": 2022, "value": None}]
    path = app.write_rows_csv(rows, tmp_path)
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["单位,年份,数值", "侯家镇,2021,0", "米山镇,2022,"]


def test_table_frame_labels_rows_and_marks_blank_cells():
    cells = {row: {col: 1 for col in schema.REQUEST_COLUMNS} for row in schema.REQUEST_ROWS_2021}
    cells["carried_forward"]["total"] = None
    frame = app.table_frame("requests", cells, "2021")
    assert len(frame) == 25
    assert frame["项目"].iloc[0] == "本年新收政府信息公开申请数量"
    assert list(frame.columns)[1:] == [schema.REQUEST_COLUMN_LABELS[c] for c in schema.REQUEST_COLUMNS]
    assert frame["总计"].iloc[-1] == app.UNKNOWN_CELL
    missing = app.table_frame("proactive", None, "2021")
    assert "未知" in missing.iloc[0, 0]


def test_report_meta_shows_flags_in_chinese_and_escapes():
    flag = Flag(rule="requests.balance", message="勾稽不平<b>", cells=["requests.new_received.total"])
    out = app.report_meta_html(_report(flags=[flag], title=MARKUP))
    assert "勾稽关系不平衡" in out and "勾稽不平&lt;b&gt;" in out
    assert "<script" not in out and "2021年新版格式" in out
    assert "表三 本年新收政府信息公开申请数量 × 总计" in out and "requests.new_received" not in out  # words, not keys


def test_upload_refuses_wrong_type_empty_and_oversize(tmp_path, monkeypatch):
    exe = tmp_path / "report.exe"
    exe.write_bytes(b"MZ")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF" + b"0" * 2000)
    monkeypatch.setattr(app, "MAX_UPLOAD_BYTES", 1000)
    assert "不支持的文件类型 .exe" in app.check_upload(exe)
    assert app.check_upload(empty) == "文件为空"
    assert "文件过大" in app.check_upload(big)
    # every file refused: nothing reaches the index (the state is never touched)
    message = app.upload_report_files(object(), [str(exe), str(empty)])
    assert re.search(r"✗ report\.exe：不支持的文件类型", message)
    assert "✗ empty.txt：文件为空" in message and "没有可入库的文件" in message


@pytest.mark.parametrize("years,regions,levels,expected", [
    (None, None, None, None),
    (["2021"], [], [], {"years": [2021], "regions": None, "levels": None}),
    ([], [], ["乡镇"], {"years": None, "regions": None, "levels": ["乡镇"]}),  # regions: tests/app/test_chat_ui.py
])
def test_filters_become_search_filters(years, regions, levels, expected):
    f = app._filters(years, regions, levels)
    if expected is None:
        assert f is None
    else:
        assert (f.years, f.regions, f.levels) == (expected["years"], expected["regions"], expected["levels"])


def test_report_meta_says_where_identity_came_from_and_when_it_is_pending():
    named = app.report_meta_html(_report(sources={"agency": "signature", "year": "statistics_period"}))
    assert "单位：落款" in named and "年份：统计期限" in named and "不参与问答" not in named
    pending = app.report_meta_html(_report(agency="", short_name="", year=None, sources={}))
    assert "补正前不参与问答" in pending and "识别依据</th><td>无" in pending


@pytest.mark.parametrize(
    "agency,region,year,expected",
    [
        ("云川县青禾镇人民政府", "", 2022, {"agency": "云川县青禾镇人民政府", "year": 2022}),
        ("", "某省/某市 › 云川县", None, {"region": ["某省", "某市", "云川县"]}),
        ("", "", None, "请至少填写"),
        ("某镇人民政府", "", 1999, "不在 2007 年至今之间"),
    ],
)
def test_a_correction_typed_in_the_library(agency, region, year, expected):
    got = app.fix_fields(agency, region, year)
    assert got == expected if isinstance(expected, dict) else expected in got


def test_item_facts_show_their_noun():
    from indexing.models import Fact

    fact = Fact("item:工作动态", 36, "工作动态36条。", "overview", "条")
    frame = app.facts_frame(_report(facts={fact.key: fact}))
    assert list(frame["事项"]) == ["工作动态（正文所列）"] and list(frame["数值"]) == ["36条"]


@pytest.mark.slow
def test_a_correction_in_the_library_is_answered_at_once(tmp_path):
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "unnamed.txt").write_text(
        "根据《条例》要求，现将我镇政府信息公开工作情况报告如下。\n一、总体情况\n全年主动公开政府信息17条。\n"
        "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n", encoding="utf-8")
    config = IndexConfig(index_dir=tmp_path / "index")
    ingest_paths([corpus], config)
    state = app.AppState(config)
    (pending,) = state.reports()
    assert not pending.identified and "1 份报告的单位或年份尚未识别" in state.ask("青禾镇主动公开了多少条？").answer

    fixed = state.fix(pending.report_id, app.fix_fields("云川县青禾镇人民政府", "", 2022))
    assert fixed.identified and [r.report_id for r in state.reports()] == [fixed.report_id]
    assert "17" in state.ask("青禾镇2022年主动公开了多少条政府信息？").answer
