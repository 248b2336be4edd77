"""Incremental, atomic (re)builds of the index in SQLite, and loading the last good one.

Only new or changed files go through pyvi (the analysis is cached by content hash), in worker
processes when there are several cores. Each analysis goes into that cache as soon as it is
done, in small transactions, and nothing of it stays in memory: a build of any size runs in
bounded memory, and a build that is killed resumes where it stopped. What the served index
depends on, the article rows, the index snapshot and the removal of analyses no article uses
any more, commits in one transaction: a rebuild that fails or is killed part-way leaves the
previous snapshot in place.

The snapshot is built in two streaming passes over the cached token ids (bm25.compact_from_chunks)
and written and read in pieces through SQLite's incremental blob I/O, so neither ever holds more
than the index itself plus a few megabytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import multiprocessing
import os
import sqlite3
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.loader import ANALYSIS_VERSION, ArticleFile, content_hash, parse_document, read_document, scan
from bot.errors import CorpusError, StorageError
from bot.models import FileProblem, PassageText, ReloadReport
from bot.search.bm25 import SEGMENT_BITS, BM25Index, compact_from_chunks, n_segments
from bot.search.facts import Fact
from bot.search.snapshot import (
    EXTRA_META,
    SOURCE_FIELDS,
    AnalyzedArticle,
    Snapshot,
    analyze_parsed,
    article_from_meta,
    assemble,
)
from bot.storage.db import Database, now_iso
from bot.storage.facts import FactReader, write_facts
from bot.text.analyze import _tokenizer
from bot.text.places import Gazetteer

Progress = Callable[[int, int], None]
POOL_MIN_ARTICLES = 8  # below this, starting worker processes costs more than it saves
CHUNK_TOKENS = 250_000  # tokens per step of the snapshot build: bounds its working memory (~15 MB)
BLOB_PIECE = 8 << 20  # bytes per incremental blob read or write
# Snapshot layouts: 1, int32/uint16 arrays in the snapshot row; 2, compact arrays there (see
# BM25Index); 3, compact arrays in snapshot_arrays, one a row.
LAYOUT_PLAIN, LAYOUT_COMPACT, LAYOUT_ARRAYS = 1, 2, 3


# ---------------------------------------------------------------- analysis (in worker processes)


@dataclass
class Encoded:
    """One article's analysis as it travels from a worker and goes into the cache: compact."""

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
    facts: list[Fact]

    @property
    def n_passages(self) -> int:
        return len(self.passages)


def encode(a: AnalyzedArticle) -> Encoded:
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for toks in a.tokens for t in toks]
    return Encoded(
        a.meta,
        a.years,
        [(p.text, p.before, p.after, p.page) for p in a.passages],
        list(vocab),
        np.asarray(ids, dtype=np.int32).tobytes(),
        np.asarray([len(t) for t in a.tokens], dtype=np.int32).tobytes(),
        list(a.unigrams),
        list(a.unigrams.values()),
        list(a.bigrams),
        list(a.bigrams.values()),
        a.facts,
    )


# A job: (project-relative path, file path, limits of each format, the corpus directories it
# may lie in). The worker reads the file itself (the parent only hashed it), so no article text
# is held in the parent or pickled.
Job = tuple[str, str, FormatLimits, tuple[Path, ...]]
JobResult = tuple[str, Encoded] | str  # (content hash, analysis) or why the file is skipped


def _analyze_job(job: Job) -> tuple[str, JobResult]:
    path, file, limits, roots = job
    try:
        doc = read_document(Path(file), limits, roots=roots)
        return path, (
            content_hash(doc.ident),
            encode(analyze_parsed(parse_document(doc, Gazetteer.default()))),
        )
    except CorpusError as e:
        return path, str(e)
    except Exception as e:  # a worker must report, never take the build down
        return path, f"lỗi khi phân tích tệp ({type(e).__name__})"


def _analyze_chunk(jobs: list[Job]) -> list[tuple[str, JobResult]]:
    return [_analyze_job(j) for j in jobs]


def _exit_with_parent(parent: int) -> None:
    """In a worker: end when the indexing process is gone. Killed with SIGKILL (or by the OOM
    killer), it cannot stop its pool, and the workers would wait on their queue forever, each
    holding a copy of the pyvi model."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_count(settings: Settings) -> int:
    return settings.workers if settings.workers > 0 else (os.cpu_count() or 1)


# ---------------------------------------------------------------- the analysis cache


class _CacheWriter:
    """Stores analyses (rows of analyses and passages, new terms and grams) in its own short
    transactions. Called in the database connection's thread."""

    def __init__(self) -> None:
        self.terms: dict[str, int] | None = None
        self.grams: dict[str, int] | None = None

    def __call__(self, conn: sqlite3.Connection, batch: list[tuple[str, Encoded]]) -> None:
        if self.terms is None or self.grams is None:
            self.terms = dict(conn.execute("SELECT term, id FROM terms"))
            self.grams = dict(conn.execute("SELECT gram, id FROM grams"))
        conn.execute("BEGIN IMMEDIATE")
        try:
            _add_names(conn, "terms", "term", self.terms, {t for _, e in batch for t in e.vocab})
            _add_names(
                conn, "grams", "gram", self.grams, {g for _, e in batch for g in (*e.unigrams, *e.bigrams)}
            )
            stamp = now_iso()
            for h, e in batch:
                term_ids = np.fromiter((self.terms[t] for t in e.vocab), dtype=np.int32, count=len(e.vocab))
                tokens = term_ids[np.frombuffer(e.ids, dtype=np.int32)]
                conn.execute("DELETE FROM passages WHERE hash = ?", (h,))
                (first,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM passages").fetchone()
                grams = _grams_blob(self.grams, e.unigrams, e.uni_counts, e.bigrams, e.bi_counts)
                conn.execute(
                    "INSERT OR REPLACE INTO analyses (hash, meta_json, years_json, tokens, lengths, ngrams_json,"
                    " created_at, grams, first_passage, packed) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1)",
                    (
                        h,
                        json.dumps(e.meta, ensure_ascii=False),
                        json.dumps(e.years),
                        zlib.compress(tokens.tobytes(), 1),
                        e.lengths,
                        stamp,
                        zlib.compress(grams, 1),
                        first,
                    ),
                )
                conn.executemany(
                    "INSERT INTO passages (id, hash, seq, text, before, after, page) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(first + i, h, i, t, b, a, pg) for i, (t, b, a, pg) in enumerate(e.passages)],
                )
                write_facts(conn, h, e.facts)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (full disk, I/O error)
                conn.execute("ROLLBACK")
            raise


def _add_names(
    conn: sqlite3.Connection, table: str, col: str, known: dict[str, int], names: set[str]
) -> None:
    """Give every name an id in table (terms or grams), whoever inserted it first."""
    missing = [n for n in names if n not in known]
    if not missing:
        return
    conn.executemany(f"INSERT OR IGNORE INTO {table} ({col}) VALUES (?)", [(n,) for n in missing])
    for i in range(0, len(missing), 500):
        part = missing[i : i + 500]
        q = f"SELECT {col}, id FROM {table} WHERE {col} IN ({','.join('?' * len(part))})"
        known.update(conn.execute(q, part))


def _grams_blob(grams: dict[str, int], uni: list[str], uc: list[int], bi: list[str], bc: list[int]) -> bytes:
    parts = [
        np.asarray([len(uni)], dtype=np.int32),
        np.fromiter((grams[g] for g in uni), dtype=np.int32, count=len(uni)),
        np.asarray(uc, dtype=np.int32),
        np.fromiter((grams[g] for g in bi), dtype=np.int32, count=len(bi)),
        np.asarray(bc, dtype=np.int32),
    ]
    return np.concatenate(parts).tobytes()


def unpack(blob: bytes, packed: int) -> np.ndarray:
    """An int32 column of analyses (tokens, grams) as an array."""
    return np.frombuffer(zlib.decompress(blob) if packed else blob, dtype=np.int32)


def _split_grams(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = int(a[0])
    m = (a.shape[0] - 1 - 2 * n) // 2
    return a[1 : 1 + n], a[1 + n : 1 + 2 * n], a[1 + 2 * n : 1 + 2 * n + m], a[1 + 2 * n + m :]


async def _analyze_and_store(
    db: Database, jobs: list[Job], workers: int, progress: Progress | None
) -> dict[str, tuple[str, int] | str]:
    """Analyse the jobs and cache each analysis as it comes (none is kept in memory).

    Per path: (content hash, passage count), or why the file is skipped.
    """
    out: dict[str, tuple[str, int] | str] = {}
    if not jobs:
        return out
    writer = _CacheWriter()
    total = len(jobs)
    done = 0

    async def store(results: list[tuple[str, JobResult]]) -> None:
        nonlocal done
        batch = [r for _, r in results if not isinstance(r, str)]
        if batch:
            await db.run(partial(writer, batch=batch))
        for path, r in results:
            out[path] = r if isinstance(r, str) else (r[0], r[1].n_passages)
        done += len(results)
        if progress:
            progress(done, total)

    if workers <= 1 or total < POOL_MIN_ARTICLES:
        pending: list[tuple[str, JobResult]] = []
        for job in jobs:
            # The event loop keeps answering meanwhile; pyvi runs in a thread.
            pending.append(await asyncio.to_thread(_analyze_job, job))
            if len(pending) >= 8:
                await store(pending)
                pending = []
        await store(pending)
        return out

    # fork shares the pyvi model with the workers instead of loading it in each
    await asyncio.to_thread(_tokenizer)
    ctx = multiprocessing.get_context("fork")
    size = max(1, min(8, total // (workers * 8)))
    chunks = iter([jobs[i : i + size] for i in range(0, total, size)])
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        in_flight: deque[asyncio.Future] = deque()

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                in_flight.append(loop.run_in_executor(pool, _analyze_chunk, chunk))

        for _ in range(workers * 3):
            submit()
        while in_flight:
            results = await in_flight.popleft()
            submit()
            await store(results)
    return out


# ---------------------------------------------------------------- planning


@dataclass
class _Plan:
    files: dict[str, tuple[ArticleFile, str | None]]  # path -> (file, its sidecar)
    known: dict
    unchanged: dict[str, str]  # path -> hash
    updated: dict[str, tuple[str, ArticleFile]]  # path -> (new hash, file), new or changed
    to_analyze: list[Job]
    removed: list[str]
    problems: list[FileProblem]


class _Listings:
    """Each corpus directory listed once (os.scandir): which names are symbolic links, and
    which sidecars exist, without a system call (or a pathlib object) per file: at 20,000
    files those are what a rebuild with nothing changed would spend its time on."""

    def __init__(self) -> None:
        self._dirs: dict[str, dict[str, bool]] = {}

    def entries(self, directory: str) -> dict[str, bool]:
        got = self._dirs.get(directory)
        if got is None:
            got = {}
            try:
                with os.scandir(directory) as it:
                    for e in it:
                        try:
                            got[e.name] = e.is_symlink()
                        except OSError:
                            got[e.name] = True  # unknown: looked at as a link would be
            except OSError:
                pass
            self._dirs[directory] = got
        return got


def _relpaths(
    settings: Settings, files: list[ArticleFile], listings: _Listings
) -> dict[str, tuple[ArticleFile, str | None]]:
    """Per Settings.relpath of each file: the file and its sidecar's path if there is one.
    Each directory is resolved once, not each file."""
    dirs: dict[str, str] = {}
    out: dict[str, tuple[ArticleFile, str | None]] = {}
    for f in files:
        path = str(f.path)
        parent, name = os.path.split(path)
        base = dirs.get(parent)
        if base is None:
            base = dirs[parent] = settings.relpath(Path(parent))
        entries = listings.entries(parent)
        if entries.get(name, True):
            rel = settings.relpath(f.path)
        else:
            rel = name if base == "." else f"{base}/{name}"
        side = name.rpartition(".")[0] + ".meta.json"
        out[rel] = (f, os.path.join(parent, side) if side in entries else None)
    return out


async def _plan(db: Database, settings: Settings) -> _Plan:
    files_list, scan_problems = await asyncio.to_thread(scan, settings.corpus_dirs)
    problems = [FileProblem(settings.relpath(p), why) for p, why in scan_problems]
    known = await db.known_articles()
    listings = _Listings()
    files = await asyncio.to_thread(_relpaths, settings, files_list, listings)
    # After an upgrade of the analysis every file is re-read: its cached analysis is stale.
    current = await db.get_meta("analysis_version") == ANALYSIS_VERSION.decode()
    unchanged: dict[str, str] = {}
    candidates: list[tuple[str, str, ArticleFile]] = []

    def read_changed() -> None:
        for rel, (f, side) in files.items():
            k = known.get(rel)
            side_mtime = 0
            if side is not None:
                with contextlib.suppress(OSError):
                    side_mtime = os.stat(side).st_mtime_ns
            if current and k and k.size == f.size and k.mtime_ns == f.mtime_ns + side_mtime:
                unchanged[rel] = k.hash
                continue
            try:
                # A web page, Word file or PDF is only identified here; its text is taken once,
                # by the analysis, and only if it changed.
                doc = read_document(f.path, settings.limits, extract_text=False, roots=settings.corpus_dirs)
            except CorpusError as e:
                problems.append(FileProblem(rel, str(e)))
                continue
            candidates.append(
                (rel, content_hash(doc.ident), ArticleFile(f.path, f.size, f.mtime_ns + side_mtime))
            )

    await asyncio.to_thread(read_changed)
    cached = await db.cached_hashes(h for _, h, _ in candidates)
    updated: dict[str, tuple[str, ArticleFile]] = {}
    to_analyze: list[Job] = []
    for rel, h, f in candidates:
        k = known.get(rel)
        updated[rel] = (h, f)
        if k and k.hash == h:
            unchanged[rel] = h  # only the file's mtime moved: refresh it, no re-analysis
            continue
        if h not in cached:
            to_analyze.append((rel, str(f.path), settings.limits, settings.corpus_dirs))
    failed = {p.path for p in problems}
    removed = [p for p in known if p not in files or p in failed]
    return _Plan(files, known, unchanged, updated, to_analyze, removed, problems)


# ---------------------------------------------------------------- rebuild


async def rebuild(
    db: Database, settings: Settings, progress: Progress | None = None, *, force: bool = False
) -> tuple[ReloadReport, bool]:
    """Bring the database's index up to date with the corpus directories.

    Returns the report and whether a new snapshot was written.
    """
    t0 = time.perf_counter()
    plan = await _plan(db, settings)
    known = plan.known
    # One analysis per distinct content: copies of a file share it.
    by_hash: dict[str, list[str]] = {}
    jobs = []
    for job in plan.to_analyze:
        h = plan.updated[job[0]][0]
        if h not in by_hash:
            jobs.append(job)
        by_hash.setdefault(h, []).append(job[0])
    results = await _analyze_and_store(db, jobs, worker_count(settings), progress)
    segmented = 0
    for job in jobs:
        planned = plan.updated[job[0]][0]
        result = results[job[0]]
        if not isinstance(result, str):
            segmented += result[1]
        for path in by_hash[planned]:
            reason = result if isinstance(result, str) else None
            if reason is None and result[0] != planned:
                if path == job[0]:
                    # The file changed after it was hashed: the analysis is of what was read.
                    plan.updated[path] = (result[0], plan.updated[path][1])
                    continue
                reason = "tệp thay đổi trong khi lập chỉ mục; sẽ đọc lại lần sau"
            if reason is not None:
                plan.problems.append(FileProblem(path, reason))
                plan.updated.pop(path, None)
                if path in known:
                    plan.removed.append(path)
    report = ReloadReport(
        new=sum(1 for p in plan.updated if p not in known),
        changed=sum(1 for p, (h, _) in plan.updated.items() if p in known and known[p].hash != h),
        removed=len(set(plan.removed)),
        problems=plan.problems,
    )
    report.unchanged = len(plan.unchanged)
    snapshot_exists = await db.has_snapshot()
    mtime_only = {p for p, (h, _) in plan.updated.items() if p in known and known[p].hash == h}
    if not report.changed_anything and snapshot_exists and not force:
        if mtime_only:
            await _touch(db, {p: plan.updated[p][1] for p in mtime_only})
        report.articles = len(known)
        report.passages = await _count_passages(db)
        report.seconds = time.perf_counter() - t0
        return report, False
    report.segmented_passages = segmented
    await _write(db, plan, report)
    report.seconds = time.perf_counter() - t0
    return report, True


async def _touch(db: Database, files: dict[str, ArticleFile]) -> None:
    await db.conn.executemany(
        "UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?",
        [(f.size, f.mtime_ns, p) for p, f in files.items()],
    )


async def _count_passages(db: Database) -> int:
    async with db.conn.execute(
        "SELECT CASE layout WHEN 3 THEN (SELECT length(data) FROM snapshot_arrays WHERE name = 'doc_len')"
        " ELSE length(doc_len) END / 4 FROM snapshot WHERE id = 1"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _write(db: Database, plan: _Plan, report: ReloadReport) -> None:
    conn = db.conn
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await db.run(partial(_write_articles, plan=plan))
        await _write_snapshot(db, report)
        await db.set_meta("analysis_version", ANALYSIS_VERSION.decode())
        await conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk, an I/O error): a second ROLLBACK would
        # fail and hide the error that matters.
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise


def _write_articles(conn: sqlite3.Connection, plan: _Plan) -> None:
    """Article rows: removed ones out, new and changed ones in; then analyses nobody uses."""
    conn.executemany("DELETE FROM articles WHERE path = ?", [(p,) for p in set(plan.removed)])
    hashes = list({h for h, _ in plan.updated.values()})
    meta: dict[str, dict] = {}
    for i in range(0, len(hashes), 500):
        part = hashes[i : i + 500]
        q = f"SELECT hash, meta_json FROM analyses WHERE hash IN ({','.join('?' * len(part))})"
        meta.update((h, json.loads(m)) for h, m in conn.execute(q, part))
    stamp = now_iso()
    rows = []
    for path, (h, f) in plan.updated.items():
        m = meta.get(h, {})
        rows.append(
            (
                path,
                h,
                f.size,
                f.mtime_ns,
                m.get("title") or path,
                m.get("publisher"),
                m.get("date"),
                m.get("place"),
                m.get("province"),
                m.get("url"),
                stamp,
            )
        )
    conn.executemany(
        "INSERT INTO articles (path, hash, size, mtime_ns, title, publisher, date, place, province, url,"
        " indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size,"
        " mtime_ns = excluded.mtime_ns, title = excluded.title, publisher = excluded.publisher,"
        " date = excluded.date, place = excluded.place, province = excluded.province,"
        " url = excluded.url, indexed_at = excluded.indexed_at",
        rows,
    )
    # Analyses no article uses any more (their passages go with them).
    conn.execute("DELETE FROM analyses WHERE hash NOT IN (SELECT hash FROM articles)")


async def _write_snapshot(db: Database, report: ReloadReport) -> None:
    """Build the index of the articles now in the database and store it (inside _write's
    transaction)."""
    n_articles, n_docs = await db.run(_build_snapshot)
    report.articles = n_articles
    report.passages = n_docs


_ARTICLE_ROWS = (
    "SELECT a.path, a.hash, a.title, a.publisher, a.date, a.place, a.province, a.url, n.years_json,"
    " n.lengths, n.first_passage, n.meta_json FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"
)
TOKEN_ROWS = (
    "SELECT n.tokens, n.lengths, n.packed FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"
)
_GRAM_ROWS = "SELECT n.grams, n.packed FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"


def _build_snapshot(conn: sqlite3.Connection) -> tuple[int, int]:
    """The snapshot of the articles now in the database: each array is written as soon as it is
    made and let go, so that the index arrays are the largest thing ever held."""
    parts: list[str] = []
    lengths: list[bytes] = []
    firsts: list[int] = []
    looked_up: dict[int, np.ndarray] = {}
    for i, (path, h, title, pub, date, place, prov, url, years, lens, first, meta) in enumerate(
        conn.execute(_ARTICLE_ROWS)
    ):
        m = json.loads(meta)
        extra = {k: m[k] for k in EXTRA_META if m.get(k) is not None}
        row = [path, title, pub, date, place, prov, url, json.loads(years), extra]
        parts.append(json.dumps(row, ensure_ascii=False))
        lengths.append(lens)
        firsts.append(first or 0)
        if first is None:  # an analysis cached before passage ids were kept contiguous
            ids = [r[0] for r in conn.execute("SELECT id FROM passages WHERE hash = ? ORDER BY seq", (h,))]
            looked_up[i] = np.asarray(ids, dtype=np.int64)
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
    _start_snapshot(conn)
    _write_array(conn, "doc_len", doc_len)
    _write_array(conn, "doc_article", np.repeat(np.arange(n_articles, dtype=np.int32), counts))
    _write_array(conn, "doc_passage", doc_passage)
    del doc_passage, firsts, looked_up
    (max_term,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM terms").fetchone()
    term_ids, ptr, layout = compact_from_chunks(
        partial(_token_chunks, conn), int(max_term) + 1, n_docs, SEGMENT_BITS
    )
    _write_array(conn, "ptr", ptr.astype(np.int64))
    _write_array(conn, "docs", layout.docs)
    _write_array(conn, "tfs", layout.tfs)
    _write_array(conn, "term_ids", term_ids.astype(np.int32))
    _write_array(conn, "seg_counts", layout.seg_counts.astype(np.int32))
    _write_array(conn, "tf_over", np.concatenate([layout.tf_over_pos, layout.tf_over_val]).astype(np.int64))
    del layout
    uni, bi = _gram_totals(conn)
    conn.execute(
        "INSERT OR REPLACE INTO snapshot (id, built_at, ptr, docs, tfs, doc_len, doc_article, doc_passage,"
        " articles_json, term_ids, unigrams_json, bigrams_json, layout, seg_counts, tf_over)"
        " VALUES (1, ?, x'', x'', x'', x'', x'', x'', ?, x'', ?, ?, ?, NULL, NULL)",
        (
            now_iso(),
            articles_json,
            json.dumps(uni, ensure_ascii=False),
            json.dumps(bi, ensure_ascii=False),
            LAYOUT_ARRAYS,
        ),
    )
    return n_articles, n_docs


def _token_chunks(conn: sqlite3.Connection) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
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

    for tok, lens, packed in conn.execute(TOKEN_ROWS):
        t = unpack(tok, packed)
        ln = np.frombuffer(lens, dtype=np.int32)
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


def _gram_totals(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """Syllable and syllable-pair counts over every article, in the order they are first seen
    going through the articles by path (the order a Counter summing them would have)."""
    _convert_old_grams(conn)
    (max_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM grams").fetchone()
    n = int(max_id) + 1
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
    for blob, packed in conn.execute(_GRAM_ROWS):
        ui, uc, bi, bc = _split_grams(unpack(blob, packed))
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
    wanted = np.union1d(present[0], present[1])
    names: dict[int, str] = {}
    for i in range(0, wanted.shape[0], 500):
        part = [int(x) for x in wanted[i : i + 500]]
        names.update(
            conn.execute(f"SELECT id, gram FROM grams WHERE id IN ({','.join('?' * len(part))})", part)
        )
    out = []
    for k in (0, 1):
        ids = present[k][np.argsort(first[k][present[k]], kind="stable")]
        out.append({names[int(g)]: int(sums[k][g]) for g in ids})
    return out[0], out[1]


def _convert_old_grams(conn: sqlite3.Connection) -> None:
    """Analyses cached before grams were numbered keep their counts in ngrams_json: number them
    (uncompressed, as the rest of such a row)."""
    rows = conn.execute("SELECT hash, ngrams_json FROM analyses WHERE grams IS NULL").fetchall()
    if not rows:
        return
    grams = dict(conn.execute("SELECT gram, id FROM grams"))
    for h, ngrams in rows:
        u, b = json.loads(ngrams)
        _add_names(conn, "grams", "gram", grams, {*u, *b})
        blob = _grams_blob(grams, list(u), list(u.values()), list(b), list(b.values()))
        conn.execute("UPDATE analyses SET grams = ?, ngrams_json = '' WHERE hash = ?", (blob, h))


def _start_snapshot(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM snapshot_arrays")


def _write_array(conn: sqlite3.Connection, name: str, a: np.ndarray) -> None:
    """One of the snapshot's arrays, written piece by piece: never copied whole (the index of
    20,000 articles is over 100 MB)."""
    if not a.size:  # an empty corpus: a view of no bytes cannot be cast
        conn.execute("INSERT INTO snapshot_arrays (name, data) VALUES (?, zeroblob(0))", (name,))
        return
    raw = memoryview(np.ascontiguousarray(a)).cast("B")
    cur = conn.execute("INSERT INTO snapshot_arrays (name, data) VALUES (?, zeroblob(?))", (name, raw.nbytes))
    with conn.blobopen("snapshot_arrays", "data", cur.lastrowid) as blob:
        for i in range(0, raw.nbytes, BLOB_PIECE):
            blob.write(raw[i : i + BLOB_PIECE])


def _read_blob(conn: sqlite3.Connection, table: str, col: str, row: int, dtype: type) -> np.ndarray:
    with conn.blobopen(table, col, row, readonly=True) as blob:
        size = len(blob)
        out = np.empty(size // np.dtype(dtype).itemsize, dtype=dtype)
        raw = memoryview(out).cast("B")
        for i in range(0, size, BLOB_PIECE):
            piece = blob.read(BLOB_PIECE)
            raw[i : i + len(piece)] = piece
    return out


# ---------------------------------------------------------------- serving


class PassageReader:
    """Passage texts by index position, read from SQLite on demand (they are not kept in memory)."""

    def __init__(self, db_path: Path, doc_passage: np.ndarray) -> None:
        self._conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._doc_passage = doc_passage

    def __call__(self, docs: list[int]) -> dict[int, PassageText]:
        ids = [int(self._doc_passage[d]) for d in docs]
        q = f"SELECT id, text, before, after, page FROM passages WHERE id IN ({','.join('?' * len(ids))})"
        with self._lock:
            rows = self._conn.execute(q, ids).fetchall()
        by_id = {r[0]: PassageText(r[1], r[2], r[3], r[4]) for r in rows}
        missing = PassageText("", None, None)
        return {d: by_id.get(pid, missing) for d, pid in zip(docs, ids, strict=True)}

    def close(self) -> None:
        self._conn.close()


@dataclass
class _StoredSnapshot:
    values: tuple
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    terms: dict[int, str] = field(default_factory=dict)


def _read_snapshot(conn: sqlite3.Connection) -> _StoredSnapshot | None:
    row = conn.execute(
        "SELECT built_at, articles_json, unigrams_json, bigrams_json, layout FROM snapshot WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    layout = row[4]
    compact = layout in (LAYOUT_COMPACT, LAYOUT_ARRAYS)
    types: dict[str, type] = {
        "ptr": np.int64,
        "docs": np.uint16 if compact else np.int32,
        "tfs": np.uint8 if compact else np.uint16,
        "doc_len": np.int32,
        "doc_article": np.int32,
        "doc_passage": np.int64,
        "term_ids": np.int32,
    }
    if compact:
        types.update(seg_counts=np.int32, tf_over=np.int64)
    if layout == LAYOUT_ARRAYS:
        rows = dict(conn.execute("SELECT name, rowid FROM snapshot_arrays"))
        arrays = {n: _read_blob(conn, "snapshot_arrays", "data", rows[n], t) for n, t in types.items()}
    else:  # an index written before the arrays had a table of their own
        arrays = {col: _read_blob(conn, "snapshot", col, 1, t) for col, t in types.items()}
    terms = dict(conn.execute("SELECT id, term FROM terms"))
    return _StoredSnapshot(row, arrays, terms)


def _give_back_memory() -> None:
    """Return the C heap's free pages to the system (glibc only; elsewhere nothing happens).

    A build frees more than a hundred megabytes of arrays and small objects; without this, a
    bot that reloads keeps them counted in its resident memory, and the next load comes on top.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def load_snapshot(db: Database) -> tuple[Snapshot, PassageReader] | None:
    """The last good snapshot in the database, ready to answer; None when there is none."""
    _give_back_memory()
    try:
        stored = await db.run(_read_snapshot)
    except sqlite3.Error as e:
        raise StorageError(f"cannot read the stored index: {e}") from e
    if stored is None:
        return None

    def build() -> tuple[Snapshot, PassageReader]:
        built_at, articles_json, uni, bi, layout = stored.values
        a = stored.arrays
        try:
            vocab = {stored.terms[int(g)]: i for i, g in enumerate(a["term_ids"].tolist())}
            extra = {}
            if layout in (LAYOUT_COMPACT, LAYOUT_ARRAYS):
                shape = (a["ptr"].shape[0] - 1, n_segments(a["doc_len"].shape[0], SEGMENT_BITS))
                over = a["tf_over"]
                extra = {
                    "seg_counts": a["seg_counts"].reshape(shape),
                    "tf_over_pos": over[: over.shape[0] // 2],
                    "tf_over_val": over[over.shape[0] // 2 :],
                    "seg_bits": SEGMENT_BITS,
                }
            index = BM25Index(vocab, a["ptr"], a["docs"], a["tfs"], a["doc_len"], **extra)
            # A row is path, the source line's fields, years, then (since analysis-v6) the
            # place's level, its 2025 province, the year written and the units it mentions.
            articles = [
                article_from_meta(
                    row[0],
                    dict(zip(SOURCE_FIELDS, row[1:7], strict=True)) | (row[8] if len(row) > 8 else {}),
                    row[7],
                )
                for row in json.loads(articles_json)
            ]
            reader = PassageReader(db.path, a["doc_passage"])
            snap = assemble(
                index,
                a["doc_article"],
                articles,
                reader,
                Counter(json.loads(uni)),
                Counter(json.loads(bi)),
                built_at=built_at,
                # Derived data that is not the corpus's: beside the database, not in it.
                cache_dir=Path(db.path).parent / "cache",
                facts=FactReader(db.path),
            )
            return snap, reader
        except (KeyError, ValueError) as e:
            raise StorageError(f"the stored index is damaged: {e}") from e

    return await asyncio.to_thread(build)
