"""Checks and helpers shared by the built-in stores (private)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Protocol

import attrs
import numpy as np

from werkmap.errors import FolderUnreadable, InvalidInput, Problem, StorageError
from werkmap.storage.codec import FolderCodec
from werkmap.storage.compact import reading, text_of
from werkmap.storage.values import (
    BANDS,
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    FolderIndex,
    IndexColumns,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
    check_audit_key,
    looks_like_bsn,
)

__all__: list[str] = []

DEFAULT_LEASE = dt.timedelta(seconds=300)
"""How long a claim on outbox items holds when the dispatcher names no lease."""

#: The SQL condition under which a failure or a dead letter may be recorded for an item (the
#: parameters: the owner, twice): alive, undelivered, and not claimed by another dispatcher since.
MAY_MARK_SQL = (
    "delivered_at IS NULL AND dead_lettered_at IS NULL "
    "AND ({p} = '' OR claimed_by IS NULL OR claimed_by = '' OR claimed_by = {p})"
)


def may_mark(item: OutboxItem, owner: str) -> bool:
    """Whether a failure may be recorded for an item: alive, undelivered, not claimed by another since.

    ``owner`` is the dispatcher recording it (empty: whoever).
    """
    if item.delivered_at is not None or item.dead_lettered_at is not None:
        return False
    return not owner or item.claimed_by in ("", owner)


def as_requests(
    folder: Any,
    expected_version: int,
    index: FolderIndex,
    notifications: Sequence[Any],
    audit: Sequence[AuditEntry],
) -> list[SaveRequest]:
    """Wrap the arguments of ``Store.save`` into one request."""
    return [
        SaveRequest(
            folder=folder,
            expected_version=expected_version,
            index=index,
            notifications=tuple(notifications),
            audit=tuple(audit),
        )
    ]


class SavesThroughMany:
    """Mixin for the built-in stores: :meth:`save` is a batch of one for the store's ``save_many``."""

    def save(
        self,
        folder: Any,
        *,
        expected_version: int,
        index: FolderIndex,
        notifications: Sequence[Notification] = (),
        audit: Sequence[AuditEntry] = (),
    ) -> tuple[AuditRecord, ...]:
        """Save one folder; see :meth:`werkmap.storage.protocol.Store.save`."""
        return self.save_many(as_requests(folder, expected_version, index, notifications, audit))

    def save_many(self, requests: Sequence[SaveRequest]) -> tuple[AuditRecord, ...]:
        """Save several folders at once: all of them or none (each store defines it)."""
        raise NotImplementedError


class _Connected(Protocol):
    _lock: Any
    _conn: Any
    _driver_errors: ClassVar[tuple[type[Exception], ...]]

    def _error(self, exc: Any) -> StorageError: ...


class LockedQueries:
    """Mixin for the SQL stores: one query on the store's connection, under its lock.

    The store has ``_lock``, ``_conn`` (with ``execute``), ``_driver_errors`` (the driver's error classes)
    and ``_error`` (which turns a driver error into :class:`~werkmap.errors.StorageError`).
    """

    def _one(self: _Connected, query: str, params: Sequence[Any]) -> Any:
        with self._lock:
            try:
                return self._conn.execute(query, params).fetchone()
            except self._driver_errors as exc:
                raise self._error(exc) from None

    def _all(self: _Connected, query: str, params: Sequence[Any]) -> list[Any]:
        with self._lock:
            try:
                rows: list[Any] = self._conn.execute(query, params).fetchall()
                return rows
            except self._driver_errors as exc:
                raise self._error(exc) from None


def new_events(codec: FolderCodec, events: Sequence[Any], last: int) -> Sequence[Any]:
    """Return the events a store does not hold yet: the trailing ones with a sequence above ``last``."""
    start = len(events)
    while start > 0 and codec.sequence(events[start - 1]) > last:
        start -= 1
    return events[start:]


def event_row(
    codec: FolderCodec, folder_id: str, events: Sequence[Any], last: int
) -> tuple[str, int, int, str] | None:
    """Return the event-log row of one save (folder id, first and last sequence, the new events).

    The new events of one save are one row: a commit of the folder's event log. ``None`` when the save
    adds no event.
    """
    added = new_events(codec, events, last)
    if not added:
        return None
    return (
        folder_id,
        codec.sequence(added[0]),
        codec.sequence(added[-1]),
        codec.encode_event_values(added),
    )


def events_after(
    codec: FolderCodec, texts: Sequence[Any], folder_id: str, after: int
) -> tuple[Any, ...]:
    """Decode event-log rows (one-column rows of event arrays) and keep the events after ``after``.

    Raises:
        FolderUnreadable: a row is damaged (never a raw JSON, zlib or converter error).
    """
    source = f"events of {folder_id!r}"
    with reading(folder_id, "its events"):
        events = [e for (text,) in texts for e in codec.decode_events(text_of(text), source=source)]
    return tuple(e for e in events if codec.sequence(e) > after)


def seal_next(
    entry: AuditEntry,
    last: tuple[int, str] | None,
    *,
    events: str = "",
    key: bytes | None = None,
) -> AuditRecord:
    """Seal an entry after the last record of its chain (its sequence and hash; ``None``: the first).

    ``events`` is what the record covers of the events its save wrote (:func:`~werkmap.storage.values.
    events_cover`); ``key`` the host's audit key (``None``: the public hash).
    """
    return AuditRecord.seal_entry(
        entry,
        sequence=last[0] + 1 if last else 1,
        previous_hash=last[1] if last else "",
        events=events,
        key=key,
    )


def seal_save(
    entries: Sequence[AuditEntry],
    last: tuple[int, str] | None,
    *,
    events: str,
    key: bytes | None,
) -> list[AuditRecord]:
    """Seal the audit entries of one save in order; the last of them covers the save's events."""
    out: list[AuditRecord] = []
    n = len(entries)
    for i, entry in enumerate(entries):
        record = seal_next(entry, last, events=events if i == n - 1 else "", key=key)
        out.append(record)
        last = (record.sequence, record.hash)
    return out


def anchor_of(records: Sequence[AuditRecord]) -> tuple[int, str] | None:
    """The (count, head) a store writes on the folder row after sealing ``records`` (``None``: none)."""
    if not records:
        return None
    return records[-1].sequence, records[-1].hash


def _same(value: Any) -> Any:
    return value


def audit_row(record: AuditRecord, text: Callable[[Any], Any] = _same) -> tuple[Any, ...]:
    """Return the twelve audit columns of a record; ``text`` writes the free-text columns."""
    return (
        record.folder_id,
        record.sequence,
        text(record.actor),
        text(record.action),
        text(record.what),
        record.at.isoformat(),
        text(record.why),
        record.previous_hash,
        record.hash,
        record.events,
        record.seal_version,
        record.erased,
    )


def audit_records_of(
    rows: Sequence[Sequence[Any]], untext: Callable[[Any], Any] = _same
) -> tuple[AuditRecord, ...]:
    """Read the rows :func:`audit_row` wrote (nine columns: a record sealed before schema 5)."""
    out = []
    for row in rows:
        fid, seq, actor, action, what, at, why, prev, digest, *rest = row
        events, seal, erased = rest if rest else ("", 1, "")
        out.append(
            AuditRecord(
                folder_id=fid,
                sequence=seq,
                actor=untext(actor),
                action=untext(action),
                what=untext(what),
                at=dt.datetime.fromisoformat(at),
                why=untext(why),
                previous_hash=prev,
                hash=digest,
                events=events,
                seal_version=int(seal),
                erased=erased,
            )
        )
    return tuple(out)


def check_requests(requests: Sequence[SaveRequest], codec: FolderCodec) -> None:
    """Check a batch of saves as the built-in stores do, before anything is written.

    Store plugins call it first in ``save_many``: ids present and unique in the batch, versions above the
    expected version, a pseudonymised ``jobseeker_ref`` (never a BSN in clear), event sequence numbers in
    order, valid index columns, notifications and audit entries belonging to the folder.

    Raises:
        InvalidInput: one error listing every problem with its path (never the BSN itself).
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, req in enumerate(requests):
        at = f"$[{i}]" if len(requests) > 1 else "$"
        folder = req.folder
        folder_id = getattr(folder, "folder_id", None)
        if not isinstance(folder_id, str) or not folder_id:
            problems.append(
                Problem(path=f"{at}.folder.folder_id", message="expected a non-empty id")
            )
            continue
        if folder_id in seen:
            problems.append(
                Problem(path=f"{at}.folder.folder_id", message="the same folder twice in one batch")
            )
        seen.add(folder_id)
        version = getattr(folder, "version", None)
        if not isinstance(req.expected_version, int) or req.expected_version < 0:
            problems.append(
                Problem(path=f"{at}.expected_version", message="expected an integer >= 0")
            )
        elif not isinstance(version, int) or version <= req.expected_version:
            problems.append(
                Problem(
                    path=f"{at}.folder.version",
                    message=f"expected a version above {req.expected_version}, got {version!r}",
                )
            )
        ref = getattr(folder, "jobseeker_ref", "")
        if not isinstance(ref, str) or not ref:
            problems.append(
                Problem(
                    path=f"{at}.folder.jobseeker_ref", message="expected a pseudonymised reference"
                )
            )
        elif looks_like_bsn(ref):
            problems.append(
                Problem(
                    path=f"{at}.folder.jobseeker_ref",
                    message="is a BSN in clear; store a pseudonymised reference instead",
                )
            )
        previous = 0
        for j, event in enumerate(codec.events(folder)):
            seq = codec.sequence(event)
            if seq <= previous:
                problems.append(
                    Problem(
                        path=f"{at}.folder.events[{j}]",
                        message=f"sequence {seq} does not follow {previous}",
                    )
                )
            previous = seq
        problems.extend(_index_problems(req.index, f"{at}.index"))
        for j, note in enumerate(req.notifications):
            if note.folder_id != folder_id:
                problems.append(
                    Problem(
                        path=f"{at}.notifications[{j}].folder_id",
                        message="does not match the folder being saved",
                    )
                )
            if looks_like_bsn(note.recipient):
                problems.append(
                    Problem(
                        path=f"{at}.notifications[{j}].recipient",
                        message="is a BSN in clear; address a pseudonymised reference instead",
                    )
                )
            if not note.idempotency_key:
                problems.append(
                    Problem(path=f"{at}.notifications[{j}].idempotency_key", message="is empty")
                )
        for j, entry in enumerate(req.audit):
            problems.extend(_audit_problems(entry, f"{at}.audit[{j}]", folder_id))
    if problems:
        raise InvalidInput(problems, source="save")


def _index_problems(index: FolderIndex, at: str) -> list[Problem]:
    problems = []
    if index.band is not None and index.band not in BANDS:
        problems.append(
            Problem(path=f"{at}.band", message=f"expected one of {', '.join(BANDS)} or None")
        )
    for name in ("open_activities", "overdue_activities"):
        value = getattr(index, name)
        if not isinstance(value, int) or value < 0:
            problems.append(Problem(path=f"{at}.{name}", message="expected an integer >= 0"))
    for name in ("next_due_on", "next_conversation_on"):
        value = getattr(index, name)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            problems.append(Problem(path=f"{at}.{name}", message="expected a date or None"))
    return problems


def _audit_problems(entry: AuditEntry, at: str, folder_id: str | None) -> list[Problem]:
    problems = []
    if folder_id is not None and entry.folder_id != folder_id:
        problems.append(
            Problem(path=f"{at}.folder_id", message="does not match the folder being saved")
        )
    if entry.at.tzinfo is None:
        problems.append(Problem(path=f"{at}.at", message="expected an aware datetime"))
    if not entry.actor or not entry.action:
        problems.append(Problem(path=at, message="actor and action are required"))
    if looks_like_bsn(entry.actor):
        problems.append(Problem(path=f"{at}.actor", message="is a BSN in clear"))
    return problems


def check_audits(entries: Sequence[AuditEntry]) -> None:
    """Check a batch of audit entries as :func:`check_audit` checks one (every problem, with its index).

    Raises:
        InvalidInput: one error listing every problem of every entry.
    """
    problems: list[Problem] = []
    for i, entry in enumerate(entries):
        at = f"$[{i}]"
        problems.extend(_audit_problems(entry, at, None))
        if not entry.folder_id:
            problems.append(Problem(path=f"{at}.folder_id", message="expected a non-empty id"))
    if problems:
        raise InvalidInput(problems, source="audit")


def check_audit(entry: AuditEntry) -> None:
    """Check an audit entry as the built-in stores do (a folder id, an actor and action, an aware time).

    Raises:
        InvalidInput: one error listing every problem with its path.
    """
    problems = _audit_problems(entry, "$", None)
    if not entry.folder_id:
        problems.append(Problem(path="$.folder_id", message="expected a non-empty id"))
    if problems:
        raise InvalidInput(problems, source="audit")


def moment_text(moment: dt.datetime) -> str:
    """Write an aware datetime as sortable UTC text."""
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def moment_of(text: str | None) -> dt.datetime | None:
    """Read what :func:`moment_text` wrote."""
    return dt.datetime.fromisoformat(text) if text else None


def flag(text: str) -> bool:
    """Read a true/false URL option (``true``, ``1``, ``yes``, ``on`` are true)."""
    return text.strip().lower() in {"true", "1", "yes", "on"}


def _is_day(value: Any) -> bool:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return True
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def index_row_damaged(row: Sequence[Any]) -> bool:
    """Whether a row of the ten index columns (in the order of ``IndexRow``) is damaged.

    Damaged: a version that is not a positive integer, a reference, coach or status that is not text, a
    band that is not one of :data:`~werkmap.storage.values.BANDS`, a date that is not an ISO date, a
    count that is not an integer >= 0. A SQLite column holds any type, so a hand-edited row can be any
    of these.
    """
    fid, version, ref, coach, status, band, due, talk, open_, overdue = row
    return not (
        isinstance(fid, str)
        and type(version) is int
        and version >= 1
        and isinstance(ref, str)
        and (coach is None or isinstance(coach, str))
        and isinstance(status, str)
        and (band is None or band in BANDS)
        and _is_day(due)
        and _is_day(talk)
        and _is_count(open_)
        and _is_count(overdue)
    )


def check_index_rows(rows: Sequence[Sequence[Any]]) -> None:
    """Raise for the first damaged row of index columns (see :func:`index_row_damaged`).

    Raises:
        FolderUnreadable: naming that row's folder, never the values.
    """
    for row in rows:
        if index_row_damaged(row):
            raise FolderUnreadable(str(row[0]), "its index columns are damaged")


def index_columns_of(rows: Sequence[Sequence[Any]]) -> IndexColumns:
    """Build :class:`IndexColumns` from rows of the ten index columns, in the order of ``IndexRow``.

    The date columns may hold ISO texts or dates; ``None`` is ``NaT``. A damaged row (see
    :func:`index_row_damaged`) is left out and named in :attr:`IndexColumns.unreadable`: the columns are
    built and checked as arrays first, and only when that finds a problem is each row checked.
    """
    try:
        columns = _columns(rows)
    except (ValueError, TypeError, OverflowError):
        columns = None
    if columns is not None and _sound(columns, rows):
        return columns
    unreadable: list[tuple[str, str | None]] = []
    good = []
    for row in rows:
        if index_row_damaged(row):
            coach = row[3] if isinstance(row[3], str) else None
            unreadable.append((str(row[0]), coach))
        else:
            good.append(row)
    return attrs.evolve(_columns(good), unreadable=tuple(unreadable))


def _columns(rows: Sequence[Sequence[Any]]) -> IndexColumns:
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * 10

    def obj(values: Sequence[Any]) -> Any:
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out

    def dates(values: Sequence[Any]) -> Any:
        return np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")

    return IndexColumns(
        folder_id=obj(cols[0]),
        version=np.array(cols[1], dtype=np.int64),
        coach_id=obj(cols[3]),
        status=obj(cols[4]),
        band=obj(cols[5]),
        next_due_on=dates(cols[6]),
        next_conversation_on=dates(cols[7]),
        open_activities=np.array(cols[8], dtype=np.int64),
        overdue_activities=np.array(cols[9], dtype=np.int64),
    )


_BANDS_OR_NONE = frozenset((*BANDS, None))


def _sound(columns: IndexColumns, rows: Sequence[Sequence[Any]]) -> bool:
    """Whether columns built from ``rows`` hold no damaged value (the checks of ``index_row_damaged``)."""
    if not len(columns):
        return True
    if (
        columns.version.min() < 1
        or columns.open_activities.min() < 0
        or columns.overdue_activities.min() < 0
    ):
        return False
    if not set(columns.band.tolist()) <= _BANDS_OR_NONE:
        return False
    # what the arrays do not check: the types SQLite keeps per value, and dates numpy reads loosely
    for row in rows:
        fid, version, ref, coach, status, _, due, talk, open_, overdue = row
        if (
            type(version) is not int
            or type(open_) is not int
            or type(overdue) is not int
            or type(fid) is not str
            or type(ref) is not str
            or type(status) is not str
            or (coach is not None and type(coach) is not str)
            or (type(due) is str and len(due) != 10)
            or (type(talk) is str and len(talk) != 10)
        ):
            return False
    return True


def audit_key_option(options: Mapping[str, Any]) -> bytes | None:
    """The host's audit key from a store's open options (``audit_key``: text or bytes), checked.

    Hosts pass it with ``Plugins.open_store(url, {"audit_key": ...})``; a URL never carries it.
    """
    value = options.get("audit_key")
    if value is None or value == "":
        return None
    key = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return check_audit_key(key)


def tombstone_text(tomb: Tombstone) -> str:
    """Write a tombstone (without its anchor, kept in columns of its own) as JSON text."""
    return json.dumps(
        {
            "folder_id": tomb.folder_id,
            "erased_at": tomb.erased_at.isoformat(),
            "actor": tomb.actor,
            "why": tomb.why,
            "policy": tomb.policy,
            "closed_on": tomb.closed_on.isoformat(),
            "retention_ends_on": tomb.retention_ends_on.isoformat(),
            "removed": dict(tomb.removed),
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def tombstone_of(text: str, count: int, head: str) -> Tombstone:
    """Read what :func:`tombstone_text` wrote, with the anchor's columns."""
    data = json.loads(text)
    return Tombstone(
        folder_id=data["folder_id"],
        erased_at=dt.datetime.fromisoformat(data["erased_at"]),
        actor=data["actor"],
        why=data["why"],
        policy=data["policy"],
        closed_on=dt.date.fromisoformat(data["closed_on"]),
        retention_ends_on=dt.date.fromisoformat(data["retention_ends_on"]),
        removed=data["removed"],
        anchor=AuditAnchor(count=count, head=head),
    )


ANCHOR_ACTOR = "system:werkmap"
"""Who the storage migration to schema 5 names in the anchoring record it adds to every chain."""


def anchoring_entry(
    folder_id: str, records: int, rows: Sequence[Any], at: dt.datetime
) -> AuditEntry:
    """The audit entry the migration to schema 5 seals at the end of a folder's chain.

    It covers every event row the folder had (so an event changed later is found) and closes the chain
    of records sealed the old way (seal 1).
    """
    span = f"events {rows[0].first_sequence}-{rows[-1].last_sequence}" if rows else "no events"
    return AuditEntry(
        folder_id=folder_id,
        actor=ANCHOR_ACTOR,
        action="storage.anchor",
        what=f"storage schema 5: {records} earlier records and {span} anchored",
        at=at,
    )


def tombstone_for(
    entry: AuditEntry,
    record: AuditRecord,
    *,
    policy: str,
    closed_on: dt.date,
    retention_ends_on: dt.date,
    removed: Mapping[str, int],
) -> Tombstone:
    """The tombstone of an erasure: ``entry`` is the erasure's audit entry, ``record`` its sealed record."""
    return Tombstone(
        folder_id=entry.folder_id,
        erased_at=entry.at,
        actor=entry.actor,
        why=entry.why,
        policy=policy,
        closed_on=closed_on,
        retention_ends_on=retention_ends_on,
        removed=dict(removed),
        anchor=AuditAnchor(count=record.sequence, head=record.hash),
    )


def anchoring_records(
    heads: Mapping[str, tuple[int, str]],
    rows: Mapping[str, Sequence[Any]],
    key: bytes | None,
) -> list[AuditRecord]:
    """The records the migration to schema 5 seals: one per chain (``heads``) or event log (``rows``)."""
    from werkmap.storage.values import events_cover

    now = dt.datetime.now(dt.UTC)
    out = []
    for fid in sorted(set(heads) | set(rows)):
        head = heads.get(fid)
        mine = list(rows.get(fid, ()))
        entry = anchoring_entry(fid, head[0] if head else 0, mine, now)
        out.append(seal_next(entry, head, events=events_cover(mine), key=key))
    return out
