"""Documents the tests make themselves: news pages with their furniture, Word files made with
python-docx, PDFs made with reportlab (text, tables, pages, no text layer, a password), text in
Windows-1258, and a local web server on 127.0.0.1 that serves them (redirects, slow answers,
huge bodies).

The three "real" articles are public articles (excerpts kept in shared/real for development):
their own headline, outlet and date are what a citation must show.
"""

from __future__ import annotations

import io
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core

# ---------------------------------------------------------------- real articles

SON_TAY = {
    "title": "Sơn Tây: Tổng thu ngân sách Nhà nước đạt 106,6% dự toán",
    "site": "Báo Mới",
    "date": "2024-01-10",
    "url": "https://baomoi.net.vn/son-tay-tong-thu-ngan-sach-nha-nuoc-dat-106-6-du-toan-c48040331.epi",
    "paragraphs": [
        "Sáng 10-1, Thị ủy Sơn Tây tổng kết công tác xây dựng Đảng, xây dựng hệ thống chính trị năm 2023; "
        "triển khai nhiệm vụ trọng tâm năm 2024.",
        "Theo báo cáo của Thị ủy Sơn Tây, năm 2023, thị xã đạt được những kết quả tích cực, toàn diện. "
        "Trong năm, Đảng bộ thị xã kết nạp được 146/145 đảng viên mới, đạt 101,3%; công nhận 159 đảng viên "
        "chính thức.",
        "Phong trào thi đua “Dân vận khéo” được quan tâm triển khai thực hiện, toàn thị xã có 79 mô hình của "
        "các tập thể, cá nhân được công nhận mô hình “Dân vận khéo” các cấp.",
        "Về thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023, tổng giá trị sản xuất trên địa bàn đạt "
        "10,3%; tổng thu ngân sách Nhà nước thực hiện 774 tỷ đồng, đạt 106,6% dự toán giao; tổng thu ngân "
        "sách thị xã, ngân sách xã, phường đạt 1.671,507 tỷ đồng, đạt 115,3% dự toán giao. Thu nhập bình "
        "quân đạt 70 triệu đồng/người/năm, tăng 9,4% so với cùng kỳ năm 2022.",
    ],
    "question": "thu nhập bình quân đầu người thị xã Sơn Tây năm 2023 là bao nhiêu?",
    "figure": "70 triệu đồng/người/năm",
}

SA_DEC = {
    "title": "TP.Sa Đéc trở thành đô thị loại II",
    "publisher": "Báo Đồng Tháp",
    "date": "2018-02-12",
    "lines": [
        "Cập nhật ngày: 12/02/2018 18:26:07",
        "ĐTO - Thủ tướng Chính phủ vừa ký Quyết định 210/QĐ-TTg công nhận TP.Sa Đéc là đô thị loại II "
        "trực thuộc tỉnh Đồng Tháp.",
        "Sau khi được công nhận là đô thị loại III vào quý I năm 2007, đến nay TP.Sa Đéc tiếp tục đạt được "
        "nhiều kết quả trong việc phát triển kinh tế - xã hội.",
        "Cụ thể, thu nhập bình quân đầu người cao gấp 1,41 lần so với cả nước; mức độ tăng trưởng kinh tế "
        "trung bình 3 năm gần nhất đạt 9,34%; tỷ lệ hộ nghèo còn ở mức 5,5%; cơ cấu kinh tế chuyển dịch theo "
        "hướng tăng dần tỷ trọng các ngành thuộc lĩnh vực công nghiệp thương mại, xây dựng, dịch vụ và giảm "
        "dần tỷ trọng ngành nông lâm thủy sản.",
        "Cơ sở hạ tầng, giao thông, các cơ sở giáo dục, cảnh quan đô thị… được thành phố quan tâm đầu tư, "
        "nâng cấp.",
    ],
    "question": "Tăng trưởng kinh tế trung bình 3 năm của Sa Đéc khi được công nhận đô thị loại II là bao nhiêu?",
    "figure": "9,34%",
}

QUANG_TRI = {
    "title": "Công bố số liệu thống kê kinh tế xã hội tỉnh Quảng Trị năm 2023",
    "publisher": "Cổng thông tin điện tử tỉnh Quảng Trị",
    "date": "2023-12-29",
    "page1": [
        "6:35, Thứ Sáu, 29-12-2023",
        "(Cổng TTĐT) Ngày 28/12, Cục Thống kê tổ chức họp báo công bố số liệu thống kê kinh tế xã hội năm "
        "2023 của tỉnh Quảng Trị.",
        "Năm 2023, tổng sản phẩm trên địa bàn tỉnh ước tính tăng 6,68% so với năm 2022. Về cơ cấu kinh tế, "
        "khu vực nông lâm nghiệp và thủy sản chiếm tỷ trọng 19,02%, khu vực công nghiệp và xây dựng chiếm "
        "31,55%, khu vực dịch vụ chiếm 44,99%, thuế sản phẩm trừ trợ cấp sản phẩm chiếm 4,44%.",
    ],
    "page2": [
        "Quy mô nền kinh tế năm 2023 ước tỉnh đạt 46.431 tỷ đồng, GRDP bình quân đầu người ước tính đạt "
        "71 triệu đồng, tăng 9,06% so với năm 2022.",
        "Chỉ số sản xuất toàn ngành công nghiệp năm 2023 ước tính tăng 9,71% so với năm trước. Từ đầu năm "
        "đến 15/12/2023, toàn tỉnh có 467 doanh nghiệp đăng ký thành lập mới, tổng vốn đăng ký hơn 6.000 "
        "tỷ đồng.",
    ],
    "question": "GRDP bình quân đầu người Quảng Trị năm 2023 đạt bao nhiêu?",
    "figure": "71 triệu đồng",
}

# ---------------------------------------------------------------- web pages

MENU = ["Trang chủ", "Thời sự", "Kinh tế", "Xã hội", "Pháp luật", "Văn hóa", "Thể thao"]
# Related links and footers carry figures and town names of their own: none may be quoted.
RELATED = [
    "Phúc Thọ: thu nhập bình quân đạt 82 triệu đồng/người/năm",
    "Ba Vì thu ngân sách vượt 120% dự toán năm 2023",
]
COUNTERS = ["Đang truy cập: 1.234", "Tổng lượt truy cập: 98.765.432"]


def cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: base letters precomposed, tone marks as combining bytes."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in d if c in tones).encode("cp1258")
    return bytes(out)


def news_page(
    title: str,
    site: str,
    date: str,
    url: str,
    paragraphs: list[str],
    *,
    menu_title: str = "Báo Mới - Tin tức Thủ đô",
) -> bytes:
    """A saved news article: its meta tags, a menu, the article, related links, comments, footer."""
    menu = "".join(f'<li><a href="/c{i}">{escape(m)}</a></li>' for i, m in enumerate(MENU))
    related = "".join(f'<li><a href="/r{i}">{escape(r)}</a></li>' for i, r in enumerate(RELATED))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    day = "/".join(reversed(date.split("-")))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(menu_title)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{date}T08:30:00+07:00">
<link rel="canonical" href="{escape(url)}">
</head><body>
<header><div class="logo">{escape(menu_title)}</div><nav><ul>{menu}</ul></nav></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/c1">Thời sự</a></div>
<main><article>
<h1>{escape(title)}</h1>
<div class="meta"><span>{day} 08:30</span> | <span>Chia sẻ</span></div>
{body}
</article>
<aside class="related"><h3>Tin liên quan</h3><ul>{related}</ul></aside>
<section class="comments"><h3>Ý kiến bạn đọc (2)</h3>
<div class="comment"><b>Minh</b>: Thu nhập 100 triệu mới đủ sống!</div></section>
</main>
<footer><p>{COUNTERS[0]}</p><p>{COUNTERS[1]}</p>
<p>© {escape(site)}. Giấy phép số 123/GP-BTTTT. Liên hệ quảng cáo: 024 1234 5678.</p></footer>
</body></html>""".encode()


def furniture_page() -> bytes:
    """A page with a menu, links and a footer but no article."""
    menu = "".join(f'<li><a href="/c{i}">{escape(m)}</a></li>' for i, m in enumerate(MENU))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Trang chủ</title></head>
<body><nav><ul>{menu}</ul></nav><footer><p>{COUNTERS[0]}</p><p>© Báo Mới</p></footer></body></html>""".encode()


# ---------------------------------------------------------------- Word


def word_file(
    title: str,
    lines: list[str],
    *,
    table: list[list[str]] | None = None,
    core_title: str | None = None,
    headings: list[str] = (),
) -> bytes:
    """A .docx made with python-docx: the title as a Title paragraph, headings, paragraphs, a table."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for h in headings:
        document.add_heading(h, level=1)
    for line in lines:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
        document.add_paragraph("Nguồn: Chi cục Thống kê.")
    if core_title is not None:
        document.core_properties.title = core_title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


# ---------------------------------------------------------------- PDF


@dataclass
class Page:
    """One page: (kind, value) blocks, kind "h" headline, "p" paragraph, "table" rows."""

    blocks: list[tuple[str, object]] = field(default_factory=list)


def pdf_file(pages: list[Page], *, title: str | None = None, password: str | None = None) -> bytes:
    """A PDF made with reportlab, in DejaVu Sans (Vietnamese glyphs), one Page a page."""
    from reportlab.lib import colors, pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=11, leading=15, spaceAfter=8)
    head = ParagraphStyle("head", fontName="DejaVu", fontSize=17, leading=22, spaceAfter=12)
    out = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption(password, canPrint=1) if password else None
    doc = SimpleDocTemplate(out, pagesize=A4, title=title or "", author="", encrypt=encrypt)
    story: list = []
    for i, page in enumerate(pages):
        if i:
            story.append(PageBreak())
        for kind, value in page.blocks:
            if kind == "h":
                story.append(Paragraph(escape(str(value)), head))
            elif kind == "p":
                story.append(Paragraph(escape(str(value)), body))
            else:
                t = Table(value)
                t.setStyle(
                    TableStyle(
                        [
                            ("FONTNAME", (0, 0), (-1, -1), "DejaVu"),
                            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ]
                    )
                )
                story += [t, Spacer(1, 10)]
    doc.build(story)
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of page images only (a scan): no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        img = Image.new("L", (600, 800), 255)
        draw = ImageDraw.Draw(img)
        for y in range(60, 760, 24):  # lines of "print", as a scanner sees them
            draw.rectangle((50, y, 550 - (y % 90), y + 10), fill=40)
        c.drawImage(ImageReader(img), 40, 60, width=500, height=700)
        c.showPage()
    c.save()
    return out.getvalue()


def real_pdf() -> bytes:
    """The Quảng Trị article over two pages, its headline in large type, no title in the file."""
    q = QUANG_TRI
    return pdf_file(
        [
            Page([("h", q["title"]), *[("p", t) for t in q["page1"]]]),
            Page([("p", t) for t in q["page2"]]),
        ]
    )


def real_page() -> bytes:
    s = SON_TAY
    return news_page(s["title"], s["site"], s["date"], s["url"], s["paragraphs"])


def real_word() -> bytes:
    return word_file(SA_DEC["title"], SA_DEC["lines"])


# ---------------------------------------------------------------- a local web server


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before answering
    chunks: int = 0  # stream `body` this many times (a huge body without holding it)


class WebServer:
    """HTTP on 127.0.0.1 in a thread; routes by path; records the paths requested."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requested: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requested.append(self.path)
                route = server.routes.get(self.path, Route(404, {"Content-Type": "text/plain"}, b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    if route.chunks:
                        self.end_headers()
                        for _ in range(route.chunks):
                            self.wfile.write(route.body)
                        return
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what a size limit does

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # shutdown() waits for serve_forever's next poll: 0.5 s by default, at every test's end.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = Route(200, {"Content-Type": content_type}, body)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status, {"Location": to})
        return self.url(path)

    def __enter__(self) -> WebServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serving() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server
