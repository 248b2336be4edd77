"""Unicode clean-up, tone-mark placement, accent folding and abbreviations."""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.text.analyze import analyze
from bot.text.normalize import (
    _ABBREV_RE,
    canonical,
    clean_unicode,
    expand_abbreviations,
    fix_tone_placement,
    fold,
    is_folded,
)

SEED_FILES = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))

# ---------------------------------------------------------------- Unicode


def test_clean_unicode_composes_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Kinh Môn đạt đô thị loại III")
    assert decomposed != "Kinh Môn đạt đô thị loại III"
    assert clean_unicode(decomposed) == "Kinh Môn đạt đô thị loại III"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000", "\t"])
def test_clean_unicode_exotic_spaces_become_plain(space):
    assert clean_unicode(f"67,5{space}triệu đồng") == "67,5 triệu đồng"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u202a"])
def test_clean_unicode_drops_invisible_characters(invisible):
    assert clean_unicode(f"Đông{invisible} Triều") == "Đông Triều"
    assert clean_unicode(f"thu{invisible}ngân") == "thungân"


def test_clean_unicode_line_endings_and_controls():
    assert clean_unicode("một\r\nhai\rba\x00\x07") == "một\nhai\nba"


def test_analysis_ignores_unicode_noise():
    clean = analyze("Thu nhập bình quân Kinh Môn")
    noisy = analyze(unicodedata.normalize("NFD", "Thu\u00a0nhập bình\u200b quân Kinh\ufeff Môn"))
    assert noisy == clean


# ---------------------------------------------------------------- tone placement


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Tỉnh uỷ", "Tỉnh ủy"),
        ("Thị uỷ", "Thị ủy"),
        ("thuỷ sản", "thủy sản"),
        ("hoà bình", "hòa bình"),
        ("đô thị hoá", "đô thị hóa"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Uỷ viên", "Ủy viên"),
        ("HOÀ", "HÒA"),
        ("THUỶ SẢN", "THỦY SẢN"),
        ("Hoà", "Hòa"),
    ],
)
def test_old_tone_placement_moves_to_modern(old, new):
    assert fix_tone_placement(old) == new
    assert fix_tone_placement(new) == new  # idempotent on the modern style


@pytest.mark.parametrize(
    "word",
    # "qu" is a consonant cluster: the mark stays on y; closed syllables have one placement only.
    ["quý", "Quý", "QUÝ", "quỳ", "hoàn", "toàn", "hoài", "thuyền", "khuyến", "thuở", "Khuê", "hoạch"],
)
def test_words_with_one_spelling_are_unchanged(word):
    assert fix_tone_placement(word) == word


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tỉnh uỷ", "Tỉnh ủy"),
        ("thuỷ sản", "thủy sản"),
        ("hoà", "hòa"),
        ("kinh tế - xã hội, văn hoá", "kinh tế - xã hội, văn hóa"),
        ("Uỷ viên Trung ương", "Ủy viên Trung ương"),
    ],
)
def test_old_and_new_tone_placement_analyze_the_same(a, b):
    assert analyze(a) == analyze(b)
    assert canonical(a) == canonical(b)


def test_canonical_is_case_folded_and_modern():
    assert canonical("TỈNH UỶ Hà\u00a0Tĩnh") == "tỉnh ủy hà tĩnh"


# ---------------------------------------------------------------- folding


def test_fold_strips_every_diacritic():
    assert fold("Kinh Môn đạt ĐÔ THỊ loại III") == "Kinh Mon dat DO THI loai III"
    assert fold("Thủy sản, hoà bình, Quảng Ninh") == "Thuy san, hoa binh, Quang Ninh"


def test_fold_keeps_length_and_ascii():
    text = "Đông Triều là thị xã điển hình kiểu mẫu"
    assert len(fold(text)) == len(text)
    assert fold(text).isascii()
    assert fold(fold(text)) == fold(text)


def test_is_folded():
    assert is_folded("kinh")
    assert not is_folded("kính")
    assert not is_folded("đông")


# ---------------------------------------------------------------- abbreviations


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("TX Kỳ Anh", "thị xã Kỳ Anh"),
        ("tx Kỳ Anh", "thị xã Kỳ Anh"),
        ("TX. Đông Triều", "thị xã Đông Triều"),
        ("TP Móng Cái", "thành phố Móng Cái"),
        ("Tp Móng Cái", "thành phố Móng Cái"),
        ("phát triển KT-XH", "phát triển kinh tế - xã hội"),
        ("phát triển KT - XH", "phát triển kinh tế - xã hội"),
        ("xây dựng NTM kiểu mẫu", "xây dựng nông thôn mới kiểu mẫu"),
        ("chương trình xây dựng nNTM", "chương trình xây dựng nông thôn mới"),
        ("tổng thu NSNN", "tổng thu ngân sách nhà nước"),
        ("tổng thu NSSN", "tổng thu ngân sách nhà nước"),
        ("KCN Hải Yên", "khu công nghiệp Hải Yên"),
        ("KKT cửa khẩu Móng Cái", "khu kinh tế cửa khẩu Móng Cái"),
        ("CCN làng nghề", "cụm công nghiệp làng nghề"),
        ("Chủ tịch HĐND tỉnh", "Chủ tịch hội đồng nhân dân tỉnh"),
        ("Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch ủy ban nhân dân tỉnh"),
        ("BTV Thị ủy Kỳ Anh", "Ban Thường vụ Thị ủy Kỳ Anh"),
        ("công tác GPMB", "công tác giải phóng mặt bằng"),
        ("đảm bảo ANQP", "đảm bảo an ninh quốc phòng"),
        ("phát triển KT-XH, QPAN", "phát triển kinh tế - xã hội, quốc phòng an ninh"),
        ("kết quả giải quyết TTHC", "kết quả giải quyết thủ tục hành chính"),
        ("thu ngân sách đc bao nhiêu", "thu ngân sách được bao nhiêu"),
        ("2 danh mục ko hoàn thành", "2 danh mục không hoàn thành"),
        ("thu ngân sách bn tỷ", "thu ngân sách bao nhiêu tỷ"),
    ],
)
def test_abbreviation_and_full_form_analyze_the_same(short, long):
    assert analyze(short) == analyze(long)
    assert analyze(short, keep_stopwords=True) == analyze(long, keep_stopwords=True)


@pytest.mark.parametrize(
    ("short", "expected_words"),
    [
        ("TX", "thị xã"),
        ("TP", "thành phố"),
        ("KT-XH", "kinh tế - xã hội"),
        ("NTM", "nông thôn mới"),
        ("NSNN", "ngân sách nhà nước"),
        ("KCN", "khu công nghiệp"),
        ("KKT", "khu kinh tế"),
        ("CCN", "cụm công nghiệp"),
        ("HĐND", "hội đồng nhân dân"),
        ("UBND", "ủy ban nhân dân"),
        ("BTV", "ban thường vụ"),
        ("GPMB", "giải phóng mặt bằng"),
        ("ANQP", "an ninh quốc phòng"),
        ("QPAN", "quốc phòng an ninh"),
        ("TTHC", "thủ tục hành chính"),
        ("đc", "được"),
        ("ko", "không"),
        ("bn", "bao nhiêu"),
    ],
)
def test_expand_abbreviations_spells_out(short, expected_words):
    assert expand_abbreviations(f"về {short} nhé").casefold() == f"về {expected_words} nhé"


def test_chat_abbreviations_keep_their_meaning_for_search():
    # Kept stopwords show the expansion reached the analysis; dropped ones vanish on both sides.
    assert analyze("đc", keep_stopwords=True) == analyze("được", keep_stopwords=True) == ["được"]
    assert analyze("ko", keep_stopwords=True) == analyze("không", keep_stopwords=True)
    assert analyze("bn", keep_stopwords=True) == analyze("bao nhiêu", keep_stopwords=True)
    assert "bao_nhiêu" in analyze("bn", keep_stopwords=True)


@pytest.mark.parametrize(
    "text",
    [
        "Kinh Môn có bao nhiêu xã",  # "xã" alone is not "TX"
        "thành phố Móng Cái",
        "đại hội lần thứ XXV",
        "Ngô Hoàng Ngân",
        "tốc độ tăng trưởng 13,6%",
    ],
)
def test_abbreviation_expansion_leaves_ordinary_text_alone(text):
    assert expand_abbreviations(text) == text


@pytest.mark.parametrize(
    "text",
    # Words that merely start or end like an abbreviation ("ko", "tp", "bot", "sp"...).
    ["TPHCM", "số 53/GP-TTĐT", "dân số kon tum", "robot", "spa", "Bitx"],
    ids=["TPHCM", "GP-code", "kon-tum", "robot", "spa", "Bitx"],
)
def test_abbreviations_are_whole_words_only(text):
    assert expand_abbreviations(text) == text


@pytest.mark.parametrize(
    ("chat", "expected"),
    [("tăng bnhieu", "tăng bao nhiêu"), ("tăng bnh", "tăng bao nhiêu"), ("ko đc", "không được")],
    ids=["bnhieu", "bnh", "ko-dc"],
)
def test_every_listed_chat_spelling_expands_whole(chat, expected):
    assert expand_abbreviations(chat) == expected


def test_addressing_the_bot_is_dropped_whole():
    assert expand_abbreviations("hỏi admin").split() == ["hỏi"]
    assert expand_abbreviations("ad ơi").split() == ["ơi"]


# ---------------------------------------------------------------- the abbreviation pre-test

_ABBREV_PIECES = st.sampled_from(
    [
        "TX",
        "tx",
        "Tx.",
        "TP.",
        "tp",
        "KT-XH",
        "kt - xh",
        "UBND",
        "ubnd",
        "NTM",
        "nNTM",
        "đ/c",
        "Đ/C",
        "ad",
        "bot",
        "j",
        "sx",
        "SP",
        "k0",
        "bnhieu",
        "ANQP",
        "AN - QP",
        "an - qp",
        "/",
        "-",
        " ",
        "Kỳ",
        "Anh",
        "năm",
        "2023",
        "\n",
        ".",
        "x",
        "_",
    ]
)


def _expand_by_definition(text: str) -> str:
    for pattern, expansion in _ABBREV_RE:
        text = pattern.sub(expansion, text)
    return text


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(_ABBREV_PIECES, max_size=10).map("".join), st.text(max_size=40)))
def test_abbreviation_pre_test_changes_nothing(text):
    """The one scan gives what the passes one after another give, wherever no two abbreviations
    touch (where they do, the passes rewrite each other's output: see the test below)."""
    spans = sorted(m.span() for pattern, _ in _ABBREV_RE for m in pattern.finditer(text))
    assume(all(a[1] < b[0] for a, b in pairwise(spans)))
    assert expand_abbreviations(text) == _expand_by_definition(text)


def test_touching_abbreviations_are_each_spelt_out_once():
    # One after another, the passes spelt "AN - QP" inside "QP-ANQP" into nonsense
    # ("AN - quốc phòng an ninh ninh quốc phòng"); one scan reads each abbreviation once.
    assert expand_abbreviations("AN - QP-ANQP") == "an ninh quốc phòng-an ninh quốc phòng"


def test_abbreviation_pre_test_on_the_seeds():
    lines = [line for p in SEED_FILES for line in p.read_text(encoding="utf-8").splitlines()]
    assert sum(expand_abbreviations(line) != line for line in lines) > 5
    for line in lines:
        assert expand_abbreviations(line) == _expand_by_definition(line)
