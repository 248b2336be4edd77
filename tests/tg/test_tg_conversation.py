"""Conversations through the Telegram stand-in: follow-ups in private chats and groups, each
person's context apart, expiry and /moi, small talk, tables with their charts, "did you mean"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from tg_fakeapi import FakeBotAPI, rendered
from tg_support import ADMIN_ID, GROUP_ID, OTHER_ID, USER_ID, Updates

from bot import texts
from bot.answer import chart as charts
from bot.answer.table import fact_table
from bot.config import Settings
from bot.engine import Engine
from bot.tg.handlers.talk import talk_of

FIRST = "Thu ngân sách Móng Cái năm 2023 là bao nhiêu?"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def seen(api: FakeBotAPI, chat_id: int) -> str:
    """The last message in a chat as the person reads it."""
    last = api.sent(chat_id)[-1]
    return rendered(last["text"], last.get("parse_mode"))


def last_bot_message(api: FakeBotAPI, chat_id: int) -> dict[str, Any]:
    with api.lock:
        mine = [m for (c, _), m in sorted(api.messages.items(), key=lambda kv: kv[0][1]) if c == chat_id]
    return [m for m in mine if "text" in m][-1]


def buttons(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_follow_ups_in_a_private_chat(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text(FIRST))
    assert "gần 5.000 tỷ đồng" in seen(api, USER_ID)
    await tg.send(tg.text("còn 2 tháng đầu năm 2024?"))
    reply = api.sent(USER_ID)[-1]
    assert reply["text"].startswith("<i>Tôi hiểu là: thu ngân sách Móng Cái, 2 tháng đầu năm 2024</i>")
    assert "<b>520 tỷ đồng</b>" in reply["text"]
    assert buttons(reply) == [texts.BTN_MORE, texts.BTN_UP, texts.BTN_DOWN]
    await tg.send(tg.text("thế còn Đông Triều?"))  # another place, the same topic and period
    text = seen(api, USER_ID)
    assert text.startswith("Tôi hiểu là: thu ngân sách Đông Triều, 2 tháng đầu năm 2024")
    assert "2.263 tỷ đồng" in text and "không tìm thấy thông tin năm 2024 của Đông Triều" in text
    await tg.send(tg.text("còn năm 2021?"))  # another year
    text = seen(api, USER_ID)
    assert text.startswith("Tôi hiểu là: thu ngân sách Đông Triều, năm 2021")
    assert "2.263 tỷ đồng" in text and "không tìm thấy" not in text
    await tg.send(tg.text("còn tăng trưởng kinh tế?"))  # another indicator
    text = seen(api, USER_ID)
    assert text.startswith("Tôi hiểu là: tăng trưởng kinh tế Đông Triều, năm 2021")
    assert "13,6%" in text
    # "Xem thêm" pages through the question as understood
    await tg.press(texts.BTN_MORE)
    assert "<blockquote>" in api.sent(USER_ID)[-1]["text"]


async def test_contexts_are_kept_apart_between_people_in_a_group_and_across_chats(
    tg: Updates, api: FakeBotAPI
):
    await tg.send(tg.command(f"/hoi {FIRST}", chat_id=GROUP_ID, user_id=USER_ID))
    to_first = last_bot_message(api, GROUP_ID)
    await tg.send(
        tg.command("/hoi thu nhập bình quân đầu người Kinh Môn năm 2023", chat_id=GROUP_ID, user_id=OTHER_ID)
    )
    to_other = last_bot_message(api, GROUP_ID)
    # A group message that does not address the bot is not answered and changes no context.
    await tg.send(tg.text("còn năm 2019?", chat_id=GROUP_ID, user_id=USER_ID))
    assert len(api.sent(GROUP_ID)) == 2
    # Each replies to the bot: each gets their own topic.
    await tg.send(tg.reply_to_bot("còn năm 2020?", to_other, chat_id=GROUP_ID, user_id=OTHER_ID))
    text = seen(api, GROUP_ID)
    assert text.startswith("Tôi hiểu là: thu nhập bình quân đầu người Kinh Môn, năm 2020")
    assert "67,5 triệu đồng" in text
    assert api.sent(GROUP_ID)[-1]["reply_parameters"]  # a group answer quotes what it answers
    await tg.send(tg.reply_to_bot("còn 2 tháng đầu năm 2024?", to_first, chat_id=GROUP_ID, user_id=USER_ID))
    text = seen(api, GROUP_ID)
    assert text.startswith("Tôi hiểu là: thu ngân sách Móng Cái, 2 tháng đầu năm 2024")
    # The same person in a private chat: the group's context does not follow them.
    await tg.send(tg.text("còn năm 2020?", user_id=USER_ID))
    assert "chỉ tiêu nào, ở địa phương nào" in seen(api, USER_ID)
    # /hoi carries the context too
    await tg.send(tg.command("/hoi thế còn Đông Triều?", chat_id=GROUP_ID, user_id=OTHER_ID))
    assert seen(api, GROUP_ID).startswith("Tôi hiểu là: thu nhập bình quân đầu người Đông Triều, năm 2020")


async def test_a_context_expires(tg: Updates, api: FakeBotAPI, app, settings: Settings):
    talk = talk_of_app(app)
    assert talk.contexts.ttl == settings.context_minutes * 60 == 30 * 60
    clock = Clock()
    talk.contexts.clock = clock
    await tg.send(tg.text(FIRST))
    clock.now += 29 * 60
    await tg.send(tg.text("còn 2 tháng đầu năm 2024?"))
    assert seen(api, USER_ID).startswith("Tôi hiểu là: thu ngân sách Móng Cái")
    clock.now += 31 * 60  # 31 minutes after the last message
    await tg.send(tg.text("còn năm 2021?"))
    assert "chỉ tiêu nào, ở địa phương nào" in seen(api, USER_ID)


async def test_moi_clears_the_context(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.command("/moi"))
    assert api.sent_texts(USER_ID)[-1] == texts.NEW_CONVERSATION_EMPTY
    await tg.send(tg.text(FIRST))
    await tg.send(tg.command("/moi"))
    assert api.sent_texts(USER_ID)[-1] == texts.NEW_CONVERSATION
    await tg.send(tg.text("còn 2 tháng đầu năm 2024?"))
    assert "chỉ tiêu nào, ở địa phương nào" in seen(api, USER_ID)


def talk_of_app(app):
    return app.bot_data["conversation"]


@pytest.mark.parametrize(
    "message",
    ["xin chào", "cảm ơn", "bạn là ai", "giúp tôi", "dữ liệu lấy từ đâu", "Hello, what can you do?"],
)
async def test_small_talk_gets_a_friendly_reply(tg: Updates, api: FakeBotAPI, message: str):
    await tg.send(tg.text(message))
    text = seen(api, USER_ID)
    assert "không dám đưa ra con số" not in text and "Xin lỗi" not in text
    assert "«" in text  # an example question
    assert not buttons(api.sent(USER_ID)[-1])


async def test_small_talk_is_not_listed_as_unanswered(tg: Updates, api: FakeBotAPI, engine: Engine):
    for message in (
        "xin chào",
        "cảm ơn",
        "bạn là ai",
        "dữ liệu lấy từ đâu",
        "What is the population of Kinh Mon?",
    ):
        await tg.send(tg.text(message, user_id=ADMIN_ID))
    await tg.send(tg.text("Sơn La có bao nhiêu dân?", user_id=ADMIN_ID))  # a real gap in the corpus
    await tg.send(tg.command("/stats", user_id=ADMIN_ID))
    stats = seen(api, ADMIN_ID)
    unanswered = stats.split("Chưa trả lời được gần đây")[1]
    assert "Sơn La có bao nhiêu dân?" in unanswered
    for message in ("xin chào", "cảm ơn", "bạn là ai", "dữ liệu lấy từ đâu", "population"):
        assert message not in unanswered
    assert (await engine.stats()).refusal_rate_7d == pytest.approx(1 / 6)


async def test_a_series_is_a_table_and_a_chart(tg: Updates, api: FakeBotAPI, engine: Engine):
    question = "thu nhập Kinh Môn 2020-2023"
    await tg.send(tg.text(question))
    reply = api.sent(USER_ID)[-1]
    assert "<b>Thu nhập bình quân đầu người của Kinh Môn qua các năm</b>" in reply["text"]
    assert "• <b>2020</b>: 67,5 triệu đồng/năm <i>(dự kiến)</i>" in reply["text"]
    assert "• <b>2023</b>: 92,5 triệu đồng <i>(ước tính)</i>" in reply["text"]
    assert "Kho bài viết không có số liệu năm 2021, 2022." in reply["text"]
    assert buttons(reply)[-2:] == [texts.BTN_UP, texts.BTN_DOWN]
    (photo,) = api.called("sendPhoto")
    assert int(photo["chat_id"]) == USER_ID
    chat, png, caption = api.photos[-1]
    assert chat == USER_ID
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.size == (960, 576)
    assert caption.startswith(
        "Thu nhập bình quân đầu người của Kinh Môn qua các năm\n[1] Thường trực Tỉnh ủy"
    )
    assert "\n[2] Thị ủy Kinh Môn sơ kết" in caption
    # What the sent chart says: the same figure drawn again from the same table.
    table = fact_table(engine.snapshot, engine.snapshot.parse(question))
    fig = charts.figure_of(table)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["67,5 triệu đồng/năm [1]\n(dự kiến)", "92,5 triệu đồng [2]\n(ước tính)"]
    drawn = charts.draw(table)
    assert drawn is not None and drawn.png == png


async def test_places_compared_with_different_years(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("thu ngân sách Móng Cái và Đông Triều"))
    text = seen(api, USER_ID)
    assert "Móng Cái (2023): gần 5.000 tỷ đồng" in text
    assert "Đông Triều (2021): trên 2.263 tỷ đồng" in text
    assert "kỳ khác nhau (Móng Cái: 2023; Đông Triều: 2021)" in text
    _, png, caption = api.photos[-1]
    assert Image.open(io.BytesIO(png)).size == (960, 576)
    assert "kỳ khác nhau" in caption


async def test_a_failed_photo_does_not_lose_the_answer(tg: Updates, api: FakeBotAPI):
    api.inject("sendPhoto", "500", times=-1)
    await tg.send(tg.text("thu nhập Kinh Môn 2020-2023"))
    assert "qua các năm" in seen(api, USER_ID)
    api.faults.clear()
    api.problems.clear()


async def test_did_you_mean_buttons(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("kin môn dân số"))
    offer = api.sent(USER_ID)[-1]
    assert rendered(offer["text"], "HTML") == texts.CLARIFY
    assert buttons(offer) == ["Kinh Môn dân số", "kin môn dân số"]
    await tg.press("Kinh Môn dân số")
    answer = seen(api, USER_ID)
    assert "174.662 người" in answer
    # the offer's buttons are gone once one is chosen
    assert "reply_markup" not in api.messages[(USER_ID, last_id(api, offer))]
    # and the reading chosen is the context a follow-up builds on
    await tg.send(tg.text("còn diện tích?"))
    assert seen(api, USER_ID).startswith("Tôi hiểu là: diện tích Kinh Môn")


def last_id(api: FakeBotAPI, params: dict[str, Any]) -> int:
    with api.lock:
        for (chat, mid), m in api.messages.items():
            if chat == USER_ID and m.get("text") == rendered(params["text"], params.get("parse_mode")):
                return mid
    raise AssertionError("offer not stored")


async def test_an_old_did_you_mean_button_says_so(tg: Updates, api: FakeBotAPI, app):
    await tg.send(tg.text("kin môn dân số"))
    talk_of_app(app)._pending.clear()  # e.g. the bot restarted since
    await tg.press("Kinh Môn dân số")
    (alert,) = api.called("answerCallbackQuery")
    assert alert["text"] == texts.CLARIFY_GONE and alert["show_alert"]


def test_talk_of_reads_the_application_data(app):
    class Ctx:
        application = app

    assert talk_of(Ctx()) is app.bot_data["conversation"]


async def test_a_did_you_mean_button_pressed_in_another_chat_does_nothing(tg: Updates, api: FakeBotAPI):
    await tg.send(tg.text("kin môn dân số"))
    offer = api.last_message_with_keyboard(USER_ID)
    data = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    moved = {**offer, "chat": {"id": OTHER_ID, "type": "private", "first_name": "Other"}}
    before = len(api.sent())
    await tg.send(tg.callback(data, moved, user_id=OTHER_ID))
    (alert,) = api.called("answerCallbackQuery")
    assert alert["text"] == texts.CLARIFY_GONE
    assert len(api.sent()) == before  # nobody's question was answered for them
