import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap import add_months, dutch_calendar, dutch_public_holidays

D = dt.date
NL = dutch_calendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2023, 4, 10), "Easter Monday"),
        (D(2023, 4, 27), "King's Day"),
        (D(2025, 4, 26), "King's Day"),  # 27 April 2025 is a Sunday: Saturday 26th
        (D(2031, 4, 26), "King's Day"),  # a Sunday again
        (D(2024, 5, 9), "Ascension Day"),
        (D(2024, 5, 20), "Whit Monday"),
        (D(2020, 5, 5), "Liberation Day"),
        (D(2024, 12, 25), "Christmas Day"),
        (D(2024, 12, 26), "Boxing Day"),
        (D(2030, 1, 1), "New Year's Day"),
    ],
)
def test_known_dutch_public_holidays(day, name):
    assert dutch_public_holidays(day.year)[day].startswith(name)
    assert not NL.is_working_day(day)


def test_every_year_has_eight_holidays_and_no_good_friday():
    for year in range(2015, 2036):
        holidays = dutch_public_holidays(year)
        assert sum(name.count(" (") for name in holidays.values()) == 8
    # In 2016 Ascension Day fell on Liberation Day: one date, both names.
    assert dutch_public_holidays(2016)[D(2016, 5, 5)].count("(") == 2
    assert D(2024, 3, 29) not in dutch_public_holidays(2024)  # Good Friday is not a general holiday


@pytest.mark.parametrize(
    ("deadline", "moved_to"),
    [
        (D(2023, 4, 27), D(2023, 4, 28)),  # Thursday King's Day → Friday
        (D(2024, 4, 1), D(2024, 4, 2)),  # Easter Monday → Tuesday
        (D(2024, 12, 25), D(2024, 12, 27)),  # Christmas → after Boxing Day
        (D(2024, 12, 28), D(2024, 12, 30)),  # Saturday → Monday
        (D(2024, 2, 29), D(2024, 2, 29)),  # a working day stays
    ],
)
def test_next_working_day(deadline, moved_to):
    assert NL.next_working_day(deadline) == moved_to


def test_add_working_days_skips_weekends_and_holidays():
    assert NL.add_working_days(D(2024, 4, 26), 1) == D(2024, 4, 29)
    assert NL.add_working_days(D(2024, 12, 24), 1) == D(2024, 12, 27)
    assert NL.add_working_days(D(2024, 12, 28), 0) == D(2024, 12, 30)
    with pytest.raises(ValueError, match="forwards"):
        NL.add_working_days(D(2024, 1, 1), -1)


def test_the_default_calendar_knows_every_year_and_never_expires():
    # before: the default calendar ended in 2035 and raised "outside the holiday calendar"
    assert not NL.is_working_day(D(2040, 1, 2) - dt.timedelta(days=1))  # New Year's Day 2040
    assert NL.is_working_day(D(2040, 1, 2))
    assert NL.next_working_day(D(2101, 12, 25)) == D(2101, 12, 27)
    assert NL.previous_working_day(D(2036, 4, 14)) == D(2036, 4, 11)  # Easter Monday 2036
    assert dutch_public_holidays(2010)[D(2010, 4, 30)] == "Queen's Day (Koninginnedag)"
    assert D(2008, 4, 29) not in dutch_public_holidays(2008)  # 30 April 2008 was a Wednesday


def test_a_limited_calendar_is_an_error_not_a_guess_outside_its_range():
    limited = dutch_calendar(2015, 2035)
    with pytest.raises(ValueError, match="outside the holiday calendar"):
        limited.is_working_day(D(2040, 1, 2))


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 31)))
def test_previous_working_day_is_the_last_working_day_on_or_before(day):
    back = NL.previous_working_day(day)
    assert back <= day
    assert NL.is_working_day(back)
    assert all(
        not NL.is_working_day(back + dt.timedelta(days=i)) for i in range(1, (day - back).days + 1)
    )


def test_custom_dates_make_a_new_calendar():
    with_good_friday = NL.with_dates([D(2024, 3, 29)], name="NL+GF")
    assert not with_good_friday.is_working_day(D(2024, 3, 29))
    assert NL.is_working_day(D(2024, 3, 29))
    assert with_good_friday.name == "NL+GF"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 1, 31), 6, D(2024, 7, 31)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
    ],
)
def test_add_months_clips_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 1)))
def test_working_day_logic_agrees_with_numpy_busday(day):
    expected = np.busday_offset(np.datetime64(day), 0, roll="forward", holidays=NL.as_array())
    assert NL.next_working_day(day) == expected.astype(object)
    assert NL.is_working_day(day) == bool(np.is_busday(np.datetime64(day), holidays=NL.as_array()))


@given(
    st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 6, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_working_days_between_counts_what_add_working_days_adds(day, n):
    start = NL.next_working_day(day)
    assert NL.working_days_between(start, NL.add_working_days(start, n)) == n


def _relativedelta_months(day, months):
    """The documented reference of :func:`add_months`."""
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


@given(
    st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)),
    st.integers(min_value=-130_000, max_value=130_000),
)
def test_add_months_is_relativedelta(day, months):
    """The arithmetic fast path gives what ``relativedelta`` gives, or the same error out of range."""
    try:
        expected = _relativedelta_months(day, months)
    except ValueError as exc:
        with pytest.raises(ValueError, match=str(exc)):
            add_months(day, months)
        return
    got = add_months(day, months)
    assert got == expected
    assert type(got) is dt.date


@given(st.dates(min_value=D(1999, 12, 28), max_value=D(2101, 3, 3)), st.integers(-50, 50))
def test_add_months_is_relativedelta_at_month_ends_and_leap_years(day, months):
    assert add_months(day, months) == _relativedelta_months(day, months)


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (dt.datetime(2024, 1, 31, 12, 30), 1),
        (D(2024, 3, 31), np.int64(-1)),
        (D(2024, 3, 31), 2.0),
        (D(2024, 3, 31), True),
    ],
)
def test_add_months_of_other_types_is_relativedelta(day, months):
    got = add_months(day, months)
    expected = _relativedelta_months(day, months)
    assert got == expected
    assert type(got) is type(expected)


def test_add_months_is_relativedelta_for_every_month_end_of_four_centuries():
    for year in range(1897, 2304, 3):
        for month in range(1, 13):
            for day in (28, 29, 30, 31):
                try:
                    start = D(year, month, day)
                except ValueError:
                    continue
                for months in (-25, -13, -12, -11, -1, 1, 11, 12, 13, 25, 48, 1200):
                    assert add_months(start, months) == _relativedelta_months(start, months)
