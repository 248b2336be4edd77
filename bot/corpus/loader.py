"""Finding article files, reading them safely, and turning one into metadata and passages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.clean import clean_article
from bot.corpus.metadata import ArticleMeta, extract
from bot.corpus.passages import Passage, make_passages
from bot.errors import CorpusError
from bot.text.places import Gazetteer

ARTICLE_SUFFIXES = (".txt", ".md")
SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class ArticleFile:
    path: Path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ParsedArticle:
    meta: ArticleMeta
    passages: list[Passage]


def scan(dirs: tuple[Path, ...]) -> tuple[list[ArticleFile], list[tuple[Path, str]]]:
    """Article files under the corpus directories, sorted; and entries that could not be listed."""
    found: dict[str, ArticleFile] = {}
    problems: list[tuple[Path, str]] = []
    for d in dirs:
        if not d.exists():
            continue
        for root, subdirs, files in os.walk(d, onerror=lambda e: problems.append((Path(e.filename), str(e)))):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            # Resolved once per directory: resolving each of 20,000 files took seconds.
            real_root = os.path.realpath(root)
            root_path = Path(root)
            root_utf8 = _utf8(root)
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                p = root_path / name
                if not (root_utf8 and _utf8(name)):
                    # Its path could not be stored or shown (SQLite and Telegram want UTF-8).
                    shown = Path(os.fsencode(p).decode("utf-8", "replace"))
                    problems.append((shown, "tên tệp không phải UTF-8; hãy đổi tên tệp"))
                    continue
                try:
                    st = os.lstat(p)
                    real = os.path.join(real_root, name)
                    if stat.S_ISLNK(st.st_mode):
                        st = p.stat()
                        real = os.path.realpath(p)
                except OSError as e:
                    problems.append((p, f"không đọc được thông tin tệp ({e.strerror})"))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    # A named pipe would block the reader forever; sockets and devices are no articles.
                    problems.append((p, "không phải tệp thông thường"))
                    continue
                found.setdefault(real, ArticleFile(p, st.st_size, st.st_mtime_ns))
    return sorted(found.values(), key=lambda a: str(a.path)), problems


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by Python as lone surrogates
        return False
    return True


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_article(path: Path, max_bytes: int) -> tuple[str, bytes, dict[str, str | None]]:
    """The text, the bytes that identify this version (file + sidecar), and sidecar overrides.

    Raises CorpusError with a Vietnamese reason for files that must be skipped.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(f"tệp quá lớn ({size:,} byte, giới hạn {max_bytes:,} byte)")
        data = path.read_bytes()
    except PermissionError as e:
        raise CorpusError("không có quyền đọc tệp") from e
    except OSError as e:
        raise CorpusError(f"không đọc được tệp ({e.strerror or e})") from e
    text = decode(data)
    overrides: dict[str, str | None] = {}
    side = sidecar_of(path)
    ident = data
    if side.exists():
        if not side.is_file():
            raise CorpusError(f"tệp siêu dữ liệu {side.name} không phải tệp thông thường")
        try:
            raw = side.read_bytes()
            loaded = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CorpusError(f"tệp siêu dữ liệu {side.name} không hợp lệ ({e})") from e
        if not isinstance(loaded, dict):
            raise CorpusError(f"tệp siêu dữ liệu {side.name} phải là một đối tượng JSON")
        overrides = {str(k): (None if v is None else str(v)) for k, v in loaded.items()}
        date = overrides.get("date")
        if date is not None and not _iso_date(date):
            # Dates are sorted, shown as dd/mm/yyyy and give the article's year: one bad value
            # would break every answer that cites the article.
            raise CorpusError(f"tệp siêu dữ liệu {side.name}: ngày {date!r} không đúng dạng YYYY-MM-DD")
        ident = data + b"\0sidecar\0" + raw
    return text, ident, overrides


def _iso_date(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: Vietnamese text is mostly ASCII, so one byte in two, always
    on the same side, is 0; and it decodes to printable text (binary data has zeros on both sides)."""
    sample = data[: 4096 - len(data[:4096]) % 2]
    half = len(sample) // 2
    if half < 8:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * half and other <= 0.02 * half:
            text = sample.decode(codec, "replace")
            readable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
            return text.count("\ufffd") <= 1 and readable >= 0.95 * len(text)
    return False


def decode(data: bytes) -> str:
    if not data.strip():
        raise CorpusError("tệp rỗng")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError("tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8")
    if b"\0" in data[:4096] and _looks_utf16(data):
        raise CorpusError("tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8")
    if b"\0" in data[:4096]:
        raise CorpusError("tệp nhị phân, không phải văn bản")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CorpusError(
            f"tệp không phải UTF-8 (byte lỗi ở vị trí {e.start}); hãy lưu lại dưới dạng UTF-8"
        ) from e
    return text


# Bump when cleaning, passage splitting or analysis changes: cached analyses are then redone.
ANALYSIS_VERSION = b"analysis-v6"


def content_hash(ident: bytes) -> str:
    return hashlib.sha256(ANALYSIS_VERSION + b"\0" + ident).hexdigest()


def parse_article(text: str, overrides: dict[str, str | None], gazetteer: Gazetteer) -> ParsedArticle:
    clean = clean_article(text)
    passages = make_passages(clean.paragraphs)
    if not passages:
        raise CorpusError("tệp không có nội dung bài viết")
    meta = extract(text, clean, gazetteer).merged(overrides)
    return ParsedArticle(meta, passages)
