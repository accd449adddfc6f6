"""The application duty: counting per period, shortfalls, the pension-age exemption."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import InvalidInput
from werkmap.plan import activity as act
from werkmap.plan.duty import ApplicationDuty, duty_status, is_exempt, pension_date

START = dt.date(2025, 3, 3)


def _done(i: int, on: dt.date, *, late: bool = False, kind: str = "application") -> act.Activity:
    a = act.new_activity(f"a{i}", kind, due=on if not late else on - dt.timedelta(days=5), on=START)
    if late:
        a = act.mark_overdue(a, on=on)
    return act.complete(a, on=on)


def test_counts_per_28_days_and_reports_shortfalls():
    activities = [
        *(_done(i, START + dt.timedelta(days=i)) for i in range(4)),  # period 1: 4 on time
        _done(10, START + dt.timedelta(days=30)),  # period 2: 1 on time
        _done(11, START + dt.timedelta(days=31), late=True),  # period 2: 1 late
        _done(12, START + dt.timedelta(days=32), kind="cv"),  # not an application activity
        act.new_activity("open", "application", due=START, on=START),  # still open
    ]
    status = duty_status(activities, start=START, on=START + dt.timedelta(days=60))
    p1, p2, p3 = status.periods
    assert (p1.counted, p1.shortfall, p1.complete) == (4, 0, True)
    assert (p2.counted, p2.late, p2.shortfall, p2.complete) == (1, 1, 3, True)
    assert (p3.start, p3.complete, p3.shortfall) == (START + dt.timedelta(days=56), False, 0)
    assert status.shortfalls == (p2,)
    assert not status.met


def test_the_last_day_of_a_period_completes_it():
    status = duty_status([], start=START, on=START + dt.timedelta(days=27))
    assert status.periods[0].complete
    assert status.periods[0].shortfall == 4
    assert not duty_status([], start=START, on=START + dt.timedelta(days=26)).periods[0].complete


def test_another_duty_counts_other_periods():
    status = duty_status(
        [_done(1, START)],
        start=START,
        on=START + dt.timedelta(days=13),
        duty=ApplicationDuty(required=1, period_days=7),
    )
    assert [p.shortfall for p in status.periods] == [0, 1]


def test_pension_age_exemption():
    pension = pension_date(dt.date(1959, 9, 15), years=67, months=0)
    assert pension == dt.date(2026, 9, 15)
    assert not is_exempt(dt.date(2025, 9, 14), pension_on=pension)
    assert is_exempt(dt.date(2025, 9, 15), pension_on=pension)
    assert not is_exempt(dt.date(2018, 4, 30), pension_on=dt.date(2018, 12, 1)), "before 1 May 2018"
    assert is_exempt(dt.date(2018, 5, 1), pension_on=dt.date(2018, 12, 1))
    assert not is_exempt(dt.date(2025, 9, 15), pension_on=None)
    status = duty_status(
        [], start=dt.date(2025, 8, 1), on=dt.date(2025, 10, 31), pension_on=pension
    )
    assert [p.exempt for p in status.periods] == [False, True, True, True]
    assert [p.required for p in status.periods] == [4, 0, 0, 0]
    assert status.exempt


def test_leap_day_pension_date():
    assert pension_date(dt.date(1960, 2, 29), years=67) == dt.date(2027, 2, 28)


def test_bad_input_is_refused():
    with pytest.raises(InvalidInput):
        duty_status([], start=START, on=START - dt.timedelta(days=1))
    with pytest.raises(InvalidInput) as info:
        ApplicationDuty(required=-1, period_days=0)
    assert len(info.value.problems) == 2
