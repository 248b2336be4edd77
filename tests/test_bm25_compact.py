"""The compact index (16-bit passage offsets by segment, 8-bit counts) scores as rank-bm25 does,
and the streaming two-pass build makes the same arrays as the in-memory one."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.search.bm25 import TF_ESCAPE, BM25Index, compact, compact_from_chunks, postings

WORDS = st.sampled_from([f"w{i}" for i in range(10)])
DOCS = st.lists(st.lists(WORDS, min_size=0, max_size=10), min_size=1, max_size=60).filter(any)


def same(ours: np.ndarray, ref: np.ndarray) -> None:
    assert ours.shape == ref.shape
    assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=DOCS, seg_bits=st.integers(min_value=1, max_value=5), query=st.lists(WORDS, max_size=5))
def test_many_segments_score_as_rank_bm25(corpus, seg_bits, query):
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus, seg_bits=seg_bits)
    assert ours.docs.dtype == np.uint16 and ours.tfs.dtype == np.uint8
    same(ours.get_scores(query), ref.get_scores(query))
    for t, i in ours.vocab.items():
        docs = ours.term_docs(i)
        assert docs.tolist() == [d for d, toks in enumerate(corpus) if t in toks]
        assert ours.term_freqs(i).tolist() == [corpus[d].count(t) for d in docs]


def test_counts_beyond_a_byte():
    corpus = [["a"] * 300 + ["b"], ["a", "b"] * 3, ["b"] * 255, ["c"] * 254, ["a"] * 70000, ["c"]]
    ref = BM25Okapi(corpus)
    ours = BM25Index.build(corpus, seg_bits=1)
    assert ours.tfs.max() == TF_ESCAPE
    assert ours.tf_over_pos.tolist() == sorted(ours.tf_over_pos.tolist())
    assert ours.term_freqs(ours.vocab["a"]).tolist() == [300, 3, 70000]
    assert ours.term_freqs(ours.vocab["b"]).tolist() == [1, 3, 255]
    for q in (["a"], ["b"], ["c"], ["a", "b", "c", "a"]):
        same(ours.get_scores(q), ref.get_scores(q))


@settings(max_examples=100, deadline=None)
@given(
    corpus=DOCS,
    seg_bits=st.integers(min_value=1, max_value=4),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=6),
    data=st.data(),
)
def test_streaming_build_equals_the_in_memory_one(corpus, seg_bits, cuts, data):
    vocab: dict[str, int] = {}
    # Term ids with gaps, as the terms table has once articles are removed.
    terms = np.asarray([vocab.setdefault(t, 3 * len(vocab) + 1) for d in corpus for t in d], dtype=np.int32)
    docs = np.asarray([i for i, d in enumerate(corpus) for _ in d], dtype=np.int32)
    n_docs = len(corpus)
    seg = 1 << seg_bits
    # Chunk boundaries: random ones, plus every segment boundary.
    bounds = sorted({0, n_docs, *(c for c in cuts if c < n_docs), *range(seg, n_docs, seg)})

    def chunks():
        for lo, hi in itertools.pairwise(bounds):
            sel = (docs >= lo) & (docs < hi)
            yield lo, terms[sel], docs[sel]

    present, ptr, layout = compact_from_chunks(chunks, 3 * len(vocab) + 2, n_docs, seg_bits)
    assert present.tolist() == sorted({int(t) for t in terms})
    local = {int(g): i for i, g in enumerate(present)}
    ref_ptr, ref_docs, ref_counts = postings(
        np.asarray([local[int(t)] for t in terms], dtype=np.int64), docs.astype(np.int64), len(present)
    )
    ref = compact(ref_ptr, ref_docs, ref_counts, n_docs, seg_bits)
    assert ptr.tolist() == ref_ptr.tolist()
    for name in ("docs", "tfs", "seg_counts", "tf_over_pos", "tf_over_val"):
        assert getattr(layout, name).tolist() == getattr(ref, name).tolist(), name


def test_streaming_build_refuses_a_chunk_across_segments():
    terms = np.asarray([0, 0, 1], dtype=np.int32)
    docs = np.asarray([0, 2, 3], dtype=np.int32)

    def chunks():
        yield 0, terms, docs

    with pytest.raises(ValueError, match="segments"):
        compact_from_chunks(chunks, 2, 4, seg_bits=1)
