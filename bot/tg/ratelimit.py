"""Per-user sliding-window rate limit for questions."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` events per user in any `window` seconds.

    `hit` records an allowed event; refused attempts are not counted, so a user who keeps
    sending gets through again as soon as the oldest allowed event leaves the window.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}
        self._calls = 0

    def hit(self, user_id: int) -> bool:
        """True when the event is allowed (and records it); False when over the limit."""
        if self.limit <= 0:
            return True
        self._calls += 1
        if self._calls % 1024 == 0:
            self.forget_idle()
        now = self.clock()
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        self._warned_until.pop(user_id, None)
        return True

    def retry_after(self, user_id: int) -> float:
        """Seconds until the user may ask again (0 when allowed now)."""
        events = self._events.get(user_id)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window - self.clock())

    def should_warn(self, user_id: int) -> bool:
        """True once per blocked period, so a flood gets one polite message, not one per message."""
        now = self.clock()
        if self._warned_until.get(user_id, 0.0) > now:
            return False
        self._warned_until[user_id] = now + max(self.retry_after(user_id), 1.0)
        return True

    def forget_idle(self) -> None:
        """Drop users with no event in the window (keeps memory bounded on busy bots)."""
        cutoff = self.clock() - self.window
        for uid in [u for u, ev in self._events.items() if not ev or ev[-1] <= cutoff]:
            del self._events[uid]
            self._warned_until.pop(uid, None)
