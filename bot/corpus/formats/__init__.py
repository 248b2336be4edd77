"""Articles in any format an admin has: plain text, web pages, Word files and PDFs.

The format is read from the content, not the name: an HTML page saved as `.txt` is read as
HTML, a `.docx` that is a zip of something else is refused. An extractor returns the article's
text, one paragraph a line, and the metadata the document states itself (headline, site name,
publication date, canonical URL); that metadata outranks what is guessed from the text, and a
sidecar outranks both. A PDF's lines carry their page, so that a quote can name it.

The extractors' libraries are imported only when such a document is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from bot.corpus.formats.limits import FormatLimits
from bot.errors import CorpusError

# Every file name a corpus directory or an upload may have.
SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
KINDS = ("text", "html", "docx", "pdf")

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>])",
    re.IGNORECASE | re.DOTALL,
)

# Kinds that are refused outright, with the reason the admin reads.
_REFUSED = {
    "zip": "tệp nén không phải tài liệu Word (.docx); hãy gửi từng bài dưới dạng .docx, .pdf, .html hoặc .txt",
    "ole": "tệp Word hoặc Excel đời cũ (.doc, .xls); hãy lưu lại dưới dạng .docx hoặc PDF",
    "image": "tệp ảnh, không có chữ để đọc; hãy gửi bài dưới dạng văn bản, .docx hoặc PDF",
    "rtf": "tệp RTF; hãy lưu lại dưới dạng .docx hoặc PDF",
}


@dataclass(frozen=True)
class PagedLine:
    """One paragraph of a paged document, and where its pages start: (offset in text, page)."""

    text: str
    pages: tuple[tuple[int, int], ...]

    def page_at(self, offset: int) -> int:
        page = self.pages[0][1]
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class Extracted:
    kind: str
    text: str  # one paragraph a line
    meta: dict[str, str] = field(default_factory=dict)  # title, publisher, date (ISO), url
    lines: tuple[PagedLine, ...] = ()  # a paged document's paragraphs with their pages


def detect(data: bytes, name: str = "") -> str:
    """The kind of document the bytes are: one of KINDS, or a kind that is refused. The content
    decides; the name only tells a fragment of HTML saved as .html from text."""
    head = data[:4096]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(head):
        return "html"
    if name.lower().endswith((".html", ".htm")) and re.search(rb"<(?:p|div|article|h1|br)\b", head, re.I):
        return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def check_size(kind: str, size: int, limits: FormatLimits) -> None:
    limit = limits.bytes_for(kind)
    if size > limit:
        raise CorpusError(f"tệp quá lớn ({size:,} byte, giới hạn {limit:,} byte)")


def extract(data: bytes, limits: FormatLimits, kind: str | None = None) -> Extracted:
    """The text and metadata of a web page, Word file or PDF (`kind` from detect()).

    Raises CorpusError with a Vietnamese reason for a document that cannot be read.
    """
    kind = kind or detect(data)
    if kind in _REFUSED:
        raise CorpusError(_REFUSED[kind])
    check_size(kind, len(data), limits)
    if kind == "html":
        from bot.corpus.formats.html import extract_html

        out = extract_html(data)
    elif kind == "docx":
        from bot.corpus.formats.docx import extract_docx

        out = extract_docx(data, limits)
    elif kind == "pdf":
        from bot.corpus.formats.pdf import extract_pdf

        out = extract_pdf(data, limits)
    else:
        raise ValueError(f"not a document kind: {kind}")
    if len(out.text) > limits.chars:
        raise CorpusError(f"tài liệu có hơn {limits.chars:,} ký tự chữ; hãy tách thành nhiều tệp nhỏ hơn")
    if not any(c.isalpha() for c in out.text):
        raise CorpusError(NO_TEXT[kind])
    return out


# Why a document without text is refused, by kind.
NO_TEXT = {
    "html": "trang web không có nội dung bài viết (chỉ có menu, liên kết hoặc chân trang)",
    "docx": "tài liệu Word không có chữ",
    "pdf": "tệp PDF chỉ có ảnh quét, không có chữ để đọc",
}


def page_of_passages(
    paragraphs: list[str], passages: list[tuple[int, str]], lines: tuple[PagedLine, ...]
) -> list[int | None]:
    """The page each passage (paragraph index, text) starts on, from a paged document's lines.

    Cleaning keeps the lines' order and drops some of them, so each paragraph is found by going
    forward through the lines; a passage is found by going forward through its paragraph.
    """
    para_line: list[PagedLine | None] = []
    cursor = 0
    for para in paragraphs:
        found = next((j for j in range(cursor, len(lines)) if lines[j].text == para), None)
        if found is None:
            para_line.append(None)
            continue
        para_line.append(lines[found])
        cursor = found + 1
    out: list[int | None] = []
    last_para, offset, last_page = -1, 0, None
    for pi, text in passages:
        if pi != last_para:
            last_para, offset = pi, 0
        line = para_line[pi] if pi < len(para_line) else None
        if line is None:
            out.append(last_page)
            continue
        at = line.text.find(text[:40], offset)
        if at >= 0:
            offset = at + 1
        last_page = line.page_at(max(at, offset - 1, 0))
        out.append(last_page)
    return out
