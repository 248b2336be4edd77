"""The index as it is stored and loaded: built in chunks and segments, from analyses cached by an
older version, from a snapshot in an older layout (migrated), and resumed after a failed build."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

import bot.index.analysis
import bot.index.build
from bot.engine import Engine
from bot.search.bm25 import BM25Index
from bot.storage.db import Database
from bot.storage.index_layout import split_grams, unpack
from bot.text.analyze import analyze

QUERIES = [
    "thu nhập bình quân đầu người năm 2023",
    "tỷ lệ lấp đầy cụm công nghiệp",
    "Ban Thường vụ Tỉnh ủy làm việc với Thị ủy",
    "đô thị loại III trước năm 2025",
]


def same_index(a: BM25Index, b: BM25Index) -> None:
    assert set(a.vocab) == set(b.vocab)
    assert a.doc_len.tolist() == b.doc_len.tolist()
    for term, i in a.vocab.items():
        j = b.vocab[term]
        assert a.term_docs(i).tolist() == b.term_docs(j).tolist(), term
        assert a.term_freqs(i).tolist() == b.term_freqs(j).tolist(), term
        assert a.idf[i] == pytest.approx(b.idf[j], rel=1e-12)
    for q in QUERIES:
        toks = analyze(q)
        assert np.allclose(a.get_scores(toks), b.get_scores(toks), rtol=1e-12, atol=1e-12)


async def test_built_in_chunks_and_segments_as_in_memory(settings, seed_items, seed_snapshot, monkeypatch):
    # 64 passages a segment and 300 tokens a chunk: the seeds' index spans several of each.
    monkeypatch.setattr(bot.index.build, "SEGMENT_BITS", 6)
    monkeypatch.setattr(bot.index.build, "CHUNK_TOKENS", 300)
    engine = await Engine.open(settings)
    try:
        index = engine.snapshot.retriever.index
        assert index.seg_counts is not None and index.seg_counts.shape[1] > 2
        same_index(index, seed_snapshot.retriever.index)
        assert engine.snapshot.retriever.doc_article.tolist() == seed_snapshot.retriever.doc_article.tolist()
        texts = engine.snapshot.retriever.passage_text(list(range(index.n_docs)))
        assert [texts[d].text for d in range(index.n_docs)] == [
            p.text for _, a in seed_items for p in a.passages
        ]
        assert engine.snapshot.model.unigrams == seed_snapshot.model.unigrams
        assert list(engine.snapshot.model.unigrams) == list(seed_snapshot.model.unigrams)  # same order
        assert engine.snapshot.model.bigrams == seed_snapshot.model.bigrams
    finally:
        await engine.close()


def snapshot_row(db) -> dict:
    """The snapshot's columns and arrays."""
    with sqlite3.connect(db) as conn:
        cur = conn.execute("SELECT * FROM snapshot")
        row = cur.fetchone()
        out = {d[0]: v for d, v in zip(cur.description, row, strict=True) if d[0] != "built_at"}
        out.update(conn.execute("SELECT name, data FROM snapshot_arrays"))
        return out


async def test_analyses_cached_by_an_older_version_are_converted(engine, settings):
    before = snapshot_row(settings.db_path)
    with sqlite3.connect(settings.db_path) as conn:
        names = {i: g for i, g in conn.execute("SELECT id, gram FROM grams")}
        for h, blob, packed, tokens in conn.execute(
            "SELECT hash, grams, packed, tokens FROM analyses"
        ).fetchall():
            ui, uc, bi, bc = split_grams(unpack(blob, packed))
            old = [
                {names[int(i)]: int(c) for i, c in zip(ui, uc, strict=True)},
                {names[int(i)]: int(c) for i, c in zip(bi, bc, strict=True)},
            ]
            conn.execute(
                "UPDATE analyses SET grams = NULL, first_passage = NULL, ngrams_json = ?, tokens = ?, packed = 0"
                " WHERE hash = ?",
                (json.dumps(old, ensure_ascii=False), unpack(tokens, packed).tobytes(), h),
            )
        conn.execute("DELETE FROM grams")
    await engine.reload(force=True)
    after = snapshot_row(settings.db_path)
    for col in ("unigrams_json", "bigrams_json", "doc_passage", "doc_len", "doc_article", "articles_json"):
        assert after[col] == before[col], col
    with sqlite3.connect(settings.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM analyses WHERE grams IS NULL").fetchone() == (0,)


def to_older_layout(db, index: BM25Index, layout: int) -> None:
    """Rewrite the database's snapshot as a version before 0008_snapshot_layout_3_only wrote it:
    1, plain arrays (int32 passages, uint16 counts) in the snapshot row; 2, compact arrays there."""
    with sqlite3.connect(db) as conn:
        arrays = dict(conn.execute("SELECT name, data FROM snapshot_arrays"))
        if layout == 1:
            n = len(index.vocab)
            arrays["docs"] = np.concatenate([index.term_docs(i) for i in range(n)]).astype(np.int32).tobytes()
            arrays["tfs"] = (
                np.concatenate([index.term_freqs(i) for i in range(n)]).astype(np.uint16).tobytes()
            )
            arrays["seg_counts"] = arrays["tf_over"] = None
        cols = [
            "ptr",
            "docs",
            "tfs",
            "doc_len",
            "doc_article",
            "doc_passage",
            "term_ids",
            "seg_counts",
            "tf_over",
        ]
        conn.execute(
            f"UPDATE snapshot SET layout = ?, {', '.join(f'{c} = ?' for c in cols)}",
            (layout, *(arrays[c] for c in cols)),
        )
        conn.execute("DELETE FROM snapshot_arrays")
        conn.execute("DELETE FROM schema_migrations WHERE name >= '0008'")


def layouts(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT layout, length(ptr), seg_counts FROM snapshot").fetchall()


async def test_a_snapshot_in_layout_2_is_migrated_as_it_is(engine, settings):
    index = engine.snapshot.retriever.index
    before = snapshot_row(settings.db_path)
    to_older_layout(settings.db_path, index, 2)
    other = await Engine.open(settings, build=False)  # 0008 moves the arrays to snapshot_arrays
    try:
        assert layouts(settings.db_path) == [(3, 0, None)]
        after = snapshot_row(settings.db_path)
        for name in ("ptr", "docs", "tfs", "doc_len", "doc_article", "doc_passage", "term_ids", "seg_counts"):
            assert after[name] == before[name], name
        same_index(other.snapshot.retriever.index, index)
        assert other.coverage() == engine.coverage()
        assert other.answer(QUERIES[0]).quotes == engine.answer(QUERIES[0]).quotes
    finally:
        await other.close()


async def test_a_snapshot_in_layout_1_is_rebuilt_from_the_cached_analyses(engine, settings, monkeypatch):
    index = engine.snapshot.retriever.index
    to_older_layout(settings.db_path, index, 1)
    analysed = []
    real = bot.index.analysis.analyze_job
    monkeypatch.setattr(bot.index.analysis, "analyze_job", lambda job: analysed.append(job) or real(job))
    other = await Engine.open(settings, build=False)
    try:
        assert not other.has_index  # 0008 took out the snapshot it cannot convert...
        assert layouts(settings.db_path) == []
    finally:
        await other.close()
    other = await Engine.open(settings)  # ...and the start builds it again from the cache
    try:
        assert analysed == []
        assert layouts(settings.db_path) == [(3, 0, None)]
        same_index(other.snapshot.retriever.index, index)
        assert other.coverage() == engine.coverage()
    finally:
        await other.close()


async def test_a_database_missing_a_late_column_gets_it(tmp_path):
    """0004_compact_index was applied by working copies before it had analyses.packed."""
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE analyses DROP COLUMN packed")
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        assert "packed" in {r[1] for r in conn.execute("PRAGMA table_info(analyses)")}
