"""The index's part of the database: articles, the analysis cache and the last good snapshot.

Its work comes in large units (a batch of analyses, a whole snapshot build inside its
transaction, reading the arrays through blob I/O), so it runs each unit whole on one thread of
its own with the standard sqlite3 module, instead of one thread hop per statement through
aiosqlite (which has no public way to run a function on its thread). A connection of its own also
keeps the rebuild's long write transaction apart from the question log's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.storage import index_layout
from bot.storage.connection import connect, now_iso, storage_error
from bot.storage.db import open_file
from bot.storage.facts import write_facts
from bot.storage.index_layout import AnalysisRecord, SnapshotWriter, StoredIndex, add_names, grams_blob
from bot.storage.migrations import MIGRATIONS, Migration
from bot.storage.passages import PassageReader

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownArticle:
    path: str
    hash: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ArticleChange:
    """An article row to write: its content hash and the file's size and change time."""

    hash: str
    size: int
    mtime_ns: int


@dataclass
class AnalysisCache:
    """Stores analyses as they come, each batch in a short transaction of its own, and keeps what
    it added: a reload that fails for want of space takes it out again (IndexStore.remove)."""

    started_at: str = field(default_factory=now_iso)
    added: list[str] = field(default_factory=list)
    terms: dict[str, int] | None = None
    grams: dict[str, int] | None = None
    first_new_term: int = 0
    first_new_gram: int = 0

    def __call__(self, conn: sqlite3.Connection, batch: Sequence[tuple[str, AnalysisRecord]]) -> None:
        if self.terms is None or self.grams is None:
            self.terms = dict(conn.execute("SELECT term, id FROM terms"))
            self.grams = dict(conn.execute("SELECT gram, id FROM grams"))
            self.first_new_term = max(self.terms.values(), default=0) + 1
            self.first_new_gram = max(self.grams.values(), default=0) + 1
        conn.execute("BEGIN IMMEDIATE")
        try:
            add_names(conn, "terms", "term", self.terms, {t for _, e in batch for t in e.vocab})
            add_names(
                conn, "grams", "gram", self.grams, {g for _, e in batch for g in (*e.unigrams, *e.bigrams)}
            )
            stamp = now_iso()
            for h, e in batch:
                term_ids = np.fromiter((self.terms[t] for t in e.vocab), dtype=np.int32, count=len(e.vocab))
                tokens = term_ids[np.frombuffer(e.ids, dtype=np.int32)]
                conn.execute("DELETE FROM passages WHERE hash = ?", (h,))
                (first,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM passages").fetchone()
                grams = grams_blob(self.grams, e.unigrams, e.uni_counts, e.bigrams, e.bi_counts)
                conn.execute(
                    "INSERT OR REPLACE INTO analyses (hash, meta_json, years_json, tokens, lengths, ngrams_json,"
                    " created_at, grams, first_passage, packed) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1)",
                    (
                        h,
                        json.dumps(e.meta, ensure_ascii=False),
                        json.dumps(e.years),
                        zlib.compress(tokens.tobytes(), 1),
                        e.lengths,
                        stamp,
                        zlib.compress(grams, 1),
                        first,
                    ),
                )
                conn.executemany(
                    "INSERT INTO passages (id, hash, seq, text, before, after, page) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(first + i, h, i, t, b, a, pg) for i, (t, b, a, pg) in enumerate(e.passages)],
                )
                write_facts(conn, h, e.facts)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (full disk, I/O error)
                conn.execute("ROLLBACK")
            raise
        self.added.extend(h for h, _ in batch)


class IndexStore:
    def __init__(self, path: Path, pool: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        self.path = path
        self._pool = pool
        self._conn = conn
        self._closed = False

    @classmethod
    async def open(cls, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> IndexStore:
        await open_file(path, migrations)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-store")
        try:
            conn = await asyncio.get_running_loop().run_in_executor(pool, connect, path)
        except sqlite3.Error as e:
            pool.shutdown(wait=False)
            raise storage_error(e, f"cannot open database {path}") from e
        except BaseException:
            pool.shutdown(wait=False)
            raise
        return cls(path, pool, conn)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._pool, self._conn.close)
        self._pool.shutdown(wait=True)

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """fn(connection) on the store's thread; SQLite's errors come out as StorageError."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._call, fn)

    def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return fn(self._conn)
        except sqlite3.Error as e:
            raise storage_error(e, "index store") from e

    # ---------------------------------------------------------------- what is there

    async def known_articles(self) -> dict[str, KnownArticle]:
        def read(conn: sqlite3.Connection) -> dict[str, KnownArticle]:
            rows = conn.execute("SELECT path, hash, size, mtime_ns FROM articles")
            return {r[0]: KnownArticle(*r) for r in rows}

        return await self.run(read)

    async def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        hs = list(set(hashes))

        def read(conn: sqlite3.Connection) -> set[str]:
            out: set[str] = set()
            for i in range(0, len(hs), 500):
                chunk = hs[i : i + 500]
                q = f"SELECT hash FROM analyses WHERE hash IN ({','.join('?' * len(chunk))})"
                out.update(r[0] for r in conn.execute(q, chunk))
            return out

        return await self.run(read)

    async def analysis_version(self) -> str | None:
        def read(conn: sqlite3.Connection) -> str | None:
            row = conn.execute("SELECT value FROM meta WHERE key = 'analysis_version'").fetchone()
            return row[0] if row else None

        return await self.run(read)

    async def has_snapshot(self) -> bool:
        return await self.run(
            lambda conn: conn.execute("SELECT 1 FROM snapshot WHERE id = 1").fetchone() is not None
        )

    async def passage_count(self) -> int:
        return await self.run(index_layout.passage_count)

    async def read_snapshot(self) -> StoredIndex | None:
        return await self.run(index_layout.read_snapshot)

    def passage_reader(self, doc_passage: np.ndarray) -> PassageReader:
        return PassageReader(self.path, doc_passage)

    # ---------------------------------------------------------------- the analysis cache

    async def prune(self, keep: set[str]) -> int:
        """Take out analyses no article uses and `keep` does not name (left by a reload that was
        killed or failed, for files gone since): their room goes back to the next analyses."""

        def prune(conn: sqlite3.Connection) -> int:
            orphans = [
                h
                for (h,) in conn.execute(
                    "SELECT hash FROM analyses WHERE hash NOT IN (SELECT hash FROM articles)"
                )
                if h not in keep
            ]
            if orphans:
                _delete_unused(conn, orphans)
            return len(orphans)

        return await self.run(prune)

    async def cache(self, cache: AnalysisCache, batch: Sequence[tuple[str, AnalysisRecord]]) -> None:
        await self.run(partial(cache, batch=batch))

    async def remove(self, cache: AnalysisCache) -> None:
        """Take out what a failed reload added to the cache: its analyses with their passages, and
        the terms and grams first named by them (unless another process added analyses meanwhile,
        which may use those), then give the log file's room back to the disk."""

        def remove(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                _delete_unused(conn, cache.added, transaction=False)
                (others,) = conn.execute(
                    "SELECT COUNT(*) FROM analyses WHERE created_at >= ? AND hash NOT IN (SELECT hash FROM articles)",
                    (cache.started_at,),
                ).fetchone()
                if not others and cache.terms is not None:
                    conn.execute("DELETE FROM terms WHERE id >= ?", (cache.first_new_term,))
                    conn.execute("DELETE FROM grams WHERE id >= ?", (cache.first_new_gram,))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await self.run(remove)
        cache.added.clear()

    # ---------------------------------------------------------------- writing the index

    async def touch(self, files: dict[str, ArticleChange]) -> None:
        """Articles whose file moved in time but not in content: their size and time, no rebuild."""
        rows = [(f.size, f.mtime_ns, p) for p, f in files.items()]
        await self.run(
            lambda conn: conn.executemany("UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?", rows)
        )

    async def commit(
        self,
        removed: Iterable[str],
        updated: dict[str, ArticleChange],
        build: Callable[[SnapshotWriter], T],
        analysis_version: str,
    ) -> T:
        """In one transaction: the article rows (removed ones out, new and changed ones in), the
        analyses no article uses any more out, the snapshot build(writer) makes, and the analysis
        version. A failure or a kill part-way leaves the previous snapshot and articles as they were."""
        gone = sorted(set(removed))

        def write(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                _write_articles(conn, gone, updated)
                result = build(SnapshotWriter(conn))
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('analysis_version', ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (analysis_version,),
                )
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk, an I/O error): a second
                # ROLLBACK would fail and hide the error that matters.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        return await self.run(write)


def _write_articles(conn: sqlite3.Connection, removed: list[str], updated: dict[str, ArticleChange]) -> None:
    conn.executemany("DELETE FROM articles WHERE path = ?", [(p,) for p in removed])
    hashes = list({f.hash for f in updated.values()})
    meta: dict[str, dict] = {}
    for i in range(0, len(hashes), 500):
        part = hashes[i : i + 500]
        q = f"SELECT hash, meta_json FROM analyses WHERE hash IN ({','.join('?' * len(part))})"
        meta.update((h, json.loads(m)) for h, m in conn.execute(q, part))
    stamp = now_iso()
    rows = []
    for path, f in updated.items():
        m = meta.get(f.hash, {})
        rows.append(
            (
                path,
                f.hash,
                f.size,
                f.mtime_ns,
                m.get("title") or path,
                m.get("publisher"),
                m.get("date"),
                m.get("place"),
                m.get("province"),
                m.get("url"),
                stamp,
            )
        )
    conn.executemany(
        "INSERT INTO articles (path, hash, size, mtime_ns, title, publisher, date, place, province, url,"
        " indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size,"
        " mtime_ns = excluded.mtime_ns, title = excluded.title, publisher = excluded.publisher,"
        " date = excluded.date, place = excluded.place, province = excluded.province,"
        " url = excluded.url, indexed_at = excluded.indexed_at",
        rows,
    )
    # Analyses no article uses any more (their passages go with them).
    conn.execute("DELETE FROM analyses WHERE hash NOT IN (SELECT hash FROM articles)")


def _delete_unused(conn: sqlite3.Connection, hashes: Sequence[str], *, transaction: bool = True) -> None:
    """Delete these analyses (their passages go with them) unless an article uses one."""
    if transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            q = (
                f"DELETE FROM analyses WHERE hash IN ({','.join('?' * len(part))})"
                " AND hash NOT IN (SELECT hash FROM articles)"
            )
            conn.execute(q, part)
        if transaction:
            conn.execute("COMMIT")
    except BaseException:
        if transaction and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
