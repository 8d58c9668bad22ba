"""The `/chat` endpoint through gradio_client, and `nianbao serve` building an empty index before it starts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.app.conftest import CORPUS_DIR, HEADLINE, PROJECT_ROOT, free_port

pytestmark = pytest.mark.slow


def test_chat_endpoint_answers_headline_with_sources(corpus_app):
    from gradio_client import Client

    text = Client(corpus_app, verbose=False, analytics_enabled=False).predict(HEADLINE, api_name="/chat")
    answer, found, sources = text.partition("来源：")
    assert found, text
    for name in ("侯家镇", "港口乡", "白奎镇"):
        assert name in answer, text
    for wrong in ("辉渠镇", "米山镇"):  # 2020 and 2022 reports: not part of a 2021 answer
        assert wrong not in answer, text
    numbered = re.findall(r"^\[(\d+)\] (\S+) · (\d{4})年", sources, re.M)
    assert len(numbered) >= 3, sources
    assert {body for _, body, _ in numbered} >= {"侯家镇", "港口乡", "白奎镇"}
    assert {year for _, _, year in numbered} == {"2021"}


def test_chat_endpoint_says_when_the_corpus_does_not_know(corpus_app):
    from gradio_client import Client

    client = Client(corpus_app, verbose=False, analytics_enabled=False)
    text = client.predict("米山镇2022年行政处罚决定多少件？", api_name="/chat")
    assert "未披露" in text or "没有找到" in text, text


def test_serve_builds_an_empty_index_from_the_corpus_then_answers(tmp_path):
    from gradio_client import Client

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_0fdc335fd3bbd9c3.txt", "003_9a89c4c3d055f296.txt"):
        shutil.copy(CORPUS_DIR / name, corpus / name)
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "serve", "--index", str(tmp_path / "index"), "--corpus", str(corpus),
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 600
        client = None
        while client is None:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            try:
                client = Client(url, verbose=False, analytics_enabled=False)
            except Exception:
                time.sleep(1)
        text = client.predict("侯家镇2021年通过微信公众号发布了多少条信息？", api_name="/chat")
        assert "235" in text, text
        logged = log_path.read_text()
        assert "索引为空" in logged and str(corpus) in logged
    finally:
        proc.terminate()
        proc.wait(timeout=60)
