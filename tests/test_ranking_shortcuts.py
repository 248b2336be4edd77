"""The shortcuts that keep ranking fast decide exactly as the slow definitions they replace.

Ranking looks at 40 candidate passages per question; a few checks per candidate (does it give a
number, which offices and bodies does it name) are written with cheap pre-tests. These tests
hold the fast versions to the plain definitions on real passages and on arbitrary text.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.corpus.outlets import Outlets
from bot.search import query
from bot.search.bm25 import BM25Index
from bot.search.retriever import Retriever, _has_number, _members
from bot.text import vocabulary
from bot.text.figures import find_figures
from bot.text.places import Gazetteer

# Text made of the pieces these checks look for, so that the interesting cases are common.
PIECES = st.sampled_from(
    [
        "khóa ",
        "Khoá ",
        "lần thứ ",
        "XIV",
        "iii",
        "2023",
        "11,8%",
        "٣",  # an Arabic-Indic digit: \d matches it
        "²",  # isdigit(), but not \d
        "Phó ",
        "Bí thư",
        "BÍ THƯ",
        "chủ tịch",
        "UBND",
        "Ủy ban nhân dân",
        " tỉnh",
        " thị xã",
        "Thị ủy",
        "Tỉnh uỷ",
        "HĐND",
        "HỘİ ĐỒNG",
        "GİÁM ĐỐC",
        "ı",
        " ",
        "và",
        ".",
    ]
)
TEXTS = st.one_of(st.lists(PIECES, max_size=12).map("".join), st.text(max_size=60))


def _has_number_by_definition(text: str) -> bool:
    return any(any(c.isdigit() for c in f.text) or f.text.isupper() for f in find_figures(text))


def _roles_by_definition(text: str) -> set[tuple[str, bool]]:
    return {(m.group("role").casefold(), bool(m.group("deputy"))) for m in vocabulary.ROLE.finditer(text)}


def _levels_by_definition(text: str) -> set[str]:
    return {name for name, rx in vocabulary.LEVEL.items() if rx.search(text)}


@settings(max_examples=400, deadline=None)
@given(TEXTS)
@example("Đại hội Đảng bộ thị xã khóa XIV")
@example("Đại hội lần thứ XXV, nhiệm kỳ mới")
@example("khóa iii")
@example("diện tích 12 km²")
@example("Năm nay đạt ٣ tiêu chí")
def test_has_number_matches_its_definition(text):
    assert _has_number(text) == _has_number_by_definition(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
@example("Phó Bí thư Thường trực Tỉnh ủy")
@example("CHỦ TỊCH UBND THỊ XÃ")
@example("Hội đồng nhân dân tỉnh")
@example("Mặt trận Tổ quốc thành phố")
@example("HỘİ ĐỒNG NHÂN DÂN TỈNH")  # re.IGNORECASE takes "İ" for "i"; lower() makes it "i̇"
@example("GİÁM ĐỐC Sở")
@example("Gıám đốc Sở")
def test_offices_and_levels_match_their_definition(text):
    assert query.roles_in(text) == _roles_by_definition(text)
    assert query.levels_in(text) == _levels_by_definition(text)


def test_shortcuts_on_the_seed_passages(seed_snapshot):
    retriever = seed_snapshot.retriever
    texts = [t.text for t in retriever.passage_text(list(range(retriever.index.n_docs))).values()]
    assert len(texts) > 100
    assert sum(_has_number(t) for t in texts) > 50
    for text in texts:
        assert _has_number(text) == _has_number_by_definition(text), text
        assert query.roles_in(text) == _roles_by_definition(text), text
        assert query.levels_in(text) == _levels_by_definition(text), text


@given(
    st.lists(st.integers(0, 300), max_size=60).map(lambda xs: np.array(sorted(set(xs)), dtype=np.int32)),
    st.lists(st.integers(0, 300), max_size=40).map(lambda xs: np.array(xs, dtype=np.int64)),
)
def test_members_is_set_membership(sorted_docs, docs):
    expected = np.array([d in set(sorted_docs.tolist()) for d in docs.tolist()], dtype=bool)
    assert _members(sorted_docs, docs).tolist() == expected.tolist()


def test_score_terms_counts_repeats_like_rank_bm25():
    corpus = [["a", "b"], ["b", "c", "c"], ["a", "a", "d"], ["e"]]
    index = BM25Index.build(corpus)
    a, b = index.vocab["a"], index.vocab["b"]
    once, postings = index.score_terms([a, b, -1])
    twice, _ = index.score_terms([a, a, b])
    assert sorted(postings) == sorted([a, b])
    assert postings[a].tolist() == [0, 2]
    np.testing.assert_array_equal(twice - once, index.score_terms([a])[0])
    np.testing.assert_array_equal(index.get_scores(["a", "a", "b", "zzz"]), twice)
    empty, none = index.score_terms([-1])
    assert none == {} and empty.shape == (4,) and not empty.any()


def test_outlets_are_looked_up_once_per_publisher(seed_snapshot, monkeypatch):
    """A retriever over 20,000 articles from a few outlets must not look the outlet up 20,000
    times (0.4 s of every start, found with py-spy)."""
    calls: list[str | None] = []
    lookup = Outlets.province_of

    def counting(self, publisher):
        calls.append(publisher)
        return lookup(self, publisher)

    monkeypatch.setattr(Outlets, "province_of", counting)
    r = seed_snapshot.retriever
    articles = r.articles * 40
    again = Retriever(r.index, r.doc_article, articles, r.passage_text, Gazetteer.default())
    assert sorted(calls, key=str) == sorted({a.publisher for a in articles}, key=str)
    assert again._outlet_province.tolist() == r._outlet_province.tolist() * 40


def test_a_place_no_article_has_selects_no_article(seed_snapshot):
    """Places are integer codes, -1 for an article without one: a place asked about that no
    article has must not select the articles that have none."""
    from bot.search.query import Side
    from bot.text.places import Place

    r = seed_snapshot.retriever
    r2 = Retriever(
        r.index,
        r.doc_article,
        [
            *r.articles,
            r.articles[0].__class__("x.txt", "Không rõ nơi", None, None, None, None, None, frozenset()),
        ],
        r.passage_text,
    )
    elsewhere = Side(Place("Bỉm Sơn", "town", "Thanh Hóa"), [])
    assert not r2.article_mask(elsewhere, []).any()
    assert not r2.article_mask(Side(None, []), ["Thanh Hóa"]).any()
    assert r2.article_mask(Side(None, []), ["Quảng Ninh"]).sum() == 2
