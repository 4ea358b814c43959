"""No SQL is built by string formatting from user input.

Every ``execute``/``executemany``/``executescript``/``query`` call in
``qualcoder_ahp/`` is checked statically: its SQL must be built only from string
literals, module constants (``UPPER_CASE`` names such as the known column lists),
``int(...)``/``len(...)`` results, or local variables themselves built that way
(``sql += " AND c.theme_id = ?"``, ``" AND ".join(where)`` of literal clauses).
Values go in as ``?`` parameters. Any f-string, ``.format`` or ``%`` with SQL in
it anywhere in the package is held to the same rule. A genuinely safe exception
goes into :data:`ALLOWED` with the reason, and the test checks the reason holds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "qualcoder_ahp"
SQL_CALLS = {"execute", "executemany", "executescript", "query"}
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|PRAGMA|CREATE|DROP|ALTER|"
                       r"JOIN|VALUES|FROM|ORDER BY|SAVEPOINT)\b")
CONSTANT = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
SAFE_CALLS = {"int", "len", "known_count"}
# (file name, variable) -> why it is safe, for a case the rules cannot see (none so far).
ALLOWED: dict[tuple[str, str], str] = {}


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.source)
        self.problems: list[str] = []
        self.local_functions = {n.name for n in self.tree.body if isinstance(n, ast.FunctionDef)}
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def scope_of(self, node: ast.AST) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return self.tree

    def assignments(self, scope: ast.AST, name: str) -> list[ast.expr]:
        values: list[ast.expr] = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                values.append(node.value)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(
                node.target, ast.Name) and node.target.id == name and node.value is not None:
                values.append(node.value)
            elif (isinstance(node, (ast.For, ast.comprehension))
                  and isinstance(node.target, ast.Name) and node.target.id == name):
                values.append(node.iter)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("append", "extend", "insert")
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == name):
                values.extend(node.args[-1:])
        return values

    def safe(self, expr: ast.AST, scope: ast.AST, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, (str, int, type(None)))
        if isinstance(expr, ast.JoinedStr):
            return all(self.safe(v.value, scope, seen) for v in expr.values
                       if isinstance(v, ast.FormattedValue))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mult)):
            return self.safe(expr.left, scope, seen) and self.safe(expr.right, scope, seen)
        if isinstance(expr, ast.IfExp):
            return self.safe(expr.body, scope, seen) and self.safe(expr.orelse, scope, seen)
        if isinstance(expr, (ast.List, ast.Tuple)):
            return all(self.safe(e, scope, seen) for e in expr.elts)
        if isinstance(expr, (ast.GeneratorExp, ast.ListComp)):
            return self.safe(expr.elt, scope, seen)
        if isinstance(expr, ast.Attribute):
            return bool(CONSTANT.match(expr.attr))
        if isinstance(expr, ast.Name):
            if CONSTANT.match(expr.id) or (self.path.name, expr.id) in ALLOWED:
                return True
            if expr.id in seen:
                return True
            values = self.assignments(scope, expr.id)
            if not values and scope is not self.tree:
                values = self.assignments(self.tree, expr.id)
            return bool(values) and all(self.safe(v, scope, seen | {expr.id}) for v in values)
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name) and func.id in SAFE_CALLS:
                return True
            if isinstance(func, ast.Name) and func.id in self.local_functions:
                # A helper of this module (``_split_sql``) fed only constants.
                return all(self.safe(a, scope, seen) for a in expr.args)
            if isinstance(func, ast.Attribute) and func.attr == "join":
                return self.safe(func.value, scope, seen) and all(
                    self.safe(a, scope, seen) for a in expr.args)
        return False

    def check(self) -> list[str]:
        for node in ast.walk(self.tree):
            where = f"{self.path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS and node.args
                    and (node.func.attr != "query" or SQL_WORDS.search(_literal(node.args[0])))):
                # (Textual's DOM ``query("#id")`` has no SQL in it and is not checked.)
                if not self.safe(node.args[0], self.scope_of(node)):
                    self.problems.append(f"{where}: SQL built from "
                                         f"{ast.unparse(node.args[0])[:80]}")
            formatted = None
            if isinstance(node, ast.JoinedStr):
                formatted = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)):
                formatted = str(node.func.value.value)
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
                  and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
                formatted = node.left.value
            if formatted and SQL_WORDS.search(formatted) and not self.safe(
                    node, self.scope_of(node)):
                self.problems.append(f"{where}: SQL formatted with non-constant parts: "
                                     f"{ast.unparse(node)[:80]}")
        return self.problems


def _literal(expr: ast.AST) -> str:
    """The string literals inside an expression, joined."""
    return " ".join(n.value for n in ast.walk(expr)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _check_all() -> list[str]:
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        problems.extend(_Checker(path).check())
    return problems


def test_no_sql_is_formatted_from_user_input():
    assert _check_all() == []


def test_the_checker_catches_interpolated_user_data(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(conn, name, where):\n"
        "    conn.execute(f\"SELECT * FROM coders WHERE name = '{name}'\")\n"
        "    sql = 'SELECT * FROM codings WHERE 1=1'\n"
        "    sql += ' AND theme_id = ' + name\n"
        "    conn.execute(sql)\n"
        "    conn.execute('DELETE FROM memos WHERE id = %s' % where)\n"
        "    conn.execute('SELECT {} FROM themes'.format(name))\n"
        "    ok = 'SELECT id FROM themes WHERE id = ?'\n"
        "    conn.execute(ok, [name])\n"
        "    for piece in name.split(';'):\n"
        "        conn.execute(piece)\n"
    )
    monkeypatch.setattr(_Checker, "__init__", _patched_init(bad))
    problems = _Checker(bad).check()
    lines = sorted({int(p.split(":")[1]) for p in problems})
    assert lines == [2, 5, 6, 7, 11], problems


def _patched_init(path: Path):
    real = _Checker.__init__

    def init(self: _Checker, _: Path) -> None:
        real(self, path)
        self.path = REPO / "tests" / path.name  # keeps relative_to(REPO) happy

    return init
