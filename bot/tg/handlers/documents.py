"""Documents and media: an admin's uploaded article is saved and indexed; anything else the bot
cannot read gets a short hint."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.errors import ReloadInProgress, UploadRejected
from bot.tg.handlers.common import (
    Context,
    addressed_question,
    engine_of,
    is_admin,
    is_group,
    reply_html,
    settings_of,
    typing,
    user_tag,
    within_rate_limit,
)

log = logging.getLogger(__name__)

RELOAD_WAIT_SECONDS = 600  # an upload waits this long for a running reload before giving up


async def on_document(update: Update, context: Context) -> None:
    """A document: admins (private chat) see what was detected or why it was refused; others get a hint."""
    message = update.effective_message
    if is_group(update):
        if addressed_question(message, context.bot.id, context.bot.username) is not None:
            if await within_rate_limit(update, context):
                await message.reply_text(texts.HINT_DOCUMENT_GROUP)
        return
    if not await within_rate_limit(update, context):
        return
    if not is_admin(update, context):
        log.info("document from non-admin user %s ignored", user_tag(context, update.effective_user.id))
        await message.reply_text(texts.HINT_DOCUMENT)
        return
    doc = message.document
    settings = settings_of(context)
    name = doc.file_name or "bai-viet.txt"
    if not name.lower().endswith((".txt", ".md")):
        await reply_html(message, texts.upload_bad_extension())
        return
    if doc.file_size and doc.file_size > settings.max_file_bytes:
        await reply_html(message, texts.upload_too_big(doc.file_size, settings.max_file_bytes))
        return
    await typing(message)
    try:
        tg_file = await context.bot.get_file(doc.file_id)
        data = bytes(await tg_file.download_as_bytearray())
    except TelegramError as e:
        log.warning("download of an uploaded document failed: %s", e)
        await message.reply_text(texts.UPLOAD_DOWNLOAD_FAILED)
        return
    engine = engine_of(context)
    told = False
    deadline = asyncio.get_running_loop().time() + RELOAD_WAIT_SECONDS
    while True:
        try:
            info = await engine.add_article(name, data)  # saving the same bytes again is a no-op
            break
        except UploadRejected as e:
            log.info("upload %r refused: %s", name, e)
            await reply_html(message, texts.upload_rejected(e.user_message))
            return
        except ReloadInProgress:
            # Serialised after the running reload (/reload or another upload), not refused.
            if asyncio.get_running_loop().time() > deadline:
                await message.reply_text(texts.reload_in_progress())
                return
            if not told:
                await message.reply_text(texts.UPLOAD_AFTER_RELOAD)
                told = True
            while engine.reloading:
                await asyncio.sleep(0.1)
    log.info("article %s added by admin %s", info.source.path, user_tag(context, update.effective_user.id))
    await reply_html(message, texts.upload_done(info))


async def on_other_message(update: Update, context: Context) -> None:
    """Photos, stickers, voice and the like: a short polite hint (in groups only when replying to the bot)."""
    message = update.effective_message
    if is_group(update):
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
    if await within_rate_limit(update, context):
        await message.reply_text(texts.HINT_MEDIA)
