"""The outbox dispatcher: delivers stored notifications at least once, with retries and backoff.

A notification is written to the outbox in the same transaction as the change that caused it, so it cannot
be lost between "saved" and "sent". :class:`Dispatcher` then hands each pending notification to the
``werkmap_deliver_notification`` hooks. When a plugin raises, or no plugin delivers it, the notification
stays in the outbox with its attempt count and the moment of its next try (exponential backoff, capped);
when delivery succeeds it is marked delivered. A crash between delivering and marking means the
notification is delivered again: that is *at least once*, and the idempotency key, which never changes,
lets the receiver drop the duplicate.

The clock and the sleep are given to the dispatcher, so tests run every retry without waiting.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import attrs

from werkmap.clock import Clock
from werkmap.storage.manager import Plugins
from werkmap.storage.protocol import Store
from werkmap.storage.values import OutboxItem

__all__ = ["Backoff", "DispatchReport", "Dispatcher"]


@attrs.frozen(kw_only=True)
class Backoff:
    """Exponential backoff: ``initial * factor ** (attempt - 1)``, at most ``maximum``.

    Attributes:
        initial: the wait after the first failure.
        factor: how much longer each next wait is.
        maximum: the longest wait.

    Examples:
        >>> b = Backoff(initial=dt.timedelta(seconds=30), factor=2.0, maximum=dt.timedelta(minutes=2))
        >>> tuple(int(b.delay(n).total_seconds()) for n in (1, 2, 3, 4))
        (30, 60, 120, 120)
    """

    initial: dt.timedelta = dt.timedelta(seconds=30)
    factor: float = 2.0
    maximum: dt.timedelta = dt.timedelta(hours=1)

    def delay(self, attempt: int) -> dt.timedelta:
        """Return the wait after failed attempt number ``attempt`` (from 1)."""
        seconds = self.initial.total_seconds() * self.factor ** max(attempt - 1, 0)
        return min(dt.timedelta(seconds=seconds), self.maximum)


@attrs.frozen(kw_only=True)
class DispatchReport:
    """What one dispatch did.

    Attributes:
        delivered: the idempotency keys delivered and marked.
        failed: the idempotency keys that failed and were rescheduled.
        pending: undelivered notifications left in the outbox afterwards.
    """

    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    pending: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            delivered=self.delivered + other.delivered,
            failed=self.failed + other.failed,
            pending=other.pending,
        )


class Dispatcher:
    """Delivers the outbox of one store to the notification hooks of a set of plugins.

    Args:
        store: the store whose outbox is delivered.
        plugins: the plugins whose ``werkmap_deliver_notification`` hooks deliver.
        clock: tells the time (a :class:`~werkmap.clock.FixedClock` in tests).
        backoff: how long to wait after failures.
        sleep: how to wait, in seconds (tests pass a function that moves their clock).
        batch: how many notifications to take per round.
    """

    def __init__(
        self,
        store: Store,
        plugins: Plugins,
        *,
        clock: Clock,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        batch: int = 100,
    ) -> None:
        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.batch = batch

    def dispatch_once(self) -> DispatchReport:
        """Try every notification that is due now, once; return what happened."""
        delivered: list[str] = []
        failed: list[str] = []
        for item in self.store.pending_notifications(now=self.clock.now(), limit=self.batch):
            key = item.notification.idempotency_key
            error = self._deliver(item)
            now = self.clock.now()
            if error is None:
                self.store.mark_delivered(key, at=now)
                delivered.append(key)
            else:
                retry_at = now + self.backoff.delay(item.attempts + 1)
                self.store.mark_failed(key, at=now, retry_at=retry_at, error=error)
                failed.append(key)
        pending = len(self.store.outbox(include_delivered=False))
        return DispatchReport(delivered=tuple(delivered), failed=tuple(failed), pending=pending)

    def _deliver(self, item: OutboxItem) -> str | None:
        note = item.notification
        try:
            answers = self.plugins.deliver(note)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        if not any(answer is True for answer in answers):
            return f"no plugin delivered channel {note.channel!r}"
        return None

    def drain(self, *, max_rounds: int = 20) -> DispatchReport:
        """Dispatch until the outbox is empty or ``max_rounds`` rounds ran, sleeping until retries are due.

        Returns:
            Everything delivered and failed over all rounds, and what is still pending.
        """
        report = DispatchReport()
        for round_number in range(max_rounds):
            if round_number:
                self._wait_for_next_retry()
            report = report + self.dispatch_once()
            if report.pending == 0:
                break
        return report

    def _wait_for_next_retry(self) -> None:
        waiting = [
            i.next_attempt_at
            for i in self.store.outbox(include_delivered=False)
            if i.next_attempt_at is not None
        ]
        if waiting:
            wait = (min(waiting) - self.clock.now()).total_seconds()
            if wait > 0:
                self.sleep(wait)
