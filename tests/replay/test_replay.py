"""Replay: every stored decision of a demo store re-derives; a decision changed by hand is reported."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from werkmap import serialization
from werkmap.cli_service import run_demo
from werkmap.plan.enforcement import Ground, MeasureProposal, compute_proposal
from werkmap.plan.folder import FOLDER_SCHEMA_VERSION, WorkFolder
from werkmap.replay import replay, replay_folder
from werkmap.rules import load_policy, measure_policy
from werkmap.storage import open_store

from .conftest import edit_document, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
OTHER = {"orientation": "digital", "digital": "orientation", "coaching": "digital"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replay") / "demo.db"
    run_demo(path, jobseekers=60, months=6, seed=5)
    return path


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def _routed(data: dict[str, Any]) -> bool:
    return bool(data["routes"]) and data["routes"][-1]["outcome"] in OTHER


def test_a_fresh_demo_store_replays_without_mismatches(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "replay", "--db", str(demo_db))
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    decisions = int(first.split()[0])
    assert first == f"{decisions} decisions replayed, 0 mismatches"
    assert decisions >= 60
    assert len(out.splitlines()) == 1


def test_a_route_outcome_changed_by_hand_is_reported_and_exits_1(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _copy(demo_db, tmp_path / "edited.db")
    was: list[str] = []

    def change(data: dict[str, Any]) -> None:
        was.append(data["routes"][-1]["outcome"])
        data["routes"][-1]["outcome"] = OTHER[was[0]]

    folder_id = edit_document(db, _routed, change)
    code, out, _ = run_cli(capsys, "replay", "--db", str(db))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(" decisions replayed, 1 mismatches")
    assert len(lines) == 2
    assert lines[1].startswith(f"{folder_id}  route ")
    assert f"stored: {OTHER[was[0]]} (" in lines[1]
    assert f"re-derived: {was[0]} (" in lines[1]
    code, text, _ = run_cli(capsys, "replay", "--db", str(db), "--format", "json")
    data = json.loads(text)["data"]
    assert code == 1
    assert [m["folder_id"] for m in data["mismatches"]] == [folder_id]
    assert data["mismatches"][0]["rederived"].startswith(was[0])


def test_a_probability_changed_by_hand_is_reported(demo_db: Path, tmp_path: Path) -> None:
    db = _copy(demo_db, tmp_path / "edited.db")

    def change(data: dict[str, Any]) -> None:
        data["profiles"][0]["probability"] = round(data["profiles"][0]["probability"] / 2, 6)

    folder_id = edit_document(db, lambda d: bool(d["profiles"]), change)
    report = replay(f"sqlite:///{db}")
    assert [(m.folder_id, m.decision.split()[0]) for m in report.mismatches] == [
        (folder_id, "profile")
    ]


def test_an_action_recorded_under_another_policy_version_is_reported(
    demo_db: Path, tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{demo_db}")
    try:
        folders = [store.load(str(i)) for i in store.index_columns().folder_id]
    finally:
        store.close()
    folder = next(f for f in folders if any(e.kind == "action_recorded" for e in f.events))
    policy = load_policy()
    assert replay_folder(folder, policy=policy).mismatches == ()
    events = tuple(
        attrs.evolve(e, data={**e.data, "policy_version": "1999-01-01"})
        if e.kind == "action_recorded"
        else e
        for e in folder.events
    )
    found = replay_folder(attrs.evolve(folder, events=events), policy=policy).mismatches
    assert found
    assert all(m.stored == "1999-01-01" and m.decision.startswith("action ") for m in found)


def test_a_missing_store_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "replay", "--db", str(tmp_path / "none.db"))
    assert code == 2
    assert out == ""
    assert "no store at" in err
    assert "Traceback" not in err
    assert not (tmp_path / "none.db").exists()


def test_a_version_1_folder_document_loads_and_migrates() -> None:
    text = (FIXTURES / "folder-v1.json").read_text()
    assert json.loads(text)["schema_version"] == 1
    folder = serialization.loads(text, WorkFolder)
    profile = folder.profiles[0]
    assert (profile.model_id, profile.model_version) == ("werkverkenner-illustrative", "2017.1")
    assert profile.model_ref == "werkverkenner-illustrative|2017.1"
    assert profile.questionnaire_version == "2017.1"
    assert profile.answers == {}
    assert folder.routes[0].inputs == {}
    assert folder.cases
    assert folder.events
    again = serialization.loads(serialization.dumps(folder), WorkFolder)
    assert again == folder
    assert serialization.dump(folder)["schema_version"] == FOLDER_SCHEMA_VERSION == 2


def test_a_version_1_folder_replays_what_it_can_and_skips_the_rest() -> None:
    folder = serialization.loads((FIXTURES / "folder-v1.json").read_text(), WorkFolder)
    report = replay_folder(folder, policy=load_policy())
    assert report.mismatches == ()
    assert report.skipped >= len(folder.profiles) + len(folder.routes)
    recorded = sum(1 for e in folder.events if e.kind == "action_recorded")
    assert report.decisions >= recorded > 0


def test_a_route_parameter_changed_by_hand_is_reported(demo_db: Path, tmp_path: Path) -> None:
    db = _copy(demo_db, tmp_path / "edited.db")

    def change(data: dict[str, Any]) -> None:
        data["routes"][0]["parameters"]["routing_threshold"] = 0.4

    folder_id = edit_document(
        db,
        lambda d: bool(d["routes"]) and "routing_threshold" in d["routes"][0]["parameters"],
        change,
    )
    (mismatch,) = replay(f"sqlite:///{db}").mismatches
    assert mismatch.folder_id == folder_id
    assert mismatch.decision.endswith(" parameters")
    assert "routing_threshold=0.4" in mismatch.stored
    assert "routing_threshold=0.5" in mismatch.rederived


def test_a_measure_proposal_is_run_again_on_its_stored_history() -> None:
    policy = load_policy()
    on = dt.date(2024, 6, 3)
    folder = serialization.loads((FIXTURES / "folder-v1.json").read_text(), WorkFolder)
    case = attrs.evolve(folder.cases[0], ground=Ground.APPLICATION_DUTY)
    good = compute_proposal(
        ground=case.ground,
        on=on,
        by="coach:c-1",
        policy=measure_policy(policy.at(on)),
        earlier_duty_breaches=(dt.date(2023, 9, 1), dt.date(2024, 2, 1)),
    )
    assert good.rule_id == "R-MEASURE-03"

    def with_proposal(p: MeasureProposal) -> WorkFolder:
        return attrs.evolve(folder, cases=(attrs.evolve(case, proposal=p),))

    base = replay_folder(with_proposal(good), policy=policy)
    assert base.mismatches == ()
    wrong_rule = attrs.evolve(good, rule_id="R-MEASURE-01")
    (m,) = replay_folder(with_proposal(wrong_rule), policy=policy).mismatches
    assert (m.decision, m.stored, m.rederived) == (
        f"measure proposal {case.case_id} rule",
        "R-MEASURE-01",
        "R-MEASURE-03",
    )
    wrong_value = attrs.evolve(good, parameters={**good.parameters, "measure_base_percent": 30.0})
    (m,) = replay_folder(with_proposal(wrong_value), policy=policy).mismatches
    assert m.decision.endswith(" parameters")
    history_changed = attrs.evolve(good, earlier_duty_breaches=(dt.date(2024, 2, 1),))
    assert {
        m.decision for m in replay_folder(with_proposal(history_changed), policy=policy).mismatches
    } == {
        f"measure proposal {case.case_id} rule",
        f"measure proposal {case.case_id} outcome",
    }
