"""Button payloads that cannot be forged: signed for the chat they were sent in.

A modified client can send any callback data under any message of a chat it is in; Telegram
vouches only for who pressed and in which chat. Question numbers run 1, 2, 3…, so "m:2:1" from
anyone would page through someone else's question and "f:2:-1" would vote on it. Each payload
therefore carries an HMAC-SHA256 (96 bits, 16 base64url characters) of its own text and of the
chat it was sent to, under a key derived from the bot's user-hashing key. A payload pressed in
another chat, altered, or made up, fails the check; in a group, the group's members share the
group's buttons. Payloads stay well under Telegram's 64 bytes ("m:<12 digits>:<4>:<16>" is 36).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

SIGNATURE_BYTES = 12

CB_MORE = re.compile(r"^m:(\d{1,12}):(\d{1,4}):([A-Za-z0-9_-]{16})$")
CB_FEEDBACK = re.compile(r"^f:(\d{1,12}):(-1|1):([A-Za-z0-9_-]{16})$")


@dataclass(frozen=True)
class Press:
    """A button press whose payload checked out: the question it is about and its argument
    (the page offset for "Xem thêm", +1 or -1 for a vote)."""

    question_id: int
    value: int


class ButtonSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def more(self, chat_id: int, question_id: int, offset: int) -> str:
        return self._signed(chat_id, f"m:{question_id}:{offset}")

    def feedback(self, chat_id: int, question_id: int, value: int) -> str:
        return self._signed(chat_id, f"f:{question_id}:{value}")

    def open_more(self, data: str, chat_id: int | None) -> Press | None:
        """The press of a "Xem thêm" made for this chat, or None (forged, altered, elsewhere)."""
        return self._open(CB_MORE, data, chat_id)

    def open_feedback(self, data: str, chat_id: int | None) -> Press | None:
        return self._open(CB_FEEDBACK, data, chat_id)

    def _signature(self, chat_id: int, body: str) -> str:
        mac = hmac.new(self._key, f"{chat_id}\n{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:SIGNATURE_BYTES]).decode()

    def _signed(self, chat_id: int, body: str) -> str:
        return f"{body}:{self._signature(chat_id, body)}"

    def _open(self, pattern: re.Pattern[str], data: str, chat_id: int | None) -> Press | None:
        m = pattern.match(data or "")
        if m is None or chat_id is None:
            return None
        body = data[: m.start(3) - 1]
        if not hmac.compare_digest(m.group(3), self._signature(chat_id, body)):
            return None
        return Press(int(m.group(1)), int(m.group(2)))
