"""`python -m bot bench`: indexing, reloading and answering speed on a synthetic corpus, in one run.

    python -m bot bench --articles 2000 [--workers K] [--json out.json] [--keep DIR]
    python -m bot bench --passages 100000 ...

The corpus is the seeds plus N articles written by bench/make_corpus.py (seeds moved to other
towns, figures perturbed; deterministic for --seed). With --passages, as many of those
articles as it takes to reach that many passages.

Each step that is timed or weighed runs in a process of its own (`python -m bot.bench PHASE`),
so that its peak memory is its own:

1. build the index from scratch with one worker, then with every core, on fresh databases
   (indexing.py);
2. open the built database as the bot does, rebuild with nothing changed, then with one new
   article (reloading.py; the peak memory of this step holds the old and the new index at once);
3. answer the questions: retrieval alone (BM25 and top-10; and the whole ranking with place,
   time and coverage) and the whole answer (normalise, segment, retrieve, compose) (answering.py);
4. the same query tokens through rank_bm25.BM25Okapi.get_scores over the same passages, timed
   in the same process as ours, with scores and top-10 compared (parity.py);
5. `python -m bot ask` from process start to the printed answer, on the built database
   (answering.py); then the database's size (database.py).

runner.py runs the steps in order and report.py writes the summary line. Timings never go into
tests: the test of this package checks the figures are there and right.
"""

from __future__ import annotations

from bot.bench.runner import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
