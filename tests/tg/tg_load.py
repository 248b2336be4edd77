"""Load test of the Telegram bot: `python -m bot run` against a Bot API stand-in on 127.0.0.1.

Simulated users each ask their questions one after another (the next as soon as the answer
arrives, or `--think` seconds later), all users at once. A flooder can join, sending hundreds
of messages in a few seconds. The stand-in records when each answer arrives; every question
must be answered exactly once (and logged in the bot's database), and latencies are reported,
for the flood also split into the questions asked during the flood and the others.

    .venv/bin/python tests/tg/tg_load.py --users 50 --questions 20                # the full run
    .venv/bin/python tests/tg/tg_load.py --users 50 --questions 20 --send-rate 30  # Telegram's limit
    .venv/bin/python tests/tg/tg_load.py --users 10 --questions 20 --think 0.3 --rate-limit 20 \
        --send-rate 30 --flood 300 --flood-delay 2                                # a flooder joins
    .venv/bin/python tests/tg/tg_load.py --users 1 --questions 30 --think 0.2 --rate-limit 20 \
        --send-rate 30 --flood 300 --flood-text '?!'        # 300 messages that each cost a reply

tests/tg/test_tg_load.py runs these in the suite. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tg_fakeapi import FakeBotAPI, private_message
from tg_standin import serving

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAload-test-token-for-the-stand-in-00000"

# Questions about the seed towns: accented and not, answered and refused, short and long.
QUESTIONS = [
    "Dân số thị xã Kinh Môn là bao nhiêu?",
    "dan so thi xa kinh mon la bao nhieu",
    "Thu nhập bình quân đầu người Kinh Môn năm 2023?",
    "thu nhap binh quan dau nguoi kinh mon nam 2020",
    "Kinh Môn có bao nhiêu sản phẩm OCOP?",
    "Kỳ Anh đạt bao nhiêu tiêu chí đô thị loại 3?",
    "Thị xã Kỳ Anh đang chuẩn bị đại hội Đảng nhiệm kỳ nào vậy?",
    "So sánh thu nhập bình quân Kinh Môn năm 2020 và 2023",
    "Dân số thành phố Đà Lạt năm 2020 là bao nhiêu?",
    "quy hoach phat trien ky anh den nam 2030",
    "Tốc độ tăng trưởng kinh tế của Kinh Môn giai đoạn 2020-2025?",
    "Kinh Môn có bao nhiêu đơn vị hành chính cấp xã?",
    "Giá vé xe buýt ở Hà Nội?",
    "Đến năm 2030 Kỳ Anh phấn đấu trở thành gì?",
    "Tỷ lệ hộ nghèo của thị xã Kinh Môn?",
    "Kinh Môn " + "phát triển đô thị và công nghiệp " * 20,
]
USER_BASE = 100_000
FLOODER = 99_999
USER_NAME = "Người dùng"  # the first name every simulated user sends with
ADMIN = 4242
NEW_ARTICLE = """Thị xã Sơn Tây đặt mục tiêu trở thành thành phố vào năm 2030

Báo Hà Nội Mới - Ngày 12/5/2023, Thị ủy Sơn Tây tổ chức hội nghị bàn về quy hoạch phát triển thị xã.

Theo báo cáo, thu nhập bình quân đầu người của thị xã Sơn Tây năm 2022 đạt 68 triệu đồng/năm.
"""


@dataclass
class User:
    uid: int
    questions: list[str]
    asked: int = 0
    sent_at: float = 0.0
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (asked at, seconds)
    replies: list[str] = field(default_factory=list)


class LoadAPI(FakeBotAPI):
    """The fake Bot API driving closed-loop users: each answer triggers that user's next question."""

    def __init__(self, users: list[User], think: float = 0.0) -> None:
        super().__init__(TOKEN)
        self.users = {u.uid: u for u in users}
        self.think = think
        self.flood_replies: list[str] = []
        self.flood_window = (0.0, 0.0)
        self.last_flood_reply = 0.0
        self.admin_replies: list[str] = []
        self.reload_window = (0.0, 0.0)
        self._message_ids = iter(range(1, 10**9))
        self.done = threading.Event()

    def ask(self, user: User) -> None:
        with self.lock:
            question = user.questions[user.asked]
            user.asked += 1
            user.sent_at = time.monotonic()
            self.push_update(
                private_message(user.uid, question, next(self._message_ids), first_name=USER_NAME)
            )

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        result = super().api_sendMessage(params)
        now = time.monotonic()
        chat = int(params["chat_id"])
        if chat == FLOODER:
            self.flood_replies.append(params["text"])
            self.last_flood_reply = now
        elif chat == ADMIN:
            self.admin_replies.append(params["text"])
            if params["text"].startswith("✅"):
                self.reload_window = (self.reload_window[0], now)
        elif (user := self.users.get(chat)) is not None:
            user.replies.append(params["text"])
            if len(user.replies) <= user.asked:
                user.latencies.append((user.sent_at, now - user.sent_at))
            if user.asked < len(user.questions):
                if self.think:
                    threading.Timer(self.think, self.ask, (user,)).start()
                else:
                    self.ask(user)
            elif all(len(u.replies) >= len(u.questions) for u in self.users.values()):
                self.done.set()
        return result

    def flood(self, count: int, seconds: float, delay: float, text: str | None = None) -> None:
        """`count` messages from one user over `seconds`: questions, or `text` each time ("?!",
        "/nguon": what costs the bot a reply but is no question)."""
        time.sleep(delay)
        start = time.monotonic()
        for i in range(count):
            update = private_message(
                FLOODER,
                text or QUESTIONS[i % len(QUESTIONS)],
                next(self._message_ids),
                first_name=USER_NAME,
                command=bool(text and text.startswith("/")),
            )
            self.push_update(update)
            time.sleep(max(0.0, start + (i + 1) * seconds / count - time.monotonic()))
        self.flood_window = (start, time.monotonic())

    def reload(self, articles_dir: Path, delay: float) -> None:
        """After `delay` seconds, a new article appears and the admin sends /reload."""
        time.sleep(delay)
        unique = f"\nBài thử tải số {time.time_ns()}.\n"  # new content each run: really indexed
        (articles_dir / "load_test_new_article.txt").write_text(NEW_ARTICLE + unique, encoding="utf-8")
        update = private_message(
            ADMIN, "/reload", next(self._message_ids), first_name=USER_NAME, command=True
        )
        self.reload_window = (time.monotonic(), 0.0)
        self.push_update(update)

    # Calls the load test does not inspect are not kept: a long run would pile them up.
    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        code, body = super().handle(method, params)
        with self.lock:
            if len(self.calls) > 1000:
                del self.calls[:-100]
            if len(self.messages) > 1000:
                for key in list(self.messages)[:-100]:
                    del self.messages[key]
        return code, body


def logged_questions(project: Path) -> int:
    """Questions in the bot's question log (a project used before may hold some already)."""
    path = project / "data" / "bot.db"
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM questions WHERE channel = 'telegram'").fetchone()[0]
        except sqlite3.OperationalError:  # no question log yet
            return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Result:
    users: int
    questions: int
    answered: int
    seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    logged: int
    problems: list[str]
    bot_cpu_ms_per_question: float = 0.0
    driver_cpu_seconds: float = 0.0
    flood_sent: int = 0
    flood_answers: int = 0
    flood_warnings: int = 0
    reload_seconds: float = 0.0
    during_reload_p50_ms: float = 0.0  # questions asked while a /reload ran
    during_reload_p95_ms: float = 0.0
    during_reload_count: int = 0
    # The other users' questions asked from the flood's first message until its last reply (a
    # backlog of replies to the flooder outlasts the flood itself).
    during_flood_p50_ms: float = 0.0
    during_flood_p95_ms: float = 0.0
    during_flood_max_ms: float = 0.0
    during_flood_count: int = 0
    outside_flood_p50_ms: float = 0.0
    outside_flood_p95_ms: float = 0.0
    stderr_tail: str = ""

    def summary(self) -> str:
        line = (
            f"{self.users} users x {self.questions} questions: {self.answered} answered in {self.seconds:.1f} s "
            f"({self.answered / self.seconds:.0f}/s); latency p50 {self.p50_ms:.0f} ms, "
            f"p95 {self.p95_ms:.0f} ms, max {self.max_ms:.0f} ms; {self.logged} logged; "
            f"bot CPU {self.bot_cpu_ms_per_question:.1f} ms per question"
        )
        if self.reload_seconds:
            line += (
                f"; a /reload took {self.reload_seconds:.1f} s, the {self.during_reload_count} questions asked "
                f"meanwhile p50 {self.during_reload_p50_ms:.0f} ms, p95 {self.during_reload_p95_ms:.0f} ms"
            )
        if self.flood_sent:
            line += (
                f"; flooder sent {self.flood_sent}, got {self.flood_answers} replies and "
                f"{self.flood_warnings} slow-down notice: {self.flood_sent - self.flood_answers} throttled; "
                f"the others' {self.during_flood_count} questions during the flood p50 "
                f"{self.during_flood_p50_ms:.0f} ms, p95 {self.during_flood_p95_ms:.0f} ms, "
                f"max {self.during_flood_max_ms:.0f} ms, outside it p50 {self.outside_flood_p50_ms:.0f} ms, "
                f"p95 {self.outside_flood_p95_ms:.0f} ms"
            )
        return line


def prepare_project(root: Path, prebuilt: Path | None = None) -> Path:
    """A project directory with the seeds (and a prebuilt database when given)."""
    if prebuilt is not None:
        shutil.copytree(prebuilt, root, dirs_exist_ok=True)
    else:
        shutil.copytree(REPO / "seeds", root / "seeds")
        (root / "data" / "articles").mkdir(parents=True)
    return root


def run_load(
    project: Path,
    *,
    users: int,
    questions: int,
    rate_limit: int = 0,
    send_rate: int = 0,
    think: float = 0.0,
    flood: int = 0,
    flood_seconds: float = 3.0,
    flood_delay: float = 1.0,
    flood_text: str | None = None,
    reload_after: float | None = None,
    timeout: float = 300.0,
    user_base: int = USER_BASE,
    profile: Path | None = None,
) -> Result:
    """Start the bot on `project`, run the users (and the flooder), stop the bot, report."""
    logged_before = logged_questions(project)
    population = [
        User(user_base + i, [QUESTIONS[(i + k) % len(QUESTIONS)] for k in range(questions)])
        for i in range(users)
    ]
    api = LoadAPI(population, think)
    with serving(api) as stand_in:
        env = {
            **os.environ,
            "BOT_HOME": str(project),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": stand_in.base_url,
            "BOT_DB": str(project / "data" / "bot.db"),
            "BOT_CORPUS": f"{project / 'seeds'},{project / 'data' / 'articles'}",
            "BOT_ARTICLES_DIR": str(project / "data" / "articles"),
            "ADMIN_IDS": str(ADMIN),
            "RATE_LIMIT_PER_MINUTE": str(rate_limit),
            "SEND_RATE_PER_SECOND": str(send_rate),
            "USER_HASH_KEY": "load-test-user-hash-key-0123456789",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (read after the bot stops)
        command = [sys.executable, "-m", "bot", "run"]
        if profile is not None:  # cProfile writes its file when the bot stops cleanly
            command[1:1] = ["-m", "cProfile", "-o", str(profile)]
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            if not api.wait_for(lambda: api.called("setMyCommands") or proc.poll() is not None, 120):
                raise RuntimeError("the bot did not start")
            if proc.poll() is not None:
                stderr.seek(0)
                raise RuntimeError("the bot exited at start-up:\n" + stderr.read()[-3000:])
            started = time.monotonic()
            bot_cpu0, own_cpu0 = cpu_seconds(proc.pid), time.process_time()
            for user in population:
                api.ask(user)
            flooder = None
            if reload_after is not None:
                threading.Thread(
                    target=api.reload, args=(project / "data" / "articles", reload_after), daemon=True
                ).start()
            if flood:
                flooder = threading.Thread(
                    target=api.flood, args=(flood, flood_seconds, flood_delay, flood_text), daemon=True
                )
                flooder.start()
            api.done.wait(timeout)
            seconds = time.monotonic() - started
            bot_cpu, own_cpu = cpu_seconds(proc.pid) - bot_cpu0, time.process_time() - own_cpu0
            if flooder is not None:
                flooder.join(flood_delay + flood_seconds + 5)
            time.sleep(1.0)  # anything answered twice, or late, shows up now
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stderr.seek(0)
        err = stderr.read()
        stderr.close()
    problems = list(api.problems)
    if proc.returncode != 0:
        problems.append(f"the bot exited with status {proc.returncode}")
    if "Traceback" in err or " ERROR " in err:
        problems.append("errors in the bot's log")
    if TOKEN in err:
        problems.append("the token is in the bot's log")
    for user in population:
        if len(user.replies) != len(user.questions):
            problems.append(f"user {user.uid}: {len(user.questions)} questions, {len(user.replies)} replies")
        for reply in user.replies:
            if "<blockquote>" not in reply and "Xin lỗi" not in reply and "Không tìm thấy" not in reply:
                problems.append(f"user {user.uid}: not an answer: {reply[:100]!r}")
    logged = logged_questions(project) - logged_before
    latencies = [t for u in population for _, t in u.latencies]
    r_start, r_end = api.reload_window
    if reload_after is not None and not r_end:
        problems.append("the /reload did not report")
    in_reload = [t for u in population for at, t in u.latencies if r_start <= at <= r_end]
    start, end = api.flood_window
    end = max(end, api.last_flood_reply)
    during = [t for u in population for at, t in u.latencies if start <= at <= end]
    outside = [t for u in population for at, t in u.latencies if not start <= at <= end]
    warnings = [r for r in api.flood_replies if r.startswith("Bạn đang hỏi hơi nhanh")]
    return Result(
        users=users,
        questions=questions,
        answered=sum(len(u.replies) for u in population),
        seconds=seconds,
        p50_ms=statistics.median(latencies) * 1000 if latencies else float("nan"),
        p95_ms=percentile(latencies, 95) * 1000 if latencies else float("nan"),
        max_ms=max(latencies) * 1000 if latencies else float("nan"),
        logged=logged,
        problems=problems,
        bot_cpu_ms_per_question=bot_cpu * 1000 / max(1, users * questions + flood),
        driver_cpu_seconds=own_cpu,
        flood_sent=flood,
        flood_answers=len(api.flood_replies) - len(warnings),
        flood_warnings=len(warnings),
        reload_seconds=max(0.0, r_end - r_start),
        during_reload_p50_ms=statistics.median(in_reload) * 1000 if in_reload else 0.0,
        during_reload_p95_ms=percentile(in_reload, 95) * 1000 if in_reload else 0.0,
        during_reload_count=len(in_reload),
        during_flood_p50_ms=statistics.median(during) * 1000 if during else 0.0,
        during_flood_p95_ms=percentile(during, 95) * 1000 if during else 0.0,
        during_flood_max_ms=max(during) * 1000 if during else 0.0,
        during_flood_count=len(during),
        outside_flood_p50_ms=statistics.median(outside) * 1000 if outside else 0.0,
        outside_flood_p95_ms=percentile(outside, 95) * 1000 if outside else 0.0,
        stderr_tail=err[-3000:],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20, help="questions per user")
    parser.add_argument("--rate-limit", type=int, default=0, help="RATE_LIMIT_PER_MINUTE (0: off)")
    parser.add_argument(
        "--send-rate", type=int, default=0, help="SEND_RATE_PER_SECOND (30 as on Telegram; 0: off)"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a user waits before the next question"
    )
    parser.add_argument("--flood", type=int, default=0, help="messages the flooder sends")
    parser.add_argument("--flood-seconds", type=float, default=3.0, help="over how many seconds")
    parser.add_argument("--flood-delay", type=float, default=1.0, help="seconds after the users start")
    parser.add_argument(
        "--flood-text", help="what each flood message says ('?!', '/nguon'; default: the questions)"
    )
    parser.add_argument(
        "--reload-after", type=float, help="seconds after the start, a new article and /reload"
    )
    parser.add_argument(
        "--project", type=Path, help="a project dir to use (default: a temporary copy of seeds/)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--profile", type=Path, help="run the bot under cProfile, writing this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project or prepare_project(Path(tmp) / "project")
        result = run_load(
            project,
            users=args.users,
            questions=args.questions,
            rate_limit=args.rate_limit,
            send_rate=args.send_rate,
            think=args.think,
            flood=args.flood,
            flood_seconds=args.flood_seconds,
            flood_delay=args.flood_delay,
            flood_text=args.flood_text,
            reload_after=args.reload_after,
            profile=args.profile,
        )
    result.stderr_tail = ""
    print(json.dumps(result.__dict__, ensure_ascii=False) if args.json else result.summary())
    for problem in result.problems[:20]:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
