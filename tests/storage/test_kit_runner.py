"""``python -m werkmap.storage.testing URL``: the conformance kit against any store URL, from the shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "werkmap.storage.testing", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("url", ["memory://", "sqlite:///{tmp}/kit.db"])
def test_the_kit_passes_against_a_url_and_prints_the_summary(url: str, tmp_path: Path) -> None:
    done = _run(url, "-k", "round_trip or stale", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "werkmap storage conformance kit against" in done.stdout
    assert " passed" in done.stdout.splitlines()[-1]
    assert "failed" not in done.stdout


def test_a_store_that_is_not_empty_for_each_test_fails_with_pytests_exit_code(
    tmp_path: Path,
) -> None:
    done = _run(f"sqlite:///{tmp_path}/shared.db", "-k", "unicode", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed" in done.stdout.splitlines()[-1]


def test_the_password_of_the_url_is_not_printed(tmp_path: Path) -> None:
    # no test selected (pytest's exit code 5): only the header matters here
    done = _run("memory://app:pw-4711@nowhere?token=tok-4711", "-k", "no_such_test", cwd=tmp_path)
    assert done.returncode == 5, done.stdout + done.stderr
    assert "pw-4711" not in done.stdout + done.stderr
    assert "tok-4711" not in done.stdout + done.stderr
    assert "memory://app:***@nowhere" in done.stdout


def test_without_a_url_it_says_how_to_call_it(tmp_path: Path) -> None:
    done = _run(cwd=tmp_path)
    assert done.returncode == 2
    assert "usage: python -m werkmap.storage.testing URL" in done.stderr
