"""The bench's corpus: the seeds plus synthetic articles from bench/make_corpus.py, and one
article held back for the reload step. Reused from --keep when it was made the same way."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bot.bench.common import Bench, say


def generator_path(root: Path) -> Path:
    return root / "bench" / "make_corpus.py"


def make_corpus(root: Path, out: Path, articles: int, seed: int) -> None:
    gen = generator_path(root)
    if not gen.exists():
        raise SystemExit(f"the corpus generator is missing: {gen}")
    cmd = [sys.executable, str(gen), "--articles", str(articles), "--out", str(out), "--seed", str(seed)]
    cmd += ["--seeds", str(root / "seeds")]
    subprocess.run(cmd, check=True, capture_output=True)


def passages_of(path: Path) -> int:
    """How many passages an article makes (cleaning and splitting only: no pyvi)."""
    from bot.corpus.clean import clean_article
    from bot.corpus.passages import make_passages

    return len(make_passages(clean_article(path.read_text(encoding="utf-8")).paragraphs))


def prepare_corpus(root: Path, work: Path, opts: argparse.Namespace) -> tuple[Path, Path, int]:
    """The corpus directory (the synthetic articles to index), the held-back extra article, and
    how many articles the corpus has. Reused from --keep when it was made the same way."""
    stamp = {"articles": opts.articles, "passages": opts.passages, "seed": opts.seed}
    corpus, extra = work / "corpus", work / "extra"
    marker = work / "corpus.json"
    if marker.exists() and json.loads(marker.read_text()) == {**stamp, "ready": True}:
        held = next(extra.glob("*.txt"))  # an earlier run may have left it in the corpus
        return corpus, held, sum(1 for p in corpus.glob("*.txt") if p.name != held.name)
    for d in (corpus, extra, work / "gen"):
        shutil.rmtree(d, ignore_errors=True)
    gen = work / "gen"
    if opts.passages:
        seeds = sum(passages_of(p) for p in sorted((root / "seeds").glob("*.txt")))
        guess = max(1, int((opts.passages - seeds) / 35 * 1.15) + 3)
        make_corpus(root, gen, guess, opts.seed)
        files = sorted(gen.glob("*.txt"))
        total, n = seeds, 0
        while total < opts.passages and n < len(files):
            total += passages_of(files[n])
            n += 1
        if total < opts.passages or n >= len(files):
            raise SystemExit("could not generate enough passages")
    else:
        make_corpus(root, gen, opts.articles + 1, opts.seed)
        files = sorted(gen.glob("*.txt"))
        n = opts.articles
    corpus.mkdir(parents=True)
    extra.mkdir(parents=True)
    for f in files[:n]:
        f.rename(corpus / f.name)
    files[n].rename(extra / files[n].name)
    shutil.rmtree(gen)
    marker.write_text(json.dumps({**stamp, "ready": True}))
    return corpus, extra / files[n].name, n


def text_size(dirs: list[Path]) -> tuple[int, int]:
    """Characters and bytes of the article files."""
    chars = size = 0
    for d in dirs:
        for p in d.glob("*.txt"):
            data = p.read_bytes()
            size += len(data)
            chars += len(data.decode("utf-8"))
    return chars, size


def step_corpus(b: Bench) -> None:
    """Make (or reuse) the corpus and record its size in the run's parameters."""
    t = time.perf_counter()
    b.corpus, b.extra, b.n_articles = prepare_corpus(b.root, b.work, b.opts)
    b.seeds = b.root / "seeds"
    chars, size = text_size(b.dirs)
    b.corpus_bytes = size
    b.out["params"] = {
        "articles": b.n_articles,
        "seed_articles": len(list(b.seeds.glob("*.txt"))),
        "workers": b.workers,
        "questions": len(b.questions),
        "repeat": b.opts.repeat,
        "seed": b.opts.seed,
        "corpus_chars": chars,
        "corpus_bytes": size,
        "workdir": str(b.work),
    }
    say(
        f"corpus: {b.n_articles} synthetic articles + seeds, {chars:,} characters ({size / 2**20:.1f} MB),"
        f" made in {time.perf_counter() - t:.1f} s"
    )
