"""Finding article files, reading them safely, and turning one into metadata and passages."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.corpus import formats
from bot.corpus.clean import clean_article
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.metadata import ArticleMeta, extract
from bot.corpus.passages import Passage, make_passages
from bot.errors import CorpusError
from bot.text.places import Gazetteer

ARTICLE_SUFFIXES = formats.SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
OUTSIDE_CORPUS = "liên kết trỏ ra ngoài thư mục kho bài viết; tệp không được đọc"
# Opened without following a last link (the path is resolved first) and without waiting on a
# named pipe put there after the scan.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC


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
    roots = corpus_roots(dirs)
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
                if not inside(real, roots):
                    # A link to ../../.env or /etc/passwd would be quoted to anyone who asks.
                    problems.append((p, OUTSIDE_CORPUS))
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


def corpus_roots(dirs: Iterable[Path]) -> tuple[str, ...]:
    """The corpus directories with their links resolved: where a corpus file may really lie."""
    return tuple(os.path.realpath(d) for d in dirs)


def inside(real: str, roots: tuple[str, ...]) -> bool:
    """Whether a resolved path lies in one of the (resolved) roots."""
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_inside(path: Path, roots: tuple[str, ...], limit: int) -> bytes:
    """The bytes of a regular file whose real path lies in `roots`.

    Raises CorpusError (OUTSIDE_CORPUS, not a regular file), _TooLarge, or the OSError of the
    system call that failed. The path is resolved, checked, opened without following a link,
    and checked again by the descriptor's own path (Linux), so that a directory swapped for a
    link in between cannot lead the read elsewhere.
    """
    real = os.path.realpath(path)
    if not inside(real, roots):
        raise CorpusError(OUTSIDE_CORPUS)
    fd = os.open(real, _OPEN_FLAGS)
    with os.fdopen(fd, "rb") as f:
        try:
            opened = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # no /proc (not Linux): the check before opening stands alone
            opened = real
        if not inside(opened, roots):
            raise CorpusError(OUTSIDE_CORPUS)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CorpusError("không phải tệp thông thường")
        if st.st_size > limit:
            raise _TooLarge(st.st_size)
        data = f.read(limit + 1)
    if len(data) > limit:  # grew since fstat
        raise _TooLarge(len(data))
    return data


@dataclass(frozen=True)
class Document:
    """One version of an article file, read: its text, the bytes that identify it (file +
    sidecar), the metadata that outranks what is guessed from the text (the document's own,
    then the sidecar's), and a paged document's lines with their pages."""

    kind: str
    text: str
    ident: bytes
    overrides: dict[str, str | None]
    lines: tuple[formats.PagedLine, ...] = ()


def read_article(
    path: Path, max_bytes: int, roots: Iterable[Path] | None = None
) -> tuple[str, bytes, dict[str, str | None]]:
    """The text, the bytes that identify this version (file + sidecar), and the overrides."""
    doc = read_document(path, FormatLimits(text_bytes=max_bytes), roots=roots)
    return doc.text, doc.ident, doc.overrides


def read_document(
    path: Path, limits: FormatLimits, *, extract_text: bool = True, roots: Iterable[Path] | None = None
) -> Document:
    """The article file at `path`, whatever its format (read from its content).

    The file and its sidecar are read only if their real paths lie in `roots` (the corpus
    directories; by default the file's own directory). With extract_text=False a web page, Word
    file or PDF is only identified (its text is left empty): enough to know whether it changed.
    Raises CorpusError with a Vietnamese reason for files that must be skipped, never OSError.
    """
    real_roots = corpus_roots(roots) if roots is not None else corpus_roots([path.parent])
    try:
        data = _read_inside(path, real_roots, limits.largest)
    except _TooLarge as e:
        raise CorpusError(f"tệp quá lớn ({e.size:,} byte, giới hạn {limits.largest:,} byte)") from e
    except PermissionError as e:
        raise CorpusError("không có quyền đọc tệp") from e
    except OSError as e:
        raise CorpusError(f"không đọc được tệp ({e.strerror or e})") from e
    kind, text, meta, lines = read_bytes(data, path.name, limits, extract_text=extract_text)
    sidecar, raw = read_sidecar(path, real_roots, limits.text_bytes)
    ident = data if raw is None else data + b"\0sidecar\0" + raw
    return Document(kind, text, ident, {**meta, **sidecar}, lines)


def read_bytes(
    data: bytes, name: str, limits: FormatLimits, *, extract_text: bool = True
) -> tuple[str, str, dict[str, str | None], tuple[formats.PagedLine, ...]]:
    """(kind, text, the document's own metadata, paged lines) of a file's bytes."""
    kind = formats.detect(data, name)
    formats.check_size(kind, len(data), limits)
    if kind == "text":
        return kind, decode(data), {}, ()
    if not extract_text:
        if kind not in formats.KINDS:
            formats.extract(data, limits, kind)  # raises the reason it is refused
        return kind, "", {}, ()
    out = formats.extract(data, limits, kind)
    return kind, out.text, dict(out.meta), out.lines


def read_sidecar(
    path: Path, roots: tuple[str, ...] | None = None, max_bytes: int = 2_000_000
) -> tuple[dict[str, str | None], bytes | None]:
    """The sidecar's overrides, and its bytes (None when there is no sidecar)."""
    overrides: dict[str, str | None] = {}
    side = sidecar_of(path)
    raw = _read_sidecar(side, roots or corpus_roots([path.parent]), max_bytes)
    if raw is not None:
        try:
            loaded = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CorpusError(f"tệp siêu dữ liệu {side.name} không hợp lệ ({e})") from e
        if not isinstance(loaded, dict):
            raise CorpusError(f"tệp siêu dữ liệu {side.name} phải là một đối tượng JSON")
        overrides = {str(k): (None if v is None else str(v)) for k, v in loaded.items()}
        date = overrides.get("date")
        if date is not None and not _iso_date(date):
            # Dates are sorted, shown as dd/mm/yyyy and give the article's year: one bad value
            # would break every answer that cites the article.
            raise CorpusError(f"tệp siêu dữ liệu {side.name}: ngày {date!r} không đúng dạng YYYY-MM-DD")
        return overrides, raw
    return overrides, None


def _read_sidecar(side: Path, roots: tuple[str, ...], max_bytes: int) -> bytes | None:
    """The sidecar's bytes (no larger than an article may be); None when there is none. A name
    too long for the file system means there cannot be one (an article whose stem has 246 to
    251 bytes): the article is read without."""
    try:
        return _read_inside(side, roots, max_bytes)
    except CorpusError as e:
        raise CorpusError(f"tệp siêu dữ liệu {side.name}: {e}") from e
    except _TooLarge as e:
        raise CorpusError(
            f"tệp siêu dữ liệu {side.name} quá lớn ({e.size:,} byte, giới hạn {max_bytes:,} byte)"
        ) from e
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENAMETOOLONG, errno.ENOTDIR):
            return None
        if isinstance(e, PermissionError):
            raise CorpusError(f"không có quyền đọc tệp siêu dữ liệu {side.name}") from e
        raise CorpusError(f"tệp siêu dữ liệu {side.name} không đọc được ({e.strerror or e})") from e


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
ANALYSIS_VERSION = b"analysis-v8"  # v7: field limits; v8: facts read from the passages


def content_hash(ident: bytes) -> str:
    return hashlib.sha256(ANALYSIS_VERSION + b"\0" + ident).hexdigest()


def parse_article(
    text: str,
    overrides: dict[str, str | None],
    gazetteer: Gazetteer,
    lines: tuple[formats.PagedLine, ...] = (),
    kind: str = "text",
) -> ParsedArticle:
    if not lines:
        text = break_long_lines(text)
    clean = clean_article(text)
    passages = make_passages(clean.paragraphs)
    if not passages:
        raise CorpusError(formats.NO_TEXT.get(kind, "tệp không có nội dung bài viết"))
    if lines:  # a paged document: each passage names its page
        pages = formats.page_of_passages(clean.paragraphs, [(p.paragraph, p.text) for p in passages], lines)
        passages = [replace(p, page=page) for p, page in zip(passages, pages, strict=True)]
    meta = extract(text, clean, gazetteer).merged(overrides).bounded()
    return ParsedArticle(meta, passages)


LONG_LINE = 4000  # characters; a paragraph of a real article is rarely a tenth of it


def break_long_lines(text: str, limit: int = LONG_LINE) -> str:
    """Lines over `limit` characters broken into lines of at most that size, at a sentence end
    where there is one, else at a space. Such a line is a page flattened into one (a 2 MB file
    with no line break): cleaning and metadata work line by line, and copies of one huge line
    cost memory each time."""
    if len(text) <= limit or all(len(line) <= limit for line in text.split("\n")):
        return text
    out: list[str] = []
    for line in text.split("\n"):
        pos = 0
        while len(line) - pos > limit:
            window = line[pos : pos + limit]
            cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
            if cut < limit // 4:
                cut = window.rfind(" ")
            end = pos + cut + 1 if cut >= limit // 4 else pos + limit
            out.append(line[pos:end])
            pos = end
        out.append(line[pos:])
    return "\n".join(out)


def parse_document(doc: Document, gazetteer: Gazetteer) -> ParsedArticle:
    return parse_article(doc.text, doc.overrides, gazetteer, doc.lines, doc.kind)
