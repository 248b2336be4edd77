"""bot/texts.py owns what the bot says and the one check of a question's input: the terminal,
the JSON batch and Telegram give the same wording, and the other modules hold no Vietnamese
sentence of their own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import texts
from bot.engine import Engine
from bot.qa import answer_question
from bot.search.snapshot import Snapshot

BOT = Path(__file__).resolve().parent.parent / "bot"
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)

# The shells and the modules between them and the core: their user-facing sentences live in
# bot/texts/. (bot/text, bot/search hold Vietnamese vocabulary; bot/corpus and bot/web, the
# reasons a file or a link is refused, where the readers find them.)
OWNED_ELSEWHERE = [
    "cli.py", "terminal.py", "engine.py", "qa.py", "errors.py", "conversation.py",
    "corpus_admin.py", "corpus_changes.py",
    "answer/*.py", "tg/*.py", "tg/**/*.py",
]  # fmt: skip
# Left where they are on purpose: argparse's option help (it describes the options beside it),
# and the operator's bilingual start-up instructions, printed to the terminal by `run`.
EXEMPT_NAMES = {"MISSING_TOKEN", "INVALID_TOKEN", "MISSING_TORNADO"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _exempt(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "help":
            ids.update(id(n) for n in ast.walk(node.value))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in EXEMPT_NAMES for t in node.targets
        ):
            ids.update(id(n) for n in ast.walk(node.value))
    return ids


def vietnamese_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _exempt(tree)
    return [
        f"{path.relative_to(BOT)}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and VIETNAMESE.search(node.value)
    ]


# The conversation's tables, charts and yes/no leads (merged from the conversation work) still
# hold their words: status labels, table notes, unit words, "Có"/"Không". To move to
# bot/texts/conversation.py; listed so that no other module adds its own.
NOT_YET_MOVED = {"answer/chart.py", "answer/context.py", "answer/table.py", "answer/yesno.py"}


def test_no_vietnamese_sentence_outside_texts():
    files = sorted(
        {p for pattern in OWNED_ELSEWHERE for p in BOT.glob(pattern)} - {BOT / name for name in NOT_YET_MOVED}
    )
    assert len(files) > 15
    found = [line for p in files for line in vietnamese_literals(p)]
    assert found == []


def test_vietnamese_literals_are_found():
    """The check above would see a sentence in any of those modules (here: bot/texts' own)."""
    found = vietnamese_literals(BOT / "texts" / "answers.py")
    assert any("Tôi không còn đoạn nào khác" in line for line in found)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _strings(v)]
    return []


def test_constants_are_plain_text_that_is_also_valid_html():
    # The command menu is not a message: Telegram shows its descriptions as they are.
    menus = {"USER_COMMANDS", "ADMIN_COMMANDS"}
    constants = {k: v for k, v in vars(texts).items() if k.isupper() and k not in menus}
    strings = [s for v in constants.values() for s in _strings(v)]
    assert len(strings) > 60
    assert [s for s in strings if re.search(r"[<>&]", s)] == []


# ---------------------------------------------------------------- the one input check


@pytest.mark.parametrize("question", ["", "   ", "?!", "👍", "...!!!", "\u200b\u200b", "\n\t"])
def test_nothing_to_ask_gets_the_hint_and_the_coverage(seed_snapshot: Snapshot, question: str):
    said = texts.check_question(question, 1000, seed_snapshot.coverage)
    assert said == f"{texts.HINT_EMPTY} {texts.covers(seed_snapshot.coverage)}"
    assert "Hiện tôi có 5 bài viết về: " in said
    answer = answer_question(seed_snapshot, question)  # what the terminal and the JSON batch print
    assert answer.refused and answer.quotes == () and answer.notice == said


def test_too_long_counts_characters_once_spaces_are_collapsed(seed_snapshot: Snapshot):
    cov = seed_snapshot.coverage
    assert texts.check_question("x" * 1000, 1000, cov) is None
    assert texts.check_question("Kinh Môn" + " " * 5000 + "2023?", 1000, cov) is None
    over = "x" * 1001
    assert texts.check_question(over, 1000, cov) == texts.too_long(1001, 1000)
    assert "1001 ký tự, tối đa 1000 ký tự" in texts.too_long(1001, 1000)
    answer = answer_question(seed_snapshot, over)
    assert answer.refused and answer.notice == texts.too_long(1001, 1000)
    assert answer_question(seed_snapshot, over, max_chars=2000).notice != texts.too_long(1001, 2000)


def test_a_plain_question_passes_the_check(seed_snapshot: Snapshot):
    assert texts.check_question("Dân số Kinh Môn?", 1000, seed_snapshot.coverage) is None


# ---------------------------------------------------------------- one wording each


async def test_no_more_passages_is_said_once_in_one_wording(engine: Engine, seed_snapshot: Snapshot):
    question = "Kinh Môn có bao nhiêu doanh nghiệp?"
    assert answer_question(seed_snapshot, question, offset=10_000).notice == texts.NOTHING_MORE
    answer, _ = engine.more(question, 10_000)
    assert answer.refused and answer.quotes == () and answer.notice == texts.NOTHING_MORE


def test_examples_without_diacritics_use_the_one_fold():
    assert (
        texts.no_diacritics_example("Đông Triều có bao nhiêu xã, phường?")
        == "dong trieu co bao nhieu xa phuong"
    )
    assert not hasattr(texts, "strip_diacritics")


def test_file_sizes_read_the_vietnamese_way():
    assert texts.file_too_big(3_500_000, 2_000_000) == "Tệp quá lớn (3,5 MB); giới hạn là 2,0 MB."
    assert (
        texts.file_too_big(2_000_001, 2_000_000)
        == "Tệp quá lớn (2.000.001 byte); giới hạn là 2.000.000 byte."
    )
    assert texts.upload_too_big(3_500_000, 2_000_000) == "❌ " + texts.file_too_big(3_500_000, 2_000_000)
