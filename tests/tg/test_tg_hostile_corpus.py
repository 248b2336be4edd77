"""Hostile corpus files as an admin's /reload meets them: links out of the corpus are named in
the report with their reason and never quoted; names too long for a sidecar do not stop it."""

from __future__ import annotations

import asyncio
import os

from telegram.ext import Application
from tg_fakeapi import FakeBotAPI
from tg_support import ADMIN_ID, USER_ID, Updates

from bot.config import Settings

SECRET = "987654321:AAthe-real-token-of-the-bot-in-its-dotenv"
DOTENV = (
    f"# Telegram bot token from @BotFather. Keep the telegram token secret.\nTELEGRAM_BOT_TOKEN={SECRET}\n"
)
ARTICLE = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)


async def reload_as_admin(tg: Updates, app: Application) -> str:
    await tg.send(tg.command("/reload", user_id=ADMIN_ID))
    await asyncio.wait_for(app.bot_data["reload_task"], 60)
    return tg.api.sent_texts(ADMIN_ID)[-1]


async def test_reload_names_links_out_of_the_corpus_and_never_quotes_them(
    tg: Updates, api: FakeBotAPI, app: Application, settings: Settings
):
    (settings.root / ".env").write_text(DOTENV, encoding="utf-8")
    os.symlink("../../.env", settings.articles_dir / "ghi-chu.txt")
    os.symlink("/etc/passwd", settings.articles_dir / "passwd.txt")
    report = await reload_as_admin(tg, app)
    assert report.startswith("✅") and "2 tệp không nạp được" in report, report
    for name in ("ghi-chu.txt", "passwd.txt"):
        assert f"<code>data/articles/{name}</code>: liên kết trỏ ra ngoài thư mục kho bài viết" in report
    for question in ("telegram token", "TELEGRAM_BOT_TOKEN là gì?", "root x 0 0 bash"):
        await tg.send(tg.text(question))
    replies = " ".join(api.sent_texts(USER_ID))
    assert SECRET.split(":")[1] not in replies and "root:x:0" not in replies


async def test_reload_goes_on_past_names_too_long_for_a_sidecar(
    tg: Updates, api: FakeBotAPI, app: Application, settings: Settings
):
    for n in range(246, 252):
        (settings.articles_dir / ("s" * n + ".txt")).write_text(ARTICLE.replace("6,2", f"6,{n % 10}"))
    report = await reload_as_admin(tg, app)
    assert report.startswith("✅ Đã nạp lại") and "6 bài mới" in report and "không nạp được" not in report
    await tg.send(tg.text("Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"))
    assert "triệu lượt</b> khách du lịch" in api.sent_texts(USER_ID)[-1]
