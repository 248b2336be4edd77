"""Security of the Telegram layer: admin tools refuse everyone else (one by one), the token never
shows in logs or replies, and every reply to hostile input is valid Telegram HTML under 4,096
UTF-16 units (the fake Bot API rejects anything else, and the app fixture fails the test)."""

from __future__ import annotations

import logging
import random
import re
import urllib.parse
from pathlib import Path

import pytest
from telegram.ext import Application, CommandHandler
from telegram.request import HTTPXRequest
from tg_fakeapi import FakeBotAPI, html_problems, utf16_len
from tg_standin import serving
from tg_support import ADMIN_ID, GROUP_ID, OTHER_ID, QUICK_BACKOFF, TOKEN, USER_ID, Updates, make_settings

from bot import texts
from bot.config import Settings
from bot.engine import Engine
from bot.errors import NotAdmin
from bot.tg.app import build_application

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

ARTICLE = (
    "Thị xã Sơn Tây <script>alert(1)</script> & </b> quy hoạch 2030\n\n"
    "Báo <b>Hà Nội</b> & Mới - Ngày 12/5/2023, thị xã Sơn Tây tổ chức hội nghị.\n\n"
    "Thu nhập bình quân đầu người của thị xã Sơn Tây năm 2022 đạt 68 triệu đồng/năm & <i>tăng</i>.\n"
)


def admin_only_commands(app: Application) -> list[str]:
    """Every registered command that is not in the everyone menu: a new admin command is covered."""
    registered = {
        command
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    return sorted(registered - {c for c, _ in texts.USER_COMMANDS})


# ---------------------------------------------------------------- admin tools


def test_the_admin_commands_are_known(app: Application):
    assert admin_only_commands(app) == ["reload", "stats", "sua", "them", "xoa"]
    assert {c for c, _ in texts.ADMIN_COMMANDS} - {c for c, _ in texts.USER_COMMANDS} == {
        "reload",
        "stats",
        "sua",
        "them",
        "xoa",
    }


@pytest.mark.parametrize("command", ["reload", "stats", "reload@PlanTestBot", "stats@PlanTestBot"])
@pytest.mark.parametrize("where", ["private", "group"])
async def test_each_admin_command_refuses_a_non_admin(
    tg: Updates, api: FakeBotAPI, app: Application, engine: Engine, command: str, where: str
):
    chat = GROUP_ID if where == "group" else None
    for user in (USER_ID, OTHER_ID):
        await tg.send(tg.command(f"/{command} --force", chat_id=chat, user_id=user))
    assert api.sent_texts() == [NotAdmin.user_message] * 2
    assert [c.method for c in api.calls] == ["sendMessage"] * 2  # nothing else happened
    assert "reload_task" not in app.bot_data and not engine.reloading


async def test_admin_rights_follow_the_sender_not_the_chat(tg: Updates, api: FakeBotAPI, engine: Engine):
    """A non-admin writing in a chat whose id is the admin's id (or in a group the admin is in)."""
    await tg.send(tg.command("/reload", chat_id=ADMIN_ID, user_id=USER_ID))
    await tg.send(tg.command("/stats", chat_id=ADMIN_ID, user_id=USER_ID))
    assert api.sent_texts() == [NotAdmin.user_message] * 2
    assert not engine.reloading


@pytest.mark.parametrize("where", ["private", "group-mention", "group"])
async def test_an_upload_from_a_non_admin_is_refused_before_download(
    tg: Updates, api: FakeBotAPI, settings: Settings, engine: Engine, where: str
):
    articles_before = engine.coverage().articles
    data = ARTICLE.encode()
    if where == "private":
        await tg.send(tg.document("son_tay.txt", data))
        assert api.sent_texts() == [texts.HINT_DOCUMENT]
    elif where == "group-mention":
        update = tg.document("son_tay.txt", data, chat_id=GROUP_ID)
        update["message"]["caption"] = "@PlanTestBot nạp bài này"
        update["message"]["caption_entities"] = [{"type": "mention", "offset": 0, "length": 12}]
        await tg.send(update)
    else:
        await tg.send(tg.document("son_tay.txt", data, chat_id=GROUP_ID))
        assert api.calls == []
    assert not api.called("getFile") and not api.called("download")
    assert not list(settings.articles_dir.iterdir())
    assert engine.coverage().articles == articles_before


# ---------------------------------------------------------------- the token


@pytest.mark.slow  # a session over HTTP with a Bot API stand-in
async def test_the_token_never_appears_in_logs_or_replies(project: Path, caplog: pytest.LogCaptureFixture):
    """A session over real HTTP, at DEBUG, with everything that logs URLs or errors: an upload
    (the file URL holds the token), a download that fails, Telegram errors and timeouts, an
    exception whose text holds the token. The captured log and every reply are searched."""
    caplog.set_level(logging.DEBUG)
    encoded = urllib.parse.quote(TOKEN, safe="")
    with serving(FakeBotAPI(TOKEN)) as stand_in:
        api = stand_in.api
        settings = make_settings(project, TELEGRAM_API_BASE_URL=stand_in.base_url)
        application = build_application(settings, request=HTTPXRequest(read_timeout=0.3))
        for name in ("httpx", "httpcore"):  # as if someone turned them up to debug a problem
            logging.getLogger(name).setLevel(logging.DEBUG)
        application.bot.rate_limiter.backoff = QUICK_BACKOFF
        async with application:
            await application.post_init(application)
            tg = Updates(application, api)
            await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))
            await tg.send(tg.document("son_tay.txt", ARTICLE.encode(), user_id=ADMIN_ID))
            missing = tg.document("mat.txt", b"x", file_id="gone", user_id=ADMIN_ID)
            api.files.pop("gone")
            await tg.send(missing)  # getFile refuses: 400
            api.files["ghost"] = b"x"
            ghost = tg.document("ghost.txt", b"x", file_id="ghost", user_id=ADMIN_ID)
            await tg.send(ghost)
            api.inject("sendMessage", "500", times=2)
            api.inject("sendMessage", "timeout", delay=1.0)
            await tg.send(tg.text("thu nhap binh quan kinh mon 2023"))
            await tg.send(tg.text("Kinh Môn có bao nhiêu sản phẩm OCOP?"))
            api.inject("sendMessage", "blocked", chat_id=OTHER_ID)
            await tg.send(tg.text("Dân số Kinh Môn?", user_id=OTHER_ID))
            engine = application.bot_data["engine"]

            def leaky(question: str, *, offset: int = 0):
                raise RuntimeError(f"failed at https://api.telegram.org/bot{TOKEN}/x ({encoded})")

            engine.answer = leaky
            await tg.send(tg.text("Dân số Kinh Môn?"))
            await application.post_shutdown(application)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    assert "HTTP Request" in caplog.text and "<redacted>" in caplog.text  # the URLs were logged…
    assert TOKEN not in caplog.text and encoded not in caplog.text  # …without the token
    assert TOKEN.split(":")[1] not in caplog.text  # not even its secret half
    for record in caplog.records:
        assert TOKEN not in str(record.exc_text or "")
    replies = [str(c.params.get("text", "")) for c in api.calls]
    assert replies and not [r for r in replies if TOKEN.split(":")[1] in r or encoded in r]


# ---------------------------------------------------------------- hostile input

HOSTILE = [
    "<script>alert(1)</script> dân số Kinh Môn?",
    "</b></i></blockquote> thu nhập Kinh Môn 2023",
    "<b>Kinh Môn</b> <a href='javascript:alert(1)'>x</a> có bao nhiêu sản phẩm OCOP?",
    "Dân số & thu nhập &amp; &lt; &#0; &#x110000; &nbsp; &bogus; Kinh Môn",
    "Kinh Môn " + "<" * 500 + ">" * 500,
    "&" * 999,
    "Dân số\x00\x01\x07\x1b[31m\x7f Kinh Môn\u0085?",
    "Dân\u200b số\u200c thị\u200d xã\ufeff Kinh\u2060 Môn\u00ad?",
    "\u202eDân số Kinh Môn\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 2023?",
    "👍🏽👨‍👩‍👧‍👦🇻🇳 Kinh Môn có bao nhiêu sản phẩm OCOP? 🏙️" * 3,
    "Thu nha\u0302\u0323p bi\u0300nh qua\u0302n Kinh Mo\u0302n",  # decomposed diacritics
    "Dân số thành phố <Đà Lạt> & </b>Bảo Lộc năm 2020?",  # places the corpus lacks, echoed back
    "\n\n\t  \n",
    "<>",
    "?" * 1000,
    "Kinh Môn " * 110,  # just under 1,000 characters
    "Kinh Môn " * 1112,  # 10,000 characters
    "🏙️" * 5000,  # 10,000 code points, 15,000 UTF-16 units
]


def check_replies(api: FakeBotAPI, since: int) -> list[str]:
    """Replies sent after call number `since`: at least one, each valid and short enough."""
    sent = [c.params for c in api.calls[since:] if c.method in ("sendMessage", "editMessageText")]
    for params in sent:
        text = params["text"]
        assert utf16_len(text) <= 4096
        if params.get("parse_mode") == "HTML":
            assert not html_problems(text), (html_problems(text), text[:300])
            assert "<script" not in text and "<a href='javascript" not in text
    return [p["text"] for p in sent]


@pytest.mark.parametrize("question", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_questions_get_valid_replies(
    tg: Updates, api: FakeBotAPI, app: Application, question: str
):
    app.bot_data["limiter"].limit = 0
    for send in (
        lambda: tg.text(question),
        lambda: tg.command(f"/hoi {question}"),
        lambda: tg.mention("{bot} " + question, chat_id=GROUP_ID),
    ):
        since = len(api.calls)
        await tg.send(send())
        replies = check_replies(api, since)
        assert replies, f"no reply to {question[:60]!r}"  # never silent
    keyboards = [m for m in api.messages.values() if m.get("reply_markup")]
    for message in keyboards[:1]:  # "Xem thêm" and feedback on a hostile question
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                since = len(api.calls)
                await tg.send(tg.callback(button["callback_data"], message))
                check_replies(api, since)


async def test_hostile_names_articles_and_stats(tg: Updates, api: FakeBotAPI, app: Application):
    """What the bot echoes besides answers: the user's first name, an uploaded article's title,
    publisher and file name, and the questions in /stats."""
    app.bot_data["limiter"].limit = 0
    start = tg.command("/start")
    start["message"]["from"]["first_name"] = "</b><script>&amp;"
    await tg.send(start)
    assert "Xin chào &lt;/b&gt;&lt;script&gt;&amp;amp;!" in api.sent_texts()[-1]
    await tg.send(tg.document("<b>Sơn Tây</b> & \u202e.txt", ARTICLE.encode(), user_id=ADMIN_ID))
    done = api.sent_texts()[-1]
    assert done.startswith("✅") and "&lt;script&gt;" in done, done
    for question in HOSTILE:
        await tg.send(tg.text(question))
    await tg.send(tg.command("/stats", user_id=ADMIN_ID))
    await tg.send(tg.command("/nguon"))
    check_replies(api, 0)


async def test_random_hostile_mixtures(tg: Updates, api: FakeBotAPI, app: Application):
    """100 questions stitched from hostile fragments and real words (fixed seed)."""
    app.bot_data["limiter"].limit = 0
    pieces = [
        "<", ">", "&", "</b>", "<i>", "&amp;", "&#", ";", "\x00", "\u200b", "\u202e", "👨‍👩‍👧", "🇻🇳",
        "\n", "\t", '"', "'", "\\", "Kinh Môn", "dân số", "thu nhap", "2023", "OCOP", "Kỳ Anh",
        "Đà Lạt", "năm", "bao nhiêu", "%", "/", "@PlanTestBot", "/start", "\u0301", "ß", "İ",
    ]  # fmt: skip
    rng = random.Random(20240601)
    for _ in range(100):
        question = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 30)))
        since = len(api.calls)
        await tg.send(tg.text(question))
        if question.startswith("/") or not question.strip():
            continue  # a command or an empty message: not a question
        assert check_replies(api, since), repr(question)
    assert not re.search(r"Traceback|File \"/", " ".join(api.sent_texts()))
