"""What the handlers share: state in bot_data, HTML replies, 'typing…', the rate limit, and how a
message in a group addresses the bot."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.config import Settings
from bot.tg.callbacks import ButtonSigner
from bot.tg.ratelimit import SlidingWindowLimiter
from bot.tg.split import split_html

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)

TYPING_AFTER = 0.5  # seconds before 'typing…' is shown for a reply not sent yet

Context = ContextTypes.DEFAULT_TYPE


def engine_of(context: Context) -> Engine:
    return context.application.bot_data["engine"]


def settings_of(context: Context) -> Settings:
    return context.application.bot_data["settings"]


def limiter_of(context: Context) -> SlidingWindowLimiter:
    return context.application.bot_data["limiter"]


def signer_of(context: Context) -> ButtonSigner:
    return context.application.bot_data["buttons"]


def is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids


def user_tag(context: Context, user_id: int | None) -> str:
    """How a user appears in logs: a short keyed hash, never the id."""
    if user_id is None:
        return "-"
    try:
        return engine_of(context).hash_user(user_id)[:12]
    except Exception:  # the engine is not there yet: still never log the raw id
        return "?"


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def reply_html(
    message: Message,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    quote: bool | None = None,
) -> Message | None:
    """Send HTML in as many messages as needed; the keyboard goes under the last one.

    HTML and no link preview are the application's Defaults (bot/tg/app.py), for every message.
    """
    pieces = split_html(html_text) or [texts.GENERIC_ERROR]
    last: Message | None = None
    for i, piece in enumerate(pieces):
        last = await message.reply_text(
            piece,
            reply_markup=markup if i == len(pieces) - 1 else None,
            do_quote=quote if i == 0 else False,
        )
    return last


async def typing(message: Message, after: float = 0.0) -> None:
    """Best effort: a missing 'typing…' never stops an answer."""
    if after:
        await asyncio.sleep(after)
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except TelegramError as e:
        log.debug("send_chat_action failed: %s", e)


@contextlib.asynccontextmanager
async def typing_if_slow(message: Message) -> AsyncIterator[None]:
    """Shows 'typing…' only if the work inside takes longer than TYPING_AFTER seconds.

    An answer takes milliseconds, so an indicator sent first would cost a request (a third of
    the bot's CPU per question under load) and a round trip before every answer for nothing.
    The timer stops before the reply is sent, so 'typing…' never arrives after the answer.
    """
    task = asyncio.create_task(typing(message, TYPING_AFTER))
    try:
        yield
    finally:
        task.cancel()


async def stop_spinner(update: Update) -> None:
    """Best effort: a button's spinner that Telegram does not stop never stops the real work."""
    try:
        await update.callback_query.answer()
    except TelegramError as e:
        log.debug("answer_callback_query failed: %s", e)


async def within_rate_limit(update: Update, context: Context) -> bool:
    """Counts one update that costs a reply (a question, a hint, a command, a button press)
    against its sender; when over the limit, says so politely once and returns False."""
    user = update.effective_user
    if user is None:
        return True
    limiter = limiter_of(context)
    if limiter.hit(user.id):
        return True
    log.info("rate limited user %s", user_tag(context, user.id))
    text = texts.rate_limited(limiter.retry_after(user.id))
    if update.callback_query is not None:
        await update.callback_query.answer(text)
    elif limiter.should_warn(user.id) and update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return False


Handler = Callable[[Update, Context], Awaitable[None]]


def costs_reply(handler: Handler) -> Handler:
    """For a handler that always replies: the update counts against its sender's limit first,
    so a flood of /nguon or button presses is throttled as a flood of questions is."""

    @functools.wraps(handler)
    async def limited(update: Update, context: Context) -> None:
        if await within_rate_limit(update, context):
            await handler(update, context)

    return limited


def addressed_question(message: Message, bot_id: int, bot_username: str | None) -> str | None:
    """In a group: the question if the message mentions the bot or replies to it, else None."""
    text = message.text or ""
    mention = f"@{bot_username}".lower() if bot_username else None
    addressed = False
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if (entity.type == MessageEntity.MENTION and value.lower() == mention) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id
        ):
            addressed = True
            text = text.replace(value, " ", 1)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        addressed = True
    return " ".join(text.split()) if addressed else None


def command_argument(message: Message) -> str:
    """The text after a leading /command (keeps the question exactly as typed)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            # Offsets are UTF-16 units; the command itself is ASCII so both counts agree.
            return text[entity.length :].strip()
    return text.strip()
