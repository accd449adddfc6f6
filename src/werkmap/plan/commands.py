"""Compound changes of a folder: what one service command does, as one pure function.

Each function takes a folder and returns a :class:`Made` (the new folder, the events, and what the command
made: an id, a tuple of ids, or ``None``). However many pure changes of :mod:`werkmap.plan.folder` a
compound chains, it is **one version step** (:func:`one_step`), and every id it mints comes from the folder
(:func:`~werkmap.plan.folder.next_id`). The service (:mod:`werkmap.service`) only authorises, calls one of
these and writes; the compounds that need a rules decision (routing, the sweep) live in
:mod:`werkmap.rules.commands`.

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan import folder as wf
    >>> f, _ = wf.create_folder("f-1", on=dt.date(2025, 3, 3), jobseeker_ref="js-1", actor="c")
    >>> made = invite_conversation(f, "orientation", on=dt.date(2025, 3, 3), at=dt.date(2025, 3, 10),
    ...                            actor="c")
    >>> made.value, made.folder.version, [e.version for e in made.events]
    ('conv-1', 2, [2, 2])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.enforcement import Ground, MeasureKind, MeasurePolicy
from werkmap.plan.folder import Change, FolderEvent, WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.workdays import HolidayCalendar

__all__ = [
    "Made",
    "PlannedActivity",
    "Step",
    "add_activity",
    "agree_plan",
    "decide_case",
    "invite_conversation",
    "no_show",
    "one_step",
    "open_duty_case",
    "propose_measure",
    "refer",
    "register_applications",
    "revise_plan",
]

T = TypeVar("T")

Step = Callable[[WorkFolder], Change]
"""One pure change of a folder."""


@attrs.frozen
class Made(Generic[T]):
    """The result of a compound change: the new folder, its events (one version) and what it made.

    Attributes:
        folder: the folder after the change.
        events: the events the change caused, all of the one new version.
        value: what the command made (an id, ids, a decision), or ``None``.
    """

    folder: WorkFolder
    events: tuple[FolderEvent, ...]
    value: T


@attrs.frozen(kw_only=True)
class PlannedActivity:
    """An activity agreed in a work plan: what, and by when.

    Attributes:
        kind: an :class:`~werkmap.plan.ActivityKind` (``application``, ``cv``, ``e_learning`` ...).
        due: the planned deadline (moved to the next working day when it is not one).
        title: a short description shown to the jobseeker.
    """

    kind: str
    due: dt.date
    title: str = ""


def one_step(folder: WorkFolder, *steps: Step) -> Change:
    """Apply ``steps`` in turn and count them as one version step (one command, one version).

    Every event the steps caused carries the one new version; a chain that causes no event returns the
    folder unchanged.
    """
    events: tuple[FolderEvent, ...] = ()
    new = folder
    for step in steps:
        new, ev = step(new)
        events += ev
    target = folder.version + 1
    if not events or new.version == target:
        return new, events
    fixed = tuple(
        FolderEvent(seq=e.seq, kind=e.kind, on=e.on, actor=e.actor, version=target, data=e.data)
        for e in events
    )
    return attrs.evolve(new, version=target, events=new.events[: -len(fixed)] + fixed), fixed


def _made(change: Change, value: T) -> Made[T]:
    return Made(change[0], change[1], value)


def _adder(
    activity_id: str,
    planned: PlannedActivity,
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar,
) -> Step:
    def step(f: WorkFolder) -> Change:
        return wf.add_activity(
            f,
            activity_id,
            planned.kind,
            due=planned.due,
            on=on,
            actor=actor,
            title=planned.title,
            calendar=calendar,
        )

    return step


def _activity_ids(folder: WorkFolder, n: int) -> list[str]:
    first = int(wf.next_id(folder, "act").rpartition("-")[2])
    return [f"act-{first + i}" for i in range(n)]


# ---------------------------------------------------------------------------------- conversations


def invite_conversation(
    folder: WorkFolder,
    kind: ConversationKind | str,
    *,
    on: dt.date,
    at: dt.date,
    actor: str,
    reason: str = "",
) -> Made[str]:
    """Propose a conversation of ``kind`` and invite the jobseeker to it for ``at``; the value is its id."""
    cid = wf.next_id(folder, "conv")
    change = one_step(
        folder,
        lambda g: wf.propose_conversation(g, cid, kind, on=on, actor=actor, reason=reason),
        lambda g: wf.invite_conversation(g, cid, on=on, at=at, actor=actor),
    )
    return _made(change, cid)


def _case_steps(
    case_id: str,
    ground: Ground,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar,
    source_id: str = "",
) -> list[Step]:
    """Open a case and inform the jobseeker (invited to respond within the policy's window)."""
    return [
        lambda g: wf.open_case(
            g, case_id, ground=ground, on=on, actor=actor, reason=reason, source_id=source_id
        ),
        lambda g: wf.inform_case(g, case_id, on=on, actor=actor, policy=policy, calendar=calendar),
    ]


def no_show(
    folder: WorkFolder,
    conversation_id: str,
    *,
    on: dt.date,
    actor: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar,
    open_case: bool = True,
) -> Made[str | None]:
    """Record a no-show; by default an enforcement case is opened and the jobseeker informed.

    The value is the id of the case opened, or ``None``.
    """
    steps: list[Step] = [lambda g: wf.record_no_show(g, conversation_id, on=on, actor=actor)]
    case_id = wf.next_id(folder, "case") if open_case else None
    if case_id is not None:
        steps += _case_steps(
            case_id,
            Ground.NO_SHOW,
            on=on,
            actor=actor,
            reason="niet verschenen / no-show",
            policy=policy,
            calendar=calendar,
            source_id=conversation_id,
        )
    return _made(one_step(folder, *steps), case_id)


# ------------------------------------------------------------------------------------- work plan


def agree_plan(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    duty: ApplicationDuty,
    calendar: HolidayCalendar,
    activities: Iterable[PlannedActivity] = (),
    services: Iterable[ExtraService] = (),
    note: str = "",
    jobseeker_agreed: bool = True,
) -> Made[str]:
    """Add the plan's activities, draft the plan with ``duty`` and agree it; the value is the plan's id."""
    planned = tuple(activities)
    plan_id = wf.next_id(folder, "plan")
    ids = _activity_ids(folder, len(planned))
    steps: list[Step] = [
        _adder(aid, p, on=on, actor=actor, calendar=calendar)
        for aid, p in zip(ids, planned, strict=True)
    ]
    extra = tuple(services)
    steps.append(
        lambda g: wf.draft_plan(
            g,
            plan_id,
            on=on,
            actor=actor,
            application_duty=duty,
            activity_ids=ids,
            services=extra,
            note=note,
        )
    )
    steps.append(
        lambda g: wf.agree_plan(g, plan_id, on=on, actor=actor, jobseeker_agreed=jobseeker_agreed)
    )
    return _made(one_step(folder, *steps), plan_id)


def revise_plan(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    calendar: HolidayCalendar,
    activities: Iterable[PlannedActivity] = (),
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> Made[str]:
    """Revise the current plan: a new version with added activities; the value is the plan's id.

    Raises:
        InvalidInput: there is no agreed plan.
    """
    plan = folder.current_plan
    if plan is None:
        raise InvalidInput(
            [Problem(path="$.plan", message="no current work plan to revise")],
            source="revise plan",
        )
    planned = tuple(activities)
    ids = _activity_ids(folder, len(planned))
    steps: list[Step] = [
        _adder(aid, p, on=on, actor=actor, calendar=calendar)
        for aid, p in zip(ids, planned, strict=True)
    ]
    keep = tuple(plan.current.activity_ids)
    steps.append(
        lambda g: wf.revise_plan(
            g,
            plan.plan_id,
            on=on,
            actor=actor,
            reason=reason,
            activity_ids=(*keep, *ids),
            services=services,
            note=note,
        )
    )
    return _made(one_step(folder, *steps), plan.plan_id)


# ------------------------------------------------------------------------------------ activities


def add_activity(
    folder: WorkFolder,
    kind: ActivityKind | str,
    *,
    due: dt.date,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar,
    title: str = "",
) -> Made[str]:
    """Add an open activity with a deadline; the value is its id."""
    aid = wf.next_id(folder, "act")
    planned = PlannedActivity(kind=str(kind), due=due, title=title)
    return _made(_adder(aid, planned, on=on, actor=actor, calendar=calendar)(folder), aid)


def register_applications(
    folder: WorkFolder,
    titles: Sequence[str],
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar,
) -> Made[tuple[str, ...]]:
    """Register applications done today (one per title, done at once); the value is their ids.

    Raises:
        InvalidInput: no titles.
    """
    ids = _activity_ids(folder, len(titles))
    change = wf.register_applications(
        folder, list(zip(ids, titles, strict=True)), on=on, actor=actor, calendar=calendar
    )
    return _made(change, tuple(ids))


# ----------------------------------------------------------------------------------- enforcement


def refer(
    folder: WorkFolder,
    activity_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar,
) -> Made[str]:
    """Refer a reminded activity, open a case on it and inform the jobseeker; the value is the case id."""
    case_id = wf.next_id(folder, "case")
    change = one_step(
        folder,
        lambda g: wf.refer_activity(g, activity_id, on=on, actor=actor, reason=reason),
        *_case_steps(
            case_id,
            Ground.ACTIVITY,
            on=on,
            actor=actor,
            reason=reason,
            policy=policy,
            calendar=calendar,
            source_id=activity_id,
        ),
    )
    return _made(change, case_id)


def open_duty_case(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar,
) -> Made[str]:
    """Open a case for an application-duty shortfall and inform the jobseeker; the value is the case id."""
    case_id = wf.next_id(folder, "case")
    change = one_step(
        folder,
        *_case_steps(
            case_id,
            Ground.APPLICATION_DUTY,
            on=on,
            actor=actor,
            reason=reason,
            policy=policy,
            calendar=calendar,
        ),
    )
    return _made(change, case_id)


def _closing_response(folder: WorkFolder, case_id: str, *, on: dt.date, actor: str) -> list[Step]:
    """A case still waiting for a response is first recorded as not answered (refused in the window)."""
    if str(folder.case(case_id).state) == "informed":
        return [lambda g: wf.record_no_response(g, case_id, on=on, actor=actor)]
    return []


def propose_measure(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, policy: MeasurePolicy
) -> Change:
    """Ask for the measure the dated table proposes for a case (no response first recorded if due).

    Raises:
        IllegalTransition: the response window is still open, or the case is past proposing.
    """
    steps = _closing_response(folder, case_id, on=on, actor=actor)
    steps.append(lambda g: wf.propose_measure(g, case_id, on=on, actor=actor, policy=policy))
    return one_step(folder, *steps)


def decide_case(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    measure: bool,
    reason: str,
    percentage: float | None = None,
    duration_weeks: int | None = None,
    kind: MeasureKind | str | None = None,
) -> Change:
    """The coach ``actor`` decides a case: confirm the proposal (terms changed, if given) or no measure.

    ``measure=True`` confirms the proposal; ``percentage``, ``duration_weeks`` and ``kind`` change its
    terms (``reason`` says why). ``measure=False`` decides no measure: against the proposal when there is
    one, else directly (a case still waiting for a response is first recorded as not answered).

    Raises:
        InvalidInput: ``measure`` is true but no measure was proposed yet (propose first).
        IllegalTransition: the case is not ready for a decision.
    """
    case = folder.case(case_id)
    if measure:
        if case.proposal is None:
            raise InvalidInput(
                [
                    Problem(
                        path="$.case",
                        message=(
                            f"case {case_id!r} has no measure proposal: propose first / "
                            f"zaak {case_id!r} heeft geen voorstel: doe eerst een voorstel"
                        ),
                    )
                ],
                source="decide case",
            )
        return wf.decide_measure(
            folder,
            case_id,
            on=on,
            actor=actor,
            reason=reason,
            percentage=percentage,
            duration_weeks=duration_weeks,
            kind=kind,
        )
    if case.proposal is not None and case.decision is None:
        # the coach reviewed the proposal and decides against it
        return wf.decide_measure(folder, case_id, on=on, actor=actor, reason=reason, imposed=False)
    steps = _closing_response(folder, case_id, on=on, actor=actor)
    steps.append(lambda g: wf.decide_no_measure(g, case_id, on=on, actor=actor, reason=reason))
    return one_step(folder, *steps)
