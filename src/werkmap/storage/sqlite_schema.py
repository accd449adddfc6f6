"""The SQLite store's schema: its first tables, the migrations since, and an audit record's row.

A new file is created at version 1 and migrated forward by the same steps an old file takes
(:data:`MIGRATIONS`); :class:`~werkmap.storage.sqlite.SQLiteStore` runs them. A step is SQL text, or a
function of the connection (a :class:`KeyedStep` is also given the store's audit key).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from werkmap.errors import StorageError
from werkmap.storage._common import anchoring_records, audit_records_of
from werkmap.storage.compact import pack, text_of
from werkmap.storage.values import AuditRecord, EventRow

__all__ = [
    "AUDIT_ANCHORS_AND_ERASURE",
    "MIGRATIONS",
    "OUTBOX_LEASES_AND_COMMAND_KEYS",
    "SCHEMA_V1",
    "KeyedStep",
]

SCHEMA_V1: tuple[str, ...] = (
    "CREATE TABLE werkmap_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
    """CREATE TABLE folders (
        folder_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        jobseeker_ref TEXT NOT NULL,
        coach_id TEXT,
        status TEXT NOT NULL,
        next_due_on TEXT,
        document TEXT NOT NULL
    )""",
    "CREATE INDEX folders_coach ON folders (coach_id)",
    "CREATE INDEX folders_due ON folders (next_due_on) WHERE next_due_on IS NOT NULL",
    """CREATE TABLE events (
        folder_id TEXT NOT NULL,
        first_sequence INTEGER NOT NULL,
        last_sequence INTEGER NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (folder_id, last_sequence)
    ) WITHOUT ROWID""",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        folder_id TEXT NOT NULL,
        document TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        delivered_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL",
    """CREATE TABLE audit (
        folder_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        what TEXT NOT NULL,
        at TEXT NOT NULL,
        why TEXT NOT NULL,
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (folder_id, sequence)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    "INSERT INTO werkmap_schema (id, version) VALUES (1, 1)",
)
"""The statements that create a version-1 database (new databases start here and are migrated)."""

OUTBOX_LEASES_AND_COMMAND_KEYS: tuple[str, ...] = (
    # the outbox's leases (who claimed an item, until when) and its dead letters
    "ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE outbox ADD COLUMN claimed_until TEXT",
    "ALTER TABLE outbox ADD COLUMN dead_lettered_at TEXT",
    "DROP INDEX outbox_pending",
    "CREATE INDEX outbox_pending ON outbox (id) "
    "WHERE delivered_at IS NULL AND dead_lettered_at IS NULL",
    "CREATE INDEX outbox_dead ON outbox (id) WHERE dead_lettered_at IS NOT NULL",
    # the idempotency keys of commands, written in the transaction of the command's change
    """CREATE TABLE command_keys (
        idempotency_key TEXT PRIMARY KEY,
        command TEXT NOT NULL,
        folder_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        result TEXT NOT NULL
    ) WITHOUT ROWID""",
    "UPDATE werkmap_schema SET version = version + 1",
)
"""The migration step that adds the outbox's leases and dead letters and the command keys (2 -> 3)."""


class KeyedStep:
    """A migration step run in Python that seals audit records: it is given the store's audit key."""

    def __init__(self, run: Callable[[sqlite3.Connection, bytes | None], None]) -> None:
        self.run = run

    def __call__(self, conn: sqlite3.Connection, key: bytes | None = None) -> None:
        """Run the step in the migration's transaction, with the store's audit key (or ``None``)."""
        self.run(conn, key)


def _guard(table: str, op: str, what: str) -> str:
    """An append-only trigger that lets the erasure of a folder (its tombstone 'erasing') through."""
    return (
        f"CREATE TRIGGER {table}_append_only_{op[0].lower()} BEFORE {op} ON {table} "
        "WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE erasures.folder_id = OLD.folder_id "
        f"AND erasures.state = 'erasing') BEGIN SELECT RAISE(ABORT, 'the {what} is append-only'); END"
    )


AUDIT_ANCHORS_AND_ERASURE: tuple[str | Callable[..., None], ...] = (
    # the head of each folder's audit chain, written with its records
    "ALTER TABLE folders ADD COLUMN audit_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE folders ADD COLUMN audit_head BLOB",
    # the tombstones of erased folders (the anchor of their chain moves here)
    """CREATE TABLE erasures (
        folder_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        tombstone TEXT NOT NULL,
        audit_count INTEGER NOT NULL DEFAULT 0,
        audit_head BLOB
    ) WITHOUT ROWID""",
    # append-only, except for the folder being erased in the erasure's own transaction
    "DROP TRIGGER events_append_only_u",
    "DROP TRIGGER events_append_only_d",
    "DROP TRIGGER audit_append_only_u",
    "DROP TRIGGER audit_append_only_d",
    _guard("events", "UPDATE", "event log"),
    _guard("events", "DELETE", "event log"),
    _guard("audit", "UPDATE", "audit trail"),
    _guard("audit", "DELETE", "audit trail"),
    KeyedStep(lambda conn, key: _anchor_chains(conn, key)),
    "UPDATE werkmap_schema SET version = 5",
)
"""The migration step to schema 5 (4 -> 5): audit anchors, event coverage and erasure with tombstones.

Every folder's chain gets one record sealed the new way (seal 2, with the store's audit key when it has
one) that covers all its event rows so far; its head is written on the folder row."""

MIGRATIONS: Mapping[int, tuple[str | Callable[..., None], ...]] = {
    1: (
        "ALTER TABLE folders ADD COLUMN band TEXT",
        "ALTER TABLE folders ADD COLUMN next_conversation_on TEXT",
        "ALTER TABLE folders ADD COLUMN open_activities INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE folders ADD COLUMN overdue_activities INTEGER NOT NULL DEFAULT 0",
        "DROP INDEX folders_due",
        "DROP INDEX folders_coach",
        # covering indexes: the caseload and due queries read an index only, never the table rows
        # with their documents
        "CREATE INDEX folders_coach ON folders (coach_id, next_due_on, folder_id, version, "
        "jobseeker_ref, status, band, next_conversation_on, open_activities, overdue_activities)",
        # covering: the due query reads the index only, never the table with its documents
        "CREATE INDEX folders_due ON folders (next_due_on, folder_id, version, jobseeker_ref, "
        "coach_id, status, band, next_conversation_on, open_activities, overdue_activities) "
        "WHERE next_due_on IS NOT NULL",
        "UPDATE werkmap_schema SET version = 2",
    ),
    2: (
        # a save writes the changes of the folder's document (a patch) and its new events; the whole
        # document (folders.document, now compressed) is written again only when it pays (see
        # werkmap.storage.compact). Old rows stay as they are: plain JSON is read as before.
        """CREATE TABLE folder_changes (
            folder_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            patch BLOB NOT NULL,
            PRIMARY KEY (folder_id, version)
        ) WITHOUT ROWID""",
        # what the sweep's rules read of the folder (packed JSON), returned by due_states
        "ALTER TABLE folders ADD COLUMN rule_state BLOB",
        # the audit trail as (folder, sequence, hash as 32 bytes, the record's fields as one packed JSON
        # array); the previous hash is the hash of the record before (checked while migrating)
        "CREATE TABLE audit_v3 (folder_id TEXT NOT NULL, sequence INTEGER NOT NULL, hash BLOB NOT NULL, "
        "record BLOB NOT NULL, PRIMARY KEY (folder_id, sequence)) WITHOUT ROWID",
        lambda conn: _audit_to_v3(conn),
        "DROP TABLE audit",
        "ALTER TABLE audit_v3 RENAME TO audit",
        """CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        """CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        "UPDATE werkmap_schema SET version = 3",
    ),
    3: OUTBOX_LEASES_AND_COMMAND_KEYS,
    4: AUDIT_ANCHORS_AND_ERASURE,
}
"""``MIGRATIONS[n]``: the statements that take a database from schema version ``n`` to ``n + 1``.

A step is SQL text, or a function of the connection for a step SQL cannot do alone (within the same
transaction)."""

_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False)


def _audit_fields(actor: str, action: str, what: str, at: str, why: str) -> bytes:
    return pack(_AUDIT_JSON.encode([actor, action, what, at, why]))


def _audit_blob(record: AuditRecord) -> bytes:
    """The stored record of schema 5: its fields, the events it covers, its seal and erased digests."""
    if record.seal_version == 1:
        fields: list[Any] = [record.actor, record.action, record.what, record.at.isoformat()]
        fields.append(record.why)
        if record.erased:
            fields += [record.events, record.seal_version, record.erased]
    else:
        fields = [
            record.actor,
            record.action,
            record.what,
            record.at.isoformat(),
            record.why,
            record.events,
            record.seal_version,
            record.erased,
        ]
    return pack(_AUDIT_JSON.encode(fields))


def _audit_row(record: AuditRecord) -> tuple[str, int, bytes, bytes]:
    """The row of the ``audit`` table that stores ``record``: folder, sequence, hash (32 bytes), blob."""
    return (record.folder_id, record.sequence, bytes.fromhex(record.hash), _audit_blob(record))


def _audit_rows_to_records(folder_id: str, rows: Sequence[Any]) -> tuple[AuditRecord, ...]:
    """The audit records of one folder from its rows ``(sequence, hash, blob)``, in sequence order."""
    out: list[tuple[Any, ...]] = []
    previous = ""
    for seq, digest, blob in rows:
        fields = json.loads(text_of(blob))
        hex_digest = bytes(digest).hex()
        out.append((folder_id, seq, *fields[:5], previous, hex_digest, *fields[5:]))
        previous = hex_digest
    return audit_records_of(out)


def _anchor_chains(conn: sqlite3.Connection, key: bytes | None) -> None:
    """Seal an anchoring record at the end of every folder's chain, covering all its event rows."""
    heads = {
        fid: (seq, bytes(digest).hex())
        for fid, seq, digest in conn.execute(
            "SELECT a.folder_id, a.sequence, a.hash FROM audit a JOIN (SELECT folder_id, "
            "max(sequence) AS last FROM audit GROUP BY folder_id) m "
            "ON a.folder_id = m.folder_id AND a.sequence = m.last"
        )
    }
    rows: dict[str, list[EventRow]] = {}
    for fid, first, last, document in conn.execute(
        "SELECT folder_id, first_sequence, last_sequence, document FROM events "
        "ORDER BY folder_id, last_sequence"
    ):
        rows.setdefault(fid, []).append(EventRow(first, last, text_of(document)))
    records = anchoring_records(heads, rows, key)
    inserts = [_audit_row(r) for r in records]
    anchors = [(r.sequence, bytes.fromhex(r.hash), r.folder_id) for r in records]
    conn.executemany(
        "INSERT INTO audit (folder_id, sequence, hash, record) VALUES (?, ?, ?, ?)", inserts
    )
    conn.executemany(
        "UPDATE folders SET audit_count = ?, audit_head = ? WHERE folder_id = ?", anchors
    )


def _audit_to_v3(conn: sqlite3.Connection) -> None:
    """Copy the audit trail of schema 2 into the compact table, checking every link of each chain."""
    rows = conn.execute(
        "SELECT folder_id, sequence, actor, action, what, at, why, previous_hash, hash FROM audit "
        "ORDER BY folder_id, sequence"
    )
    out: list[tuple[str, int, bytes, bytes]] = []
    before: tuple[str, str] = ("", "")
    for fid, seq, actor, action, what, at, why, previous, digest in rows:
        expected = before[1] if before[0] == fid else ""
        if previous != expected:
            raise StorageError(
                f"the audit trail of folder {fid!r} is broken at sequence {seq}; the store was not "
                "migrated (check it with werkmap's verify_audit)"
            )
        out.append((fid, seq, bytes.fromhex(digest), _audit_fields(actor, action, what, at, why)))
        before = (fid, digest)
    conn.executemany("INSERT INTO audit_v3 VALUES (?, ?, ?, ?)", out)
