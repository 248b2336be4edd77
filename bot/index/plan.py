"""Planning: which files are new, changed, unchanged or gone since the index was built, and which
of them need an analysis (none is needed for content already in the cache)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.corpus.loader import ANALYSIS_VERSION, ArticleFile, content_hash, read_document, scan
from bot.errors import CorpusError
from bot.index.analysis import Job
from bot.models import FileProblem
from bot.storage.index_store import IndexStore, KnownArticle


@dataclass
class Plan:
    files: dict[str, tuple[ArticleFile, str | None]]  # path -> (file, its sidecar)
    known: dict[str, KnownArticle]
    unchanged: dict[str, str]  # path -> hash
    updated: dict[str, tuple[str, ArticleFile]]  # path -> (new hash, file), new or changed
    to_analyze: list[Job]
    removed: list[str]
    problems: list[FileProblem]


class _Listings:
    """Each corpus directory listed once (os.scandir): which names are symbolic links, and
    which sidecars exist, without a system call (or a pathlib object) per file: at 20,000
    files those are what a rebuild with nothing changed would spend its time on."""

    def __init__(self) -> None:
        self._dirs: dict[str, dict[str, bool]] = {}

    def entries(self, directory: str) -> dict[str, bool]:
        got = self._dirs.get(directory)
        if got is None:
            got = {}
            try:
                with os.scandir(directory) as it:
                    for e in it:
                        try:
                            got[e.name] = e.is_symlink()
                        except OSError:
                            got[e.name] = True  # unknown: looked at as a link would be
            except OSError:
                pass
            self._dirs[directory] = got
        return got


def _relpaths(
    settings: Settings, files: list[ArticleFile], listings: _Listings
) -> dict[str, tuple[ArticleFile, str | None]]:
    """Per Settings.relpath of each file: the file and its sidecar's path if there is one.
    Each directory is resolved once, not each file."""
    dirs: dict[str, str] = {}
    out: dict[str, tuple[ArticleFile, str | None]] = {}
    for f in files:
        path = str(f.path)
        parent, name = os.path.split(path)
        base = dirs.get(parent)
        if base is None:
            base = dirs[parent] = settings.relpath(Path(parent))
        entries = listings.entries(parent)
        if entries.get(name, True):
            rel = settings.relpath(f.path)
        else:
            rel = name if base == "." else f"{base}/{name}"
        side = name.rpartition(".")[0] + ".meta.json"
        out[rel] = (f, os.path.join(parent, side) if side in entries else None)
    return out


async def plan(store: IndexStore, settings: Settings) -> Plan:
    files_list, scan_problems = await asyncio.to_thread(scan, settings.corpus_dirs)
    problems = [FileProblem(settings.relpath(p), why) for p, why in scan_problems]
    known = await store.known_articles()
    listings = _Listings()
    files = await asyncio.to_thread(_relpaths, settings, files_list, listings)
    # After an upgrade of the analysis every file is re-read: its cached analysis is stale.
    current = await store.analysis_version() == ANALYSIS_VERSION.decode()
    unchanged: dict[str, str] = {}
    candidates: list[tuple[str, str, ArticleFile]] = []

    def read_changed() -> None:
        for rel, (f, side) in files.items():
            k = known.get(rel)
            side_mtime = 0
            if side is not None:
                with contextlib.suppress(OSError):
                    side_mtime = os.stat(side).st_mtime_ns
            if current and k and k.size == f.size and k.mtime_ns == f.mtime_ns + side_mtime:
                unchanged[rel] = k.hash
                continue
            try:
                # A web page, Word file or PDF is only identified here; its text is taken once,
                # by the analysis, and only if it changed.
                doc = read_document(f.path, settings.limits, extract_text=False, roots=settings.corpus_dirs)
            except CorpusError as e:
                problems.append(FileProblem(rel, str(e)))
                continue
            candidates.append(
                (rel, content_hash(doc.ident), ArticleFile(f.path, f.size, f.mtime_ns + side_mtime))
            )

    await asyncio.to_thread(read_changed)
    cached = await store.cached_hashes(h for _, h, _ in candidates)
    updated: dict[str, tuple[str, ArticleFile]] = {}
    to_analyze: list[Job] = []
    for rel, h, f in candidates:
        k = known.get(rel)
        updated[rel] = (h, f)
        if k and k.hash == h:
            unchanged[rel] = h  # only the file's mtime moved: refresh it, no re-analysis
            continue
        if h not in cached:
            to_analyze.append((rel, str(f.path), settings.limits, settings.corpus_dirs))
    failed = {p.path for p in problems}
    removed = [p for p in known if p not in files or p in failed]
    return Plan(files, known, unchanged, updated, to_analyze, removed, problems)
