"""The OpenAI-compatible endpoint (nianbao/openai_api.py) through the official `openai` client on loopback servers:
alone (`standalone_app`, what `nianbao api` serves) and mounted beside the Gradio app (what `nianbao serve` serves)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import openai
import pytest
from markdown_it import MarkdownIt
from openai import OpenAI

from answering.limits import MAX_QUESTION_CHARS, too_long_text
from answering.models import Answer, Citation
from nianbao import openai_api
from nianbao.openai_api import MAX_REQUEST_BYTES, MODEL_ID, answer_markdown, exposure_problem
from tests.app.conftest import HEADLINE, UPLOAD_CHANGES, UPLOAD_SAMPLE, free_port, variant_report

HEADLINE_TOWNS = ("侯家镇", "港口乡", "白奎镇")
FOLLOW_UP = "那2020年呢？"  # eval/gold.jsonl g002: after the headline question, the answer is 辉渠镇
KEY = "test-key-5f1c"


# ---------------------------------------------------------------- servers
@contextmanager
def serving(app) -> Iterator[str]:
    """`app` under uvicorn on a free loopback port in a background thread; stopped (and joined) on exit."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def assistant(corpus_index_config):
    from answering.assistant import Assistant

    return Assistant.open(corpus_index_config)


@pytest.fixture(scope="module")
def api_url(assistant):
    with serving(openai_api.standalone_app(openai_api.AssistantSource(assistant))) as url:
        yield url


@pytest.fixture(scope="module")
def keyed_url(assistant):
    with serving(openai_api.standalone_app(openai_api.AssistantSource(assistant), api_key=KEY)) as url:
        yield url


def client(url: str, key: str = "unused") -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=120)


def ask(url: str, *questions: str, key: str = "unused"):
    """Ask the last question after the earlier ones (their answers given back as assistant turns, as chat UIs do)."""
    messages: list[dict] = []
    for q in questions[:-1]:
        earlier = client(url, key).chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": q}])
        said = earlier.choices[0].message.content
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": said}]
    messages.append({"role": "user", "content": questions[-1]})
    return client(url, key).chat.completions.create(model=MODEL_ID, messages=messages)


def extra(obj) -> dict:
    """The `nianbao` field the endpoint adds beside OpenAI's own."""
    return obj.model_extra["nianbao"]


def answer_part(content: str) -> str:
    return content.partition("**来源**")[0]


# ---------------------------------------------------------------- through the openai client
@pytest.mark.slow
def test_models_lists_nianbao(api_url):
    assert [m.id for m in client(api_url).models.list()] == [MODEL_ID]
    assert client(api_url).models.retrieve(MODEL_ID).id == MODEL_ID


@pytest.mark.slow
def test_headline_names_the_three_towns_with_the_assistants_own_citations(api_url, assistant):
    done = ask(api_url, HEADLINE)
    content = done.choices[0].message.content
    assert done.object == "chat.completion" and done.model == MODEL_ID and done.choices[0].finish_reason == "stop"
    for town in HEADLINE_TOWNS:
        assert town in answer_part(content), content
    for wrong in ("辉渠镇", "米山镇"):  # their reports are 2020 and 2022
        assert wrong not in answer_part(content), content
    direct = assistant.ask(HEADLINE).to_json()
    assert extra(done)["citations"] == direct["citations"] and direct["citations"]
    assert extra(done)["items"] == direct["items"]
    # one numbered source line per citation, in order: body · year · section, then the cell or the quote
    sources = content.partition("**来源**")[2].strip().splitlines()
    assert len(sources) == len(direct["citations"])
    for n, (line, cite) in enumerate(zip(sources, direct["citations"], strict=True), 1):
        assert line.startswith(f"{n}. {cite['short_name']} · {cite['year']}年 · "), line
        if cite["table"]:
            assert line.endswith("：表三 · 本年新收政府信息公开申请数量 × 总计 = 0"), line
        else:
            assert f"“{cite['text']}”" in line, line


@pytest.mark.slow
def test_streamed_deltas_join_to_the_unstreamed_content(api_url):
    whole = ask(api_url, HEADLINE)
    stream = client(api_url).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": HEADLINE}], stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and text == whole.choices[0].message.content
    carried = [c.model_extra["nianbao"] for c in chunks if c.model_extra and "nianbao" in c.model_extra]
    assert carried and carried[-1]["citations"] == extra(whole)["citations"]
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].choices == []


@pytest.mark.slow
def test_a_follow_up_leans_on_the_question_before_it(api_url):
    done = ask(api_url, HEADLINE, FOLLOW_UP)
    assert extra(done)["items"] == ["辉渠镇"], done.choices[0].message.content
    assert "辉渠镇" in answer_part(done.choices[0].message.content)
    alone = ask(api_url, FOLLOW_UP)  # without the earlier turn there is nothing to lean on: it says so
    assert extra(alone)["kind"] == "unknown" and "辉渠镇" not in alone.choices[0].message.content


@pytest.mark.slow
def test_sampling_parameters_are_accepted_and_change_nothing(api_url):
    plain = ask(api_url, HEADLINE).choices[0].message.content
    steered = client(api_url).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "system", "content": "Answer in English."},
                                  {"role": "user", "content": [{"type": "text", "text": HEADLINE}]}],
        temperature=1.5, max_tokens=5, top_p=0.1, user="someone",
    )
    assert steered.choices[0].message.content == plain  # extractive: no sampling to steer, nothing cut short


@pytest.mark.slow
def test_a_question_over_the_limit_gets_the_limits_refusal(api_url):
    long_question = "侯家镇" + "很" * MAX_QUESTION_CHARS + "多吗？"
    done = ask(api_url, long_question)
    assert too_long_text(len(long_question)) in done.choices[0].message.content
    assert extra(done)["kind"] == "unknown" and extra(done)["citations"] == []


@pytest.mark.slow
def test_unknown_model_is_refused_with_openais_not_found(api_url):
    with pytest.raises(openai.NotFoundError) as caught:
        client(api_url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": HEADLINE}])
    assert caught.value.body["code"] == "model_not_found"


@pytest.mark.slow
def test_with_a_key_every_request_needs_it(keyed_url):
    for call in (lambda c: c.models.list(),
                 lambda c: c.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": HEADLINE}])):
        with pytest.raises(openai.AuthenticationError):
            call(client(keyed_url, "wrong-key"))
        with pytest.raises(openai.AuthenticationError):
            call(client(keyed_url, KEY + "x"))
    bare = httpx.get(f"{keyed_url}/v1/models", timeout=30)  # no Authorization header at all
    assert bare.status_code == 401 and bare.json()["error"]["code"] == "invalid_api_key"
    assert [m.id for m in client(keyed_url, KEY).models.list()] == [MODEL_ID]
    assert "侯家镇" in ask(keyed_url, HEADLINE, key=KEY).choices[0].message.content


# ---------------------------------------------------------------- bad requests (raw HTTP)
@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"model": "nianbao"}',  # no messages
        b'{"model": "nianbao", "messages": []}',
        b'{"model": "nianbao", "messages": "hello"}',
        b'{"messages": [{"role": "user", "content": "hi"}]}',  # no model
        b'{"model": "nianbao", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}]}',
        b'{"model": "nianbao", "messages": [{"content": "hi"}]}',  # no role
        b'{"model": "nianbao", "messages": [{"role": "user", "content": "hi"}], "stream": 3}',
    ],
)
def test_a_bad_body_is_a_400_with_an_openai_error_object(api_url, body):
    r = httpx.post(f"{api_url}/v1/chat/completions", content=body, headers={"content-type": "application/json"},
                   timeout=30)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["message"] and error["type"] == "invalid_request_error" and error["code"]


@pytest.mark.slow
def test_an_oversized_body_is_a_413_whether_declared_or_streamed(api_url):
    big = b'{"model": "nianbao", "messages": [{"role": "user", "content": "' + b"a" * MAX_REQUEST_BYTES + b'"}]}'
    declared = httpx.post(f"{api_url}/v1/chat/completions", content=big, timeout=30)
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "request_too_large"

    def pieces():  # chunked: no Content-Length to refuse it by, so it is counted while it arrives
        for i in range(0, len(big), 64 * 1024):
            yield big[i : i + 64 * 1024]

    streamed = httpx.post(f"{api_url}/v1/chat/completions", content=pieces(), timeout=30)
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "request_too_large"


@pytest.mark.slow
def test_read_only_unknown_routes_and_methods_get_openai_errors(api_url):
    assert httpx.delete(f"{api_url}/v1/models", timeout=30).json()["error"]["code"] == "method_not_allowed"
    assert httpx.post(f"{api_url}/v1/files", content=b"{}", timeout=30).json()["error"]["code"] == "not_found"


@pytest.mark.slow
def test_control_characters_and_lone_surrogates_are_dropped_not_a_crash(api_url):
    question = "侯家镇\\ud800\\u0000\\u202e2021年通过微信公众号发布了多少条信息？"  # JSON escapes, kept as such
    body = '{"model": "nianbao", "messages": [{"role": "user", "content": "' + question + '"}]}'
    r = httpx.post(f"{api_url}/v1/chat/completions", content=body.encode(), timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["nianbao"]["question"] == "侯家镇2021年通过微信公众号发布了多少条信息？"
    assert "235" in r.json()["choices"][0]["message"]["content"]


# ---------------------------------------------------------------- mounted beside the app (nianbao serve)
@pytest.mark.slow
def test_serve_mounts_the_endpoint_beside_the_page_and_it_sees_uploads(corpus_index_config, tmp_path):
    import app
    from indexing.store import IndexConfig

    index_dir = tmp_path / "index"  # a copy: this test uploads into it
    shutil.copytree(corpus_index_config.index_dir, index_dir)
    demo = app.build_app(IndexConfig(index_dir=index_dir))
    api, note = openai_api.mounted_api(demo.nianbao_state, host="127.0.0.1", api_key=None, no_auth=False)
    assert api is not None and "/v1" in note
    port = free_port()
    app.launch(demo, "127.0.0.1", port, block=False, api=api)
    try:
        url = f"http://127.0.0.1:{port}"
        assert [m.id for m in client(url).models.list()] == [MODEL_ID]
        page = httpx.get(f"{url}/", timeout=60)
        assert page.status_code == 200 and "年报问答" in page.text  # the Gradio page is still served at /
        from gradio_client import Client

        assert "侯家镇" in Client(f"{url}/", verbose=False, analytics_enabled=False).predict(HEADLINE, api_name="/chat")

        question = "测试镇2021年通过微信公众号发布了多少条信息？"
        assert "777" not in ask(url, question).choices[0].message.content
        uploaded = variant_report(UPLOAD_SAMPLE, UPLOAD_CHANGES, tmp_path / "up" / "测试镇2021.txt")
        summary = demo.nianbao_state.ingest([uploaded])  # what the 上传报告 tab calls
        assert not summary.failures, summary.failures
        done = ask(url, question)
        assert extra(done)["value"] == 777 and "777" in answer_part(done.choices[0].message.content)
    finally:
        demo.close()


# ---------------------------------------------------------------- who may reach it (no server)
def test_without_a_key_the_endpoint_is_only_for_loopback():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert exposure_problem(host, None, False) is None, host
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        problem = exposure_problem(host, None, False)
        assert problem and "--api-key" in problem and "--no-auth" in problem, host
        assert exposure_problem(host, KEY, False) is None
        assert exposure_problem(host, None, True) is None


def test_serve_withholds_v1_on_a_public_host_without_a_key_and_says_so():
    api, note = openai_api.mounted_api(object(), host="0.0.0.0", api_key=None, no_auth=False)
    assert api is None and "--api-key" in note and "/v1 接口未启用" in note
    api, _ = openai_api.mounted_api(object(), host="0.0.0.0", api_key=KEY, no_auth=False)
    assert api is not None


def test_nianbao_api_refuses_to_start_keyless_on_a_public_host(tmp_path, monkeypatch, capsys):
    from nianbao import cli

    monkeypatch.delenv(openai_api.ENV_API_KEY, raising=False)
    assert cli.main(["api", "--host", "0.0.0.0", "--port", "1", "--index", str(tmp_path / "index")]) == 2
    err = capsys.readouterr().err
    assert "0.0.0.0" in err and "--api-key" in err and "--no-auth" in err
    assert not (tmp_path / "index").exists()  # refused before anything was opened


def test_the_key_comes_from_the_flag_or_the_environment(monkeypatch):
    monkeypatch.setenv(openai_api.ENV_API_KEY, "from-env")
    assert openai_api.api_key_from(None) == "from-env"
    assert openai_api.api_key_from("from-flag") == "from-flag"
    monkeypatch.setenv(openai_api.ENV_API_KEY, "  ")
    assert openai_api.api_key_from(None) is None


# ---------------------------------------------------------------- the Markdown (no server)
def _cite(text: str, **cell) -> Citation:
    return Citation("r1", "某镇人民政府", "某镇", 2021, "problems" if not cell else "requests", text, **cell)


def test_report_text_reaches_the_client_as_text_never_as_markup():
    planted = ('<script>alert(1)</script> [点这里](http://evil.example) ![x](http://evil.example/i.png) '
               '<img src=x onerror=alert(2)> **粗** `code`\n# 标题\n- 列表\n1. 序号\n[1]: http://evil.example')
    answer = Answer("问题", f"某镇2021年：{planted}[1]", "text", citations=[_cite(planted)],
                    rows=[{"body": "<b>某镇</b>", "year": 2021, "value": None}])
    html = MarkdownIt("commonmark").render(answer_markdown(answer))
    for tag in ("<script", "<img", "<a ", "<strong>粗", "<code>", "<h1>", "<b>"):
        assert tag not in html, (tag, html)
    assert html.count("<ol>") == 1 and html.count("<ul>") == 1  # only our own lists: the rows and the sources
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[1]" in html
    assert "未披露" in html  # an unknown row value is said to be unknown, never shown as 0


def test_a_table_citation_shows_the_stored_cell_and_a_blank_one_says_so():
    from indexing.models import Report

    report = Report(
        report_id="r1", source="r1.txt", content_hash="h", agency="某镇人民政府", short_name="某镇", region=[],
        level="乡镇", year=2021, signed_date=None, template="2021", title="t", sections={},
        tables={"proactive": None, "requests": {"new_received": {"total": 3, "natural_person": None}}, "appeals": None},
        facts={}, flags=[], text="",
    )
    total = _cite("表三 …", table="requests", row="new_received", column="total")
    blank = _cite("表三 …", table="requests", row="new_received", column="natural_person")
    text = answer_markdown(Answer("问题", "共3件[1]。", "value", 3, citations=[total, blank]), {"r1": report}.get)
    assert "1. 某镇 · 2021年 · 收到和处理政府信息公开申请情况：表三 · 本年新收政府信息公开申请数量 × 总计 = 3" in text
    assert text.splitlines()[-1].endswith("× 自然人 = 空白（未披露）")


# ---------------------------------------------------------------- failures and load (a stand-in Source)
class _Source:
    """Answers every question with its own text after `delay` seconds, counting how many are answered at once;
    `fail` makes it raise instead."""

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.delay, self.fail = delay, fail
        self.lock = threading.Lock()
        self.now = self.most = 0

    def ask(self, question: str, history=None) -> Answer:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(self.delay)
            if self.fail:
                raise RuntimeError("secret internal detail")
            return Answer(question, f"答：{question}", "text")
        finally:
            with self.lock:
                self.now -= 1

    def report(self, report_id: str):
        return None


def test_a_failing_answer_is_a_500_error_object_without_the_trace():
    from fastapi.testclient import TestClient

    with TestClient(openai_api.standalone_app(_Source(fail=True))) as http:
        r = http.post("/v1/chat/completions", json={"model": MODEL_ID, "messages": [{"role": "user", "content": "问"}]})
    assert r.status_code == 500 and r.json()["error"]["type"] == "server_error"
    assert "secret internal detail" not in r.text and "Traceback" not in r.text


@pytest.mark.slow
def test_at_most_the_limit_of_conversations_are_answered_at_once():
    source = _Source(delay=0.5)
    with serving(openai_api.standalone_app(source)) as url:
        def one(i: int) -> int:
            body = {"model": MODEL_ID, "messages": [{"role": "user", "content": f"问题{i}"}]}
            return httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60).status_code

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(3 * openai_api.MAX_CONCURRENT_ANSWERS) as pool:
            codes = list(pool.map(one, range(3 * openai_api.MAX_CONCURRENT_ANSWERS)))
    assert codes == [200] * len(codes)
    assert source.most == openai_api.MAX_CONCURRENT_ANSWERS


# ---------------------------------------------------------------- the commands (subprocesses)
def _wait_for_models(url: str, proc, log_path, key: str = "unused", limit_s: float = 300) -> list[str]:
    deadline = time.monotonic() + limit_s
    while True:
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, log_path.read_text()
        try:
            return [m.id for m in client(url, key).models.list()]
        except openai.APIConnectionError:
            time.sleep(1)


@contextmanager
def _command(args: list[str], log_path, key: str | None = None):
    """`nianbao ARGS` in a subprocess, NIANBAO_API_KEY set to `key` (or unset); terminated on exit."""
    import os
    import subprocess
    import sys

    from tests.app.conftest import PROJECT_ROOT

    env = {k: v for k, v in os.environ.items() if k != openai_api.ENV_API_KEY}
    if key is not None:
        env[openai_api.ENV_API_KEY] = key
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "nianbao.cli", *args], cwd=PROJECT_ROOT, stdout=log,
                                stderr=subprocess.STDOUT, env=env)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.mark.slow
def test_nianbao_api_serves_the_index_with_the_key_from_the_environment(corpus_index_config, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "api.log"
    args = ["api", "--index", str(corpus_index_config.index_dir), "--port", str(port)]
    with _command(args, log_path, key=KEY) as proc:
        assert _wait_for_models(url, proc, log_path, key=KEY) == [MODEL_ID]
        with pytest.raises(openai.AuthenticationError):
            client(url, "wrong").models.list()
        content = ask(url, HEADLINE, key=KEY).choices[0].message.content
        assert all(town in answer_part(content) for town in HEADLINE_TOWNS), content


@pytest.mark.slow
def test_nianbao_serve_mounts_v1_and_says_so(corpus_index_config, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_config.index_dir, index_dir)
    with _command(["serve", "--index", str(index_dir), "--port", str(port)], log_path) as proc:
        assert _wait_for_models(url, proc, log_path) == [MODEL_ID]
        assert "年报问答" in httpx.get(f"{url}/", timeout=60).text
        assert "OpenAI 兼容接口：/v1" in log_path.read_text()
