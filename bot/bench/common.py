"""What every bench step shares: the run's state, the questions, measuring and printing helpers,
and running a phase in a process of its own."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.storage.inspect import SQLITE_VERSION

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


@dataclass
class Bench:
    """One run: its options, where it works, and the figures gathered so far (`out`)."""

    opts: argparse.Namespace
    root: Path
    work: Path
    questions: list[str]
    workers: int
    out: dict = field(default_factory=dict)
    seeds: Path = Path()
    corpus: Path = Path()  # the synthetic articles
    extra: Path = Path()  # the article held back, added by the reload step
    n_articles: int = 0
    corpus_bytes: int = 0
    db: Path = Path()  # the database the steps after the builds use

    @property
    def dirs(self) -> list[Path]:
        return [self.seeds, self.corpus]

    def common(self) -> dict:
        """The arguments every phase after the builds gets: the built database and its corpus."""
        return {"root": str(self.root), "db": str(self.db), "corpus": [str(x) for x in self.dirs]}


# ---------------------------------------------------------------- measuring


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kB


def cpu_seconds() -> float:
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
        "sqlite": SQLITE_VERSION,
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }


# ---------------------------------------------------------------- phases and files


def settings_for(root: Path, db: Path, corpus: list[Path], workers: int = 0) -> Settings:
    env = {
        "BOT_DB": str(db),
        "BOT_CORPUS": ",".join(str(c) for c in corpus),
        "BOT_WORKERS": str(workers),
        "BOT_ARTICLES_DIR": str(db.parent / "uploads"),
    }
    return Settings.from_env(env=env, root=root)


def phase_settings(args: dict, *, workers: bool = False) -> Settings:
    """The settings a phase process gets from its JSON arguments."""
    corpus = [Path(c) for c in args["corpus"]]
    return settings_for(Path(args["root"]), Path(args["db"]), corpus, args["workers"] if workers else 0)


def run_phase(phase: str, args: dict) -> dict:
    cmd = [sys.executable, "-m", "bot.bench", phase, json.dumps(args, ensure_ascii=False)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise RuntimeError(f"bench phase {phase} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh_db(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------- printing


def say(msg: str = "") -> None:
    print(msg, flush=True)


def lat(name: str, d: dict) -> str:
    return f"{name}: p50 {d['p50']:.2f} ms, p95 {d['p95']:.2f} ms, max {d['max']:.2f} ms"
