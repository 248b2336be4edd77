"""BM25Index must score exactly as rank_bm25.BM25Okapi (the oracle) on the same tokens."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.search.bm25 import BM25Index
from bot.search.snapshot import build_index_arrays
from bot.text.analyze import analyze

K = 10


def assert_same_scores(ours: np.ndarray, ref: np.ndarray) -> None:
    assert ours.shape == ref.shape
    assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)


def assert_same_top_k(index: BM25Index, ours: np.ndarray, ref: np.ndarray, k: int = K) -> None:
    """Top-k equal, ties aside: the same scores in the same order, and no document left out
    that scores strictly better than the last one kept."""
    top = index.top_k(ours, k)
    k = min(k, ref.shape[0])
    assert len(top) == k
    ref_sorted = np.sort(ref)[::-1][:k]
    assert np.allclose(ref[top], ref_sorted, rtol=1e-9, atol=1e-12)
    assert len(set(top.tolist())) == k
    # Best first.
    assert all(ours[a] >= ours[b] for a, b in itertools.pairwise(top))
    # Where the reference has no tie at the cut, the sets agree exactly.
    ref_order = np.argsort(-ref, kind="stable")
    if k < ref.shape[0] and not np.isclose(ref[ref_order[k - 1]], ref[ref_order[k]], rtol=1e-9, atol=1e-12):
        assert set(top.tolist()) == set(ref_order[:k].tolist())


# ---------------------------------------------------------------- the seeds' real passages


@pytest.fixture(scope="module")
def seed_corpus(seed_items) -> list[list[str]]:
    return [toks for _path, a in seed_items for toks in a.tokens]


QUERIES = [
    "thu nhập bình quân đầu người năm 2023",
    "tốc độ tăng trưởng kinh tế 13,6%",
    "tỷ lệ lấp đầy cụm công nghiệp",
    "Ban Thường vụ Tỉnh ủy làm việc với Thị ủy",  # common words: low or floored idf
    "thị xã thị xã phát triển phát triển",  # repeated query terms count twice
    "28/9/2020 11,8%",
    "từ không có trong kho xyzzy",
    "đô thị loại III trước năm 2025",
]


@pytest.mark.parametrize("query", QUERIES)
def test_seed_passages_same_scores_as_rank_bm25(seed_corpus, query):
    ref = BM25Okapi(seed_corpus)
    ours = BM25Index.build(seed_corpus)
    tokens = analyze(query) + query.split()  # analysed tokens and raw ones (some unknown)
    ref_scores = ref.get_scores(tokens)
    our_scores = ours.get_scores(tokens)
    assert_same_scores(our_scores, ref_scores)
    assert_same_top_k(ours, our_scores, ref_scores)


def test_seed_corpus_has_negative_idf_terms(seed_corpus):
    """The parity above covers the epsilon floor: some seed tokens are in over half the passages."""
    ref = BM25Okapi(seed_corpus)
    n = len(seed_corpus)
    frequent = [t for t in {t for d in seed_corpus for t in d} if sum(t in d for d in seed_corpus) > n / 2]
    # If no word is that common in the real corpus, build a corpus where one is.
    corpus = seed_corpus if frequent else [[*d, "chung"] for d in seed_corpus]
    word = frequent[0] if frequent else "chung"
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus)
    assert ref.idf[word] == pytest.approx(ref.epsilon * ref.average_idf)
    assert_same_scores(ours.get_scores([word, "thu_nhập"]), ref.get_scores([word, "thu_nhập"]))


def test_snapshot_index_equals_rank_bm25(seed_items, seed_snapshot):
    """The index the engine searches (built per article) is the same BM25 as the oracle's."""
    corpus = [toks for _p, a in seed_items for toks in a.tokens]
    index, doc_article = build_index_arrays([a.tokens for _p, a in seed_items])
    assert index.n_docs == len(corpus) == seed_snapshot.retriever.index.n_docs
    ref = BM25Okapi(corpus)
    for q in QUERIES:
        toks = analyze(q)
        assert_same_scores(index.get_scores(toks), ref.get_scores(toks))
        assert_same_scores(seed_snapshot.retriever.index.get_scores(toks), ref.get_scores(toks))
    # Each passage knows its article, in order.
    assert doc_article.tolist() == sorted(doc_article.tolist())
    assert set(doc_article.tolist()) == set(range(len(seed_items)))


def test_parameters_are_passed_through(seed_corpus):
    ref = BM25Okapi(seed_corpus, k1=1.2, b=0.5, epsilon=0.1)
    ours = BM25Index.build(seed_corpus, k1=1.2, b=0.5, epsilon=0.1)
    toks = analyze("thu ngân sách nhà nước năm 2023")
    assert_same_scores(ours.get_scores(toks), ref.get_scores(toks))


# ---------------------------------------------------------------- generated corpora

# A small vocabulary so terms repeat, land in more than half of the documents (negative idf)
# and in none (unknown query terms).
WORDS = st.sampled_from([f"w{i}" for i in range(12)])
DOCS = st.lists(st.lists(WORDS, min_size=0, max_size=12), min_size=1, max_size=30).filter(
    lambda docs: any(docs)  # rank-bm25 divides by the vocabulary size and the average length
)
QUERY = st.lists(st.sampled_from([f"w{i}" for i in range(15)]), min_size=0, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=DOCS, query=QUERY)
def test_generated_corpora_same_scores_and_top_k(corpus, query):
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus)
    ref_scores = ref.get_scores(query)
    our_scores = ours.get_scores(query)
    assert_same_scores(our_scores, ref_scores)
    assert_same_top_k(ours, our_scores, ref_scores)


@settings(max_examples=100, deadline=None)
@given(
    n_docs=st.integers(min_value=2, max_value=25),
    common=st.integers(min_value=1, max_value=25),
    extra=st.lists(st.lists(WORDS, max_size=5), min_size=25, max_size=25),
)
def test_terms_in_more_than_half_of_the_docs(n_docs, common, extra):
    """A term in most documents has a negative idf, floored at epsilon * average idf."""
    common = min(common, n_docs)
    corpus = [(["frequent"] if i < common else []) + extra[i] for i in range(n_docs)]
    if not any(corpus):
        corpus[0].append("w0")
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus)
    for q in (["frequent"], ["frequent", "w1", "frequent"], ["w3", "missing"]):
        assert_same_scores(ours.get_scores(q), ref.get_scores(q))
    assert ours.idf[ours.vocab["frequent"]] == pytest.approx(ref.idf["frequent"], rel=1e-9)


def test_empty_documents_and_empty_query():
    corpus = [[], ["a", "b"], [], ["a"], ["a", "a", "c"], []]
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus)
    for q in ([], ["a"], ["c"], ["zzz"], ["a", "c", "c"]):
        assert_same_scores(ours.get_scores(q), ref.get_scores(q))
    assert not ours.get_scores([]).any()


def test_top_k_breaks_ties_by_lower_index():
    index = BM25Index.build([["y"], ["x"], ["z"], ["x"], ["y"], ["z"], ["w"], ["x"]])
    scores = index.get_scores(["x"])
    assert scores[1] == scores[3] == scores[7] > 0
    assert index.top_k(scores, 2).tolist() == [1, 3]
    assert index.top_k(scores, 4).tolist() == [1, 3, 7, 0]
    assert index.top_k(scores, 100).tolist() == [1, 3, 7, 0, 2, 4, 5, 6]
    assert index.top_k(scores, 0).tolist() == []


@given(
    st.lists(st.sampled_from([0.0, 0.0, 0.0, 1.0, 1.0, 2.5, 3.0, -1.0]), max_size=300),
    st.integers(0, 40),
)
def test_top_k_is_a_stable_sort_by_score(values, k):
    """Best first, ties by lower index, also at the k-th place and whether or not k scores are
    above zero (the shortcut looks at those alone)."""
    index = BM25Index.build([["a"]])
    scores = np.array(values, dtype=np.float64)
    expected = np.lexsort((np.arange(scores.shape[0]), -scores))[:k]
    assert index.top_k(scores, k).tolist() == expected.tolist()
