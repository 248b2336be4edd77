"""/start, /help, /nguon, unknown commands and messages the bot cannot read."""

from __future__ import annotations

import re

import pytest
from tg_fakeapi import FakeBotAPI, rendered
from tg_support import ADMIN_ID, GROUP_ID, Updates

from bot import texts
from bot.engine import Engine
from bot.tg.handlers import corpus


async def test_start_tells_what_the_bot_knows(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.command("/start"))
    (text,) = api.sent_texts()
    coverage = engine.coverage()
    assert text.startswith("Xin chào Lan!")
    assert f"<b>{coverage.articles}</b> bài báo" in text
    for place in coverage.places:
        assert place in text
    assert "31/10/2019" in text and "04/03/2024" in text
    assert "không dấu" in text
    examples = re.findall(r"^• <i>(.*)</i>$", text, re.M)
    assert 2 <= len(examples) <= 3
    for question in examples:  # every example really gets an answer
        assert not engine.answer(question).refused, question
    assert examples[-1].isascii()  # one example is typed without diacritics


async def test_start_in_a_group_explains_hoi(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/start", chat_id=GROUP_ID))
    (text,) = api.sent_texts(GROUP_ID)
    assert "/hoi &lt;câu hỏi&gt;" in text


async def test_help_shows_admin_commands_only_to_admins(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/help"))
    await tg.send(tg.command("/help", user_id=ADMIN_ID))
    user_help, admin_help = api.sent_texts()
    assert "/hoi" in user_help and "/nguon" in user_help and "/reload" not in user_help
    assert "/reload" in admin_help and "/stats" in admin_help


async def test_nguon_lists_articles(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.command("/nguon"))
    (reply,) = api.sent()
    text = rendered(reply["text"], "HTML")
    assert "Kho có 5 bài viết" in text
    for source in engine.articles():
        assert source.title in text
    assert "BVR&MT" in text and "BVR&amp;MT" in reply["text"]  # escaped in HTML
    assert "04/03/2024" in text
    assert "reply_markup" not in reply  # one page only


async def test_nguon_pages(tg: Updates, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(corpus, "SOURCES_PER_PAGE", 2)
    await tg.send(tg.command("/nguon"))
    first = api.sent()[0]
    assert "trang 1/3" in first["text"]
    await tg.press(texts.BTN_NEXT)
    await tg.press(texts.BTN_NEXT)
    edits = api.called("editMessageText")
    assert "trang 2/3" in edits[0]["text"] and "trang 3/3" in edits[1]["text"]
    assert "5. " in edits[1]["text"]
    assert [b["text"] for b in edits[1]["reply_markup"]["inline_keyboard"][0]] == [texts.BTN_PREV]
    await tg.press(texts.BTN_PREV)
    assert "trang 2/3" in api.called("editMessageText")[-1]["text"]
    assert len(api.called("answerCallbackQuery")) == 3


async def test_unknown_command_in_private(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/xyz"))
    assert api.sent_texts() == [texts.HINT_UNKNOWN_COMMAND]


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice"])
async def test_media_gets_a_hint(tg: Updates, api: FakeBotAPI, kind: str):
    await tg.send(getattr(tg, kind)())
    assert api.sent_texts() == [texts.HINT_MEDIA]


async def test_document_from_a_non_admin(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.document("bai.txt", "Bài viết".encode()))
    assert api.sent_texts() == [texts.HINT_DOCUMENT]
    assert not api.called("getFile")


async def test_document_in_a_group_is_ignored(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.document("bai.txt", b"x", chat_id=GROUP_ID, user_id=ADMIN_ID))
    assert api.calls == []


async def test_every_command_replies_with_valid_html(tg: Updates, api: FakeBotAPI):
    """The app fixture rejects (and the test fails on) any invalid or over-long message."""
    for command in ("/start", "/help", "/nguon", "/hoi Kỳ Anh đạt bao nhiêu tiêu chí đô thị loại 3?"):
        await tg.send(tg.command(command))
        await tg.send(tg.command(command, user_id=ADMIN_ID))
        await tg.send(tg.command(command, chat_id=GROUP_ID))
    assert len(api.sent()) == 12
    assert all(len(t) <= 4096 for t in api.sent_texts())
