"""The service's commands as a person runs them, and the pure compounds they call.

The enforcement workflow (propose, then confirm, change the terms or decide no measure), application-duty
cases through the service (the third-breach rule), the sweep's refused actions, ids minted from the folder,
and one definition of what "work found" cancels.
"""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import InvalidInput, Problem, WerkmapError
from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.duty import ApplicationDuty
from werkmap.rules import default_policy
from werkmap.rules.apply import APPLY, ApplyContext
from werkmap.rules.commands import sweep_folder
from werkmap.rules.due import KINDS, Action
from werkmap.service import Werkmap
from werkmap.workdays import dutch_calendar

from .service_world import COACH, D0, JOBSEEKER, SYSTEM, clock_of, day, service

CAL = dutch_calendar()


def _registered() -> Werkmap:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    return wm


def _duty_case(wm: Werkmap, on: dt.date) -> str:
    clock_of(wm).set(on)
    case = wm.open_duty_case(COACH, "f-1", reason="te weinig sollicitaties / too few applications")
    wm.respond(JOBSEEKER, "f-1", case, response="geen tijd / no time")
    return case


# ----------------------------------------------------------------------------------- enforcement


def test_deciding_a_measure_without_a_proposal_asks_to_propose_first() -> None:
    wm = _registered()
    case = _duty_case(wm, D0)
    before = wm.folder(COACH, "f-1")
    with pytest.raises(InvalidInput, match="propose first"):
        wm.decide_case(COACH, "f-1", case, measure=True, reason="geen geldige reden / no reason")
    after = wm.folder(COACH, "f-1")
    assert after.version == before.version
    assert after.case(case).decision is None


def test_the_coach_reviews_the_proposal_and_may_change_its_terms() -> None:
    wm = _registered()
    case = _duty_case(wm, D0)
    proposed = wm.propose_measure(COACH, "f-1", case).case(case).proposal
    assert proposed is not None
    assert proposed.percentage > 0
    assert wm.folder(COACH, "f-1").case(case).decision is None  # proposing decides nothing
    folder = wm.decide_case(
        COACH,
        "f-1",
        case,
        measure=True,
        reason="verzachtende omstandigheden / mitigating circumstances",
        percentage=proposed.percentage / 2,
        duration_weeks=2,
    )
    decision = folder.case(case).decision
    assert decision is not None
    assert decision.imposed
    assert (decision.percentage, decision.duration_weeks) == (proposed.percentage / 2, 2)
    assert decision.decided_by == str(COACH)
    assert folder.case(case).proposal == proposed  # the proposal stays as werkmap made it


def test_the_coach_may_decide_no_measure_against_the_proposal() -> None:
    wm = _registered()
    case = _duty_case(wm, D0)
    wm.propose_measure(COACH, "f-1", case)
    folder = wm.decide_case(COACH, "f-1", case, measure=False, reason="ziek / ill")
    decision = folder.case(case).decision
    assert decision is not None
    assert not decision.imposed
    assert folder.case(case).proposal is not None


def test_the_third_duty_breach_within_twelve_months_is_proposed_as_permanent_refusal() -> None:
    wm = _registered()
    kinds = []
    for n in (0, 60, 120):
        case = _duty_case(wm, day(n))
        proposal = wm.propose_measure(COACH, "f-1", case).case(case).proposal
        assert proposal is not None
        kinds.append(str(proposal.kind))
        wm.decide_case(COACH, "f-1", case, measure=True, reason="geen geldige reden / no reason")
    assert kinds == ["reduction", "reduction", "permanent_refusal"]


def test_a_duty_case_needs_a_reason() -> None:
    wm = _registered()
    with pytest.raises(InvalidInput):
        wm.open_duty_case(COACH, "f-1", reason=" ")


# -------------------------------------------------------------------------------------- the sweep


def test_an_action_the_folder_refuses_is_reported_and_offered_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wm = _registered()

    def refuse(*_: object) -> tuple[wf.WorkFolder, tuple[wf.FolderEvent, ...]]:
        raise InvalidInput([Problem(path="$", message="refused")], source="test")

    monkeypatch.setitem(APPLY, "invite_profiler", refuse)  # type: ignore[index]
    first = wm.sweep(SYSTEM, on=D0)
    assert first.actions == ()
    assert [i for i, _ in first.failed]
    assert "refused" in first.failed[0][1]
    assert wm.folder(SYSTEM, "f-1").version == 1  # not recorded as handled
    monkeypatch.undo()
    clock_of(wm).set(day(1))
    second = wm.sweep(SYSTEM)
    assert [a.kind for a in second.actions] == ["invite_profiler"]
    assert second.failed == ()


def test_the_pure_sweep_is_one_version_and_skips_what_it_cannot_apply() -> None:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", coach_id="c-1", actor="c")
    made = sweep_folder(folder, on=D0, actor="system", policy=default_policy(), calendar=CAL)
    assert made.folder.version == 2
    assert {e.version for e in made.events} == {2}
    assert [a.kind for a in made.value.actions] == ["invite_profiler"]


def test_every_action_kind_has_a_change() -> None:
    assert set(KINDS) <= set(APPLY)


def test_an_action_for_a_person_is_recorded_as_handled() -> None:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", coach_id="c-1", actor="c")
    action = Action(
        id="a-1",
        folder_id="f-1",
        kind="flag_application_duty",
        rule_id="R-DUE-DUTY",
        rule_version=1,
        subject="2025-03",
        fired_on=D0,
        due_by=None,
        parameters={},
    )
    ctx = ApplyContext(on=D0, actor="system", policy=default_policy(), calendar=CAL)
    new, events = APPLY[action.kind](folder, action, ctx)
    assert [e.kind for e in events] == ["action_recorded"]
    assert new.version == 2


# ---------------------------------------------------------------------------------- compounds


def test_ids_come_from_the_folder_and_are_never_reused() -> None:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", actor="c")
    folder, _ = wf.propose_conversation(folder, "conv-5", "monitor", on=D0, actor="c")
    made = pc.invite_conversation(folder, "orientation", on=D0, at=day(7), actor="c")
    assert made.value == "conv-6"
    assert wf.next_id(made.folder, "conv") == "conv-7"
    assert wf.next_id(made.folder, "case") == "case-1"


def test_a_compound_is_one_version_step() -> None:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", actor="c")
    values = default_policy().at(D0)
    made = pc.agree_plan(
        folder,
        on=D0,
        actor="c",
        duty=ApplicationDuty(
            required=values.application_duty_count,
            period_days=values.application_duty_period_days,
        ),
        calendar=CAL,
        activities=[pc.PlannedActivity(kind="cv", due=day(7)) for _ in range(3)],
    )
    assert made.value == "plan-1"
    assert made.folder.version == folder.version + 1
    assert {e.version for e in made.events} == {folder.version + 1}
    assert [a.activity_id for a in made.folder.activities] == ["act-1", "act-2", "act-3"]


def test_work_found_cancels_the_open_activities_in_the_one_pure_definition() -> None:
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", actor="c")
    folder, _ = wf.add_activity(folder, "act-1", "cv", due=day(7), on=D0, actor="c", calendar=CAL)
    folder, _ = wf.propose_conversation(folder, "conv-1", "monitor", on=D0, actor="c")
    new, events = wf.record_work_found(folder, on=day(1), actor="c")
    assert str(new.activity("act-1").state) == "cancelled"
    assert str(new.conversation("conv-1").state) == "cancelled"
    assert {e.version for e in events} == {folder.version + 1}


def test_the_service_and_the_pure_function_cancel_the_same_things() -> None:
    wm = _registered()
    wm.add_activity(COACH, "f-1", "cv", due=day(7))
    wm.invite_conversation(COACH, "f-1", "orientation", at=day(7))
    before = wm.folder(COACH, "f-1")
    pure, _ = wf.record_work_found(before, on=D0, actor=str(JOBSEEKER))
    stored = wm.record_work_found(JOBSEEKER, "f-1")
    assert stored.activities == pure.activities
    assert stored.conversations == pure.conversations


def test_a_refused_compound_changes_nothing() -> None:
    wm = _registered()
    with pytest.raises(WerkmapError):
        wm.refer(COACH, "f-1", "act-9", reason="geen reactie / no response")
    assert wm.folder(COACH, "f-1").version == 1
