"""Saving an uploaded article into the articles directory without ever writing through a link.

The bytes go to a temporary file created with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600, in a
directory of its own made for this one upload (mkdtemp: a fresh random name, mode 0700, hidden
from the corpus scan by its leading dot), and are then renamed into place. Nothing planted in the
articles directory beforehand (a link where a temporary file goes, a link in place of the
temporary directory) can receive them: the names are new and opened exclusively.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

TEMP_PREFIX = ".upload-"
STALE_SECONDS = 3600  # a temporary directory this old was left by a process that died mid-upload
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC


def free_path(directory: Path, name: str, data: bytes) -> Path:
    """`name` in `directory`, or `stem-1.ext`, `stem-2.ext`… when another file has that name.
    A file with the same bytes is the same article: its name is reused (and a link there is
    replaced by the file, never written through)."""
    target = directory / name
    stem, ext = target.stem, target.suffix
    n = 1
    while target.exists() and target.read_bytes() != data:
        target = directory / f"{stem}-{n}{ext}"
        n += 1
    return target


def save_upload(target: Path, data: bytes) -> None:
    """Write `data` to `target` (in an existing directory) through a private temporary file.

    The file ends up with mode 0600 whatever the umask: readable by the bot's user only.
    Raises OSError when the disk or the directory refuses; nothing is left behind then.
    """
    directory = target.parent
    _remove_stale(directory)
    temp_dir = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=directory)
    dir_fd = os.open(temp_dir, _DIRECTORY)
    try:
        parent_fd = os.open(directory, _DIRECTORY & ~getattr(os, "O_NOFOLLOW", 0))
        try:
            fd = os.open("article", _CREATE, 0o600, dir_fd=dir_fd)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace("article", target.name, src_dir_fd=dir_fd, dst_dir_fd=parent_fd)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink("article", dir_fd=dir_fd)
        finally:
            os.close(parent_fd)
    finally:
        os.close(dir_fd)
        with contextlib.suppress(OSError):
            os.rmdir(temp_dir)


def _remove_stale(directory: Path) -> None:
    """Temporary directories of uploads cut short (a kill, a full disk) go after an hour."""
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.startswith(TEMP_PREFIX):
                continue
            with contextlib.suppress(OSError):
                if (
                    entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff
                ):
                    for name in os.listdir(entry.path):
                        os.unlink(os.path.join(entry.path, name))
                    os.rmdir(entry.path)
