"""Telegram API failures: which to retry, which to tell the user about, which to ignore.

Sending is not idempotent: Telegram has no request id, so a `sendMessage` whose answer never
came back may still have been delivered. Only failures where Telegram certainly did not act are
retried here: a 429 (after the wait it asks for), a 5xx answer, and a connection that was never
made. A read timeout is not retried, because repeating it could show the user the same answer
twice; it is logged, and the update loop goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

from bot.tg.outbox import FairBudget, queue_key

log = logging.getLogger(__name__)

RETRY_AFTER_RETRIES = 3  # 429: wait what Telegram asks, up to three times
NETWORK_RETRIES = 2  # 5xx or no connection: two more tries, 0.5 s then 1 s apart
NETWORK_BACKOFF = 0.5

_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def never_processed(error: BaseException) -> bool:
    """True when Telegram certainly did not act on the request, so repeating it is safe."""
    if isinstance(error, (BadRequest, Forbidden, RetryAfter)):
        return False
    if isinstance(error, TimedOut):  # only if the request never left: no connection, full pool
        return isinstance(error.__cause__, _NEVER_SENT)
    if isinstance(error, NetworkError):
        # A 5xx answer carries no cause; an httpx error is one only if it never connected.
        return error.__cause__ is None or isinstance(error.__cause__, _NEVER_SENT)
    return False


def maybe_delivered(error: BaseException) -> bool:
    """True when the request may have reached Telegram although we got no answer (read timeout)."""
    return isinstance(error, TimedOut) and not never_processed(error)


def is_not_modified(error: BaseException) -> bool:
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


def is_unreachable_user(error: BaseException) -> bool:
    """The user blocked the bot, deleted their account, or the bot was removed from the group."""
    return isinstance(error, Forbidden)


class TelegramRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (20 messages a minute per group; waits out a 429 and retries) that
    also retries requests Telegram never processed (5xx, no connection), with a short backoff.

    The overall budget (`overall_max_rate` messages a second) is not AIORateLimiter's single
    line but a FairBudget: a line per sender, served in turn (see outbox.py).
    """

    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        network_retries: int = NETWORK_RETRIES,
        backoff: float = NETWORK_BACKOFF,
        max_retries: int = RETRY_AFTER_RETRIES,
    ) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self.budget = FairBudget(overall_max_rate) if overall_max_rate > 0 else None
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint == "sendChatAction":
            # "typing…" is cosmetic: it neither waits in the queue nor is retried.
            return await callback(*args, **kwargs)
        attempt = 0
        while True:
            if self.budget is not None and data.get("chat_id") is not None:
                # As AIORateLimiter counted: what goes to a chat (answers to button presses,
                # getUpdates and the like go at once).
                await self.budget.acquire(queue_key(data["chat_id"]))
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except TelegramError as e:
                if attempt >= self.network_retries or not never_processed(e):
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, e, attempt, delay)
                await asyncio.sleep(delay)
