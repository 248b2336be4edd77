"""BM25 with rank-bm25's BM25Okapi semantics, over an inverted index held in numpy arrays.

rank-bm25 walks every document in Python for every query term; here a query touches only the
postings of its terms. Scores are the same numbers (tests check against rank-bm25 itself).

The postings take 3 bytes each, so that a province's worth of articles (tens of millions of
postings) fits in memory twice over while a reload builds the next index:

- a passage number is stored as its offset (uint16) within a segment of 65,536 passages; the
  postings of a term are in ascending passage order, and `seg_counts[t, s]` says how many of
  them fall in segment s, which is all it takes to rebuild the full numbers;
- a term count is stored in a byte; 255 means "look the true count up in `tf_over`".

An index built from plain arrays (int32 passage numbers, uint16 counts) is accepted as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SEGMENT_BITS = 16
TF_ESCAPE = 255


@dataclass
class BM25Index:
    """Postings in CSR form: the passages of term t are docs[ptr[t]:ptr[t+1]], with counts tfs."""

    vocab: dict[str, int]
    ptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # uint16 offsets within segments (compact) or int32 passage numbers (plain)
    tfs: np.ndarray  # uint8 with TF_ESCAPE (compact) or uint16 (plain)
    doc_len: np.ndarray  # int32
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    seg_counts: np.ndarray | None = None  # int32 (terms, segments); None: the plain layout
    tf_over_pos: np.ndarray | None = None  # int64, ascending: postings whose count is >= TF_ESCAPE
    tf_over_val: np.ndarray | None = None  # int64: their counts
    seg_bits: int = SEGMENT_BITS

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
        self._n_seg = 0 if self.seg_counts is None else int(self.seg_counts.shape[1])
        self._seg_base = np.arange(max(self._n_seg, 1), dtype=np.intp) << self.seg_bits
        if self.tf_over_pos is None or self.tf_over_val is None:
            self.tf_over_pos = np.zeros(0, dtype=np.int64)
            self.tf_over_val = np.zeros(0, dtype=np.int64)

    @classmethod
    def build(
        cls, corpus: Sequence[Sequence[str]], *, seg_bits: int = SEGMENT_BITS, **params: float
    ) -> BM25Index:
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
        ptr, docs, counts = postings(
            np.asarray(term_ids, dtype=np.int64), np.asarray(doc_ids, dtype=np.int64), len(vocab)
        )
        layout = compact(ptr, docs, counts, len(corpus), seg_bits)
        return cls(vocab, ptr, *layout.arrays, doc_len, **params, **layout.extra)

    @property
    def nbytes(self) -> int:
        arrays = [self.ptr, self.docs, self.tfs, self.doc_len, self._norm, self.idf]
        if self.seg_counts is not None:
            arrays.append(self.seg_counts)
        return sum(int(a.nbytes) for a in arrays)

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocab.get(t, -1) for t in tokens]

    def get_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Scores of every passage, as rank_bm25.BM25Okapi(...).get_scores(tokens)."""
        return self.score_terms(self.term_ids(tokens))[0]

    def score_terms(self, term_ids: Sequence[int]) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Scores of every passage for these terms (a repeated term counts again, as in
        rank-bm25; -1, a word the index lacks, adds nothing), and the passages of each term."""
        postings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        scores = np.zeros(self.n_docs, dtype=np.float64)
        for t in term_ids:
            if t < 0:
                continue
            if t not in postings:
                postings[t] = self.term_weights(t)
            d, w = postings[t]
            # A term's passages are distinct, so no cell is written twice in one step. (One
            # bincount over every term's postings is faster at 100k passages, twice slower at
            # 750k.)
            scores[d] += w
        return scores, {t: d for t, (d, _) in postings.items()}

    def term_docs(self, t: int) -> np.ndarray:
        """The passages containing term t, ascending."""
        lo, hi = int(self.ptr[t]), int(self.ptr[t + 1])
        # As native-size integers: numpy indexes with them directly, where int32 indices are
        # converted first (scoring 750,000 passages: 2.8 ms instead of 4.6).
        d = self.docs[lo:hi].astype(np.intp)
        if self._n_seg > 1:
            d += np.repeat(self._seg_base, self.seg_counts[t])
        return d

    def term_freqs(self, t: int) -> np.ndarray:
        """How often term t occurs in each of its passages (order of term_docs), as float64."""
        lo, hi = int(self.ptr[t]), int(self.ptr[t + 1])
        tf = self.tfs[lo:hi].astype(np.float64)
        over = self.tf_over_pos
        if over.shape[0]:
            i, j = np.searchsorted(over, (lo, hi))
            if j > i:
                tf[over[i:j] - lo] = self.tf_over_val[i:j]
        return tf

    def term_weights(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Passages containing term t and its BM25 contribution to each."""
        d = self.term_docs(t)
        tf = self.term_freqs(t)
        return d, self.idf[t] * (tf * (self.k1 + 1) / (tf + self._norm[d]))

    def top_k(self, scores: np.ndarray, k: int) -> np.ndarray:
        """Indices of the k best scores, best first (ties by lower index)."""
        k = min(k, scores.shape[0])
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        # Most passages share no word with the question. When k of them score above zero, the
        # best k are among those: look at them alone, not at every passage (750,000 of them).
        candidates = np.flatnonzero(scores > 0)
        if candidates.shape[0] < k:
            candidates = np.arange(scores.shape[0])
        values = scores[candidates]
        kth = -np.partition(-values, k - 1)[k - 1]
        # Ties at the k-th score go to the lowest passage numbers (candidates are ascending).
        above = candidates[values > kth]
        part = np.concatenate((above, candidates[values == kth][: k - above.shape[0]]))
        return part[np.lexsort((part, -scores[part]))]

    @staticmethod
    def df_to_idf(n_docs: int, df: int) -> float:
        return math.log(n_docs - df + 0.5) - math.log(df + 0.5)


def postings(
    term_ids: np.ndarray, doc_ids: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR postings from parallel (term, doc) occurrence arrays: ptr, docs (ascending within a
    term) and the full counts (int64)."""
    if term_ids.size == 0:
        return (
            np.zeros(n_terms + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
        )
    n_docs = int(doc_ids.max()) + 1
    key = term_ids.astype(np.int64) * n_docs + doc_ids.astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    terms = uniq // n_docs
    ptr = np.zeros(n_terms + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(terms, minlength=n_terms))
    return ptr, uniq % n_docs, counts.astype(np.int64)


@dataclass
class Layout:
    """The compact arrays of an index: docs, tfs, and the keyword arguments that go with them."""

    docs: np.ndarray
    tfs: np.ndarray
    seg_counts: np.ndarray
    tf_over_pos: np.ndarray
    tf_over_val: np.ndarray
    seg_bits: int

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self.docs, self.tfs

    @property
    def extra(self) -> dict:
        return {
            "seg_counts": self.seg_counts,
            "tf_over_pos": self.tf_over_pos,
            "tf_over_val": self.tf_over_val,
            "seg_bits": self.seg_bits,
        }


def n_segments(n_docs: int, seg_bits: int = SEGMENT_BITS) -> int:
    return max(1, -(-n_docs >> seg_bits))


def compact(
    ptr: np.ndarray, docs: np.ndarray, counts: np.ndarray, n_docs: int, seg_bits: int = SEGMENT_BITS
) -> Layout:
    """The compact layout of plain postings (docs ascending within each term)."""
    if not 1 <= seg_bits <= 16:
        raise ValueError("seg_bits must be between 1 and 16")
    n_terms = ptr.shape[0] - 1
    n_seg = n_segments(n_docs, seg_bits)
    docs = np.asarray(docs, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    term_of = np.repeat(np.arange(n_terms, dtype=np.int64), np.diff(ptr))
    seg_counts = np.bincount(term_of * n_seg + (docs >> seg_bits), minlength=n_terms * n_seg)
    over = np.flatnonzero(counts >= TF_ESCAPE)
    return Layout(
        (docs & ((1 << seg_bits) - 1)).astype(np.uint16),
        np.minimum(counts, TF_ESCAPE).astype(np.uint8),
        seg_counts.reshape(n_terms, n_seg).astype(np.int32),
        over.astype(np.int64),
        counts[over],
        seg_bits,
    )


def compact_from_chunks(
    chunks: Callable[[], Iterable[tuple[int, np.ndarray, np.ndarray]]],
    n_term_ids: int,
    n_docs: int,
    seg_bits: int = SEGMENT_BITS,
) -> tuple[np.ndarray, np.ndarray, Layout]:
    """The compact index of a corpus too big to sort at once, in memory bounded by its result.

    `chunks()` yields, twice over and the same both times, (first_doc, term_ids, doc_ids):
    the occurrences of the passages first_doc.. (every passage of a chunk comes after those of
    the chunks before it, and no chunk spans two segments). Term ids are below n_term_ids.

    Returns the term ids present (ascending: the index's term numbers), ptr, and the layout.
    """
    n_seg = n_segments(n_docs, seg_bits)
    # First pass: in how many passages each term occurs.
    df = np.zeros(n_term_ids, dtype=np.int64)
    for first, terms, docs in chunks():
        t, _d, _c = _chunk_postings(first, terms, docs)
        df += np.bincount(t, minlength=n_term_ids)
    present = np.flatnonzero(df)
    local = np.full(n_term_ids, -1, dtype=np.int64)
    local[present] = np.arange(present.shape[0])
    n_terms = int(present.shape[0])
    ptr = np.zeros(n_terms + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(df[present])
    del df
    total = int(ptr[-1])
    out_docs = np.empty(total, dtype=np.uint16)
    out_tfs = np.empty(total, dtype=np.uint8)
    seg_counts = np.zeros((n_terms, n_seg), dtype=np.int32)
    cursor = ptr[:-1].copy()
    over_pos: list[np.ndarray] = []
    over_val: list[np.ndarray] = []
    mask = (1 << seg_bits) - 1
    # Second pass: each chunk's postings go after those of the chunks before it.
    for first, terms, docs in chunks():
        t, d, c = _chunk_postings(first, terms, docs)
        if t.shape[0] == 0:
            continue
        lt = local[t]
        starts = np.flatnonzero(np.concatenate(([True], lt[1:] != lt[:-1])))
        run = np.diff(np.append(starts, lt.shape[0]))
        run_terms = lt[starts]
        pos = np.repeat(cursor[run_terms] - starts, run) + np.arange(lt.shape[0])
        cursor[run_terms] += run
        out_docs[pos] = (d & mask).astype(np.uint16)
        out_tfs[pos] = np.minimum(c, TF_ESCAPE).astype(np.uint8)
        seg = int(d[0]) >> seg_bits
        if int(d.max()) >> seg_bits != seg:
            raise ValueError("a chunk spans two segments")
        seg_counts[run_terms, seg] += run.astype(np.int32)
        big = np.flatnonzero(c >= TF_ESCAPE)
        if big.shape[0]:
            over_pos.append(pos[big])
            over_val.append(c[big])
    if not np.array_equal(cursor, ptr[1:]):
        raise ValueError("the two passes over the corpus disagree")
    op = np.concatenate(over_pos) if over_pos else np.zeros(0, dtype=np.int64)
    ov = np.concatenate(over_val) if over_val else np.zeros(0, dtype=np.int64)
    order = np.argsort(op, kind="stable")
    layout = Layout(out_docs, out_tfs, seg_counts, op[order], ov[order], seg_bits)
    return present, ptr, layout


def _chunk_postings(
    first: int, terms: np.ndarray, docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (term, doc) pairs of a chunk, sorted by term then doc, with their counts."""
    if terms.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    span = int(docs.max()) - first + 1
    key = terms.astype(np.int64)
    key *= span
    key += docs
    key -= first
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    counts = np.diff(np.append(starts, key.shape[0]))
    t, d = np.divmod(key[starts], span)
    return t, d + first, counts
