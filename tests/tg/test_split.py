"""split_html: every piece fits, is valid Telegram HTML, and together they keep all the text."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tg_fakeapi import html_problems, rendered, utf16_len

from bot.answer.render import render_html
from bot.models import Answer, Quote, Source
from bot.tg.split import split_html


def visible_words(text: str) -> list[str]:
    return rendered(text, "HTML").split()


def check(text: str, limit: int) -> list[str]:
    pieces = split_html(text, limit)
    for piece in pieces:
        assert utf16_len(piece) <= limit, (utf16_len(piece), piece)
        assert not html_problems(piece), (html_problems(piece), piece)
        assert rendered(piece, "HTML").strip()
    # Nothing lost, nothing added (cuts only fall between words or inside over-long words).
    assert "".join(visible_words(" ".join(pieces))) == "".join(visible_words(text))
    return pieces


def test_short_text_is_one_piece():
    assert split_html("<b>xin chào</b>") == ["<b>xin chào</b>"]
    assert split_html("   ") == []
    assert split_html("<b> </b>\n<i></i>") == []  # nothing visible: Telegram would refuse it


def test_cuts_at_paragraphs_first():
    paragraphs = [f"Đoạn {i}: " + "chữ " * 30 for i in range(10)]
    pieces = check("\n\n".join(paragraphs), 400)
    for piece in pieces:
        assert piece.startswith("Đoạn ")


def test_open_tags_are_closed_and_reopened():
    text = (
        '<blockquote>mở <a href="https://x.vn/?a=1&amp;b=2">liên kết '
        + "dài " * 200
        + "</a> hết</blockquote>"
    )
    pieces = check(text, 300)
    assert len(pieces) > 3
    for piece in pieces:
        assert piece.startswith("<blockquote>")
        assert piece.endswith("</blockquote>")
    assert pieces[1].startswith('<blockquote><a href="https://x.vn/?a=1&amp;b=2">')


def test_never_cuts_an_entity_or_a_tag():
    text = "&amp;&lt;&gt;" * 500 + "<b>" + "x" * 3000 + "</b>"
    for piece in check(text, 97):
        assert not re.search(r"&[a-z]*$", piece.split("<")[0])


def test_counts_utf16_like_telegram():
    text = "😀" * 5000  # each emoji is two UTF-16 units
    pieces = check(text, 4096)
    assert [utf16_len(p) for p in pieces] == [4096, 4096, 1808]


def test_a_long_answer_renders_into_valid_messages():
    source = Source("seeds/a.txt", "Tiêu đề <đặc biệt> & \"trích\"", "Báo A&B", "2024-03-04", "Móng Cái", None,
                    "https://example.vn/bai?id=1&x=<2>")  # fmt: skip
    text = "Thu nhập đạt 92,5 triệu đồng, tăng 37% so với đầu nhiệm kỳ. " * 12
    spans = tuple((m.start(), m.end()) for m in re.finditer(r"92,5 triệu đồng|37%", text))
    quotes = tuple(Quote(text, spans, source, 1.0, i, f"Phần {i} <x>") for i in range(8))
    answer = Answer("q", False, quotes, "câu hỏi <hiểu> & lại", "Lưu ý: a < b", True)
    full = render_html(answer)
    assert utf16_len(full) > 4096
    pieces = check(full, 4096)
    assert len(pieces) >= 2


@pytest.mark.parametrize("limit", [60, 200, 4096])
def test_render_html_of_tiny_limits(limit: int):
    text = "<i>Tôi hiểu</i>\n\n<blockquote>Câu <b>một</b> hai ba.</blockquote>\n— Nguồn: <i>Báo</i>"
    check(text * 20, limit)


TAGS = ["b", "i", "u", "s", "code", "blockquote"]
words = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ😀 .,\n")), min_size=1, max_size=40
)


@st.composite
def html_docs(draw: st.DrawFn) -> str:
    def node(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(1, 5))):
            kind = draw(
                st.sampled_from(["text", "text", "entity", "tag"] if depth < 3 else ["text", "entity"])
            )
            if kind == "text":
                parts.append(html.escape(draw(words), quote=False))
            elif kind == "entity":
                parts.append(draw(st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#8212;"])))
            else:
                tag = draw(
                    st.sampled_from([*TAGS, "a"] if depth == 0 else TAGS)
                )  # Telegram forbids nested links
                open_tag = '<a href="https://t.vn/?q=1&amp;r=2">' if tag == "a" else f"<{tag}>"
                parts.append(f"{open_tag}{node(depth + 1)}</{tag}>")
        return "".join(parts)

    return node(0)


@settings(max_examples=300, deadline=None)
@given(html_docs(), st.integers(min_value=120, max_value=600))
def test_property_every_piece_is_valid_and_nothing_is_lost(doc: str, limit: int):
    check(doc, limit)
