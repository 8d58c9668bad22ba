"""👍/👎 feedback beside the index: appended safely, bounded, latest per answer, exported in gold's shape."""

from __future__ import annotations

import json
import threading

import pytest

from nianbao import cli, feedback
from nianbao.feedback import FEEDBACK_FILE, MAX_NOTE_CHARS, Feedback, export_lines, latest, read_all, record

CITE = {"report_id": "r1", "agency": "侯家镇人民政府", "short_name": "侯家镇", "year": 2021, "section": "overview",
        "text": "2021年没有收到政府信息公开申请。", "table": None, "row": None, "column": None}


def _entry(id_: str = "a1", verdict: str = "down", **kw) -> Feedback:
    base = dict(question="2021年哪些乡镇没有收到政府信息公开申请？", answer="侯家镇[1]", kind="list", items=["侯家镇"],
                citations=[CITE], files=["000_0fdc335fd3bbd9c3.txt"])
    base.update(kw)
    return Feedback(id=id_, verdict=verdict, **base)


def test_record_appends_jsonl_beside_the_index(tmp_path):
    index = tmp_path / "index"
    path = record(index, _entry(note="还少了港口乡和白奎镇"))
    assert path == index / FEEDBACK_FILE
    line = json.loads(path.read_text(encoding="utf-8"))
    assert line["verdict"] == "down" and line["note"] == "还少了港口乡和白奎镇" and line["citations"][0]["text"]
    assert line["time"].endswith("+00:00") and line["question"].startswith("2021年")


def test_fields_are_bounded_and_verdicts_checked():
    entry = _entry(note="长" * 50_000, answer="答" * 50_000, citations=[dict(CITE, text="句" * 10_000)] * 500,
                   value=object())
    assert len(entry.note) == MAX_NOTE_CHARS and len(entry.answer) < 50_000
    assert len(entry.citations) <= 30 and len(entry.citations[0]["text"]) <= 600 and entry.value is None
    with pytest.raises(ValueError):
        _entry(verdict="maybe")


def test_concurrent_appends_never_interleave(tmp_path):
    threads = [threading.Thread(target=lambda i=i: [record(tmp_path, _entry(f"t{i}-{j}", note="x" * 900))
                                                    for j in range(20)]) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 160 and all(json.loads(line)["note"] == "x" * 900 for line in lines)


def test_a_later_note_replaces_the_first_line_and_damage_is_skipped(tmp_path):
    record(tmp_path, _entry("a1", "up"))
    record(tmp_path, _entry("a2", "down"))
    with (tmp_path / FEEDBACK_FILE).open("a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "verd')  # a write cut off by a crash
        fh.write("\n")
    record(tmp_path, _entry("a1", "down", note="其实答错了"))
    assert len(list(read_all(tmp_path))) == 3
    kept = {e.id: e for e in latest(tmp_path)}
    assert kept["a1"].verdict == "down" and kept["a1"].note == "其实答错了" and set(kept) == {"a1", "a2"}


def test_export_lines_look_like_gold_lines(tmp_path):
    record(tmp_path, _entry("a1", "down", note="还有港口乡", history=["之前"]))
    record(tmp_path, _entry("a2", "up", kind="yesno", value=False, items=[]))
    down = [json.loads(x) for x in export_lines(tmp_path, verdict="down")]
    assert len(down) == 1
    gold = down[0]
    assert {"id", "question", "type", "answer", "evidence", "files"} <= set(gold)
    assert gold["type"] == "list" and gold["answer"] == ["侯家镇"] and gold["history"] == ["之前"]
    assert gold["evidence"] == [CITE["text"]] and gold["files"] == ["000_0fdc335fd3bbd9c3.txt"]
    assert gold["feedback"]["note"] == "还有港口乡"
    both = [json.loads(x) for x in export_lines(tmp_path)]
    assert both[1]["answer"] == "否"  # yes/no answers in gold's words


def test_cli_feedback_export(tmp_path, capsys):
    record(tmp_path, _entry("a1", "down"))
    record(tmp_path, _entry("a2", "up"))
    assert cli.main(["feedback", "export", "--index", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    out = tmp_path / "fb.jsonl"
    assert cli.main(["feedback", "export", "--index", str(tmp_path), "--down", "--out", str(out)]) == 0
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["fb-a1"]
    assert cli.main(["feedback", "export", "--index", str(tmp_path / "none")]) == 0  # no feedback yet: empty


def test_a_full_feedback_file_refuses_more(tmp_path, monkeypatch):
    monkeypatch.setattr(feedback, "MAX_FILE_BYTES", 3000)
    record(tmp_path, _entry("a1"))
    with pytest.raises(feedback.FeedbackFull):
        for i in range(10):
            record(tmp_path, _entry(f"b{i}"))
    assert (tmp_path / FEEDBACK_FILE).stat().st_size <= 3000
    assert all(isinstance(e, Feedback) for e in read_all(tmp_path))  # what was kept is whole


def test_a_withdrawn_verdict_leaves_the_export(tmp_path):
    record(tmp_path, _entry("a1", "down"))
    record(tmp_path, _entry("a2", "down"))
    record(tmp_path, _entry("a1", "withdrawn"))  # the same 👎 clicked again
    assert [json.loads(x)["id"] for x in export_lines(tmp_path)] == ["fb-a2"]
    assert [json.loads(x)["id"] for x in export_lines(tmp_path, verdict="down")] == ["fb-a2"]
