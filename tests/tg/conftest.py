"""Fixtures for the Telegram layer: the real Engine on a temporary copy of the seeds, PTB's HTTP
layer replaced by an offline fake Bot API, and `tg` (update factories bound to the app).

Helpers and constants live in tg_support.py, the fake Bot API in tg_fakeapi.py."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from projects import copy_index, make_project
from telegram.ext import Application
from tg_fakeapi import FakeBotAPI, FakeRequest
from tg_support import QUICK_BACKOFF, TOKEN, Updates, make_settings

from bot.config import Settings
from bot.engine import Engine
from bot.tg.app import build_application
from bot.tg.resilience import TelegramRateLimiter


@pytest.fixture(scope="session")
def prebuilt(tmp_path_factory: pytest.TempPathFactory, built_db: Path) -> Path:
    """A project directory with the seeds and an index built once for the whole session."""
    root = make_project(tmp_path_factory.mktemp("prebuilt"))
    copy_index(built_db, root / "data" / "bot.db")

    async def check() -> None:  # brought up to date for these settings, if they differ
        engine = await Engine.open(make_settings(root))
        await engine.close()

    asyncio.run(check())
    return root


@pytest.fixture
def project(tmp_path: Path, prebuilt: Path) -> Path:
    """A private copy of the prebuilt project (seeds, articles dir, database) for one test."""
    root = tmp_path / "project"
    shutil.copytree(prebuilt, root)
    return root


@pytest.fixture
def settings(project: Path) -> Settings:
    return make_settings(project)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[Engine]:
    engine = await Engine.open(settings)
    try:
        yield engine
    finally:
        await engine.close()


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI(TOKEN)


_EXAMPLES: list[tuple] = []  # (coverage, examples) of the first application


@pytest.fixture
async def app(settings: Settings, engine: Engine, api: FakeBotAPI) -> AsyncIterator[Application]:
    """The real Application (handlers, rate limiter, post_init) over the offline fake API."""
    application = build_application(
        settings, engine, request=FakeRequest(api), get_updates_request=FakeRequest(api)
    )
    assert isinstance(application.bot.rate_limiter, TelegramRateLimiter)
    application.bot.rate_limiter.backoff = QUICK_BACKOFF
    # post_init chooses /start's examples by answering candidates; every engine here indexes
    # the same seeds, so the first application's choice stands for the rest (it is kept with
    # the coverage it was made for, and made again where that differs).
    if _EXAMPLES:
        application.bot_data["examples"] = _EXAMPLES[0]
    await application.initialize()
    await application.post_init(application)
    if not _EXAMPLES and "examples" in application.bot_data:
        _EXAMPLES.append(application.bot_data["examples"])
    await application.start()  # no polling: tests feed updates through process_update
    try:
        yield application
    finally:
        task = application.bot_data.get("reload_task")
        if task is not None:
            await asyncio.wait_for(task, 60)
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
    assert not api.problems, f"the bot sent messages Telegram would reject: {api.problems}"


@pytest.fixture
def tg(app: Application, api: FakeBotAPI) -> Updates:
    api.reset_calls()  # start-up calls (getMe, setMyCommands) are tested separately
    return Updates(app, api)
