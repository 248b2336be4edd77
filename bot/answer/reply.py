"""A conversation's reply: a quoted answer (with how a follow-up was understood, a yes/no
lead, a table of facts), a small-talk reply, or readings to choose from. Rendered as plain
text (terminal, JSON, the question log) or Telegram HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from bot import texts
from bot.answer.render import render_html, render_plain, shorten
from bot.answer.table import FactTable, Row
from bot.answer.yesno import Verdict
from bot.models import Answer, Source, format_date


@dataclass(frozen=True)
class Reply:
    question: str  # what was answered (what the log keeps); the message itself otherwise
    answer: Answer | None = None
    reading: str | None = None  # how a follow-up was understood
    table: FactTable | None = None
    verdict: Verdict | None = None  # a yes/no question's
    small_talk: str | None = None  # a small-talk reply's text
    choices: tuple[str, ...] = ()  # readings to choose from ("did you mean")

    @property
    def kind(self) -> str:
        if self.small_talk is not None:
            return "small_talk"
        if self.choices:
            return "clarify"
        return "answer"

    @property
    def refused(self) -> bool:
        return bool(self.answer and self.answer.refused and self.table is None)

    @property
    def sources(self) -> list[Source]:
        return self.answer.sources if self.answer else []


def _lead(reply: Reply) -> list[str]:
    """What goes before the quotes: the reading, a yes/no word."""
    out = []
    if reply.reading:
        out.append(texts.reading(reply.reading))
    v = reply.verdict
    if v is not None and reply.answer and reply.answer.quotes and not reply.answer.refused:
        if v.word:
            out.append(texts.VERDICT_LEAD.format(word=v.word))
        elif v.plan:
            out.append(texts.VERDICT_PLAN)
        else:
            out.append(texts.VERDICT_NONE)
    return out


def _source_cell(row: Row) -> str:
    s = row.source
    who = s.publisher or shorten(s.title, 50)
    when = format_date(s.date)
    return f"[{row.ref}] " + ", ".join(x for x in (who, when) if x)


def _value(row: Row) -> str:
    return f"{row.figure} ({row.note})" if row.note else row.figure


def _first_cell(table: FactTable, row: Row) -> str:
    if table.kind == "series":
        return row.period_label
    return f"{row.place} ({row.period_label})"


def table_plain(table: FactTable) -> str:
    head = texts.TABLE_PERIOD if table.kind == "series" else texts.TABLE_PLACE
    cells = [(head, texts.TABLE_VALUE, texts.TABLE_SOURCE)]
    cells += [(_first_cell(table, r), _value(r), _source_cell(r)) for r in table.rows]
    w1 = max(len(c[0]) for c in cells)
    w2 = max(len(c[1]) for c in cells)
    lines = [table.title + ":"]
    lines += [f"{a:<{w1}} | {b:<{w2}} | {c}" for a, b, c in cells]
    if table.notice:
        lines.append(table.notice)
    return "\n".join(lines)


def table_html(table: FactTable) -> str:
    e = lambda s: html.escape(s, quote=False)  # noqa: E731
    lines = [f"<b>{e(table.title)}</b>"]
    for r in table.rows:
        note = f" <i>({e(r.note)})</i>" if r.note else ""
        lines.append(f"• <b>{e(_first_cell(table, r))}</b>: {e(r.figure)}{note} — {e(_source_cell(r))}")
    if table.notice:
        lines.append(f"<i>{e(table.notice)}</i>")
    return "\n".join(lines)


def _quotes(table: FactTable) -> Answer:
    return Answer("", False, table.quotes)


def render_reply_plain(reply: Reply) -> str:
    if reply.small_talk is not None:
        return reply.small_talk
    if reply.choices:
        lines = [texts.CLARIFY, *(f"{i}. {c}" for i, c in enumerate(reply.choices, 1))]
        return "\n".join(lines)
    parts = _lead(reply)
    answer = reply.answer
    if reply.table is not None:
        parts += [table_plain(reply.table), texts.TABLE_QUOTES, render_plain(_quotes(reply.table))]
    elif answer is not None:
        parts.append(render_plain(replace(answer, understood=None) if reply.reading else answer))
    return "\n\n".join(p for p in parts if p)


def render_reply_html(reply: Reply) -> str:
    if reply.small_talk is not None:
        return html.escape(reply.small_talk, quote=False)
    if reply.choices:
        return html.escape(texts.CLARIFY, quote=False)
    parts = [f"<i>{html.escape(p, quote=False)}</i>" if i == 0 and reply.reading else html.escape(p, quote=False)
             for i, p in enumerate(_lead(reply))]  # fmt: skip
    answer = reply.answer
    if reply.table is not None:
        parts += [table_html(reply.table), render_html(_quotes(reply.table))]
    elif answer is not None:
        parts.append(render_html(replace(answer, understood=None) if reply.reading else answer))
    return "\n\n".join(p for p in parts if p)
