import datetime as dt

import pytest

from werkmap import AMSTERDAM, Clock, FixedClock, SystemClock


def test_system_clock_is_a_clock_in_amsterdam():
    clock = SystemClock()
    assert isinstance(clock, Clock)
    assert clock.now().tzinfo is AMSTERDAM
    assert clock.today() == clock.now().date()


def test_fixed_clock_from_date_is_nine_in_the_morning_amsterdam():
    clock = FixedClock(dt.date(2024, 2, 29))
    assert clock.now() == dt.datetime(2024, 2, 29, 9, tzinfo=AMSTERDAM)
    assert clock.today() == dt.date(2024, 2, 29)


def test_fixed_clock_takes_naive_as_amsterdam_and_converts_aware():
    assert FixedClock(dt.datetime(2024, 6, 1, 12)).now().utcoffset() == dt.timedelta(hours=2)
    utc = dt.datetime(2024, 1, 1, 23, 30, tzinfo=dt.UTC)
    assert FixedClock(utc).today() == dt.date(2024, 1, 2)


@pytest.mark.parametrize(
    ("start", "expected_offset"),
    [
        (dt.datetime(2024, 3, 30, 9), dt.timedelta(hours=2)),  # spring forward on 31 March
        (dt.datetime(2024, 10, 26, 9), dt.timedelta(hours=1)),  # fall back on 27 October
    ],
)
def test_advancing_a_day_across_daylight_saving_keeps_the_wall_time(start, expected_offset):
    clock = FixedClock(start).advance(days=1)
    assert clock.now().hour == 9
    assert clock.now().utcoffset() == expected_offset
    assert clock.today() == start.date() + dt.timedelta(days=1)


def test_advancing_hours_across_spring_forward_is_elapsed_time():
    clock = FixedClock(dt.datetime(2024, 3, 31, 1, 30)).advance(hours=1)
    assert clock.now().hour == 3  # 02:30 does not exist that night


def test_fixed_clock_refuses_to_run_backwards_but_can_be_set():
    clock = FixedClock(dt.date(2024, 1, 1))
    with pytest.raises(ValueError, match="only advances"):
        clock.advance(days=-1)
    assert clock.set(dt.date(2023, 1, 1)).today() == dt.date(2023, 1, 1)
    assert "2023-01-01" in repr(clock)
