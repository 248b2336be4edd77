"""Reading web pages, Word files and PDFs: the format from the content, the main text without the
page's furniture, the document's own metadata, table rows one line each, the page of a PDF
passage, and a clear Vietnamese reason for what cannot be read. Fixtures are made here."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import (
    COUNTERS,
    MENU,
    QUANG_TRI,
    RELATED,
    SA_DEC,
    SON_TAY,
    Page,
    furniture_page,
    news_page,
    pdf_file,
    real_page,
    real_pdf,
    real_word,
    scanned_pdf,
    word_file,
    zip_of,
)

from bot.corpus import formats
from bot.corpus.formats import detect, extract
from bot.corpus.formats.limits import FormatLimits
from bot.corpus.formats.pdf import SCANNED
from bot.corpus.loader import parse_article, parse_document, read_document
from bot.corpus.passages import MAX_PASSAGE, make_passages
from bot.errors import CorpusError
from bot.text.places import Gazetteer

LIMITS = FormatLimits()
TABLE = [
    ["Chỉ tiêu", "Năm 2020", "Năm 2023"],
    ["Thu nhập bình quân đầu người (triệu đồng)", "60,0", "92,5"],
    ["Tỷ lệ hộ nghèo (%)", "2,1", "0,8"],
]


def refused(data: bytes, kind: str | None = None, limits: FormatLimits = LIMITS) -> str:
    with pytest.raises(CorpusError) as e:
        extract(data, limits, kind)
    return str(e.value)


# ---------------------------------------------------------------- the format, by content


def test_the_format_is_read_from_the_content_not_the_name():
    assert detect(real_page(), "bai.txt") == "html"
    assert detect(b"\xef\xbb\xbf  <!-- saved -->\n<html><body><p>x</p></body></html>", "a.txt") == "html"
    assert detect(real_pdf(), "bai.txt") == "pdf"
    assert detect(real_word(), "bai.pdf") == "docx"
    assert detect(zip_of({"a.txt": b"x"}), "bai.docx") == "zip"
    assert detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "bai.docx") == "ole"
    assert detect(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "bai.pdf") == "image"
    # Text that mentions tags is still text; a fragment of HTML saved as .html is HTML.
    assert detect("Thị xã <b>Sơn Tây</b> đạt 70 triệu đồng.".encode(), "bai.txt") == "text"
    assert detect(b"<p>Th\xe1\xbb\x8b x\xc3\xa3</p>", "bai.html") == "html"


def test_html_saved_as_txt_is_read_as_html(tmp_path: Path):
    path = tmp_path / "bai.txt"
    path.write_bytes(real_page())
    doc = read_document(path, LIMITS)
    parsed = parse_document(doc, Gazetteer.default())
    assert parsed.meta.title == SON_TAY["title"]  # not "<!DOCTYPE html>"
    assert not any("<" in p.text or ">" in p.text for p in parsed.passages)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (zip_of({"bai.txt": "Sơn Tây".encode(), "anh.png": b"\x89PNG"}), "tệp nén không phải tài liệu Word"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".doc"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "tệp ảnh"),
    ],
)
def test_what_is_no_article_is_refused_with_a_reason(data: bytes, reason: str):
    assert reason in refused(data)


# ---------------------------------------------------------------- web pages


def test_a_news_page_gives_its_article_and_its_own_metadata():
    out = extract(real_page(), LIMITS)
    assert out.kind == "html"
    assert out.meta == {
        "title": SON_TAY["title"],
        "publisher": "Báo Mới",
        "date": "2024-01-10",
        "url": SON_TAY["url"],
    }
    assert SON_TAY["figure"] in out.text
    # Menus, related links, comments, counters and the footer are never taken.
    for junk in [*MENU[1:], *RELATED, *COUNTERS, "Giấy phép", "Thu nhập 100 triệu mới đủ sống"]:
        assert junk not in out.text, junk
    assert "<" not in out.text


def test_the_page_metadata_wins_over_the_guesses_from_its_text(tmp_path: Path):
    # The <title> says something else (the site's slogan); the menu names other places.
    page = news_page(
        SON_TAY["title"],
        "Báo Mới",
        "2024-01-10",
        SON_TAY["url"],
        SON_TAY["paragraphs"],
        menu_title="Trang chủ",
    )
    path = tmp_path / "son-tay.html"
    path.write_bytes(page)
    meta = parse_document(read_document(path, LIMITS), Gazetteer.default()).meta
    assert (meta.title, meta.publisher, meta.date, meta.url) == (
        SON_TAY["title"],
        "Báo Mới",
        "2024-01-10",
        SON_TAY["url"],
    )
    assert meta.place == "Sơn Tây"
    # A sidecar still has the last word.
    (tmp_path / "son-tay.meta.json").write_text('{"date": "2024-01-11"}', encoding="utf-8")
    assert parse_document(read_document(path, LIMITS), Gazetteer.default()).meta.date == "2024-01-11"


def test_a_page_with_no_article_is_refused():
    assert "trang web không có nội dung bài viết" in refused(furniture_page())


# ---------------------------------------------------------------- Word


def test_a_word_file_gives_headings_paragraphs_and_table_rows():
    data = word_file(
        "Báo cáo thị xã Kinh Môn", ["Đoạn mở đầu về kinh tế."], table=TABLE, headings=["1. Kinh tế"]
    )
    out = extract(data, LIMITS)
    lines = out.text.split("\n")
    assert lines[:3] == ["Báo cáo thị xã Kinh Môn", "1. Kinh tế", "Đoạn mở đầu về kinh tế."]
    # Each row one line; the header names each figure's column.
    assert "Thu nhập bình quân đầu người (triệu đồng) | Năm 2020: 60,0 | Năm 2023: 92,5" in lines
    assert "Tỷ lệ hộ nghèo (%) | Năm 2020: 2,1 | Năm 2023: 0,8" in lines
    assert out.meta == {"title": "Báo cáo thị xã Kinh Môn"}  # from its Title paragraph


def test_a_word_file_title_comes_from_its_properties_when_set():
    out = extract(
        word_file("Tiêu đề trong văn bản", ["Nội dung."], core_title="Kế hoạch phát triển 2025"), LIMITS
    )
    assert out.meta["title"] == "Kế hoạch phát triển 2025"


def test_a_real_word_article_keeps_its_outlet_and_date(tmp_path: Path):
    path = tmp_path / "sa-dec.docx"
    path.write_bytes(real_word())
    meta = parse_document(read_document(path, LIMITS), Gazetteer.default()).meta
    assert (meta.title, meta.publisher, meta.date, meta.place) == (
        SA_DEC["title"],
        SA_DEC["publisher"],
        SA_DEC["date"],
        "Sa Đéc",
    )


def test_a_damaged_word_file_is_refused():
    data = real_word()
    assert "tệp .docx bị hỏng" in refused(data[: len(data) // 2], "docx")
    fake = zip_of({"word/document.xml": b"<not-xml", "[Content_Types].xml": b"<x/>"})
    assert "tệp .docx bị hỏng" in refused(fake)


# ---------------------------------------------------------------- PDF


def test_a_pdf_gives_text_per_page_with_pages_for_its_passages():
    out = extract(real_pdf(), LIMITS)
    assert out.kind == "pdf"
    assert out.meta == {"title": QUANG_TRI["title"]}  # its headline, set larger than the text
    pages = {line.text: line.pages[0][1] for line in out.lines}
    assert pages[QUANG_TRI["page1"][1]] == 1
    assert pages[QUANG_TRI["page2"][0]] == 2
    parsed = parse_article(out.text, dict(out.meta), Gazetteer.default(), out.lines)
    grdp = next(p for p in parsed.passages if "71 triệu đồng" in p.text)
    assert grdp.page == 2
    assert {p.page for p in parsed.passages} == {1, 2}


def test_pdf_table_rows_stay_one_line_each():
    data = pdf_file([Page([("p", "Các chỉ tiêu chủ yếu của thị xã như sau."), ("table", TABLE)])])
    lines = extract(data, LIMITS).text.split("\n")
    assert "Thu nhập bình quân đầu người (triệu đồng) | Năm 2020: 60,0 | Năm 2023: 92,5" in lines
    assert "Tỷ lệ hộ nghèo (%) | Năm 2020: 2,1 | Năm 2023: 0,8" in lines


def test_a_paragraph_cut_by_a_page_break_is_one_paragraph_citing_where_each_part_is():
    filler = [
        ("p", f"Đoạn {i}: " + "nội dung báo cáo về tình hình phát triển của thị xã. " * 8) for i in range(6)
    ]
    long = "Thị xã tiếp tục đẩy mạnh phát triển công nghiệp, dịch vụ và du lịch trên địa bàn. " * 30
    last = "Cuối cùng, tổng vốn đầu tư toàn xã hội đạt 5.000 tỷ đồng, cao nhất từ trước đến nay."
    out = extract(pdf_file([Page([*filler, ("p", long + last)])]), LIMITS)
    (line,) = [ln for ln in out.lines if "5.000 tỷ" in ln.text]
    assert [page for _, page in line.pages] == [1, 2]  # one paragraph, begun on page 1
    parsed = parse_article(out.text, {}, Gazetteer.default(), out.lines)
    assert next(p for p in parsed.passages if "5.000 tỷ" in p.text).page == 2
    assert next(p for p in parsed.passages if p.text.startswith("Đoạn 0")).page == 1


def test_a_scanned_pdf_is_refused_with_its_reason():
    assert refused(scanned_pdf()) == SCANNED == "tệp PDF chỉ có ảnh quét, không có chữ để đọc"


def test_encrypted_and_broken_pdfs_are_refused_clearly():
    locked = pdf_file([Page([("p", "Bí mật.")])], password="mat-khau")
    assert "tệp PDF có mật khẩu" in refused(locked)
    data = real_pdf()
    assert "tệp PDF bị hỏng" in refused(data[: len(data) // 3])
    assert "tệp PDF bị hỏng" in refused(b"%PDF-1.7\n" + b"\0garbage" * 50)


def test_pdf_limits_pages_and_characters():
    data = pdf_file([Page([("p", f"Trang số {i} của báo cáo.")]) for i in range(5)])
    assert "có 5 trang, giới hạn là 3 trang" in refused(data, limits=FormatLimits(pdf_pages=3))
    assert "ký tự chữ" in refused(real_pdf(), limits=FormatLimits(chars=200))
    assert "quá lớn" in refused(data, limits=FormatLimits(pdf_bytes=1000))


# ---------------------------------------------------------------- long lines


def test_a_line_without_sentence_ends_is_cut_into_bounded_passages():
    words = "thu nhập bình quân đầu người của thị xã đạt mức cao " * 5000  # 250 kB, no full stop
    passages = make_passages([words.strip()])
    assert len(passages) > 500
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE
    assert " ".join(p.text for p in passages).split() == words.split()  # nothing lost


def test_suffixes_cover_every_format():
    assert set(formats.SUFFIXES) == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
