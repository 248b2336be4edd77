"""PDFs: text page by page through PDFium (pypdfium2), paragraphs rebuilt from the layout.

PDFium gives text runs with their boxes. Runs on one baseline make a line; a line whose runs
stand apart by more than a couple of characters is a table row, kept as one line (cells joined
by " | "). Other lines are joined into paragraphs until a blank space, a change of font size, an
indented first line, or a short line ending a sentence. Each paragraph keeps its page, and the
page where it goes on when it runs over a page break.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

from bot.corpus.formats import Extracted, PagedLine
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.formats.tables import table_lines
from bot.errors import CorpusError
from bot.text.normalize import clean_unicode

SCANNED = "tệp PDF chỉ có ảnh quét, không có chữ để đọc"

# PDFium is not thread-safe: one document at a time per process.
_LOCK = threading.Lock()
# A worker forked while another thread held the lock must not inherit it held.
os.register_at_fork(after_in_child=lambda: globals().__setitem__("_LOCK", threading.Lock()))

_PASSWORD, _SECURITY = 4, 5  # PDFium's FPDF_ERR_PASSWORD and FPDF_ERR_SECURITY
_ENDS_SENTENCE = re.compile(r"[.!?:;…\"”»)]$")
_GENERIC_TITLE = re.compile(
    r"^(?:untitled|tiêu đề|title|document|microsoft word\b.*|.*\.(?:docx?|pdf|odt|rtf))$", re.IGNORECASE
)


@dataclass
class _Run:
    left: float
    bottom: float  # bottom and top from the font (PDFium's loose box), not the glyphs: a line
    right: float  # of digits and one full of tone marks then stand the same
    top: float
    text: str
    size: float = 0.0  # font size

    @property
    def height(self) -> float:
        return self.size if self.size > 0 else self.top - self.bottom

    @property
    def char_width(self) -> float:
        return (self.right - self.left) / max(len(self.text.strip()), 1)


@dataclass
class _Line:
    runs: list[_Run] = field(default_factory=list)

    @property
    def top(self) -> float:
        return max(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return min(r.bottom for r in self.runs)

    @property
    def left(self) -> float:
        return self.runs[0].left

    @property
    def right(self) -> float:
        return self.runs[-1].right

    @property
    def height(self) -> float:
        return max(r.height for r in self.runs)

    @property
    def char_width(self) -> float:
        chars = sum(len(r.text.strip()) for r in self.runs) or 1
        return sum(r.right - r.left for r in self.runs) / chars

    def cells(self) -> list[str]:
        """The line's text, split where runs stand apart (table cells)."""
        out: list[str] = [self.runs[0].text]
        gap_for_cell = max(2 * self.char_width, 6.0)
        for prev, run in zip(self.runs, self.runs[1:], strict=False):
            gap = run.left - prev.right
            if gap > gap_for_cell:
                out.append(run.text)
            else:
                joint = (
                    ""
                    if out[-1].endswith(" ") or run.text.startswith(" ") or gap < 0.3 * self.char_width
                    else " "
                )
                out[-1] += joint + run.text
        return [_clean(c) for c in out if _clean(c)]


def _clean(text: str) -> str:
    return " ".join(clean_unicode(text).split())


def _lines(runs: list[_Run]) -> list[_Line]:
    """Runs grouped by baseline (vertical overlap), top to bottom, each left to right."""
    lines: list[_Line] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        for line in reversed(lines[-3:]):
            overlap = min(line.top, run.top) - max(line.bottom, run.bottom)
            if overlap >= 0.5 * min(line.height, run.height):
                line.runs.append(run)
                break
        else:
            lines.append(_Line([run]))
    for line in lines:
        line.runs.sort(key=lambda r: r.left)
    return lines


@dataclass
class _Para:
    text: str
    pages: list[tuple[int, int]]
    height: float = 0.0
    table: bool = False


def _page_paragraphs(lines: list[_Line], page: int) -> list[_Para]:
    out: list[_Para] = []
    right_edge = max((ln.right for ln in lines), default=0.0)
    prev: _Line | None = None
    table: list[list[str]] = []

    def flush_table() -> None:
        for row in table_lines(table):
            out.append(_Para(row, [(0, page)], table=True))
        table.clear()

    for line in lines:
        cells = line.cells()
        if not cells:
            continue
        if len(cells) >= 2:
            table.append(cells)
            prev = None
            continue
        if table:
            flush_table()
        text = cells[0]
        if prev is not None and out and not out[-1].table and _continues(prev, line, right_edge):
            out[-1].text += " " + text
        else:
            out.append(_Para(text, [(0, page)], line.height))
        prev = line
    if table:
        flush_table()
    return out


def _continues(prev: _Line, line: _Line, right_edge: float) -> bool:
    """Whether `line` goes on with the paragraph `prev` ended."""
    h = max(prev.height, line.height)
    if prev.bottom - line.top > 0.8 * h:  # a blank line between them
        return False
    if abs(prev.height - line.height) > 0.15 * h:  # a heading and its text
        return False
    cw = line.char_width
    if line.left > prev.left + 1.5 * cw:  # an indented first line
        return False
    prev_text = prev.cells()[0] if prev.cells() else ""
    return not (_ENDS_SENTENCE.search(prev_text) and prev.right < right_edge - 4 * cw)


def extract_pdf(data: bytes, limits: FormatLimits) -> Extracted:
    with _LOCK:
        return _extract(data, limits)


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == _PASSWORD:
            raise CorpusError("tệp PDF có mật khẩu; hãy gửi bản không đặt mật khẩu") from e
        if code == _SECURITY:
            raise CorpusError("tệp PDF được mã hóa theo cách không đọc được; hãy gửi bản không mã hóa") from e
        raise CorpusError("tệp PDF bị hỏng, không đọc được") from e


def _extract(data: bytes, limits: FormatLimits) -> Extracted:
    import pypdfium2 as pdfium

    pdf = _open(data)
    try:
        n = len(pdf)
        if n == 0:
            raise CorpusError("tệp PDF bị hỏng, không có trang nào")
        if n > limits.pdf_pages:
            raise CorpusError(f"tệp PDF có {n} trang, giới hạn là {limits.pdf_pages} trang")
        paras: list[_Para] = []
        chars = 0
        first_page_lines: list[_Line] = []
        for i in range(n):
            try:
                page = pdf[i]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as e:
                raise CorpusError(f"tệp PDF bị hỏng ở trang {i + 1}") from e
            try:
                runs = _runs(textpage)
            finally:
                textpage.close()
                page.close()
            lines = _lines(runs)
            if not first_page_lines and lines:
                first_page_lines = lines
            page_paras = _page_paragraphs(lines, i + 1)
            if page_paras and paras and _runs_over(paras[-1], page_paras[0]):
                last = paras[-1]
                last.pages.append((len(last.text) + 1, i + 1))
                last.text += " " + page_paras.pop(0).text
            paras.extend(page_paras)
            chars += sum(len(p.text) for p in page_paras)
            if chars > limits.chars:
                raise CorpusError(
                    f"tài liệu có hơn {limits.chars:,} ký tự chữ; hãy tách thành nhiều tệp nhỏ hơn"
                )
        if not any(c.isalpha() for p in paras for c in p.text):
            raise CorpusError(SCANNED)
        meta: dict[str, str] = {}
        title = _clean(pdf.get_metadata_dict().get("Title", "") or "")
        if len(title) >= 10 and not _GENERIC_TITLE.match(title):
            meta["title"] = title
        else:
            heading = _largest_line(first_page_lines)
            if heading:
                meta["title"] = heading
    finally:
        pdf.close()
    lines_out = tuple(PagedLine(p.text, tuple(p.pages)) for p in paras)
    return Extracted("pdf", "\n".join(p.text for p in paras), meta, lines_out)


def _runs(textpage) -> list[_Run]:
    import pypdfium2.raw as pdfium_c

    runs = []
    for j in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(j)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        size = 0.0
        first = textpage.get_index(left + 0.5, (bottom + top) / 2, 2, 2)
        if first is not None and first >= 0:
            size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, first))
            _l, bottom, _r, top = textpage.get_charbox(first, loose=True)
        runs.append(_Run(left, bottom, right, top, text, size))
    return runs


def _runs_over(last: _Para, first: _Para) -> bool:
    """A paragraph cut by a page break: it does not end a sentence and the next page goes on in
    lower case (a page number or a running header is short, or starts a new sentence)."""
    return (
        not last.table
        and not first.table
        and len(last.text) >= 60
        and not _ENDS_SENTENCE.search(last.text)
        and first.text[:1].islower()
    )


def _largest_line(lines: list[_Line]) -> str | None:
    """The first page's headline: the top line set in a clearly larger size than the text."""
    if len(lines) < 2:
        return None
    heights = sorted(ln.height for ln in lines)
    body = heights[len(heights) // 2]
    big = [ln for ln in lines[:10] if ln.height > 1.2 * body]
    if not big:
        return None
    start = lines.index(big[0])
    size = big[0].height
    words: list[str] = []
    # A headline set over two or three lines of the same size is one title.
    for ln in lines[start : start + 3]:
        if abs(ln.height - size) >= 0.1 * size:
            break
        words.append(" ".join(ln.cells()))
    title = _clean(" ".join(words))
    return title if 15 <= len(title) <= 250 else None
