"""Building: the snapshot's arrays from the cached analyses of the articles now in the database.

The index is built in two streaming passes over the cached token ids (bm25.compact_from_chunks),
and each array is written as soon as it is made and let go, so a build never holds more than the
index itself plus a few megabytes. Runs on the index store's thread, inside its write transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial

import numpy as np

from bot.search.bm25 import SEGMENT_BITS, compact_from_chunks
from bot.search.snapshot import EXTRA_META
from bot.storage.index_layout import SnapshotWriter

CHUNK_TOKENS = 250_000  # tokens per step of the snapshot build: bounds its working memory (~15 MB)


def article_row(path: str, source: tuple, years: list[int], meta: dict) -> list:
    """An article as the snapshot keeps it: path, the source line's fields, years, then the
    place's level, its 2025 province, the year written and the units it mentions (load.py)."""
    extra = {k: meta[k] for k in EXTRA_META if meta.get(k) is not None}
    return [path, *source, years, extra]


def build_snapshot(w: SnapshotWriter) -> tuple[int, int]:
    """Write the snapshot of the articles now in the database; (articles, passages)."""
    parts: list[str] = []
    lengths: list[bytes] = []
    firsts: list[int] = []
    looked_up: dict[int, np.ndarray] = {}
    for i, a in enumerate(w.articles()):
        parts.append(json.dumps(article_row(a.path, a.source, a.years, a.meta), ensure_ascii=False))
        lengths.append(a.lengths)
        firsts.append(a.first_passage or 0)
        if a.first_passage is None:  # an analysis cached before passage ids were kept contiguous
            looked_up[i] = w.passage_ids(a.hash)
    n_articles = len(parts)
    articles_json = "[" + ", ".join(parts) + "]"  # json.dumps of the list, without holding the list
    del parts
    doc_len = np.frombuffer(b"".join(lengths), dtype=np.int32)
    counts = np.asarray([len(b) // 4 for b in lengths], dtype=np.int64)
    del lengths
    n_docs = int(doc_len.shape[0])
    starts = np.cumsum(counts) - counts
    doc_passage = np.repeat(np.asarray(firsts, dtype=np.int64) - starts, counts) + np.arange(n_docs)
    for i, ids in looked_up.items():
        doc_passage[starts[i] : starts[i] + counts[i]] = ids
    w.clear_arrays()
    w.write_array("doc_len", doc_len)
    w.write_array("doc_article", np.repeat(np.arange(n_articles, dtype=np.int32), counts))
    w.write_array("doc_passage", doc_passage)
    del doc_passage, firsts, looked_up
    term_ids, ptr, layout = compact_from_chunks(
        partial(_token_chunks, w), w.max_term_id() + 1, n_docs, SEGMENT_BITS
    )
    w.write_array("ptr", ptr)
    w.write_array("docs", layout.docs)
    w.write_array("tfs", layout.tfs)
    w.write_array("term_ids", term_ids)
    w.write_array("seg_counts", layout.seg_counts)
    w.write_array("tf_over", np.concatenate([layout.tf_over_pos, layout.tf_over_val]))
    del layout
    uni, bi = _gram_totals(w)
    w.write_row(articles_json, uni, bi)
    return n_articles, n_docs


def _token_chunks(w: SnapshotWriter) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(first passage, term ids, passage of each) in pieces of about CHUNK_TOKENS tokens that
    never span two segments of the index."""
    seg = 1 << SEGMENT_BITS
    terms: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    first = doc = held = 0
    boundary = seg

    def flush() -> tuple[int, np.ndarray, np.ndarray]:
        out = (first, np.concatenate(terms), np.concatenate(docs))
        terms.clear()
        docs.clear()
        return out

    for t, ln in w.tokens():
        d = np.repeat(np.arange(doc, doc + ln.shape[0], dtype=np.int32), ln)
        doc += ln.shape[0]
        while d.shape[0] and d[-1] >= boundary:
            cut = int(np.searchsorted(d, boundary))
            terms.append(t[:cut])
            docs.append(d[:cut])
            yield flush()
            t, d = t[cut:], d[cut:]
            first, held, boundary = boundary, 0, boundary + seg
        terms.append(t)
        docs.append(d)
        held += t.shape[0]
        if held >= CHUNK_TOKENS:
            yield flush()
            first, held = doc, 0
    if terms:
        yield flush()


def _gram_totals(w: SnapshotWriter) -> tuple[dict[str, int], dict[str, int]]:
    """Syllable and syllable-pair counts over every article, in the order they are first seen
    going through the articles by path (the order a Counter summing them would have)."""
    w.number_old_grams()
    n = w.max_gram_id() + 1
    sums = [np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)]
    first = [np.full(n, np.iinfo(np.int64).max), np.full(n, np.iinfo(np.int64).max)]
    seen = [0, 0]
    pending: list[list[np.ndarray]] = [[], [], [], []]

    def flush() -> None:
        for k in (0, 1):
            ids = np.concatenate(pending[2 * k]) if pending[2 * k] else np.zeros(0, dtype=np.int32)
            counts = np.concatenate(pending[2 * k + 1]) if pending[2 * k + 1] else np.zeros(0, dtype=np.int32)
            if ids.shape[0]:
                sums[k] += np.bincount(ids, weights=counts, minlength=n).astype(np.int64)
                u, idx = np.unique(ids, return_index=True)
                first[k][u] = np.minimum(first[k][u], idx + seen[k])
                seen[k] += ids.shape[0]
        for p in pending:
            p.clear()

    held = 0
    for ui, uc, bi, bc in w.grams():
        pending[0].append(ui)
        pending[1].append(uc)
        pending[2].append(bi)
        pending[3].append(bc)
        held += ui.shape[0] + bi.shape[0]
        if held >= CHUNK_TOKENS:
            flush()
            held = 0
    flush()
    present = [np.flatnonzero(first[k] < np.iinfo(np.int64).max) for k in (0, 1)]
    names = w.gram_names(np.union1d(present[0], present[1]).tolist())
    out = []
    for k in (0, 1):
        ids = present[k][np.argsort(first[k][present[k]], kind="stable")]
        out.append({names[int(g)]: int(sums[k][g]) for g in ids})
    return out[0], out[1]
