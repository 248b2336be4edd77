"""Yes/no questions ("Kinh Môn có được lên thành phố không?"): the reply leads with the
sentence that decides, and says "Có", "Chưa" or "Không" only when that sentence says so.

The deciding clause is the passage's clause that shares most words with the question. "chưa"
there says Chưa, "không còn", "không có" say Không, a done deed ("đã", "được công nhận", "đạt
chuẩn", "trở thành") says Có; a plan or a wish ("sớm trở thành thành phố trước năm 2025",
"cần", "phấn đấu") says neither, and the reply says that the article gives a plan, not a fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.search.query import ParsedQuestion
from bot.text import vocabulary as v
from bot.text.normalize import canonical
from bot.text.periods import is_target_sentence
from bot.text.thesaurus import PREFIX

_SYLLABLE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Verdict:
    word: str | None  # "Có", "Chưa", "Không"; None when the sentence does not decide
    plan: bool = False  # the sentence gives a plan or a target, not what is
    clause: str = ""  # the clause judged


def _question_words(q: ParsedQuestion) -> set[str]:
    words: set[str] = set()
    for t in q.tokens:
        if t.startswith(PREFIX) or any(c.isdigit() for c in t):
            continue
        words.update(t.split("_"))
    for said in q.covers.values():
        for w in said:
            words.update(w.split("_"))
    return {w for w in words if w not in v.STOPWORDS and len(w) > 1}


def verdict(q: ParsedQuestion, passage: str) -> Verdict:
    """What a passage says to a yes/no question."""
    wanted = _question_words(q)
    if not wanted:
        return Verdict(None)
    low = canonical(passage)
    best, score, upto = "", 0, 0
    pos = 0
    for clause in v.CLAUSE_BREAK.split(low):
        at = low.find(clause, pos)
        pos = at + len(clause) if at >= 0 else pos
        found = len(wanted & set(_SYLLABLE.findall(clause)))
        if found > score:
            best, score, upto = clause, found, pos
    if score < max(1, len(wanted) // 3):
        return Verdict(None)
    # A plan announced before the clause ("xác định mục tiêu, nhiệm vụ đó là: ...") covers it.
    plan = bool(v.VERDICT_PLAN.search(low[:upto])) or is_target_sentence(low[:upto])
    if v.VERDICT_NOT_YET.search(best):
        return Verdict("Chưa", plan, best)
    if v.VERDICT_NO.search(best):
        return Verdict("Không", plan, best)
    if plan:
        return Verdict(None, True, best)
    if v.VERDICT_YES.search(best):
        return Verdict("Có", False, best)
    return Verdict(None, False, best)


def deciding(q: ParsedQuestion, passages: Sequence[str]) -> tuple[int, Verdict] | None:
    """The first passage (best ranked first) that decides the question, and what it says."""
    for i, text in enumerate(passages):
        found = verdict(q, text)
        if found.word is not None:
            return i, found
    return None
