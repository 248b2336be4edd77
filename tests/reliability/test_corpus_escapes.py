"""Hostile corpus entries: links that lead out of the corpus (to the bot's .env, to /etc/passwd),
file names so long that their sidecar's name cannot exist, and sidecars with huge fields.
Each is skipped with its reason, or indexed safely, and indexing always goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from projects import run_bot
from rel_support import rows

from bot.answer.render import render_html, render_plain
from bot.config import Settings
from bot.corpus.loader import parse_article, read_article
from bot.corpus.metadata import FIELD_LIMITS
from bot.engine import Engine
from bot.errors import CorpusError
from bot.text.places import Gazetteer
from bot.tg.split import split_html

TOKEN = "123456789:AAsecret-token-of-this-bot-never-to-be-quoted"
# What a real .env holds: comments in plain words (they make passages) and the token.
DOTENV = f"""# Telegram bot token from @BotFather. Keep the telegram token secret.
TELEGRAM_BOT_TOKEN={TOKEN}

# Telegram user ids allowed to use /reload and /stats.
ADMIN_IDS=4242
"""
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Sáng 12/3/2024, Thành ủy Sầm Sơn (Thanh Hóa) tổ chức hội nghị tổng kết năm 2023. "
    "Năm 2023, thành phố Sầm Sơn đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"
OUTSIDE = "ngoài thư mục kho bài viết"


def settings_for(root: Path, **extra: str) -> Settings:
    env = {"BOT_DB": str(root / "data" / "bot.db"), "BOT_CORPUS": "seeds,data/articles", "BOT_WORKERS": "1"}
    return Settings.from_env(env={**env, **extra}, root=root)


def plant_links(root: Path) -> dict[str, Path]:
    """The probe's links, and one that stays inside the corpus (a hidden drafts folder)."""
    articles = root / "data" / "articles"
    (root / ".env").write_text(DOTENV, encoding="utf-8")
    os.symlink("../../.env", articles / "ghi-chu.txt")
    os.symlink("/etc/passwd", articles / "passwd.txt")
    # A sidecar beside a real article that leads to a JSON file outside: its fields would be
    # shown as the article's title and publisher.
    secret = root / "secret.json"
    secret.write_text(json.dumps({"title": TOKEN, "publisher": "bí mật"}), encoding="utf-8")
    (articles / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    os.symlink(secret, articles / "sam-son.meta.json")
    drafts = articles / ".drafts"
    drafts.mkdir()
    (drafts / "nga-son.txt").write_text(SAM_SON.replace("Sầm Sơn", "Nga Sơn"), encoding="utf-8")
    os.symlink(".drafts/nga-son.txt", articles / "nga-son.txt")
    return {"env": articles / "ghi-chu.txt", "passwd": articles / "passwd.txt"}


# ---------------------------------------------------------------- 1. links out of the corpus


async def test_links_out_of_the_corpus_are_skipped_and_never_quoted(built_project: Path):
    root = built_project
    plant_links(root)
    settings = settings_for(root)
    engine = await Engine.open(settings, build=False)
    try:
        report = await engine.reload()
        problems = {p.path: p.reason for p in report.problems}
        assert set(problems) == {
            "data/articles/ghi-chu.txt",
            "data/articles/passwd.txt",
            "data/articles/sam-son.txt",
        }, problems
        for path in ("data/articles/ghi-chu.txt", "data/articles/passwd.txt"):
            assert OUTSIDE in problems[path], problems[path]
        assert "sam-son.meta.json" in problems["data/articles/sam-son.txt"]
        assert OUTSIDE in problems["data/articles/sam-son.txt"]
        indexed = {a.path for a in engine.snapshot.articles}
        assert not {"data/articles/ghi-chu.txt", "data/articles/passwd.txt"} & indexed
        # A link that stays inside a corpus directory is still read.
        assert "data/articles/nga-son.txt" in indexed
        for question in ("telegram token", "TELEGRAM_BOT_TOKEN", "root:x:0:0 bin bash", "ADMIN_IDS"):
            answer = engine.answer(question)
            shown = render_plain(answer) + render_html(answer)
            assert TOKEN not in shown and TOKEN.split(":")[1] not in shown, question
            assert "root:x:0" not in shown
        # Nothing of theirs is in the database either.
        dump = "\n".join(str(r) for r in rows(settings.db_path, "SELECT text FROM passages"))
        assert TOKEN.split(":")[1] not in dump and "root:x:0" not in dump
    finally:
        await engine.close()


def test_read_article_refuses_a_link_out_of_its_roots(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.txt").write_text(SAM_SON, encoding="utf-8")
    os.symlink("../outside.txt", corpus / "in.txt")
    with pytest.raises(CorpusError) as e:
        read_article(corpus / "in.txt", 100_000, roots=(corpus,))
    assert OUTSIDE in str(e.value)
    # Within the roots it is read: the roots decide, not the link.
    text, _ident, _overrides = read_article(corpus / "in.txt", 100_000, roots=(tmp_path,))
    assert "Sầm Sơn" in text


@pytest.mark.slow
def test_the_index_command_and_ask_never_show_the_token(built_project: Path):
    """`python -m bot index` names each skipped link with its reason; `ask` never quotes them."""
    root = built_project
    plant_links(root)
    proc = run_bot(root, "index", timeout=120)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, err
    skipped = dict(
        line.removeprefix("Bỏ qua ").split(": ", 1) for line in out.splitlines() if line.startswith("Bỏ qua ")
    )
    assert OUTSIDE in skipped["data/articles/ghi-chu.txt"]
    assert OUTSIDE in skipped["data/articles/passwd.txt"]
    proc = run_bot(root, "ask", "--json", "-", stdin="telegram token\nTELEGRAM_BOT_TOKEN là gì\n".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert TOKEN.split(":")[1] not in proc.stdout.decode() + proc.stderr.decode()


# ---------------------------------------------------------------- 3. names too long for a sidecar


def long_names(articles: Path) -> list[str]:
    """Stems of 246 to 251 bytes: the file fits in a name (255 bytes), its sidecar does not."""
    names = []
    for n in range(246, 252):
        stem = "a" * n if n % 2 else "ễ" * (n // 3) + "b" * (n % 3)  # ASCII and 3-byte letters
        assert len(stem.encode()) == n
        name = f"{stem}.txt"
        (articles / name).write_text(SAM_SON.replace("6,2", f"6,{n % 10}"), encoding="utf-8")
        names.append(name)
    return names


async def test_a_name_too_long_for_its_sidecar_does_not_stop_indexing(built_project: Path):
    root = built_project
    articles = root / "data" / "articles"
    names = long_names(articles)
    (articles / "sau.txt").write_text(SAM_SON.replace("Sầm Sơn", "Bỉm Sơn"), encoding="utf-8")
    settings = settings_for(root)
    # A restart opens the engine, which indexes what changed: it must start.
    engine = await Engine.open(settings)
    try:
        indexed = {a.path for a in engine.snapshot.articles}
        assert {f"data/articles/{n}" for n in names} <= indexed  # indexed without a sidecar
        assert "data/articles/sau.txt" in indexed  # and the files after them as well
        report = await engine.reload()  # a /reload goes on too
        assert report.problems == [] and report.articles == 5 + len(names) + 1
        assert not engine.answer(SAM_SON_Q).refused
    finally:
        await engine.close()


def test_read_article_with_a_name_too_long_for_a_sidecar(tmp_path: Path):
    path = tmp_path / ("x" * 250 + ".txt")
    path.write_text(SAM_SON, encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    assert "Sầm Sơn" in text and overrides == {}


@pytest.mark.slow
def test_index_command_with_long_names_exits_cleanly(built_project: Path):
    names = long_names(built_project / "data" / "articles")
    proc = run_bot(built_project, "index", timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert f"({len(names)} mới," in proc.stdout.decode()


# ---------------------------------------------------------------- 7. bounded sidecar fields


async def test_huge_sidecar_fields_are_capped(built_project: Path):
    root = built_project
    articles = root / "data" / "articles"
    (articles / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    huge = {
        "title": "Sầm Sơn " * 131_072,  # 1 MB
        "publisher": "Báo " * 50_000,
        "place": "Sầm Sơn",
        "province": "Thanh Hóa",
        "url": "https://example.vn/" + "a" * 100_000,
    }
    (articles / "sam-son.meta.json").write_text(json.dumps(huge, ensure_ascii=False), encoding="utf-8")
    assert (articles / "sam-son.meta.json").stat().st_size < 2_000_000
    engine = await Engine.open(settings_for(root, MAX_FILE_BYTES="2000000"))
    try:
        answer = engine.answer(SAM_SON_Q)
        assert not answer.refused and answer.sources[0].path == "data/articles/sam-son.txt"
        source = answer.sources[0]
        for name in ("title", "publisher"):
            value = getattr(source, name)
            assert value and len(value) <= FIELD_LIMITS[name], (name, len(value or ""))
        assert source.title.startswith("Sầm Sơn Sầm Sơn") and source.title.endswith("…")
        assert source.url is None  # a cut link would lead nowhere: dropped
        assert len(split_html(render_html(answer))) == 1  # one message, not 245
    finally:
        await engine.close()


def test_every_field_is_capped_when_read(tmp_path: Path):
    path = tmp_path / "bai.txt"
    path.write_text(SAM_SON, encoding="utf-8")
    fields = {name: "Tên " * 1000 for name in ("title", "publisher", "place", "province")}
    fields["url"] = "https://example.vn/" + "a" * 5000
    (tmp_path / "bai.meta.json").write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    meta = parse_article(text, overrides, Gazetteer.default()).meta
    for name in ("title", "publisher", "place", "province"):
        value = getattr(meta, name)
        assert len(value) <= FIELD_LIMITS[name] and value.startswith("Tên Tên") and value.endswith("Tên…")
    assert meta.url is None
    fine = {"title": "Sầm Sơn đón 6,2 triệu lượt khách", "url": "https://example.vn/bai"}
    (tmp_path / "bai.meta.json").write_text(json.dumps(fine, ensure_ascii=False), encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    meta = parse_article(text, overrides, Gazetteer.default()).meta
    assert (meta.title, meta.url) == (fine["title"], fine["url"])  # short values are left whole


def test_a_sidecar_over_its_size_limit_is_refused(tmp_path: Path):
    path = tmp_path / "bai.txt"
    path.write_text(SAM_SON, encoding="utf-8")
    (tmp_path / "bai.meta.json").write_text(json.dumps({"title": "x" * 300_000}), encoding="utf-8")
    with pytest.raises(CorpusError) as e:  # never larger than an article may be
        read_article(path, 100_000)
    assert "bai.meta.json" in str(e.value) and "quá lớn" in str(e.value)


async def test_metadata_from_a_huge_first_line_is_capped(built_project: Path):
    """Without a sidecar the title comes from the text: a page that is one 200,000-character
    line still gets a bounded title."""
    root = built_project
    line = "Thành phố Sầm Sơn đón 6,2 triệu lượt khách du lịch năm 2023 " * 3000
    (root / "data" / "articles" / "mot-dong.txt").write_text(line + "\n", encoding="utf-8")
    engine = await Engine.open(settings_for(root))
    try:
        (article,) = [a for a in engine.snapshot.articles if a.path == "data/articles/mot-dong.txt"]
        assert article.title and len(article.title) <= FIELD_LIMITS["title"]
        for name in ("publisher", "place", "province"):
            assert len(getattr(article, name) or "") <= FIELD_LIMITS[name]
    finally:
        await engine.close()
