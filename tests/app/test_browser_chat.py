"""The chat as a person uses it, in headless Chromium (issue 13): ask with Enter, copy the answer as Markdown, 👎 with
a note stored beside the index and exported, a refresh that keeps the conversation, hints for an empty or too long
question, plain-text aria labels, a visible focus ring, readable source text, the region chain filter."""

from __future__ import annotations

import json
import re

import pytest

from tests.app.conftest import ARTIFACTS_DIR, CORPUS_DIR, HEADLINE, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOT = '#nb-chatbot [data-testid="bot"]'


@pytest.fixture(scope="module")
def chat_app(tmp_path_factory):
    """The app over its own index of the five samples; yields (url, index_dir) — feedback lands in index_dir."""
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    config = IndexConfig(index_dir=tmp_path_factory.mktemp("browser-chat") / "index")
    summary = ingest_paths([CORPUS_DIR], config)
    assert not summary.failures, summary.failures
    with running_app(config) as (url, _demo):
        yield url, config.index_dir


@pytest.fixture
def clip_page(browser, chat_app):
    """A page allowed to read the clipboard (to check what 复制回答 put there)."""
    from playwright.sync_api import expect

    url, _ = chat_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    expect.set_options(timeout=90_000)
    pg.goto(url)
    pg.locator("#nb-question textarea").wait_for()
    yield pg
    context.close()


def ask_with_enter(page, question: str):
    from playwright.sync_api import expect

    bots = page.locator(BOT)
    before = bots.count()
    box = page.locator("#nb-question textarea")
    box.fill(question)
    box.press("Enter")  # the keyboard sends: no click needed
    expect(bots).to_have_count(before + 1)
    expect(box).to_have_value("")
    return bots.nth(before)


def shot(page, name: str) -> None:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / name), full_page=True)


def test_ask_copy_markdown_and_dislike_with_a_note(clip_page, chat_app):
    from playwright.sync_api import expect

    page, (_, index_dir) = clip_page, chat_app
    answer = ask_with_enter(page, HEADLINE)
    expect(answer).to_contain_text("港口乡")

    # screen readers get the answer as text, not its HTML
    expect(answer).to_have_attribute("aria-label", re.compile(r"^回答：.*侯家镇"))
    assert "<" not in answer.get_attribute("aria-label")

    page.locator("#nb-copy").click()
    expect(page.locator("#nb-copy-status")).to_contain_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.evaluate("window.__nbCopied")
    assert copied.startswith(f"**问：**{HEADLINE}") and "**来源**" in copied and "<" not in copied
    assert re.search(r"(?m)^1\. 侯家镇 · 2021年 · .*表三 · 本年新收政府信息公开申请数量 × 总计 = 0$", copied)
    assert re.search(r"(?m)^\d+\. .*：“2021年，我乡均未接收到", copied)  # a passage quoted

    page.locator("#nb-chatbot button[aria-label='Dislike']").last.click()
    status = page.locator("#nb-feedback-status")
    expect(status).to_contain_text("已记录 👎")
    page.locator("#nb-feedback-note textarea").fill("应再核对白奎镇")
    page.locator("#nb-feedback-send").click()
    expect(status).to_contain_text("说明已保存")
    shot(page, "chat-feedback.png")

    lines = [json.loads(x) for x in (index_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["verdict"] for x in lines[-2:]] == ["down", "down"] and lines[-1]["id"] == lines[-2]["id"]
    last = lines[-1]
    assert last["note"] == "应再核对白奎镇" and last["question"] == HEADLINE and last["kind"] == "list"
    assert set(last["items"]) == {"侯家镇", "港口乡", "白奎镇"} and len(last["files"]) == 3 and last["citations"]

    page.get_by_text("反馈记录").click()
    page.locator("#nb-feedback-export").click()
    link = page.locator("#nb-feedback-file a").first
    with page.expect_download() as download:
        link.click()
    exported = [json.loads(x) for x in download.value.path().read_text(encoding="utf-8").splitlines()]
    mine = [x for x in exported if x["question"] == HEADLINE]
    assert mine and mine[-1]["type"] == "list" and mine[-1]["feedback"]["note"] == "应再核对白奎镇"
    assert set(mine[-1]["answer"]) == {"侯家镇", "港口乡", "白奎镇"}

    page.locator("#nb-chatbot button[aria-label='Disliked']").last.click()  # the same thumb again takes it back
    expect(status).to_contain_text("已撤回评价")
    undone = json.loads((index_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert undone["verdict"] == "withdrawn" and undone["id"] == last["id"]


def test_a_refresh_keeps_the_conversation(clip_page):
    from playwright.sync_api import expect

    page = clip_page
    expect(ask_with_enter(page, "侯家镇2021年通过微信公众号发布了多少条信息？")).to_contain_text("235")
    expect(ask_with_enter(page, HEADLINE)).to_contain_text("港口乡")
    before = page.locator(BOT).all_inner_texts()
    page.reload()
    page.locator("#nb-question textarea").wait_for()
    bots = page.locator(BOT)
    expect(bots).to_have_count(len(before))
    assert bots.all_inner_texts() == before  # the rendered answers themselves, in order, sources included
    expect(ask_with_enter(page, "那2020年呢？")).to_contain_text("辉渠镇")  # the thread goes on after a refresh
    expect(bots.last.locator("details.nb-sources")).to_have_count(1)
    # the kept answer is still the one 复制回答 copies
    page.locator("#nb-copy").click()
    expect(page.locator("#nb-copy-status")).to_contain_text("已复制")
    assert page.evaluate("window.__nbCopied").startswith("**问：**那2020年呢？")
    shot(page, "chat-after-refresh.png")
    # 清空对话 empties what the browser keeps too
    page.locator("#nb-clear").click()
    expect(bots).to_have_count(0)
    page.reload()
    page.locator("#nb-question textarea").wait_for()
    page.wait_for_timeout(1500)
    expect(page.locator(BOT)).to_have_count(0)


def test_empty_and_too_long_questions_are_told_before_sending(clip_page):
    from playwright.sync_api import expect

    page = clip_page
    page.locator("#nb-ask").click()
    hint = page.locator("#nb-input-hint")
    expect(hint).to_contain_text("请先输入问题")
    expect(page.locator(BOT)).to_have_count(0)
    shot(page, "chat-empty-hint.png")

    box = page.locator("#nb-question textarea")
    box.fill("侯")
    box.press_sequentially("家镇")  # typed: the counter follows each key
    counter = page.locator("#nb-count")
    expect(counter).to_contain_text("3 / 500 字")
    expect(hint).to_be_hidden()  # one hint at a time: the earlier “请先输入问题” steps aside for the counter
    box.fill("侯家镇" * 170)  # 510 characters
    box.press("End")
    box.press_sequentially("。")
    expect(counter).to_contain_text("已输入 511 字，超过每个问题 500 字的上限")
    assert len(box.input_value()) == 511  # nothing cut silently
    shot(page, "chat-too-long.png")
    box.press("Enter")
    expect(page.locator(BOT).last).to_contain_text("问题太长")  # and the server refuses it, saying the limit
    expect(box).to_have_value("侯家镇" * 170 + "。")  # kept in the box to be shortened, not lost
    expect(counter).to_contain_text("已输入 511 字")
    expect(page.locator("#nb-input-notes .nb-hint:visible")).to_have_count(1)  # one hint on screen
    shot(page, "chat-too-long-kept.png")
    box.fill("")
    expect(counter).to_have_text("")


def test_a_long_follow_up_chain_survives_a_refresh_and_a_refused_question(clip_page):
    """辉渠镇2020年主动公开 → 那2021年呢 → 侯家镇呢 → a refused too-long question; after a reload “那2020年呢？”
    still follows 侯家镇 (it said 还没有上一个问题)."""
    from playwright.sync_api import expect

    page = clip_page
    expect(ask_with_enter(page, "辉渠镇2020年主动公开")).to_contain_text("451")
    ask_with_enter(page, "那2021年呢")
    expect(ask_with_enter(page, "侯家镇呢")).to_contain_text("侯家镇")
    box = page.locator("#nb-question textarea")
    box.fill("侯家镇" * 221 + "？")  # 664 characters, over the limit
    box.press("Enter")
    expect(page.locator(BOT).last).to_contain_text("问题太长")
    page.reload()
    page.locator("#nb-question textarea").wait_for()
    expect(page.locator(BOT)).to_have_count(4)
    answer = ask_with_enter(page, "那2020年呢？")
    expect(answer).to_contain_text("侯家镇")
    expect(answer).not_to_contain_text("还没有上一个问题")
    shot(page, "chat-chain-after-refresh.png")


def test_keyboard_reaches_every_control_with_a_visible_focus_ring(clip_page):
    page = clip_page
    page.locator("#nb-question textarea").focus()
    seen: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        ident = page.evaluate("""() => { const el = document.activeElement;
            const owner = el.closest('[id^="nb-"]'); return owner ? owner.id : ''; }""")
        seen.append(ident)
        if ident == "nb-ask":
            outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert outline[0] != "none" and outline[1] >= 2, outline
            shot(page, "chat-focus.png")
    for control in ("nb-ask", "nb-clear", "nb-copy", "nb-regions", "nb-levels"):
        assert control in seen, (control, seen)


def test_source_text_is_readable_and_the_region_filter_follows_the_chain(clip_page):
    from playwright.sync_api import expect

    page = clip_page
    regions = page.locator("#nb-regions input")
    regions.click()
    expect(page.get_by_role("option", name="威海市 › 文登区")).to_be_visible()
    page.get_by_role("option", name="威海市", exact=True).click()  # the city: its 文登区 towns are in
    page.keyboard.press("Escape")
    answer = ask_with_enter(page, "哪些乡镇没有收到政府信息公开申请？")
    expect(answer).to_contain_text("侯家镇")
    expect(answer).not_to_contain_text("港口乡")  # 铜鼓县 is outside 威海市

    answer.locator("details.nb-sources summary").click()
    passage = answer.locator(".nb-passage").first
    expect(passage).to_be_visible()
    ratio = passage.evaluate("""(el) => {
        const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        let bg = el, color = getComputedStyle(el).color;
        while (bg && (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)')) bg = bg.parentElement;
        const [a, b] = [lum(rgb(color)), lum(rgb(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)'))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }""")
    assert ratio >= 4.5, ratio
    shot(page, "chat-region-sources.png")


def test_chart_and_table_name_the_measure_and_follow_each_answer(clip_page):
    from playwright.sync_api import expect

    page = clip_page
    ask_with_enter(page, "各乡镇主动公开政府信息数量排名")
    chart = page.locator("#nb-chart")
    expect(chart.locator("svg").first).to_be_visible()
    first = "主动公开的政府信息（单位：条）"
    expect(chart).to_contain_text(f"柱状图：{first}")
    expect(page.locator("#nb-rows-table")).to_contain_text(first)
    shot(page, "chat-chart-title.png")
    ask_with_enter(page, "侯家镇和米山镇谁的公众号发的多？")
    second = "通过微信公众号发布的信息（单位：条）"
    expect(chart).to_contain_text(f"柱状图：{second}")
    expect(chart).not_to_contain_text(first)
    expect(chart.locator("svg").first).not_to_contain_text("辉渠镇2020")  # the new answer's own bars only
