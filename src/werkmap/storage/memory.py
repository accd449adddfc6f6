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
    anchor_of,
    audit_key_option,
    check_audit,
    check_audits,
    check_requests,
    may_mark,
    new_events,
    seal_next,
    seal_save,
    tombstone_for,
)
from werkmap.storage.codec import FolderCodec, default_codec
from werkmap.storage.compact import reading
from werkmap.storage.hookspecs import hookimpl
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.url import scheme_of
from werkmap.storage.values import (
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    DueState,
    EventRow,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
    check_audit_key,
    events_cover,
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
        audit_key: the host's secret audit key: records are sealed with HMAC-SHA256 under it
            (``None``: the public SHA-256).
    """

    def __init__(
        self,
        *,
        codec: FolderCodec | None = None,
        schema_version: int = SCHEMA_VERSION,
        audit_key: bytes | None = None,
    ) -> None:
        self._codec_given = codec
        self._key = check_audit_key(audit_key)
        self._rows_of: dict[str, list[EventRow]] = {}
        self._anchors: dict[str, AuditAnchor] = {}
        self._tombstones: dict[str, Tombstone] = {}
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
        with reading(folder_id, "its document or events"):
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
                rows = self._rows_of.setdefault(folder_id, [])
                written: list[EventRow] = []
                if new:
                    text = "[" + ",".join(t for _, t in new) + "]"
                    written.append(EventRow(new[0][0], new[-1][0], text))
                    rows.extend(written)
                for note in req.notifications:
                    if note.idempotency_key not in self._outbox:
                        self._outbox[note.idempotency_key] = OutboxItem(notification=note)
                for command in req.commands:
                    self._commands[command.key] = command
                chain = self._audit.setdefault(folder_id, [])
                records = seal_save(
                    req.audit, _last(chain), events=events_cover(written), key=self._key
                )
                chain.extend(records)
                self._anchor(folder_id)
                sealed.extend(records)
            return tuple(sealed)

    def events(self, folder_id: str, *, after: int = 0) -> tuple[Any, ...]:
        """Return the folder's events after a sequence number, oldest first."""
        with self._lock:
            log = list(self._events.get(folder_id, ()))
        source = f"events of {folder_id!r}"
        with reading(folder_id, "its events"):
            return tuple(
                self.codec.load_event(text, source=source) for seq, text in log if seq > after
            )

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

    def outbox_size(self) -> int:
        """Return how many notifications the outbox holds (delivered and dead letters included)."""
        with self._lock:
            return len(self._outbox)

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

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        """Seal several entries into their folders' chains, all at once (checked first)."""
        check_audits(entries)
        with self._lock:
            self._writable()
            return tuple(self._seal(entry) for entry in entries)

    def _seal(self, entry: AuditEntry) -> AuditRecord:
        chain = self._audit.setdefault(entry.folder_id, [])
        record = seal_next(entry, _last(chain), key=self._key)
        chain.append(record)
        self._anchor(entry.folder_id)
        return record

    def _anchor(self, folder_id: str) -> None:
        """Write the chain's head on the folder row (or its tombstone); a trail without either has none."""
        head = anchor_of(self._audit.get(folder_id, ()))
        if head is None:
            return
        anchor = AuditAnchor(count=head[0], head=head[1])
        if folder_id in self._folders:
            self._anchors[folder_id] = anchor
        elif folder_id in self._tombstones:
            self._tombstones[folder_id] = attrs.evolve(self._tombstones[folder_id], anchor=anchor)

    # --- integrity and erasure -------------------------------------------------------------------

    def audit_anchor(self, folder_id: str) -> AuditAnchor | None:
        """Return the head of the folder's chain as its row (or tombstone) keeps it, or ``None``."""
        with self._lock:
            if folder_id in self._folders:
                return self._anchors.get(folder_id, AuditAnchor(count=0, head=""))
            tomb = self._tombstones.get(folder_id)
            return tomb.anchor if tomb is not None else None

    def event_rows(self, folder_id: str) -> tuple[EventRow, ...]:
        """Return the folder's event log as stored: one row per save, oldest first."""
        with self._lock:
            return tuple(self._rows_of.get(folder_id, ()))

    def audit_folders(self) -> tuple[str, ...]:
        """Return every folder id with an audit trail, a row or a tombstone, sorted."""
        with self._lock:
            ids = set(self._audit) | set(self._folders) | set(self._tombstones)
        return tuple(sorted(ids))

    def erasures(self) -> tuple[Tombstone, ...]:
        """Return the tombstones of the erased folders, by folder id."""
        with self._lock:
            return tuple(self._tombstones[k] for k in sorted(self._tombstones))

    def personal_data(self, folder_id: str) -> dict[str, int]:
        """Return how many rows of each table still hold data of the folder (all 0 once erased)."""
        with self._lock:
            return {
                "folders": int(folder_id in self._folders),
                "events": len(self._events.get(folder_id, ())),
                "outbox": sum(
                    1 for i in self._outbox.values() if i.notification.folder_id == folder_id
                ),
                "command_keys": sum(1 for c in self._commands.values() if c.folder_id == folder_id),
            }

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
        """Erase a folder's personal data and leave a tombstone (see ``Store.erase``)."""
        check_audit(entry)
        with self._lock:
            self._writable()
            row = self._folders.get(folder_id)
            if row is None:
                raise NotFound(f"no folder {folder_id!r} in the store")
            if row.version != expected_version:
                raise ConcurrencyConflict(folder_id, expected_version, row.version)
            chain = self._audit.setdefault(folder_id, [])
            texts = sum(1 for r in chain if not r.erased)
            chain[:] = [r.erase() for r in chain]
            keys = [k for k, i in self._outbox.items() if i.notification.folder_id == folder_id]
            commands = [k for k, c in self._commands.items() if c.folder_id == folder_id]
            removed = {
                "folders": 1,
                "events": len(self._rows_of.get(folder_id, ())),
                "folder_changes": 0,
                "outbox": len(keys),
                "command_keys": len(commands),
                "audit_texts": texts,
            }
            for key in keys:
                del self._outbox[key]
            for key in commands:
                del self._commands[key]
            del self._folders[folder_id]
            self._anchors.pop(folder_id, None)
            self._events.pop(folder_id, None)
            self._rows_of.pop(folder_id, None)
            chain.append(seal_next(entry, _last(chain), key=self._key))
            tomb = tombstone_for(
                entry,
                chain[-1],
                policy=policy,
                closed_on=closed_on,
                retention_ends_on=retention_ends_on,
                removed=removed,
            )
            self._tombstones[folder_id] = tomb
            return tomb

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        with self._lock:
            return tuple(self._audit.get(folder_id, ()))

    def close(self) -> None:
        """Close the store (a named store stays registered; see :func:`forget_named_stores`)."""
        self._closed = True


def _last(chain: Sequence[AuditRecord]) -> tuple[int, str] | None:
    return (chain[-1].sequence, chain[-1].hash) if chain else None


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
    key = audit_key_option(options)
    if not name:
        return MemoryStore(audit_key=key)
    with _NAMED_LOCK:
        store = _NAMED.get(name)
        if store is None or store._closed:
            store = _NAMED[name] = MemoryStore(audit_key=key)
    store.migrate()
    return store
