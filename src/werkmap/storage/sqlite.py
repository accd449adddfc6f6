"""The ``sqlite://`` storage plugin: the embedded default, a real database that loses nothing.

* **Layout.** A folder is one row: its index columns (coach, status, band, next due date, next
  conversation, activity counts), the rule state the sweep reads (``rule_state``) and a snapshot of its
  document without the event log. A save writes the compact row, a patch of what changed
  (``folder_changes``) and its new events; the snapshot is written again only when it pays
  (:mod:`werkmap.storage.compact`). The new events of one save are one row of the event log (a JSON array
  with its first and last sequence number); loading a folder reads snapshot, patches and events in one
  transaction. Documents, patches, events, audit records and outbox documents are packed JSON (read any
  of them with :func:`werkmap.storage.compact.text_of`). Indexes on the coach and on the next due date; triggers
  refuse any change to the event log or an audit record once written.
* **Transactions.** Every write command is one ``BEGIN IMMEDIATE`` … ``COMMIT``: the write lock is taken
  first, the version is checked under it (``UPDATE … WHERE version = ?``), so two writers from the same
  version give one success and one :class:`~werkmap.errors.ConcurrencyConflict`.
* **Durability.** WAL journal with ``synchronous=FULL`` by default: a committed transaction survives a crash
  of the process *and* of the machine. ``?synchronous=normal`` is faster and still never corrupts the
  database in WAL mode, but the last transactions before a power cut may be lost (not on a process crash).
* **Migrations.** A version table holds the schema version; a new file is created at version 1 and
  migrated forward by the same steps an old file takes (:mod:`werkmap.storage.sqlite_schema`). A file
  from a newer werkmap is refused.
* **Safety.** Only parameterised SQL; no pickle; errors never show folder contents or credentials.

URL: ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (as in SQLAlchemy), with options
``synchronous`` (``full``/``normal``), ``timeout`` (seconds to wait for the write lock), ``checkpoint_pages``
(how far the write-ahead log grows before it is copied into the file), ``max_page_count``,
``migrate``, ``read_only`` and ``create`` (``true``/``false``; see :class:`SQLiteStore`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from werkmap import serialization
from werkmap.errors import ConcurrencyConflict, NotFound, SchemaVersionError, StorageError
from werkmap.storage._common import (
    DEFAULT_LEASE,
    MAY_MARK_SQL,
    LockedQueries,
    SavesThroughMany,
    anchor_of,
    audit_key_option,
    check_audit,
    check_audits,
    check_index_rows,
    check_requests,
    event_row,
    events_after,
    flag,
    index_columns_of,
    moment_of,
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
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite_schema import (
    AUDIT_ANCHORS_AND_ERASURE,
    MIGRATIONS,
    OUTBOX_LEASES_AND_COMMAND_KEYS,
    SCHEMA_V1,
    KeyedStep,
    _audit_blob,
    _audit_row,
    _audit_rows_to_records,
)
from werkmap.storage.url import scheme_of
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

__all__ = [
    "AUDIT_ANCHORS_AND_ERASURE",
    "MIGRATIONS",
    "OUTBOX_LEASES_AND_COMMAND_KEYS",
    "SCHEMA_V1",
    "SQLiteStore",
    "path_of_url",
    "werkmap_open_store",
    "werkmap_storage_schemes",
]

_COLUMNS = (
    "folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
    "next_conversation_on, open_activities, overdue_activities"
)
_INSERT_FOLDER = (
    "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
    "next_conversation_on, open_activities, overdue_activities, rule_state, document, "
    "audit_count, audit_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# the audit anchor moves only when the save seals records (else both parameters are NULL)
_ANCHOR_SET = "audit_count = coalesce(?, audit_count), audit_head = coalesce(?, audit_head)"
_UPDATE_FOLDER = (
    "UPDATE folders SET version = ?, jobseeker_ref = ?, coach_id = ?, status = ?, band = ?, "
    "next_due_on = ?, next_conversation_on = ?, open_activities = ?, overdue_activities = ?, "
    f"rule_state = ?, document = ?, {_ANCHOR_SET} WHERE folder_id = ? AND version = ?"
)
# a save that writes a patch: the compact folder row, without its document
_UPDATE_ROW = (
    "UPDATE folders SET version = ?, jobseeker_ref = ?, coach_id = ?, status = ?, band = ?, "
    "next_due_on = ?, next_conversation_on = ?, open_activities = ?, overdue_activities = ?, "
    f"rule_state = ?, {_ANCHOR_SET} WHERE folder_id = ? AND version = ?"
)
_LAST_AUDIT = "SELECT sequence, hash FROM audit WHERE folder_id = ? ORDER BY sequence DESC LIMIT 1"
# _INSERT_FOLDER and _UPDATE_FOLDER take the index columns in the same order.
_INSERT_OUTBOX = (
    "INSERT INTO outbox (idempotency_key, folder_id, document) VALUES (?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO NOTHING"
)
_INSERT_COMMAND = (
    "INSERT INTO command_keys (idempotency_key, command, folder_id, version, result) "
    "VALUES (?, ?, ?, ?, ?)"
)
_OUTBOX_COLUMNS = (
    "document, attempts, next_attempt_at, delivered_at, last_error, claimed_by, claimed_until, "
    "dead_lettered_at"
)
# an item that may be tried at a moment (the parameters: the moment, twice)
_DUE = (
    "delivered_at IS NULL AND dead_lettered_at IS NULL "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
    "AND (claimed_until IS NULL OR claimed_until <= ?)"
)
_PENDING = f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE {_DUE} ORDER BY id LIMIT ?"
_CLAIM = (
    "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN "
    f"(SELECT id FROM outbox WHERE {_DUE} ORDER BY id LIMIT ?) "
    f"RETURNING id, {_OUTBOX_COLUMNS}"
)
_MARK = (
    "UPDATE outbox SET attempts = attempts + 1, {assign}, last_error = ?, "
    "claimed_by = '', claimed_until = NULL "
    f"WHERE idempotency_key = ? AND {MAY_MARK_SQL.format(p='?')}"
)
_DEAD_LETTERS = (
    f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE dead_lettered_at IS NOT NULL ORDER BY id"
)
_MARK_FAILED = _MARK.format(assign="next_attempt_at = ?")
_MARK_DEAD = _MARK.format(assign="next_attempt_at = NULL, dead_lettered_at = ?")
_SYNCHRONOUS = {"full": "FULL", "normal": "NORMAL", "extra": "EXTRA"}
_OPTIONS = frozenset(
    {
        "synchronous",
        "timeout",
        "max_page_count",
        "migrate",
        "read_only",
        "checkpoint_pages",
        "create",
        "audit_key",
    }
)


def _outbox_document(notification: Notification) -> bytes:
    """An outbox item's document: the notification's JSON envelope, packed (read with ``text_of``).

    Packed, an item of the 5,000-jobseeker demo takes 214 bytes instead of 441 (25,391 items): the
    outbox was 13.9 MB of the store's 35.8 MB. Rows written as plain JSON text read the same way.
    """
    return pack(serialization.dumps(notification))


_SQLITE_HEADER = b"SQLite format 3\x00"


def _empty_file(name: str) -> StorageError:
    return StorageError(
        f"{name} is empty (0 bytes, or a SQLite database without tables), not a werkmap store; "
        "nothing was written. To make a new store "
        "in it, open it with create=True (sqlite:///...?create=true), or give a path that does not "
        "exist yet"
    )


def _date_text(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


class SQLiteStore(SavesThroughMany, LockedQueries):
    """A :class:`~werkmap.storage.protocol.Store` in one SQLite file (see the module text).

    Args:
        path: the database file (made when missing, with its schema).
        codec: how folders are written (default: the ``WorkFolder`` codec).
        synchronous: ``"full"`` (default: durable across power loss) or ``"normal"`` (durable across a
            process crash; in WAL mode never corrupt).
        timeout: seconds a writer waits for another writer's lock before :class:`StorageError`.
        max_page_count: a size limit in pages (tests use it to simulate a full disk).
        checkpoint_pages: how large the write-ahead log may grow (in pages of 4 KiB) before SQLite copies
            it into the database file (default 1000, SQLite's own). A bulk load (a simulation) is faster
            with a larger value; durability is the same.
        migrate: migrate an older database on open (``False``: refuse it with :class:`SchemaVersionError`).
        read_only: open the file read-only (queries work; every write raises :class:`StorageError`).
        create: whether a new store may be made. ``None`` (default): as ``sqlite3.connect`` does, a
            missing file becomes a new store; but an existing empty file (0 bytes, or a SQLite
            database without tables) is refused, since werkmap did not make it. ``True``: also make
            a store in such an empty file (one from ``mktemp``). ``False``: never make one; the file
            must be a werkmap store already (as ``psycopg`` never makes a database).

    Opening changes nothing until the file is known to be a werkmap store of a version this werkmap
    reads: a file that is not a SQLite database, another application's SQLite database, a store
    from a newer werkmap or an empty file is refused with its bytes and modification time as they
    were and no ``-wal`` or ``-shm`` file left behind. Only then is the journal switched to WAL and
    an older store migrated (or a new one made).
        audit_key: the host's secret audit key (at least 16 bytes): audit records are sealed with
            HMAC-SHA256 under it, so that nobody without it can re-seal a chain (``None``: the public
            SHA-256). Never put it in the URL; see the durability page.

    Raises:
        StorageError: the file cannot be opened, is corrupt, is empty (unless ``create=True``), is
            missing (with ``create=False``), or is not a werkmap database.
        SchemaVersionError: the file was written by a newer werkmap (or is older and ``migrate`` is off).
    """

    _driver_errors: ClassVar[tuple[type[Exception], ...]] = (sqlite3.Error,)

    def __init__(
        self,
        path: str | Path,
        *,
        codec: FolderCodec | None = None,
        synchronous: str = "full",
        timeout: float = 10.0,
        max_page_count: int | None = None,
        migrate: bool = True,
        read_only: bool = False,
        checkpoint_pages: int = 1000,
        create: bool | None = None,
        audit_key: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        self._key = check_audit_key(audit_key)
        self.read_only = read_only
        self._codec_given = codec
        self._documents = DocumentWriter(self.codec)
        self._lock = threading.RLock()
        if synchronous.lower() not in _SYNCHRONOUS:
            raise StorageError(
                f"synchronous must be one of {', '.join(_SYNCHRONOUS)}, got {synchronous!r}"
            )
        # Nothing is written (no file made, no WAL switch, no table) before the file is known to be a
        # werkmap store of this version, or a new store may be made where it is.
        in_memory = str(path) == ":memory:"
        fresh = in_memory or self._check_file(create)
        mode = "ro" if read_only else ("rwc" if fresh else "rw")
        try:
            self._conn = sqlite3.connect(
                "file::memory:" if in_memory else f"{self.path.absolute().as_uri()}?mode={mode}",
                uri=True,
                timeout=timeout,
                isolation_level=None,
                # one connection shared by the threads of a service, every use under self._lock
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            self._setup(synchronous, max_page_count, migrate, checkpoint_pages, fresh=fresh)
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    @property
    def codec(self) -> FolderCodec:
        """The codec the store writes folders with."""
        return self._codec_given or default_codec()

    # --- opening, schema and migrations ---------------------------------------------------------------

    def _check_file(self, create: bool | None) -> bool:
        """Look at the file before SQLite opens it; return whether a new store is to be made there.

        Reads at most the 100-byte header; refuses (changing nothing) a missing file when ``create`` is
        ``False``, an empty one unless it is ``True``, and one that is not a SQLite database.
        """
        name = self.path.name
        try:
            with self.path.open("rb") as f:
                header = f.read(100)
        except FileNotFoundError:
            if create is False or self.read_only:
                raise StorageError(
                    f"{name}: no such file, and a new store was not asked for; nothing was written"
                ) from None
            return True
        except IsADirectoryError:
            raise StorageError(f"{name} is a directory, not a werkmap store") from None
        except OSError as exc:
            raise StorageError(
                f"{name} cannot be read ({exc.strerror}); nothing was written"
            ) from None
        if not header:
            if create is not True or self.read_only:
                raise _empty_file(name)
            return True
        if not header.startswith(_SQLITE_HEADER):
            raise StorageError(
                f"{name}: the database file is corrupt or not a SQLite database; nothing was written"
            )
        if len(header) == 100 and int.from_bytes(header[68:72], "big") != 0:
            raise StorageError(
                f"{name} is a SQLite database of another application (application_id "
                f"{int.from_bytes(header[68:72], 'big')}), not a werkmap store; nothing was written"
            )
        return create is True  # a SQLite database without tables may become a store only when asked

    def _setup(
        self,
        synchronous: str,
        max_page_count: int | None,
        migrate: bool,
        checkpoint_pages: int,
        *,
        fresh: bool,
    ) -> None:
        conn = self._conn
        try:
            # read only: the checks below decide whether anything may be written
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        if not tables:
            if self.read_only:
                raise StorageError(f"{self.path.name} is empty and was opened read-only")
            if not fresh:  # a SQLite database without tables that werkmap did not just make
                raise _empty_file(self.path.name)
        elif "werkmap_schema" not in tables:
            raise StorageError(
                f"{self.path.name} is a SQLite database but not a werkmap store (no version table); "
                "nothing was written"
            )
        else:
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path.name} was written with storage schema version {version}; this "
                    f"werkmap knows up to {SCHEMA_VERSION}. Upgrade werkmap to open it; nothing was "
                    "changed"
                )
            if version < SCHEMA_VERSION and (not migrate or self.read_only):
                raise SchemaVersionError(
                    f"{self.path.name} is at storage schema version {version}; migrate it to "
                    f"{SCHEMA_VERSION} first (nothing was changed)"
                )
        # known to be ours and readable (or a new store): now the settings, then create or migrate
        try:
            if self.read_only:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            else:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute(f"PRAGMA synchronous = {_SYNCHRONOUS[synchronous.lower()]}")
            if max_page_count is not None:
                conn.execute(f"PRAGMA max_page_count = {int(max_page_count)}")
            checkpoint = max(int(checkpoint_pages), 1)
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        self.journal_mode = str(mode).lower()
        if not tables:
            with self._write() as c:
                for statement in SCHEMA_V1:
                    c.execute(statement)
                self._apply_migrations(c, 1)
            return
        if self.schema_version() < SCHEMA_VERSION:
            self.migrate()

    def _apply_migrations(self, conn: sqlite3.Connection, start: int) -> None:
        for version in range(start, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                if isinstance(statement, KeyedStep):
                    statement(conn, self._key)
                elif callable(statement):
                    statement(conn)
                else:
                    conn.execute(statement)

    def schema_version(self) -> int:
        """Return the schema version in the file's version table."""
        with self._lock:
            try:
                row = self._conn.execute(
                    "SELECT version FROM werkmap_schema WHERE id = 1"
                ).fetchone()
            except sqlite3.Error as exc:
                raise self._error(exc) from None
        if row is None or not isinstance(row[0], int):
            raise StorageError(f"{self.path.name} has an empty or damaged version table")
        return row[0]

    def migrate(self) -> int:
        """Migrate the file to :data:`SCHEMA_VERSION` in one transaction; return the version."""
        with self._write() as c:
            version = c.execute("SELECT version FROM werkmap_schema WHERE id = 1").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path.name} is at storage schema version {version}, newer than "
                    f"{SCHEMA_VERSION}"
                )
            self._apply_migrations(c, version)
        return SCHEMA_VERSION

    def integrity_check(self) -> list[str]:
        """Run SQLite's ``PRAGMA integrity_check``; ``["ok"]`` when the file is sound."""
        with self._lock:
            try:
                return [row[0] for row in self._conn.execute("PRAGMA integrity_check")]
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    # --- transactions and errors ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._error(exc) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _error(self, exc: sqlite3.Error) -> StorageError:
        text = str(exc).lower()
        where = self.path.name
        if "full" in text or "too big" in text:
            what = "the disk is full (or the database reached its size limit)"
        elif "readonly" in text or "read-only" in text:
            what = "the database is read-only"
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            what = "the database file is corrupt or not a SQLite database"
        elif "locked" in text or "busy" in text:
            what = "the database is locked by another writer; try again"
        elif "unable to open" in text:
            what = "the database file cannot be opened (does its directory exist?)"
        elif "append-only" in text:
            what = "the event log and the audit trail are append-only"
        else:
            what = f"SQLite said: {type(exc).__name__}: {exc}"
        return StorageError(f"{where}: {what}; nothing was written")

    def close(self) -> None:
        """Close the connection (a WAL checkpoint happens on the last close)."""
        with self._lock:
            self._conn.close()

    # --- folders -------------------------------------------------------------------------------------

    def load(self, folder_id: str) -> Any:
        """Return the folder with this id (raises :class:`~werkmap.errors.NotFound`)."""
        with self._lock:
            conn = self._conn
            try:
                # one read transaction: the snapshot, its patches and the events from one state
                conn.execute("BEGIN")
                try:
                    row = conn.execute(
                        "SELECT document FROM folders WHERE folder_id = ?", (folder_id,)
                    ).fetchone()
                    if row is None:
                        raise NotFound(f"no folder {folder_id!r} in the store")
                    patches = [
                        patch
                        for (patch,) in conn.execute(
                            "SELECT patch FROM folder_changes WHERE folder_id = ? ORDER BY version",
                            (folder_id,),
                        )
                    ]
                    events = [
                        text
                        for (text,) in conn.execute(
                            "SELECT document FROM events WHERE folder_id = ? ORDER BY last_sequence",
                            (folder_id,),
                        )
                    ]
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            folder, current = load_folder(
                self.codec,
                row[0],
                patches,
                events,
                source=f"folder {folder_id!r}",
                folder_id=folder_id,
            )
            self._documents.loaded(folder, len(row[0]), sum(map(len, patches)), current)
        return folder

    def load_many(self, folder_ids: Sequence[str]) -> dict[str, Any]:
        """Return the folders with these ids that exist, by id, read in one transaction.

        One query per table for up to 500 folders, instead of four statements a folder: the daily sweep
        reads the folders it changes this way (measured on a 100,000-folder store, 2,328 folders
        changed: ``load`` spent 4.0 s of the sweep's 15.6 s (profiled) in 18,631 SQLite statements).
        """
        out: dict[str, Any] = {}
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN")
                try:
                    for start in range(0, len(folder_ids), 500):
                        chunk = list(folder_ids[start : start + 500])
                        marks = ", ".join("?" * len(chunk))
                        documents = dict(
                            conn.execute(
                                f"SELECT folder_id, document FROM folders "
                                f"WHERE folder_id IN ({marks})",
                                chunk,
                            ).fetchall()
                        )
                        patches: dict[str, list[Any]] = {}
                        for fid, patch in conn.execute(
                            f"SELECT folder_id, patch FROM folder_changes "
                            f"WHERE folder_id IN ({marks}) ORDER BY folder_id, version",
                            chunk,
                        ):
                            patches.setdefault(fid, []).append(patch)
                        events: dict[str, list[Any]] = {}
                        for fid, text in conn.execute(
                            f"SELECT folder_id, document FROM events "
                            f"WHERE folder_id IN ({marks}) ORDER BY folder_id, last_sequence",
                            chunk,
                        ):
                            events.setdefault(fid, []).append(text)
                        for fid, document in documents.items():
                            mine = patches.get(fid, [])
                            folder, current = load_folder(
                                self.codec,
                                document,
                                mine,
                                events.get(fid, []),
                                source=f"folder {fid!r}",
                                folder_id=fid,
                            )
                            self._documents.loaded(
                                folder, len(document), sum(map(len, mine)), current
                            )
                            out[fid] = folder
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
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
            with self._write() as c:
                new_rows: list[tuple[Any, ...]] = []
                event_rows: list[tuple[str, int, int, bytes]] = []
                outbox_rows: list[tuple[str, str, bytes]] = []
                patch_rows: list[tuple[str, int, bytes]] = []
                command_rows: list[tuple[str, str, str, int, str]] = []
                audit_rows: list[tuple[str, int, bytes, bytes]] = []
                for req, plan in zip(requests, plans, strict=True):
                    folder = req.folder
                    fid: str = folder.folder_id
                    ix = req.index
                    last = plan.last_sequence
                    if last is None:
                        last = c.execute(
                            "SELECT coalesce(max(last_sequence), 0) FROM events "
                            "WHERE folder_id = ?",
                            (fid,),
                        ).fetchone()[0]
                    row = event_row(codec, fid, codec.events(folder), last)
                    written: list[EventRow] = []
                    if row is not None:
                        event_rows.append((*row[:3], pack(row[3])))
                        written.append(EventRow(row[1], row[2], row[3]))
                    head: tuple[int, str] | None = None
                    if req.audit or req.expected_version == 0:
                        records = self._seal_save(c, fid, req.audit, written)
                        sealed.extend(records)
                        audit_rows.extend(_audit_row(r) for r in records)
                        head = anchor_of(records) or self._last_audit(c, fid)
                    anchor = (head[0], bytes.fromhex(head[1])) if head else (None, None)
                    columns = (
                        folder.jobseeker_ref,
                        ix.coach_id,
                        ix.status,
                        ix.band,
                        _date_text(ix.next_due_on),
                        _date_text(ix.next_conversation_on),
                        ix.open_activities,
                        ix.overdue_activities,
                        None if ix.rule_state is None else pack(ix.rule_state),
                    )
                    if req.expected_version == 0:
                        new_rows.append(
                            (
                                fid,
                                folder.version,
                                *columns,
                                plan.snapshot,
                                anchor[0] or 0,
                                anchor[1],
                            )
                        )
                    else:
                        if plan.snapshot is not None:
                            cursor = c.execute(
                                _UPDATE_FOLDER,
                                (
                                    folder.version,
                                    *columns,
                                    plan.snapshot,
                                    *anchor,
                                    fid,
                                    req.expected_version,
                                ),
                            )
                        else:
                            cursor = c.execute(
                                _UPDATE_ROW,
                                (folder.version, *columns, *anchor, fid, req.expected_version),
                            )
                        if cursor.rowcount != 1:
                            raise ConcurrencyConflict(
                                fid, req.expected_version, self._version_in(c, fid)
                            )
                        if plan.snapshot is not None:
                            c.execute("DELETE FROM folder_changes WHERE folder_id = ?", (fid,))
                        else:
                            assert plan.patch is not None
                            patch_rows.append((fid, folder.version, plan.patch))
                    if req.notifications:
                        outbox_rows.extend(
                            (n.idempotency_key, fid, _outbox_document(n)) for n in req.notifications
                        )
                    command_rows.extend(
                        (k.key, k.command, k.folder_id, k.version, k.result) for k in req.commands
                    )
                if new_rows:
                    try:
                        c.executemany(_INSERT_FOLDER, new_rows)
                    except sqlite3.IntegrityError:
                        # Some new folder exists already: name the first one (the whole batch rolls
                        # back).
                        for new_row in new_rows:
                            actual = self._version_in(c, new_row[0])
                            if actual is not None:
                                raise ConcurrencyConflict(new_row[0], 0, actual) from None
                        raise
                if patch_rows:
                    c.executemany("INSERT INTO folder_changes VALUES (?, ?, ?)", patch_rows)
                c.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", event_rows)
                if audit_rows:
                    c.executemany(
                        "INSERT INTO audit (folder_id, sequence, hash, record) VALUES (?, ?, ?, ?)",
                        audit_rows,
                    )
                if outbox_rows:
                    c.executemany(_INSERT_OUTBOX, outbox_rows)
                if command_rows:
                    try:
                        c.executemany(_INSERT_COMMAND, command_rows)
                    except sqlite3.IntegrityError:
                        # a retry with the same key raced this one and won (the batch rolls back)
                        fid = command_rows[0][2]
                        raise ConcurrencyConflict(fid, requests[0].expected_version, None) from None
            for req, plan in zip(requests, plans, strict=True):
                writer.wrote(req.folder, plan)
        return tuple(sealed)

    @staticmethod
    def _version_in(conn: sqlite3.Connection, folder_id: str) -> int | None:
        row = conn.execute(
            "SELECT version FROM folders WHERE folder_id = ?", (folder_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def events(self, folder_id: str, *, after: int = 0) -> tuple[Any, ...]:
        """Return the folder's events after a sequence number, oldest first."""
        rows = self._all(
            "SELECT document FROM events WHERE folder_id = ? AND last_sequence > ? "
            "ORDER BY last_sequence",
            (folder_id, after),
        )
        return events_after(self.codec, rows, folder_id, after)

    # --- queries -------------------------------------------------------------------------------------

    @staticmethod
    def _dates_of(rows: list[Any], *columns: int) -> dict[str | None, dt.date | None]:
        """Parse each distinct ISO date in some columns once (a query result has few distinct dates)."""
        texts = {row[c] for row in rows for c in columns}
        parsed: dict[str | None, dt.date | None] = {
            t: dt.date.fromisoformat(t) for t in texts if t is not None
        }
        parsed[None] = None
        return parsed

    def _index_rows(self, rows: list[Any]) -> tuple[IndexRow, ...]:
        check_index_rows(rows)  # a damaged row: FolderUnreadable, never a raw ValueError
        date = self._dates_of(rows, 6, 7)
        new = tuple.__new__
        return tuple(
            [
                new(IndexRow, (fid, version, ref, coach, status, band, date[due], date[talk], o, d))
                for fid, version, ref, coach, status, band, due, talk, o, d in rows
            ]
        )

    def caseload(self, coach_id: str) -> tuple[IndexRow, ...]:
        """Return the coach's folders, by next due date (none last), then id."""
        rows = self._all(
            f"SELECT {_COLUMNS} FROM folders WHERE coach_id = ? "
            "ORDER BY next_due_on IS NULL, next_due_on, folder_id",
            (coach_id,),
        )
        return self._index_rows(rows)

    def due(self, on_or_before: dt.date) -> tuple[DueFolder, ...]:
        """Return the folders with something due on or before a date (from the due-date index)."""
        rows = self._all(
            "SELECT folder_id, version, next_due_on FROM folders WHERE next_due_on <= ? "
            "ORDER BY next_due_on, folder_id",
            (on_or_before.isoformat(),),
        )
        date = self._dates_of(rows, 2)
        new = tuple.__new__
        return tuple([new(DueFolder, (fid, version, date[due])) for fid, version, due in rows])

    def due_states(self, on_or_before: dt.date) -> tuple[DueState, ...]:
        """Return the due folders with their saved rule state (from the due-date index and the row).

        No document is read: the sweep decides over these and loads only the folders with an action. A row
        whose due date or rule state is damaged comes with the date asked and no rule state (the sweep
        then reads that folder's document), so it never stops the query for the others.
        """
        rows = self._all(
            "SELECT folder_id, version, next_due_on, rule_state FROM folders "
            "WHERE next_due_on <= ? ORDER BY next_due_on, folder_id",
            (on_or_before.isoformat(),),
        )
        date: dict[Any, dt.date | None] = {}
        for text in {row[2] for row in rows}:
            try:
                date[text] = dt.date.fromisoformat(text)
            except (TypeError, ValueError):
                date[text] = None  # damaged
        new = tuple.__new__
        return tuple(
            [
                new(DueState, (fid, version, date[due], rule_text(state)))
                if date[due] is not None
                else new(DueState, (fid, version, on_or_before, None))
                for fid, version, due, state in rows
            ]
        )

    def index_columns(self) -> IndexColumns:
        """Return every folder's index columns as numpy arrays, in folder id order."""
        rows = self._all(f"SELECT {_COLUMNS} FROM folders ORDER BY folder_id", ())
        return index_columns_of(rows)

    # --- outbox --------------------------------------------------------------------------------------

    def _outbox_items(self, rows: list[Any]) -> tuple[OutboxItem, ...]:
        return tuple(
            OutboxItem(
                notification=serialization.loads(text_of(doc), Notification, source="outbox"),
                attempts=attempts,
                next_attempt_at=moment_of(next_at),
                delivered_at=moment_of(delivered),
                last_error=error,
                claimed_by=owner or "",
                claimed_until=moment_of(until),
                dead_lettered_at=moment_of(dead),
            )
            for doc, attempts, next_at, delivered, error, owner, until, dead in rows
        )

    def pending_notifications(
        self, *, now: dt.datetime, limit: int = 100
    ) -> tuple[OutboxItem, ...]:
        """Return the notifications that may be tried at ``now``, oldest first (claims nothing)."""
        at = moment_text(now)
        rows = self._all(_PENDING, (at, at, limit))
        return self._outbox_items(rows)

    def enqueue(self, notifications: Sequence[Notification]) -> None:
        """Put notifications that belong to no folder change into the outbox, in one transaction.

        A notification already in the outbox (same idempotency key) is kept as it is. Used for messages
        about the service as a whole, such as a monitoring alert (:meth:`werkmap.Werkmap.enqueue`).
        """
        rows = [(n.idempotency_key, n.folder_id, _outbox_document(n)) for n in notifications]
        if not rows:
            return
        with self._write() as conn:
            conn.executemany(_INSERT_OUTBOX, rows)

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        """Claim due notifications for ``owner`` (``BEGIN IMMEDIATE``: one claimer at a time)."""
        at = moment_text(now)
        until = moment_text(now + (lease if lease is not None else DEFAULT_LEASE))
        with self._write() as c:
            rows = c.execute(_CLAIM, (owner, until, at, at, limit)).fetchall()
        return self._outbox_items([row[1:] for row in sorted(rows)])

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
        rows = self._all(_DEAD_LETTERS, ())
        return self._outbox_items(rows)

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        """Record a delivery (a second mark keeps the first moment) and end the lease."""
        with self._write() as c:
            row = c.execute(
                "SELECT delivered_at FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no notification with idempotency key {idempotency_key!r}")
            c.execute(
                "UPDATE outbox SET delivered_at = coalesce(delivered_at, ?), claimed_by = '', "
                "claimed_until = NULL WHERE idempotency_key = ?",
                (moment_text(at), idempotency_key),
            )
            return row[0] is None

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
        return self._mark(idempotency_key, _MARK_FAILED, moment_text(retry_at), error, owner)

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        """Dead-letter a notification after its last failed attempt."""
        return self._mark(idempotency_key, _MARK_DEAD, moment_text(at), error, owner)

    def _mark(self, key: str, statement: str, moment: str, error: str, owner: str) -> bool:
        with self._write() as c:
            cursor = c.execute(statement, (moment, error[:500], key, owner, owner))
            if cursor.rowcount == 1:
                return True
            exists = c.execute("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()
            if exists is None:
                raise NotFound(f"no notification with idempotency key {key!r}")
            return False

    # --- command keys --------------------------------------------------------------------------------

    def command_result(self, key: str) -> CommandKey | None:
        """Return the stored idempotency key of a command, or ``None``."""
        row = self._one(
            "SELECT idempotency_key, command, folder_id, version, result FROM command_keys "
            "WHERE idempotency_key = ?",
            (key,),
        )
        if row is None:
            return None
        return CommandKey(
            key=row[0], command=row[1], folder_id=row[2], version=row[3], result=row[4]
        )

    def forget_command_keys(self, *, before: dt.datetime) -> int:
        """Delete the command keys stored before a moment (the result's ``"at"``); return how many.

        One scan of ``command_keys``, which holds only the keys of the retention window.
        """
        with self._write() as c:
            cursor = c.execute(
                "DELETE FROM command_keys WHERE json_extract(result, '$.at') < ?",
                (moment_text(before),),
            )
            return cursor.rowcount

    # --- audit ---------------------------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Seal an entry into its folder's chain, in one transaction."""
        check_audit(entry)
        with self._write() as c:
            return self._seal(c, entry)

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        """Seal several entries into their folders' chains in one transaction (all or none)."""
        check_audits(entries)
        if not entries:
            return ()
        with self._write() as c:
            return tuple(self._seal(c, entry) for entry in entries)

    @staticmethod
    def _last_audit(conn: sqlite3.Connection, folder_id: str) -> tuple[int, str] | None:
        last = conn.execute(_LAST_AUDIT, (folder_id,)).fetchone()
        return (last[0], bytes(last[1]).hex()) if last else None

    def _seal_save(
        self,
        conn: sqlite3.Connection,
        folder_id: str,
        entries: Sequence[AuditEntry],
        written: Sequence[EventRow],
    ) -> list[AuditRecord]:
        """Seal a save's entries after the chain's last record; the last one covers its events."""
        if not entries:
            return []
        last = self._last_audit(conn, folder_id)
        return seal_save(entries, last, events=events_cover(written), key=self._key)

    def _seal(self, conn: sqlite3.Connection, entry: AuditEntry) -> AuditRecord:
        record = seal_next(entry, self._last_audit(conn, entry.folder_id), key=self._key)
        conn.execute(
            "INSERT INTO audit (folder_id, sequence, hash, record) VALUES (?, ?, ?, ?)",
            _audit_row(record),
        )
        anchor = (record.sequence, bytes.fromhex(record.hash), record.folder_id)
        cursor = conn.execute(
            "UPDATE folders SET audit_count = ?, audit_head = ? WHERE folder_id = ?", anchor
        )
        if cursor.rowcount == 0:
            conn.execute(
                "UPDATE erasures SET audit_count = ?, audit_head = ? WHERE folder_id = ?", anchor
            )
        return record

    def audit_records(self, folder_id: str) -> tuple[AuditRecord, ...]:
        """Return the folder's audit trail, oldest first."""
        rows = self._all(
            "SELECT sequence, hash, record FROM audit WHERE folder_id = ? ORDER BY sequence",
            (folder_id,),
        )
        return _audit_rows_to_records(folder_id, rows)

    # --- integrity and erasure -------------------------------------------------------------------

    def audit_anchor(self, folder_id: str) -> AuditAnchor | None:
        """Return the head of the folder's chain as its row (or tombstone) keeps it, or ``None``."""
        with self._lock:
            for query in _ANCHOR_SQL:
                row = self._one(query, (folder_id,))
                if row is not None:
                    head = bytes(row[1]).hex() if row[1] is not None else ""
                    return AuditAnchor(count=int(row[0]), head=head)
        return None

    def event_rows(self, folder_id: str) -> tuple[EventRow, ...]:
        """Return the folder's event log as stored: one row per save, oldest first."""
        rows = self._all(
            "SELECT first_sequence, last_sequence, document FROM events WHERE folder_id = ? "
            "ORDER BY last_sequence",
            (folder_id,),
        )
        return tuple(EventRow(first, last, text_of(doc)) for first, last, doc in rows)

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
        return tuple(
            tombstone_of(text, count, bytes(head).hex() if head is not None else "")
            for text, count, head in rows
        )

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

        The folder row (document, rule state), its events, patches, outbox items and command keys are
        deleted; its audit records keep their place and seal but lose their free text
        (:meth:`~werkmap.storage.values.AuditRecord.erase`); the erasure's own record is sealed last.
        With ``PRAGMA secure_delete`` the freed pages are overwritten with zeros, and the write-ahead log
        is checkpointed and truncated afterwards, so the data is gone from the file too.

        Raises:
            NotFound: there is no such folder.
            ConcurrencyConflict: the folder is at another version than ``expected_version``.
        """
        check_audit(entry)
        with self._lock:
            conn = self._conn
            try:
                before = conn.execute("PRAGMA secure_delete").fetchone()[0]
                conn.execute("PRAGMA secure_delete = ON")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                with self._write() as c:
                    removed = self._erase_in(c, folder_id, expected_version)
                    tomb = tombstone_for(
                        entry,
                        self._seal(c, entry),
                        policy=policy,
                        closed_on=closed_on,
                        retention_ends_on=retention_ends_on,
                        removed=removed,
                    )
                    c.execute(
                        "UPDATE erasures SET state = 'erased', tombstone = ? WHERE folder_id = ?",
                        (tombstone_text(tomb), folder_id),
                    )
            finally:
                try:
                    conn.execute(_SECURE_DELETE[bool(before)])
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error:
                    pass
            self._documents.forget(folder_id)
        return tomb

    def _erase_in(
        self, c: sqlite3.Connection, folder_id: str, expected_version: int
    ) -> dict[str, int]:
        actual = self._version_in(c, folder_id)
        if actual is None:
            raise NotFound(f"no folder {folder_id!r} in the store")
        if actual != expected_version:
            raise ConcurrencyConflict(folder_id, expected_version, actual)
        c.execute(
            "INSERT INTO erasures (folder_id, state, tombstone) VALUES (?, 'erasing', '{}') "
            "ON CONFLICT (folder_id) DO UPDATE SET state = 'erasing'",
            (folder_id,),
        )
        texts = 0
        rows = c.execute(
            "SELECT sequence, hash, record FROM audit WHERE folder_id = ? ORDER BY sequence",
            (folder_id,),
        ).fetchall()
        for record in _audit_rows_to_records(folder_id, rows):
            if record.erased:
                continue
            texts += 1
            c.execute(
                "UPDATE audit SET record = ? WHERE folder_id = ? AND sequence = ?",
                (_audit_blob(record.erase()), folder_id, record.sequence),
            )
        removed = {"audit_texts": texts}
        for table, (_, delete) in _FOLDER_SQL.items():
            removed[table] = c.execute(delete, (folder_id,)).rowcount
        return removed


_FOLDER_TABLES = ("folders", "events", "folder_changes", "outbox", "command_keys")
"""The tables holding a folder's personal data (every row with its ``folder_id``)."""

_FOLDER_SQL = {
    table: (
        "SELECT count(*) FROM " + table + " WHERE folder_id = ?",
        "DELETE FROM " + table + " WHERE folder_id = ?",
    )
    for table in _FOLDER_TABLES
}
_ANCHOR_SQL = tuple(
    "SELECT audit_count, audit_head FROM " + table + " WHERE folder_id = ?"
    for table in ("folders", "erasures")
)
_SECURE_DELETE = {True: "PRAGMA secure_delete = 1", False: "PRAGMA secure_delete = 0"}


def path_of_url(url: str) -> str:
    """Return the file path of a ``sqlite://`` URL (SQLAlchemy style: three slashes, then the path).

    Examples:
        >>> path_of_url("sqlite:////var/lib/werkmap.db?synchronous=normal")
        '/var/lib/werkmap.db'
        >>> path_of_url("sqlite:///werkmap.db")
        'werkmap.db'
    """
    rest = url.partition("://")[2].partition("?")[0]
    if not rest.startswith("/") or len(rest) < 2:
        raise StorageError("a sqlite URL names a file: sqlite:///relative.db or sqlite:////abs.db")
    return rest[1:]


@hookimpl
def werkmap_storage_schemes() -> list[str]:
    """Serve ``sqlite://``."""
    return ["sqlite"]


@hookimpl
def werkmap_open_store(url: str, options: Mapping[str, str]) -> SQLiteStore | None:
    """Open ``sqlite:///path`` (see :class:`SQLiteStore` for the options)."""
    if scheme_of(url) != "sqlite":
        return None
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise StorageError(
            f"unknown sqlite option(s) {', '.join(unknown)}; known: {', '.join(sorted(_OPTIONS))}"
        )
    try:
        timeout = float(options.get("timeout", "10"))
        pages = int(options["max_page_count"]) if "max_page_count" in options else None
        checkpoint = int(options.get("checkpoint_pages", "1000"))
    except ValueError:
        raise StorageError(
            "sqlite options timeout, max_page_count and checkpoint_pages must be numbers"
        ) from None
    return SQLiteStore(
        path_of_url(url),
        synchronous=options.get("synchronous", "full"),
        timeout=timeout,
        max_page_count=pages,
        migrate=flag(options.get("migrate", "true")),
        read_only=flag(options.get("read_only", "false")),
        checkpoint_pages=checkpoint,
        create=flag(options["create"]) if "create" in options else None,
        audit_key=audit_key_option(options),
    )
