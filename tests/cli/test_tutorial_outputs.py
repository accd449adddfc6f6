"""The tutorial prints what the code prints: each ```python block is run in order and its output compared
with the ```text block right after it."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial" / "one-jobseeker-year.md"


def blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", text, re.S)


def run_tutorial(text: str) -> list[tuple[str, str]]:
    """Return ``(shown, printed)`` for every python block followed by a text block."""
    found = blocks(text)
    namespace: dict[str, object] = {}
    pairs = []
    for i, (lang, body) in enumerate(found):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(body, f"{TUTORIAL.name} block {i}", "exec"), namespace)
        if i + 1 < len(found) and found[i + 1][0] == "text":
            pairs.append((found[i + 1][1], out.getvalue()))
    return pairs


def test_every_output_in_the_tutorial_is_what_the_code_prints():
    pairs = run_tutorial(TUTORIAL.read_text(encoding="utf-8"))
    assert len(pairs) >= 10
    for shown, printed in pairs:
        assert printed.strip() == shown.strip()
