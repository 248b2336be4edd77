"""Conversations over the Engine: small talk, follow-ups, yes/no leads, tables of facts and
"did you mean", the same for the terminal and Telegram.

Built once per shell (the terminal's chat and ask, the Telegram application's post_init) over
the one Engine. A context is kept per `who`: the shell passes (chat, person) where follow-ups
count and None where they do not (a group message not addressed to the bot, `ask --json -`
without --context).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import texts
from bot.answer import chart as charts
from bot.answer.clarify import diacritic_readings, place_readings
from bot.answer.compose import compose, quote_of
from bot.answer.context import ContextStore, bare_follow_up, understand
from bot.answer.reply import Reply, render_reply_plain
from bot.answer.smalltalk import small_talk, without_greeting
from bot.answer.table import fact_table
from bot.answer.yesno import Verdict, verdict
from bot.models import Answer
from bot.search.query import ParsedQuestion
from bot.search.retriever import MIN_COVERAGE
from bot.search.snapshot import Snapshot
from bot.text.normalize import clean_unicode

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)

YES_NO_LOOK = 6  # passages looked through for one that decides a yes/no question
MAX_PENDING = 5_000  # "did you mean" offers kept for their buttons


class Conversation:
    def __init__(
        self, engine: Engine, context_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.contexts = ContextStore(context_seconds, clock)
        self.clock = clock
        self._pending: OrderedDict[str, tuple[float, tuple[str, ...], Hashable]] = OrderedDict()
        self._examples: tuple[object, str, list[str]] | None = None

    # ------------------------------------------------------------------ replies

    def reply(self, message: str, who: Hashable | None = None, *, clarify: bool = True) -> Reply:
        """The reply to a message, from the index in memory. `who` keys the context (None: the
        message stands alone); with `clarify`, doubtful readings are offered instead of answered."""
        kind = small_talk(message)
        if kind is not None:
            return Reply(message, small_talk=self.small_talk_text(kind))
        snap = self.engine.snapshot
        text = " ".join(clean_unicode(without_greeting(message)).split())
        if not any(c.isalnum() for c in text) or len(text) > self.engine.settings.max_question_chars:
            return Reply(message, answer=self.engine.answer(message))  # the engine's polite refusal
        q = snap.parse(text)
        q.original = text
        if clarify:
            near = place_readings(q, snap)
            if near:
                return Reply(message, choices=(*near, text))
        previous = self.contexts.get(who) if who is not None else None
        if who is not None and previous is None and bare_follow_up(q):
            # "còn năm 2020?" with nothing before it: what about? Ask, rather than guess.
            return Reply(message, small_talk=texts.follow_up_alone(self._example()[0]))
        understood = understand(q, previous)
        if understood.question != q.original:
            q = snap.parse(understood.question)
            q.original = understood.question
        reply = self._answer(snap, q, understood.reading)
        if understood.reading is None:
            reply = replace(reply, question=message)  # logged as typed
        if clarify and understood.reading is None:
            choices = self._doubtful(snap, q, reply)
            if choices:
                return Reply(message, choices=choices)
        if who is not None:
            self.contexts.put(who, understood.context)
        return reply

    def _answer(self, snap: Snapshot, q: ParsedQuestion, reading: str | None) -> Reply:
        results = snap.retriever.search(q)
        answer = compose(q, results, snap.articles, snap.coverage)
        said: set[str] = set()
        unique = [x for x in answer.quotes if not (x.text in said or said.add(x.text))]
        if len(unique) < len(answer.quotes):
            # Both sides of "năm 2021 so với năm 2020" quote one passage: say it once.
            answer = replace(answer, quotes=tuple(unique))
        table = fact_table(snap, q)
        found: Verdict | None = None
        if "yes_no" in q.kinds and answer.quotes and not answer.refused and len(results) == 1:
            answer, found = self._decide(snap, q, answer, results[0].hits)
        if table is not None:
            answer = replace(answer, refused=False, notice=table.notice)
        return Reply(q.original, answer, reading, table, found)

    def _decide(self, snap: Snapshot, q: ParsedQuestion, answer: Answer, hits) -> tuple[Answer, Verdict]:
        """A yes/no answer led by the passage that decides it, if one of the best does."""
        first = verdict(q, answer.quotes[0].text)
        if first.word is not None:
            return answer, first
        for hit in hits[1:YES_NO_LOOK]:
            if hit.coverage < MIN_COVERAGE:
                continue
            found = verdict(q, hit.text.full)
            if found.word is not None:
                lead = quote_of(hit, snap.articles[hit.article])
                rest = tuple(x for x in answer.quotes if x.text != lead.text)[:1]
                return replace(answer, quotes=(lead, *rest)), found
        return answer, first

    def _doubtful(self, snap: Snapshot, q: ParsedQuestion, reply: Reply) -> tuple[str, ...]:
        """Readings worth asking about: the diacritics put back with doubt, and another reading
        answers where this one does not, or answers from a better passage."""
        if reply.answer is None:
            return ()
        best = reply.answer.quotes[0].score if reply.answer.quotes and not reply.refused else 0.0
        mine = reply.answer.quotes[0].text if reply.answer.quotes else None
        better: list[str] = []
        for reading in diacritic_readings(q, snap.model):
            other = snap.parse(reading)
            other.original = reading
            answer = compose(other, snap.retriever.search(other), snap.articles, snap.coverage)
            if answer.refused or not answer.quotes or answer.quotes[0].text == mine:
                continue
            if reply.refused or answer.quotes[0].score > best:
                better.append(reading)
        return (q.understood, *better) if better else ()

    # ------------------------------------------------------------------ logging

    async def respond(
        self,
        message: str,
        who: Hashable | None,
        *,
        user: str | None,
        channel: str,
        clarify: bool = True,
    ) -> tuple[Reply, int | None]:
        """The reply, and the id of the logged question (None when the log is unavailable)."""
        started = time.perf_counter()
        reply = self.reply(message, who, clarify=clarify)
        return reply, await self.log(reply, user=user, channel=channel, started=started)

    async def log(self, reply: Reply, *, user: str | None, channel: str, started: float) -> int | None:
        """Every message is logged with the reply it got. Small talk and an offer to choose are
        not refusals: /stats does not list them among the questions the corpus cannot answer."""
        answer = reply.answer or Answer(reply.question, False)
        answer = replace(answer, refused=reply.refused)
        latency = (time.perf_counter() - started) * 1000
        return await self.engine.log(
            reply.question,
            answer,
            user=user,
            channel=channel,
            latency_ms=latency,
            text=render_reply_plain(reply),
        )

    # ------------------------------------------------------------------ the rest

    def forget(self, who: Hashable) -> bool:
        """/moi: the person's context is cleared; whether there was one."""
        return self.contexts.clear(who)

    def chart(self, reply: Reply) -> charts.Chart | None:
        """The chart of a reply's table, when it has two comparable values or more."""
        if reply.table is None:
            return None
        return charts.draw(reply.table)

    def offer(self, choices: tuple[str, ...], where: Hashable = None) -> str:
        """Keep readings for their buttons, for the chat (`where`) they are offered in; the
        token the buttons carry."""
        token = secrets.token_urlsafe(6)
        self._pending[token] = (self.clock(), choices, where)
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)
        return token

    def offered_in(self, token: str, where: Hashable) -> bool:
        """Whether an offer is still kept, and was made in that chat."""
        item = self._pending.get(token)
        return item is not None and item[2] == where and self.clock() - item[0] <= self.contexts.ttl

    def chosen(self, token: str, index: int) -> str | None:
        """The reading behind a button, None when the offer is gone (too old, restarted)."""
        item = self._pending.get(token)
        if item is None or self.clock() - item[0] > self.contexts.ttl:
            return None
        choices = item[1]
        return choices[index] if 0 <= index < len(choices) else None

    def small_talk_text(self, kind: str) -> str:
        coverage = self.engine.coverage()
        example, publishers = self._example()
        return texts.small_talk(kind, coverage, example, publishers)

    def _example(self) -> tuple[str, list[str]]:
        """An example question the index answers, and the main publishers; kept until the
        corpus changes."""
        coverage = self.engine.coverage()
        if self._examples is not None and self._examples[0] == coverage:
            return self._examples[1], self._examples[2]
        example = texts.EXAMPLE_FALLBACK
        found = False
        for place in coverage.places[:5]:
            town = place.split(" (")[0]
            for template in texts.EXAMPLES:
                question = template.format(town=town)
                if not self.engine.answer(question).refused:
                    example, found = question, True
                    break
            if found:
                break
        counts = Counter(a.publisher for a in self.engine.snapshot.articles if a.publisher)
        publishers = [p for p, _ in counts.most_common(4)]
        self._examples = (coverage, example, publishers)
        return example, publishers
