"""What the service shell records in a folder: the profiler invitation, routes and handled actions."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from werkmap import serialization
from werkmap.errors import InvalidInput
from werkmap.plan import folder as wf
from werkmap.plan.folder import RouteRecord, WorkFolder

D0 = dt.date(2025, 3, 3)


def _route(on: dt.date, outcome: str = "orientation") -> RouteRecord:
    return RouteRecord(
        decided_on=on,
        outcome=outcome,
        rule_id="R-ROUTE-01",
        rule_version=1,
        reason_nl="kans ≤ 50 %",
        reason_en="chance ≤ 50 %",
    )


def _new() -> WorkFolder:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="ref-1")
    return folder


def _assert_one_change(before: WorkFolder, after: WorkFolder, events: tuple[wf.FolderEvent, ...]):
    assert after.version == before.version + 1
    assert after.events == (*before.events, *events)
    assert events
    assert all(e.version == after.version for e in events)


def test_invite_to_profiler_records_the_day():
    before = _new()
    after, events = wf.invite_to_profiler(before, on=D0 + dt.timedelta(days=1))
    _assert_one_change(before, after, events)
    assert after.profiler_invited_on == D0 + dt.timedelta(days=1)
    assert [e.kind for e in events] == ["profiler_invited"]
    assert before.profiler_invited_on is None  # the old value is untouched


def test_routes_are_kept_oldest_first():
    f = _new()
    assert f.latest_route is None
    first, second = _route(D0), _route(D0 + dt.timedelta(days=9), "digital")
    f1, ev1 = wf.record_route(f, first, on=D0, actor="system")
    _assert_one_change(f, f1, ev1)
    f2, ev2 = wf.record_route(f1, second, on=second.decided_on, actor="c-1")
    _assert_one_change(f1, f2, ev2)
    assert f2.routes == (first, second)
    assert f2.latest_route == second
    assert [e.kind for e in ev2] == ["routed"]
    assert ev2[0].data["outcome"] == "digital"
    assert ev2[0].data["rule"] == "R-ROUTE-01@1"


def test_record_actions_skips_what_is_recorded_and_refuses_nothing_new():
    f = _new()
    f1, events = wf.record_actions(
        f, [("id-1", "reminder", "a-1"), ("id-2", "reminder", "a-2")], on=D0
    )
    _assert_one_change(f, f1, events)
    assert f1.handled_actions == ("id-1", "id-2")
    assert [(e.kind, e.data["id"]) for e in events] == [
        ("action_recorded", "id-1"),
        ("action_recorded", "id-2"),
    ]
    f2, events = wf.record_actions(
        f1, [("id-2", "reminder", "a-2"), ("id-3", "enforcement", "a-1"), ("id-3", "x", "")], on=D0
    )
    assert f2.handled_actions == ("id-1", "id-2", "id-3")
    assert [e.data["id"] for e in events] == ["id-3"]
    with pytest.raises(InvalidInput):
        wf.record_actions(f2, [("id-1", "reminder", "a-1")], on=D0)
    with pytest.raises(InvalidInput):
        wf.record_actions(f2, [], on=D0)


def test_the_new_fields_round_trip_and_old_documents_still_load():
    f, _ = wf.invite_to_profiler(_new(), on=D0)
    f, _ = wf.record_route(f, _route(D0), on=D0, actor="system")
    f, _ = wf.record_actions(f, [("id-1", "invite_profiler", "")], on=D0)
    assert serialization.loads(serialization.dumps(f), WorkFolder) == f

    # a folder stored before these fields existed (schema version unchanged) loads with the defaults
    old = _new()
    envelope = serialization.dump(old)
    for name in ("profiler_invited_on", "routes", "handled_actions"):
        envelope["data"].pop(name, None)
    assert serialization.load(envelope, WorkFolder) == old


def test_recorded_actions_keep_the_policy_version_they_were_decided_under():
    f, events = wf.record_actions(
        _new(),
        [("id-1", "flag_application_duty", "p-1", "2018-05-01"), ("id-2", "invite_profiler", "")],
        on=D0,
    )
    assert [e.data["policy_version"] for e in events] == ["2018-05-01", ""]
    assert f.handled_actions == ("id-1", "id-2")
    assert serialization.loads(serialization.dumps(f), WorkFolder) == f


def test_records_keep_answers_contributions_inputs_and_parameters_through_a_round_trip():
    profile = wf.ProfileRecord(
        taken_on=D0,
        probability=0.31,
        band="25-50",
        questionnaire_id="https://example.org/q",
        questionnaire_version="2017.1",
        model_id="m",
        model_version="2017.1",
        answers={"age": "44", "health": '"good"', "since": '"2025-01-31"', "car": "true"},
        item_contributions={"age": -0.2},
        construct_contributions={"age": -0.2},
    )
    route = attrs.evolve(
        _route(D0),
        inputs={"probability": 0.31, "band": "25-50", "requested": False, "override_by": None},
        parameters={"routing_threshold": 0.5, "invitation_window_days": 28},
    )
    f, _ = wf.add_profile(_new(), profile, on=D0, actor="jobseeker")
    f, _ = wf.record_route(f, route, on=D0, actor="system")
    back = serialization.loads(serialization.dumps(f), WorkFolder)
    assert back == f
    assert back.latest_profile is not None
    assert back.latest_profile.answers == profile.answers
    assert back.latest_profile.model_ref == "m|2017.1"
    assert back.latest_route is not None
    assert back.latest_route.inputs == route.inputs
    assert back.latest_route.inputs["requested"] is False
    assert back.latest_route.parameters == route.parameters


def test_the_version_1_migration_splits_the_model_reference_and_adds_empty_records():
    v1 = {
        "profiles": [
            {
                "model_id": "werkverkenner-illustrative|2017.1",
                "model_version": "werkverkenner-illustrative|2017.1",
            },
            {"model_id": "m", "model_version": "m|3"},
            {"model_id": "ok", "model_version": "1"},
        ],
        "routes": [{"outcome": "digital"}],
    }
    v2 = wf.migrate_folder_v1(v1)
    assert [(p["model_id"], p["model_version"]) for p in v2["profiles"]] == [
        ("werkverkenner-illustrative", "2017.1"),
        ("m", "3"),
        ("ok", "1"),
    ]
    assert all(p["answers"] == {} for p in v2["profiles"])
    assert v2["routes"] == [{"outcome": "digital", "inputs": {}, "parameters": {}}]
    assert v1["routes"] == [{"outcome": "digital"}]  # the input is not changed
