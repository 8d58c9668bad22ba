"""Beyond one machine (issue 12): two apps on two index directories share one Chroma server (a real `chroma run` on
loopback). A report uploaded through one is answered by the other within seconds — its records re-read, the local
lexical store caught up for that report only, nothing rebuilt, nothing embedded again."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from indexing.retrieve import LexicalStore
from indexing.store import Index, IndexConfig
from tests.app.conftest import CORPUS_DIR, HEADLINE, UPLOAD_CHANGES, UPLOAD_SAMPLE, variant_report
from tests.indexing.test_store import chroma_server  # noqa: F401  (the fixture: a real `chroma run` on loopback)

WECHAT_777 = "测试镇2021年通过微信公众号发布了多少条信息？"
PROPAGATION_BOUND = 10.0  # seconds; the app looks at the shared generation every AppState.SHARED_POLL_SECONDS


def _within(state, question: str, ok: Callable[[str], bool]) -> float:
    """Ask `state` until its answer satisfies `ok`; the seconds it took (fails past PROPAGATION_BOUND)."""
    start = time.monotonic()
    while True:
        answer = state.ask(question).answer
        if ok(answer):
            return time.monotonic() - start
        if time.monotonic() - start > PROPAGATION_BOUND:
            pytest.fail(f"not seen within {PROPAGATION_BOUND}s; last answer: {answer[:300]}")
        time.sleep(0.1)


@pytest.mark.slow
def test_a_report_uploaded_through_one_app_is_answered_by_the_other(tmp_path, chroma_server, monkeypatch):  # noqa: F811
    import app

    def refuse(self):
        raise AssertionError("the whole lexical store was rebuilt")

    monkeypatch.setattr(Index, "rebuild_lexical", refuse)
    put = LexicalStore.put_reports
    written: dict[Path, list[str]] = {}

    def spy(self, items, tokens=None):
        items = list(items)
        written.setdefault(self.path.parent, []).extend(report.report_id for report, _ in items)
        return put(self, items, tokens)

    monkeypatch.setattr(LexicalStore, "put_reports", spy)

    a = app.AppState(IndexConfig(index_dir=tmp_path / "a", chroma_url=chroma_server))
    b = app.AppState(IndexConfig(index_dir=tmp_path / "b", chroma_url=chroma_server))
    assert "测试镇" not in b.ask(WECHAT_777).answer

    samples = a.ingest([CORPUS_DIR])
    assert len(samples.added) == 5 and not samples.failures
    _within(b, HEADLINE, lambda text: all(name in text for name in ("侯家镇", "港口乡", "白奎镇")))
    assert sorted(written[b.config.index_dir]) == sorted(samples.added)  # from the records, once each

    new = variant_report(UPLOAD_SAMPLE, UPLOAD_CHANGES, tmp_path / "upload" / "测试镇2021.txt")
    added = a.ingest([new])
    assert len(added.added) == 1 and not added.failures
    seconds = _within(b, WECHAT_777, lambda text: "777" in text)
    print(f"\nreport uploaded through A answered by B after {seconds:.2f} s")
    (rid,) = added.added
    assert written[b.config.index_dir][5:] == [rid]  # B's lexical store: that report only, no rebuild
    assert a.catch_up.wait(120)  # records first: A's upload returned before its vectors, A's catch-up writes them
    assert b.assistant.index.embedder.misses == 0  # B embedded no passage: A's vectors are on the server
    hit = b.assistant.index.search("测试镇 微信公众号 发布", k=3, mode="vector")[0]
    assert hit.short_name == "测试镇"  # B's vector half reads the chunks A wrote
    assert not b.sync()  # nothing changed since: no second reload

    assert a.delete(rid)
    seconds = _within(b, WECHAT_777, lambda text: "777" not in text)
    print(f"report removed through A gone from B after {seconds:.2f} s")
    assert "测试镇" not in {r.short_name for r in b.reports()}
    assert rid not in b.assistant.index.lexical().report_ids()  # its rows pruned from B's lexical store
    assert all(name in b.ask(HEADLINE).answer for name in ("侯家镇", "港口乡", "白奎镇"))

    # questions do not each ask the server: the shared generation is read at most once per SHARED_POLL_SECONDS
    generation = Index.generation
    reads = []
    monkeypatch.setattr(Index, "generation", lambda self: reads.append(1) or generation(self))
    start = time.monotonic()
    for _ in range(20):
        b.ask(HEADLINE)
    assert len(reads) <= 1 + (time.monotonic() - start) / app.AppState.SHARED_POLL_SECONDS
