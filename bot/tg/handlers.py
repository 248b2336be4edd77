"""Telegram handlers: questions, buttons, commands, admin tools and the global error handler."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.answer.render import render_html
from bot.config import Settings
from bot.errors import BotError, NotAdmin, ReloadInProgress
from bot.models import Answer
from bot.tg import resilience, texts
from bot.tg.callbacks import CB_FEEDBACK, CB_MORE, ButtonSigner
from bot.tg.ratelimit import SlidingWindowLimiter
from bot.tg.split import split_html

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)

TYPING_AFTER = 0.5  # seconds before 'typing…' is shown for a reply not sent yet
LOG_WAIT = 0.2  # seconds an answer waits for its question to be logged before going without buttons
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

# Callback data (at most 64 bytes): more passages and feedback, signed (see callbacks.py).
# /nguon's pages: bot/tg/corpus.py.

Context = ContextTypes.DEFAULT_TYPE


# ---------------------------------------------------------------- helpers


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
    """Send HTML in as many messages as needed; the keyboard goes under the last one."""
    pieces = split_html(html_text) or [texts.GENERIC_ERROR]
    last: Message | None = None
    for i, piece in enumerate(pieces):
        last = await message.reply_text(
            piece,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
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


def answer_keyboard(
    answer: Answer, qid: int | None, next_offset: int, *, feedback: bool, chat_id: int, signer: ButtonSigner
) -> InlineKeyboardMarkup | None:
    """The buttons under an answer, signed for the chat it goes to."""
    row: list[InlineKeyboardButton] = []
    if qid is None:
        return None
    if answer.has_more and answer.quotes:
        row.append(InlineKeyboardButton(texts.BTN_MORE, callback_data=signer.more(chat_id, qid, next_offset)))
    if feedback and answer.quotes and not answer.refused:
        row.append(InlineKeyboardButton(texts.BTN_UP, callback_data=signer.feedback(chat_id, qid, 1)))
        row.append(InlineKeyboardButton(texts.BTN_DOWN, callback_data=signer.feedback(chat_id, qid, -1)))
    return InlineKeyboardMarkup([row]) if row else None


async def refuse_foreign_button(update: Update, context: Context) -> None:
    """A button whose data was forged, altered, or made for another chat: nothing happens."""
    user = update.effective_user
    log.warning(
        "button data not signed for this chat, from user %s", user_tag(context, user.id if user else None)
    )
    await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)


def without_more_button(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    rows = [
        [b for b in row if not (isinstance(b.callback_data, str) and b.callback_data.startswith("m:"))]
        for row in markup.inline_keyboard
    ]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


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


# ---------------------------------------------------------------- questions


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Validates, rate-limits, answers in the person's conversation (bot/tg/talk.py)."""
    from bot.tg import talk  # it builds on this module's helpers

    await talk.answer_question(update, context, question)


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


async def on_more(update: Update, context: Context) -> None:
    """'Xem thêm': the user sees the next passages for the same question in a new message."""
    query = update.callback_query
    if not await within_rate_limit(update, context):
        return
    chat_id = update.effective_chat.id if update.effective_chat else None
    press = signer_of(context).open_more(query.data or "", chat_id)
    if press is None:
        await refuse_foreign_button(update, context)
        return
    qid, offset = press.question_id, press.value
    engine = engine_of(context)
    question = await engine.logged_question(qid)
    if question is None:
        await query.answer(texts.QUESTION_GONE, show_alert=True)
        return
    await stop_spinner(update)
    message = query.message if isinstance(query.message, Message) else None
    shown = (message.text or "") if message else ""
    answer, offset = engine.more(question, offset, shown)  # the same pages as the terminal's "thêm"
    html_text = render_html(answer)
    markup = answer_keyboard(answer, qid, offset, feedback=False, chat_id=chat_id, signer=signer_of(context))
    if message is None:  # too old to reply to: send to the chat
        for i, piece in enumerate(pieces := split_html(html_text)):
            await context.bot.send_message(
                update.effective_chat.id,
                piece,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup if i == len(pieces) - 1 else None,
            )
        return
    try:
        await message.edit_reply_markup(without_more_button(message.reply_markup))
    except TelegramError as e:
        log.debug("could not drop the 'Xem thêm' button: %s", e)
    await reply_html(message, html_text, markup, quote=False)


async def on_feedback(update: Update, context: Context) -> None:
    """👍/👎: the user sees a short thank-you toast; the vote is stored with the question."""
    query = update.callback_query
    chat_id = update.effective_chat.id if update.effective_chat else None
    press = signer_of(context).open_feedback(query.data or "", chat_id)
    if press is None:
        await refuse_foreign_button(update, context)
        return
    qid, value = press.question_id, press.value
    engine = engine_of(context)
    try:
        await engine.feedback(qid, engine.hash_user(query.from_user.id), value)
    except BotError as e:
        log.warning("feedback not stored for question %s: %s", qid, e)
        await query.answer(texts.FEEDBACK_FAILED)
        return
    await query.answer(texts.FEEDBACK_THANKS_UP if value > 0 else texts.FEEDBACK_THANKS_DOWN)


async def on_stale_button(update: Update, context: Context) -> None:
    """A button this version of the bot does not know: the user is asked to ask again."""
    await update.callback_query.answer(texts.BUTTON_EXPIRED, show_alert=True)


# ---------------------------------------------------------------- commands


def example_questions(engine: Engine, bot_data: dict) -> list[str]:
    """Up to three example questions the current index really answers, from different towns.

    The last one is shown without diacritics. Cached until the corpus coverage changes.
    """
    coverage = engine.coverage()
    cached = bot_data.get("examples")
    if cached and cached[0] == coverage:
        return cached[1]
    chosen: list[str] = []
    for candidates in texts.example_candidates(coverage):
        for question in candidates:
            if not engine.answer(question).refused:
                chosen.append(question)
                break
        if len(chosen) == 3:
            break
    if chosen:
        plain = texts.no_diacritics_example(chosen[-1])
        if not engine.answer(plain).refused:
            chosen[-1] = plain
    examples = chosen or texts.fallback_examples(coverage)
    bot_data["examples"] = (coverage, examples)
    return examples


async def cmd_start(update: Update, context: Context) -> None:
    """/start: the user sees what the bot knows (towns, articles, dates) and example questions."""
    user = update.effective_user
    engine = engine_of(context)
    examples = example_questions(engine, context.application.bot_data)
    name = user.first_name if user else None
    text = texts.welcome(engine.coverage(), name, examples, group=is_group(update))
    await reply_html(update.effective_message, text)


async def cmd_help(update: Update, context: Context) -> None:
    """/help: the user sees how to ask and the commands (admin commands too for admins)."""
    await reply_html(update.effective_message, texts.help_text(is_admin(update, context)))


async def on_unknown_command(update: Update, context: Context) -> None:
    """An unknown /command in a private chat: the user is pointed to /help."""
    await update.effective_message.reply_text(texts.HINT_UNKNOWN_COMMAND)


# ---------------------------------------------------------------- admin


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
        await update.effective_message.reply_text("Lệnh /stats chỉ dùng trong trò chuyện riêng với bot.")
        return
    stats = await engine_of(context).stats()
    await reply_html(update.effective_message, texts.stats_text(stats))


async def on_other_message(update: Update, context: Context) -> None:
    """Photos, stickers, voice and the like: a short polite hint (in groups only when replying to the bot)."""
    message = update.effective_message
    if is_group(update):
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
    if await within_rate_limit(update, context):
        await message.reply_text(texts.HINT_MEDIA)


# ---------------------------------------------------------------- errors


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
            await context.bot.send_message(chat.id, text)
    except TelegramError as e:
        log.warning("could not tell the user about the error: %s", e)


# ---------------------------------------------------------------- wiring


def register(application: Application, settings: Settings) -> None:
    """Add every handler to `application`; state lives in `bot_data`."""
    from bot.tg import corpus, talk  # they build on this module's helpers

    application.bot_data["settings"] = settings
    application.bot_data["limiter"] = SlidingWindowLimiter(settings.rate_limit_per_minute, 60.0)
    new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handlers(
        [
            # Handlers that always reply are counted here; the others count only when they
            # reply (a question, a hint, a group message addressed to the bot).
            CommandHandler("start", costs_reply(cmd_start), filters=new),
            CommandHandler("help", costs_reply(cmd_help), filters=new),
            CommandHandler("hoi", cmd_hoi, filters=new),
            CommandHandler("reload", costs_reply(cmd_reload), filters=new),
            CommandHandler("stats", costs_reply(cmd_stats), filters=new),
            CommandHandler("moi", costs_reply(talk.cmd_moi), filters=new),
            # /nguon, /them, /xoa, /sua, their buttons, links from admins and uploads.
            *corpus.handlers(application),
            CallbackQueryHandler(on_more, pattern=CB_MORE),
            CallbackQueryHandler(talk.on_choice, pattern=talk.CB_CHOICE),
            CallbackQueryHandler(costs_reply(on_feedback), pattern=CB_FEEDBACK),
            CallbackQueryHandler(costs_reply(on_stale_button)),
            MessageHandler(new & private & filters.COMMAND, costs_reply(on_unknown_command)),
            MessageHandler(new & private & filters.TEXT, on_private_text),
            MessageHandler(new & groups & filters.TEXT & ~filters.COMMAND, on_group_text),
            MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_other_message),
        ]
    )
    application.add_error_handler(on_error)
