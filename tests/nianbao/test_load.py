"""`nianbao bench load`'s report: percentiles, per-class summaries, the ratio and the verdict (no server)."""

from __future__ import annotations

import json

from nianbao.load import (
    LONG,
    LONG_QUESTION_CHARS,
    ORDINARY,
    UPLOAD,
    Sample,
    _answer_error,
    _upload_fn_index,
    build_report,
    long_question,
    percentile,
    summarize,
    write_upload_file,
)


def test_percentile_is_nearest_rank():
    values = [0.1 * i for i in range(1, 101)]  # 0.1 … 10.0
    assert percentile(values, 50) == values[49]
    assert percentile(values, 95) == values[94]
    assert percentile(values, 100) == values[-1]
    assert percentile([3.0], 95) == 3.0
    assert percentile(reversed([1.0, 2.0, 3.0]), 50) == 2.0  # any order
    assert percentile([], 50) is None


def test_summarize_counts_errors_and_times_only_successes():
    samples = [Sample(ORDINARY, s) for s in (0.010, 0.020, 0.030, 0.040)]
    samples += [Sample(ORDINARY, 99.0, "TimeoutError: late"), Sample(LONG, 0.5)]
    out = summarize(samples)
    assert out[ORDINARY]["count"] == 5 and out[ORDINARY]["errors"] == 1
    assert out[ORDINARY]["p50_ms"] == 20.0 and out[ORDINARY]["p95_ms"] == 40.0 and out[ORDINARY]["max_ms"] == 40.0
    assert out[ORDINARY]["first_errors"] == ["TimeoutError: late"]
    assert out[LONG] == {"count": 1, "errors": 0, "p50_ms": 500.0, "p95_ms": 500.0, "max_ms": 500.0, "first_errors": []}
    assert UPLOAD not in out


def test_report_ratio_and_verdict():
    baseline = [Sample(ORDINARY, 0.1)] * 19 + [Sample(ORDINARY, 0.2)]
    loaded = [Sample(ORDINARY, 0.1)] * 19 + [Sample(ORDINARY, 0.3), Sample(LONG, 1.0), Sample(UPLOAD, 5.0)]
    report = build_report(baseline, loaded, users=20, seconds=60)
    assert report["users"] == 20 and report["seconds"] == 60
    assert report["ordinary_p95_baseline_ms"] == 100.0  # nearest rank: 19 of 20 are 0.1 s
    assert report["ordinary_p95_loaded_ms"] == 100.0
    assert report["ordinary_p95_ratio"] == 1.0 and report["errors"] == 0 and report["met"] is True
    assert set(report["loaded"]) == {ORDINARY, LONG, UPLOAD}
    json.dumps(report)  # the --json output

    slow = [Sample(ORDINARY, 0.3)] * 20
    assert build_report(baseline, slow)["ordinary_p95_ratio"] == 3.0
    assert build_report(baseline, slow)["met"] is False
    failing = build_report(baseline, [*loaded, Sample(UPLOAD, 1.0, "upload event failed")])
    assert failing["errors"] == 1 and failing["met"] is False
    assert build_report([], loaded)["ordinary_p95_ratio"] is None and build_report([], loaded)["met"] is False


def test_inputs_and_answer_checks(tmp_path):
    q = long_question()
    assert len(q) == LONG_QUESTION_CHARS and q.endswith("？")
    path = write_upload_file(tmp_path / "big.txt", size=300_000)
    size = path.stat().st_size
    assert 299_990 <= size <= 300_000
    path.read_text(encoding="utf-8")  # whole characters only
    assert _answer_error("侯家镇2021年通过微信公众号发布信息235条。") is None
    assert _answer_error("") is not None and _answer_error(None) is not None
    assert _answer_error("出错了：回答这个问题时程序出现了问题") is not None


def test_upload_event_is_found_in_the_app_config():
    config = {
        "components": [
            {"id": 5, "type": "textbox", "props": {"elem_id": "nb-q"}},
            {"id": 6, "type": "file", "props": {"elem_id": "nb-download"}},
            {"id": 7, "type": "file", "props": {"elem_id": "nb-upload"}},
        ],
        "dependencies": [
            {"id": 0, "inputs": [5], "backend_fn": True},
            {"id": 2, "inputs": [7], "backend_fn": False},
            {"id": 3, "inputs": [7], "backend_fn": True},
        ],
    }
    assert _upload_fn_index(config) == 3
