"""Bench step 4: rank_bm25's BM25Okapi on the same passages and query tokens, timed against
ours in the same process, with scores and top-10 compared."""

from __future__ import annotations

import itertools
import time

import numpy as np

from bot.bench.common import TOP_K, Bench, lat, pct, peak_rss_mb, phase_settings, run_phase, say
from bot.bench.database import load_passage_tokens


def top_k_agree(ours: np.ndarray, ref: np.ndarray, top: np.ndarray, k: int) -> bool:
    """The same scores in the same order, and, where the reference has no tie at the cut, the
    same passages (as in tests/test_bm25_parity.py)."""
    k = min(k, ref.shape[0])
    if len(top) != k or len(set(top.tolist())) != k:
        return False
    ref_sorted = np.sort(ref)[::-1][:k]
    if not np.allclose(ref[top], ref_sorted, rtol=1e-9, atol=1e-12):
        return False
    if any(ours[a] < ours[b] for a, b in itertools.pairwise(top)):
        return False
    order = np.argsort(-ref, kind="stable")
    if k < ref.shape[0] and not np.isclose(ref[order[k - 1]], ref[order[k]], rtol=1e-9, atol=1e-12):
        return set(top.tolist()) == set(order[:k].tolist())
    return True


async def phase_rank_bm25(args: dict) -> dict:
    """rank_bm25's BM25Okapi on the same passages and query tokens, timed against ours."""
    from rank_bm25 import BM25Okapi

    from bot.engine import Engine

    s = phase_settings(args)
    engine = await Engine.open(s, build=False)
    try:
        index = engine.snapshot.retriever.index
        t = time.perf_counter()
        corpus = load_passage_tokens(s.db_path)
        ref = BM25Okapi(corpus)
        ref_build_s = time.perf_counter() - t
        del corpus
        ours_t, ref_t = [], []
        agree, max_diff = 0, 0.0
        for tokens in args["queries"]:
            for _ in range(args["repeat"]):
                t0 = time.perf_counter()
                ours = index.get_scores(tokens)
                top = index.top_k(ours, TOP_K)
                t1 = time.perf_counter()
                theirs = ref.get_scores(tokens)
                np.argsort(-theirs, kind="stable")[:TOP_K]
                t2 = time.perf_counter()
                ours_t.append(t1 - t0)
                ref_t.append(t2 - t1)
            max_diff = max(max_diff, float(np.abs(ours - theirs).max()) if ours.size else 0.0)
            agree += top_k_agree(ours, theirs, top, TOP_K)
    finally:
        await engine.close()
    o, r = pct(ours_t), pct(ref_t)
    return {
        "passages": len(ref.doc_len),
        "build_s": ref_build_s,
        "ours_ms": o,
        "rank_bm25_ms": r,
        "speedup_p50": r["p50"] / o["p50"] if o["p50"] else 0.0,
        "speedup_p95": r["p95"] / o["p95"] if o["p95"] else 0.0,
        "top10_agree": agree,
        "queries": len(args["queries"]),
        "max_abs_score_diff": max_diff,
        "peak_rss_mb": peak_rss_mb(),
    }


def step_rank_bm25(b: Bench, queries: list[list[str]]) -> None:
    passages = b.out["serve"]["passages"]
    if b.opts.rank_bm25_max and passages > b.opts.rank_bm25_max:
        b.out["rank_bm25"] = {"skipped": f"{passages} passages > --rank-bm25-max {b.opts.rank_bm25_max}"}
        say(f"rank-bm25: skipped ({b.out['rank_bm25']['skipped']})")
        return
    rk = run_phase("rank_bm25", {**b.common(), "queries": queries, "repeat": b.opts.rank_bm25_repeat})
    b.out["rank_bm25"] = rk
    say(
        f"rank-bm25 on the same {rk['passages']:,} passages and tokens (same process, built in {rk['build_s']:.1f} s):"
    )
    say("  " + lat("BM25Okapi.get_scores       ", rk["rank_bm25_ms"]))
    say("  " + lat("ours, get_scores + top-10  ", rk["ours_ms"]))
    say(
        f"  speed-up: {rk['speedup_p50']:.0f}x at p50, {rk['speedup_p95']:.0f}x at p95;"
        f" top-10 agree on {rk['top10_agree']}/{rk['queries']} queries;"
        f" largest score difference {rk['max_abs_score_diff']:.1e}; peak RSS {rk['peak_rss_mb']:.0f} MB"
    )
