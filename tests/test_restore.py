"""Questions typed without (or with some) diacritics: restoration and end-to-end answers."""

from __future__ import annotations

import itertools

import pytest
from projects import SEEDS

from bot.search.query import understand
from bot.text import restore
from bot.text.normalize import fold

KM2020 = "seeds/000_c33e73732ab2c98c.txt"
DT2022 = "seeds/001_8ff5bff24f778362.txt"
KM2023 = "seeds/002_2aaee87bbf065049.txt"
MC2024 = "seeds/003_0255a5737a73828f.txt"
KA2019 = "seeds/004_b115fdf71c4cebb7.txt"


@pytest.fixture(scope="module")
def model(seed_snapshot):
    return seed_snapshot.model


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("thu nhap binh quan dau nguoi kinh mon", "thu nhập bình quân đầu người kinh môn"),
        ("tong thu ngan sach dong trieu", "tổng thu ngân sách đông triều"),
        ("ty le lap day cum cong nghiep", "tỷ lệ lấp đầy cụm công nghiệp"),
        ("mong cai co bao nhieu ho can ngheo", "móng cái có bao nhiêu hộ cận nghèo"),
        ("khach du lich", "khách du lịch"),
        # Question words news articles rarely use: "mấy" and "vậy", not "máy" and "vây".
        ("kinh mon co may san pham ocop vay", "kinh môn có mấy sản phẩm ocop vậy"),
        ("dan so ky anh la bao nhieu vay", "dân số kỳ anh là bao nhiêu vậy"),
        ("dong trieu xay dung nong thon moi the nao nhi", "đông triều xây dựng nông thôn mới thế nào nhỉ"),
        ("nha may xi mang", "nhà máy xi măng"),
    ],
)
def test_restores_unaccented_phrases(model, typed, restored):
    assert model.restore(typed) == restored


def test_restore_keeps_case_digits_and_punctuation(model):
    assert model.restore("Kinh Mon") == "Kinh Môn"
    assert model.restore("KINH MON") == "KINH MÔN"
    assert model.restore("thu nhap kinh mon 2023?") == "thu nhập kinh môn 2023?"


def test_restore_keeps_the_users_accented_words(model):
    typed = "tổng thu ngan sach Đông Triều năm 2021"
    out = model.restore(typed)
    assert out == "tổng thu ngân sách Đông Triều năm 2021"
    # Every word the person accented is there exactly as typed.
    for word in ("tổng", "Đông", "Triều", "năm"):
        assert word in out.split()


def test_restore_only_changes_diacritics(model):
    typed = "gia tri san xuat nong nghiep ky anh 10 thang dau nam 2019"
    out = model.restore(typed)
    assert fold(out) == typed
    assert out != typed


def test_mostly_accented_question_is_left_as_typed(model):
    # "kinh" is a word of its own: with the rest accented, it is not rewritten to "kính".
    q = "Thu nhập bình quân đầu người kinh môn năm 2023"
    assert understand(q, model) == q


def test_understand_spells_out_abbreviations(model):
    assert (
        understand("gia tri sx nong nghiep tx ky anh", model) == "giá trị sản xuất nông nghiệp thị xã kỳ anh"
    )


# ---------------------------------------------------------------- end to end

# (accented question, the same typed without any diacritic, the article that answers it)
PAIRS = [
    (
        "Diện tích tự nhiên của Kinh Môn là bao nhiêu km2?",
        "dien tich tu nhien cua kinh mon la bao nhieu km2",
        KM2020,
    ),
    (
        "Kinh Môn có bao nhiêu doanh nghiệp đang hoạt động?",
        "kinh mon co bao nhieu doanh nghiep dang hoat dong",
        KM2020,
    ),
    (
        "Thu nhập bình quân đầu người ở Kinh Môn năm 2023?",
        "thu nhap binh quan dau nguoi o kinh mon nam 2023",
        KM2023,
    ),
    (
        "Thu nhập bình quân đầu người Kinh Môn năm 2020",
        "thu nhap binh quan dau nguoi kinh mon nam 2020",
        KM2020,
    ),
    (
        "Tốc độ tăng trưởng kinh tế Đông Triều năm 2021",
        "toc do tang truong kinh te dong trieu nam 2021",
        DT2022,
    ),
    (
        "Đông Triều có bao nhiêu xã đạt chuẩn nông thôn mới?",
        "dong trieu co bao nhieu xa dat chuan nong thon moi",
        DT2022,
    ),
    ("Móng Cái còn bao nhiêu hộ cận nghèo?", "mong cai con bao nhieu ho can ngheo", MC2024),
    (
        "Thu ngân sách Móng Cái năm 2023 đạt bao nhiêu?",
        "thu ngan sach mong cai nam 2023 dat bao nhieu",
        MC2024,
    ),
    ("Bí thư Thành ủy Móng Cái là ai?", "bi thu thanh uy mong cai la ai", MC2024),
    (
        "Kỳ Anh đạt bao nhiêu tiêu chuẩn đô thị loại 3?",
        "ky anh dat bao nhieu tieu chuan do thi loai 3",
        KA2019,
    ),
    (
        "Giá trị sản xuất công nghiệp Kỳ Anh 10 tháng đầu năm 2019",
        "gia tri san xuat cong nghiep ky anh 10 thang dau nam 2019",
        KA2019,
    ),
]


def test_pairs_are_true_twins():
    assert len(PAIRS) >= 8
    for accented, bare, _ in PAIRS:
        assert fold(accented).casefold().rstrip("?") == bare


@pytest.mark.parametrize(("accented", "bare", "article"), PAIRS, ids=[p[1][:40] for p in PAIRS])
def test_unaccented_question_answered_like_its_accented_twin(ask, accented, bare, article):
    a = ask(accented)
    b = ask(bare)
    assert not a.refused and not b.refused
    assert a.sources[0].path == article
    assert b.sources[0].path == a.sources[0].path
    assert b.quotes[0].text == a.quotes[0].text
    # The reply shows how the bare question was read.
    assert b.understood is not None and fold(b.understood).casefold() == fold(bare).casefold()


# ---------------------------------------------------------------- the dictionary counts' cache


@pytest.fixture
def fresh_lexicon(monkeypatch):
    """No counts kept in memory from earlier tests."""
    monkeypatch.setattr(restore, "_COUNTED", {})
    return restore


def test_dictionary_counts_are_kept_beside_the_database_and_reused(tmp_path, fresh_lexicon, monkeypatch):
    first = fresh_lexicon.lexicon_counts(tmp_path)
    assert len(first[0]) > 5000 and first[1]["có mấy"] >= restore.QUESTION_WEIGHT
    files = list(tmp_path.glob("lexicon-*.json"))
    assert len(files) == 1
    restore._COUNTED.clear()
    calls = []
    real = restore._count_lexicon
    monkeypatch.setattr(restore, "_count_lexicon", lambda lines: calls.append(1) or real(lines))
    again = fresh_lexicon.lexicon_counts(tmp_path)
    assert again == first and calls == []  # read from the file, not counted
    restore._COUNTED.clear()
    assert fresh_lexicon.lexicon_counts(None) == first and calls == [1]  # the file holds the counts


def test_counts_held_in_memory_are_not_serialised_again(tmp_path, fresh_lexicon, monkeypatch):
    """Every open and reload asks for the counts; a process that has them writes no file, so a
    new data directory costs no 2 MB of JSON per open (the next process to count writes it)."""
    counted = fresh_lexicon.lexicon_counts(tmp_path / "first")
    writes = []
    monkeypatch.setattr(restore, "_write_cached", lambda *args: writes.append(args))
    assert fresh_lexicon.lexicon_counts(tmp_path / "second") is counted
    assert writes == [] and not (tmp_path / "second").exists()


@pytest.mark.parametrize(
    "damage", ["", "{", '{"unigrams": [1], "bigrams": {}}', '{"unigrams": {"a": "x"}, "bigrams": {}}']
)
def test_a_damaged_cache_is_counted_again(tmp_path, fresh_lexicon, damage):
    counted = fresh_lexicon.lexicon_counts(tmp_path)
    (path,) = tmp_path.glob("lexicon-*.json")
    path.write_text(damage, encoding="utf-8")
    restore._COUNTED.clear()
    assert fresh_lexicon.lexicon_counts(tmp_path) == counted
    assert restore._read_cached(path) == counted  # and written again


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path, fresh_lexicon):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert fresh_lexicon.lexicon_counts(blocked / "cache") == fresh_lexicon.lexicon_counts(None)


def test_the_cache_name_follows_what_the_counts_depend_on(monkeypatch):
    lines = restore._dictionary_lines()
    key = restore._lexicon_key(lines)
    assert key == restore._lexicon_key(list(lines))
    assert restore._lexicon_key(lines[:-1]) != key
    monkeypatch.setattr(restore, "_QUESTION_PHRASES", restore._QUESTION_PHRASES + " thế nào nhỉ")
    assert restore._lexicon_key(lines) != key
    monkeypatch.undo()
    monkeypatch.setattr(restore, "QUESTION_WEIGHT", restore.QUESTION_WEIGHT + 1)
    assert restore._lexicon_key(lines) != key


def test_each_folded_syllable_offers_the_likeliest_forms_of_the_whole_table(seed_snapshot):
    """A start ranks again only the corpus's syllables over the dictionary's ranking; what the
    model offers must be what ranking the merged table from scratch gives."""
    model = seed_snapshot.model
    table = dict(model.unigrams)
    assert len(table) == len(model.unigrams) > 7000
    by_fold: dict[str, list[str]] = {}
    for syllable in table:
        by_fold.setdefault(fold(syllable), []).append(syllable)
    for key, forms in by_fold.items():
        likeliest = sorted(forms, key=lambda f: -table[f])[: restore.MAX_FORMS]
        assert model.forms(key) == likeliest + ([key] if key not in likeliest else []), key


def test_decoding_finds_the_likeliest_reading_of_all(model):
    """Viterbi reads the counts in one pass per step; the reading it picks must score as high as
    the best of every combination of forms, each scored pair by pair, on phrases of the seeds
    typed without marks."""
    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    syllables = [fold(s) for s in restore.syllables(text)]
    phrases = [syllables[i : i + 3] for i in range(0, 600, 5)]

    def score(path: tuple[str, ...] | list[str]) -> float:
        return sum(model.pair_logp(prev, cur) for prev, cur in zip((None, *path), path, strict=False))

    for words in phrases:
        chosen = model._viterbi(words)
        best = max(score(p) for p in itertools.product(*(model.forms(w) for w in words)))
        assert score(chosen) == pytest.approx(best, rel=1e-12), words
        assert [fold(s) for s in chosen] == words
