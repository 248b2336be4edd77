"""A static check that SQL in bot/ is never built from values: every query is a constant, or an
f-string whose only holes are `?` placeholders or names that provably hold constants.

Used by test_security.py. What counts as SQL: a string with an upper-case SQL keyword. What it
reports: (file, line, why) for each query built any other way.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SQL = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|ATTACH|REPLACE)\b")
EXECUTE = {"execute", "executemany", "executescript"}

# (file, function): reviewed cases whose holes hold constants the analysis cannot follow.
ALLOWED: dict[tuple[str, str], str] = {
    # The statements of a migration come from the constant scripts in bot/storage/migrations.py.
    ("bot/storage/migrations.py", "migrate"): "migration statements are constants",
}


def _is_sql(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(SQL.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_sql(v) for v in node.values if isinstance(v, ast.Constant))
    return False


def _placeholders(expr: ast.AST) -> bool:
    """`','.join('?' * n)` and the like: a run of `?` marks."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "join"
        and isinstance(expr.func.value, ast.Constant)
        and isinstance(expr.func.value.value, str)
        and set(expr.func.value.value) <= {",", " "}
        and len(expr.args) == 1
    ):
        return False
    arg = expr.args[0]
    return (
        isinstance(arg, ast.BinOp)
        and isinstance(arg.op, ast.Mult)
        and any(isinstance(s, ast.Constant) and s.value == "?" for s in (arg.left, arg.right))
    )


def _constant(node: ast.AST) -> bool:
    """A string literal, or literals joined with +."""
    if isinstance(node, ast.Constant):
        return True
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and _constant(node.left)
        and _constant(node.right)
    )


def module_constants(tree: ast.Module) -> set[str]:
    """Names a module assigns a constant to, at its top level."""
    return {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _constant(node.value)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


class _Module:
    def __init__(self, rel: str, tree: ast.Module, imported: dict[str, set[str]] | None = None) -> None:
        self.rel = rel
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.constants = module_constants(tree)
        # Constants imported by name from other modules of the package (`from bot.x import Q`).
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (imported or {}):
                self.constants |= {a.asname or a.name for a in node.names if a.name in imported[node.module]}

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def allowed(self, node: ast.AST) -> bool:
        fn = self.function_of(node)
        return fn is not None and (self.rel, fn.name) in ALLOWED

    def call_site_args(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> list[ast.AST] | None:
        """What every call of fn in this module passes as param; None if some call is unclear."""
        params = [a.arg for a in fn.args.args]
        if param not in params:
            return None
        index = params.index(param)
        method = bool(params) and params[0] in ("self", "cls")
        found: list[ast.AST] = []
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name != fn.name:
                continue
            kw = [k.value for k in node.keywords if k.arg == param]
            position = index - (1 if method and isinstance(node.func, ast.Attribute) else 0)
            if kw:
                found.append(kw[0])
            elif 0 <= position < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args):
                found.append(node.args[position])
            else:
                return None
        return found or None

    def constant_name(self, name: str, at: ast.AST) -> bool:
        """A name that holds a constant string wherever `at` is reached."""
        if name in self.constants:
            return True
        fn = self.function_of(at)
        if fn is None:
            return False
        args = self.call_site_args(fn, name)
        if args is not None:
            return all(self.safe_query(a) for a in args)
        values = [
            n.value
            for n in ast.walk(fn)
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
        ]
        return bool(values) and all(self.safe_query(v) for v in values)

    def safe_hole(self, expr: ast.AST, at: ast.AST) -> bool:
        if isinstance(expr, ast.Constant):
            return True
        if _placeholders(expr):
            return True
        return isinstance(expr, ast.Name) and self.constant_name(expr.id, at)

    def safe_query(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(
                self.safe_hole(v.value, node) for v in node.values if isinstance(v, ast.FormattedValue)
            )
        if isinstance(node, ast.Name):
            return self.constant_name(node.id, node)
        return False


def audit(root: Path) -> list[tuple[str, int, str]]:
    sources = {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "bot").rglob("*.py"))
    }
    imported = {
        rel.removesuffix(".py").removesuffix("/__init__").replace("/", "."): module_constants(ast.parse(src))
        for rel, src in sources.items()
    }
    problems: list[tuple[str, int, str]] = []
    for rel, source in sources.items():
        problems += audit_source(rel, source, imported)
    return problems


def audit_source(
    rel: str, source: str, imported: dict[str, set[str]] | None = None
) -> list[tuple[str, int, str]]:
    mod = _Module(rel, ast.parse(source), imported)
    problems: list[tuple[str, int, str]] = []

    def report(node: ast.AST, why: str) -> None:
        if not mod.allowed(node):
            problems.append((rel, getattr(node, "lineno", 0), why))

    for node in ast.walk(mod.tree):
        # SQL text built by f-string, %, + or .format().
        if isinstance(node, ast.JoinedStr) and _is_sql(node) and not mod.safe_query(node):
            report(node, "f-string SQL with a value in it")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            if _is_sql(node.left) or _is_sql(node.right):
                report(node, "SQL built with % or +")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "format" and _is_sql(node.func.value):
                report(node, "SQL built with .format()")
            elif node.func.attr in EXECUTE and node.args and not mod.safe_query(node.args[0]):
                report(node, f"{node.func.attr}() of a query that is not a constant")
    return problems
