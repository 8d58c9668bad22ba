"""The app in a real headless Chromium: ask, read the answer, open the sources, see the chart, upload, stay safe."""

from __future__ import annotations

import pytest

from tests.app.conftest import (
    ARTIFACTS_DIR,
    HEADLINE,
    INJECT_MARKUP,
    UPLOAD_CHANGES,
    UPLOAD_SAMPLE,
    variant_report,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOT = '#nb-chatbot [data-testid="bot"]'


def ask(page, question: str):
    """Type a question, press 提问, and return the locator of the answer message it produces."""
    from playwright.sync_api import expect

    bots = page.locator(BOT)
    before = bots.count()
    page.locator("#nb-question textarea").fill(question)
    page.locator("#nb-ask").click()
    expect(bots).to_have_count(before + 1)
    return bots.nth(before)


def open_app(page, url: str) -> None:
    page.goto(url)
    page.locator("#nb-question textarea").wait_for()


def test_headline_question_answer_sources_chart_and_csv(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    answer = ask(page, HEADLINE)
    for name in ("侯家镇", "港口乡", "白奎镇"):
        expect(answer).to_contain_text(name)

    sources = answer.locator("details.nb-sources")
    expect(sources).to_have_count(1)
    expect(sources).not_to_have_attribute("open", "")
    sources.locator("summary").click()
    expect(sources).to_have_attribute("open", "")
    items = sources.locator("li")
    assert items.count() >= 3
    for name in ("侯家镇", "港口乡", "白奎镇"):
        expect(sources).to_contain_text(name)
    expect(items.first).to_be_visible()
    assert sources.locator("mark").count() >= 1  # supporting words are highlighted

    rows = page.locator("#nb-rows")
    expect(rows).to_be_visible()
    expect(page.locator("#nb-rows-table")).to_contain_text("港口乡")
    expect(page.locator("#nb-chart")).to_be_hidden()  # every value is 0: the table says it, no empty chart

    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "headline.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#nb-csv").click()
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == "单位,年份,本年新收政府信息公开申请（单位：件）"  # the measure and its unit
    for name in ("侯家镇", "港口乡", "白奎镇"):
        assert name in csv_text


def test_example_question_and_follow_up(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    bots = page.locator(BOT)
    page.get_by_text("侯家镇2021年通过微信公众号发布了多少条信息？", exact=True).click()
    expect(bots).to_have_count(1)
    expect(bots.first).to_contain_text("235")
    # multi-turn: the headline question, then a follow-up that inherits it
    ask(page, HEADLINE)
    follow = ask(page, "那2020年呢？")
    expect(follow).to_contain_text("辉渠镇")


def test_ranking_answer_gets_table_and_bars_in_answer_order(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    answer = ask(page, "各乡镇主动公开政府信息数量排名")
    expect(answer).to_contain_text("辉渠镇")
    table = page.locator("#nb-rows-table")
    expect(table).to_contain_text("451")
    cells = table.locator('[role="gridcell"][data-col="2"]').all_inner_texts()
    values = [int(v) for v in cells if v.strip().isdigit()]
    assert values[0] == 451 and values == sorted(values, reverse=True), values  # most first, as the answer says
    expect(page.locator("#nb-chart").locator("svg").first).to_be_visible()
    expect(page.locator("#nb-chart svg").first).to_contain_text("辉渠镇2020")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "ranking.png"), full_page=True)

    # The next answer's chart shows its own bars (Gradio once kept the first answer's labels as the x domain).
    ask(page, "侯家镇和米山镇谁的公众号发的多？")
    chart = page.locator("#nb-chart svg").first
    expect(chart).to_contain_text("米山镇2022")
    expect(chart).not_to_contain_text("辉渠镇2020")
    expect(page.locator("#nb-chart svg path[aria-roledescription='bar']")).to_have_count(2)


def test_year_filter_narrows_what_is_searched(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    page.locator("#nb-years").get_by_label("2020").check()
    answer = ask(page, "哪些乡镇没有收到政府信息公开申请？")
    expect(answer).to_contain_text("辉渠镇")
    expect(answer).not_to_contain_text("侯家镇")
    page.locator("#nb-years").get_by_label("2020").uncheck()
    unfiltered = ask(page, "哪些乡镇没有收到政府信息公开申请？")
    expect(unfiltered).to_contain_text("侯家镇")


def test_upload_a_report_then_ask_about_it(page, browser_app, tmp_path):
    from playwright.sync_api import expect

    good = variant_report(UPLOAD_SAMPLE, UPLOAD_CHANGES, tmp_path / "测试镇2021年报.txt")
    bad = tmp_path / "不是年报.txt"
    bad.write_text("这是一份会议纪要，不是政府信息公开工作年度报告。\n" * 5, encoding="utf-8")

    open_app(page, browser_app)
    page.get_by_role("tab", name="上传报告").click()
    page.locator("#nb-upload input[type=file]").set_input_files([str(good), str(bad)])
    upload = page.locator("#nb-upload")
    expect(upload.get_by_role("row")).to_have_count(2)  # both files listed: the upload finished
    expect(upload).not_to_contain_text("Uploading")
    page.locator("#nb-ingest").click()
    result = page.locator("#nb-ingest-result textarea")
    expect(result).to_have_value(lambda_contains(f"✗ {bad.name}"))
    assert f"✗ {good.name}" not in result.input_value()

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "测试镇2021年通过微信公众号发布了多少条信息？")
    expect(answer).to_contain_text("777")

    page.get_by_role("tab", name="报告库").click()  # listed without pressing 刷新列表: the upload refreshed it
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    expect(page.locator("#nb-reports")).to_contain_text("测试镇")
    page.screenshot(path=str(ARTIFACTS_DIR / "corpus.png"), full_page=True)


def test_report_markup_never_runs_in_the_page(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    answer = ask(page, "注入镇2020年存在哪些主要问题？")
    sources = answer.locator("details.nb-sources")
    expect(answer).to_contain_text("注入镇")
    if sources.count():
        sources.locator("summary").click()
    # the planted markup is on the page as text (so the test did reach it) and did nothing
    expect(answer).to_contain_text(INJECT_MARKUP)
    assert page.evaluate("window.__pwned") is None
    assert page.locator('#nb-chatbot img[src="x"], #nb-chatbot script').count() == 0
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "injection-chat.png"), full_page=True)

    page.get_by_role("tab", name="报告库").click()
    picker = page.locator("#nb-report-picker input")
    picker.click()
    page.get_by_role("option", name="注入镇", exact=False).first.click()
    text = page.locator("#nb-report-text textarea")
    expect(text).to_have_value(lambda_contains(INJECT_MARKUP))
    page.wait_for_timeout(500)  # give any injected handler its chance to fire
    page.screenshot(path=str(ARTIFACTS_DIR / "injection-corpus.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert page.locator('img[src="x"]').count() == 0


def test_settings_show_the_llm_endpoint_read_only(page, browser_app):
    """Issue 11: no visitor can re-point the server's LLM endpoint; the tab only shows it and says how it is set."""
    from playwright.sync_api import expect

    open_app(page, browser_app)
    page.get_by_role("tab", name="设置").click()
    expect(page.locator("#nb-llm-status")).to_contain_text("未使用大模型")
    expect(page.locator("#nb-llm-help")).to_contain_text("不能修改")
    expect(page.get_by_label("接口地址（Base URL）")).to_have_count(0)
    expect(page.get_by_role("button", name="保存并启用")).to_have_count(0)
    expect(page.get_by_role("button", name="停用大模型")).to_have_count(0)


def lambda_contains(fragment: str):
    """A regex for expect(...).to_have_value that matches any value containing `fragment`."""
    import re

    return re.compile(re.escape(fragment))


def test_an_ambiguous_question_is_asked_back_with_readings_to_click(page, browser_app):
    from playwright.sync_api import expect

    open_app(page, browser_app)
    answer = ask(page, "港口乡结转的申请有几件")
    expect(answer).to_contain_text("请选择")
    readings = page.locator("#nb-readings label")
    expect(readings).to_have_count(2)
    before = page.locator(BOT).count()
    readings.first.click()
    expect(page.locator(BOT)).to_have_count(before + 1)
    expect(page.locator(BOT).nth(before)).to_contain_text("上年结转")
    page.screenshot(path=str(ARTIFACTS_DIR / "clarify.png"), full_page=True)
