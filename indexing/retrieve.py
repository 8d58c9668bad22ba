"""Retrieval pieces: the filters and hits at the seam, jieba tokens, the lexical side, reciprocal-rank fusion.

The Index (store.py) runs both retrievers and fuses their ranks here; everything in this module is pure or local.
The lexical side is SQLite FTS5 over jieba tokens (`LexicalStore`): one report's rows are written or deleted in one
transaction, so adding or removing a report costs work proportional to that report, never a rebuild.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexing.chunking import Chunk
    from indexing.models import Report

RRF_K = 60


@dataclass
class SearchFilters:
    years: list[int] | None = None
    report_ids: list[str] | None = None
    sections: list[str] | None = None
    levels: list[str] | None = None
    regions: list[str] | None = None  # any level of the region chain, or the body's own name

    def is_empty(self) -> bool:
        return not any((self.years, self.report_ids, self.sections, self.levels, self.regions))


@dataclass
class Hit:
    chunk_id: str
    report_id: str
    agency: str
    short_name: str
    year: int | None
    section: str
    text: str  # the chunk body, without the header
    score: float
    title: str = ""  # "一、总体情况·（一）…" — the header's section part
    header: str = ""  # the header line as indexed (“【… 】”)


# ---------------------------------------------------------------- tokens
_STOPWORDS = frozenset(
    ("的", "了", "是", "吗", "呢", "啊", "吧", "么", "和", "与", "及", "或", "在", "有", "多少", "哪些", "什么"),
) | frozenset(
    ("怎么", "怎样", "如何", "是否", "请问", "一下", "个", "年", "情况", "其", "这", "那", "我", "我们", "你"),
) | frozenset(
    ("他", "它", "中", "对", "于", "为", "被", "把", "将", "也", "都", "就", "还", "从", "到", "以", "等", "之", "所"),
)
_WORD = re.compile(r"\w", re.UNICODE)
# Domain words jieba's dictionary lacks; without them “公众号” splits into “公众/号” and matches too loosely.
DOMAIN_WORDS = (
    "公众号", "政务公开", "依申请公开", "主动公开", "信息处理费", "政务新媒体", "抖音号", "企鹅号",
    "行政复议", "行政诉讼", "不予公开", "部分公开", "予以公开", "政府开放日", "保密审查", "明白纸", "广播车",
)
_jieba = None


def _fold(text: str) -> str:
    try:
        from indexing.normalize import fold
    except ImportError:  # the parser's normaliser not landed yet: match on the text as written
        return text
    return fold(text)


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens of the folded text, lower-cased, without punctuation and stopwords."""
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word)
        _jieba = jieba
    tokens = _jieba.lcut_for_search(_fold(text).lower())
    return [t for t in (t.strip() for t in tokens) if t and _WORD.search(t) and t not in _STOPWORDS]


def lexical_tokens(text: str) -> str:
    """A chunk's row in the FTS5 table: its tokens, space-separated (“∅” for a chunk with none)."""
    return " ".join(tokenize(text)) or "∅"


# ---------------------------------------------------------------- fusion
def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: score(d) = Σ 1/(k + rank), rank from 1; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- the lexical side (SQLite FTS5, updated in place)
LEXICAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (report_id TEXT PRIMARY KEY, year INTEGER, level TEXT);
CREATE TABLE IF NOT EXISTS report_names (report_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS report_names_name ON report_names (name);
CREATE INDEX IF NOT EXISTS report_names_report ON report_names (report_id);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, report_id TEXT NOT NULL, section TEXT NOT NULL,
    kind TEXT NOT NULL, agency TEXT, short_name TEXT, year INTEGER, title TEXT, header TEXT, body TEXT
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks (report_id);
CREATE INDEX IF NOT EXISTS chunks_section ON chunks (section);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_tokens USING fts5 (tokens, tokenize = 'unicode61 remove_diacritics 0');
"""
LEXICAL_TABLES = ("reports", "report_names", "chunks", "chunk_tokens")
_CHUNK_COLUMNS = "chunk_id, report_id, section, kind, agency, short_name, year, title, header, body"


@dataclass
class ChunkRow:
    """A chunk as the lexical store keeps it: what search needs to return a hit without a trip to Chroma."""

    chunk_id: str
    report_id: str
    section: str
    kind: str  # "prose" or "table"
    agency: str
    short_name: str
    year: int | None
    title: str
    header: str
    body: str


class LexicalUnreadable(RuntimeError):
    """The lexical store's file is damaged (SQLite says so); the Index turns it into IndexDamaged."""


@contextlib.contextmanager
def _damage_named() -> Iterator[None]:
    """SQLite errors that mean a damaged file become LexicalUnreadable; a busy lock stays what it is."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        raise LexicalUnreadable(f"{exc.__class__.__name__}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise LexicalUnreadable(f"{exc.__class__.__name__}: {exc}") from exc


def _as_list(values: Iterable[Any]) -> str:
    """A list as one SQL parameter (read back with json_each): no limit on how many ids a filter names."""
    return json.dumps(list(values), ensure_ascii=False)


def report_names(report: Report) -> set[str]:
    """The names a region filter matches a report by: every level of its region chain and the body's own names."""
    return {n for n in (*report.region, report.agency, report.short_name) if n}


def match_expression(query: str) -> str | None:
    """The FTS5 query for `query`: its jieba tokens, each a quoted phrase, any of them (BM25 ranks the rest)."""
    tokens = list(dict.fromkeys(tokenize(query)))
    if not tokens:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


class LexicalStore:
    """Chunks' jieba tokens in an FTS5 table ranked by bm25(), beside the chunk texts and each report's year, level
    and names (what the filters select on). One report's rows are replaced or deleted in one transaction.

    Every statement reads the file as it is now, so a report another process wrote is found without a reload."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._mutex = threading.Lock()
        with _damage_named():
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self.db.executescript(f"BEGIN IMMEDIATE;{LEXICAL_SCHEMA}COMMIT;")  # all tables at once, or none

    def close(self) -> None:
        with self._mutex:
            self.db.close()

    def _run(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        with _damage_named(), self._mutex:
            return self.db.execute(sql, args).fetchall()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once: a second writer waits on SQLite's lock, never half-interleaves)."""
        with _damage_named(), self._mutex:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # ------------------------------------------------------------ writes
    def put_reports(self, items: Iterable[tuple[Report, list[Chunk]]],
                    tokens: Sequence[Sequence[str] | None] | None = None) -> None:
        """Replace each report's rows (its chunks may be none: an unidentified report keeps only its report row).
        `tokens`, when given, holds each item's chunks' `lexical_tokens` computed elsewhere (an ingest has its parse
        workers do it), None for an item to tokenize here. Tokens are computed before the write transaction opens;
        all items commit together."""
        items = list(items)
        given = list(tokens) if tokens is not None else [None] * len(items)
        prepared = [(report, list(zip(chunks, toks if toks is not None else [lexical_tokens(c.text) for c in chunks],
                                      strict=True)))
                    for (report, chunks), toks in zip(items, given, strict=True)]
        with self._transaction():
            for report, rows in prepared:
                self._delete(report.report_id)
                self._insert(report, rows)

    def put_report(self, report: Report, chunks: list[Chunk]) -> None:
        self.put_reports([(report, chunks)])

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        ids = list(report_ids)
        if not ids:
            return
        with self._transaction():
            for rid in ids:
                self._delete(rid)

    def _delete(self, report_id: str) -> None:
        # by rowid through the chunks table's index: never a scan of the FTS table
        self.db.execute(
            "DELETE FROM chunk_tokens WHERE rowid IN (SELECT id FROM chunks WHERE report_id = ?)", (report_id,)
        )
        for table in ("chunks", "report_names", "reports"):
            self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))  # noqa: S608 (fixed names)

    def _insert(self, report: Report, rows: list[tuple[Chunk, str]]) -> None:
        rid = report.report_id
        self.db.execute("INSERT INTO reports VALUES (?, ?, ?)", (rid, report.year, report.level))
        self.db.executemany("INSERT INTO report_names VALUES (?, ?)", [(rid, n) for n in sorted(report_names(report))])
        for chunk, tokens in rows:
            cur = self.db.execute(
                f"INSERT INTO chunks ({_CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (chunk.chunk_id, rid, chunk.section, chunk.metadata.get("kind", "prose"), report.agency,
                 report.short_name, report.year, chunk.title, chunk.header, chunk.body),
            )
            self.db.execute("INSERT INTO chunk_tokens (rowid, tokens) VALUES (?, ?)", (cur.lastrowid, tokens))

    # ------------------------------------------------------------ reads
    def report_ids(self) -> set[str]:
        return {r[0] for r in self._run("SELECT report_id FROM reports")}

    def chunk_count(self) -> int:
        return self._run("SELECT count(*) FROM chunks")[0][0]

    def allowed_sql(self, filters: SearchFilters | None) -> tuple[str, list[Any]] | None:
        """SQL selecting the report_ids the report-level filters let through (None: no report-level filter)."""
        if filters is None:
            return None
        conds: list[str] = []
        args: list[Any] = []
        for column, values in (("year", filters.years), ("report_id", filters.report_ids), ("level", filters.levels)):
            if values:
                conds.append(f"{column} IN (SELECT value FROM json_each(?))")
                args.append(_as_list(values))
        if filters.regions:
            names = "SELECT report_id FROM report_names WHERE name IN (SELECT value FROM json_each(?))"
            conds.append(f"report_id IN ({names})")
            args.append(_as_list(filters.regions))
        if not conds:
            return None
        return "SELECT report_id FROM reports WHERE " + " AND ".join(conds), args

    def allowed_report_ids(self, filters: SearchFilters | None) -> set[str] | None:
        clause = self.allowed_sql(filters)
        return None if clause is None else {r[0] for r in self._run(*clause)}

    def passage_ids(self, filters: SearchFilters | None, cap: int) -> list[str] | None:
        """The embedded chunks (not table text) the filters let through, at most `cap` of them, in no set order
        (None: no filter narrows the reports, every passage is allowed)."""
        clause = self.allowed_sql(filters)
        if clause is None:
            return None
        sql = f"SELECT chunk_id FROM chunks WHERE kind != 'table' AND report_id IN ({clause[0]})"  # noqa: S608
        args = list(clause[1])
        if filters is not None and filters.sections:  # unary +: SQLite would walk the section's index (every report)
            sql += " AND +section IN (SELECT value FROM json_each(?))"
            args.append(_as_list(filters.sections))
        return [r[0] for r in self._run(sql + " LIMIT ?", [*args, cap])]  # no ORDER BY: SQLite stops at the cap

    def rank(self, query: str, limit: int, filters: SearchFilters | None = None) -> list[str]:
        """chunk_ids by BM25 over jieba tokens, best first; the filters are the query's own WHERE (no pass over every
        chunk: FTS5 visits only the rows holding a query token)."""
        match = match_expression(query)
        if match is None or limit <= 0:
            return []
        sql = "SELECT rowid FROM chunk_tokens WHERE chunk_tokens MATCH ?"
        args: list[Any] = [match]
        # The filters pick chunk rowids through the chunks table's indexes (report_id, section) into one set that
        # each matching row is checked against: reading a filter column from the FTS table costs far more, and the
        # unary + keeps SQLite from running the MATCH once per allowed rowid (seconds for a year's worth of rows).
        conds: list[str] = []
        clause = self.allowed_sql(filters)
        if clause is not None:
            conds.append(f"report_id IN ({clause[0]})")
            args += clause[1]
        if filters is not None and filters.sections:  # with a report filter, use its index (+)
            conds.append(f"{'+' if clause is not None else ''}section IN (SELECT value FROM json_each(?))")
            args.append(_as_list(filters.sections))
        if conds:
            sql += " AND +rowid IN (SELECT id FROM chunks WHERE " + " AND ".join(conds) + ")"
        sql += " ORDER BY rank, rowid LIMIT ?"
        rowids = [r[0] for r in self._run(sql, [*args, limit])]
        if not rowids:
            return []
        ids = dict(self._run("SELECT id, chunk_id FROM chunks WHERE id IN (SELECT value FROM json_each(?))",
                             [_as_list(rowids)]))
        return [ids[r] for r in rowids if r in ids]

    def rows(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRow]:
        got = self._run(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN (SELECT value FROM json_each(?))",  # noqa: S608
            [_as_list(chunk_ids)],
        )
        return {r[0]: ChunkRow(*r) for r in got}

    def all_rows(self) -> Iterator[ChunkRow]:
        """Every chunk row, by chunk_id (tests and tools compare stores with it)."""
        for r in self._run(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY chunk_id"):  # noqa: S608
            yield ChunkRow(*r)

    def tokens_of(self, chunk_id: str) -> str | None:
        got = self._run(
            "SELECT t.tokens FROM chunk_tokens t JOIN chunks c ON c.id = t.rowid WHERE c.chunk_id = ?", [chunk_id]
        )
        return got[0][0] if got else None
