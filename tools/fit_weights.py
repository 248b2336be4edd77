#!/usr/bin/env python3
"""Score the engine on the development material in one process, fit the named weights, and
cross-validate the fit.

    python tools/fit_weights.py score [--show] [--only seeds,real,...]
    python tools/fit_weights.py fit [--folds 5] [--rounds 2] [--write]

The development material (../shared by default, --shared to change it):
  seeds      dev_qa.jsonl on the bundled seeds
  dist       dev_qa.jsonl on the seeds and 2,000 look-alike distractors (bench/make_corpus.py)
  real       real/qa.jsonl on the 33 real articles
  realseeds  real/qa.jsonl on the real articles and the seeds

Each question is judged by the shared scorer's own `judge` (eval/score_qa.py), on the same JSON
reply `python -m bot ask --json -` prints, so the figures are the scorer's. Weights are those of
bot/search/weights.py. `fit` moves one weight at a time over a grid around its value and keeps a
move only if the total over the four sets rises (ties keep the current value). Cross-validation
holds out the questions of a fifth of the articles at a time, fits on the rest, and scores the
held-out questions with the weights fitted without them: if the fitted score rises and the
cross-validated one does not, the fit has learnt the questions, not the task.

Analysed articles are cached in data/cache/fit/ by content and by the code that analyses them.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import json
import multiprocessing as mp
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli import answer_json  # noqa: E402
from bot.corpus.loader import read_article, scan  # noqa: E402
from bot.qa import answer_question  # noqa: E402
from bot.search.snapshot import AnalyzedArticle, Snapshot, analyze_text, snapshot_in_memory  # noqa: E402
from bot.search.weights import DEFAULT, Weights  # noqa: E402

CACHE = ROOT / "data" / "cache" / "fit"
# Grids, as factors of the current value; thresholds and shares move in small steps.
GRID = (0.7, 0.85, 1.15, 1.4)
FIT_EXCLUDED = {"support_share", "more_share"}  # presentation, not ranking


def code_hash() -> str:
    """What an analysis depends on: the analysing code and its data."""
    h = hashlib.sha256()
    for folder in ("bot/text", "bot/corpus", "bot/data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".tsv", ".txt", ".json"):
                h.update(path.read_bytes())
    for extra in ("bot/search/snapshot.py", "bot/search/kinds.py"):
        h.update((ROOT / extra).read_bytes())
    return h.hexdigest()[:16]


def _analyze_one(args: tuple[str, str]) -> tuple[str, AnalyzedArticle | None]:
    rel, path = args
    try:
        text, _ident, overrides = read_article(Path(path), 50_000_000)
        return rel, analyze_text(text, overrides)
    except Exception:
        return rel, None


def load_corpus(dirs: Sequence[Path], workers: int = 2) -> list[tuple[str, AnalyzedArticle]]:
    files, _problems = scan(tuple(dirs))
    key = hashlib.sha256(code_hash().encode())
    for f in files:
        key.update(str(f.path).encode())
        key.update(f.path.read_bytes())
        side = f.path.with_name(f.path.stem + ".meta.json")
        if side.exists():
            key.update(side.read_bytes())
    cached = CACHE / f"{key.hexdigest()[:24]}.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    jobs = [(_rel(f.path), str(f.path)) for f in files]
    if workers > 1 and len(jobs) > 50:
        with mp.get_context("fork").Pool(workers) as pool:
            done = pool.map(_analyze_one, jobs, chunksize=20)
    else:
        done = [_analyze_one(j) for j in jobs]
    items = [(rel, a) for rel, a in done if a is not None]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(items))
    return items


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _judge_fn(shared: Path):
    spec = importlib.util.spec_from_file_location("score_qa", shared / "eval" / "score_qa.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.judge


@dataclass
class DevSet:
    name: str
    snap: Snapshot
    items: list[dict]


def dev_sets(shared: Path, only: set[str] | None = None) -> list[DevSet]:
    dev = [
        json.loads(line)
        for line in (shared / "dev_qa.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    real = [
        json.loads(line)
        for line in (shared / "real" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    distractors = ROOT / "data" / "cache" / "distractors-2000"
    configs = {
        "seeds": ([ROOT / "seeds"], dev),
        "real": ([shared / "real" / "articles"], real),
        "realseeds": ([ROOT / "seeds", shared / "real" / "articles"], real),
        "dist": ([ROOT / "seeds", distractors], dev),
    }
    out = []
    for name, (dirs, items) in configs.items():
        if only and name not in only:
            continue
        if name == "dist" and not (distractors / ".complete").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(shared / "bench" / "make_corpus.py"),
                    "--articles",
                    "2000",
                    "--out",
                    str(distractors),
                ],
                check=True,
            )
            (distractors / ".complete").write_text("")
        t0 = time.perf_counter()
        snap = snapshot_in_memory(load_corpus(dirs))
        print(
            f"{name}: {snap.coverage.articles} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr
        )
        out.append(DevSet(name, snap, items))
    return out


def evaluate(sets: list[DevSet], judge, weights: Weights) -> dict[str, list[tuple[bool, str]]]:
    """Per set, each item's verdict from the shared scorer."""
    out = {}
    for s in sets:
        s.snap.retriever.weights = weights
        if not hasattr(s.snap, "_parse_cached"):
            # Reading a question does not depend on the weights: read each once per fit.
            object.__setattr__(s.snap, "_parse_cached", True)
            object.__setattr__(s.snap, "parse", functools.lru_cache(maxsize=None)(s.snap.parse))
        verdicts = []
        for item in s.items:
            question = " ".join(item["question"].split())
            answer = answer_question(s.snap, question)
            verdicts.append(judge(item, json.loads(answer_json(question, answer))))
        out[s.name] = verdicts
    return out


def total(verdicts: dict[str, list[tuple[bool, str]]], keep: set[str] | None = None, sets=None) -> int:
    n = 0
    for s in sets:
        for item, (ok, _) in zip(s.items, verdicts[s.name], strict=True):
            if keep is None or _group(item) in keep:
                n += ok
    return n


def _group(item: dict) -> str:
    art = item["article"]
    return ",".join(sorted(art)) if isinstance(art, list) else (art or f"none:{item['id']}")


# ---------------------------------------------------------------- fitting


def fit(sets, judge, start: Weights, keep: set[str] | None, rounds: int, log=print) -> Weights:
    """Coordinate search: each weight over a grid around its value, kept only if the score rises."""
    best = start
    best_score = total(evaluate(sets, judge, best), keep, sets)
    for r in range(rounds):
        moved = False
        for name in Weights.names():
            if name in FIT_EXCLUDED:
                continue
            value = getattr(best, name)
            for f in GRID:
                cand_value = round(
                    min(value * f, 1.0) if value <= 1.0 and name != "oov_weight" else value * f, 4
                )
                if cand_value == value:
                    continue
                cand = best.with_values(**{name: cand_value})
                score = total(evaluate(sets, judge, cand), keep, sets)
                if score > best_score:
                    best, best_score, moved = cand, score, True
                    log(f"  round {r + 1}: {name} {value} -> {cand_value}: {score}")
                    value = cand_value
        if not moved:
            break
    return best


def folds_of(sets: list[DevSet], k: int) -> list[set[str]]:
    groups = sorted({_group(item) for s in sets for item in s.items})
    # Deterministic spread: sort groups by a hash so folds mix seeds and real articles.
    groups.sort(key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    return [set(groups[i::k]) for i in range(k)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("score", "fit"))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", default="", help="comma-separated sets: seeds,dist,real,realseeds")
    ap.add_argument("--show", action="store_true", help="print every wrong item")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    judge = _judge_fn(args.shared)
    sets = dev_sets(args.shared, set(filter(None, args.only.split(","))) or None)
    if args.command == "score":
        verdicts = evaluate(sets, judge, DEFAULT)
        for s in sets:
            good = sum(ok for ok, _ in verdicts[s.name])
            print(f"{s.name:10s} {good}/{len(s.items)}")
            if args.show:
                for item, (ok, why) in zip(s.items, verdicts[s.name], strict=True):
                    if not ok:
                        print(f"   WRONG {item['id']} {item['kind']}: {item['question']} | {why}")
        return 0
    n = sum(len(s.items) for s in sets)
    start = total(evaluate(sets, judge, DEFAULT), None, sets)
    print(f"current weights: {start}/{n}")
    fitted = fit(sets, judge, DEFAULT, None, args.rounds)
    fitted_score = total(evaluate(sets, judge, fitted), None, sets)
    print(f"fitted on everything: {fitted_score}/{n}")
    changed = {k: v for k, v in fitted.as_dict().items() if v != getattr(DEFAULT, k)}
    print("fitted values that differ: " + json.dumps(changed, ensure_ascii=False))
    cv_good = 0
    for i, held in enumerate(folds_of(sets, args.folds)):
        train = {_group(item) for s in sets for item in s.items} - held
        w = fit(sets, judge, DEFAULT, train, args.rounds, log=lambda *_: None)
        verdicts = evaluate(sets, judge, w)
        got = total(verdicts, held, sets)
        size = sum(1 for s in sets for item in s.items if _group(item) in held)
        print(f"fold {i + 1}: {got}/{size} held-out questions right")
        cv_good += got
    print(
        f"cross-validated ({args.folds} folds, by article): {cv_good}/{n}; fitted: {fitted_score}/{n}; current: {start}/{n}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
