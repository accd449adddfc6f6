r"""Progress on a terminal: one redrawn line on standard error, nothing when it is not a terminal.

:func:`progress` returns a :class:`Progress`, which is also the ``(done, total)`` callback that long work
takes (:func:`werkmap.simulate.simulate`'s ``progress``). It draws only when its stream is a terminal (or
when told to), so piped output and logs stay clean, and it redraws at most once per percent.

Examples:
    >>> import io
    >>> out = io.StringIO()
    >>> with progress(4, out, unit="days", enabled=True, width=8) as p:
    ...     p(2)
    ...     p(4)
    >>> out.getvalue().split("\r")[1:]
    ['[####....] 2/4 days', '[########] 4/4 days\n']
    >>> progress_line(1, 3, width=6)
    '[##....] 1/3'

:func:`tracked` reports the progress of a loop over items (the folders a report reads):

    >>> seen = []
    >>> list(tracked("abc", lambda done, total: seen.append((done, total)), 3))
    ['a', 'b', 'c']
    >>> seen
    [(1, 3), (2, 3), (3, 3)]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TextIO, TypeVar

from werkmap.tables import bar

__all__ = ["Progress", "progress", "progress_line", "tracked"]

T = TypeVar("T")


def progress_line(done: int, total: int, *, width: int = 40, unit: str = "") -> str:
    """Return the progress line ``[####....] done/total unit`` (the bar :func:`werkmap.tables.bar`)."""
    filled = bar(done, total, width=width) if total > 0 else ""
    suffix = f" {unit}" if unit else ""
    return f"[{filled}{'.' * (width - len(filled))}] {done}/{total}{suffix}"


class Progress:
    """A progress line on ``stream``, redrawn as work is done (make one with :func:`progress`).

    Call it with the work done so far (and, optionally, a new total): ``p(done)`` or ``p(done, total)``, so
    it can be passed where a ``(done, total)`` callback is expected. :meth:`close` (or leaving the ``with``
    block) ends the line.

    Args:
        total: the work in all (days, folders, rows ...).
        stream: where to draw (standard error when ``None``).
        unit: the word after the count (``"days"``).
        enabled: draw even when ``stream`` is not a terminal (``True``), never (``False``), or only on a
            terminal (``None``, the default).
        width: the length of the bar.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        *,
        unit: str = "",
        enabled: bool | None = None,
        width: int = 40,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.unit = unit
        self.width = width
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty()) if callable(isatty) else False
        self.enabled = enabled
        self.done = 0
        self._drawn: int | None = None

    def __call__(self, done: int, total: int | None = None) -> None:
        """Record that ``done`` of the work is done (and the total, when it changed) and redraw."""
        self.done = done
        if total is not None:
            self.total = total
        if not self.enabled:
            return
        step = 100 * done // self.total if self.total > 0 else 0
        if step == self._drawn:
            return
        self._drawn = step
        line = progress_line(done, self.total, width=self.width, unit=self.unit)
        self.stream.write("\r" + line)
        self.stream.flush()

    def close(self) -> None:
        """End the progress line (a newline, when anything was drawn)."""
        if self.enabled and self._drawn is not None:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def progress(
    total: int,
    stream: TextIO | None = None,
    *,
    unit: str = "",
    enabled: bool | None = None,
    width: int = 40,
) -> Progress:
    """Return a :class:`Progress` for ``total`` units of work on ``stream`` (standard error by default).

    It draws only when the stream is a terminal, unless ``enabled`` says otherwise.

    Examples:
        >>> import io
        >>> p = progress(10, io.StringIO())  # not a terminal: draws nothing
        >>> p(5); p.close(); p.stream.getvalue()
        ''
    """
    return Progress(total, stream, unit=unit, enabled=enabled, width=width)


def tracked(
    items: Iterable[T], progress: Callable[[int, int], None] | None, total: int
) -> Iterator[T]:
    """Yield ``items``, calling ``progress(done, total)`` after each one (nothing when it is ``None``)."""
    if progress is None:
        yield from items
        return
    for done, item in enumerate(items, start=1):
        yield item
        progress(done, total)
