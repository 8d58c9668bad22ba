"""Download folders the app writes (answer rows as CSV, the data view's CSV/xlsx): one folder a download, the oldest
removed as new ones come, so a busy server's disk use stays bounded."""

from __future__ import annotations

import shutil
from pathlib import Path


def prune_folders(directory: Path, pattern: str, keep: int, *, spare: Path | None = None) -> None:
    """Remove all but the newest `keep` folders matching `pattern` in `directory` (never `spare`, the one just
    written)."""

    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # removed meanwhile by another session's pruning
            return 0.0

    folders = sorted((p for p in directory.glob(pattern) if p != spare), key=age, reverse=True)
    for old in folders[max(keep - 1, 0):]:
        shutil.rmtree(old, ignore_errors=True)
