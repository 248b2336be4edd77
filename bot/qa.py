"""Answering a question against a snapshot: parse, search, compose. Plain Python, no I/O."""

from __future__ import annotations

from bot.answer.compose import compose, refusal_text
from bot.models import Answer
from bot.search.query import ParsedQuestion
from bot.search.snapshot import Snapshot
from bot.text.normalize import clean_unicode

MAX_QUESTION_CHARS = 1000


def answer_question(
    snap: Snapshot, question: str, *, offset: int = 0, max_chars: int = MAX_QUESTION_CHARS
) -> Answer:
    text = " ".join(clean_unicode(question).split())
    if not any(c.isalnum() for c in text):
        q = snap.parse("", restore=False)
        return Answer(question, True, (), None, refusal_text(q, snap.coverage, "empty"))
    if len(text) > max_chars:
        return Answer(
            question,
            True,
            (),
            None,
            f"Câu hỏi dài quá ({len(text)} ký tự). Bạn hãy hỏi ngắn gọn, dưới {max_chars} ký tự nhé.",
        )
    q = snap.parse(text)
    q.original = question
    return answer_parsed(snap, q, offset=offset)


def answer_parsed(snap: Snapshot, q: ParsedQuestion, *, offset: int = 0) -> Answer:
    """The answer to a question already read (bot/conversation.py reads it to fill follow-ups)."""
    results = snap.retriever.search(q)
    return compose(q, results, snap.articles, snap.coverage, offset=offset)
