"""End to end over real HTTP: a Bot API stand-in on 127.0.0.1 (stdlib http.server in a thread),
the bot pointed at it with TELEGRAM_API_BASE_URL, once in-process and once as `python -m bot run`."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from projects import REPO
from tg_fakeapi import FakeBotAPI, private_message
from tg_standin import StandIn, serving
from tg_support import TOKEN, USER_ID, make_settings

from bot import texts
from bot.tg.app import build_application

pytestmark = pytest.mark.slow  # starts processes or runs load

QUESTION = "Dân số thị xã Kinh Môn là bao nhiêu?"


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with serving(FakeBotAPI(TOKEN)) as server:
        yield server


def callback_update(api: FakeBotAPI, label: str) -> dict[str, Any]:
    message = api.last_message_with_keyboard(USER_ID)
    (data,) = [
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == label
    ]
    return {
        "callback_query": {
            "id": "cb-1",
            "from": {"id": USER_ID, "is_bot": False, "first_name": "Lan"},
            "chat_instance": "ci",
            "message": message,
            "data": data,
        }
    }


def wait_sent(api: FakeBotAPI, count: int, timeout: float = 20.0) -> list[str]:
    assert api.wait_for(lambda: len(api.called("sendMessage")) >= count, timeout), api.calls
    return api.sent_texts()


async def test_in_process_polling_over_http(stand_in: StandIn, project: Path):
    settings = make_settings(project, TELEGRAM_API_BASE_URL=stand_in.base_url)
    application = build_application(settings)  # real HTTP layer; the Engine is opened by post_init
    api = stand_in.api
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            api.push_update(private_message(USER_ID, QUESTION, 1))
            sent = await asyncio.to_thread(wait_sent, api, 1)
            assert "<b>174.662 người</b>" in sent[0]
            api.push_update(callback_update(api, texts.BTN_UP))
            assert await asyncio.to_thread(api.wait_for, lambda: api.called("answerCallbackQuery"), 10)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
    assert api.called("getMe") and api.called("deleteWebhook")
    assert api.called("answerCallbackQuery")[0]["text"] == texts.FEEDBACK_THANKS_UP
    assert not api.problems


def bot_env(stand_in: StandIn, project: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_HOME": str(project),  # no .env from the working tree
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": stand_in.base_url,
        "BOT_DB": str(project / "data" / "bot.db"),
        "BOT_CORPUS": f"{project / 'seeds'},{project / 'data' / 'articles'}",
        "BOT_ARTICLES_DIR": str(project / "data" / "articles"),
        "ADMIN_IDS": "4242",
        "LOG_LEVEL": "DEBUG",  # even DEBUG lines must not show the token
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def test_python_m_bot_run_answers_and_stops_cleanly_on_sigterm(stand_in: StandIn, project: Path):
    api = stand_in.api
    env = bot_env(stand_in, project)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert api.wait_for(lambda: api.called("setMyCommands") or proc.poll() is not None, 60), (
            "bot never started"
        )
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        api.push_update(private_message(USER_ID, "/start", 1, command=True))
        welcome = wait_sent(api, 1)[0]
        assert "Xin chào Lan!" in welcome
        api.push_update(private_message(USER_ID, "thu nhap binh quan dau nguoi kinh mon nam 2020", 2))
        answer = wait_sent(api, 2)[1]
        assert "67,5 triệu đồng" in answer and "Tôi hiểu câu hỏi là" in answer
        api.push_update(callback_update(api, texts.BTN_MORE))
        more = wait_sent(api, 3)[2]
        assert "<blockquote>" in more and more != answer
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise
    assert proc.returncode == 0, err[-3000:]
    assert TOKEN not in err and TOKEN not in out
    assert urllib.parse.quote(TOKEN, safe="") not in err
    assert "engine closed" in err and "bot stopped cleanly" in err
    assert not re.search(r"Traceback", err), err[-3000:]
    assert not api.problems


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(importlib.util.find_spec("tornado") is None, reason="needs python-telegram-bot[webhooks]")
def test_webhook_mode(stand_in: StandIn, project: Path):
    api = stand_in.api
    port = free_port()
    secret = "webhook-secret-0123456789"
    url = f"http://127.0.0.1:{port}/tg/hook"
    env = bot_env(stand_in, project, WEBHOOK_URL=url, WEBHOOK_PORT=str(port), WEBHOOK_SECRET=secret)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip

    def post(update: dict[str, Any], token: str) -> int:
        body = json.dumps({"update_id": int(time.time() * 1000) % 10**9, **update}).encode()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json",
                                                     "X-Telegram-Bot-Api-Secret-Token": token})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    try:
        assert api.wait_for(lambda: api.called("setWebhook") or proc.poll() is not None, 60), (
            "bot never started"
        )
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        hook = api.called("setWebhook")[0]
        assert hook["url"] == url and hook["secret_token"] == secret
        for _ in range(100):  # the webhook server starts right after setWebhook
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        assert post(private_message(USER_ID, QUESTION, 1), "wrong-secret") == 403
        assert post(private_message(USER_ID, QUESTION, 1), secret) == 200
        assert "174.662" in wait_sent(api, 1)[0]
        assert len(api.sent()) == 1  # the update with the wrong secret was not handled
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-3000:]
    assert secret not in err and TOKEN not in err
    assert "bot stopped cleanly" in err
