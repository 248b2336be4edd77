"""Incremental, cached and atomic index builds on real SQLite files with real pyvi."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from documents import cp1258

import bot.index.analysis
import bot.index.build
import bot.text.analyze
from bot.config import Settings
from bot.engine import Engine
from bot.errors import ReloadInProgress

KM2020 = "seeds/000_c33e73732ab2c98c.txt"
KM2023 = "seeds/002_2aaee87bbf065049.txt"
KA2019 = "seeds/004_b115fdf71c4cebb7.txt"
SEED_PATHS = {
    KM2020,
    "seeds/001_8ff5bff24f778362.txt",
    KM2023,
    "seeds/003_0255a5737a73828f.txt",
    KA2019,
}
KA_QUESTION = "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?"

SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Sáng 12/3/2024, Thành ủy Sầm Sơn (Thanh Hóa) tổ chức hội nghị tổng kết năm 2023. "
    "Năm 2023, thành phố Sầm Sơn đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n\n"
    "Thu ngân sách trên địa bàn thành phố năm 2023 đạt 1.150 tỷ đồng.\n"
)


class Spy:
    """Counts calls to a real function and lets them through unchanged."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module, name: str) -> None:
        self.calls: list[tuple] = []
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            self.calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)


def writable(path: Path) -> Path:
    path.chmod(path.stat().st_mode | stat.S_IWUSR)  # the seeds are checked in read-only
    return path


def db_rows(settings: Settings, sql: str) -> list[tuple]:
    with sqlite3.connect(settings.db_path) as conn:
        return conn.execute(sql).fetchall()


# ---------------------------------------------------------------- incremental builds


async def test_first_build_then_unchanged_rebuild(fresh, settings, monkeypatch):
    first = await fresh.reload()
    assert (first.new, first.changed, first.removed) == (5, 0, 0)
    assert first.articles == 5
    assert first.passages > 100
    assert first.segmented_passages == first.passages
    assert first.problems == []
    assert {a.path for a in fresh.snapshot.articles} == SEED_PATHS

    jobs = Spy(monkeypatch, bot.index.analysis, "analyze_job")
    pyvi = Spy(monkeypatch, bot.text.analyze, "segment")
    again = await fresh.reload()
    assert (again.new, again.changed, again.removed) == (0, 0, 0)
    assert again.unchanged == 5
    assert again.segmented_passages == 0
    assert (again.articles, again.passages) == (5, first.passages)
    assert jobs.calls == [] and pyvi.calls == []

    # A touched file (new mtime, same bytes) is not analysed again either.
    seed = settings.root / KM2020
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 5_000_000_000))
    touched = await fresh.reload()
    assert (touched.new, touched.changed, touched.removed, touched.segmented_passages) == (0, 0, 0, 0)
    assert jobs.calls == [] and pyvi.calls == []
    assert fresh.answer(KA_QUESTION).sources[0].path == KA2019


async def test_reopening_a_built_database_does_not_segment(settings, monkeypatch):
    eng = await Engine.open(settings)
    n = eng.coverage().passages
    await eng.close()
    jobs = Spy(monkeypatch, bot.index.analysis, "analyze_job")
    eng = await Engine.open(settings)
    try:
        assert jobs.calls == []
        assert eng.coverage().articles == 5 and eng.coverage().passages == n
        assert eng.answer(KA_QUESTION).sources[0].path == KA2019
    finally:
        await eng.close()


async def test_modified_file_is_the_only_one_reprocessed(fresh, settings, monkeypatch):
    first = await fresh.reload()
    path = writable(settings.root / KM2023)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Thu nhập bình quân đầu người năm 2023 ước đạt 92,5 triệu đồng",
            "Thu nhập bình quân đầu người năm 2023 ước đạt 93,7 triệu đồng",
        ),
        encoding="utf-8",
    )
    jobs = Spy(monkeypatch, bot.index.analysis, "analyze_job")
    report = await fresh.reload()
    assert (report.new, report.changed, report.removed, report.unchanged) == (0, 1, 0, 4)
    assert [job[0][0] for job in jobs.calls] == [KM2023]
    (km2023_passages,) = db_rows(
        settings,
        f"SELECT COUNT(*) FROM passages WHERE hash = (SELECT hash FROM articles WHERE path = '{KM2023}')",
    )[0]
    assert report.segmented_passages == km2023_passages < first.passages
    assert report.articles == 5
    # The new text is what is quoted now.
    a = fresh.answer("Thu nhập bình quân đầu người Kinh Môn năm 2023 là bao nhiêu?")
    assert "93,7 triệu đồng" in a.quotes[0].text
    # The old version's cached analysis and passages are gone.
    assert db_rows(settings, "SELECT COUNT(*) FROM analyses")[0][0] == 5
    assert db_rows(settings, "SELECT COUNT(*) FROM passages WHERE text LIKE '%92,5 triệu đồng%'")[0][0] == 0


async def test_deleted_file_is_removed(fresh, settings):
    await fresh.reload()
    (settings.root / KA2019).unlink()
    report = await fresh.reload()
    assert (report.new, report.changed, report.removed) == (0, 0, 1)
    assert report.articles == 4
    assert {a.path for a in fresh.snapshot.articles} == SEED_PATHS - {KA2019}
    assert KA2019 not in {s.path for s in fresh.articles()}
    assert db_rows(settings, f"SELECT COUNT(*) FROM articles WHERE path = '{KA2019}'")[0][0] == 0
    # Kỳ Anh is no longer covered: the question is refused, not answered from another town.
    a = fresh.answer(KA_QUESTION)
    assert a.refused and a.sources == []


async def test_new_article_and_its_sidecar(fresh, settings):
    await fresh.reload()
    article = settings.root / "data" / "articles" / "sam-son.txt"
    article.write_text(SAM_SON, encoding="utf-8")
    report = await fresh.reload()
    assert (report.new, report.changed, report.removed, report.articles) == (1, 0, 0, 6)
    a = fresh.answer("Sầm Sơn đón bao nhiêu khách du lịch năm 2023?")
    assert not a.refused
    assert a.sources[0].path == "data/articles/sam-son.txt"
    assert a.sources[0].date == "2024-03-12"
    assert "6,2 triệu lượt khách" in a.quotes[0].text

    # A sidecar alone changes the article's metadata.
    (article.parent / "sam-son.meta.json").write_text(
        '{"publisher": "Báo Thanh Hóa", "date": "2024-03-13"}', encoding="utf-8"
    )
    report = await fresh.reload()
    assert (report.new, report.changed, report.removed) == (0, 1, 0)
    source = fresh.answer("Sầm Sơn đón bao nhiêu khách du lịch năm 2023?").sources[0]
    assert (source.publisher, source.date) == ("Báo Thanh Hóa", "2024-03-13")


# ---------------------------------------------------------------- bad files


BAD_FILES = {
    "empty.txt": (b"", "rỗng"),
    "blank.md": (b"  \n\n \t \n", "rỗng"),
    "binary.txt": (bytes(range(256)) * 8, "nhị phân"),
    "windows-1258.txt": (cp1258(SAM_SON), "UTF-8"),
    "latin-1.txt": (("Thông báo Hà Nam: café à la carte, 5% giá. " * 10).encode("latin-1"), "UTF-8"),
    "utf-16.txt": (SAM_SON.encode("utf-16"), "UTF-16"),
    "too-big.txt": ((SAM_SON * 200).encode("utf-8"), "lớn"),
    "notes.pdf": (b"%PDF-1.4 not an article", "PDF bị hỏng"),  # read since PDFs are articles
}


async def test_bad_files_are_reported_and_the_rest_indexes(project):
    settings = Settings.from_env(
        env={
            "BOT_DB": str(project / "data" / "bot.db"),
            "BOT_CORPUS": "seeds,data/articles",
            "BOT_WORKERS": "1",
            "MAX_FILE_BYTES": "20000",
        },
        root=project,
    )
    articles = project / "data" / "articles"
    for name, (data, _) in BAD_FILES.items():
        (articles / name).write_bytes(data)
    assert len(BAD_FILES["too-big.txt"][0]) > settings.max_file_bytes
    (articles / "good.txt").write_text(SAM_SON, encoding="utf-8")

    eng = await Engine.open(settings, build=False)
    try:
        report = await eng.reload()
        problems = {p.path: p.reason for p in report.problems}
        assert set(problems) == {f"data/articles/{n}" for n in BAD_FILES}
        for name, (_, word) in BAD_FILES.items():
            assert word in problems[f"data/articles/{name}"], name
        assert report.new == 6 and report.articles == 6
        assert "data/articles/good.txt" in {a.path for a in eng.snapshot.articles}
        assert (
            eng.answer("Sầm Sơn thu ngân sách năm 2023 bao nhiêu?").sources[0].path
            == "data/articles/good.txt"
        )

        # Still reported on the next run, and never fatal.
        again = await eng.reload()
        assert {p.path for p in again.problems} == set(problems)
        assert (again.new, again.changed, again.removed) == (0, 0, 0)
    finally:
        await eng.close()


async def test_good_file_turned_bad_leaves_the_index(fresh, settings):
    await fresh.reload()
    writable(settings.root / KA2019).write_bytes(b"\x00\x01\x02 binary now")
    report = await fresh.reload()
    assert [p.path for p in report.problems] == [KA2019]
    assert report.removed == 1 and report.articles == 4
    assert KA2019 not in {a.path for a in fresh.snapshot.articles}


# ---------------------------------------------------------------- atomic swap


async def test_failed_rebuild_keeps_the_previous_index(engine, settings, monkeypatch):
    before = engine.coverage()
    assert before.articles == 5
    old_answer = engine.answer(KA_QUESTION)
    assert old_answer.sources[0].path == KA2019

    # Change the corpus: one file removed, one changed.
    (settings.root / KA2019).unlink()
    km = writable(settings.root / KM2023)
    km.write_text(
        km.read_text(encoding="utf-8").replace("92,5 triệu đồng", "93,7 triệu đồng"), encoding="utf-8"
    )

    real_build = bot.index.build.build_snapshot

    def build_then_fail(writer):
        real_build(writer)  # articles, passages and snapshot all written...
        raise RuntimeError("disk full")  # ...then the build dies before committing

    monkeypatch.setattr(bot.index.build, "build_snapshot", build_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        await engine.reload()

    # The running engine still answers from the old snapshot.
    assert not engine.reloading
    assert engine.coverage() == before
    a = engine.answer(KA_QUESTION)
    assert a.sources[0].path == KA2019 and a.quotes[0].text == old_answer.quotes[0].text
    assert (
        "92,5 triệu đồng" in engine.answer("Thu nhập bình quân đầu người Kinh Môn năm 2023?").quotes[0].text
    )

    # The database holds the previous good state, intact.
    assert db_rows(settings, "PRAGMA integrity_check") == [("ok",)]
    assert db_rows(settings, "SELECT COUNT(*) FROM articles") == [(5,)]

    # A fresh process on the same database loads the previous snapshot.
    other = await Engine.open(settings, build=False)
    try:
        assert other.coverage().articles == before.articles
        assert other.coverage().passages == before.passages
        b = other.answer(KA_QUESTION)
        assert b.sources[0].path == KA2019 and b.quotes[0].text == old_answer.quotes[0].text
    finally:
        await other.close()

    # Once the fault is gone, the next rebuild applies the change.
    monkeypatch.setattr(bot.index.build, "build_snapshot", real_build)
    report = await engine.reload()
    assert (report.changed, report.removed, report.articles) == (1, 1, 4)
    assert engine.answer(KA_QUESTION).refused
    assert (
        "93,7 triệu đồng" in engine.answer("Thu nhập bình quân đầu người Kinh Môn năm 2023?").quotes[0].text
    )


async def test_failed_first_build_leaves_no_half_index(fresh, settings, monkeypatch):
    def fail(writer):
        raise RuntimeError("killed")

    monkeypatch.setattr(bot.index.build, "build_snapshot", fail)
    with pytest.raises(RuntimeError):
        await fresh.reload()
    assert db_rows(settings, "SELECT COUNT(*) FROM articles") == [(0,)]
    assert db_rows(settings, "SELECT COUNT(*) FROM snapshot") == [(0,)]
    assert db_rows(settings, "PRAGMA integrity_check") == [("ok",)]


async def test_one_reload_at_a_time(engine, settings):
    writable(settings.root / KM2020).write_text(SAM_SON, encoding="utf-8")  # something to do
    task = asyncio.create_task(engine.reload())
    await asyncio.sleep(0)
    assert engine.reloading
    with pytest.raises(ReloadInProgress):
        await engine.reload()
    report = await task
    assert report.changed == 1
    assert not engine.reloading


async def test_stored_index_keeps_each_articles_place_level_and_mentions(engine, seed_items):
    """The index read back from SQLite knows what the in-memory analysis knows: the place's
    level, its province since 2025, the year written and the units mentioned (the ranking uses
    them, so a reloaded bot must answer as the fresh one does)."""
    from bot.search.snapshot import article_rec

    stored = {a.path: a for a in engine._snapshot.retriever.articles}
    fresh = {path: article_rec(path, a) for path, a in seed_items}
    assert stored.keys() == fresh.keys()
    for path, rec in fresh.items():
        assert stored[path] == rec, path
    assert all(rec.level and rec.province_2025 for rec in fresh.values())
