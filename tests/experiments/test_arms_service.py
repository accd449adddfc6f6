"""Each arm of the 2017 design through the real service: the rules honour the arm, the arm is hidden.

Each folder's jobseeker reference is the first one (``js-0``, ``js-1`` …) that the fixed key puts in the
arm wanted: the assignment is the real one, only the reference is chosen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.shell.service_world import low_answers, profiler

from werkmap.clock import FixedClock
from werkmap.experiments import arm_of, default_experiments
from werkmap.service import Actor, Werkmap
from werkmap.storage.protocol import Store

DESIGN = default_experiments()[0]
KEY = b"werkmap-test-key-0123456789"
START = dt.date(2018, 1, 8)  # a Monday inside the inflow
SYSTEM = Actor.system()
COACH = Actor.coach("c-1")

CONVERSATIONS = {"invite_orientation", "invite_monitor", "invite_early_contact", "invite_coaching"}
ENFORCEMENT = {"send_reminder", "propose_enforcement", "flag_application_duty"}


def ref_in(arm: str) -> str:
    return next(f"js-{i}" for i in range(10_000) if arm_of(DESIGN, KEY, f"js-{i}") == arm)


def service(at: dt.date = START, store: str = "memory://", *, cache: bool = True) -> Werkmap:
    q, m = profiler()
    return Werkmap(
        store,
        clock=FixedClock(at),
        questionnaire=q,
        model=m,
        experiments=default_experiments(),
        experiment_key=KEY,
        cache=cache,
    )


def run_year(arm: str, store: str = "memory://", *, cache: bool = True) -> tuple[set[str], Werkmap]:
    """Register one low-scoring jobseeker in ``arm`` with an activity of their own; sweep 8 months."""
    wm = service(store=store, cache=cache)
    ref = ref_in(arm)
    wm.register(SYSTEM, "f-1", jobseeker_ref=ref, coach_id="c-1")
    jobseeker = Actor.jobseeker(ref)
    wm.submit_profile(jobseeker, "f-1", low_answers())
    wm.add_activity(jobseeker, "f-1", "application", due=START + dt.timedelta(days=10))
    clock = wm.clock
    assert isinstance(clock, FixedClock)
    kinds: set[str] = set()
    day = START
    while day <= START + dt.timedelta(days=240):
        clock.set(day)
        kinds |= {a.kind for a in wm.sweep(SYSTEM).actions}
        day += dt.timedelta(days=1)
    return kinds, wm


def test_the_service_arm_gets_conversations_and_enforcement():
    kinds, _ = run_year("service")
    assert "invite_orientation" in kinds
    assert {"send_reminder", "propose_enforcement", "flag_application_duty"} <= kinds


def test_the_enforcement_only_control_gets_enforcement_but_no_conversations():
    kinds, wm = run_year("control_enforcement")
    assert not kinds & CONVERSATIONS
    assert {
        "mark_overdue",
        "send_reminder",
        "propose_enforcement",
        "flag_application_duty",
    } <= kinds
    folder = wm.folder(SYSTEM, "f-1")
    assert folder.conversations == ()


def test_the_control_without_service_gets_no_conversation_and_no_enforcement():
    kinds, wm = run_year("control_none")
    assert not kinds & CONVERSATIONS
    assert not kinds & ENFORCEMENT
    assert "mark_overdue" in kinds  # the bookkeeping of an activity applies to every arm
    assert wm.folder(SYSTEM, "f-1").conversations == ()


@pytest.mark.parametrize("arm", ["control_none", "control_enforcement", "service"])
def test_the_sweep_over_a_stored_rule_state_honours_the_arm(arm: str, tmp_path: Path) -> None:
    # SQLite without a cache: the sweep decides over each folder's stored rule state, which must keep
    # the arm's switches (it lost them before its layout 2)
    stored, _ = run_year(arm, f"sqlite:///{tmp_path}/s.db", cache=False)
    in_memory, _ = run_year(arm)
    assert stored == in_memory


def _store(wm: Werkmap) -> Store:
    return wm.store


def test_registration_assigns_and_audits_the_arm():
    wm = service()
    ref = ref_in("control_none")
    wm.register(SYSTEM, "f-1", jobseeker_ref=ref, coach_id="c-1")
    folder = wm.folder(SYSTEM, "f-1")
    assert folder.assignment is not None
    assert (folder.assignment.arm, folder.assignment.experiment_version) == ("control_none", 1)
    assert [e.kind for e in folder.events] == ["folder_created", "arm_assigned"]
    records = _store(wm).audit_records("f-1")
    assert any("arm_assigned" in r.what for r in records)


@pytest.mark.parametrize(
    ("actor", "sees"),
    [(SYSTEM, True), (Actor.team_lead("tl-1"), True), (COACH, False)],
)
def test_only_the_roles_of_the_definition_see_the_arm(actor: Actor, sees: bool):
    wm = service()
    ref = ref_in("control_enforcement")
    shown = wm.register(SYSTEM, "f-1", jobseeker_ref=ref, coach_id="c-1")
    assert shown.assignment is not None
    seen = wm.folder(actor, "f-1")
    assert (seen.assignment is not None) is sees
    (event,) = [e for e in seen.events if e.kind == "arm_assigned"]
    assert ("arm" in event.data) is sees
    assert event.data["experiment"] == "uwv-ww-2017"
    assert all((f.assignment is not None) is sees for f in wm.caseload(actor, "c-1"))
    jobseeker = Actor.jobseeker(ref)
    assert wm.folder(jobseeker, "f-1").assignment is None
    assert wm.request_conversation(jobseeker, "f-1").assignment is None


def test_the_coach_dashboard_follows_the_arm_without_showing_it():
    wm = service(START + dt.timedelta(days=200))
    ref = ref_in("control_none")
    wm.register(SYSTEM, "f-1", jobseeker_ref=ref, coach_id="c-1", registered_on=START)
    board = wm.dashboard(COACH, "c-1")
    (row,) = list(board)
    assert "monitor_due" not in row.flags  # no monitor conversation in a control without service
    assert "control" not in str(row.to_record())


def test_outside_the_inflow_nothing_is_assigned():
    wm = service(dt.date(2019, 2, 4))
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    assert wm.folder(SYSTEM, "f-1").assignment is None
