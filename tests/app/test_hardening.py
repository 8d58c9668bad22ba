"""Issue 11 in the app: long questions, control characters, highlighting that stays linear, concurrent chat, a
read-only LLM setting, CSV cells that never run as formulas, bounded download folders, failures in Chinese."""

from __future__ import annotations

import csv
import random
import re
import threading
import unicodedata

import pytest

import app
from answering.limits import MAX_QUESTION_CHARS
from answering.llm import LLMConfig
from answering.models import Answer, Citation

CONTROLS = "\x00\x07\x1b\x7f\x9b\u200b\u202e\u2066\ufeff"


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text.replace("\n", ""))


# ---------------------------------------------------------------- highlighting (pure)
def _passage(n: int) -> str:
    from tests.app.conftest import CORPUS_DIR

    text = (CORPUS_DIR / "000_0fdc335fd3bbd9c3.txt").read_text(encoding="utf-8")
    return (text * (1 + n // len(text)))[:n]


def test_highlighting_a_5000_character_question_completes_with_bounded_spans():
    passage = _passage(3000)
    rng = random.Random(1)
    question = "".join(rng.choice(passage) for _ in range(5000))  # every phrase of the report, shuffled
    spans = app.highlight_spans(passage, question, ["235", "侯家镇"])
    assert spans and len(spans) <= app.MAX_MARKS
    assert all(0 <= a < b <= len(passage) for a, b in spans)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))  # sorted, merged, disjoint
    out = app.highlight_html(passage, question, ["235"])
    assert "<mark>" in out and out.count("<mark>") <= app.MAX_MARKS


def test_a_question_that_is_the_passage_itself_marks_it_whole():
    passage = _passage(3000)
    spans = app.highlight_spans(passage, passage + passage[:2000], [])
    covered = sum(b - a for a, b in spans)
    assert len(spans) <= app.MAX_MARKS and covered >= 0.9 * len(passage)


def test_many_answer_terms_and_marks_are_capped():
    text = "，".join(f"{i:04d}" for i in range(2000))
    spans = app.highlight_spans(text, "", [f"{i:04d}" for i in range(2000)])
    assert len(spans) == app.MAX_HIGHLIGHT_TERMS  # one mark per term looked for
    spans = app.highlight_spans("2021，" * 2000, "", ["2021"])
    assert len(spans) == app.MAX_MARKS


def test_line_breaks_split_like_the_old_pattern_but_linearly():
    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice("ab \n\t\r　") for _ in range(rng.randint(0, 30)))
        assert app._split_at_line_breaks(text) == re.split(r"\s*\n\s*", text), repr(text)
    spaces = "甲" + " " * 200_000 + "乙"  # the old pattern backtracked over this run once per position
    assert app._esc_lines_keep(spaces) == spaces


# ---------------------------------------------------------------- CSV downloads
def test_csv_download_neutralises_formula_cells(tmp_path):
    rows = [
        {"body": '=HYPERLINK("http://x","点我")', "year": 2021, "value": 3},
        {"body": "+1+cmd|' /C calc'!A0", "year": 2021, "value": -2},
        {"body": "-2+3", "year": 2021, "value": None},
        {"body": "@SUM(1,2)", "year": 2021, "value": 1.5},
        {"body": "\t=1+1", "year": 2021, "value": 0},
        {"body": "侯家镇", "year": 2021, "value": 235, "measure": "=1"},
    ]
    path = app.write_rows_csv(rows, tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert [r[0] for r in got[1:]] == [
        "'=HYPERLINK(\"http://x\",\"点我\")", "'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1,2)", "'\t=1+1", "侯家镇·=1",
    ]
    assert [r[2] for r in got[1:]] == ["3", "-2", "", "1.5", "0", "235"]  # numbers stay numbers


def test_download_folders_are_bounded(tmp_path):
    rows = [{"body": "侯家镇", "year": 2021, "value": 1}]
    paths = [app.write_rows_csv(rows, tmp_path, keep=5) for _ in range(30)]
    assert len(list(tmp_path.glob("answer-*"))) == 5
    assert paths[-1].exists()  # the answer just written is never the one removed
    for _ in range(app.MAX_DOWNLOAD_FOLDERS + 10):
        app.write_rows_csv(rows, tmp_path)
    assert len(list(tmp_path.glob("answer-*"))) == app.MAX_DOWNLOAD_FOLDERS


# ---------------------------------------------------------------- the read-write lock
def test_readers_share_the_lock_and_a_writer_is_alone():
    lock = app.ReadWriteLock()
    both_in = threading.Barrier(2, timeout=10)

    def reader():
        with lock.read():
            both_in.wait()  # breaks (BrokenBarrierError) if the second reader cannot get in

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not both_in.broken

    order: list[str] = []
    reading = threading.Event()
    release = threading.Event()

    def long_reader():
        with lock.read():
            reading.set()
            release.wait(10)
            order.append("reader done")

    def writer():
        with lock.write():
            order.append("writer")

    r = threading.Thread(target=long_reader)
    r.start()
    reading.wait(10)
    w = threading.Thread(target=writer)
    w.start()
    w.join(0.2)
    assert w.is_alive()  # the writer waits for the reader
    release.set()
    r.join()
    w.join()
    assert order == ["reader done", "writer"]


# ---------------------------------------------------------------- the built app
@pytest.fixture(scope="module")
def demo(corpus_index_config):
    from answering.assistant import Assistant

    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="server-model")
    return app.build_app(Assistant.open(corpus_index_config, llm=llm))


def _fn(demo, name: str):
    return next(f for f in demo.fns.values() if f.name == name)


def _ask_page(demo, question: str) -> list[dict]:
    """The chat messages after asking `question` in a new session, as the page's respond handler returns them."""
    out = _fn(demo, "respond_and_offer").fn(question, [], [], [], [], [], [])
    chatbot = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "nb-chatbot")
    return out[chatbot]


def _descendants(block):
    for child in getattr(block, "children", []) or []:
        yield child
        yield from _descendants(child)


@pytest.mark.slow
def test_the_settings_tab_shows_the_endpoint_and_offers_no_way_to_change_it(demo):
    import gradio as gr

    tab = next(b for b in demo.blocks.values() if isinstance(b, gr.Tab) and b.id == "settings")
    inside = list(_descendants(tab))
    assert inside and all(isinstance(b, gr.Markdown) for b in inside), [type(b).__name__ for b in inside]
    shown = " ".join(b.value for b in inside)
    assert "server-model" in shown and "http://127.0.0.1:9/v1" in shown and "只读" in shown
    assert "启动时" in shown and "NIANBAO_LLM_BASE_URL" in shown
    ids = {b._id for b in inside}
    for f in demo.fns.values():  # no event reads from or writes to the tab
        assert not ids & {c._id for c in (*f.inputs, *f.outputs)}, f.name
    assert not hasattr(demo.nianbao_state, "set_llm")


@pytest.mark.slow
def test_chat_events_run_several_at_once_and_uploads_have_their_own_slot(demo):
    chat_fns = [f for f in demo.fns.values() if f.name in ("respond_and_offer", "chat")]
    assert len(chat_fns) >= 4
    for f in chat_fns:
        assert f.concurrency_id == "ask" and f.concurrency_limit == app.CHAT_CONCURRENCY > 1
    uploads = [f for f in demo.fns.values() if f.concurrency_id == "ingest"]
    assert len(uploads) == 1 and uploads[0].concurrency_limit == 1


@pytest.mark.slow
def test_two_questions_are_answered_at_the_same_time(demo, monkeypatch):
    state = demo.nianbao_state
    both_in = threading.Barrier(2, timeout=20)

    def slow_ask(question, **kw):
        both_in.wait()  # a second question waiting behind the first breaks the barrier
        return Answer(question, "好", "text")

    monkeypatch.setattr(state.assistant, "ask", slow_ask)
    out: list[str] = []
    threads = [threading.Thread(target=lambda: out.append(state.ask("问题").answer)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == ["好", "好"] and not both_in.broken


@pytest.mark.slow
def test_the_assistant_answers_the_same_when_asked_concurrently(corpus_index_config):
    from answering.assistant import Assistant
    from tests.app.conftest import HEADLINE

    assistant = Assistant.open(corpus_index_config)
    questions = [HEADLINE, "侯家镇2021年通过微信公众号发布了多少条信息？", "港口乡存在哪些主要问题？",
                 "米山镇2022年行政处罚决定多少件？", "哪个乡镇2021年主动公开的信息最多？",
                 "白奎镇2021年有哪些工作亮点？"]
    expected = {q: assistant.ask(q) for q in questions}
    state = app.AppState(corpus_index_config, assistant=assistant)
    got: list[tuple[str, Answer]] = []
    errors: list[BaseException] = []

    def worker(k: int):
        try:
            for i in range(len(questions)):
                q = questions[(i + k) % len(questions)]
                got.append((q, state.ask(q)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(got) == 36
    for q, ans in got:
        assert (ans.answer, ans.kind, [c.text for c in ans.citations]) == (
            expected[q].answer, expected[q].kind, [c.text for c in expected[q].citations]), q


@pytest.mark.slow
def test_the_page_refuses_a_long_question_and_echoes_no_control_characters(demo):
    long_q = "侯家镇2021年通过微信公众号发布了多少条信息？" * 200
    messages = _ask_page(demo, long_q)
    assert len(messages[0]["content"]) <= MAX_QUESTION_CHARS + 1  # the echo is cut, and says so with “…”
    assert str(MAX_QUESTION_CHARS) in messages[1]["content"] and "上限" in messages[1]["content"]

    messages = _ask_page(demo, f"侯家镇{CONTROLS}2021年通过微信公众号\t发布了多少条信息？")
    assert messages[0]["content"] == "侯家镇2021年通过微信公众号 发布了多少条信息？"
    assert "235" in messages[1]["content"]
    assert not any(_has_control(m["content"]) for m in messages)


@pytest.mark.slow
def test_a_failed_question_is_told_in_chinese(demo, monkeypatch):
    state = demo.nianbao_state

    def broken(question, **kw):
        raise RuntimeError("ConnectionResetError: boom at 0xdeadbeef")

    monkeypatch.setattr(state.assistant, "ask", broken)
    messages = _ask_page(demo, "侯家镇有哪些问题？")
    assert messages[-1]["content"] == app.FAILED_ANSWER
    assert "boom" not in messages[-1]["content"] and not re.search(r"[A-Z][a-z]+Error", messages[-1]["content"])
    assert _fn(demo, "chat").fn("侯家镇有哪些问题？") == app.FAILED_ANSWER


def test_highlighting_in_a_rendered_answer_uses_the_bounded_question():
    cite = Citation("r1", "某镇人民政府", "某镇", 2021, "problems", "存在问题需要改进。" * 300)
    answer = Answer(question="存在问题需要改进" * 600, answer="问题[1]", kind="text", citations=[cite])
    out = app.answer_html(answer)
    assert 0 < out.count("<mark>") <= app.MAX_MARKS


# ---------------------------------------------------------------- through /chat, past the browser's text box
@pytest.mark.slow
def test_the_chat_endpoint_refuses_a_long_question_and_strips_control_characters(corpus_app):
    from gradio_client import Client

    client = Client(corpus_app, verbose=False, analytics_enabled=False)
    text = client.predict("侯家镇2021年通过微信公众号发布了多少条信息？" * 200, api_name="/chat")
    assert str(MAX_QUESTION_CHARS) in text and "上限" in text, text
    text = client.predict(f"侯家镇{CONTROLS}2021年通过微信公众号发布了多少条信息？", api_name="/chat")
    assert "235" in text and not _has_control(text), text


@pytest.mark.slow
def test_questions_are_answered_while_an_upload_is_being_read(corpus_index_config, tmp_path, monkeypatch):
    import shutil
    import time

    from indexing.store import IndexConfig
    from tests.app.conftest import HEADLINE

    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_config.index_dir, index_dir)
    state = app.AppState(IndexConfig(index_dir=index_dir))
    reading = threading.Event()
    real_ingest = app.ingest_paths

    def slow_ingest(*args, **kwargs):  # a large upload: reading and parsing take a while
        reading.set()
        time.sleep(3)
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(app, "ingest_paths", slow_ingest)
    upload = tmp_path / "note.txt"
    upload.write_text("这不是年度报告。", encoding="utf-8")
    uploader = threading.Thread(target=state.ingest, args=([upload],))
    uploader.start()
    assert reading.wait(10)
    started = time.perf_counter()
    answer = state.ask(HEADLINE)
    waited = time.perf_counter() - started
    still_uploading = uploader.is_alive()
    uploader.join(30)
    assert answer.kind == "list" and still_uploading, (answer.kind, waited)  # answered while the upload ran
