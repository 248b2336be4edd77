"""The bench's last line: every headline figure on one `SUMMARY key=value ...` line."""

from __future__ import annotations


def summary(out: dict) -> str:
    b, r, sv, rk = out["build"], out["reload"], out["serve"], out.get("rank_bm25", {})
    main = b.get("all", b["one"])
    parts = [
        f"articles={out['params']['articles']}",
        f"passages={sv['passages']}",
        f"build={main['passages_per_s']:.0f}/s",
    ]
    if "speedup" in b:
        parts.append(f"build_1w={b['one']['passages_per_s']:.0f}/s speedup={b['speedup']:.2f}x")
    parts += [
        f"unchanged={r['unchanged_s']:.2f}s",
        f"add_one={r['add_one_s']:.2f}s",
        f"bm25_p95={sv['bm25_ms']['p95']:.2f}ms",
        f"retrieve_p95={sv['retrieve_ms']['p95']:.2f}ms",
        f"answer_p95={sv['answer_ms']['p95']:.2f}ms",
    ]
    if "speedup_p50" in rk:
        parts.append(f"vs_rank_bm25={rk['speedup_p50']:.0f}x top10={rk['top10_agree']}/{rk['queries']}")
    parts += [
        f"first_answer={out['first_answer_s']['median']:.2f}s",
        f"rss_build={max(main['peak_rss_mb'], main['peak_rss_worker_mb']):.0f}MB",
        f"rss_reload={r['peak_rss_mb']:.0f}MB",
        f"rss_serve={sv['peak_rss_mb']:.0f}MB",
        f"db={out['database']['bytes'] / 2**20:.1f}MB",
    ]
    return "SUMMARY " + " ".join(parts)
