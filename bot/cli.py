"""Command line: ask, chat, index, run. Thin shells over the Engine."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import terminal, texts
from bot.answer.reply import Reply, render_reply_plain
from bot.config import Settings
from bot.errors import BotError, StorageError
from bot.models import Answer, ReloadReport

if TYPE_CHECKING:
    from bot.conversation import Conversation

log = logging.getLogger("bot")


def _progress_bar(stream=sys.stderr):
    last = [-1]

    def show(done: int, total: int) -> None:
        if not stream.isatty() and done != total:
            return
        pct = int(100 * done / total) if total else 100
        if pct == last[0]:
            return
        last[0] = pct
        bar = "#" * (pct // 4)
        stream.write(f"\rĐang phân tích bài viết [{bar:<25}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def format_report(r: ReloadReport) -> str:
    lines = [
        f"Bài viết: {r.articles} ({r.new} mới, {r.changed} thay đổi, {r.removed} bị gỡ, {r.unchanged} giữ nguyên)",
        f"Đoạn (câu) trong chỉ mục: {r.passages}; phân tích lại: {r.segmented_passages}",
        f"Thời gian: {r.seconds:.2f} giây",
    ]
    for p in r.problems:
        lines.append(f"Bỏ qua {p.path}: {p.reason}")
    return "\n".join(lines)


# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves raw (it
# escapes only those below U+0020): escaped, one answer stays one line for any reader.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def answer_json(question: str, answer: Answer | Reply) -> str:
    """One line of JSON, Vietnamese as UTF-8 (no \\u escapes)."""
    reply = answer if isinstance(answer, Reply) else Reply(question, answer)
    a = reply.answer
    obj: dict[str, object] = {
        "question": question,
        "refused": reply.refused,
        "text": render_reply_plain(reply),
        "understood": a.understood if a and not reply.reading else None,
        "sources": [s.as_json() for s in reply.sources],
    }
    if reply.kind != "answer":
        obj["kind"] = reply.kind  # "small_talk"
    if reply.reading:
        obj["reading"] = reply.reading
    if reply.table is not None:
        obj["table"] = [
            {
                "place": r.place,
                "period": r.period.label if r.period else None,
                "figure": r.figure,
                "value": r.value,
                "unit": r.unit,
                "status": r.status,
                "source": r.source.path,
            }
            for r in reply.table.rows
        ]
    return json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKS)


def utf8_stdout() -> None:
    """Write UTF-8 whatever the locale or PYTHONIOENCODING says: Vietnamese is never escaped
    or refused by an ASCII terminal setting."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace" if stream is sys.stderr else "strict")


async def _open(settings: Settings, *, quiet: bool = False):
    from bot.engine import Engine

    engine = await Engine.open(settings, build=False)
    try:
        report = await engine.reload(progress=None if quiet else _progress_bar())
    except StorageError as e:
        if not engine.has_index:
            await engine.close()
            raise
        # The database cannot take the new index (full, read-only, locked): answer from the last one.
        print(e.user_message, file=sys.stderr)
        return engine
    except BaseException:
        await engine.close()
        raise
    if report.changed_anything and not quiet:
        print(format_report(report), file=sys.stderr)
    elif report.problems:
        for p in report.problems:
            print(f"Bỏ qua {p.path}: {p.reason}", file=sys.stderr)
    return engine


async def cmd_ask(
    settings: Settings,
    questions: Sequence[str],
    as_json: bool,
    *,
    context: bool = False,
    chart: Path | None = None,
) -> int:
    from bot.conversation import Conversation

    utf8_stdout()
    engine = await _open(settings, quiet=as_json)
    # `ask` answers what it is asked: no "did you mean"; a context only with --context.
    talk = Conversation(engine, settings.context_minutes * 60)
    who = "cli" if context else None
    try:
        if list(questions) == ["-"]:
            # One question a line in, one answer a line out, in order, whatever the line holds.
            for raw in sys.stdin.buffer:
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                reply: Reply
                try:
                    reply, _ = await talk.respond(line, who, user=None, channel="cli", clarify=False)
                except BotError as e:
                    reply = Reply(line, Answer(line, True, (), None, e.user_message))
                except Exception:
                    # A bug on one line must not cost the lines after it their answers.
                    log.exception("question failed: %r", line[:200])
                    reply = Reply(line, Answer(line, True, (), None, BotError.user_message))
                print(answer_json(line, reply) if as_json else render_reply_plain(reply) + "\n", flush=True)
            return 0
        question = " ".join(questions)
        reply, _ = await talk.respond(question, who, user=None, channel="cli", clarify=False)
        print(answer_json(question, reply) if as_json else render_reply_plain(reply))
        if chart is not None:
            return _save_chart(talk, reply, chart)
        return 0
    finally:
        await engine.close()


async def cmd_sources(settings: Settings, as_json: bool) -> int:
    engine = await _open(settings, quiet=True)
    try:
        for a in sorted(engine.articles(), key=lambda a: a.path):
            if as_json:
                print(json.dumps(a.as_json(), ensure_ascii=False))
            else:
                where = ", ".join(x for x in (a.place, a.province) if x)
                print(f"{a.path}\t{a.line()}\t{where}")
        return 0
    finally:
        await engine.close()


def _save_chart(talk: Conversation, reply: Reply, path: Path) -> int:
    drawn = talk.chart(reply)
    if drawn is None:
        print(texts.CHART_NONE, file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(drawn.png)
    except OSError as e:
        print(f"Không ghi được tệp {path}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(texts.CHART_SAVED.format(path=path), file=sys.stderr)
    return 0


def cmd_chat(settings: Settings) -> int:
    """The terminal conversation. Lines are read in the main thread, so that readline's line
    editing and history work and Ctrl-C stops at once; each reply runs on one event loop."""
    from bot.conversation import Conversation

    loop = asyncio.new_event_loop()
    engine = loop.run_until_complete(_open(settings))
    talk = Conversation(engine, settings.context_minutes * 60)
    history = terminal.line_editing(settings.db_path.parent / "chat_history")
    chat = terminal.Chat(talk, settings.db_path.parent / "charts")
    try:
        print(chat.welcome())
        while True:
            try:
                line = input("Bạn hỏi: ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            out = loop.run_until_complete(chat.turn(line))
            if out is None:
                return 0
            print("\n" + out + "\n")
    finally:
        history.save()
        loop.run_until_complete(engine.close())
        loop.close()


async def cmd_add(settings: Settings, items: Sequence[str]) -> int:
    """Copy files (or every article file of a directory) and fetch links into the articles
    directory, index them with one reload, and report each."""
    from pathlib import Path

    from bot import corpus_admin
    from bot.corpus.formats import SUFFIXES
    from bot.web.fetch import link_in

    engine = await _open(settings, quiet=True)
    try:
        given: list[tuple[str, corpus_admin.Incoming | corpus_admin.AddOutcome]] = []
        for item in items:
            if link_in(item) or "://" in item:
                given.append((item, await corpus_admin.fetch_link(engine, item)))
                continue
            path = Path(item)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
                if not files:
                    given.append(
                        (item, corpus_admin.AddOutcome(item, reason="Thư mục không có tệp bài viết nào."))
                    )
                for f in files:
                    given.append((str(f), corpus_admin.Incoming(f.name, f.read_bytes())))
            elif path.is_file():
                given.append((item, corpus_admin.Incoming(path.name, path.read_bytes())))
            else:
                given.append((item, corpus_admin.AddOutcome(item, reason="Không tìm thấy tệp này.")))
        incoming = [x for _, x in given if isinstance(x, corpus_admin.Incoming)]
        added = iter(await engine.add_articles(incoming) if incoming else [])
        failed = 0
        for shown, x in given:
            outcome = next(added) if isinstance(x, corpus_admin.Incoming) else x
            print(format_outcome(shown, outcome))
            failed += outcome.info is None
        return 1 if failed else 0
    finally:
        await engine.close()


def format_outcome(shown: str, outcome) -> str:
    info = outcome.info
    if info is None:
        return f"Không thêm được {shown}: {outcome.reason}"
    s = info.source
    place = ", ".join(x for x in (s.place, s.province) if x)
    if info.already:
        return f"Đã có trong kho: {shown} → {s.path} — {s.line()}"
    return (
        f"Đã thêm: {shown} → {s.path} — {s.line()}"
        + (f" · {place}" if place else "")
        + f" · {info.passages} đoạn"
    )


async def cmd_index(settings: Settings, force: bool) -> int:
    from bot.engine import Engine

    engine = await Engine.open(settings, build=False)
    try:
        report = await engine.reload(progress=_progress_bar(), force=force)
        print(format_report(report))
        return 0
    finally:
        await engine.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_ask = sub.add_parser("ask", help="trả lời một câu hỏi (hoặc '-' để đọc từng dòng từ stdin)")
    p_ask.add_argument("--json", action="store_true", help="một đối tượng JSON mỗi dòng")
    p_ask.add_argument(
        "--context",
        action="store_true",
        help="với '-': các dòng là một cuộc trò chuyện (câu hỏi tiếp nối dựa vào câu trước)",
    )
    p_ask.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="lưu biểu đồ số liệu (nếu có) vào tệp PNG"
    )
    p_ask.add_argument("question", nargs="+")
    sub.add_parser("chat", help="trò chuyện trong terminal")
    p_index = sub.add_parser("index", help="lập hoặc cập nhật chỉ mục")
    p_index.add_argument("--force", action="store_true", help="ghi lại chỉ mục dù không có gì thay đổi")
    p_add = sub.add_parser(
        "add",
        help="thêm tệp (.txt .md .html .docx .pdf, hoặc cả thư mục) hay liên kết vào kho và lập chỉ mục",
    )
    p_add.add_argument("items", nargs="+", metavar="PATH|URL")
    sub.add_parser("run", help="chạy bot Telegram")
    p_sources = sub.add_parser("sources", help="liệt kê các bài trong kho và thông tin trích dẫn của chúng")
    p_sources.add_argument("--json", action="store_true", help="một đối tượng JSON mỗi bài")
    from bot.bench import build_parser

    build_parser(sub.add_parser("bench", help="đo tốc độ lập chỉ mục và trả lời trên kho bài tổng hợp"))
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except BotError as e:
        print(f"Lỗi cấu hình: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.INFO)
        if args.command == "run"
        else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        if args.command == "ask":
            return asyncio.run(
                cmd_ask(settings, args.question, args.json, context=args.context, chart=args.chart)
            )
        if args.command == "chat":
            return cmd_chat(settings)
        if args.command == "index":
            return asyncio.run(cmd_index(settings, args.force))
        if args.command == "add":
            return asyncio.run(cmd_add(settings, args.items))
        if args.command == "sources":
            return asyncio.run(cmd_sources(settings, args.json))
        if args.command == "run":
            from bot.tg.app import run

            return run(settings)
        if args.command == "bench":
            from bot.bench import main as bench_main

            return bench_main(args)
    except BotError as e:
        log.debug("command failed", exc_info=True)
        print(e.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2
