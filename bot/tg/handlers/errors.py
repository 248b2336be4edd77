"""The global error handler: log first, then a polite Vietnamese message, never a traceback."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot import texts
from bot.errors import BotError
from bot.tg import resilience
from bot.tg.handlers.common import Context, user_tag

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Any failure: logged with its traceback first; the user sees a polite message, never a traceback.

    Telegram's own failures are logged without alarm and without a message to the user when
    one could not arrive or could repeat what did: a user who blocked the bot, an edit that
    changed nothing, a send whose answer timed out (it may have been delivered), a flood wait
    that outlasted the retries. The question itself was logged before the reply was sent.
    """
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    who = user_tag(context, user.id if user else None)
    if resilience.is_not_modified(error):
        log.debug("edit ignored: %s", error)
        return
    if resilience.is_unreachable_user(error):
        log.info("cannot reach user %s (%s); update dropped", who, error)
        return
    if resilience.maybe_delivered(error):
        log.warning("Telegram did not confirm a reply to user %s (it may have arrived): %s", who, error)
        return
    if isinstance(error, RetryAfter):  # still flooded after the retries: an apology would flood more
        log.warning("Telegram flood wait outlasted the retries; reply to user %s dropped: %s", who, error)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("Telegram unreachable for user %s: %s: %s", who, type(error).__name__, error)
    else:
        log.error("error while handling an update: %s", type(error).__name__, exc_info=error)
    if not isinstance(update, Update):
        return
    text = error.user_message if isinstance(error, BotError) else texts.GENERIC_ERROR
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except TelegramError:
                pass  # already answered: fall through to a message
        chat = update.effective_chat
        if chat is not None:
            # A toast shows its text as it is; a message is HTML (the application's Defaults).
            await context.bot.send_message(chat.id, html.escape(text, quote=False))
    except TelegramError as e:
        log.warning("could not tell the user about the error: %s", e)
