"""The `nianbao` console command end to end, as a user runs it (subprocesses, a temp index)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def nianbao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "nianbao.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env={**os.environ}, timeout=600)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """Two good reports beside four bad files."""
    d = tmp_path / "in"
    d.mkdir()
    for p in SAMPLES[:2]:
        shutil.copy(p, d / p.name)
    (d / "empty.txt").write_bytes(b"")
    (d / "noise.txt").write_bytes(os.urandom(4096))
    (d / "noise.pdf").write_bytes(os.urandom(4096))
    (d / "broken.docx").write_bytes(b"PK\x03\x04" + os.urandom(200))
    return d


def test_ingest_names_each_bad_file_and_keeps_the_good_ones(batch: Path, tmp_path: Path):
    index = tmp_path / "index"
    run = nianbao("ingest", str(batch), "--index", str(index), "--quiet")
    assert run.returncode == 1, run.stderr
    for bad in ("empty.txt", "noise.txt", "noise.pdf", "broken.docx"):
        assert bad in run.stderr, f"{bad} not named in: {run.stderr}"

    exported = json.loads(nianbao("export", "--index", str(index), "--format", "json").stdout)
    sources = sorted(r["source"] for r in exported["reports"])
    assert sources == sorted(p.name for p in SAMPLES[:2])

    # Re-ingesting the same files adds nothing twice.
    nianbao("ingest", str(batch), "--index", str(index), "--quiet")
    again = json.loads(nianbao("export", "--index", str(index), "--format", "json").stdout)
    assert sorted(r["report_id"] for r in again["reports"]) == sorted(r["report_id"] for r in exported["reports"])


def test_export_contract_keys(tmp_path: Path):
    index = tmp_path / "index"
    assert nianbao("ingest", str(SAMPLES[0]), "--index", str(index), "--quiet").returncode == 0
    report = json.loads(nianbao("export", "--index", str(index)).stdout)["reports"][0]
    assert set(report) >= {
        "report_id", "source", "agency", "short_name", "region", "level", "year", "template",
        "sections", "tables", "facts", "flags",
    }
    assert set(report["tables"]) == {"proactive", "requests", "appeals"}
    assert report["tables"]["requests"]["new_received"]["total"] == 0
    assert report["facts"]["channel_wechat"] == 235

    csv_out = nianbao("export", "--index", str(index), "--format", "csv").stdout
    header = csv_out.splitlines()[0]
    assert "report_id" in header and "row" in header and "column" in header


def test_ask_json_contract(tmp_path: Path):
    index = tmp_path / "index"
    assert nianbao("ingest", str(SAMPLES[0]), "--index", str(index), "--quiet").returncode == 0
    run = nianbao("ask", "侯家镇2021年通过微信公众号发布了多少条信息？", "--index", str(index), "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert set(answer) >= {"question", "answer", "kind", "value", "items", "citations", "elapsed_ms"}
    assert answer["kind"] == "value" and answer["value"] == 235
    assert any("235" in c["text"] for c in answer["citations"])
    assert "235" in answer["answer"]
