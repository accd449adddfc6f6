"""werkmap.plan is pure: no wall clock, no printing, no imports of storage, rules, profiler or the shell."""

from __future__ import annotations

import ast
from pathlib import Path

import werkmap.plan

PLAN = Path(werkmap.plan.__file__).parent
SOURCES = sorted(PLAN.glob("*.py"))
FORBIDDEN_MODULES = (
    "werkmap.storage",
    "werkmap.rules",
    "werkmap.profiler",
    "werkmap.service",
    "werkmap.cli",
)
FORBIDDEN_CALLS = {("datetime", "now"), ("date", "today"), ("time", "time"), ("dt", "now")}


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_sources():
    assert len(SOURCES) >= 9


def test_no_forbidden_imports_wall_clock_or_print():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module in _imports(tree):
            assert not module.startswith(FORBIDDEN_MODULES), f"{path.name} imports {module}"
            assert module not in ("time", "werkmap.clock"), f"{path.name} imports {module}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                owner_name = (
                    owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                )
                assert (owner_name, node.func.attr) not in FORBIDDEN_CALLS, (
                    f"{path.name} reads the clock"
                )
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{path.name} prints"
