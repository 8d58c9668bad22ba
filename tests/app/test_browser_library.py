"""The library in a real headless Chromium: search, see 表三 whole, correct, delete, re-parse — and the chat answers
from each change at once. Runs on a copy of the samples' index."""

from __future__ import annotations

import shutil

import pytest

from tests.app.conftest import ARTIFACTS_DIR, HEADLINE, running_app
from tests.app.test_browser import ask, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WECHAT = "侯家镇2021年通过微信公众号发布了多少条信息？"


@pytest.fixture(scope="module")
def library_app(corpus_index_config, tmp_path_factory):
    from indexing.store import IndexConfig

    copy = tmp_path_factory.mktemp("library-app") / "index"
    shutil.copytree(corpus_index_config.index_dir, copy)
    with running_app(IndexConfig(index_dir=copy)) as (url, demo):
        yield url, demo.nianbao_state


def library(page):
    page.get_by_role("tab", name="报告库").click()
    page.locator("#nb-lib-search textarea").wait_for()


def search(page, text: str, shows: str):
    from playwright.sync_api import expect

    page.locator("#nb-lib-search textarea").fill(text)
    page.locator("#nb-lib-search textarea").press("Enter")
    expect(page.locator("#nb-lib-count")).to_contain_text(shows)
    expect(page.locator("#nb-report-meta")).to_contain_text(text)


def chat(page, question: str):
    page.get_by_role("tab", name="问答").click()
    return ask(page, question)


def test_search_fix_delete_reparse_each_seen_by_the_chat_at_once(page, library_app):
    from playwright.sync_api import expect

    url, state = library_app
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    open_app(page, url)
    library(page)
    expect(page.locator("#nb-lib-count")).to_contain_text("共 5 份报告，显示 5 份")

    # search; 表三 whole, down to 结转下年度, its blank cells visibly blank (白奎镇 left that row empty)
    search(page, "白奎", "显示 1 份")
    expect(page.locator("#nb-reports")).not_to_contain_text("侯家镇")
    requests = page.locator("#nb-table-requests")
    last = requests.locator("tbody tr").last
    expect(last).to_contain_text("结转下年度继续办理")
    expect(last.locator("td.nb-blank")).to_have_count(7)
    expect(last).to_contain_text("—（空白）")
    last.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS_DIR / "library-search.png"), full_page=True)

    # correct 港口乡's year to 2020: shown as a correction, and the headline no longer lists it
    search(page, "港口乡", "显示 1 份")
    page.locator("#nb-fix-year input").fill("2020")
    page.locator("#nb-fix-save").click()
    expect(page.locator("#nb-lib-status")).to_contain_text("已更正年份")
    expect(page.locator("#nb-report-meta")).to_contain_text("已更正，原为：2021年")
    expect(page.locator("#nb-fix-year input")).to_have_value("")  # the form empties: it cannot land on another
    page.screenshot(path=str(ARTIFACTS_DIR / "library-fix.png"), full_page=True)
    # the flag filter finds the corrected report among all
    page.locator("#nb-lib-search textarea").fill("")
    page.locator("#nb-lib-search textarea").press("Enter")
    expect(page.locator("#nb-lib-count")).to_contain_text("显示 5 份")
    page.locator("#nb-lib-flags").get_by_label("已人工更正").check()
    expect(page.locator("#nb-lib-count")).to_contain_text("显示 1 份")
    expect(page.locator("#nb-reports")).to_contain_text("已更正")
    page.locator("#nb-lib-flags").get_by_label("已人工更正").uncheck()
    expect(page.locator("#nb-lib-count")).to_contain_text("显示 5 份")
    answer = chat(page, HEADLINE)
    expect(answer).to_contain_text("侯家镇")
    expect(answer).not_to_contain_text("港口乡")

    # delete 白奎镇, after a confirmation step
    library(page)
    search(page, "白奎", "显示 1 份")
    page.locator("#nb-lib-delete").click()
    confirm = page.locator("#nb-lib-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("确定删除")
    page.screenshot(path=str(ARTIFACTS_DIR / "library-delete-confirm.png"), full_page=True)
    page.locator("#nb-lib-confirm-delete").click()
    expect(page.locator("#nb-lib-status")).to_contain_text("已删除")
    expect(confirm).to_be_hidden()
    expect(page.locator("#nb-lib-count")).to_contain_text("共 4 份报告")
    answer = chat(page, HEADLINE)
    expect(answer).to_contain_text("侯家镇")
    expect(answer).not_to_contain_text("白奎镇")

    # re-parse: a stale record (as an older parser left it: 999) is read again from the kept file (235)
    houjia = next(r for r in state.reports() if r.short_name == "侯家镇")
    stale = houjia.facts["channel_wechat"]
    houjia.facts["channel_wechat"] = type(stale)(stale.key, 999, stale.sentence, stale.section, stale.unit)
    index = state.assistant.index
    index.put_report(houjia, [], index.embedder.embed_passages([]))
    state.reload()
    expect(chat(page, WECHAT)).to_contain_text("999")
    library(page)
    search(page, "侯家镇", "显示 1 份")
    page.locator("#nb-lib-reparse").click()
    expect(page.locator("#nb-lib-status")).to_contain_text("已重新解析")
    page.screenshot(path=str(ARTIFACTS_DIR / "library-reparse.png"), full_page=True)
    answer = chat(page, WECHAT)
    expect(answer).to_contain_text("235")
    expect(answer).not_to_contain_text("999")
    page.screenshot(path=str(ARTIFACTS_DIR / "library-chat.png"), full_page=True)


def test_a_remove_from_the_shell_is_seen_by_the_open_page(page, library_app):
    import subprocess
    import sys

    from playwright.sync_api import expect

    from tests.app.conftest import PROJECT_ROOT

    url, state = library_app
    open_app(page, url)
    rid = next(r.report_id for r in state.reports() if r.short_name == "米山镇")
    expect(ask(page, "米山镇2022年行政处罚决定多少件？")).to_contain_text("米山镇")
    done = subprocess.run([sys.executable, "-m", "nianbao.cli", "remove", rid, "--index", str(state.config.index_dir)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = ask(page, "米山镇2022年行政处罚决定多少件？")
    expect(answer).not_to_contain_text("米山镇2022年行政处罚")
    library(page)
    page.locator("#nb-lib-reload").click()
    expect(page.locator("#nb-reports")).not_to_contain_text("米山镇")


def _shell_remove(state, short: str) -> None:
    import subprocess
    import sys

    from tests.app.conftest import PROJECT_ROOT

    rid = next(r.report_id for r in state.reports() if r.short_name == short)
    done = subprocess.run([sys.executable, "-m", "nianbao.cli", "remove", rid, "--index", str(state.config.index_dir)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_an_action_on_a_report_removed_from_the_shell_says_so_and_lands_on_no_other(page, library_app):
    """The tester's case: 辉渠镇 removed with `nianbao remove` while picked in the open library. 重新解析 says it is
    gone (not “no source copy”), the list drops it, the picker empties instead of jumping to another report, and a
    year typed next is saved onto nothing. Then the library and the chat's region filter follow a shell removal as
    soon as their tab is opened, without 刷新列表 / 刷新筛选项."""
    from playwright.sync_api import expect

    url, state = library_app
    open_app(page, url)
    library(page)
    search(page, "辉渠镇", "显示 1 份")
    others = {r.short_name: r for r in state.reports() if r.short_name != "辉渠镇"}
    _shell_remove(state, "辉渠镇")

    page.locator("#nb-lib-reparse").click()
    status = page.locator("#nb-lib-status")
    expect(status).to_contain_text("这份报告已不在索引中（可能已被删除），列表已刷新")
    expect(status).not_to_contain_text("原文件")
    expect(page.locator("#nb-reports")).not_to_contain_text("辉渠镇")
    expect(page.locator("#nb-report-meta")).to_have_text("")  # the picker is empty: no other report is shown
    page.screenshot(path=str(ARTIFACTS_DIR / "library-gone.png"), full_page=True)
    page.locator("#nb-fix-year input").fill("2019")
    page.locator("#nb-fix-save").click()
    expect(status).to_contain_text("请先选择报告")
    assert {r.short_name: r.year for r in state.reports()} == {k: r.year for k, r in others.items()}

    # a removal from the shell while the page is open: seen when a tab is opened, no reload button
    expect(page.locator("#nb-lib-count")).to_contain_text(f"共 {len(others)} 份报告")
    page.get_by_role("tab", name="问答").click()
    regions = page.locator("#nb-regions input")
    regions.click()
    expect(page.get_by_role("option", name="威海市 › 文登区")).to_be_visible()
    expect(page.get_by_role("option", name="安丘市")).to_have_count(0)  # 辉渠镇's region left with it
    page.keyboard.press("Escape")
    _shell_remove(state, "港口乡")
    library(page)
    expect(page.locator("#nb-lib-count")).to_contain_text(f"共 {len(others) - 1} 份报告")
    expect(page.locator("#nb-reports")).not_to_contain_text("港口乡")
    page.screenshot(path=str(ARTIFACTS_DIR / "library-follows-shell.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    regions.click()
    expect(page.get_by_role("option", name="威海市 › 文登区")).to_be_visible()
    expect(page.get_by_role("option", name="铜鼓县")).to_have_count(0)
    page.keyboard.press("Escape")
