"""Bench steps 3 and 5: answering from a built database (latencies of retrieval and of the whole
answer), and `python -m bot ask` from process start to the printed answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bot.bench.common import TOP_K, Bench, lat, pct, peak_rss_mb, phase_settings, run_phase, say


async def phase_serve(args: dict) -> dict:
    """Answering from a built database: load time, latencies, and each question's top-10."""
    from bot.engine import Engine
    from bot.text.normalize import clean_unicode

    s = phase_settings(args)
    t = time.perf_counter()
    engine = await Engine.open(s, build=False)
    load_s = time.perf_counter() - t
    try:
        snap = engine.snapshot
        index = snap.retriever.index
        t = time.perf_counter()
        engine.answer(args["questions"][0])  # the first answer loads the segmenter
        first_s = time.perf_counter() - t
        parsed = []
        for question in args["questions"]:
            text = " ".join(clean_unicode(question).split())
            q = snap.parse(text)
            parsed.append(q)
            engine.answer(question)  # warm
        bm25, retrieve, whole = [], [], []
        for _ in range(args["repeat"]):
            for question, q in zip(args["questions"], parsed, strict=True):
                t0 = time.perf_counter()
                index.top_k(index.get_scores(q.tokens), TOP_K)
                t1 = time.perf_counter()
                snap.retriever.search(q)
                t2 = time.perf_counter()
                engine.answer(question)
                t3 = time.perf_counter()
                bm25.append(t1 - t0)
                retrieve.append(t2 - t1)
                whole.append(t3 - t2)
        answers = [engine.answer(question) for question in args["questions"]]
    finally:
        await engine.close()
    return {
        "load_s": load_s,
        "first_answer_in_process_s": first_s,
        "bm25_ms": pct(bm25),
        "retrieve_ms": pct(retrieve),
        "answer_ms": pct(whole),
        "index_mb": index.nbytes / 2**20,
        "passages": index.n_docs,
        "terms": len(index.vocab),
        "postings": int(index.ptr[-1]),
        "queries": [q.tokens for q in parsed],
        "answered": sum(1 for a in answers if not a.refused),
        "peak_rss_mb": peak_rss_mb(),
    }


def step_serve(b: Bench) -> list[list[str]]:
    """Time the answers; returns each question's query tokens (for the rank-bm25 step)."""
    sv = run_phase("serve", {**b.common(), "questions": b.questions, "repeat": b.opts.repeat})
    b.out["serve"] = {k: v for k, v in sv.items() if k != "queries"}
    say(
        f"index in memory: {sv['passages']:,} passages, {sv['terms']:,} terms, {sv['postings']:,} postings,"
        f" {sv['index_mb']:.1f} MB; load {sv['load_s']:.2f} s"
    )
    say(f"{len(b.questions)} questions x {b.opts.repeat} ({sv['answered']} answered, the rest refused)")
    say("  " + lat("retrieval, BM25 + top-10   ", sv["bm25_ms"]))
    say("  " + lat("retrieval, whole ranking   ", sv["retrieve_ms"]))
    say("  " + lat("whole answer               ", sv["answer_ms"]))
    say(f"  peak RSS answering: {sv['peak_rss_mb']:.0f} MB")
    return sv["queries"]


def first_answer_runs(root: Path, db: Path, corpus: list[Path], question: str, runs: int) -> list[float]:
    env = {
        **os.environ,
        "BOT_HOME": str(root),
        "BOT_DB": str(db),
        "BOT_CORPUS": ",".join(str(c) for c in corpus),
        "BOT_ARTICLES_DIR": str(db.parent / "uploads"),
    }
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", question],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - t)
        if proc.returncode != 0 or not json.loads(proc.stdout)["text"]:
            sys.stderr.write(proc.stderr)
            raise RuntimeError("python -m bot ask failed")
    return times


def step_first_answer(b: Bench) -> None:
    times = first_answer_runs(b.root, b.db, b.dirs, b.questions[0], b.opts.first_answer_runs)
    b.out["first_answer_s"] = {"runs": times, "median": float(np.median(times))}
    say(f"python -m bot ask, process start to answer: {', '.join(f'{x:.2f}' for x in times)} s")
