"""Admin commands: /reload (in the background, with a report when done) and /stats."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Message, Update

from bot import texts
from bot.errors import BotError, NotAdmin, ReloadInProgress
from bot.tg.handlers.common import Context, engine_of, is_admin, is_group, reply_html, user_tag

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)


async def require_admin(update: Update, context: Context, command: str) -> bool:
    if is_admin(update, context):
        return True
    user = update.effective_user
    log.warning("non-admin user %s tried /%s", user_tag(context, user.id if user else None), command)
    await update.effective_message.reply_text(NotAdmin.user_message)
    return False


async def cmd_reload(update: Update, context: Context) -> None:
    """/reload (admin): the admin is told it started, then gets a report of what changed."""
    if not await require_admin(update, context, "reload"):
        return
    engine = engine_of(context)
    bot_data = context.application.bot_data
    running = bot_data.get("reload_task")
    if engine.reloading or (running is not None and not running.done()):
        await update.effective_message.reply_text(texts.reload_in_progress())
        return
    message = update.effective_message
    await message.reply_text(texts.RELOAD_STARTED)
    log.info("reload started by admin %s", user_tag(context, update.effective_user.id))
    bot_data["reload_task"] = context.application.create_task(
        _reload_and_report(engine, message), update=update, name="reload"
    )


async def _reload_and_report(engine: Engine, message: Message) -> None:
    try:
        report = await engine.reload()
    except ReloadInProgress:
        text = texts.reload_in_progress()
    except BotError as e:
        log.exception("reload failed")
        text = texts.upload_rejected(e.user_message)
    except Exception:
        log.exception("reload failed")
        text = texts.RELOAD_FAILED
    else:
        log.info(
            "reload done: %d new, %d changed, %d removed, %d problems, %.1fs",
            report.new, report.changed, report.removed, len(report.problems), report.seconds,
        )  # fmt: skip
        text = texts.reload_report(report)
    await reply_html(message, text, quote=False)


async def cmd_stats(update: Update, context: Context) -> None:
    """/stats (admin, private chat): the admin sees question counts, refusals, top and unanswered questions."""
    if not await require_admin(update, context, "stats"):
        return
    if is_group(update):
        await update.effective_message.reply_text(texts.STATS_PRIVATE_ONLY)
        return
    stats = await engine_of(context).stats()
    await reply_html(update.effective_message, texts.stats_text(stats))
