"""Test projects: the seeds and an empty data/articles/, as a clone starts; the environment of a
`python -m bot` run on one, and such a run; and a copy of the index built once from the seeds.

The index is built by a real `python -m bot index` run (the `built_db` fixture), so a copy also
carries what that first run leaves in data/cache/: the dictionary counts, which every process
started on a project without them would count again (0.5 s each; counting and its cache are
tested in test_restore.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def make_project(root: Path) -> Path:
    """A project root holding a copy of the repository's seeds/ and an empty data/articles/."""
    shutil.copytree(SEEDS, root / "seeds")
    (root / "data" / "articles").mkdir(parents=True)
    return root


def bot_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment of a `python -m bot` run on a project: never the repository's data/."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "TELEGRAM_", "PYTEST", "USER_HASH", "FETCH_"))
    }
    env.update(
        BOT_HOME=str(root),
        BOT_DB=str(root / "data" / "bot.db"),
        BOT_CORPUS="seeds,data/articles",
        BOT_WORKERS="1",
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


def run_bot(
    root: Path,
    *args: str,
    stdin: bytes | str | None = None,
    timeout: float = 120,
    python: tuple[str, ...] = (),
    **extra: str,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m bot ARGS` on a project as a user runs it (or `python PYTHON...` when given),
    with extra settings; its output decoded as `.out` and `.err`."""
    proc = subprocess.run(
        [sys.executable, *(python or ("-m", "bot", *args))],
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True,
        cwd=root,
        env=bot_env(root, **extra),
        timeout=timeout,
    )
    proc.out = proc.stdout.decode("utf-8")  # type: ignore[attr-defined]
    proc.err = proc.stderr.decode("utf-8")  # type: ignore[attr-defined]
    return proc


def build_index(root: Path) -> Path:
    """`python -m bot index` on a project, as a user's first run; its database file."""
    proc = run_bot(root, "index", timeout=300)
    assert proc.returncode == 0, proc.err
    return root / "data" / "bot.db"


def copy_index(built_db: Path, db: Path) -> None:
    """A database built by build_index copied to `db`, with the cache beside it (where the bot
    looks for it)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built_db, db)
    if (built_db.parent / "cache").is_dir():
        shutil.copytree(built_db.parent / "cache", db.parent / "cache", dirs_exist_ok=True)
