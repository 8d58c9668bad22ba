"""Retrieval: tokens, reciprocal-rank fusion, hybrid beating each half, metadata filters on the samples."""

from __future__ import annotations

import numpy as np
import pytest

import indexing.store as store_module
from indexing.chunking import chunk_report
from indexing.retrieve import SearchFilters, rrf, tokenize
from indexing.store import Index, IndexConfig
from tests.indexing.test_chunking import make_report


# ---------------------------------------------------------------- pure pieces
def test_rrf_sums_reciprocal_ranks():
    fused = rrf([["a", "t", "x"], ["b", "t", "y"]], k=60)
    assert fused[0][0] == "t"
    assert fused[0][1] == pytest.approx(2 / 62)
    assert dict(fused)["a"] == pytest.approx(1 / 61)
    assert rrf([]) == []


def test_tokenize_folds_and_drops_stopwords_and_punctuation():
    tokens = tokenize("侯家镇的微信公众号发布了多少条？")
    assert "微信" in tokens and "公众号" in tokens
    assert "的" not in tokens and "？" not in tokens and "多少" not in tokens
    assert "公开" in tokenize("政府信息公開")  # traditional characters match the simplified index


# ---------------------------------------------------------------- hybrid beats each half (constructed)
QUERY = "微信公众号发布消息数量"
# body text → cosine with the query under the fake embedder below
DOCS = {
    "A": ("微信公众号发布消息数量统计：微信公众号发布消息数量。", 0.10),  # lexically best, semantically far
    "T": ("全年通过公众号发布消息235条。", 0.80),  # second on both sides: the answer
    "B": ("群众关心的热点问题及时回应。", 0.90),  # semantically nearest, no shared word
    **{f"F{i}": (f"第{i}项其他工作稳步推进。", 0.50 - 0.04 * i) for i in range(7)},
}


class FakeEmbedder:
    """Vectors whose cosine with the query is fixed per document, so each half's ranking is known exactly."""

    name = "fake"
    dim = 4

    def embed_queries(self, texts):
        return np.tile(np.array([1, 0, 0, 0], dtype=np.float32), (len(texts), 1))

    def embed_passages(self, texts):
        out = []
        for text in texts:
            s = next((cos for body, cos in DOCS.values() if body in text), 0.0)
            out.append([s, float(np.sqrt(1 - s * s)), 0, 0])
        return np.array(out, dtype=np.float32)


@pytest.fixture
def constructed_index(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "make_embedder", lambda spec: FakeEmbedder())
    index = Index.open(IndexConfig(index_dir=tmp_path, embedder="fake"))
    for i, (name, (body, _)) in enumerate(DOCS.items()):
        report = make_report(f"{name}镇-2021-{i:08d}", short_name=f"{name}镇", sections={"overview": body})
        chunks = chunk_report(report)
        index.put_report(report, chunks, index.embed_chunks(chunks))
    return index


def test_hybrid_ranks_the_answer_first_where_each_half_misses(constructed_index):
    def top(mode):
        return constructed_index.search(QUERY, k=5, mode=mode)[0].text

    assert top("bm25") == DOCS["A"][0]
    assert top("vector") == DOCS["B"][0]
    assert top("hybrid") == DOCS["T"][0]


def test_hits_carry_identity_and_text_without_header(constructed_index):
    hit = constructed_index.search(QUERY, k=1)[0]
    assert hit.short_name == "T镇" and hit.year == 2021 and hit.section == "overview"
    assert hit.report_id.startswith("T镇-2021-")
    assert not hit.text.startswith("【") and hit.header.startswith("【某市某区T镇人民政府 2021年")
    assert hit.chunk_id == f"{hit.report_id}:overview:0"


# ---------------------------------------------------------------- filters on the samples
@pytest.fixture(scope="module")
def corpus_index(corpus_index_config):
    return Index.open(corpus_index_config)


def _ids(index, **filters):
    return index.allowed_report_ids(SearchFilters(**filters))


@pytest.mark.slow
def test_year_filter(corpus_index):
    hits = corpus_index.search("没有收到政府信息公开申请", k=8, filters=SearchFilters(years=[2020]))
    assert hits and {h.short_name for h in hits} == {"辉渠镇"}
    assert {h.year for h in corpus_index.search("信息处理费", k=8, filters=SearchFilters(years=[2021, 2022]))} <= {
        2021,
        2022,
    }


@pytest.mark.slow
def test_region_report_and_section_filters(corpus_index):
    hits = corpus_index.search("微信公众号", k=10, filters=SearchFilters(regions=["文登区"]))
    assert hits and {h.short_name for h in hits} <= {"侯家镇", "米山镇"}
    one = next(r for r in corpus_index.reports() if r.short_name == "港口乡")
    hits = corpus_index.search("存在的主要问题", k=10, filters=SearchFilters(report_ids=[one.report_id]))
    assert hits and {h.report_id for h in hits} == {one.report_id}
    hits = corpus_index.search("存在的主要问题", k=10, filters=SearchFilters(sections=["problems"]))
    assert hits and {h.section for h in hits} == {"problems"}
    levels = {r.level for r in corpus_index.reports()}
    hits = corpus_index.search("公开", k=10, filters=SearchFilters(levels=sorted(levels)))
    assert len(hits) == 10


@pytest.mark.slow
def test_filters_that_match_nothing_return_no_hits(corpus_index):
    assert corpus_index.search("申请", filters=SearchFilters(years=[1999])) == []
    assert corpus_index.search("申请", filters=SearchFilters(regions=["不存在区"])) == []
    assert corpus_index.search("申请", filters=SearchFilters(sections=["no-such-section"])) == []
    assert corpus_index.search("   ") == []


@pytest.mark.slow
def test_headline_passages_rank_first(corpus_index):
    hit = corpus_index.search("侯家镇通过微信公众号发布了多少条消息", k=3)[0]
    assert hit.short_name == "侯家镇" and "235条" in hit.text
    hit = corpus_index.search("港口乡的联系电话", k=3)[0]
    assert hit.short_name == "港口乡" and "0795" in hit.text


# ---------------------------------------------------------------- the retrieval benchmark's questions and scoring
def test_retrieval_questions_are_labelled_with_text_from_their_file():
    from indexing.bench import load_questions
    from tests.conftest import CORPUS_DIR

    questions = load_questions()
    assert len(questions) >= 60
    assert len({q["id"] for q in questions}) == len(questions)
    assert sum(q["style"] == "paraphrase" for q in questions) * 3 >= len(questions)
    for q in questions:
        text = (CORPUS_DIR / q["file"]).read_text(encoding="utf-8")
        assert q["answer_text"] in text, q["id"]
        assert q["question"] not in text


def test_score_ranking_counts_the_reading_budget():
    from indexing.bench import score_ranking

    filler = "甲" * 996  # + separator + 5 characters of answer = 1,002
    s = score_ranking([filler, "答案在这里。"], "答案在这里")
    assert s == {"hit@1": 0.0, "hit@5": 1.0, "mrr": 0.5, "hit@1000c": 0.0}  # rank 2, but past 1,000 characters
    s = score_ranking(["答 案\n在这里", "别的"], "答案在这里")  # whitespace does not matter
    assert s["hit@1"] == 1.0 and s["hit@1000c"] == 1.0
    assert score_ranking(["前半句答案", "在这里"], "答案在这里")["hit@1000c"] == 0.0  # no match across two texts
    assert score_ranking([], "答案")["mrr"] == 0.0
