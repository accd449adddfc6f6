"""Static checks of the storage code: only parameterised SQL, and no pickle anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORAGE = Path(__file__).resolve().parents[2] / "src" / "werkmap" / "storage"
FILES = sorted(STORAGE.rglob("*.py"))
# The only values formatted into SQL text: constant column lists, a whitelisted PRAGMA value, an int().
ALLOWED_IN_SQL = {
    "_COLUMNS",
    "_OUTBOX_COLUMNS",
    "undelivered",
    "_SYNCHRONOUS[synchronous.lower()]",
    "int(max_page_count)",
    "int(checkpoint)",
    "marks",  # only "?, ?, …": one placeholder per id of a bulk read
}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_pickle(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name not in {"pickle", "marshal", "shelve"} for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert node.module not in {"pickle", "marshal", "shelve"}


def test_sql_is_parameterised() -> None:
    tree = ast.parse((STORAGE / "sqlite.py").read_text(encoding="utf-8"))
    schema = ast.parse((STORAGE / "sqlite_schema.py").read_text(encoding="utf-8"))
    formatted = []
    for node in (*ast.walk(tree), *ast.walk(schema)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"execute", "executemany", "_one", "_all"}
            and node.args
        ):
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.FormattedValue):
                    formatted.append(ast.unparse(part.value))
    assert formatted, "the check must see the PRAGMA lines"
    assert set(formatted) <= ALLOWED_IN_SQL
    [assign] = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        and any(getattr(t, "id", "") == "undelivered" for t in n.targets)
    ]
    # ``undelivered`` is one of two constant strings
    assert isinstance(assign.value, ast.IfExp)
    assert isinstance(assign.value.body, ast.Constant)
    assert isinstance(assign.value.orelse, ast.Constant)
