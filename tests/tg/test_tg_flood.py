"""One user cannot slow everyone down: every message that costs the bot a reply counts against
its sender's limit, and replies wait in per-sender queues served in turn, so one sender's
backlog never delays another's answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application
from tg_fakeapi import FakeBotAPI
from tg_support import ADMIN_ID, GROUP_ID, OTHER_ID, USER_ID, Updates

from bot import texts

QUESTION = "Kinh Môn có bao nhiêu doanh nghiệp?"
LIMIT = 5

# Messages that are no question but cost a reply each.
COSTLY: dict[str, Callable[[Updates], dict[str, Any]]] = {
    "?!": lambda tg: tg.text("?!"),
    "/nguon": lambda tg: tg.command("/nguon"),
    "/start": lambda tg: tg.command("/start"),
    "/help": lambda tg: tg.command("/help"),
    "/hoi alone": lambda tg: tg.command("/hoi"),
    "unknown command": lambda tg: tg.command("/khongco"),
    "photo": lambda tg: tg.photo(),
    "sticker": lambda tg: tg.sticker(),
    "too long": lambda tg: tg.text("Kinh Môn " * 200),
    "/reload by a user": lambda tg: tg.command("/reload"),
    "/stats by a user": lambda tg: tg.command("/stats"),
    "document by a user": lambda tg: tg.document("bai.txt", b"Kinh Mon"),
    "question": lambda tg: tg.text(QUESTION),
}


@pytest.fixture
def clock(app: Application) -> list[float]:
    """The per-user limit at LIMIT a minute, on a clock the test moves."""
    now = [0.0]
    limiter = app.bot_data["limiter"]
    limiter.limit, limiter.clock = LIMIT, lambda: now[0]
    return now


@pytest.mark.parametrize("kind", list(COSTLY))
async def test_every_message_that_costs_a_reply_counts(
    tg: Updates, api: FakeBotAPI, clock: list[float], kind: str
):
    for _ in range(3 * LIMIT):
        await tg.send(COSTLY[kind](tg))
    replies = api.sent_texts(USER_ID)
    assert len(replies) == LIMIT + 1, replies  # LIMIT replies, one notice, then quiet
    assert replies[-1].startswith("Bạn đang hỏi hơi nhanh") and "60 giây" in replies[-1]
    assert not api.called("editMessageText") and not api.called("getFile")
    await tg.send(tg.text(QUESTION, user_id=OTHER_ID))  # someone else is not affected
    assert "900 doanh nghiệp" in api.sent_texts(OTHER_ID)[-1]
    clock[0] = 61.0  # a minute on, the sender is served again
    await tg.send(COSTLY[kind](tg))
    assert len(api.sent_texts(USER_ID)) == LIMIT + 2


async def test_button_presses_count(tg: Updates, api: FakeBotAPI, clock: list[float]):
    await tg.send(tg.text(QUESTION))  # 1
    for _ in range(LIMIT + 3):
        await tg.press(texts.BTN_UP)
    toasts = [c.get("text", "") for c in api.called("answerCallbackQuery")]
    assert toasts[: LIMIT - 1] == [texts.FEEDBACK_THANKS_UP] * (LIMIT - 1)
    assert len(toasts) == LIMIT + 3 and all(
        t.startswith("Bạn đang hỏi hơi nhanh") for t in toasts[LIMIT - 1 :]
    )


async def test_an_admin_counts_too(tg: Updates, api: FakeBotAPI, clock: list[float]):
    for _ in range(2 * LIMIT):
        await tg.send(tg.command("/help", user_id=ADMIN_ID))
    assert len(api.sent_texts(ADMIN_ID)) == LIMIT + 1


async def test_group_talk_not_addressed_to_the_bot_costs_nothing(
    tg: Updates, api: FakeBotAPI, clock: list[float]
):
    for _ in range(3 * LIMIT):
        await tg.send(tg.text(QUESTION, chat_id=GROUP_ID))
        await tg.send(tg.photo(chat_id=GROUP_ID))
    assert api.calls == []
    await tg.send(tg.command(f"/hoi {QUESTION}", chat_id=GROUP_ID))
    assert "900 doanh nghiệp" in api.sent_texts(GROUP_ID)[-1]


@pytest.mark.slow
async def test_a_flood_of_replies_does_not_hold_up_another_users_answer(
    tg: Updates, api: FakeBotAPI, app: Application
):
    """With the per-user limit lifted, 150 "?!" ask for 150 hints: five seconds of Telegram's
    send budget (30 a second). Another user's question asked right after is answered at once,
    while most of the flood's hints still wait. Updates go through the application's queue, as
    polling delivers them, so the update processor and the send queue both take part."""
    app.bot_data["limiter"].limit = 0
    flood = [Update.de_json(tg.text("?!"), app.bot) for _ in range(150)]
    for update in flood:
        app.update_queue.put_nowait(update)
    await asyncio.sleep(0.3)  # the flood's first hints are out, the rest queued
    asked = time.monotonic()
    app.update_queue.put_nowait(Update.de_json(tg.text(QUESTION, user_id=OTHER_ID), app.bot))
    while not api.sent(OTHER_ID):
        assert time.monotonic() - asked < 10, "no answer"
        await asyncio.sleep(0.005)
    waited = time.monotonic() - asked
    hints_by_then = len(api.sent(USER_ID))
    print(f"\nanswer after {waited * 1000:.0f} ms, with {hints_by_then} of 150 hints sent")
    assert "900 doanh nghiệp" in api.sent_texts(OTHER_ID)[0]
    assert waited < 1.0  # generous; about 0.05 s measured (4 s before the queues were fair)
    assert hints_by_then < 100  # it did not wait for the flood to drain
    while len(api.sent(USER_ID)) < 150:  # and the flood is still served, every hint once
        await asyncio.sleep(0.05)
    hints = api.sent_texts(USER_ID)
    assert hints[0].startswith(texts.HINT_EMPTY) and hints == [hints[0]] * 150
