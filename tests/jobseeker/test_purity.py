"""The jobseeker's texts are pure read models: no storage, no shell, no wall clock, no printing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import werkmap.jobseeker

SOURCES = sorted(Path(werkmap.jobseeker.__file__).parent.rglob("*.py"))
SHELL = ("werkmap.storage", "werkmap.service", "werkmap.cli", "werkmap.clock", "time")


def test_there_are_sources():
    assert {p.name for p in SOURCES} >= {"overview.py", "explanation.py", "letters.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_storage_no_shell_no_clock_no_print(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not name.startswith(SHELL), f"{path.name} imports {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("now", "today"), f"{path.name} reads the clock"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"{path.name} prints"
