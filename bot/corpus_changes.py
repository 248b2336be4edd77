"""The corrections an admin types after /sua (`ngay=2023-06-22 noi=Kinh Môn tieude=…`), read
into metadata fields and checked before anything is written."""

from __future__ import annotations

import datetime as dt
import re

from bot import texts
from bot.errors import CorpusChangeRefused
from bot.text.normalize import fold

# /sua keys, as typed (without diacritics, any case), and the metadata field each sets.
EDIT_KEYS = {
    "ngay": "date",
    "noi": "place",
    "tieude": "title",
    "bao": "publisher",
    "tinh": "province",
    "link": "url",
    "url": "url",
}
_KEY = re.compile(r"(?:^|\s)([^\s=]{2,12})=")


def parse_changes(text: str) -> dict[str, str | None]:
    """`ngay=2023-06-22 noi=Kinh Môn tieude=…` as metadata fields; an empty value (`noi=`)
    clears the correction. Raises CorpusChangeRefused saying what is wrong."""
    marks = list(_KEY.finditer(text))
    if not marks:
        raise CorpusChangeRefused("no field", user_message=texts.edit_usage())
    changes: dict[str, str | None] = {}
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        key = re.sub(r"[_\-]", "", fold(m.group(1)).lower())
        if key not in EDIT_KEYS:
            raise CorpusChangeRefused(f"unknown key {key}", user_message=texts.unknown_field(m.group(1)))
        value = " ".join(text[m.end() : nxt.start() if nxt else len(text)].split())
        field = EDIT_KEYS[key]
        changes[field] = _checked(field, value) if value else None
    return changes


def _checked(field: str, value: str) -> str:
    if field == "date":
        return _date(value)
    if field == "url" and not re.fullmatch(r"https?://[^\s\"<>]+", value):
        raise CorpusChangeRefused("bad url", user_message=texts.BAD_LINK)
    if len(value) > 300:
        raise CorpusChangeRefused("too long", user_message=texts.VALUE_TOO_LONG)
    return value


def _date(value: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value) or None
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
    try:
        if parts is None:
            raise ValueError(value)
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError as e:
        raise CorpusChangeRefused(
            f"bad date {value!r}",
            user_message=texts.bad_date(value),
        ) from e
