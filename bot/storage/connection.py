"""How the bot opens its SQLite file: owner-only files, the same settings on every connection,
and SQLite's and the system's error codes turned into StorageError kinds."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import sqlite3
import stat
import urllib.parse
from pathlib import Path

import aiosqlite

from bot.errors import StorageError

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
# The files SQLite keeps beside the database in WAL mode. SQLite creates them with the
# database file's own permissions.
SIDE_FILES = ("-wal", "-shm", "-journal")
# Every connection: foreign keys (passages go with their analysis), and a wait of 5 s for another
# writer's lock before giving up. A writing one: the write-ahead log, so that readers never wait
# for the writer, synced at checkpoints only.
READ_SETTINGS = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
WRITE_SETTINGS = (
    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;"
)


def now_iso() -> str:
    """The time stamps the database stores: UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def target(path: Path, *, readonly: bool = False) -> tuple[str, bool]:
    """What sqlite3.connect is given for path: (database, uri)."""
    if readonly:
        return f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro", True
    return str(path), False


def connect(path: Path, *, readonly: bool = False, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), with the bot's settings."""
    database, uri = target(path, readonly=readonly)
    conn = sqlite3.connect(database, uri=uri, isolation_level=None, check_same_thread=check_same_thread)
    try:
        if readonly:
            conn.executescript(READ_SETTINGS)
        else:
            conn.executescript(WRITE_SETTINGS)
    except BaseException:
        conn.close()
        raise
    return conn


async def connect_async(path: Path) -> aiosqlite.Connection:
    _keep_parameters_out_of_logs()
    database, uri = target(path)
    conn = await aiosqlite.connect(database, uri=uri, isolation_level=None)
    try:
        await conn.executescript(WRITE_SETTINGS)
    except BaseException:
        await conn.close()
        raise
    return conn


def _keep_parameters_out_of_logs() -> None:
    """aiosqlite logs every statement with its parameters at DEBUG: questions and user hashes.
    Too much even for a debugging session (LOG_LEVEL=DEBUG)."""
    logger = logging.getLogger("aiosqlite")
    if logger.getEffectiveLevel() < logging.INFO:
        logger.setLevel(logging.INFO)


# ---------------------------------------------------------------- private files


def private_dirs(directory: Path) -> None:
    """Create the directories missing on the way to `directory`, each readable by the owner only
    (directories that exist keep their permissions: they may be shared on purpose)."""
    missing = []
    d = Path(os.path.abspath(directory))
    while not d.exists():
        missing.append(d)
        if d.parent == d:
            break
        d = d.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            if not d.is_dir():
                raise
        else:
            os.chmod(d, PRIVATE_DIR)  # mkdir's mode passes through the umask; chmod does not


def prepare_database_file(path: Path) -> None:
    """Create the database file owner-only before SQLite does, so that its WAL and shared-memory
    files, which SQLite creates with the database's permissions, are owner-only too. A database
    left readable by others by an older version is made owner-only."""
    private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        for name in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)):
            make_owner_only(name)
    else:
        os.close(fd)
        os.chmod(path, PRIVATE_FILE)


def make_owner_only(path: Path) -> None:
    """Take group and other permissions off a file the bot owns; others' files are left alone."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or not st.st_mode & 0o077:
        return
    try:
        os.chmod(path, stat.S_IMODE(st.st_mode) & PRIVATE_DIR)
    except OSError as e:
        log.warning("could not make %s readable by its owner only: %s", path.name, e)
    else:
        log.info("%s was readable by others; it is now readable by its owner only", path.name)


# ---------------------------------------------------------------- errors


_SQLITE_KINDS = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_CANTOPEN: "cantopen",
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
}
_ERRNO_KINDS = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "readonly",
    errno.EACCES: "readonly",
    errno.EPERM: "readonly",
    errno.ENAMETOOLONG: "name_too_long",
}


def failure_kind(e: BaseException) -> str:
    """Why a database or file operation failed, as a StorageError kind."""
    if isinstance(e, StorageError):
        return e.kind
    code = getattr(e, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_KINDS.get(code & 0xFF, "io")
    if isinstance(e, OSError):
        return _ERRNO_KINDS.get(e.errno or 0, "io")
    return "io"


def storage_error(e: BaseException, what: str) -> StorageError:
    """e (an sqlite3.Error or OSError) as the StorageError that leaves bot/storage."""
    return StorageError(f"{what}: {e}", kind=failure_kind(e))
