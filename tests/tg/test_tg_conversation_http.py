"""A conversation over real HTTP: the bot polls the Bot API stand-in on 127.0.0.1 and uploads
its chart as multipart/form-data, as it would to Telegram."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from tg_fakeapi import FakeBotAPI, private_message, rendered
from tg_standin import StandIn, serving
from tg_support import TOKEN, USER_ID, make_settings

from bot.tg.app import build_application


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with serving(FakeBotAPI(TOKEN)) as server:
        yield server


@pytest.mark.slow  # polls a Bot API stand-in over HTTP
async def test_follow_ups_and_a_chart_over_http(stand_in: StandIn, project: Path):
    settings = make_settings(project, TELEGRAM_API_BASE_URL=stand_in.base_url)
    application = build_application(settings)  # real HTTP layer; the Engine is opened by post_init
    api = stand_in.api

    async def exchange(text: str, message_id: int, method: str = "sendMessage", count: int = 1) -> None:
        before = len(api.called(method))
        api.push_update(private_message(USER_ID, text, message_id))
        done = await asyncio.to_thread(api.wait_for, lambda: len(api.called(method)) >= before + count, 20)
        assert done, api.calls[-5:]

    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await exchange("Thu ngân sách Móng Cái năm 2023 là bao nhiêu?", 1)
            await exchange("còn 2 tháng đầu năm 2024?", 2)
            await exchange("thế còn Đông Triều?", 3)
            await exchange("thu nhập Kinh Môn 2020-2023", 4, "sendPhoto")
            await exchange("xin chào", 5)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
    texts = [rendered(p["text"], p.get("parse_mode")) for p in api.called("sendMessage")]
    assert "gần 5.000 tỷ đồng" in texts[0]
    assert texts[1].startswith("Tôi hiểu là: thu ngân sách Móng Cái, 2 tháng đầu năm 2024")
    assert texts[2].startswith("Tôi hiểu là: thu ngân sách Đông Triều, 2 tháng đầu năm 2024")
    assert "Thu nhập bình quân đầu người của Kinh Môn qua các năm" in texts[3]
    assert texts[4].startswith("Xin chào!")
    # The photo went as a multipart upload, and arrived whole.
    _chat, png, caption = api.photos[-1]
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (960, 576)
    assert caption.startswith("Thu nhập bình quân đầu người của Kinh Môn qua các năm")
    assert not api.problems
