"""Forged button data: "Xem thêm" and 👍/👎 act only on a question asked in the chat where the
button is pressed, and a vote is stored as the vote of the person pressing it.

A modified client can send any callback data under any message of a chat it is in; Telegram
vouches only for who pressed and in which chat. So the tests press buttons whose data was
forged (question numbers run 1, 2, 3…) or copied from another chat, through the fake Bot API."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from telegram.ext import Application
from tg_fakeapi import FakeBotAPI, rendered
from tg_support import GROUP_ID, OTHER_ID, USER_ID, Updates

from bot import texts
from bot.engine import Engine

# Two questions whose answers share nothing: what one user asked never shows in the other's chat.
PRIVATE_Q = "Kinh Môn có bao nhiêu sản phẩm OCOP?"
OTHER_Q = "Dân số thị xã Kinh Môn là bao nhiêu?"


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


def question_id(data: str) -> int:
    return int(re.match(r"^[mf]:(\d+):", data).group(1))


def quotes(api: FakeBotAPI, chat_id: int) -> set[str]:
    return {
        rendered(q, "HTML")
        for text in api.sent_texts(chat_id)
        for q in re.findall(r"<blockquote>(.*?)</blockquote>", text, re.S)
    }


def votes(engine: Engine) -> list[tuple[int, str, int]]:
    conn = sqlite3.connect(engine.settings.db_path)
    try:
        return conn.execute("SELECT question_id, user_hash, value FROM feedback ORDER BY id").fetchall()
    finally:
        conn.close()


async def ask_both(tg: Updates) -> tuple[dict[str, str], dict[str, Any]]:
    """The victim asks in a private chat; the attacker asks in theirs, to have a message there
    to press forged buttons under. Returns the victim's buttons and the attacker's message."""
    await tg.send(tg.text(PRIVATE_Q))
    victim = buttons(tg.api.last_message_with_keyboard(USER_ID))
    await tg.send(tg.text(OTHER_Q, user_id=OTHER_ID))
    return victim, tg.api.last_message_with_keyboard(OTHER_ID)


def forgeries(victim: dict[str, str], label: str) -> list[str]:
    """What an attacker can send for the victim's question: the plain old formats with the
    victim's number, the victim's own data copied, and that data with its number changed."""
    real = victim[label]
    qid = question_id(real)
    old = f"m:{qid}:1" if label == texts.BTN_MORE else f"f:{qid}:{'1' if label == texts.BTN_UP else '-1'}"
    return [old, real, real.replace(f":{qid}:", f":{qid + 1}:", 1), real[:-4] + "AAAA"]


async def test_forged_more_from_another_chat_reveals_nothing(tg: Updates, api: FakeBotAPI, app: Application):
    victim, attacker_message = await ask_both(tg)
    victim_quotes = quotes(api, USER_ID)
    own = quotes(api, OTHER_ID)
    before = len(api.sent(OTHER_ID))
    for data in forgeries(victim, texts.BTN_MORE):
        await tg.send(tg.callback(data, attacker_message, user_id=OTHER_ID))
        toast = api.called("answerCallbackQuery")[-1]
        assert toast["text"] == texts.BUTTON_EXPIRED and toast["show_alert"] is True, data
    assert len(api.sent(OTHER_ID)) == before  # no message at all came of it
    assert quotes(api, OTHER_ID) == own and not (victim_quotes - own) & quotes(api, OTHER_ID)
    assert not api.called("editMessageReplyMarkup")  # nor did it touch the attacker's own buttons


async def test_forged_votes_are_not_stored(tg: Updates, api: FakeBotAPI, app: Application, engine: Engine):
    victim, attacker_message = await ask_both(tg)
    for label in (texts.BTN_UP, texts.BTN_DOWN):
        for data in forgeries(victim, label):
            await tg.send(tg.callback(data, attacker_message, user_id=OTHER_ID))
            assert api.called("answerCallbackQuery")[-1]["text"] == texts.BUTTON_EXPIRED, data
    assert votes(engine) == []
    # The victim's own press, in the victim's chat, counts, as the victim's vote.
    await tg.press(texts.BTN_UP)
    assert votes(engine) == [(question_id(victim[texts.BTN_UP]), engine.hash_user(USER_ID), 1)]


async def test_a_group_button_pressed_elsewhere_does_nothing(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.command(f"/hoi {PRIVATE_Q}", chat_id=GROUP_ID))
    group = buttons(api.last_message_with_keyboard(GROUP_ID))
    await tg.send(tg.text(OTHER_Q, user_id=OTHER_ID))
    attacker_message = api.last_message_with_keyboard(OTHER_ID)
    sent_before = len(api.sent())
    for data in group.values():  # the group's real buttons, pressed in a private chat
        await tg.send(tg.callback(data, attacker_message, user_id=OTHER_ID))
        assert api.called("answerCallbackQuery")[-1]["text"] == texts.BUTTON_EXPIRED
    assert len(api.sent()) == sent_before and votes(engine) == []
    # In the group itself anyone may use them; each vote is the presser's own.
    await tg.press(texts.BTN_DOWN, chat_id=GROUP_ID, user_id=OTHER_ID)
    await tg.press(texts.BTN_MORE, chat_id=GROUP_ID, user_id=USER_ID)
    assert len(api.sent(GROUP_ID)) == 2
    assert votes(engine) == [(question_id(group[texts.BTN_DOWN]), engine.hash_user(OTHER_ID), -1)]


async def test_button_data_cannot_be_guessed(tg: Updates, api: FakeBotAPI):
    """Two answers to the same question in the same chat carry different, unpredictable data."""
    await tg.send(tg.text(PRIVATE_Q))
    first = buttons(api.last_message_with_keyboard(USER_ID))
    await tg.send(tg.text(PRIVATE_Q))
    second = buttons(api.last_message_with_keyboard(USER_ID))
    for label in (texts.BTN_MORE, texts.BTN_UP, texts.BTN_DOWN):
        assert first[label] != second[label]
        assert re.fullmatch(r"[mf]:\d+:-?\d+:[A-Za-z0-9_-]{16}", first[label]), first[label]
        assert len(first[label].encode()) <= 64
