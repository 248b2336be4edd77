"""Answering a question against a snapshot: parse, search, compose. Plain Python, no I/O."""

from __future__ import annotations

from bot.answer.compose import compose
from bot.models import Answer
from bot.search.query import ParsedQuestion
from bot.search.snapshot import Snapshot
from bot.text.normalize import clean_unicode
from bot.texts import check_question

MAX_QUESTION_CHARS = 1000


def answer_question(
    snap: Snapshot, question: str, *, offset: int = 0, max_chars: int = MAX_QUESTION_CHARS
) -> Answer:
    problem = check_question(question, max_chars, snap.coverage)
    if problem is not None:
        return Answer(question, True, (), None, problem)
    q = snap.parse(" ".join(clean_unicode(question).split()))
    q.original = question
    return answer_parsed(snap, q, offset=offset)


def answer_parsed(snap: Snapshot, q: ParsedQuestion, *, offset: int = 0) -> Answer:
    """The answer to a question already read (bot/conversation.py reads it to fill follow-ups)."""
    results = snap.retriever.search(q)
    return compose(q, results, snap.articles, snap.coverage, offset=offset)
