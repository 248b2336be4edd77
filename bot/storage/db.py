"""aiosqlite storage: migrations, the corpus cache and index snapshot, the question log."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.errors import StorageError
from bot.models import Stats
from bot.storage.migrations import MIGRATIONS, Migration

T = TypeVar("T")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class KnownArticle:
    path: str
    hash: str
    size: int
    mtime_ns: int


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> Database:
        conn: aiosqlite.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(path, isolation_level=None)
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA synchronous=NORMAL")
            db = cls(conn, path)
            await db.migrate(migrations)
            await db._add_late_columns()
        except BaseException as e:
            # A connection left open keeps aiosqlite's (non-daemon) thread alive: the process
            # could not exit after reporting the error.
            if conn is not None:
                await conn.close()
            if isinstance(e, (sqlite3.Error, OSError)):
                raise StorageError(f"cannot open database {path}: {e}") from e
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """fn(connection), in the connection's own thread: for work of many statements (index
        builds, blob reads) that would cost a thread hop per statement through aiosqlite."""
        return await self.conn._execute(fn, self.conn._conn)

    # ---------------------------------------------------------------- migrations

    async def applied_migrations(self) -> list[str]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        async with self.conn.execute("SELECT name FROM schema_migrations ORDER BY name") as cur:
            return [r[0] for r in await cur.fetchall()]

    async def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
        """Apply the missing steps in order; each step and its record commit together or not at all."""
        done = set(await self.applied_migrations())
        applied = []
        for m in migrations:
            if m.name in done:
                continue
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                for statement in _statements(m.sql):
                    await self.conn.execute(statement)
                await self.conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (m.name, now_iso())
                )
                await self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                if self.conn.in_transaction:  # SQLite may have rolled back already (full disk)
                    await self.conn.execute("ROLLBACK")
                raise StorageError(f"migration {m.name} failed: {e}") from e
            applied.append(m.name)
        return applied

    async def _add_late_columns(self) -> None:
        """Columns a migration gained after some databases had applied it: added where missing.

        0004_compact_index ran for a while, in shared working copies, before it had
        analyses.packed; those databases record the step as done and lack the column.
        """
        async with self.conn.execute("SELECT name FROM pragma_table_info('analyses')") as cur:
            columns = {r[0] for r in await cur.fetchall()}
        if columns and "packed" not in columns:
            await self.conn.execute("ALTER TABLE analyses ADD COLUMN packed INTEGER NOT NULL DEFAULT 0")

    # ---------------------------------------------------------------- meta

    async def get_meta(self, key: str) -> str | None:
        async with self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ---------------------------------------------------------------- corpus

    async def known_articles(self) -> dict[str, KnownArticle]:
        async with self.conn.execute("SELECT path, hash, size, mtime_ns FROM articles") as cur:
            return {r[0]: KnownArticle(*r) for r in await cur.fetchall()}

    async def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        hs = list(set(hashes))
        out: set[str] = set()
        for i in range(0, len(hs), 500):
            chunk = hs[i : i + 500]
            q = f"SELECT hash FROM analyses WHERE hash IN ({','.join('?' * len(chunk))})"
            async with self.conn.execute(q, chunk) as cur:
                out.update(r[0] for r in await cur.fetchall())
        return out

    async def terms(self) -> dict[str, int]:
        async with self.conn.execute("SELECT term, id FROM terms") as cur:
            return {r[0]: r[1] for r in await cur.fetchall()}

    async def has_snapshot(self) -> bool:
        async with self.conn.execute("SELECT 1 FROM snapshot WHERE id = 1") as cur:
            return await cur.fetchone() is not None

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
            raise StorageError(f"cannot log question: {e}") from e

    async def question_text(self, question_id: int) -> str | None:
        async with self.conn.execute("SELECT question FROM questions WHERE id = ?", (question_id,)) as cur:
            row = await cur.fetchone()
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
            raise StorageError(f"cannot record feedback: {e}") from e

    async def stats(self, *, top: int = 5, recent: int = 5) -> Stats:
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


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (our scripts have no semicolons inside literals)."""
    out = []
    for part in script.split(";"):
        lines = [line for line in part.splitlines() if not line.strip().startswith("--")]
        stmt = "\n".join(lines).strip()
        if stmt:
            out.append(stmt)
    return out
