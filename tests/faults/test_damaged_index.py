"""Every kind of index file damaged, through the CLI (issue 11, finding 6). The documented outcome per file:

- chroma.sqlite3 truncated, garbled, deleted or emptied (next to what an ingest left): every command that opens the
  index exits 3 with “索引已损坏 / Index damaged”, the file's path and the way out; the file is left as it was.
  `nianbao doctor` exits 1 and marks it 损坏 DAMAGED. `nianbao repair` moves it aside under damaged/ and rebuilds
  the vector store from the records it can still read: all of them → exit 0 and the same answers as before; none
  (deleted, or unreadable) → exit 1 naming the reports to re-ingest, after which the answers are the same again.
- a garbled record: reading it exits 3 naming the record; repair rebuilds the others and names the lost one's file.
- embeddings.sqlite garbled: only a cache — rebuilt silently, answers unchanged, exit 0.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexing.doctor import read_records, release_chroma
from nianbao.cli import main
from tests.indexing.test_store_damage import (
    build_pristine,
    chroma_file,
    garble_header,
    garble_record,
    garble_table_page,
    truncate,
)

pytestmark = pytest.mark.slow

QUESTIONS = [
    "白石镇2021年通过微信公众号发布了多少条信息？",
    "云溪乡2021年设置了几个政务公开查阅点？",
    "2021年哪些乡镇没有收到政府信息公开申请？",
]


def ask(index_dir: Path, question: str, capsys) -> tuple[int, str, str]:
    code = main(["ask", question, "--json", "--index", str(index_dir)])
    out, err = capsys.readouterr()
    return code, out, err


def answers(index_dir: Path, capsys) -> list[str]:
    got = []
    for q in QUESTIONS:
        code, out, err = ask(index_dir, q, capsys)
        assert code == 0, err
        got.append(json.loads(out)["answer"])
    return got


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    sources, index_dir = build_pristine(tmp_path_factory.mktemp("faults"))
    return sources, index_dir


@pytest.fixture(scope="module")
def before(built, tmp_path_factory):
    """The answers of the undamaged index (asked on a copy, so the pristine folder is never opened again)."""
    copy = tmp_path_factory.mktemp("before") / "index"
    shutil.copytree(built[1], copy)
    return copy


@pytest.fixture
def index_dir(built, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built[1], target)
    return target


def expected(before_dir: Path, capsys) -> list[str]:
    got = answers(before_dir, capsys)
    release_chroma(before_dir / "chroma")
    return got


def assert_refused(index_dir: Path, path: Path, capsys) -> None:
    code, out, err = ask(index_dir, QUESTIONS[0], capsys)
    assert code == 3, (out, err)
    assert str(path) in err and "nianbao doctor" in err and "nianbao repair" in err
    assert "Traceback" not in err and "索引为空" not in out


def doctor(index_dir: Path, capsys) -> tuple[int, str]:
    code = main(["doctor", "--index", str(index_dir)])
    return code, capsys.readouterr().out


def repair(index_dir: Path, capsys) -> tuple[int, str]:
    code = main(["repair", "--index", str(index_dir)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    "damage",
    [truncate, garble_header, lambda p: p.unlink(), lambda p: p.write_bytes(b"")],
    ids=["truncated", "garbled", "deleted", "emptied"],
)
def test_damaged_store_is_refused_then_repaired_or_reingested(index_dir, built, before, damage, capsys):
    want = expected(before, capsys)
    path = chroma_file(index_dir)
    damage(path)
    kept = path.read_bytes() if path.exists() else None
    assert_refused(index_dir, path, capsys)
    assert (path.read_bytes() if path.exists() else None) == kept  # not silently replaced

    code, out = doctor(index_dir, capsys)
    assert code == 1 and "损坏 DAMAGED" in out and str(path) in out

    code, out = repair(index_dir, capsys)
    moved = list((index_dir / "damaged").glob("*/chroma"))
    assert len(moved) == 1 and "moved aside" in out
    if kept is not None and kept:
        assert (moved[0] / "chroma.sqlite3").read_bytes() == kept  # the damaged file kept, not deleted
    assert doctor(index_dir, capsys)[0] == 0
    if code != 0:  # the records were lost with the file: repair names what to re-ingest
        assert "nianbao ingest" in out and "白石镇-2021" in out and "云溪乡-2021" in out
        assert main(["ingest", str(built[0]), "--quiet", "--index", str(index_dir)]) == 0
        capsys.readouterr()
    assert answers(index_dir, capsys) == want


def test_store_damaged_where_records_survive_is_rebuilt_from_them(index_dir, before, capsys):
    want = expected(before, capsys)
    path = chroma_file(index_dir)
    garble_table_page(path, "embedding_fulltext_search_data")  # Chroma's full-text index, not the records
    assert_refused(index_dir, path, capsys)
    assert doctor(index_dir, capsys)[0] == 1
    code, out = repair(index_dir, capsys)
    assert code == 0, out
    assert "2 份报告记录" in out and "rebuilt the vector store from 2 records" in out
    assert answers(index_dir, capsys) == want


def test_garbled_record_is_named_and_repair_names_its_source(index_dir, before, capsys):
    want = expected(before, capsys)
    path = chroma_file(index_dir)
    rid = next(r.report_id for r in read_records(path).reports if r.short_name == "白石镇")
    garble_record(path, rid)
    code, out, err = ask(index_dir, QUESTIONS[0], capsys)
    assert code == 3 and rid in err and str(path) in err
    code, out = doctor(index_dir, capsys)
    assert code == 1 and rid in out
    code, out = repair(index_dir, capsys)
    assert code == 1 and rid in out and "baishi.txt" in out
    code, out, err = ask(index_dir, QUESTIONS[1], capsys)
    assert code == 0 and json.loads(out)["answer"] == want[1]  # the intact report answers as before


def test_garbled_cache_is_rebuilt_and_answers_hold(index_dir, before, capsys):
    want = expected(before, capsys)
    garble_header(index_dir / "embeddings.sqlite")
    code, out = doctor(index_dir, capsys)
    assert code == 1 and "embeddings.sqlite" in out
    assert answers(index_dir, capsys) == want
    assert doctor(index_dir, capsys)[0] == 0
