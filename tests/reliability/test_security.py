"""Security: parameterised SQL everywhere, keyed hashes instead of user ids, and uploads that
cannot escape data/articles/ nor exceed the size limit."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from projects import REPO
from rel_support import integrity, rows
from sql_audit import ALLOWED, audit, audit_source

from bot import texts
from bot.config import Settings
from bot.corpus.loader import parse_article
from bot.engine import Engine, safe_filename
from bot.errors import UploadRejected
from bot.text.places import Gazetteer

INJECTIONS = [
    "'); DROP TABLE articles;--",
    '" OR 1=1 --',
    "' OR '1'='1",
    "Robert'); DELETE FROM questions; --",
    "1; UPDATE articles SET title = 'x'",
    "%",
    "_",
    "%_%",
    "\\",
    "?",
    "?1 :name @p $1",
    "NULL",
    "'' || (SELECT hex(randomblob(8))) || ''",
    "x' UNION SELECT path, hash, 1, 1, 1, 1, 1, 1 FROM articles --",
    "Kinh Môn'; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
    "Ｓｅｌｅｃｔ ＊ ｆｒｏｍ ａｒｔｉｃｌｅｓ",
    "\u202e'; DROP TABLE feedback; --",
]
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)


# ---------------------------------------------------------------- SQL


def test_sql_is_never_built_from_values():
    assert audit(REPO) == []


def test_every_reviewed_exception_still_exists():
    """An exception left behind after its function moved would excuse whatever takes the name."""
    for path, function in ALLOWED:
        tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        assert function in names, (path, function)


def test_the_sql_audit_catches_built_queries():
    planted = """
def lookup(conn, user, table):
    conn.execute(f"SELECT * FROM questions WHERE user_hash = '{user}'")
    conn.execute("SELECT * FROM questions WHERE question = '%s'" % user)
    conn.execute("DELETE FROM feedback WHERE at < {}".format(user))
    q = "SELECT * FROM " + table
    conn.execute(q)
lookup(None, input(), input())
"""
    lines = {line for _, line, _ in audit_source("bot/planted.py", planted)}
    assert lines >= {3, 4, 5, 6, 7}
    fine = """
def fine(conn, ids, table):
    conn.execute("SELECT id FROM passages WHERE id = ?", (ids[0],))
    conn.execute(f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(ids))})", ids)
fine(None, [1], "passages")
"""
    assert audit_source("bot/fine.py", fine) == []


async def test_injection_strings_reach_the_database_only_as_values(engine: Engine, settings: Settings):
    articles = settings.articles_dir
    tables = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    before = rows(settings.db_path, tables)
    assert len(before) > 5
    # A corpus file whose name and sidecar are hostile.
    hostile_name = 'it\'s "quoted" %_ ; DROP TABLE articles;--.txt'
    (articles / hostile_name).write_text(SAM_SON, encoding="utf-8")
    meta = {
        "title": INJECTIONS[0],
        "publisher": INJECTIONS[1],
        "place": "Sầm Sơn",
        "province": INJECTIONS[3],
        "url": "https://x.vn/?q=' OR 1=1 --",
        "date": "2023-01-02",
    }
    (articles / (Path(hostile_name).stem + ".meta.json")).write_text(json.dumps(meta), encoding="utf-8")
    await engine.reload()
    # An uploaded file with a hostile name and hostile content.
    content = SAM_SON.replace("Sầm Sơn", "Bỉm Sơn") + "\n" + "\n\n".join(f"Ghi chú: {s}." for s in INJECTIONS)
    info = await engine.add_article("'); DROP TABLE articles;--.txt", content.encode())

    qids = []
    for s in INJECTIONS:
        for _ in range(2):
            answer, qid = await engine.ask(s, user=s, channel=s)
            assert qid is not None and (answer.quotes or answer.notice)
            qids.append((qid, s))
        await engine.feedback(qid, s, -1)
        await engine.feedback(qid, s, 1)  # a changed vote: an UPDATE with the string as a value
        assert await engine.logged_question(qid) == s
    stats = await engine.stats()
    listed = engine.articles()

    db = settings.db_path
    assert rows(db, tables) == before  # none dropped, none made
    assert integrity(db) == "ok"
    # Stored verbatim, every one.
    logged = rows(db, "SELECT id, question, user_hash, channel FROM questions WHERE id >= ?", (qids[0][0],))
    assert [(i, q, u, c) for i, q, u, c in logged] == [(i, s, s, s) for i, s in qids]
    votes = rows(db, "SELECT user_hash, value FROM feedback ORDER BY id")
    assert votes == [(s, 1) for s in INJECTIONS]
    (row,) = rows(
        db,
        "SELECT title, publisher, province, url FROM articles WHERE path = ?",
        (f"data/articles/{hostile_name}",),
    )
    assert row == (meta["title"], meta["publisher"], meta["province"], meta["url"])
    assert rows(db, "SELECT COUNT(*) FROM articles") == [(7,)]
    # The uploaded passages, hostile notes among them, are stored exactly as the pipeline cut them.
    parsed = parse_article(content, {}, Gazetteer.default()).passages
    assert sum("DROP TABLE" in p.text or "1=1" in p.text for p in parsed) >= 3
    for passage in parsed:
        assert rows(db, "SELECT COUNT(*) FROM passages WHERE text = ?", (passage.text,)) != [(0,)], (
            passage.text
        )
    # And shown verbatim.
    by_path = {a.path: a for a in listed}
    assert by_path[f"data/articles/{hostile_name}"].title == INJECTIONS[0]
    assert info.source.path in by_path
    assert all(q in INJECTIONS for q, _ in stats.top_questions)
    assert stats.feedback_up == len(INJECTIONS) and stats.feedback_down == 0
    # The seeds are all still there and still answer.
    assert not engine.answer("Móng Cái còn bao nhiêu hộ cận nghèo?").refused


# ---------------------------------------------------------------- user ids


async def test_the_question_log_holds_keyed_hashes_never_ids(
    engine: Engine, settings: Settings, built_db: Path
):
    user_id = 987654321
    h = engine.hash_user(user_id)
    assert re.fullmatch(r"[0-9a-f]{24}", h)
    assert h not in (
        hashlib.sha256(str(user_id).encode()).hexdigest(),
        hashlib.md5(str(user_id).encode()).hexdigest(),
    )
    _, qid = await engine.ask("Kinh Môn có bao nhiêu doanh nghiệp?", user=h, channel="telegram")
    await engine.feedback(qid, h, 1)

    # Stable across restarts: the key was made once and kept.
    again = await Engine.open(settings, build=False)
    try:
        assert again.hash_user(user_id) == h
    finally:
        await again.close()
    # Keyed: another key (configured, or another database's) gives another hash.
    keyed = Settings.from_env(
        env={"BOT_DB": str(settings.db_path), "USER_HASH_KEY": "một khóa bí mật"}, root=settings.root
    )
    other = await Engine.open(keyed, build=False)
    try:
        assert other.hash_user(user_id) != h
    finally:
        await other.close()

    # Nowhere in the database is the id itself.
    conn = sqlite3.connect(settings.db_path)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert h in dump
    assert str(user_id) not in dump


# ---------------------------------------------------------------- uploads

LIMIT = 6_000


@pytest.fixture
async def uploads(project: Path, built_db: Path) -> AsyncIterator[Engine]:
    env = {
        "BOT_DB": str(project / "data" / "bot.db"),
        "BOT_CORPUS": "seeds,data/articles",
        "BOT_WORKERS": "1",
        "MAX_FILE_BYTES": str(LIMIT),
    }
    settings = Settings.from_env(env=env, root=project)
    settings.db_path.write_bytes(built_db.read_bytes())
    eng = await Engine.open(settings)
    try:
        yield eng
    finally:
        await eng.close()


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if "data/bot.db" not in p.as_posix()}


async def test_upload_size_limit(uploads: Engine):
    articles = uploads.settings.articles_dir
    body = SAM_SON.encode()
    exact = body + b" " * (LIMIT - len(body))
    with pytest.raises(UploadRejected) as e:
        await uploads.add_article("qua-lon.txt", exact + b" ")
    # One byte over: shown in bytes, grouped the Vietnamese way, since megabytes would read as equal.
    assert e.value.user_message == "Tệp quá lớn (6.001 byte); giới hạn là 6.000 byte." and LIMIT == 6000
    assert list(articles.iterdir()) == []
    info = await uploads.add_article("vua-du.txt", exact)
    assert info.source.path == "data/articles/vua-du.txt" and info.passages >= 1


@pytest.mark.parametrize(
    "name", ["bai.exe", "bai.txt.exe", "bai.meta.json", "bai", "bai.doc", "bai.txt\x00.sh", ""]
)
async def test_only_article_formats_are_accepted(uploads: Engine, name: str):
    before = tree(uploads.settings.root)
    with pytest.raises(UploadRejected) as e:
        await uploads.add_article(name, SAM_SON.encode())
    assert e.value.user_message == texts.UNSUPPORTED_FILE
    assert tree(uploads.settings.root) == before


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"", "rỗng"),
        (SAM_SON.encode("utf-16"), "UTF-16"),
        (bytes(range(256)), "nhị phân"),
        ("Café".encode("latin-1"), "UTF-8"),
    ],
)
async def test_uploads_that_are_not_utf8_text_are_refused(uploads: Engine, data: bytes, word: str):
    with pytest.raises(UploadRejected) as e:
        await uploads.add_article("bai.txt", data)
    assert word in e.value.user_message
    assert list(uploads.settings.articles_dir.iterdir()) == []


HOSTILE_NAMES = [
    "../../etc/passwd.txt",
    "..\\..\\..\\windows\\win.txt",
    "/etc/cron.d/evil.txt",
    "data/articles/../../seeds/000_c33e73732ab2c98c.txt",
    "C:\\Users\\x\\evil.md",
    "~/.bashrc.txt",
    "..%2F..%2Fetc%2Fpasswd.txt",
    ".hidden.txt",
    "....txt",
    ".txt",
    "a\x00b.txt",
    "dòng\nmới\r.txt",
    "\u202egnp.txt",
    "'); DROP TABLE articles;--.txt",
    "<script>alert(1)</script>.md",
    "Bài viết: Sầm Sơn (2023).TXT",
    "ễ" * 200 + ".txt",
    "𝐀" * 120 + ".md",
    "x" * 400 + ".txt",
]


async def test_upload_names_are_sanitised_into_the_articles_directory(uploads: Engine):
    settings = uploads.settings
    articles = settings.articles_dir.resolve()
    seeds_before = {p.name: p.read_bytes() for p in (settings.root / "seeds").iterdir()}
    outside_before = tree(settings.root) - {"data/articles"}
    saved: list[Path] = []
    for i, name in enumerate(HOSTILE_NAMES):
        content = SAM_SON.replace("2023", str(1990 + i)).encode()  # each upload different
        info = await uploads.add_article(name, content)
        path = settings.root / info.source.path
        saved.append(path)
        assert path.resolve().parent == articles, (name, info.source.path)
        assert re.fullmatch(r"[\w\-]+\.(txt|md)", path.name), (name, path.name)
        assert not path.name.startswith((".", "-"))
        assert len(path.name.encode()) <= 255
        assert path.read_bytes() == content
        assert path.name == safe_filename(name) or re.fullmatch(r".+-\d+\.(txt|md)", path.name)
    assert len(set(saved)) == len(HOSTILE_NAMES)  # no upload overwrote another
    # Nothing was written anywhere else, and the seeds are untouched.
    assert (
        tree(settings.root) - {"data/articles"} - {f"data/articles/{p.name}" for p in saved} == outside_before
    )
    assert {p.name: p.read_bytes() for p in (settings.root / "seeds").iterdir()} == seeds_before
    assert uploads.coverage().articles == 5 + len(HOSTILE_NAMES)


async def test_an_upload_never_writes_through_a_planted_symlink(uploads: Engine, tmp_path: Path):
    articles = uploads.settings.articles_dir
    outside = tmp_path / "outside.txt"
    target_text = SAM_SON.replace("Sầm Sơn", "Nga Sơn").encode()
    outside.write_bytes(target_text)
    (articles / "bai.txt").symlink_to(outside)
    # Other bytes than the link's target: saved beside the link.
    info = await uploads.add_article("bai.txt", SAM_SON.encode())
    assert info.source.path == "data/articles/bai-1.txt"
    # The same bytes: the link itself is replaced by a file; its target is never opened to write.
    info = await uploads.add_article("bai.txt", target_text)
    assert info.source.path == "data/articles/bai.txt"
    assert not (articles / "bai.txt").is_symlink()
    assert outside.read_bytes() == target_text
