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
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_LLM_")}  # an LLM only when a test asks
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


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
    assert "llm" not in answer  # no model configured: the contract is unchanged


def test_ask_json_carries_what_the_llm_did(tmp_path: Path):
    """A model (a loopback stub) that repeats a number no extractive answer states: the JSON says so, the answer
    text does not carry it."""
    from tests.answering.test_llm import _Server

    index = tmp_path / "index"
    assert nianbao("ingest", str(SAMPLES[0]), "--index", str(index), "--quiet").returncode == 0
    with _Server("侯家镇对政务公开认识不够到位[1]，收到申请999件[1]。") as server:
        llm = ["--llm", "openai-compatible", "--llm-base-url", server.base_url, "--llm-model", "stub-model"]
        prose = nianbao("ask", "侯家镇2021年存在哪些问题？", "--index", str(index), "--json", *llm)
        value = nianbao("ask", "侯家镇2021年通过微信公众号发布了多少条信息？", "--index", str(index), "--json", *llm)
    assert prose.returncode == 0, prose.stderr
    answer = json.loads(prose.stdout)
    assert answer["kind"] == "text" and "999" not in answer["answer"] and "认识不够到位" in answer["answer"]
    assert answer["llm"]["used"] is False and answer["llm"]["model"] == "stub-model"
    assert answer["llm"]["unsupported_numbers"] == ["999"]
    numbers = json.loads(value.stdout)  # a figure from the records: the model did not word it
    assert numbers["value"] == 235
    assert numbers["llm"] == {"used": False, "model": "stub-model", "unsupported_numbers": [], "note": None}
