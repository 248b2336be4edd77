"""Finding article files, reading them safely, and turning one into metadata and passages."""

from __future__ import annotations

import hashlib
import json
import os
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
    found: dict[Path, ArticleFile] = {}
    problems: list[tuple[Path, str]] = []
    for d in dirs:
        if not d.exists():
            continue
        for root, subdirs, files in os.walk(d, onerror=lambda e: problems.append((Path(e.filename), str(e)))):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                p = Path(root) / name
                try:
                    st = p.stat()
                except OSError as e:
                    problems.append((p, f"không đọc được thông tin tệp ({e.strerror})"))
                    continue
                found.setdefault(p.resolve(), ArticleFile(p, st.st_size, st.st_mtime_ns))
    return sorted(found.values(), key=lambda a: str(a.path)), problems


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
        try:
            raw = side.read_bytes()
            loaded = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CorpusError(f"tệp siêu dữ liệu {side.name} không hợp lệ ({e})") from e
        if not isinstance(loaded, dict):
            raise CorpusError(f"tệp siêu dữ liệu {side.name} phải là một đối tượng JSON")
        overrides = {str(k): (None if v is None else str(v)) for k, v in loaded.items()}
        ident = data + b"\0sidecar\0" + raw
    return text, ident, overrides


def decode(data: bytes) -> str:
    if not data.strip():
        raise CorpusError("tệp rỗng")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
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
ANALYSIS_VERSION = b"analysis-v4"


def content_hash(ident: bytes) -> str:
    return hashlib.sha256(ANALYSIS_VERSION + b"\0" + ident).hexdigest()


def parse_article(text: str, overrides: dict[str, str | None], gazetteer: Gazetteer) -> ParsedArticle:
    clean = clean_article(text)
    passages = make_passages(clean.paragraphs)
    if not passages:
        raise CorpusError("tệp không có nội dung bài viết")
    meta = extract(text, clean, gazetteer).merged(overrides)
    return ParsedArticle(meta, passages)
