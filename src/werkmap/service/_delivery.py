"""Notifications: put them in the outbox and deliver them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from werkmap.errors import StorageError
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.storage.outbox import DEFAULT_MAX_ATTEMPTS, Dispatcher, DispatchReport
from werkmap.storage.values import Notification

__all__ = ["Delivery"]

_log = logging.getLogger("werkmap.service")


class Delivery(ServiceCore):
    """The outbox: enqueue and dispatch notifications; part of :class:`~werkmap.service.Werkmap`."""

    def enqueue(self, actor: Actor, notifications: Sequence[Notification]) -> None:
        """Put notifications about the service as a whole (no folder change) into the outbox.

        They are delivered like every other notification (:meth:`dispatch`, at least once, by idempotency
        key); a notification already queued is not queued twice. The monitoring report's alerts use it
        (:func:`werkmap.monitoring.send_alerts`).

        Raises:
            NotAuthorized: the actor is not the system.
            StorageError: the store cannot queue notifications without a folder change.
        """
        self._allow(actor, "enqueue", folder_id=None)
        enqueue = getattr(self.store, "enqueue", None)
        if enqueue is None:
            raise StorageError(f"the store {type(self.store).__name__} cannot queue notifications")
        enqueue(list(notifications))

    def dispatch(
        self,
        *,
        max_rounds: int = 1,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        lease: dt.timedelta | None = None,
        owner: str | None = None,
    ) -> DispatchReport:
        """Deliver the outbox through the host's channels (at least once; see :mod:`werkmap.storage.outbox`).

        Items are claimed with a lease, so several shells may dispatch one store at once; a failure is
        retried with a capped backoff, and after ``max_attempts`` failed attempts the item is
        dead-lettered (``store.dead_letters()``) and reported to the ``functional-admin`` role.

        Args:
            max_rounds: how many claim-and-deliver rounds to run (retries wait for the next round).
            max_attempts: failed attempts after which an item is dead-lettered.
            lease: how long a claim holds (default: the store's, 300 seconds).
            owner: this dispatcher's name in the leases (default: host, process and a random part).
        """
        report = Dispatcher(
            self.store,
            self.plugins,
            clock=self.clock,
            sleep=lambda _s: None,
            max_attempts=max_attempts,
            lease=lease,
            owner=owner,
        ).drain(max_rounds=max_rounds)
        _log.info(
            "dispatch: %d delivered, %d failed, %d pending",
            len(report.delivered),
            len(report.failed),
            report.pending,
        )
        return report
