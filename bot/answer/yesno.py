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
from bot.text.normalize import canonical, expand_abbreviations
from bot.text.periods import is_target_sentence
from bot.text.thesaurus import PREFIX


@dataclass(frozen=True)
class Verdict:
    word: str | None  # "Có", "Chưa", "Không"; None when the sentence does not decide
    plan: bool = False  # the sentence gives a plan or a target, not what is
    clause: str = ""  # the clause judged


def _question_words(q: ParsedQuestion) -> set[str]:
    """What the question asks about, as phrases: a compound whole ("thành phố", not "thành"
    of "hoàn thành"), and the words a thesaurus concept stood for."""
    words: set[str] = set()
    for t in q.tokens:
        if t.startswith(PREFIX) or any(c.isdigit() for c in t):
            continue
        if "_" in t or t not in {syl for tok in q.tokens if "_" in tok for syl in tok.split("_")}:
            words.add(t.replace("_", " "))
    for said in q.covers.values():
        words.update(w.replace("_", " ") for w in said)
    return {w for w in words if w.replace(" ", "_") not in v.STOPWORDS and len(w) > 1}


def _says(clause: str, phrase: str) -> bool:
    return re.search(rf"(?<![^\W\d_]){re.escape(phrase)}(?![^\W\d_])", clause) is not None


def verdict(q: ParsedQuestion, passage: str) -> Verdict:
    """What a passage says to a yes/no question."""
    wanted = _question_words(q)
    if not wanted:
        return Verdict(None)
    low = canonical(expand_abbreviations(passage))
    best, score, upto = "", 0, 0
    pos = 0
    for clause in v.CLAUSE_BREAK.split(low):
        at = low.find(clause, pos)
        pos = at + len(clause) if at >= 0 else pos
        found = sum(_says(clause, w) for w in wanted)
        if found > score:
            best, score, upto = clause, found, pos
    if 2 * score < len(wanted):  # the clause must say at least half of what is asked
        return Verdict(None)
    # A plan, a wish or a demand decides nothing, nor does a plan announced before the clause
    # ("xác định mục tiêu, nhiệm vụ đó là: ...").
    if v.VERDICT_PLAN.search(low[:upto]) or is_target_sentence(low[:upto]):
        return Verdict(None, True, best)
    if v.VERDICT_NOT_YET.search(best):
        return Verdict("Chưa", False, best)
    if v.VERDICT_NO.search(best):
        return Verdict("Không", False, best)
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
