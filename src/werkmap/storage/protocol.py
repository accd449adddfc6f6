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
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    EventRow,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
)

if TYPE_CHECKING:
    from werkmap.plan.folder import FolderEvent, WorkFolder

__all__ = ["SCHEMA_VERSION", "Store"]

SCHEMA_VERSION = 5
"""The storage schema version this werkmap writes (the index columns and tables of a store).

Version 3 writes a folder's changes as patches beside compressed snapshots and keeps the rule state the
sweep reads; version 4 added the outbox's leases and dead letters and the table of command idempotency
keys; version 5 anchors each folder's audit chain on its row (count and last hash), seals records over
the digests of their free text and the events their save wrote (HMAC-SHA256 with a host key), and erases
folders with a tombstone (:meth:`Store.erase`)."""


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
            FolderUnreadable: its stored document, patches or events are damaged (the error names the
                folder and the kind of damage, never the contents; never a raw decoding error).
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

        Each request's command keys (``SaveRequest.commands``) are stored with it; a key that is stored
        already is a :class:`~werkmap.errors.ConcurrencyConflict` (a retry raced this save), and nothing
        is written.

        Returns:
            The audit records sealed, in request order.
        """
        ...

    def events(self, folder_id: str, *, after: int = 0) -> tuple[FolderEvent, ...]:
        """Return the folder's events with a sequence number above ``after``, oldest first.

        Raises:
            FolderUnreadable: a stored event row is damaged.
        """
        ...

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        """Return the folders assigned to a coach, ordered by next due date (none last), then id.

        Raises:
            FolderUnreadable: a row's index columns are damaged (the service then reads
                :meth:`index_columns`, which names every damaged row, and skips those).
        """
        ...

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        """Return the folders with something due on or before a date, ordered by that date, then id.

        Answered from an index on the next due date, so the cost follows what is due, not the
        population.
        """
        ...

    def index_columns(self) -> IndexColumns:
        """Return the index columns of every folder as numpy arrays (in folder id order).

        A row whose columns are damaged is left out and named in ``IndexColumns.unreadable``.
        """
        ...

    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        """Return the notifications that may be tried at ``now``, oldest first (a read; claims nothing).

        That is: undelivered, not dead-lettered, due (``next_attempt_at`` at or before ``now``) and not
        claimed by a dispatcher whose lease is still running.
        """
        ...

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        """Claim up to ``limit`` of the notifications :meth:`pending_notifications` would return.

        In one transaction, each item returned gets ``claimed_by = owner`` and ``claimed_until = now +
        lease``; until then no other call returns it, whichever process or machine asks. A dispatcher
        that dies leaves its items to be claimed again once the lease ran out (so delivery is at least
        once; two deliveries of one item never overlap while leases are longer than a delivery takes).

        Args:
            owner: who claims (a dispatcher's unique name).
            now: the moment of the claim.
            lease: how long the claim holds (``None``: the store's default, 300 seconds unless the
                store is configured otherwise).
            limit: the most items to claim.

        Returns:
            The claimed items, oldest first, with their lease.
        """
        ...

    def outbox(self, *, include_delivered: bool = True) -> tuple[OutboxItem, ...]:
        """Return the outbox (for inspection and tests), oldest first; dead letters included."""
        ...

    def dead_letters(self) -> tuple[OutboxItem, ...]:
        """Return the dead-lettered notifications, oldest first (those given up after too many tries)."""
        ...

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        """Record that a notification was delivered, and end its lease (whoever holds it).

        A second mark keeps the first moment.

        Returns:
            ``True`` when this call marked it, ``False`` when it was marked delivered before.

        Raises:
            NotFound: no notification has this key.
        """
        ...

    def mark_failed(
        self,
        idempotency_key: str,
        *,
        at: dt.datetime,
        retry_at: dt.datetime,
        error: str,
        owner: str = "",
    ) -> bool:
        """Record a failed delivery attempt and when to try again, and end the lease.

        Nothing changes when the item is delivered or dead-lettered already, or when ``owner`` is given
        and another dispatcher claimed the item since (its lease is not ended).

        Returns:
            ``True`` when the failure was recorded.

        Raises:
            NotFound: no notification has this key.
        """
        ...

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        """Dead-letter a notification after its last failed attempt: it is never offered again.

        Counts the attempt, keeps the error, ends the lease. Nothing changes under the same conditions
        as :meth:`mark_failed`.

        Returns:
            ``True`` when the item was dead-lettered by this call.

        Raises:
            NotFound: no notification has this key.
        """
        ...

    def command_result(self, key: str) -> CommandKey | None:
        """Return a command's stored idempotency key (``SaveRequest.commands``), or ``None``."""
        ...

    def forget_command_keys(self, *, before: dt.datetime) -> int:
        """Delete the command keys stored before a moment (:attr:`CommandKey.stored_at`); return how many.

        A key without a moment (stored by a werkmap before keys had a retention window) is kept. The
        service calls this once a day with :data:`werkmap.service.unit.KEY_RETENTION`.
        """
        ...

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Seal an audit entry into its folder's hash chain (one transaction) and return the record."""
        ...

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        """Seal several audit entries (of one folder or many) in **one** transaction; return the records.

        All of them are sealed, or (on any error) none. Each goes into its own folder's chain, in the
        order given, exactly as :meth:`append_audit` would seal it. The service audits a read of many
        folders (a caseload, ``all_folders``) this way: one transaction, not one per folder.

        Raises:
            InvalidInput: an entry is malformed (every problem listed); nothing was sealed.
        """
        ...

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        ...

    def audit_anchor(self, folder_id: str) -> AuditAnchor | None:
        """Return the head of the folder's audit chain as its row (or its tombstone) keeps it.

        Every transaction that seals records into a folder's chain (a save with audit entries,
        :meth:`append_audit`, :meth:`erase`) writes the chain's count and last hash on the folder row
        in the same transaction. ``None`` when the store holds neither a row nor a tombstone of the
        folder (a trail of attempts on a folder that does not exist).
        """
        ...

    def event_rows(self, folder_id: str) -> tuple[EventRow, ...]:
        """Return the folder's event log as stored (one row per save, its JSON text), oldest first.

        The last audit record a save seals covers the row it wrote
        (:attr:`~werkmap.storage.values.AuditRecord.events`); ``werkmap verify`` checks them.
        """
        ...

    def audit_folders(self) -> tuple[str, ...]:
        """Return, sorted, every folder id with a row, an audit trail or a tombstone."""
        ...

    def erase(
        self,
        folder_id: str,
        *,
        expected_version: int,
        entry: AuditEntry,
        policy: str,
        closed_on: dt.date,
        retention_ends_on: dt.date,
    ) -> Tombstone:
        """Erase the folder's personal data in one transaction and leave a tombstone.

        Deletes the folder row (document, index columns, rule state), its events, patches, outbox
        items and command keys; removes the free text of its audit records (keeping their digests, so
        the chain still verifies); seals ``entry`` (the erasure: who, when, why) last into the chain;
        writes the tombstone with the chain's anchor. Either all of it happens or none.

        Raises:
            NotFound: there is no such folder.
            ConcurrencyConflict: the folder is at another version than ``expected_version``.
        """
        ...

    def erasures(self) -> tuple[Tombstone, ...]:
        """Return the tombstones of the erased folders, by folder id."""
        ...

    def personal_data(self, folder_id: str) -> dict[str, int]:
        """Return how many rows of each table still hold the folder's data (all ``0`` once erased)."""
        ...

    def close(self) -> None:
        """Release the store's resources; the store is not used afterwards."""
        ...
