"""Changes of the folder as a whole: creation, coach, arm, profile, route, found work, the end of benefit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import activity as _act
from werkmap.plan import conversation as _conv
from werkmap.plan.activity import Activity
from werkmap.plan.folder._base import _commit
from werkmap.plan.folder._bsn import is_valid_bsn, pseudonymise_bsn
from werkmap.plan.folder._values import (
    OPEN_ACTIVITY_STATES,
    ArmAssignment,
    Change,
    FolderEvent,
    ProfileRecord,
    RouteRecord,
    ShadowScore,
    WorkFolder,
)

__all__ = [
    "BENEFIT_ENDED_REASON",
    "WORK_FOUND_REASON",
    "add_profile",
    "add_shadow",
    "assign_arm",
    "assign_coach",
    "create_folder",
    "invite_to_profiler",
    "record_actions",
    "record_benefit_ended",
    "record_route",
    "record_work_found",
    "request_conversation",
]


def create_folder(
    folder_id: str,
    *,
    on: dt.date,
    registered_on: dt.date | None = None,
    jobseeker_ref: str | None = None,
    bsn: str | None = None,
    pseudonym_key: bytes | None = None,
    coach_id: str | None = None,
    benefit_ends_on: dt.date | None = None,
    pension_on: dt.date | None = None,
    actor: str = "system",
) -> Change:
    """Return a new folder (version 1) and its ``folder_created`` event.

    Give either ``jobseeker_ref`` (an opaque reference the host chose) or ``bsn`` with ``pseudonym_key``;
    a BSN is checked with the eleven-test and only its pseudonym is kept.

    Raises:
        InvalidInput: no reference or both, an invalid BSN or key, an empty folder id (all listed; the BSN
            itself never appears in the message).
    """
    problems = []
    if not folder_id:
        problems.append(Problem(path="$.folder_id", message="empty"))
    if (jobseeker_ref is None) == (bsn is None):
        problems.append(
            Problem(path="$.jobseeker_ref", message="give exactly one of jobseeker_ref and bsn")
        )
    elif jobseeker_ref is not None and not jobseeker_ref.strip():
        problems.append(Problem(path="$.jobseeker_ref", message="empty"))
    elif jobseeker_ref is not None and is_valid_bsn(jobseeker_ref.strip()):
        problems.append(
            Problem(
                path="$.jobseeker_ref",
                message="looks like a clear BSN; pass it as bsn= so it is pseudonymised",
            )
        )
    ref = jobseeker_ref or ""
    if bsn is not None:
        try:
            ref = pseudonymise_bsn(bsn, pseudonym_key if pseudonym_key is not None else b"")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems, source="work folder")
    reg = registered_on if registered_on is not None else on
    folder = WorkFolder(
        folder_id=folder_id,
        version=1,
        jobseeker_ref=ref,
        coach_id=coach_id,
        registered_on=reg,
        benefit_ends_on=benefit_ends_on,
        pension_on=pension_on,
    )
    event = FolderEvent(
        seq=1,
        kind="folder_created",
        on=on,
        actor=actor,
        version=1,
        data={"registered_on": reg.isoformat(), "coach_id": coach_id or ""},
    )
    folder = attrs.evolve(folder, events=(event,))
    return folder, (event,)


def assign_coach(
    folder: WorkFolder, coach_id: str | None, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Put the folder in the caseload of ``coach_id`` (``None``: in no caseload), saying why."""
    data = {"from": folder.coach_id or "", "to": coach_id or ""}
    if reason:
        data["reason"] = reason
    return _commit(folder, on=on, actor=actor, events=[("coach_assigned", data)], coach_id=coach_id)


def assign_arm(
    folder: WorkFolder, assignment: ArmAssignment, *, on: dt.date, actor: str = "system"
) -> Change:
    """Record the experiment arm the folder was assigned to (an ``arm_assigned`` event).

    A folder is assigned once: the arm holds for the whole follow-up (intention to treat).

    Raises:
        InvalidInput: the folder has an assignment already, or the assignment names no experiment or arm.
    """
    problems = []
    if folder.assignment is not None:
        problems.append(
            Problem(
                path="$.assignment",
                message=f"assigned already to {folder.assignment.experiment_id!r} "
                f"arm {folder.assignment.arm!r}",
            )
        )
    if not assignment.experiment_id.strip():
        problems.append(Problem(path="$.assignment.experiment_id", message="empty"))
    if not assignment.arm.strip():
        problems.append(Problem(path="$.assignment.arm", message="empty"))
    if problems:
        raise InvalidInput(problems, source="work folder")
    data = {
        "experiment": assignment.experiment_id,
        "version": str(assignment.experiment_version),
        "arm": assignment.arm,
        "services": "yes" if assignment.services else "no",
        "enforcement": "yes" if assignment.enforcement else "no",
    }
    return _commit(
        folder, on=on, actor=actor, events=[("arm_assigned", data)], assignment=assignment
    )


def add_profile(folder: WorkFolder, profile: ProfileRecord, *, on: dt.date, actor: str) -> Change:
    """Add a Work Profiler result to the profile history."""
    data = {
        "taken_on": profile.taken_on.isoformat(),
        "band": profile.band,
        "model": f"{profile.model_id}@{profile.model_version}",
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("profile_added", data)],
        profiles=(*folder.profiles, profile),
    )


def add_shadow(folder: WorkFolder, shadow: ShadowScore, *, on: dt.date, actor: str) -> Change:
    """Keep a candidate model's score beside the profiles (shadow scoring); routing never reads it."""
    data = {
        "taken_on": shadow.taken_on.isoformat(),
        "band": shadow.band,
        "model": f"{shadow.model_id}@{shadow.model_version}",
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("shadow_scored", data)],
        shadows=(*folder.shadows, shadow),
    )


def invite_to_profiler(folder: WorkFolder, *, on: dt.date, actor: str = "system") -> Change:
    """Record that the jobseeker was invited to fill in the Work Profiler."""
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("profiler_invited", {})],
        profiler_invited_on=on,
    )


def record_route(folder: WorkFolder, route: RouteRecord, *, on: dt.date, actor: str) -> Change:
    """Record a routing decision (made by the rules, or a coach's override of them)."""
    data = {
        "outcome": route.outcome,
        "rule": f"{route.rule_id}@{route.rule_version}",
        "override_by": route.override_by,
        "override_reason": route.override_reason,
    }
    return _commit(
        folder, on=on, actor=actor, events=[("routed", data)], routes=(*folder.routes, route)
    )


def record_actions(
    folder: WorkFolder,
    actions: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
    *,
    on: dt.date,
    actor: str = "system",
) -> Change:
    """Record due actions as handled: ``(id, kind, subject)`` or ``(id, kind, subject, policy_version)``.

    Ids already recorded are skipped. Each ``action_recorded`` event keeps the action's id, kind, subject
    and the version of the policy it was decided under (``policy_version``, ``""`` when not given), so the
    decision can be replayed against that policy.

    Raises:
        InvalidInput: no new action was given (a change always records something).
    """
    known = set(folder.handled_actions)
    new: list[tuple[str, str, str, str]] = []
    for action in actions:
        ident, kind, subject = action[0], action[1], action[2]
        version = action[3] if len(action) > 3 else ""
        if ident and ident not in known:
            known.add(ident)
            new.append((ident, kind, subject, version))
    if not new:
        raise InvalidInput(
            [Problem(path="$.actions", message="no action that is not recorded already")],
            source="work folder",
        )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[
            ("action_recorded", {"id": i, "kind": k, "subject": s, "policy_version": v})
            for i, k, s, v in new
        ],
        handled_actions=(*folder.handled_actions, *(i for i, _, _, _ in new)),
    )


def request_conversation(
    folder: WorkFolder, *, on: dt.date, actor: str = "jobseeker", note: str = ""
) -> Change:
    """Record that the jobseeker asked for a conversation (the service model must then offer one)."""
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("conversation_requested", {"note": note})],
        conversation_requested_on=on,
    )


def record_work_found(
    folder: WorkFolder, *, on: dt.date, actor: str, cancel_pending: bool = True
) -> Change:
    """Record that the jobseeker found work: the obligations of the benefit end with it.

    Pending conversations (proposed or invited) are cancelled, unless told otherwise, and so are the
    activities still open (open, overdue, reminded). This is the one definition; the service calls it.
    """
    events: list[tuple[str, Mapping[str, str]]] = [("work_found", {})]
    conversations = folder.conversations
    if cancel_pending:
        out = []
        for c in conversations:
            if c.state in (_conv.ConversationState.PROPOSED, _conv.ConversationState.INVITED):
                c = _conv.cancel(c, on=on, reason="found work", by=actor)
                events.append(
                    (
                        "conversation_cancelled",
                        {"conversation_id": c.conversation_id, "reason": "found work"},
                    )
                )
            out.append(c)
        conversations = tuple(out)
    activities = _cancel_open(folder, on=on, actor=actor, reason=WORK_FOUND_REASON, events=events)
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=events,
        work_found_on=on,
        conversations=conversations,
        activities=activities,
    )


WORK_FOUND_REASON = "werk gevonden / work found"
"""The reason recorded on the activities cancelled because the jobseeker found work."""


BENEFIT_ENDED_REASON = "uitkering beëindigd / benefit ended"
"""The reason recorded on the activities cancelled because the benefit ended (when none is given)."""


def _cancel_open(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    events: list[tuple[str, Mapping[str, str]]],
) -> tuple[Activity, ...]:
    """The folder's activities with the open ones cancelled; their events are appended to ``events``."""
    out = []
    for a in folder.activities:
        if str(a.state) in OPEN_ACTIVITY_STATES:
            new = _act.cancel(a, on=on, by=actor, reason=reason)
            events.append(
                (
                    "activity_cancelled",
                    {
                        "activity_id": a.activity_id,
                        "from": str(a.state),
                        "to": str(new.state),
                        "reason": reason,
                    },
                )
            )
            a = new
        out.append(a)
    return tuple(out)


def record_benefit_ended(
    folder: WorkFolder, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Record that the benefit ended on ``on``; the activities still open are cancelled."""
    events: list[tuple[str, Mapping[str, str]]] = [("benefit_ended", {"reason": reason})]
    activities = _cancel_open(
        folder, on=on, actor=actor, reason=reason or BENEFIT_ENDED_REASON, events=events
    )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=events,
        benefit_ended_on=on,
        activities=activities,
    )
