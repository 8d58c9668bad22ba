"""The app's background embedder: records first, vectors after (issue 12).

An upload (or a `nianbao ingest --no-embed` seen by the app) commits records and keyword rows at once; the passages of
those reports then wait for their vectors. `CatchUp` embeds them on a daemon thread with indexing.vectors.embed_pending
— one thread at a time, started at start-up and after every reload that leaves reports waiting — while questions go
on: they never wait for it (embed_pending writes under the index lock in short holds and takes no AppState lock).
While another writer holds the index past the lock's wait, the run tries again; any other failure is logged and
ends the run, and the next upload or reload starts another, which resumes from the records.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

from indexing.guard import IndexBusy
from indexing.pipeline import every_few_seconds
from indexing.store import Index
from indexing.vectors import VectorProgress, embed_pending

log = logging.getLogger("nianbao.catchup")

NICENESS = 10  # the embedder's threads yield the cores to questions (OpenMP's workers inherit it from this thread)


class _Current:
    """The index as the app holds it now. A reload after another process wrote opens a new handle: vectors written
    through the old one's Chroma client would not reach the new one's search, so every call goes to the current."""

    def __init__(self, index_of: Callable[[], Index]) -> None:
        self._index_of = index_of

    def __getattr__(self, name: str):
        return getattr(self._index_of(), name)


class CatchUp:
    """Embeds the reports waiting for vectors on one background thread; `status()` says how far it is."""

    def __init__(self, index_of: Callable[[], Index]) -> None:
        self._index = _Current(index_of)
        self._lock = threading.Lock()  # guards _thread: a run ending and a start deciding never miss each other
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.progress = VectorProgress()  # of the run under way (or the last one)
        self.failure = ""  # the kind of error that ended the last run early, for the status line
        self.say: Callable[[str], None] | None = None  # progress lines every few seconds (nianbao serve: stderr)
        self._told = every_few_seconds(self._say)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> bool:
        """Start a run when reports wait for vectors and none is under way. True when one is under way now."""
        with self._lock:
            if self._thread is not None:
                return True
            if self._stop.is_set():
                return False
            try:
                waiting = self._index.waiting_for_vectors()
            except Exception:  # the records cannot be read now (a shared server away): the next reload looks again
                log.exception("could not tell which reports wait for vectors")
                return False
            if not waiting:
                return False
            self.progress, self.failure = VectorProgress(total=len(waiting)), ""
            self._thread = threading.Thread(target=self._run, name="nianbao-vectors", daemon=True)
            self._thread.start()
            return True

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the run to stop after the batch it is on (its vectors are written; the rest wait for the next start)
        and wait for it up to `timeout` seconds."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run under way to end; True when none is running (tests, and a caller that needs vectors)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def status(self) -> str:
        """The line the page shows: how far the catch-up is, why it paused, or nothing when every report is done."""
        if self.running:
            p = self.progress
            return f"语义检索补齐中：已嵌入 {p.done}/{p.total} 份报告（补齐前这些报告只按关键词检索，表格数字不受影响）"
        if self.failure:
            return f"语义检索补齐已暂停（出错：{self.failure}，详情已记入服务器日志），下次上传或重启时继续。"
        return ""

    # ------------------------------------------------------------ the thread
    def _run(self) -> None:
        _yield_cores()
        try:
            while True:
                with self._lock:  # decided under the lock: a start() after this sees no run and begins one
                    waiting = [] if self._stop.is_set() else self._index.waiting_for_vectors()
                    if not waiting:
                        self._thread = None
                        return
                self.progress = VectorProgress(total=len(waiting))
                try:
                    done = embed_pending(self._index, progress=self._seen, stop=self._stop)
                except IndexBusy as exc:  # an upload or another process writes for long: try again (the batch's
                    log.info("vectors wait for the index: %s", exc)  # vectors are in the embedding cache by now)
                    continue
                log.info("%s", done.describe())
                if not done.done and not done.stopped:  # nothing could be written (removed or replaced meanwhile)
                    break
        except Exception as exc:  # a run's failure must not take the app down: logged, said, resumed next time
            log.exception("embedding the reports that wait for vectors failed")
            self.failure = exc.__class__.__name__  # the details (paths among them) stay in the server's log
        with self._lock:
            self._thread = None

    def _seen(self, progress: VectorProgress) -> None:
        self.progress = progress
        self._told(progress)

    def _say(self, line: str) -> None:
        if self.say is not None:
            self.say(line)


def _yield_cores() -> None:
    # Linux: this thread only; elsewhere, or when not permitted, it runs at the usual priority
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
