"""What admins add to the corpus, and what the bot cannot read: an uploaded file of any format,
a link (/them, or a private message from an admin that is only a link); photos, stickers and
the like get a hint."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.corpus.formats import SUFFIXES
from bot.errors import BotError, ReloadInProgress
from bot.models import ArticleInfo
from bot.tg.handlers.admin import require_admin
from bot.tg.handlers.common import (
    Context,
    addressed_question,
    command_argument,
    engine_of,
    is_admin,
    is_group,
    reply_html,
    settings_of,
    typing,
    user_tag,
    within_rate_limit,
)
from bot.web.fetch import link_in

log = logging.getLogger(__name__)

_SUFFIX_KIND = {".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


async def _add(update: Update, context: Context, what: str, adding) -> None:
    """Runs an addition; the admin sees what was added, that it was there already, or why not."""
    message = update.effective_message

    async def waiting() -> None:
        await message.reply_text(texts.UPLOAD_AFTER_RELOAD)

    try:
        info: ArticleInfo = await adding(waiting)
    except ReloadInProgress:
        await message.reply_text(texts.reload_in_progress())
        return
    except BotError as e:
        log.info("%s refused: %s", what, e)
        await reply_html(message, texts.upload_rejected(e.user_message))
        return
    who = user_tag(context, update.effective_user.id if update.effective_user else None)
    if info.already:
        log.info("%s already in the corpus as %s (admin %s)", what, info.source.path, who)
    else:
        log.info("article %s added by admin %s", info.source.path, who)
    await reply_html(message, texts.upload_result(info))


async def on_document(update: Update, context: Context) -> None:
    """A document: admins (private chat) see what was detected, that it is already there, or why
    it was refused; others get a hint."""
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
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        await reply_html(message, texts.upload_bad_extension())
        return
    limit = settings.limits.bytes_for(_SUFFIX_KIND.get(suffix, "text"))
    if doc.file_size and doc.file_size > max(limit, settings.limits.text_bytes):
        await reply_html(message, texts.upload_too_big(doc.file_size, limit))
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
    await _add(update, context, f"upload {name!r}", lambda wait: engine.add_article(name, data, on_wait=wait))


async def _add_link(update: Update, context: Context, url: str) -> None:
    await update.effective_message.reply_text(texts.LINK_WORKING)
    engine = engine_of(context)
    await _add(update, context, "link", lambda wait: engine.add_link(url, on_wait=wait))


async def cmd_them(update: Update, context: Context) -> None:
    """/them <link> (admin): the admin sees the page or document fetched and added, or why not."""
    if not await require_admin(update, context, "them"):
        return
    url = command_argument(update.effective_message)
    if not url:
        await update.effective_message.reply_text(texts.HINT_THEM_EMPTY)
        return
    await _add_link(update, context, url.split()[0])


async def on_admin_link(update: Update, context: Context) -> None:
    """A private message from an admin that is only a link: added like /them (for anyone else it
    is a question)."""
    url = link_in(update.effective_message.text or "")
    if url is None:
        return
    await _add_link(update, context, url)


async def on_other_message(update: Update, context: Context) -> None:
    """Photos, stickers, voice and the like: a short polite hint (in groups only when replying to the bot)."""
    message = update.effective_message
    if is_group(update):
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
    if await within_rate_limit(update, context):
        await message.reply_text(texts.HINT_MEDIA)
