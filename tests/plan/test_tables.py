"""Table tests: every transition of every machine, and every refusal (illegal events and guards)."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import GuardRefused, IllegalTransition, InvalidInput
from werkmap.plan import activity as act
from werkmap.plan import conversation as conv
from werkmap.plan import enforcement as enf
from werkmap.plan import workplan as wp

from .drivers import (
    D0,
    DUE,
    LATE,
    MACHINE_DRIVERS,
    MEASURES,
    MEETING,
    MUCH_LATER,
    in_every_state,
)

TRANSITIONS = [
    (name, t.source, t.event, t.target)
    for name, (machine, _, _) in MACHINE_DRIVERS.items()
    for t in machine.transitions
]
REFUSED = [
    (name, state, event)
    for name, (machine, _, _) in MACHINE_DRIVERS.items()
    for state in machine.states
    for event in machine.events
    if not machine.can(state, event)
]


@pytest.mark.parametrize(("name", "source", "event", "target"), TRANSITIONS)
def test_every_transition(name, source, event, target):
    _, _, events = MACHINE_DRIVERS[name]
    obj = in_every_state(name)[source]
    assert obj.state == source
    after = events[event](obj)
    assert after.state == target
    assert obj.state == source, "the old value is unchanged"


@pytest.mark.parametrize(("name", "state", "event"), REFUSED)
def test_every_event_a_state_does_not_allow_is_refused(name, state, event):
    machine, _, events = MACHINE_DRIVERS[name]
    obj = in_every_state(name)[state]
    with pytest.raises(IllegalTransition) as info:
        events[event](obj)
    err = info.value
    assert not isinstance(err, GuardRefused)
    assert (err.machine, err.state, err.event) == (name, state, event)
    assert err.allowed == machine.allowed(state)
    assert state in str(err)
    assert event in str(err)


def test_every_state_is_reached_by_the_drivers():
    for name, (machine, _, _) in MACHINE_DRIVERS.items():
        assert set(in_every_state(name)) == set(machine.states), name


def test_final_states_allow_nothing():
    for machine, _, _ in MACHINE_DRIVERS.values():
        for state in machine.final:
            assert machine.allowed(state) == ()


# ------------------------------------------------------------------------------- guard refusals

_a = in_every_state("activity")
_c = in_every_state("conversation")
_p = in_every_state("work_plan")
_k = in_every_state("enforcement")

GUARD_REFUSALS = [
    ("overdue before the deadline", lambda: act.mark_overdue(_a["open"], on=DUE), "has not passed"),
    (
        "overdue while suspended",
        lambda: act.mark_overdue(act.suspend_deadline(_a["open"], on=D0, reason="x"), on=LATE),
        "suspended",
    ),
    (
        "excuse without a reason",
        lambda: act.excuse(_a["overdue"], on=LATE, by="c", reason=" "),
        "reason",
    ),
    (
        "excuse without a coach",
        lambda: act.excuse(_a["reminded"], on=LATE, by="", reason="ill"),
        "by",
    ),
    (
        "refer without a reason",
        lambda: act.refer(_a["reminded"], on=LATE, by="c", reason=""),
        "reason",
    ),
    (
        "cancel activity without a reason",
        lambda: act.cancel(_a["open"], on=LATE, reason=""),
        "reason",
    ),
    (
        "invite for a day in the past",
        lambda: conv.invite(_c["proposed"], on=MEETING, at=D0),
        "before",
    ),
    (
        "reschedule without a reason",
        lambda: conv.reschedule(_c["invited"], on=D0, at=MUCH_LATER, reason=""),
        "reason",
    ),
    (
        "reschedule to the same date",
        lambda: conv.reschedule(_c["invited"], on=D0, at=MEETING, reason="x"),
        "current date",
    ),
    ("hold before the date", lambda: conv.hold(_c["invited"], on=D0, by="c"), "planned for"),
    ("no-show before the date", lambda: conv.no_show(_c["invited"], on=D0), "planned for"),
    (
        "cancel conversation without a reason",
        lambda: conv.cancel(_c["invited"], on=D0, reason=""),
        "reason",
    ),
    ("agree without the coach", lambda: wp.agree(_p["draft"], on=D0, coach_id=""), "coach"),
    (
        "agree without the jobseeker",
        lambda: wp.agree(_p["draft"], on=D0, coach_id="c", jobseeker_agreed=False),
        "jobseeker",
    ),
    (
        "revise without a reason",
        lambda: wp.revise(_p["agreed"], on=D0, reason="", coach_id="c"),
        "reason",
    ),
    ("close plan without a reason", lambda: wp.close(_p["agreed"], on=D0, reason=""), "reason"),
    ("respond with nothing", lambda: enf.respond(_k["informed"], on=D0, response=""), "response"),
    (
        "no response within the window",
        lambda: enf.record_no_response(_k["informed"], on=D0 + dt.timedelta(days=3)),
        "may respond until",
    ),
    (
        "no measure without a reason",
        lambda: enf.decide_no_measure(_k["responded"], on=D0, by="c", reason=""),
        "reason",
    ),
    (
        "proposal without a person",
        lambda: enf.propose_measure(_k["responded"], on=D0, by="", policy=MEASURES),
        "by",
    ),
    (
        "a decision without a named person",
        lambda: enf.decide(_k["measure_proposed"], on=D0, by="", reason="x"),
        "named person",
    ),
    (
        "a decision without a reason",
        lambda: enf.decide(_k["measure_proposed"], on=D0, by="J", reason=""),
        "reason",
    ),
    ("objection without who", lambda: enf.record_objection(_k["decided"], on=D0, by=""), "by"),
    ("withdraw without a reason", lambda: enf.close(_k["opened"], on=D0, by="c"), "reason"),
    ("close after objection without outcome", lambda: enf.close(_k["objection"], on=D0), "by"),
]


@pytest.mark.parametrize(
    ("label", "call", "reason"), GUARD_REFUSALS, ids=[g[0] for g in GUARD_REFUSALS]
)
def test_every_guard_refusal(label, call, reason):
    with pytest.raises(GuardRefused) as info:
        call()
    assert reason in info.value.reason
    assert info.value.reason in str(info.value)


@pytest.mark.parametrize(
    ("label", "call"),
    [
        (
            "extension of zero days",
            lambda: act.extend_deadline(_a["open"], on=D0, reason="x", working_days=0),
        ),
        (
            "extension without a reason",
            lambda: act.extend_deadline(_a["open"], on=D0, reason="", working_days=1),
        ),
        (
            "suspend twice",
            lambda: act.suspend_deadline(
                act.suspend_deadline(_a["open"], on=D0, reason="x"), on=D0, reason="y"
            ),
        ),
        ("resume what is not suspended", lambda: act.resume_deadline(_a["open"], on=D0)),
        (
            "a service without a reason",
            lambda: wp.new_plan(
                "p", on=D0, services=[wp.ExtraService(name="cv training", reason="")]
            ),
        ),
    ],
)
def test_deadline_and_plan_refusals_are_invalid_input(label, call):
    with pytest.raises(InvalidInput):
        call()


def test_extension_past_the_legal_latest_date_is_refused():
    a = act.new_activity("a", "cv", due=DUE, on=D0, legal_latest=DUE + dt.timedelta(days=3))
    assert act.extend_deadline(a, on=D0, reason="x", working_days=1).deadline.due == dt.date(
        2025, 3, 17
    )
    with pytest.raises(InvalidInput, match="legal latest"):
        act.extend_deadline(a, on=D0, reason="x", working_days=3)
