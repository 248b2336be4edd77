"""How an upload reaches the disk: through a temporary file created with O_CREAT | O_EXCL |
O_NOFOLLOW in a private (0700) directory, then renamed; a link planted where a temporary file
used to go is never written through, and the saved article is readable by its owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import Engine

SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Năm 2023, thành phố Sầm Sơn (Thanh Hóa) đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n"
)


@pytest.fixture
async def engine(project: Path, built_db: Path) -> AsyncIterator[Engine]:
    settings = Settings.from_env(
        env={
            "BOT_DB": str(project / "data" / "bot.db"),
            "BOT_CORPUS": "seeds,data/articles",
            "BOT_WORKERS": "1",
        },
        root=project,
    )
    settings.db_path.write_bytes(built_db.read_bytes())
    eng = await Engine.open(settings)
    try:
        yield eng
    finally:
        await eng.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


async def test_a_link_planted_at_the_temporary_path_is_never_written_through(engine: Engine, tmp_path: Path):
    articles = engine.settings.articles_dir
    victim = tmp_path / "victim.txt"
    victim.write_text("nội dung cần giữ nguyên\n", encoding="utf-8")
    # Where the temporary copy of an upload named bai.txt went, in this very process.
    os.symlink(victim, articles / f".bai.txt.{os.getpid()}.tmp")
    info = await engine.add_article("bai.txt", SAM_SON.encode())
    assert victim.read_text(encoding="utf-8") == "nội dung cần giữ nguyên\n"
    saved = engine.settings.root / info.source.path
    assert saved.read_bytes() == SAM_SON.encode() and not saved.is_symlink()


async def test_the_temporary_file_is_exclusive_private_and_renamed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    """Watches the real system calls (nothing is replaced): how the temporary file is opened,
    where it lies and with which modes, when it is renamed into place."""
    articles = engine.settings.articles_dir.resolve()
    opened: list[tuple[str, int, int]] = []
    renamed: list[tuple[int, int, Path]] = []
    real_open, real_replace = os.open, os.replace

    def watch_open(path, flags, mode=0o777, *, dir_fd=None):
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        if flags & os.O_CREAT:
            opened.append((os.readlink(f"/proc/self/fd/{fd}"), flags, mode))
        return fd

    def watch_replace(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
        where = (
            Path(os.readlink(f"/proc/self/fd/{src_dir_fd}")) if src_dir_fd is not None else Path(src).parent
        )
        renamed.append(
            (os.stat(src, dir_fd=src_dir_fd, follow_symlinks=False).st_mode, os.stat(where).st_mode, where)
        )
        return real_replace(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    monkeypatch.setattr(os, "open", watch_open)
    monkeypatch.setattr(os, "replace", watch_replace)
    info = await engine.add_article("bai.txt", SAM_SON.encode())
    monkeypatch.undo()

    ((path, flags, create_mode),) = [o for o in opened if Path(o[0]).is_relative_to(articles)]
    assert flags & os.O_CREAT and flags & os.O_EXCL and flags & os.O_NOFOLLOW
    assert create_mode == 0o600
    temp_dir = Path(path).parent
    assert temp_dir.parent == articles and temp_dir.name.startswith(".")  # never indexed
    ((file_mode, dir_mode, where),) = renamed
    assert where == temp_dir and stat.S_IMODE(dir_mode) == 0o700 and stat.S_IMODE(file_mode) == 0o600
    saved = engine.settings.root / info.source.path
    assert mode(saved) == 0o600  # the article itself: its owner's only
    assert not temp_dir.exists()  # and nothing is left behind
    assert sorted(p.name for p in articles.iterdir()) == ["bai.txt"]


async def test_uploads_are_owner_only_whatever_the_umask(engine: Engine):
    old = os.umask(0)
    try:
        info = await engine.add_article("bai.md", SAM_SON.encode())
    finally:
        os.umask(old)
    assert mode(engine.settings.root / info.source.path) == 0o600
