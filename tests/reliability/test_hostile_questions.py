"""A fixed corpus of over 1,000 hostile questions through the real `python -m bot ask --json -`."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from projects import REPO, run_bot
from rel_support import integrity, rows

DATA = REPO / "tests" / "data"
CORPUS = DATA / "hostile_questions.txt"
FIELDS = {"question", "refused", "text", "understood", "sources"}
OPTIONAL = {"kind", "reading", "table"}  # small talk, a follow-up's reading, a table of facts
SOURCE_FIELDS = {
    "path",
    "title",
    "publisher",
    "date",
    "place",
    "province",
    "url",
    "page",
    "level",
    "province_2025",
}
# What must never reach a person: tracebacks, Python and SQLite internals.
LEAKS = ("Traceback", 'File "', "Error:", "sqlite", "OperationalError", "Exception", "<module>", "__")


def test_the_committed_corpus_is_what_the_script_writes():
    script = runpy.run_path(str(DATA / "make_hostile_questions.py"), run_name="hostile")
    expected = "\n".join(script["lines"]()).encode("utf-8") + b"\n"
    assert CORPUS.read_bytes() == expected, "run tests/data/make_hostile_questions.py and commit its output"


@pytest.mark.slow  # python -m bot ask on 1,000 lines
def test_every_hostile_line_gets_exactly_one_json_line(built_project: Path):
    data = CORPUS.read_bytes()
    lines_in = data.split(b"\n")[:-1]  # the file ends with a newline
    assert len(lines_in) >= 1000
    assert b"\0" not in data
    assert sum(1 for line in lines_in if not line.strip()) >= 5
    assert max(len(line.decode("utf-8")) for line in lines_in) >= 10_000

    proc = run_bot(built_project, "ask", "--json", "-", stdin=data, timeout=300)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]

    out = proc.stdout
    assert out.endswith(b"\n")
    lines_out = out.split(b"\n")[:-1]
    assert len(lines_out) == len(lines_in)
    # One line for every reader: str.splitlines() also breaks on U+2028, U+0085, \x0b, \x1c...
    assert len(out.decode("utf-8").splitlines()) == len(lines_in)

    outside = {str(built_project), str(built_project.parent), str(Path.home()), str(REPO)}
    answered = 0
    for i, (raw_in, raw_out) in enumerate(zip(lines_in, lines_out, strict=True)):
        obj = json.loads(raw_out)
        question = raw_in.decode("utf-8", "replace").rstrip("\r\n")
        assert FIELDS <= set(obj) <= FIELDS | OPTIONAL, i
        assert obj["question"] == question, i  # in order, echoed verbatim
        assert isinstance(obj["refused"], bool), i
        assert isinstance(obj["text"], str) and obj["text"].strip(), i  # a refusal still says something
        assert obj["understood"] is None or isinstance(obj["understood"], str), i
        assert isinstance(obj["sources"], list), i
        for src in obj["sources"]:
            assert set(src) == SOURCE_FIELDS, i
            path = src["path"]
            assert not path.startswith("/") and ".." not in path.split("/"), (i, path)
            assert (built_project / path).is_file(), (i, path)
        # Nothing leaked: the answer text is built from the corpus and our own messages only.
        text = obj["text"]
        for leak in LEAKS:
            assert leak not in text or leak in question, (i, leak, text[:300])
        for place in outside:
            assert place not in raw_out.decode("utf-8"), (i, place)
        answered += not obj["refused"]
    # The corpus mixes real questions into the hostile text: both outcomes occur.
    assert 100 < answered < len(lines_in) - 100

    # Every question was logged, verbatim, in order; the database is intact.
    db = built_project / "data" / "bot.db"
    logged = rows(db, "SELECT question FROM questions ORDER BY id")
    assert [q for (q,) in logged] == [line.decode("utf-8", "replace").rstrip("\r\n") for line in lines_in]
    assert rows(db, "SELECT COUNT(*) FROM articles") == [(5,)]
    assert integrity(db) == "ok"
