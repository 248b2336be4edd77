"""Passage texts by index position, read from the database on demand (they are not kept in memory)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np

from bot.models import PassageText
from bot.storage.connection import connect, storage_error


class PassageReader:
    """Called by the retriever with index positions; has its own read-only connection, which any
    thread may use (one at a time)."""

    def __init__(self, db_path: Path, doc_passage: np.ndarray) -> None:
        try:
            self._conn = connect(db_path, readonly=True, check_same_thread=False)
        except sqlite3.Error as e:
            raise storage_error(e, "cannot open the passages") from e
        self._lock = threading.Lock()
        self._doc_passage = doc_passage

    def __call__(self, docs: list[int]) -> dict[int, PassageText]:
        ids = [int(self._doc_passage[d]) for d in docs]
        q = f"SELECT id, text, before, after, page FROM passages WHERE id IN ({','.join('?' * len(ids))})"
        try:
            with self._lock:
                rows = self._conn.execute(q, ids).fetchall()
        except sqlite3.Error as e:
            raise storage_error(e, "cannot read passages") from e
        by_id = {r[0]: PassageText(r[1], r[2], r[3], r[4]) for r in rows}
        missing = PassageText("", None, None)
        return {d: by_id.get(pid, missing) for d, pid in zip(docs, ids, strict=True)}

    def close(self) -> None:
        self._conn.close()
