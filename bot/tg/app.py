"""Build and run the Telegram application: one Engine for the bot's lifetime, polling or webhook."""

from __future__ import annotations

import importlib.util
import logging
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot import texts
from bot.config import Settings
from bot.conversation import Conversation
from bot.errors import BotError, ConfigError
from bot.tg import handlers
from bot.tg.callbacks import ButtonSigner
from bot.tg.logsafe import install_redaction
from bot.tg.outbox import PerSenderUpdates
from bot.tg.resilience import TelegramRateLimiter

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)

# Only what the handlers use: less traffic, and no chat-member updates to ignore.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]

MISSING_TOKEN = """\
Thiếu TELEGRAM_BOT_TOKEN: bot Telegram cần token để chạy.
  1. Trong Telegram, nhắn cho @BotFather lệnh /newbot, đặt tên và username cho bot.
  2. BotFather gửi lại một token dạng 123456789:AA...; giữ bí mật token này.
  3. Ghi token vào tệp {env} (chép từ .env.example nếu chưa có):
         TELEGRAM_BOT_TOKEN=123456789:AA...
     hoặc đặt biến môi trường TELEGRAM_BOT_TOKEN, rồi chạy lại: python -m bot run

TELEGRAM_BOT_TOKEN is not set. Message @BotFather on Telegram, send /newbot, and put the token
it gives you in {env} as TELEGRAM_BOT_TOKEN=... (or export it), then run `python -m bot run` again.
"""

INVALID_TOKEN = """\
Telegram từ chối TELEGRAM_BOT_TOKEN (sai hoặc đã bị thu hồi). Lấy lại token bằng @BotFather
(/mybots → API Token) và sửa trong {env}.

Telegram rejected TELEGRAM_BOT_TOKEN (wrong or revoked). Get it again from @BotFather and fix {env}.
"""

MISSING_TORNADO = """\
WEBHOOK_URL đã được đặt nhưng thiếu gói hỗ trợ webhook. Cài bằng:
    pip install "python-telegram-bot[webhooks]"
hoặc để trống WEBHOOK_URL để chạy long polling.

WEBHOOK_URL is set but python-telegram-bot's webhook extra (tornado) is not installed:
pip install "python-telegram-bot[webhooks]", or leave WEBHOOK_URL empty to use long polling.
"""


def file_url_for(base_url: str) -> str:
    """The file endpoint of a Bot API server from its method endpoint (…/bot -> …/file/bot)."""
    base = base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("bot")] + "file/bot"
    return base + "/file/bot"


def build_application(
    settings: Settings,
    engine: Engine | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application:
    """The Application with every handler; the Engine is opened in post_init unless given.

    `request`/`get_updates_request` replace PTB's HTTP layer (tests use an offline fake).
    """
    if not settings.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    install_redaction([settings.telegram_token, settings.webhook_secret, settings.user_hash_key])
    # Every message the bot sends is HTML, and a cited article's link never unfolds a preview
    # card that would push the quote off the screen.
    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
    builder = ApplicationBuilder().token(settings.telegram_token).defaults(defaults)
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        builder = builder.base_file_url(
            settings.telegram_api_base_file_url or file_url_for(settings.telegram_api_base_url)
        )
    elif settings.telegram_api_base_file_url:
        builder = builder.base_file_url(settings.telegram_api_base_file_url)
    if rate_limiter:
        # Queues outgoing calls to respect Telegram's flood limits; waits out a 429 and retries,
        # and retries what Telegram never processed (5xx, no connection). See resilience.py.
        builder = builder.rate_limiter(TelegramRateLimiter(overall_max_rate=settings.send_rate_per_second))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    # Questions from different people are handled concurrently (the Engine is safe for that),
    # a few of one person's at a time, so that nobody's flood fills the slots (outbox.py).
    builder = builder.concurrent_updates(PerSenderUpdates())
    application = builder.post_init(_post_init).post_shutdown(_post_shutdown).build()
    if engine is not None:
        application.bot_data["engine"] = engine
    handlers.register(application, settings)
    return application


async def _post_init(application: Application) -> None:
    """Open the Engine once (unless one was injected) and register the command menus."""
    settings: Settings = application.bot_data["settings"]
    if "engine" not in application.bot_data:
        from bot.engine import Engine

        log.info("opening the engine (database %s)", settings.db_path)
        # With an index already built, answers start at once; the corpus is checked meanwhile.
        application.bot_data["engine"] = await Engine.open(settings, serve_first=True)
        application.bot_data["owns_engine"] = True
    engine = application.bot_data["engine"]
    # Each person's context, the "did you mean" offers: in memory, for the application's life.
    application.bot_data["conversation"] = Conversation(engine, settings.context_minutes * 60)
    application.bot_data["buttons"] = ButtonSigner(engine.key_for("buttons"))
    coverage = engine.coverage()
    log.info("engine ready: %d articles, %d passages", coverage.articles, coverage.passages)
    try:
        # Picks the /start examples by asking them, which also loads the engine's lazy models,
        # so the first person to ask does not wait for that (~1 s).
        handlers.example_questions(engine, application.bot_data)
    except Exception:
        log.warning("warm-up failed (ignored)", exc_info=True)
    await register_commands(application, settings)


async def register_commands(application: Application, settings: Settings) -> None:
    """Vietnamese command menus; a server that refuses them (an emulator) is tolerated."""
    bot = application.bot
    try:
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in texts.USER_COMMANDS], scope=BotCommandScopeDefault()
        )
    except TelegramError as e:
        log.warning("set_my_commands failed (ignored): %s", e)
    for admin in sorted(settings.admin_ids):
        try:
            await bot.set_my_commands(
                [BotCommand(c, d) for c, d in texts.ADMIN_COMMANDS], scope=BotCommandScopeChat(admin)
            )
        except TelegramError as e:  # "chat not found" until the admin has talked to the bot
            log.info("admin command menu not set for one admin (ignored): %s", e)


async def _post_shutdown(application: Application) -> None:
    """Close the Engine this application opened (an injected one belongs to its caller)."""
    if application.bot_data.pop("owns_engine", False):
        engine = application.bot_data.pop("engine", None)
        if engine is not None:
            await engine.close()
            log.info("engine closed")


def _configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level, logging.INFO)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    install_redaction([settings.telegram_token, settings.webhook_secret, settings.user_hash_key])


def run(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set.

    Returns the process exit code: 0 after a clean stop, 2 for a configuration problem,
    1 when start-up failed (the reason is logged).
    """
    _configure_logging(settings)
    if not settings.telegram_token:
        print(MISSING_TOKEN.format(env=settings.root / ".env"), file=sys.stderr)
        return 2
    if settings.webhook_url and importlib.util.find_spec("tornado") is None:
        print(MISSING_TORNADO, file=sys.stderr)
        return 2
    try:
        application = build_application(settings)
        if settings.webhook_url:
            url_path = urlparse(settings.webhook_url).path.lstrip("/")
            log.info("starting webhook on %s:%d/%s", settings.webhook_listen, settings.webhook_port, url_path)
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=url_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            log.info("starting long polling")
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except BotError as e:
        log.error("bot stopped: %s", e, exc_info=True)
        print(e.user_message, file=sys.stderr)
        return 1 if not isinstance(e, ConfigError) else 2
    except InvalidToken as e:
        log.error("Telegram refused the token: %s", e)
        print(INVALID_TOKEN.format(env=settings.root / ".env"), file=sys.stderr)
        return 2
    except TelegramError as e:
        log.error("bot stopped by a Telegram error: %s", e, exc_info=True)
        return 1
    log.info("bot stopped cleanly")
    return 0
