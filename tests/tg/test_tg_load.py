"""Load through a Bot API stand-in on 127.0.0.1, with `python -m bot run` (tg_load.py).

Latency figures are printed (pytest -s shows them), not asserted beyond generous bounds: the
machine running the suite may be busy. See README, "Reliability / Telegram", for measured ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tg_load import run_load

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load")]  # starts processes, runs load


def project_copy(prebuilt: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(prebuilt, root)
    return root


def test_50_users_at_once_each_question_answered_exactly_once(prebuilt: Path, tmp_path: Path):
    """200 questions from 50 users at once, each user asking the next as soon as answered.
    The per-user and Telegram send limits are lifted here; `tg_load.py --users 50 --questions 20`
    is the full load of the README's figures, `--send-rate 30` the same with Telegram's limit."""
    result = run_load(project_copy(prebuilt, tmp_path), users=50, questions=4, timeout=120)
    print("\n" + result.summary())
    assert not result.problems, (result.problems[:10], result.stderr_tail)
    assert result.answered == 200 and result.logged == 200  # answered and logged, once each
    assert result.seconds < 120


def test_a_flooder_is_throttled_and_the_others_are_not_held_up(prebuilt: Path, tmp_path: Path):
    """Ten users asking every 0.3 s while one user sends 300 messages in 3 s, with the normal
    limits (20 questions a minute per user, 30 messages a second in all)."""
    result = run_load(
        project_copy(prebuilt, tmp_path),
        users=10,
        questions=20,
        think=0.3,
        rate_limit=20,
        send_rate=30,
        flood=300,
        flood_seconds=3.0,
        flood_delay=2.0,
        timeout=120,
    )
    print("\n" + result.summary())
    assert not result.problems, (result.problems[:10], result.stderr_tail)
    assert result.answered == 200  # every question of the other users, once
    assert result.flood_answers == 20 and result.flood_warnings == 1  # the flood got its 20, then one notice
    assert result.logged == 200 + 20  # dropped flood messages are not questions
    # The others' latency while the flood ran stays in the range of their normal latency.
    assert result.during_flood_p95_ms < max(5 * result.outside_flood_p95_ms, 1000)


@pytest.mark.parametrize("flood_text", ["?!", "/nguon"])
def test_a_flood_of_non_questions_does_not_slow_the_others(prebuilt: Path, tmp_path: Path, flood_text: str):
    """One user sends 300 messages that each cost a reply but are no question ("?!", /nguon) in
    3 s, while two others ask every 0.3 s, with the normal limits. The flood gets its 20 replies
    and one notice; the others' answers meanwhile stay under half a second (before replies were
    queued per sender and every reply counted, they took 4-5 s)."""
    result = run_load(
        project_copy(prebuilt, tmp_path),
        users=2,
        questions=18,
        think=0.3,
        rate_limit=20,
        send_rate=30,
        flood=300,
        flood_seconds=3.0,
        flood_delay=1.0,
        flood_text=flood_text,
        timeout=120,
    )
    print("\n" + result.summary())
    assert not result.problems, (result.problems[:10], result.stderr_tail)
    assert result.answered == 36 and result.logged == 36  # the flood logged nothing: no questions
    assert result.flood_answers == 20 and result.flood_warnings == 1
    assert result.during_flood_count >= 10
    assert result.during_flood_p95_ms < 500  # measured 10-200 ms on a busy 2-core machine
    assert result.during_flood_max_ms < 1000
