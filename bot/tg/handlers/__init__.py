"""Telegram handlers, one module per section:

- common.py: what every handler uses (the engine and settings in bot_data, HTML replies,
  'typing…', the rate limit, how a group addresses the bot);
- questions.py: text messages and /hoi, answered in the person's conversation;
- talk.py: the conversation: answers with each person's context, small talk, "did you mean"
  buttons, charts as photos, /moi;
- buttons.py: the buttons under answers and their callbacks (Xem thêm, 👍/👎);
- commands.py: /start, /help and unknown commands;
- admin.py: /reload and /stats;
- documents.py: files and links admins add, and media the bot cannot read;
- corpus.py: /nguon and its pages, /xoa with its confirmation, /sua;
- errors.py: the global error handler;
- wiring.py: `register`, the one place every handler is added to the application.
"""

from __future__ import annotations

from bot.tg.handlers.commands import example_questions
from bot.tg.handlers.wiring import register

__all__ = ["example_questions", "register"]
