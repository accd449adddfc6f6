"""Time as an input: the :class:`Clock` protocol and two clocks, all in Europe/Amsterdam.

The domain (``werkmap.profiler``, ``werkmap.plan``, ``werkmap.rules``) never reads the wall clock: it takes
dates as arguments. Only the shell (``werkmap.Werkmap``) holds a clock and asks it for the time. Tests and
simulations give the shell a :class:`FixedClock` and move it forward themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = ["AMSTERDAM", "Clock", "FixedClock", "SystemClock"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
"""The time zone every werkmap date is in."""


@runtime_checkable
class Clock(Protocol):
    """Something that tells the time. Dates are taken in Europe/Amsterdam."""

    def now(self) -> dt.datetime:
        """Return the current moment as an aware datetime in Europe/Amsterdam."""
        ...

    def today(self) -> dt.date:
        """Return the current date in Europe/Amsterdam."""
        ...


class SystemClock:
    """The wall clock of the machine, converted to Europe/Amsterdam."""

    __slots__ = ()

    def now(self) -> dt.datetime:
        """Return the current moment in Europe/Amsterdam."""
        return dt.datetime.now(AMSTERDAM)

    def today(self) -> dt.date:
        """Return today's date in Europe/Amsterdam (not the machine's local date)."""
        return self.now().date()

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until it is moved: for tests, simulations and replays.

    Args:
        at: the moment to start at. A naive datetime is taken to be Europe/Amsterdam time; a date means
            09:00 on that date.

    Examples:
        >>> clock = FixedClock(dt.date(2024, 1, 31))
        >>> clock.advance(days=1).today()
        datetime.date(2024, 2, 1)
    """

    __slots__ = ("_now",)

    def __init__(self, at: dt.datetime | dt.date) -> None:
        self._now = _as_moment(at)

    def now(self) -> dt.datetime:
        """Return the moment the clock stands at."""
        return self._now

    def today(self) -> dt.date:
        """Return the date the clock stands at, in Europe/Amsterdam."""
        return self._now.date()

    def set(self, at: dt.datetime | dt.date) -> FixedClock:
        """Move the clock to ``at`` (forwards or backwards) and return it."""
        self._now = _as_moment(at)
        return self

    def advance(self, *, days: int = 0, hours: float = 0, minutes: float = 0) -> FixedClock:
        """Move the clock forward by wall-clock time in Europe/Amsterdam and return it.

        Whole days keep the time of day across a daylight-saving change (a day is a calendar day).
        """
        if days < 0 or hours < 0 or minutes < 0:
            raise ValueError("a FixedClock only advances; use set() to go back")
        wall = self._now.replace(tzinfo=None) + dt.timedelta(days=days)
        moved = wall.replace(tzinfo=AMSTERDAM).astimezone(dt.UTC)
        self._now = (moved + dt.timedelta(hours=hours, minutes=minutes)).astimezone(AMSTERDAM)
        return self

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()!r})"


def _as_moment(at: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            return at.replace(tzinfo=AMSTERDAM)
        return at.astimezone(AMSTERDAM)
    return dt.datetime(at.year, at.month, at.day, 9, 0, tzinfo=AMSTERDAM)
