"""Calendar arithmetic for deadlines: months, working days and Dutch public holidays.

Holidays are data: a :class:`HolidayCalendar` is a frozen set of dates. The default,
:func:`dutch_calendar`, is computed from the rules of the Dutch public holidays (*feestdagen*) that
count for working-day deadlines: New Year's Day, Easter Monday (*tweede paasdag*), King's Day
(*Koningsdag*, 27 April, or 26 April when the 27th is a Sunday), Liberation Day (*Bevrijdingsdag*,
5 May), Ascension Day (*Hemelvaartsdag*), Whit Monday (*tweede pinksterdag*), Christmas Day and Boxing
Day. A host whose agreements count other days (Good Friday, say) builds its own calendar with
:meth:`HolidayCalendar.with_dates`.

Month arithmetic uses :class:`dateutil.relativedelta.relativedelta`, so 31 January plus one month is
the last day of February (28th or 29th).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

import attrs
import numpy as np
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

__all__ = [
    "HolidayCalendar",
    "add_months",
    "dutch_calendar",
    "dutch_public_holidays",
]

_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months, clipped to the end of a shorter month.

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    result: dt.date = day + relativedelta(months=months)
    return result


def dutch_public_holidays(year: int) -> dict[dt.date, str]:
    """Return the Dutch public holidays of ``year`` that move a working-day deadline, by date.

    The values are names in English with the Dutch name in brackets; two holidays on one date share
    an entry whose name joins both.

    >>> dutch_public_holidays(2025)[dt.date(2025, 4, 26)]
    "King's Day (Koningsdag)"
    """
    if year < 2014:
        raise ValueError(f"King's Day rules are implemented from 2014 on, not for {year}")
    easter_sunday = easter(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:  # a Sunday: celebrated on the Saturday before
        kings_day = dt.date(year, 4, 26)
    named = [
        (dt.date(year, 1, 1), "New Year's Day (Nieuwjaarsdag)"),
        (easter_sunday + dt.timedelta(days=1), "Easter Monday (tweede paasdag)"),
        (kings_day, "King's Day (Koningsdag)"),
        (dt.date(year, 5, 5), "Liberation Day (Bevrijdingsdag)"),
        (easter_sunday + dt.timedelta(days=39), "Ascension Day (Hemelvaartsdag)"),
        (easter_sunday + dt.timedelta(days=50), "Whit Monday (tweede pinksterdag)"),
        (dt.date(year, 12, 25), "Christmas Day (eerste kerstdag)"),
        (dt.date(year, 12, 26), "Boxing Day (tweede kerstdag)"),
    ]
    holidays: dict[dt.date, str] = {}
    for day, name in named:  # two holidays can share a date (Ascension Day on 5 May 2016)
        holidays[day] = f"{holidays[day]} and {name}" if day in holidays else name
    return holidays


@attrs.frozen(kw_only=True)
class HolidayCalendar:
    """A set of non-working days besides Saturday and Sunday, for a range of years.

    Attributes:
        holidays: the non-working dates (weekdays or not).
        first_year: the first year the calendar covers.
        last_year: the last year the calendar covers. Asking about a date outside the range raises
            :class:`ValueError` rather than silently treating a holiday as a working day.
        name: a label for the calendar, shown in explanations.
    """

    holidays: frozenset[dt.date]
    first_year: int
    last_year: int
    name: str = "custom"

    def _check(self, day: dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise ValueError(
                f"{day.isoformat()} is outside the holiday calendar {self.name!r} "
                f"({self.first_year}-{self.last_year})"
            )

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a weekday that is not a holiday."""
        self._check(day)
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return ``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _DAY
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """Return the date ``n`` working days after ``day`` (``n`` ≥ 0; 0 rolls to a working day)."""
        if n < 0:
            raise ValueError("add_working_days counts forwards only")
        day = self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day + _DAY)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Return the number of working days in the half-open interval ``[start, end)``."""
        self._check(start)
        self._check(end)
        return int(np.busday_count(start, end, holidays=self.as_array()))

    def as_array(self) -> np.ndarray:
        """Return the holidays as a sorted ``datetime64[D]`` array, for :func:`numpy.busday_offset`."""
        return _sorted_array(self.holidays)

    def with_dates(self, dates: Iterable[dt.date], *, name: str | None = None) -> HolidayCalendar:
        """Return a calendar that also counts ``dates`` as holidays."""
        return attrs.evolve(
            self, holidays=self.holidays | frozenset(dates), name=name or f"{self.name}+custom"
        )


@cache
def _sorted_array(holidays: frozenset[dt.date]) -> np.ndarray:
    return np.array(sorted(holidays), dtype="datetime64[D]")


@cache
def dutch_calendar(first_year: int = 2015, last_year: int = 2035) -> HolidayCalendar:
    """Return the Dutch public-holiday calendar for ``first_year`` to ``last_year`` (default 2015-2035)."""
    days: set[dt.date] = set()
    for year in range(first_year, last_year + 1):
        days.update(dutch_public_holidays(year))
    return HolidayCalendar(
        holidays=frozenset(days), first_year=first_year, last_year=last_year, name="NL"
    )
