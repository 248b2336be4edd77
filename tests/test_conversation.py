"""Conversations over the real Engine: follow-ups and their context, small talk, yes/no leads,
"did you mean" readings; and the pure parts they are made of."""

from __future__ import annotations

import pytest

from bot.answer.context import Context, ContextStore, understand
from bot.answer.reply import render_reply_plain
from bot.answer.smalltalk import small_talk, without_greeting
from bot.answer.yesno import verdict
from bot.conversation import Conversation
from bot.engine import Engine
from bot.search.snapshot import Snapshot


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def talk(engine: Engine) -> Conversation:
    return Conversation(engine, 30 * 60)


def turns(snap: Snapshot, *messages: str) -> list[tuple[str, str | None]]:
    """(question answered, reading) for each message of one conversation."""
    ctx: Context | None = None
    out = []
    for m in messages:
        u = understand(snap.parse(m), ctx)
        ctx = u.context
        out.append((u.question, u.reading))
    return out


# ---------------------------------------------------------------- follow-ups


def test_follow_ups_change_the_period_the_place_and_the_indicator(seed_snapshot: Snapshot):
    got = turns(
        seed_snapshot,
        "Thu ngân sách Móng Cái năm 2023 là bao nhiêu?",
        "còn 2 tháng đầu năm 2024?",
        "thế còn Đông Triều?",
        "còn năm 2021 thì sao?",
        "còn dân số?",
        "so với năm trước?",
    )
    assert got[0] == ("Thu ngân sách Móng Cái năm 2023 là bao nhiêu?", None)
    assert [r for _, r in got[1:]] == [
        "thu ngân sách Móng Cái, 2 tháng đầu năm 2024",
        "thu ngân sách Đông Triều, 2 tháng đầu năm 2024",
        "thu ngân sách Đông Triều, năm 2021",
        "dân số Đông Triều, năm 2021",
        "dân số Đông Triều, năm 2021 so với năm 2020",
    ]
    # The question answered is written out whole, so the parser reads it like any other.
    q = seed_snapshot.parse(got[2][0])
    assert [s.place.name for s in q.sides] == ["Đông Triều"] and q.partial


def test_a_question_complete_in_itself_starts_over(seed_snapshot: Snapshot):
    got = turns(seed_snapshot, "thu ngân sách Móng Cái năm 2023", "dân số Kinh Môn là bao nhiêu?")
    assert got[1] == ("dân số Kinh Môn là bao nhiêu?", None)


def test_a_place_the_corpus_lacks_is_not_replaced_by_the_context(seed_snapshot: Snapshot):
    got = turns(seed_snapshot, "thu ngân sách Móng Cái năm 2023", "thế còn Sơn La?")
    assert got[1] == ("thế còn Sơn La?", None)


def test_a_follow_up_typed_without_diacritics(seed_snapshot: Snapshot):
    got = turns(seed_snapshot, "thu nhap binh quan dau nguoi kinh mon nam 2023", "con nam 2020 thi sao")
    assert got[1][1] == "thu nhập bình quân đầu người Kinh Môn, năm 2020"


def test_contexts_expire_and_are_cleared():
    clock = Clock()
    store = ContextStore(60, clock)
    ctx = Context(period=None, places=(), topic=None)
    store.put("a", ctx)  # an empty context is not kept
    assert store.get("a") is None
    full = turns_context()
    store.put("a", full)
    clock.now += 59
    assert store.get("a") == full
    clock.now += 61
    assert store.get("a") is None
    store.put("a", full)
    assert store.clear("a") and store.get("a") is None and not store.clear("a")


def turns_context() -> Context:
    from bot.answer.context import Topic
    from bot.text.timeframes import Period

    return Context((), Topic("thu ngân sách", "thu ngân sách"), Period(2023))


async def test_each_person_has_a_context_of_their_own(talk: Conversation):
    talk.reply("thu ngân sách Móng Cái năm 2023", who=("chat", 1))
    talk.reply("thu nhập bình quân đầu người Kinh Môn năm 2023", who=("chat", 2))
    mine = talk.reply("còn 2 tháng đầu năm 2024?", who=("chat", 1))
    theirs = talk.reply("còn năm 2020?", who=("chat", 2))
    assert mine.reading == "thu ngân sách Móng Cái, 2 tháng đầu năm 2024"
    assert "520 tỷ đồng" in render_reply_plain(mine)
    assert theirs.reading == "thu nhập bình quân đầu người Kinh Môn, năm 2020"
    assert "67,5 triệu đồng" in render_reply_plain(theirs)
    # the same person in another chat starts afresh; no context without a `who`
    elsewhere = talk.reply("còn năm 2020?", who=("other chat", 1))
    assert elsewhere.reading is None and elsewhere.kind == "small_talk"
    alone = talk.reply("còn năm 2020?", who=None)
    assert alone.reading is None


async def test_a_follow_up_with_nothing_before_it_asks_what_about(talk: Conversation):
    r = talk.reply("còn năm 2020?", who="me")
    assert r.kind == "small_talk" and "chỉ tiêu nào, ở địa phương nào" in r.small_talk


async def test_the_log_keeps_the_question_answered(talk: Conversation, engine: Engine):
    await talk.respond("thu ngân sách Móng Cái năm 2023", "me", user=None, channel="test")
    reply, qid = await talk.respond("còn 2 tháng đầu năm 2024?", "me", user=None, channel="test")
    assert await engine.logged_question(qid) == reply.question
    assert "thu ngân sách" in reply.question and "2 tháng đầu năm 2024" in reply.question
    assert "Móng Cái" in reply.question
    # "Xem thêm" pages through what was answered, not through "còn 2 tháng đầu năm 2024?"
    more, _ = engine.more(reply.question)
    assert more.quotes or more.notice


# ---------------------------------------------------------------- small talk


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("xin chào", "greeting"),
        ("Xin chào bạn!", "greeting"),
        ("hello", "greeting"),
        ("cảm ơn", "thanks"),
        ("cam on ban nhieu", "thanks"),
        ("bạn là ai", "who"),
        ("Bạn là ai vậy?", "who"),
        ("giúp tôi", "help"),
        ("dữ liệu lấy từ đâu", "sources"),
        ("du lieu lay tu dau?", "sources"),
        ("tạm biệt", "bye"),
        ("ok", "ack"),
        ("What is the population of Kinh Mon?", "english"),
        ("How much is the budget revenue of Mong Cai in 2023?", "english"),
    ],
)
def test_small_talk_is_told_apart(message: str, kind: str):
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "chào bạn, dân số Kinh Môn là bao nhiêu?",
        "thu nhap binh quan kinh mon",
        "Kinh Môn có được lên thành phố không?",
        "bạn biết gì về Kinh Môn?",
        "Mong Cai",
        "giúp tôi tìm dân số Kinh Môn",
    ],
)
def test_questions_are_not_small_talk(message: str):
    assert small_talk(message) is None


def test_a_greeting_before_a_question_is_taken_off():
    assert without_greeting("Chào bạn, dân số Kinh Môn là bao nhiêu?") == "dân số Kinh Môn là bao nhiêu?"
    assert without_greeting("dân số Kinh Môn") == "dân số Kinh Môn"


async def test_small_talk_is_a_friendly_reply_and_never_an_unanswered_question(
    talk: Conversation, engine: Engine
):
    for message in ("xin chào", "cảm ơn", "bạn là ai", "giúp tôi", "dữ liệu lấy từ đâu", "What is this?"):
        reply, qid = await talk.respond(message, "me", user="u", channel="test")
        assert reply.kind == "small_talk" and not reply.refused, message
        text = render_reply_plain(reply)
        assert "không dám đưa ra con số" not in text
        assert "«" in text or message == "cảm ơn"  # an example question to try
        assert qid is not None
    stats = await engine.stats()
    assert stats.recent_unanswered == []
    assert stats.refusal_rate_7d == 0.0
    sources = render_reply_plain(talk.reply("dữ liệu lấy từ đâu"))
    assert "5 bài báo" in sources and "BVR&MT" in sources


# ---------------------------------------------------------------- yes/no


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Kinh Môn có được lên thành phố không?", None),  # a plan: neither Có nor Chưa
        ("Móng Cái có còn hộ nghèo không?", "Không"),
        ("Kỳ Anh đã đạt đủ tiêu chuẩn đô thị loại 3 chưa?", "Chưa"),
        ("Đông Triều có xã nào đạt chuẩn nông thôn mới kiểu mẫu không?", "Có"),
        ("Kinh Môn đã được công nhận thị xã chưa?", "Có"),
        # "thành" of "hoàn thành" is not "thành phố", and a "chưa" elsewhere decides nothing
        ("Kinh Môn có phải là thành phố không?", None),
        # a demand ("yêu cầu ... không được vội vàng") is not a "Không"
        ("Kỳ Anh có được công nhận đô thị loại 3 chưa?", None),
    ],
)
async def test_yes_no_says_what_the_deciding_sentence_says(
    talk: Conversation, question: str, word: str | None
):
    reply = talk.reply(question, clarify=False)
    assert reply.verdict is not None and reply.verdict.word == word
    text = render_reply_plain(reply)
    if word:
        assert text.startswith(f"{word}. Theo bài viết:")
        # the sentence quoted first is the one that decides
        assert reply.verdict.clause.split()[0] in reply.answer.quotes[0].text.casefold()
    elif reply.verdict.plan:
        assert text.startswith("Bài viết không nói là đã có hay chưa")
    else:
        assert text.startswith("Đoạn liên quan nhất không nói rõ có hay không")


def test_a_plan_announced_before_the_clause_decides_nothing(seed_snapshot: Snapshot):
    q = seed_snapshot.parse("Kinh Môn có được lên thành phố không?")
    found = verdict(
        q,
        "Thị xã Kinh Môn xác định mục tiêu, nhiệm vụ đó là: xây dựng thị xã đạt đô thị loại III và trở "
        "thành thành phố trước năm 2030.",
    )
    assert found.word is None and found.plan


# ---------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("message", "reading"),
    [
        ("kin môn dân số", "Kinh Môn dân số"),
        ("dan so kin mon", "dân số Kinh Môn"),
        ("dong chieu thu ngan sach", "Đông Triều thu ngân sách"),
        ("thu ngan sach mong cay", "thu ngân sách Móng Cái"),
        ("Kinh Mông có bao nhiêu dân", "Kinh Môn có bao nhiêu dân"),
    ],
)
async def test_a_place_close_to_a_known_one_is_offered(talk: Conversation, message: str, reading: str):
    reply = talk.reply(message, "me")
    assert reply.kind == "clarify" and reply.choices[0] == reading
    chosen = talk.reply(reply.choices[0], "me", clarify=False)
    assert chosen.kind == "answer" and not chosen.refused


@pytest.mark.parametrize(
    "message", ["Kinh Môn dân số", "kinh tế Móng Cái có tăng không", "thu nhap binh quan dau nguoi kinh mon"]
)
async def test_nothing_is_offered_for_a_clear_question(talk: Conversation, message: str):
    assert talk.reply(message, "me").kind == "answer"


async def test_doubtful_diacritics_are_offered_only_when_another_reading_answers_better(talk: Conversation):
    offered = 0
    for message in ("tien dat kinh mon", "tien dau tu kinh mon", "tien su dung dat kinh mon"):
        reply = talk.reply(message, None)
        if reply.kind != "clarify":
            continue
        offered += 1
        first = talk.reply(reply.choices[0], None, clarify=False)
        assert reply.choices[0] == talk.engine.snapshot.parse(message).understood  # the bot's reading first
        for other in reply.choices[1:]:
            answer = talk.reply(other, None, clarify=False).answer
            assert not answer.refused
            assert first.refused or answer.quotes[0].text != first.answer.quotes[0].text
    assert offered >= 1
    # a restored question whose other readings answer no better is answered at once
    assert talk.reply("tien su dung dat kinh mon", None).kind == "answer"


async def test_a_plan_is_quoted_as_a_plan(talk: Conversation):
    reply = talk.reply("Kinh Môn có được lên thành phố không?", clarify=False)
    assert reply.verdict is not None and reply.verdict.word is None and reply.verdict.plan
    assert render_reply_plain(reply).startswith("Bài viết không nói là đã có hay chưa")
    assert "trở thành thành phố trước năm 2025" in reply.answer.quotes[0].text


async def test_the_reported_follow_ups(talk: Conversation):
    """Issue 12: "còn năm 2020 thì sao?" after a Móng Cái question got Kinh Môn's figure, and
    "còn Móng Cái thì sao?" was refused."""
    talk.reply("Thu ngân sách Móng Cái năm 2023 là bao nhiêu?", who="me")
    reply = talk.reply("còn năm 2020 thì sao?", who="me")
    assert reply.reading == "thu ngân sách Móng Cái, năm 2020"
    assert {s.place for s in reply.sources} == {"Móng Cái"}
    talk.reply("Tổng thu ngân sách của Kỳ Anh là bao nhiêu?", who="me")
    reply = talk.reply("còn Móng Cái thì sao?", who="me")
    assert reply.reading == "tổng thu ngân sách Móng Cái"
    assert not reply.refused and "gần 5.000 tỷ đồng" in reply.answer.quotes[0].text
    assert {s.place for s in reply.sources} == {"Móng Cái"}


async def test_a_passage_both_years_lean_on_is_quoted_once(talk: Conversation):
    talk.reply("tăng trưởng kinh tế Đông Triều năm 2021 là bao nhiêu", who="me")
    reply = talk.reply("so với năm trước?", who="me")
    assert reply.reading == "tăng trưởng kinh tế Đông Triều, năm 2021 so với năm 2020"
    assert len(reply.answer.quotes) == 1
    assert render_reply_plain(reply).count("tốc độ tăng trưởng kinh tế đạt 13,6%") == 1
