"""`werkmap dispatch` drains the outbox; `werkmap sweep` sweeps today (Europe/Amsterdam) by default."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest

from werkmap.clock import FixedClock
from werkmap.service import Werkmap

from .conftest import CFG, run


def _pending(db) -> int:
    with Werkmap(f"sqlite:///{db}", clock=FixedClock(CFG.end)) as wm:
        return len(wm.store.outbox(include_delivered=False))


def test_dispatch_prints_the_report_of_the_service(store_copy, capsys):
    before = _pending(store_copy)
    assert before > 0
    code, out, err = run(capsys, "dispatch", "--db", str(store_copy), "--format", "json")
    doc = json.loads(out)
    assert doc["kind"] == "dispatch"
    data = doc["data"]
    tried = len(data["delivered"]) + len(data["failed"])
    assert tried > 0
    assert data["pending"] == before - len(data["delivered"])
    # no notification plugin is installed here: nothing is delivered, which needs attention (exit 1)
    assert code == (1 if data["failed"] else 0), err
    code, out, _ = run(capsys, "dispatch", "--db", str(store_copy))
    assert out.startswith("dispatch: ")
    assert "pending" in out


def test_dispatch_rounds_and_csv(store_copy, capsys):
    code, out, _ = run(
        capsys, "dispatch", "--db", str(store_copy), "--rounds", "2", "--format", "csv"
    )
    lines = out.splitlines()
    assert lines[0] == "idempotency_key,status"
    assert len(lines) > 1
    code, _, err = run(capsys, "dispatch", "--db", str(store_copy), "--rounds", "0")
    assert code == 2
    assert "expected at least 1" in err


def test_dispatch_dead_letters_after_max_attempts_and_exits_1(store_copy, capsys):
    # no notification plugin is installed here: every delivery fails, so one attempt dead-letters
    before = _pending(store_copy)
    code, out, err = run(
        capsys, "dispatch", "--db", str(store_copy), "--max-attempts", "1", "--format", "json"
    )
    data = json.loads(out)["data"]
    assert code == 1, err
    assert data["failed"] == []
    assert len(data["dead_lettered"]) > 0
    assert data["pending"] == before - len(data["dead_lettered"])
    assert "dead-lettered after 1 attempts; reported to role:functional-admin" in err
    with Werkmap(f"sqlite:///{store_copy}", clock=FixedClock(CFG.end)) as wm:
        dead = {i.notification.idempotency_key for i in wm.store.dead_letters()}
    assert dead == set(data["dead_lettered"])
    code, _, err = run(capsys, "dispatch", "--db", str(store_copy), "--lease", "0")
    assert code == 2
    assert "--lease" in err


def test_dispatch_logs_what_it_delivered(store_copy, capsys):
    _, _, err = run(capsys, "dispatch", "--db", str(store_copy), "-v")
    assert "werkmap.service: dispatch: " in err


def test_dispatch_on_an_empty_memory_store_is_ok(capsys):
    code, out, err = run(capsys, "dispatch", "--db", "memory://")
    assert code == 0, err
    assert "0 pending" in out


def test_sweep_defaults_to_the_date_of_the_injected_clock(store_copy, capsys):
    day = CFG.end + dt.timedelta(days=3)
    code, out, err = run(capsys, "sweep", "--db", str(store_copy), clock=FixedClock(day))
    assert code in (0, 1), err
    assert out.startswith(f"sweep {day}:")


def test_sweep_defaults_to_the_date_in_the_environment(store_copy, capsys, monkeypatch):
    day = CFG.end + dt.timedelta(days=5)
    monkeypatch.setenv("WERKMAP_TODAY", day.isoformat())
    code, out, err = run(capsys, "sweep", "--db", str(store_copy), "--format", "json")
    assert json.loads(out)["data"]["on"] == day.isoformat()
    monkeypatch.setenv("WERKMAP_TODAY", "tomorrow")
    code, out, err = run(capsys, "sweep", "--db", str(store_copy))
    assert code == 2
    assert "WERKMAP_TODAY" in err


def test_an_amsterdam_date_not_a_utc_date(store_copy, capsys):
    # 23:30 UTC on 31 March is already 1 April in Amsterdam (summer time)
    moment = dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC)
    _code, out, _ = run(capsys, "sweep", "--db", str(store_copy), clock=FixedClock(moment))
    assert out.startswith("sweep 2025-04-01:")


def test_a_sweep_that_changes_nothing_writes_nothing(store_copy, capsys):
    conn = sqlite3.connect(store_copy)
    before = conn.execute("SELECT count(*) FROM events").fetchone()
    conn.close()
    run(capsys, "sweep", "--db", str(store_copy), "--date", CFG.end.isoformat())
    conn = sqlite3.connect(store_copy)
    assert conn.execute("SELECT count(*) FROM events").fetchone() == before
    conn.close()


def _swept(out: str) -> tuple[set[str], int]:
    data = json.loads(out)["data"]
    return {a["id"] for a in data["actions"]}, data["folders"]


def test_the_parts_of_a_sweep_together_do_what_the_whole_sweep_does(demo_store, tmp_path, capsys):
    whole, parts = tmp_path / "whole.db", tmp_path / "parts.db"
    shutil.copyfile(demo_store, whole)
    shutil.copyfile(demo_store, parts)
    day = (CFG.end + dt.timedelta(days=7)).isoformat()
    common = ("--date", day, "--format", "json")
    code, out, err = run(capsys, "sweep", "--db", str(whole), *common)
    assert code in (0, 1), err
    all_ids, all_folders = _swept(out)
    assert json.loads(out)["data"]["part"] is None
    seen: list[set[str]] = []
    folders = 0
    for k in (1, 2, 3):
        code, out, err = run(capsys, "sweep", "--db", str(parts), *common, "--part", f"{k}/3")
        assert code in (0, 1), err
        assert json.loads(out)["data"]["part"] == f"{k}/3"
        ids, n = _swept(out)
        assert ids, f"part {k}/3 found nothing to do: the test would prove nothing"
        seen.append(ids)
        folders += n
    assert set.union(*seen) == all_ids
    assert sum(map(len, seen)) == len(all_ids)  # no action twice
    assert folders == all_folders
    code, out, _ = run(capsys, "sweep", "--db", str(parts), "--date", day, "--part", "2/3")
    assert out.startswith(f"sweep {day} (deel 2/3): 0 acties")


def test_a_bad_part_is_one_error_without_a_traceback(store_copy, capsys):
    for bad, says in (
        ("3/2", "expected 1 to 2, got 3"),
        ("1/0", "expected at least 1"),
        ("2", "K/N"),
    ):
        code, out, err = run(capsys, "sweep", "--db", str(store_copy), "--part", bad)
        assert code == 2
        assert says in err
        assert "Traceback" not in err
        assert out == ""


def test_sweep_jobs_runs_the_parts_side_by_side_and_prints_what_one_sweep_prints(
    demo_store, tmp_path, capsys
):
    whole, jobs = tmp_path / "whole.db", tmp_path / "jobs.db"
    shutil.copyfile(demo_store, whole)
    shutil.copyfile(demo_store, jobs)
    day = (CFG.end + dt.timedelta(days=7)).isoformat()
    for fmt in ("json", "text"):
        if fmt == "text":  # a later day, so that there is something new to do
            day = (CFG.end + dt.timedelta(days=21)).isoformat()
        code, expected, err = run(
            capsys, "sweep", "--db", str(whole), "--date", day, "--format", fmt
        )
        assert code in (0, 1), err
        code2, out, err = run(
            capsys, "sweep", "--db", str(jobs), "--date", day, "--format", fmt, "--jobs", "2"
        )
        assert (code2, out) == (code, expected), err
        done = json.loads(expected)["data"]["actions"] if fmt == "json" else expected.splitlines()
        assert len(done) > 3  # there was something to do
    again = run(capsys, "sweep", "--db", str(jobs), "--date", day, "--jobs", "3")[1]
    assert again.startswith(f"sweep {day}: 0 acties")


def test_sweep_jobs_refuses_a_part_and_a_memory_store(store_copy, capsys):
    code, out, err = run(capsys, "sweep", "--db", str(store_copy), "--jobs", "2", "--part", "1/2")
    assert (code, out) == (2, "")
    assert "--jobs: cannot be combined with --part" in err
    code, out, err = run(capsys, "sweep", "--db", "memory://", "--jobs", "2")
    assert (code, out) == (2, "")
    assert "memory://: --jobs opens the store in several processes" in err
    assert "Traceback" not in err


def test_a_sweeper_that_fails_sends_why_and_the_sweep_names_it(tmp_path, capsys):
    from multiprocessing import Pipe

    from werkmap.cli_sweep import _merged_outcomes, _sweep_part_in_child
    from werkmap.errors import StorageError
    from werkmap.service import SweepPart

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a SQLite file" * 100)
    receive, send = Pipe(duplex=False)
    _sweep_part_in_child(str(broken), CFG.end, SweepPart(2, 2), (0, 0), send)
    kind, why = receive.recv()
    assert kind == "error"
    assert isinstance(why, str)
    assert why
    with pytest.raises(StorageError) as caught:
        _merged_outcomes([("ok", "{}"), (kind, why)], CFG.end)
    text = str(caught.value)
    assert text.startswith(f"sweeper 2/2: {why}")
    assert "the other parts were swept and saved" in text
    with pytest.raises(RuntimeError, match="sweeper 1/2: Traceback"):
        _merged_outcomes([("bug", "Traceback ..."), (kind, why)], CFG.end)
