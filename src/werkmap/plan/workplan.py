"""The work plan (*werkplan*): the agreements made with the jobseeker, in versions that stay readable.

Life of a work plan::

    draft --amend--> draft
    draft --agree--> agreed --revise--> revised --revise--> revised
    draft | agreed | revised --close--> closed

A plan records the application duty (``N`` application activities per period, or none when the jobseeker is
exempt), the activities agreed, and the extra services with the reason each was chosen. Agreeing needs the
coach and the jobseeker; a revision is a new version, agreed by both on the day it is made, and every earlier
version stays in :attr:`WorkPlan.versions`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from werkmap import serialization
from werkmap.errors import InvalidInput, Problem
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.machine import Machine, T

__all__ = [
    "WORK_PLAN",
    "ExtraService",
    "PlanState",
    "PlanVersion",
    "WorkPlan",
    "agree",
    "amend",
    "close",
    "new_plan",
    "revise",
]


class PlanState(enum.StrEnum):
    """The states of a work plan."""

    DRAFT = "draft"
    AGREED = "agreed"
    REVISED = "revised"
    CLOSED = "closed"


S = PlanState


def _agreed_by_both(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    missing = []
    if not str(ctx.get("coach_id", "")).strip():
        missing.append("the coach")
    if not ctx.get("jobseeker_agreed"):
        missing.append("the jobseeker")
    return f"not agreed by {' and '.join(missing)}" if missing else None


def _revision(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    refused = _agreed_by_both(subject, ctx)
    if refused is None and not str(ctx.get("reason", "")).strip():
        return "a revision needs a reason"
    return refused


def _needs_reason(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    return None if str(ctx.get("reason", "")).strip() else "needs a reason"


WORK_PLAN = Machine(
    "work_plan",
    states=tuple(S),
    events=("amend", "agree", "revise", "close"),
    initial=S.DRAFT,
    final=(S.CLOSED,),
    transitions=(
        T(S.DRAFT, "amend", S.DRAFT),
        T(S.DRAFT, "agree", S.AGREED, _agreed_by_both, "agreed by coach and jobseeker"),
        T(S.DRAFT, "close", S.CLOSED, _needs_reason, "a reason"),
        T(S.AGREED, "revise", S.REVISED, _revision, "a reason; agreed by coach and jobseeker"),
        T(S.AGREED, "close", S.CLOSED, _needs_reason, "a reason"),
        T(S.REVISED, "revise", S.REVISED, _revision, "a reason; agreed by coach and jobseeker"),
        T(S.REVISED, "close", S.CLOSED, _needs_reason, "a reason"),
    ),
)
"""The work plan machine."""


@attrs.frozen(kw_only=True)
class ExtraService:
    """An extra service in a work plan (a training, a workshop, job coaching) and why it was chosen.

    A service chosen from the intervention catalogue (:mod:`werkmap.interventions`) carries its
    ``service_id`` and the catalogue's ``catalogue_version``; a service typed in by the coach has neither
    and is marked as free text (:attr:`free_text`). Records written before the catalogue existed load as
    free text.

    Attributes:
        name: the service.
        reason: why it was chosen for this jobseeker (which step of the choice, which hindrance).
        service_id: the catalogue id of the service, or ``""`` for free text.
        catalogue_version: the version of the catalogue it was chosen from, or ``""`` for free text.
    """

    name: str
    reason: str
    service_id: str = ""
    catalogue_version: str = ""

    @property
    def free_text(self) -> bool:
        """Whether the service was typed in rather than chosen from the catalogue."""
        return not self.service_id

    @property
    def catalogue_ref(self) -> str:
        """The catalogue reference ``service_id|catalogue_version``, or ``""`` for free text."""
        return f"{self.service_id}|{self.catalogue_version}" if self.service_id else ""


serialization.omit_defaults(ExtraService)  # a free-text service is written as before the catalogue


@attrs.frozen(kw_only=True)
class PlanVersion:
    """One version of a work plan.

    Attributes:
        number: 1 for the first version, +1 per revision.
        drafted_on: the day this version was written.
        agreed_on: the day the coach and the jobseeker agreed to it (``None`` for a draft).
        coach_id: the coach who agreed to it.
        jobseeker_agreed: whether the jobseeker agreed.
        application_duty: the duty agreed, or ``None`` when the jobseeker has none (exempt).
        activity_ids: the activities agreed (ids in the folder).
        services: the extra services, each with its reason.
        note: free text.
        revision_reason: why this version replaced the previous one (``""`` for version 1).
    """

    number: int
    drafted_on: dt.date
    agreed_on: dt.date | None = None
    coach_id: str = ""
    jobseeker_agreed: bool = False
    application_duty: ApplicationDuty | None = None
    activity_ids: tuple[str, ...] = ()
    services: tuple[ExtraService, ...] = ()
    note: str = ""
    revision_reason: str = ""


@attrs.frozen(kw_only=True)
class WorkPlan:
    """A work plan with all its versions.

    Attributes:
        plan_id: unique within its folder.
        state: where it is in :data:`WORK_PLAN`.
        versions: every version, oldest first; the last is the current one.
        closed_on: the day it was closed.
        close_reason: why it was closed.
    """

    plan_id: str
    state: PlanState = PlanState.DRAFT
    versions: tuple[PlanVersion, ...]
    closed_on: dt.date | None = None
    close_reason: str = ""

    @property
    def current(self) -> PlanVersion:
        """The current (last) version."""
        return self.versions[-1]

    def version(self, number: int) -> PlanVersion:
        """Return version ``number`` (earlier versions stay readable).

        Raises:
            KeyError: there is no such version.
        """
        for v in self.versions:
            if v.number == number:
                return v
        raise KeyError(f"work plan {self.plan_id!r} has no version {number}")

    @property
    def is_final(self) -> bool:
        """Whether the plan is closed."""
        return self.state in WORK_PLAN.final


def _check_services(services: Iterable[ExtraService]) -> tuple[ExtraService, ...]:
    out = tuple(services)
    problems = []
    for i, s in enumerate(out):
        if not s.name.strip():
            problems.append(Problem(path=f"$.services[{i}].name", message="empty"))
        if not s.reason.strip():
            problems.append(
                Problem(
                    path=f"$.services[{i}].reason", message="every extra service needs a reason"
                )
            )
        if bool(s.service_id.strip()) != bool(s.catalogue_version.strip()):
            problems.append(
                Problem(
                    path=f"$.services[{i}]",
                    message="a catalogue service needs both its service_id and the catalogue_version",
                )
            )
    if problems:
        raise InvalidInput(problems, source="work plan")
    return out


def _fire(plan: WorkPlan, event: str, ctx: Mapping[str, Any]) -> PlanState:
    return cast(
        PlanState, WORK_PLAN.fire(plan.state, event, obj=plan.plan_id, subject=plan, context=ctx)
    )


def new_plan(
    plan_id: str,
    *,
    on: dt.date,
    application_duty: ApplicationDuty | None = None,
    activity_ids: Iterable[str] = (),
    services: Iterable[ExtraService] = (),
    note: str = "",
) -> WorkPlan:
    """Return a draft work plan (version 1, not yet agreed).

    Raises:
        InvalidInput: an extra service without a name or reason.
    """
    version = PlanVersion(
        number=1,
        drafted_on=on,
        application_duty=application_duty,
        activity_ids=tuple(activity_ids),
        services=_check_services(services),
        note=note,
    )
    return WorkPlan(plan_id=plan_id, versions=(version,))


_KEEP: Any = object()


def amend(
    plan: WorkPlan,
    *,
    on: dt.date,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> WorkPlan:
    """Return the draft ``plan`` with its contents changed (arguments left out stay as they are)."""
    _fire(plan, "amend", {"on": on})
    cur = plan.current
    changed = attrs.evolve(
        cur,
        drafted_on=on,
        application_duty=cur.application_duty if application_duty is _KEEP else application_duty,
        activity_ids=cur.activity_ids if activity_ids is None else tuple(activity_ids),
        services=cur.services if services is None else _check_services(services),
        note=cur.note if note is None else note,
    )
    return attrs.evolve(plan, versions=(*plan.versions[:-1], changed))


def agree(plan: WorkPlan, *, on: dt.date, coach_id: str, jobseeker_agreed: bool = True) -> WorkPlan:
    """Return ``plan`` agreed on ``on`` by coach ``coach_id`` and the jobseeker."""
    state = _fire(
        plan, "agree", {"on": on, "coach_id": coach_id, "jobseeker_agreed": jobseeker_agreed}
    )
    agreed = attrs.evolve(plan.current, agreed_on=on, coach_id=coach_id, jobseeker_agreed=True)
    return attrs.evolve(plan, state=state, versions=(*plan.versions[:-1], agreed))


def revise(
    plan: WorkPlan,
    *,
    on: dt.date,
    reason: str,
    coach_id: str,
    jobseeker_agreed: bool = True,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> WorkPlan:
    """Return ``plan`` with a new version agreed on ``on``; arguments left out are taken from the current one."""
    state = _fire(
        plan,
        "revise",
        {"on": on, "coach_id": coach_id, "jobseeker_agreed": jobseeker_agreed, "reason": reason},
    )
    cur = plan.current
    new = PlanVersion(
        number=cur.number + 1,
        drafted_on=on,
        agreed_on=on,
        coach_id=coach_id,
        jobseeker_agreed=True,
        application_duty=cur.application_duty if application_duty is _KEEP else application_duty,
        activity_ids=cur.activity_ids if activity_ids is None else tuple(activity_ids),
        services=cur.services if services is None else _check_services(services),
        note=cur.note if note is None else note,
        revision_reason=reason,
    )
    return attrs.evolve(plan, state=state, versions=(*plan.versions, new))


def close(plan: WorkPlan, *, on: dt.date, reason: str) -> WorkPlan:
    """Return ``plan`` closed on ``on`` for ``reason`` (found work, benefit ended ...)."""
    state = _fire(plan, "close", {"on": on, "reason": reason})
    return attrs.evolve(plan, state=state, closed_on=on, close_reason=reason)
