"""The generated user-hash key: a file of its own beside the database, readable by the owner only.

Kept out of the database so that a copy of the database (a backup, a file shared to debug an
answer) does not carry what turns its hashes back into user ids: with the key, hashing every
plausible Telegram id finds each user.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.errors import StorageError
from bot.storage.connection import PRIVATE_FILE, private_dirs, storage_error

KEY_SUFFIX = ".user-hash-key"


def key_path(db_path: Path) -> Path:
    """Where the key of the database at db_path is kept: `bot.db` -> `bot.db.user-hash-key`."""
    return db_path.with_name(db_path.name + KEY_SUFFIX)


def read_key(path: Path) -> str | None:
    """The key in path; None when there is no such file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise storage_error(e, "cannot read the user hash key") from e
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as f:
        key = f.read().strip()
    if not key:
        raise StorageError("the user hash key file is empty", kind="corrupt")
    return key


def write_key(path: Path, key: str, *, replace: bool) -> bool:
    """Store key in path, owner-only, whole or not at all. Without replace, a key already there
    stays (another process may have written it first); returns whether this key was stored."""
    private_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key + "\n")
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: the first key written wins
        except FileExistsError:
            return False
        return True
    except OSError as e:
        raise storage_error(e, "cannot write the user hash key") from e
    finally:
        tmp.unlink(missing_ok=True)


def load_or_create_key(db_path: Path) -> str:
    """The key beside the database, made on first use."""
    path = key_path(db_path)
    key = read_key(path)
    if key is None:
        write_key(path, secrets.token_hex(32), replace=False)
        key = read_key(path)  # this one, or the one another process wrote first
    if key is None:
        raise StorageError("the user hash key vanished as it was written")
    return key
