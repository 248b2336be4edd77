"""`python -m bot bench`: indexing, reloading and answering speed on a synthetic corpus, in one run.

    python -m bot bench --articles 2000 [--workers K] [--json out.json] [--keep DIR]
    python -m bot bench --passages 100000 ...

The corpus is the seeds plus N articles written by bench/make_corpus.py (seeds moved to other
towns, figures perturbed; deterministic for --seed). With --passages, as many of those
articles as it takes to reach that many passages.

Each step that is timed or weighed runs in a process of its own (`python -m bot.bench PHASE`),
so that its peak memory is its own:

1. build the index from scratch with one worker, then with every core, on fresh databases;
2. open the built database as the bot does, rebuild with nothing changed, then with one new
   article (the peak memory of this step holds the old and the new index at once);
3. answer the questions: retrieval alone (BM25 and top-10; and the whole ranking with place,
   time and coverage) and the whole answer (normalise, segment, retrieve, compose);
4. the same query tokens through rank_bm25.BM25Okapi.get_scores over the same passages, timed
   in the same process as ours, with scores and top-10 compared;
5. `python -m bot ask` from process start to the printed answer, on the built database.

Timings never go into tests: the test of this module checks the figures are there and right.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.config import PACKAGE_ROOT, Settings

# Realistic questions, with and without diacritics, about the seeds' towns and about the
# synthetic ones (which the generator moves the seeds to).
QUESTIONS = [
    "Thu nhập bình quân đầu người Kinh Môn năm 2023 là bao nhiêu?",
    "thu nhap binh quan dau nguoi kinh mon 2023",
    "Dân số thị xã Kinh Môn bao nhiêu người?",
    "dan so thi xa kinh mon",
    "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?",
    "mat do dan so tx ky anh la bao nhieu nguoi/km2",
    "Móng Cái có bao nhiêu km đường biên giới với Trung Quốc?",
    "mong cai thu ngan sach 2 thang dau nam 2024",
    "Các KCN ở Đông Triều đã lấp đầy được bao nhiêu %?",
    "dong trieu chong dich covid nam 2021 ket qua ra sao",
    "Kinh Môn phấn đấu đạt đô thị loại III trước năm nào?",
    "so sanh tang truong kinh te kinh mon va dong trieu",
    "Thu nhập bình quân đầu người Từ Sơn năm 2022?",
    "ty le ho ngheo cua thi xa phu my",
    "Tốc độ tăng trưởng kinh tế của Điện Bàn đạt bao nhiêu?",
    "chu tich ubnd tinh quang ninh",
]

TOP_K = 10


# ---------------------------------------------------------------- small helpers


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kB


def _cpu_seconds() -> float:
    """User and system time of this process and of its children that have ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def pct(samples: list[float]) -> dict[str, float]:
    a = np.asarray(samples, dtype=np.float64) * 1000
    if not a.size:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "n": 0}
    return {
        "p50": float(np.percentile(a, 50)),
        "p95": float(np.percentile(a, 95)),
        "max": float(a.max()),
        "n": int(a.size),
    }


def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    with contextlib.suppress(ValueError, OSError):
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count() or 1,
        "cpu_model": model,
        "ram_gb": round(ram, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sqlite": _sqlite_version(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }


def _sqlite_version() -> str:
    from bot.storage.inspect import SQLITE_VERSION

    return SQLITE_VERSION


def settings_for(root: Path, db: Path, corpus: list[Path], workers: int = 0) -> Settings:
    env = {
        "BOT_DB": str(db),
        "BOT_CORPUS": ",".join(str(c) for c in corpus),
        "BOT_WORKERS": str(workers),
        "BOT_ARTICLES_DIR": str(db.parent / "uploads"),
    }
    return Settings.from_env(env=env, root=root)


# ---------------------------------------------------------------- phases (each in its own process)


async def phase_build(args: dict) -> dict:
    """A full build from an empty database."""
    from bot import index
    from bot.storage.index_store import IndexStore
    from bot.text.analyze import _tokenizer

    s = settings_for(Path(args["root"]), Path(args["db"]), [Path(c) for c in args["corpus"]], args["workers"])
    t = time.perf_counter()
    _tokenizer()  # pyvi's import is a constant, not indexing throughput
    pyvi_s = time.perf_counter() - t
    store = await IndexStore.open(s.db_path)
    load = os.getloadavg()[0]
    cpu = _cpu_seconds()
    try:
        report, _ = await index.rebuild(store, s)
    finally:
        await store.close()
    cpu = _cpu_seconds() - cpu
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


async def phase_reload(args: dict) -> dict:
    """The bot's /reload on a built database: nothing changed, then one article added."""
    from bot.engine import Engine
    from bot.text.analyze import _tokenizer

    s = settings_for(Path(args["root"]), Path(args["db"]), [Path(c) for c in args["corpus"]], args["workers"])
    t = time.perf_counter()
    engine = await Engine.open(s, build=False)
    load_s = time.perf_counter() - t
    _tokenizer()  # a bot that has answered once has pyvi loaded
    try:
        unchanged = await engine.reload()
        shutil.copy2(args["extra"], args["extra_to"])
        added = await engine.reload()
    finally:
        await engine.close()
    return {
        "load_s": load_s,
        "unchanged_s": unchanged.seconds,
        "unchanged_report": [unchanged.new, unchanged.changed, unchanged.removed, unchanged.unchanged],
        "add_one_s": added.seconds,
        "add_one_report": [added.new, added.changed, added.removed, added.unchanged],
        "passages": added.passages,
        "peak_rss_mb": peak_rss_mb(),
    }


async def phase_serve(args: dict) -> dict:
    """Answering from a built database: load time, latencies, and each question's top-10."""
    from bot.engine import Engine
    from bot.text.normalize import clean_unicode

    s = settings_for(Path(args["root"]), Path(args["db"]), [Path(c) for c in args["corpus"]])
    t = time.perf_counter()
    engine = await Engine.open(s, build=False)
    load_s = time.perf_counter() - t
    try:
        snap = engine.snapshot
        index = snap.retriever.index
        t = time.perf_counter()
        engine.answer(args["questions"][0])  # the first answer imports pyvi
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


def load_passage_tokens(db: Path) -> list[list[str]]:
    """Every indexed passage's tokens, in index order, as the snapshot was built from them."""
    from bot.storage.inspect import passage_tokens

    return passage_tokens(db)


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

    s = settings_for(Path(args["root"]), Path(args["db"]), [Path(c) for c in args["corpus"]])
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


PHASES = {
    "build": phase_build,
    "reload": phase_reload,
    "serve": phase_serve,
    "rank_bm25": phase_rank_bm25,
}


def phase_main(argv: list[str]) -> int:
    phase, raw = argv
    result = asyncio.run(PHASES[phase](json.loads(raw)))
    print(json.dumps(result, ensure_ascii=False))
    return 0


def run_phase(phase: str, args: dict) -> dict:
    cmd = [sys.executable, "-m", "bot.bench", phase, json.dumps(args, ensure_ascii=False)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise RuntimeError(f"bench phase {phase} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the corpus


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


def db_size(db: Path) -> dict:
    from bot.storage.inspect import database_size

    return database_size(db)


# ---------------------------------------------------------------- the run


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


def fresh_db(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def say(msg: str = "") -> None:
    print(msg, flush=True)


def run(opts: argparse.Namespace) -> dict:
    root = Path(opts.root or os.environ.get("BOT_HOME") or PACKAGE_ROOT).resolve()
    questions = QUESTIONS
    if opts.questions:
        questions = [q for q in Path(opts.questions).read_text(encoding="utf-8").splitlines() if q.strip()]
    if opts.max_questions:
        questions = questions[: opts.max_questions]
    workers = opts.workers or (os.cpu_count() or 1)
    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="bot-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"machine": machine(), "params": {}}
    try:
        say(
            f"machine: {out['machine']['cpus']} CPUs ({out['machine']['cpu_model']}), {out['machine']['ram_gb']} GB RAM,"
            f" Python {out['machine']['python']}, load average {out['machine']['load_avg_start']}"
        )
        t = time.perf_counter()
        corpus, extra, n_articles = prepare_corpus(root, work, opts)
        seeds = root / "seeds"
        dirs = [seeds, corpus]
        chars, size = text_size(dirs)
        out["params"] = {
            "articles": n_articles,
            "seed_articles": len(list(seeds.glob("*.txt"))),
            "workers": workers,
            "questions": len(questions),
            "repeat": opts.repeat,
            "seed": opts.seed,
            "corpus_chars": chars,
            "corpus_bytes": size,
            "workdir": str(work),
        }
        say(
            f"corpus: {n_articles} synthetic articles + seeds, {chars:,} characters ({size / 2**20:.1f} MB),"
            f" made in {time.perf_counter() - t:.1f} s"
        )

        # 1. Full builds. (A kept corpus may hold the extra article of an earlier run.)
        target = corpus / extra.name
        target.unlink(missing_ok=True)
        builds = {}
        one_dirs = dirs
        if opts.one_worker_articles and opts.one_worker_articles < n_articles:
            sub = work / "corpus-one"
            shutil.rmtree(sub, ignore_errors=True)
            sub.mkdir()
            for f in sorted(corpus.glob("*.txt"))[: opts.one_worker_articles]:
                shutil.copy2(f, sub / f.name)
            one_dirs = [seeds, sub]
        plan = [("one", 1, one_dirs)]
        if workers > 1:
            plan.append(("all", workers, dirs))
        for name, w, d in plan:
            db = fresh_db(work / f"build-{name}.db")
            b = run_phase(
                "build", {"root": str(root), "db": str(db), "corpus": [str(x) for x in d], "workers": w}
            )
            b["corpus_chars"] = text_size(d)[0]
            builds[name] = b
            say(
                f"build, {w} worker{'s' if w > 1 else ''}: {b['passages']:,} passages ({b['articles']} articles,"
                f" {b['corpus_chars']:,} characters) in {b['seconds']:.1f} s = {b['passages_per_s']:,.0f} passages/s;"
                f" CPU {b['cpu_s']:.1f} s ({b['cpu_s'] / b['seconds']:.2f} cores busy,"
                f" {b['passages_per_cpu_s']:,.0f} passages per CPU second), load average"
                f" {b['load_avg_before']:.1f} before; peak RSS {b['peak_rss_mb']:.0f} MB"
                f" (largest worker {b['peak_rss_worker_mb']:.0f} MB)"
            )
        if "all" in builds:
            builds["speedup"] = builds["all"]["passages_per_s"] / builds["one"]["passages_per_s"]
            say(f"build speed-up with {workers} workers: {builds['speedup']:.2f}x")
        out["build"] = builds
        db = work / f"build-{'all' if workers > 1 else 'one'}.db"
        if workers == 1 and one_dirs is not dirs:
            db = fresh_db(work / "build-full.db")
            run_phase(
                "build", {"root": str(root), "db": str(db), "corpus": [str(x) for x in dirs], "workers": 1}
            )
        common = {"root": str(root), "db": str(db), "corpus": [str(x) for x in dirs]}

        # 2. Rebuilds. The extra article goes into the corpus (and the database) from here on.
        r = run_phase("reload", {**common, "workers": workers, "extra": str(extra), "extra_to": str(target)})
        out["reload"] = r
        say(
            f"open built database: {r['load_s']:.2f} s; rebuild with nothing changed: {r['unchanged_s']:.2f} s;"
            f" with one article added: {r['add_one_s']:.2f} s ({r['passages']:,} passages);"
            f" peak RSS {r['peak_rss_mb']:.0f} MB (old and new index together)"
        )

        # 3. Answering.
        sv = run_phase("serve", {**common, "questions": questions, "repeat": opts.repeat})
        out["serve"] = {k: v for k, v in sv.items() if k != "queries"}

        def lat(name: str, d: dict) -> str:
            return f"{name}: p50 {d['p50']:.2f} ms, p95 {d['p95']:.2f} ms, max {d['max']:.2f} ms"

        say(
            f"index in memory: {sv['passages']:,} passages, {sv['terms']:,} terms, {sv['postings']:,} postings,"
            f" {sv['index_mb']:.1f} MB; load {sv['load_s']:.2f} s"
        )
        say(f"{len(questions)} questions x {opts.repeat} ({sv['answered']} answered, the rest refused)")
        say("  " + lat("retrieval, BM25 + top-10   ", sv["bm25_ms"]))
        say("  " + lat("retrieval, whole ranking   ", sv["retrieve_ms"]))
        say("  " + lat("whole answer               ", sv["answer_ms"]))
        say(f"  peak RSS answering: {sv['peak_rss_mb']:.0f} MB")

        # 4. rank-bm25 on the same passages and tokens.
        if opts.rank_bm25_max and sv["passages"] > opts.rank_bm25_max:
            out["rank_bm25"] = {
                "skipped": f"{sv['passages']} passages > --rank-bm25-max {opts.rank_bm25_max}"
            }
            say(f"rank-bm25: skipped ({out['rank_bm25']['skipped']})")
        else:
            rk = run_phase("rank_bm25", {**common, "queries": sv["queries"], "repeat": opts.rank_bm25_repeat})
            out["rank_bm25"] = rk
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

        # 5. From process start to the first answer.
        times = first_answer_runs(root, db, dirs, questions[0], opts.first_answer_runs)
        out["first_answer_s"] = {"runs": times, "median": float(np.median(times))}
        say(f"python -m bot ask, process start to answer: {', '.join(f'{x:.2f}' for x in times)} s")

        size_info = db_size(db)
        out["database"] = size_info
        say(
            f"database: {size_info['bytes'] / 2**20:.1f} MB (+ WAL {size_info['wal_bytes'] / 2**20:.1f} MB),"
            f" of which free pages {size_info['free_bytes'] / 2**20:.1f} MB;"
            f" {size_info['bytes'] / max(size, 1):.1f}x the article text"
        )
        out["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
        out["summary"] = summary(out)
        say(out["summary"])
        return out
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)


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


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog="python -m bot bench", description=__doc__)
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


def main(opts: argparse.Namespace) -> int:
    out = run(opts)
    if opts.json:
        Path(opts.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(phase_main(sys.argv[1:]))
