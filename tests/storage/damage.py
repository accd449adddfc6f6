"""Damage a stored folder on purpose, the ways a disk, a bad restore or a hand edit would (test helper).

``damage(store, folder_id, kind)`` changes the rows of one folder behind the store's back, through a
connection of its own, on a SQLite or a PostgreSQL store (and, for the document and the events, on a
memory store). Every damaged value carries :data:`MARKER`, so a test can check that no error message
quotes the folder's contents. Reopen the store (or the service) afterwards: a store or a service may
hold the folder in memory.

Kinds (:data:`KINDS`):

* ``document_json``: the snapshot is not JSON;
* ``document_zlib``: the snapshot is a compressed value that does not decompress;
* ``document_types``: the snapshot is JSON of the right shape with values of the wrong types;
* ``document_missing_key``: the snapshot lacks a required key;
* ``patch``: a patch of the document (``folder_changes``) is not JSON;
* ``events_json``, ``events_zlib``, ``events_types``: an event-log row is not JSON, does not decompress,
  or holds an event with a wrong type and a missing key;
* ``columns``: the folder row's index columns hold values no save writes (on SQLite a text in the date
  and count columns, on PostgreSQL an unknown band and a negative count);
* ``rule_state``: the rule state the sweep reads does not decompress.

The event log is append-only (triggers refuse any change), so the triggers are set aside for the one
update and put back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from werkmap.storage.compact import pack, text_of
from werkmap.storage.memory import MemoryStore
from werkmap.storage.sqlite import SQLiteStore

__all__ = ["KINDS", "MARKER", "damage"]

MARKER = "SECRET-CONTENTS-7Q2"
"""Put into every damaged value: it must never appear in an error message or a log line."""

KINDS = (
    "document_json",
    "document_zlib",
    "document_types",
    "document_missing_key",
    "patch",
    "events_json",
    "events_zlib",
    "events_types",
    "columns",
    "rule_state",
)
"""Every way :func:`damage` damages a folder."""

DOCUMENT_KINDS = KINDS[:8]
"""The kinds that damage what ``load`` reads (document, patches, events): a memory store has them too."""


def _bad_json() -> bytes:
    return ('{"schema": "werkmap.folder", "data": {"note": "' + MARKER).encode()


def _bad_zlib() -> bytes:
    return bytes((1,)) + b"\x00\xff garbage " + MARKER.encode()


def _wrong_types(text: str) -> str:
    envelope = json.loads(text)
    data = envelope["data"]
    data["registered_on"] = [MARKER]
    data["version"] = MARKER
    return json.dumps(envelope)


def _missing_key(text: str) -> str:
    envelope = json.loads(text)
    envelope["data"].pop("folder_id", None)
    envelope["data"]["jobseeker_ref"] = MARKER
    envelope.pop("schema", None)
    return json.dumps(envelope)


def _bad_events(text: str) -> str:
    events = json.loads(text)
    events[0]["seq"] = MARKER
    events[0].pop("kind", None)
    return json.dumps(events)


def damage(store: Any, folder_id: str, kind: str) -> None:
    """Damage the stored folder ``folder_id`` of ``store`` in the way ``kind`` names (see :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
    if isinstance(store, MemoryStore):
        _damage_memory(store, folder_id, kind)
    elif isinstance(store, SQLiteStore):
        with _sqlite(store) as db:
            _damage_sql(db, folder_id, kind, "?", "sqlite")
    else:
        with _postgres(store) as db:
            _damage_sql(db, folder_id, kind, "%s", "postgres")


class _Db:
    """The few statements :func:`_damage_sql` needs, on either database."""

    def __init__(self, conn: Any, triggers: Any) -> None:
        self.conn = conn
        self.triggers = triggers

    def one(self, query: str, params: tuple[Any, ...]) -> Any:
        row = self.conn.execute(query, params).fetchone()
        if row is None:
            raise LookupError(f"nothing to damage: {query} {params}")
        return row

    def run(self, query: str, params: tuple[Any, ...]) -> None:
        self.conn.execute(query, params)


@contextmanager
def _sqlite(store: SQLiteStore) -> Iterator[_Db]:
    conn = sqlite3.connect(store.path, isolation_level=None)

    @contextmanager
    def triggers(table: str) -> Iterator[None]:
        saved = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        ).fetchall()
        for name, _ in saved:
            conn.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            for _, statement in saved:
                conn.execute(statement)

    try:
        conn.execute("BEGIN IMMEDIATE")
        yield _Db(conn, triggers)
        conn.execute("COMMIT")
    finally:
        conn.close()


@contextmanager
def _postgres(store: Any) -> Iterator[_Db]:
    import psycopg
    from psycopg import sql

    from werkmap.storage.postgres import _split_url

    conninfo, _ = _split_url(store._url)
    with psycopg.connect(conninfo) as conn:  # one transaction, committed when the block ends
        conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(store.schema)))

        @contextmanager
        def triggers(table: str) -> Iterator[None]:
            conn.execute(
                sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table))
            )
            try:
                yield
            finally:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(sql.Identifier(table))
                )

        yield _Db(conn, triggers)


def _damage_sql(db: _Db, fid: str, kind: str, p: str, dialect: str) -> None:
    if kind.startswith("document_"):
        (document,) = db.one(f"SELECT document FROM folders WHERE folder_id = {p}", (fid,))
        text = text_of(document)
        new = {
            "document_json": _bad_json(),
            "document_zlib": _bad_zlib(),
            "document_types": _wrong_types(text).encode(),
            "document_missing_key": _missing_key(text).encode(),
        }[kind]
        db.run(f"UPDATE folders SET document = {p} WHERE folder_id = {p}", (new, fid))
    elif kind == "patch":
        (version,) = db.one(f"SELECT version FROM folders WHERE folder_id = {p}", (fid,))
        db.run(
            f"INSERT INTO folder_changes (folder_id, version, patch) VALUES ({p}, {p}, {p}) "
            "ON CONFLICT (folder_id, version) DO UPDATE SET patch = excluded.patch",
            (fid, version, _bad_json()),
        )
    elif kind.startswith("events_"):
        last, document = db.one(
            f"SELECT last_sequence, document FROM events WHERE folder_id = {p} "
            "ORDER BY last_sequence LIMIT 1",
            (fid,),
        )
        new = {
            "events_json": _bad_json(),
            "events_zlib": _bad_zlib(),
            "events_types": pack(_bad_events(text_of(document))),
        }[kind]
        with db.triggers("events"):
            db.run(
                f"UPDATE events SET document = {p} WHERE folder_id = {p} AND last_sequence = {p}",
                (new, fid, last),
            )
    elif kind == "columns":
        if dialect == "sqlite":
            db.run(
                "UPDATE folders SET next_due_on = ?, open_activities = ? WHERE folder_id = ?",
                (f"soon-{MARKER}", MARKER, fid),
            )
        else:
            db.run(
                "UPDATE folders SET band = %s, open_activities = -3 WHERE folder_id = %s",
                (MARKER, fid),
            )
    else:  # rule_state
        db.run(f"UPDATE folders SET rule_state = {p} WHERE folder_id = {p}", (_bad_zlib(), fid))


def _damage_memory(store: MemoryStore, fid: str, kind: str) -> None:
    if kind not in DOCUMENT_KINDS or kind == "patch" or kind.endswith("_zlib"):
        raise ValueError(f"a memory store keeps plain JSON text: no {kind!r} to damage")
    with store._lock:
        row = store._folders[fid]
        if kind.startswith("document_"):
            new = {
                "document_json": _bad_json().decode(),
                "document_types": _wrong_types(row.document),
                "document_missing_key": _missing_key(row.document),
            }[kind]
            store._folders[fid] = attrs.evolve(row, document=new)
        else:
            log = store._events[fid]
            seq, text = log[0]
            bad = _bad_json().decode() if kind == "events_json" else _bad_events(f"[{text}]")[1:-1]
            log[0] = (seq, bad)
