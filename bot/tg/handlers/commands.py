"""The commands everyone may use: /start, /help, and an unknown /command (/nguon: corpus.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update

from bot import texts
from bot.tg.handlers.common import Context, engine_of, is_admin, is_group, reply_html

if TYPE_CHECKING:
    from bot.engine import Engine


def example_questions(engine: Engine, bot_data: dict) -> list[str]:
    """Up to three example questions the current index really answers, from different towns.

    The last one is shown without diacritics. Cached until the corpus coverage changes.
    """
    coverage = engine.coverage()
    cached = bot_data.get("examples")
    if cached and cached[0] == coverage:
        return cached[1]
    chosen: list[str] = []
    for candidates in texts.example_candidates(coverage):
        for question in candidates:
            if not engine.answer(question).refused:
                chosen.append(question)
                break
        if len(chosen) == 3:
            break
    if chosen:
        plain = texts.no_diacritics_example(chosen[-1])
        if not engine.answer(plain).refused:
            chosen[-1] = plain
    examples = chosen or texts.fallback_examples(coverage)
    bot_data["examples"] = (coverage, examples)
    return examples


async def cmd_start(update: Update, context: Context) -> None:
    """/start: the user sees what the bot knows (towns, articles, dates) and example questions."""
    user = update.effective_user
    engine = engine_of(context)
    examples = example_questions(engine, context.application.bot_data)
    name = user.first_name if user else None
    text = texts.welcome(engine.coverage(), name, examples, group=is_group(update))
    await reply_html(update.effective_message, text)


async def cmd_help(update: Update, context: Context) -> None:
    """/help: the user sees how to ask and the commands (admin commands too for admins)."""
    await reply_html(update.effective_message, texts.help_text(is_admin(update, context)))


async def on_unknown_command(update: Update, context: Context) -> None:
    """An unknown /command in a private chat: the user is pointed to /help."""
    await update.effective_message.reply_text(texts.HINT_UNKNOWN_COMMAND)
