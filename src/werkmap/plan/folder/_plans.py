"""Changes of the folder's work plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import workplan as _wp
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.folder._base import _commit, _replace, _require_new
from werkmap.plan.folder._values import Change, WorkFolder, _index
from werkmap.plan.workplan import ExtraService, WorkPlan

__all__ = ["agree_plan", "amend_plan", "close_plan", "draft_plan", "revise_plan"]


def draft_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    application_duty: ApplicationDuty | None = None,
    activity_ids: Iterable[str] = (),
    services: Iterable[ExtraService] = (),
    note: str = "",
) -> Change:
    """Start a draft work plan.

    Raises:
        InvalidInput: another plan is still open, the id exists, an unknown activity id, or an extra
            service without a reason (every problem listed).
    """
    ids = tuple(activity_ids)
    problems = []
    if folder.current_plan is not None:
        problems.append(
            Problem(
                path="$.plan_id",
                message=f"plan {folder.current_plan.plan_id!r} is still open; revise or close it",
            )
        )
    problems.extend(_unknown_activities(folder, ids))
    if problems:
        raise InvalidInput(problems, source="work folder")
    _require_new(folder.plans, "plan_id", plan_id)
    plan = _wp.new_plan(
        plan_id,
        on=on,
        application_duty=application_duty,
        activity_ids=ids,
        services=services,
        note=note,
    )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("plan_drafted", {"plan_id": plan_id})],
        plans=(*folder.plans, plan),
    )


def _unknown_activities(folder: WorkFolder, ids: Iterable[str]) -> list[Problem]:
    known = {a.activity_id for a in folder.activities}
    return [
        Problem(path=f"$.activity_ids[{i}]", message=f"no activity {x!r} in the folder")
        for i, x in enumerate(ids)
        if x not in known
    ]


def _on_plan(
    folder: WorkFolder,
    plan_id: str,
    change: Callable[[WorkPlan], WorkPlan],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.plans, "plan_id", plan_id, folder.folder_id)
    new = change(folder.plans[i])
    details = {"plan_id": plan_id, "version": str(new.current.number), "state": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        plans=_replace(folder.plans, i, new),
    )


_KEEP: Any = _wp._KEEP  # the same "leave it as it is" marker as werkmap.plan.workplan


def amend_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> Change:
    """Change the contents of a draft plan (arguments left out stay as they are)."""
    ids = None if activity_ids is None else tuple(activity_ids)
    if ids is not None and (problems := _unknown_activities(folder, ids)):
        raise InvalidInput(problems, source="work folder")
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.amend(
            p,
            on=on,
            application_duty=application_duty,
            activity_ids=ids,
            services=services,
            note=note,
        ),
        "plan_amended",
        on=on,
        actor=actor,
    )


def agree_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    jobseeker_agreed: bool = True,
) -> Change:
    """Record that coach ``actor`` and the jobseeker agreed to the draft plan."""
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.agree(p, on=on, coach_id=actor, jobseeker_agreed=jobseeker_agreed),
        "plan_agreed",
        on=on,
        actor=actor,
    )


def revise_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    jobseeker_agreed: bool = True,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> Change:
    """Add a new agreed version to an agreed plan; earlier versions stay readable."""
    ids = None if activity_ids is None else tuple(activity_ids)
    if ids is not None and (problems := _unknown_activities(folder, ids)):
        raise InvalidInput(problems, source="work folder")
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.revise(
            p,
            on=on,
            reason=reason,
            coach_id=actor,
            jobseeker_agreed=jobseeker_agreed,
            application_duty=application_duty,
            activity_ids=ids,
            services=services,
            note=note,
        ),
        "plan_revised",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def close_plan(folder: WorkFolder, plan_id: str, *, on: dt.date, actor: str, reason: str) -> Change:
    """Close a work plan, with a reason."""
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.close(p, on=on, reason=reason),
        "plan_closed",
        on=on,
        actor=actor,
        data={"reason": reason},
    )
