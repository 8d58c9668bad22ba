"""Questions are bounded on the server (issue 11): length told, control characters dropped, LLM failures in Chinese."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from answering.assistant import Assistant
from answering.limits import MAX_QUESTION_CHARS, bound_question, clean_question
from answering.llm import LLMConfig

from .conftest import make_report

PROBLEMS = "本年度工作中存在的主要问题：一是政务公开宣传力度较小，尚待提升。二是公开内容和形式单一。"
CONTROLS = "\x00\x07\x1b\x7f\x9b\u200b\u202e\u2066\ufeff"  # NUL BEL ESC DEL CSI, zero-width, bidi, BOM


@pytest.fixture()
def assistant():
    return Assistant.from_reports([
        make_report("甲乡", 2021, sections={"problems": PROBLEMS},
                    facts={"proactive_total": (329, "全年主动公开政府信息329条。", "overview")}),
    ])


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in " " for ch in text)


def test_a_long_question_is_refused_and_the_limit_is_stated(assistant):
    question = "甲乡2021年主动公开了多少条政府信息？" * 300  # 6,000 characters
    ans = assistant.ask(question)
    assert ans.kind == "unknown"
    assert str(MAX_QUESTION_CHARS) in ans.answer and "上限" in ans.answer
    assert str(len(question)) in ans.answer  # its own length is told too
    assert "329" not in ans.answer  # not answered from a silently cut question
    assert len(ans.question) <= MAX_QUESTION_CHARS + 1  # the refusal does not copy the whole text around


def test_a_question_at_the_limit_is_answered(assistant):
    core = "甲乡2021年主动公开了多少条政府信息？"
    question = core + "请" * (MAX_QUESTION_CHARS - len(core))
    assert len(question) == MAX_QUESTION_CHARS
    ans = assistant.ask(question)
    assert "上限" not in ans.answer


def test_control_characters_are_removed_before_answering_and_never_echoed(assistant):
    question = f"甲乡{CONTROLS}2021年\t主动公开了\n多少条政府信息？"
    ans = assistant.ask(question)
    assert "329" in ans.answer
    assert not _has_control(ans.question) and not _has_control(ans.answer)
    assert ans.question == "甲乡2021年 主动公开了 多少条政府信息？"


def test_control_characters_do_not_count_towards_the_limit():
    cleaned, refused = bound_question("\x00" * 5000 + "甲乡有哪些问题")
    assert refused is None and cleaned == "甲乡有哪些问题"


@pytest.mark.parametrize("text,expected", [
    (None, ""),
    ("  甲乡\r\n有\u2028哪些\u3000问题  ", "甲乡 有 哪些 问题"),
    ("a\x1b[2Jb", "a[2Jb"),
    ("\u202e问题\u202c", "问题"),
])
def test_clean_question(text, expected):
    assert clean_question(text) == expected


def test_the_cli_refuses_a_long_question_too(corpus_index_config, capsys):
    from nianbao.cli import main

    code = main(["ask", "侯家镇" * 400, "--index", str(corpus_index_config.index_dir), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["kind"] == "unknown" and str(MAX_QUESTION_CHARS) in out["answer"]


# ---------------------------------------------------------------- a failed LLM call says why, in Chinese
class _FailingServer:
    """An OpenAI-compatible endpoint on loopback that answers every request with HTTP `status`."""

    def __init__(self, status: int):
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"error": {"message": "boom", "type": "server_error"}}).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


_CLASS_NAME = re.compile(r"[A-Z][A-Za-z]*(Error|Exception|Timeout)\b")


def _reports():
    return [make_report("甲乡", 2021, sections={"problems": PROBLEMS})]


def test_an_unreachable_llm_is_explained_in_chinese():
    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=2)
    ans = Assistant.from_reports(_reports(), llm=llm).ask("甲乡存在哪些问题")
    assert "宣传力度较小" in ans.answer  # the extractive answer stands
    assert "无法连接" in ans.answer and "原文摘录" in ans.answer  # why, in Chinese
    assert not _CLASS_NAME.search(ans.answer), ans.answer


def test_an_llm_server_error_is_explained_in_chinese():
    with _FailingServer(500) as server:
        llm = LLMConfig(base_url=server.base_url, model="m", timeout_s=5)
        ans = Assistant.from_reports(_reports(), llm=llm).ask("甲乡存在哪些问题")
    assert "宣传力度较小" in ans.answer and "原文摘录" in ans.answer
    assert not _CLASS_NAME.search(ans.answer), ans.answer
