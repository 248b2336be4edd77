"""What the bench reads from a built database file: every passage's tokens (for rank-bm25) and
the file's size, table by table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from bot.bench.common import Bench, say


def load_passage_tokens(db: Path) -> list[list[str]]:
    """Every indexed passage's tokens, in index order, as the snapshot was built from them."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        terms = dict(conn.execute("SELECT id, term FROM terms"))
        out: list[list[str]] = []
        from bot.indexer import TOKEN_ROWS, unpack

        for tok, lens, packed in conn.execute(TOKEN_ROWS):
            words = [terms[i] for i in unpack(tok, packed).tolist()]
            at = 0
            for n in np.frombuffer(lens, dtype=np.int32).tolist():
                out.append(words[at : at + n])
                at += n
        return out
    finally:
        conn.close()


def db_size(db: Path) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
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


def step_database(b: Bench) -> None:
    size_info = db_size(b.db)
    b.out["database"] = size_info
    say(
        f"database: {size_info['bytes'] / 2**20:.1f} MB (+ WAL {size_info['wal_bytes'] / 2**20:.1f} MB),"
        f" of which free pages {size_info['free_bytes'] / 2**20:.1f} MB;"
        f" {size_info['bytes'] / max(b.corpus_bytes, 1):.1f}x the article text"
    )
