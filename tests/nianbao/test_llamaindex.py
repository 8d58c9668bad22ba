"""The llama-index components (issue 14) through llama-index-core's own interfaces, over the five-sample index."""

from __future__ import annotations

import asyncio

import pytest
from llama_index.core import Settings
from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import NodeWithScore, TextNode
from llama_index.core.tools import QueryEngineTool
from llama_index.core.vector_stores.types import (
    ExactMatchFilter,
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

from answering.assistant import Assistant
from answering.citing import cell_line, citation_heading
from answering.limits import MAX_QUESTION_CHARS
from indexing.retrieve import SearchFilters
from nianbao.llamaindex import NianbaoQueryEngine, NianbaoRetriever, search_filters

HEADLINE = "2021年哪些乡镇没有收到政府信息公开申请？"
HEADLINE_BODIES = ("侯家镇", "港口乡", "白奎镇")
PROSE = "政府信息公开平台建设 微信公众号"


def _filters(*filters, condition=FilterCondition.AND) -> MetadataFilters:
    return MetadataFilters(filters=list(filters), condition=condition)


# ---------------------------------------------------------------- filters (no index)
def test_eq_and_in_filters_become_search_filters():
    got = search_filters(_filters(
        ExactMatchFilter(key="year", value=2021),
        MetadataFilter(key="region", value=["铜鼓县", "呼兰区"], operator=FilterOperator.IN),
        MetadataFilter(key="level", value="乡镇", operator=FilterOperator.EQ),
        MetadataFilter(key="report_id", value="港口乡-2021-b79c9f15"),
    ))
    assert got == SearchFilters(years=[2021], regions=["铜鼓县", "呼兰区"], levels=["乡镇"],
                                report_ids=["港口乡-2021-b79c9f15"])


def test_filters_on_one_key_keep_the_values_they_share():
    got = search_filters(_filters(
        MetadataFilter(key="year", value=[2020, 2021, 2022], operator=FilterOperator.IN),
        MetadataFilter(key="year", value="2021"),  # a year given as text is still the year
    ))
    assert got == SearchFilters(years=[2021])


@pytest.mark.parametrize(("filters", "says"), [
    (_filters(MetadataFilter(key="year", value=2020, operator=FilterOperator.GT)), "operator '>'"),
    (_filters(MetadataFilter(key="year", value=2020, operator=FilterOperator.NE)), "operator '!='"),
    (_filters(MetadataFilter(key="region", value=["铜鼓县"], operator=FilterOperator.NIN)), "operator 'nin'"),
    (_filters(ExactMatchFilter(key="agency", value="港口乡")), "key 'agency'"),
    (_filters(ExactMatchFilter(key="year", value=2021), ExactMatchFilter(key="level", value="乡镇"),
              condition=FilterCondition.OR), "condition"),
    (_filters(_filters(ExactMatchFilter(key="year", value=2021))), "nested"),
    (_filters(ExactMatchFilter(key="year", value=2021), ExactMatchFilter(key="year", value=2020)), "contradict"),
    (_filters(MetadataFilter(key="region", value="铜鼓县", operator=FilterOperator.IN)), "non-empty list"),
    (_filters(ExactMatchFilter(key="year", value="2021年")), "not a year"),
])
def test_unsupported_filters_are_refused_not_ignored(filters, says):
    with pytest.raises(ValueError, match=says):
        search_filters(filters)
    with pytest.raises(ValueError, match=says):  # at construction, before any search runs
        NianbaoRetriever(None, filters=filters)


@pytest.mark.parametrize("k", [0, -1, 101, 2.5, True])
def test_top_k_is_bounded(k):
    with pytest.raises(ValueError, match="similarity_top_k"):
        NianbaoRetriever(None, similarity_top_k=k)


def test_no_index_is_created_where_there_is_none(tmp_path):
    missing, empty = tmp_path / "no-such-index", tmp_path / "empty"
    empty.mkdir()
    for component in (NianbaoRetriever, NianbaoQueryEngine):
        for path in (missing, empty):
            with pytest.raises(FileNotFoundError, match="no nianbao index"):
                component.from_index_dir(path)
    assert not missing.exists() and not any(empty.iterdir())


# ---------------------------------------------------------------- over the sample index
@pytest.fixture(scope="module")
def assistant(corpus_index_config):
    return Assistant.open(corpus_index_config)


@pytest.fixture(scope="module")
def engine(corpus_index_config):
    return NianbaoQueryEngine.from_index_dir(corpus_index_config.index_dir)


def _year_2021() -> MetadataFilters:
    return _filters(ExactMatchFilter(key="year", value=2021))


@pytest.mark.slow
def test_retriever_returns_the_hybrid_search_as_nodes_with_scores(assistant):
    retriever = NianbaoRetriever.from_assistant(assistant, similarity_top_k=10, filters=_year_2021())
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(PROSE)
    hits = assistant.index.search(PROSE, k=10, filters=SearchFilters(years=[2021]))
    assert nodes and all(isinstance(n, NodeWithScore) and isinstance(n.node, TextNode) for n in nodes)
    assert [(n.node.node_id, n.node.text, n.score) for n in nodes] == [(h.chunk_id, h.text, h.score) for h in hits]
    assert {n.node.metadata["year"] for n in nodes} == {2021}
    assert {n.node.metadata["short_name"] for n in nodes} == set(HEADLINE_BODIES)  # the three 2021 reports
    first = nodes[0].node.metadata
    record = assistant.index.record_meta()[first["report_id"]]
    assert (first["region"], first["level"], first["agency"]) == (record["region"], record["level"], record["agency"])


@pytest.mark.slow
def test_aretrieve_gives_what_retrieve_gives(assistant):
    retriever = NianbaoRetriever.from_assistant(assistant, filters=_year_2021())
    sync = retriever.retrieve(PROSE)
    async_ = asyncio.run(retriever.aretrieve(PROSE))
    assert [(n.node.node_id, n.score) for n in async_] == [(n.node.node_id, n.score) for n in sync]
    assert {n.node.metadata["year"] for n in async_} == {2021}


@pytest.mark.slow
def test_in_filter_on_region_keeps_only_those_regions(assistant):
    unfiltered = NianbaoRetriever.from_assistant(assistant, similarity_top_k=30).retrieve(PROSE)
    assert {n.node.metadata["short_name"] for n in unfiltered} - {"港口乡", "白奎镇"}  # others would be found
    regions = MetadataFilter(key="region", value=["铜鼓县", "呼兰区"], operator=FilterOperator.IN)
    nodes = NianbaoRetriever.from_assistant(assistant, similarity_top_k=30, filters=_filters(regions)).retrieve(PROSE)
    assert {n.node.metadata["short_name"] for n in nodes} == {"港口乡", "白奎镇"}


@pytest.mark.slow
def test_region_as_a_node_shows_it_filters_by_its_deepest_name(assistant):
    region = ExactMatchFilter(key="region", value="威海市/文登区")  # what a node's metadata reads
    assert search_filters(_filters(region)) == SearchFilters(regions=["文登区"])
    nodes = NianbaoRetriever.from_assistant(assistant, similarity_top_k=30, filters=_filters(region)).retrieve(PROSE)
    assert nodes and {n.node.metadata["region"] for n in nodes} == {"威海市/文登区"}
    assert {n.node.metadata["short_name"] for n in nodes} == {"侯家镇", "米山镇"}


@pytest.mark.slow
def test_retriever_keeps_the_question_bound(assistant):
    retriever = NianbaoRetriever.from_assistant(assistant)
    with pytest.raises(ValueError, match=str(MAX_QUESTION_CHARS)):
        retriever.retrieve("公开" * MAX_QUESTION_CHARS)


@pytest.mark.slow
def test_retriever_plugs_into_a_standard_retriever_query_engine(assistant, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    retriever = NianbaoRetriever.from_assistant(assistant, similarity_top_k=3, filters=_year_2021())
    expected = [n.node.node_id for n in retriever.retrieve(PROSE)]
    # no_text: the pipeline retrieves and returns the nodes without writing anything
    silent = RetrieverQueryEngine(retriever, response_synthesizer=NoText(llm=MockLLM())).query(PROSE)
    assert [n.node.node_id for n in silent.source_nodes] == expected
    # compact with the mock model, which echoes its prompt: the chunks and their identity reach the model
    echoed = RetrieverQueryEngine.from_args(retriever, llm=MockLLM(), response_mode="compact").query(PROSE)
    assert [n.node.node_id for n in echoed.source_nodes] == expected
    for node in echoed.source_nodes:
        assert node.node.text in str(echoed)
        assert f"short_name: {node.node.metadata['short_name']}" in str(echoed)


@pytest.mark.slow
def test_engine_answers_the_headline_with_the_assistants_citations(engine, assistant):
    assert isinstance(engine, BaseQueryEngine)
    response = engine.query(HEADLINE)
    answer = assistant.ask(HEADLINE)
    assert isinstance(response, Response)
    assert str(response) == answer.answer
    assert all(body in str(response) for body in HEADLINE_BODIES)
    assert answer.citations
    assert [n.node.metadata for n in response.source_nodes] == [c.to_json() for c in answer.citations]
    for node, cite in zip(response.source_nodes, answer.citations, strict=True):
        if cite.table:  # a cell: body · year · the cell as the answer rendered it, value included
            # worded as the app and the OpenAI endpoint word a source: heading, then the stored cell and its value
            assert node.node.text == f"{citation_heading(cite)}：{cell_line(cite, assistant.index.report)}"
            assert node.node.text.endswith(" = 0")
        else:
            assert node.node.text == cite.text
    assert len({n.node.node_id for n in response.source_nodes}) == len(answer.citations)
    expected = answer.to_json()
    got = dict(response.metadata)
    assert got.pop("elapsed_ms") >= 0 and expected.pop("elapsed_ms") >= 0
    assert got == expected


@pytest.mark.slow
def test_aquery_gives_what_query_gives(engine):
    sync, async_ = engine.query(HEADLINE), asyncio.run(engine.aquery(HEADLINE))
    assert str(async_) == str(sync)
    assert [n.node.node_id for n in async_.source_nodes] == [n.node.node_id for n in sync.source_nodes]


@pytest.mark.slow
def test_engine_as_a_query_engine_tool(engine):
    described = "政府信息公开工作年度报告问答，数字引自表格单元格"
    tool = QueryEngineTool.from_defaults(engine, name="nianbao", description=described)
    assert tool.metadata.name == "nianbao"
    output = tool.call(HEADLINE)
    assert all(body in output.content for body in HEADLINE_BODIES)
    assert [n.node.metadata["report_id"] for n in output.raw_output.source_nodes] == [
        c["report_id"] for c in output.raw_output.metadata["citations"]]


@pytest.mark.slow
def test_engine_keeps_the_question_bound(engine, assistant):
    long_question = HEADLINE * (MAX_QUESTION_CHARS // len(HEADLINE) + 1)
    response = engine.query(long_question)
    assert str(response) == assistant.ask(long_question).answer
    assert str(MAX_QUESTION_CHARS) in str(response) and not response.source_nodes
    assert response.metadata["kind"] == "unknown"


@pytest.mark.slow
def test_engine_filters_reach_the_answer(engine, assistant):
    filtered = NianbaoQueryEngine(engine.assistant, filters=_filters(ExactMatchFilter(key="year", value=2020)))
    response = filtered.query(HEADLINE)
    answer = assistant.ask(HEADLINE, filters=SearchFilters(years=[2020]))
    assert str(response) == answer.answer
    assert not any(body in str(response) for body in HEADLINE_BODIES)
    assert [n.node.metadata for n in response.source_nodes] == [c.to_json() for c in answer.citations]


@pytest.mark.slow
def test_no_llm_or_embedding_default_is_touched(corpus_index_config, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(Settings, "_llm", None)
    monkeypatch.setattr(Settings, "_embed_model", None)
    engine = NianbaoQueryEngine.from_index_dir(corpus_index_config.index_dir)
    retriever = NianbaoRetriever.from_index_dir(corpus_index_config.index_dir)
    assert all(body in str(engine.query(HEADLINE)) for body in HEADLINE_BODIES)
    assert retriever.retrieve(PROSE)
    assert Settings._llm is None and Settings._embed_model is None  # resolving either would reach for OpenAI
