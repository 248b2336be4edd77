"""Bench step 1: full builds from an empty database, with one worker and with every core."""

from __future__ import annotations

import os
import resource
import shutil
import time

from bot.bench.common import Bench, cpu_seconds, fresh_db, peak_rss_mb, phase_settings, run_phase, say
from bot.bench.corpus import text_size


async def phase_build(args: dict) -> dict:
    """A full build from an empty database."""
    from bot import index
    from bot.storage.index_store import IndexStore
    from bot.text.segmenter import tokenizer

    s = phase_settings(args, workers=True)
    t = time.perf_counter()
    tokenizer()  # loading the segmenter's model is a constant, not indexing throughput
    pyvi_s = time.perf_counter() - t
    store = await IndexStore.open(s.db_path)
    load = os.getloadavg()[0]
    cpu = cpu_seconds()
    try:
        report, _ = await index.rebuild(store, s)
    finally:
        await store.close()
    cpu = cpu_seconds() - cpu
    return {
        # CPU seconds of this process and its workers: with the wall time, how much of the
        # machine the build had (other processes take their share on a busy machine).
        "cpu_s": cpu,
        "passages_per_cpu_s": report.passages / cpu if cpu else 0.0,
        "load_avg_before": load,
        "load_avg_after": os.getloadavg()[0],
        "articles": report.articles,
        "passages": report.passages,
        "segmented_passages": report.segmented_passages,
        "seconds": report.seconds,
        "passages_per_s": report.passages / report.seconds if report.seconds else 0.0,
        "workers": index.worker_count(s),
        "pyvi_import_s": pyvi_s,
        "problems": [f"{p.path}: {p.reason}" for p in report.problems],
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_worker_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
    }


def step_builds(b: Bench) -> None:
    """Time the full builds; leaves `b.db` on a database of the whole corpus for the next steps."""
    # A kept corpus may hold the extra article of an earlier run.
    (b.corpus / b.extra.name).unlink(missing_ok=True)
    dirs = b.dirs
    builds = {}
    one_dirs = dirs
    if b.opts.one_worker_articles and b.opts.one_worker_articles < b.n_articles:
        sub = b.work / "corpus-one"
        shutil.rmtree(sub, ignore_errors=True)
        sub.mkdir()
        for f in sorted(b.corpus.glob("*.txt"))[: b.opts.one_worker_articles]:
            shutil.copy2(f, sub / f.name)
        one_dirs = [b.seeds, sub]
    plan = [("one", 1, one_dirs)]
    if b.workers > 1:
        plan.append(("all", b.workers, dirs))
    for name, w, d in plan:
        db = fresh_db(b.work / f"build-{name}.db")
        built = run_phase(
            "build", {"root": str(b.root), "db": str(db), "corpus": [str(x) for x in d], "workers": w}
        )
        built["corpus_chars"] = text_size(d)[0]
        builds[name] = built
        say(build_line(built, w))
    if "all" in builds:
        builds["speedup"] = builds["all"]["passages_per_s"] / builds["one"]["passages_per_s"]
        say(f"build speed-up with {b.workers} workers: {builds['speedup']:.2f}x")
    b.out["build"] = builds
    b.db = b.work / f"build-{'all' if b.workers > 1 else 'one'}.db"
    if b.workers == 1 and one_dirs is not dirs:
        b.db = fresh_db(b.work / "build-full.db")
        run_phase("build", {**b.common(), "workers": 1})


def build_line(built: dict, workers: int) -> str:
    return (
        f"build, {workers} worker{'s' if workers > 1 else ''}: {built['passages']:,} passages"
        f" ({built['articles']} articles, {built['corpus_chars']:,} characters) in {built['seconds']:.1f} s"
        f" = {built['passages_per_s']:,.0f} passages/s; CPU {built['cpu_s']:.1f} s"
        f" ({built['cpu_s'] / built['seconds']:.2f} cores busy, {built['passages_per_cpu_s']:,.0f} passages"
        f" per CPU second), load average {built['load_avg_before']:.1f} before;"
        f" peak RSS {built['peak_rss_mb']:.0f} MB (largest worker {built['peak_rss_worker_mb']:.0f} MB)"
    )
