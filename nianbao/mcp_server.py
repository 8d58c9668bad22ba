"""`nianbao mcp`: the assistant as a Model Context Protocol server (issue 14), over stdio or streamable HTTP.

Tools, all read-only (none writes to the index):
- `ask`: a question (and the earlier questions of the conversation) → the `ask --json` answer, from `Assistant.ask`,
  the app's answering path with its question bounds (answering/limits.py).
- `data`: one measure (a table cell kind) for every body and year → rows with the cell each value was read from
  (answering/dataset.py, as the app's 数据 tab); `measures` lists the catalogue.
- `list_reports`: filters → report identities, template, source file and parse flags.
- `get_report`: a report_id → its identity, sections, the three tables (blank cells null, never 0) and prose figures.

Outputs are pydantic models, so every tool publishes an output schema and returns structured content. A failure the
caller can fix (an unknown report_id or measure, a bad argument) is a tool error naming what was wrong; anything else
is caught by the SDK and returned as a tool error too, so no input takes the server down.
"""

import sys
import threading
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

import nianbao  # first of the project imports: pins the offline environment before any model library loads
from answering.assistant import Assistant
from answering.dataset import Measure, UnknownMeasure, data_rows, in_region, require_measure, search_measures
from answering.limits import MAX_CONCURRENT_ANSWERS, MAX_QUESTION_CHARS, MAX_REPLAYED_TURNS
from answering.llm import LLMConfig
from answering.models import Kind, section_title
from indexing.models import Number, Report
from indexing.normalize import compact
from indexing.schema import LEVELS
from indexing.store import IndexConfig
from nianbao.serving import is_loopback, replay

# Earlier questions replayed for a follow-up: the last MAX_REPLAYED_TURNS only (answering/limits.py, as on every
# surface); a longer history is accepted up to MAX_HISTORY_ITEMS.
MAX_HISTORY_ITEMS = 50  # a bound on the request, not on the conversation
# The schema's bound on a raw question. Control characters removed may shorten it, so it is looser than the
# 500-character limit Assistant.ask applies (a longer question gets the same refusal as in the app and the CLI).
RAW_QUESTION_CHARS = 4 * MAX_QUESTION_CHARS
MAX_NAME_CHARS = 200  # a report_id, body, region or measure name; real ones are under 60 characters
MAX_MEASURES_LISTED = 500  # the whole catalogue fits; a bound so a search result is never unbounded
DEFAULT_HTTP_PORT = 7870
HTTP_PATH = "/mcp"

Level = Literal[LEVELS]  # type: ignore[valid-type]  # the schema's level names, as an enum in the tool schema

INSTRUCTIONS = (
    "nianbao answers Chinese questions about government information-disclosure annual reports "
    "(政府信息公开工作年度报告) with exact numbers cited to table cells or sentences. Ask in Chinese with `ask`; "
    "use `list_reports` / `get_report` to read the reports themselves and `data` (with `measures`) for one figure "
    "across every body and year. A null value is unknown (blank in the report), never zero."
)


# ---------------------------------------------------------------- outputs
class CitationOut(BaseModel):
    """Where a number or sentence came from: a table cell (table, row, column keys) or a prose passage."""

    report_id: str
    agency: str
    short_name: str
    year: int | None
    section: str
    text: str
    table: str | None = None
    row: str | None = None
    column: str | None = None


class AnswerOut(BaseModel):
    """The `nianbao ask --json` contract. `answer`'s [n] marks refer to citations[n-1]."""

    model_config = ConfigDict(extra="allow")  # a field the contract gains later passes through

    question: str
    answer: str
    kind: Kind
    value: bool | int | float | None = None
    items: list[str] = Field(default_factory=list)
    citations: list[CitationOut] = Field(default_factory=list)
    elapsed_ms: float = 0.0
    rows: list[dict[str, Any]] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list, description="clarify: readings to choose from, each a question")
    llm: dict[str, Any] | None = None


class FlagOut(BaseModel):
    """A broken consistency rule or a parse doubt kept on the report (shown to users as 解析标记)."""

    rule: str
    message: str
    cells: list[str] = Field(default_factory=list)
    numbers: dict[str, Number | None] = Field(default_factory=dict)


class ReportIdentity(BaseModel):
    report_id: str
    agency: str = Field(description="the body's full name as written, e.g. 威海市文登区侯家镇人民政府")
    short_name: str
    region: list[str] = Field(description="region chain, outermost first")
    level: str
    year: int | None
    template: str = Field(description="table template: 2021, 2019 or wide")
    title: str
    source: str = Field(description="the file the report was read from")
    signed_date: str | None
    answerable: bool = Field(description="body and year known; an unidentified report takes no part in answers")
    identity_sources: dict[str, str] = Field(description="identity field → where in the file it was read")
    corrections: dict[str, Any] = Field(description="identity fields a person corrected (nianbao fix)")
    flags: list[FlagOut]


class ReportList(BaseModel):
    reports: list[ReportIdentity]


class SectionOut(BaseModel):
    key: str = Field(description="canonical section key: preface, overview, proactive, requests, appeals, …")
    title: str
    text: str


class FactOut(BaseModel):
    """A figure stated in prose, with its sentence."""

    key: str
    value: bool | int | float | None
    sentence: str
    section: str
    unit: str = ""


class ReportDetail(ReportIdentity):
    sections: list[SectionOut]
    tables: dict[str, dict[str, dict[str, Number | None]] | None] = Field(
        description="table (proactive | requests | appeals) → row → column → value; null: blank or absent (unknown,"
        " not zero); a whole table null: the report has no such table"
    )
    facts: list[FactOut]


class MeasureOut(BaseModel):
    key: str = Field(description="table.row.column, e.g. requests.new_received.total")
    name: str = Field(description="Chinese name, e.g. 表三 本年新收政府信息公开申请数量 · 总计")
    unit: str


class MeasureList(BaseModel):
    measures: list[MeasureOut]


class CellRef(BaseModel):
    table: str
    row: str
    column: str


class DataRowOut(BaseModel):
    body: str
    short_name: str
    region: str = Field(description="region chain joined by /")
    level: str
    year: int
    value: Number | None = Field(description="null: blank in the report (unknown, not zero)")
    report_id: str
    source: str
    cell: CellRef
    cell_text: str = Field(description="the cell as an answer cites it: 表三 · 行 × 列 = 值")


class DataResult(BaseModel):
    measure: MeasureOut
    rows: list[DataRowOut]


# ---------------------------------------------------------------- conversions (pure)
def report_identity(report: Report) -> ReportIdentity:
    return ReportIdentity(**_identity_fields(report))


def _identity_fields(report: Report) -> dict[str, Any]:
    return {
        "report_id": report.report_id, "agency": report.agency, "short_name": report.short_name,
        "region": list(report.region), "level": report.level, "year": report.year, "template": report.template,
        "title": report.title, "source": report.source, "signed_date": report.signed_date,
        "answerable": report.identified, "identity_sources": dict(report.sources),
        "corrections": dict(report.corrections),
        "flags": [FlagOut(rule=f.rule, message=f.message, cells=list(f.cells), numbers=dict(f.numbers))
                  for f in report.flags],
    }


def report_detail(report: Report) -> ReportDetail:
    return ReportDetail(
        **_identity_fields(report),
        sections=[SectionOut(key=k, title=section_title(k), text=t) for k, t in report.sections.items()],
        tables={k: report.tables.get(k) for k in ("proactive", "requests", "appeals")},
        facts=[FactOut(key=k, value=f.value, sentence=f.sentence, section=f.section, unit=f.unit)
               for k, f in report.facts.items()],
    )


def measure_out(m: Measure) -> MeasureOut:
    return MeasureOut(key=m.key, name=m.name_zh, unit=m.unit)


def matches(report: Report, body: str | None, region: str | None, year: int | None, level: str | None) -> bool:
    """The list_reports filters: body is the short name or part of the full name; region is any part of the chain
    (answering.dataset.in_region, as the 数据 tab filters). Traditional and full-width forms are folded."""
    if year is not None and report.year != year:
        return False
    if level and report.level != level:
        return False
    if body and compact(body) != compact(report.short_name) and compact(body) not in compact(report.agency):
        return False
    return not region or in_region(report, region)


# ---------------------------------------------------------------- the server
Question = Annotated[str, Field(min_length=1, max_length=RAW_QUESTION_CHARS,
                                description="a question in Chinese, e.g. 2021年哪些乡镇没有收到政府信息公开申请？")]
_HISTORY_HELP = (f"the conversation's earlier questions, oldest first (the last {MAX_REPLAYED_TURNS} are replayed), "
                 "e.g. [\"2021年哪些乡镇没有收到政府信息公开申请？\"]")
History = Annotated[tuple[Annotated[str, Field(max_length=RAW_QUESTION_CHARS)], ...],
                    Field(max_length=MAX_HISTORY_ITEMS, description=_HISTORY_HELP)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Year = Annotated[int, Field(ge=1900, le=2100, description="the year a report covers, e.g. 2021")]
_READ_ONLY = {"read_only_hint": True, "destructive_hint": False, "idempotent_hint": True, "open_world_hint": False}


ASK_DESCRIPTION = f"""Answer a Chinese question about the annual reports with exact numbers and numbered citations.

Examples: 2021年哪些乡镇没有收到政府信息公开申请？ · 侯家镇2021年通过微信公众号发布了多少条信息？
For a follow-up (那2020年呢？ / 它的微信公众号呢？) pass the earlier questions in `history`.
A question over {MAX_QUESTION_CHARS} characters (control characters removed) is refused with an answer that says so.
`kind` is value, list, count, yesno, text, unknown (the reports do not say) or clarify (pick one of `options`)."""


def build_server(assistant: Assistant) -> MCPServer:
    """The MCP server over an open Assistant (its records loaded once; no tool writes)."""
    server = MCPServer("nianbao", instructions=INSTRUCTIONS, version=nianbao.__version__, log_level="WARNING")
    read_only = ToolAnnotations(**_READ_ONLY)
    answering = threading.BoundedSemaphore(MAX_CONCURRENT_ANSWERS)  # tools run on the SDK's worker threads

    @server.tool(annotations=read_only, description=ASK_DESCRIPTION)
    def ask(question: Question, history: History = ()) -> AnswerOut:
        with answering:
            return AnswerOut.model_validate(replay(assistant.ask, question, history).to_json())

    @server.tool(annotations=read_only)
    def list_reports(body: Name | None = None, region: Name | None = None, year: Year | None = None,
                     level: Level | None = None) -> ReportList:
        """List the indexed reports with their identity, template, source file and parse flags.

        Filters (all optional, combined with AND): body — short name or part of the full name (侯家镇);
        region — any part of the region chain (威海市, 文登区, 威海市/文登区); year (2021); level (乡镇).
        """
        found = [r for r in assistant.all_reports() if matches(r, body, region, year, level)]
        found.sort(key=lambda r: (r.short_name, r.year or 0, r.report_id))
        return ReportList(reports=[report_identity(r) for r in found])

    @server.tool(annotations=read_only)
    def get_report(report_id: Name) -> ReportDetail:
        """One report whole: identity, flags, sections (key, title, text), the three tables keyed by canonical
        table/row/column (a blank cell is null — unknown, not zero) and the figures stated in prose.

        Example: get_report("侯家镇-2021-65e779d2"); the ids come from list_reports.
        """
        report = next((r for r in assistant.all_reports() if r.report_id == report_id), None)
        if report is None:
            raise ToolError(f"未找到报告 {report_id!r}: no report with this report_id in the index "
                            "(list_reports gives the ids)")
        return report_detail(report)

    @server.tool(annotations=read_only)
    def measures(search: Annotated[str, Field(max_length=MAX_NAME_CHARS)] = "") -> MeasureList:
        """The measures `data` takes: every table cell kind, with its key, Chinese name and unit.

        `search` keeps those whose key or name holds every word, e.g. 新收 总计 or requests.new_received.
        """
        return MeasureList(measures=[measure_out(m) for m in search_measures(search)[:MAX_MEASURES_LISTED]])

    @server.tool(annotations=read_only)
    def data(measure: Name, year: Year | None = None, region: Name | None = None,
             level: Level | None = None) -> DataResult:
        """One measure for every body and year that reports it, each value with the table cell it was read from.

        `measure`: a key (requests.new_received.total) or Chinese name (新收申请 总计); `measures` lists them.
        Filters: year (2021), region — any part of the chain (威海市), level (乡镇). A null value is a blank cell
        (unknown, not zero).
        """
        try:
            m = require_measure(measure)
        except UnknownMeasure as exc:
            raise ToolError(f"没有这个指标 {measure!r}: no measure with this key or name; the measures tool lists them "
                            "(e.g. requests.new_received.total, 新收申请 总计)") from exc
        rows = data_rows(assistant.reports(), m.key, year=year, region=region, level=level)
        return DataResult(measure=measure_out(m), rows=[
            DataRowOut(body=d.body, short_name=d.short_name, region=d.region, level=d.level, year=d.year,
                       value=d.value, report_id=d.report_id, source=d.source,
                       cell=CellRef(table=d.table, row=d.row, column=d.column), cell_text=m.cell_text(d.value))
            for d in rows])

    return server


def refuse_host(host: str, allow_remote: bool) -> str | None:
    """Why the HTTP transport may not bind `host`, or None. The server has no authentication: anyone who can reach
    the port can read every report and keep the CPU busy, so only loopback unless the operator says otherwise."""
    if is_loopback(host) or allow_remote:
        return None
    return (f"拒绝监听 {host}：MCP 服务没有身份验证，能连到这个地址的任何人都能读取全部报告并占用 CPU。"
            "只在本机使用请用 --host 127.0.0.1；确需对外提供，请放在带身份验证的反向代理之后并加 --allow-remote。")


def serve(config: IndexConfig, *, transport: str = "stdio", host: str = "127.0.0.1", port: int = DEFAULT_HTTP_PORT,
          allow_remote: bool = False, llm: LLMConfig | None = None) -> int:
    """Open the index (read-only use) and serve until the client closes stdin or the process is stopped."""
    if transport == "http" and (why := refuse_host(host, allow_remote)):
        print(f"错误 {why}", file=sys.stderr)
        return 2
    if not config.chroma_url and not config.index_dir.is_dir():  # opening would create an empty index
        print(f"错误 索引目录不存在：{config.index_dir}（先运行 nianbao ingest corpus --index {config.index_dir}）",
              file=sys.stderr)
        return 2
    server = build_server(Assistant.open(config, llm=llm))
    if transport == "http":
        print(f"MCP (streamable HTTP) on http://{host}:{port}{HTTP_PATH}", file=sys.stderr, flush=True)
        server.run("streamable-http", host=host, port=port, streamable_http_path=HTTP_PATH)
    else:
        server.run("stdio")
    return 0
