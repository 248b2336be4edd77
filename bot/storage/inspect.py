"""Looks into a database file from outside the bot, read-only: for the bench."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from bot.storage.connection import connect
from bot.storage.index_layout import TOKEN_ROWS, unpack

SQLITE_VERSION = sqlite3.sqlite_version


def passage_tokens(db: Path) -> list[list[str]]:
    """Every indexed passage's tokens, in index order, as the snapshot was built from them."""
    conn = connect(db, readonly=True)
    try:
        terms = dict(conn.execute("SELECT id, term FROM terms"))
        out: list[list[str]] = []
        for tok, lens, packed in conn.execute(TOKEN_ROWS):
            words = [terms[i] for i in unpack(tok, packed).tolist()]
            at = 0
            for n in np.frombuffer(lens, dtype=np.int32).tolist():
                out.append(words[at : at + n])
                at += n
        return out
    finally:
        conn.close()


def database_size(db: Path) -> dict:
    """The file's size, its write-ahead log's, the free pages' and each table's (when SQLite has dbstat)."""
    conn = connect(db, readonly=True)
    try:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0] * page
        tables = {}
        try:
            for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
                tables[name] = size
        except sqlite3.Error:
            pass
    finally:
        conn.close()
    wal = Path(f"{db}-wal")
    return {
        "bytes": db.stat().st_size,
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
        "free_bytes": free,
        "tables": tables,
    }
