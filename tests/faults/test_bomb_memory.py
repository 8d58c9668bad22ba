"""Fault: a zip-bomb .docx through the real command line — refused in seconds, with a small peak memory, and the
report after it indexed (issue 11, finding 1: the same bomb used to take the ingest past 8 GB and never finish).

The ingest runs in a child of a small wrapper process, so the wrapper's RUSAGE_CHILDREN peak is the ingest's own
(its parse worker included), not that of anything else this test session started. Bounded by a timeout.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT
from tests.faults.hostile import bomb_docx, good_report

pytestmark = pytest.mark.slow

PEAK_LIMIT_MB = 500

_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = "import sys; from nianbao.cli import main; sys.exit(main(sys.argv[1:]))"
run = subprocess.run([sys.executable, "-c", code, *sys.argv[1:]], capture_output=True, text=True, timeout=240)
print(json.dumps({
    "returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr,
    "seconds": time.perf_counter() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def test_zip_bomb_ingest_stays_small_and_indexes_the_file_after_it(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    bomb_docx(batch / "a_bomb.docx")  # 1 GiB unpacked
    good_report(batch / "b_good.txt")
    index = tmp_path / "index"
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, "ingest", str(batch), "--index", str(index)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(out.stdout)
    assert result["returncode"] == 1, result  # one file failed
    assert "错误 a_bomb.docx: 压缩包超出安全上限" in result["stderr"]
    assert "[2/2] b_good.txt：新增 青石镇 2021" in result["stderr"]
    assert result["stdout"].startswith("新增 1 份")
    assert result["peak_mb"] < PEAK_LIMIT_MB, result
