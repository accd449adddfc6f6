"""Changes of the folder's enforcement cases, from opening to the measure and the close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import activity as _act
from werkmap.plan import conversation as _conv
from werkmap.plan import enforcement as _enf
from werkmap.plan.enforcement import EnforcementCase, Ground, MeasureKind, MeasurePolicy
from werkmap.plan.folder._base import _commit, _d, _replace, _require_new
from werkmap.plan.folder._values import Change, WorkFolder, _index
from werkmap.workdays import HolidayCalendar

__all__ = [
    "close_case",
    "decide_measure",
    "decide_no_measure",
    "inform_case",
    "open_case",
    "propose_measure",
    "record_no_response",
    "record_objection",
    "record_response",
]


def open_case(
    folder: WorkFolder,
    case_id: str,
    *,
    ground: Ground | str,
    on: dt.date,
    actor: str,
    reason: str,
    source_id: str = "",
) -> Change:
    """Open an enforcement case from a referred activity, a no-show, or an application-duty breach.

    Raises:
        InvalidInput: the id exists, no reason, or the source does not fit the ground (an activity that
            was not referred, a conversation that was not missed).
    """
    g = Ground(ground)
    problems = []
    if not reason.strip():
        problems.append(Problem(path="$.reason", message="a case needs a reason"))
    if g is Ground.ACTIVITY:
        hit = [a for a in folder.activities if a.activity_id == source_id]
        if not hit or hit[0].state is not _act.ActivityState.REFERRED:
            problems.append(
                Problem(path="$.source_id", message=f"no referred activity {source_id!r}")
            )
    elif g is Ground.NO_SHOW:
        conv = [c for c in folder.conversations if c.conversation_id == source_id]
        if not conv or conv[0].state is not _conv.ConversationState.NO_SHOW:
            problems.append(
                Problem(path="$.source_id", message=f"no missed conversation {source_id!r}")
            )
    if problems:
        raise InvalidInput(problems, source="work folder")
    _require_new(folder.cases, "case_id", case_id)
    case = _enf.new_case(case_id, ground=g, on=on, reason=reason, source_id=source_id, by=actor)
    data = {"case_id": case_id, "ground": str(g), "source_id": source_id, "reason": reason}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("case_opened", data)],
        cases=(*folder.cases, case),
    )


def _on_case(
    folder: WorkFolder,
    case_id: str,
    change: Callable[[EnforcementCase], EnforcementCase],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    old = folder.cases[i]
    new = change(old)
    details = {"case_id": case_id, "from": str(old.state), "to": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        cases=_replace(folder.cases, i, new),
    )


def inform_case(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Record that the jobseeker was informed and invited to respond within the policy's window."""
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.inform(folder.cases[i], on=on, policy=policy, calendar=calendar)
    data = {"case_id": case_id, "respond_by": _d(new.respond_by)}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("case_informed", data)],
        cases=_replace(folder.cases, i, new),
    )


def record_response(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, response: str
) -> Change:
    """Record the jobseeker's response to an enforcement case."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.respond(c, on=on, response=response),
        "case_response",
        on=on,
        actor=actor,
    )


def record_no_response(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str = "system"
) -> Change:
    """Record that no response came within the window (refused before the window ends)."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.record_no_response(c, on=on),
        "case_no_response",
        on=on,
        actor=actor,
    )


def decide_no_measure(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Record coach ``actor``'s decision that no measure is needed, with a reason."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.decide_no_measure(c, on=on, by=actor, reason=reason),
        "case_no_measure",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def _measure_history(folder: WorkFolder, case_id: str) -> tuple[list[dt.date], list[dt.date]]:
    """Return the days of the folder's earlier measures and application-duty breaches, for a proposal.

    Earlier measures are the decision days of other cases that imposed a measure; earlier breaches are
    the opening days of other application-duty cases in which a measure was imposed or is still
    proposed (a case decided without a measure, or withdrawn, is no breach).
    """
    measures = []
    breaches = []
    for c in folder.cases:
        if c.case_id == case_id:
            continue
        if c.decision is not None and c.decision.imposed:
            measures.append(c.decision.decided_on)
        if c.ground is Ground.APPLICATION_DUTY and (
            (c.decision is not None and c.decision.imposed)
            or (c.proposal is not None and c.decision is None and not c.is_final)
        ):
            breaches.append(c.opened_on)
    return measures, breaches


def propose_measure(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    policy: MeasurePolicy,
) -> Change:
    """Ask werkmap for a measure proposal; the folder's earlier measures and breaches are taken into account.

    The proposal is :func:`werkmap.plan.enforcement.compute_proposal` (rules ``R-MEASURE-01/02/03``) on
    the measure table ``policy`` valid on ``on``. Earlier measures are decisions that imposed a measure;
    earlier application-duty breaches are other application-duty cases in which a measure was imposed
    or is still proposed. The event records the rule and the version of the table.
    """
    measures, breaches = _measure_history(folder, case_id)
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.propose_measure(
        folder.cases[i],
        on=on,
        by=actor,
        policy=policy,
        earlier_measures=measures,
        earlier_duty_breaches=breaches,
    )
    assert new.proposal is not None
    data = {
        "case_id": case_id,
        "kind": str(new.proposal.kind),
        "percentage": f"{new.proposal.percentage:g}",
        "duration_weeks": str(new.proposal.duration_weeks),
        "rule_id": new.proposal.rule_id,
        "rule_version": new.proposal.rule_version,
        "explanation": new.proposal.explanation,
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("measure_proposed", data)],
        cases=_replace(folder.cases, i, new),
    )


def decide_measure(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    imposed: bool = True,
    percentage: float | None = None,
    duration_weeks: int | None = None,
    kind: MeasureKind | str | None = None,
    change_reason: str = "",
) -> Change:
    """Record the decision on a proposed measure, taken by the named person ``actor``.

    The coach confirms the proposal (no terms given), changes its terms (``kind``, ``percentage``,
    ``duration_weeks``; the decision records which changed and ``change_reason``, by default
    ``reason``), or imposes none (``imposed=False``). See :func:`werkmap.plan.enforcement.decide`.
    """
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.decide(
        folder.cases[i],
        on=on,
        by=actor,
        reason=reason,
        imposed=imposed,
        percentage=percentage,
        duration_weeks=duration_weeks,
        kind=kind,
        change_reason=change_reason,
    )
    assert new.decision is not None
    assert new.proposal is not None
    data = {
        "case_id": case_id,
        "imposed": str(new.decision.imposed).lower(),
        "kind": str(new.decision.kind),
        "percentage": f"{new.decision.percentage:g}",
        "duration_weeks": str(new.decision.duration_weeks),
        "decided_by": actor,
        "reason": reason,
        "rule_id": new.proposal.rule_id,
        "rule_version": new.proposal.rule_version,
    }
    if new.decision.changed_terms:
        data["changed_terms"] = ",".join(new.decision.changed_terms)
        data["change_reason"] = new.decision.change_reason
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("measure_decided", data)],
        cases=_replace(folder.cases, i, new),
    )


def record_objection(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, note: str = ""
) -> Change:
    """Record an objection (*bezwaar*) against the decision in a case."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.record_objection(c, on=on, by=actor, note=note),
        "objection_recorded",
        on=on,
        actor=actor,
    )


def close_case(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Close an enforcement case (withdrawing an opened case or closing after an objection needs a reason)."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.close(c, on=on, by=actor, reason=reason),
        "case_closed",
        on=on,
        actor=actor,
        data={"reason": reason},
    )
