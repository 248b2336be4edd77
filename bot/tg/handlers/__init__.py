"""Telegram handlers, one module per section:

- common.py: what every handler uses (the engine and settings in bot_data, HTML replies,
  'typing…', the rate limit, how a group addresses the bot);
- questions.py: text messages and /hoi, answered with quoted passages;
- buttons.py: the inline keyboards and their callbacks ('Xem thêm', 👍/👎, /nguon pages);
- commands.py: /start, /help, /nguon and unknown commands;
- admin.py: /reload and /stats;
- documents.py: uploaded articles, and media the bot cannot read;
- errors.py: the global error handler;
- wiring.py: `register`, the one place every handler is added to the application.
"""

from __future__ import annotations

from bot.tg.handlers.commands import example_questions
from bot.tg.handlers.wiring import register

__all__ = ["example_questions", "register"]
