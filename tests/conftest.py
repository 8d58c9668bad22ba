"""Fixtures shared across the suite: the shipped corpus and one index built from it per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao  # noqa: F401  (offline environment before any model library loads)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
SAMPLES = sorted(CORPUS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_index_config(tmp_path_factory):
    """An IndexConfig whose index holds the five samples; built once, shared read-only by tests."""
    from indexing.pipeline import ingest_paths
    from indexing.store import IndexConfig

    config = IndexConfig(index_dir=tmp_path_factory.mktemp("corpus-index"))
    summary = ingest_paths([CORPUS_DIR], config)
    assert not summary.failures, summary.failures
    return config
