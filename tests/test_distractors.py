"""Quality when the corpus also holds look-alike articles about other towns.

The distractors are made here the way a real corpus grows: a seed's text moved to another town
(its town and province renamed), with other figures and another date and outlet. Only the
article's place, date and outlet tell the right one apart.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.qa import answer_question
from bot.search.snapshot import AnalyzedArticle, Snapshot, analyze_text, snapshot_in_memory

SEED_FILES = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
DT2022 = "seeds/001_8ff5bff24f778362.txt"
MC2024 = "seeds/003_0255a5737a73828f.txt"
KA2019 = SEED_FILES[4]

SEED_PLACES = ["Kinh Môn", "Đông Triều", "Móng Cái", "Kỳ Anh"]
SEED_PROVINCES = ["Hải Dương", "Quảng Ninh", "Hà Tĩnh"]


def moved(text: str, town: str, province: str, rng: random.Random) -> str:
    """The same article about another town, with about half its small numbers changed."""
    for old in SEED_PLACES:
        text = text.replace(old, town)
    for old in SEED_PROVINCES:
        text = text.replace(old, province)

    def number(m: re.Match[str]) -> str:
        d = m.group(0)
        if len(d) == 4 or rng.random() < 0.5:
            return d
        return str(rng.randint(10 ** (len(d) - 1) if len(d) > 1 else 0, 10 ** len(d) - 1))

    return re.sub(r"(?<![\d/])\d+(?![\d/])", number, text)


def distractor(seed: int, town: str, province: str, date: str, rng: random.Random) -> AnalyzedArticle:
    text = moved(SEED_FILES[seed].read_text(encoding="utf-8"), town, province, rng)
    # The outlet is whatever the seed's text says (moved with it): "Baohatinh.vn" stays.
    return analyze_text(text, {"title": f"{town} ({province}): kết quả phát triển", "date": date})


@pytest.fixture(scope="module")
def crowded(seed_items) -> Snapshot:
    rng = random.Random(3)
    extra = [
        # Kỳ Anh's Baohatinh article moved to a Quảng Ninh town, dated 2024: it names a
        # "Chủ tịch UBND tỉnh" too (Hà Tĩnh's, as its outlet is Hà Tĩnh's).
        ("synthetic/cam_pha_2024.txt", distractor(4, "Cẩm Phả", "Quảng Ninh", "2024-03-26", rng)),
        ("synthetic/uong_bi_2021.txt", distractor(1, "Uông Bí", "Quảng Ninh", "2021-05-02", rng)),
        ("synthetic/tu_son_2023.txt", distractor(2, "Từ Sơn", "Bắc Ninh", "2023-06-01", rng)),
        ("synthetic/phu_my_2020.txt", distractor(0, "Phú Mỹ", "Bà Rịa - Vũng Tàu", "2020-09-01", rng)),
        ("synthetic/sa_pa_2024.txt", distractor(3, "Sa Pa", "Lào Cai", "2024-02-01", rng)),
    ]
    return snapshot_in_memory([*seed_items, *extra])


def test_a_province_question_prefers_that_provinces_own_outlet(crowded):
    a = answer_question(crowded, "Ai là chủ tịch UBND tỉnh Quảng Ninh năm 2024?")
    assert not a.refused
    assert a.sources[0].path == MC2024
    assert "Cao Tường Huy" in a.quotes[0].text


def test_the_outlet_does_not_override_a_named_town(crowded):
    # Asked about Cẩm Phả itself, its own article answers, whoever published it.
    a = answer_question(crowded, "Cẩm Phả có bao nhiêu vấn đề tồn đọng chưa xử lý xong?")
    assert not a.refused
    assert a.sources[0].path == "synthetic/cam_pha_2024.txt"


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Thu nội địa của Đông Triều năm 2021 đạt bao nhiêu tỷ đồng?", DT2022),
        ("Móng Cái còn bao nhiêu hộ cận nghèo?", MC2024),
        ("mong cai con bao nhieu ho can ngheo", MC2024),
        ("Bình quân mỗi xã của Kỳ Anh đạt bao nhiêu tiêu chí NTM?", f"seeds/{KA2019.name}"),
    ],
)
def test_town_questions_stay_with_the_towns_article(crowded, question, article):
    a = answer_question(crowded, question)
    assert not a.refused
    assert a.sources[0].path == article


@pytest.fixture(scope="module")
def very_crowded(seed_items) -> Snapshot:
    rng = random.Random(5)
    towns = [("Từ Sơn", "Bắc Ninh"), ("Sa Pa", "Lào Cai"), ("La Gi", "Bình Thuận"), ("An Khê", "Gia Lai")]
    extra = []
    for i in range(40):
        town, province = towns[i % len(towns)]
        extra.append((f"synthetic/{i}.txt", distractor(i % 5, town, province, f"{2018 + i % 7}-05-01", rng)))
    return snapshot_in_memory([*seed_items, *extra])


def test_coverage_of_an_unknown_word_does_not_depend_on_corpus_size(seed_snapshot, very_crowded):
    # "nước giếng khoan" is not in the corpus: the share it takes of the question must be the
    # same over 5 articles and over 45, or the same question flips between answer and refusal.
    question = "Móng Cái còn chỉ tiêu nào về nước giếng khoan chưa đạt?"

    def best_coverage(snap: Snapshot) -> float:
        q = snap.parse(question)
        return snap.retriever.search(q)[0].hits[0].coverage

    small, big = best_coverage(seed_snapshot), best_coverage(very_crowded)
    assert small > 0
    assert abs(small - big) < 0.03


def test_a_thing_named_after_a_ward_is_looked_for_in_that_wards_town(crowded):
    # Sa Pa's copy of the Móng Cái article names "Khu du lịch Quốc gia Trà Cổ" too; Trà Cổ is a
    # ward of Móng Cái, so the Móng Cái article answers, without Trà Cổ becoming a filter.
    a = answer_question(crowded, "Khu du lịch quốc gia Trà Cổ được định hướng phát triển ra sao?")
    assert not a.refused
    assert a.sources[0].path == MC2024


def test_a_verb_spelt_like_a_name_noun_does_not_hide_the_place(crowded):
    # "đến" (to) folds like "đền" (a temple, as in "đền Cửa Ông"): Móng Cái must stay the place.
    a = answer_question(
        crowded, "Du khách đến Móng Cái năm 2023 và 2 tháng đầu 2024 tăng bao nhiêu % so với cùng kỳ?"
    )
    assert not a.refused and a.notice is None
    assert {q.source.path for q in a.quotes} == {MC2024}
    assert "130%" in a.quotes[0].text and "330%" in a.quotes[0].text
