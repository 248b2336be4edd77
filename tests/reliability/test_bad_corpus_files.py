"""Corpus files that are empty, binary, not UTF-8, huge, unreadable or not files at all: each is
skipped with a clear reason, and the rest indexes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from documents import cp1258
from projects import run_bot
from rel_support import integrity, rows

from bot.config import Settings
from bot.engine import Engine

SAM_SON = (
    "Thành phố Sầm Sơn phát triển du lịch biển\n\n"
    "Sáng 12/3/2024, Thành ủy Sầm Sơn (Thanh Hóa) tổ chức hội nghị tổng kết năm 2023. "
    "Năm 2023, thành phố Sầm Sơn đón 6,2 triệu lượt khách du lịch, tăng 15% so với năm 2022.\n\n"
    "Thu ngân sách trên địa bàn thành phố năm 2023 đạt 1.150 tỷ đồng.\n"
)
SAM_SON_Q = "Sầm Sơn đón bao nhiêu lượt khách du lịch năm 2023?"
LIMIT = 20_000


# name -> (bytes, a word the reason must contain)
BAD_BYTES = {
    "empty.txt": (b"", "rỗng"),
    "blank.md": (b"  \n\n \t \r\n", "rỗng"),
    "binary.txt": (bytes(range(256)) * 8, "nhị phân"),
    "png-named-txt.txt": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200), "tệp ảnh"),  # named by its content
    "windows-1258.txt": (cp1258(SAM_SON), "UTF-8"),
    "latin-1.md": (("Thông báo Hà Nam: café à la carte, 5% giá. " * 10).encode("latin-1"), "UTF-8"),
    "utf-16-le-bom.txt": (SAM_SON.encode("utf-16"), "UTF-16"),
    "utf-16-be-bom.txt": (b"\xfe\xff" + SAM_SON.encode("utf-16-be"), "UTF-16"),
    "utf-16-no-bom.txt": (SAM_SON.encode("utf-16-le"), "UTF-16"),
    "huge.txt": ((SAM_SON * 200).encode("utf-8"), "lớn"),
    "only-punctuation.txt": (b"... !!! ??? --- ***\n\n(((( ))))\n", "không có nội dung"),
}
# Sidecars that would put wrong metadata in every answer citing the article.
BAD_SIDECARS = {
    "bad-json": (b'{"title": "x",', "không hợp lệ"),
    "not-object": (b'["title"]', "đối tượng JSON"),
    "not-utf8": ('{"title": "Café à Sầm Sơn"}'.encode("cp1258", "replace"), "không hợp lệ"),
    "bad-date": ('{"date": "hôm qua"}'.encode(), "YYYY-MM-DD"),
    "bad-date-2": (b'{"date": "2024-02-30"}', "YYYY-MM-DD"),
    "date-as-number": (b'{"date": 2024}', "YYYY-MM-DD"),
}


def settings_for(root: Path) -> Settings:
    env = {
        "BOT_DB": str(root / "data" / "bot.db"),
        "BOT_CORPUS": "seeds,data/articles",
        "BOT_WORKERS": "1",
        "MAX_FILE_BYTES": str(LIMIT),
    }
    return Settings.from_env(env=env, root=root)


def lay_out_bad_corpus(articles: Path) -> dict[str, str]:
    """Every kind of bad entry next to one good article; returns relative path -> reason word."""
    expected: dict[str, str] = {}
    for name, (data, word) in BAD_BYTES.items():
        (articles / name).write_bytes(data)
        expected[f"data/articles/{name}"] = word
    assert len(BAD_BYTES["huge.txt"][0]) > LIMIT
    for stem, (data, word) in BAD_SIDECARS.items():
        (articles / f"{stem}.txt").write_text(SAM_SON, encoding="utf-8")
        (articles / f"{stem}.meta.json").write_bytes(data)
        expected[f"data/articles/{stem}.txt"] = word
    # Not files at all, or files that cannot be reached.
    os.symlink(articles / "nowhere" / "gone.txt", articles / "dangling.txt")
    expected["data/articles/dangling.txt"] = "không đọc được thông tin tệp"
    os.symlink("loop.txt", articles / "loop.txt")
    expected["data/articles/loop.txt"] = "không đọc được thông tin tệp"
    sock = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(articles)  # a socket path may have at most 108 bytes: bind it by its short name
    try:
        sock.bind("socket.txt")
    finally:
        os.chdir(cwd)
        sock.close()
    expected["data/articles/socket.txt"] = "không phải tệp thông thường"
    # A name that is not UTF-8 (Latin-1 "bài viết"): it could be neither stored nor shown.
    with open(os.fsencode(articles) + b"/b\xe0i vi\xeat.txt", "wb") as f:
        f.write(SAM_SON.replace("Sầm Sơn", "Sầm Sơn mới").encode())
    expected["data/articles/b\ufffdi vi\ufffdt.txt"] = "tên tệp không phải UTF-8"
    (articles / "good.txt").write_text(SAM_SON, encoding="utf-8")
    (articles / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")  # PDFs are articles: read, and broken
    expected["data/articles/notes.pdf"] = "tệp PDF bị hỏng"
    (articles / "notes.odt").write_bytes(b"PK\x03\x04 not an article")  # not an article: not even looked at
    return expected


async def test_bad_files_are_skipped_with_a_reason_and_the_rest_indexes(
    built_project: Path, monkeypatch: pytest.MonkeyPatch
):
    root = built_project
    articles = root / "data" / "articles"
    expected = lay_out_bad_corpus(articles)
    # A file the process may not read: as root chmod 000 does not stop a read, so the refusal
    # is raised where the operating system would raise it.
    (articles / "no-permission.txt").write_text(SAM_SON, encoding="utf-8")
    expected["data/articles/no-permission.txt"] = "không có quyền đọc tệp"
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fsdecode(path).endswith("no-permission.txt"):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)

    settings = settings_for(root)
    eng = await Engine.open(settings, build=False)
    try:
        report = await eng.reload()
        problems = {p.path: p.reason for p in report.problems}
        assert set(problems) == set(expected)
        for path, word in expected.items():
            assert word in problems[path], (path, problems[path])
            assert problems[path].strip() and "Traceback" not in problems[path]
        # The seeds and the one good article are indexed and answer.
        assert report.articles == 6
        assert {a.path for a in eng.snapshot.articles} >= {"data/articles/good.txt"}
        answer = eng.answer(SAM_SON_Q)
        assert not answer.refused and answer.sources[0].path == "data/articles/good.txt"
        assert "6,2 triệu lượt khách" in answer.quotes[0].text

        # Reported again on every reload, never fatal, nothing re-indexed.
        again = await eng.reload()
        assert {p.path for p in again.problems} == set(expected)
        assert (again.new, again.changed, again.removed) == (0, 0, 0)
    finally:
        await eng.close()
    assert integrity(settings.db_path) == "ok"


@pytest.mark.slow  # python -m bot index
def test_index_command_reports_bad_files_and_does_not_hang_on_a_pipe(built_project: Path):
    root = built_project
    articles = root / "data" / "articles"
    expected = lay_out_bad_corpus(articles)
    # A named pipe with an article's name: opening it to read would wait for a writer forever.
    os.mkfifo(articles / "pipe.txt")
    expected["data/articles/pipe.txt"] = "không phải tệp thông thường"

    proc = run_bot(root, "index", timeout=90, MAX_FILE_BYTES=str(LIMIT))
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err
    assert "Bài viết: 6 (1 mới, 0 thay đổi, 0 bị gỡ, 5 giữ nguyên)" in out
    skipped = dict(
        line.removeprefix("Bỏ qua ").split(": ", 1) for line in out.splitlines() if line.startswith("Bỏ qua ")
    )
    assert set(skipped) == set(expected)
    for path, word in expected.items():
        assert word in skipped[path], (path, skipped[path])
    # No path from outside the project in the report (a dangling link is named by itself).
    assert str(root.parent) not in out

    db = root / "data" / "bot.db"
    assert rows(db, "SELECT path FROM articles WHERE path LIKE 'data/%'") == [("data/articles/good.txt",)]
    assert integrity(db) == "ok"
