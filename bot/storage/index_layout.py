"""How the index lives in the database: the cached analyses (one row per distinct article content,
its passages, numbered terms and grams), and the snapshot (layout 3: one row of article data and
the BM25 arrays in snapshot_arrays, one a row, written and read in pieces).

Every function here runs on the index store's thread, with its connection (index_store.py).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from bot.errors import StorageError
from bot.search.facts import Fact
from bot.storage.connection import now_iso

BLOB_PIECE = 8 << 20  # bytes per incremental blob read or write
LAYOUT = 3  # compact arrays (see BM25Index) in snapshot_arrays, one a row
# The snapshot's arrays and the type each is stored in.
ARRAY_TYPES: dict[str, type] = {
    "ptr": np.int64,
    "docs": np.uint16,
    "tfs": np.uint8,
    "doc_len": np.int32,
    "doc_article": np.int32,
    "doc_passage": np.int64,
    "term_ids": np.int32,
    "seg_counts": np.int32,
    "tf_over": np.int64,
}


@dataclass
class AnalysisRecord:
    """One article's analysis as the cache stores it, compact: it travels from a worker process."""

    meta: dict[str, str | None]
    years: list[int]
    passages: list[tuple[str, str | None, str | None, int | None]]  # text, before, after, page
    vocab: list[str]  # the article's distinct tokens, first seen first
    ids: bytes  # int32 positions in vocab of every passage's tokens, passage after passage
    lengths: bytes  # int32 tokens per passage
    unigrams: list[str]
    uni_counts: list[int]
    bigrams: list[str]
    bi_counts: list[int]
    facts: list[Fact]  # figures read from the passages (bot/search/facts.py)

    @property
    def n_passages(self) -> int:
        return len(self.passages)


@dataclass(frozen=True)
class ArticleRow:
    """An article of the index with its analysis, as the snapshot build reads it."""

    path: str
    hash: str
    source: tuple[str | None, ...]  # title, publisher, date, place, province, url
    years: list[int]
    meta: dict
    lengths: bytes  # int32 tokens per passage
    first_passage: int | None  # None: an analysis cached before passage ids were contiguous


@dataclass
class StoredIndex:
    """The last good snapshot as stored: its row's values and its arrays."""

    built_at: str
    articles_json: str
    unigrams_json: str
    bigrams_json: str
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    terms: dict[int, str] = field(default_factory=dict)


def unpack(blob: bytes, packed: int) -> np.ndarray:
    """An int32 column of analyses (tokens, grams) as an array."""
    return np.frombuffer(zlib.decompress(blob) if packed else blob, dtype=np.int32)


def grams_blob(grams: dict[str, int], uni: list[str], uc: list[int], bi: list[str], bc: list[int]) -> bytes:
    """int32: unigram count, then unigram ids, unigram counts, bigram ids, bigram counts."""
    parts = [
        np.asarray([len(uni)], dtype=np.int32),
        np.fromiter((grams[g] for g in uni), dtype=np.int32, count=len(uni)),
        np.asarray(uc, dtype=np.int32),
        np.fromiter((grams[g] for g in bi), dtype=np.int32, count=len(bi)),
        np.asarray(bc, dtype=np.int32),
    ]
    return np.concatenate(parts).tobytes()


def split_grams(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = int(a[0])
    m = (a.shape[0] - 1 - 2 * n) // 2
    return a[1 : 1 + n], a[1 + n : 1 + 2 * n], a[1 + 2 * n : 1 + 2 * n + m], a[1 + 2 * n + m :]


def add_names(conn: sqlite3.Connection, table: str, col: str, known: dict[str, int], names: set[str]) -> None:
    """Give every name an id in table (terms or grams), whoever inserted it first."""
    missing = [n for n in names if n not in known]
    if not missing:
        return
    conn.executemany(f"INSERT OR IGNORE INTO {table} ({col}) VALUES (?)", [(n,) for n in missing])
    for i in range(0, len(missing), 500):
        part = missing[i : i + 500]
        q = f"SELECT {col}, id FROM {table} WHERE {col} IN ({','.join('?' * len(part))})"
        known.update(conn.execute(q, part))


_ARTICLE_ROWS = (
    "SELECT a.path, a.hash, a.title, a.publisher, a.date, a.place, a.province, a.url, n.years_json,"
    " n.lengths, n.first_passage, n.meta_json FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"
)
TOKEN_ROWS = (
    "SELECT n.tokens, n.lengths, n.packed FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"
)
_GRAM_ROWS = "SELECT n.grams, n.packed FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"


class SnapshotWriter:
    """What a snapshot build reads and writes, inside the index store's write transaction: the
    articles now in the database in path order, their cached tokens and grams, and the new
    snapshot's arrays and row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def articles(self) -> Iterator[ArticleRow]:
        for path, h, title, pub, date, place, prov, url, years, lens, first, meta in self._conn.execute(
            _ARTICLE_ROWS
        ):
            yield ArticleRow(
                path,
                h,
                (title, pub, date, place, prov, url),
                json.loads(years),
                json.loads(meta),
                lens,
                first,
            )

    def passage_ids(self, h: str) -> np.ndarray:
        rows = self._conn.execute("SELECT id FROM passages WHERE hash = ? ORDER BY seq", (h,))
        return np.asarray([r[0] for r in rows], dtype=np.int64)

    def tokens(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Each article's term ids and tokens per passage, in path order."""
        for tok, lens, packed in self._conn.execute(TOKEN_ROWS):
            yield unpack(tok, packed), np.frombuffer(lens, dtype=np.int32)

    def grams(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Each article's unigram ids and counts, bigram ids and counts, in path order."""
        for blob, packed in self._conn.execute(_GRAM_ROWS):
            yield split_grams(unpack(blob, packed))

    def max_term_id(self) -> int:
        return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM terms").fetchone()[0])

    def max_gram_id(self) -> int:
        return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM grams").fetchone()[0])

    def gram_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = [int(x) for x in ids]
        names: dict[int, str] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            q = f"SELECT id, gram FROM grams WHERE id IN ({','.join('?' * len(part))})"
            names.update(self._conn.execute(q, part))
        return names

    def clear_arrays(self) -> None:
        self._conn.execute("DELETE FROM snapshot_arrays")

    def write_array(self, name: str, a: np.ndarray) -> None:
        """One of the snapshot's arrays, written piece by piece: never copied whole (the index of
        20,000 articles is over 100 MB)."""
        if not a.size:  # an empty corpus: a view of no bytes cannot be cast
            self._conn.execute("INSERT INTO snapshot_arrays (name, data) VALUES (?, zeroblob(0))", (name,))
            return
        a = np.ascontiguousarray(a, dtype=ARRAY_TYPES[name])
        raw = memoryview(a).cast("B")
        cur = self._conn.execute(
            "INSERT INTO snapshot_arrays (name, data) VALUES (?, zeroblob(?))", (name, raw.nbytes)
        )
        with self._conn.blobopen("snapshot_arrays", "data", cur.lastrowid) as blob:
            for i in range(0, raw.nbytes, BLOB_PIECE):
                blob.write(raw[i : i + BLOB_PIECE])

    def write_row(self, articles_json: str, unigrams: dict[str, int], bigrams: dict[str, int]) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO snapshot (id, built_at, ptr, docs, tfs, doc_len, doc_article, doc_passage,"
            " articles_json, term_ids, unigrams_json, bigrams_json, layout, seg_counts, tf_over)"
            " VALUES (1, ?, x'', x'', x'', x'', x'', x'', ?, x'', ?, ?, ?, NULL, NULL)",
            (
                now_iso(),
                articles_json,
                json.dumps(unigrams, ensure_ascii=False),
                json.dumps(bigrams, ensure_ascii=False),
                LAYOUT,
            ),
        )

    def number_old_grams(self) -> None:
        """Analyses cached before grams were numbered keep their counts in ngrams_json: number them
        (uncompressed, as the rest of such a row)."""
        conn = self._conn
        rows = conn.execute("SELECT hash, ngrams_json FROM analyses WHERE grams IS NULL").fetchall()
        if not rows:
            return
        grams = dict(conn.execute("SELECT gram, id FROM grams"))
        for h, ngrams in rows:
            u, b = json.loads(ngrams)
            add_names(conn, "grams", "gram", grams, {*u, *b})
            blob = grams_blob(grams, list(u), list(u.values()), list(b), list(b.values()))
            conn.execute("UPDATE analyses SET grams = ?, ngrams_json = '' WHERE hash = ?", (blob, h))


def read_snapshot(conn: sqlite3.Connection) -> StoredIndex | None:
    row = conn.execute(
        "SELECT built_at, articles_json, unigrams_json, bigrams_json, layout FROM snapshot WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    if row[4] != LAYOUT:  # 0008_snapshot_layout_3_only converted or removed every other one
        raise StorageError(f"the stored index has layout {row[4]}, not {LAYOUT}", kind="corrupt")
    rows = dict(conn.execute("SELECT name, rowid FROM snapshot_arrays"))
    try:
        arrays = {n: _read_blob(conn, rows[n], t) for n, t in ARRAY_TYPES.items()}
    except KeyError as e:
        raise StorageError(f"the stored index lacks the array {e}", kind="corrupt") from e
    terms = dict(conn.execute("SELECT id, term FROM terms"))
    return StoredIndex(row[0], row[1], row[2], row[3], arrays, terms)


def _read_blob(conn: sqlite3.Connection, row: int, dtype: type) -> np.ndarray:
    with conn.blobopen("snapshot_arrays", "data", row, readonly=True) as blob:
        size = len(blob)
        out = np.empty(size // np.dtype(dtype).itemsize, dtype=dtype)
        raw = memoryview(out).cast("B")
        for i in range(0, size, BLOB_PIECE):
            piece = blob.read(BLOB_PIECE)
            raw[i : i + len(piece)] = piece
    return out


def passage_count(conn: sqlite3.Connection) -> int:
    """Passages in the stored index (4 bytes of doc_len each)."""
    row = conn.execute(
        "SELECT length(a.data) / 4 FROM snapshot s JOIN snapshot_arrays a ON a.name = 'doc_len' WHERE s.id = 1"
    ).fetchone()
    return int(row[0]) if row else 0
