"""`nianbao bench …`: each benchmark lives with the layer it measures; this only dispatches."""

from __future__ import annotations

from pathlib import Path


def run_bench(what: str, config, *, corpus_dir: Path | None, **options) -> dict:
    if what == "retrieval":
        from indexing.bench import retrieval_bench

        return retrieval_bench(config, corpus_dir=corpus_dir)
    if what == "ingest":
        from indexing.bench import ingest_bench

        return ingest_bench(config, corpus_dir=corpus_dir)
    if what == "answers":
        from answering.bench import answer_bench

        return answer_bench(config, corpus_dir=corpus_dir)
    if what == "plans":
        from eval.reader_bench import plans_bench

        return plans_bench(config, corpus_dir=corpus_dir)
    if what == "load":
        from nianbao.load import load_bench

        return load_bench(config, corpus_dir=corpus_dir, **options)
    if what == "parse":
        from eval.parse_bench import run_parse_bench

        return run_parse_bench(corpus_dir, **options)
    if what == "scale":
        from eval.scale_bench import run_scale_bench

        return run_scale_bench(**options)
    raise ValueError(f"unknown benchmark {what!r}")
