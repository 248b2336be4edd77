"""A conversation's context: the place, the topic and the period of a person's last question.

"còn năm 2020?", "thế còn Đông Triều?", "còn 2 tháng đầu năm 2024?", "so với năm trước?",
"còn dân số?": a follow-up names only what changes; the rest comes from the context. The
question answered is then written out whole ("thu ngân sách Móng Cái 2 tháng đầu năm 2024"),
and the reply says how it was understood. A context belongs to one person in one chat and
expires after a while (ContextStore). Plain Python: the question is read by
bot/search/query.py's parse(), the periods by bot/text/timeframes.py.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from bot.search.query import ParsedQuestion
from bot.text import vocabulary as v
from bot.text.normalize import fold
from bot.text.places import Place
from bot.text.timeframes import Period, periods_in

MAX_CONTEXTS = 10_000  # people remembered at once; the least recently seen are forgotten first


@dataclass(frozen=True)
class Topic:
    """What a question asks about, without its place and period."""

    words: str  # "thu ngân sách": what the reply names
    frame: str  # "thu ngân sách là bao nhiêu": the question to write out again


@dataclass(frozen=True)
class Context:
    places: tuple[Place, ...] = ()
    topic: Topic | None = None
    period: Period | None = None
    compared: Period | None = None  # "so với năm trước": the period set against `period`

    @property
    def empty(self) -> bool:
        return not (self.places or self.topic or self.period)


@dataclass(frozen=True)
class Understanding:
    question: str  # the whole question to answer
    reading: str | None  # how a follow-up was understood, None for a question complete in itself
    context: Context  # what the next follow-up builds on


_PUNCT = re.compile(r"[?!.…,;:]+")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + " " + text[e:]
    return " ".join(text.split())


def parts_of(q: ParsedQuestion) -> tuple[tuple[Place, ...], Topic | None, list[Period], bool, bool]:
    """(places, topic, periods, says "năm trước", reads as a follow-up) of a question."""
    places = tuple(s.place for s in q.sides if s.place is not None) or tuple(q.provinces)
    rest = q.rest or q.understood
    low = rest.casefold()
    periods = [m for m in periods_in(low) if m.role in ("own", "target")]
    previous = bool(v.PREVIOUS_YEAR.search(low))
    folded = fold(low)
    cue = bool(v.FOLLOW_UP_OPENERS.search(low) or v.FOLLOW_UP_CLOSERS.search(low) or previous)
    spans = [(m.start, m.end) for m in periods]
    if len(folded) == len(low):
        # Typed without marks, "còn ... thì sao" may have been read "con ... thị sao".
        found = list(v.FOLLOW_UP_FOLDED.finditer(folded))
        cue = cue or bool(found)
        spans += [m.span() for m in found]
    frame = _strip_spans(rest, _merged(spans))
    frame = v.PREVIOUS_YEAR.sub(" ", frame.casefold())
    frame = v.COMPARE_WITH.sub(" ", frame) if previous else frame
    frame = v.FOLLOW_UP_OPENERS.sub(" ", frame.strip())
    frame = v.FOLLOW_UP_CLOSERS.sub(" ", frame)
    frame = " ".join(_PUNCT.sub(" ", frame).split())
    words = " ".join(v.TOPIC_NOISE.sub(" ", frame).split())
    topic = Topic(words, frame) if words else None
    return places, topic, [m.period for m in periods], previous, cue


def bare_follow_up(q: ParsedQuestion) -> bool:
    """A message that only changes something of a question before it ("còn năm 2020?",
    "so với năm trước?"): no place, no topic of its own."""
    places, topic, periods, says_previous, cue = parts_of(q)
    return not places and not q.unknown_places and topic is None and (cue or bool(periods) or says_previous)


def place_words(p: Place) -> str:
    """How a written-out question names a place so that it is read as the same unit."""
    return f"{p.kind_word} {p.name}" if p.level >= 3 else p.name


def _period_text(period: Period | None, compared: Period | None) -> str:
    if period is None:
        return ""
    if compared is not None:
        return f"{period.phrase} so với {compared.phrase}"
    return period.phrase


def _reading(ctx: Context) -> str:
    bits = [ctx.topic.words if ctx.topic else "", " và ".join(p.name for p in ctx.places)]
    head = " ".join(b for b in bits if b)
    when = _period_text(ctx.period, ctx.compared)
    return ", ".join(x for x in (head, when) if x)


def understand(q: ParsedQuestion, previous: Context | None) -> Understanding:
    """The question to answer for a message, filling in what a follow-up leaves out.

    A message that names a place and a topic is a question of its own (its period, if it has
    none, comes from the context only after a follow-up word: "thế còn thu ngân sách Đông
    Triều?"). Otherwise the place and the topic it lacks come from the context, and its period
    too unless it names one; "so với năm trước" sets the context's period against the one before.
    """
    places, topic, periods, says_previous, cue = parts_of(q)
    single = periods[0] if len(periods) == 1 else None
    own = Context(places, topic, single)
    if previous is None or previous.empty or len(periods) >= 2 or q.unknown_places:
        return Understanding(q.original, None, own)  # nothing to go on, or asked in full
    if places and topic is not None and not cue:
        return Understanding(q.original, None, own)
    if not (places or topic or periods or says_previous):
        return Understanding(q.original, None, own)  # nothing of a question to complete
    if topic is not None and previous.topic is not None and not v.ASKING.search(topic.frame):
        # "còn tăng trưởng kinh tế?" asks what the question before asked ("là bao nhiêu").
        asking = " ".join(m.group(0) for m in v.ASKING.finditer(previous.topic.frame))
        topic = Topic(topic.words, f"{topic.frame} {asking}".strip())
    filled = Context(places or previous.places, topic or previous.topic, single or previous.period)
    if says_previous and previous.period is not None:
        filled = replace(filled, period=previous.period, compared=previous.period.shifted(-1))
    if filled == own or (filled.topic is None and not filled.places):
        return Understanding(q.original, None, own)
    return Understanding(write_out(filled), _reading(filled), filled)


def write_out(ctx: Context) -> str:
    """A context as a whole question: "thu ngân sách là bao nhiêu năm 2023 Móng Cái"."""
    frame = ctx.topic.frame if ctx.topic else ""
    # The period before the places: a year said before them goes with every one of them.
    when = _period_text(ctx.period, ctx.compared)
    where = " và ".join(place_words(p) for p in ctx.places)
    return " ".join(x for x in (frame, when, where) if x)


class ContextStore:
    """Contexts by (chat, person), each forgotten `ttl` seconds after its last use."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Context]] = OrderedDict()

    def get(self, key: Hashable) -> Context | None:
        item = self._items.get(key)
        if item is None:
            return None
        at, ctx = item
        if self.clock() - at > self.ttl:
            del self._items[key]
            return None
        return ctx

    def put(self, key: Hashable, ctx: Context) -> None:
        if ctx.empty:
            return
        self._items[key] = (self.clock(), ctx)
        self._items.move_to_end(key)
        while len(self._items) > MAX_CONTEXTS:
            self._items.popitem(last=False)

    def clear(self, key: Hashable) -> bool:
        """Forget a context; whether there was one."""
        return self._items.pop(key, None) is not None

    def __len__(self) -> int:
        return len(self._items)
