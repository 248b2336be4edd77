"""BM25 with rank-bm25's BM25Okapi semantics, over an inverted index held in numpy arrays.

rank-bm25 walks every document in Python for every query term; here a query touches only the
postings of its terms. Scores are the same numbers (tests check against rank-bm25 itself).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class BM25Index:
    """Postings in CSR form: the passages of term t are docs[ptr[t]:ptr[t+1]], with counts tfs."""

    vocab: dict[str, int]
    ptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # int32, sorted within each term
    tfs: np.ndarray  # uint16
    doc_len: np.ndarray  # int32
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def __post_init__(self) -> None:
        self.n_docs = int(self.doc_len.shape[0])
        self.avgdl = float(self.doc_len.sum()) / self.n_docs if self.n_docs else 0.0
        df = np.diff(self.ptr).astype(np.float64)
        idf = np.log(self.n_docs - df + 0.5) - np.log(df + 0.5)
        present = df > 0
        # rank-bm25 averages idf over the words it saw, then floors negative ones at eps * average.
        avg = float(idf[present].mean()) if present.any() else 0.0
        idf[present & (idf < 0)] = self.epsilon * avg
        idf[~present] = 0.0
        self.idf = idf
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl) if self.avgdl else np.ones(0)
        self._norm = np.asarray(norm, dtype=np.float64)

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]], **params: float) -> BM25Index:
        """From token lists, one per passage (used by tests and small corpora)."""
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        doc_len = np.zeros(len(corpus), dtype=np.int32)
        for d, tokens in enumerate(corpus):
            doc_len[d] = len(tokens)
            for t in tokens:
                term_ids.append(vocab.setdefault(t, len(vocab)))
                doc_ids.append(d)
        ptr, docs, tfs = postings(
            np.asarray(term_ids, dtype=np.int64), np.asarray(doc_ids, dtype=np.int64), len(vocab)
        )
        return cls(vocab, ptr, docs, tfs, doc_len, **params)

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocab.get(t, -1) for t in tokens]

    def get_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Scores of every passage, as rank_bm25.BM25Okapi(...).get_scores(tokens)."""
        scores = np.zeros(self.n_docs, dtype=np.float64)
        for t in self.term_ids(tokens):
            if t >= 0:
                d, w = self.term_weights(t)
                scores[d] += w
        return scores

    def term_weights(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Passages containing term t and its BM25 contribution to each."""
        lo, hi = self.ptr[t], self.ptr[t + 1]
        d = self.docs[lo:hi]
        tf = self.tfs[lo:hi].astype(np.float64)
        return d, self.idf[t] * (tf * (self.k1 + 1) / (tf + self._norm[d]))

    def top_k(self, scores: np.ndarray, k: int) -> np.ndarray:
        """Indices of the k best scores, best first (ties by lower index)."""
        k = min(k, scores.shape[0])
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        part = np.argpartition(-scores, k - 1)[:k]
        return part[np.lexsort((part, -scores[part]))]

    @staticmethod
    def df_to_idf(n_docs: int, df: int) -> float:
        return math.log(n_docs - df + 0.5) - math.log(df + 0.5)


def postings(
    term_ids: np.ndarray, doc_ids: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR postings from parallel (term, doc) occurrence arrays; doc ids ascending within a term."""
    if term_ids.size == 0:
        return (
            np.zeros(n_terms + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.uint16),
        )
    n_docs = int(doc_ids.max()) + 1
    key = term_ids.astype(np.int64) * n_docs + doc_ids.astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    terms = uniq // n_docs
    docs = (uniq % n_docs).astype(np.int32)
    ptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.add.at(ptr, terms + 1, 1)
    np.cumsum(ptr, out=ptr)
    return ptr, docs, np.minimum(counts, 65535).astype(np.uint16)
