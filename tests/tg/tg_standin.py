"""A Bot API stand-in over real HTTP on 127.0.0.1: stdlib http.server in threads around a
FakeBotAPI. It long-polls getUpdates like Telegram and plays injected failures (a slow answer,
an error status). Used by the end-to-end, fault and load tests."""

from __future__ import annotations

import email.policy
import json
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tg_fakeapi import FILES, FakeBotAPI

JSON_PARAMS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "commands",
    "scope",
    "allowed_updates",
}


class StandIn(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a load test opens many connections at once

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.api = api

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A bot that stops while its getUpdates long-poll is open, or gives up on a slow answer,
        # closes the socket: expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/bot"


class Handler(BaseHTTPRequestHandler):
    server: StandIn
    protocol_version = "HTTP/1.1"  # keep-alive, as Telegram: httpx reuses its connections
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass

    def _reply(self, code: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        api = self.server.api
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        raw = "" if (self.headers.get("Content-Type") or "").startswith("multipart/") else body.decode()
        prefix_file, prefix_api = f"/file/bot{api.token}/", f"/bot{api.token}/"
        if path.startswith(prefix_file):
            code, data = api.download(path[len(prefix_file) :])
            self._reply(code, data, "application/octet-stream")
            return
        if not path.startswith(prefix_api):
            self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            return
        method = path[len(prefix_api) :]
        content_type = self.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            params = _multipart(content_type, body)
        elif "json" in content_type:
            params = json.loads(raw or "{}")
        else:
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
            params = {k: json.loads(v) if k in JSON_PARAMS else v for k, v in params.items()}
        answer = api.respond(method, params, long_poll=True)
        if answer.unreachable:
            self.close_connection = True
            return
        if answer.delay:
            time.sleep(answer.delay)
        self._reply(answer.status, json.dumps(answer.body).encode())


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data upload (sendPhoto, sendDocument): values as the API
    takes them, files under FILES."""
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_param("filename", header="content-disposition") is not None:
            files[name] = data
        else:
            value = data.decode()
            params[name] = json.loads(value) if name in JSON_PARAMS else value
    params[FILES] = files
    return params


@contextmanager
def serving(api: FakeBotAPI) -> Iterator[StandIn]:
    server = StandIn(api)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
