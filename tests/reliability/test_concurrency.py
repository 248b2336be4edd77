"""Reloads at the same time are serialised, and questions keep getting answers during a reload."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from projects import bot_env, copy_index
from rel_support import integrity, rows

import bot.index.analysis
from bot.config import Settings
from bot.engine import Engine
from bot.errors import ReloadInProgress

KA_QUESTION = "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?"
KA2019 = "seeds/004_b115fdf71c4cebb7.txt"
MC_QUESTION = "Móng Cái còn bao nhiêu hộ cận nghèo?"
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"


def add_work(root: Path, copies: int) -> None:
    """Sầm Sơn, unknown to the current index, and seed copies to keep a reload busy a while."""
    articles = root / "data" / "articles"
    (articles / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    seeds = sorted((root / "seeds").glob("*.txt"))
    for i in range(copies):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (articles / f"ban-sao-{i:03d}.txt").write_text(text + f"\n\nBản sao số {i}.\n", encoding="utf-8")


async def test_concurrent_reloads_are_serialised(engine: Engine, settings: Settings):
    add_work(settings.root, 6)
    first = asyncio.create_task(engine.reload())
    await asyncio.sleep(0)
    assert engine.reloading
    # Every other reload, and an upload, while it runs: told to wait, nothing started twice.
    others = await asyncio.gather(*(engine.reload() for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, ReloadInProgress) for r in others), others
    assert "đợi" in ReloadInProgress.user_message
    with pytest.raises(ReloadInProgress):
        await engine.add_article("bim-son.txt", SAM_SON.replace("Sầm Sơn", "Bỉm Sơn").encode())
    assert (settings.articles_dir / "bim-son.txt").is_file()  # saved; indexed by the next reload
    report = await first
    # The running reload may have listed the directory before or after the upload was saved.
    assert (report.new, report.articles) in ((7, 12), (8, 13))
    assert not engine.reloading

    # The next reload runs normally; the upload that had to wait is indexed either way.
    again = await engine.reload()
    assert again.new == 13 - report.articles and again.articles == 13
    assert "data/articles/bim-son.txt" in {a.path for a in engine.snapshot.articles}
    assert rows(settings.db_path, "SELECT COUNT(*) FROM articles") == [(13,)]
    assert integrity(settings.db_path) == "ok"


async def test_questions_are_answered_during_a_reload(engine: Engine, settings: Settings):
    add_work(settings.root, 16)
    reload = asyncio.create_task(engine.reload())
    await asyncio.sleep(0)
    during: list[tuple[float, bool, bool, int | None]] = []
    while not reload.done():
        t0 = time.perf_counter()
        ka, qid = await engine.ask(KA_QUESTION, user="u")
        ss, _ = await engine.ask(SAM_SON_Q, user="u")
        during.append(
            (time.perf_counter() - t0, not ka.refused and ka.sources[0].path == KA2019, ss.refused, qid)
        )
        await asyncio.sleep(0.01)
    report = await reload
    assert report.new == 17
    assert len(during) >= 5, "the reload ended before questions could be asked during it"
    # Every question answered, from the old index (Sầm Sơn unknown) until the swap, promptly.
    assert all(ok for _, ok, _, _ in during)
    assert sum(refused for _, _, refused, _ in during) >= len(during) - 1
    assert max(t for t, _, _, _ in during) < 3.0
    # Every question was logged, each under its own id.
    qids = [q for _, _, _, q in during]
    assert None not in qids and len(set(qids)) == len(qids)
    (logged,) = rows(settings.db_path, "SELECT COUNT(*) FROM questions WHERE user_hash = 'u'")[0]
    assert logged == 2 * len(during)
    # Swapped in at once when ready.
    assert not engine.answer(SAM_SON_Q).refused


@pytest.mark.slow  # two index processes
def test_two_index_processes_at_once(built_project: Path):
    add_work(built_project, 4)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "index"],
            cwd=built_project,
            env=bot_env(built_project),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
        assert b"Traceback" not in out + err
    # SQLite serialises the two writes; the result is one complete index, whichever wrote last.
    db = built_project / "data" / "bot.db"
    assert integrity(db) == "ok"
    assert rows(db, "SELECT COUNT(*) FROM articles") == [(10,)]

    async def check() -> None:
        settings = Settings.from_env(env=bot_env(built_project), root=built_project)
        eng = await Engine.open(settings, build=False)
        try:
            for question in (SAM_SON_Q, KA_QUESTION, MC_QUESTION):
                answer = eng.answer(question)
                assert not answer.refused and answer.quotes[0].text.strip(), question
        finally:
            await eng.close()

    asyncio.run(check())


# ---------------------------------------------------------------- a start with an index


async def test_a_start_with_an_index_answers_at_once_and_builds_in_the_background(
    settings: Settings, built_db: Path
):
    copy_index(built_db, settings.db_path)
    add_work(settings.root, 16)
    t0 = time.perf_counter()
    eng = await Engine.open(settings, serve_first=True)
    try:
        opened = time.perf_counter() - t0
        assert eng.reloading
        answer, qid = await eng.ask(KA_QUESTION, user="u")
        assert not answer.refused and answer.sources[0].path == KA2019 and qid is not None
        assert eng.answer(SAM_SON_Q).refused  # the old index serves until the new one is ready
        with pytest.raises(ReloadInProgress):
            await eng.reload()
        while eng.reloading:
            await asyncio.sleep(0.05)
        built = time.perf_counter() - t0
        assert opened < built / 2, (opened, built)
        assert eng.coverage().articles == 5 + 1 + 16
        assert not eng.answer(SAM_SON_Q).refused
    finally:
        await eng.close()


async def test_closing_during_the_background_build_stops_it_and_the_next_start_resumes(
    settings: Settings, built_db: Path, monkeypatch: pytest.MonkeyPatch
):
    copy_index(built_db, settings.db_path)
    add_work(settings.root, 16)
    eng = await Engine.open(settings, serve_first=True)
    while rows(settings.db_path, "SELECT COUNT(*) FROM analyses")[0][0] < 5 + 8:  # a first batch cached
        await asyncio.sleep(0.02)
    t0 = time.perf_counter()
    await eng.close()  # as post_shutdown does on SIGTERM
    assert time.perf_counter() - t0 < 5
    assert integrity(settings.db_path) == "ok"
    assert rows(settings.db_path, "SELECT COUNT(*) FROM articles") == [(5,)]
    cached = rows(settings.db_path, "SELECT COUNT(*) FROM analyses")[0][0] - 5

    analysed = []
    real = bot.index.analysis.analyze_job
    monkeypatch.setattr(bot.index.analysis, "analyze_job", lambda job: analysed.append(job) or real(job))
    eng = await Engine.open(settings)
    try:
        assert eng.coverage().articles == 5 + 1 + 16
        assert not eng.answer(SAM_SON_Q).refused
    finally:
        await eng.close()
    assert cached >= 8 and len(analysed) == 1 + 16 - cached  # only what the first start had not cached
