"""Changes of the folder's activities and their deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from werkmap.errors import InvalidInput, Problem
from werkmap.limits import MAX_ACTIVITIES, MAX_APPLICATIONS, check_count
from werkmap.plan import activity as _act
from werkmap.plan.activity import Activity, ActivityKind
from werkmap.plan.folder._base import _commit, _replace, _require_new
from werkmap.plan.folder._values import Change, WorkFolder, _index
from werkmap.workdays import HolidayCalendar

__all__ = [
    "add_activity",
    "cancel_activity",
    "complete_activity",
    "excuse_activity",
    "extend_activity_deadline",
    "mark_activity_overdue",
    "refer_activity",
    "register_applications",
    "remind_activity",
    "resume_activity_deadline",
    "suspend_activity_deadline",
]


def add_activity(
    folder: WorkFolder,
    activity_id: str,
    kind: ActivityKind | str,
    *,
    due: dt.date,
    on: dt.date,
    actor: str,
    title: str = "",
    legal_latest: dt.date | None = None,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Add an open activity whose deadline is ``due`` (rolled to a working day)."""
    _require_new(folder.activities, "activity_id", activity_id)
    too_many = check_count("$.activities", len(folder.activities) + 1, MAX_ACTIVITIES, "activities")
    if too_many:
        raise InvalidInput(too_many, source="work folder")
    a = _act.new_activity(
        activity_id,
        kind,
        due=due,
        on=on,
        title=title,
        legal_latest=legal_latest,
        calendar=calendar,
    )
    data = {"activity_id": activity_id, "kind": str(a.kind), "due": a.deadline.due.isoformat()}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("activity_added", data)],
        activities=(*folder.activities, a),
    )


def register_applications(
    folder: WorkFolder,
    applications: Sequence[tuple[str, str]],
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Register application activities the jobseeker did on ``on``: ``(activity_id, title)`` each.

    Each is added and recorded as done at once (it counts for the application duty): the same events as
    :func:`add_activity` followed by :func:`complete_activity`, in one change.

    Raises:
        InvalidInput: no applications, an empty or existing id, or the same id twice (all listed).
    """
    problems = check_count("$.applications", len(applications), MAX_APPLICATIONS, "applications")
    problems += check_count(
        "$.activities", len(folder.activities) + len(applications), MAX_ACTIVITIES, "activities"
    )
    if not applications:
        problems.append(Problem(path="$.applications", message="register at least one"))
    known = {a.activity_id for a in folder.activities}
    for i, (ident, _) in enumerate(applications):
        if not ident:
            problems.append(Problem(path=f"$.applications[{i}].activity_id", message="empty"))
        elif ident in known:
            problems.append(
                Problem(
                    path=f"$.applications[{i}].activity_id", message=f"{ident!r} exists already"
                )
            )
        known.add(ident)
    if problems:
        raise InvalidInput(problems, source="work folder")
    added = []
    events: list[tuple[str, Mapping[str, str]]] = []
    for ident, title in applications:
        a = _act.new_activity(ident, "application", due=on, on=on, title=title, calendar=calendar)
        done = _act.complete(a, on=on)
        added.append(done)
        events.append(
            (
                "activity_added",
                {"activity_id": ident, "kind": str(a.kind), "due": a.deadline.due.isoformat()},
            )
        )
        events.append(
            (
                "activity_completed",
                {"activity_id": ident, "from": str(a.state), "to": str(done.state)},
            )
        )
    return _commit(
        folder, on=on, actor=actor, events=events, activities=(*folder.activities, *added)
    )


def _on_activity(
    folder: WorkFolder,
    activity_id: str,
    change: Callable[[Activity], Activity],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    old = folder.activities[i]
    new = change(old)
    details = {"activity_id": activity_id, "from": str(old.state), "to": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        activities=_replace(folder.activities, i, new),
    )


def complete_activity(folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str) -> Change:
    """Record an activity as done (``done`` in time, ``done_late`` when overdue or reminded)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.complete(a, on=on),
        "activity_completed",
        on=on,
        actor=actor,
    )


def mark_activity_overdue(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str = "system"
) -> Change:
    """Mark an open activity overdue (refused while its deadline has not passed or is suspended)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.mark_overdue(a, on=on),
        "activity_overdue",
        on=on,
        actor=actor,
    )


def remind_activity(folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str) -> Change:
    """Record that the jobseeker was reminded of an overdue activity."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.remind(a, on=on, by=actor),
        "activity_reminded",
        on=on,
        actor=actor,
    )


def excuse_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Excuse an overdue or reminded activity (coach ``actor``, with a reason)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.excuse(a, on=on, by=actor, reason=reason),
        "activity_excused",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def refer_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Refer a reminded activity to enforcement (then open a case with :func:`open_case`)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.refer(a, on=on, by=actor, reason=reason),
        "activity_referred",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def cancel_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Cancel an activity that is not over yet, with a reason."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.cancel(a, on=on, by=actor, reason=reason),
        "activity_cancelled",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def extend_activity_deadline(
    folder: WorkFolder,
    activity_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    working_days: int,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Extend the deadline of an open activity by ``working_days`` working days."""

    def change(a: Activity) -> Activity:
        return _act.extend_deadline(
            a, on=on, reason=reason, working_days=working_days, by=actor, calendar=calendar
        )

    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    new = change(folder.activities[i])
    data = {
        "activity_id": activity_id,
        "reason": reason,
        "working_days": str(working_days),
        "due": new.deadline.due.isoformat(),
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("deadline_extended", data)],
        activities=_replace(folder.activities, i, new),
    )


def suspend_activity_deadline(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Suspend the deadline of an open activity from ``on`` (it does not run until resumed)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.suspend_deadline(a, on=on, reason=reason),
        "deadline_suspended",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def resume_activity_deadline(
    folder: WorkFolder,
    activity_id: str,
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Let a suspended deadline run again from ``on``; it moves by the days it was suspended."""
    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    new = _act.resume_deadline(folder.activities[i], on=on, calendar=calendar)
    data = {"activity_id": activity_id, "due": new.deadline.due.isoformat()}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("deadline_resumed", data)],
        activities=_replace(folder.activities, i, new),
    )
