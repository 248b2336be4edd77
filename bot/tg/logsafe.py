"""Logging for the bot: no token (or other secret) ever reaches a log line."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable

REDACTED = "<redacted>"


class RedactSecretsFilter(logging.Filter):
    """Replaces every secret in a record's message, arguments, traceback and stack text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str | None]) -> None:
        # Very short values would redact ordinary words; real tokens and keys are long.
        for secret in secrets:
            if secret and len(secret) >= 8:
                # URLs carry the token percent-encoded too (file downloads: 123%3AAA...).
                self.secrets.update({secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret)})

    def _clean(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, still redacted
            message = f"{record.msg} {record.args}"
        record.msg = self._clean(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


_FILTER = RedactSecretsFilter()


def install_redaction(secrets: Iterable[str | None]) -> RedactSecretsFilter:
    """Attach the shared redacting filter to every root handler and to the noisy HTTP loggers.

    Filters on handlers see records propagated from every logger, so this covers httpx,
    telegram and our own loggers. Calling it again adds secrets and attaches to new handlers.
    """
    _FILTER.add(secrets)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    for name in ("httpx", "httpcore", "telegram", "bot"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    # httpx logs every request URL, which contains the token, at INFO.
    for name in ("httpx", "httpcore"):
        if logging.getLogger(name).getEffectiveLevel() < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    return _FILTER
