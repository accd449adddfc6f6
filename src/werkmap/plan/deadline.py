"""The :class:`Deadline` value: planned date, legal latest date, extensions and suspensions.

A deadline that lands on a Saturday, a Sunday or a Dutch public holiday moves to the next working day (the
holidays come from a :class:`~werkmap.workdays.HolidayCalendar`, by default
:func:`~werkmap.workdays.dutch_calendar`). The effective date, :attr:`Deadline.due`, moves in two ways only:

* an **extension** (a reason and a number of working days) moves it that many working days later; it may not
  move it past the legal latest date;
* a **suspension** stops the clock: while it lasts the deadline does not run, and when it ends the due date and
  the legal latest date move by the number of calendar days it lasted (then roll to a working day).

Examples:
    >>> import datetime as dt
    >>> d = new_deadline(dt.date(2025, 4, 26))  # King's Day 2025, a Saturday
    >>> d.due
    datetime.date(2025, 4, 28)
    >>> extend(d, reason="illness", working_days=2, on=dt.date(2025, 4, 20)).due
    datetime.date(2025, 4, 30)
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.workdays import HolidayCalendar, dutch_calendar

__all__ = [
    "Deadline",
    "Extension",
    "Suspension",
    "extend",
    "new_deadline",
    "resume",
    "suspend",
]


@attrs.frozen(kw_only=True)
class Extension:
    """One extension of a deadline.

    Attributes:
        reason: why the deadline was extended.
        working_days: by how many working days.
        granted_on: the date it was granted.
        granted_by: who granted it (a coach id), or ``""``.
    """

    reason: str
    working_days: int
    granted_on: dt.date
    granted_by: str = ""


@attrs.frozen(kw_only=True)
class Suspension:
    """A period in which a deadline does not run.

    Attributes:
        start: the first day of the suspension.
        end: the day it ended (the clock runs again from this day), or ``None`` while it lasts.
        reason: why the deadline was suspended.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""


@attrs.frozen(kw_only=True)
class Deadline:
    """A deadline: the planned date, the legal latest date, and how it moved.

    Attributes:
        planned: the date agreed, as it was given (perhaps a weekend day).
        due: the effective date: the planned date rolled to a working day, moved by extensions and
            suspensions. Something is late when it is not done by the end of this day.
        legal_latest: the latest date the rules allow, or ``None`` when no legal bound applies. Suspensions
            move it; extensions may not pass it.
        extensions: the extensions granted, oldest first.
        suspensions: the suspensions, oldest first; the last may still be open.
    """

    planned: dt.date
    due: dt.date
    legal_latest: dt.date | None = None
    extensions: tuple[Extension, ...] = ()
    suspensions: tuple[Suspension, ...] = ()

    @property
    def suspended(self) -> bool:
        """Whether the deadline is suspended now (its last suspension has not ended)."""
        return bool(self.suspensions) and self.suspensions[-1].end is None

    def days_left(self, today: dt.date) -> int:
        """Return the calendar days from ``today`` to the due date (negative when passed).

        While the deadline is suspended it does not run: the days left are counted from the first day of
        the suspension, whatever ``today`` is.
        """
        if self.suspensions and self.suspensions[-1].end is None:
            return (self.due - self.suspensions[-1].start).days
        return (self.due - today).days

    def passed(self, today: dt.date) -> bool:
        """Whether the deadline has passed on ``today`` (the due day itself still counts as in time)."""
        return self.days_left(today) < 0


def new_deadline(
    planned: dt.date,
    *,
    legal_latest: dt.date | None = None,
    calendar: HolidayCalendar | None = None,
) -> Deadline:
    """Return a deadline for ``planned``, rolled forward to a working day.

    Raises:
        InvalidInput: the legal latest date is before the planned date.
    """
    return _new_deadline(planned, legal_latest, dutch_calendar() if calendar is None else calendar)


@functools.lru_cache(maxsize=4096)
def _new_deadline(planned: dt.date, legal_latest: dt.date | None, cal: HolidayCalendar) -> Deadline:
    if legal_latest is not None and legal_latest < planned:
        raise InvalidInput(
            [
                Problem(
                    path="$.legal_latest",
                    message=f"{legal_latest.isoformat()} is before the planned date {planned.isoformat()}",
                )
            ]
        )
    latest = cal.next_working_day(legal_latest) if legal_latest is not None else None
    return Deadline(planned=planned, due=cal.next_working_day(planned), legal_latest=latest)


def extend(
    deadline: Deadline,
    *,
    reason: str,
    working_days: int,
    on: dt.date,
    by: str = "",
    calendar: HolidayCalendar | None = None,
) -> Deadline:
    """Return ``deadline`` extended by ``working_days`` working days, for ``reason``.

    Raises:
        InvalidInput: no reason, a number of days below 1, or a new due date past the legal latest date
            (every problem listed).
    """
    cal = calendar if calendar is not None else dutch_calendar()
    problems = []
    if not reason.strip():
        problems.append(Problem(path="$.reason", message="an extension needs a reason"))
    if working_days < 1:
        problems.append(
            Problem(path="$.working_days", message=f"expected at least 1, got {working_days}")
        )
    if problems:
        raise InvalidInput(problems)
    due = cal.add_working_days(deadline.due, working_days)
    if deadline.legal_latest is not None and due > deadline.legal_latest:
        raise InvalidInput(
            [
                Problem(
                    path="$.working_days",
                    message=(
                        f"the new due date {due.isoformat()} would pass the legal latest date "
                        f"{deadline.legal_latest.isoformat()}"
                    ),
                )
            ]
        )
    ext = Extension(reason=reason, working_days=working_days, granted_on=on, granted_by=by)
    return attrs.evolve(deadline, due=due, extensions=(*deadline.extensions, ext))


def suspend(deadline: Deadline, *, on: dt.date, reason: str) -> Deadline:
    """Return ``deadline`` suspended from ``on`` (the clock stops until :func:`resume`).

    Raises:
        InvalidInput: it is suspended already, or no reason was given.
    """
    problems = []
    if deadline.suspended:
        problems.append(Problem(path="$.suspensions", message="the deadline is suspended already"))
    if not reason.strip():
        problems.append(Problem(path="$.reason", message="a suspension needs a reason"))
    if problems:
        raise InvalidInput(problems)
    return attrs.evolve(
        deadline, suspensions=(*deadline.suspensions, Suspension(start=on, reason=reason))
    )


def resume(deadline: Deadline, *, on: dt.date, calendar: HolidayCalendar | None = None) -> Deadline:
    """Return ``deadline`` running again from ``on``; due and legal latest dates move by the days suspended.

    Raises:
        InvalidInput: the deadline is not suspended, or ``on`` is before the suspension started.
    """
    cal = calendar if calendar is not None else dutch_calendar()
    if not deadline.suspended:
        raise InvalidInput([Problem(path="$.suspensions", message="the deadline is not suspended")])
    last = deadline.suspensions[-1]
    if on < last.start:
        raise InvalidInput(
            [
                Problem(
                    path="$.on",
                    message=f"{on.isoformat()} is before the suspension start {last.start.isoformat()}",
                )
            ]
        )
    shift = dt.timedelta(days=(on - last.start).days)
    latest = (
        cal.next_working_day(deadline.legal_latest + shift)
        if deadline.legal_latest is not None
        else None
    )
    return attrs.evolve(
        deadline,
        due=cal.next_working_day(deadline.due + shift),
        legal_latest=latest,
        suspensions=(*deadline.suspensions[:-1], attrs.evolve(last, end=on)),
    )
