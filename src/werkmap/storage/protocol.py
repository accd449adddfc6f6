"""The :class:`Store` protocol: what every storage plugin's store must do.

A store keeps folders (as documents written through :mod:`werkmap.serialization`), their append-only event
log, the outbox of notifications and the hash-chained audit trail. Every write command is one transaction:
either all of it is stored or none of it. The conformance kit (:mod:`werkmap.storage.testing`) checks a
store against this protocol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from werkmap.storage.values import (
    AuditEntry,
    AuditRecord,
    DueFolder,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
)

if TYPE_CHECKING:
    from werkmap.plan.folder import FolderEvent, WorkFolder

__all__ = ["SCHEMA_VERSION", "Store"]

SCHEMA_VERSION = 3
"""The storage schema version this werkmap writes (the index columns and tables of a store)."""


@runtime_checkable
class Store(Protocol):
    """A place where folders, their events, the outbox and the audit trail are kept.

    Folders are :class:`werkmap.plan.folder.WorkFolder` values. Every method that writes is one
    transaction; a method that raises has changed nothing.
    """

    def schema_version(self) -> int:
        """Return the schema version the store's data is at."""
        ...

    def migrate(self) -> int:
        """Bring the store's data to :data:`SCHEMA_VERSION` (in one transaction) and return the version.

        Raises:
            SchemaVersionError: the data is of a newer version than this werkmap knows.
        """
        ...

    def load(self, folder_id: str) -> WorkFolder:
        """Return the folder with this id, at its latest version.

        Raises:
            NotFound: there is no such folder.
        """
        ...

    def save(
        self,
        folder: WorkFolder,
        *,
        expected_version: int,
        index: FolderIndex,
        notifications: Sequence[Notification] = (),
        audit: Sequence[AuditEntry] = (),
    ) -> tuple[AuditRecord, ...]:
        """Save a folder that was loaded at ``expected_version`` (``0`` for a new folder).

        The folder, its new events, its notifications (into the outbox) and its audit entries (sealed into
        the folder's hash chain) are written in one transaction.

        Returns:
            The audit records as sealed into the chain, for the ``werkmap_audit`` hook.

        Raises:
            ConcurrencyConflict: the store holds another version than ``expected_version``.
            InvalidInput: the request is malformed (every problem listed); nothing was written.
            StorageError: the database could not write (disk full, read-only); nothing was written.
        """
        ...

    def save_many(self, requests: Sequence[SaveRequest]) -> tuple[AuditRecord, ...]:
        """Save several folders in one transaction: all of them, or (on any error) none of them.

        Returns:
            The audit records sealed, in request order.
        """
        ...

    def events(self, folder_id: str, *, after: int = 0) -> tuple[FolderEvent, ...]:
        """Return the folder's events with a sequence number above ``after``, oldest first."""
        ...

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        """Return the folders assigned to a coach, ordered by next due date (none last), then id."""
        ...

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        """Return the folders with something due on or before a date, ordered by that date, then id.

        Answered from an index on the next due date, so the cost follows what is due, not the
        population.
        """
        ...

    def index_columns(self) -> IndexColumns:
        """Return the index columns of every folder as numpy arrays (in folder id order)."""
        ...

    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        """Return undelivered notifications whose next attempt is due at ``now``, oldest first."""
        ...

    def outbox(self, *, include_delivered: bool = True) -> tuple[OutboxItem, ...]:
        """Return the outbox (for inspection and tests), oldest first."""
        ...

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime) -> None:
        """Record that a notification was delivered."""
        ...

    def mark_failed(
        self, idempotency_key: str, *, at: dt.datetime, retry_at: dt.datetime, error: str
    ) -> None:
        """Record a failed delivery attempt and when to try again."""
        ...

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Seal an audit entry into its folder's hash chain (one transaction) and return the record."""
        ...

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        ...

    def close(self) -> None:
        """Release the store's resources; the store is not used afterwards."""
        ...
