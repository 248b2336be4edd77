"""The buttons under an answer and what they do: 'Xem thêm', 👍/👎, and a button this bot does not know."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.answer.render import render_html
from bot.errors import BotError
from bot.models import Answer
from bot.tg.callbacks import ButtonSigner
from bot.tg.handlers.common import (
    Context,
    engine_of,
    reply_html,
    signer_of,
    stop_spinner,
    user_tag,
    within_rate_limit,
)
from bot.tg.split import split_html

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

# Callback data (at most 64 bytes): more passages and feedback, signed (bot/tg/callbacks.py:
# CB_MORE, CB_FEEDBACK). /nguon's pages and /xoa's confirmation: corpus.py.


def answer_keyboard(
    answer: Answer, qid: int | None, next_offset: int, *, feedback: bool, chat_id: int, signer: ButtonSigner
) -> InlineKeyboardMarkup | None:
    """The buttons under an answer, signed for the chat it goes to."""
    row: list[InlineKeyboardButton] = []
    if qid is None:
        return None
    if answer.has_more and answer.quotes:
        row.append(InlineKeyboardButton(texts.BTN_MORE, callback_data=signer.more(chat_id, qid, next_offset)))
    if feedback and answer.quotes and not answer.refused:
        row.append(InlineKeyboardButton(texts.BTN_UP, callback_data=signer.feedback(chat_id, qid, 1)))
        row.append(InlineKeyboardButton(texts.BTN_DOWN, callback_data=signer.feedback(chat_id, qid, -1)))
    return InlineKeyboardMarkup([row]) if row else None


async def refuse_foreign_button(update: Update, context: Context) -> None:
    """A button whose data was forged, altered, or made for another chat: nothing happens."""
    user = update.effective_user
    log.warning(
        "button data not signed for this chat, from user %s", user_tag(context, user.id if user else None)
    )
    await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)


def without_more_button(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    rows = [
        [b for b in row if not (isinstance(b.callback_data, str) and b.callback_data.startswith("m:"))]
        for row in markup.inline_keyboard
    ]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


async def on_more(update: Update, context: Context) -> None:
    """'Xem thêm': the user sees the next passages for the same question in a new message."""
    query = update.callback_query
    if not await within_rate_limit(update, context):
        return
    chat_id = update.effective_chat.id if update.effective_chat else None
    press = signer_of(context).open_more(query.data or "", chat_id)
    if press is None:
        await refuse_foreign_button(update, context)
        return
    qid, offset = press.question_id, press.value
    engine = engine_of(context)
    question = await engine.logged_question(qid)
    if question is None:
        await query.answer(texts.QUESTION_GONE, show_alert=True)
        return
    await stop_spinner(update)
    message = query.message if isinstance(query.message, Message) else None
    shown = (message.text or "") if message else ""
    answer, offset = engine.more(question, offset, shown)  # the same pages as the terminal's "thêm"
    html_text = render_html(answer)
    markup = answer_keyboard(answer, qid, offset, feedback=False, chat_id=chat_id, signer=signer_of(context))
    if message is None:  # too old to reply to: send to the chat
        for i, piece in enumerate(pieces := split_html(html_text)):
            await context.bot.send_message(
                update.effective_chat.id,
                piece,
                reply_markup=markup if i == len(pieces) - 1 else None,
            )
        return
    try:
        await message.edit_reply_markup(without_more_button(message.reply_markup))
    except TelegramError as e:
        log.debug("could not drop the 'more' button: %s", e)
    await reply_html(message, html_text, markup, quote=False)


async def on_feedback(update: Update, context: Context) -> None:
    """👍/👎: the user sees a short thank-you toast; the vote is stored with the question."""
    query = update.callback_query
    chat_id = update.effective_chat.id if update.effective_chat else None
    press = signer_of(context).open_feedback(query.data or "", chat_id)
    if press is None:
        await refuse_foreign_button(update, context)
        return
    qid, value = press.question_id, press.value
    engine = engine_of(context)
    try:
        await engine.feedback(qid, engine.hash_user(query.from_user.id), value)
    except BotError as e:
        log.warning("feedback not stored for question %s: %s", qid, e)
        await query.answer(texts.FEEDBACK_FAILED)
        return
    await query.answer(texts.FEEDBACK_THANKS_UP if value > 0 else texts.FEEDBACK_THANKS_DOWN)


async def on_stale_button(update: Update, context: Context) -> None:
    """A button this version of the bot does not know: the user is asked to ask again."""
    await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)
