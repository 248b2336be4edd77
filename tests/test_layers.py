"""The layout keeps its promises (README, Design): the core imports neither storage nor
Telegram, SQL lives in bot/storage, Telegram in bot/tg, and no module outgrows 450 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
MODULES = sorted(BOT.rglob("*.py"))
CORE = ("text", "corpus", "search", "answer", "qa.py")
# SQL as the storage modules write it: a statement keyword followed by what it works on.
SQL = re.compile(
    r"\b(?:SELECT\s+\S+.*\bFROM|INSERT\s+(?:OR\s+\w+\s+)?INTO|CREATE\s+(?:TABLE|INDEX)|DELETE\s+FROM|UPDATE\s+\w+\s+SET|PRAGMA\s+\w+)\b"
)


def rel(path: Path) -> str:
    return path.relative_to(BOT).as_posix()


def imported(path: Path) -> set[str]:
    """Every module a file imports, lazily or not, with the relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["bot", *path.relative_to(BOT).parent.parts]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def test_the_layout_is_there():
    assert len(MODULES) > 80
    assert all((BOT / part).exists() for part in CORE)


@pytest.mark.parametrize("path", [p for p in MODULES if rel(p).split("/")[0] in CORE], ids=rel)
def test_the_core_imports_neither_storage_nor_telegram(path: Path):
    bad = {
        name
        for name in imported(path)
        if name.startswith(("bot.storage", "bot.tg", "bot.engine", "telegram", "sqlite3", "aiosqlite"))
    }
    assert bad == set()


def test_only_storage_speaks_sql():
    outside = [p for p in MODULES if not rel(p).startswith("storage/")]
    drivers = [rel(p) for p in outside if imported(p) & {"sqlite3", "aiosqlite"}]
    statements = [rel(p) for p in outside if SQL.search(p.read_text(encoding="utf-8"))]
    assert drivers == [] and statements == []
    assert any(SQL.search(p.read_text(encoding="utf-8")) for p in MODULES if rel(p).startswith("storage/"))


def test_only_tg_imports_telegram():
    users = [rel(p) for p in MODULES if any(n.split(".")[0] == "telegram" for n in imported(p))]
    assert users and all(u.startswith("tg/") for u in users)


def test_every_module_is_under_450_lines():
    long = {rel(p): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 450}
    assert long == {}
