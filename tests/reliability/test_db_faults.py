"""The database locked, read-only or full: answers keep coming from the index in memory, a
question that cannot be logged is still answered, and the admin gets a clear Vietnamese error
(a StorageError) for reload, upload and feedback. Questions logged while a rebuild fails are kept.

The faults are real SQLite errors: another connection holding the write lock (SQLITE_BUSY), a
connection in read-only mode or with query_only (SQLITE_READONLY), and PRAGMA max_page_count
(SQLITE_FULL, what a full disk gives; a tmpfs cannot be mounted everywhere the tests run).
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from projects import run_bot
from rel_support import integrity, rows

import bot.index.build
import bot.storage.connection
from bot.cli import cmd_ask
from bot.config import Settings
from bot.engine import Engine
from bot.errors import BotError, StorageError

KA_QUESTION = "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?"
KA2019 = "seeds/004_b115fdf71c4cebb7.txt"
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"


async def both(engine: Engine, pragma: str) -> None:
    """A setting on the index connection and on the question log's."""
    await engine.store.run(lambda conn: conn.execute(pragma))
    await engine.db.conn.execute(pragma)


def assert_vietnamese_admin_error(e: BotError, *words: str) -> None:
    assert isinstance(e, StorageError)
    message = e.user_message
    for word in words:
        assert word in message, message
    assert "Traceback" not in message and "sqlite" not in message.lower() and "/" not in message


async def assert_answers_from_memory(engine: Engine) -> None:
    answer, _ = await engine.ask(KA_QUESTION)
    assert not answer.refused and answer.sources[0].path == KA2019
    assert "Kỳ Anh" in answer.quotes[0].text or answer.quotes[0].text


# ---------------------------------------------------------------- locked


@pytest.fixture
def write_lock(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Another process's connection inside a write transaction on the bot's database."""
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


async def test_locked_database(engine: Engine, settings: Settings, write_lock: sqlite3.Connection):
    await both(engine, "PRAGMA busy_timeout = 100")  # the real wait is 5 s; the outcome is the same
    (settings.articles_dir / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")

    # Answered from memory; the log cannot be written, which costs the answer nothing.
    answer, qid = await engine.ask(KA_QUESTION, user="u1")
    assert not answer.refused and answer.sources[0].path == KA2019 and qid is None

    with pytest.raises(StorageError) as e:
        await engine.reload()
    assert_vietnamese_admin_error(e.value, "khóa", "chỉ mục cũ")
    assert not engine.reloading and engine.answer(SAM_SON_Q).refused

    with pytest.raises(StorageError) as e:
        await engine.add_article("ky-anh-moi.txt", SAM_SON.replace("Sầm Sơn", "Bỉm Sơn").encode())
    assert_vietnamese_admin_error(e.value, "Tệp đã được lưu", "khóa")
    assert (settings.articles_dir / "ky-anh-moi.txt").is_file()  # kept for the next reload

    with pytest.raises(StorageError) as e:
        await engine.feedback(1, "u1", 1)
    assert_vietnamese_admin_error(e.value, "đánh giá", "khóa")

    # The lock goes away: everything that waited goes through, nothing was lost on disk.
    write_lock.execute("ROLLBACK")
    report = await engine.reload()
    assert report.new == 2
    assert not engine.answer(SAM_SON_Q).refused
    _, qid = await engine.ask(KA_QUESTION, user="u1")
    assert qid is not None
    await engine.feedback(qid, "u1", 1)
    assert integrity(settings.db_path) == "ok"


# ---------------------------------------------------------------- read-only


async def test_read_only_database(engine: Engine, settings: Settings):
    await both(engine, "PRAGMA query_only = ON")
    (settings.articles_dir / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    answer, qid = await engine.ask(KA_QUESTION)
    assert not answer.refused and qid is None
    with pytest.raises(StorageError) as e:
        await engine.reload()
    assert_vietnamese_admin_error(e.value, "không có quyền ghi", "chỉ mục cũ")
    stats = await engine.stats()  # reading still works
    assert stats.questions_7d >= 0
    with pytest.raises(StorageError) as e:
        await engine.feedback(1, "u", -1)
    assert_vietnamese_admin_error(e.value, "không có quyền ghi")
    await assert_answers_from_memory(engine)


@pytest.fixture
def read_only_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection the bot opens is a read-only one (SQLite's mode=ro), as on a read-only file."""
    real = bot.storage.connection.target

    def read_only(path: Path, *, readonly: bool = False) -> tuple[str, bool]:
        return real(path, readonly=True)

    monkeypatch.setattr(bot.storage.connection, "target", read_only)


async def test_starting_on_a_read_only_database_serves_the_last_index(
    settings: Settings, built_db: Path, read_only_sqlite: None, capsys: pytest.CaptureFixture[str]
):
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    settings.db_path.write_bytes(built_db.read_bytes())
    (settings.articles_dir / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")  # a change to index

    eng = await Engine.open(settings)  # the build fails; the start does not
    try:
        assert eng.has_index and eng.coverage().articles == 5
        await assert_answers_from_memory(eng)
    finally:
        await eng.close()

    # The command line says why the index is not refreshed, then answers.
    assert await cmd_ask(settings, [KA_QUESTION], as_json=True) == 0
    out, err = capsys.readouterr()
    assert "không có quyền ghi" in err and "Traceback" not in err
    assert f'"path": "{KA2019}"' in out


# ---------------------------------------------------------------- full


async def test_full_disk(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch):
    async with engine.db.conn.execute("PRAGMA page_count") as cur:
        (pages,) = await cur.fetchone()
    await both(engine, f"PRAGMA max_page_count = {pages}")
    # Questions fill the last free room, then cannot be logged: every one is still answered.
    qids = []
    for _ in range(200):
        answer, qid = await engine.ask(KA_QUESTION)
        assert not answer.refused and answer.sources[0].path == KA2019
        qids.append(qid)
        if qid is None:
            break
    assert qids[-1] is None

    with pytest.raises(StorageError) as e:
        await engine.add_article("sam-son.txt", SAM_SON.encode())
    assert_vietnamese_admin_error(e.value, "Tệp đã được lưu", "ổ đĩa đã đầy")
    assert engine.answer(SAM_SON_Q).refused

    # The disk itself full: the upload is not saved, and nothing half-written is left behind.
    # (A full disk shows when the written bytes are flushed to it.)
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StorageError) as e:
        await engine.add_article("bim-son.txt", SAM_SON.replace("Sầm Sơn", "Bỉm Sơn").encode())
    assert_vietnamese_admin_error(e.value, "Không lưu được tệp", "ổ đĩa đã đầy")
    assert sorted(p.name for p in settings.articles_dir.iterdir()) == ["sam-son.txt"]
    await assert_answers_from_memory(engine)


def cache_contents(db: Path) -> tuple:
    """What the analysis cache holds: the analyses, and how many passages, terms and grams."""
    return (
        rows(db, "SELECT hash FROM analyses ORDER BY hash"),
        rows(db, "SELECT COUNT(*) FROM passages"),
        rows(db, "SELECT COUNT(*) FROM terms"),
        rows(db, "SELECT COUNT(*) FROM grams"),
    )


async def pages_in_use(engine: Engine) -> int:
    def count(conn: sqlite3.Connection) -> int:
        return (
            conn.execute("PRAGMA page_count").fetchone()[0]
            - conn.execute("PRAGMA freelist_count").fetchone()[0]
        )

    return await engine.store.run(count)


def add_copies(settings: Settings, n: int) -> list[Path]:
    """n new articles, each a seed with a line of its own: about 6 database pages each."""
    seeds = sorted((settings.root / "seeds").glob("*.txt"))
    out = []
    for i in range(n):
        path = settings.articles_dir / f"ban-sao-{i:03d}.txt"
        path.write_text(
            seeds[i % len(seeds)].read_text(encoding="utf-8") + f"\n\nBản sao số {i}.\n", encoding="utf-8"
        )
        out.append(path)
    return out


async def test_a_reload_failing_on_a_full_disk_takes_out_what_it_added(engine: Engine, settings: Settings):
    before, in_use = cache_contents(settings.db_path), await pages_in_use(engine)
    copies = add_copies(settings, 16)
    # Room for one batch of analyses (8 articles, about 50 pages) and a little more: the disk
    # fills while the reload caches its second batch.
    pages = await engine.store.run(lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])
    await engine.store.run(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages + 52}"))
    with pytest.raises(StorageError) as e:
        await engine.reload()
    assert_vietnamese_admin_error(e.value, "ổ đĩa đã đầy", "chỉ mục cũ")
    # Nothing of it stays: the room it took is free again.
    assert cache_contents(settings.db_path) == before
    assert await pages_in_use(engine) <= in_use
    await assert_answers_from_memory(engine)

    # The admin takes away the files that filled the disk and adds the one article wanted: the
    # next reload, on a disk as full as before, goes through with no cleaning by hand (with the
    # failed reload's analyses left in the database, the new one's found no room).
    for path in copies:
        path.unlink()
    wanted = settings.articles_dir / "bai-moi.txt"
    wanted.write_text(
        (settings.root / KA2019).read_text(encoding="utf-8") + "\n\nBài mới.\n", encoding="utf-8"
    )
    report = await engine.reload()
    assert (report.new, report.articles) == (1, 6)
    assert "data/articles/bai-moi.txt" in {a.path for a in engine.snapshot.articles}
    assert wanted.is_file() and integrity(settings.db_path) == "ok"


async def test_analyses_left_for_files_gone_are_taken_out_by_the_next_reload(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """A reload killed or failing for another reason than space keeps its analyses, so that the
    next one resumes without analysing them again (test_index_store.py); those of files gone
    since are taken out by the next reload, even one that has nothing else to write."""
    before = cache_contents(settings.db_path)
    copies = add_copies(settings, 4)

    def fail(writer) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(bot.index.build, "build_snapshot", fail)
    with pytest.raises(RuntimeError):
        await engine.reload()
    monkeypatch.undo()
    assert len(cache_contents(settings.db_path)[0]) == len(before[0]) + 4
    for path in copies:
        path.unlink()
    report = await engine.reload()
    assert not report.changed_anything and report.articles == 5
    # The analyses and their passages go; the few words they added to the vocabulary stay.
    assert cache_contents(settings.db_path)[:2] == before[:2]


# ---------------------------------------------------------------- nothing lost


async def test_questions_asked_while_a_rebuild_fails_are_kept(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    (settings.articles_dir / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    loop = asyncio.get_running_loop()
    during = []
    real_build = bot.index.build.build_snapshot

    def ask_then_fail(writer) -> None:
        real_build(writer)
        # Inside the rebuild's write transaction a question comes in; then the rebuild dies.
        during.append(asyncio.run_coroutine_threadsafe(engine.ask(KA_QUESTION, user="during"), loop))
        time.sleep(0.05)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(bot.index.build, "build_snapshot", ask_then_fail)
    with pytest.raises(OSError):
        await engine.reload()
    answer, qid = await asyncio.wrap_future(during[0])
    assert not answer.refused and qid is not None
    # The question is in the log under its id; the next question gets another one.
    assert await engine.logged_question(qid) == KA_QUESTION
    _, after = await engine.ask("Móng Cái còn bao nhiêu hộ cận nghèo?")
    assert after is not None and after > qid
    await engine.feedback(qid, "during", 1)
    assert rows(settings.db_path, "SELECT user_hash, question FROM questions WHERE id = ?", (qid,)) == [
        ("during", KA_QUESTION)
    ]


# ---------------------------------------------------------------- cannot open


@pytest.mark.slow  # python -m bot ask
@pytest.mark.parametrize(
    ("setup", "word"),
    [("not-a-database", "bị hỏng"), ("under-a-file", "không mở được")],
)
def test_a_database_that_cannot_be_opened_is_a_clear_error(tmp_path: Path, setup: str, word: str):
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    if setup == "not-a-database":
        db = root / "data" / "bot.db"
        db.parent.mkdir()
        db.write_bytes(b"this is not an SQLite file, " * 200)
    else:
        (root / "data").write_text("a file where a directory should be")
        db = root / "data" / "bot.db"
    proc = run_bot(root, "ask", "--json", KA_QUESTION, timeout=60, BOT_DB=str(db))
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert "Traceback" not in err
    assert "Không mở được cơ sở dữ liệu" in err and word in err.lower()
