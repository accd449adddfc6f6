"""Shared set-up of the command-line tests: running ``werkmap`` in this process, and one small demo store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from werkmap.cli import main
from werkmap.cli_service import run_demo
from werkmap.simulate import SimulationConfig

CFG = SimulationConfig(jobseekers=100, months=2, seed=2017)


def run(capsys: pytest.CaptureFixture[str], *argv: str, **kwargs: object) -> tuple[int, str, str]:
    """Run ``werkmap argv`` in this process; return exit code, stdout and stderr."""
    capsys.readouterr()
    try:
        code = main(list(argv), **kwargs)  # type: ignore[arg-type]
    except SystemExit as exc:  # argparse refuses bad arguments with exit code 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store (100 jobseekers over 2 months); copy it before changing it."""
    path = tmp_path_factory.mktemp("cli-demo") / "demo.db"
    run_demo(path, jobseekers=CFG.jobseekers, months=CFG.months, seed=CFG.seed, parallel=False)
    return path


@pytest.fixture
def store_copy(demo_store: Path, tmp_path: Path) -> Path:
    """A copy of the demo store that a test may change."""
    target = tmp_path / "copy.db"
    shutil.copyfile(demo_store, target)
    return target
