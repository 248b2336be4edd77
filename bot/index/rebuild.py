"""Incremental, atomic (re)builds of the index: plan, analyse what is new, write the new snapshot.

Only new or changed files go through pyvi (the analysis is cached by content hash). Each
analysis goes into that cache as soon as it is done, in small transactions, and nothing of it
stays in memory: a build of any size runs in bounded memory, and a build that is killed resumes
where it stopped. What the served index depends on (the article rows, the snapshot, the removal
of analyses no article uses any more) commits in one transaction: a rebuild that fails or is
killed part-way leaves the previous snapshot in place. A rebuild that fails for want of space
takes out the analyses it cached, so that the disk is as it was and the next one can succeed.
"""

from __future__ import annotations

import logging
import time

from bot.config import Settings
from bot.corpus.loader import ANALYSIS_VERSION
from bot.errors import StorageError
from bot.index import build
from bot.index.analysis import Progress, analyze_and_store, worker_count
from bot.index.plan import Plan, plan
from bot.models import FileProblem, ReloadReport
from bot.storage.index_store import AnalysisCache, ArticleChange, IndexStore

log = logging.getLogger(__name__)


async def rebuild(
    store: IndexStore, settings: Settings, progress: Progress | None = None, *, force: bool = False
) -> tuple[ReloadReport, bool]:
    """Bring the database's index up to date with the corpus directories.

    Returns the report and whether a new snapshot was written.
    """
    t0 = time.perf_counter()
    p = await plan(store, settings)
    known = p.known
    # Analyses left by a reload that was killed or failed, for content the corpus no longer has.
    await store.prune({h for h, _ in p.updated.values()} | set(p.unchanged.values()))
    # One analysis per distinct content: copies of a file share it.
    by_hash: dict[str, list[str]] = {}
    jobs = []
    for job in p.to_analyze:
        h = p.updated[job[0]][0]
        if h not in by_hash:
            jobs.append(job)
        by_hash.setdefault(h, []).append(job[0])
    cache = AnalysisCache()
    try:
        results = await analyze_and_store(store, cache, jobs, worker_count(settings), progress)
        report, segmented = _report(p, jobs, by_hash, results)
        snapshot_exists = await store.has_snapshot()
        mtime_only = {path for path, (h, _) in p.updated.items() if path in known and known[path].hash == h}
        if not report.changed_anything and snapshot_exists and not force:
            if mtime_only:
                await store.touch({path: _change(p, path) for path in mtime_only})
            report.articles = len(known)
            report.passages = await store.passage_count()
            report.seconds = time.perf_counter() - t0
            return report, False
        report.segmented_passages = segmented
        report.articles, report.passages = await store.commit(
            p.removed,
            {path: _change(p, path) for path in p.updated},
            build.build_snapshot,
            ANALYSIS_VERSION.decode(),
        )
    except StorageError as e:
        if e.kind == "full" and cache.added:
            await _take_back(store, cache)
        raise
    report.seconds = time.perf_counter() - t0
    return report, True


def _change(p: Plan, path: str) -> ArticleChange:
    h, f = p.updated[path]
    return ArticleChange(h, f.size, f.mtime_ns)


def _report(
    p: Plan, jobs: list, by_hash: dict[str, list[str]], results: dict[str, tuple[str, int] | str]
) -> tuple[ReloadReport, int]:
    """What the analysis did to the plan (files that failed or changed under it), and the
    passages it segmented."""
    known = p.known
    segmented = 0
    for job in jobs:
        planned = p.updated[job[0]][0]
        result = results[job[0]]
        if not isinstance(result, str):
            segmented += result[1]
        for path in by_hash[planned]:
            reason = result if isinstance(result, str) else None
            if reason is None and result[0] != planned:
                if path == job[0]:
                    # The file changed after it was hashed: the analysis is of what was read.
                    p.updated[path] = (result[0], p.updated[path][1])
                    continue
                reason = "tệp thay đổi trong khi lập chỉ mục; sẽ đọc lại lần sau"
            if reason is not None:
                p.problems.append(FileProblem(path, reason))
                p.updated.pop(path, None)
                if path in known:
                    p.removed.append(path)
    report = ReloadReport(
        new=sum(1 for path in p.updated if path not in known),
        changed=sum(1 for path, (h, _) in p.updated.items() if path in known and known[path].hash != h),
        removed=len(set(p.removed)),
        problems=p.problems,
    )
    report.unchanged = len(p.unchanged)
    return report, segmented


async def _take_back(store: IndexStore, cache: AnalysisCache) -> None:
    """After a failure for want of space: the analyses this reload cached go. If even that
    fails, the next reload takes them out first (IndexStore.prune) before it analyses anything."""
    n = len(cache.added)
    try:
        await store.remove(cache)
    except StorageError:
        log.exception("the %d analyses of the failed reload could not be taken out yet", n)
    else:
        log.warning("disk full: the %d analyses the failed reload cached were taken out", n)
