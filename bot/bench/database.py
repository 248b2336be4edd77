"""What the bench reads from a built database file: every passage's tokens (for rank-bm25) and
the file's size, table by table."""

from __future__ import annotations

from pathlib import Path

from bot.bench.common import Bench, say
from bot.storage.inspect import database_size, passage_tokens


def load_passage_tokens(db: Path) -> list[list[str]]:
    """Every indexed passage's tokens, in index order, as the snapshot was built from them."""
    return passage_tokens(db)


def db_size(db: Path) -> dict:
    return database_size(db)


def step_database(b: Bench) -> None:
    size_info = db_size(b.db)
    b.out["database"] = size_info
    say(
        f"database: {size_info['bytes'] / 2**20:.1f} MB (+ WAL {size_info['wal_bytes'] / 2**20:.1f} MB),"
        f" of which free pages {size_info['free_bytes'] / 2**20:.1f} MB;"
        f" {size_info['bytes'] / max(b.corpus_bytes, 1):.1f}x the article text"
    )
