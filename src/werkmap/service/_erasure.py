"""Erasure: the retention policy, the folders whose retention has ended, and erasing one."""

from __future__ import annotations

import datetime as dt
import logging

from werkmap.errors import GuardRefused, InvalidInput, Problem, StorageError, WerkmapError
from werkmap.plan.folder import WorkFolder
from werkmap.rules.retention import (
    ErasureDecision,
    RetentionPolicy,
    closed_on,
    default_retention,
    erasure_decision,
)
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor, authorize
from werkmap.storage.values import AuditEntry, Tombstone

__all__ = ["Erasure"]

_log = logging.getLogger("werkmap.service")


class Erasure(ServiceCore):
    """Retention and erasure; part of :class:`~werkmap.service.Werkmap`."""

    @property
    def retention(self) -> RetentionPolicy:
        """The dated retention policy :meth:`erase` decides by."""
        if self._retention is None:
            self._retention = default_retention()
        return self._retention

    def _erasure_decision(self, folder: WorkFolder, on: dt.date | None = None) -> ErasureDecision:
        """Return whether ``folder`` may be erased on ``on`` (default today) by the retention policy."""
        day = on if on is not None else self.today
        closed = closed_on(folder.benefit_ended_on, folder.work_found_on)
        return erasure_decision(folder.folder_id, closed_on=closed, on=day, policy=self.retention)

    def retention_ended(self, actor: Actor, *, on: dt.date | None = None) -> list[ErasureDecision]:
        """Return the decisions for every closed folder whose retention has ended on ``on`` (today).

        Only folders whose status is not ``active`` can have closed, so only those are read.

        Raises:
            NotAuthorized: the actor may not erase (only the system: the privacy desk).
        """
        authorize(actor, "erase", None)
        columns = self.store.index_columns()
        out = []
        for fid, status in zip(columns.folder_id.tolist(), columns.status.tolist(), strict=True):
            if status == "active":
                continue
            try:
                folder = self.store.load(fid)
            except WerkmapError as exc:  # an unreadable folder is listed by werkmap verify
                _log.warning("retention: folder %s skipped (%s)", fid, type(exc).__name__)
                continue
            decision = self._erasure_decision(folder, on)
            if decision.may_erase:
                out.append(decision)
        return out

    def erase(self, actor: Actor, folder_id: str, *, why: str) -> Tombstone:
        """Erase the personal data of a folder whose retention period has ended (GDPR art. 17).

        The store removes the folder from every table (its row and document, events, patches, rule
        state, outbox items, command keys) and the free text of its audit records, in one transaction
        (on SQLite from the free pages too, with ``secure_delete``); every audit chain still verifies,
        and a tombstone says who erased it, when, why and under which retention policy
        (:meth:`werkmap.storage.protocol.Store.erase`). The erasure is the chain's last record.

        Raises:
            NotAuthorized: the actor is not the system (the privacy desk).
            NotFound: there is no such folder.
            GuardRefused: its retention has not ended (the message gives the day it ends), or it has
                not closed.
            InvalidInput: no reason given.
            StorageError: called inside a unit of work (an erasure is a transaction of its own).
        """
        authorize(actor, "erase", None)
        if not why.strip():
            raise InvalidInput([Problem(path="$.why", message="give the reason for the erasure")])
        if self._pending is not None:
            raise StorageError(
                "an erasure is a transaction of its own: run it outside a unit of work"
            )
        folder = self._fresh(folder_id)
        authorize(actor, "erase", folder, organisation=self.organisation)
        decision = self._erasure_decision(folder)
        if not decision.may_erase or decision.retention_ends_on is None:
            raise GuardRefused(
                machine="retention",
                obj=folder_id,
                state="open" if decision.closed_on is None else "kept",
                event="erase",
                allowed=(),
                reason=decision.reason_en,
            )
        assert decision.closed_on is not None
        months = decision.parameters.get("retention_months_after_close")
        policy = (
            f"{decision.rule_id} retention_months_after_close={months}@{decision.policy_version}"
        )
        if self.retention.illustrative:
            policy += " (illustrative)"
        entry = AuditEntry(
            folder_id=folder_id,
            actor=str(actor),
            action="erase",
            what=f"personal data erased: closed {decision.closed_on.isoformat()}, retention "
            f"ended {decision.retention_ends_on.isoformat()} ({policy})",
            at=self.clock.now(),
            why=why,
        )
        tomb = self.store.erase(
            folder_id,
            expected_version=folder.version,
            entry=entry,
            policy=policy,
            closed_on=decision.closed_on,
            retention_ends_on=decision.retention_ends_on,
        )
        self._cache.pop(folder_id, None)
        self._prefetched.pop(folder_id, None)
        trail = self.store.audit_records(folder_id)
        self._announce(trail[-1:])
        _log.info("erased folder %s under %s", folder_id, policy)
        return tomb
