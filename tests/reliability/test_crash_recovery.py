"""A rebuild killed (SIGKILL) or failing part-way: after restart the last good index serves and
the database passes PRAGMA integrity_check."""

from __future__ import annotations

import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from processes import alive, children_of
from projects import bot_env
from rel_support import integrity, rows

import bot.index.build
import bot.search.snapshot
from bot.config import Settings
from bot.engine import Engine
from bot.errors import StorageError

pytestmark = pytest.mark.slow  # starts processes or runs load

KA_QUESTION = "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?"
KA2019 = "seeds/004_b115fdf71c4cebb7.txt"
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Sáng 12/3/2024, Thành ủy Sầm Sơn (Thanh Hóa) tổ chức hội nghị tổng kết năm 2023. "
    "Năm 2023, thành phố Sầm Sơn đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n\n"
    "Thu ngân sách trên địa bàn thành phố năm 2023 đạt 1.150 tỷ đồng.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"
COPIES = 16  # each a seed with a line of its own: about a second of analysis in all


def add_articles(root: Path, copies: int = 3) -> None:
    """The new corpus: Sầm Sơn (a town the old index does not know) and copies of the seeds."""
    articles = root / "data" / "articles"
    (articles / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    seeds = sorted((root / "seeds").glob("*.txt"))
    for i in range(copies):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (articles / f"ban-sao-{i:03d}.txt").write_text(
            text + f"\n\nBản sao số {i} để thử.\n", encoding="utf-8"
        )


async def assert_last_good_index(settings: Settings) -> None:
    """The database is intact and a new process answers from the index before the rebuild."""
    assert integrity(settings.db_path) == "ok"
    assert rows(settings.db_path, "SELECT COUNT(*) FROM articles") == [(5,)]
    eng = await Engine.open(settings, build=False)
    try:
        assert eng.coverage().articles == 5
        answer = eng.answer(KA_QUESTION)
        assert not answer.refused and answer.sources[0].path == KA2019
        assert eng.answer(SAM_SON_Q).refused  # the new town is not in the old index
    finally:
        await eng.close()


class IndexRun:
    """`python -m bot index` with its progress bar on a terminal (it draws only on a tty)."""

    def __init__(self, root: Path, **env: str) -> None:
        master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "index"],
            cwd=root,
            env=bot_env(root, **env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
        )
        os.close(slave)
        self._master = master
        self._seen = ""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            with self._lock:
                self._seen += chunk.decode("utf-8", "replace")

    def progress(self) -> tuple[int, int] | None:
        with self._lock:
            found = re.findall(r"(\d+)/(\d+)", self._seen)
        return (int(found[-1][0]), int(found[-1][1])) if found else None

    def wait_for(self, predicate, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"index ended first ({self.proc.returncode}): {self._seen[-500:]}")
            time.sleep(0.002)
        raise AssertionError(f"timed out; output so far: {self._seen[-500:]}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL
        self._reader.join(timeout=5)
        os.close(self._master)


def write_lock_held(db_path: Path) -> bool:
    """Whether another process is inside a write transaction on the database right now."""
    conn = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            return True
        raise
    finally:
        conn.close()


async def test_sigkill_during_a_rebuild_keeps_the_last_good_index(built_project: Path, settings_of):
    settings = settings_of(built_project)
    add_articles(built_project, COPIES)

    # Killed while analysing: nothing was written yet.
    run = IndexRun(built_project)
    run.wait_for(lambda: (p := run.progress()) is not None and 3 <= p[0] < p[1])
    run.kill()
    await assert_last_good_index(settings)

    # Killed inside the write transaction: the analysis is done, articles, passages and the
    # snapshot are being written when another connection finds the write lock taken.
    run = IndexRun(built_project)
    run.wait_for(lambda: (p := run.progress()) is not None and p[0] == p[1])
    run.wait_for(lambda: write_lock_held(settings.db_path))
    run.kill()
    assert integrity(settings.db_path) == "ok"
    (n,) = rows(settings.db_path, "SELECT COUNT(*) FROM articles")[0]
    # Killed before its COMMIT, the rebuild left nothing; killed a hair after, all of it. Never half.
    assert n in (5, 5 + 1 + COPIES)
    if n == 5:
        await assert_last_good_index(settings)

    # A normal run afterwards builds the new index from where the good one was.
    eng = await Engine.open(settings)
    try:
        assert eng.coverage().articles == 5 + 1 + COPIES
        answer = eng.answer(SAM_SON_Q)
        assert not answer.refused and answer.sources[0].path == "data/articles/sam-son.txt"
        assert not eng.answer(KA_QUESTION).refused  # from the seed or one of its copies
    finally:
        await eng.close()
    assert integrity(settings.db_path) == "ok"


async def test_sigkill_during_a_parallel_analysis_leaves_no_worker_behind(built_project: Path, settings_of):
    add_articles(built_project, COPIES)
    run = IndexRun(built_project, BOT_WORKERS="2")
    run.wait_for(
        lambda: (p := run.progress()) is not None and p[0] < p[1] and len(children_of(run.proc.pid)) >= 2
    )
    workers = children_of(run.proc.pid)
    run.kill()
    # Orphaned, each worker notices its parent is gone and ends.
    end = time.monotonic() + 15
    while any(alive(w) for w in workers) and time.monotonic() < end:
        time.sleep(0.1)
    assert not [w for w in workers if alive(w)]
    await assert_last_good_index(settings_of(built_project))


# ---------------------------------------------------------------- failing part-way, in process


@pytest.fixture
def settings_of():
    def make(root: Path) -> Settings:
        return Settings.from_env(
            env={
                "BOT_DB": str(root / "data" / "bot.db"),
                "BOT_CORPUS": "seeds,data/articles",
                "BOT_WORKERS": "1",
            },
            root=root,
        )

    return make


async def test_disk_full_in_the_middle_of_the_write_keeps_the_old_index(engine: Engine, settings: Settings):
    add_articles(settings.root)
    # The database may grow by a few pages only: the rebuild's inserts fail part-way with
    # SQLITE_FULL, as on a full disk.
    pages = await engine.store.run(lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])
    await engine.store.run(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages + 8}"))
    with pytest.raises(StorageError) as failed:
        await engine.reload()
    assert "ổ đĩa đã đầy" in failed.value.user_message
    assert "chỉ mục cũ" in failed.value.user_message
    assert not engine.reloading
    # Answers go on from the index in memory, and are still logged (the log has its own connection).
    answer, qid = await engine.ask(KA_QUESTION)
    assert answer.sources[0].path == KA2019 and qid is not None
    assert engine.answer(SAM_SON_Q).refused
    await assert_last_good_index(settings)

    # Room again: the same rebuild goes through.
    await engine.store.run(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))
    report = await engine.reload()
    assert report.articles == 5 + 1 + 3
    assert not engine.answer(SAM_SON_Q).refused


async def test_a_component_failing_inside_the_transaction_keeps_the_old_index(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    add_articles(settings.root)
    real_build = bot.index.build.build_snapshot

    def out_of_memory(writer):
        real_build(writer)  # the last step before COMMIT: articles and snapshot written
        raise MemoryError("after the snapshot")

    monkeypatch.setattr(bot.index.build, "build_snapshot", out_of_memory)
    with pytest.raises(MemoryError):
        await engine.reload()
    assert not engine.reloading
    assert engine.answer(KA_QUESTION).sources[0].path == KA2019
    assert engine.answer(SAM_SON_Q).refused
    await assert_last_good_index(settings)


async def test_analysis_failing_for_one_article_skips_only_that_one(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    (settings.articles_dir / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    (settings.articles_dir / "ban-sao.txt").write_text(
        (settings.root / KA2019).read_text(encoding="utf-8") + "\n\nBản sao để thử.\n", encoding="utf-8"
    )
    real = bot.search.snapshot.count_ngrams

    def fragile(texts):
        if any("Sầm Sơn" in t for t in texts):
            raise RecursionError("deep")
        return real(texts)

    monkeypatch.setattr(bot.search.snapshot, "count_ngrams", fragile)
    report = await engine.reload()
    assert [(p.path, p.reason) for p in report.problems] == [
        ("data/articles/sam-son.txt", "lỗi khi phân tích tệp (RecursionError)")
    ]
    assert report.new == 1 and report.articles == 6
    assert "data/articles/ban-sao.txt" in {a.path for a in engine.snapshot.articles}
    assert engine.answer(SAM_SON_Q).refused
    assert integrity(settings.db_path) == "ok"
