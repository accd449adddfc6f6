"""Long work over a whole store draws a progress bar on stderr when it is a terminal, and never with -q."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from werkmap.cli import main
from werkmap.progress import progress_line
from werkmap.service import Actor, Werkmap

from .conftest import CFG

FIRST, LAST = CFG.start.isoformat(), CFG.end.isoformat()
BUSY_DAY = "2025-03-14"  # a day after the demo on which the sweep has work in many folders


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


COMMANDS = {
    "sweep": ["sweep", "--date", BUSY_DAY],
    "report": ["report", "--from", FIRST, "--to", LAST],
    "replay": ["replay"],
    "monitor": ["monitor", "--on", LAST, "--no-notify"],
}


def _run(argv: list[str], stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stderr", stderr)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    code = main(argv)
    assert code in (0, 1)
    return stderr.getvalue()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_over_the_store_shows_progress_on_a_terminal_only(
    name: str, store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [*COMMANDS[name], "--db", str(store_copy)]
    drawn = _run(argv, _Terminal(), monkeypatch)
    lines = drawn.split("\r")
    assert lines[0] == ""
    last = lines[-1].removesuffix("\n")
    done, total = last.rsplit(" ", 2)[1].split("/")
    assert int(total) > 0
    assert last == progress_line(int(done), int(total), unit="folders")
    assert done == total
    assert drawn.endswith("\n")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_progress_with_quiet_or_off_a_terminal(
    name: str, demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, (flags, stderr) in enumerate([(["-q"], _Terminal()), ([], io.StringIO())]):
        db = tmp_path / f"copy-{n}.db"  # a fresh copy each time: the sweep has work on both
        shutil.copyfile(demo_store, db)
        assert _run([*flags, *COMMANDS[name], "--db", str(db)], stderr, monkeypatch) == ""


def test_the_library_reports_progress_through_a_callback(store_copy: Path) -> None:
    calls: list[tuple[int, int]] = []
    with Werkmap(f"sqlite:///{store_copy}") as wm:
        folders = len(wm.store.index_columns().folder_id)
        wm.report(
            Actor.system(),
            start=CFG.start,
            end=CFG.end,
            progress=lambda done, total: calls.append((done, total)),
        )
        assert calls == [(n, folders) for n in range(1, folders + 1)]
        calls.clear()
        result = wm.sweep(
            Actor.system(),
            on=dt.date.fromisoformat(BUSY_DAY),
            progress=lambda done, total: calls.append((done, total)),
        )
    acting = len({a.folder_id for a in result.actions} | {i for i, _ in result.failed})
    assert calls[-1][0] == calls[-1][1] > 0
    assert calls[-1][1] >= acting
