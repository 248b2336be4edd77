"""`register`: the one place every handler is added to the application, in the order Telegram
updates are matched (the first handler whose filter matches takes the update)."""

from __future__ import annotations

import re

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.config import Settings
from bot.tg.callbacks import CB_FEEDBACK, CB_MORE
from bot.tg.handlers.admin import cmd_reload, cmd_stats
from bot.tg.handlers.buttons import on_feedback, on_more, on_stale_button
from bot.tg.handlers.commands import cmd_help, cmd_start, on_unknown_command
from bot.tg.handlers.common import costs_reply
from bot.tg.handlers.corpus import (
    CB_CANCEL,
    CB_PAGE,
    CB_REMOVE,
    cmd_nguon,
    cmd_sua,
    cmd_xoa,
    on_cancel,
    on_page,
    on_remove,
)
from bot.tg.handlers.documents import cmd_them, on_admin_link, on_document, on_other_message
from bot.tg.handlers.errors import on_error
from bot.tg.handlers.questions import cmd_hoi, on_group_text, on_private_text
from bot.tg.handlers.talk import CB_CHOICE, cmd_moi, on_choice
from bot.tg.ratelimit import SlidingWindowLimiter

LINK_ONLY = re.compile(r"^\s*https?://\S+\s*$", re.IGNORECASE)


def register(application: Application, settings: Settings) -> None:
    """Add every handler to `application`; state lives in `bot_data`."""
    application.bot_data["settings"] = settings
    application.bot_data["limiter"] = SlidingWindowLimiter(settings.rate_limit_per_minute, 60.0)
    new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    admins = filters.User(user_id=list(settings.admin_ids))
    admin_link = new & private & filters.TEXT & ~filters.COMMAND & admins & filters.Regex(LINK_ONLY)
    application.add_handlers(
        [
            # Handlers that always reply are counted against their sender's limit here
            # (costs_reply); the others count only when they reply (a question, a hint, a group
            # message addressed to the bot).
            # commands
            CommandHandler("start", costs_reply(cmd_start), filters=new),
            CommandHandler("help", costs_reply(cmd_help), filters=new),
            CommandHandler("hoi", cmd_hoi, filters=new),
            CommandHandler("reload", costs_reply(cmd_reload), filters=new),
            CommandHandler("stats", costs_reply(cmd_stats), filters=new),
            CommandHandler("moi", costs_reply(cmd_moi), filters=new),
            # the corpus: /nguon and its pages, links and files from admins, /xoa, /sua
            CommandHandler("nguon", costs_reply(cmd_nguon), filters=new),
            CommandHandler("them", costs_reply(cmd_them), filters=new),
            CommandHandler("xoa", costs_reply(cmd_xoa), filters=new),
            CommandHandler("sua", costs_reply(cmd_sua), filters=new),
            CallbackQueryHandler(costs_reply(on_page), pattern=CB_PAGE),
            CallbackQueryHandler(costs_reply(on_remove), pattern=CB_REMOVE),
            CallbackQueryHandler(costs_reply(on_cancel), pattern=CB_CANCEL),
            MessageHandler(admin_link, costs_reply(on_admin_link)),  # before questions: a link is no question
            MessageHandler(new & filters.Document.ALL, on_document),
            # the buttons under answers
            CallbackQueryHandler(on_more, pattern=CB_MORE),
            CallbackQueryHandler(on_choice, pattern=CB_CHOICE),  # "did you mean"
            CallbackQueryHandler(costs_reply(on_feedback), pattern=CB_FEEDBACK),
            CallbackQueryHandler(costs_reply(on_stale_button)),  # last: any button not matched above
            # messages
            MessageHandler(new & private & filters.COMMAND, costs_reply(on_unknown_command)),
            MessageHandler(new & private & filters.TEXT, on_private_text),
            MessageHandler(new & groups & filters.TEXT & ~filters.COMMAND, on_group_text),
            MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_other_message),
        ]
    )
    application.add_error_handler(on_error)
