"""Everything the bot says, in Vietnamese with full diacritics, and the one check of a question's
input: the terminal, the JSON batch and Telegram share each wording. Plain Python (no Telegram),
usable by the core, the engine and both shells, always as `from bot import texts`.

- answers.py: questions and answers, for every shell: the input check and its hints, the
  notices above quotes, refusals, "no more passages", how a reply is labelled;
- conversation.py: a conversation, whatever the shell: small talk, follow-ups, tables and
  charts, yes/no leads, "did you mean", a new conversation (plain text);
- telegram.py: the bot's messages, menus and buttons (HTML, escaped there), corpus management;
- service.py: the error classes' messages, database and disk failures, files refused, the
  terminal's texts.

Constants are plain text that is also valid HTML (no `<`, `>` or `&`): every Telegram message
is sent as HTML. A new text goes into the module of its audience and is then `texts.NAME`.
"""

from bot.texts.answers import *  # noqa: F403
from bot.texts.conversation import *  # noqa: F403
from bot.texts.service import *  # noqa: F403
from bot.texts.telegram import *  # noqa: F403
