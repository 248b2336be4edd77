"""An offline Bot API for tests: records every call, answers like Telegram, checks HTML.

`FakeBotAPI` holds the state and the method logic. `FakeRequest` plugs it into PTB in place of
the HTTP layer; `tests/tg/test_e2e.py` serves the same object over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000001
FILES = "__files__"  # the parameter under which uploaded files (multipart) reach the API
BOT_USERNAME = "PlanTestBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Plan Bot", "username": BOT_USERNAME}

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
    "span", "tg-spoiler", "blockquote", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)((?:\s+[^<>]*)?)\s*(/?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def html_problems(text: str) -> list[str]:
    """What Telegram's HTML parser would reject (an approximation of its rules), [] when fine."""
    problems: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in re.finditer(r"<[^>]*>?|&[^;\s<>]*;?", text):
        between = text[pos : m.start()]
        if ">" in between:
            problems.append(f"bare '>' near {between[-20:]!r}")  # Telegram accepts it; we still escape
        pos = m.end()
        token = m.group(0)
        if token.startswith("&"):
            if not _ENTITY.fullmatch(token):
                problems.append(f"bad entity {token!r}")
            continue
        tag = _TAG.fullmatch(token)
        if tag is None:
            problems.append(f"bare '<' or malformed tag {token!r}")
            continue
        closing, name, attrs, selfclose = tag.group(1), tag.group(2).lower(), tag.group(3), tag.group(4)
        if name not in ALLOWED_TAGS:
            problems.append(f"tag not allowed: {name}")
        if selfclose:
            problems.append(f"self-closing tag {token!r}")
        if closing:
            if not stack or stack[-1] != name:
                problems.append(f"mismatched </{name}> (open: {stack})")
            else:
                stack.pop()
        else:
            if name == "a" and not re.fullmatch(r'\s+href="[^"<>]*"', attrs or ""):
                problems.append(f"bad <a> attributes {attrs!r}")
            if name == "span" and (attrs or "").strip() != 'class="tg-spoiler"':
                problems.append("span without tg-spoiler class")
            stack.append(name)
    if ">" in text[pos:]:
        problems.append("bare '>' at the end")
    if stack:
        problems.append(f"unclosed tags {stack}")
    return problems


def rendered(text: str, parse_mode: str | None) -> str:
    """The text a user sees (what Telegram returns in Message.text)."""
    if parse_mode != "HTML":
        return text
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


def check_outgoing_text(text: Any, parse_mode: str | None, limit: int = 4096) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return ["message text is empty"]
    problems = html_problems(text) if parse_mode == "HTML" else []
    if utf16_len(text) > limit:
        problems.append(f"text is {utf16_len(text)} UTF-16 units (> {limit})")
    if parse_mode == "HTML" and not rendered(text, parse_mode).strip():
        problems.append("message text is empty after entities parsing")
    for pattern in ("Traceback (most recent call last)", 'File "/'):
        if pattern in text:
            problems.append("a traceback reached the user")
    return problems


def private_message(
    user_id: int, text: str, message_id: int, *, first_name: str = "Lan", command: bool = False
) -> dict[str, Any]:
    """An update as the Bot API serves a text a person sent the bot in a private chat; with
    `command`, its first word is marked as a bot command, as Telegram marks "/start"."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": first_name},
        "from": {"id": user_id, "is_bot": False, "first_name": first_name},
        "text": text,
    }
    if command:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


# What Telegram answers for each injected failure: (HTTP status, description).
FAULT_ANSWERS = {
    "429": (429, "Too Many Requests: retry after {retry_after}"),
    "500": (500, "Internal Server Error"),
    "502": (502, "Bad Gateway"),
    "not_modified": (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message",
    ),
    "blocked": (403, "Forbidden: bot was blocked by the user"),
}
FAULT_KINDS = {*FAULT_ANSWERS, "timeout", "slow", "unreachable"}


@dataclass
class Fault:
    """A failure injected into the next `times` calls of one method (optionally for one chat).

    - "429", "500", "502", "not_modified", "blocked": Telegram's error answer; nothing happens.
    - "timeout": the call is carried out (the message is delivered) but the answer comes `delay`
      seconds late: over HTTP the stand-in sleeps, offline FakeRequest raises TimedOut at once
      when `delay` is beyond the client's read timeout.
    - "slow": the same, meant for a delay within the read timeout (FakeRequest waits it out).
    - "unreachable": no connection (offline only): nothing reaches the API.
    """

    method: str
    kind: str
    times: int = 1  # -1: every call
    retry_after: int = 1
    delay: float = 2.0
    chat_id: int | None = None
    hits: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if method != self.method or self.times == 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    delay: float = 0.0  # seconds before the answer leaves ("timeout")
    unreachable: bool = False


@dataclass
class FakeBotAPI:
    """Bot API state: messages the bot sent, files, pending updates; thread-safe."""

    token: str
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    failing: dict[str, tuple[int, str]] = field(default_factory=dict)  # method -> (HTTP code, description)
    problems: list[str] = field(default_factory=list)  # HTML/length errors the bot produced
    updates: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    photos: list[tuple[int, bytes, str | None]] = field(default_factory=list)  # (chat, PNG, caption)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self.lock = threading.Condition()

    # ---------------------------------------------------------------- what tests read

    def called(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [c.params for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """sendMessage params in order (optionally for one chat)."""
        return [p for p in self.called("sendMessage") if chat_id is None or int(p["chat_id"]) == chat_id]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]

    def last_message_with_keyboard(self, chat_id: int) -> dict[str, Any]:
        with self.lock:
            found = [
                m
                for (c, _), m in sorted(self.messages.items(), key=lambda kv: kv[0][1])
                if c == chat_id and m.get("reply_markup")
            ]
        assert found, "the bot sent no message with an inline keyboard"
        return found[-1]

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    # ---------------------------------------------------------------- updates (for getUpdates)

    def push_update(self, update: dict[str, Any]) -> None:
        with self.lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            self.lock.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
            return True

    # ---------------------------------------------------------------- failures

    def inject(self, method: str, kind: str, times: int = 1, **options: Any) -> Fault:
        """Make the next `times` calls of `method` fail as `kind` (see Fault)."""
        assert kind in FAULT_KINDS, kind
        fault = Fault(method, kind, times, **options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, params):
                fault.hits += 1
                if fault.times > 0:
                    fault.times -= 1
                return fault
        return None

    def respond(self, method: str, params: dict[str, Any], *, long_poll: bool = False) -> Answer:
        """The answer to one Bot API call, injected failures included.

        `long_poll`: getUpdates waits up to its `timeout` for an update, as Telegram does (the
        HTTP stand-in); without it, it answers at once (offline tests feed updates themselves).
        """
        with self.lock:
            fault = self._take_fault(method, params)
            if fault is not None and fault.kind == "unreachable":
                return Answer(0, {}, unreachable=True)
            if fault is not None and fault.kind in FAULT_ANSWERS:
                if method != "getUpdates":
                    self.calls.append(Call(method, params))
                    self.lock.notify_all()
                code, description = FAULT_ANSWERS[fault.kind]
                body = {"ok": False, "error_code": code,
                        "description": description.format(retry_after=fault.retry_after)}  # fmt: skip
                if fault.kind == "429":
                    body["parameters"] = {"retry_after": fault.retry_after}
                return Answer(code, body)
            delay = fault.delay if fault is not None else 0.0
            if method != "getUpdates":
                code, body = self.handle(method, params)
                return Answer(code, body, delay)
            if not long_poll:
                return Answer(200, {"ok": True, "result": self.api_getUpdates(params)}, delay)
        return Answer(200, {"ok": True, "result": self.get_updates_blocking(params)}, delay)

    # ---------------------------------------------------------------- the API

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for one Bot API call (no injected failures: see respond)."""
        with self.lock:
            if method != "getUpdates":
                self.calls.append(Call(method, params))
                self.lock.notify_all()
            if method in self.failing:
                code, description = self.failing[method]
                return code, {"ok": False, "error_code": code, "description": description}
            fn = getattr(self, "api_" + method, None)
            if fn is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            try:
                return 200, {"ok": True, "result": fn(params)}
            except BadRequestError as e:
                return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {e}"}

    def get_updates_blocking(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates with Telegram's semantics: confirm by offset, long-poll up to `timeout`."""
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 5.0)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return list(self.updates[: int(params.get("limit") or 100)])

    def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return list(self.updates)

    def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith(("http://", "https://")):
            raise BadRequestError("bad webhook: an HTTPS URL must be provided for webhook")
        return True

    def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        for command in params.get("commands", []):
            if (
                not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"])
                or not 1 <= len(command["description"]) <= 256
            ):
                raise BadRequestError(f"bad command {command!r}")
        return True

    def api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if len(params.get("text") or "") > 200:
            raise BadRequestError("callback answer text is too long")
        return True

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return {"id": chat_id, "type": "supergroup", "title": "Nhóm thử"}

    def _check(self, params: dict[str, Any]) -> None:
        problems = check_outgoing_text(params.get("text"), params.get("parse_mode"))
        if problems:
            self.problems.extend(f"{p}: {str(params.get('text'))[:120]!r}" for p in problems)
            raise BadRequestError("can't parse entities: " + "; ".join(problems))
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    self.problems.append(f"callback_data too long: {data!r}")
                    raise BadRequestError("BUTTON_DATA_INVALID")

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check(params)
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            "text": rendered(params["text"], params.get("parse_mode")),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo uploaded as a file (multipart): kept in `photos` for tests to decode."""
        files = params.pop(FILES, {})
        data = files.get("photo")
        if not isinstance(data, bytes) or not data:
            raise BadRequestError("there is no photo in the request")
        caption = params.get("caption")
        if caption is not None:
            if len(caption) > 1024:
                self.problems.append(f"caption is {len(caption)} characters (> 1024)")
                raise BadRequestError("message caption is too long")
            if params.get("parse_mode") == "HTML" and html_problems(caption):
                self.problems.append(f"caption HTML: {html_problems(caption)}")
                raise BadRequestError("can't parse caption entities")
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            "photo": [
                {
                    "file_id": f"photo{len(self.photos)}",
                    "file_unique_id": f"up{len(self.photos)}",
                    "width": 1,
                    "height": 1,
                    "file_size": len(data),
                }
            ],
        }
        if caption is not None:
            message["caption"] = rendered(caption, params.get("parse_mode"))
        self.photos.append((chat_id, data, caption))
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BadRequestError("message to edit not found")
        return self.messages[key]

    def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check(params)
        message = self._stored(params)
        text = rendered(params["text"], params.get("parse_mode"))
        if text == message["text"] and params.get("reply_markup") == message.get("reply_markup"):
            raise BadRequestError("message is not modified")
        message["text"] = text
        message["edit_date"] = int(time.time())
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    def api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        if file_id not in self.files:
            raise BadRequestError("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def download(self, path: str) -> tuple[int, bytes]:
        """GET <file base>/<token>/<file_path>."""
        with self.lock:
            self.calls.append(Call("download", {"path": path}))
            name = path.rsplit("/", 1)[-1]
            if name in self.files:
                return 200, self.files[name]
        return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'


class BadRequestError(Exception):
    pass


class FakeRequest(BaseRequest):
    """PTB's HTTP layer replaced by direct calls into a FakeBotAPI; no sockets."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        url = urllib.parse.unquote(url)  # file URLs carry the token percent-encoded
        assert self.api.token in url
        if method == "GET" or "/file/bot" in url:
            return self.api.download(url.split(self.api.token, 1)[1].lstrip("/"))
        api_method = url.rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params[FILES] = {
                name: content if isinstance(content, bytes) else content.read()
                for name, (_filename, content, _mime) in request_data.multipart_data.items()
            }
        answer = self.api.respond(api_method, params)
        if answer.unreachable:
            raise NetworkError("httpx.ConnectError: All connection attempts failed") from httpx.ConnectError(
                "All connection attempts failed"
            )
        if answer.delay >= (read_timeout if isinstance(read_timeout, (int, float)) else self.read_timeout):
            raise TimedOut() from httpx.ReadTimeout("timed out")  # as PTB's HTTPXRequest does
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return answer.status, json.dumps(answer.body).encode()
