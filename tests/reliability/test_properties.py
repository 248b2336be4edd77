"""Property-based tests with arbitrary Unicode: normalisation, segmentation, question parsing,
answering and formatting never raise, and every reply is valid Telegram HTML under 4,096 units.

The pyvi-backed analysis is the real one. Example counts are set per property (see EXAMPLES) so
the whole module stays within a few seconds.
"""

from __future__ import annotations

import json
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_support import TELEGRAM_LIMIT, html_problems, utf16_len

from bot.answer.render import render_html, render_plain
from bot.cli import answer_json
from bot.models import Answer, Quote, Source
from bot.qa import answer_question
from bot.search.snapshot import Snapshot
from bot.text.analyze import analyze, prepare, segment
from bot.text.normalize import canonical, clean_unicode, expand_abbreviations, fix_tone_placement, fold
from bot.tg.split import split_html

EXAMPLES = {"fast": 400, "pyvi": 150, "answer": 300, "render": 150}


def configured(kind: str):
    return settings(
        max_examples=EXAMPLES[kind],
        deadline=None,
        database=None,  # the same examples every run: no hidden state between runs
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Pieces people (and attackers) actually send, mixed into random text.
FRAGMENTS = [
    "<script>alert(1)</script>", "</b>", "<b>", "<i>", "</blockquote>", "&", "&amp;", "&lt;", "&#0;",
    "<a href=\"javascript:x\">", "'); DROP TABLE articles;--", '" OR 1=1 --', "%", "_", "%s", "{0}",
    "${x}", "\\", "\x00", "\x01", "\x1b[31m", "\r", "\n", "\t", "\x0b", "\x85", "\u2028", "\u200b",
    "\u200d", "\ufeff", "\u00ad", "\u202e", "\u2067", "\u0301", "\u0323", "👍🏽", "👨‍👩‍👧", "🇻🇳",
    "مرحبا", "שלום", "ß", "İ", "ﬃ", "𝐊", "\ufffd", "\uffff", "\U0010fffd", "Kinh Môn", "kinh mon",
    "Móng Cái", "Kỳ Anh", "thu nhập bình quân", "thu nhap binh quan", "bao nhiêu", "năm 2023", "2020",
    "11,8%", "92,5 triệu đồng", "28/9/2020", "TX", "TP.", "KT-XH", "CNH-HĐH", "j", "ntn", "?", "...",
    "0", "1234567890", "—", "«", "»",
]  # fmt: skip
LONG_UNITS = ["a", "Kinh Môn ", "<b>", "&", "👍", "\u200b", "tp ", "CNH-HĐH ", "2023 ", "\u0301", "'; --"]

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
mixed_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), any_text), max_size=25).map("".join)
long_text = st.builds(
    lambda unit, n: (unit * n)[:10_000], st.sampled_from(LONG_UNITS), st.integers(1, 10_000)
)
hostile = st.one_of(any_text, mixed_text, long_text, st.sampled_from(["", " ", "\n", "?", "0"]))

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_LEFT_OUT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]"
)


# ---------------------------------------------------------------- normalisation


@configured("fast")
@given(hostile)
def test_clean_unicode_leaves_clean_nfc_text(text: str):
    out = clean_unicode(text)
    assert not _LEFT_OUT.search(out), repr(out)
    assert "\r" not in out
    assert unicodedata.is_normalized("NFC", out)
    assert clean_unicode(out) == out


@configured("fast")
@given(hostile)
def test_folding_and_matching_forms_never_fail(text: str):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", folded))
    assert isinstance(canonical(text), str)
    assert isinstance(fix_tone_placement(text), str)
    assert isinstance(expand_abbreviations(text), str)


# ---------------------------------------------------------------- segmentation


@configured("pyvi")
@given(hostile)
def test_analysis_gives_clean_tokens(text: str):
    tokens = analyze(text)
    for tok in tokens:
        assert tok and tok == tok.strip() and not any(c.isspace() for c in tok), repr(tok)
        assert not _LEFT_OUT.search(tok), repr(tok)
    for word in segment(prepare(text)):
        assert word and not any(c.isspace() for c in word), repr(word)


# ---------------------------------------------------------------- question parsing


@configured("pyvi")
@given(hostile)
def test_question_parsing_never_fails(seed_snapshot: Snapshot, text: str):
    q = seed_snapshot.parse(text)
    assert isinstance(q.understood, str)
    assert q.sides and all(isinstance(t, str) and t for t in q.tokens)
    assert all(1900 <= y <= 2100 for y in q.years)


# ---------------------------------------------------------------- answers and formatting


def assert_valid_replies(html_text: str) -> list[str]:
    """What the Telegram layer sends: the reply split into messages, each one valid."""
    pieces = split_html(html_text)
    assert pieces, "an empty reply"
    for piece in pieces:
        assert not html_problems(piece), (html_problems(piece), piece[:500])
        assert utf16_len(piece) <= TELEGRAM_LIMIT
    return pieces


@configured("answer")
@given(hostile, st.sampled_from([0, 0, 0, 1, 3, 50]))
def test_every_answer_is_valid_telegram_html(seed_snapshot: Snapshot, text: str, offset: int):
    answer = answer_question(seed_snapshot, text, offset=offset)
    assert answer.quotes or answer.notice  # never silent
    html_text = render_html(answer)
    # Before splitting: balanced, allowed tags only, everything escaped (only the length may be over).
    assert [p for p in html_problems(html_text) if "UTF-16" not in p] == []
    assert_valid_replies(html_text)
    plain = render_plain(answer)
    assert plain.strip()
    # Control characters typed into a question never come back in a reply (a terminal would
    # obey "\x1b[31m"; Telegram refuses some of them).
    assert not _CONTROL.search(html_text), repr(html_text[:500])
    assert not _CONTROL.search(plain), repr(plain[:500])
    line = answer_json(text, answer)
    assert len(line.splitlines()) == 1
    assert json.loads(line)["question"] == text


sources = st.builds(
    Source,
    path=st.sampled_from(["seeds/a.txt", "data/articles/b.md"]),
    title=hostile.filter(lambda t: bool(t.strip())),
    publisher=st.none() | hostile,
    date=st.none()
    | st.sampled_from(["2023-06-22", "2023", "", "22/06/2023", "abcd-ef-gh", "2023-06-22T10:00"]),
    place=st.none() | any_text,
    province=st.none() | any_text,
    url=st.none()
    | st.sampled_from(['https://x.vn/a?b=1&c="2"<3>', "javascript:alert(1)", "http://", "ftp://x", ""])
    | any_text.map(lambda t: "https://" + t),
)


@st.composite
def quotes(draw: st.DrawFn) -> Quote:
    text = draw(hostile)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = tuple((a, b) for a, b in zip(cuts[0::2], cuts[1::2], strict=False) if a < b)
    label = draw(st.none() | any_text)
    return Quote(text, spans, draw(sources), 1.0, 0, label)


@configured("render")
@given(
    st.lists(quotes(), max_size=3),
    st.none() | hostile,
    st.none() | hostile,
    st.booleans(),
)
def test_rendering_any_answer_gives_valid_replies(qs, understood, notice, refused):
    answer = Answer("?", refused, tuple(qs), understood, notice)
    html_text = render_html(answer)
    if not re.sub(r"<[^<>]*>", "", html_text).strip():
        return  # nothing to show at all (the engine never builds such an answer)
    assert [p for p in html_problems(html_text) if "UTF-16" not in p and "visible" not in p] == []
    for piece in split_html(html_text):
        assert not html_problems(piece), (html_problems(piece), piece[:500])
    assert isinstance(render_plain(answer), str)
