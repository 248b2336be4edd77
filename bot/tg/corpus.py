"""Telegram handlers for the corpus: uploads of every format, links (/them or a plain link from an
admin), /nguon with short ids, /xoa with a confirm button, /sua. Thin shells over the Engine."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.corpus.formats import SUFFIXES
from bot.errors import BotError, NotAdmin, ReloadInProgress
from bot.models import ArticleInfo
from bot.tg import texts
from bot.tg.handlers import (
    NO_PREVIEW,
    Context,
    addressed_question,
    command_argument,
    costs_reply,
    engine_of,
    is_admin,
    is_group,
    reply_html,
    require_admin,
    settings_of,
    stop_spinner,
    typing,
    user_tag,
    within_rate_limit,
)
from bot.tg.split import split_html
from bot.web.fetch import link_in

log = logging.getLogger(__name__)

SOURCES_PER_PAGE = 8
# Callback data: a page of /nguon, a removal confirmed or cancelled.
CB_PAGE = re.compile(r"^n:(\d{1,4})$")
CB_REMOVE = re.compile(r"^x:([a-z2-7]{4,12})$")
CB_CANCEL = re.compile(r"^x-$")
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


# ---------------------------------------------------------------- files and links


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


# ---------------------------------------------------------------- /nguon


def _page_markup(page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(texts.BTN_PREV, callback_data=f"n:{page - 1}"))
    if page < pages - 1:
        row.append(InlineKeyboardButton(texts.BTN_NEXT, callback_data=f"n:{page + 1}"))
    return InlineKeyboardMarkup([row])


async def cmd_nguon(update: Update, context: Context) -> None:
    """/nguon: the user sees the articles (title, publisher, date, short id), a page at a time."""
    entries = engine_of(context).corpus_entries()
    text, pages = texts.corpus_page(entries, 0, SOURCES_PER_PAGE, admin=is_admin(update, context))
    await reply_html(update.effective_message, text, _page_markup(0, pages))


async def on_page(update: Update, context: Context) -> None:
    """« Trước / Sau »: the /nguon message turns to another page."""
    query = update.callback_query
    page = int(CB_PAGE.match(query.data or "").group(1))
    entries = engine_of(context).corpus_entries()
    text, pages = texts.corpus_page(entries, page, SOURCES_PER_PAGE, admin=is_admin(update, context))
    page = min(page, pages - 1)
    await stop_spinner(update)
    try:
        await query.edit_message_text(
            split_html(text)[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=_page_markup(page, pages),
        )
    except TelegramError as e:  # "message is not modified" after a double tap
        log.debug("sources page edit failed: %s", e)


# ---------------------------------------------------------------- /xoa and /sua


async def cmd_xoa(update: Update, context: Context) -> None:
    """/xoa <mã> (admin): the admin is asked to confirm with a button before anything is deleted."""
    if not await require_admin(update, context, "xoa"):
        return
    message = update.effective_message
    article_id = command_argument(message).split()[0] if command_argument(message) else ""
    if not article_id:
        await message.reply_text(texts.HINT_XOA_EMPTY)
        return
    engine = engine_of(context)
    try:
        entry = engine.corpus_entry(article_id, to_change=True)
    except BotError as e:
        await reply_html(message, texts.upload_rejected(e.user_message))
        return
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.BTN_CONFIRM_REMOVE, callback_data=f"x:{entry.id}"),
                InlineKeyboardButton(texts.BTN_CANCEL, callback_data="x-"),
            ]
        ]
    )
    await reply_html(message, texts.confirm_remove(entry.source), markup)


async def on_remove(update: Update, context: Context) -> None:
    """'Xoá' under a /xoa question (admins only): the article is removed and the message says so."""
    query = update.callback_query
    if not is_admin(update, context):
        log.warning("non-admin user %s pressed a remove button", user_tag(context, query.from_user.id))
        await query.answer(NotAdmin.user_message, show_alert=True)
        return
    article_id = CB_REMOVE.match(query.data or "").group(1)
    await stop_spinner(update)
    engine = engine_of(context)
    message = query.message if isinstance(query.message, Message) else None

    async def waiting() -> None:
        if message is not None:
            await message.reply_text(texts.UPLOAD_AFTER_RELOAD)

    try:
        source = await engine.remove_article(article_id, on_wait=waiting)
        text = texts.removed(source)
        log.info("article %s removed by admin %s", source.path, user_tag(context, query.from_user.id))
    except BotError as e:
        text = texts.upload_rejected(e.user_message)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    except TelegramError as e:
        log.debug("remove confirmation edit failed: %s", e)


async def on_cancel(update: Update, context: Context) -> None:
    """'Huỷ' under a /xoa question: nothing is deleted and the message says so."""
    query = update.callback_query
    await stop_spinner(update)
    try:
        await query.edit_message_text(texts.REMOVE_CANCELLED, reply_markup=None)
    except TelegramError as e:
        log.debug("cancel edit failed: %s", e)


async def cmd_sua(update: Update, context: Context) -> None:
    """/sua <mã> ngay=… noi=… tieude=… (admin): the admin sees the article's corrected metadata."""
    if not await require_admin(update, context, "sua"):
        return
    message = update.effective_message
    argument = command_argument(message)
    article_id, _, changes = argument.partition(" ")
    engine = engine_of(context)
    if not article_id or not changes.strip():
        from bot.corpus_changes import EDIT_USAGE

        await message.reply_text(EDIT_USAGE)
        return

    async def waiting() -> None:
        await message.reply_text(texts.UPLOAD_AFTER_RELOAD)

    try:
        info = await engine.edit_article(article_id, changes, on_wait=waiting)
    except ReloadInProgress:
        await message.reply_text(texts.reload_in_progress())
        return
    except BotError as e:
        await reply_html(message, texts.upload_rejected(e.user_message))
        return
    log.info(
        "article %s corrected by admin %s", info.source.path, user_tag(context, update.effective_user.id)
    )
    await reply_html(message, texts.edited(info))


# ---------------------------------------------------------------- wiring


def handlers(application: Application) -> list:
    """The handlers of this module, in the order they must come before the generic ones."""
    settings = application.bot_data["settings"]
    new = filters.UpdateType.MESSAGE
    admin_link = (
        new
        & filters.ChatType.PRIVATE
        & filters.TEXT
        & ~filters.COMMAND
        & filters.User(user_id=list(settings.admin_ids))
        & filters.Regex(re.compile(r"^\s*https?://\S+\s*$", re.IGNORECASE))
    )
    return [
        # Each always replies: it counts against its sender's limit (a flood of /nguon is
        # throttled as a flood of questions is).
        CommandHandler("nguon", costs_reply(cmd_nguon), filters=new),
        CommandHandler("them", costs_reply(cmd_them), filters=new),
        CommandHandler("xoa", costs_reply(cmd_xoa), filters=new),
        CommandHandler("sua", costs_reply(cmd_sua), filters=new),
        CallbackQueryHandler(costs_reply(on_page), pattern=CB_PAGE),
        CallbackQueryHandler(costs_reply(on_remove), pattern=CB_REMOVE),
        CallbackQueryHandler(costs_reply(on_cancel), pattern=CB_CANCEL),
        MessageHandler(admin_link, costs_reply(on_admin_link)),
        MessageHandler(new & filters.Document.ALL, on_document),
    ]
