"""Deadlines: rolling to working days (calendar corners), extensions and suspensions."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import InvalidInput
from werkmap.plan.deadline import extend, new_deadline, resume, suspend
from werkmap.workdays import add_months, dutch_calendar


@pytest.mark.parametrize(
    ("planned", "due", "why"),
    [
        (dt.date(2025, 1, 31), dt.date(2025, 1, 31), "31 January 2025 is a Friday"),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 2), "31 January 2026 is a Saturday"),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29), "29 February 2024 is a Thursday"),
        (dt.date(2020, 2, 29), dt.date(2020, 3, 2), "29 February 2020 is a Saturday"),
        (dt.date(2024, 4, 27), dt.date(2024, 4, 29), "King's Day 2024 (Saturday)"),
        (dt.date(2023, 4, 27), dt.date(2023, 4, 28), "King's Day 2023 (Thursday)"),
        (
            dt.date(2025, 4, 26),
            dt.date(2025, 4, 28),
            "King's Day 2025 on the 26th (27th is a Sunday)",
        ),
        (dt.date(2025, 4, 21), dt.date(2025, 4, 22), "Easter Monday 2025"),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 2), "Easter Monday 2024"),
        (dt.date(2024, 12, 25), dt.date(2024, 12, 27), "Christmas and Boxing Day 2024"),
        (dt.date(2021, 12, 25), dt.date(2021, 12, 27), "Christmas 2021 on a Saturday"),
        (dt.date(2025, 3, 30), dt.date(2025, 3, 31), "summer time starts (Sunday)"),
        (dt.date(2025, 10, 26), dt.date(2025, 10, 27), "winter time starts (Sunday)"),
        (dt.date(2025, 3, 31), dt.date(2025, 3, 31), "the Monday after the change counts normally"),
        (dt.date(2025, 5, 5), dt.date(2025, 5, 6), "Liberation Day 2025"),
    ],
)
def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day(planned, due, why):
    d = new_deadline(planned)
    assert d.due == due, why
    assert d.planned == planned
    assert dutch_calendar().is_working_day(d.due)


def test_month_ends_with_add_months():
    assert new_deadline(add_months(dt.date(2024, 1, 31), 1)).due == dt.date(2024, 2, 29)
    assert new_deadline(add_months(dt.date(2025, 1, 31), 1)).due == dt.date(2025, 2, 28)


def test_days_left_across_a_dst_change_are_calendar_days():
    d = new_deadline(dt.date(2025, 3, 31))
    assert d.days_left(dt.date(2025, 3, 29)) == 2
    d = new_deadline(dt.date(2025, 10, 27))
    assert d.days_left(dt.date(2025, 10, 25)) == 2


def test_an_extension_counts_working_days_over_holidays():
    d = new_deadline(dt.date(2023, 4, 26))  # Wednesday before King's Day (Thursday 27 April 2023)
    e = extend(d, reason="ill", working_days=2, on=dt.date(2023, 4, 20))
    assert e.due == dt.date(2023, 5, 1)  # Fri 28 is the first working day, Mon 1 May the second
    assert e.extensions[0].working_days == 2
    assert d.due == dt.date(2023, 4, 26), "the old value is unchanged"


def test_a_suspension_stops_the_clock_and_moves_the_deadline_when_it_ends():
    d = new_deadline(dt.date(2025, 3, 14), legal_latest=dt.date(2025, 3, 21))
    s = suspend(d, on=dt.date(2025, 3, 10), reason="hospital")
    assert s.suspended
    assert s.days_left(dt.date(2025, 3, 10)) == 4
    assert s.days_left(dt.date(2025, 4, 30)) == 4, "the deadline does not run while suspended"
    r = resume(s, on=dt.date(2025, 3, 17))
    assert not r.suspended
    assert r.due == dt.date(2025, 3, 21)
    assert r.legal_latest == dt.date(2025, 3, 28)
    assert r.suspensions[0].end == dt.date(2025, 3, 17)


def test_a_legal_latest_before_the_planned_date_is_refused():
    with pytest.raises(InvalidInput, match="before the planned date"):
        new_deadline(dt.date(2025, 3, 14), legal_latest=dt.date(2025, 3, 1))


def test_resume_before_the_suspension_started_is_refused():
    s = suspend(new_deadline(dt.date(2025, 3, 14)), on=dt.date(2025, 3, 10), reason="x")
    with pytest.raises(InvalidInput, match="before the suspension"):
        resume(s, on=dt.date(2025, 3, 9))


def test_equal_new_deadlines_are_shared():
    assert new_deadline(dt.date(2025, 3, 14)) is new_deadline(dt.date(2025, 3, 14))
    cal = dutch_calendar().with_dates([dt.date(2025, 3, 14)], name="with a local day off")
    assert new_deadline(dt.date(2025, 3, 14), calendar=cal).due == dt.date(2025, 3, 17)
