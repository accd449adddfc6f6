"""The PostgreSQL store's schema: its first tables, the migrations since, and how a row holds text.

A new schema is created at version 1 and migrated forward by the same steps an old one takes
(:data:`MIGRATIONS`); :class:`~werkmap.storage.postgres.PostgresStore` runs them. A step is SQL text, or a
function of the connection and the store's audit key. PostgreSQL's text cannot hold a NUL character,
so the store writes one reversibly (``_text``) and reads it back (``_untext``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkmap.storage._common import anchoring_records, audit_row
from werkmap.storage.compact import text_of
from werkmap.storage.values import EventRow

__all__ = [
    "AUDIT_ANCHORS_AND_ERASURE",
    "MIGRATIONS",
    "OUTBOX_LEASES_AND_COMMAND_KEYS",
    "SCHEMA_V1",
]


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _text(value: str | None) -> str | None:
    """Write text PostgreSQL can hold: a NUL becomes a backslash and 0, a backslash two (reversible)."""
    if value is None or ("\\" not in value and "\x00" not in value):
        return value
    return value.replace("\\", "\\\\").replace("\x00", "\\0")


def _untext(value: Any) -> Any:
    """Read what :func:`_text` wrote."""
    if not isinstance(value, str) or "\\" not in value:
        return value
    return _ESCAPED.sub(lambda m: "\x00" if m[1] == "0" else m[1], value)


SCHEMA_V1: tuple[str, ...] = (
    "CREATE TABLE werkmap_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)",
    """CREATE TABLE folders (
        folder_id text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL,
        jobseeker_ref text COLLATE "C" NOT NULL,
        coach_id text COLLATE "C",
        status text COLLATE "C" NOT NULL,
        next_due_on date,
        document text NOT NULL
    )""",
    "CREATE INDEX folders_coach ON folders (coach_id)",
    "CREATE INDEX folders_due ON folders (next_due_on) WHERE next_due_on IS NOT NULL",
    """CREATE TABLE events (
        folder_id text COLLATE "C" NOT NULL,
        first_sequence bigint NOT NULL,
        last_sequence bigint NOT NULL,
        document text NOT NULL,
        PRIMARY KEY (folder_id, last_sequence)
    )""",
    """CREATE TABLE outbox (
        folder_id text COLLATE "C" NOT NULL,
        idempotency_key text COLLATE "C" NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        document text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        claimed_until timestamptz,
        last_error text NOT NULL DEFAULT '',
        PRIMARY KEY (folder_id, idempotency_key)
    )""",
    "CREATE INDEX outbox_key ON outbox (idempotency_key)",
    "CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL",
    """CREATE TABLE audit (
        folder_id text COLLATE "C" NOT NULL,
        sequence bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        what text NOT NULL,
        at text NOT NULL,
        why text NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (folder_id, sequence)
    )""",
    """CREATE FUNCTION werkmap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the % is append-only', TG_ARGV[0]; END $$""",
    """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION werkmap_append_only('event log')""",
    """CREATE TRIGGER events_append_only_t BEFORE TRUNCATE ON events
       FOR EACH STATEMENT EXECUTE FUNCTION werkmap_append_only('event log')""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
       FOR EACH ROW EXECUTE FUNCTION werkmap_append_only('audit trail')""",
    """CREATE TRIGGER audit_append_only_t BEFORE TRUNCATE ON audit
       FOR EACH STATEMENT EXECUTE FUNCTION werkmap_append_only('audit trail')""",
    "INSERT INTO werkmap_schema (id, version) VALUES (1, 1)",
)
"""The statements that create a version-1 schema (new stores start here and are migrated)."""

OUTBOX_LEASES_AND_COMMAND_KEYS: tuple[str, ...] = (
    # the outbox's leases (``claimed_until`` was there; now also who holds it) and its dead letters
    "ALTER TABLE outbox ADD COLUMN claimed_by text COLLATE \"C\" NOT NULL DEFAULT ''",
    "ALTER TABLE outbox ADD COLUMN dead_lettered_at timestamptz",
    "DROP INDEX outbox_pending",
    "CREATE INDEX outbox_pending ON outbox (id) "
    "WHERE delivered_at IS NULL AND dead_lettered_at IS NULL",
    "CREATE INDEX outbox_dead ON outbox (id) WHERE dead_lettered_at IS NOT NULL",
    # the idempotency keys of commands, written in the transaction of the command's change
    """CREATE TABLE command_keys (
        folder_id text COLLATE "C" NOT NULL,
        idempotency_key text COLLATE "C" NOT NULL,
        command text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        result text NOT NULL,
        PRIMARY KEY (folder_id, idempotency_key)
    )""",
    "CREATE INDEX command_keys_key ON command_keys (idempotency_key)",
    "UPDATE werkmap_schema SET version = version + 1",
)
"""The migration step that adds the outbox's leases and dead letters and the command keys (2 -> 3)."""


def _anchor_chains(conn: Any, key: bytes | None) -> None:
    """Seal an anchoring record at the end of every folder's chain, covering all its event rows."""
    heads = {
        fid: (int(seq), digest)
        for fid, seq, digest in conn.execute(
            "SELECT DISTINCT ON (folder_id) folder_id, sequence, hash FROM audit "
            "ORDER BY folder_id, sequence DESC"
        )
    }
    rows: dict[str, list[EventRow]] = {}
    for fid, first, last, document in conn.execute(
        "SELECT folder_id, first_sequence, last_sequence, document FROM events "
        "ORDER BY folder_id, last_sequence"
    ):
        rows.setdefault(fid, []).append(EventRow(int(first), int(last), text_of(document)))
    records = anchoring_records(heads, rows, key)
    inserts = [audit_row(r, _text) for r in records]
    anchors = [(r.sequence, r.hash, r.folder_id) for r in records]
    with conn.cursor() as c:
        if inserts:
            c.executemany(_INSERT_AUDIT, inserts)
        if anchors:
            c.executemany(
                "UPDATE folders SET audit_count = %s, audit_head = %s WHERE folder_id = %s", anchors
            )


_GUARD_FUNCTION = """CREATE OR REPLACE FUNCTION werkmap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'TRUNCATE' AND EXISTS (SELECT 1 FROM erasures e
         WHERE e.folder_id = OLD.folder_id AND e.state = 'erasing') THEN
       IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
       RETURN NEW;
     END IF;
     RAISE EXCEPTION 'the % is append-only', TG_ARGV[0];
   END $$"""

AUDIT_ANCHORS_AND_ERASURE: tuple[Any, ...] = (
    # the head of each folder's audit chain, written with its records
    "ALTER TABLE folders ADD COLUMN audit_count bigint NOT NULL DEFAULT 0",
    "ALTER TABLE folders ADD COLUMN audit_head text",
    # seal 2: the events a record covers, its seal, the digests of its erased text
    "ALTER TABLE audit ADD COLUMN events text NOT NULL DEFAULT ''",
    "ALTER TABLE audit ADD COLUMN seal integer NOT NULL DEFAULT 1",
    "ALTER TABLE audit ADD COLUMN erased text NOT NULL DEFAULT ''",
    # the tombstones of erased folders (the anchor of their chain moves here)
    """CREATE TABLE erasures (
        folder_id text COLLATE "C" PRIMARY KEY,
        state text NOT NULL,
        tombstone text NOT NULL,
        audit_count bigint NOT NULL DEFAULT 0,
        audit_head text
    )""",
    # append-only, except for the folder being erased, in the erasure's own transaction
    _GUARD_FUNCTION,
    lambda conn, key: _anchor_chains(conn, key),
    "UPDATE werkmap_schema SET version = 5",
)
"""The migration step to schema 5 (4 -> 5): audit anchors, event coverage and erasure with tombstones."""

MIGRATIONS: Mapping[int, tuple[Any, ...]] = {
    1: (
        'ALTER TABLE folders ADD COLUMN band text COLLATE "C"',
        "ALTER TABLE folders ADD COLUMN next_conversation_on date",
        "ALTER TABLE folders ADD COLUMN open_activities integer NOT NULL DEFAULT 0",
        "ALTER TABLE folders ADD COLUMN overdue_activities integer NOT NULL DEFAULT 0",
        "DROP INDEX folders_due",
        "DROP INDEX folders_coach",
        # covering indexes: the caseload and due queries read the index only (an index-only scan),
        # never the table rows with their documents
        "CREATE INDEX folders_coach ON folders (coach_id, next_due_on, folder_id) INCLUDE "
        "(version, jobseeker_ref, status, band, next_conversation_on, open_activities, "
        "overdue_activities)",
        "CREATE INDEX folders_due ON folders (next_due_on, folder_id) INCLUDE (version) "
        "WHERE next_due_on IS NOT NULL",
        "UPDATE werkmap_schema SET version = 2",
    ),
    2: (
        # a save writes a patch of the folder's document and its new events; the whole document is
        # written again only when it pays (werkmap.storage.compact). Documents, patches and event rows
        # are packed JSON (bytea); the rows of older versions stay plain JSON, read as before.
        """CREATE TABLE folder_changes (
            folder_id text COLLATE "C" NOT NULL,
            version bigint NOT NULL,
            patch bytea NOT NULL,
            PRIMARY KEY (folder_id, version)
        )""",
        "ALTER TABLE folders ALTER COLUMN document TYPE bytea USING convert_to(document, 'UTF8')",
        # what the sweep's rules read of the folder (packed JSON), returned by due_states
        "ALTER TABLE folders ADD COLUMN rule_state bytea",
        "ALTER TABLE events ALTER COLUMN document TYPE bytea USING convert_to(document, 'UTF8')",
        "UPDATE werkmap_schema SET version = 3",
    ),
    3: OUTBOX_LEASES_AND_COMMAND_KEYS,
    4: AUDIT_ANCHORS_AND_ERASURE,
}
"""``MIGRATIONS[n]``: the statements that take a schema from version ``n`` to ``n + 1`` (SQL text, or
a function of the connection and the store's audit key)."""


_INSERT_AUDIT = (
    "INSERT INTO audit (folder_id, sequence, actor, action, what, at, why, previous_hash, hash, "
    "events, seal, erased) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
