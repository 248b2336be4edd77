"""Analysis: new and changed files through pyvi, in worker processes when there are several cores,
each analysis cached as soon as it is done (none is kept in memory)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.loader import content_hash, parse_document, read_document
from bot.errors import CorpusError
from bot.search.snapshot import AnalyzedArticle, analyze_parsed
from bot.storage.index_layout import AnalysisRecord
from bot.storage.index_store import AnalysisCache, IndexStore
from bot.text.places import Gazetteer
from bot.text.segmenter import tokenizer

Progress = Callable[[int, int], None]
POOL_MIN_ARTICLES = 8  # below this, starting worker processes costs more than it saves
STORE_EVERY = 8  # analyses per cache transaction when analysing in this process

# A job: (project-relative path, file path, limits of each format, the corpus directories it
# may lie in). The worker reads the file itself (the parent only hashed it), so no article text
# is held in the parent or pickled.
Job = tuple[str, str, FormatLimits, tuple[Path, ...]]
JobResult = tuple[str, AnalysisRecord] | str  # (content hash, analysis) or why the file is skipped


def encode(a: AnalyzedArticle) -> AnalysisRecord:
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for toks in a.tokens for t in toks]
    return AnalysisRecord(
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


def analyze_job(job: Job) -> tuple[str, JobResult]:
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
    return [analyze_job(j) for j in jobs]


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


async def analyze_and_store(
    store: IndexStore, cache: AnalysisCache, jobs: list[Job], workers: int, progress: Progress | None
) -> dict[str, tuple[str, int] | str]:
    """Analyse the jobs and cache each analysis as it comes.

    Per path: (content hash, passage count), or why the file is skipped.
    """
    out: dict[str, tuple[str, int] | str] = {}
    if not jobs:
        return out
    total = len(jobs)
    done = 0

    async def store_results(results: list[tuple[str, JobResult]]) -> None:
        nonlocal done
        batch = [r for _, r in results if not isinstance(r, str)]
        if batch:
            await store.cache(cache, batch)
        for path, r in results:
            out[path] = r if isinstance(r, str) else (r[0], r[1].n_passages)
        done += len(results)
        if progress:
            progress(done, total)

    if workers <= 1 or total < POOL_MIN_ARTICLES:
        pending: list[tuple[str, JobResult]] = []
        for job in jobs:
            # The event loop keeps answering meanwhile; pyvi runs in a thread.
            pending.append(await asyncio.to_thread(analyze_job, job))
            if len(pending) >= STORE_EVERY:
                await store_results(pending)
                pending = []
        await store_results(pending)
        return out

    # fork shares the segmenter's model with the workers instead of loading it in each
    await asyncio.to_thread(tokenizer)
    ctx = multiprocessing.get_context("fork")
    size = max(1, min(8, total // (workers * 8)))
    chunks = iter([jobs[i : i + size] for i in range(0, total, size)])
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_exit_with_parent, initargs=(os.getpid(),)
    )
    try:
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
            await store_results(results)
    except BaseException:
        # Failed or cancelled: do not hold the event loop until the chunks in flight are done.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return out
