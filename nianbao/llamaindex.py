"""llama-index components over a nianbao index (issue 14): a retriever and a query engine.

- `NianbaoRetriever` is a llama-index `BaseRetriever` over the project's hybrid search (Chroma vectors + BM25 fused
  by reciprocal rank, indexing/store.py): one `NodeWithScore` per section chunk, the fused score as its score.
- `NianbaoQueryEngine` is a llama-index `BaseQueryEngine` over `Assistant.ask` — the app's answering path and
  question bounds. Its `Response.response` is the answer line (`Answer.answer`, whose [n] marks number the
  `source_nodes`), `source_nodes` are the answer's citations in order, and `metadata` is `Answer.to_json()`
  (the `ask --json` contract).

Neither touches llama-index's `Settings.llm` or `Settings.embed_model`: queries are embedded by the index's own
embedder and answers need no language model, so nothing here reaches for OpenAI defaults or downloads anything.
Filters are llama-index `MetadataFilters` with EQ/IN on year, region, level, report_id and section, combined with
AND; anything else is refused with a ValueError rather than ignored (an ignored filter would answer about reports
the caller excluded).
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.callbacks import CallbackManager
from llama_index.core.prompts.mixin import PromptMixinType
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores.types import FilterCondition, FilterOperator, MetadataFilter, MetadataFilters

import nianbao  # noqa: F401  (offline environment before Chroma/transformers load)
from answering.assistant import Assistant
from answering.citing import Lookup, cell_line, citation_heading
from answering.limits import bound_question, too_long_text
from answering.models import Answer, Citation
from indexing.doctor import CHROMA_DIR, CHROMA_FILE
from indexing.retrieve import Hit, SearchFilters
from indexing.store import Index, IndexConfig
from nianbao.config import DEFAULT_EMBEDDER, DEFAULT_INDEX_DIR

DEFAULT_TOP_K = 8  # what the passage answers retrieve
MAX_TOP_K = 100  # more chunks than any answer reads; bounds the work one call can ask for

# llama-index metadata key → SearchFilters field. “region” matches any level of the region chain or the body's name.
FILTER_FIELDS = {
    "year": "years",
    "region": "regions",
    "level": "levels",
    "report_id": "report_ids",
    "section": "sections",
}
_OPERATORS = (FilterOperator.EQ, FilterOperator.IN)


# ---------------------------------------------------------------- filters
def search_filters(filters: MetadataFilters | SearchFilters | None) -> SearchFilters | None:
    """llama-index MetadataFilters as the project's SearchFilters (a SearchFilters passes through).

    Raises ValueError for an unsupported key, operator, condition or value, and for filters no report can meet."""
    if filters is None or isinstance(filters, SearchFilters):
        return filters
    if not isinstance(filters, MetadataFilters):
        raise ValueError(f"filters must be llama-index MetadataFilters or SearchFilters, not {type(filters).__name__}")
    if len(filters.filters) > 1 and filters.condition not in (None, FilterCondition.AND):
        raise ValueError(f"unsupported filter condition {filters.condition!r}: only AND combines nianbao filters")
    if filters.condition == FilterCondition.NOT:
        raise ValueError("unsupported filter condition NOT: only EQ and IN filters combined with AND")
    allowed: dict[str, list[Any]] = {}
    for f in filters.filters:
        if isinstance(f, MetadataFilters):
            raise ValueError("nested MetadataFilters are not supported: give one flat list of EQ/IN filters")
        key, values = _filter_values(f)
        # several filters on one key, all required: the values they share
        allowed[key] = [v for v in allowed[key] if v in values] if key in allowed else values
    for key, values in allowed.items():
        if not values:
            raise ValueError(f"filters on {key!r} contradict each other: no report can meet them")
    if not allowed:
        return None
    return SearchFilters(**{FILTER_FIELDS[key]: values for key, values in allowed.items()})


def _filter_values(f: MetadataFilter) -> tuple[str, list[Any]]:
    if f.key not in FILTER_FIELDS:
        raise ValueError(f"unsupported filter key {f.key!r}; nianbao filters on {', '.join(FILTER_FIELDS)}")
    if f.operator not in _OPERATORS:
        raise ValueError(f"unsupported filter operator {f.operator.value!r} on {f.key!r}; use == (EQ) or in (IN)")
    if f.operator == FilterOperator.IN:
        if not isinstance(f.value, list) or not f.value:
            raise ValueError(f"filter {f.key!r} in …: the value must be a non-empty list")
        raw = list(f.value)
    else:
        if f.value is None or isinstance(f.value, list):
            raise ValueError(f"filter {f.key!r} == …: the value must be one string or number")
        raw = [f.value]
    if f.key == "year":
        return f.key, [_year(v) for v in raw]
    if f.key == "region":
        # a node's region reads “威海市/文登区”; the index matches one name of the chain, the deepest is meant
        return f.key, [str(v).rstrip("/").rpartition("/")[2] for v in raw]
    return f.key, [str(v) for v in raw]


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"filter 'year': {value!r} is not a year") from None
    if year != value and str(year) != str(value).strip():  # 2021.5 or "2021年" is not a year
        raise ValueError(f"filter 'year': {value!r} is not a year")
    return year


# ---------------------------------------------------------------- the retriever
class NianbaoRetriever(BaseRetriever):
    """The hybrid search as a llama-index retriever: `retrieve("问题")` → NodeWithScore per section chunk."""

    def __init__(
        self,
        index: Index,
        *,
        similarity_top_k: int = DEFAULT_TOP_K,
        filters: MetadataFilters | SearchFilters | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        if isinstance(similarity_top_k, bool) or not isinstance(similarity_top_k, int) or not (
            1 <= similarity_top_k <= MAX_TOP_K
        ):
            raise ValueError(f"similarity_top_k must be an integer from 1 to {MAX_TOP_K}, not {similarity_top_k!r}")
        self.index = index
        self.similarity_top_k = similarity_top_k
        self.filters = search_filters(filters)  # checked now: a bad filter fails at construction, not mid-pipeline
        super().__init__(callback_manager=callback_manager)

    @classmethod
    def from_index_dir(
        cls, index_dir: str | Path = DEFAULT_INDEX_DIR, *, embedder: str = DEFAULT_EMBEDDER, **kwargs: Any
    ) -> NianbaoRetriever:
        """A retriever over the index at `index_dir` (built by `nianbao ingest`), embedding with its own model."""
        return cls(Index.open(IndexConfig(_existing(index_dir), embedder=embedder)), **kwargs)

    @classmethod
    def from_assistant(cls, assistant: Assistant, **kwargs: Any) -> NianbaoRetriever:
        if assistant.index is None:
            raise ValueError("this Assistant answers from fixed reports and has no index to search")
        return cls(assistant.index, **kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question, refused = bound_question(query_bundle.query_str)  # the same bounds as every other surface
        if refused is not None:
            raise ValueError(too_long_text(len(question)))
        hits = self.index.search(question, k=self.similarity_top_k, filters=self.filters)
        meta = self.index.record_meta()
        return [NodeWithScore(node=hit_node(h, meta.get(h.report_id, {})), score=h.score) for h in hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # Chroma, BM25 and the embedder are blocking: keep them off the event loop
        return await asyncio.to_thread(self._retrieve, query_bundle)


def hit_node(hit: Hit, record: dict[str, Any]) -> TextNode:
    """A section chunk as a TextNode: its body as text, who/when/where as metadata (region and level from the
    report's record, the chunk's own header repeated by the metadata and so left out)."""
    metadata = {
        "report_id": hit.report_id,
        "agency": hit.agency,
        "short_name": hit.short_name,
        "region": record.get("region"),
        "level": record.get("level"),
        "year": hit.year,
        "section": hit.section,
        "title": hit.title,
    }
    kept = {k: v for k, v in metadata.items() if v not in (None, "")}
    return TextNode(id_=hit.chunk_id, text=hit.text, metadata=kept)


# ---------------------------------------------------------------- the query engine
class NianbaoQueryEngine(BaseQueryEngine):
    """`query("问题")` → llama-index Response: the answer line, its citations as source nodes, the answer JSON."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        filters: MetadataFilters | SearchFilters | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        self.assistant = assistant
        self.filters = search_filters(filters)
        super().__init__(callback_manager=callback_manager)

    @classmethod
    def from_index_dir(
        cls, index_dir: str | Path = DEFAULT_INDEX_DIR, *, embedder: str = DEFAULT_EMBEDDER, **kwargs: Any
    ) -> NianbaoQueryEngine:
        """An engine over the index at `index_dir` (built by `nianbao ingest`); answers without any LLM."""
        return cls(Assistant.open(IndexConfig(_existing(index_dir), embedder=embedder)), **kwargs)

    def ask(self, question: str) -> Answer:
        return self.assistant.ask(question, filters=self.filters)

    def _query(self, query_bundle: QueryBundle) -> Response:
        index = self.assistant.index
        return answer_response(self.ask(query_bundle.query_str), index.report if index is not None else None)

    async def _aquery(self, query_bundle: QueryBundle) -> Response:
        return await asyncio.to_thread(self._query, query_bundle)

    def _get_prompt_modules(self) -> PromptMixinType:
        return {}  # no prompts: the answers are read from the records, not written by a model


def answer_response(answer: Answer, lookup: Lookup | None = None) -> Response:
    return Response(
        response=answer.answer,
        source_nodes=[NodeWithScore(node=citation_node(c, lookup)) for c in answer.citations],
        metadata=answer.to_json(),
    )


def citation_node(c: Citation, lookup: Lookup | None = None) -> TextNode:
    """A citation as a TextNode, worded as every surface words a source (answering/citing): a cell reads
    “侯家镇 · 2021年 · 表三 …：表三 · row × column = value” with the value read from the stored record, a passage is
    the cited sentence itself. Its id names the cell, or the sentence by its hash, so one source is one node."""
    cell = cell_line(c, lookup)
    if c.table and cell:
        text = f"{citation_heading(c)}：{cell}"
        where = f"{c.table}:{c.row}:{c.column}"
    else:
        text = c.text
        where = f"{c.section}:{hashlib.sha1(c.text.encode('utf-8')).hexdigest()[:12]}"
    # the metadata repeats the text: keep it out of what an LLM or an embedder reads beside the text
    return TextNode(id_=f"{c.report_id}:{where}", text=text, metadata=c.to_json(),
                    excluded_llm_metadata_keys=["text"], excluded_embed_metadata_keys=["text"])


def _existing(index_dir: str | Path) -> Path:
    """Opening an index creates its store; a reading surface must not create one at a mistyped path."""
    path = Path(index_dir)
    if not (path / CHROMA_DIR / CHROMA_FILE).is_file():
        raise FileNotFoundError(f"no nianbao index at {path} (build one with `nianbao ingest PATH --index {path}`)")
    return path
