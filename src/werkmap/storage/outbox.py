"""The outbox dispatcher: delivers stored notifications at least once, with leases, retries and dead letters.

A notification is written to the outbox in the same transaction as the change that caused it, so it cannot
be lost between "saved" and "sent". :class:`Dispatcher` then delivers what is due:

* **Claimed, not just read.** Each round *claims* a batch (``Store.claim_notifications``): every item gets a
  lease, an owner (the dispatcher's name) and an expiry. Until the lease ends no other dispatcher gets the
  item, so several dispatchers (threads, processes, machines) work in parallel without delivering one item
  twice at the same time. A dispatcher that dies leaves its items to be claimed again once their lease
  ran out.
* **Delivered through the host's channels.** An item goes to the :class:`~werkmap.channels.Channel` of
  its ``channel`` name when a plugin offers one (``werkmap_channels``), to an address resolved by the host
  (``werkmap_resolve_recipient``); otherwise to the ``werkmap_deliver_notification`` hooks.
* **Retried with a capped backoff.** A failure keeps the item with its attempt count and the moment of its
  next try (:class:`Backoff`: exponential, capped *before* it is computed, so attempt 1,000 waits as long
  as attempt 10).
* **Dead-lettered, never stuck.** After ``max_attempts`` failed attempts (a dispatcher option, default
  :data:`DEFAULT_MAX_ATTEMPTS`) the item is *dead-lettered*: it is never offered again, it is listed by
  ``Store.dead_letters()`` (as Sidekiq's dead set or Oban's discarded jobs are), reported in
  :attr:`DispatchReport.dead_lettered` and logged at ERROR level for the named role (``dead_letter_role``,
  default ``functional-admin``), and every other item keeps flowing.
* **At least once.** A crash between delivering and marking means the item is delivered again: the
  idempotency key, which never changes, lets the receiver drop the duplicate. A dispatcher that finds an
  item delivered, dead-lettered, claimed by another or gone (``NotFound``) moves on.

The clock and the sleep are given to the dispatcher, so tests run every retry without waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Callable

import attrs

from werkmap.clock import Clock
from werkmap.errors import NotFound
from werkmap.storage._common import DEFAULT_LEASE
from werkmap.storage.manager import Plugins
from werkmap.storage.protocol import Store
from werkmap.storage.values import OutboxItem

__all__ = [
    "DEFAULT_DEAD_LETTER_ROLE",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_ATTEMPTS",
    "Backoff",
    "DispatchReport",
    "Dispatcher",
]

log = logging.getLogger("werkmap.outbox")

DEFAULT_MAX_ATTEMPTS = 48
"""Failed attempts after which an item is dead-lettered (about two days with the default backoff)."""

DEFAULT_DEAD_LETTER_ROLE = "functional-admin"
"""The role a dead letter is reported to (in the log record and the :class:`DispatchReport`)."""


@attrs.frozen(kw_only=True)
class Backoff:
    """Exponential backoff: ``initial * factor ** (attempt - 1)``, at most ``maximum``.

    The cap is applied to the exponent before anything is computed, so no attempt number overflows.

    Attributes:
        initial: the wait after the first failure.
        factor: how much longer each next wait is.
        maximum: the longest wait.

    Examples:
        >>> b = Backoff(initial=dt.timedelta(seconds=30), factor=2.0, maximum=dt.timedelta(minutes=2))
        >>> tuple(int(b.delay(n).total_seconds()) for n in (1, 2, 3, 4, 10**6))
        (30, 60, 120, 120, 120)
    """

    initial: dt.timedelta = dt.timedelta(seconds=30)
    factor: float = 2.0
    maximum: dt.timedelta = dt.timedelta(hours=1)

    def delay(self, attempt: int) -> dt.timedelta:
        """Return the wait after failed attempt number ``attempt`` (from 1)."""
        first = max(self.initial.total_seconds(), 0.0)
        cap = max(self.maximum.total_seconds(), 0.0)
        if first == 0.0 or first >= cap:
            return dt.timedelta(seconds=min(first, cap))
        if self.factor <= 1.0:
            return dt.timedelta(seconds=first)
        # the exponent at which the wait reaches the cap: never compute a larger power
        steps = math.ceil(math.log(cap / first, self.factor))
        exponent = min(max(attempt - 1, 0), steps)
        return dt.timedelta(seconds=min(first * self.factor**exponent, cap))


@attrs.frozen(kw_only=True)
class DispatchReport:
    """What one dispatch did.

    Attributes:
        delivered: the idempotency keys delivered and marked.
        failed: the idempotency keys that failed and were rescheduled.
        dead_lettered: the idempotency keys given up after their last allowed attempt.
        skipped: keys another dispatcher had dealt with meanwhile (delivered, claimed or gone).
        pending: undelivered, not dead-lettered notifications left in the outbox afterwards.
        dead_letter_role: the role the dead letters are reported to.
    """

    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    dead_lettered: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    pending: int = 0
    dead_letter_role: str = DEFAULT_DEAD_LETTER_ROLE

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            delivered=self.delivered + other.delivered,
            failed=self.failed + other.failed,
            dead_lettered=self.dead_lettered + other.dead_lettered,
            skipped=self.skipped + other.skipped,
            pending=other.pending,
            dead_letter_role=other.dead_letter_role,
        )


def _default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Delivers the outbox of one store through the channels and notification hooks of a set of plugins.

    Args:
        store: the store whose outbox is delivered.
        plugins: the plugins whose channels (``werkmap_channels``) and ``werkmap_deliver_notification``
            hooks deliver.
        clock: tells the time (a :class:`~werkmap.clock.FixedClock` in tests).
        backoff: how long to wait after failures.
        sleep: how to wait, in seconds (tests pass a function that moves their clock).
        batch: how many notifications to claim per round.
        max_attempts: failed attempts after which an item is dead-lettered (at least 1).
        lease: how long a claim holds (``None``: the store's default, 300 seconds unless configured);
            make it longer than the slowest delivery of a batch.
        owner: this dispatcher's name in the leases (default: host, process id and a random part).
        dead_letter_role: the role dead letters are reported to.
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
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        lease: dt.timedelta | None = None,
        owner: str | None = None,
        dead_letter_role: str = DEFAULT_DEAD_LETTER_ROLE,
    ) -> None:
        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.batch = batch
        self.max_attempts = max(int(max_attempts), 1)
        self.lease = lease
        self.owner = owner or _default_owner()
        self.dead_letter_role = dead_letter_role

    def dispatch_once(self) -> DispatchReport:
        """Claim the notifications due now and try each once; return what happened."""
        delivered: list[str] = []
        failed: list[str] = []
        dead: list[str] = []
        skipped: list[str] = []
        items = self.store.claim_notifications(
            owner=self.owner, now=self.clock.now(), lease=self.lease, limit=self.batch
        )
        for item in items:
            key = item.notification.idempotency_key
            error = self._deliver(item)
            now = self.clock.now()
            try:
                if error is None:
                    self.store.mark_delivered(key, at=now)
                    delivered.append(key)
                elif item.attempts + 1 >= self.max_attempts:
                    if self.store.mark_dead(key, at=now, error=error, owner=self.owner) is False:
                        skipped.append(key)
                        continue
                    dead.append(key)
                    log.error(
                        "outbox: notification %s (%s, folder %s) dead-lettered after %d attempts; "
                        "reported to role:%s; last error: %s",
                        key,
                        item.notification.channel,
                        item.notification.folder_id,
                        item.attempts + 1,
                        self.dead_letter_role,
                        error,
                    )
                else:
                    retry_at = now + self.backoff.delay(item.attempts + 1)
                    applied = self.store.mark_failed(
                        key, at=now, retry_at=retry_at, error=error, owner=self.owner
                    )
                    if applied is False:
                        skipped.append(key)
                        continue
                    failed.append(key)
                    log.warning(
                        "outbox: delivery of %s failed (attempt %d): %s",
                        key,
                        item.attempts + 1,
                        error,
                    )
            except NotFound:
                # gone meanwhile (erased, or removed by hand): nothing to mark, move on
                skipped.append(key)
        if delivered:
            log.info("outbox: delivered %d notification(s)", len(delivered))
        return DispatchReport(
            delivered=tuple(delivered),
            failed=tuple(failed),
            dead_lettered=tuple(dead),
            skipped=tuple(skipped),
            pending=self._pending_count(),
            dead_letter_role=self.dead_letter_role,
        )

    def _pending_count(self) -> int:
        return sum(
            1 for i in self.store.outbox(include_delivered=False) if i.dead_lettered_at is None
        )

    def _deliver(self, item: OutboxItem) -> str | None:
        from werkmap.channels import deliver

        note = item.notification
        try:
            if deliver(self.plugins, note):
                return None
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return f"no plugin delivered channel {note.channel!r}"

    def drain(self, *, max_rounds: int = 20) -> DispatchReport:
        """Dispatch until the outbox is empty or ``max_rounds`` rounds ran, sleeping until retries are due.

        Items another dispatcher holds a lease on are left to it: when only such items are left, the
        drain ends.

        Returns:
            Everything delivered, failed and dead-lettered over all rounds, and what is still pending.
        """
        report = DispatchReport(dead_letter_role=self.dead_letter_role)
        for round_number in range(max_rounds):
            if round_number:
                wait = self._next_retry_in()
                if wait is None:
                    break
                if wait > 0:
                    self.sleep(wait)
            report = report + self.dispatch_once()
            if report.pending == 0:
                break
        return report

    def _next_retry_in(self) -> float | None:
        """Seconds until the next item this dispatcher could claim is due (``None``: no such item)."""
        now = self.clock.now()
        waiting = [
            i.next_attempt_at or now
            for i in self.store.outbox(include_delivered=False)
            if i.dead_lettered_at is None and not i.is_claimed(now)
        ]
        if not waiting:
            return None
        return (min(waiting) - now).total_seconds()
