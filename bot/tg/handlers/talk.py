"""Telegram's side of a conversation: questions answered with each person's context, small
talk, "did you mean" buttons, charts sent as photos, and /moi.

A context is kept per (chat, person): in a private chat every message counts, in a group the
messages addressed to the bot (/hoi, a mention, a reply to one of its messages); one person's
context never serves another, in the same group or elsewhere.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.answer.chart import Chart
from bot.answer.clarify import labels
from bot.answer.reply import Reply, render_reply_html
from bot.conversation import Conversation
from bot.tg.handlers.buttons import answer_keyboard
from bot.tg.handlers.common import (
    Context,
    engine_of,
    reply_html,
    settings_of,
    signer_of,
    stop_spinner,
    typing_if_slow,
    within_rate_limit,
)

log = logging.getLogger(__name__)

LOG_WAIT = 0.2  # seconds an answer waits for its question to be logged before going without buttons

# Callback data of a "did you mean" button: the offer's token and the reading's number.
CB_CHOICE = re.compile(r"^c:([A-Za-z0-9_-]{8}):(\d)$")


def talk_of(context: Context) -> Conversation:
    return context.application.bot_data["conversation"]


def who_of(update: Update) -> tuple[int, int] | None:
    """Whose context a message uses: the person's in this chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return (chat.id, user.id)


def choice_keyboard(token: str, choices: tuple[str, ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"c:{token}:{i}")]
            for i, label in enumerate(labels(choices))
        ]
    )


async def answer_question(
    update: Update,
    context: Context,
    question: str,
    *,
    clarify: bool = True,
    presser: Message | None = None,
    counted: bool = False,
) -> None:
    """Validates, rate-limits, answers with quoted passages and buttons (or small talk, or
    readings to choose from), and sends a chart of a table as a photo."""
    message = presser or update.effective_message
    if message is None:
        return
    engine = engine_of(context)
    question = question.strip()
    if not counted and not await within_rate_limit(update, context):  # a hint costs a reply too
        return
    # "?!", "👍", a question too long: a hint, not a logged question.
    problem = texts.check_question(question, settings_of(context).max_question_chars, engine.coverage())
    if problem is not None:
        await message.reply_text(html.escape(problem, quote=False))  # it names the corpus's places
        return
    talk = talk_of(context)
    user = update.effective_user
    user_hash = engine.hash_user(user.id) if user else None
    async with typing_if_slow(message):
        started = time.perf_counter()
        reply = talk.reply(question, who_of(update), clarify=clarify)
        # The question is logged whatever happens to the reply; its id goes into the buttons.
        logging_task = asyncio.ensure_future(
            talk.log(reply, user=user_hash, channel="telegram", started=started)
        )
        await asyncio.wait([logging_task], timeout=LOG_WAIT)
    if reply.kind == "small_talk":
        await message.reply_text(html.escape(reply.small_talk or "", quote=False))  # names publishers
        return
    if reply.kind == "clarify":
        token = talk.offer(reply.choices, message.chat_id)
        await reply_html(message, render_reply_html(reply), choice_keyboard(token, reply.choices))
        return
    html_text = render_reply_html(reply)
    signed = {"chat_id": message.chat_id, "signer": signer_of(context)}
    if logging_task.done():
        markup = answer_keyboard(reply.answer, logging_task.result(), 1, feedback=True, **signed)
        await reply_html(message, html_text, markup)
    else:
        # The log waits for the database (a reload writing the new index holds its write lock
        # for a second or more on a large corpus): the answer goes now, its buttons once logged.
        try:
            sent = await reply_html(message, html_text)
        finally:
            qid = await logging_task
        markup = answer_keyboard(reply.answer, qid, 1, feedback=True, **signed)
        if sent is not None and markup is not None:
            try:
                await sent.edit_reply_markup(markup)
            except TelegramError as e:
                log.warning("buttons not added to a late-logged answer: %s", e)
    await send_chart(message, talk, reply)


async def send_chart(message: Message, talk: Conversation, reply: Reply) -> None:
    """The table's chart as a photo under the answer; best effort (the table says it all)."""
    if reply.table is None:
        return
    try:
        chart: Chart | None = await asyncio.to_thread(talk.chart, reply)
    except Exception:
        log.exception("chart not drawn")
        return
    if chart is None:
        return
    try:
        await message.reply_photo(chart.png, caption=html.escape(chart.caption, quote=False), do_quote=False)
    except TelegramError as e:
        log.warning("chart not sent: %s", e)


async def on_choice(update: Update, context: Context) -> None:
    """A "did you mean" button: the user sees the answer to the reading they chose."""
    query = update.callback_query
    if not await within_rate_limit(update, context):
        return
    m = CB_CHOICE.match(query.data or "")
    chat_id = update.effective_chat.id if update.effective_chat else None
    talk = talk_of(context)
    if not talk.offered_in(m.group(1), chat_id):
        # Gone (too old, the bot restarted), or pressed in another chat than it was sent to:
        # an offer holds someone's question, which another chat does not see.
        await query.answer(texts.CLARIFY_GONE, show_alert=True)
        return
    chosen = talk.chosen(m.group(1), int(m.group(2)))
    if chosen is None:
        await query.answer(texts.CLARIFY_GONE, show_alert=True)
        return
    await stop_spinner(update)
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return
    try:
        await message.edit_reply_markup(None)  # chosen: the other readings go
    except TelegramError as e:
        log.debug("could not drop the reading buttons: %s", e)
    await answer_question(update, context, chosen, clarify=False, presser=message, counted=True)


async def cmd_moi(update: Update, context: Context) -> None:
    """/moi: the user's context in this chat is cleared; the next question stands on its own."""
    who = who_of(update)
    had = who is not None and talk_of(context).forget(who)
    text = texts.NEW_CONVERSATION if had else texts.NEW_CONVERSATION_EMPTY
    await update.effective_message.reply_text(text)
