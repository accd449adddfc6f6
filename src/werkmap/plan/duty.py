"""The application duty: how many application activities per period, shortfalls, and the exemption.

A jobseeker must register at least ``required`` application activities per ``period_days`` days (policy
parameter, 4 per 28 days by default), on time. This module is the one home of that rule:

* what counts: :func:`counted_applications` (application activities done on time, on the day they were done);
* from when periods run: from the day of **registration** (the first day of unemployment), because the duty
  holds from the start of the benefit whether or not a work plan was agreed yet; period *k* is
  ``[registered_on + (k-1)·period, registered_on + k·period)``;
* the check of the last completed period: :func:`last_period_check`, which the daily rules
  (``flag_application_duty``) and the coach's dashboard both call.

:func:`duty_status` lists every period (a history view built from the same counting and exemption). Nobody within one year of the state-pension (AOW) date has the duty (a rule in force since 1 May
2018; the date and the window are policy values passed in).

Examples:
    >>> pension_date(dt.date(1960, 3, 31), years=67, months=0)
    datetime.date(2027, 3, 31)
    >>> is_exempt(dt.date(2026, 4, 1), pension_on=dt.date(2027, 3, 31))
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.activity import Activity, ActivityKind, ActivityState
from werkmap.workdays import add_months

__all__ = [
    "EXEMPTION_SINCE",
    "ApplicationDuty",
    "DutyPeriod",
    "DutyStatus",
    "PeriodCheck",
    "counted_applications",
    "duty_status",
    "is_exempt",
    "last_period_check",
    "pension_date",
    "period_end_after",
]

EXEMPTION_SINCE = dt.date(2018, 5, 1)
"""Since this date nobody within a year of the state-pension date has the application duty."""


@attrs.frozen(kw_only=True)
class ApplicationDuty:
    """The application duty agreed in a work plan: ``required`` application activities per ``period_days``.

    Attributes:
        required: application activities per period (policy default 4).
        period_days: the length of a period in days (policy default 28).
    """

    required: int = 4
    period_days: int = 28

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.required < 0:
            problems.append(
                Problem(path="$.required", message=f"expected 0 or more, got {self.required}")
            )
        if self.period_days < 1:
            problems.append(
                Problem(path="$.period_days", message=f"expected 1 or more, got {self.period_days}")
            )
        if problems:
            raise InvalidInput(problems, source="application duty")


@attrs.frozen(kw_only=True)
class DutyPeriod:
    """One period of the application duty and what was registered in it.

    Attributes:
        start: the first day of the period.
        end: the day after its last day (the period is ``[start, end)``).
        required: how many application activities were required (0 when exempt).
        counted: application activities done on time within the period.
        late: application activities done late within the period (they do not count).
        complete: whether the period had ended by the day the status was computed.
        exempt: whether the jobseeker was exempt from the duty in this period.
    """

    start: dt.date
    end: dt.date
    required: int
    counted: int
    late: int
    complete: bool
    exempt: bool = False

    @property
    def shortfall(self) -> int:
        """How many application activities were missing in a completed period (0 for a running one)."""
        return max(0, self.required - self.counted) if self.complete else 0


@attrs.frozen(kw_only=True)
class DutyStatus:
    """The application duty over a stretch of time.

    Attributes:
        periods: the periods, oldest first.
        exempt: whether the jobseeker is exempt on the last day looked at.
    """

    periods: tuple[DutyPeriod, ...]
    exempt: bool

    @property
    def shortfalls(self) -> tuple[DutyPeriod, ...]:
        """The completed periods with too few application activities."""
        return tuple(p for p in self.periods if p.shortfall > 0)

    @property
    def met(self) -> bool:
        """Whether no completed period fell short."""
        return not self.shortfalls


def pension_date(date_of_birth: dt.date, *, years: int, months: int = 0) -> dt.date:
    """Return the state-pension date for ``date_of_birth`` at a pension age of ``years`` and ``months``."""
    return add_months(date_of_birth, years * 12 + months)


def is_exempt(
    on: dt.date,
    *,
    pension_on: dt.date | None,
    within_months: int = 12,
    since: dt.date = EXEMPTION_SINCE,
) -> bool:
    """Return whether someone whose state pension starts on ``pension_on`` is exempt from the duty on ``on``.

    Exempt when ``on`` is on or after ``since`` and within ``within_months`` months before the pension date
    (or after it). ``pension_on`` of ``None`` means unknown: not exempt.
    """
    if pension_on is None or on < since:
        return False
    return on >= add_months(pension_on, -within_months)


def duty_status(
    activities: Iterable[Activity],
    *,
    start: dt.date,
    on: dt.date,
    duty: ApplicationDuty | None = None,
    pension_on: dt.date | None = None,
    within_months: int = 12,
    since: dt.date = EXEMPTION_SINCE,
) -> DutyStatus:
    """Count application activities per duty period from ``start`` up to and including ``on``.

    Args:
        activities: the folder's activities; only application activities count.
        start: the first day of the first period (the day of registration, see the module docstring).
        on: the day the status is computed; periods that have not ended by then are not judged. A period
            is exempt (nothing required) when the exemption applies on its last day.
        duty: the duty (default 4 per 28 days).
        pension_on: the state-pension date, for the exemption.
        within_months: the exemption window before the pension date (policy default 12).
        since: the date the exemption rule took effect.

    Raises:
        InvalidInput: ``on`` is before ``start``.
    """
    if on < start:
        raise InvalidInput(
            [Problem(path="$.on", message=f"{on.isoformat()} is before {start.isoformat()}")]
        )
    rule = duty if duty is not None else ApplicationDuty()
    step = dt.timedelta(days=rule.period_days)
    items = list(activities)
    done = counted_applications(items)
    late = [
        a.closed_on
        for a in items
        if a.kind is ActivityKind.APPLICATION
        and a.state is ActivityState.DONE_LATE
        and a.closed_on is not None
    ]
    periods = []
    p_start = start
    while p_start <= on:
        p_end = p_start + step
        last_day = p_end - dt.timedelta(days=1)
        exempt = is_exempt(
            last_day, pension_on=pension_on, within_months=within_months, since=since
        )
        periods.append(
            DutyPeriod(
                start=p_start,
                end=p_end,
                required=0 if exempt else rule.required,
                counted=sum(p_start <= d < p_end for d in done),
                late=sum(p_start <= d < p_end for d in late),
                complete=p_end <= on + dt.timedelta(days=1),
                exempt=exempt,
            )
        )
        p_start = p_end
    return DutyStatus(
        periods=tuple(periods),
        exempt=is_exempt(on, pension_on=pension_on, within_months=within_months, since=since),
    )


@attrs.frozen(kw_only=True)
class PeriodCheck:
    """The application duty judged on the last completed period (see :func:`last_period_check`).

    Attributes:
        number: the period's number, 1 for the first period after registration.
        start: its first day.
        end: the day after its last day.
        required: application activities required (0 when exempt).
        counted: application activities done on time within the period.
        exempt: whether the pension exemption applies on the period's last day.
    """

    number: int
    start: dt.date
    end: dt.date
    required: int
    counted: int
    exempt: bool

    @property
    def shortfall(self) -> int:
        """How many application activities were missing (0 when exempt or met)."""
        return max(0, self.required - self.counted)


def counted_applications(activities: Iterable[Activity]) -> tuple[dt.date, ...]:
    """Return the days the application activities that count for the duty were done, sorted.

    Only application activities done on time count (``done``; ``done_late`` does not), on their
    closing day.
    """
    return tuple(
        sorted(
            a.closed_on
            for a in activities
            if a.kind is ActivityKind.APPLICATION
            and a.state is ActivityState.DONE
            and a.closed_on is not None
        )
    )


def last_period_check(
    applications_on: Iterable[dt.date],
    *,
    registered_on: dt.date,
    on: dt.date,
    required: int,
    period_days: int,
    pension_on: dt.date | None = None,
    within_months: int = 12,
) -> PeriodCheck | None:
    """Judge the application duty on the last period completed by ``on``; ``None`` before the first ends.

    Periods run from ``registered_on``. The period is exempt when the pension exemption applies on its
    last day (``within_months`` before ``pension_on``; the policy dates the exemption: 0 months before
    1 May 2018).

    Args:
        applications_on: the days application activities were done on time (:func:`counted_applications`).
        registered_on: the first day of the first period.
        on: the day of the check.
        required: application activities per period.
        period_days: the length of a period.
        pension_on: the state-pension date, or ``None`` if unknown.
        within_months: the exemption window before the pension date.
    """
    k = (on - registered_on).days // period_days
    if k < 1:
        return None
    end = registered_on + dt.timedelta(days=k * period_days)
    start = end - dt.timedelta(days=period_days)
    exempt = is_exempt(
        end - dt.timedelta(days=1),
        pension_on=pension_on,
        within_months=within_months,
        since=dt.date.min,
    )
    return PeriodCheck(
        number=k,
        start=start,
        end=end,
        required=0 if exempt else required,
        counted=sum(1 for day in applications_on if start <= day < end),
        exempt=exempt,
    )


def period_end_after(registered_on: dt.date, on: dt.date, period_days: int) -> dt.date:
    """Return the first period end after ``on`` (the next day :func:`last_period_check` judges anew)."""
    k = max((on - registered_on).days // period_days, 0)
    return registered_on + dt.timedelta(days=(k + 1) * period_days)
