"""The command line, run as a user runs it: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from projects import SEEDS, bot_env, copy_index, make_project, run_bot

from bot.texts import INDEX_PROGRESS

pytestmark = pytest.mark.slow  # starts processes or runs load

KM2023 = "seeds/002_2aaee87bbf065049.txt"
MC2024 = "seeds/003_0255a5737a73828f.txt"


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory, built_db) -> Path:
    """A project whose database was already built (so each command starts quickly)."""
    root = make_project(tmp_path_factory.mktemp("cli") / "project")
    copy_index(built_db, root / "data" / "bot.db")
    return root


def test_ask_prints_quote_and_source(cli_project):
    p = run_bot(cli_project, "ask", "Thu nhập bình quân đầu người Kinh Môn năm 2023 là bao nhiêu?")
    assert p.returncode == 0, p.err
    assert "«Thu nhập bình quân đầu người năm 2023 ước đạt 92,5 triệu đồng" in p.out
    assert "— Nguồn: " in p.out
    assert "Trang thông tin điện tử xã Quang Thành - thị xã Kinh Môn, 22/06/2023" in p.out
    assert "Traceback" not in p.err


def test_ask_joins_unquoted_words(cli_project):
    p = run_bot(cli_project, "ask", "mong", "cai", "con", "bao", "nhieu", "ho", "can", "ngheo")
    assert p.returncode == 0, p.err
    assert "57 hộ" in p.out


def test_ask_json_one_object(cli_project):
    q = "Móng Cái còn bao nhiêu hộ cận nghèo?"
    p = run_bot(cli_project, "ask", "--json", q)
    assert p.returncode == 0, p.err
    lines = p.out.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["question"] == q
    assert obj["refused"] is False
    assert "57 hộ" in obj["text"] and "«" in obj["text"]
    src = obj["sources"][0]
    assert src["path"] == MC2024  # relative to the project root, forward slashes
    assert src["title"] == "Phát triển KKT cửa khẩu Móng Cái thành KKT trọng điểm quốc gia"
    assert src["publisher"] == "Cổng thông tin điện tử tỉnh Quảng Ninh"
    assert src["date"] == "2024-03-04"
    assert not src["path"].startswith("/")


def test_ask_json_stdin_one_line_out_per_line_in(cli_project):
    lines_in = [
        b"thu nhap binh quan dau nguoi kinh mon nam 2023",
        b"",
        "Móng Cái còn bao nhiêu hộ cận nghèo?".encode(),
        b"@@@ ### !!! ???",
        b"\xff\xfe\x00 r\xe1c kh\xf4ng ph\xe3i UTF-8",
        b"xyzzy plugh frobnicate\r",  # a Windows line ending
        b"   ",
        "Thị xã Sầm Sơn có bao nhiêu dự án?".encode(),  # last line without a newline
    ]
    p = run_bot(cli_project, "ask", "--json", "-", stdin=b"\n".join(lines_in))
    assert p.returncode == 0, p.err
    out = p.out.splitlines()
    assert len(out) == len(lines_in)
    objs = [json.loads(line) for line in out]
    for obj in objs:
        assert set(obj) >= {"question", "refused", "text", "sources"}
        assert isinstance(obj["refused"], bool) and isinstance(obj["sources"], list)
    # In order: each answer carries its own question.
    assert objs[0]["question"] == "thu nhap binh quan dau nguoi kinh mon nam 2023"
    assert objs[1]["question"] == ""
    assert objs[2]["question"] == "Móng Cái còn bao nhiêu hộ cận nghèo?"
    assert objs[5]["question"] == "xyzzy plugh frobnicate"
    assert objs[7]["question"] == "Thị xã Sầm Sơn có bao nhiêu dự án?"

    assert objs[0]["refused"] is False and objs[0]["sources"][0]["path"] == KM2023
    assert "92,5 triệu đồng" in objs[0]["text"]
    assert objs[2]["refused"] is False and objs[2]["sources"][0]["path"] == MC2024
    for i in (1, 3, 4, 5, 6, 7):
        assert objs[i]["refused"] is True, objs[i]
        assert objs[i]["sources"] == []
        assert objs[i]["text"]  # a refusal still says something
    assert "Sầm Sơn" in objs[7]["text"]


def test_missing_question_is_a_usage_error(cli_project):
    p = run_bot(cli_project, "ask")
    assert p.returncode == 2
    assert "usage" in p.err.lower()


def test_ask_builds_a_missing_index_first(tmp_path):
    root = make_project(tmp_path / "project")
    assert not (root / "data" / "bot.db").exists()
    p = run_bot(root, "ask", "--json", "Kinh Môn có bao nhiêu doanh nghiệp đang hoạt động?")
    assert p.returncode == 0, p.err
    (line,) = p.out.splitlines()  # the build's report does not pollute the JSON output
    obj = json.loads(line)
    assert obj["refused"] is False and "900 doanh nghiệp" in obj["text"]
    assert (root / "data" / "bot.db").exists()


def test_index_prints_a_summary_and_reports_bad_files(tmp_path):
    root = make_project(tmp_path / "project")
    first = run_bot(root, "index")
    assert first.returncode == 0, first.err
    assert first.err == ""  # a pipe gets no progress bar, only the summary
    assert re.search(r"Bài viết: 5 \(5 mới, 0 thay đổi, 0 bị gỡ, 0 giữ nguyên\)", first.out)
    n = int(re.search(r"Đoạn \(câu\) trong chỉ mục: (\d+); phân tích lại: (\d+)", first.out).group(1))
    assert n > 100
    assert f"phân tích lại: {n}" in first.out
    assert re.search(r"Thời gian: [\d.]+ giây", first.out)

    (root / "data" / "articles" / "trong.txt").write_bytes(b"")
    second = run_bot(root, "index")
    assert second.returncode == 0, second.err
    assert "Bài viết: 5 (0 mới, 0 thay đổi, 0 bị gỡ, 5 giữ nguyên)" in second.out
    assert "phân tích lại: 0" in second.out
    assert "Bỏ qua data/articles/trong.txt: tệp rỗng" in second.out


def test_sources_json_gives_each_articles_citation_and_place(cli_project):
    p = run_bot(cli_project, "sources", "--json")
    assert p.returncode == 0, p.err
    rows = [json.loads(line) for line in p.out.splitlines()]
    assert sorted(r["path"] for r in rows) == sorted(f"seeds/{f.name}" for f in SEEDS.glob("*.txt"))
    for r in rows:
        assert {
            "path",
            "title",
            "publisher",
            "date",
            "place",
            "province",
            "province_2025",
            "level",
        } <= r.keys()
    km = next(r for r in rows if r["path"] == KM2023)
    assert km["place"] == "Kinh Môn" and km["province"] == "Hải Dương"
    assert km["level"] == "district" and km["province_2025"] == "Hải Phòng"  # merged in July 2025
    assert km["date"] == "2023-06-22" and km["publisher"]


ASK_AND_LIST_MODULES = """
import sys
from bot.cli import main
code = main(["ask", "--json", "Dân số thị xã Kinh Môn bao nhiêu người?"])
bench = sorted(m for m in sys.modules if m == "bot.bench" or m.startswith("bot.bench."))
print("exit", code, "bench modules:", bench)
"""


def test_ask_does_not_import_the_bench(cli_project):
    p = run_bot(cli_project, python=("-c", ASK_AND_LIST_MODULES))
    assert p.returncode == 0, p.err
    answer, modules = p.out.splitlines()
    assert json.loads(answer)["refused"] is False
    assert modules == "exit 0 bench modules: []"


def test_bench_parses_its_own_options(cli_project):
    helped = run_bot(cli_project, "bench", "--help")
    assert helped.returncode == 0, helped.err
    assert "python -m bot bench" in helped.out and "--articles" in helped.out and "--passages" in helped.out
    missing = run_bot(cli_project, "bench", "--repeat", "2")
    assert missing.returncode == 2 and "--articles" in missing.err
    unknown = run_bot(cli_project, "ask", "--articles", "3", "Kinh Môn")
    assert unknown.returncode == 2 and "unrecognized arguments: --articles" in unknown.err


def index_on_a_terminal(root: Path) -> tuple[subprocess.CompletedProcess, str]:
    """`python -m bot index` with its stderr on a pseudo-terminal: the result and what it drew."""
    env = bot_env(root)
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "index"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
        )
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(master)
    return proc, drawn.decode("utf-8", "replace")


def test_index_draws_tqdm_s_bar_on_a_terminal(tmp_path):
    root = make_project(tmp_path / "project")
    proc, drawn = index_on_a_terminal(root)
    assert proc.returncode == 0
    assert f"{INDEX_PROGRESS}: 100%" in drawn and "5/5" in drawn and " bài/s]" in drawn
    assert "Bài viết: 5 (5 mới" in proc.stdout.decode("utf-8")

    again, drawn = index_on_a_terminal(root)  # nothing to analyse: no bar
    assert again.returncode == 0 and INDEX_PROGRESS not in drawn
