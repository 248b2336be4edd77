"""`pytest -m "not slow"` is the quick loop: every test that starts a process (python -m bot,
a worker pool, a generator script) or a Bot API stand-in over HTTP, or runs load, is marked slow."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# What starts a process or a server, in the tests and their support modules.
STARTERS = {
    "subprocess",
    "create_subprocess_exec",
    "Popen",
    "run_bot",
    "serving",
    "stand_in",
    "run_load",
    "IndexRun",
    "ProcessPoolExecutor",
}


def _is_slow(decorators: list[ast.expr]) -> bool:
    return any("mark.slow" in ast.unparse(d) for d in decorators)


def unmarked_starters(path: Path) -> list[str]:
    """Tests in `path` that start a process or a server, directly or through the module's own
    helpers and fixtures, without the slow mark (on the test or on the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_slow = any(
        isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
        and "mark.slow" in ast.unparse(n.value)
        for n in tree.body
    )
    functions = {
        n.name: n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    starters = set(STARTERS)
    while True:  # a helper or fixture of this module that starts one starts one too
        names = re.compile(r"\b(" + "|".join(sorted(starters)) + r")\b")
        more = {
            name for name, n in functions.items() if name not in starters and names.search(ast.unparse(n))
        }
        if not more:
            break
        starters |= more
    return [
        f"{path.name}::{name}"
        for name, n in functions.items()
        if name.startswith("test_")
        and name in starters
        and not module_slow
        and not _is_slow(getattr(n, "decorator_list", []))
    ]


def test_every_test_that_starts_a_process_is_marked_slow():
    files = [p for p in sorted(TESTS.rglob("test_*.py")) if p.name != "test_markers.py"]  # its sample
    assert len(files) > 30
    found = [t for p in files for t in unmarked_starters(p)]
    assert found == []


def test_the_check_sees_an_unmarked_one(tmp_path: Path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import subprocess\nimport pytest\n\n"
        "def helper():\n    return subprocess.run(['true'])\n\n"
        "def test_quick():\n    assert 1\n\n"
        "def test_through_a_helper():\n    assert helper().returncode == 0\n\n"
        "@pytest.mark.slow\ndef test_marked():\n    assert helper().returncode == 0\n",
        encoding="utf-8",
    )
    assert [t.split("::")[1] for t in unmarked_starters(sample)] == ["test_through_a_helper"]
