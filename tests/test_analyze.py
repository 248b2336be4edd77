"""The one analysis shared by corpus and questions: pyvi words, figures, stopwords."""

from __future__ import annotations

import pytest

from bot.search.bm25 import BM25Index
from bot.text.analyze import STOPWORDS, analyze, segment

KM2020 = "seeds/000_c33e73732ab2c98c.txt"
KM2023 = "seeds/002_2aaee87bbf065049.txt"


def passage_tokens(seed_items, path: str, needle: str) -> list[str]:
    """The index tokens of the passage of `path` whose text contains needle."""
    for p, art in seed_items:
        if p != path:
            continue
        for unit, toks in zip(art.passages, art.tokens, strict=True):
            if needle in unit.text:
                return toks
    raise AssertionError(f"no passage of {path} contains {needle!r}")


@pytest.fixture(scope="module")
def seed_index(seed_items):
    docs = [
        (path, unit.text, toks)
        for path, a in seed_items
        for unit, toks in zip(a.passages, a.tokens, strict=True)
    ]
    return docs, BM25Index.build([d[2] for d in docs])


def best_passage(seed_index, query: str) -> tuple[str, str]:
    docs, index = seed_index
    scores = index.get_scores(analyze(query))
    top = int(index.top_k(scores, 1)[0])
    assert scores[top] > 0
    return docs[top][0], docs[top][1]


def test_query_and_corpus_share_tokens_for_the_same_words(seed_items):
    corpus = passage_tokens(seed_items, KM2023, "Thu nhập bình quân đầu người năm 2023")
    question = analyze("thu nhập bình quân đầu người năm 2023 ước đạt bao nhiêu?")
    assert question  # something to search for
    assert set(question) <= set(corpus)


def test_same_words_same_tokens_in_any_context():
    words = "giá trị sản xuất nông nghiệp"
    inside_sentence = analyze(f"Theo đó, {words} ước đạt 400 tỷ đồng")
    alone = analyze(words)
    assert set(alone) <= set(inside_sentence)


def test_old_tone_spelling_in_corpus_meets_new_one_in_question(seed_items):
    # 000 writes "thuỷ sản"; people type "thủy sản".
    corpus = passage_tokens(seed_items, KM2020, "nuôi trồng thuỷ sản đạt 220 triệu đồng")
    assert set(analyze("nuôi trồng thủy sản")) <= set(corpus)


@pytest.mark.parametrize(
    ("query", "needle"),
    [("2020", "28/9/2020"), ("28/9/2020", "28/9/2020"), ("11,8%", "11,8%/năm"), ("67,5", "67,5 triệu")],
)
def test_figures_and_years_survive_segmentation(seed_items, query, needle):
    corpus = passage_tokens(seed_items, KM2020, needle)
    q = analyze(query)
    assert q and set(q) <= set(corpus)


@pytest.mark.parametrize(
    ("query", "path", "needle"),
    [
        ("11,8%", KM2020, "11,8%/năm"),
        ("28/9/2020", KM2020, "28/9/2020"),
        ("92,5 triệu", KM2023, "92,5 triệu đồng"),
        ("10,5%", KM2023, "10,5%/năm"),
    ],
)
def test_figure_query_finds_its_passage_first(seed_index, query, path, needle):
    got_path, got_text = best_passage(seed_index, query)
    assert got_path == path
    assert needle in got_text


def test_pyvi_really_splits_dates_so_figure_tokens_are_needed():
    # Guards the premise: without figure tokens "28/9/2020" would not be one token.
    assert "28/9/2020" not in segment("ngày 28/9/2020 , thường trực")


def test_words_are_compounds_joined_by_underscore():
    toks = analyze("Thu nhập bình quân đầu người")
    assert "thu_nhập" in toks and "bình_quân" in toks


@pytest.mark.parametrize(
    "question",
    ["cho hỏi là bao nhiêu vậy ạ?", "thế nào nhỉ", "xin hỏi những gì"],
)
def test_only_stopwords_give_nothing(question):
    assert analyze(question) == []


def test_stopwords_dropped_but_content_kept():
    toks = analyze("Cho hỏi Kinh Môn có bao nhiêu doanh nghiệp vậy?")
    assert "doanh_nghiệp" in toks
    assert not set(toks) & {"bao_nhiêu", "có", "vậy", "cho_hỏi", "hỏi", "cho"}
    kept = analyze("Cho hỏi Kinh Môn có bao nhiêu doanh nghiệp vậy?", keep_stopwords=True)
    assert "bao_nhiêu" in kept and "doanh_nghiệp" in kept


def test_no_stopword_or_punctuation_reaches_the_index(seed_items):
    for _path, a in seed_items:
        for toks in a.tokens:
            assert not set(toks) & STOPWORDS
            assert all(any(c.isalnum() for c in t) or t == "%" for t in toks)


def test_case_folded():
    assert analyze("KINH TẾ - XÃ HỘI") == analyze("kinh tế - xã hội")
