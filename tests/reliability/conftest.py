"""Fixtures for the reliability tests (the shared ones come from tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rel_support import make_project


@pytest.fixture
def built_project(tmp_path: Path, built_db: Path) -> Path:
    """A project root with the seeds and a copy of a database already indexed from them."""
    root = make_project(tmp_path / "project")
    shutil.copyfile(built_db, root / "data" / "bot.db")
    return root
