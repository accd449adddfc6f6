"""The house's rooms stay small enough to find one's way in: no class of 1,000 lines or more, and the
service's groups of commands each hold their own (none overrides another, so their order is free)."""

from __future__ import annotations

import ast
from pathlib import Path

import werkmap
from werkmap.service import Werkmap
from werkmap.service._core import ServiceCore

SRC = Path(werkmap.__file__).parent
LIMIT = 1000


def _classes() -> list[tuple[str, int]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                end = node.end_lineno or node.lineno
                out.append((f"{path.relative_to(SRC)}:{node.name}", end - start + 1))
    return out


def test_the_classes_are_found():
    sizes = dict(_classes())
    assert "service/facade.py:Werkmap" in sizes
    assert len(sizes) > 100


def test_no_class_has_a_thousand_lines():
    large = {name: n for name, n in _classes() if n >= LIMIT}
    assert not large, f"split these by job: {large}"


def test_each_group_of_commands_holds_its_own():
    groups = [
        c for c in Werkmap.__mro__ if issubclass(c, ServiceCore) and c not in (Werkmap, ServiceCore)
    ]
    assert len(groups) >= 9
    seen: dict[str, str] = {}
    for group in groups:
        for name in vars(group):
            if name.startswith("__") and name.endswith("__"):
                continue
            assert name not in seen, f"{name} is defined in {seen[name]} and {group.__name__}"
            seen[name] = group.__name__
    for name in ("register", "submit_profile", "sweep", "caseload", "erase", "dispatch"):
        assert name in seen
    below = {name for base in ServiceCore.__mro__ for name in vars(base)}
    overriding = sorted(set(seen) & below)
    assert not overriding, f"a group overrides what its core defines: {overriding}"
