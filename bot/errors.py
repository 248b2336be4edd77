"""Errors a user or an admin may see. Each carries a polite Vietnamese message (from bot/texts.py)."""

from __future__ import annotations

from bot import texts


class BotError(Exception):
    """Base class: `user_message` is safe to show to the person who asked."""

    user_message = texts.GENERIC_ERROR

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(BotError):
    user_message = texts.CONFIG_ERROR


class CorpusError(BotError):
    """An article file that cannot be read or indexed."""

    user_message = texts.FILE_UNREADABLE


class UploadRejected(CorpusError):
    user_message = texts.FILE_NOT_ACCEPTED


class CorpusChangeRefused(BotError):
    """An admin's /xoa or /sua that cannot be done: an unknown id, a read-only article, a bad value."""

    user_message = texts.CHANGE_REFUSED


class ReloadInProgress(BotError):
    user_message = texts.RELOAD_BUSY


class IndexNotReady(BotError):
    user_message = texts.INDEX_NOT_READY


class StorageError(BotError):
    """The database or the disk failed. `kind` says why, for the message the admin reads: "full",
    "readonly", "cantopen", "busy", "corrupt", "name_too_long" or "io"."""

    user_message = texts.STORAGE_TROUBLE

    def __init__(self, detail: str = "", *, user_message: str | None = None, kind: str = "io") -> None:
        super().__init__(detail, user_message=user_message)
        self.kind = kind


class NotAdmin(BotError):
    user_message = texts.ADMIN_ONLY
