"""Command line: ask, chat, index, run. Thin shells over the Engine."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot import terminal, texts
from bot.answer.reply import Reply, render_reply_plain
from bot.config import Settings
from bot.errors import BotError, StorageError
from bot.models import Answer

if TYPE_CHECKING:
    from bot.conversation import Conversation

log = logging.getLogger("bot")


@contextlib.contextmanager
def progress_bar(stream: TextIO = sys.stderr) -> Iterator[Callable[[int, int], None] | None]:
    """tqdm's bar for the indexer's (done, total) calls, on a terminal only (a pipe or a file gets
    the summary alone). It appears at the first article analysed: none when nothing changed."""
    if not stream.isatty():
        yield None
        return
    from tqdm import tqdm  # imported for a terminal only: `ask` in a pipe does not pay for it

    bars: list[tqdm] = []
    # A terminal that reports no size (a bare pseudo-terminal) would get an empty bar, or none.
    size = os.terminal_size((0, 0))
    with contextlib.suppress(OSError, ValueError):
        size = os.get_terminal_size(stream.fileno())
    shape = {"ncols": size.columns or 80, "nrows": size.lines or 24}

    # Each call is drawn (the indexer calls once per batch of articles), so a run killed midway
    # has shown how far it got.
    def show(done: int, total: int) -> None:
        if not bars:
            bars.append(
                tqdm(
                    total=total,
                    desc=texts.INDEX_PROGRESS,
                    unit=texts.INDEX_UNIT,
                    file=stream,
                    mininterval=0,
                    miniters=1,
                    **shape,
                )
            )
        bars[0].update(done - bars[0].n)

    try:
        yield show
    finally:
        for bar in bars:
            bar.close()


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
        with progress_bar() if not quiet else contextlib.nullcontext() as show:
            report = await engine.reload(progress=show)
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
        print(texts.index_report(report), file=sys.stderr)
    elif report.problems:
        for p in report.problems:
            print(texts.skipped_file(p.path, p.reason), file=sys.stderr)
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
        print(texts.file_not_written(path, e.strerror or e), file=sys.stderr)
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
                line = input(texts.CHAT_PROMPT)
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
                    given.append((item, corpus_admin.AddOutcome(item, reason=texts.EMPTY_FOLDER)))
                for f in files:
                    given.append((str(f), corpus_admin.Incoming(f.name, f.read_bytes())))
            elif path.is_file():
                given.append((item, corpus_admin.Incoming(path.name, path.read_bytes())))
            else:
                given.append((item, corpus_admin.AddOutcome(item, reason=texts.NO_SUCH_FILE)))
        incoming = [x for _, x in given if isinstance(x, corpus_admin.Incoming)]
        added = iter(await engine.add_articles(incoming) if incoming else [])
        failed = 0
        for shown, x in given:
            outcome = next(added) if isinstance(x, corpus_admin.Incoming) else x
            print(texts.added_line(shown, outcome))
            failed += outcome.info is None
        return 1 if failed else 0
    finally:
        await engine.close()


async def cmd_index(settings: Settings, force: bool) -> int:
    from bot.engine import Engine

    engine = await Engine.open(settings, build=False)
    try:
        with progress_bar() as show:
            report = await engine.reload(progress=show, force=force)
        print(texts.index_report(report))
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
    # The bench parses its own options: bot.bench is imported only when it runs.
    sub.add_parser("bench", add_help=False, help="đo tốc độ lập chỉ mục và trả lời trên kho bài tổng hợp")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "bench":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        settings = Settings.from_env()
    except BotError as e:
        print(texts.config_error(e), file=sys.stderr)
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

            return bench_main(rest)
    except BotError as e:
        log.debug("command failed", exc_info=True)
        print(e.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2
