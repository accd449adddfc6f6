"""The ``memory://`` storage plugin: a complete store kept in the process, for tests and notebooks.

``memory://`` opens a new, empty store each time. ``memory://name`` opens the store registered under
``name`` in this process (made on first use), so two parts of a program can share one. Documents are kept
as the same JSON text the SQLite store writes, so a folder goes through the serializer here too. Nothing
survives the process.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from werkmap.errors import ConcurrencyConflict, NotFound, SchemaVersionError, StorageError
from werkmap.storage._common import (
    DEFAULT_LEASE,
    SavesThroughMany,
    check_audit,
    check_requests,
    may_mark,
    new_events,
    seal_next,
)
from werkmap.storage.codec import FolderCodec, default_codec
from werkmap.storage.hookspecs import hookimpl
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.url import scheme_of
from werkmap.storage.values import (
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    DueState,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
)

__all__ = [
    "MemoryStore",
    "forget_named_stores",
    "werkmap_open_store",
    "werkmap_storage_schemes",
]


@attrs.frozen(kw_only=True)
class _Row:
    version: int
    jobseeker_ref: str
    index: FolderIndex
    document: str


class MemoryStore(SavesThroughMany):
    """A :class:`~werkmap.storage.protocol.Store` in memory, safe to share between threads.

    Args:
        codec: how folders are written (default: the ``WorkFolder`` codec).
        schema_version: the version to start at (lower than current only to test migrations).
    """

    def __init__(
        self, *, codec: FolderCodec | None = None, schema_version: int = SCHEMA_VERSION
    ) -> None:
        self._codec_given = codec
        self._lock = threading.RLock()
        self._version = schema_version
        self._folders: dict[str, _Row] = {}
        self._events: dict[str, list[tuple[int, str]]] = {}
        self._outbox: dict[str, OutboxItem] = {}
        self._audit: dict[str, list[AuditRecord]] = {}
        self._commands: dict[str, CommandKey] = {}
        self._closed = False

    @property
    def codec(self) -> FolderCodec:
        """The codec the store writes folders with."""
        return self._codec_given or default_codec()

    def __repr__(self) -> str:
        return f"MemoryStore(folders={len(self._folders)})"

    # --- schema ----------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the schema version of the store."""
        return self._version

    def migrate(self) -> int:
        """Bring the store to the current schema version (memory has no layout, so only the number moves)."""
        with self._lock:
            if self._version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"the memory store is at schema version {self._version}, newer than this werkmap "
                    f"knows ({SCHEMA_VERSION})"
                )
            self._version = SCHEMA_VERSION
            return self._version

    def _writable(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")
        if self._version != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the store is at schema version {self._version}; migrate it to {SCHEMA_VERSION} first"
            )

    # --- folders -------------------------------------------------------------------------------------

    def load(self, folder_id: str) -> Any:
        """Return the folder with this id (raises :class:`~werkmap.errors.NotFound`)."""
        with self._lock:
            row = self._folders.get(folder_id)
            events = list(self._events.get(folder_id, ())) if row is not None else []
        if row is None:
            raise NotFound(f"no folder {folder_id!r} in the store")
        array = "[" + ",".join(text for _, text in events) + "]"
        return self.codec.load_parts(row.document, [array], source=f"folder {folder_id!r}")

    def save_many(self, requests: Sequence[SaveRequest]) -> tuple[AuditRecord, ...]:
        """Save several folders at once: all of them or none."""
        codec = self.codec
        check_requests(requests, codec)
        # Everything that can fail happens before the first change. The document is written without the
        # event log, which is kept apart; a save writes only the events the store does not hold yet.
        prepared = [(req, *codec.dump_parts(req.folder)) for req in requests]
        with self._lock:
            self._writable()
            added: list[list[tuple[int, str]]] = []
            for req, _, events in prepared:
                row = self._folders.get(req.folder.folder_id)
                actual = row.version if row is not None else 0
                if actual != req.expected_version:
                    raise ConcurrencyConflict(
                        req.folder.folder_id, req.expected_version, actual if row else None
                    )
                for command in req.commands:
                    if command.key in self._commands:
                        raise ConcurrencyConflict(
                            req.folder.folder_id, req.expected_version, actual if row else None
                        )
                log = self._events.get(req.folder.folder_id, [])
                last = log[-1][0] if log else 0
                added.append(
                    [
                        (codec.sequence(e), codec.dump_event(e))
                        for e in new_events(codec, events, last)
                    ]
                )
            sealed: list[AuditRecord] = []
            for (req, document, _), new in zip(prepared, added, strict=True):
                folder_id = req.folder.folder_id
                self._folders[folder_id] = _Row(
                    version=req.folder.version,
                    jobseeker_ref=req.folder.jobseeker_ref,
                    index=req.index,
                    document=document,
                )
                self._events.setdefault(folder_id, []).extend(new)
                for note in req.notifications:
                    if note.idempotency_key not in self._outbox:
                        self._outbox[note.idempotency_key] = OutboxItem(notification=note)
                for command in req.commands:
                    self._commands[command.key] = command
                for entry in req.audit:
                    sealed.append(self._seal(entry))
            return tuple(sealed)

    def events(self, folder_id: str, *, after: int = 0) -> tuple[Any, ...]:
        """Return the folder's events after a sequence number, oldest first."""
        with self._lock:
            log = list(self._events.get(folder_id, ()))
        source = f"events of {folder_id!r}"
        return tuple(self.codec.load_event(text, source=source) for seq, text in log if seq > after)

    # --- queries -------------------------------------------------------------------------------------

    def _rows(self) -> list[IndexRow]:
        with self._lock:
            items = list(self._folders.items())
        return [
            IndexRow.of(
                folder_id=fid, version=r.version, jobseeker_ref=r.jobseeker_ref, index=r.index
            )
            for fid, r in items
        ]

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        """Return the coach's folders, by next due date (none last), then id."""
        rows = [r for r in self._rows() if r.coach_id == coach_id]
        return tuple(sorted(rows, key=_due_key))

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        """Return the folders with something due on or before a date, by that date, then id."""
        rows = [
            DueFolder(r.folder_id, r.version, r.next_due_on)
            for r in self._rows()
            if r.next_due_on is not None and r.next_due_on <= on_or_before
        ]
        return tuple(sorted(rows, key=lambda d: (d.next_due_on, d.folder_id)))

    def due_states(self, on_or_before: dt.date) -> tuple[DueState, ...]:
        """Return the due folders with the rule state saved with them (see :class:`DueState`)."""
        with self._lock:
            rows = [
                DueState(fid, r.version, r.index.next_due_on, r.index.rule_state)
                for fid, r in self._folders.items()
                if r.index.next_due_on is not None and r.index.next_due_on <= on_or_before
            ]
        return tuple(sorted(rows, key=lambda d: (d.next_due_on, d.folder_id)))

    def index_columns(self) -> IndexColumns:
        """Return every folder's index columns as numpy arrays."""
        return IndexColumns.from_rows(self._rows())

    # --- outbox --------------------------------------------------------------------------------------

    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        """Return the notifications that may be tried at ``now``, oldest first (claims nothing)."""
        with self._lock:
            items = list(self._outbox.values())
        return tuple([i for i in items if i.is_due(now)][:limit])

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        """Claim up to ``limit`` due notifications for ``owner`` until ``now + lease``, oldest first."""
        until = now + (lease if lease is not None else DEFAULT_LEASE)
        claimed: list[OutboxItem] = []
        with self._lock:
            self._writable()
            for key, item in self._outbox.items():
                if len(claimed) >= limit:
                    break
                if item.is_due(now):
                    item = attrs.evolve(item, claimed_by=owner, claimed_until=until)
                    self._outbox[key] = item
                    claimed.append(item)
        return tuple(claimed)

    def enqueue(self, notifications: Sequence[Notification]) -> None:
        """Put notifications that belong to no folder change into the outbox, in one transaction.

        A notification already in the outbox (same idempotency key) is kept as it is. Used for messages
        about the service as a whole, such as a monitoring alert (:meth:`werkmap.Werkmap.enqueue`).
        """
        with self._lock:
            self._writable()
            for note in notifications:
                if note.idempotency_key not in self._outbox:
                    self._outbox[note.idempotency_key] = OutboxItem(notification=note)

    def outbox(self, *, include_delivered: bool = True) -> tuple[OutboxItem, ...]:
        """Return the outbox, oldest first."""
        with self._lock:
            items = list(self._outbox.values())
        return tuple(i for i in items if include_delivered or i.delivered_at is None)

    def dead_letters(self) -> tuple[OutboxItem, ...]:
        """Return the dead-lettered notifications, oldest first."""
        with self._lock:
            return tuple(i for i in self._outbox.values() if i.dead_lettered_at is not None)

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        """Record a delivery (a second mark keeps the first moment) and end the lease."""
        with self._lock:
            item = self._item(idempotency_key)
            first = item.delivered_at is None
            self._outbox[idempotency_key] = attrs.evolve(
                item,
                delivered_at=item.delivered_at or at,
                claimed_by="",
                claimed_until=None,
            )
            return first

    def mark_failed(
        self,
        idempotency_key: str,
        *,
        at: dt.datetime,
        retry_at: dt.datetime,
        error: str,
        owner: str = "",
    ) -> bool:
        """Record a failed attempt and when to retry, and end the lease (unless another holds it)."""
        with self._lock:
            item = self._item(idempotency_key)
            if not may_mark(item, owner):
                return False
            self._outbox[idempotency_key] = attrs.evolve(
                item,
                attempts=item.attempts + 1,
                next_attempt_at=retry_at,
                last_error=error[:500],
                claimed_by="",
                claimed_until=None,
            )
            return True

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        """Dead-letter a notification after its last failed attempt."""
        with self._lock:
            item = self._item(idempotency_key)
            if not may_mark(item, owner):
                return False
            self._outbox[idempotency_key] = attrs.evolve(
                item,
                attempts=item.attempts + 1,
                next_attempt_at=None,
                last_error=error[:500],
                claimed_by="",
                claimed_until=None,
                dead_lettered_at=at,
            )
            return True

    def _item(self, key: str) -> OutboxItem:
        self._writable()
        item = self._outbox.get(key)
        if item is None:
            raise NotFound(f"no notification with idempotency key {key!r} in the outbox")
        return item

    # --- command keys --------------------------------------------------------------------------------

    def command_result(self, key: str) -> CommandKey | None:
        """Return the stored idempotency key of a command, or ``None``."""
        with self._lock:
            return self._commands.get(key)

    def forget_command_keys(self, *, before: dt.datetime) -> int:
        """Delete the command keys stored before a moment; return how many."""
        with self._lock:
            self._writable()
            old = [k for k, c in self._commands.items() if (c.stored_at or before) < before]
            for key in old:
                del self._commands[key]
            return len(old)

    # --- audit ---------------------------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Seal an entry into its folder's chain."""
        check_audit(entry)
        with self._lock:
            self._writable()
            return self._seal(entry)

    def _seal(self, entry: AuditEntry) -> AuditRecord:
        chain = self._audit.setdefault(entry.folder_id, [])
        record = seal_next(entry, (chain[-1].sequence, chain[-1].hash) if chain else None)
        chain.append(record)
        return record

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        with self._lock:
            return tuple(self._audit.get(folder_id, ()))

    def close(self) -> None:
        """Close the store (a named store stays registered; see :func:`forget_named_stores`)."""
        self._closed = True


def _due_key(row: IndexRow) -> tuple[bool, dt.date, str]:
    due = row.next_due_on
    return (due is None, due or dt.date.min, row.folder_id)


_NAMED: dict[str, MemoryStore] = {}
_NAMED_LOCK = threading.Lock()


def forget_named_stores() -> None:
    """Drop every named ``memory://name`` store of this process."""
    with _NAMED_LOCK:
        _NAMED.clear()


@hookimpl
def werkmap_storage_schemes() -> list[str]:
    """Serve ``memory://``."""
    return ["memory"]


@hookimpl
def werkmap_open_store(url: str, options: Mapping[str, str]) -> MemoryStore | None:
    """Open ``memory://`` (a new store) or ``memory://name`` (the named store of this process)."""
    if scheme_of(url) != "memory":
        return None
    name = url.partition("://")[2].partition("?")[0].strip("/")
    if not name:
        return MemoryStore()
    with _NAMED_LOCK:
        store = _NAMED.get(name)
        if store is None or store._closed:
            store = _NAMED[name] = MemoryStore()
    store.migrate()
    return store
