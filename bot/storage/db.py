"""The question log and feedback, through aiosqlite; opening the database file and its migrations.

aiosqlite serves what the event loop asks one statement at a time: logging a question, a vote,
the statistics. The index has a store of its own (index_store.py), whose work comes in large
units that run whole on its thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.models import Stats
from bot.storage import migrations as schema
from bot.storage.connection import connect_async, now_iso, prepare_database_file, storage_error
from bot.storage.migrations import MIGRATIONS, Migration

__all__ = ["Database", "now_iso"]


async def open_file(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Create the database file owner-only if it is missing, and bring its schema up to date."""
    try:
        await asyncio.to_thread(prepare_database_file, path)
    except OSError as e:
        raise storage_error(e, f"cannot open database {path}") from e
    await asyncio.to_thread(schema.run, path, migrations)


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> Database:
        await open_file(path, migrations)
        try:
            conn = await connect_async(path)
        except sqlite3.Error as e:
            raise storage_error(e, f"cannot open database {path}") from e
        return cls(conn, path)

    async def close(self) -> None:
        await self.conn.close()

    # ---------------------------------------------------------------- migrations

    async def applied_migrations(self) -> list[str]:
        return await asyncio.to_thread(schema.names_applied, self.path)

    async def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
        """Apply the missing steps in order; each step and its record commit together or not at all."""
        return await asyncio.to_thread(schema.run, self.path, migrations)

    # ---------------------------------------------------------------- question log

    async def log_question(
        self,
        *,
        user_hash: str | None,
        channel: str,
        question: str,
        answer: str,
        refused: bool,
        latency_ms: float,
    ) -> int:
        try:
            cur = await self.conn.execute(
                "INSERT INTO questions (asked_at, user_hash, channel, question, answer, refused, latency_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), user_hash, channel, question, answer, int(refused), latency_ms),
            )
            return int(cur.lastrowid or 0)
        except sqlite3.Error as e:
            raise storage_error(e, "cannot log question") from e

    async def question_text(self, question_id: int) -> str | None:
        try:
            async with self.conn.execute(
                "SELECT question FROM questions WHERE id = ?", (question_id,)
            ) as cur:
                row = await cur.fetchone()
        except sqlite3.Error as e:
            raise storage_error(e, "cannot read the question log") from e
        return row[0] if row else None

    async def record_feedback(self, question_id: int, user_hash: str, value: int) -> None:
        if value not in (-1, 1):
            raise ValueError("feedback is +1 or -1")
        try:
            await self.conn.execute(
                "INSERT INTO feedback (question_id, user_hash, value, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(question_id, user_hash) DO UPDATE SET value = excluded.value, at = excluded.at",
                (question_id, user_hash, value, now_iso()),
            )
        except sqlite3.Error as e:
            raise storage_error(e, "cannot record feedback") from e

    async def stats(self, *, top: int = 5, recent: int = 5) -> Stats:
        try:
            return await self._stats(top, recent)
        except sqlite3.Error as e:
            raise storage_error(e, "cannot read the question log") from e

    async def _stats(self, top: int, recent: int) -> Stats:
        now = dt.datetime.now(dt.UTC)
        day = (now - dt.timedelta(days=1)).isoformat(timespec="seconds")
        week = (now - dt.timedelta(days=7)).isoformat(timespec="seconds")

        async def one(q: str, args: tuple = ()) -> tuple:
            async with self.conn.execute(q, args) as cur:
                return tuple(await cur.fetchone() or ())

        async def rows(q: str, args: tuple = ()) -> list[tuple]:
            async with self.conn.execute(q, args) as cur:
                return [tuple(r) for r in await cur.fetchall()]

        (n_day,) = await one("SELECT COUNT(*) FROM questions WHERE asked_at >= ?", (day,))
        n_week, refused_week = await one(
            "SELECT COUNT(*), COALESCE(SUM(refused), 0) FROM questions WHERE asked_at >= ?", (week,)
        )
        top_q = await rows(
            "SELECT question, COUNT(*) AS n FROM questions WHERE asked_at >= ? AND channel != 'more'"
            " GROUP BY lower(trim(question)) ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
            (week, top),
        )
        unanswered = await rows(
            "SELECT question, asked_at FROM questions WHERE refused = 1 AND length(trim(question)) > 0"
            " ORDER BY id DESC LIMIT ?",
            (recent,),
        )
        up, down = await one("SELECT COALESCE(SUM(value = 1), 0), COALESCE(SUM(value = -1), 0) FROM feedback")
        return Stats(
            questions_24h=int(n_day),
            questions_7d=int(n_week),
            refusal_rate_7d=(refused_week / n_week) if n_week else 0.0,
            top_questions=[(q, int(n)) for q, n in top_q],
            recent_unanswered=[(q, t) for q, t in unanswered],
            feedback_up=int(up),
            feedback_down=int(down),
        )
