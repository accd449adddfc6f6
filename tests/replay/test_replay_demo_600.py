"""The "done when" of issue 9: a fresh demo store of 600 jobseekers (seed 11) replays without mismatch.

The outputs are the ones docs/concepts/decision-record.md shows, so the page is checked here too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import edit_document, run_cli

PAGE = Path(__file__).parents[2] / "docs" / "concepts" / "decision-record.md"
OTHER = {"orientation": "digital", "digital": "orientation", "coaching": "digital"}


def _shown_outputs() -> list[str]:
    """The outputs of ``werkmap replay`` in the page's text blocks (the lines after the command)."""
    outputs = []
    for block in re.findall(r"```text\n(.*?)```", PAGE.read_text(), flags=re.DOTALL):
        lines = block.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.startswith("$ werkmap replay"):
                outputs.append("".join(lines[i + 1 :]))
    return outputs


def test_the_600_jobseeker_demo_replays_with_no_mismatch_and_a_changed_route_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, edited = _shown_outputs()
    db = tmp_path / "demo.db"
    code, _, _ = run_cli(capsys, "demo", "--jobseekers", "600", "--seed", "11", "--db", str(db))
    assert code == 0
    code, out, err = run_cli(capsys, "replay", "--db", str(db))
    assert (code, err) == (0, "")
    decisions = int(out.split()[0])
    assert out == f"{decisions} decisions replayed, 0 mismatches\n"
    assert decisions >= 600
    assert out == clean

    def change(data: dict[str, Any]) -> None:
        data["routes"][-1]["outcome"] = OTHER[data["routes"][-1]["outcome"]]

    edit_document(db, lambda d: bool(d["routes"]) and d["routes"][-1]["outcome"] in OTHER, change)
    code, out, _ = run_cli(capsys, "replay", "--db", str(db))
    assert code == 1
    assert out == edited
    assert out.startswith(f"{decisions} decisions replayed, 1 mismatches\n")
