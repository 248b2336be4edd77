"""Settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.corpus.formats.limits import FormatLimits
from bot.errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; comments, blank lines and `export` prefixes are ignored."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, IsADirectoryError):
        return values
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as e:
        raise ConfigError(f"{key} must be an integer, got {raw!r}") from e


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key} must be true or false, got {raw!r}")


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as e:
        raise ConfigError(f"{key} must be a number, got {raw!r}") from e


@dataclass(frozen=True)
class Settings:
    root: Path
    db_path: Path
    corpus_dirs: tuple[Path, ...]
    articles_dir: Path
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    telegram_api_base_file_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    rate_limit_per_minute: int = 20
    send_rate_per_second: int = 30  # Telegram's overall flood limit; 0 lifts it (load tests only)
    max_file_bytes: int = 2_000_000
    max_question_chars: int = 1000
    user_hash_key: str | None = field(default=None, repr=False)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    workers: int = 0  # 0: one per core
    context_minutes: int = 30  # a conversation's context is forgotten after this long unused
    log_level: str = "INFO"
    limits: FormatLimits = field(default_factory=FormatLimits)
    fetch_timeout_seconds: float = 20.0  # a whole fetch, redirects and body included
    fetch_max_redirects: int = 5
    # Loopback and private addresses are refused so that a link cannot aim the bot at the host's
    # own services; only tests against a local server turn this on.
    fetch_allow_private: bool = False
    # /xoa and /sua change only what was added (BOT_ARTICLES_DIR) unless this is on.
    admin_edit_corpus: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, root: Path | None = None) -> Settings:
        """Environment variables win over `.env` in the project root."""
        base = Path(root or os.environ.get("BOT_HOME") or PACKAGE_ROOT).resolve()
        merged: dict[str, str] = read_dotenv(base / ".env")
        merged.update(os.environ if env is None else env)

        def path(value: str) -> Path:
            p = Path(value).expanduser()
            return p if p.is_absolute() else base / p

        corpus = [c.strip() for c in merged.get("BOT_CORPUS", "seeds,data/articles").split(",") if c.strip()]
        admins: set[int] = set()
        for part in merged.get("ADMIN_IDS", "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                admins.add(int(part))
            except ValueError as e:
                raise ConfigError(f"ADMIN_IDS must be numeric Telegram user ids, got {part!r}") from e
        return cls(
            root=base,
            db_path=path(merged.get("BOT_DB", "data/bot.db")),
            corpus_dirs=tuple(path(c) for c in corpus),
            articles_dir=path(merged.get("BOT_ARTICLES_DIR", "data/articles")),
            telegram_token=merged.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=merged.get("TELEGRAM_API_BASE_URL") or None,
            telegram_api_base_file_url=merged.get("TELEGRAM_API_BASE_FILE_URL") or None,
            admin_ids=frozenset(admins),
            rate_limit_per_minute=_int(merged, "RATE_LIMIT_PER_MINUTE", 20),
            send_rate_per_second=_int(merged, "SEND_RATE_PER_SECOND", 30),
            max_file_bytes=_int(merged, "MAX_FILE_BYTES", 2_000_000),
            max_question_chars=_int(merged, "MAX_QUESTION_CHARS", 1000),
            user_hash_key=merged.get("USER_HASH_KEY") or None,
            webhook_url=merged.get("WEBHOOK_URL") or None,
            webhook_listen=merged.get("WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=_int(merged, "WEBHOOK_PORT", 8443),
            webhook_secret=merged.get("WEBHOOK_SECRET") or None,
            workers=_int(merged, "BOT_WORKERS", 0),
            context_minutes=_int(merged, "CONTEXT_MINUTES", 30),
            log_level=merged.get("LOG_LEVEL", "INFO").upper(),
            limits=FormatLimits(
                text_bytes=_int(merged, "MAX_FILE_BYTES", 2_000_000),
                html_bytes=_int(merged, "MAX_HTML_BYTES", 3_000_000),
                docx_bytes=_int(merged, "MAX_DOCX_BYTES", 20_000_000),
                pdf_bytes=_int(merged, "MAX_PDF_BYTES", 20_000_000),
                pdf_pages=_int(merged, "MAX_PDF_PAGES", 300),
                chars=_int(merged, "MAX_EXTRACTED_CHARS", 1_500_000),
            ),
            fetch_timeout_seconds=_float(merged, "FETCH_TIMEOUT_SECONDS", 20.0),
            fetch_max_redirects=_int(merged, "FETCH_MAX_REDIRECTS", 5),
            fetch_allow_private=_bool(merged, "FETCH_ALLOW_PRIVATE", False),
            admin_edit_corpus=_bool(merged, "ADMIN_EDIT_CORPUS", False),
        )

    def relpath(self, path: Path) -> str:
        """A path as shown to users and in JSON: relative to the project root when inside it.

        The path itself comes first, its symlinks resolved only if that is outside the root: a
        dangling or looping link in the corpus is then named by its own name, and resolving it
        cannot fail (a loop raises RuntimeError in Python 3.11).
        """
        plain = Path(os.path.abspath(path))
        try:
            return plain.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return plain.as_posix()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return resolved.as_posix()
