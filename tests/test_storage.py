"""Migrations on real SQLite files, and the question log."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.errors import StorageError
from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS, Migration

TABLES = {
    "meta",
    "analyses",
    "passages",
    "articles",
    "terms",
    "snapshot",
    "questions",
    "feedback",
    "schema_migrations",
}


def tables_of(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def recorded(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")]


def test_migration_names_are_unique_and_ordered():
    names = [m.name for m in MIGRATIONS]
    assert len(names) == len(set(names))
    assert names == sorted(names)


async def test_blank_database_gets_every_table(tmp_path):
    path = tmp_path / "sub" / "dir" / "bot.db"  # parent directories are created
    db = await Database.open(path)
    try:
        assert await db.applied_migrations() == [m.name for m in MIGRATIONS]
    finally:
        await db.close()
    assert tables_of(path) >= TABLES
    assert recorded(path) == [m.name for m in MIGRATIONS]  # in the order they were applied
    with sqlite3.connect(path) as conn:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
        assert {"path", "title", "publisher", "date", "place", "hash"} <= cols
        cols = {r[1] for r in conn.execute("PRAGMA table_info(questions)")}
        assert {"question", "answer", "refused", "latency_ms", "asked_at"} <= cols
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_migrating_twice_applies_nothing(tmp_path):
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    try:
        assert await db.migrate() == []
        assert await db.migrate(MIGRATIONS) == []
    finally:
        await db.close()
    db = await Database.open(path)  # reopening does not re-run them either
    await db.close()
    assert recorded(path) == [m.name for m in MIGRATIONS]


async def test_failing_migration_rolls_back_and_keeps_earlier_ones(tmp_path):
    path = tmp_path / "bot.db"
    steps = [
        Migration("0001_one", "CREATE TABLE one (x INTEGER);"),
        Migration("0002_two", "CREATE TABLE two (y TEXT); INSERT INTO two VALUES ('a');"),
        # Its first statement works, its second does not: neither may remain.
        Migration("0003_bad", "CREATE TABLE three (z INTEGER); INSERT INTO no_such_table VALUES (1);"),
        Migration("0004_after", "CREATE TABLE four (w INTEGER);"),
    ]
    db = await Database.open(path, migrations=())
    try:
        with pytest.raises(StorageError, match="0003_bad"):
            await db.migrate(steps)
        assert await db.applied_migrations() == ["0001_one", "0002_two"]
    finally:
        await db.close()
    tables = tables_of(path)
    assert {"one", "two"} <= tables
    assert "three" not in tables and "four" not in tables
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT y FROM two").fetchall() == [("a",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # Fixed, the remaining steps apply on the next run.
    fixed = [*steps[:2], Migration("0003_bad", "CREATE TABLE three (z INTEGER);"), steps[3]]
    db = await Database.open(path, migrations=fixed)
    try:
        assert await db.applied_migrations() == ["0001_one", "0002_two", "0003_bad", "0004_after"]
    finally:
        await db.close()
    assert {"one", "two", "three", "four"} <= tables_of(path)


async def test_open_with_a_failing_migration_raises_storage_error(tmp_path):
    path = tmp_path / "bot.db"
    with pytest.raises(StorageError):
        await Database.open(path, migrations=[Migration("0001_bad", "CREATE TABLE (;")])
    assert recorded(path) == []


async def test_question_log_and_stats(tmp_path):
    db = await Database.open(tmp_path / "bot.db")
    try:
        q1 = await db.log_question(
            user_hash="u1", channel="cli", question="Kinh Môn?", answer="«…»", refused=False, latency_ms=3.5
        )
        q2 = await db.log_question(
            user_hash="u2",
            channel="telegram",
            question="Sầm Sơn?",
            answer="Xin lỗi",
            refused=True,
            latency_ms=1.0,
        )
        assert q2 > q1 > 0
        assert await db.question_text(q1) == "Kinh Môn?"
        assert await db.question_text(999) is None
        await db.record_feedback(q1, "u1", 1)
        await db.record_feedback(q1, "u1", -1)  # changing one's mind replaces the vote
        with pytest.raises(ValueError):
            await db.record_feedback(q1, "u1", 5)
        stats = await db.stats()
    finally:
        await db.close()
    assert stats.questions_24h == 2 and stats.questions_7d == 2
    assert stats.refusal_rate_7d == pytest.approx(0.5)
    assert [q for q, _ in stats.recent_unanswered] == ["Sầm Sơn?"]
    assert (stats.feedback_up, stats.feedback_down) == (0, 1)
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        row = conn.execute(
            "SELECT question, answer, refused, latency_ms, asked_at FROM questions WHERE id = ?", (q2,)
        )
        question, answer, refused, latency, asked_at = row.fetchone()
    assert (question, answer, refused, latency) == ("Sầm Sơn?", "Xin lỗi", 1, 1.0)
    assert asked_at.startswith("20")


async def test_engine_logs_every_question(engine):
    answer, qid = await engine.ask("Móng Cái còn bao nhiêu hộ cận nghèo?", user="abc", channel="cli")
    refused, qid2 = await engine.ask("Thị xã Sầm Sơn có bao nhiêu dự án?", channel="cli")
    assert not answer.refused and refused.refused
    async with engine.db.conn.execute(
        "SELECT id, question, refused, channel, user_hash, answer FROM questions ORDER BY id"
    ) as cur:
        rows = await cur.fetchall()
    assert [(r[0], r[1], r[2]) for r in rows[-2:]] == [
        (qid, "Móng Cái còn bao nhiêu hộ cận nghèo?", 0),
        (qid2, "Thị xã Sầm Sơn có bao nhiêu dự án?", 1),
    ]
    assert rows[-2][3] == "cli" and rows[-2][4] == "abc"
    assert "57 hộ" in rows[-2][5]


async def test_sql_parameters_stay_out_of_a_debug_log(tmp_path, caplog):
    """aiosqlite logs each statement with its parameters at DEBUG; even then, no question."""
    caplog.set_level(logging.DEBUG)
    db = await Database.open(tmp_path / "bot.db")
    try:
        await db.log_question(
            user_hash="u-7f3a",
            channel="cli",
            question="Câu hỏi riêng tư",
            answer="",
            refused=True,
            latency_ms=1.0,
        )
    finally:
        await db.close()
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert "riêng tư" not in logged and "u-7f3a" not in logged
