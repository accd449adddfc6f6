"""The "done when" of issue 9: a fresh demo store of 600 jobseekers (seed 11) replays without mismatch."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli


def test_the_600_jobseeker_demo_replays_with_no_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    code, _, _ = run_cli(capsys, "demo", "--jobseekers", "600", "--seed", "11", "--db", str(db))
    assert code == 0
    code, out, err = run_cli(capsys, "replay", "--db", str(db))
    assert (code, err) == (0, "")
    decisions = int(out.split()[0])
    assert out == f"{decisions} decisions replayed, 0 mismatches\n"
    assert decisions >= 600
