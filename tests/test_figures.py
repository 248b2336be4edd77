"""Figures: highlight spans on real seed sentences, search tokens, years."""

from __future__ import annotations

import pytest
from projects import SEEDS

from bot.text.analyze import analyze, prepare
from bot.text.figures import figure_tokens, find_figures, has_figure, roman_to_int
from bot.text.years import years_in


@pytest.fixture(scope="module")
def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def sentence_with(seed_text: str, needle: str) -> str:
    """The seed sentence (line piece between full stops) that contains needle, verbatim."""
    for line in seed_text.splitlines():
        if needle in line:
            for piece in line.split(". "):
                if needle in piece:
                    return piece
    raise AssertionError(f"{needle!r} is not in the seeds")


def figure_texts(text: str) -> list[str]:
    figs = find_figures(text)
    for f in figs:
        assert text[f.start : f.end] == f.text  # spans point at the figure itself
    return [f.text for f in figs]


# ---------------------------------------------------------------- spans on seed sentences


def test_growth_rate_and_income_with_their_units(seed_text):
    s = sentence_with(seed_text, "11,8%/năm")
    figs = figure_texts(s)
    assert "11,8%/năm" in figs
    assert "67,5 triệu đồng/năm" in figs
    assert "năm 2020" in figs


def test_year_range_with_spaces_is_one_figure(seed_text):
    s = sentence_with(seed_text, "Trong nhiệm kỳ 2020 - 2025")
    figs = figure_texts(s)
    assert "2020 - 2025" in figs
    assert "2020" not in figs and "2025" not in figs  # not split in two


def test_roman_ordinal_after_lan_thu(seed_text):
    s = sentence_with(seed_text, "lần thứ XXV xác định")
    assert "XXV" in figure_texts(s)


def test_capitalised_words_are_not_figures():
    figs = figure_texts("Nhà máy Nhiệt điện BOT Hải Dương, 9 sản phẩm OCOP, đô thị loại III")
    assert "BOT" not in figs and "OCOP" not in figs and "III" not in figs
    assert figs == ["9 sản phẩm"]


def test_full_date(seed_text):
    s = sentence_with(seed_text, "Chiều ngày 28/9/2020")
    assert "28/9/2020" in figure_texts(s)


def test_count_per_commune_and_month_date(seed_text):
    s = sentence_with(seed_text, "18,2 tiêu chí/xã")
    figs = figure_texts(s)
    assert "18,2 tiêu chí/xã" in figs
    assert "91 tiêu chí" in figs
    assert "10/2019" in figs


@pytest.mark.parametrize(
    ("needle", "figure"),
    [
        ("50.245 tỷ đồng", "50.245 tỷ đồng"),
        ("165,3km2", "165,3km2"),
        ("174.662 người", "174.662 người"),
        ("0,19%", "0,19%"),
        ("12 triệu USD", "12 triệu USD"),
        ("2,5 triệu lượt người", "2,5 triệu lượt người"),
        ("100 triệu đồng/người/năm", "100 triệu đồng/người/năm"),
        ("7/11 xã", "7/11"),
    ],
)
def test_more_seed_figures(seed_text, needle, figure):
    assert figure in figure_texts(sentence_with(seed_text, needle))


def test_has_figure():
    assert has_figure("tăng 31% so với cùng kỳ")
    assert not has_figure("Quan tâm phát triển du lịch tâm linh kết hợp với du lịch nông nghiệp")


def test_roman_to_int():
    assert roman_to_int("XXV") == 25
    assert roman_to_int("III") == 3
    assert roman_to_int("XIV") == 14
    assert roman_to_int("ABC") is None


# ---------------------------------------------------------------- search tokens


def tokens(text: str) -> list[str]:
    return figure_tokens(prepare(text))[0]


def test_full_date_gives_year_and_date():
    toks = tokens("Chiều ngày 28/9/2020, Thường trực Tỉnh uỷ")
    assert "2020" in toks
    assert "28/9/2020" in toks
    assert "28/9" in toks


def test_percentage_searchable_with_and_without_sign():
    toks = tokens("bình quân đạt 11,8%/năm")
    assert "11,8%" in toks
    assert "11,8" in toks


def test_leading_zeros_dropped():
    assert tokens("giá trị sản phẩm trên 01ha đất")[:1] == ["1"]
    assert "ha" in tokens("giá trị sản phẩm trên 01ha đất")
    assert "9" in tokens("gồm 14 phường và 09 xã")
    assert "0,19" in tokens("chiếm 0,19%")  # a decimal keeps its zero


def test_year_range_gives_both_years():
    for written in ("2020 - 2025", "2020-2025", "2015 – 2020"):
        a, b = written.replace(" ", "").replace("–", "-").split("-")
        toks = tokens(f"nhiệm kỳ {written}")
        assert f"{a}-{b}" in toks and a in toks and b in toks


def test_roman_ordinal_gives_number():
    toks = tokens("Đại hội Đảng bộ thị xã lần thứ XXV")
    assert "xxv" in toks and "25" in toks
    # So the other spelling of the same ordinal meets it.
    assert "25" in tokens("Đại hội Đảng bộ thị xã lần thứ 25")


def test_figures_are_blanked_out_of_the_rest():
    _toks, rest = figure_tokens(prepare("tăng 11,8%/năm, ngày 28/9/2020"))
    assert "11" not in rest and "2020" not in rest and "28" not in rest
    assert "tăng" in rest


def test_same_figure_same_tokens_whatever_the_spacing():
    assert tokens("11,8 %") == tokens("11,8%")
    assert analyze("1 ha") == analyze("01ha") == ["1", "ha"]


# ---------------------------------------------------------------- years


def test_years_in():
    assert years_in("thu nhập năm 2020") == [2020]
    assert years_in("ngày 28/9/2020") == [2020]
    assert years_in("đến tháng 10/2019") == [2019]
    assert sorted(years_in("nhiệm kỳ 2020 - 2025")) == [2020, 2025]


@pytest.mark.parametrize(
    "text", ["2.263 tỷ đồng", "Tất cả: 12,943", "dân số 174.662 người", "năm 1899", "2100 người"]
)
def test_years_in_ignores_other_numbers(text):
    assert years_in(text) == []
