"""Conversations in the terminal, run as a person runs them: `python -m bot chat` fed on stdin
(and once in a pseudo-terminal, for line editing and history), `ask --context`, `ask --chart`,
and `ask --json` writing UTF-8 whatever the locale."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from projects import REPO, copy_index, make_project, run_bot

pytestmark = pytest.mark.slow  # each test starts the bot as a process


@pytest.fixture(scope="module")
def chat_project(tmp_path_factory, built_db) -> Path:
    root = make_project(tmp_path_factory.mktemp("chat") / "project")
    copy_index(built_db, root / "data" / "bot.db")
    return root


def chat(root: Path, *lines: str) -> list[str]:
    """The replies to each line, as printed between the prompts."""
    p = run_bot(root, "chat", stdin=("\n".join(lines) + "\n").encode())
    assert p.returncode == 0, p.err
    assert "Traceback" not in p.err
    return [part.strip() for part in p.out.split("Bạn hỏi: ")[1:]]


def test_chat_follow_ups_change_the_year_the_place_and_the_indicator(chat_project: Path):
    replies = chat(
        chat_project,
        "Thu ngân sách Móng Cái năm 2023 là bao nhiêu?",
        "còn 2 tháng đầu năm 2024?",
        "thế còn Đông Triều?",
        "còn năm 2021 thì sao?",
        "còn tăng trưởng kinh tế?",
        "so với năm trước?",
    )
    assert "gần 5.000 tỷ đồng" in replies[0]
    assert replies[1].startswith("Tôi hiểu là: thu ngân sách Móng Cái, 2 tháng đầu năm 2024")
    assert "trên 520 tỷ đồng" in replies[1]
    assert replies[2].startswith("Tôi hiểu là: thu ngân sách Đông Triều, 2 tháng đầu năm 2024")
    assert replies[3].startswith("Tôi hiểu là: thu ngân sách Đông Triều, năm 2021")
    assert "trên 2.263 tỷ đồng" in replies[3]
    assert replies[4].startswith("Tôi hiểu là: tăng trưởng kinh tế Đông Triều, năm 2021")
    assert "13,6%" in replies[4]
    assert replies[5].startswith("Tôi hiểu là: tăng trưởng kinh tế Đông Triều, năm 2021 so với năm 2020")
    assert "cao hơn so với năm 2020" in replies[5]


def test_chat_new_conversation_small_talk_and_more(chat_project: Path):
    replies = chat(
        chat_project,
        "xin chào",
        "Kinh Môn có bao nhiêu doanh nghiệp?",
        "thêm",
        "mới",
        "còn năm 2020?",
    )
    assert replies[0].startswith("Xin chào! Tôi trả lời câu hỏi về quy hoạch")
    assert "900 doanh nghiệp" in replies[1]
    assert "«" in replies[2] and "900 doanh nghiệp" not in replies[2]  # the next passages
    assert replies[3].startswith("Đã bắt đầu cuộc trò chuyện mới")
    assert "chỉ tiêu nào, ở địa phương nào" in replies[4]


def test_chat_series_shows_a_table_and_saves_its_chart(chat_project: Path):
    (reply, _) = chat(chat_project, "biểu đồ thu nhập Kinh Môn 2020-2023", "thoát")
    assert "2020 | 67,5 triệu đồng/năm (dự kiến)" in reply
    assert "2023 | 92,5 triệu đồng (ước tính)" in reply
    path = Path(reply.rsplit("Biểu đồ đã lưu: ", 1)[1].strip())
    assert path.parent == chat_project / "data" / "charts"
    assert Image.open(path).size == (960, 576)


def test_chat_did_you_mean_takes_a_number(chat_project: Path):
    replies = chat(chat_project, "kin môn dân số", "1")
    assert replies[0].startswith(
        "Tôi chưa chắc đã hiểu đúng câu hỏi. Có phải bạn muốn hỏi:\n1. Kinh Môn dân số"
    )
    assert "Gõ số để chọn" in replies[0]
    assert "174.662 người" in replies[1]


def test_ask_json_is_utf8_whatever_the_locale(chat_project: Path):
    question = "Thu ngân sách Móng Cái và Đông Triều"
    env = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    p = run_bot(chat_project, "ask", "--json", question, **env)
    assert p.returncode == 0, p.err
    assert "\\u" not in p.out
    obj = json.loads(p.stdout.decode("utf-8"))
    assert obj["question"] == question
    assert "Móng Cái (2023)" in obj["text"] and "kỳ khác nhau" in obj["text"]
    assert [(r["place"], r["period"], r["figure"]) for r in obj["table"]] == [
        ("Móng Cái", "2023", "gần 5.000 tỷ đồng"),
        ("Đông Triều", "2021", "trên 2.263 tỷ đồng"),
    ]
    assert obj["refused"] is False


def test_ask_json_lines_stand_alone_unless_asked(chat_project: Path):
    lines = "thu ngân sách Móng Cái năm 2023\ncòn 2 tháng đầu năm 2024?\n".encode()
    alone = [json.loads(x) for x in run_bot(chat_project, "ask", "--json", "-", stdin=lines).out.splitlines()]
    assert len(alone) == 2 and "reading" not in alone[1]
    together = run_bot(chat_project, "ask", "--json", "--context", "-", stdin=lines).out.splitlines()
    second = json.loads(together[1])
    assert second["question"] == "còn 2 tháng đầu năm 2024?"
    assert second["reading"] == "thu ngân sách Móng Cái, 2 tháng đầu năm 2024"
    assert "trên 520 tỷ đồng" in second["text"]


def test_ask_chart_writes_a_png(chat_project: Path, tmp_path: Path):
    target = tmp_path / "charts" / "thu-nhap.png"
    p = run_bot(chat_project, "ask", "--chart", str(target), "thu nhập Kinh Môn 2020-2023")
    assert p.returncode == 0, p.err
    assert "Thu nhập bình quân đầu người của Kinh Môn qua các năm" in p.out
    image = Image.open(io.BytesIO(target.read_bytes()))
    assert image.format == "PNG" and image.size == (960, 576)
    none = run_bot(
        chat_project, "ask", "--chart", str(tmp_path / "none.png"), "Dân số Kinh Môn là bao nhiêu?"
    )
    assert none.returncode == 1
    assert "Không vẽ được biểu đồ" in none.err and not (tmp_path / "none.png").exists()
    assert "174.662" in none.out  # the answer itself is still given


def test_chat_in_a_terminal_has_line_editing_and_history(chat_project: Path):
    """↑ brings back the last question (readline); the history outlives the session."""
    history = chat_project / "data" / "chat_history"
    history.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "PYTEST"))}
    env.update(
        BOT_HOME=str(chat_project),
        BOT_DB=str(chat_project / "data" / "bot.db"),
        BOT_CORPUS="seeds,data/articles",
        PYTHONPATH=str(REPO),
        TERM="xterm",
    )
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=chat_project,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    out = bytearray()

    def read_until(marker: bytes, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while out.count(marker) < count:
            assert time.monotonic() < deadline, out.decode("utf-8", "replace")[-2000:]
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    out.extend(os.read(leader, 65536))
                except OSError:
                    break

    try:
        prompt = "Bạn hỏi: ".encode()
        read_until(prompt, 1)
        os.write(leader, "Dân số Kinh Môn là bao nhiêu?\r".encode())
        read_until(prompt, 2)
        os.write(leader, b"\x1b[A\r")  # up arrow: the same question again
        read_until(prompt, 3)
        os.write(leader, "thoát\r".encode())
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    text = out.decode("utf-8", "replace")
    assert text.count("174.662 người") == 2
    assert "Dân số Kinh Môn là bao nhiêu?" in history.read_text(encoding="utf-8")
