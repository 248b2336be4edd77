"""An Answer as the person reads it: plain text (terminal, JSON) or Telegram HTML."""

from __future__ import annotations

import html
import re

from bot.models import Answer, Quote, Source
from bot.texts import ALSO, READ_AS, SOURCE

TELEGRAM_LIMIT = 4096
# A link Telegram accepts: http(s), a host, no space, control character, quote or angle bracket
# (a sidecar's url is typed by hand; anything else is shown without a link).
_LINKABLE = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"<>]+")


# The question as understood is a reminder, not a second copy of it: a long question full of
# abbreviations spelt out would otherwise fill the reply before the answer starts.
UNDERSTOOD_MAX = 300


def shorten(text: str, limit: int = UNDERSTOOD_MAX) -> str:
    """At most `limit` characters, cut at a space when there is one, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def source_line(s: Source) -> str:
    return s.line()


def render_plain(answer: Answer) -> str:
    parts: list[str] = []
    if answer.understood:
        parts.append(f"({READ_AS.format(question=shorten(answer.understood))})")
    if answer.notice:
        parts.append(answer.notice)
    for i, q in enumerate(answer.quotes):
        head = f"{q.label}: " if q.label else ("" if i == 0 else f"{ALSO}: ")
        parts.append(f"{head}«{q.text}»\n{SOURCE}{source_line(q.source)}")
    return "\n\n".join(parts)


def _html_quote(q: Quote) -> str:
    out: list[str] = []
    last = 0
    for start, end in q.figures:
        if start < last:
            continue
        out.append(html.escape(q.text[last:start], quote=False))
        out.append("<b>" + html.escape(q.text[start:end], quote=False) + "</b>")
        last = end
    out.append(html.escape(q.text[last:], quote=False))
    return "".join(out)


def _html_source(s: Source) -> str:
    title = html.escape(s.title, quote=False)
    if s.url and _LINKABLE.fullmatch(s.url):
        title = f'<a href="{html.escape(s.url, quote=True)}">{title}</a>'
    bits = [html.escape(b, quote=False) for b in s.bits()]
    return f"{SOURCE}<i>{title}</i>" + (f" ({', '.join(bits)})" if bits else "")


def render_html(answer: Answer) -> str:
    """Telegram HTML: every piece of text escaped, figures in bold, sources in italics."""
    parts: list[str] = []
    if answer.understood:
        understood = html.escape(shorten(answer.understood), quote=False)
        parts.append(f"<i>{READ_AS.format(question=understood)}</i>")
    if answer.notice:
        parts.append(html.escape(answer.notice, quote=False))
    for i, q in enumerate(answer.quotes):
        head = (
            f"<b>{html.escape(q.label, quote=False)}:</b>\n" if q.label else ("" if i == 0 else f"{ALSO}:\n")
        )
        parts.append(f"{head}<blockquote>{_html_quote(q)}</blockquote>\n{_html_source(q.source)}")
    return "\n\n".join(parts)
