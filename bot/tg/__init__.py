"""The Telegram layer (python-telegram-bot 22): handlers, message splitting, rate limit, app runner.

Named `bot.tg` so it never shadows the `telegram` package.
"""
