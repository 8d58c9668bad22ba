"""Fixtures for the app tests: a running app on a free loopback port, report variants, headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nianbao.serving import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = PROJECT_ROOT / "corpus"
ARTIFACTS_DIR = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"

# Sample 000 (侯家镇 2021) renamed 测试镇, its WeChat count changed 235 → 777 so an answer of 777 can only come from it.
UPLOAD_SAMPLE = "000_0fdc335fd3bbd9c3.txt"
UPLOAD_CHANGES = {"侯家镇": "测试镇", "235": "777"}
# Sample 001 (辉渠镇 2020) renamed 注入镇, with markup planted in its problems section.
INJECT_SAMPLE = "001_e4e59f7b380688b5.txt"
INJECT_MARKUP = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
INJECT_CHANGES = {
    "辉渠": "注入",
    "一是存在信息公开不够全面": f"一是存在信息公开不够全面{INJECT_MARKUP}",
}



def variant_report(sample: str, changes: dict[str, str], dest: Path) -> Path:
    text = (CORPUS_DIR / sample).read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, f"{sample} no longer contains {old!r}: update the variant"
        text = text.replace(old, new)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


@contextmanager
def running_app(config) -> Iterator[tuple[str, object]]:
    """The real app (build_app + launch) on a free loopback port, in this process's background threads."""
    import app

    demo = app.build_app(config)
    port = free_port()
    app.launch(demo, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/", demo
    finally:
        demo.close()


@pytest.fixture(scope="module")
def corpus_app(corpus_index_config):
    """The app over the shared read-only index of the five samples."""
    with running_app(corpus_index_config) as (url, _demo):
        yield url


@pytest.fixture(scope="module")
def browser_app(tmp_path_factory):
    """The app over its own index (the tests upload into it): the five samples plus the planted-markup report."""
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    root = tmp_path_factory.mktemp("browser-app")
    injected = variant_report(INJECT_SAMPLE, INJECT_CHANGES, root / "extra" / "注入镇2020.txt")
    config = IndexConfig(index_dir=root / "index")
    summary = ingest_paths([CORPUS_DIR, injected], config)
    assert not summary.failures, summary.failures
    with running_app(config) as (url, _demo):
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    from playwright.sync_api import expect

    # two shared cores: an answer or an ingest may wait behind model loading and other work
    pg.set_default_timeout(90_000)
    expect.set_options(timeout=90_000)
    yield pg
    context.close()
