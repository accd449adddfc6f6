"""The holiday corners the rules depend on (the calendar itself is werkmap.workdays)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from werkmap.rules.columnar import _Roller, day_number, from_day_number
from werkmap.workdays import dutch_calendar

CAL = dutch_calendar()


@pytest.mark.parametrize(
    ("day", "rolled"),
    [
        (dt.date(2023, 4, 27), dt.date(2023, 4, 28)),  # King's Day on a Thursday
        (dt.date(2025, 4, 26), dt.date(2025, 4, 28)),  # King's Day on Saturday (27th a Sunday)
        (dt.date(2024, 4, 1), dt.date(2024, 4, 2)),  # Easter Monday
        (dt.date(2024, 3, 31), dt.date(2024, 4, 2)),  # Easter Sunday, summer time starts
        (dt.date(2024, 10, 27), dt.date(2024, 10, 28)),  # winter time starts
        (dt.date(2026, 12, 25), dt.date(2026, 12, 28)),  # Christmas, Boxing Day, weekend
        (dt.date(2027, 1, 1), dt.date(2027, 1, 4)),  # New Year on a Friday
        (dt.date(2025, 5, 5), dt.date(2025, 5, 6)),  # Liberation Day
        (dt.date(2024, 5, 9), dt.date(2024, 5, 10)),  # Ascension Day
        (dt.date(2024, 5, 20), dt.date(2024, 5, 21)),  # Whit Monday
        (dt.date(2024, 9, 28), dt.date(2024, 9, 30)),  # a Saturday
        (dt.date(2024, 9, 30), dt.date(2024, 9, 30)),  # a working day stays
    ],
)
def test_a_deadline_moves_to_the_next_working_day_in_both_paths(day, rolled):
    assert CAL.next_working_day(day) == rolled
    got = _Roller(CAL)(np.array([day_number(day)], dtype=np.int64))
    assert from_day_number(int(got[0])) == rolled


def test_the_vectorised_roll_agrees_with_the_calendar_on_every_day_of_2024_2026():
    days = np.arange(day_number(dt.date(2024, 1, 1)), day_number(dt.date(2026, 12, 20)))
    rolled = _Roller(CAL)(days)
    for number, got in zip(days.tolist(), rolled.tolist(), strict=True):
        assert from_day_number(got) == CAL.next_working_day(from_day_number(number))
