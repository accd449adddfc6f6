"""The demo and the store commands of the command line: reproducible, idempotent, crash-safe.

One small demo database is made per module (150 jobseekers over 3 months) and shared by the read-only
checks; the runs that compare outputs make their own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from werkmap.cli import main
from werkmap.cli_service import run_demo
from werkmap.clock import FixedClock
from werkmap.service import Actor, Werkmap, notifications_for
from werkmap.simulate import SimulationConfig
from werkmap.storage import verify_audit

SMALL = ["--jobseekers", "150", "--months", "3"]
CFG = SimulationConfig(jobseekers=150, months=3)
LAST = CFG.end


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses bad arguments with exit code 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run_demo(path, jobseekers=150, months=3, seed=2017)
    return path


def test_the_demo_gives_the_same_json_for_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first, _ = cli(capsys, "demo", "--db", str(tmp_path / "a.db"), *SMALL, "--json")
    assert code == 0
    code, second, _ = cli(capsys, "demo", "--db", str(tmp_path / "b.db"), *SMALL, "--json")
    assert code == 0
    assert first == second
    data = json.loads(first)["data"]
    assert data["simulation"]["jobseekers"] == 150
    assert data["simulation"]["notifications"] > 0
    assert sum(data["bands"].values()) == 150
    assert str(tmp_path) not in first
    # run again over the same file: the old demo database is replaced, the output is the same
    code, third, _ = cli(capsys, "demo", "--db", str(tmp_path / "a.db"), *SMALL, "--json")
    assert (code, third) == (0, first)
    code, other, _ = cli(
        capsys, "demo", "--db", str(tmp_path / "c.db"), *SMALL, "--seed", "7", "--json"
    )
    assert code == 0
    assert other != first
    assert json.loads(other)["data"]["simulation"]["seed"] == 7


def test_the_demo_prints_its_time_and_store_size_on_stderr_not_in_its_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    code, out, err = cli(
        capsys, "demo", "--db", str(db), *SMALL, "--format", "json", "--language", "en"
    )
    assert code == 0
    assert " s; " not in out
    size = db.stat().st_size + (
        db.with_name("s.db-wal").stat().st_size if db.with_name("s.db-wal").exists() else 0
    )
    line = err.strip().splitlines()[-1]
    assert line.startswith("demo: 150 jobseekers in ")
    assert (
        f"store {size / 1e6:.1f} MB ({size / 150 / 1024:.1f} KB per jobseeker, with -wal)" in line
    )
    code, _, err_nl = cli(capsys, "demo", "--db", str(db), *SMALL, "--format", "json")
    assert code == 0
    assert "KB per werkzoekende, met -wal" in err_nl


def test_a_sweep_after_the_demo_adds_nothing(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _table_counts(demo_db)
    code, out, err = cli(
        capsys, "sweep", "--db", str(demo_db), "--date", LAST.isoformat(), "--json"
    )
    assert code == 0, err
    data = json.loads(out)["data"]
    assert data["on"] == LAST.isoformat()
    assert (data["actions"], data["failed"], data["counts"]) == ([], [], {})
    assert _table_counts(demo_db) == before


def test_the_demo_store_is_consistent(demo_db: Path) -> None:
    with Werkmap(f"sqlite:///{demo_db}", clock=FixedClock(LAST)) as wm:
        _check_outbox_matches_events(wm)
        for folder in wm.all_folders(Actor.system()):
            assert verify_audit(wm.store.audit_records(folder.folder_id)).ok
    assert _integrity(demo_db) == "ok"


def test_cli_sweep_dashboard_and_report_on_the_demo(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db)
    code, out, err = cli(capsys, "sweep", "--db", db, "--date", LAST.isoformat())
    assert code == 0, err
    assert out.startswith(f"sweep {LAST}: 0 acties")

    code, out, err = cli(
        capsys, "dashboard", "--db", db, "--coach", "coach-01", "--date", LAST.isoformat()
    )
    assert code == 0, err
    assert "coach-01" in out
    code, out, err = cli(
        capsys,
        "dashboard",
        "--db",
        db,
        "--coach",
        "coach-01",
        "--date",
        LAST.isoformat(),
        "--format",
        "json",
    )
    assert code == 0, err
    rows = json.loads(out)["data"]
    assert isinstance(rows, list)
    assert rows
    assert all(isinstance(r, dict) for r in rows)

    span = ["--from", CFG.start.isoformat(), "--to", LAST.isoformat()]
    code, out, err = cli(capsys, "report", "--db", db, *span)
    assert code == 0, err
    assert out.strip()
    code, out, err = cli(capsys, "report", "--db", db, *span, "--format", "json")
    assert code == 0, err
    report = json.loads(out)["data"]
    assert isinstance(report, dict)
    assert report
    code, out, err = cli(capsys, "report", "--db", db, *span, "--forecast", "150")
    assert code == 0, err
    assert out.strip()
    code, out, err = cli(
        capsys, "report", "--db", db, *span, "--forecast", "150", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)
    # reading through the command line is audited as the team lead named by --as
    with Werkmap(f"sqlite:///{demo_db}", clock=FixedClock(LAST)) as wm:
        readers = {
            r.actor
            for f in ("f-000001", "f-000002", "f-000003")
            for r in wm.store.audit_records(f)
            if r.action == "read"
        }
    assert "team_lead:cli" in readers


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--date", "2025-03-01"],
        ["dashboard", "--coach", "coach-01", "--date", "2025-03-01"],
        ["report", "--from", "2025-01-01", "--to", "2025-03-01"],
    ],
    ids=["sweep", "dashboard", "report"],
)
def test_a_missing_store_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    missing = tmp_path / "nothing.db"
    code, _out, err = cli(capsys, argv[0], "--db", str(missing), *argv[1:])
    assert code == 2
    assert "no store at" in err
    assert str(missing) in err
    assert not missing.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--date", "2025-13-01"],
        ["dashboard", "--coach", "coach-01", "--date", "yesterday"],
        ["report", "--from", "2025-01-01", "--to", "2025-02-30"],
    ],
    ids=["sweep", "dashboard", "report"],
)
def test_a_bad_date_is_bad_input(
    demo_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = cli(capsys, argv[0], "--db", str(demo_db), *argv[1:])
    assert code == 2
    assert "expected a date YYYY-MM-DD" in err
    assert out == ""


def test_a_report_ending_before_it_starts_is_bad_input(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = cli(
        capsys, "report", "--db", str(demo_db), "--from", "2025-03-01", "--to", "2025-02-01"
    )
    assert code == 2
    assert "--to" in err


# ------------------------------------------------------------------------------ a demo killed midway


def test_a_killed_demo_loses_and_duplicates_no_notification(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "werkmap",
            "demo",
            "--db",
            str(db),
            "--jobseekers",
            "300",
            "--months",
            "4",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if _folder_count(db) >= 20:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the demo ended before it could be killed"
        assert _folder_count(db) > 0, "the demo wrote no day within the wait"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when an assertion above failed
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert _integrity(db) == "ok"
    clock = FixedClock(CFG.start)
    with Werkmap(f"sqlite:///{db}", clock=clock) as wm:
        last = max(e.on for f in wm.all_folders(Actor.system()) for e in f.events)
        clock.set(last + dt.timedelta(days=1))
        wm.sweep(Actor.system())
        _check_outbox_matches_events(wm)
    assert _integrity(db) == "ok"


# ------------------------------------------------------------------------------ helpers


def _check_outbox_matches_events(wm: Werkmap) -> None:
    """Every folder's notifications in the outbox are exactly those its events cause, each key once."""
    items = wm.store.outbox()
    keys = [i.notification.idempotency_key for i in items]
    assert len(keys) == len(set(keys)), "a notification key is in the outbox twice"
    by_folder: dict[str, set[str]] = {}
    for item in items:
        by_folder.setdefault(item.notification.folder_id, set()).add(
            item.notification.idempotency_key
        )
    seen = set()
    for folder in wm.all_folders(Actor.system()):
        expected = [n.idempotency_key for n in notifications_for(folder, folder.events)]
        assert len(expected) == len(set(expected))
        got = by_folder.get(folder.folder_id, set())
        assert got == set(expected), (
            f"{folder.folder_id}: {len(set(expected) - got)} lost, {len(got - set(expected))} extra"
        )
        seen.add(folder.folder_id)
    assert set(by_folder) <= seen, "notifications of folders that are not stored"


def _folder_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM folders").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _table_counts(db: Path) -> Counter[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return Counter(
            {
                t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("folders", "events", "outbox", "audit")
            }
        )
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
