"""Retrieval pieces: the filters and hits at the seam, jieba tokens, the BM25 side, reciprocal-rank fusion.

The Index (store.py) runs both retrievers and fuses their ranks here; everything in this module is pure or local.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

RRF_K = 60


@dataclass
class SearchFilters:
    years: list[int] | None = None
    report_ids: list[str] | None = None
    sections: list[str] | None = None
    levels: list[str] | None = None
    regions: list[str] | None = None  # any level of the region chain, or the body's own name

    def is_empty(self) -> bool:
        return not any((self.years, self.report_ids, self.sections, self.levels, self.regions))


@dataclass
class Hit:
    chunk_id: str
    report_id: str
    agency: str
    short_name: str
    year: int | None
    section: str
    text: str  # the chunk body, without the header
    score: float
    title: str = ""  # "一、总体情况·（一）…" — the header's section part
    header: str = ""  # the header line as indexed (“【… 】”)


# ---------------------------------------------------------------- tokens
_STOPWORDS = frozenset(
    ("的", "了", "是", "吗", "呢", "啊", "吧", "么", "和", "与", "及", "或", "在", "有", "多少", "哪些", "什么"),
) | frozenset(
    ("怎么", "怎样", "如何", "是否", "请问", "一下", "个", "年", "情况", "其", "这", "那", "我", "我们", "你"),
) | frozenset(
    ("他", "它", "中", "对", "于", "为", "被", "把", "将", "也", "都", "就", "还", "从", "到", "以", "等", "之", "所"),
)
_WORD = re.compile(r"\w", re.UNICODE)
# Domain words jieba's dictionary lacks; without them “公众号” splits into “公众/号” and matches too loosely.
DOMAIN_WORDS = (
    "公众号", "政务公开", "依申请公开", "主动公开", "信息处理费", "政务新媒体", "抖音号", "企鹅号",
    "行政复议", "行政诉讼", "不予公开", "部分公开", "予以公开", "政府开放日", "保密审查", "明白纸", "广播车",
)
_jieba = None


def _fold(text: str) -> str:
    try:
        from indexing.normalize import fold
    except ImportError:  # the parser's normaliser not landed yet: match on the text as written
        return text
    return fold(text)


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens of the folded text, lower-cased, without punctuation and stopwords."""
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word)
        _jieba = jieba
    tokens = _jieba.lcut_for_search(_fold(text).lower())
    return [t for t in (t.strip() for t in tokens) if t and _WORD.search(t) and t not in _STOPWORDS]


# ---------------------------------------------------------------- fusion
def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: score(d) = Σ 1/(k + rank), rank from 1; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- the BM25 side (persisted)
@dataclass
class ChunkEntry:
    """What search needs to return a hit without a second round trip to Chroma."""

    chunk_id: str
    report_id: str
    section: str
    agency: str
    short_name: str
    year: int | None
    title: str
    header: str
    body: str


@dataclass
class Bm25Store:
    entries: list[ChunkEntry] = field(default_factory=list)
    retriever: object | None = None
    chunk_count: int = 0  # chunks in Chroma when this was built (a different count means: stale, rebuild)
    positions: dict[str, int] = field(default_factory=dict)  # chunk_id → entry position

    def __post_init__(self) -> None:
        self.positions = {e.chunk_id: i for i, e in enumerate(self.entries)}

    @classmethod
    def build(cls, entries: Iterable[ChunkEntry]) -> Bm25Store:
        import bm25s

        entries = list(entries)
        store = cls(entries=entries, chunk_count=len(entries))
        if entries:
            retriever = bm25s.BM25()
            retriever.index([tokenize(f"{e.header}\n{e.body}") or ["∅"] for e in entries], show_progress=False)
            store.retriever = retriever
        return store

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "chunks.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for e in self.entries:
                fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
        if self.retriever is not None:
            self.retriever.save(str(directory / "bm25"))
        tmp.replace(directory / "chunks.jsonl")
        # The manifest is written last: a half-written directory has a stale or missing manifest and is rebuilt.
        manifest = {"chunk_count": self.chunk_count, "entries": len(self.entries)}
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Bm25Store | None:
        import bm25s

        manifest = directory / "manifest.json"
        if not manifest.exists():
            return None
        try:
            info = json.loads(manifest.read_text(encoding="utf-8"))
            count, n_entries = info["chunk_count"], info["entries"]
            with (directory / "chunks.jsonl").open(encoding="utf-8") as fh:
                entries = [ChunkEntry(**json.loads(line)) for line in fh if line.strip()]
            retriever = bm25s.BM25.load(str(directory / "bm25")) if entries else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(entries) != n_entries:
            return None
        return cls(entries=entries, retriever=retriever, chunk_count=count)

    def rank(self, query: str, mask: np.ndarray | None, limit: int) -> list[int]:
        """Entry positions by BM25 score, best first; only positive scores, only where mask is True."""
        if self.retriever is None or not self.entries:
            return []
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argsort(-scores[positive], kind="stable")][:limit]
        return [int(i) for i in top]
