"""A compact, flat snapshot of a folder: what the rules need to know, and nothing more.

The rules do not read :class:`werkmap.plan.WorkFolder` directly. They read a :class:`FolderState`, so the
one-folder function and the vectorised sweep see the same facts, and a store can keep the few columns
the sweep needs without loading whole folders. :func:`folder_state` maps a ``WorkFolder`` to it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.duty import counted_applications
from werkmap.rules.routing import OUTCOMES, CoachOverride, Decision, check_probability

if TYPE_CHECKING:
    from werkmap.plan.activity import Activity
    from werkmap.plan.folder import WorkFolder

__all__ = [
    "ACTIVITY_STATES",
    "INVITATION_KINDS",
    "ROUTES",
    "ActivityRow",
    "FolderState",
    "Invitation",
    "folder_state",
]

ACTIVITY_STATES = (
    "open",
    "overdue",
    "reminded",
    "done",
    "done_late",
    "excused",
    "referred",
    "cancelled",
)
"""The states of an activity (``referred``: referred to enforcement)."""

ROUTES = OUTCOMES
"""The routes a folder can be on (the routing outcomes)."""

INVITATION_KINDS = ("orientation", "monitor", "coaching", "early_contact")
"""The kinds of conversation a folder can have an invitation for."""


@attrs.frozen(kw_only=True)
class ActivityRow:
    """One activity of the work plan, as the rules see it.

    Attributes:
        id: the activity id (unique within the folder).
        state: one of :data:`ACTIVITY_STATES`.
        deadline: the agreed deadline; one on a weekend or holiday moves to the next working day.
        reminded_on: when the reminder was sent (for state ``reminded``), else ``None``.
        suspended: whether the deadline is suspended (it does not run: never marked overdue).
    """

    id: str
    state: str
    deadline: dt.date
    reminded_on: dt.date | None = None
    suspended: bool = False


@attrs.frozen(kw_only=True)
class Invitation:
    """A pending invitation to a conversation (proposed or invited, not yet held or cancelled).

    Attributes:
        id: the conversation id.
        kind: one of :data:`INVITATION_KINDS`.
        invited_on: when the invitation was made.
        planned_on: the planned date of the conversation, if known.
    """

    id: str
    kind: str
    invited_on: dt.date
    planned_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class FolderState:
    """What the rules know about one folder on a date.

    Attributes:
        folder_id: the folder's id.
        registered_on: the first day of unemployment registration.
        probability: the latest profile's chance of work within a year, or ``None`` without a profile.
        band: the latest profile's band, or ``None``.
        profiled_on: the date of the latest profile, or ``None``.
        profiler_invited_on: when the jobseeker was invited to the Work Profiler, or ``None``.
        route: the route of the latest routing decision (one of :data:`ROUTES`), or ``None``.
        routed_on: the date of that decision, or ``None``.
        requested_conversation: the jobseeker asked for a conversation.
        coach_override: a coach's override in force, or ``None``.
        last_conversation_on: the date of the last held conversation, or ``None`` if none was held.
        pending: the pending invitations.
        work_found_on: when the jobseeker found work, or ``None``.
        benefit_ends_on: when the benefit ends (or ended), or ``None``.
        pension_on: the date the jobseeker reaches state-pension (AOW) age, or ``None`` if unknown.
        activities: the work plan's activities.
        applications_on: the dates of registered application activities (for the application duty).
        handled: ids of actions already applied or recorded: never proposed again.
        services: whether the folder receives the service model's conversations and invitations (an
            experiment's control arm may not): ``False`` switches off the conversation rules
            (orientation, monitor, early contact, coaching) and the coach's analysis of a folder without a
            profile. Default ``True``: the full service.
        enforcement: whether the folder receives enforcement: ``False`` switches off the reminder, the
            enforcement proposal and the application-duty check. Default ``True``.
    """

    folder_id: str
    registered_on: dt.date
    probability: float | None = None
    band: str | None = None
    profiled_on: dt.date | None = None
    profiler_invited_on: dt.date | None = None
    route: str | None = None
    routed_on: dt.date | None = None
    requested_conversation: bool = False
    coach_override: CoachOverride | None = None
    last_conversation_on: dt.date | None = None
    pending: tuple[Invitation, ...] = ()
    work_found_on: dt.date | None = None
    benefit_ends_on: dt.date | None = None
    pension_on: dt.date | None = None
    activities: tuple[ActivityRow, ...] = ()
    applications_on: tuple[dt.date, ...] = ()
    handled: frozenset[str] = frozenset()
    services: bool = True
    enforcement: bool = True

    def check(self) -> FolderState:
        """Return the state itself after checking it, or raise one error listing every problem.

        Raises:
            InvalidInput: an unknown route, activity state or invitation kind; a probability outside
                [0, 1]; a route without its date; a reminded activity without ``reminded_on``.
        """
        problems: list[Problem] = []
        try:
            check_probability(self.probability)
        except InvalidInput as error:
            problems.extend(error.problems)
        if self.route is not None and self.route not in ROUTES:
            problems.append(Problem(path="$.route", message=f"expected one of {list(ROUTES)}"))
        if (self.route is None) != (self.routed_on is None):
            problems.append(Problem(path="$.routed_on", message="route and routed_on go together"))
        for i, act in enumerate(self.activities):
            if act.state not in ACTIVITY_STATES:
                problems.append(
                    Problem(path=f"$.activities[{i}].state", message=f"unknown {act.state!r}")
                )
            if act.state == "reminded" and act.reminded_on is None:
                problems.append(
                    Problem(path=f"$.activities[{i}].reminded_on", message="missing for reminded")
                )
        for i, inv in enumerate(self.pending):
            if inv.kind not in INVITATION_KINDS:
                problems.append(
                    Problem(path=f"$.pending[{i}].kind", message=f"unknown {inv.kind!r}")
                )
        if problems:
            raise InvalidInput(problems, source=f"folder state {self.folder_id}")
        return self


def _row(a: Activity) -> ActivityRow:
    return ActivityRow(
        id=a.activity_id, state=str(a.state), deadline=a.deadline.due, reminded_on=a.reminded_on
    )


_PENDING = frozenset({"proposed", "invited"})


def folder_state(
    folder: WorkFolder,
    *,
    route: Decision | None = None,
    coach_override: CoachOverride | None = None,
    profiler_invited_on: dt.date | None = None,
    handled: frozenset[str] = frozenset(),
) -> FolderState:
    """Map a :class:`werkmap.plan.WorkFolder` to the :class:`FolderState` the rules read.

    The folder holds the facts, including the routing decisions (:attr:`WorkFolder.routes`), the profiler
    invitation and the ids of actions already recorded (:attr:`WorkFolder.handled_actions`), as the service
    shell records them. The arguments add to or replace what the folder holds, for hosts that keep these
    beside the folder.

    What is read from the folder:

    * the latest profile (probability, band, date taken);
    * ``conversation_requested_on`` (the jobseeker asked for a conversation);
    * held conversations: the last one's date (``closed_on``, else its scheduled date);
    * proposed and invited conversations as pending invitations (planned date: ``scheduled_for``);
    * ``work_found_on``; the benefit end (``benefit_ended_on`` or else ``benefit_ends_on``);
      ``pension_on``;
    * suspended deadlines (such an activity is never marked overdue);
    * every activity with its state, effective deadline (``deadline.due``) and ``reminded_on``;
    * application activities done on time: their closing dates count for the application duty
      (:func:`werkmap.plan.duty.counted_applications`);
    * the experiment arm (:attr:`WorkFolder.assignment`): whether it receives services and enforcement
      (without an assignment: both).

    Args:
        folder: the folder.
        route: the latest routing decision; ``None``: the folder's latest :class:`RouteRecord`, if any.
        coach_override: the coach's override in force, or ``None``.
        profiler_invited_on: when the jobseeker was invited to the Work Profiler; ``None``: the folder's.
        handled: ids of actions already applied or recorded, besides the folder's ``handled_actions``.
    """
    profile = folder.latest_profile
    recorded = folder.latest_route
    if route is not None:
        route_outcome: str | None = route.outcome
        routed_on: dt.date | None = route.decided_on
    elif recorded is not None:
        route_outcome, routed_on = recorded.outcome, recorded.decided_on
    else:
        route_outcome, routed_on = None, None
    if profiler_invited_on is None:
        profiler_invited_on = folder.profiler_invited_on
    if folder.handled_actions:
        handled = handled | frozenset(folder.handled_actions)
    held = [
        c.closed_on or c.scheduled_for or c.proposed_on
        for c in folder.conversations
        if str(c.state) == "held"
    ]
    pending = tuple(
        Invitation(
            id=c.conversation_id,
            kind=str(c.kind),
            invited_on=c.proposed_on,
            planned_on=c.scheduled_for,
        )
        for c in folder.conversations
        if str(c.state) in _PENDING
    )
    ends = [d for d in (folder.benefit_ended_on, folder.benefit_ends_on) if d is not None]
    arm = folder.assignment
    return FolderState(
        folder_id=folder.folder_id,
        registered_on=folder.registered_on,
        probability=profile.probability if profile else None,
        band=profile.band if profile else None,
        profiled_on=profile.taken_on if profile else None,
        profiler_invited_on=profiler_invited_on,
        route=route_outcome,
        routed_on=routed_on,
        requested_conversation=folder.conversation_requested_on is not None,
        coach_override=coach_override,
        last_conversation_on=max(held) if held else None,
        pending=pending,
        work_found_on=folder.work_found_on,
        benefit_ends_on=min(ends) if ends else None,
        pension_on=folder.pension_on,
        activities=tuple(
            attrs.evolve(_row(a), suspended=True) if a.deadline.suspended else _row(a)
            for a in folder.activities
        ),
        applications_on=counted_applications(folder.activities),
        handled=handled,
        services=arm.services if arm is not None else True,
        enforcement=arm.enforcement if arm is not None else True,
    ).check()
