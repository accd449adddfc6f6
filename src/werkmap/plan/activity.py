"""Activities in the Work Folder: their kinds, their state machine, their deadline and their colour.

An activity (an application activity, a CV on werk.nl, vacancy matching, an e-learning module, a workshop or
training, another task) is agreed with a deadline. Its life::

    open --complete--> done
    open --deadline_passed--> overdue --remind--> reminded --complete--> done_late
                                                           --excuse--> excused   (by a coach, with a reason)
                                                           --refer--> referred   (to enforcement)
    open | overdue | reminded --cancel--> cancelled

Its **colour** is a pure function of its state, its deadline and the day it is looked at (:func:`colour`):
grey when it is over (done, done late, excused, cancelled), red when it is overdue, reminded or referred (or
open past its deadline, before the daily sweep marks it overdue), orange when ``horizon`` days or fewer are
left, green otherwise. The horizon is a dated policy value, 7 days by default.

Every change is a pure function returning the new :class:`Activity`; an event the state does not allow raises
:class:`~werkmap.errors.IllegalTransition`, a refused guard :class:`~werkmap.errors.GuardRefused`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, cast

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import deadline as _dl
from werkmap.plan.deadline import Deadline
from werkmap.plan.machine import Machine, T
from werkmap.workdays import HolidayCalendar

__all__ = [
    "ACTIVITY",
    "DEFAULT_HORIZON",
    "Activity",
    "ActivityKind",
    "ActivityState",
    "Colour",
    "activity_colour",
    "cancel",
    "colour",
    "complete",
    "excuse",
    "extend_deadline",
    "mark_overdue",
    "new_activity",
    "refer",
    "remind",
    "resume_deadline",
    "suspend_deadline",
]

DEFAULT_HORIZON = 7
"""The default colour horizon N in days: an open activity with N days or fewer left is orange."""


class ActivityKind(enum.StrEnum):
    """What an activity is."""

    APPLICATION = "application"
    """An application activity (*sollicitatieactiviteit*): counts for the application duty."""
    CV = "cv"
    """Putting a CV on werk.nl."""
    VACANCY_MATCHING = "vacancy_matching"
    """Vacancy matching."""
    E_LEARNING = "e_learning"
    """An e-learning module."""
    WORKSHOP = "workshop"
    """A workshop or training."""
    OTHER_TASK = "other_task"
    """Another task set in the Work Folder."""


class ActivityState(enum.StrEnum):
    """The states of an activity."""

    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    REMINDED = "reminded"
    DONE_LATE = "done_late"
    EXCUSED = "excused"
    REFERRED = "referred"
    CANCELLED = "cancelled"


class Colour(enum.StrEnum):
    """The colour an activity shows on the coach's dashboard and in the jobseeker's folder."""

    GREY = "grey"
    GREEN = "green"
    ORANGE = "orange"
    RED = "red"


COLOUR_RANK: Mapping[Colour, int] = {
    Colour.GREY: 0,
    Colour.GREEN: 1,
    Colour.ORANGE: 2,
    Colour.RED: 3,
}
"""How urgent each colour is (higher is more urgent)."""

S = ActivityState


def _deadline_passed(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    dl: Deadline = subject.deadline
    if dl.suspensions and dl.suspensions[-1].end is None:
        return "the deadline is suspended"
    if ctx["on"] <= dl.due:
        return f"the deadline {dl.due.isoformat()} has not passed on {ctx['on'].isoformat()}"
    return None


def _needs_reason_and_person(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    missing = [k for k in ("reason", "by") if not str(ctx.get(k, "")).strip()]
    if missing:
        return f"needs {' and '.join(missing)}"
    return None


def _needs_reason(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    return None if str(ctx.get("reason", "")).strip() else "needs a reason"


ACTIVITY = Machine(
    "activity",
    states=tuple(S),
    events=(
        "complete",
        "deadline_passed",
        "remind",
        "excuse",
        "refer",
        "cancel",
        "extend",
        "suspend",
        "resume",
    ),
    initial=S.OPEN,
    final=(S.DONE, S.DONE_LATE, S.EXCUSED, S.REFERRED, S.CANCELLED),
    transitions=(
        T(S.OPEN, "complete", S.DONE),
        T(S.OPEN, "deadline_passed", S.OVERDUE, _deadline_passed, "the deadline has passed"),
        T(S.OPEN, "extend", S.OPEN, note="working days and a reason"),
        T(S.OPEN, "suspend", S.OPEN, note="a reason"),
        T(S.OPEN, "resume", S.OPEN, note="the deadline is suspended"),
        T(S.OPEN, "cancel", S.CANCELLED, _needs_reason, "a reason"),
        T(S.OVERDUE, "remind", S.REMINDED),
        T(S.OVERDUE, "complete", S.DONE_LATE),
        T(S.OVERDUE, "excuse", S.EXCUSED, _needs_reason_and_person, "a reason and a coach"),
        T(S.OVERDUE, "cancel", S.CANCELLED, _needs_reason, "a reason"),
        T(S.REMINDED, "complete", S.DONE_LATE),
        T(S.REMINDED, "excuse", S.EXCUSED, _needs_reason_and_person, "a reason and a coach"),
        T(S.REMINDED, "refer", S.REFERRED, _needs_reason_and_person, "a reason and a coach"),
        T(S.REMINDED, "cancel", S.CANCELLED, _needs_reason, "a reason"),
    ),
)
"""The activity machine."""

_GREY = frozenset({S.DONE, S.DONE_LATE, S.EXCUSED, S.CANCELLED})
_RED = frozenset({S.OVERDUE, S.REMINDED, S.REFERRED})


@attrs.frozen(kw_only=True)
class Activity:
    """One activity agreed in the Work Folder.

    Attributes:
        activity_id: unique within its folder.
        kind: what it is.
        state: where it is in :data:`ACTIVITY`.
        deadline: when it must be done.
        created_on: the day it was added.
        title: a short description shown to the jobseeker.
        changed_on: the day of the last state change (``None`` while it is still as created); for a final
            state, the day it was closed.
        reminded_on: the day the jobseeker was reminded, if so.
        reason: the reason given for an excuse, a referral or a cancellation.
        by: who excused, referred or cancelled it (a coach id), or who reminded.
    """

    activity_id: str
    kind: ActivityKind
    state: ActivityState = ActivityState.OPEN
    deadline: Deadline
    created_on: dt.date
    title: str = ""
    changed_on: dt.date | None = None
    reminded_on: dt.date | None = None
    reason: str = ""
    by: str = ""

    @property
    def is_final(self) -> bool:
        """Whether the activity has reached a final state."""
        return self.state in ACTIVITY.final

    @property
    def closed_on(self) -> dt.date | None:
        """The day the activity reached a final state, or ``None`` while it is not over."""
        return self.changed_on if self.state in ACTIVITY.final else None


_KIND_NAMES = tuple(str(k) for k in ActivityKind)


def new_activity(
    activity_id: str,
    kind: ActivityKind | str,
    *,
    due: dt.date,
    on: dt.date,
    title: str = "",
    legal_latest: dt.date | None = None,
    calendar: HolidayCalendar | None = None,
) -> Activity:
    """Return a new open activity whose deadline is ``due`` (rolled to a working day).

    Examples:
        >>> a = new_activity("a1", "cv", due=dt.date(2025, 12, 25), on=dt.date(2025, 12, 1))
        >>> a.state, a.deadline.due
        (<ActivityState.OPEN: 'open'>, datetime.date(2025, 12, 29))
    """
    if type(kind) is not ActivityKind and kind not in _KIND_NAMES:
        raise InvalidInput(
            [
                Problem(
                    path="$.kind",
                    message=f"expected one of {', '.join(_KIND_NAMES)}, got {str(kind)[:40]!r}",
                )
            ],
            source="activity",
        )
    return Activity(
        activity_id=activity_id,
        kind=kind if type(kind) is ActivityKind else ActivityKind(kind),
        deadline=_dl.new_deadline(due, legal_latest=legal_latest, calendar=calendar),
        created_on=on,
        title=title,
    )


def colour(
    state: ActivityState | str, deadline: Deadline, today: dt.date, horizon: int = DEFAULT_HORIZON
) -> Colour:
    """Return the colour of an activity in ``state`` with ``deadline``, looked at on ``today``.

    Grey for done, done late, excused and cancelled; red for overdue, reminded and referred, and for an open
    activity whose deadline has passed; orange for an open activity with ``horizon`` days or fewer left;
    green otherwise. A suspended deadline does not run, so its colour stands still.

    Examples:
        >>> d = _dl.new_deadline(dt.date(2025, 3, 14))
        >>> " ".join(colour("open", d, dt.date(2025, 3, day)) for day in (6, 7, 14, 15))
        'green orange orange red'
    """
    if state in _GREY:
        return Colour.GREY
    if state in _RED:
        return Colour.RED
    left = deadline.days_left(today)
    if left < 0:
        return Colour.RED
    if left <= horizon:
        return Colour.ORANGE
    return Colour.GREEN


def activity_colour(activity: Activity, today: dt.date, horizon: int = DEFAULT_HORIZON) -> Colour:
    """Return the colour of ``activity`` on ``today`` (see :func:`colour`)."""
    return colour(activity.state, activity.deadline, today, horizon)


def _fire(a: Activity, event: str, ctx: Mapping[str, Any]) -> ActivityState:
    target = ACTIVITY.fire(a.state, event, obj=a.activity_id, subject=a, context=ctx)
    return cast(ActivityState, target)


def complete(activity: Activity, *, on: dt.date) -> Activity:
    """Return ``activity`` done on ``on``: ``done`` when open, ``done_late`` when overdue or reminded."""
    state = _fire(activity, "complete", {"on": on})
    return attrs.evolve(activity, state=state, changed_on=on)


def mark_overdue(activity: Activity, *, on: dt.date) -> Activity:
    """Return ``activity`` overdue on ``on``; refused while its deadline has not passed or is suspended."""
    state = _fire(activity, "deadline_passed", {"on": on})
    return attrs.evolve(activity, state=state, changed_on=on)


def remind(activity: Activity, *, on: dt.date, by: str = "") -> Activity:
    """Return ``activity`` after the jobseeker was reminded on ``on`` (by a coach or the system)."""
    state = _fire(activity, "remind", {"on": on, "by": by})
    return attrs.evolve(activity, state=state, changed_on=on, reminded_on=on, by=by)


def excuse(activity: Activity, *, on: dt.date, by: str, reason: str) -> Activity:
    """Return ``activity`` excused by coach ``by`` for ``reason``."""
    state = _fire(activity, "excuse", {"on": on, "by": by, "reason": reason})
    return attrs.evolve(activity, state=state, changed_on=on, by=by, reason=reason)


def refer(activity: Activity, *, on: dt.date, by: str, reason: str) -> Activity:
    """Return ``activity`` referred to enforcement by coach ``by`` for ``reason``."""
    state = _fire(activity, "refer", {"on": on, "by": by, "reason": reason})
    return attrs.evolve(activity, state=state, changed_on=on, by=by, reason=reason)


def cancel(activity: Activity, *, on: dt.date, reason: str, by: str = "") -> Activity:
    """Return ``activity`` cancelled for ``reason`` (found work, plan changed ...)."""
    state = _fire(activity, "cancel", {"on": on, "by": by, "reason": reason})
    return attrs.evolve(activity, state=state, changed_on=on, by=by, reason=reason)


def extend_deadline(
    activity: Activity,
    *,
    on: dt.date,
    reason: str,
    working_days: int,
    by: str = "",
    calendar: HolidayCalendar | None = None,
) -> Activity:
    """Return ``activity`` with its deadline extended (only while it is open)."""
    _fire(activity, "extend", {"on": on})
    dl = _dl.extend(
        activity.deadline,
        reason=reason,
        working_days=working_days,
        on=on,
        by=by,
        calendar=calendar,
    )
    return attrs.evolve(activity, deadline=dl)


def suspend_deadline(activity: Activity, *, on: dt.date, reason: str) -> Activity:
    """Return ``activity`` with its deadline suspended from ``on`` (only while it is open)."""
    _fire(activity, "suspend", {"on": on})
    return attrs.evolve(activity, deadline=_dl.suspend(activity.deadline, on=on, reason=reason))


def resume_deadline(
    activity: Activity, *, on: dt.date, calendar: HolidayCalendar | None = None
) -> Activity:
    """Return ``activity`` with its suspended deadline running again from ``on``."""
    _fire(activity, "resume", {"on": on})
    return attrs.evolve(activity, deadline=_dl.resume(activity.deadline, on=on, calendar=calendar))
