"""Metadata read from real pages, checked against their true metadata (tests/data/real)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from projects import REPO

REAL = Path(__file__).resolve().parent / "data" / "real"


@pytest.fixture(scope="module")
def scores():
    spec = importlib.util.spec_from_file_location("check_metadata", REPO / "tools" / "check_metadata.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod.check(REAL / "articles", REAL / "articles.jsonl")


def share(f) -> float:
    return f.right / f.asked


def test_place_and_province_of_real_articles(scores):
    assert scores["place"].asked == scores["province"].asked == 33
    assert share(scores["place"]) >= 0.95, scores["place"].wrong
    assert share(scores["province"]) >= 0.95, scores["province"].wrong


def test_dates_are_the_publication_dates_and_none_is_invented(scores):
    assert scores["date"].asked >= 15
    assert share(scores["date"]) >= 0.9, scores["date"].wrong
    assert scores["date"].invented == 0, scores["date"].wrong


def test_titles_are_the_headlines(scores):
    assert scores["title"].asked >= 15
    assert share(scores["title"]) >= 0.9, scores["title"].wrong


def test_publishers_the_pages_name(scores):
    assert scores["publisher"].asked >= 5
    assert share(scores["publisher"]) >= 0.9, scores["publisher"].wrong
