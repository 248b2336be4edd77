"""Reloads through the bot over real HTTP, with the polling loop running: /reload twice quickly
is one reload (the second is asked to wait), an upload sent meanwhile is queued after it, and
questions asked while the reload runs are answered at once from the old index."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from projects import SEEDS
from tg_fakeapi import FakeBotAPI
from tg_standin import serving
from tg_support import ADMIN_ID, TOKEN, make_settings

from bot import texts
from bot.tg.app import build_application

SON_TAY = """Thị xã Sơn Tây đặt mục tiêu trở thành thành phố vào năm 2030

Báo Hà Nội Mới - Ngày 12/5/2023, Thị ủy Sơn Tây tổ chức hội nghị bàn về quy hoạch phát triển thị xã.

Theo báo cáo, thu nhập bình quân đầu người của thị xã Sơn Tây năm 2022 đạt 68 triệu đồng/năm. \
Thị xã Sơn Tây có 15 đơn vị hành chính cấp xã, gồm 9 phường và 6 xã.
"""
SON_TAY_QUESTION = "Thu nhập bình quân đầu người của Sơn Tây năm 2022?"
KINH_MON_QUESTION = "Dân số thị xã Kinh Môn là bao nhiêu?"
UPLOAD = (
    SON_TAY.replace("Sơn Tây", "Phúc Yên").replace("68 triệu", "71 triệu").replace("Hà Nội Mới", "Vĩnh Phúc")
)


def update(kind: str, user_id: int, text: str, n: int, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": n,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Lan"},
        **extra,
    }
    if kind == "command":
        message["text"] = text
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    elif kind == "text":
        message["text"] = text
    return {"message": message}


@pytest.mark.slow  # polls a Bot API stand-in over HTTP
@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_reload_twice_upload_and_questions_during_the_reload(project: Path):
    users = [6001, 6002, 6003]
    with serving(FakeBotAPI(TOKEN)) as stand_in:
        api = stand_in.api
        api.files["up1"] = UPLOAD.encode()
        settings = make_settings(project, TELEGRAM_API_BASE_URL=stand_in.base_url, RATE_LIMIT_PER_MINUTE="0")
        extra = settings.articles_dir
        application = build_application(settings)
        async with application:
            await application.post_init(application)
            engine = application.bot_data["engine"]
            while engine.reloading:  # the start-up check of the corpus, in the background
                await asyncio.sleep(0.01)
            # After start-up, which indexes what is there: enough new material that the reload
            # takes a while (the seeds again under new names, each with a line of its own so it
            # is analysed, not taken from the cache), and Sơn Tây.
            for i in range(4):
                for seed in sorted(SEEDS.glob("*.txt")):
                    (extra / f"copy{i}_{seed.name}").write_text(
                        seed.read_text(encoding="utf-8") + f"\n\nBản sao số {i} để thử nạp lại.\n",
                        encoding="utf-8",
                    )
            (extra / "son_tay.txt").write_text(SON_TAY, encoding="utf-8")
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                api.push_update(update("command", ADMIN_ID, "/reload", 1))
                api.push_update(update("command", ADMIN_ID, "/reload", 2))  # at once: one batch
                for _ in range(200):
                    if engine.reloading:
                        break
                    await asyncio.sleep(0.01)
                assert engine.reloading
                doc = {"file_id": "up1", "file_unique_id": "uup1", "file_name": "phuc_yen.txt",
                       "mime_type": "text/plain", "file_size": len(UPLOAD.encode())}  # fmt: skip
                api.push_update(update("document", ADMIN_ID, "", 3, document=doc))
                asked: dict[int, list[float]] = {u: [] for u in users}
                during: list[float] = []  # latency of answers that arrived while reloading
                n = 10
                while engine.reloading and n < 200:
                    for user in users:
                        before = len(api.sent(user))
                        question = SON_TAY_QUESTION if n % 2 else KINH_MON_QUESTION
                        sent_at = time.monotonic()
                        api.push_update(update("text", user, question, n))
                        n += 1
                        assert await asyncio.to_thread(
                            api.wait_for, lambda u=user, b=before: len(api.sent(u)) > b, 10
                        )
                        asked[user].append(time.monotonic() - sent_at)
                        if engine.reloading:
                            during.append(asked[user][-1])
                    await asyncio.sleep(0.05)
                assert await asyncio.to_thread(
                    api.wait_for,
                    lambda: any(t.startswith("✅ Đã thêm") for t in api.sent_texts(ADMIN_ID)),
                    60,
                )
                for user in users:  # after the reload: the new article answers
                    before = len(api.sent(user))
                    api.push_update(update("text", user, SON_TAY_QUESTION, n))
                    n += 1
                    assert await asyncio.to_thread(
                        api.wait_for, lambda u=user, b=before: len(api.sent(u)) > b, 10
                    )
            finally:
                await application.updater.stop()
                await application.stop()
                await application.post_shutdown(application)
    admin = api.sent_texts(ADMIN_ID)
    assert admin[0] == texts.RELOAD_STARTED
    assert admin.count(texts.reload_in_progress()) == 1  # the second /reload waited its turn
    reports = [t for t in admin if t.startswith("✅ Đã nạp lại")]
    assert len(reports) == 1 and "21 bài mới" in reports[0], admin
    assert texts.UPLOAD_AFTER_RELOAD in admin  # the upload was queued, not refused
    assert admin[-1].startswith("✅ Đã thêm") and "Phúc Yên" in admin[-1]
    assert len(during) >= 3, "the reload ended before questions could be asked during it"
    for user in users:
        replies = api.sent_texts(user)
        assert len(replies) == len(asked[user]) + 1  # every question answered exactly once
        # Sơn Tây questions asked during the reload came from the old index (which lacks it)…
        assert any("Sơn Tây" in r and "68 triệu" not in r for r in replies[:-1])
        assert "68 triệu đồng" in replies[-1]  # …and from the new one afterwards
    print(
        f"\n{len(during)} questions during the reload: median {statistics.median(during) * 1000:.0f} ms, "
        f"max {max(during) * 1000:.0f} ms"
    )
    assert max(during) < 5.0  # generous: the reload does not hold questions up
    assert not api.problems
