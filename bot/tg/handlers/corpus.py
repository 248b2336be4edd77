"""The corpus as people see it and admins change it: /nguon with short ids and its pages, /xoa
with a confirm button, /sua."""

from __future__ import annotations

import html
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.errors import BotError, NotAdmin, ReloadInProgress
from bot.tg.handlers.admin import require_admin
from bot.tg.handlers.common import (
    Context,
    command_argument,
    engine_of,
    is_admin,
    reply_html,
    stop_spinner,
    user_tag,
)
from bot.tg.split import split_html

log = logging.getLogger(__name__)

SOURCES_PER_PAGE = 8
# Callback data: a page of /nguon, a removal confirmed or cancelled.
CB_PAGE = re.compile(r"^n:(\d{1,4})$")
CB_REMOVE = re.compile(r"^x:([a-z2-7]{4,12})$")
CB_CANCEL = re.compile(r"^x-$")


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
        await query.edit_message_text(text, reply_markup=None)
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
        await message.reply_text(html.escape(texts.edit_usage(), quote=False))  # it shows "<mã>"
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
