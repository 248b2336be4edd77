"""The corpus from Telegram, through the fake Bot API: a news page, a Word file and a PDF uploaded
by an admin and answered from with their own title, outlet, date (and page); the same file again;
bad files; links (/them, a plain link) from a server on 127.0.0.1; /nguon ids; /xoa with its
confirm button; /sua; and nobody else can do any of it."""

from __future__ import annotations

import pytest
from documents import QUANG_TRI, SA_DEC, SON_TAY, WebServer, real_page, real_pdf, real_word, scanned_pdf
from tg_fakeapi import FakeBotAPI, FakeRequest, rendered
from tg_support import ADMIN_ID, USER_ID, Updates, make_settings

from bot import texts
from bot.config import Settings
from bot.engine import Engine
from bot.errors import NotAdmin
from bot.tg.app import build_application

REAL = [
    ("Sơn Tây 2023.html", real_page, SON_TAY, "Báo Mới", "10/01/2024", None),
    ("Sa Đéc.docx", real_word, SA_DEC, SA_DEC["publisher"], "12/02/2018", None),
    ("Quảng Trị 2023.pdf", real_pdf, QUANG_TRI, QUANG_TRI["publisher"], "29/12/2023", 2),
]


def last(api: FakeBotAPI, chat: int = ADMIN_ID) -> str:
    return rendered(api.sent_texts(chat)[-1], "HTML")


@pytest.mark.parametrize(("name", "make", "article", "publisher", "date", "page"), REAL)
async def test_admin_uploads_each_format_and_users_are_answered_from_it(
    tg: Updates, api: FakeBotAPI, settings: Settings, name, make, article, publisher, date, page
):
    await tg.send(tg.document(name, make(), user_id=ADMIN_ID))
    reply = last(api)
    assert reply.startswith("✅ Đã thêm bài viết"), reply
    assert article["title"] in reply and publisher in reply and date in reply
    await tg.send(tg.text(article["question"]))
    answer = last(api, USER_ID)
    assert article["figure"] in answer
    source = answer.split("— Nguồn:")[1]
    assert article["title"] in source and publisher in source and date in source
    assert (f"trang {page}" in source) == bool(page)


async def test_the_same_file_again_is_already_there(tg: Updates, api: FakeBotAPI, settings: Settings):
    data = real_pdf()
    await tg.send(tg.document("quang-tri.pdf", data, user_id=ADMIN_ID))
    await tg.send(tg.document("quang-tri (1).pdf", data, file_id="doc2", user_id=ADMIN_ID))
    reply = last(api)
    assert "đã có trong kho" in reply and "Đã thêm" not in reply
    assert [p.name for p in settings.articles_dir.iterdir()] == ["quang-tri.pdf"]


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("scan.pdf", scanned_pdf, "tệp PDF chỉ có ảnh quét, không có chữ để đọc"),
        ("hong.pdf", lambda: real_pdf()[:1500], "tệp PDF bị hỏng"),
        ("bai.html", lambda: b"<!DOCTYPE html><html><body><nav><a href='/'>Trang ch\xe1\xbb\xa7</a></nav></body></html>",
         "trang web không có nội dung bài viết"),
    ],
)  # fmt: skip
async def test_bad_uploads_say_why_and_add_nothing(
    tg: Updates, api: FakeBotAPI, settings: Settings, engine: Engine, name, make, reason
):
    before = engine.coverage().articles
    await tg.send(tg.document(name, make(), user_id=ADMIN_ID))
    reply = last(api)
    assert reply.startswith("❌") and reason in reply, reply
    assert list(settings.articles_dir.iterdir()) == []
    assert engine.coverage().articles == before


# ---------------------------------------------------------------- links


@pytest.fixture
async def linked(project, api: FakeBotAPI):
    """The app with links allowed to reach the local server (FETCH_ALLOW_PRIVATE, tests only)."""
    settings = make_settings(project, FETCH_ALLOW_PRIVATE="true", FETCH_TIMEOUT_SECONDS="3")
    engine = await Engine.open(settings)
    application = build_application(
        settings, engine, request=FakeRequest(api), get_updates_request=FakeRequest(api)
    )
    await application.initialize()
    await application.post_init(application)
    await application.start()
    api.reset_calls()
    try:
        yield Updates(application, api)
    finally:
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
        await engine.close()
    assert not api.problems, api.problems


async def test_them_adds_a_link(linked: Updates, api: FakeBotAPI, web: WebServer):
    url = web.page("/tin/son-tay", real_page())
    await linked.send(linked.command(f"/them {url}", user_id=ADMIN_ID))
    texts_sent = [rendered(t, "HTML") for t in api.sent_texts(ADMIN_ID)]
    assert texts_sent[0] == texts.LINK_WORKING
    assert texts_sent[-1].startswith("✅ Đã thêm") and SON_TAY["title"] in texts_sent[-1]
    await linked.send(linked.text(SON_TAY["question"]))
    assert SON_TAY["figure"] in last(api, USER_ID)
    assert f'href="{SON_TAY["url"]}"' in api.sent_texts(USER_ID)[-1]  # the canonical link under the quote


async def test_a_plain_link_from_an_admin_is_added_and_from_a_user_is_a_question(
    linked: Updates, api: FakeBotAPI, web: WebServer
):
    url = web.page("/files/quang-tri.pdf", real_pdf(), "application/pdf")
    await linked.send(linked.text(url, user_id=USER_ID))
    assert web.requested == []  # a user's link is asked as a question, never fetched
    await linked.send(linked.text(url, user_id=ADMIN_ID))
    assert last(api).startswith("✅ Đã thêm") and QUANG_TRI["title"] in last(api)
    await linked.send(linked.text(url, user_id=ADMIN_ID))
    assert "đã có trong kho" in last(api)


async def test_link_failures_say_why(linked: Updates, api: FakeBotAPI, web: WebServer):
    web.redirect("/vong", "/vong")
    await linked.send(linked.command(f"/them {web.url('/vong')}", user_id=ADMIN_ID))
    assert "chuyển hướng quá nhiều lần" in last(api)
    web.page("/anh.png", b"\x89PNG", "image/png")
    await linked.send(linked.text(web.url("/anh.png"), user_id=ADMIN_ID))
    assert "không phải trang web hay tài liệu" in last(api)


async def test_local_links_are_refused_with_default_settings(tg: Updates, api: FakeBotAPI, web: WebServer):
    await tg.send(tg.command(f"/them {web.page('/p', real_page())}", user_id=ADMIN_ID))
    assert "địa chỉ nội bộ" in last(api)
    assert web.requested == []


# ---------------------------------------------------------------- /nguon, /xoa, /sua


async def test_nguon_shows_short_ids(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.command("/nguon", user_id=ADMIN_ID))
    text = last(api)
    for entry in engine.corpus_entries():
        assert entry.id in text
    assert text.count("🔒") == 5 + 1  # the seeds, read-only, and the legend
    await tg.send(tg.command("/nguon"))
    assert "🔒" not in last(api, USER_ID)


async def test_xoa_asks_then_removes(tg: Updates, api: FakeBotAPI, engine: Engine, settings: Settings):
    await tg.send(tg.document("sa-dec.docx", real_word(), user_id=ADMIN_ID))
    entry = next(e for e in engine.corpus_entries() if e.editable)
    await tg.send(tg.command(f"/xoa {entry.id}", user_id=ADMIN_ID))
    assert "khỏi kho?" in last(api) and (settings.articles_dir / "sa-dec.docx").exists()
    await tg.press(texts.BTN_CANCEL, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert api.called("editMessageText")[-1]["text"] == texts.REMOVE_CANCELLED
    assert (settings.articles_dir / "sa-dec.docx").exists()
    await tg.send(tg.command(f"/xoa {entry.id}", user_id=ADMIN_ID))
    # Someone else pressing the button (in a group, say) removes nothing.
    message = api.last_message_with_keyboard(ADMIN_ID)
    button = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await tg.send(tg.callback(button, message, user_id=USER_ID))
    assert (settings.articles_dir / "sa-dec.docx").exists()
    assert api.called("answerCallbackQuery")[-1]["text"] == NotAdmin.user_message
    await tg.press(texts.BTN_CONFIRM_REMOVE, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "Đã xoá bài" in rendered(api.called("editMessageText")[-1]["text"], "HTML")
    assert list(settings.articles_dir.iterdir()) == []
    assert engine.coverage().articles == 5


async def test_xoa_and_sua_refuse_the_seeds(tg: Updates, api: FakeBotAPI, engine: Engine):
    seed = engine.corpus_entries()[0]
    await tg.send(tg.command(f"/xoa {seed.id}", user_id=ADMIN_ID))
    assert "chỉ đọc" in last(api)
    await tg.send(tg.command(f"/sua {seed.id} ngay=2020-01-01", user_id=ADMIN_ID))
    assert "chỉ đọc" in last(api)
    await tg.send(tg.command("/xoa khongco", user_id=ADMIN_ID))
    assert "Không có bài viết mã" in last(api)


async def test_sua_corrects_and_reindexes(tg: Updates, api: FakeBotAPI, engine: Engine):
    await tg.send(tg.document("quang-tri.pdf", real_pdf(), user_id=ADMIN_ID))
    entry = next(e for e in engine.corpus_entries() if e.editable)
    await tg.send(tg.command(f"/sua {entry.id} ngay=28/12/2023 bao=Cục Thống kê Quảng Trị", user_id=ADMIN_ID))
    reply = last(api)
    assert reply.startswith("✅ Đã sửa") and "28/12/2023" in reply and "Cục Thống kê Quảng Trị" in reply
    await tg.send(tg.text(QUANG_TRI["question"]))
    assert "(Cục Thống kê Quảng Trị, 28/12/2023, trang 2)" in last(api, USER_ID)
    await tg.send(tg.command(f"/sua {entry.id} ngay=32/12/2023", user_id=ADMIN_ID))
    assert "không hợp lệ" in last(api)
    await tg.send(tg.command(f"/sua {entry.id}", user_id=ADMIN_ID))
    assert "Cách dùng" in last(api)


@pytest.mark.parametrize(
    "command", ["/them https://baomoi.vn/a.html", "/xoa abcd", "/sua abcd ngay=2020-01-01"]
)
async def test_users_cannot_manage_the_corpus(tg: Updates, api: FakeBotAPI, settings: Settings, command: str):
    await tg.send(tg.command(command))
    assert api.sent_texts() == [NotAdmin.user_message]
