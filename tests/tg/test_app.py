"""The application around the handlers: start-up, command menus, errors, logging, `run`."""

from __future__ import annotations

import logging
import urllib.parse

import pytest
from telegram.ext import AIORateLimiter, Application
from tg_fakeapi import FakeBotAPI, FakeRequest, rendered
from tg_support import ADMIN_ID, QUICK_BACKOFF, TOKEN, USER_ID, Updates, make_settings

from bot import texts
from bot.config import Settings
from bot.engine import Engine
from bot.errors import IndexNotReady, StorageError
from bot.tg import app as tg_app
from bot.tg.app import build_application, file_url_for, run
from bot.tg.logsafe import REDACTED, RedactSecretsFilter
from bot.tg.ratelimit import SlidingWindowLimiter

# ---------------------------------------------------------------- start-up


async def test_start_up_registers_vietnamese_command_menus(app: Application, api: FakeBotAPI):
    menus = api.called("setMyCommands")
    assert len(menus) == 2  # everyone, and the admin's own chat
    everyone = {c["command"]: c["description"] for c in menus[0]["commands"]}
    assert set(everyone) == {"start", "hoi", "nguon", "moi", "help"}
    assert everyone["nguon"] == "Danh sách bài viết bot đang dùng"
    assert menus[1]["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    assert {"reload", "stats"} <= {c["command"] for c in menus[1]["commands"]}
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    assert app.bot.username == "PlanTestBot"


async def test_a_server_that_refuses_set_my_commands_is_tolerated(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
):
    api = FakeBotAPI(TOKEN)
    api.failing["setMyCommands"] = (500, "Method 'setMyCommands' is not implemented by the emulator")
    application = build_application(
        settings, engine, request=FakeRequest(api), get_updates_request=FakeRequest(api)
    )
    application.bot.rate_limiter.backoff = QUICK_BACKOFF  # a 500 is retried twice first
    async with application:
        await application.post_init(application)  # must not raise
        tg = Updates(application, api)
        await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))
    assert "174.662" in api.sent_texts()[0]
    assert any("set_my_commands failed" in r.getMessage() for r in caplog.records)


async def test_post_init_opens_the_engine_and_post_shutdown_closes_it(settings: Settings):
    api = FakeBotAPI(TOKEN)
    application = build_application(settings, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    async with application:
        await application.post_init(application)
        engine = application.bot_data["engine"]
        assert engine.coverage().articles == 5
        await application.post_shutdown(application)
    assert "engine" not in application.bot_data


def test_base_urls(settings: Settings):
    local = Settings(**{**settings.__dict__, "telegram_api_base_url": "http://127.0.0.1:8081/bot"})
    application = build_application(local, rate_limiter=False)
    assert application.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert application.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"
    assert file_url_for("http://h:1/custom/") == "http://h:1/custom/file/bot"
    default = build_application(settings)
    assert default.bot.base_url.startswith("https://api.telegram.org/bot")


async def test_every_message_is_html_without_link_previews_by_default(
    app: Application, tg: Updates, api: FakeBotAPI
):
    """python-telegram-bot's Defaults, not each call, set the parse mode and the link preview."""
    assert app.bot.defaults.parse_mode == "HTML"
    assert app.bot.defaults.link_preview_options.is_disabled is True
    await tg.send(tg.text("?!"))  # a plain hint
    await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))  # an answer
    await tg.send(tg.command("/nguon"))
    sent = api.called("sendMessage")
    assert len(sent) == 3
    for params in sent:
        assert params["parse_mode"] == "HTML"
        assert params["link_preview_options"] == {"is_disabled": True}
    assert api.sent_texts()[0].startswith(texts.HINT_EMPTY)


# ---------------------------------------------------------------- errors


async def test_errors_are_logged_with_traceback_and_answered_politely(
    tg: Updates,
    api: FakeBotAPI,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
):
    def broken(question: object) -> None:
        raise RuntimeError(f"boom in the index, token {TOKEN}")

    monkeypatch.setattr(engine.snapshot.retriever, "search", broken)  # fault injection into the real index
    await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))
    assert api.sent_texts() == [texts.GENERIC_ERROR]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info and "RuntimeError" in caplog.text and "Traceback" in caplog.text
    assert TOKEN not in caplog.text and REDACTED in caplog.text


async def test_bot_errors_show_their_own_message(
    tg: Updates, api: FakeBotAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    def not_ready(question: object) -> None:
        raise IndexNotReady("no index")

    monkeypatch.setattr(engine.snapshot.retriever, "search", not_ready)
    await tg.send(tg.text("Dân số Kinh Môn?"))
    assert api.sent_texts() == [IndexNotReady.user_message]


async def test_an_error_message_with_markup_characters_reaches_the_user_as_written(
    tg: Updates, api: FakeBotAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    said = "Không đọc được dữ liệu: <tệp> & thư mục."

    def failing(question: object) -> None:
        raise StorageError("read", user_message=said)

    monkeypatch.setattr(engine.snapshot.retriever, "search", failing)
    await tg.send(tg.text("Dân số Kinh Môn?"))
    (sent,) = api.called("sendMessage")
    assert rendered(sent["text"], sent["parse_mode"]) == said  # the app fixture checks Telegram accepts it


async def test_error_in_a_button_is_answered_in_the_callback(
    tg: Updates, api: FakeBotAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    await tg.send(tg.text("Kinh Môn có bao nhiêu doanh nghiệp?"))

    async def broken(question_id: int) -> str | None:
        raise RuntimeError("db gone")

    monkeypatch.setattr(engine, "logged_question", broken)
    await tg.press(texts.BTN_MORE)
    assert api.called("answerCallbackQuery")[-1] == {
        "callback_query_id": api.called("answerCallbackQuery")[-1]["callback_query_id"],
        "text": texts.GENERIC_ERROR,
        "show_alert": True,
    }


# ---------------------------------------------------------------- logging


def test_redaction_covers_messages_args_tracebacks_and_encoded_tokens():
    f = RedactSecretsFilter([TOKEN, None, "short"])
    encoded = urllib.parse.quote(TOKEN, safe="")
    try:
        raise ValueError(f"GET https://api.telegram.org/file/bot{encoded}/x failed")
    except ValueError as e:
        record = logging.LogRecord(
            "httpx", logging.WARNING, __file__, 1, "POST %s", (f"/bot{TOKEN}/getMe",), None
        )
        record.exc_info = (type(e), e, e.__traceback__)
    assert f.filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
    assert encoded not in record.exc_text and REDACTED in record.exc_text
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted and encoded not in formatted
    assert "short" not in f.secrets  # too short to be a secret worth redacting


def test_httpx_request_lines_never_show_the_token(settings: Settings, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    build_application(settings)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    logging.getLogger("httpx").warning(
        'HTTP Request: POST https://api.telegram.org/bot%s/getMe "200 OK"', TOKEN
    )
    logging.getLogger("telegram.ext.Updater").error("Network error for %s", f"/file/bot{TOKEN}/x")
    assert TOKEN not in caplog.text
    assert caplog.text.count(REDACTED) >= 4  # PTB itself logs the URLs with the token at DEBUG


# ---------------------------------------------------------------- rate limiter


def test_sliding_window():
    now = [100.0]
    limiter = SlidingWindowLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.hit(USER_ID) for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after(USER_ID) == pytest.approx(60)
    assert limiter.should_warn(USER_ID) and not limiter.should_warn(USER_ID)
    now[0] += 30
    assert not limiter.hit(USER_ID)  # still three in the last 60 s
    assert limiter.hit(ADMIN_ID)  # per user
    now[0] += 30.001
    assert limiter.hit(USER_ID)  # the oldest left the window
    now[0] += 1000
    limiter.forget_idle()
    assert limiter._events == {}
    assert SlidingWindowLimiter(0).hit(1)  # 0 disables the limit


# ---------------------------------------------------------------- run()


def test_run_without_token_explains_how_to_get_one(tmp_path, capsys: pytest.CaptureFixture):
    settings = make_settings(tmp_path, TELEGRAM_BOT_TOKEN="")
    assert settings.telegram_token is None
    assert run(settings) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "/newbot" in err and str(tmp_path / ".env") in err
    assert "TELEGRAM_BOT_TOKEN is not set" in err


def test_webhook_without_the_webhook_extra(
    tmp_path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    # Simulate an install without python-telegram-bot[webhooks] (tornado).
    real = tg_app.importlib.util.find_spec
    monkeypatch.setattr(
        tg_app.importlib.util, "find_spec", lambda name: None if name == "tornado" else real(name)
    )
    settings = make_settings(tmp_path, WEBHOOK_URL="https://bot.example.org/telegram")
    assert run(settings) == 2
    assert "python-telegram-bot[webhooks]" in capsys.readouterr().err


def test_run_chooses_webhook_when_configured(tmp_path, monkeypatch: pytest.MonkeyPatch):
    calls: dict[str, dict] = {}
    monkeypatch.setattr(Application, "run_webhook", lambda self, **kw: calls.setdefault("webhook", kw))
    monkeypatch.setattr(Application, "run_polling", lambda self, **kw: calls.setdefault("polling", kw))
    monkeypatch.setattr(tg_app.importlib.util, "find_spec", lambda name: object())
    settings = make_settings(
        tmp_path,
        WEBHOOK_URL="https://bot.example.org/tg/hook",
        WEBHOOK_PORT="9443",
        WEBHOOK_SECRET="s3cret-value-xyz",
    )
    assert run(settings) == 0
    hook = calls["webhook"]
    assert hook["url_path"] == "tg/hook" and hook["port"] == 9443 and hook["listen"] == "127.0.0.1"
    assert (
        hook["webhook_url"] == "https://bot.example.org/tg/hook"
        and hook["secret_token"] == "s3cret-value-xyz"
    )
    calls.clear()
    assert run(make_settings(tmp_path)) == 0
    assert "polling" in calls and "webhook" not in calls
