"""What the bot writes to disk is readable by its owner only: the database with its write-ahead log
and shared-memory file, the directories it creates, uploaded articles, and the generated user-hash
key, which lives in a file of its own beside the database and never in it."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from projects import SEEDS, copy_index

from bot.config import Settings
from bot.engine import Engine

SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)
USER_ID = 987654321


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def key_file(settings: Settings) -> Path:
    """Where the README says the generated key is kept: beside the database, named after it."""
    return settings.db_path.with_name(settings.db_path.name + ".user-hash-key")


def stored_meta(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT key, value FROM meta"))


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The most common umask (022): files anyone may read unless the bot asks for less."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def bare(tmp_path: Path) -> Settings:
    """A project with its seeds and nothing else: the bot creates data/ and everything in it."""
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    env = {"BOT_DB": "data/db/bot.db", "BOT_CORPUS": "seeds,data/articles", "BOT_WORKERS": "1"}
    return Settings.from_env(env=env, root=root)


async def test_the_database_its_log_and_uploads_are_readable_by_the_owner_only(bare: Settings, usual_umask):
    eng = await Engine.open(bare)
    try:
        db = bare.db_path
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert f.exists() and mode(f) == 0o600, (f.name, oct(mode(f)))
        # Each directory the bot created on the way to the database.
        assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
        info = await eng.add_article("sam-son.txt", SAM_SON.encode())
        upload = bare.root / info.source.path
        assert upload.read_text(encoding="utf-8") == SAM_SON
        assert mode(upload) == 0o600
        assert mode(bare.articles_dir) == 0o700
        assert not eng.answer("Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?").refused
    finally:
        await eng.close()
    assert mode(key_file(bare)) == 0o600
    # Nothing below data/ can be reached by anyone else (data/cache holds only counts from pyvi's
    # public dictionary).
    assert mode(bare.root / "data") == 0o700


async def test_a_database_left_readable_by_others_is_made_owner_only(engine: Engine, settings: Settings):
    await engine.close()
    for f in (settings.db_path, Path(f"{settings.db_path}-wal")):
        if f.exists():
            f.chmod(0o644)
    eng = await Engine.open(settings, build=False)
    try:
        for f in (settings.db_path, Path(f"{settings.db_path}-wal"), Path(f"{settings.db_path}-shm")):
            assert mode(f) == 0o600, f.name
    finally:
        await eng.close()


async def test_the_generated_user_key_is_in_a_file_beside_the_database_never_in_it(engine: Engine, settings):
    assert settings.user_hash_key is None
    key = key_file(settings).read_text(encoding="ascii").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert mode(key_file(settings)) == 0o600
    h = engine.hash_user(USER_ID)
    assert h == hmac.new(key.encode(), str(USER_ID).encode(), hashlib.sha256).hexdigest()[:24]
    _, qid = await engine.ask("Kinh Môn có bao nhiêu doanh nghiệp?", user=h, channel="telegram")
    assert qid is not None
    assert "user_hash_key" not in stored_meta(settings.db_path)
    assert key not in dump(settings.db_path)
    # The same key, so the same hashes, after a restart.
    again = await Engine.open(settings, build=False)
    try:
        assert again.hash_user(USER_ID) == h
    finally:
        await again.close()


async def test_a_key_kept_in_the_database_by_an_older_version_moves_out_with_the_same_hashes(
    settings: Settings, built_db: Path
):
    old_key = "a3" * 32
    copy_index(built_db, settings.db_path)
    key_file(settings).unlink(missing_ok=True)
    with sqlite3.connect(settings.db_path) as conn:
        # The database as an older version left it: the key in meta, the step not yet applied.
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('user_hash_key', ?)", (old_key,))
        conn.execute("DELETE FROM schema_migrations WHERE name >= '0009'")
    old_hash = hmac.new(old_key.encode(), str(USER_ID).encode(), hashlib.sha256).hexdigest()[:24]

    eng = await Engine.open(settings, build=False)
    try:
        assert eng.hash_user(USER_ID) == old_hash
    finally:
        await eng.close()
    assert key_file(settings).read_text(encoding="ascii").strip() == old_key
    assert mode(key_file(settings)) == 0o600
    assert "user_hash_key" not in stored_meta(settings.db_path)
    assert old_key not in dump(settings.db_path)
    eng = await Engine.open(settings, build=False)
    try:
        assert eng.hash_user(USER_ID) == old_hash
    finally:
        await eng.close()
