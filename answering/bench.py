"""`nianbao bench answers`: answer latency, structured (numbers from records) vs retrieval (prose passages).

Measured over a fixed question list on the loaded assistant (index and models load once, outside the timings).
If the configured index holds no reports, one is built from `corpus_dir` in a temporary directory first.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

STRUCTURED_QUESTIONS: tuple[str, ...] = (
    "2021年哪些乡镇没有收到政府信息公开申请",
    "2021年有几个乡镇没有收到申请",
    "侯家镇2021年通过微信公众号发布多少条",
    "米山镇2022年行政处罚决定多少件",
    "主动公开信息最多的是哪个",
    "主动公开信息最少的是哪个乡镇",
    "侯家镇和米山镇谁主动公开的信息多",
    "侯家镇2021年是否收取信息处理费",
    "文登区各乡镇主动公开了多少条信息",
    "侯家鎮2021年通過微信公眾號發布了多少條信息",
    "按主动公开信息数量排名",
    "主动公开信息合计多少条",
    "2021年各乡镇平均主动公开多少条信息",
    "白奎镇2021年予以公开多少件",
    "港口乡2021年行政复议有多少件",
    "辉渠镇2020年收到多少政府信息公开申请",
)
RETRIEVAL_QUESTIONS: tuple[str, ...] = (
    "港口乡存在哪些问题",
    "侯家镇的改进措施有哪些",
    "米山镇政府信息公开平台建设情况如何",
    "辉渠镇存在的主要问题是什么",
    "白奎镇的联系电话是多少",
    "侯家镇有哪些创新做法",
    "米山镇存在哪些不足",
    "港口乡如何加强保密审查",
)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[i], 1)


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": _pct(values, 0.5), "p95": _pct(values, 0.95),
            "mean": round(statistics.fmean(values), 1) if values else 0.0}


def answer_bench(config, corpus_dir: Path, rounds: int = 3) -> dict:
    from answering.assistant import Assistant
    from indexing.pipeline import ingest_paths
    from indexing.store import Index

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        built = False
        local_empty = config.chroma_url is None and not any(Path(config.index_dir).glob("*"))
        if local_empty or not Index.open(config).reports():
            config = replace(config, index_dir=Path(tmp))
            summary = ingest_paths([Path(corpus_dir)], config)
            if summary.failures:
                raise RuntimeError(f"bench corpus failed to ingest: {summary.failures}")
            built = True
        start = time.perf_counter()
        assistant = Assistant.open(config)
        load_ms = (time.perf_counter() - start) * 1000
        timings: dict[str, list[float]] = {"structured": [], "retrieval": []}
        kinds: dict[str, int] = {}
        for _ in range(rounds):
            for questions in (STRUCTURED_QUESTIONS, RETRIEVAL_QUESTIONS):
                for q in questions:  # filed by the path the answer actually took
                    answer = assistant.ask(q)
                    took_retrieval = answer.query is not None and answer.query.operation == "text"
                    timings["retrieval" if took_retrieval else "structured"].append(answer.elapsed_ms)
                    kinds[answer.kind] = kinds.get(answer.kind, 0) + 1
        return {
            "questions": len(STRUCTURED_QUESTIONS) + len(RETRIEVAL_QUESTIONS),
            "rounds": rounds,
            "index_built_for_bench": built,
            "load_ms": round(load_ms, 1),
            "structured_ms": _summary(timings["structured"]),
            "retrieval_ms": _summary(timings["retrieval"]),
            "kinds": kinds,
        }
