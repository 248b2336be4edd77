"""Helpers for the reliability tests: a strict Telegram HTML check, running `python -m bot`, and
looking into a database file from outside the process that wrote it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

TELEGRAM_LIMIT = 4096

# Every tag Telegram's HTML parse mode accepts, and the few our renderer is meant to use.
TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji",
    "code", "pre", "blockquote",
}  # fmt: skip
RENDERER_TAGS = {"b", "i", "a", "blockquote"}
_TOKEN = re.compile(r"<[^>]*>?|&[^;\s<>&]*;?|[<>&]")
_TAG = re.compile(r'<(/?)([a-z][a-z-]*)((?:\s+[a-z]+="[^"<>]*")*)>')
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def html_problems(text: str, tags: set[str] = RENDERER_TAGS) -> list[str]:
    """Why Telegram would refuse this HTML message, or [] when it is fine.

    Balanced and properly nested tags, from `tags` only; `<a>` with one quoted `href`; every `<`,
    `>` and `&` of the text escaped; a numeric entity naming a real character; some visible text;
    at most 4,096 UTF-16 units.
    """
    problems: list[str] = []
    stack: list[str] = []
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in ("<", ">", "&"):
            problems.append(f"unescaped {token!r} at {m.start()}")
            continue
        if token.startswith("&"):
            if not _ENTITY.fullmatch(token):
                problems.append(f"bad entity {token!r}")
            elif token.startswith("&#"):
                code = int(token[3:-1], 16) if token[2] in "xX" else int(token[2:-1])
                if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    problems.append(f"entity of no character {token!r}")
            continue
        tag = _TAG.fullmatch(token)
        if tag is None:
            problems.append(f"malformed tag {token!r}")
            continue
        closing, name, attrs = tag.group(1), tag.group(2), tag.group(3)
        if name not in tags or name not in TELEGRAM_TAGS:
            problems.append(f"tag not allowed: {name}")
        if closing:
            if attrs:
                problems.append(f"attributes on a closing tag {token!r}")
            if not stack or stack[-1] != name:
                problems.append(f"</{name}> does not close the open tag (open: {stack})")
            else:
                stack.pop()
            continue
        if name == "a":
            if not re.fullmatch(r'\s+href="(?:https?://)[^"<>\s]*"', attrs):
                problems.append(f"bad link attributes {attrs!r}")
        elif attrs:
            problems.append(f"unexpected attributes {attrs!r}")
        stack.append(name)
    if stack:
        problems.append(f"unclosed tags {stack}")
    visible = re.sub(r"<[^<>]*>", "", text)
    if not visible.strip():
        problems.append("no visible text")
    if utf16_len(text) > TELEGRAM_LIMIT:
        problems.append(f"{utf16_len(text)} UTF-16 units (> {TELEGRAM_LIMIT})")
    return problems


def rows(db_path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def integrity(db_path: Path) -> str:
    return rows(db_path, "PRAGMA integrity_check")[0][0]
