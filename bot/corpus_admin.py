"""The corpus as admins manage it: adding files and links, listing articles with short ids,
removing and correcting what was added. The Engine delegates here; the command line and the
Telegram handlers call the Engine.

What can be changed: the files in the articles directory (BOT_ARTICLES_DIR), where uploads and
links go. The seeds and the other corpus directories are read-only to /xoa and /sua unless
ADMIN_EDIT_CORPUS is on.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot import texts
from bot.corpus import formats
from bot.corpus.loader import ParsedArticle, parse_article, read_bytes, read_sidecar, sidecar_of
from bot.corpus_changes import parse_changes
from bot.errors import CorpusChangeRefused, CorpusError, ReloadInProgress, StorageError, UploadRejected
from bot.models import ArticleInfo, Source
from bot.text.places import Gazetteer

if TYPE_CHECKING:
    from bot.engine import Engine

OnWait = Callable[[], Awaitable[None]]
RELOAD_WAIT_SECONDS = 600  # an addition waits this long for a running reload
ID_LENGTH = 4  # characters of a short id; longer only where two articles would share one


@dataclass(frozen=True)
class Incoming:
    """A file to add: its name, its bytes, and the link it was fetched from, if any."""

    name: str
    data: bytes
    url: str | None = None


@dataclass(frozen=True)
class AddOutcome:
    """What became of one file or link: the article (new, or already there), or why not."""

    name: str
    info: ArticleInfo | None = None
    reason: str | None = None  # a complete Vietnamese sentence


@dataclass(frozen=True)
class CorpusEntry:
    """An article as /nguon lists it."""

    id: str
    source: Source
    editable: bool  # /xoa and /sua may change it


# ---------------------------------------------------------------- short ids


def short_ids(paths: Sequence[str]) -> dict[str, str]:
    """A short id per path, stable while the path stays: the first letters of its hash in base32,
    lengthened only for paths that would share one."""
    digest = {
        p: base64.b32encode(hashlib.sha1(p.encode("utf-8")).digest()).decode().lower().replace("=", "")
        for p in paths
    }
    out: dict[str, str] = {}
    length = ID_LENGTH
    pending = list(paths)
    while pending:
        groups: dict[str, list[str]] = {}
        for p in pending:
            groups.setdefault(digest[p][:length], []).append(p)
        pending = []
        for key, members in groups.items():
            if len(members) == 1:
                out[members[0]] = key
            else:
                pending.extend(members)
        length += 1
    return out


def entries(engine: Engine) -> list[CorpusEntry]:
    """Every indexed article, newest first, with its id and whether admins may change it."""
    sources = engine.articles()
    ids = short_ids([s.path for s in sources])
    return [CorpusEntry(ids[s.path], s, editable(engine, s.path)) for s in sources]


def find(engine: Engine, article_id: str) -> CorpusEntry:
    wanted = article_id.strip().lower().lstrip("#")
    for entry in entries(engine):
        if entry.id == wanted:
            return entry
    raise CorpusChangeRefused(
        f"no article {article_id!r}",
        user_message=texts.no_such_article(article_id),
    )


def editable(engine: Engine, rel: str) -> bool:
    s = engine.settings
    path = _absolute(engine, rel)
    roots = [s.articles_dir, *s.corpus_dirs] if s.admin_edit_corpus else [s.articles_dir]
    return any(_inside(path, root) for root in roots)


def _absolute(engine: Engine, rel: str) -> Path:
    p = Path(rel)
    return p if p.is_absolute() else engine.settings.root / p


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- adding


async def add_many(
    engine: Engine, items: Sequence[Incoming], *, on_wait: OnWait | None = None
) -> list[AddOutcome]:
    """Check, save and index each item, with one reload for all of them.

    A refused item changes nothing. An item whose bytes are already a file of the corpus, or
    whose link is already an article's, is reported as already there and not saved again.
    """
    outcomes: dict[int, AddOutcome] = {}
    saved: dict[int, tuple[Path, int]] = {}
    for i, item in enumerate(items):
        try:
            found = await _check(engine, item)
        except UploadRejected as e:
            outcomes[i] = AddOutcome(item.name, reason=e.user_message)
            continue
        if isinstance(found, ArticleInfo):
            outcomes[i] = AddOutcome(item.name, info=found)
            continue
        name, parsed = found
        target = engine.save_upload(name, item.data)
        if item.url and not parsed.meta.url:
            # A page without a canonical URL, or a PDF: the link it came from is its link.
            _write_sidecar(target, {"url": item.url})
        saved[i] = (target, len(parsed.passages))
    if saved:
        try:
            report = await _reload(engine, on_wait)
        except StorageError as e:
            from bot.engine import storage_error

            raise storage_error(e, "upload") from e
        problems = {p.path: p.reason for p in report.problems}
        by_path = {a.path: a for a in engine.snapshot.articles}
        for i, (target, n) in saved.items():
            rel = engine.settings.relpath(target)
            if rel in by_path:
                outcomes[i] = AddOutcome(items[i].name, info=ArticleInfo(by_path[rel], n))
            else:
                why = problems.get(rel, texts.NOT_INDEXED)
                outcomes[i] = AddOutcome(items[i].name, reason=texts.saved_not_indexed(why))
    return [outcomes[i] for i in range(len(items))]


async def add_one(
    engine: Engine, name: str, data: bytes, *, url: str | None = None, on_wait: OnWait | None = None
) -> ArticleInfo:
    """One file: its article, or UploadRejected with the reason."""
    (outcome,) = await add_many(engine, [Incoming(name, data, url)], on_wait=on_wait)
    if outcome.info is None:
        raise UploadRejected(outcome.reason or "refused", user_message=outcome.reason)
    return outcome.info


async def fetch_link(engine: Engine, url: str) -> Incoming | AddOutcome:
    """The document at `url` ready to add, or the outcome already known: the article with that
    link, or why it cannot be fetched."""
    from bot.web.fetch import address_check, fetch

    s = engine.settings
    known = _by_url(engine, url)
    if known is not None:
        return AddOutcome(url, info=known)
    try:
        got = await fetch(
            url,
            limits=s.limits,
            timeout=s.fetch_timeout_seconds,
            max_redirects=s.fetch_max_redirects,
            allowed=address_check(s.fetch_allow_private),
        )
    except CorpusError as e:
        return AddOutcome(url, reason=texts.link_failed(e))
    return Incoming(got.filename, got.data, got.url)


async def add_link(engine: Engine, url: str, *, on_wait: OnWait | None = None) -> ArticleInfo:
    """The page or document at `url`, fetched and added."""
    got = await fetch_link(engine, url)
    if isinstance(got, AddOutcome):
        if got.info is None:
            raise UploadRejected(got.reason or "refused", user_message=got.reason)
        return got.info
    return await add_one(engine, got.name, got.data, url=got.url, on_wait=on_wait)


async def _check(engine: Engine, item: Incoming) -> tuple[str, ParsedArticle] | ArticleInfo:
    """The safe name and the parsed article of a new item, or the article it already is."""
    from bot.engine import safe_filename

    name = safe_filename(item.name)
    limits = engine.settings.limits
    kind = formats.detect(item.data, name)
    limit = limits.bytes_for(kind)
    if len(item.data) > limit:
        raise UploadRejected(
            "file too large",
            user_message=texts.file_too_big(len(item.data), limit),
        )
    same = await _same_bytes(engine, item.data)
    if same is not None:
        return same

    def parse() -> ParsedArticle:
        kind, text, meta, lines = read_bytes(item.data, name, limits)
        return parse_article(text, meta, Gazetteer.default(), lines, kind)

    try:
        parsed = await asyncio.to_thread(parse)
    except CorpusError as e:
        raise UploadRejected(str(e), user_message=texts.file_not_accepted(str(e))) from e
    for url in (parsed.meta.url, item.url):
        known = _by_url(engine, url) if url else None
        if known is not None:
            return known
    known = _same_text(engine, parsed)
    if known is not None:
        return known
    return name, parsed


async def _same_bytes(engine: Engine, data: bytes) -> ArticleInfo | None:
    """The indexed article whose file has exactly these bytes (a symbolic link does not count:
    it is not something an admin added)."""
    if not engine.has_index:
        return None
    try:
        known = await engine.store.known_articles()
    except Exception:  # the check is a courtesy; a database that cannot answer does not stop an upload
        return None
    by_path = {a.path: a for a in engine.articles()}
    for rel, k in known.items():
        if k.size != len(data) or rel not in by_path:
            continue
        path = _absolute(engine, rel)
        try:
            if path.is_symlink() or path.read_bytes() != data:
                continue
        except OSError:
            continue
        return ArticleInfo(by_path[rel], 0, already=True)
    return None


def _same_text(engine: Engine, parsed: ParsedArticle) -> ArticleInfo | None:
    """The indexed article with the same title and the same passages: the same document saved
    or exported again (a PDF made again differs in its bytes, a page saved again in its counters)."""
    if not engine.has_index:
        return None
    snapshot = engine.snapshot
    texts = [p.text for p in parsed.passages]
    for i, a in enumerate(snapshot.articles):
        if a.title != parsed.meta.title or _is_link(engine, a.path):
            continue
        docs = [int(d) for d in np.flatnonzero(snapshot.retriever.doc_article == i)]
        if len(docs) != len(texts):
            continue
        stored = snapshot.retriever.passage_text(docs)
        if [stored[d].text for d in docs] == texts:
            return ArticleInfo(a, len(texts), already=True)
    return None


def _is_link(engine: Engine, rel: str) -> bool:
    """A symbolic link in the corpus is not something an admin added: never the "same" article."""
    return _absolute(engine, rel).is_symlink()


def _norm_url(url: str) -> str:
    url = url.strip().split("#", 1)[0].rstrip("/")
    return re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE).lower()


def _by_url(engine: Engine, url: str | None) -> ArticleInfo | None:
    if not url or not engine.has_index:
        return None
    wanted = _norm_url(url)
    for a in engine.articles():
        if a.url and _norm_url(a.url) == wanted and not _is_link(engine, a.path):
            return ArticleInfo(a, 0, already=True)
    return None


async def _reload(engine: Engine, on_wait: OnWait | None):
    """Reload; when one is running, wait for it (telling the caller once) if a caller waits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RELOAD_WAIT_SECONDS
    told = False
    while True:
        try:
            return await engine.reload()
        except ReloadInProgress:
            if on_wait is None or loop.time() > deadline:
                raise
            if not told:
                await on_wait()
                told = True
            while engine.reloading:
                await asyncio.sleep(0.1)


# ---------------------------------------------------------------- removing and correcting


def changeable(engine: Engine, article_id: str) -> tuple[CorpusEntry, Path]:
    entry = find(engine, article_id)
    if not entry.editable:
        raise CorpusChangeRefused(
            f"{entry.source.path} is read-only",
            user_message=texts.read_only_article(entry.source.title, entry.source.path),
        )
    return entry, _absolute(engine, entry.source.path)


async def remove(engine: Engine, article_id: str, *, on_wait: OnWait | None = None) -> Source:
    """Delete an added article's file and sidecar, and index again: the removed article."""
    entry, path = changeable(engine, article_id)
    try:
        path.unlink(missing_ok=True)
        sidecar_of(path).unlink(missing_ok=True)
    except OSError as e:
        from bot.engine import storage_error

        raise storage_error(e, "save") from e
    await _reload(engine, on_wait)
    return entry.source


async def edit(engine: Engine, article_id: str, text: str, *, on_wait: OnWait | None = None) -> ArticleInfo:
    """Write the corrections into the article's sidecar and index it again: the article as now cited."""
    changes = parse_changes(text)
    entry, path = changeable(engine, article_id)
    try:
        current, _raw = read_sidecar(path)
    except CorpusError:
        current = {}  # a sidecar that could not be read is replaced by a good one
    merged = {k: v for k, v in {**current, **changes}.items() if v is not None}
    try:
        _write_sidecar(path, merged, replace_all=True)
    except OSError as e:
        from bot.engine import storage_error

        raise storage_error(e, "save") from e
    report = await _reload(engine, on_wait)
    for a in engine.snapshot.articles:
        if a.path == entry.source.path:
            return ArticleInfo(a, 0)
    why = next((p.reason for p in report.problems if p.path == entry.source.path), texts.NOT_INDEXED)
    raise CorpusChangeRefused(why, user_message=texts.edit_not_indexed(why))


def _write_sidecar(article: Path, values: dict[str, str | None], *, replace_all: bool = False) -> None:
    """Merge `values` into the article's sidecar (or replace it), atomically."""
    side = sidecar_of(article)
    current: dict[str, str | None] = {}
    if not replace_all:
        try:
            current, _raw = read_sidecar(article)
        except CorpusError:
            current = {}
    data = json.dumps({**current, **values}, ensure_ascii=False, indent=2).encode("utf-8")
    tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    try:
        if side.is_symlink():
            side.unlink()  # never write through a link planted in the articles directory
        tmp.write_bytes(data)
        os.replace(tmp, side)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = [
    "AddOutcome",
    "CorpusEntry",
    "Incoming",
    "add_link",
    "add_many",
    "add_one",
    "changeable",
    "edit",
    "entries",
    "fetch_link",
    "find",
    "remove",
    "short_ids",
]
