"""When unsure, ask: the likely readings of a question whose diacritics were restored with
doubt, or that names a place close to one the corpus knows ("kin môn" for Kinh Môn).

This module finds the readings; bot/conversation.py decides whether they are worth asking
about (only when they lead to another answer) and the shells show them as buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.search.query import ParsedQuestion
from bot.search.snapshot import Snapshot
from bot.text import vocabulary as v
from bot.text.normalize import fold
from bot.text.restore import DiacriticModel

DOUBT = 0.7  # a form at least half as likely (log) as the one chosen makes a restored syllable doubtful
MAX_READINGS = 3
COMMON_PAIR = 20  # a pair of syllables seen this often in the corpus is a phrase, not a misspelt name
_TOKENS = re.compile(r"[^\W\d_]+|\d+|[^\w]+|_")
_SYLLABLE = re.compile(r"[^\W\d_]+")


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it is certain to exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _allowed(name: str) -> int:
    n = len(name.replace(" ", ""))
    return 0 if n < 5 else 1 if n < 11 else 2


def sound_key(folded: str) -> str:
    """A folded name spelt as it sounds: "kin mon" and "kinh mon" alike, "chieu" and "trieu"."""
    out = []
    for syllable in folded.split():
        for rx, to in v.SOUND_ALIKE:
            syllable = rx.sub(to, syllable)
        out.append(syllable)
    return " ".join(out)


def close(typed: str, name: str) -> bool:
    """A folded window of a question is a slip for a folded place name."""
    if typed == name:
        return False
    limit = _allowed(name)
    if limit and distance(typed, name, limit) <= limit:
        return True
    return sound_key(typed) == sound_key(name) or (
        limit > 0 and distance(sound_key(typed), sound_key(name), limit - 1 if limit > 1 else 0) == 0
    )


_NAMES: list[tuple[Snapshot, dict[tuple[int, str], list[tuple[str, str]]]]] = []


def _names(snap: Snapshot) -> dict[tuple[int, str], list[tuple[str, str]]]:
    """The places the corpus covers, folded, by syllable count and first letter (a slip is
    rarely in the first letter): built once per snapshot."""
    if _NAMES and _NAMES[0][0] is snap:
        return _NAMES[0][1]
    out: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for name in sorted({*snap.towns, *snap.provinces}):
        key = fold(name).casefold()
        for first in {key[:1], sound_key(key)[:1]}:  # "Chà Vinh" said for Trà Vinh
            out.setdefault((len(key.split()), first), []).append((key, name))
    _NAMES[:] = [(snap, out)]
    return out


def place_readings(q: ParsedQuestion, snap: Snapshot) -> list[str]:
    """The question with a name close to a place the corpus covers put right ("kín môn" ->
    "Kinh Môn"), when it names no covered place itself."""
    if any(s.place is not None for s in q.sides) or q.provinces:
        return []
    text = q.understood
    by_size = _names(snap)
    words = [(m.start(), m.end(), m.group(0)) for m in _SYLLABLE.finditer(text)]
    taken = [
        (m.start, m.end) for m in snap.gazetteer.mentions(text) if snap.retriever.areas.has_place(m.place)
    ]
    out: list[str] = []
    for n in (4, 3, 2):
        for i in range(len(words) - n + 1):
            start, end = words[i][0], words[i + n - 1][1]
            if any(s < end and start < e for s, e in taken):
                continue
            window = [w for _, _, w in words[i : i + n]]
            if 2 * sum(w.casefold() in v.STOPWORDS for w in window) > n:
                continue
            if n == 2 and snap.model.bigrams.get(" ".join(w.casefold() for w in window), 0) >= COMMON_PAIR:
                continue
            key = fold(" ".join(window)).casefold()
            candidates = {*by_size.get((n, key[:1]), ()), *by_size.get((n, sound_key(key)[:1]), ())}
            for name_key, name in sorted(candidates):
                if close(key, name_key):
                    reading = text[:start] + name + text[end:]
                    if reading not in out:
                        out.append(reading)
            if len(out) >= MAX_READINGS:
                return out
    return out


def diacritic_readings(q: ParsedQuestion, model: DiacriticModel) -> list[str]:
    """Other readings of a question whose diacritics were restored, one doubtful syllable
    changed each, likeliest first."""
    if not q.reinterpreted:
        return []
    typed = _TOKENS.findall(q.expanded)
    read = _TOKENS.findall(q.understood)
    if len(typed) != len(read):
        return []
    syllables = [i for i, t in enumerate(read) if _SYLLABLE.fullmatch(t)]
    found: list[tuple[float, int, str]] = []
    for k, i in enumerate(syllables):
        if not typed[i].isascii() or typed[i].casefold() in v.STOPWORDS:
            continue
        chosen = read[i].casefold()
        prev = read[syllables[k - 1]].casefold() if k > 0 and _adjacent(read, syllables[k - 1], i) else None
        nxt = (
            read[syllables[k + 1]].casefold()
            if k + 1 < len(syllables) and _adjacent(read, i, syllables[k + 1])
            else None
        )

        def local(form: str, prev: str | None = prev, nxt: str | None = nxt) -> float:
            score = model.pair_logp(prev, form)
            return score + model.pair_logp(form, nxt) if nxt else score

        base = local(chosen)
        for form in model.forms(typed[i]):
            if form == chosen or form in v.STOPWORDS:
                continue
            delta = base - local(form)
            if delta < DOUBT:
                found.append((delta, i, _cased(form, read[i])))
    found.sort()
    out = []
    for _, i, form in found[:MAX_READINGS]:
        out.append("".join(form if j == i else t for j, t in enumerate(read)))
    return out


def _adjacent(tokens: list[str], a: int, b: int) -> bool:
    """Two syllables the model reads as neighbours: only spaces between them."""
    return all(t.isspace() for t in tokens[a + 1 : b])


def _cased(form: str, like: str) -> str:
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def labels(readings: Iterable[str], limit: int = 60) -> list[str]:
    """Button labels: each reading, shortened to what fits a button."""
    out = []
    for r in readings:
        r = " ".join(r.split())
        out.append(r if len(r) <= limit else r[: limit - 1].rstrip() + "…")
    return out
