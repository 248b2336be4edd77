"""Test helpers for the Telegram layer: constants, settings for a temporary project, and
factories for incoming updates. (Fixtures are in conftest.py; this module has a unique name so
that tests can import it unambiguously.)"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from tg_fakeapi import BOT_USERNAME, FakeBotAPI

from bot.config import Settings

TOKEN = "123456789:AAtest-token-for-the-offline-fake-api-0000"
ADMIN_ID = 4242
USER_ID = 1001
OTHER_ID = 1002
GROUP_ID = -1001234567

# Retries after a 5xx wait 10 ms instead of 0.5 s, then 1 s: the logic is the same.
QUICK_BACKOFF = 0.01


def make_settings(root: Path, **overrides: str) -> Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "ADMIN_IDS": str(ADMIN_ID),
        "BOT_DB": str(root / "data" / "bot.db"),
        "BOT_CORPUS": f"{root / 'seeds'},{root / 'data' / 'articles'}",
        "BOT_ARTICLES_DIR": str(root / "data" / "articles"),
        "USER_HASH_KEY": "test-user-hash-key-0123456789",
        "RATE_LIMIT_PER_MINUTE": "20",
        "BOT_WORKERS": "1",
        **overrides,
    }
    return Settings.from_env(env, root=root)


class Updates:
    """Builds incoming updates as Telegram would send them."""

    def __init__(self, application: Application, api: FakeBotAPI) -> None:
        self.app = application
        self.api = api
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int = USER_ID, first_name: str = "Lan") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}

    @staticmethod
    def chat(chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Lan"}
        return {"id": chat_id, "type": "supergroup", "title": "Nhóm quy hoạch"}

    def message(self, chat_id: int | None = None, user_id: int = USER_ID, **fields: Any) -> dict[str, Any]:
        chat_id = user_id if chat_id is None else chat_id
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self.chat(chat_id),
                "from": self.user(user_id),
                **fields,
            },
        }

    def text(self, text: str, **kw: Any) -> dict[str, Any]:
        return self.message(text=text, **kw)

    def command(self, text: str, **kw: Any) -> dict[str, Any]:
        """A message starting with /command, with its bot_command entity."""
        command = text.split()[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}
        return self.message(text=text, entities=[entity], **kw)

    def mention(self, text: str, **kw: Any) -> dict[str, Any]:
        """A group message that mentions @PlanTestBot somewhere in `text` (written as {bot})."""
        mention = "@" + BOT_USERNAME
        full = text.format(bot=mention)
        offset = len(full[: full.index(mention)].encode("utf-16-le")) // 2
        return self.message(
            text=full, entities=[{"type": "mention", "offset": offset, "length": len(mention)}], **kw
        )

    def reply_to_bot(self, text: str, bot_message: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return self.message(text=text, reply_to_message=bot_message, **kw)

    def document(self, file_name: str, data: bytes, file_id: str = "doc1", **kw: Any) -> dict[str, Any]:
        self.api.files[file_id] = data
        doc = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_name": file_name,
               "mime_type": "text/plain", "file_size": len(data)}  # fmt: skip
        return self.message(document=doc, **kw)

    def photo(self, **kw: Any) -> dict[str, Any]:
        sizes = [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90, "file_size": 1000}]
        return self.message(photo=sizes, **kw)

    def sticker(self, **kw: Any) -> dict[str, Any]:
        sticker = {"file_id": "s1", "file_unique_id": "us1", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
        return self.message(sticker=sticker, **kw)

    def voice(self, **kw: Any) -> dict[str, Any]:
        return self.message(voice={"file_id": "v1", "file_unique_id": "uv1", "duration": 3}, **kw)

    def callback(self, data: str, message: dict[str, Any], user_id: int = USER_ID) -> dict[str, Any]:
        """The user presses a button under `message` (a message dict the fake API stored)."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self.user(user_id),
                "chat_instance": "ci-1",
                "message": message,
                "data": data,
            },
        }

    async def send(self, data: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(data, self.app.bot))

    async def press(self, label: str, chat_id: int = USER_ID, user_id: int = USER_ID) -> str:
        """Press the button labelled `label` on the newest keyboard in the chat; returns its data."""
        message = self.api.last_message_with_keyboard(chat_id)
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if button["text"] == label:
                    await self.send(self.callback(button["callback_data"], message, user_id))
                    return button["callback_data"]
        raise AssertionError(f"no button {label!r} on {message['reply_markup']}")
