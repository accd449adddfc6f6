"""Storage that grows with what happens: patches between snapshots, compressed rows, schema 2 → 3."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from pg_server import PostgresSchemas

from werkmap import serialization
from werkmap.errors import StorageError
from werkmap.plan import folder as wf
from werkmap.storage import FolderIndex, default_codec, open_store
from werkmap.storage.audit import verify_audit
from werkmap.storage.compact import pack, text_of
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.values import AuditAnchor, AuditEntry

DAY = dt.date(2025, 3, 3)
GOLDEN = Path(__file__).parent / "fixtures" / "store-schema-v2.db"


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def test_text_of_reads_packed_values_plain_json_and_texts() -> None:
    text = '{"kind": "activity_added", "seq": 3}'
    assert text_of(pack(text)) == text
    assert text_of(text.encode()) == text
    assert text_of(text) == text
    assert len(pack(text * 20)) < len(text * 20) // 4


def test_a_save_writes_a_patch_and_the_document_only_when_it_pays(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = SQLiteStore(path)
    f, _ = wf.create_folder("f-1", on=DAY, jobseeker_ref="js-1", coach_id="c-1")
    store.save(f, expected_version=0, index=FolderIndex(coach_id="c-1"))
    (first,) = _rows(path, "SELECT document FROM folders")[0]
    g, _ = wf.add_activity(f, "a0", "application", due=DAY, on=DAY, actor="js")
    store.save(g, expected_version=f.version, index=FolderIndex(coach_id="c-1"))
    # the whole document was not written again: one patch holds the change
    assert _rows(path, "SELECT document FROM folders")[0] == (first,)
    assert _rows(path, "SELECT version FROM folder_changes") == [(g.version,)]
    snapshots = 0
    for i in range(1, 40):
        h, _ = wf.add_activity(g, f"a{i}", "application", due=DAY, on=DAY, actor="js")
        h, _ = wf.complete_activity(h, f"a{i}", on=DAY, actor="js")
        store.save(h, expected_version=g.version, index=FolderIndex(coach_id="c-1"))
        g = h
        (patches,) = _rows(path, "SELECT count(*) FROM folder_changes")[0]
        snapshots += patches == 0
        (document,) = _rows(path, "SELECT length(document) FROM folders")[0]
        (patch_bytes,) = _rows(path, "SELECT coalesce(sum(length(patch)), 0) FROM folder_changes")[
            0
        ]
        assert isinstance(document, int)
        assert isinstance(patch_bytes, int)
        assert patch_bytes <= document  # a folder's rows stay under twice its document
    assert snapshots >= 2
    store.close()
    again = SQLiteStore(path)  # a new process: snapshot + patches + events
    assert again.load("f-1") == g
    assert again.events("f-1") == g.events
    # it does not know the version before this process: its next save is a snapshot
    h, _ = wf.add_activity(g, "b", "cv", due=DAY, on=DAY, actor="js")
    again.save(h, expected_version=g.version, index=FolderIndex(coach_id="c-1"))
    assert _rows(path, "SELECT count(*) FROM folder_changes") == [(0,)]
    assert again.load("f-1") == h
    again.close()


def test_the_store_does_not_keep_folders_alive_that_nobody_holds(tmp_path: Path) -> None:
    # the writer remembers folders weakly: the service cache's size bound is the bound in memory
    import gc
    import weakref

    store = SQLiteStore(tmp_path / "w.db")
    refs = []
    for i in range(50):
        f, _ = wf.create_folder(f"f-{i}", on=DAY, jobseeker_ref=f"js-{i}", coach_id="c-1")
        store.save(f, expected_version=0, index=FolderIndex(coach_id="c-1"))
        refs.append(weakref.ref(f))
    loaded = store.load("f-7")
    del f
    gc.collect()
    assert [r() for r in refs if r() is not None] == []
    # a folder still held (loaded) is saved as a patch; one nobody holds any more as a snapshot
    g, _ = wf.add_activity(loaded, "a0", "application", due=DAY, on=DAY, actor="js")
    store.save(g, expected_version=loaded.version, index=FolderIndex(coach_id="c-1"))
    assert _rows(tmp_path / "w.db", "SELECT folder_id FROM folder_changes") == [("f-7",)]
    again = store.load("f-8")
    version = again.version
    h, _ = wf.add_activity(again, "a0", "application", due=DAY, on=DAY, actor="js")
    del again
    gc.collect()
    store.save(h, expected_version=version, index=FolderIndex(coach_id="c-1"))
    assert _rows(tmp_path / "w.db", "SELECT folder_id FROM folder_changes") == [("f-7",)]
    assert store.load("f-8") == h
    store.close()


def test_an_event_row_edited_by_hand_reads_as_the_converter_reads_it(tmp_path: Path) -> None:
    # the fast reader of event rows takes only the converter's exact shape (data of texts); an event
    # whose data holds a number is built by the converter, as it would be without the fast reader
    path = tmp_path / "e.db"
    store = SQLiteStore(path)
    f, _ = wf.create_folder("f-1", on=DAY, jobseeker_ref="js-1", coach_id="c-1")
    g, _ = wf.add_activity(f, "a0", "application", due=DAY, on=DAY, actor="js")
    store.save(g, expected_version=0, index=FolderIndex(coach_id="c-1"))
    store.close()
    conn = sqlite3.connect(path)
    with conn:  # the event log is append-only: its triggers are set aside for the one edit
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
        ).fetchall()
        assert triggers
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        (document,) = conn.execute("SELECT document FROM events").fetchone()
        events = json.loads(text_of(document))
        events[-1]["data"]["hours"] = 5  # a number where the converter writes texts
        conn.execute("UPDATE events SET document = ?", (pack(json.dumps(events)),))
        for _, statement in triggers:
            conn.execute(statement)
    conn.close()
    expected = tuple(serialization.structure(e, wf.FolderEvent, source="t") for e in events)
    assert expected[-1].data["hours"] == "5"
    again = SQLiteStore(path)
    loaded = again.load("f-1")
    assert loaded is not None
    assert loaded.events == expected
    assert again.load_many(["f-1"])["f-1"].events == expected
    again.close()


def test_a_conflicting_save_leaves_snapshot_and_patches_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    one = SQLiteStore(path)
    f, _ = wf.create_folder("f-1", on=DAY, jobseeker_ref="js-1")
    one.save(f, expected_version=0, index=FolderIndex())
    two = SQLiteStore(path)
    loaded = two.load("f-1")
    g, _ = wf.add_activity(f, "a", "cv", due=DAY, on=DAY, actor="js")
    one.save(g, expected_version=f.version, index=FolderIndex())
    h, _ = wf.add_activity(loaded, "b", "cv", due=DAY, on=DAY, actor="js")
    with pytest.raises(Exception, match="version"):
        two.save(h, expected_version=loaded.version, index=FolderIndex())
    assert two.load("f-1") == g
    k, _ = wf.add_activity(g, "c", "cv", due=DAY, on=DAY, actor="js")
    two.save(k, expected_version=g.version, index=FolderIndex())
    assert one.load("f-1") == k
    one.close()
    two.close()


def _v2_contents(path: Path) -> tuple[dict[str, object], list[tuple[object, ...]], int]:
    """Read a schema-2 file without werkmap's store: folders, audit rows, outbox size."""
    codec = default_codec()
    conn = sqlite3.connect(path)
    try:
        folders = {}
        for fid, document in conn.execute("SELECT folder_id, document FROM folders"):
            events = [
                t
                for (t,) in conn.execute(
                    "SELECT document FROM events WHERE folder_id = ? ORDER BY last_sequence",
                    (fid,),
                )
            ]
            folders[fid] = codec.load_parts(document, events)
        audit = conn.execute(
            "SELECT folder_id, sequence, actor, action, what, at, why, previous_hash, hash "
            "FROM audit ORDER BY folder_id, sequence"
        ).fetchall()
        (outbox,) = conn.execute("SELECT count(*) FROM outbox").fetchone()
    finally:
        conn.close()
    return folders, audit, outbox


def test_the_golden_schema_2_store_migrates_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "golden.db"
    shutil.copy(GOLDEN, path)
    assert _rows(path, "SELECT version FROM werkmap_schema") == [(2,)]
    folders, audit, outbox = _v2_contents(path)
    assert len(folders) == 30
    assert len(audit) > 100
    store = SQLiteStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    for fid, folder in folders.items():
        assert store.load(fid) == folder
        assert store.events(fid) == folder.events  # type: ignore[attr-defined]
    after = [
        (
            r.folder_id,
            r.sequence,
            r.actor,
            r.action,
            r.what,
            r.at.isoformat(),
            r.why,
            r.previous_hash,
            r.hash,
        )
        for fid in sorted(folders)
        for r in store.audit_records(fid)
    ]
    # every record is kept as it was; each chain ends in the anchoring record of schema 5
    assert [row for row in after if row[3] != "storage.anchor"] == audit
    anchoring = [row for row in after if row[3] == "storage.anchor"]
    assert sorted(row[0] for row in anchoring) == sorted(folders)
    for fid in folders:
        trail = store.audit_records(fid)
        assert trail[-1].action == "storage.anchor"
        assert verify_audit(trail, anchor=store.audit_anchor(fid)).ok
    assert len(store.outbox()) == outbox
    assert store.integrity_check() == ["ok"]
    # the migrated store takes new saves and audit records as a new one does
    fid = sorted(folders)[0]
    folder = store.load(fid)
    later, _ = wf.add_activity(folder, "after-3", "cv", due=DAY, on=DAY, actor="js")
    store.save(later, expected_version=folder.version, index=FolderIndex())
    record = store.append_audit(
        AuditEntry(
            folder_id=fid,
            actor="coach:c",
            action="read",
            what="folder",
            at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        )
    )
    assert record.previous_hash == [row for row in after if row[0] == fid][-1][-1]
    assert store.audit_anchor(fid) == AuditAnchor(count=record.sequence, head=record.hash)
    store.close()
    reopened = open_store(f"sqlite:///{path}")
    assert reopened.load(fid) == later
    assert reopened.audit_records(fid)[-1] == record


def test_a_broken_audit_chain_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    shutil.copy(GOLDEN, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER audit_append_only_u")
        conn.execute("UPDATE audit SET previous_hash = 'ab' WHERE sequence = 3")
    conn.close()
    with pytest.raises(StorageError, match="broken"):
        SQLiteStore(path)
    assert _rows(path, "SELECT version FROM werkmap_schema") == [(2,)]


def test_the_golden_store_copied_into_a_schema_2_postgresql_migrates_without_loss(
    postgres_schemas: PostgresSchemas,
) -> None:
    import psycopg
    from psycopg import sql

    from werkmap.storage.postgres import MIGRATIONS, SCHEMA_V1, PostgresStore

    folders, audit, _ = _v2_contents(GOLDEN)
    schema = postgres_schemas.new()
    conn_src = sqlite3.connect(GOLDEN)
    folder_rows = conn_src.execute(
        "SELECT folder_id, version, jobseeker_ref, coach_id, status, next_due_on, document, band, "
        "next_conversation_on, open_activities, overdue_activities FROM folders"
    ).fetchall()
    event_rows = conn_src.execute("SELECT * FROM events").fetchall()
    conn_src.close()
    with psycopg.connect(postgres_schemas.server, autocommit=True) as conn, conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for statement in (*SCHEMA_V1, *MIGRATIONS[1]):
            conn.execute(statement)
        conn.cursor().executemany(
            "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, next_due_on, "
            "document, band, next_conversation_on, open_activities, overdue_activities) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            folder_rows,
        )
        conn.cursor().executemany("INSERT INTO events VALUES (%s, %s, %s, %s)", event_rows)
        conn.cursor().executemany(
            "INSERT INTO audit (folder_id, sequence, actor, action, what, at, why, previous_hash, "
            "hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            audit,
        )
    store = PostgresStore(postgres_schemas.url(schema))
    try:
        assert store.schema_version() == SCHEMA_VERSION
        for fid, folder in folders.items():
            assert store.load(fid) == folder
        fid = sorted(folders)[1]
        folder = store.load(fid)
        later, _ = wf.add_activity(folder, "after-3", "cv", due=DAY, on=DAY, actor="js")
        store.save(later, expected_version=folder.version, index=FolderIndex())
        again, _ = wf.complete_activity(later, "after-3", on=DAY, actor="js")
        store.save(again, expected_version=later.version, index=FolderIndex())
    finally:
        store.close()
    reopened = PostgresStore(postgres_schemas.url(schema))
    try:
        assert reopened.load(fid) == again
        assert reopened.events(fid) == again.events
        trail = reopened.audit_records(fid)
        # the records as they were, and the anchoring record of schema 5 at the end
        assert len(trail) == sum(1 for row in audit if row[0] == fid) + 1
        assert trail[-1].action == "storage.anchor"
        assert verify_audit(trail, anchor=reopened.audit_anchor(fid)).ok
    finally:
        reopened.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_due_states_return_the_rule_state_saved_with_the_folder(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from werkmap.clock import FixedClock
    from werkmap.service import Actor, Werkmap
    from werkmap.service.rulestate import load_state

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/d.db"
    else:
        url = request.getfixturevalue("postgres_schemas").url()
    with Werkmap(url, clock=FixedClock(DAY)) as wm:
        system = Actor.system()
        wm.register(system, "f-1", jobseeker_ref="js-1", coach_id="c-1")
        wm.register(system, "f-2", jobseeker_ref="js-2", coach_id="c-1")
        rows = wm.store.due_states(DAY)  # type: ignore[attr-defined]
        assert [(r.folder_id, r.version, r.next_due_on) for r in rows] == [
            ("f-1", 1, DAY),
            ("f-2", 1, DAY),
        ]
        folder = wm.store.load("f-1")
        assert load_state(rows[0].rule_state) == wm_state(folder)
        assert wm.sweep(system).counts() == {"invite_profiler": 2}
        assert wm.store.due_states(DAY) == ()  # type: ignore[attr-defined]


def wm_state(folder: object) -> object:
    from werkmap.rules.state import folder_state

    return folder_state(folder)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_load_many_reads_the_folders_that_exist_as_load_does(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "sqlite":
        store: object = SQLiteStore(tmp_path / "m.db")
    else:
        from werkmap.storage.postgres import PostgresStore

        store = PostgresStore(request.getfixturevalue("postgres_schemas").url())
    folders = []
    for i in range(3):
        f, _ = wf.create_folder(f"f-{i}", on=DAY, jobseeker_ref=f"js-{i}")
        store.save(f, expected_version=0, index=FolderIndex())  # type: ignore[attr-defined]
        g, _ = wf.add_activity(f, "a", "cv", due=DAY, on=DAY, actor="js")
        store.save(g, expected_version=f.version, index=FolderIndex())  # type: ignore[attr-defined]
        folders.append(g)
    got = store.load_many(["f-2", "nope", "f-0", "f-1"])  # type: ignore[attr-defined]
    assert got == {f.folder_id: f for f in folders}
    assert got["f-1"] == store.load("f-1")  # type: ignore[attr-defined]
    store.close()  # type: ignore[attr-defined]


def test_outbox_documents_are_packed_and_plain_ones_still_read(tmp_path: Path) -> None:
    from werkmap.storage.values import Notification

    path = tmp_path / "outbox.db"
    store = SQLiteStore(path)
    notes = [
        Notification(
            kind="reminder",
            folder_id="f-1",
            recipient="jobseeker:js-1",
            channel="werk.nl",
            text_nl=f"Herinnering {i}",
            text_en=f"Reminder {i}",
            created_on=DAY,
            idempotency_key=f"k-{i}",
        )
        for i in range(2)
    ]
    store.enqueue(notes[:1])
    conn = sqlite3.connect(path)
    (stored,) = conn.execute("SELECT document FROM outbox").fetchone()
    assert isinstance(stored, bytes)
    assert len(stored) < len(serialization.dumps(notes[0]))
    # a row written as plain JSON text (by an older werkmap) reads back the same way
    conn.execute(
        "INSERT INTO outbox (idempotency_key, folder_id, document) VALUES (?, ?, ?)",
        ("k-1", "f-1", serialization.dumps(notes[1])),
    )
    conn.commit()
    conn.close()
    assert [item.notification for item in store.outbox()] == notes
    store.close()
