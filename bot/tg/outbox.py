"""Fair service between senders: one sender's backlog never delays another's answer.

Two shared resources could let one user hold up everyone:

- Telegram's send budget (about 30 messages a second for the whole bot). Replies used to wait
  for it in one line, first come first served: 300 hints asked for by one flooder put ten
  seconds of replies ahead of anyone else's answer. `FairBudget` keeps one line per sender and
  serves the senders in turn (round robin), so a reply waits for at most one message of each
  other sender that is waiting too.
- The application's slots for updates in progress (256). `PerSenderUpdates` lets one sender
  hold at most PER_SENDER of them; the sender's other updates wait in their own line.

The sender of a reply is the user whose update is being handled (a context variable set for
each update); without one (an update fed to the application directly), the chat it goes to.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

PER_SENDER = 4  # updates of one sender handled at once: a slow one (an upload waiting for a
# reload) does not hold up the sender's next ones, and a flood takes at most this many slots
TOTAL_UPDATES = 256  # python-telegram-bot's default for concurrent updates

SENDER: contextvars.ContextVar[int | None] = contextvars.ContextVar("sender", default=None)


def sender_of(update: object) -> int | None:
    """Who an update comes from: the user, or for a channel post the chat."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def queue_key(chat_id: Any) -> Hashable:
    """The line a reply waits in: its sender's; failing that, its chat's."""
    sender = SENDER.get()
    return ("user", sender) if sender is not None else ("chat", str(chat_id))


class FairBudget:
    """A token bucket (`rate` tokens a second, up to `burst` at once) whose waiting callers
    are served one line at a time, in turn: a line with a hundred waiting gets one token,
    then the next line gets one.
    """

    def __init__(self, rate: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else rate
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        # Lines in turn order: a line served goes to the back (dicts keep insertion order).
        self._lines: dict[Hashable, deque[asyncio.Future[None]]] = {}
        self._timer: asyncio.TimerHandle | None = None

    def waiting(self, key: Hashable | None = None) -> int:
        """Callers waiting (in one line, or in all)."""
        if key is not None:
            return len(self._lines.get(key, ()))
        return sum(len(line) for line in self._lines.values())

    async def acquire(self, key: Hashable) -> None:
        """Wait for a token in line `key`."""
        self._refill()
        if not self._lines and self._tokens >= 1:
            self._tokens -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lines.setdefault(key, deque()).append(future)
        self._serve()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._tokens += 1  # granted as the caller gave up: the next one gets it
            else:
                line = self._lines.get(key)
                if line is not None and future in line:
                    line.remove(future)
                    if not line:
                        del self._lines[key]
            self._serve()
            raise

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def _serve(self) -> None:
        self._timer = None
        self._refill()
        while self._lines and self._tokens >= 1:
            key = next(iter(self._lines))
            line = self._lines.pop(key)
            future = line.popleft()
            if line:
                self._lines[key] = line  # to the back of the turn
            if future.done():  # cancelled while waiting
                continue
            future.set_result(None)
            self._tokens -= 1
        if self._lines and self._timer is None:
            delay = max((1 - self._tokens) / self.rate, 0.001)
            self._timer = asyncio.get_running_loop().call_later(delay, self._serve)


class PerSenderUpdates(BaseUpdateProcessor):
    """Updates handled concurrently, at most `per_sender` of one sender and `total` in all.

    python-telegram-bot's own bound (the semaphore around do_process_update) is set out of
    reach: were it the bound, a flooder's updates waiting for their sender's turn would fill
    it and keep everyone else's out.
    """

    def __init__(self, total: int = TOTAL_UPDATES, per_sender: int = PER_SENDER) -> None:
        super().__init__(max_concurrent_updates=2**30)
        self.total = total
        self.per_sender = per_sender
        self._slots = asyncio.Semaphore(total)
        self._senders: dict[Hashable, tuple[asyncio.Semaphore, int]] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        sender = sender_of(update)
        key: Hashable = sender if sender is not None else ("update", id(update))
        own, users = self._senders.get(key) or (asyncio.Semaphore(self.per_sender), 0)
        self._senders[key] = (own, users + 1)
        started = False
        try:
            async with own, self._slots:
                SENDER.set(sender)  # this update's task only: its replies wait in its line
                started = True
                await coroutine
        finally:
            own, users = self._senders[key]
            if users <= 1:
                del self._senders[key]
            else:
                self._senders[key] = (own, users - 1)
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting its turn (a shutdown)
