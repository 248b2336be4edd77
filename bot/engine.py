"""The service the command line and the Telegram bot share: built once, closed once."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot import corpus_admin
from bot.answer.render import render_plain
from bot.config import Settings
from bot.corpus.loader import ARTICLE_SUFFIXES
from bot.corpus.upload import free_path, save_upload
from bot.errors import BotError, IndexNotReady, ReloadInProgress, StorageError, UploadRejected
from bot.index import Loaded, Progress, load, rebuild
from bot.models import Answer, ArticleInfo, Coverage, ReloadReport, Source, Stats
from bot.qa import answer_question
from bot.search.snapshot import Snapshot
from bot.storage import keyfile
from bot.storage.connection import failure_kind, private_dirs
from bot.storage.db import Database
from bot.storage.index_store import IndexStore
from bot.storage.passages import PassageReader
from bot.texts import NOTHING_MORE, STORAGE_FAILED, STORAGE_WHY, UNSUPPORTED_FILE

log = logging.getLogger(__name__)
OnWait = corpus_admin.OnWait

MORE_PAGES_TRIED = 3  # "more" skips at most this many pages whose passages were all shown already


class Engine:
    def __init__(self, settings: Settings, db: Database, store: IndexStore) -> None:
        self.settings = settings
        # The question log and feedback, and the index (a connection of its own: a
        # rebuild holds a long write transaction there, and a question logged on that connection
        # would join it, vanish if the rebuild rolled back, and leave its id to the next question).
        self.db = db
        self.store = store
        self._snapshot: Snapshot | None = None
        self._reader: PassageReader | None = None
        self._reload_lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self._user_key: bytes = b""

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        build: bool = True,
        progress: Progress | None = None,
        serve_first: bool = False,
    ) -> Engine:
        """Open the database, load the last good index, and build it if missing or stale.

        serve_first: with a last good index, the build runs in the background and the engine
        answers from that index meanwhile (the bot: a restart after a reload was killed half-way
        must not wait for the rest of its analysis). Without one, the build is waited for.

        A database that cannot be written (full, read-only, locked) does not stop a start with an
        index already built: the build failure is logged and the last good index serves.
        """
        try:
            db = await Database.open(settings.db_path)
        except StorageError as e:
            raise storage_error(e, "open") from e
        try:
            store = await IndexStore.open(settings.db_path)
        except StorageError as e:
            await db.close()
            raise storage_error(e, "open") from e
        engine = cls(settings, db, store)
        try:
            await engine._load_user_key()
            engine._swap(await load(store))
            if build and serve_first and engine.has_index:
                engine._background = asyncio.create_task(
                    engine._reload_in_background(), name="start-up reload"
                )
            elif build:
                try:
                    await engine.reload(progress=progress)
                except StorageError:
                    if engine._snapshot is None:
                        raise
                    log.exception("index not refreshed; answering from the last good index")
        except BaseException:
            await engine.close()
            raise
        return engine

    async def _reload_in_background(self) -> None:
        t0 = time.perf_counter()
        try:
            report = await self.reload()
        except ReloadInProgress:
            return  # an admin's /reload started first and does the same work
        except Exception:
            log.exception("index not refreshed; answering from the last good index")
            return
        log.info(
            "index refreshed in the background in %.1f s: %d articles (%d new, %d changed, %d removed)",
            time.perf_counter() - t0,
            report.articles,
            report.new,
            report.changed,
            report.removed,
        )

    async def close(self) -> None:
        if self._background is not None and not self._background.done():
            # The analyses it cached stay: the next start resumes from them.
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._background
        if self._reader:
            self._reader.close()
            self._reader = None
        await self.store.close()
        await self.db.close()

    def _swap(self, loaded: Loaded | None) -> None:
        """Serve from a newly loaded snapshot; the old one's passage reader is closed."""
        if loaded is None:
            return
        old_reader = self._reader
        self._snapshot, self._reader = loaded.snapshot, loaded.reader
        if old_reader:
            old_reader.close()

    # ------------------------------------------------------------------ answering

    @property
    def has_index(self) -> bool:
        return self._snapshot is not None

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            raise IndexNotReady("no index loaded")
        return self._snapshot

    def answer(self, question: str, *, offset: int = 0) -> Answer:
        """The answer to a question, from the index in memory (no I/O but passage reads)."""
        return answer_question(
            self.snapshot, question, offset=offset, max_chars=self.settings.max_question_chars
        )

    def more(self, question: str, offset: int = 1, shown: str = "") -> tuple[Answer, int]:
        """The next passages for a question already answered, and the offset of the page after them.

        The first "more" page starts at offset 1 (the answer itself quoted the best passage). The
        answer's own quotes and passages whose text is in `shown` (what the user has seen) are
        skipped; a page with nothing new leads to the next one, up to MORE_PAGES_TRIED pages.
        The terminal's "thêm" and the bot's "Xem thêm" both page through this method.
        """
        offset = max(offset, 1)
        seen = [q.text for q in self.answer(question).quotes]
        answer = self.answer(question, offset=offset)
        for attempt in range(1, MORE_PAGES_TRIED + 1):
            offset += max(len(answer.quotes), 1)
            fresh = tuple(q for q in answer.quotes if q.text not in shown and q.text not in seen)
            if fresh or not answer.has_more or attempt == MORE_PAGES_TRIED:
                answer = replace(answer, quotes=fresh)
                break
            answer = self.answer(question, offset=offset)
        if not answer.quotes:
            answer = replace(answer, refused=True, notice=answer.notice or NOTHING_MORE, has_more=False)
        return replace(answer, understood=None), offset  # the reading was shown with the answer

    async def ask(
        self, question: str, *, user: str | None = None, channel: str = "cli", offset: int = 0
    ) -> tuple[Answer, int | None]:
        """Answer and log; a database that cannot log does not stop the answer."""
        t0 = time.perf_counter()
        answer = self.answer(question, offset=offset)
        latency = (time.perf_counter() - t0) * 1000
        qid = await self.log(
            question, answer, user=user, channel=channel if not offset else "more", latency_ms=latency
        )
        return answer, qid

    async def log(
        self,
        question: str,
        answer: Answer,
        *,
        user: str | None,
        channel: str,
        latency_ms: float,
        text: str | None = None,
    ) -> int | None:
        """Log a question with its answer: its id, or None when the log is unavailable.

        Apart from `ask` for a shell that must not hold the answer back while the log waits
        for the database (a rebuild writing the new index holds SQLite's only write lock).
        `text` is the reply as the person read it, when it is more than the answer's quotes.
        """
        try:
            return await self.db.log_question(
                user_hash=user,
                channel=channel,
                question=question,
                answer=text if text is not None else (render_plain(answer) or (answer.notice or "")),
                refused=answer.refused,
                latency_ms=latency_ms,
            )
        except StorageError:
            log.exception("question log unavailable; answering anyway")
            return None

    def hash_user(self, user_id: int) -> str:
        return hmac.new(self._user_key, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]

    def key_for(self, purpose: str) -> bytes:
        """A secret key for one purpose (signing buttons), derived from the user-hashing key:
        as stable and as secret as it is, and useless for anything else."""
        return hmac.new(self._user_key, b"planbot key for " + purpose.encode(), hashlib.sha256).digest()

    async def _load_user_key(self) -> None:
        if self.settings.user_hash_key:
            self._user_key = self.settings.user_hash_key.encode()
            return
        # No key configured: one is made once and kept in a file beside the database (never in
        # it), so hashes stay stable.
        try:
            key = await asyncio.to_thread(keyfile.load_or_create_key, self.settings.db_path)
        except StorageError:
            # A key that cannot be stored or read: a key for this run only. Hashes then differ
            # from one run to the next, but a user id is never stored in clear.
            log.exception("user hash key not stored; using a key for this run only")
            key = secrets.token_hex(32)
        self._user_key = key.encode()

    # ------------------------------------------------------------------ corpus

    @property
    def reloading(self) -> bool:
        background = self._background is not None and not self._background.done()
        return self._reload_lock.locked() or background

    async def reload(self, *, progress: Progress | None = None, force: bool = False) -> ReloadReport:
        """Re-read the corpus and swap in the new index; questions use the old one meanwhile."""
        if self._reload_lock.locked():
            raise ReloadInProgress("a reload is already running")
        async with self._reload_lock:
            try:
                report, wrote = await rebuild(
                    self.store, self.settings, progress, force=force or self._snapshot is None
                )
                if wrote or self._snapshot is None:
                    self._swap(await load(self.store))
            except StorageError as e:
                # The rebuild rolled back: the index in memory is the last good one and serves on.
                raise storage_error(e, "reload") from e
            return report

    async def add_article(
        self, filename: str, data: bytes, *, url: str | None = None, on_wait: OnWait | None = None
    ) -> ArticleInfo:
        """Save an article (any format) into the articles directory and index it.

        The same bytes or link again give the article already there (`ArticleInfo.already`).
        A running reload raises ReloadInProgress (the file is saved and the next reload indexes
        it), unless `on_wait` is given: it is then called once and the reload is waited for.
        """
        return await corpus_admin.add_one(self, filename, data, url=url, on_wait=on_wait)

    async def add_articles(
        self, items: Sequence[corpus_admin.Incoming], *, on_wait: OnWait | None = None
    ) -> list[corpus_admin.AddOutcome]:
        """Several files at once, indexed by one reload; each with its outcome."""
        return await corpus_admin.add_many(self, items, on_wait=on_wait)

    async def add_link(self, url: str, *, on_wait: OnWait | None = None) -> ArticleInfo:
        """Fetch a web page or document and add it like a file."""
        return await corpus_admin.add_link(self, url, on_wait=on_wait)

    def corpus_entries(self) -> list[corpus_admin.CorpusEntry]:
        """The articles with their short ids (newest first), as /nguon lists them."""
        return corpus_admin.entries(self)

    def corpus_entry(self, article_id: str, *, to_change: bool = False) -> corpus_admin.CorpusEntry:
        """The article with that short id; with to_change, only one admins may change."""
        return (
            corpus_admin.changeable(self, article_id)[0] if to_change else corpus_admin.find(self, article_id)
        )

    async def remove_article(self, article_id: str, *, on_wait: OnWait | None = None) -> Source:
        """Delete an added article (its file and sidecar) and index again."""
        return await corpus_admin.remove(self, article_id, on_wait=on_wait)

    async def edit_article(
        self, article_id: str, changes: str, *, on_wait: OnWait | None = None
    ) -> ArticleInfo:
        """Correct an added article's metadata (`ngay=… noi=… tieude=…`) in its sidecar and re-index it."""
        return await corpus_admin.edit(self, article_id, changes, on_wait=on_wait)

    def save_upload(self, name: str, data: bytes) -> Path:
        """Write `data` under the articles directory as `name` (made free if taken by other bytes)."""
        try:
            private_dirs(self.settings.articles_dir)
            target = free_path(self.settings.articles_dir, name, data)
            save_upload(target, data)
        except OSError as e:
            raise storage_error(e, "save") from e
        return target

    # ------------------------------------------------------------------ log and views

    async def feedback(self, question_id: int, user: str, value: int) -> None:
        try:
            await self.db.record_feedback(question_id, user, value)
        except StorageError as e:
            raise storage_error(e, "feedback") from e

    async def logged_question(self, question_id: int) -> str | None:
        try:
            return await self.db.question_text(question_id)
        except StorageError as e:
            raise storage_error(e, "read") from e

    async def stats(self) -> Stats:
        try:
            return await self.db.stats()
        except StorageError as e:
            raise storage_error(e, "read") from e

    def coverage(self) -> Coverage:
        return self.snapshot.coverage

    def articles(self) -> list[Source]:
        arts = sorted(self.snapshot.articles, key=lambda a: (a.date or "", a.path), reverse=True)
        return list(arts)


def safe_filename(filename: str) -> str:
    """A plain file name inside the articles directory: no path, no odd characters."""
    base = unicodedata.normalize("NFC", Path(filename.replace("\\", "/")).name).strip()
    stem, dot, ext = base.rpartition(".")
    if not dot or ("." + ext.lower()) not in ARTICLE_SUFFIXES:
        raise UploadRejected(f"extension of {filename!r}", user_message=UNSUPPORTED_FILE)
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("._-")
    # At most 120 bytes: a file name may have 255, and "-<n>" and a sidecar's ".meta.json" come on top.
    stem = stem.encode("utf-8")[:120].decode("utf-8", "ignore").strip("._-") or "bai-viet"
    return f"{stem}.{ext.lower()}"


def storage_error(e: BaseException, action: str) -> StorageError:
    """A database or disk failure as a StorageError whose message says, in Vietnamese, what and why."""
    cause: BaseException = e
    while isinstance(cause, StorageError) and cause.__cause__ is not None:
        cause = cause.__cause__
    kind = failure_kind(e if isinstance(e, StorageError) else cause)
    why = STORAGE_WHY.get(kind, STORAGE_WHY["io"])
    return StorageError(f"{action}: {cause}", user_message=STORAGE_FAILED[action].format(why=why), kind=kind)


__all__ = ["BotError", "Engine", "safe_filename", "storage_error"]
