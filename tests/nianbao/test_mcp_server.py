"""`nianbao mcp` end to end with the real `mcp` client library: the server runs as `.venv/bin/nianbao mcp` in a child
process over the five samples' index, spoken to over stdio and over streamable HTTP on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from answering.models import Answer
from indexing.schema import LEVELS
from nianbao.mcp_server import MAX_CONCURRENT_ANSWERS, MAX_HISTORY_ITEMS, build_server, is_loopback, refuse_host
from nianbao.serving import free_port, stop
from tests.conftest import PROJECT_ROOT

NIANBAO = str(Path(sys.executable).parent / "nianbao")
HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"
TOOLS = {"ask", "data", "get_report", "list_reports", "measures"}
SESSION_SECONDS = 180  # one server start (index, embedder) and a few calls; bounded so a hang fails, not stalls


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_LLM_")}  # no LLM unless a test asks


def over_stdio(index_dir: Path, log: Path, talk: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Start `nianbao mcp --index DIR` as an MCP host would, run `talk` in an initialised session, stop the server."""
    params = StdioServerParameters(command=NIANBAO, args=["mcp", "--index", str(index_dir)], cwd=str(PROJECT_ROOT))

    async def session() -> Any:
        with anyio.fail_after(SESSION_SECONDS), log.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as s:
                await s.initialize()
                return await talk(s)

    return anyio.run(session)


def structured(result) -> dict[str, Any]:
    assert not result.is_error, result.content
    return result.structured_content


def error_text(result) -> str:
    assert result.is_error, result.structured_content
    return " ".join(c.text for c in result.content)


@pytest.fixture(scope="module")
def assistant(corpus_index_config):
    from answering.assistant import Assistant

    return Assistant.open(corpus_index_config)


# ---------------------------------------------------------------- fast: the HTTP bind rule
def test_only_loopback_hosts_are_served_without_allow_remote():
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host) and refuse_host(host, allow_remote=False) is None, host
    for host in ("0.0.0.0", "192.168.1.5", "example.org", "::"):
        why = refuse_host(host, allow_remote=False)
        assert why and host in why and "--allow-remote" in why, host
        assert refuse_host(host, allow_remote=True) is None


class SlowAssistant:
    """Stands in for Assistant.ask (in process, no index): each answer takes a moment; one question raises."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0

    def ask(self, question: str, history=None) -> Answer:
        if question == "崩溃":
            raise RuntimeError("internal detail /srv/secret")
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.2)
        with self.lock:
            self.running -= 1
        return Answer(question, "报告中没有相关内容。", "unknown")


def test_questions_beyond_the_bound_wait_and_a_failing_one_is_a_tool_error():
    assistant = SlowAssistant()

    async def talk():
        with anyio.fail_after(60):
            return await asking()

    async def asking():
        async with Client(build_server(assistant)) as client:
            crashed = await client.call_tool("ask", {"question": "崩溃"})
            async with anyio.create_task_group() as tg:
                for i in range(3 * MAX_CONCURRENT_ANSWERS):
                    tg.start_soon(client.call_tool, "ask", {"question": f"问题{i}"})
            after = await client.call_tool("ask", {"question": "还在吗"})
            return crashed, after

    crashed, after = anyio.run(talk)
    assert assistant.most == MAX_CONCURRENT_ANSWERS  # several at once, never more than the bound
    assert "ask" in error_text(crashed) and "secret" not in error_text(crashed)  # no internals leak to the caller
    assert structured(after)["answer"] == "报告中没有相关内容。"  # the server goes on


# ---------------------------------------------------------------- stdio
@pytest.mark.slow
def test_tools_are_listed_with_typed_schemas(corpus_index_config, tmp_path):
    async def talk(s: ClientSession):
        return {t.name: t for t in (await s.list_tools()).tools}

    tools = over_stdio(corpus_index_config.index_dir, tmp_path / "server.log", talk)
    assert set(tools) == TOOLS
    ask = tools["ask"].input_schema["properties"]
    assert ask["question"]["type"] == "string" and tools["ask"].input_schema["required"] == ["question"]
    assert ask["history"]["type"] == "array" and ask["history"]["items"]["type"] == "string"
    assert ask["history"]["maxItems"] == MAX_HISTORY_ITEMS
    listing = tools["list_reports"].input_schema["properties"]
    assert listing["year"]["anyOf"][0]["type"] == "integer"
    assert listing["level"]["anyOf"][0]["enum"] == list(LEVELS)
    assert tools["get_report"].input_schema["required"] == ["report_id"]
    assert tools["data"].input_schema["required"] == ["measure"]
    for tool in tools.values():  # structured output everywhere; nothing that writes
        assert tool.output_schema and tool.output_schema["type"] == "object", tool.name
        assert tool.annotations.read_only_hint is True and tool.annotations.destructive_hint is False, tool.name
        assert tool.description and any("\u4e00" <= ch <= "\u9fff" for ch in tool.description), tool.name
    assert set(tools["ask"].output_schema["required"]) >= {"question", "answer", "kind"}


@pytest.mark.slow
def test_ask_gives_the_headline_answer_with_the_assistants_citations(corpus_index_config, assistant, tmp_path):
    follow_up = "那2020年呢？"

    async def talk(s: ClientSession):
        first = structured(await s.call_tool("ask", {"question": HEADLINE}))
        second = structured(await s.call_tool("ask", {"question": follow_up, "history": [HEADLINE]}))
        # a long conversation: only its last turns are replayed, and the follow-up still reads against the last one
        long = ["侯家镇2021年通过微信公众号发布了多少条信息？"] * 12 + [HEADLINE]
        third = structured(await s.call_tool("ask", {"question": follow_up, "history": long}))
        return first, second, third

    first, second, third = over_stdio(corpus_index_config.index_dir, tmp_path / "server.log", talk)
    direct = assistant.ask(HEADLINE)
    assert first["items"] == ["侯家镇", "港口乡", "白奎镇"]
    assert first["kind"] == direct.kind == "list"
    assert first["answer"] == direct.answer
    assert first["citations"] == direct.to_json()["citations"] and first["citations"]
    # The history is replayed: the follow-up reads as the headline for 2020, as in the app.
    direct_follow = assistant.ask(follow_up, history=[direct])
    assert second["citations"] == direct_follow.to_json()["citations"]
    assert second["items"] == direct_follow.items and second["items"] != first["items"]
    assert all(c["year"] == 2020 for c in second["citations"])
    assert third["citations"] == second["citations"]


@pytest.mark.slow
def test_reports_are_listed_and_read_whole_with_blank_cells_null(corpus_index_config, assistant, tmp_path):
    reports = {r.report_id: r for r in assistant.all_reports()}
    blanks = next(r for r in reports.values() if r.short_name == "白奎镇")  # its table 3 has blank rows
    no_tables = next(r for r in reports.values() if r.short_name == "米山镇")  # tables missing, flagged

    async def talk(s: ClientSession):
        return (
            structured(await s.call_tool("list_reports", {"year": 2021})),
            structured(await s.call_tool("list_reports", {"region": "文登区"})),
            structured(await s.call_tool("list_reports", {"body": "侯家鎮"})),  # traditional 鎮, as some pages write it
            structured(await s.call_tool("get_report", {"report_id": blanks.report_id})),
            structured(await s.call_tool("get_report", {"report_id": no_tables.report_id})),
        )

    in_2021, in_wendeng, by_body, detail, flagged = over_stdio(
        corpus_index_config.index_dir, tmp_path / "server.log", talk)
    assert sorted(r["report_id"] for r in in_2021["reports"]) == sorted(
        rid for rid, r in reports.items() if r.year == 2021)
    assert {r["short_name"] for r in in_2021["reports"]} == {"侯家镇", "港口乡", "白奎镇"}
    assert {r["short_name"] for r in in_wendeng["reports"]} == {"侯家镇", "米山镇"}
    assert [r["agency"] for r in by_body["reports"]] == ["威海市文登区侯家镇人民政府"]

    assert detail["report_id"] == blanks.report_id and detail["agency"] == blanks.agency
    assert detail["tables"] == {k: blanks.tables.get(k) for k in ("proactive", "requests", "appeals")}
    assert detail["tables"]["requests"]["carried_forward"]["total"] is None  # blank: unknown, never 0
    assert [s["key"] for s in detail["sections"]] == list(blanks.sections)
    assert all(s["text"] == blanks.sections[s["key"]] and s["title"] for s in detail["sections"])

    assert flagged["tables"] == {"proactive": None, "requests": None, "appeals": None}
    assert [f["rule"] for f in flagged["flags"]] == [f.rule for f in no_tables.flags]
    assert "table.missing" in {f["rule"] for f in flagged["flags"]}


@pytest.mark.slow
def test_data_rows_carry_each_reports_cell(corpus_index_config, assistant, tmp_path):
    async def talk(s: ClientSession):
        return structured(await s.call_tool("data", {"measure": "requests.carried_forward.total", "year": 2021}))

    got = over_stdio(corpus_index_config.index_dir, tmp_path / "server.log", talk)
    assert got["measure"]["key"] == "requests.carried_forward.total"
    expected = {r.report_id: r.cell("requests", "carried_forward", "total")
                for r in assistant.reports() if r.year == 2021}
    assert {row["report_id"]: row["value"] for row in got["rows"]} == expected
    assert None in expected.values()  # 白奎镇's blank row stays null, not 0
    assert all(row["cell"] == {"table": "requests", "row": "carried_forward", "column": "total"} for row in got["rows"])


@pytest.mark.slow
def test_bad_calls_are_tool_errors_and_the_server_keeps_answering(corpus_index_config, tmp_path):
    async def talk(s: ClientSession):
        return (
            error_text(await s.call_tool("get_report", {"report_id": "no-such-report-2021"})),
            error_text(await s.call_tool("list_reports", {"level": "星球级"})),
            error_text(await s.call_tool("list_reports", {"year": "去年"})),
            error_text(await s.call_tool("ask", {"question": HEADLINE, "history": ["问"] * (MAX_HISTORY_ITEMS + 1)})),
            error_text(await s.call_tool("data", {"measure": "没有的指标"})),
            structured(await s.call_tool("ask", {"question": "问" * 600})),  # over the limit: refused as everywhere
            structured(await s.call_tool("ask", {"question": HEADLINE})),
        )

    log = tmp_path / "server.log"
    unknown_id, bad_level, bad_year, long_history, bad_measure, too_long, still = over_stdio(
        corpus_index_config.index_dir, log, talk)
    assert "no-such-report-2021" in unknown_id
    assert "level" in bad_level and "year" in bad_year and "history" in long_history
    assert "没有的指标" in bad_measure and "measures" in bad_measure
    assert too_long["kind"] == "unknown" and "500" in too_long["answer"] and not too_long["citations"]
    assert still["items"] == ["侯家镇", "港口乡", "白奎镇"]
    assert "Traceback" not in log.read_text()  # anticipated errors are not crashes


@pytest.mark.slow
def test_a_missing_index_is_refused_not_created(tmp_path):
    missing = tmp_path / "nope"
    run = subprocess.run([NIANBAO, "mcp", "--index", str(missing)], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, env=_clean_env(), timeout=120)
    assert run.returncode == 2 and str(missing) in run.stderr and "nianbao ingest" in run.stderr
    assert not missing.exists()


# ---------------------------------------------------------------- streamable HTTP

def _wait_for_port(port: int, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited with {server.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {seconds} s")


@pytest.mark.slow
def test_streamable_http_answers_on_loopback(corpus_index_config, assistant, tmp_path):
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [NIANBAO, "mcp", "--transport", "http", "--port", str(port), "--index", str(corpus_index_config.index_dir)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=_clean_env(), cwd=PROJECT_ROOT,
    )
    try:
        _wait_for_port(port, server, 120)

        async def call() -> dict[str, Any]:
            with anyio.fail_after(SESSION_SECONDS):
                async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write), ClientSession(
                        read, write) as s:
                    await s.initialize()
                    return structured(await s.call_tool("ask", {"question": HEADLINE}))

        got = anyio.run(call)
        # A page on another site that rebinds its DNS name to 127.0.0.1 sends its own Host header: refused.
        rebound = urllib.request.Request(
            f"http://127.0.0.1:{port}/mcp", data=b"{}", method="POST",
            headers={"Host": "attacker.example", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(rebound, timeout=30)  # no proxy
        assert refused.value.code == 421
    finally:
        stop(server)
        log.close()
    assert got["items"] == ["侯家镇", "港口乡", "白奎镇"]
    assert got["citations"] == assistant.ask(HEADLINE).to_json()["citations"]


@pytest.mark.slow
def test_http_on_a_public_address_is_refused_without_allow_remote(corpus_index_config):
    run = subprocess.run(
        [NIANBAO, "mcp", "--transport", "http", "--host", "0.0.0.0", "--port", str(free_port()),
         "--index", str(corpus_index_config.index_dir)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, env=_clean_env(), timeout=120,
    )
    assert run.returncode == 2 and "--allow-remote" in run.stderr and "0.0.0.0" in run.stderr
    assert run.stdout == ""  # nothing served
