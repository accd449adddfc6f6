"""A complete, small werkmap storage plugin: folders kept in plain dicts, served at ``dict://name``.

This is the plugin the guide "Write a storage plugin" walks through. It passes werkmap's conformance kit
(``tests/storage/test_example_plugin.py`` runs the kit against it). A real plugin does the same against its
own database: one transaction per write, a version check under the lock, the outbox and the audit chain
written with the change.

To make it installable, list it in your package's ``pyproject.toml``::

    [project.entry-points.werkmap]
    dict = "storage_plugin_dict"

Run: python examples/storage_plugin_dict.py
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from werkmap import serialization
from werkmap.errors import ConcurrencyConflict, NotFound, SchemaVersionError
from werkmap.storage import (
    SCHEMA_VERSION,
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    EventRow,
    FolderCodec,
    FolderIndex,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
    check_audit,
    check_requests,
    default_codec,
    events_cover,
    hookimpl,
)

SCHEME = "dict"


class DictStore:
    """A werkmap store in dicts. Every write builds the new state aside and swaps it in under a lock."""

    def __init__(self, *, codec: FolderCodec | None = None) -> None:
        self._codec = codec
        self._lock = threading.Lock()
        self.version = SCHEMA_VERSION
        # folder_id -> {version, ref, index, document, anchor}
        self.folders: dict[str, dict[str, Any]] = {}
        self.event_log: dict[str, list[EventRow]] = {}  # folder_id -> the events of each save
        self.tombstones: dict[str, Tombstone] = {}  # erased folders
        self.outbox_items: dict[str, OutboxItem] = {}  # idempotency key -> item (insertion order)
        self.audit: dict[str, list[AuditRecord]] = {}
        self.commands: dict[str, CommandKey] = {}  # idempotency key of a command -> its result

    @property
    def codec(self) -> FolderCodec:
        return self._codec or default_codec()

    # -- schema -------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.version

    def migrate(self) -> int:
        if self.version > SCHEMA_VERSION:
            raise SchemaVersionError(f"dict store at version {self.version} is too new")
        self.version = SCHEMA_VERSION  # dicts have no layout to change
        return self.version

    # -- folders ------------------------------------------------------------------------------------
    def load(self, folder_id: str) -> Any:
        row = self.folders.get(folder_id)
        if row is None:
            raise NotFound(f"no folder {folder_id!r}")
        return self.codec.loads(row["document"], source=folder_id)

    def save(
        self,
        folder: Any,
        *,
        expected_version: int,
        index: FolderIndex,
        notifications: Sequence[Notification] = (),
        audit: Sequence[AuditEntry] = (),
    ) -> tuple[AuditRecord, ...]:
        request = SaveRequest(
            folder=folder,
            expected_version=expected_version,
            index=index,
            notifications=tuple(notifications),
            audit=tuple(audit),
        )
        return self.save_many([request])

    def save_many(self, requests: Sequence[SaveRequest]) -> tuple[AuditRecord, ...]:
        check_requests(requests, self.codec)  # one InvalidInput listing every problem
        with self._lock:
            # 1. check every version first: a conflict changes nothing
            for req in requests:
                row = self.folders.get(req.folder.folder_id)
                actual = row["version"] if row else 0
                if actual != req.expected_version:
                    raise ConcurrencyConflict(
                        req.folder.folder_id, req.expected_version, row["version"] if row else None
                    )
                if any(k.key in self.commands for k in req.commands):  # a retry raced this one
                    raise ConcurrencyConflict(req.folder.folder_id, req.expected_version, actual)
            # 2. build the new state aside ("the transaction"), then swap it in
            folders, events = dict(self.folders), copy.deepcopy(self.event_log)
            outbox, trail = dict(self.outbox_items), copy.deepcopy(self.audit)
            sealed = []
            for req in requests:
                f = req.folder
                log = events.setdefault(f.folder_id, [])
                last = log[-1].last_sequence if log else 0
                seq = self.codec.sequence
                new = [e for e in self.codec.events(f) if seq(e) > last]
                written = []
                if new:  # the events of one save are one row of the log
                    text = "[" + ",".join(self.codec.dump_event(e) for e in new) + "]"
                    written.append(EventRow(seq(new[0]), seq(new[-1]), text))
                    log.extend(written)
                for note in req.notifications:
                    outbox.setdefault(note.idempotency_key, OutboxItem(notification=note))
                for i, entry in enumerate(req.audit):  # the last record covers the save's events
                    last_one = i == len(req.audit) - 1
                    sealed.append(_seal(trail, entry, events_cover(written) if last_one else ""))
                old = self.folders.get(f.folder_id)
                folders[f.folder_id] = {
                    "version": f.version,
                    "ref": f.jobseeker_ref,
                    "index": req.index,
                    "document": self.codec.dumps(f),
                    "anchor": _anchor(trail, f.folder_id, old),
                }
            for req in requests:
                self.commands.update((k.key, k) for k in req.commands)
            self.folders, self.event_log, self.outbox_items, self.audit = (
                folders,
                events,
                outbox,
                trail,
            )
            return tuple(sealed)

    def events(self, folder_id: str, *, after: int = 0) -> tuple[Any, ...]:
        events = self.codec.decode_events
        out = [e for row in self.event_log.get(folder_id, ()) for e in events(row.text)]
        return tuple(e for e in out if self.codec.sequence(e) > after)

    # -- queries ------------------------------------------------------------------------------------
    def _rows(self) -> list[IndexRow]:
        return [
            IndexRow.of(
                folder_id=fid, version=r["version"], jobseeker_ref=r["ref"], index=r["index"]
            )
            for fid, r in self.folders.items()
        ]

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        rows = [r for r in self._rows() if r.coach_id == coach_id]
        return tuple(sorted(rows, key=_by_due))

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        rows = [r for r in self._rows() if r.next_due_on and r.next_due_on <= on_or_before]
        return tuple(
            DueFolder(r.folder_id, r.version, r.next_due_on) for r in sorted(rows, key=_by_due)
        )

    def index_columns(self) -> IndexColumns:
        return IndexColumns.from_rows(self._rows())

    # -- outbox -------------------------------------------------------------------------------------
    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        return tuple([i for i in self.outbox_items.values() if i.is_due(now)][:limit])

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        until = now + (lease or dt.timedelta(seconds=300))
        with self._lock:  # one claimer at a time: the lease is written before anyone else looks
            claimed = []
            for key, item in self.outbox_items.items():
                if len(claimed) < limit and item.is_due(now):
                    item = attrs.evolve(item, claimed_by=owner, claimed_until=until)
                    self.outbox_items[key] = item
                    claimed.append(item)
            return tuple(claimed)

    def outbox(self, *, include_delivered: bool = True) -> tuple[OutboxItem, ...]:
        items = self.outbox_items.values()
        return tuple(i for i in items if include_delivered or i.delivered_at is None)

    def dead_letters(self) -> tuple[OutboxItem, ...]:
        return tuple(i for i in self.outbox_items.values() if i.dead_lettered_at is not None)

    def _item(self, key: str) -> OutboxItem:
        item = self.outbox_items.get(key)
        if item is None:
            raise NotFound(f"no notification with idempotency key {key!r}")
        return item

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        with self._lock:
            item = self._item(idempotency_key)
            self.outbox_items[idempotency_key] = attrs.evolve(
                item, delivered_at=item.delivered_at or at, claimed_by="", claimed_until=None
            )
            return item.delivered_at is None

    def mark_failed(
        self,
        idempotency_key: str,
        *,
        at: dt.datetime,
        retry_at: dt.datetime,
        error: str,
        owner: str = "",
    ) -> bool:
        return self._mark(idempotency_key, owner, error, next_attempt_at=retry_at)

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        return self._mark(idempotency_key, owner, error, next_attempt_at=None, dead_lettered_at=at)

    def _mark(self, key: str, owner: str, error: str, **changes: Any) -> bool:
        with self._lock:
            item = self._item(key)
            if item.delivered_at is not None or item.dead_lettered_at is not None:
                return False  # done already: nothing to record
            if owner and item.claimed_by not in ("", owner):
                return False  # another dispatcher claimed it since: leave its lease alone
            self.outbox_items[key] = attrs.evolve(
                item,
                attempts=item.attempts + 1,
                last_error=error[:500],
                claimed_by="",
                claimed_until=None,
                **changes,
            )
            return True

    # -- command keys -------------------------------------------------------------------------------
    def command_result(self, key: str) -> CommandKey | None:
        return self.commands.get(key)

    def forget_command_keys(self, *, before: dt.datetime) -> int:
        with self._lock:
            old = [k for k, c in self.commands.items() if (c.stored_at or before) < before]
            for key in old:
                del self.commands[key]
            return len(old)

    # -- audit --------------------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        check_audit(entry)
        with self._lock:
            record = _seal(self.audit, entry)
            self._move_anchor(entry.folder_id)
            return record

    def _move_anchor(self, folder_id: str) -> None:
        """The chain's head goes on the folder row (or its tombstone), with the record."""
        anchor = _anchor(self.audit, folder_id, None)
        if folder_id in self.folders:
            self.folders[folder_id] = {**self.folders[folder_id], "anchor": anchor}
        elif folder_id in self.tombstones:
            self.tombstones[folder_id] = attrs.evolve(self.tombstones[folder_id], anchor=anchor)

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        for entry in entries:
            check_audit(entry)  # every entry is checked before the first is sealed
        with self._lock:
            return tuple(_seal(self.audit, entry) for entry in entries)

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        return tuple(self.audit.get(folder_id, ()))

    # -- integrity and erasure ------------------------------------------------------------------------
    def audit_anchor(self, folder_id: str) -> AuditAnchor | None:
        if folder_id in self.folders:
            anchor: AuditAnchor = self.folders[folder_id]["anchor"]
            return anchor
        tomb = self.tombstones.get(folder_id)
        return tomb.anchor if tomb else None

    def event_rows(self, folder_id: str) -> tuple[EventRow, ...]:
        return tuple(self.event_log.get(folder_id, ()))

    def audit_folders(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.folders) | set(self.audit) | set(self.tombstones)))

    def erasures(self) -> tuple[Tombstone, ...]:
        return tuple(self.tombstones[k] for k in sorted(self.tombstones))

    def personal_data(self, folder_id: str) -> dict[str, int]:
        return {
            "folders": int(folder_id in self.folders),
            "events": len(self.event_log.get(folder_id, ())),
            "outbox": sum(
                i.notification.folder_id == folder_id for i in self.outbox_items.values()
            ),
            "command_keys": sum(c.folder_id == folder_id for c in self.commands.values()),
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
        check_audit(entry)
        with self._lock:
            row = self.folders.get(folder_id)
            if row is None:
                raise NotFound(f"no folder {folder_id!r}")
            if row["version"] != expected_version:
                raise ConcurrencyConflict(folder_id, expected_version, row["version"])
            chain = self.audit.get(folder_id, [])
            removed = {
                "folders": 1,
                "events": len(self.event_log.pop(folder_id, [])),
                "audit_texts": sum(1 for r in chain if not r.erased),
            }
            chain[:] = [r.erase() for r in chain]  # the text goes, the digests (and seals) stay
            for table, items in (("outbox", self.outbox_items), ("command_keys", self.commands)):
                mine = [k for k, v in items.items() if _folder_of(v) == folder_id]
                for key in mine:
                    del items[key]
                removed[table] = len(mine)
            del self.folders[folder_id]
            self.tombstones[folder_id] = Tombstone(
                folder_id=folder_id,
                erased_at=entry.at,
                actor=entry.actor,
                why=entry.why,
                policy=policy,
                closed_on=closed_on,
                retention_ends_on=retention_ends_on,
                removed=removed,
            )
            _seal(self.audit, entry)
            self._move_anchor(folder_id)
            return self.tombstones[folder_id]

    def close(self) -> None:
        pass


def _seal(trail: dict[str, list[AuditRecord]], entry: AuditEntry, events: str = "") -> AuditRecord:
    chain = trail.setdefault(entry.folder_id, [])
    last = chain[-1] if chain else None
    record = AuditRecord.seal_entry(
        entry,
        sequence=last.sequence + 1 if last else 1,
        previous_hash=last.hash if last else "",
        events=events,
    )
    chain.append(record)
    return record


def _anchor(
    trail: dict[str, list[AuditRecord]], folder_id: str, old: dict[str, Any] | None
) -> AuditAnchor:
    chain = trail.get(folder_id, [])
    if not chain:
        return old["anchor"] if old else AuditAnchor(count=0, head="")
    return AuditAnchor(count=chain[-1].sequence, head=chain[-1].hash)


def _folder_of(value: OutboxItem | CommandKey) -> str:
    return value.notification.folder_id if isinstance(value, OutboxItem) else value.folder_id


def _by_due(row: IndexRow) -> tuple[bool, dt.date, str]:
    return (row.next_due_on is None, row.next_due_on or dt.date.min, row.folder_id)


# -- the plugin: two hook implementations ------------------------------------------------------------
_STORES: dict[str, DictStore] = {}


@hookimpl
def werkmap_storage_schemes() -> list[str]:
    return [SCHEME]


@hookimpl
def werkmap_open_store(url: str, options: Mapping[str, str]) -> DictStore | None:
    if not url.startswith(f"{SCHEME}://"):
        return None  # not ours: let the next plugin answer
    name = url.removeprefix(f"{SCHEME}://").partition("?")[0]
    store = _STORES.setdefault(name, DictStore()) if name else DictStore()
    store.migrate()
    return store


if __name__ == "__main__":
    from werkmap.storage import load_plugins, verify_audit

    plugins = load_plugins(extra={"dict-example": sys.modules[__name__]})
    print("schemes served:", ", ".join(plugins.schemes()))
    store = plugins.open_store("dict://demo")
    print("opened", type(store).__name__, "at schema version", store.schema_version())
    moment = dt.datetime(2024, 3, 4, 9, 30, tzinfo=dt.UTC)
    for action in ("read.profile", "decide.routing"):
        plugins.audit(
            store,
            AuditEntry(folder_id="f-1", actor="coach-7", action=action, what="profile", at=moment),
        )
    trail = store.audit_records("f-1")
    print(f"audit trail of f-1: {len(trail)} records, chain intact: {verify_audit(trail).ok}")
    print(
        "notification envelope schema:",
        serialization.dump(
            Notification.create(
                kind="reminder",
                folder_id="f-1",
                recipient="ref-1",
                channel="werk.nl",
                cause="demo",
                text_nl="Herinnering",
                text_en="Reminder",
                created_on=moment.date(),
            )
        )["schema"],
    )
