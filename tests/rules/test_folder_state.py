"""folder_state maps a plan WorkFolder to the rules' snapshot; the rules then run on it."""

from __future__ import annotations

import datetime as dt

import pytest

plan = pytest.importorskip("werkmap.plan.folder")

from werkmap.rules import (  # noqa: E402
    RoutingInputs,
    decide_route,
    due_actions,
    folder_state,
    load_policy,
)

POLICY = load_policy()
REG = dt.date(2024, 1, 15)


def profile(on, p, band):
    return plan.ProfileRecord(
        taken_on=on,
        probability=p,
        band=band,
        questionnaire_id="q",
        questionnaire_version="1",
        model_id="m",
        model_version="1",
    )


def test_a_folder_maps_to_its_snapshot_and_the_rules_run_on_it():
    f, _ = plan.create_folder("f-9", on=REG, jobseeker_ref="js-9", pension_on=dt.date(2040, 1, 1))
    f, _ = plan.add_profile(f, profile(dt.date(2024, 1, 17), 0.3, "25-50"), on=REG, actor="js")
    route = decide_route(RoutingInputs(probability=0.3, band="25-50"), dt.date(2024, 1, 17), POLICY)
    f, _ = plan.propose_conversation(f, "c-1", "orientation", on=dt.date(2024, 1, 17), actor="c")
    f, _ = plan.invite_conversation(
        f, "c-1", on=dt.date(2024, 1, 17), at=dt.date(2024, 2, 1), actor="c"
    )
    f, _ = plan.add_activity(f, "a-1", "application", due=dt.date(2024, 1, 26), on=REG, actor="c")
    f, _ = plan.complete_activity(f, "a-1", on=dt.date(2024, 1, 25), actor="js")
    f, _ = plan.add_activity(f, "a-2", "cv", due=dt.date(2024, 1, 26), on=REG, actor="c")

    state = folder_state(f, route=route, profiler_invited_on=REG)
    assert state.folder_id == "f-9"
    assert (state.probability, state.band, state.profiled_on) == (
        0.3,
        "25-50",
        dt.date(2024, 1, 17),
    )
    assert (state.route, state.routed_on) == ("orientation", dt.date(2024, 1, 17))
    assert [(i.id, i.kind, i.planned_on) for i in state.pending] == [
        ("c-1", "orientation", dt.date(2024, 2, 1))
    ]
    assert [(a.id, a.state) for a in state.activities] == [("a-1", "done"), ("a-2", "open")]
    assert state.applications_on == (dt.date(2024, 1, 25),)
    assert state.last_conversation_on is None

    on = dt.date(2024, 1, 30)
    assert [a.kind for a in due_actions(state, on, POLICY)] == ["mark_overdue"]

    f, _ = plan.hold_conversation(f, "c-1", on=dt.date(2024, 2, 1), actor="c")
    f, _ = plan.record_work_found(f, on=dt.date(2024, 2, 20), actor="c")
    state = folder_state(f, route=route, profiler_invited_on=REG)
    assert state.last_conversation_on == dt.date(2024, 2, 1)
    assert state.pending == ()
    assert state.work_found_on == dt.date(2024, 2, 20)
    assert due_actions(state, dt.date(2024, 3, 1), POLICY) == []


def test_rows_follow_each_version_of_an_activity() -> None:
    import datetime as _dt

    from werkmap.plan import folder as wf
    from werkmap.rules import folder_state as _folder_state

    day = _dt.date(2025, 3, 3)
    f, _ = wf.create_folder("f-rows", on=day, jobseeker_ref="js")
    f, _ = wf.add_activity(f, "a-1", "cv", due=day, on=day, actor="c")
    first = _folder_state(f)
    assert _folder_state(f).activities == first.activities
    later = day + _dt.timedelta(days=10)
    g, _ = wf.mark_activity_overdue(f, "a-1", on=later)
    g, _ = wf.remind_activity(g, "a-1", on=later, actor="c")
    rows = _folder_state(g).activities
    assert [(r.state, r.reminded_on) for r in rows] == [("reminded", later)]
    assert [(r.state, r.reminded_on) for r in _folder_state(f).activities] == [("open", None)]
