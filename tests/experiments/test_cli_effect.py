"""``werkmap effect`` and ``werkmap demo --experiment`` through the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from werkmap.cli import main
from werkmap.clock import FixedClock
from werkmap.experiments import default_experiments
from werkmap.service import Actor, Werkmap

KEY = b"werkmap-test-key-0123456789"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("effect") / "store.db"
    clock = FixedClock(dt.date(2018, 1, 8))
    with Werkmap(
        f"sqlite:///{path}", clock=clock, experiments=default_experiments(), experiment_key=KEY
    ) as wm:
        system = Actor.system()
        for i in range(120):
            wm.register(system, f"f-{i}", jobseeker_ref=f"js-{i}", coach_id="c-1")
        clock.set(dt.date(2018, 4, 2))
        for i in range(0, 120, 3):
            wm.record_work_found(system, f"f-{i}")
    return str(path)


def test_text_json_and_csv(store: str, capsys: pytest.CaptureFixture[str]):
    base = ["effect", "--db", store, "--experiment", "uwv-ww-2017", "--until", "2019-06-30"]
    assert main([*base, "--language", "en"]) == 0
    text = capsys.readouterr().out
    assert "work within 12 mo" in text
    assert "service - control_none" in text
    assert main([*base, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    data = doc["data"]
    assert (doc["kind"], data["experiment"]) == ("effect", "uwv-ww-2017")
    assert sum(data["counts"].values()) == 120
    assert main([*base, "--format", "csv", "--no-adjusted"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["kind"] for r in rows} == {"itt"}
    assert {r["outcome"] for r in rows} == {"work_3m", "work_6m", "work_12m", "benefit_months_12m"}


def test_the_plot_is_written(store: str, tmp_path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "effect.png"
    args = ["effect", "--db", store, "--experiment", "uwv-ww-2017", "--until", "2019-06-30"]
    assert main([*args, "--plot", str(out)]) == 0
    assert out.stat().st_size > 1000


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "/nonexistent/store.db", "--experiment", "uwv-ww-2017"],
        ["--experiment", "nope"],
        ["--experiment", "uwv-ww-2017", "--until", "2016-01-01"],
    ],
)
def test_bad_input_exits_2(store: str, args: list[str], capsys: pytest.CaptureFixture[str]):
    full = ["effect", *args] if "--db" in args else ["effect", "--db", store, *args]
    assert main(full) == 2
    err = capsys.readouterr().err
    assert err.startswith("werkmap: ")
    assert "Traceback" not in err


def test_the_experiment_demo_prints_the_estimate_beside_the_planted_effect(
    tmp_path, capsys: pytest.CaptureFixture[str]
):
    db = tmp_path / "demo.db"
    argv = ["demo", "--experiment", "--db", str(db), "--jobseekers", "80", "--seed", "1"]
    assert main([*argv, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["kind"], sorted(doc)) == ("demo", ["data", "kind", "werkmap"])
    data = doc["data"]
    assert data["planted_points"] == 2.0
    assert data["estimate"]["outcome"] == "work_12m"
    assert sum(data["report"]["counts"].values()) == 80
    assert main([*argv, "--language", "en"]) == 0
    assert "planted: +2.0 points" in capsys.readouterr().out
