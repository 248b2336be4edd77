"""Questions: a private text message, a group message addressed to the bot, or /hoi, answered
with quoted passages, their sources and buttons."""

from __future__ import annotations

import asyncio
import html
import logging
import time

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.answer.render import render_html
from bot.tg.handlers.buttons import answer_keyboard
from bot.tg.handlers.common import (
    Context,
    addressed_question,
    command_argument,
    engine_of,
    reply_html,
    settings_of,
    signer_of,
    typing_if_slow,
    within_rate_limit,
)

log = logging.getLogger(__name__)

LOG_WAIT = 0.2  # seconds an answer waits for its question to be logged before going without buttons


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Validates, rate-limits, answers with quoted passages and buttons."""
    message = update.effective_message
    if message is None:
        return
    engine = engine_of(context)
    question = question.strip()
    if not await within_rate_limit(update, context):  # a hint costs a reply as an answer does
        return
    # "?!", "👍", a question too long: a hint, not a logged question.
    problem = texts.check_question(question, settings_of(context).max_question_chars, engine.coverage())
    if problem is not None:
        await message.reply_text(html.escape(problem, quote=False))  # it names the corpus's places
        return
    user = update.effective_user
    user_hash = engine.hash_user(user.id) if user else None
    async with typing_if_slow(message):
        started = time.perf_counter()
        answer = engine.answer(question)
        latency = (time.perf_counter() - started) * 1000
        # The question is logged whatever happens to the reply; its id goes into the buttons.
        logging_task = asyncio.ensure_future(
            engine.log(question, answer, user=user_hash, channel="telegram", latency_ms=latency)
        )
        await asyncio.wait([logging_task], timeout=LOG_WAIT)
    signed = {"chat_id": message.chat_id, "signer": signer_of(context)}
    if logging_task.done():
        markup = answer_keyboard(answer, logging_task.result(), 1, feedback=True, **signed)
        await reply_html(message, render_html(answer), markup)
        return
    # The log waits for the database (a reload writing the new index holds its write lock for
    # a second or more on a large corpus): the answer goes now, its buttons once it is logged.
    try:
        sent = await reply_html(message, render_html(answer))
    finally:
        qid = await logging_task
    markup = answer_keyboard(answer, qid, 1, feedback=True, **signed)
    if sent is not None and markup is not None:
        try:
            await sent.edit_reply_markup(markup)
        except TelegramError as e:
            log.warning("buttons not added to a late-logged answer: %s", e)


async def on_private_text(update: Update, context: Context) -> None:
    """A private text message is a question: the user sees a quoted, cited answer."""
    await answer_question(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: Context) -> None:
    """In a group, the user sees an answer only when the message mentions or replies to the bot."""
    question = addressed_question(update.effective_message, context.bot.id, context.bot.username)
    if question is None:
        return
    await answer_question(update, context, question)


async def cmd_hoi(update: Update, context: Context) -> None:
    """/hoi <câu hỏi>: the user sees the answer, or how to use /hoi when nothing follows it."""
    question = command_argument(update.effective_message)
    if not question:
        if await within_rate_limit(update, context):
            await update.effective_message.reply_text(texts.HINT_HOI_EMPTY)
        return
    await answer_question(update, context, question)
