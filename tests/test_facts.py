"""Facts read from passages at indexing time: periods, numbers, indicators, what is no fact,
and the facts table in SQLite (written with each analysis, gone with it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.search.facts import extract, parse_number
from bot.storage.facts import FactReader
from bot.storage.migrations import MIGRATIONS
from bot.text.timeframes import Period, periods_in

MONG_CAI = "seeds/003_0255a5737a73828f.txt"
KINH_MON_2020 = "seeds/000_c33e73732ab2c98c.txt"


def one(sentence: str, lead: str = "", written: int | None = 2024):
    return extract([sentence], [lead], written)


# ---------------------------------------------------------------- periods


def test_periods_say_which_year_is_the_figures_own():
    found = periods_in("Năm 2021, thu nội địa tăng 23,2% so với năm 2020; từ năm 2017 đến nay ổn định")
    assert [(m.period.label, m.role) for m in found] == [
        ("2021", "own"),
        ("2020", "compared"),
        ("2017", "since"),
    ]


@pytest.mark.parametrize(
    ("text", "label", "months"),
    [
        ("tổng thu 2 tháng đầu năm 2024", "2 tháng đầu năm 2024", 2),
        ("trong quý I/2024", "quý I/2024", 3),
        ("10 tháng đầu năm 2019, TX Kỳ Anh", "10 tháng đầu năm 2019", 10),
        ("6 tháng cuối năm 2023", "6 tháng cuối năm 2023", 12),
        ("giai đoạn 2021-2023", "2021-2023", 12),
        ("từ 2020 đến 2023", "2020-2023", 12),
        ("năm 2023", "2023", 12),
    ],
)
def test_periods_as_written(text: str, label: str, months: int):
    (m,) = periods_in(text)
    assert m.period.label == label
    assert m.period.months == months


def test_a_decree_date_is_no_period():
    assert periods_in("theo Nghị quyết số 20-NQ/TU ngày 27/11/2023 của Tỉnh ủy") == []


def test_a_period_shifted_is_the_same_part_of_another_year():
    p = Period(2024, 2, "2 tháng đầu năm")
    assert p.shifted(-1).label == "2 tháng đầu năm 2023"
    assert Period(2023).phrase == "năm 2023"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5.000", 5000),
        ("174.662", 174662),
        ("92,5", 92.5),
        ("190,881", 190.881),
        ("1.671,507", 1671.507),
        ("13.6", 13.6),
    ],
)
def test_vietnamese_numbers(text: str, value: float):
    assert parse_number(text) == pytest.approx(value)


# ---------------------------------------------------------------- facts from sentences


def test_each_figure_goes_with_the_indicator_and_period_of_its_clause():
    facts = one(
        "Thu ngân sách nhà nước năm 2023 đạt cao nhất từ trước đến nay, đạt gần 5.000 tỷ đồng, tăng 31% so "
        "với cùng kỳ; tổng thu ngân sách nhà nước 2 tháng đầu năm 2024 đạt trên 520 tỷ đồng."
    )
    assert [(f.indicator, f.period.label, f.figure, f.value, f.unit) for f in facts] == [
        ("≈thu_ngân_sách", "2023", "gần 5.000 tỷ đồng", 5000.0, "tỷ đồng"),
        ("≈thu_ngân_sách", "2 tháng đầu năm 2024", "trên 520 tỷ đồng", 520.0, "tỷ đồng"),
    ]
    # the growth rate "31%" is not the budget: its unit is not money
    assert all(f.unit != "%" for f in facts)
    assert facts[0].base == (5e12, "đồng")


def test_a_clause_that_names_only_a_new_period_continues_the_indicator():
    facts = one(
        "Khách du lịch năm 2023 đến thành phố đạt 2,5 triệu lượt người, tăng 130% so với cùng kỳ; "
        "2 tháng đầu năm 2024 đạt trên 310.000 lượt người, tăng trên 330% so với cùng kỳ."
    )
    assert [(f.period.label, f.figure, f.base) for f in facts] == [
        ("2023", "2,5 triệu lượt người", (2.5e6, "lượt")),
        ("2 tháng đầu năm 2024", "trên 310.000 lượt người", (310000.0, "lượt")),
    ]


def test_figures_listed_with_their_years_are_a_series():
    facts = one(
        "Thành phố ghi nhận mức tăng trưởng kinh tế ổn định với 10,06% vào năm 2021, 11,95% vào năm 2022 "
        "và năm 2024 khoảng 13,29%."
    )
    assert [(f.period.label, f.figure) for f in facts] == [
        ("2021", "10,06%"),
        ("2022", "11,95%"),
        ("2024", "khoảng 13,29%"),
    ]


def test_the_period_comes_from_the_paragraph_when_the_sentence_names_none():
    (fact,) = one(
        "Theo đó, tổng thu ngân sách đạt 190,881 tỷ đồng, bằng 92% dự toán.",
        lead="10 tháng đầu năm 2019, TX Kỳ Anh đã nỗ lực khắc phục khó khăn.",
        written=2019,
    )
    assert fact.period == Period(2019, 10, "10 tháng đầu năm")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Thu nhập bình quân đầu người năm 2023 ước đạt 92,5 triệu đồng.", "estimate"),
        ("Thu nhập bình quân đầu người năm 2020 dự kiến đạt 67,5 triệu đồng/năm.", "expected"),
        ("Phấn đấu đến năm 2025, thu nhập bình quân đầu người đạt 130 triệu đồng/người/năm.", "target"),
        ("Thu nhập bình quân đầu người năm 2023 đạt 70 triệu đồng.", "actual"),
    ],
)
def test_a_figure_says_whether_it_is_a_result_an_estimate_or_a_plan(sentence: str, status: str):
    (fact,) = one(sentence, written=2023)
    assert fact.status == status


@pytest.mark.parametrize(
    "sentence",
    [
        # another indicator's qualifier: agricultural production is not the production value
        "Giá trị sản xuất nông nghiệp ước đạt 400 tỷ đồng.",
        # a sector's figure, not the town's foreign investment
        "Khu vực kinh tế có vốn đầu tư nước ngoài hơn 10.750 tỷ đồng.",
        # a budget item, not the budget
        "Thu ngân sách từ kinh tế địa phương đạt 36,121 tỷ đồng.",
        # the growth of the budget, not economic growth
        "Tốc độ tăng trưởng thu ngân sách bình quân 7,85%/năm.",
        # no indicator before the figure
        "Thành phố có 57 hộ cận nghèo, chiếm 0,19%.",
    ],
)
def test_what_is_no_fact(sentence: str):
    assert one(sentence) == []


def test_a_second_figure_of_one_mention_is_a_detail_not_the_indicator():
    (fact,) = one("Tổng thu ngân sách năm 2023 đạt 774 tỷ đồng, trong đó thu nội địa 500 tỷ đồng.")
    assert fact.figure == "774 tỷ đồng"


def test_the_figure_keeps_the_sentence_letters():
    (fact,) = one("Năm 2023, vốn đầu tư toàn xã hội đạt 12 triệu USD.")
    assert fact.figure == "12 triệu USD"


# ---------------------------------------------------------------- stored with the index


def test_the_facts_migration_is_a_named_step():
    assert "0007_facts" in [m.name for m in MIGRATIONS]


async def test_facts_are_stored_with_the_index_and_read_back_with_their_passage(engine: Engine):
    read = FactReader(engine.settings.db_path)
    records = read([MONG_CAI], ["≈thu_ngân_sách", "≈khách_du_lịch"])
    got = {(r.fact.indicator, r.fact.period.label, r.fact.figure) for r in records}
    assert ("≈thu_ngân_sách", "2023", "gần 5.000 tỷ đồng") in got
    assert ("≈thu_ngân_sách", "2 tháng đầu năm 2024", "trên 520 tỷ đồng") in got
    assert ("≈khách_du_lịch", "2023", "2,5 triệu lượt người") in got
    for r in records:
        assert r.path == MONG_CAI
        assert r.fact.figure in r.passage.full  # every value is in the sentence it came from
    assert read([MONG_CAI], ["≈dân_số"]) == []
    assert read([], ["≈thu_ngân_sách"]) == []


async def test_facts_go_with_their_article(engine: Engine):
    db = engine.settings.db_path
    seeds = engine.settings.root / "seeds"
    assert FactReader(db)([KINH_MON_2020], ["≈thu_nhập"])
    (seeds / Path(KINH_MON_2020).name).unlink()
    await engine.reload()
    assert FactReader(db)([KINH_MON_2020], ["≈thu_nhập"]) == []
    with sqlite3.connect(db) as conn:
        orphans = conn.execute("SELECT COUNT(*) FROM facts WHERE hash NOT IN (SELECT hash FROM analyses)")
        assert orphans.fetchone() == (0,)
