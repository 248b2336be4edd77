"""Shared fixtures: a temporary project with the seeds, its settings, an open Engine, and an
in-memory snapshot of the seeds for the pure (no I/O) tests.

Everything is real: pyvi, rank-bm25, SQLite files. pyvi's import and the seeds' analysis are the
slow parts, so they happen once per session; tests that need their own database either build it
(indexer tests) or start from a copy of one built once (``engine``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from documents import WebServer, serving
from projects import SEEDS, build_index, copy_index, make_project

from bot.config import Settings
from bot.corpus.loader import read_article
from bot.engine import Engine
from bot.models import Answer
from bot.qa import answer_question
from bot.search.snapshot import AnalyzedArticle, Snapshot, analyze_text, snapshot_in_memory

SEED_FILES = sorted(SEEDS.glob("*.txt"))
MAX_FILE_BYTES = 2_000_000


def settings_for(root: Path, **extra: str) -> Settings:
    env = {
        "BOT_DB": str(root / "data" / "bot.db"),
        "BOT_CORPUS": "seeds,data/articles",
        "BOT_WORKERS": "1",
        **extra,
    }
    return Settings.from_env(env=env, root=root)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def settings(project: Path) -> Settings:
    return settings_for(project)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database indexed once from the seeds by `python -m bot index` (copied by tests that only
    need *an* index; projects.copy_index also copies the cache that run left beside it)."""
    return build_index(make_project(tmp_path_factory.mktemp("built") / "project"))


@pytest.fixture
async def engine(settings: Settings, built_db: Path) -> AsyncIterator[Engine]:
    """An Engine on the tmp project; its database starts as a copy of one built from the seeds."""
    copy_index(built_db, settings.db_path)
    eng = await Engine.open(settings)
    try:
        yield eng
    finally:
        await eng.close()


@pytest.fixture
async def fresh(settings: Settings) -> AsyncIterator[Engine]:
    """An engine on a blank database, not built yet."""
    eng = await Engine.open(settings, build=False)
    try:
        yield eng
    finally:
        await eng.close()


# ---------------------------------------------------------------- pure, in-memory


@pytest.fixture(scope="session")
def seed_items() -> list[tuple[str, AnalyzedArticle]]:
    """Every seed analysed by the real pipeline, with its sidecar metadata applied."""
    items = []
    for p in SEED_FILES:
        text, _ident, overrides = read_article(p, MAX_FILE_BYTES)
        items.append((f"seeds/{p.name}", analyze_text(text, overrides)))
    return items


@pytest.fixture(scope="session")
def seed_snapshot(seed_items: list[tuple[str, AnalyzedArticle]]) -> Snapshot:
    return snapshot_in_memory(seed_items)


@pytest.fixture(scope="session")
def ask(seed_snapshot: Snapshot) -> Callable[[str], Answer]:
    def _ask(question: str) -> Answer:
        return answer_question(seed_snapshot, question)

    return _ask


# ---------------------------------------------------------------- documents and links


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A web server on 127.0.0.1 for the link tests (routes set by each test)."""
    yield from serving()


@pytest.fixture
async def engine_with(project: Path, built_db: Path) -> AsyncIterator[Callable[..., Engine]]:
    """Opens an Engine on the tmp project with extra settings (closed at the end of the test)."""
    opened: list[Engine] = []

    async def open_engine(**extra: str) -> Engine:
        s = settings_for(project, **extra)
        copy_index(built_db, s.db_path)
        eng = await Engine.open(s)
        opened.append(eng)
        return eng

    yield open_engine
    for eng in opened:
        await eng.close()
