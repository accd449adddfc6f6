"""One bad folder stops no one: reads over many folders skip an unreadable folder, name it and go on.

A store of 33 folders, 5 of them damaged each in another way (tests/storage/damage.py), on SQLite and
PostgreSQL: the caseload, the dashboard, the period report and ``all_folders`` show or count the other
28, name the 5 in ``quarantined``, log one warning per folder (its id and the kind of damage, never its
contents); the command line prints the same on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from storage.damage import MARKER, damage
from storage.pg_server import PostgresSchemas, postgres_schemas
from werkmap.cli import main
from werkmap.clock import FixedClock
from werkmap.plan.activity import ActivityKind
from werkmap.report import period_report
from werkmap.service import Actor, Werkmap
from werkmap.storage import load_plugins

from .service_world import low_answers

__all__ = ["postgres_schemas"]

D0 = dt.date(2025, 3, 3)
LATER = dt.date(2025, 4, 14)
COACH = Actor.coach("c-1")
LEAD = Actor.team_lead("tl-1")
IDS = [f"f-{i:02d}" for i in range(33)]
DAMAGED = {
    "f-03": "document_json",
    "f-09": "document_zlib",
    "f-15": "patch",
    "f-21": "events_types",
    "f-27": "columns",
}
READABLE = [fid for fid in IDS if fid not in DAMAGED]


def _fill(url: str) -> None:
    with Werkmap(url, clock=FixedClock(D0)) as wm:
        for i, fid in enumerate(IDS):
            wm.register(COACH, fid, jobseeker_ref=f"js-{i}")
            wm.submit_profile(Actor.jobseeker(f"js-{i}"), fid, low_answers())
            wm.add_activity(COACH, fid, ActivityKind.APPLICATION, due=D0 + dt.timedelta(days=7))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/store.db"
    else:
        schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
        url = schemas.url()
    _fill(url)
    store = load_plugins().open_store(url)
    try:
        for fid, kind in DAMAGED.items():
            damage(store, fid, kind)
    finally:
        store.close()
    return url


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "werkmap.service" and r.levelno == logging.WARNING
    ]


def _one_warning_per_damaged_folder(caplog: pytest.LogCaptureFixture) -> None:
    lines = _warnings(caplog)
    assert len(lines) == len(DAMAGED), lines
    for fid in DAMAGED:
        assert sum(f"'{fid}'" in line for line in lines) == 1
    assert not any(MARKER in r.getMessage() for r in caplog.records)
    caplog.clear()


def test_caseload_dashboard_report_and_all_folders_skip_the_damaged_and_show_the_rest(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="werkmap")
    quarantined = tuple(sorted(DAMAGED))
    with Werkmap(url, clock=FixedClock(LATER)) as wm:
        folders = wm.caseload(COACH, "c-1")
        assert [f.folder_id for f in folders] == READABLE
        assert folders.quarantined == quarantined
        _one_warning_per_damaged_folder(caplog)

        board = wm.dashboard(LEAD, "c-1")
        assert sorted(r.folder_id for r in board.rows) == READABLE
        assert board.quarantined == quarantined
        _one_warning_per_damaged_folder(caplog)

        every = wm.all_folders(LEAD)
        assert [f.folder_id for f in every] == READABLE
        assert every.quarantined == quarantined
        _one_warning_per_damaged_folder(caplog)

        report = wm.report(LEAD, start=D0, end=LATER)
        assert report.quarantined == quarantined
        expected = period_report([wm.store.load(fid) for fid in READABLE], start=D0, end=LATER)
        assert report.figures == expected.figures
        assert report.figures["registered"] == report.figures["profiled"] == 28
        _one_warning_per_damaged_folder(caplog)
        # the figures of a report with nothing quarantined are written as before; these name the five
        assert json.loads(report.to_json())["data"]["quarantined"] == list(quarantined)
        assert wm.counts()["quarantined"] == 4 * len(DAMAGED)


def test_the_sweep_of_the_others_is_not_stopped_by_the_damaged_ones_in_a_caseload(
    url: str,
) -> None:
    # a coach's command on a readable folder works as before
    with Werkmap(url, clock=FixedClock(LATER)) as wm:
        wm.add_activity(COACH, "f-04", ActivityKind.APPLICATION, due=LATER + dt.timedelta(days=7))
        assert len(wm.caseload(COACH, "c-1")) == 28


def test_the_command_line_prints_what_it_can_and_names_the_rest_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/store.db"
    _fill(url)
    store = load_plugins().open_store(url)
    for fid, kind in DAMAGED.items():
        damage(store, fid, kind)
    store.close()
    db = str(tmp_path / "store.db")
    names = ", ".join(sorted(DAMAGED))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run(
        "dashboard", "--db", db, "--coach", "c-1", "--date", LATER.isoformat(), "--format", "json"
    )
    assert code == 0
    assert len(json.loads(out)["data"]) == 28
    assert names in err
    assert MARKER not in out + err
    code, out, err = run(
        "report",
        "--db",
        db,
        "--from",
        D0.isoformat(),
        "--to",
        LATER.isoformat(),
        "--language",
        "en",
    )
    assert code == 0
    assert f"5 folder(s) could not be read and were left out: {names}" in err
    assert MARKER not in out + err
    code, out, err = run("replay", "--db", db)
    assert code == 1  # the decisions of the five were not replayed
    assert names in err
    assert MARKER not in out + err
