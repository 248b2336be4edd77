"""Telegram failing under the bot: 429 flood waits, 5xx, timeouts, "message is not modified", a
user who blocked the bot, no connection. Each is injected into the fake Bot API; the update is
never lost (the question is logged), the bot keeps answering, and nothing is sent twice.

Offline tests go through FakeRequest; the last ones run the real polling loop over HTTP."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.ext import Application
from telegram.request import HTTPXRequest
from tg_fakeapi import FakeBotAPI, private_message
from tg_standin import StandIn, serving
from tg_support import OTHER_ID, QUICK_BACKOFF, TOKEN, USER_ID, Updates, make_settings

from bot import texts
from bot.config import Settings
from bot.engine import Engine
from bot.tg.app import build_application
from bot.tg.handlers import common, corpus

# PTB's own AIORateLimiter reads RetryAfter.retry_after, deprecated in PTB 22.2: not our code.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

QUESTION = "Dân số thị xã Kinh Môn là bao nhiêu?"
ANSWER = "174.662"
MORE_QUESTION = "Kinh Môn có bao nhiêu sản phẩm OCOP?"


async def logged(engine: Engine) -> int:
    return (await engine.stats()).questions_24h


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------- retried: Telegram did not act


async def test_flood_wait_429_is_waited_out_and_the_answer_sent_once(
    tg: Updates, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
):
    api.inject("sendMessage", "429", retry_after=1)
    started = time.monotonic()
    await tg.send(tg.text(QUESTION))
    assert time.monotonic() - started >= 1.0  # waited what Telegram asked
    assert len(api.called("sendMessage")) == 2  # the refused call, then the retry
    (delivered,) = api.messages.values()
    assert ANSWER in delivered["text"]
    assert not errors(caplog)


@pytest.mark.parametrize("kind", ["500", "502", "unreachable"])
async def test_server_errors_and_no_connection_are_retried(
    tg: Updates, api: FakeBotAPI, engine: Engine, caplog: pytest.LogCaptureFixture, kind: str
):
    api.inject("sendMessage", kind, times=2)
    await tg.send(tg.text(QUESTION))
    (delivered,) = api.messages.values()  # third try; delivered once
    assert ANSWER in delivered["text"]
    assert sum("retry" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING) == 2
    assert not errors(caplog)
    assert await logged(engine) == 1


async def test_a_lasting_outage_is_logged_and_the_bot_goes_on(
    tg: Updates, api: FakeBotAPI, engine: Engine, caplog: pytest.LogCaptureFixture
):
    api.inject("sendMessage", "502", times=-1, chat_id=USER_ID)
    await tg.send(tg.text(QUESTION))  # answer and the apology both fail after their retries
    assert api.messages == {}
    assert await logged(engine) == 1  # the question is not lost
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Telegram unreachable" in w and "Bad Gateway" in w for w in warnings)
    assert any("could not tell the user" in w for w in warnings)
    await tg.send(tg.text(QUESTION, user_id=OTHER_ID))  # other chats are fine
    assert ANSWER in api.sent_texts(OTHER_ID)[-1]


# ---------------------------------------------------------------- not retried


async def test_a_flood_wait_beyond_the_retries_drops_the_reply_quietly(
    tg: Updates, api: FakeBotAPI, app: Application, engine: Engine, caplog: pytest.LogCaptureFixture
):
    app.bot.rate_limiter._max_retries = 0  # as after the last of the three retries
    api.inject("sendMessage", "429", retry_after=30)
    await tg.send(tg.text(QUESTION))
    assert len(api.called("sendMessage")) == 1  # no apology: it would only add to the flood
    assert any("outlasted the retries" in r.getMessage() for r in caplog.records)
    assert await logged(engine) == 1


async def test_a_reply_that_times_out_is_not_sent_twice(
    tg: Updates, api: FakeBotAPI, engine: Engine, caplog: pytest.LogCaptureFixture
):
    """The answer came back too late: it may have been delivered, so it is not repeated."""
    api.inject("sendMessage", "timeout", delay=10)
    await tg.send(tg.text(QUESTION))
    (delivered,) = api.messages.values()  # Telegram delivered it; the bot never heard back
    assert ANSWER in delivered["text"]
    assert len(api.called("sendMessage")) == 1  # no retry, no apology
    assert any("did not confirm" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert not errors(caplog)
    assert await logged(engine) == 1
    await tg.send(tg.text(MORE_QUESTION))
    assert len(api.messages) == 2


async def test_a_user_who_blocked_the_bot(
    tg: Updates, api: FakeBotAPI, engine: Engine, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="bot.tg")
    api.inject("sendMessage", "blocked", times=-1, chat_id=USER_ID)
    for _ in range(3):
        await tg.send(tg.text(QUESTION))
    assert len(api.called("sendMessage")) == 3  # one try each: no retry, no apology
    assert api.messages == {}
    assert await logged(engine) == 3
    infos = [r.getMessage() for r in caplog.records if "cannot reach user" in r.getMessage()]
    assert len(infos) == 3 and "blocked" in infos[0] and str(USER_ID) not in infos[0]
    assert not errors(caplog)
    await tg.send(tg.text(QUESTION, user_id=OTHER_ID))
    assert ANSWER in api.sent_texts(OTHER_ID)[-1]


async def test_message_not_modified_is_ignored_quietly(
    tg: Updates, api: FakeBotAPI, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    # The /nguon page turn: a double tap edits the message to what it already shows.
    monkeypatch.setattr(corpus, "SOURCES_PER_PAGE", 2)
    await tg.send(tg.command("/nguon"))
    api.inject("editMessageText", "not_modified")
    await tg.press(texts.BTN_NEXT)
    # "Xem thêm": dropping its button from a message that has already lost it.
    await tg.send(tg.text(MORE_QUESTION))
    api.inject("editMessageReplyMarkup", "not_modified")
    await tg.press(texts.BTN_MORE)
    assert "<blockquote>" in api.sent_texts()[-1]  # the next passages still came
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(api.sent()) == 3  # /nguon, the answer, the next passages: no apology


async def test_not_modified_reaching_the_error_handler_is_ignored(
    tg: Updates, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
):
    await tg.send(tg.text(QUESTION))
    api.inject("sendMessage", "not_modified")  # as if any handler's call got it
    await tg.send(tg.text(QUESTION))
    assert len(api.sent()) == 2  # the refused one; no apology after it
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_cosmetic_calls_failing_do_not_stop_the_answer(tg: Updates, api: FakeBotAPI):
    api.inject("sendChatAction", "500", times=-1)
    api.inject("answerCallbackQuery", "timeout", delay=10)
    await tg.send(tg.command("/nguon"))
    await tg.send(tg.text(MORE_QUESTION))
    await tg.press(texts.BTN_MORE)  # the toast times out; the passages are sent all the same
    assert len(api.messages) == 3


async def test_flood_wait_on_a_button_toast(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.text(QUESTION))
    api.inject("answerCallbackQuery", "429", retry_after=1)
    await tg.press(texts.BTN_UP)
    assert len(api.called("answerCallbackQuery")) == 2
    assert (await engine.stats()).feedback_up == 1


# ---------------------------------------------------------------- over HTTP, real polling


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with serving(FakeBotAPI(TOKEN)) as server:
        yield server


@pytest.mark.slow  # polls a Bot API stand-in over HTTP
async def test_polling_over_http_survives_every_fault(stand_in: StandIn, project: Path, caplog):
    """getUpdates failing (5xx, 429, a slow answer) and a reply answered too late: every update
    is still handled exactly once, and the polling loop never stops."""
    api = stand_in.api
    settings = make_settings(project, TELEGRAM_API_BASE_URL=stand_in.base_url, RATE_LIMIT_PER_MINUTE="0")
    request = HTTPXRequest(read_timeout=0.5, connection_pool_size=16)  # a "slow" answer is > 0.5 s
    application = build_application(settings, request=request)
    application.bot.rate_limiter.backoff = QUICK_BACKOFF
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            users = [5001 + i for i in range(6)]
            api.inject("getUpdates", "500")
            api.push_update(private_message(users[0], QUESTION, 1))
            api.inject("getUpdates", "502")
            api.push_update(private_message(users[1], QUESTION, 2))
            api.inject("getUpdates", "429", retry_after=1)
            api.push_update(private_message(users[2], QUESTION, 3))
            api.inject("getUpdates", "timeout", delay=2.0)  # > timeout 1 + read timeout 0.5
            api.push_update(private_message(users[3], QUESTION, 4))
            api.inject("sendMessage", "timeout", delay=1.0, chat_id=users[4])
            api.push_update(private_message(users[4], QUESTION, 5))
            api.inject("sendMessage", "500", times=2, chat_id=users[5])
            api.push_update(private_message(users[5], QUESTION, 6))
            done = await asyncio.to_thread(
                api.wait_for, lambda: all(any(c == u for c, _ in api.messages) for u in users), 30
            )
            assert done, f"answered: {sorted({c for c, _ in api.messages})}"
            await asyncio.sleep(0.7)  # anything sent twice would show up now
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
    per_chat = [sum(1 for c, _ in api.messages if c == u) for u in users]
    assert per_chat == [1] * len(users)  # each answered exactly once
    assert all(ANSWER in m["text"] for m in api.messages.values())
    assert all(f.times == 0 for f in api.faults)  # every fault was played
    assert TOKEN not in caplog.text
    assert not api.problems


# ---------------------------------------------------------------- the database busy


async def test_an_answer_does_not_wait_for_a_busy_question_log(
    tg: Updates, api: FakeBotAPI, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """Another connection holds SQLite's write lock (as a reload writing a large new index does
    for a second or more): the answer goes at once, its buttons follow once it is logged."""
    monkeypatch.setattr(common, "TYPING_AFTER", 10.0)
    writer = sqlite3.connect(settings.db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    loop.call_later(1.0, writer.execute, "COMMIT")
    started = time.monotonic()
    task = asyncio.ensure_future(tg.send(tg.text(MORE_QUESTION)))
    assert await asyncio.to_thread(api.wait_for, lambda: api.called("sendMessage"), 5)
    answered_in = time.monotonic() - started
    (answer,) = api.sent()
    assert "<blockquote>" in answer["text"] and "reply_markup" not in answer
    await asyncio.wait_for(task, 10)
    writer.close()
    assert answered_in < 0.8  # not held for the second the lock lasted
    (edit,) = api.called("editMessageReplyMarkup")
    labels = [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [texts.BTN_MORE, texts.BTN_UP, texts.BTN_DOWN]
    assert await logged(engine) == 1
    await tg.press(texts.BTN_MORE)  # the late buttons work
    assert "<blockquote>" in api.sent_texts()[-1]
