"""The chat tab's pieces that need no browser (issue 13): whole-token highlights, readable colours, charts and CSV
named by their measure, the region chain filter, the input box, kept turns, Markdown to copy, feedback wiring."""

from __future__ import annotations

import re

import pytest

import app
from answering.models import Answer, Citation, Query
from indexing.models import Report

QUESTION = "2021年哪些乡镇没有收到政府信息公开申请？"


def _report(report_id: str, region: list[str], short_name: str = "某镇", **kw) -> Report:
    base = dict(
        report_id=report_id, source=f"{report_id}.txt", content_hash=report_id, agency=f"{short_name}人民政府",
        short_name=short_name, region=region, level="乡镇", year=2021, signed_date=None, template="2021", title="t",
        sections={}, tables={"proactive": None, "requests": {"new_received": {"total": 0}}, "appeals": None},
        facts={}, flags=[], text="",
    )
    base.update(kw)
    return Report(**base)


# ---------------------------------------------------------------- 1. whole tokens
def test_a_highlight_never_covers_part_of_a_number():
    text = "2020年没有收到政府信息公开申请。2021年度主动公开信息329条。"
    spans = app.highlight_spans(text, QUESTION, [])
    marked = [text[a:b] for a, b in spans]
    assert "没有收到政府信息公开申请" in marked  # the shared phrase still lights up
    # “202” and “021” are pieces of the question's 2021, but 2020 is another number: no mark may touch it
    assert not any(a < 4 for a, _ in spans), marked
    for a, b in spans:  # every mark starts and ends between words, never inside a run of digits
        assert not (text[a - 1 : a + 1].isdigit() and a > 0) and not text[b - 1 : b + 1].isdigit(), marked
    # the question's own year is marked where it appears whole (“年度” is one word: it is not cut to mark “年”)
    assert "2021" in marked, marked


def test_highlight_html_keeps_the_number_unsplit():
    out = app.highlight_html("2020年没有收到政府信息公开申请", QUESTION, [])
    assert "2020年<mark>" in out or "2020<mark>" in out or out.startswith("2020")
    assert "<mark>202</mark>" not in out and "<mark>2020" not in out


# ---------------------------------------------------------------- 2. contrast
def _luminance(hex_color: str) -> float:
    rgb = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _css_color(selector: str, prop: str = "color") -> str:
    """The hex value of `prop` in APP_CSS's rule for exactly `selector` (fails when it is a theme variable)."""
    rule = re.search(rf"(?m)^{re.escape(selector)}\s*\{{([^}}]*)\}}", app.APP_CSS)
    assert rule, f"no rule for {selector}"
    value = re.search(rf"(?:^|;)\s*{prop}\s*:\s*([^;]+)", rule.group(1))
    assert value, f"{selector} sets no {prop}"
    color = value.group(1).strip()
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", color), f"{selector} {prop} is {color!r}, not a colour we chose"
    return color


def test_source_text_meets_wcag_aa_in_light_and_dark_mode():
    light, dark = app.PAGE_BACKGROUNDS["light"], app.PAGE_BACKGROUNDS["dark"]
    assert contrast(_css_color(".nb-passage"), light) >= 4.5
    assert contrast(_css_color(".dark .nb-passage"), dark) >= 4.5
    for selector, background in ((".nb-sources mark", None), (".dark .nb-sources mark", None)):
        assert contrast(_css_color(selector), _css_color(selector, "background")) >= 4.5
        del background
    assert contrast(_css_color(".nb-hint"), light) >= 4.5
    assert contrast(_css_color(".dark .nb-hint"), dark) >= 4.5


def test_keyboard_focus_is_visible():
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*[2-9]px solid #[0-9a-fA-F]{6}", app.APP_CSS)
    assert contrast(app.FOCUS_COLOR, app.PAGE_BACKGROUNDS["light"]) >= 3  # WCAG 1.4.11: non-text contrast


# ---------------------------------------------------------------- 3. measure and unit
def test_measure_title_names_the_measure_and_its_unit():
    one = Answer("q", "a", "list", query=Query(text="q", measure="requests.new_received.total"))
    assert app.measure_title(one) == "本年新收政府信息公开申请（单位：件）"
    two = Answer("q", "a", "value", query=Query(text="q", measure="fact.channel_wechat",
                                                  measures=["fact.channel_wechat", "fact.channel_weibo"]))
    assert app.measure_title(two) == "通过微信公众号发布的信息、通过政务微博发布的信息（单位：条）"
    assert app.measure_title(Answer("q", "a", "list")) == "数值"  # nothing understood: no invented name


def test_headline_answer_titles_its_table_and_csv(corpus_index_config, tmp_path):
    from answering.assistant import Assistant

    answer = Assistant.open(corpus_index_config).ask(QUESTION)
    title = app.measure_title(answer)
    assert title == "本年新收政府信息公开申请（单位：件）"
    path = app.write_rows_csv(answer.rows, tmp_path, measure=title)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "单位,年份,本年新收政府信息公开申请（单位：件）"
    assert {line.split(",")[0] for line in lines[1:]} == {"侯家镇", "港口乡", "白奎镇"}
    assert list(app.rows_frame(answer.rows, title).columns) == ["单位", "年份", title]


# ---------------------------------------------------------------- 4. region chain
REPORTS = [
    _report("wd", ["山东省", "威海市", "文登区"], "侯家镇"),
    _report("hc", ["山东省", "威海市", "环翠区"], "张村镇"),
    _report("whcq", ["山东省", "威海市", "城区"], "甲镇"),
    _report("jccq", ["山西省", "晋城市", "城区"], "乙镇"),
]


def test_region_choices_follow_the_chain():
    _, regions, _ = app._filter_choices(REPORTS)
    labels = [label for label, _ in regions]
    assert "山东省 › 威海市 › 文登区" in labels
    assert all(" › " in label or label in ("山东省", "山西省") for label in labels), labels  # no bare 文登区
    # each 市 comes right before its 县/区, so the list reads as a tree
    i = labels.index("山东省 › 威海市")
    assert labels[i + 1 : i + 4] == ["山东省 › 威海市 › 城区", "山东省 › 威海市 › 文登区", "山东省 › 威海市 › 环翠区"]
    assert dict((v, k) for k, v in regions)["山东省/威海市/文登区"] == "山东省 › 威海市 › 文登区"


def test_region_filter_takes_a_city_with_its_counties_and_no_namesakes():
    city = app._filters([], ["山东省/威海市"], [], REPORTS)
    assert set(city.report_ids) == {"wd", "hc", "whcq"}
    county = app._filters([], ["山西省/晋城市/城区"], [], REPORTS)
    assert county.report_ids == ["jccq"]  # 威海市's 城区 is another place
    gone = app._filters([], ["河北省/某市"], [], REPORTS)
    assert gone.report_ids and not set(gone.report_ids) & {r.report_id for r in REPORTS}  # nothing, not everything
    both = app._filters(["2021"], ["山东省/威海市/文登区"], ["乡镇"], REPORTS)
    assert (both.years, both.report_ids, both.levels) == ([2021], ["wd"], ["乡镇"])


# ---------------------------------------------------------------- 5/6. input box and kept turns
@pytest.fixture(scope="module")
def chat_blocks(corpus_index_config):
    return app.build_app(corpus_index_config)


def _component(blocks, elem_id: str):
    found = [b for b in blocks.blocks.values() if getattr(b, "elem_id", None) == elem_id]
    assert found, elem_id
    return found[0]


def test_question_box_does_not_cut_long_text_and_counts_characters(chat_blocks):
    box = _component(chat_blocks, "nb-question")
    assert box.max_length is None  # the browser must not truncate silently; the server refuses and says the limit
    assert str(app.MAX_QUESTION_CHARS) in app.COUNTER_JS and "超过" in app.COUNTER_JS


def test_conversation_is_kept_in_browser_storage(chat_blocks):
    import gradio as gr

    kept = [b for b in chat_blocks.blocks.values() if isinstance(b, gr.BrowserState)]
    assert len(kept) == 1 and kept[0].storage_key == app.CHAT_STORAGE_KEY


def test_restored_turns_are_checked_and_renumbered():
    good = {"id": "a1", "question": "问", "html": "<div>答</div>", "markdown": "答", "message": 99}
    saved = [good, {"id": 1, "question": "x"}, "junk", dict(good, id="a2")]
    turns = app._restored(saved)
    assert [t["id"] for t in turns] == ["a1", "a2"] and [t["message"] for t in turns] == [1, 3]
    assert app._messages(turns)[1] == {"role": "assistant", "content": "<div>答</div>"}
    assert app._restored("not a list") == []
    assert len(app._restored([dict(good, id=str(i)) for i in range(100)])) == app.MAX_SAVED_TURNS


# ---------------------------------------------------------------- 7. Markdown to copy
def test_answer_markdown_has_the_answer_and_numbered_sources():
    report = _report("r1", ["威海市", "文登区"], "侯家镇")
    cell = Citation("r1", report.agency, "侯家镇", 2021, "requests", "x", table="requests", row="new_received",
                    column="total")
    said = Citation("r1", report.agency, "侯家镇", 2021, "overview", "2021年没有收到\n政府信息公开申请。")
    answer = Answer(QUESTION, "侯家镇（0件[1][2]）", "list", items=["侯家镇"], citations=[cell, said],
                    rows=[{"body": "侯家镇", "year": 2021, "value": 0}])
    md = app.answer_markdown(answer, {"r1": report}.get)
    lines = md.splitlines()
    assert lines[0] == f"**问：**{QUESTION}" and "侯家镇（0件[1][2]）" in lines
    assert "- 侯家镇（2021年）：0" in lines
    first = r"1\. 侯家镇 · 2021年 · .*表三 · 本年新收政府信息公开申请数量 × 总计 = 0"
    assert any(re.fullmatch(first, x) for x in lines)
    assert re.fullmatch("2. 侯家镇 · 2021年 · .*：“2021年没有收到 政府信息公开申请。”", lines[-1])  # a passage quoted
    assert "<" not in md  # Markdown, not our HTML


# ---------------------------------------------------------------- 8. feedback wiring
def test_a_like_becomes_a_bounded_feedback_record():
    turn = app._turn(Answer(QUESTION, "侯家镇[1]", "list", items=["侯家镇"],
                            citations=[Citation("r1", "侯家镇人民政府", "侯家镇", 2021, "overview", "未收到")]),
                     QUESTION, "<div>…</div>", "md", ["000.txt"], ["之前的问题"], 1)
    assert app._turn_at([turn], 1) is turn and app._turn_at([turn], [1, 0]) is turn and app._turn_at([turn], 3) is None
    assert (app._verdict(True), app._verdict(False), app._verdict("Dislike"), app._verdict(""), app._verdict(None)) == (
        "up", "down", "down", "withdrawn", None)
    entry = app._feedback(turn, "down", "x" * 5000)
    assert entry.verdict == "down" and entry.items == ["侯家镇"] and entry.files == ["000.txt"]
    assert entry.history == ["之前的问题"] and len(entry.note) == 1000 and entry.citations[0]["text"] == "未收到"


def test_the_browser_key_is_kept_beside_the_index(tmp_path):
    first = app.browser_secret(tmp_path / "index")
    assert first and len(first) >= 32 and app.browser_secret(tmp_path / "index") == first  # a restart reads it back
    assert (tmp_path / "index" / app.BROWSER_KEY_FILE).stat().st_mode & 0o077 == 0  # only the owner reads it
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert app.browser_secret(blocked / "index") is None  # cannot be kept: a fresh key per start, no crash


def test_a_refreshed_thread_is_replayed_so_follow_ups_keep_their_context(chat_blocks):
    state = chat_blocks.nianbao_state
    answer = state.ask(QUESTION)
    turn = app._turn(answer, QUESTION, "<div/>", "md", [], [], 1, {"years": [], "regions": [], "levels": []})
    past = app._replayed(state, [turn])
    assert [a.answer for a in past] == [answer.answer]
    assert "辉渠镇" in state.ask("那2020年呢？", history=past).answer
    changed = dict(turn, record=dict(turn["record"], answer="另一个回答"))  # the library changed since
    assert app._replayed(state, [changed]) == []
    assert app._replayed(state, [dict(turn, filters={"years": ["x"]})]) == []  # a bad kept value: no crash


def _kept(state, questions: list[str]) -> list[dict]:
    """The turns a session keeps for `questions` asked in a row, as respond keeps them (a refused one is no context)."""
    turns, past = [], []
    for q in questions:
        answer = state.ask(q, history=past)
        refused = len(q) > app.MAX_QUESTION_CHARS
        turns.append(app._turn(answer, q, "<div/>", "md", [], [], 2 * len(turns) + 1,
                               {"years": [], "regions": [], "levels": []}, context=not refused))
        past += [] if refused else [answer]
    return turns


def test_a_refresh_replays_the_thread_back_to_its_first_standalone_question(chat_blocks):
    """The tester's chain: 辉渠镇2020年主动公开 → 那2021年呢 → 侯家镇呢 → a refused 664-character question. After a
    refresh “那2020年呢？” still reads 侯家镇 (it said 还没有上一个问题: only the last three turns were replayed, the
    first of them a follow-up itself, the refused one among them)."""
    state = chat_blocks.nianbao_state
    chain = ["辉渠镇2020年主动公开", "那2021年呢", "侯家镇呢", "侯家镇" * 221 + "？"]
    turns = _kept(state, chain)
    assert [t["follow_up"] for t in turns[:3]] == [False, True, True] and turns[3]["context"] is False
    assert app._thread(turns) == turns[:3]
    answer = state.ask("那2020年呢？", history=app._replayed(state, app._thread(turns)))
    assert "侯家镇" in answer.answer and "还没有上一个问题" not in answer.answer


def test_the_replayed_thread_is_bounded():
    standalone = {"id": "a", "follow_up": False, "context": True}
    follow = {"id": "b", "follow_up": True, "context": True}
    assert app._thread([standalone, follow, follow]) == [standalone, follow, follow]
    assert app._thread([standalone] + [follow] * 20) == [follow] * app.MAX_REPLAYED_CHAIN
    assert app._thread([standalone, {"id": "old"}]) == [standalone, {"id": "old"}]  # kept before the flag existed
    assert app._thread([{"id": "refused", "context": False}]) == []
