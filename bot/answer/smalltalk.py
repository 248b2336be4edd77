"""Small talk and questions about the bot: "xin chào", "cảm ơn", "bạn là ai", "giúp tôi",
"dữ liệu lấy từ đâu", a question in English.

They are not questions about the corpus: they get a short friendly reply (bot/texts.py), never
a refusal, and they are not logged as unanswered. A greeting in front of a real question
("chào bạn, dân số Kinh Môn?") is taken off and the question answered.
"""

from __future__ import annotations

import re

from bot.text import vocabulary as v
from bot.text.normalize import clean_unicode, fold

# The order kinds are told apart in when a message has several ("xin chào, bạn là ai?": who).
KINDS = ("who", "sources", "help", "thanks", "bye", "greeting", "ack")
_WORD = re.compile(r"[^\W\d_]+|\d+")


def _folded(text: str) -> str:
    return " ".join(_WORD.findall(fold(clean_unicode(text)).casefold()))


def is_english(text: str) -> bool:
    """Most words are English words that are not Vietnamese typed without marks."""
    if not text.isascii():
        return False
    words = [w for w in _WORD.findall(text.casefold()) if not w.isdigit()]
    if len(words) < 2:
        return False
    english = sum(1 for w in words if w in v.ENGLISH_WORDS)
    return english >= 2 and english >= 0.5 * len(words)


def small_talk(text: str) -> str | None:
    """The kind of small talk a message is ("greeting", "thanks", "bye", "who", "help",
    "sources", "english"), or None for a question about the corpus."""
    folded = _folded(text)
    if not folded:
        return None
    found = [k for k in KINDS if v.SMALL_TALK[k].search(folded)]
    if found:
        rest = folded
        for k in found:
            rest = v.SMALL_TALK[k].sub(" ", rest)
        rest = v.SMALL_TALK_FILLER.sub(" ", rest)
        if not rest.split():
            return found[0]
    if is_english(text):
        return "english"
    return None


_LEADING = re.compile(
    r"^\s*(?:(?:xin chao|chao ban|chao bot|chao|hello|hi|alo|cam on|cam on ban|thanks)(?:\s+(?:ban|bot|ad|admin|a))?)"
    r"\s*[,.!:;-]*\s+"
)


def without_greeting(text: str) -> str:
    """A question with the greeting before it taken off ("Chào bạn, dân số Kinh Môn?")."""
    clean = clean_unicode(text)
    folded = fold(clean).casefold()
    if len(folded) != len(clean):
        return text
    m = _LEADING.match(folded)
    if m is None or not clean[m.end() :].strip():
        return text
    return clean[m.end() :]
