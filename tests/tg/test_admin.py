"""Admin tools: /reload in the background, /stats, article upload; refusals for everyone else."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from telegram.ext import Application
from tg_fakeapi import FakeBotAPI
from tg_support import ADMIN_ID, GROUP_ID, USER_ID, Updates

from bot import texts
from bot.config import Settings
from bot.engine import Engine
from bot.errors import NotAdmin

ARTICLE = """Thị xã Sơn Tây đặt mục tiêu trở thành thành phố vào năm 2030

Báo Hà Nội Mới - Ngày 12/5/2023, Thị ủy Sơn Tây tổ chức hội nghị bàn về quy hoạch phát triển thị xã.

Theo báo cáo, thu nhập bình quân đầu người của thị xã Sơn Tây năm 2022 đạt 68 triệu đồng/năm. \
Thị xã Sơn Tây có 15 đơn vị hành chính cấp xã, gồm 9 phường và 6 xã.

Đến năm 2030, thị xã Sơn Tây phấn đấu tốc độ tăng trưởng kinh tế bình quân đạt 12%/năm và trở thành \
thành phố trực thuộc Thủ đô, là trung tâm du lịch văn hóa của vùng.
"""
SON_TAY_QUESTION = "Thu nhập bình quân đầu người của Sơn Tây năm 2022?"


async def wait_reload(app: Application) -> None:
    await asyncio.wait_for(app.bot_data["reload_task"], 60)


@pytest.mark.parametrize("command", ["/reload", "/stats"])
async def test_non_admin_is_refused_and_logged(
    tg: Updates, api: FakeBotAPI, engine: Engine, caplog: pytest.LogCaptureFixture, command: str
):
    caplog.set_level(logging.INFO, logger="bot.tg")
    await tg.send(tg.command(command))
    await tg.send(tg.command(command, chat_id=GROUP_ID))
    assert api.sent_texts() == [NotAdmin.user_message, NotAdmin.user_message]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all(command in w for w in warnings)
    assert engine.hash_user(USER_ID)[:12] in warnings[0]
    assert str(USER_ID) not in " ".join(warnings)  # the raw id is never logged
    assert not engine.reloading


async def test_reload_reports_what_changed(
    tg: Updates, api: FakeBotAPI, app: Application, engine: Engine, settings: Settings
):
    (settings.root / "seeds" / "son_tay.txt").write_text(ARTICLE, encoding="utf-8")
    (settings.articles_dir / "hong.txt").write_bytes(b"Th\xe0nh ph\xf4 M\xf3ng C\xe1i c\xf3 9 ph\xfd\xf4ng")
    (settings.root / "seeds" / "004_b115fdf71c4cebb7.txt").unlink()
    await tg.send(tg.command("/reload", user_id=ADMIN_ID))
    assert api.sent_texts() == [texts.RELOAD_STARTED]
    await wait_reload(app)
    report = api.sent_texts()[-1]
    assert "1 bài mới" in report and "1 bài bị xoá" in report
    assert "Hiện có 5 bài viết" in report
    assert "hong.txt" in report and "UTF-8" in report  # the failed file and why
    await tg.send(tg.text(SON_TAY_QUESTION))
    assert "<b>68 triệu đồng" in api.sent_texts()[-1]


async def test_reload_with_nothing_changed(tg: Updates, api: FakeBotAPI, app: Application):
    await tg.send(tg.command("/reload", user_id=ADMIN_ID))
    await wait_reload(app)
    assert "không có bài nào thay đổi" in api.sent_texts()[-1]


async def test_questions_are_answered_during_a_reload_and_a_second_reload_is_refused(
    tg: Updates, api: FakeBotAPI, app: Application, engine: Engine, settings: Settings
):
    for i in range(3):
        (settings.root / "seeds" / f"son_tay_{i}.txt").write_text(
            ARTICLE + f"\nPhụ lục {i}.", encoding="utf-8"
        )
    await tg.send(tg.command("/reload", user_id=ADMIN_ID))
    for _ in range(200):
        if engine.reloading:
            break
        await asyncio.sleep(0.005)
    assert engine.reloading
    await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))
    assert "174.662" in api.sent_texts()[-1]  # answered from the old index meanwhile
    await tg.send(tg.command("/reload", user_id=ADMIN_ID))
    assert api.sent_texts()[-1] == texts.reload_in_progress()
    await wait_reload(app)
    assert "3 bài mới" in api.sent_texts()[-1]


async def test_stats_for_admins(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?"))
    await tg.send(tg.text("Dân số thị xã Kinh Môn là bao nhiêu?", user_id=USER_ID + 5))
    await tg.press(texts.BTN_UP, chat_id=USER_ID + 5, user_id=USER_ID + 5)
    await tg.send(tg.text("Giá vé xe buýt ở Đà Lạt <2024> & nay?"))
    await tg.send(tg.command("/stats", user_id=ADMIN_ID))
    stats = api.sent_texts()[-1]
    assert "24 giờ qua: 3 câu hỏi" in stats
    assert "Dân số thị xã Kinh Môn là bao nhiêu? (2 lần)" in stats
    assert "Giá vé xe buýt ở Đà Lạt &lt;2024&gt; &amp; nay?" in stats  # unanswered, escaped
    assert "1 👍, 0 👎" in stats


async def test_stats_not_in_groups(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/stats", chat_id=GROUP_ID, user_id=ADMIN_ID))
    assert "trò chuyện riêng" in api.sent_texts()[-1]


async def test_admin_uploads_an_article(tg: Updates, api: FakeBotAPI, settings: Settings):
    await tg.send(tg.document("Sơn Tây 2023 (bản cuối).md", ARTICLE.encode(), user_id=ADMIN_ID))
    assert api.called("getFile")[0]["file_id"] == "doc1"
    assert api.called("download")
    reply = api.sent_texts()[-1]
    assert reply.startswith("✅ Đã thêm bài viết")
    assert "Sơn Tây" in reply and "12/05/2023" in reply
    saved = list(settings.articles_dir.iterdir())
    assert len(saved) == 1 and saved[0].suffix == ".md" and saved[0].read_bytes() == ARTICLE.encode()
    await tg.send(tg.text(SON_TAY_QUESTION))
    assert "<b>68 triệu đồng" in api.sent_texts()[-1]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bai.pdf", b"%PDF-1.4", "tệp PDF bị hỏng"),
        ("bai.exe", b"MZ\x90\x00", "Chỉ nhận bài viết dạng .txt, .md"),
        ("bai.txt", "Thị xã Sơn Tây có 9 phường".encode("utf-16"), "UTF-16"),
        ("bai.txt", b"Th\xe0nh ph\xf4 M\xf3ng C\xe1i c\xf3 9 ph\xfd\xf4ng", "UTF-8"),
        ("bai.md", b"   \n\n  ", "rỗng"),
    ],
)
async def test_upload_refusals_say_why(
    tg: Updates, api: FakeBotAPI, settings: Settings, name: str, data: bytes, expected: str
):
    await tg.send(tg.document(name, data, user_id=ADMIN_ID))
    reply = api.sent_texts()[-1]
    assert reply.startswith("❌") and expected in reply, reply
    assert not list(settings.articles_dir.iterdir())


async def test_upload_too_big_is_refused_before_download(tg: Updates, api: FakeBotAPI, settings: Settings):
    await tg.send(tg.document("lon.txt", b"x" * (settings.max_file_bytes + 1), user_id=ADMIN_ID))
    assert "Tệp quá lớn" in api.sent_texts()[-1]
    assert not api.called("getFile")


async def test_upload_when_telegram_cannot_serve_the_file(tg: Updates, api: FakeBotAPI):
    api.failing["getFile"] = (400, "Bad Request: file is too big")
    await tg.send(tg.document("bai.txt", ARTICLE.encode(), user_id=ADMIN_ID))
    assert api.sent_texts()[-1] == texts.UPLOAD_DOWNLOAD_FAILED


async def test_long_stats_are_split_into_valid_messages(tg: Updates, api: FakeBotAPI):
    for i in range(6):
        question = f"Câu hỏi số {i} về giá đất ở Đà Lạt & <Bảo Lộc> " + "rất dài " * 110
        await tg.send(tg.text(question[:990]))
    await tg.send(tg.command("/stats", user_id=ADMIN_ID))
    replies = api.sent(ADMIN_ID)
    assert len(replies) >= 2  # the app fixture checks each one is valid HTML under 4096
    text = "".join(r["text"] for r in replies)
    assert "Chưa trả lời được gần đây" in text
    assert re.search(r"<i>\(\d\d:\d\d \d\d/\d\d/\d{4}\)</i>", text)  # local time, not raw ISO
