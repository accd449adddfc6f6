"""What the service shell records in a folder: the profiler invitation, routes and handled actions."""

from __future__ import annotations

import datetime as dt

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
