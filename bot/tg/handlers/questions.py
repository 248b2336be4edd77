"""Questions: a private text message, a group message addressed to the bot, or /hoi, each
answered in the person's conversation (talk.py)."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.tg.handlers.common import Context, addressed_question, command_argument, within_rate_limit
from bot.tg.handlers.talk import answer_question


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
