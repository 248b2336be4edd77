"""Fetching links, against a web server on 127.0.0.1 (never the internet): redirects followed and
bounded, a slow answer timed out, a 50 MB body stopped at the size limit, content types checked,
loopback and private addresses refused unless allowed, after redirects too."""

from __future__ import annotations

import ipaddress
import time

import pytest
from documents import Route, WebServer, real_page, real_pdf

from bot.corpus.formats.limits import FormatLimits
from bot.errors import CorpusError
from bot.web.fetch import any_address, fetch, link_in, public_only

LIMITS = FormatLimits()


async def get(url: str, **kw) -> object:
    kw.setdefault("allowed", any_address)
    kw.setdefault("limits", LIMITS)
    return await fetch(url, **kw)


async def refused(url: str, **kw) -> str:
    with pytest.raises(CorpusError) as e:
        await get(url, **kw)
    return str(e.value)


async def test_a_page_is_fetched_after_its_redirects(web: WebServer):
    web.page("/bai/son-tay.html", real_page())
    web.redirect("/r2", "/bai/son-tay.html", 301)
    start = web.redirect("/r1", web.url("/r2"))
    got = await get(start)
    assert got.url == web.url("/bai/son-tay.html")
    assert got.data == real_page()
    assert got.filename == "son-tay.html"
    assert web.requested == ["/r1", "/r2", "/bai/son-tay.html"]


async def test_a_pdf_link_keeps_its_kind(web: WebServer):
    url = web.page("/tai-lieu/bao-cao", real_pdf(), "application/pdf")
    got = await get(url)
    assert got.filename == "bao-cao.pdf" and got.data.startswith(b"%PDF")


async def test_too_many_redirects_are_refused(web: WebServer):
    web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    assert "chuyển hướng quá nhiều lần (hơn 3 lần)" in await refused(web.url("/a"), max_redirects=3)
    assert len(web.requested) == 4


async def test_a_slow_answer_times_out(web: WebServer):
    web.routes["/cham"] = Route(200, {"Content-Type": "text/html"}, b"<html></html>", delay=3)
    started = time.monotonic()
    assert "không trả lời kịp trong 1 giây" in await refused(web.url("/cham"), timeout=1)
    assert time.monotonic() - started < 2.5


async def test_a_50_mb_body_stops_at_the_size_limit(web: WebServer):
    # Streamed without a length, as a server that does not say would: stopped while reading.
    web.routes["/lon"] = Route(200, {"Content-Type": "text/html"}, b"<p>" + b"x" * (1 << 20), chunks=50)
    started = time.monotonic()
    assert "quá lớn (hơn 3,000,000 byte)" in await refused(web.url("/lon"))
    assert time.monotonic() - started < 10
    # Announced with its length: refused before reading the body.
    web.routes["/lon2"] = Route(
        200, {"Content-Type": "application/pdf", "Content-Length": str(50 << 20)}, chunks=1
    )
    assert f"{50 << 20:,} byte" in await refused(web.url("/lon2"))


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "video/mp4", "application/json"])
async def test_what_is_not_a_page_or_document_is_refused(web: WebServer, content_type: str):
    url = web.page("/x", b"\x89PNG....", content_type)
    assert "không phải trang web hay tài liệu" in await refused(url)


async def test_error_answers_say_so(web: WebServer):
    assert "mã lỗi 404" in await refused(web.url("/khong-co"))


async def test_loopback_and_private_addresses_are_refused_by_default(web: WebServer):
    web.page("/p", real_page())
    port = web.httpd.server_address[1]
    for url in (web.url("/p"), f"http://localhost:{port}/p", f"http://[::1]:{port}/p"):
        assert "địa chỉ nội bộ" in await refused(url, allowed=public_only)
    assert web.requested == []  # never connected
    for ip in ("10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::ffff:127.0.0.1"):
        assert not public_only(ipaddress.ip_address(ip)), ip
    assert public_only(ipaddress.ip_address("14.225.0.1"))


async def test_a_redirect_to_a_refused_address_is_refused(web: WebServer):
    """The check runs again at every hop: here only 127.0.0.1 is allowed, and the page redirects to
    127.0.0.2 (also this machine)."""
    port = web.httpd.server_address[1]
    web.page("/p", real_page())
    start = web.redirect("/r", f"http://127.0.0.2:{port}/p")
    only_first = lambda ip: str(ip) == "127.0.0.1"  # noqa: E731
    assert "địa chỉ nội bộ" in await refused(start, allowed=only_first)
    assert web.requested == ["/r"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.vn/bai.pdf", "chỉ nhận liên kết http"),
        ("file:///etc/passwd", "chỉ nhận liên kết http"),
        ("http://user:pw@example.vn/", "tên đăng nhập"),
        ("http:///bai", "không có tên máy chủ"),
        ("http://example.vn:99999/", "không hợp lệ"),
    ],
)
async def test_bad_links_are_refused_before_any_connection(url: str, reason: str):
    assert reason in await refused(url, allowed=public_only)


def test_a_message_is_a_link_only_when_it_is_one_link():
    assert link_in("  https://baomoi.vn/a.html \n") == "https://baomoi.vn/a.html"
    assert link_in("xem https://baomoi.vn/a.html") is None
    assert link_in("https://a.vn/1 https://a.vn/2") is None
