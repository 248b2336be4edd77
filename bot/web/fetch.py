"""Fetching a link an admin gives, safely: http(s) only, every address checked, time and size
bounded, and only what can be an article (a web page, a PDF, a Word file, plain text).

The bot runs next to other services. A link must not aim it at them: by default every address a
host name resolves to, at each redirect, must be a public one, and the address actually connected
to is checked again (a name may resolve differently the second time). FETCH_ALLOW_PRIVATE lifts
this, for tests against a server on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import httpx

from bot.corpus.formats.limits import FormatLimits
from bot.errors import CorpusError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[IPAddress], bool]

USER_AGENT = "planbot/0.1 (Telegram bot quoting local development plans)"
ACCEPT = "text/html,application/xhtml+xml,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,text/plain;q=0.8"

# Content types that can be an article, and the kind of document each announces. A server that
# does not say (octet-stream) is allowed: the content decides, as for files.
_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
    "text/markdown": "text",
    "application/octet-stream": "",
    "binary/octet-stream": "",
}
_EXTENSION = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "text": ".txt"}


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str
    filename: str  # a name to save it under (made safe by the caller)


def public_only(ip: IPAddress) -> bool:
    """Whether an address may be fetched by default: a global unicast one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def any_address(ip: IPAddress) -> bool:
    return True


def address_check(allow_private: bool) -> AddressCheck:
    return any_address if allow_private else public_only


def link_in(text: str) -> str | None:
    """The link a message is, when it is one link and nothing else (blanks around it aside)."""
    text = text.strip()
    return text if re.fullmatch(r"https?://\S+", text, re.IGNORECASE) else None


class _Refused(CorpusError):
    pass


def _check_url(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise _Refused("liên kết không hợp lệ") from e
    if parts.scheme.lower() not in ("http", "https"):
        raise _Refused("chỉ nhận liên kết http:// hoặc https://")
    if not parts.hostname:
        raise _Refused("liên kết không có tên máy chủ")
    if parts.username or parts.password:
        raise _Refused("liên kết không được chứa tên đăng nhập hay mật khẩu")
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


async def _check_host(host: str, port: int, allowed: AddressCheck) -> None:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise _Refused(f"không tìm thấy máy chủ {host}") from e
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not addresses or not all(allowed(a) for a in addresses):
        raise _Refused("liên kết trỏ tới địa chỉ nội bộ (máy này hoặc mạng riêng); bot không tải địa chỉ đó")


def _check_peer(response: httpx.Response, allowed: AddressCheck) -> None:
    """The address really connected to: a name that resolved to a public address when checked
    may resolve to a private one when connected (DNS rebinding)."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        raise _Refused("không xác định được địa chỉ máy chủ của liên kết")
    if not allowed(ipaddress.ip_address(str(peer[0]).split("%")[0])):
        raise _Refused("liên kết trỏ tới địa chỉ nội bộ (máy này hoặc mạng riêng); bot không tải địa chỉ đó")


def _kind_of(content_type: str) -> str | None:
    return _TYPES.get(content_type.split(";")[0].strip().lower())


def _filename(url: str, kind: str) -> str:
    """A file name from the link: its last path segment, or the host and path."""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = last.rsplit(".", 1)[0] if "." in last else last
    if len(stem) < 3:
        stem = (parts.hostname or "trang") + "-" + unquote(parts.path).strip("/").replace("/", "-")
    return (stem.strip("-") or "trang") + _EXTENSION.get(kind, ".html")


async def fetch(
    url: str,
    *,
    limits: FormatLimits,
    timeout: float = 20.0,
    max_redirects: int = 5,
    allowed: AddressCheck = public_only,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Fetched:
    """The document at `url`. Raises CorpusError with a Vietnamese reason when it cannot be had."""
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(url, limits, max_redirects, allowed, min(timeout, 10.0), transport)
    except TimeoutError as e:
        raise CorpusError(f"liên kết không trả lời kịp trong {timeout:g} giây") from e
    except httpx.TimeoutException as e:
        raise CorpusError(f"liên kết không trả lời kịp trong {timeout:g} giây") from e
    except httpx.ConnectError as e:
        raise CorpusError("không kết nối được tới máy chủ của liên kết") from e
    except httpx.HTTPError as e:
        raise CorpusError(f"không tải được liên kết ({type(e).__name__})") from e


async def _fetch(
    url: str,
    limits: FormatLimits,
    max_redirects: int,
    allowed: AddressCheck,
    step_timeout: float,
    transport: httpx.AsyncBaseTransport | None,
) -> Fetched:
    async with httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,  # a proxy would hide the address connected to
        timeout=httpx.Timeout(step_timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        transport=transport,
    ) as client:
        for _hop in range(max_redirects + 1):
            host, port = _check_url(url)
            await _check_host(host, port, allowed)
            async with client.stream("GET", url) as response:
                _check_peer(response, allowed)
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise _Refused("liên kết chuyển hướng mà không nói tới đâu")
                    url = str(response.url.join(location))
                    continue
                if response.status_code != 200:
                    raise _Refused(f"máy chủ trả lời mã lỗi {response.status_code}")
                content_type = response.headers.get("content-type", "application/octet-stream")
                kind = _kind_of(content_type)
                if kind is None:
                    shown = content_type.split(";")[0].strip()[:60]
                    raise _Refused(f"liên kết không phải trang web hay tài liệu (kiểu nội dung {shown})")
                limit = limits.bytes_for(kind) if kind else limits.largest
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _Refused(f"tài liệu quá lớn ({int(declared):,} byte, giới hạn {limit:,} byte)")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise _Refused(f"tài liệu quá lớn (hơn {limit:,} byte)")
                return Fetched(
                    str(response.url), bytes(body), content_type, _filename(str(response.url), kind)
                )
        raise _Refused(f"liên kết chuyển hướng quá nhiều lần (hơn {max_redirects} lần)")
