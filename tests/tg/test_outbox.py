"""The fair send budget and the per-sender update processor (bot/tg/outbox.py), on a real event
loop: the order in which waiting callers are served, and who may run at once."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.ext import Application
from tg_support import OTHER_ID, USER_ID, Updates

from bot.tg.outbox import SENDER, FairBudget, PerSenderUpdates, queue_key


async def test_lines_are_served_in_turn():
    """A flooder's 30 waiting calls, then two other senders' one each: the others are served
    next, within one token of each other, and the flooder keeps its own order."""
    budget = FairBudget(rate=100, burst=1)
    served: list[tuple[str, int]] = []

    async def call(key: str, n: int) -> None:
        await budget.acquire(key)
        served.append((key, n))

    flood = [asyncio.create_task(call("flooder", n)) for n in range(30)]
    while len(served) < 3:  # a few of the flooder's are served
        await asyncio.sleep(0)
    before = len(served)
    others = [asyncio.create_task(call("lan", 0)), asyncio.create_task(call("minh", 0))]
    await asyncio.gather(*flood, *others)
    after = [key for key, _ in served[before:]]
    assert before < 27
    assert set(after[:3]) == {"flooder", "lan", "minh"}  # the next turn serves each line once
    assert [n for key, n in served if key == "flooder"] == list(range(30))
    assert budget.waiting() == 0


async def test_the_budget_keeps_its_rate():
    budget = FairBudget(rate=50, burst=5)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(*(budget.acquire(("user", n % 3)) for n in range(30)))
    # 5 at once, then 25 at 50 a second: half a second at the least
    assert loop.time() - start >= 0.45


async def test_a_caller_that_gives_up_leaves_its_line():
    budget = FairBudget(rate=20, burst=1)
    await budget.acquire("a")  # the one token
    waiting = asyncio.create_task(budget.acquire("a"))
    await asyncio.sleep(0)
    assert budget.waiting("a") == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert budget.waiting() == 0
    await asyncio.wait_for(budget.acquire("b"), 1)  # the next caller is not held up


async def test_one_sender_holds_at_most_its_share_of_the_slots(tg: Updates, app: Application):
    """Ten slow updates of one sender and one of another: the other runs at once, while only
    `per_sender` of the first are in progress; each runs with its sender's line key."""
    processor = PerSenderUpdates(total=8, per_sender=2)
    release = asyncio.Event()
    running: dict[int, int] = {USER_ID: 0, OTHER_ID: 0}
    most = {USER_ID: 0, OTHER_ID: 0}
    keys: list[object] = []

    async def handle(sender: int) -> None:
        running[sender] += 1
        most[sender] = max(most[sender], running[sender])
        keys.append(queue_key(chat_id=-1))
        if sender == USER_ID:
            await release.wait()
        running[sender] -= 1

    def update(user_id: int) -> Update:
        return Update.de_json(tg.text("?!", user_id=user_id), app.bot)

    flood = [
        asyncio.create_task(processor.process_update(update(USER_ID), handle(USER_ID))) for _ in range(10)
    ]
    await asyncio.sleep(0.05)
    other = asyncio.create_task(processor.process_update(update(OTHER_ID), handle(OTHER_ID)))
    await asyncio.wait_for(other, 1)  # not held up by the ten waiting
    assert running[USER_ID] == 2 and most[USER_ID] == 2
    release.set()
    await asyncio.gather(*flood)
    assert most[USER_ID] == 2 and running == {USER_ID: 0, OTHER_ID: 0}
    assert set(keys) == {("user", USER_ID), ("user", OTHER_ID)}
    assert SENDER.get() is None  # set in each update's own task only
