"""Incremental, atomic (re)builds of the index in SQLite, and loading the last good one.

Only new or changed files go through pyvi (the analysis is cached by content hash). Everything
a rebuild writes, articles, passages and the index snapshot, commits in one transaction: a
rebuild that fails or is killed part-way leaves the previous snapshot in place.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.corpus.loader import ANALYSIS_VERSION, ArticleFile, content_hash, read_article, scan
from bot.errors import CorpusError, StorageError
from bot.models import FileProblem, ReloadReport
from bot.search.bm25 import BM25Index, postings
from bot.search.retriever import ArticleRec, PassageText
from bot.search.snapshot import AnalyzedArticle, Snapshot, analyze_text, assemble
from bot.storage.db import Database, now_iso

Progress = Callable[[int, int], None]
POOL_MIN_ARTICLES = 8  # below this, starting worker processes costs more than it saves


def _analyze_job(job: tuple[str, str, dict[str, str | None]]) -> tuple[str, AnalyzedArticle | str]:
    path, text, overrides = job
    try:
        return path, analyze_text(text, overrides)
    except CorpusError as e:
        return path, str(e)
    except Exception as e:  # a worker must report, never take the build down
        return path, f"lỗi khi phân tích tệp ({type(e).__name__})"


def analyze_all(
    jobs: list[tuple[str, str, dict[str, str | None]]], workers: int, progress: Progress | None = None
) -> dict[str, AnalyzedArticle | str]:
    """Analyse articles, in worker processes when there are enough of them."""
    out: dict[str, AnalyzedArticle | str] = {}
    if workers <= 1 or len(jobs) < POOL_MIN_ARTICLES:
        for i, job in enumerate(jobs, 1):
            path, result = _analyze_job(job)
            out[path] = result
            if progress:
                progress(i, len(jobs))
        return out
    # fork shares the already-imported pyvi model with the workers instead of loading it again
    ctx = multiprocessing.get_context("fork")
    chunksize = max(1, min(32, len(jobs) // (workers * 8) or 1))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for i, (path, result) in enumerate(pool.map(_analyze_job, jobs, chunksize=chunksize), 1):
            out[path] = result
            if progress:
                progress(i, len(jobs))
    return out


def worker_count(settings: Settings) -> int:
    return settings.workers if settings.workers > 0 else (os.cpu_count() or 1)


@dataclass
class _Plan:
    files: dict[str, ArticleFile]
    unchanged: dict[str, str]  # path -> hash
    updated: dict[str, tuple[str, ArticleFile]]  # path -> (new hash, file), new or changed
    to_analyze: list[tuple[str, str, dict[str, str | None]]]
    removed: list[str]
    problems: list[FileProblem]


async def _plan(db: Database, settings: Settings) -> _Plan:
    files_list, scan_problems = await asyncio.to_thread(scan, settings.corpus_dirs)
    problems = [FileProblem(settings.relpath(p), why) for p, why in scan_problems]
    known = await db.known_articles()
    files = {settings.relpath(f.path): f for f in files_list}
    # After an upgrade of the analysis every file is re-read: its cached analysis is stale.
    current = await db.get_meta("analysis_version") == ANALYSIS_VERSION.decode()
    unchanged: dict[str, str] = {}
    candidates: list[tuple[str, str, bytes, dict[str, str | None], ArticleFile]] = []

    def read_changed() -> None:
        for rel, f in files.items():
            k = known.get(rel)
            side = f.path.with_name(f.path.stem + ".meta.json")
            side_mtime = side.stat().st_mtime_ns if side.exists() else 0
            if current and k and k.size == f.size and k.mtime_ns == f.mtime_ns + side_mtime:
                unchanged[rel] = k.hash
                continue
            try:
                text, ident, overrides = read_article(f.path, settings.max_file_bytes)
            except CorpusError as e:
                problems.append(FileProblem(rel, str(e)))
                continue
            f2 = ArticleFile(f.path, f.size, f.mtime_ns + side_mtime)
            candidates.append((rel, text, ident, overrides, f2))

    await asyncio.to_thread(read_changed)
    cached = await db.cached_hashes(content_hash(c[2]) for c in candidates)
    updated: dict[str, tuple[str, ArticleFile]] = {}
    to_analyze = []
    for rel, text, ident, overrides, f in candidates:
        h = content_hash(ident)
        k = known.get(rel)
        if k and k.hash == h:
            unchanged[rel] = h
            updated[rel] = (h, f)  # only the file's mtime moved: refresh it, no re-analysis
            continue
        updated[rel] = (h, f)
        if h not in cached:
            to_analyze.append((rel, text, overrides))
    failed = {p.path for p in problems}
    removed = [p for p in known if p not in files or p in failed]
    return _Plan(files, unchanged, updated, to_analyze, removed, problems)


async def rebuild(
    db: Database, settings: Settings, progress: Progress | None = None, *, force: bool = False
) -> tuple[ReloadReport, bool]:
    """Bring the database's index up to date with the corpus directories.

    Returns the report and whether a new snapshot was written.
    """
    t0 = time.perf_counter()
    plan = await _plan(db, settings)
    analyzed = await asyncio.to_thread(analyze_all, plan.to_analyze, worker_count(settings), progress)
    known = await db.known_articles()
    for path, result in analyzed.items():
        if isinstance(result, str):
            plan.problems.append(FileProblem(path, result))
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
    report.segmented_passages = sum(len(a.passages) for a in analyzed.values() if not isinstance(a, str))
    await _write(db, plan, {p: a for p, a in analyzed.items() if not isinstance(a, str)}, report)
    report.seconds = time.perf_counter() - t0
    return report, True


async def _touch(db: Database, files: dict[str, ArticleFile]) -> None:
    await db.conn.executemany(
        "UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?",
        [(f.size, f.mtime_ns, p) for p, f in files.items()],
    )


async def _count_passages(db: Database) -> int:
    async with db.conn.execute(
        "SELECT COUNT(*) FROM passages WHERE hash IN (SELECT hash FROM articles)"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _write(
    db: Database, plan: _Plan, analyzed: dict[str, AnalyzedArticle], report: ReloadReport
) -> None:
    conn = db.conn
    await conn.execute("BEGIN IMMEDIATE")
    try:
        terms = await db.terms()
        new_terms = {t for a in analyzed.values() for toks in a.tokens for t in toks if t not in terms}
        if new_terms:
            await conn.executemany("INSERT OR IGNORE INTO terms (term) VALUES (?)", [(t,) for t in new_terms])
            terms = await db.terms()
        # New analyses: token ids, passages.
        for path, a in analyzed.items():
            h = plan.updated[path][0]
            ids = np.fromiter((terms[t] for toks in a.tokens for t in toks), dtype=np.int32)
            lengths = np.asarray([len(t) for t in a.tokens], dtype=np.int32)
            await conn.execute(
                "INSERT OR REPLACE INTO analyses (hash, meta_json, years_json, tokens, lengths, ngrams_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    h,
                    json.dumps(a.meta, ensure_ascii=False),
                    json.dumps(a.years),
                    ids.tobytes(),
                    lengths.tobytes(),
                    json.dumps([a.unigrams, a.bigrams], ensure_ascii=False),
                    now_iso(),
                ),
            )
            await conn.execute("DELETE FROM passages WHERE hash = ?", (h,))
            await conn.executemany(
                "INSERT INTO passages (hash, seq, text, before, after) VALUES (?, ?, ?, ?, ?)",
                [(h, i, p.text, p.before, p.after) for i, p in enumerate(a.passages)],
            )
        # Articles: new and changed rows, removed rows.
        for path in set(plan.removed):
            await conn.execute("DELETE FROM articles WHERE path = ?", (path,))
        stamp = now_iso()
        for path, (h, f) in plan.updated.items():
            meta = await _meta_of(db, h)
            await conn.execute(
                "INSERT INTO articles (path, hash, size, mtime_ns, title, publisher, date, place, province, url,"
                " indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, title = excluded.title, publisher = excluded.publisher,"
                " date = excluded.date, place = excluded.place, province = excluded.province,"
                " url = excluded.url, indexed_at = excluded.indexed_at",
                (
                    path,
                    h,
                    f.size,
                    f.mtime_ns,
                    meta.get("title") or path,
                    meta.get("publisher"),
                    meta.get("date"),
                    meta.get("place"),
                    meta.get("province"),
                    meta.get("url"),
                    stamp,
                ),
            )
        # Analyses no article uses any more (their passages go with them).
        await conn.execute("DELETE FROM analyses WHERE hash NOT IN (SELECT hash FROM articles)")
        await _write_snapshot(db, report)
        await db.set_meta("analysis_version", ANALYSIS_VERSION.decode())
        await conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk, an I/O error): a second ROLLBACK would
        # fail and hide the error that matters.
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise


async def _meta_of(db: Database, h: str) -> dict[str, str | None]:
    async with db.conn.execute("SELECT meta_json FROM analyses WHERE hash = ?", (h,)) as cur:
        row = await cur.fetchone()
    return json.loads(row[0]) if row else {}


async def _write_snapshot(db: Database, report: ReloadReport) -> None:
    conn = db.conn
    rows = []
    async with conn.execute(
        "SELECT a.path, a.hash, a.title, a.publisher, a.date, a.place, a.province, a.url, n.years_json,"
        " n.tokens, n.lengths, n.ngrams_json FROM articles a JOIN analyses n ON n.hash = a.hash ORDER BY a.path"
    ) as cur:
        rows = await cur.fetchall()
    passage_ids: dict[str, list[int]] = {}
    async with conn.execute(
        "SELECT hash, id FROM passages WHERE hash IN (SELECT hash FROM articles) ORDER BY hash, seq"
    ) as cur:
        async for h, pid in cur:
            passage_ids.setdefault(h, []).append(pid)

    def build() -> tuple:
        articles = []
        tokens, lengths, doc_article, doc_passage = [], [], [], []
        uni: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        for i, (path, h, title, pub, date, place, prov, url, years, tok, lens, ngrams) in enumerate(rows):
            articles.append([path, title, pub, date, place, prov, url, json.loads(years)])
            ln = np.frombuffer(lens, dtype=np.int32)
            tokens.append(np.frombuffer(tok, dtype=np.int32))
            lengths.append(ln)
            doc_article.append(np.full(ln.shape[0], i, dtype=np.int32))
            doc_passage.append(np.asarray(passage_ids.get(h, []), dtype=np.int64))
            u, b = json.loads(ngrams)
            uni.update(u)
            bi.update(b)
        all_tokens = np.concatenate(tokens) if tokens else np.zeros(0, dtype=np.int32)
        doc_len = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32)
        term_ids, local = np.unique(all_tokens, return_inverse=True)
        doc_of_token = np.repeat(np.arange(doc_len.shape[0], dtype=np.int64), doc_len)
        ptr, docs, tfs = postings(local.astype(np.int64), doc_of_token, int(term_ids.shape[0]))
        return (
            articles,
            ptr,
            docs,
            tfs,
            doc_len,
            np.concatenate(doc_article) if doc_article else np.zeros(0, dtype=np.int32),
            np.concatenate(doc_passage) if doc_passage else np.zeros(0, dtype=np.int64),
            term_ids.astype(np.int32),
            uni,
            bi,
        )

    articles, ptr, docs, tfs, doc_len, doc_article, doc_passage, term_ids, uni, bi = await asyncio.to_thread(
        build
    )
    await conn.execute(
        "INSERT OR REPLACE INTO snapshot (id, built_at, ptr, docs, tfs, doc_len, doc_article, doc_passage,"
        " articles_json, term_ids, unigrams_json, bigrams_json) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now_iso(),
            ptr.astype(np.int64).tobytes(),
            docs.astype(np.int32).tobytes(),
            tfs.astype(np.uint16).tobytes(),
            doc_len.astype(np.int32).tobytes(),
            doc_article.astype(np.int32).tobytes(),
            doc_passage.astype(np.int64).tobytes(),
            json.dumps(articles, ensure_ascii=False),
            term_ids.tobytes(),
            json.dumps(uni, ensure_ascii=False),
            json.dumps(bi, ensure_ascii=False),
        ),
    )
    report.articles = len(articles)
    report.passages = int(doc_len.shape[0])


class PassageReader:
    """Passage texts by index position, read from SQLite on demand (they are not kept in memory)."""

    def __init__(self, db_path: Path, doc_passage: np.ndarray) -> None:
        self._conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._doc_passage = doc_passage

    def __call__(self, docs: list[int]) -> dict[int, PassageText]:
        ids = [int(self._doc_passage[d]) for d in docs]
        q = f"SELECT id, text, before, after FROM passages WHERE id IN ({','.join('?' * len(ids))})"
        with self._lock:
            rows = self._conn.execute(q, ids).fetchall()
        by_id = {r[0]: PassageText(r[1], r[2], r[3]) for r in rows}
        missing = PassageText("", None, None)
        return {d: by_id.get(pid, missing) for d, pid in zip(docs, ids, strict=True)}

    def close(self) -> None:
        self._conn.close()


async def load_snapshot(db: Database) -> tuple[Snapshot, PassageReader] | None:
    """The last good snapshot in the database, ready to answer; None when there is none."""
    async with db.conn.execute(
        "SELECT built_at, ptr, docs, tfs, doc_len, doc_article, doc_passage, articles_json, term_ids,"
        " unigrams_json, bigrams_json FROM snapshot WHERE id = 1"
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    async with db.conn.execute("SELECT id, term FROM terms") as cur:
        term_of = {i: t for i, t in await cur.fetchall()}
    (built_at, ptr, docs, tfs, doc_len, doc_article, doc_passage, articles_json, term_ids, uni, bi) = row

    def build() -> tuple[Snapshot, PassageReader]:
        try:
            ids = np.frombuffer(term_ids, dtype=np.int32)
            vocab = {term_of[int(g)]: i for i, g in enumerate(ids)}
            index = BM25Index(
                vocab,
                np.frombuffer(ptr, dtype=np.int64),
                np.frombuffer(docs, dtype=np.int32),
                np.frombuffer(tfs, dtype=np.uint16),
                np.frombuffer(doc_len, dtype=np.int32),
            )
            articles = [
                ArticleRec(p, t, pub, d, pl, pr, u, frozenset(ys))
                for p, t, pub, d, pl, pr, u, ys in json.loads(articles_json)
            ]
            reader = PassageReader(db.path, np.frombuffer(doc_passage, dtype=np.int64))
            snap = assemble(
                index,
                np.frombuffer(doc_article, dtype=np.int32),
                articles,
                reader,
                Counter(json.loads(uni)),
                Counter(json.loads(bi)),
                built_at=built_at,
            )
            return snap, reader
        except (KeyError, ValueError) as e:
            raise StorageError(f"the stored index is damaged: {e}") from e

    return await asyncio.to_thread(build)
