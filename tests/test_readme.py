"""The README's Quick start is what CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line for line in block.strip().splitlines() if line.strip()]


def test_quick_start_is_exactly_two_lines_demo_then_tests():
    lines = quick_start_lines()
    assert len(lines) == 2
    assert lines[0].endswith("werkmap demo")
    assert "[test]" in lines[1]
    assert "pytest" in lines[1]


def test_ci_runs_the_readme_test_line():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_lines()[1] in ci.splitlines()
