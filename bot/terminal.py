"""The terminal's conversation (`python -m bot chat`): one turn at a time over a Conversation,
with readline's line editing and history when the terminal has it."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path

from bot import texts
from bot.answer.chart import Chart
from bot.answer.render import render_plain
from bot.answer.reply import render_reply_plain
from bot.conversation import Conversation

HISTORY_LINES = 1000
WHO = "terminal"  # the terminal's one person: its context


@dataclass
class History:
    path: Path | None  # None: no readline, or input is not a terminal

    def save(self) -> None:
        if self.path is None:
            return
        import readline

        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(self.path)


def line_editing(path: Path) -> History:
    """Arrow keys, Ctrl-A/E, and the questions of earlier sessions (↑), where readline exists
    and the input is a terminal."""
    if not sys.stdin.isatty():
        return History(None)
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return History(None)
    readline.set_history_length(HISTORY_LINES)
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    return History(path)


def save_chart(directory: Path, chart: Chart) -> Path | None:
    """The chart as a PNG file in `directory` (a new name each time); None if it cannot be written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        n = 1 + max(
            (
                int(p.stem.rpartition("-")[2])
                for p in directory.glob("bieu-do-*.png")
                if p.stem.rpartition("-")[2].isdigit()
            ),
            default=0,
        )
        path = directory / f"bieu-do-{n}.png"
        path.write_bytes(chart.png)
    except OSError:
        return None
    return path


class Chat:
    """One person's conversation in the terminal: what each line they type gets back."""

    def __init__(self, talk: Conversation, charts: Path) -> None:
        self.talk = talk
        self.charts = charts
        self.last: str | None = None  # the question "thêm" pages through
        self.offset = 1
        self.shown = ""
        self.choices: tuple[str, ...] = ()

    def welcome(self) -> str:
        return texts.chat_welcome(self.talk.engine.coverage())

    async def turn(self, line: str) -> str | None:
        """The reply to one line; None to end the conversation."""
        line = line.strip()
        low = line.casefold()
        if low in texts.CHAT_QUIT:
            return None
        if low in texts.CHAT_NEW:
            self.talk.forget(WHO)
            self.choices, self.last = (), None
            return texts.NEW_CONVERSATION
        if low in texts.CHAT_MORE and self.last:
            # The same next page as the bot's "Xem thêm" button (Engine.more).
            answer, self.offset = self.talk.engine.more(self.last, self.offset, self.shown)
            self.shown = render_plain(answer)
            return self.shown
        clarify = True
        if self.choices and line.isdigit() and 1 <= int(line) <= len(self.choices):
            line, clarify = self.choices[int(line) - 1], False
        reply, _ = await self.talk.respond(line, WHO, user=None, channel="chat", clarify=clarify)
        self.choices = reply.choices
        text = render_reply_plain(reply)
        if reply.choices:
            text += "\n" + texts.CLARIFY_TERMINAL
        elif reply.kind == "answer":
            self.last, self.offset = reply.question, 1
        drawn = self.talk.chart(reply)
        if drawn is not None:
            saved = save_chart(self.charts, drawn)
            if saved is not None:
                text += "\n\n" + texts.CHART_SAVED.format(path=saved)
        # Like the bot, which sees the message under the button: the last reply counts as shown.
        self.shown = text
        return text
