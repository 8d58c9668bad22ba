"""`nianbao bench retrieval|ingest`: numbers, not timed tests.

retrieval: the project's questions (eval/retrieval.jsonl, each labelled with the text that answers it) through our
hybrid retriever and, in the same run, through a vanilla llama-index pipeline (SimpleDirectoryReader, SentenceSplitter
defaults, the same embedder, vector-only, ChromaVectorStore). Rank metrics across different chunkings mislead, so the
headline is `hit@1000c`: the answer lies within the first 1,000 characters the retriever returns, in rank order.
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from indexing.pipeline import ingest_paths
from indexing.store import Index, IndexConfig

BUDGET = 1000  # characters a reader (or an LLM prompt) looks at
TOP_K = 10
_SPACE = re.compile(r"\s+")


def default_questions_path() -> Path:
    return Path(__file__).resolve().parent.parent / "eval" / "retrieval.jsonl"


def load_questions(path: Path | None = None) -> list[dict]:
    with (path or default_questions_path()).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "")


def score_ranking(texts: list[str], answer: str, budget: int = BUDGET) -> dict[str, float]:
    """Metrics for one question from the texts a retriever returned, best first."""
    target = _norm(answer)
    rank = next((i for i, t in enumerate(texts, start=1) if target in _norm(t)), None)
    # A separator that is not whitespace keeps a match from spanning two returned texts; it costs one character.
    read = "¶".join(_norm(t) for t in texts)[:budget]
    return {
        "hit@1": float(rank == 1),
        "hit@5": float(rank is not None and rank <= 5),
        "mrr": 0.0 if rank is None else 1.0 / rank,
        f"hit@{budget}c": float(target in read),
    }


def _run_interleaved(questions: list[dict], retrievers: dict[str, Callable[[str], list[str]]]) -> dict[str, dict]:
    """Each question goes through every retriever back to back (alternating who goes first), so load on this
    shared machine falls on both sides alike; p50 latency is then comparable within one run."""
    names = list(retrievers)
    for name in names:
        retrievers[name](questions[0]["question"])  # warm caches and lazy loads outside the timing
    totals: dict[str, dict[str, float]] = {name: {} for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    for i, q in enumerate(questions):
        for name in names if i % 2 == 0 else reversed(names):
            started = time.perf_counter()
            texts = retrievers[name](q["question"])
            times[name].append((time.perf_counter() - started) * 1000)
            for key, value in score_ranking(texts, q["answer_text"]).items():
                totals[name][key] = totals[name].get(key, 0.0) + value
    out = {}
    for name in names:
        out[name] = {key: round(value / len(questions), 3) for key, value in totals[name].items()}
        out[name]["query_ms_p50"] = round(statistics.median(times[name]), 1)
    return out


def _holds_corpus(index: Index, corpus_dir: Path) -> bool:
    from indexing.readers import iter_report_files, read_document

    hashes = {m.get("content_hash") for m in index.record_meta().values()}
    files = iter_report_files([corpus_dir])
    return bool(files) and all(read_document(p).content_hash in hashes for p in files)


# ---------------------------------------------------------------- vanilla llama-index
def _vanilla_retriever(embedder, corpus_dir: Path, workdir: Path) -> Callable[[str], list[str]]:
    import chromadb
    from chromadb.config import Settings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from indexing.embedders import chroma_embedding_function

    class SameEmbedder(BaseEmbedding):
        """Our embedder as a llama-index BaseEmbedding (same model, same query/passage prefixes)."""

        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_queries([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [v.tolist() for v in embedder.embed_passages(list(texts))]

    settings = Settings(anonymized_telemetry=False)
    client = chromadb.PersistentClient(path=str(workdir / "vanilla-chroma"), settings=settings)
    collection = client.get_or_create_collection(
        "vanilla", embedding_function=chroma_embedding_function(embedder, embedder.name)
    )
    documents = SimpleDirectoryReader(input_dir=str(corpus_dir)).load_data()
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex.from_documents(
        documents, storage_context=storage, embed_model=SameEmbedder(), transformations=[SentenceSplitter()]
    )
    retriever = index.as_retriever(similarity_top_k=TOP_K)
    return lambda q: [n.node.get_content() for n in retriever.retrieve(q)]


# ---------------------------------------------------------------- entry points
def retrieval_bench(config: IndexConfig, corpus_dir: Path, questions_path: Path | None = None) -> dict:
    questions = load_questions(questions_path)
    corpus_dir = Path(corpus_dir)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        workdir = Path(tmp)
        # Ingest speed is always measured on a fresh index (cold embedding cache) of the corpus.
        fresh = IndexConfig(index_dir=workdir / "ours", embedder=config.embedder)
        started = time.perf_counter()
        summary = ingest_paths([corpus_dir], fresh)
        ingest_s = time.perf_counter() - started
        n_reports = len(summary.added) + len(summary.replaced) + len(summary.unchanged)

        index = Index.open(config) if config.index_dir.exists() else None
        if index is None or not _holds_corpus(index, corpus_dir):
            index = Index.open(fresh)
        results = _run_interleaved(
            questions,
            {
                # ours as returned to a reader: each chunk with its header line
                "ours": lambda q: [f"{h.header}\n{h.text}" for h in index.search(q, k=TOP_K)],
                "vanilla": _vanilla_retriever(index.embedder.inner, corpus_dir, workdir),
            },
        )
    return {
        "questions": len(questions),
        "ours": results["ours"],
        "vanilla": results["vanilla"],
        "ingest_reports_per_s": round(n_reports / ingest_s, 2) if ingest_s else None,
    }


def ingest_bench(config: IndexConfig, corpus_dir: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="nianbao-ingest-") as tmp:
        fresh = IndexConfig(index_dir=Path(tmp), chroma_url=None, embedder=config.embedder)
        started = time.perf_counter()
        summary = ingest_paths([Path(corpus_dir)], fresh)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest_paths([Path(corpus_dir)], fresh)
        reingest_s = time.perf_counter() - started
    n = len(summary.added) + len(summary.replaced)
    return {
        "reports": n,
        "failures": len(summary.failures),
        "chunks": summary.chunks,
        "seconds": round(seconds, 2),
        "reports_per_s": round(n / seconds, 2) if seconds else None,
        "embeddings_per_s": round(summary.embedded / seconds, 1) if seconds else None,
        "reingest_unchanged_s": round(reingest_s, 2),
        "reingest_unchanged": len(again.unchanged),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
