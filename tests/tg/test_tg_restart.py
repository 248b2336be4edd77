"""A restart after `kill -9` during a large reload serves at once: `python -m bot run` answers from
the last good index as soon as it is up, and finishes the killed reload's analysis in the
background, from the analyses the killed run had cached."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from processes import alive, children_of
from projects import REPO, bot_env
from tg_fakeapi import FakeBotAPI, private_message
from tg_standin import serving
from tg_support import TOKEN, USER_ID

KA_QUESTION = "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?"
SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"
# Seed copies: about 5 s of analysis with one worker on this machine, several times the bot's
# start. RESTART_TEST_ARTICLES and RESTART_TEST_WORKERS measure a larger reload the same way
# (README, Reliability).
COPIES = int(os.environ.get("RESTART_TEST_ARTICLES", "80"))
WORKERS = os.environ.get("RESTART_TEST_WORKERS", "1")


def env_for(project: Path, **extra: str) -> dict[str, str]:
    settings = {
        "BOT_CORPUS": f"{project / 'seeds'},{project / 'data' / 'articles'}",
        "BOT_ARTICLES_DIR": str(project / "data" / "articles"),
        "BOT_WORKERS": WORKERS,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    return bot_env(project, **(settings | extra))


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


class Lines:
    """A process's stderr, read as it comes."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.text = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self._lock:
                self.text += line

    def has(self, s: str) -> bool:
        with self._lock:
            return s in self.text


def wait_until(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_a_restart_after_kill_9_during_a_large_reload_answers_at_once(project: Path):
    db = project / "data" / "bot.db"
    articles = project / "data" / "articles"
    (articles / "sam-son.txt").write_text(SAM_SON, encoding="utf-8")
    seeds = sorted((project / "seeds").glob("*.txt"))
    for i in range(COPIES):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (articles / f"ban-sao-{i:03d}.txt").write_text(text + f"\n\nBản sao số {i}.\n", encoding="utf-8")
    analyses_before = count(db, "SELECT COUNT(*) FROM analyses")

    # A reload of the new articles, killed once a fifth of them is analysed and cached.
    index = subprocess.Popen(
        [sys.executable, "-m", "bot", "index"],
        cwd=REPO,
        env=env_for(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.monotonic() + 120 + COPIES
    while count(db, "SELECT COUNT(*) FROM analyses") < analyses_before + COPIES // 5:
        assert index.poll() is None and time.monotonic() < end, "the reload ended before it could be killed"
        time.sleep(0.05)
    index.send_signal(signal.SIGKILL)
    index.wait(timeout=10)
    cached = count(db, "SELECT COUNT(*) FROM analyses") - analyses_before
    assert count(db, "SELECT COUNT(*) FROM articles") == 5 and cached < COPIES

    with serving(FakeBotAPI(TOKEN)) as stand_in:
        api = stand_in.api
        # The questions are waiting when the bot starts, as after any restart.
        api.push_update(private_message(USER_ID, KA_QUESTION, 1))
        api.push_update(private_message(USER_ID, SAM_SON_Q, 2))
        t0 = time.monotonic()
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=REPO,
            env=env_for(project, TELEGRAM_API_BASE_URL=stand_in.base_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        log = Lines(bot)
        try:
            assert api.wait_for(lambda: len(api.sent_texts(USER_ID)) >= 2, 60), log.text[-3000:]
            answered_after = time.monotonic() - t0
            # Answered from the last good index while the analysis goes on in the background.
            first = api.sent_texts(USER_ID)[:2]
            assert any("Kỳ Anh" in text for text in first), first
            assert not any("6,2 triệu" in text for text in first), "the restart waited for the reload"
            assert not log.has("index refreshed in the background")
            assert count(db, "SELECT COUNT(*) FROM articles") == 5
            print(f"\nfirst answers {answered_after:.2f} s after the start")
            assert answered_after < 20

            # The analysis resumes from what the killed run cached and the new index swaps in.
            assert wait_until(lambda: log.has("index refreshed in the background"), 180 + COPIES), log.text[
                -3000:
            ]
            refreshed_after = time.monotonic() - t0
            print(f"index refreshed {refreshed_after:.2f} s after the start")
            assert count(db, "SELECT COUNT(*) FROM articles") == 5 + 1 + COPIES
            api.push_update(private_message(USER_ID, SAM_SON_Q, 3))
            assert api.wait_for(lambda: len(api.sent_texts(USER_ID)) >= 3, 30)
            assert "6,2 triệu" in api.sent_texts(USER_ID)[2]
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
                raise
    assert bot.returncode == 0, log.text[-3000:]
    assert "Traceback" not in log.text


@pytest.mark.slow
def test_sigterm_during_the_start_up_reload_stops_the_bot_at_once(project: Path):
    """The background reload is part of the bot's life: SIGTERM cancels it, the analysis workers
    end, the process exits cleanly, and what was cached stays for the next start."""
    db = project / "data" / "bot.db"
    articles = project / "data" / "articles"
    seeds = sorted((project / "seeds").glob("*.txt"))
    for i in range(400):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (articles / f"ban-sao-{i:03d}.txt").write_text(text + f"\n\nBản sao số {i}.\n", encoding="utf-8")
    analyses_before = count(db, "SELECT COUNT(*) FROM analyses")
    with serving(FakeBotAPI(TOKEN)) as stand_in:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=REPO,
            env=env_for(project, TELEGRAM_API_BASE_URL=stand_in.base_url, BOT_WORKERS="2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        log = Lines(bot)
        try:
            assert wait_until(lambda: count(db, "SELECT COUNT(*) FROM analyses") >= analyses_before + 16, 120)
            workers = children_of(bot.pid)
            assert workers and count(db, "SELECT COUNT(*) FROM articles") == 5  # the reload is under way
            t0 = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
            stopped_after = time.monotonic() - t0
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
    print(f"\nstopped {stopped_after:.2f} s after SIGTERM")
    assert bot.returncode == 0, log.text[-3000:]
    assert "bot stopped cleanly" in log.text and "Traceback" not in log.text
    assert wait_until(lambda: not [w for w in workers if alive(w)], 15)
    assert count(db, "PRAGMA integrity_check") == "ok"
    assert count(db, "SELECT COUNT(*) FROM articles") == 5
    assert count(db, "SELECT COUNT(*) FROM analyses") >= analyses_before + 16
