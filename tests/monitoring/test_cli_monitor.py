"""End to end through the command line: monitor, recalibrate (with its card), shadow and compare."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from werkmap._version import __version__
from werkmap.cli import main
from werkmap.clock import FixedClock
from werkmap.monitoring import ALERT_KIND
from werkmap.profiler.model import load_model
from werkmap.profiler.synthetic import synthetic_cohort
from werkmap.service import Actor, Werkmap

from .world import answers_of, worse_health

START = dt.date(2024, 3, 1)
ON = "2025-12-31"
N = 400


def _fill(
    path: Path, answers: list[dict[str, object]], *, shadow: object = None, prefix: str = "f"
) -> None:
    """Register, profile and (seeded) find work for each person through the service, on SQLite."""
    rng = np.random.default_rng(17)
    clock = FixedClock(START)
    with Werkmap(f"sqlite:///{path}", clock=clock, shadow_model=shadow) as wm:
        found: list[tuple[dt.date, str, str]] = []
        for i, a in enumerate(answers):
            day = START + dt.timedelta(days=i * 28 // len(answers))
            clock.set(day)
            fid, ref = f"{prefix}-{i:04d}", f"js-{prefix}-{i}"
            wm.register(Actor.system(), fid, jobseeker_ref=ref, coach_id="c-1")
            p = wm.submit_profile(Actor.jobseeker(ref), fid, a).probability
            after = rng.exponential(365.0 / -math.log(max(1 - p, 1e-9)))
            if after < 500:
                found.append((day + dt.timedelta(days=1 + int(after)), fid, ref))
        for day, fid, ref in sorted(found):
            clock.set(day)
            wm.record_work_found(Actor.jobseeker(ref), fid)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "werkmap.db"
    columns = worse_health(synthetic_cohort(N, seed=3).columns, share=1 / 3, seed=5)
    _fill(path, answers_of(columns))
    return path


def test_monitor_prints_and_notifies(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plot = tmp_path / "monitor.png"
    assert (
        main(["monitor", "--db", str(store), "--on", ON, "--format", "json", "--plot", str(plot)])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"werkmap", "kind", "data"}
    assert (doc["werkmap"], doc["kind"]) == (__version__, "monitor")
    data = doc["data"]
    assert data["on"] == ON
    assert data["months"][0]["profiled"] == N
    assert data["months"][0]["outcomes"]["n"] == N  # followed up 12 months by the end of 2025
    assert {a["variable"] for a in data["alerts"]} >= {"q15", "q16"}
    assert plot.stat().st_size > 0
    with Werkmap(f"sqlite:///{store}", clock=FixedClock(dt.date(2026, 1, 1))) as wm:
        notes = [i.notification for i in wm.store.outbox() if i.notification.kind == ALERT_KIND]
    assert len(notes) == len(data["alerts"])
    assert notes[0].recipient == "role:model_owner"
    assert main(["monitor", "--db", str(store), "--on", ON, "--language", "en"]) == 0
    assert "Drift per month" in capsys.readouterr().out
    assert main(["monitor", "--db", str(store), "--on", ON, "--format", "csv", "--no-notify"]) == 0
    assert capsys.readouterr().out.startswith("month,metric,column,group,value,n")
    # the plot file exists now: refused without --force, nothing notified
    before = plot.read_bytes()
    assert main(["monitor", "--db", str(store), "--on", ON, "--plot", str(plot)]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert plot.read_bytes() == before
    with Werkmap(f"sqlite:///{store}", clock=FixedClock(dt.date(2026, 1, 1))) as wm:
        again = [i for i in wm.store.outbox() if i.notification.kind == ALERT_KIND]
    assert len(again) == len(notes)
    plot.write_bytes(b"old")
    args = ["monitor", "--db", str(store), "--on", ON, "--plot", str(plot), "--no-notify"]
    assert main([*args, "--force"]) == 0
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir()] == ["monitor.png"], "no temporary file left"


def test_recalibrate_shadow_and_compare(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, card = tmp_path / "model.json", tmp_path / "card.md"
    args = ["recalibrate", "--db", str(store), "--on", ON, "--out", str(out), "--card", str(card)]
    assert main([*args, "--version", "2017.1-r1", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "recalibrate"
    summary = doc["data"]
    assert summary["n"] == N
    model = load_model(out)
    assert model.ref == "werkverkenner-illustrative|2017.1-r1" == summary["model"]
    text = card.read_text(encoding="utf-8")
    assert "## Herkalibratie" in text
    assert "werkverkenner-illustrative|2017.1" in text
    # existing files are refused, and nothing is written
    before = out.read_bytes()
    assert main(args) == 2
    assert "exists; use --force to write over it" in capsys.readouterr().err
    assert out.read_bytes() == before
    # an existing card alone refuses the model file too: nothing half-written
    fresh_out = tmp_path / "fresh.json"
    assert main([*args[:-4], "--out", str(fresh_out), "--card", str(card)]) == 2
    assert not fresh_out.exists()
    # with --force both are written over
    assert main([*args, "--version", "2017.1-r2", "--force", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["model"] for r in rows] == ["werkverkenner-illustrative|2017.1-r2"]
    assert load_model(out).version == "2017.1-r2"
    assert "2017.1-r2" in card.read_text(encoding="utf-8")
    assert main([*args, "--version", "2017.1-r1", "--force"]) == 0
    assert capsys.readouterr().out.startswith(
        "werkverkenner-illustrative|2017.1-r1 geschreven naar"
    )

    # the recalibrated model in the shadow of the live one, through the API, on the same store
    fresh = answers_of(synthetic_cohort(50, seed=8).columns)
    _fill(store, fresh, shadow=model, prefix="s")
    assert (
        main(
            ["compare", "--db", str(store), "--on", ON, "--candidate", str(out), "--format", "json"]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "compare"
    data = doc["data"]
    assert data["candidate"] == model.ref
    assert data["from_shadow"] == 50
    assert data["rescored"] == N
    assert main(["compare", "--db", str(store), "--on", ON, "--candidate", str(out)]) == 0
    assert "Andere route" in capsys.readouterr().out


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "--db", str(tmp_path / "none.db")]) == 2
    assert "no store" in capsys.readouterr().err
    assert main(["compare", "--db", str(tmp_path / "none.db"), "--candidate", "x.json"]) == 2
    missing = tmp_path / "none.db"
    assert main(["monitor", "--db", f"sqlite:///{missing}", "--no-notify"]) == 2
    assert f"no store at {missing}" in capsys.readouterr().err
    assert not missing.exists()


def test_db_takes_a_sqlite_url_and_model_files_are_read_as_text(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{store}"
    assert main(["monitor", "--db", db, "--on", ON, "--no-notify", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "monitor"
    odd = tmp_path / "model.json"
    odd.write_bytes("{}".encode("utf-16"))
    assert main(["compare", "--db", db, "--on", ON, "--candidate", str(odd)]) == 2
    err = capsys.readouterr().err
    assert f"--candidate {odd}: is UTF-16 or UTF-32 encoded" in err
    assert "Traceback" not in err


def test_capacity_command(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["capacity", "--jobseekers", "300", "--months", "2", "--sample", "150"]
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "capacity"
    data = doc["data"]
    assert data["registered"] == 300
    assert data["target"] == [5.0, 5.5]
    assert len(data["months"]) == 2
    assert main([*args, "--language", "en"]) == 0
    assert "hours per jobseeker" in capsys.readouterr().out
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:2] == ["month", "registered"]
    assert len(rows) == 3
