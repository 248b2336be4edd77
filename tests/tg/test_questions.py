"""Questions in private and group chats, and the buttons under answers, on the real Engine."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest
from projects import REPO
from tg_fakeapi import BOT_USERNAME, FakeBotAPI, rendered
from tg_support import GROUP_ID, OTHER_ID, USER_ID, Updates

from bot import texts
from bot.answer.render import render_html
from bot.config import Settings
from bot.engine import Engine
from bot.tg.handlers import common, talk

QUESTION = "Kinh Môn có bao nhiêu doanh nghiệp?"


def buttons(params: dict) -> list[tuple[str, str]]:
    markup = params.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def qid_of(params: dict) -> int:
    for _, data in buttons(params):
        if m := re.match(r"^[mf]:(\d+):", data):
            return int(m.group(1))
    raise AssertionError("no question id in the buttons")


async def test_private_question_gets_the_same_answer_as_the_cli(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.text(QUESTION))
    (reply,) = api.sent(USER_ID)
    assert reply["parse_mode"] == "HTML"
    assert reply["text"] == render_html(engine.answer(QUESTION))
    assert "<b>900 doanh nghiệp</b>" in reply["text"]
    assert "<blockquote>" in reply["text"] and "— Nguồn: <i>" in reply["text"]
    assert reply["link_preview_options"] == {"is_disabled": True}
    assert "reply_parameters" not in reply  # no quoting in a private chat
    labels = [t for t, _ in buttons(reply)]
    assert labels == [texts.BTN_MORE, texts.BTN_UP, texts.BTN_DOWN]
    # A fast answer needs no "typing…"; the question was logged under a hashed user id
    assert [c.method for c in api.calls] == ["sendMessage"]
    assert await engine.logged_question(qid_of(reply)) == QUESTION


async def test_typing_is_shown_only_when_the_answer_is_slow(
    tg: Updates, api: FakeBotAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(common, "TYPING_AFTER", 0.05)
    monkeypatch.setattr(talk, "LOG_WAIT", 1.0)
    real = engine.log

    async def slow_log(*args, **kwargs):
        await asyncio.sleep(0.3)  # e.g. the question log waits for a database lock
        return await real(*args, **kwargs)

    monkeypatch.setattr(engine, "log", slow_log)
    await tg.send(tg.text(QUESTION))
    typing, answer = api.calls
    assert typing.method == "sendChatAction" and typing.params["action"] == "typing"
    assert answer.method == "sendMessage" and answer.params["text"] == render_html(engine.answer(QUESTION))
    monkeypatch.setattr(engine, "log", real)
    api.inject("sendMessage", "slow", delay=0.3)  # a slow send shows no 'typing…' after the answer
    await tg.send(tg.text(QUESTION))
    assert [c.method for c in api.calls[2:]] == ["sendMessage"]


async def test_question_without_diacritics(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("dan so thi xa kinh mon la bao nhieu"))
    (reply,) = api.sent_texts()
    assert "Tôi hiểu câu hỏi là" in reply
    assert "174.662" in reply
    await tg.send(tg.text("kinh mon co bao nhieu san pham ocop"))
    await tg.press(texts.BTN_MORE)
    more = api.sent_texts()[-1]
    assert "<blockquote>" in more and "Tôi hiểu câu hỏi là" not in more  # said once, with the answer


async def test_refusal_has_no_feedback_buttons(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("Dân số thành phố Đà Lạt năm 2020 là bao nhiêu?"))
    (reply,) = api.sent()
    assert "Xin lỗi" in reply["text"] and "Kinh Môn" in reply["text"]
    assert "<blockquote>" not in reply["text"]
    assert not [t for t, _ in buttons(reply) if t in (texts.BTN_UP, texts.BTN_DOWN)]


async def test_xem_them_sends_new_passages_and_drops_its_button(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("Kinh Môn có bao nhiêu doanh nghiệp?"))
    first = api.sent()[0]
    first_text = rendered(first["text"], "HTML")
    data = await tg.press(texts.BTN_MORE)
    assert re.fullmatch(r"m:\d+:1:[A-Za-z0-9_-]{16}", data)  # signed for this chat (test_tg_buttons.py)
    assert api.called("answerCallbackQuery")
    # The original answer keeps only the feedback buttons.
    (edit,) = api.called("editMessageReplyMarkup")
    kept = [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
    assert kept == [texts.BTN_UP, texts.BTN_DOWN]
    more = api.sent()[-1]
    assert more is not first and more["parse_mode"] == "HTML"
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", more["text"], re.S)
    assert quotes, more["text"]
    for quote in quotes:  # nothing already shown is repeated
        assert rendered(quote, "HTML") not in first_text


async def test_xem_them_until_nothing_is_left(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("Kinh Môn có bao nhiêu sản phẩm OCOP?"))
    seen: set[str] = set()
    for _ in range(30):
        last = api.sent()[-1]
        if texts.BTN_MORE not in [t for t, _ in buttons(last)]:
            break
        await tg.press(texts.BTN_MORE)
        new = api.sent()[-1]
        for quote in re.findall(r"<blockquote>(.*?)</blockquote>", new["text"], re.S):
            assert quote not in seen, "a passage came twice"
            seen.add(quote)
    else:
        raise AssertionError("'Xem thêm' never ran out")
    assert seen


@pytest.mark.slow  # python -m bot chat
async def test_xem_them_gives_the_same_pages_as_the_terminal(
    tg: Updates, api: FakeBotAPI, settings: Settings
):
    """The bot's "Xem thêm" and `python -m bot chat`'s "thêm" page through the same passages."""
    question = "Kinh Môn có bao nhiêu sản phẩm OCOP?"
    await tg.send(tg.text(question))
    bot_pages: list[list[str]] = []
    while texts.BTN_MORE in [t for t, _ in buttons(api.sent()[-1])]:
        await tg.press(texts.BTN_MORE)
        bot_pages.append(
            [
                rendered(q, "HTML")
                for q in re.findall(r"<blockquote>(.*?)</blockquote>", api.sent()[-1]["text"], re.S)
            ]
        )
    assert len(bot_pages) >= 2 and all(bot_pages)
    env = {**os.environ, "BOT_HOME": str(settings.root), "BOT_DB": str(settings.db_path),
           "BOT_CORPUS": ",".join(map(str, settings.corpus_dirs))}  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", cwd=REPO, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdin = (question + "\n" + "thêm\n" * len(bot_pages)).encode()
    out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    replies = out.decode().split("Bạn hỏi: ")[2:]  # after the greeting and the answer
    terminal_pages = [re.findall(r"«(.*?)»\n— Nguồn", r, re.S) for r in replies[: len(bot_pages)]]
    assert terminal_pages == bot_pages


async def test_xem_them_for_a_forgotten_question(tg: Updates, api: FakeBotAPI, app):
    await tg.send(tg.text(QUESTION))
    message = api.last_message_with_keyboard(USER_ID)
    await tg.send(tg.callback(app.bot_data["buttons"].more(USER_ID, 999999, 1), message))
    (answer,) = api.called("answerCallbackQuery")
    assert answer["text"] == texts.QUESTION_GONE and answer["show_alert"] is True


async def test_feedback_is_stored_per_user(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.text(QUESTION))
    await tg.press(texts.BTN_UP)
    assert api.called("answerCallbackQuery")[-1]["text"] == texts.FEEDBACK_THANKS_UP
    await tg.press(texts.BTN_DOWN, user_id=OTHER_ID)
    assert api.called("answerCallbackQuery")[-1]["text"] == texts.FEEDBACK_THANKS_DOWN
    await tg.press(texts.BTN_UP)  # pressing again does not count twice
    stats = await engine.stats()
    assert (stats.feedback_up, stats.feedback_down) == (1, 1)


async def test_unknown_button(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text(QUESTION))
    await tg.send(tg.callback("v0:old-format", api.last_message_with_keyboard(USER_ID)))
    assert api.called("answerCallbackQuery")[-1]["text"] == texts.BUTTON_EXPIRED


async def test_over_long_and_empty_questions_get_hints(tg: Updates, api: FakeBotAPI, engine: Engine):
    long = "Kinh Môn " * 200
    await tg.send(tg.text(long))
    await tg.send(tg.command("/hoi"))
    await tg.send(tg.command("/hoi    "))
    for nothing in ("?!", "👍", "...", "\u200b"):
        await tg.send(tg.text(nothing))
    await tg.send(tg.command("/hoi ??"))
    replies = api.sent_texts()
    assert (
        replies[0]
        == texts.too_long(len(long.strip()), 1000)
        == texts.check_question(long, 1000, engine.coverage())
    )
    assert "1799 ký tự, tối đa 1000 ký tự" in replies[0]
    assert replies[1] == replies[2] == texts.HINT_HOI_EMPTY
    # The same hint as the terminal's: what to ask, and what the corpus covers.
    hint = texts.check_question("?!", 1000, engine.coverage())
    assert replies[3:] == [hint] * 5
    assert hint.startswith(texts.HINT_EMPTY) and "Hiện tôi có 5 bài viết về: " in hint
    assert (await engine.stats()).questions_24h == 0  # hints are not logged as questions


async def test_hoi_in_private_chat(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command(f"/hoi {QUESTION}"))
    assert "900 doanh nghiệp" in api.sent_texts()[0]


async def test_rate_limit(tg: Updates, api: FakeBotAPI, app):
    clock = [0.0]
    limiter = app.bot_data["limiter"]
    limiter.limit, limiter.clock = 3, lambda: clock[0]
    for _ in range(5):
        await tg.send(tg.text(QUESTION))
    replies = api.sent_texts()
    assert len(replies) == 4  # three answers, one polite warning, then quiet
    assert all("900 doanh nghiệp" in r for r in replies[:3])
    assert replies[3].startswith("Bạn đang hỏi hơi nhanh") and "60 giây" in replies[3]
    await tg.send(tg.text(QUESTION, user_id=OTHER_ID))  # other users are not affected
    assert "900 doanh nghiệp" in api.sent_texts()[-1]
    clock[0] = 61.0
    await tg.send(tg.text(QUESTION))
    assert "900 doanh nghiệp" in api.sent_texts()[-1]


async def test_rate_limit_applies_to_xem_them(tg: Updates, api: FakeBotAPI, app):
    limiter = app.bot_data["limiter"]
    limiter.limit = 1
    await tg.send(tg.text(QUESTION))
    await tg.press(texts.BTN_MORE)
    assert api.called("answerCallbackQuery")[-1]["text"].startswith("Bạn đang hỏi hơi nhanh")
    assert len(api.sent()) == 1


# ---------------------------------------------------------------- groups


async def test_group_stays_quiet_unless_addressed(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text(QUESTION, chat_id=GROUP_ID))
    await tg.send(tg.photo(chat_id=GROUP_ID))
    await tg.send(tg.sticker(chat_id=GROUP_ID))
    await tg.send(tg.command("/unknowncmd", chat_id=GROUP_ID))
    other = {"message_id": 5, "date": 0, "chat": tg.chat(GROUP_ID), "from": tg.user(OTHER_ID), "text": "chào"}
    await tg.send(tg.reply_to_bot("Dân số Kinh Môn?", other, chat_id=GROUP_ID))
    assert api.calls == []


async def test_group_hoi_answers_with_a_quote_of_the_question(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command(f"/hoi {QUESTION}", chat_id=GROUP_ID))
    await tg.send(tg.command(f"/hoi@{BOT_USERNAME} {QUESTION}", chat_id=GROUP_ID))
    first, second = api.sent(GROUP_ID)
    assert "900 doanh nghiệp" in first["text"] and "900 doanh nghiệp" in second["text"]
    assert first["reply_parameters"]["message_id"] > 0  # replies to the asker's message


async def test_group_mention_is_a_question(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.mention("{bot} dân số Kinh Môn là bao nhiêu", chat_id=GROUP_ID))
    (reply,) = api.sent(GROUP_ID)
    assert "174.662" in reply["text"]
    assert await engine.logged_question(qid_of(reply)) == "dân số Kinh Môn là bao nhiêu"


async def test_group_mention_alone_gets_a_hint(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.mention("{bot}", chat_id=GROUP_ID))
    (hint,) = api.sent_texts()
    assert hint.startswith(texts.HINT_EMPTY)


async def test_group_reply_to_the_bot_is_a_question(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/hoi Kinh Môn có bao nhiêu sản phẩm OCOP?", chat_id=GROUP_ID))
    bot_message = api.last_message_with_keyboard(GROUP_ID)
    await tg.send(tg.reply_to_bot("còn dân số thị xã Kinh Môn?", bot_message, chat_id=GROUP_ID))
    assert "174.662" in api.sent_texts(GROUP_ID)[-1]
    await tg.send(tg.sticker(chat_id=GROUP_ID, reply_to_message=bot_message))
    assert api.sent_texts(GROUP_ID)[-1] == texts.HINT_MEDIA


async def test_group_buttons_work_for_anyone(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.command(f"/hoi {QUESTION}", chat_id=GROUP_ID))
    await tg.press(texts.BTN_UP, chat_id=GROUP_ID, user_id=OTHER_ID)
    await tg.press(texts.BTN_MORE, chat_id=GROUP_ID, user_id=OTHER_ID)
    assert len(api.sent(GROUP_ID)) == 2
    assert (await engine.stats()).feedback_up == 1


async def test_edited_messages_are_not_answered_again(tg: Updates, api: FakeBotAPI):
    data = tg.text(QUESTION)
    data["edited_message"] = data.pop("message")
    data["edited_message"]["edit_date"] = data["edited_message"]["date"]
    await tg.send(data)
    assert api.sent() == []


async def test_the_hint_names_every_place_as_written(
    tg: Updates, api: FakeBotAPI, engine: Engine, settings: Settings
):
    """The hint lists the corpus's places; one holding markup characters (a sidecar's, typed by
    hand) reaches the user as written, in a message Telegram accepts (the app fixture checks)."""
    seed = next(iter(sorted((REPO / "seeds").glob("*.txt"))))
    (settings.articles_dir / "ban-sao.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (settings.articles_dir / "ban-sao.meta.json").write_text(
        '{"place": "Phường <Mới> & Bến Cũ"}', encoding="utf-8"
    )
    await engine.reload()
    assert "Phường <Mới> & Bến Cũ (Hải Dương)" in engine.coverage().places
    await tg.send(tg.text("?!"))
    (sent,) = api.called("sendMessage")
    said = rendered(sent["text"], sent["parse_mode"])
    assert said == texts.check_question("?!", 1000, engine.coverage()) and "Phường <Mới> & Bến Cũ" in said
