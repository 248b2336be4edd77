"""`python -m bot bench` end to end on a tiny corpus: every figure is there and consistent, and
our BM25 agrees with rank-bm25's. No timing is asserted: speed goals live in the bench's output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from projects import REPO

pytestmark = pytest.mark.slow  # starts processes or runs load


def test_bench_on_a_tiny_corpus(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, "-m", "bot", "bench", "--articles", "3", "--max-questions", "2", "--repeat", "2"]
    cmd += ["--first-answer-runs", "1", "--rank-bm25-repeat", "1", "--workers", "2"]
    cmd += ["--keep", str(tmp_path / "work"), "--json", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout
    for words in (
        "build, 1 worker:",
        "build, 2 workers:",
        "nothing changed",
        "one article added",
        "p95",
        "rank-bm25",
    ):
        assert words in printed, words
    assert printed.strip().splitlines()[-1].startswith("SUMMARY ")

    fig = json.loads(out.read_text(encoding="utf-8"))
    assert fig["params"]["articles"] == 3 and fig["params"]["questions"] == 2
    one, two = fig["build"]["one"], fig["build"]["all"]
    assert one["workers"] == 1 and two["workers"] == 2
    assert one["articles"] == two["articles"] == 8  # the seeds and the synthetic articles
    assert one["passages"] == two["passages"] == one["segmented_passages"] > 200
    assert one["passages_per_s"] > 0 and fig["build"]["speedup"] > 0
    assert one["problems"] == [] and two["problems"] == []
    assert one["peak_rss_mb"] > 0 and two["peak_rss_worker_mb"] > 0

    r = fig["reload"]
    assert r["unchanged_report"] == [0, 0, 0, 8]
    assert r["add_one_report"] == [1, 0, 0, 8]
    assert r["passages"] > one["passages"]

    sv = fig["serve"]
    assert sv["passages"] == r["passages"]
    for key in ("bm25_ms", "retrieve_ms", "answer_ms"):
        assert set(sv[key]) == {"p50", "p95", "max", "n"} and sv[key]["n"] == 4
        assert 0 < sv[key]["p50"] <= sv[key]["p95"] <= sv[key]["max"]
    assert sv["answered"] >= 1

    rk = fig["rank_bm25"]
    assert rk["passages"] == sv["passages"]
    assert rk["queries"] == 2 and rk["top10_agree"] == 2
    assert rk["max_abs_score_diff"] < 1e-9
    assert rk["speedup_p50"] > 0

    assert len(fig["first_answer_s"]["runs"]) == 1
    assert fig["database"]["bytes"] > 0
    assert fig["machine"]["cpus"] >= 1 and fig["machine"]["cpu_model"]
    assert fig["summary"] == printed.strip().splitlines()[-1]
