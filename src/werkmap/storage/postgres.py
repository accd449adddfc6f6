"""The ``postgresql://`` storage plugin: werkmap on a PostgreSQL server, through psycopg 3.

Install it with the extra: ``pip install werkmap[postgres]``.

* **Layout.** The same tables as :mod:`werkmap.storage.sqlite`, in one PostgreSQL schema: a folder is one row
  (the index columns the shell computed, its rule state and a snapshot of its document), a save writes
  a patch into ``folder_changes`` and the snapshot only when it pays (:mod:`werkmap.storage.compact`); the
  new events of one save are one row of ``events``; ``outbox`` and ``audit`` are tables of their own
  (the audit trail keeps its text columns here). **Every table's key
  starts with** ``folder_id``, the distribution key: a Citus-style distributed PostgreSQL can shard every
  table by it, and every query on folder data names a folder id or reads an index (due date, coach) that
  each shard serves for its own folders (see the "Scaling out" page). Triggers refuse any change to the
  event log or an audit record once written. Text columns use the ``"C"`` collation, so ids sort as in
  Python whatever the server's locale.
* **Transactions.** Every write command is one transaction (READ COMMITTED). A save updates the folder row
  with ``UPDATE … WHERE folder_id = %s AND version = %s``: PostgreSQL re-checks the condition on the newest
  row once a concurrent writer commits, so of two writers from one version one succeeds and the other
  gets :class:`~werkmap.errors.ConcurrencyConflict`; a new folder is ``INSERT … ON CONFLICT DO NOTHING``.
  The folder rows, their new events, their outbox items and their audit records commit together or not.
* **Outbox.** :meth:`PostgresStore.claim_notifications` *claims* the items it returns: it selects them
  ``FOR UPDATE SKIP LOCKED`` and writes a lease (owner, ``now + lease``, by default ``claim_seconds``) in
  one transaction, so several dispatchers on several machines never get the same item at the same time.
  Marking an item delivered, failed or dead ends its lease; a dispatcher that dies leaves it to be
  claimed again after the lease ran out (at least once, as always).
* **Migrations.** The table ``werkmap_schema`` holds the schema version; a new schema is created at version 1
  and migrated forward by the same steps an old one takes, under an advisory lock (two processes opening
  a new store at once do not race); the steps are in :mod:`werkmap.storage.postgres_schema`. A store
  from a newer werkmap is refused.
* **Safety.** Only parameterised SQL; no pickle; error messages and the store's ``repr`` never show the
  password of the URL (they show :func:`~werkmap.storage.url.redact_url`).

URL: ``postgresql://user:password@host:5432/database?schema=werkmap`` (``postgres://`` works too). werkmap's
own options: ``schema`` (default ``public``; created when missing), ``migrate`` (``true``/``false``) and
``claim_seconds`` (how long a dispatcher holds the items it claimed when it names no lease, default 300). Every other query parameter
goes to libpq as it is (``sslmode``, ``connect_timeout`` (default 10), ``application_name``, …).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkmap import serialization
from werkmap.errors import ConcurrencyConflict, NotFound, SchemaVersionError, StorageError
from werkmap.storage._common import (
    MAY_MARK_SQL,
    LockedQueries,
    SavesThroughMany,
    audit_key_option,
    audit_records_of,
    audit_row,
    check_audit,
    check_audits,
    check_index_rows,
    check_requests,
    event_row,
    events_after,
    flag,
    index_columns_of,
    moment_text,
    seal_next,
    seal_save,
    tombstone_for,
    tombstone_of,
    tombstone_text,
)
from werkmap.storage.codec import FolderCodec, default_codec
from werkmap.storage.compact import DocumentWriter, load_folder, pack, rule_text, text_of
from werkmap.storage.hookspecs import hookimpl
from werkmap.storage.postgres_schema import (
    _INSERT_AUDIT,
    AUDIT_ANCHORS_AND_ERASURE,
    MIGRATIONS,
    OUTBOX_LEASES_AND_COMMAND_KEYS,
    SCHEMA_V1,
    _text,
    _untext,
)
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.url import redact_url, scheme_of, scrub
from werkmap.storage.values import (
    AuditAnchor,
    AuditEntry,
    AuditRecord,
    CommandKey,
    DueFolder,
    DueState,
    EventRow,
    IndexColumns,
    IndexRow,
    Notification,
    OutboxItem,
    SaveRequest,
    Tombstone,
    check_audit_key,
    events_cover,
)

try:  # the optional extra
    import psycopg
    from psycopg import sql
except ImportError:  # pragma: no cover - without the extra the plugin says how to get it
    psycopg = None  # type: ignore[assignment]

__all__ = [
    "AUDIT_ANCHORS_AND_ERASURE",
    "MIGRATIONS",
    "OUTBOX_LEASES_AND_COMMAND_KEYS",
    "SCHEMA_V1",
    "PostgresStore",
    "werkmap_open_store",
    "werkmap_storage_schemes",
]

_FOLDER_TABLES = ("folders", "events", "folder_changes", "outbox", "command_keys")
"""The tables holding a folder's personal data (every row with its ``folder_id``)."""

_FOLDER_SQL = {
    table: (
        "SELECT count(*) FROM " + table + " WHERE folder_id = %s",
        "DELETE FROM " + table + " WHERE folder_id = %s",
    )
    for table in _FOLDER_TABLES
}
_ANCHOR_SQL = tuple(
    "SELECT audit_count, audit_head FROM " + table + " WHERE folder_id = %s"
    for table in ("folders", "erasures")
)

_COLUMNS = (
    "folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
    "next_conversation_on, open_activities, overdue_activities"
)
_INSERT_FOLDER = (
    "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
    "next_conversation_on, open_activities, overdue_activities, rule_state, document) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (folder_id) DO NOTHING "
    "RETURNING folder_id"
)
_UPDATE_FOLDER = (
    "UPDATE folders SET version = %s, jobseeker_ref = %s, coach_id = %s, status = %s, band = %s, "
    "next_due_on = %s, next_conversation_on = %s, open_activities = %s, overdue_activities = %s, "
    "rule_state = %s, document = %s WHERE folder_id = %s AND version = %s "
    "RETURNING (SELECT coalesce(max(last_sequence), 0) FROM events e "
    "WHERE e.folder_id = folders.folder_id)"
)
# a save that writes a patch: the compact folder row, without its document
_UPDATE_ROW = (
    "UPDATE folders SET version = %s, jobseeker_ref = %s, coach_id = %s, status = %s, band = %s, "
    "next_due_on = %s, next_conversation_on = %s, open_activities = %s, overdue_activities = %s, "
    "rule_state = %s WHERE folder_id = %s AND version = %s "
    "RETURNING (SELECT coalesce(max(last_sequence), 0) FROM events e "
    "WHERE e.folder_id = folders.folder_id)"
)
# _INSERT_FOLDER, _UPDATE_FOLDER and _UPDATE_ROW take the index columns in the same order.
_INSERT_OUTBOX = (
    "INSERT INTO outbox (folder_id, idempotency_key, document) VALUES (%s, %s, %s) "
    "ON CONFLICT (folder_id, idempotency_key) DO NOTHING"
)
_OUTBOX_COLUMNS = (
    "id, document, attempts, next_attempt_at, delivered_at, last_error, claimed_by, "
    "claimed_until, dead_lettered_at"
)
_INSERT_COMMAND = (
    "INSERT INTO command_keys (folder_id, idempotency_key, command, version, result) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1"
)
# an item that may be tried at a moment (the parameters: the moment, twice)
_DUE = (
    "delivered_at IS NULL AND dead_lettered_at IS NULL "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
    "AND (claimed_until IS NULL OR claimed_until <= %s)"
)
_OPTIONS = frozenset({"schema", "migrate", "claim_seconds"})
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SETUP_LOCK = 0x7765726B6D6170  # "werkmap": held while a schema is created or migrated


def _index_row(row: Sequence[Any]) -> tuple[Any, ...]:
    fid, version, ref, coach, status, band, *rest = row
    return (fid, version, _untext(ref), _untext(coach), _untext(status), _untext(band), *rest)


class PostgresStore(SavesThroughMany, LockedQueries):
    """A :class:`~werkmap.storage.protocol.Store` in one schema of a PostgreSQL database (see the module text).

    Args:
        url: a ``postgresql://`` URL; werkmap's own options (``schema``, ``migrate``, ``claim_seconds``)
            may be in its query or given as arguments (the arguments win).
        codec: how folders are written (the default: real WorkFolders).
        schema: the PostgreSQL schema holding the tables (created when missing).
        migrate: migrate an older schema on opening (otherwise it is refused).
        claim_seconds: the default lease of :meth:`claim_notifications` (seconds).
        audit_key: the host's secret audit key (at least 16 bytes): audit records are sealed with
            HMAC-SHA256 under it (``None``: the public SHA-256). Never put it in the URL.

    Raises:
        StorageError: the server cannot be reached or refuses the login (the message never shows the
            password), or the schema holds tables that are not a werkmap store.
        SchemaVersionError: the store is newer than this werkmap, or older and ``migrate`` is off.
    """

    _driver_errors: ClassVar[tuple[type[Exception], ...]] = (
        (psycopg.Error,) if psycopg is not None else ()
    )

    def __init__(
        self,
        url: str,
        *,
        codec: FolderCodec | None = None,
        schema: str | None = None,
        migrate: bool | None = None,
        claim_seconds: float | None = None,
        audit_key: bytes | None = None,
    ) -> None:
        self._key = check_audit_key(audit_key)
        if psycopg is None:  # pragma: no cover
            raise StorageError(
                "the postgresql:// store needs psycopg 3: pip install 'werkmap[postgres]'"
            )
        self._url = url
        self.url = redact_url(url)
        conninfo, options = _split_url(url)
        self.schema = schema or options.get("schema", "public")
        if not _SCHEMA_NAME.fullmatch(self.schema):
            raise StorageError(
                f"schema must be a plain name (letters, digits, _), got {self.schema!r}"
            )
        self._migrate = migrate if migrate is not None else flag(options.get("migrate", "true"))
        try:
            seconds = (
                claim_seconds
                if claim_seconds is not None
                else float(options.get("claim_seconds", "300"))
            )
        except ValueError:
            raise StorageError("the postgresql option claim_seconds must be a number") from None
        self.claim = dt.timedelta(seconds=max(seconds, 0.0))
        self._codec_given = codec
        self._documents = DocumentWriter(self.codec)
        self._lock = threading.RLock()
        try:
            self._conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise self._error(exc) from None
        try:
            self._setup()
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r}, schema={self.schema!r})"

    @property
    def codec(self) -> FolderCodec:
        """The codec the store writes folders with."""
        return self._codec_given or default_codec()

    # --- opening, schema and migrations ---------------------------------------------------------------

    def _setup(self) -> None:
        conn = self._conn
        ident = sql.Identifier(self.schema)
        try:
            conn.execute("SET TIME ZONE 'UTC'")
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                exists = conn.execute(
                    "SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)
                ).fetchone()
                if exists is None:
                    if not self._migrate:
                        raise StorageError(
                            f"schema {self.schema!r} does not exist and migrate is off"
                        )
                    conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
                conn.execute(sql.SQL("SET search_path TO {}").format(ident))
                tables = {
                    row[0]
                    for row in conn.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = %s", (self.schema,)
                    )
                }
                if not tables:
                    if not self._migrate:
                        raise SchemaVersionError(
                            f"schema {self.schema!r} is empty and migrate is off"
                        )
                    for statement in SCHEMA_V1:
                        conn.execute(statement)
                    self._apply_migrations(1)
                    return
                if "werkmap_schema" not in tables:
                    raise StorageError(
                        f"schema {self.schema!r} holds tables but is not a werkmap store "
                        "(no version table)"
                    )
                version = self._read_version()
                if version > SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"schema {self.schema!r} was written with storage schema version {version}; "
                        f"this werkmap knows up to {SCHEMA_VERSION}. Upgrade werkmap to open it; "
                        "nothing was changed"
                    )
                if version < SCHEMA_VERSION:
                    if not self._migrate:
                        raise SchemaVersionError(
                            f"schema {self.schema!r} is at storage schema version {version}; "
                            f"migrate it to {SCHEMA_VERSION} first"
                        )
                    self._apply_migrations(version)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _apply_migrations(self, start: int) -> None:
        for version in range(start, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                if callable(statement):
                    statement(self._conn, self._key)
                else:
                    self._conn.execute(statement)

    def _read_version(self) -> int:
        row = self._conn.execute("SELECT version FROM werkmap_schema WHERE id = 1").fetchone()
        if row is None or not isinstance(row[0], int):
            raise StorageError(f"schema {self.schema!r} has an empty or damaged version table")
        return row[0]

    def schema_version(self) -> int:
        """Return the schema version in the store's version table."""
        with self._lock:
            try:
                return self._read_version()
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def migrate(self) -> int:
        """Migrate the store to :data:`SCHEMA_VERSION` in one transaction; return the version."""
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
            version = self._read_version()
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"schema {self.schema!r} is at storage schema version {version}, newer than "
                    f"{SCHEMA_VERSION}"
                )
            self._apply_migrations(version)
        return SCHEMA_VERSION

    # --- transactions and errors ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Any]:
        with self._lock:
            try:
                with self._conn.transaction():
                    yield self._conn
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def _error(self, exc: Exception) -> StorageError:
        text = scrub(str(exc).strip(), self._url)
        low = text.lower()
        if "append-only" in low:
            what = "the event log and the audit trail are append-only"
        elif "password" in low or "authentication" in low:
            what = f"the server refused the login ({text.splitlines()[0] if text else ''})"
        elif isinstance(exc, psycopg.OperationalError):
            what = f"the server cannot be reached or broke the connection: {text}"
        elif "read-only" in low or "read only" in low:
            what = "the database is read-only"
        elif "disk full" in low or "no space" in low:
            what = "the disk is full"
        else:
            what = f"PostgreSQL said: {type(exc).__name__}: {text}"
        return StorageError(f"{self.url}: {what}; nothing was written")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # --- folders -------------------------------------------------------------------------------------

    def load(self, folder_id: str) -> Any:
        """Return the folder with this id (raises :class:`~werkmap.errors.NotFound`)."""
        # one statement: the snapshot, its patches and its events from one snapshot of the database
        row = self._one(
            "SELECT f.document, ARRAY(SELECT c.patch FROM folder_changes c "
            "WHERE c.folder_id = f.folder_id ORDER BY c.version), "
            "ARRAY(SELECT e.document FROM events e "
            "WHERE e.folder_id = f.folder_id ORDER BY e.last_sequence) "
            "FROM folders f WHERE f.folder_id = %s",
            (folder_id,),
        )
        if row is None:
            raise NotFound(f"no folder {folder_id!r} in the store")
        document, patches, events = row
        folder, current = load_folder(
            self.codec,
            document,
            patches,
            events,
            source=f"folder {folder_id!r}",
            folder_id=folder_id,
        )
        with self._lock:
            self._documents.loaded(folder, len(document), sum(map(len, patches)), current)
        return folder

    def load_many(self, folder_ids: Sequence[str]) -> dict[str, Any]:
        """Return the folders with these ids that exist, by id, from one statement (one snapshot).

        The daily sweep reads the folders it changes this way: one round trip instead of one a folder.
        """
        rows = self._all(
            "SELECT f.folder_id, f.document, ARRAY(SELECT c.patch FROM folder_changes c "
            "WHERE c.folder_id = f.folder_id ORDER BY c.version), "
            "ARRAY(SELECT e.document FROM events e "
            "WHERE e.folder_id = f.folder_id ORDER BY e.last_sequence) "
            "FROM folders f WHERE f.folder_id = ANY(%s)",
            (list(folder_ids),),
        )
        out: dict[str, Any] = {}
        for fid, document, patches, events in rows:
            folder, current = load_folder(
                self.codec, document, patches, events, source=f"folder {fid!r}", folder_id=fid
            )
            with self._lock:
                self._documents.loaded(folder, len(document), sum(map(len, patches)), current)
            out[fid] = folder
        return out

    def save_many(self, requests: Sequence[SaveRequest]) -> tuple[AuditRecord, ...]:
        """Save several folders in one transaction: all of them or none.

        Each folder's document is written as a patch or, when it pays, a snapshot
        (:mod:`werkmap.storage.compact`).
        """
        codec = self.codec
        check_requests(requests, codec)
        sealed: list[AuditRecord] = []
        with self._lock:
            writer = self._documents
            plans = [writer.plan(req.folder, req.expected_version) for req in requests]
            with self._write() as conn, conn.cursor() as c:
                new_rows: list[tuple[Any, ...]] = []
                snapshot_rows: list[tuple[Any, ...]] = []
                patch_rows: list[tuple[Any, ...]] = []
                changes: list[tuple[str, int, bytes]] = []
                for req, plan in zip(requests, plans, strict=True):
                    folder = req.folder
                    ix = req.index
                    columns = (
                        _text(folder.jobseeker_ref),
                        _text(ix.coach_id),
                        _text(ix.status),
                        _text(ix.band),
                        ix.next_due_on,
                        ix.next_conversation_on,
                        ix.open_activities,
                        ix.overdue_activities,
                        None if ix.rule_state is None else pack(ix.rule_state),
                    )
                    key = (folder.folder_id, req.expected_version)
                    if req.expected_version == 0:
                        new_rows.append((folder.folder_id, folder.version, *columns, plan.snapshot))
                    elif plan.snapshot is not None:
                        snapshot_rows.append((folder.version, *columns, plan.snapshot, *key))
                    else:
                        assert plan.patch is not None
                        patch_rows.append((folder.version, *columns, *key))
                        changes.append((folder.folder_id, folder.version, plan.patch))
                # The conditional updates go out together (psycopg pipelines executemany); each
                # answers with the folder's last stored event sequence, or with nothing when its
                # version moved on.
                last_of: dict[str, int] = {}
                for statement, rows in ((_UPDATE_FOLDER, snapshot_rows), (_UPDATE_ROW, patch_rows)):
                    if not rows:
                        continue
                    c.executemany(statement, rows, returning=True)
                    for row in rows:
                        found = c.fetchone()
                        if found is None:
                            raise ConcurrencyConflict(
                                row[-2], row[-1], self._version_in(c, row[-2])
                            )
                        last_of[row[-2]] = int(found[0])
                        c.nextset()
                if snapshot_rows:
                    c.execute(
                        "DELETE FROM folder_changes WHERE folder_id = ANY(%s)",
                        ([row[-2] for row in snapshot_rows],),
                    )
                if changes:
                    c.executemany("INSERT INTO folder_changes VALUES (%s, %s, %s)", changes)
                if new_rows:
                    c.executemany(_INSERT_FOLDER, new_rows, returning=True)
                    inserted: set[str] = set()
                    while True:
                        inserted.update(row[0] for row in c.fetchall())
                        if not c.nextset():
                            break
                    for row in new_rows:
                        if row[0] not in inserted:
                            # it exists already: a conflict (the whole batch rolls back)
                            raise ConcurrencyConflict(row[0], 0, self._version_in(c, row[0]))
                event_rows: list[tuple[str, int, int, bytes]] = []
                outbox_rows: list[tuple[str, str, str]] = []
                events_of: dict[str, list[tuple[str, int, int, str]]] = {}
                for req in requests:
                    fid: str = req.folder.folder_id
                    event = event_row(codec, fid, codec.events(req.folder), last_of.get(fid, 0))
                    if event is not None:
                        event_rows.append((*event[:3], pack(event[3])))
                        events_of[fid] = [event]
                    outbox_rows.extend(
                        (fid, n.idempotency_key, serialization.dumps(n)) for n in req.notifications
                    )
                if event_rows:
                    c.executemany("INSERT INTO events VALUES (%s, %s, %s, %s)", event_rows)
                if outbox_rows:
                    c.executemany(_INSERT_OUTBOX, outbox_rows)
                anchors: list[tuple[int, str, str]] = []
                audit_rows: list[tuple[Any, ...]] = []
                for req in requests:
                    if not req.audit:
                        continue
                    fid = req.folder.folder_id
                    written = [EventRow(e[1], e[2], e[3]) for e in events_of.get(fid, ())]
                    records = seal_save(
                        req.audit,
                        self._last_audit(c, fid),
                        events=events_cover(written),
                        key=self._key,
                    )
                    sealed.extend(records)
                    audit_rows.extend(audit_row(r, _text) for r in records)
                    anchors.append((records[-1].sequence, records[-1].hash, fid))
                if audit_rows:
                    c.executemany(_INSERT_AUDIT, audit_rows)
                    c.executemany(
                        "UPDATE folders SET audit_count = %s, audit_head = %s WHERE folder_id = %s",
                        anchors,
                    )
                for req in requests:
                    for k in req.commands:
                        row = c.execute(
                            _INSERT_COMMAND,
                            (k.folder_id, _text(k.key), _text(k.command), k.version, k.result),
                        ).fetchone()
                        if row is None:
                            # a retry with the same key raced this one and won (the batch rolls back)
                            raise ConcurrencyConflict(k.folder_id, req.expected_version, None)
            for req, plan in zip(requests, plans, strict=True):
                writer.wrote(req.folder, plan)
        return tuple(sealed)

    @staticmethod
    def _version_in(cursor: Any, folder_id: str) -> int | None:
        row = cursor.execute(
            "SELECT version FROM folders WHERE folder_id = %s", (folder_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def events(self, folder_id: str, *, after: int = 0) -> tuple[Any, ...]:
        """Return the folder's events after a sequence number, oldest first."""
        rows = self._all(
            "SELECT document FROM events WHERE folder_id = %s AND last_sequence > %s "
            "ORDER BY last_sequence",
            (folder_id, after),
        )
        return events_after(self.codec, rows, folder_id, after)

    # --- queries -------------------------------------------------------------------------------------

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        """Return the coach's folders, by next due date (none last), then id (from the coach index)."""
        rows = self._all(
            f"SELECT {_COLUMNS} FROM folders WHERE coach_id = %s "
            "ORDER BY next_due_on NULLS LAST, folder_id",
            (_text(coach_id),),
        )
        new = tuple.__new__
        out = [_index_row(row) for row in rows]
        check_index_rows(out)  # a damaged row: FolderUnreadable
        return tuple([new(IndexRow, row) for row in out])

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        """Return the folders with something due on or before a date (from the due-date index)."""
        rows = self._all(
            "SELECT folder_id, version, next_due_on FROM folders WHERE next_due_on <= %s "
            "ORDER BY next_due_on, folder_id",
            (on_or_before,),
        )
        new = tuple.__new__
        return tuple([new(DueFolder, row) for row in rows])

    def due_states(self, on_or_before: dt.date) -> tuple[DueState, ...]:
        """Return the due folders with their saved rule state (from the due-date index and the row).

        No document is read: the sweep decides over these and loads only the folders with an action.
        """
        rows = self._all(
            "SELECT folder_id, version, next_due_on, rule_state FROM folders "
            "WHERE next_due_on <= %s ORDER BY next_due_on, folder_id",
            (on_or_before,),
        )
        return tuple(
            [
                DueState(fid, version, due, rule_text(state))  # damaged: None (read the document)
                for fid, version, due, state in rows
            ]
        )

    def index_columns(self) -> IndexColumns:
        """Return every folder's index columns as numpy arrays, in folder id order."""
        rows = self._all(f"SELECT {_COLUMNS} FROM folders ORDER BY folder_id", ())
        return index_columns_of([_index_row(row) for row in rows])

    # --- outbox --------------------------------------------------------------------------------------

    @staticmethod
    def _outbox_items(rows: list[Any]) -> tuple[OutboxItem, ...]:
        return tuple(
            OutboxItem(
                notification=serialization.loads(doc, Notification, source="outbox"),
                attempts=attempts,
                next_attempt_at=next_at,
                delivered_at=delivered,
                last_error=error,
                claimed_by=_untext(owner),
                claimed_until=until,
                dead_lettered_at=dead,
            )
            for _, doc, attempts, next_at, delivered, error, owner, until, dead in sorted(
                rows, key=lambda r: r[0]
            )
        )

    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        """Return the notifications that may be tried at ``now``, oldest first (claims nothing)."""
        rows = self._all(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE {_DUE} ORDER BY id LIMIT %s",
            (now, now, limit),
        )
        return self._outbox_items(rows)

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        """Claim due notifications for ``owner`` until ``now + lease``, oldest first.

        The items are selected ``FOR UPDATE SKIP LOCKED`` and their lease written in one transaction:
        another dispatcher claiming meanwhile skips them (it never waits for them). ``lease`` defaults
        to the store's ``claim_seconds``.
        """
        until = now + (lease if lease is not None else self.claim)
        with self._write() as conn:
            rows = conn.execute(
                "WITH picked AS (SELECT folder_id, idempotency_key FROM outbox "
                f"WHERE {_DUE} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
                "UPDATE outbox o SET claimed_by = %s, claimed_until = %s FROM picked "
                "WHERE o.folder_id = picked.folder_id "
                "AND o.idempotency_key = picked.idempotency_key "
                f"RETURNING {', '.join('o.' + c for c in _OUTBOX_COLUMNS.split(', '))}",
                (now, now, limit, _text(owner), until),
            ).fetchall()
        return self._outbox_items(rows)

    def enqueue(self, notifications: Sequence[Notification]) -> None:
        """Put notifications that belong to no folder change into the outbox, in one transaction.

        A notification already in the outbox (same idempotency key) is kept as it is. Used for messages
        about the service as a whole, such as a monitoring alert (:meth:`werkmap.Werkmap.enqueue`).
        """
        rows = [(n.folder_id, n.idempotency_key, serialization.dumps(n)) for n in notifications]
        if not rows:
            return
        with self._write() as conn, conn.cursor() as c:
            c.executemany(_INSERT_OUTBOX, rows)

    def outbox(self, *, include_delivered: bool = True) -> tuple[OutboxItem, ...]:
        """Return the outbox, oldest first."""
        undelivered = "" if include_delivered else "WHERE delivered_at IS NULL "
        rows = self._all(f"SELECT {_OUTBOX_COLUMNS} FROM outbox {undelivered}ORDER BY id", ())
        return self._outbox_items(rows)

    def outbox_size(self) -> int:
        """Return how many notifications the outbox holds (delivered and dead letters included)."""
        row = self._one("SELECT count(*) FROM outbox", ())
        return int(row[0])

    def dead_letters(self) -> tuple[OutboxItem, ...]:
        """Return the dead-lettered notifications, oldest first."""
        rows = self._all(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE dead_lettered_at IS NOT NULL ORDER BY id",
            (),
        )
        return self._outbox_items(rows)

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        """Record a delivery (a second mark keeps the first moment) and end the lease."""
        with self._write() as conn:
            before = conn.execute(
                "SELECT delivered_at FROM outbox WHERE idempotency_key = %s FOR UPDATE",
                (idempotency_key,),
            ).fetchall()
            if not before:
                raise NotFound(f"no notification with idempotency key {idempotency_key!r}")
            conn.execute(
                "UPDATE outbox SET delivered_at = coalesce(delivered_at, %s), claimed_by = '', "
                "claimed_until = NULL WHERE idempotency_key = %s",
                (at, idempotency_key),
            )
        return any(row[0] is None for row in before)

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
        return self._mark(idempotency_key, "next_attempt_at = %s", retry_at, error, owner)

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        """Dead-letter a notification after its last failed attempt."""
        return self._mark(
            idempotency_key, "next_attempt_at = NULL, dead_lettered_at = %s", at, error, owner
        )

    def _mark(self, key: str, assign: str, moment: dt.datetime, error: str, owner: str) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE outbox SET attempts = attempts + 1, {assign}, last_error = %s, "
                "claimed_by = '', claimed_until = NULL "
                f"WHERE idempotency_key = %s AND {MAY_MARK_SQL.format(p='%s')}",
                (moment, _text(error[:500]), key, _text(owner), _text(owner)),
            )
            if cursor.rowcount >= 1:
                return True
            exists = conn.execute(
                "SELECT 1 FROM outbox WHERE idempotency_key = %s", (key,)
            ).fetchone()
            if exists is None:
                raise NotFound(f"no notification with idempotency key {key!r}")
            return False

    # --- command keys --------------------------------------------------------------------------------

    def command_result(self, key: str) -> CommandKey | None:
        """Return the stored idempotency key of a command, or ``None``."""
        row = self._one(
            "SELECT idempotency_key, command, folder_id, version, result FROM command_keys "
            "WHERE idempotency_key = %s ORDER BY folder_id LIMIT 1",
            (_text(key),),
        )
        if row is None:
            return None
        return CommandKey(
            key=_untext(row[0]),
            command=_untext(row[1]),
            folder_id=row[2],
            version=int(row[3]),
            result=row[4],
        )

    def forget_command_keys(self, *, before: dt.datetime) -> int:
        """Delete the command keys stored before a moment (the result's ``"at"``); return how many."""
        with self._write() as c:
            cursor = c.execute(
                "DELETE FROM command_keys WHERE result::jsonb ->> 'at' < %s",
                (moment_text(before),),
            )
            return int(cursor.rowcount)

    # --- audit ---------------------------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Seal an entry into its folder's chain, in one transaction."""
        check_audit(entry)
        with self._write() as conn, conn.cursor() as c:
            return self._seal(c, entry)

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        """Seal several entries into their folders' chains in one transaction (all or none).

        The chains are locked in folder-id order (so two batches never wait on each other in a
        circle); each folder's entries keep the order given, and the records come back in that order.
        """
        check_audits(entries)
        if not entries:
            return ()
        order = sorted(range(len(entries)), key=lambda i: entries[i].folder_id)  # stable
        sealed: dict[int, AuditRecord] = {}
        with self._write() as conn, conn.cursor() as c:
            for i in order:
                sealed[i] = self._seal(c, entries[i])
        return tuple(sealed[i] for i in range(len(entries)))

    @staticmethod
    def _last_audit(cursor: Any, folder_id: str) -> tuple[int, str] | None:
        # one writer at a time per folder's chain (a save holds the folder row too, append_audit not)
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (folder_id,))
        last = cursor.execute(
            "SELECT sequence, hash FROM audit WHERE folder_id = %s ORDER BY sequence DESC LIMIT 1",
            (folder_id,),
        ).fetchone()
        return (int(last[0]), last[1]) if last else None

    def _seal(self, cursor: Any, entry: AuditEntry) -> AuditRecord:
        # the folder row first, then the chain's lock: the order a save takes them in
        cursor.execute(
            "SELECT 1 FROM folders WHERE folder_id = %s FOR UPDATE", (entry.folder_id,)
        ).fetchall()
        record = seal_next(entry, self._last_audit(cursor, entry.folder_id), key=self._key)
        cursor.execute(_INSERT_AUDIT, audit_row(record, _text))
        anchor = (record.sequence, record.hash, record.folder_id)
        cursor.execute(
            "UPDATE folders SET audit_count = %s, audit_head = %s WHERE folder_id = %s", anchor
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "UPDATE erasures SET audit_count = %s, audit_head = %s WHERE folder_id = %s", anchor
            )
        return record

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        rows = self._all(
            "SELECT folder_id, sequence, actor, action, what, at, why, previous_hash, hash, "
            "events, seal, erased FROM audit WHERE folder_id = %s ORDER BY sequence",
            (folder_id,),
        )
        return audit_records_of(rows, _untext)

    # --- integrity and erasure -------------------------------------------------------------------

    def audit_anchor(self, folder_id: str) -> AuditAnchor | None:
        """Return the head of the folder's chain as its row (or tombstone) keeps it, or ``None``."""
        for query in _ANCHOR_SQL:
            row = self._one(query, (folder_id,))
            if row is not None:
                return AuditAnchor(count=int(row[0]), head=row[1] or "")
        return None

    def event_rows(self, folder_id: str) -> tuple[EventRow, ...]:
        """Return the folder's event log as stored: one row per save, oldest first."""
        rows = self._all(
            "SELECT first_sequence, last_sequence, document FROM events WHERE folder_id = %s "
            "ORDER BY last_sequence",
            (folder_id,),
        )
        return tuple(EventRow(int(a), int(b), text_of(doc)) for a, b, doc in rows)

    def audit_folders(self) -> tuple[str, ...]:
        """Return every folder id with an audit trail, a row or a tombstone, sorted."""
        rows = self._all(
            "SELECT folder_id FROM folders UNION SELECT folder_id FROM audit "
            "UNION SELECT folder_id FROM erasures ORDER BY 1",
            (),
        )
        return tuple(r[0] for r in rows)

    def erasures(self) -> tuple[Tombstone, ...]:
        """Return the tombstones of the erased folders, by folder id."""
        rows = self._all(
            "SELECT tombstone, audit_count, audit_head FROM erasures WHERE state = 'erased' "
            "ORDER BY folder_id",
            (),
        )
        return tuple(tombstone_of(text, int(n), head or "") for text, n, head in rows)

    def personal_data(self, folder_id: str) -> dict[str, int]:
        """Return how many rows of each table still hold data of the folder (all 0 once erased)."""
        out: dict[str, int] = {}
        for table, (count, _) in _FOLDER_SQL.items():
            out[table] = int(self._one(count, (folder_id,))[0])
        return out

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
        """Erase a folder's personal data in one transaction and leave a tombstone.

        As :meth:`werkmap.storage.sqlite.SQLiteStore.erase`. PostgreSQL keeps the old row versions
        until ``VACUUM`` reuses their space (and in its write-ahead log and backups): see the
        operations guide.

        Raises:
            NotFound: there is no such folder.
            ConcurrencyConflict: the folder is at another version than ``expected_version``.
        """
        check_audit(entry)
        with self._write() as conn, conn.cursor() as c:
            row = c.execute(
                "SELECT version FROM folders WHERE folder_id = %s FOR UPDATE", (folder_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no folder {folder_id!r} in the store")
            if int(row[0]) != expected_version:
                raise ConcurrencyConflict(folder_id, expected_version, int(row[0]))
            c.execute(
                "INSERT INTO erasures (folder_id, state, tombstone) VALUES (%s, 'erasing', '{}') "
                "ON CONFLICT (folder_id) DO UPDATE SET state = 'erasing'",
                (folder_id,),
            )
            texts = 0
            for record in audit_records_of(
                c.execute(
                    "SELECT folder_id, sequence, actor, action, what, at, why, previous_hash, "
                    "hash, events, seal, erased FROM audit WHERE folder_id = %s ORDER BY sequence",
                    (folder_id,),
                ).fetchall(),
                _untext,
            ):
                if record.erased:
                    continue
                texts += 1
                done = record.erase()
                c.execute(
                    "UPDATE audit SET actor = %s, what = %s, why = %s, erased = %s "
                    "WHERE folder_id = %s AND sequence = %s",
                    (_text(done.actor), "", "", done.erased, folder_id, record.sequence),
                )
            removed = {"audit_texts": texts}
            for table, (_, delete) in _FOLDER_SQL.items():
                c.execute(delete, (folder_id,))
                removed[table] = c.rowcount
            tomb = tombstone_for(
                entry,
                self._seal(c, entry),
                policy=policy,
                closed_on=closed_on,
                retention_ends_on=retention_ends_on,
                removed=removed,
            )
            c.execute(
                "UPDATE erasures SET state = 'erased', tombstone = %s WHERE folder_id = %s",
                (tombstone_text(tomb), folder_id),
            )
        with self._lock:
            self._documents.forget(folder_id)
        return tomb


def _split_url(url: str) -> tuple[str, dict[str, str]]:
    """Split a URL into the libpq connection URL (without werkmap's options) and werkmap's options."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        raise StorageError(f"not a valid postgresql URL: {redact_url(url)}") from None
    ours = {k: v for k, v in pairs if k in _OPTIONS}
    libpq = [(k, v) for k, v in pairs if k not in _OPTIONS]
    if not any(k == "connect_timeout" for k, _ in libpq):
        libpq.append(("connect_timeout", "10"))
    scheme = "postgresql" if parts.scheme.lower() in {"postgresql", "postgres"} else parts.scheme
    conninfo = urlunsplit((scheme, parts.netloc, parts.path, urlencode(libpq), parts.fragment))
    return conninfo, ours


@hookimpl
def werkmap_storage_schemes() -> list[str]:
    """Serve ``postgresql://`` (and ``postgres://``)."""
    return ["postgresql", "postgres"]


@hookimpl
def werkmap_open_store(url: str, options: Mapping[str, str]) -> PostgresStore | None:
    """Open ``postgresql://…`` (see :class:`PostgresStore` and the module text for the options)."""
    if scheme_of(url) not in {"postgresql", "postgres"}:
        return None
    try:
        claim = float(options["claim_seconds"]) if "claim_seconds" in options else None
    except ValueError:
        raise StorageError("the postgresql option claim_seconds must be a number") from None
    return PostgresStore(
        url,
        schema=options.get("schema"),
        migrate=flag(options["migrate"]) if "migrate" in options else None,
        claim_seconds=claim,
        audit_key=audit_key_option(options),
    )
