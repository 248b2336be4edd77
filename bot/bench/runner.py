"""The bench's command line and its run: the steps in order, each printing its figures."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.bench.answering import step_first_answer, step_serve
from bot.bench.common import QUESTIONS, Bench, machine, say
from bot.bench.corpus import step_corpus
from bot.bench.database import step_database
from bot.bench.indexing import step_builds
from bot.bench.parity import step_rank_bm25
from bot.bench.reloading import step_reload
from bot.bench.report import summary
from bot.config import PACKAGE_ROOT


def start(opts: argparse.Namespace) -> Bench:
    """The run's root, questions, workers and working directory, from the options."""
    root = Path(opts.root or os.environ.get("BOT_HOME") or PACKAGE_ROOT).resolve()
    questions = QUESTIONS
    if opts.questions:
        questions = [q for q in Path(opts.questions).read_text(encoding="utf-8").splitlines() if q.strip()]
    if opts.max_questions:
        questions = questions[: opts.max_questions]
    workers = opts.workers or (os.cpu_count() or 1)
    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="bot-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    return Bench(opts, root, work, questions, workers, out={"machine": machine(), "params": {}})


def run(opts: argparse.Namespace) -> dict:
    b = start(opts)
    m = b.out["machine"]
    try:
        say(
            f"machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gb']} GB RAM,"
            f" Python {m['python']}, load average {m['load_avg_start']}"
        )
        step_corpus(b)
        step_builds(b)
        step_reload(b)
        queries = step_serve(b)
        step_rank_bm25(b, queries)
        step_first_answer(b)
        step_database(b)
        m["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
        b.out["summary"] = summary(b.out)
        say(b.out["summary"])
        return b.out
    finally:
        if not opts.keep:
            shutil.rmtree(b.work, ignore_errors=True)


def build_parser() -> argparse.ArgumentParser:
    import bot.bench

    p = argparse.ArgumentParser(
        prog="python -m bot bench",
        description=bot.bench.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--articles", type=int, help="synthetic articles besides the seeds")
    size.add_argument(
        "--passages", type=int, help="as many synthetic articles as it takes to reach this many passages"
    )
    p.add_argument("--workers", type=int, default=0, help="workers of the full build (default: one per core)")
    p.add_argument("--json", help="write every figure to this file")
    p.add_argument("--questions", help="a file of questions, one a line (default: a built-in set of 16)")
    p.add_argument("--max-questions", type=int, default=0, help="use only the first N questions")
    p.add_argument("--repeat", type=int, default=20, help="times each question is timed")
    p.add_argument(
        "--keep", help="work in this directory and keep it (corpus and databases; the corpus is reused)"
    )
    p.add_argument("--seed", type=int, default=7, help="the generator's seed")
    p.add_argument(
        "--one-worker-articles",
        type=int,
        default=0,
        help="time the one-worker build on only the first N synthetic articles (default: all)",
    )
    p.add_argument(
        "--rank-bm25-max",
        type=int,
        default=200_000,
        help="skip rank-bm25 above this many passages (it needs ~2.5 kB of RAM per passage); 0: never skip",
    )
    p.add_argument(
        "--rank-bm25-repeat", type=int, default=3, help="times each query is run through rank-bm25"
    )
    p.add_argument("--first-answer-runs", type=int, default=3, help="runs of python -m bot ask")
    p.add_argument(
        "--root", help="project root, with seeds/ and bench/ (default: BOT_HOME, or the package's)"
    )
    return p


def main(argv: Sequence[str]) -> int:
    """`python -m bot bench ARGS`: run, print the figures, and write them as JSON if asked."""
    opts = build_parser().parse_args(list(argv))
    out = run(opts)
    if opts.json:
        Path(opts.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
