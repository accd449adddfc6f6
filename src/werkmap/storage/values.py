"""The small frozen values that cross the storage boundary.

A store keeps a folder as a document, but it answers queries (a coach's caseload, what is due on a date)
from *index columns*. Those columns need the rules (what is due next, which status, which band) and the
store never imports :mod:`werkmap.rules`, so the shell computes them and hands them over with every save as a
:class:`FolderIndex`. Notifications (:class:`Notification`) and audit entries (:class:`AuditEntry`) travel
with the save too, so a change, its events, its outgoing messages and its audit trail are written in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.plan.folder import is_valid_bsn
from werkmap.profiler.model import BANDS
from werkmap.serialization import register_schema

__all__ = [
    "AUDIT_SEAL",
    "BANDS",
    "AuditAnchor",
    "AuditEntry",
    "AuditRecord",
    "CommandKey",
    "DueFolder",
    "DueState",
    "EventRow",
    "FolderIndex",
    "IndexColumns",
    "IndexRow",
    "Notification",
    "OutboxItem",
    "SaveRequest",
    "Tombstone",
    "audit_hash",
    "check_audit_key",
    "events_cover",
    "looks_like_bsn",
    "seal_hash",
    "text_digest",
]

# The chance-of-work bands stored in the ``band`` index column: the scoring model's (one home).

_NINE_DIGITS = re.compile(r"\d{9}")


def looks_like_bsn(text: str) -> bool:
    """Tell whether ``text`` is a citizen service number (BSN) in clear: nine digits passing the 11-test.

    The store refuses such a ``jobseeker_ref``: folders are keyed by a pseudonym, never by a BSN.

    Examples:
        >>> looks_like_bsn("111222333"), looks_like_bsn("pseudo-7f3a")
        (True, False)
    """
    return bool(_NINE_DIGITS.fullmatch(text)) and is_valid_bsn(text)


@attrs.frozen(kw_only=True)
class FolderIndex:
    """The index columns of one folder, computed by the shell from the rules and saved with the folder.

    Attributes:
        coach_id: the coach the folder is assigned to (``None``: not assigned).
        status: a short status code for dashboards (for example ``"active"``, ``"closed"``).
        band: the chance-of-work band (one of :data:`BANDS`), or ``None`` when there is no score.
        next_due_on: the earliest date something is due in the folder (a deadline, an invitation), or
            ``None`` when nothing is due.
        next_conversation_on: the date of the next planned conversation, or ``None``.
        open_activities: how many activities are open.
        overdue_activities: how many activities are past their deadline.
        rule_state: what the rules of the daily sweep read of the folder, as a JSON text the shell wrote
            (the service: its :class:`~werkmap.rules.state.FolderState`), or ``None``. A store that keeps
            it returns it with :class:`DueState` rows, so the sweep decides without loading documents;
            it is not compared (two indexes with equal columns are equal).
    """

    coach_id: str | None = None
    status: str = "active"
    band: str | None = None
    next_due_on: dt.date | None = None
    next_conversation_on: dt.date | None = None
    open_activities: int = 0
    overdue_activities: int = 0
    rule_state: str | None = attrs.field(default=None, eq=False, repr=False)


class IndexRow(NamedTuple):
    """One folder as a query sees it: its identity and its index columns, without the document.

    A query can return tens of thousands of rows, so a row is a typed named tuple (ten times cheaper to
    make than a frozen attrs value) rather than a domain value; :attr:`folder_index` gives the columns back as a
    :class:`FolderIndex`. Build one from a folder's index with :meth:`of`.

    Attributes:
        folder_id: the folder.
        version: the folder's version in the store.
        jobseeker_ref: the pseudonymised reference to the jobseeker (never a BSN).
        coach_id: as in :class:`FolderIndex`.
        status: as in :class:`FolderIndex`.
        band: as in :class:`FolderIndex`.
        next_due_on: as in :class:`FolderIndex`.
        next_conversation_on: as in :class:`FolderIndex`.
        open_activities: as in :class:`FolderIndex`.
        overdue_activities: as in :class:`FolderIndex`.
    """

    folder_id: str
    version: int
    jobseeker_ref: str
    coach_id: str | None
    status: str
    band: str | None
    next_due_on: dt.date | None
    next_conversation_on: dt.date | None
    open_activities: int
    overdue_activities: int

    @classmethod
    def of(
        cls, *, folder_id: str, version: int, jobseeker_ref: str, index: FolderIndex
    ) -> IndexRow:
        """Return the row of a folder saved with ``index``."""
        return cls(
            folder_id,
            version,
            jobseeker_ref,
            index.coach_id,
            index.status,
            index.band,
            index.next_due_on,
            index.next_conversation_on,
            index.open_activities,
            index.overdue_activities,
        )

    @property
    def folder_index(self) -> FolderIndex:
        """The index columns of the row as a :class:`FolderIndex`."""
        return FolderIndex(
            coach_id=self.coach_id,
            status=self.status,
            band=self.band,
            next_due_on=self.next_due_on,
            next_conversation_on=self.next_conversation_on,
            open_activities=self.open_activities,
            overdue_activities=self.overdue_activities,
        )


class DueFolder(NamedTuple):
    """A folder with something due, as the due-date query returns it: enough to load and save it.

    The daily sweep asks for thousands of these, so it is a small typed named tuple.

    Attributes:
        folder_id: the folder.
        version: its version in the store (the expected version of the sweep's save).
        next_due_on: the earliest date something is due in it.
    """

    folder_id: str
    version: int
    next_due_on: dt.date


class DueState(NamedTuple):
    """A folder with something due and what the rules read of it, as ``due_states`` returns it.

    The built-in stores answer ``due_states(on_or_before)`` from the due-date index and the folder row,
    without reading or decoding any document: the daily sweep decides over these for all due folders at
    once (:func:`werkmap.rules.columnar.sweep`) and loads only the folders with an action.

    Attributes:
        folder_id: the folder.
        version: its version in the store.
        next_due_on: the earliest date something is due in it.
        rule_state: the :attr:`FolderIndex.rule_state` saved with that version (``None`` for a row
            written before stores kept it: the sweep then loads the folder).
    """

    folder_id: str
    version: int
    next_due_on: dt.date
    rule_state: str | None


@attrs.frozen(kw_only=True)
class Notification:
    """An outgoing message, stored in the outbox with the change that caused it.

    Build one with :meth:`create`, which derives a stable :attr:`idempotency_key` from what the message is
    about, so a host can drop a message delivered twice (delivery is *at least once*).

    Attributes:
        kind: what the message is about (``"reminder"``, ``"invitation"``, ...).
        folder_id: the folder that caused it.
        recipient: who receives it (a pseudonymised reference or a coach id, never a BSN).
        channel: the channel to use (``"werk.nl"``, ``"email"``, ``"letter"``, ``"coach-dashboard"``).
        idempotency_key: stable across retries; the same cause gives the same key.
        text_nl: the text in Dutch.
        text_en: the text in English.
        created_on: the date the message was made.
    """

    kind: str
    folder_id: str
    recipient: str
    channel: str
    idempotency_key: str
    text_nl: str
    text_en: str
    created_on: dt.date

    @classmethod
    def create(
        cls,
        *,
        kind: str,
        folder_id: str,
        recipient: str,
        channel: str,
        cause: str,
        text_nl: str,
        text_en: str,
        created_on: dt.date,
    ) -> Notification:
        """Make a notification whose idempotency key is derived from its cause.

        Args:
            kind: what the message is about.
            folder_id: the folder that caused it.
            recipient: who receives it.
            channel: the channel to use.
            cause: what caused it, unique within the folder (for example the event sequence number and
                the activity id); the same cause always gives the same key.
            text_nl: the text in Dutch.
            text_en: the text in English.
            created_on: the date the message was made.

        Returns:
            The notification.
        """
        material = json.dumps([folder_id, kind, recipient, channel, cause], ensure_ascii=False)
        key = hashlib.sha256(material.encode()).hexdigest()[:32]
        return cls(
            kind=kind,
            folder_id=folder_id,
            recipient=recipient,
            channel=channel,
            idempotency_key=key,
            text_nl=text_nl,
            text_en=text_en,
            created_on=created_on,
        )


@attrs.frozen(kw_only=True)
class OutboxItem:
    """A notification in the outbox, with its delivery state.

    Attributes:
        notification: the message.
        attempts: how many delivery attempts failed so far.
        next_attempt_at: the earliest moment of the next attempt (``None``: at once).
        delivered_at: when it was delivered (``None``: not yet).
        last_error: the type and message of the last failure (empty when none).
        claimed_by: the dispatcher holding the item's lease (empty when none).
        claimed_until: when that lease ends (``None``: not claimed); after it another dispatcher may
            claim the item (the holder is presumed dead).
        dead_lettered_at: when the item was given up after too many failed attempts (``None``: not);
            a dead-lettered item is never offered again and is listed by ``Store.dead_letters``.
    """

    notification: Notification
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    last_error: str = ""
    claimed_by: str = ""
    claimed_until: dt.datetime | None = None
    dead_lettered_at: dt.datetime | None = None

    def is_claimed(self, now: dt.datetime) -> bool:
        """Tell whether a dispatcher holds the item's lease at ``now``."""
        return self.claimed_until is not None and self.claimed_until > now

    def is_due(self, now: dt.datetime) -> bool:
        """Tell whether the item may be tried at ``now``: undelivered, alive, due and not claimed."""
        return (
            self.delivered_at is None
            and self.dead_lettered_at is None
            and (self.next_attempt_at is None or self.next_attempt_at <= now)
            and not self.is_claimed(now)
        )


@attrs.frozen(kw_only=True)
class CommandKey:
    """A command's idempotency key, stored with the command's writes in the same transaction.

    A retry of a command with the same key finds it and returns the first result instead of running
    the command again.

    Attributes:
        key: the idempotency key (the caller's, or one the service made).
        command: the command's name (``"add_activity"``); a key names one command only.
        folder_id: the folder the command wrote.
        version: the folder's version after the command.
        result: the command's result as JSON text (written and read by the service). The service writes
            an object whose ``"at"`` is the moment the key was stored (sortable UTC text, as
            :func:`werkmap.storage._common.moment_text` writes it): the stores forget keys by it
            (``forget_command_keys``).
    """

    key: str
    command: str
    folder_id: str
    version: int
    result: str = "null"

    @property
    def stored_at(self) -> dt.datetime | None:
        """When the key was stored (the result's ``"at"``), or ``None`` when the result has none."""
        try:
            data = json.loads(self.result)
        except ValueError:
            return None
        at = data.get("at") if isinstance(data, dict) else None
        return dt.datetime.fromisoformat(at) if isinstance(at, str) else None


@attrs.frozen(kw_only=True)
class AuditEntry:
    """What happened, before the store seals it into the folder's hash chain as an :class:`AuditRecord`.

    Attributes:
        folder_id: the folder concerned.
        actor: who did it (a coach id, ``"system"``, a pseudonymised jobseeker reference).
        action: what was done (``"decide.routing"``, ``"read.profile"``, ...).
        what: what it was done to, or the outcome, in a short text.
        at: when, as an aware datetime.
        why: the reason given (may be empty for a read).
    """

    folder_id: str
    actor: str
    action: str
    what: str
    at: dt.datetime
    why: str = ""


AUDIT_SEAL = 2
"""The seal of the audit records written from storage schema 5 on (see :func:`seal_hash`).

Seal 1 (records written before schema 5) hashes the record's fields as they are (:func:`audit_hash`);
seal 2 hashes the digests of its free-text fields (actor, what, why), the events its save wrote and the
previous hash, with SHA-256 or, when the host holds an audit key, HMAC-SHA256."""

MIN_AUDIT_KEY_BYTES = 16


def check_audit_key(key: bytes | None) -> bytes | None:
    """Return the host's audit key after checking it (``None``: no key, the public hash is used).

    Raises:
        StorageError: the key is not bytes or is shorter than 16 bytes (the key is never shown).
    """
    from werkmap.errors import StorageError

    if key is None:
        return None
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_AUDIT_KEY_BYTES:
        raise StorageError(
            f"the audit key must be a secret of at least {MIN_AUDIT_KEY_BYTES} bytes"
        )
    return bytes(key)


@functools.lru_cache(maxsize=4096)
def _short_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_digest(text: str) -> str:
    """Return the SHA-256 (hex) of a free-text audit field, as a seal-2 record's hash covers it.

    Examples:
        >>> text_digest("")[:12]
        'e3b0c44298fc'
    """
    if len(text) <= 200:  # actors, actions, short outcomes repeat: remembered (never a long text)
        return _short_digest(text)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class EventRow(NamedTuple):
    """One row of a folder's event log as stored: the events one save wrote, as JSON text.

    Attributes:
        first_sequence: the sequence number of the row's first event.
        last_sequence: that of its last event.
        text: the JSON text of the row's events, exactly as the store keeps it (decompressed).
    """

    first_sequence: int
    last_sequence: int
    text: str


def events_cover(rows: Sequence[EventRow]) -> str:
    """Return what an audit record stores of the event rows its save wrote: ``"first-last:digest"``.

    The digest is the SHA-256 over one line ``first-last:sha256(text)`` per row; ``""`` without rows.

    Examples:
        >>> events_cover([])
        ''
        >>> events_cover([EventRow(1, 2, "[]")]).startswith("1-2:")
        True
    """
    if not rows:
        return ""
    lines = "".join(f"{r.first_sequence}-{r.last_sequence}:{text_digest(r.text)}\n" for r in rows)
    return f"{rows[0].first_sequence}-{rows[-1].last_sequence}:{text_digest(lines)}"


@attrs.frozen(kw_only=True)
class AuditAnchor:
    """The head of a folder's audit chain, kept on the folder row (or its tombstone).

    Written in the transaction that seals the records, so a trail shortened afterwards (its last
    records deleted, or all of them) no longer reaches it.

    Attributes:
        count: how many records the chain holds.
        head: the hash of its last record (``""`` for none).
    """

    count: int
    head: str


@attrs.frozen(kw_only=True)
class AuditRecord:
    """One link of a folder's append-only, hash-chained audit trail.

    Attributes:
        folder_id: the folder concerned.
        sequence: the position in the folder's chain, from 1.
        actor: who did it (``""`` once erased).
        action: what was done.
        what: what it was done to, or the outcome (``""`` once erased).
        at: when.
        why: the reason given (``""`` once erased).
        previous_hash: the :attr:`hash` of the record before it (``""`` for the first).
        hash: the seal over this record's fields and :attr:`previous_hash` (:func:`seal_hash`).
        events: the event rows the record's save wrote, as :func:`events_cover` gives them (``""``).
        seal_version: how :attr:`hash` was made: ``1`` (before schema 5, :func:`audit_hash`) or
            :data:`AUDIT_SEAL`.
        erased: the digests of the free-text fields (actor, what, why) whose text an erasure
            removed, as ``"actor,what,why"`` digests joined by commas (``""``: nothing erased).
    """

    folder_id: str
    sequence: int
    actor: str
    action: str
    what: str
    at: dt.datetime
    why: str
    previous_hash: str
    hash: str
    events: str = ""
    seal_version: int = AUDIT_SEAL
    erased: str = ""

    @classmethod
    def seal_entry(
        cls,
        entry: AuditEntry,
        *,
        sequence: int,
        previous_hash: str,
        events: str = "",
        key: bytes | None = None,
    ) -> AuditRecord:
        """Chain ``entry`` after the record with hash ``previous_hash`` (seal 2).

        Args:
            entry: what happened.
            sequence: its position in the folder's chain (the previous record's plus one).
            previous_hash: the hash of the previous record, ``""`` for the first.
            events: the event rows the save wrote (:func:`events_cover`), ``""`` for none.
            key: the host's audit key (HMAC-SHA256), or ``None`` (SHA-256).

        Returns:
            The sealed record.
        """
        digest = _seal_of(
            entry.folder_id,
            sequence,
            text_digest(entry.actor),
            entry.action,
            text_digest(entry.what),
            entry.at.isoformat(),
            text_digest(entry.why),
            events,
            previous_hash,
            key,
        )
        return cls(
            folder_id=entry.folder_id,
            sequence=sequence,
            actor=entry.actor,
            action=entry.action,
            what=entry.what,
            at=entry.at,
            why=entry.why,
            previous_hash=previous_hash,
            hash=digest,
            events=events,
        )

    @classmethod
    def seal(cls, entry: AuditEntry, *, sequence: int, previous_hash: str) -> AuditRecord:
        """Chain ``entry`` after ``previous_hash`` with the public hash (seal 2, no events, no key)."""
        return cls.seal_entry(entry, sequence=sequence, previous_hash=previous_hash)

    def digests(self) -> tuple[str, str, str]:
        """Return the digests of the free-text fields (actor, what, why): kept ones once erased."""
        if self.erased:
            actor, what, why = self.erased.split(",")
            return actor, what, why
        return text_digest(self.actor), text_digest(self.what), text_digest(self.why)

    def erase(self) -> AuditRecord:
        """Return the record with its free text removed and the digests kept (its hash still holds).

        Staff actors (``coach:…``, ``team_lead:…``, ``system:…``) are kept: who acted stays known.
        """
        if self.erased:
            return self
        actor = self.actor if self.actor.split(":")[0] in _STAFF else ""
        return attrs.evolve(self, actor=actor, what="", why="", erased=",".join(self.digests()))


_STAFF = frozenset({"coach", "team_lead", "system"})


def seal_hash(record: AuditRecord, *, key: bytes | None = None) -> str:
    """Return the seal-2 hash of a record: over its digests, its events and the previous hash.

    With ``key``, HMAC-SHA256 under the host's key, so that nobody without the key can seal a record
    that verifies; without, SHA-256 (anyone can recompute it).
    """
    actor, what, why = record.digests()
    return _seal_of(
        record.folder_id,
        record.sequence,
        actor,
        record.action,
        what,
        record.at.isoformat(),
        why,
        record.events,
        record.previous_hash,
        key,
    )


_SEAL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _seal_of(
    folder_id: str,
    sequence: int,
    actor: str,
    action: str,
    what: str,
    at: str,
    why: str,
    events: str,
    previous_hash: str,
    key: bytes | None,
) -> str:
    material = _SEAL_JSON.encode(
        [AUDIT_SEAL, folder_id, sequence, actor, action, what, at, why, events, previous_hash]
    ).encode("utf-8", "surrogatepass")
    if key is not None:
        return hmac.new(key, material, hashlib.sha256).hexdigest()
    return hashlib.sha256(material).hexdigest()


def audit_hash(entry: AuditEntry | AuditRecord, *, sequence: int, previous_hash: str) -> str:
    """Return the seal-1 hash (records written before schema 5): SHA-256 of the fields as they are."""
    material = json.dumps(
        [
            entry.folder_id,
            sequence,
            entry.actor,
            entry.action,
            entry.what,
            entry.at.isoformat(),
            entry.why,
            previous_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


@attrs.frozen(kw_only=True)
class Tombstone:
    """What is left of an erased folder: who erased it, when, why and under which retention policy.

    Attributes:
        folder_id: the erased folder.
        erased_at: when.
        actor: who erased it.
        why: the reason given.
        policy: the retention policy and its version the erasure was allowed under.
        closed_on: the day the folder closed.
        retention_ends_on: the day its retention period ended.
        removed: how many rows were removed, per table.
        anchor: the head of the folder's audit chain after the erasure (its last record is the
            erasure's own).
    """

    folder_id: str
    erased_at: dt.datetime
    actor: str
    why: str
    policy: str
    closed_on: dt.date
    retention_ends_on: dt.date
    removed: Mapping[str, int] = attrs.field(factory=dict)
    anchor: AuditAnchor = AuditAnchor(count=0, head="")


@attrs.frozen(kw_only=True)
class SaveRequest:
    """One folder to save in a batch (see ``Store.save_many``): the same arguments as ``Store.save``.

    Attributes:
        folder: the new state of the folder.
        expected_version: the version it was loaded at (``0`` for a new folder).
        index: its index columns.
        notifications: outgoing messages caused by the change.
        audit: audit entries for the decisions in the change.
        commands: the idempotency keys of the commands that made the change (stored with it).
    """

    folder: Any
    expected_version: int
    index: FolderIndex
    notifications: Sequence[Notification] = ()
    audit: Sequence[AuditEntry] = ()
    commands: Sequence[CommandKey] = ()


Array = npt.NDArray[Any]


@attrs.frozen(kw_only=True, eq=False)
class IndexColumns:
    """The index columns of many folders as numpy arrays, one entry per folder, for vectorised sweeps.

    Dates are ``datetime64[D]`` with ``NaT`` for "none"; text columns are object arrays with ``None`` for
    "none". Rows are in ``folder_id`` order.

    Attributes:
        folder_id: folder ids (object array of ``str``).
        version: versions (``int64``).
        coach_id: coach ids (object array, ``None`` when unassigned).
        status: status codes (object array).
        band: bands (object array, ``None`` when there is no score).
        next_due_on: next due dates (``datetime64[D]``).
        next_conversation_on: next conversation dates (``datetime64[D]``).
        open_activities: open activity counts (``int64``).
        overdue_activities: overdue activity counts (``int64``).
        unreadable: the folders whose stored index columns are damaged, left out of the arrays, each
            as ``(folder id, coach id)`` (the coach id as stored, ``None`` when it too is damaged or
            unassigned). The service reports them as quarantined; ``werkmap verify`` lists them.
    """

    folder_id: Array
    version: Array
    coach_id: Array
    status: Array
    band: Array
    next_due_on: Array
    next_conversation_on: Array
    open_activities: Array
    overdue_activities: Array
    unreadable: tuple[tuple[str, str | None], ...] = ()

    def __len__(self) -> int:
        return int(self.folder_id.shape[0])

    @classmethod
    def from_rows(cls, rows: Sequence[IndexRow]) -> IndexColumns:
        """Build the columns from index rows (sorted by folder id here)."""
        ordered = sorted(rows, key=lambda r: r.folder_id)

        def obj(values: list[Any]) -> Array:
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out

        def dates(values: list[dt.date | None]) -> Array:
            return np.array(
                [np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in values],
                dtype="datetime64[D]",
            )

        return cls(
            folder_id=obj([r.folder_id for r in ordered]),
            version=np.array([r.version for r in ordered], dtype=np.int64),
            coach_id=obj([r.coach_id for r in ordered]),
            status=obj([r.status for r in ordered]),
            band=obj([r.band for r in ordered]),
            next_due_on=dates([r.next_due_on for r in ordered]),
            next_conversation_on=dates([r.next_conversation_on for r in ordered]),
            open_activities=np.array([r.open_activities for r in ordered], dtype=np.int64),
            overdue_activities=np.array([r.overdue_activities for r in ordered], dtype=np.int64),
        )


register_schema("werkmap.notification", Notification, 1)
