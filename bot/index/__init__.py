"""The index's life cycle, in three steps each with a module of its own: planning what changed in
the corpus (plan.py), analysing the new and changed files (analysis.py), and building the
snapshot's arrays (build.py); rebuild.py runs them, load.py reads the last good snapshot back.
The database side of each is in bot/storage/ (index_store.py, index_layout.py)."""

from __future__ import annotations

from bot.index.analysis import Progress, worker_count
from bot.index.load import Loaded, load
from bot.index.rebuild import rebuild

__all__ = ["Loaded", "Progress", "load", "rebuild", "worker_count"]
