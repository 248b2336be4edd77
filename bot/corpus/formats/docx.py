"""Word files (.docx): headings, paragraphs and tables in document order, through python-docx.

A table row becomes one line, its cells joined by " | ", so that a row of figures can be quoted
whole; when the first row is a header, each cell is prefixed by its column's header ("Năm 2023:
92,5"), so that the row says which figure is which.
"""

from __future__ import annotations

import io
import zipfile

from bot.corpus.formats import Extracted
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.formats.tables import table_lines
from bot.errors import CorpusError
from bot.text.normalize import clean_unicode

# Titles Word fills in by itself: never a document's real title.
_GENERIC_TITLES = {"", "title", "tiêu đề", "document", "tài liệu", "untitled"}


def extract_docx(data: bytes, limits: FormatLimits) -> Extracted:
    _check_zip(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds on a damaged package
        raise CorpusError("tệp .docx bị hỏng, không mở được") from e
    lines: list[str] = []
    heading: str | None = None
    size = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = _clean(block.text)
            if not text:
                continue
            style = (block.style.name if block.style is not None else "") or ""
            if heading is None and style.lower().startswith(("title", "heading")):
                heading = text
            lines.append(text)
        elif isinstance(block, Table):
            rows = [[_clean(cell.text) for cell in _row_cells(row)] for row in block.rows]
            lines.extend(table_lines(rows))
        size += len(lines[-1]) if lines else 0
        if size > limits.chars:
            break  # extract() refuses it; no need to read the rest
    meta: dict[str, str] = {}
    title = _clean(document.core_properties.title or "")
    if title.lower() not in _GENERIC_TITLES:
        meta["title"] = title
    elif heading:
        meta["title"] = heading
    return Extracted("docx", "\n".join(lines), meta)


def _row_cells(row) -> list:
    """The row's cells, a merged cell once (python-docx repeats it for each grid column)."""
    out = []
    seen: set[int] = set()
    for cell in row.cells:
        key = id(cell._tc)
        if key in seen:
            continue
        seen.add(key)
        out.append(cell)
    return out


def _clean(text: str) -> str:
    return " ".join(clean_unicode(text).split())


# The XML of a Word file is read whole by lxml, at several times its size: a file whose XML
# unpacks to more than this (a zip bomb, or a book) would take the indexer's memory. A 300-page
# report has about 5 MB of it; images do not count.
MAX_UNPACKED_XML = 40_000_000


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist() if i.filename.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorpusError("tệp .docx bị hỏng, không mở được") from e
    if unpacked > MAX_UNPACKED_XML:
        raise CorpusError(
            f"tệp .docx quá lớn khi giải nén ({unpacked:,} byte chữ và định dạng, giới hạn {MAX_UNPACKED_XML:,})"
        )
