"""Fixtures for the reliability tests (the shared ones come from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import copy_index, make_project


@pytest.fixture
def built_project(tmp_path: Path, built_db: Path) -> Path:
    """A project root with the seeds and a copy of a database already indexed from them."""
    root = make_project(tmp_path / "project")
    copy_index(built_db, root / "data" / "bot.db")
    return root
