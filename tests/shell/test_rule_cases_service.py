"""The decision cases of tests/rules/cases/ run once more, through the service.

``tests/rules/test_cases.py`` checks each case against the pure rules on a :class:`FolderState`. Here the
same case is made into a real :class:`WorkFolder` with the pure functions of :mod:`werkmap.plan`, stored in
a ``memory://`` store, and decided by the service: :meth:`Werkmap.sweep` for the due checks and
:meth:`Werkmap.decide` for the routing checks. Both paths must give what the case expects, so the service
cannot decide differently from the rules it calls.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rules.casefile import case_files, expected_actions, policy_of, read_case, state_for
from werkmap import Actor, Werkmap
from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput
from werkmap.plan import folder as wf
from werkmap.plan.folder import ProfileRecord, RouteRecord, WorkFolder
from werkmap.rules import CoachOverride, FolderState, action_id, measure_policy
from werkmap.rules.commands import sweep_folder
from werkmap.workdays import dutch_calendar

FILES = case_files()
WHO = "coach:c-1"


def _band(probability: float) -> str:
    for cut, band in ((0.25, "0-25"), (0.50, "25-50"), (0.75, "50-75")):
        if probability <= cut:
            return band
    return "75-100"


def _profile(on: dt.date, probability: float, band: str | None) -> ProfileRecord:
    return ProfileRecord(
        taken_on=on,
        probability=probability,
        band=band or _band(probability),
        questionnaire_id="werkverkenner",
        questionnaire_version="2017.1",
        model_id="werkverkenner-illustrative",
        model_version="2017.1",
    )


def _held(folder: WorkFolder, cid: str, on: dt.date) -> WorkFolder:
    folder, _ = wf.propose_conversation(folder, cid, "coaching", on=on, actor=WHO)
    folder, _ = wf.invite_conversation(folder, cid, on=on, at=on, actor=WHO)
    folder, _ = wf.hold_conversation(folder, cid, on=on, actor=WHO)
    return folder


def _activity(folder: WorkFolder, row: object, registered_on: dt.date) -> WorkFolder:
    aid, state, deadline = row.id, row.state, row.deadline  # type: ignore[attr-defined]
    start = min(registered_on, deadline)
    folder, _ = wf.add_activity(folder, aid, "other_task", due=deadline, on=start, actor=WHO)
    late = folder.activity(aid).deadline.due + dt.timedelta(days=1)
    if row.suspended:  # type: ignore[attr-defined]
        folder, _ = wf.suspend_activity_deadline(folder, aid, on=start, actor=WHO, reason="ziek")
    if state in ("overdue", "reminded", "excused", "referred", "done_late"):
        folder, _ = wf.mark_activity_overdue(folder, aid, on=late, actor="system")
    if state in ("reminded", "referred", "done_late"):
        folder, _ = wf.remind_activity(folder, aid, on=row.reminded_on or late, actor=WHO)  # type: ignore[attr-defined]
    if state == "done":
        folder, _ = wf.complete_activity(folder, aid, on=start, actor=WHO)
    elif state == "done_late":
        folder, _ = wf.complete_activity(folder, aid, on=late, actor=WHO)
    elif state == "excused":
        folder, _ = wf.excuse_activity(folder, aid, on=late, actor=WHO, reason="ziek / ill")
    elif state == "referred":
        folder, _ = wf.refer_activity(folder, aid, on=late, actor=WHO, reason="geen reactie")
    elif state == "cancelled":
        folder, _ = wf.cancel_activity(folder, aid, on=start, actor=WHO, reason="vervallen")
    return folder


def realise(state: FolderState) -> WorkFolder:
    """Make a real folder, with the pure plan functions, that the rules see as ``state``."""
    reg = state.registered_on
    folder, _ = wf.create_folder(
        state.folder_id,
        on=reg,
        registered_on=reg,
        jobseeker_ref="js-1",
        coach_id="c-1",
        benefit_ends_on=state.benefit_ends_on,
        pension_on=state.pension_on,
    )
    if not (state.services and state.enforcement):  # an experiment arm with switches off
        arm = wf.ArmAssignment(
            experiment_id="case",
            experiment_version=1,
            arm="control",
            services=state.services,
            enforcement=state.enforcement,
            assigned_on=reg,
        )
        folder, _ = wf.assign_arm(folder, arm, on=reg)
    if state.profiler_invited_on is not None:
        folder, _ = wf.invite_to_profiler(folder, on=state.profiler_invited_on)
    if state.probability is not None:
        taken = state.profiled_on or state.routed_on or reg
        profile = _profile(taken, state.probability, state.band)
        folder, _ = wf.add_profile(folder, profile, on=taken, actor="jobseeker:js-1")
    if state.route is not None:
        assert state.routed_on is not None
        record = RouteRecord(
            decided_on=state.routed_on, outcome=state.route, rule_id="-", rule_version=1
        )
        folder, _ = wf.record_route(folder, record, on=state.routed_on, actor="system")
    if state.requested_conversation:
        folder, _ = wf.request_conversation(folder, on=state.routed_on or reg)
    if state.last_conversation_on is not None:
        folder = _held(folder, "conv-held", state.last_conversation_on)
    for inv in state.pending:
        folder, _ = wf.propose_conversation(folder, inv.id, inv.kind, on=inv.invited_on, actor=WHO)
        if inv.planned_on is not None:
            at = inv.planned_on
            folder, _ = wf.invite_conversation(folder, inv.id, on=inv.invited_on, at=at, actor=WHO)
    for row in state.activities:
        folder = _activity(folder, row, reg)
    for i, day in enumerate(state.applications_on):
        folder, _ = wf.register_applications(
            folder, [(f"app-{i}", "sollicitatie")], on=day, actor=WHO
        )
    if state.work_found_on is not None:
        folder, _ = wf.record_work_found(
            folder, on=state.work_found_on, actor="system", cancel_pending=False
        )
    if state.handled:
        ids = [(h, "handled", "") for h in sorted(state.handled)]
        folder, _ = wf.record_actions(folder, ids, on=reg, actor="system")
    return folder


def _case(folder: WorkFolder, case_id: str, ground: str, on: dt.date, policy) -> WorkFolder:
    """Open a case of ``ground`` on ``on``, inform the jobseeker and let the response window pass."""
    source = ""
    if ground == "activity":
        source = f"act-{case_id}"
        due = on - dt.timedelta(days=7)
        folder, _ = wf.add_activity(folder, source, "other_task", due=due, on=due, actor=WHO)
        folder, _ = wf.mark_activity_overdue(folder, source, on=on, actor="system")
        folder, _ = wf.remind_activity(folder, source, on=on, actor=WHO)
        folder, _ = wf.refer_activity(folder, source, on=on, actor=WHO, reason="geen reactie")
    elif ground == "no_show":
        source = f"conv-{case_id}"
        folder, _ = wf.propose_conversation(folder, source, "coaching", on=on, actor=WHO)
        folder, _ = wf.invite_conversation(folder, source, on=on, at=on, actor=WHO)
        folder, _ = wf.record_no_show(folder, source, on=on, actor=WHO)
    folder, _ = wf.open_case(
        folder, case_id, ground=ground, on=on, actor=WHO, reason="verplichting", source_id=source
    )
    folder, _ = wf.inform_case(
        folder, case_id, on=on, actor=WHO, policy=measure_policy(policy.at(on))
    )
    late = folder.case(case_id).respond_by + dt.timedelta(days=1)
    folder, _ = wf.record_no_response(folder, case_id, on=late)
    return folder


def measure_folder(check: dict, policy) -> WorkFolder:
    """A folder whose history is the check's: earlier measures imposed, earlier duty breaches proposed."""
    first = min(
        [check["on"], *check.get("earlier_measures", []), *check.get("earlier_breaches", [])]
    )
    folder = realise(FolderState(folder_id="f-1", registered_on=first))
    for i, day in enumerate(check.get("earlier_measures", [])):
        folder = _case(folder, f"m-{i}", "activity", day, policy)
        pol = measure_policy(policy.at(day))
        folder, _ = wf.propose_measure(folder, f"m-{i}", on=day, actor=WHO, policy=pol)
        folder, _ = wf.decide_measure(folder, f"m-{i}", on=day, actor=WHO, reason="gehoord")
    for i, day in enumerate(check.get("earlier_breaches", [])):
        folder = _case(folder, f"b-{i}", "application_duty", day, policy)
        pol = measure_policy(policy.at(day))
        folder, _ = wf.propose_measure(folder, f"b-{i}", on=day, actor=WHO, policy=pol)
    return _case(folder, "now", check.get("ground", "application_duty"), check["on"], policy)


def _handled(case: dict, check: dict) -> frozenset[str]:
    raw = {**case.get("state", {}), **check.get("state", {})}
    fid = raw.get("folder_id", "f-1")
    return frozenset(
        action_id(fid, h["kind"], h.get("subject", ""), h["fired_on"])
        for h in raw.get("handled", ())
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_through_the_service(path):
    case = read_case(path)
    policy = policy_of(case)
    checked = 0
    for check in case.get("due", []):
        state = state_for(case, check)
        assert state.handled == _handled(case, check)
        folder = realise(state)
        day = check["on"]
        with Werkmap("memory://", clock=FixedClock(day), policy=policy) as service:
            service.store.save(
                folder,
                expected_version=0,
                index=service.index_of(folder, day),
                notifications=[],
                audit=[],
            )
            result = service.sweep(Actor.system(), on=day)
        got = [(a.kind, a.subject, a.fired_on, a.due_by) for a in result.actions]
        expected = expected_actions(check)
        # the case's actions first; then what they make due on the same day (an activity marked
        # overdue whose reminder date has passed too), as the pure sweep of the folder applies them
        assert got[: len(expected)] == expected, check
        pure = sweep_folder(
            folder, on=day, actor="system", policy=policy, calendar=dutch_calendar()
        )
        assert got == [(a.kind, a.subject, a.fired_on, a.due_by) for a in pure.value.actions]
        checked += 1
    for check in case.get("route", []):
        state = FolderState(
            folder_id="f-1", registered_on=check["on"], requested_conversation=False
        )
        folder = realise(state)
        if check.get("probability") is not None:
            taken = check.get("profiled_on") or check["on"]
            profile = _profile(taken, check["probability"], check.get("band"))
            folder, _ = wf.add_profile(folder, profile, on=taken, actor="jobseeker:js-1")
        if check.get("requested"):
            folder, _ = wf.request_conversation(folder, on=check["on"])
        if check.get("conversation_held"):
            folder = _held(folder, "conv-held", check["on"])
        with Werkmap("memory://", clock=FixedClock(check["on"]), policy=policy) as service:
            if "error" in check:
                with pytest.raises(InvalidInput) as info:
                    service.decide(folder, CoachOverride(**check["override"]), on=check["on"])
                assert check["error"] in info.value.codes
            else:
                raw = check.get("override")
                override = CoachOverride(**raw) if raw is not None else None
                decision = service.decide(folder, override, on=check["on"])
                assert (decision.rule_id, decision.outcome) == (check["rule"], check["outcome"])
        checked += 1
    for check in case.get("measure", []):
        folder = measure_folder(check, policy)
        pol = measure_policy(policy.at(check["on"]))
        folder, _ = wf.propose_measure(folder, "now", on=check["on"], actor=WHO, policy=pol)
        proposal = folder.case("now").proposal
        assert proposal is not None
        assert (proposal.rule_id, proposal.outcome) == (check["rule"], check["outcome"])
        checked += 1
    assert checked, "a case checks something"
