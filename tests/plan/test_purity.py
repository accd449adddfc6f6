"""The domain is pure: profiler, plan, rules and the dashboard read no wall clock, do not print, and import
neither storage nor the shell; plan does not import rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import werkmap
import werkmap.plan

SRC = Path(werkmap.__file__).parent
PLAN = Path(werkmap.plan.__file__).parent
SOURCES = sorted(PLAN.rglob("*.py"))
SHELL = ("werkmap.storage", "werkmap.service", "werkmap.cli", "werkmap.cli_service")
FORBIDDEN_MODULES = (*SHELL, "werkmap.rules")
DOMAIN = sorted(
    [
        *(SRC / "profiler").rglob("*.py"),
        *(SRC / "rules").rglob("*.py"),
        *(SRC / "plan").rglob("*.py"),
        SRC / "dashboard.py",
    ]
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
    assert PLAN / "folder" / "_activities.py" in SOURCES  # the folder's package is read too


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


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_domain_and_the_dashboard_import_no_storage_no_shell_and_read_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for module in _imports(tree):
        assert not module.startswith(SHELL), f"{path.name} imports {module}"
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


def test_the_domain_list_covers_the_dashboard_and_every_package():
    names = {p.parent.name for p in DOMAIN} | {p.name for p in DOMAIN}
    assert {"profiler", "rules", "plan", "dashboard.py"} <= names
