"""Golden-file test of the migration step to schema 5: audit anchors, event coverage, erasure tombstones."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pytest

from werkmap.storage import default_codec
from werkmap.storage.audit import verify_audit, verify_events
from werkmap.storage.compact import pack
from werkmap.storage.sqlite import (
    AUDIT_ANCHORS_AND_ERASURE,
    MIGRATIONS,
    SCHEMA_V1,
    SQLiteStore,
)
from werkmap.storage.testing import default_samples
from werkmap.storage.values import AuditEntry, FolderIndex, audit_hash

GOLDEN = Path(__file__).with_name("golden") / "sqlite_audit_anchors_migration.json"
STEP = next(v for v, step in MIGRATIONS.items() if step is AUDIT_ANCHORS_AND_ERASURE)
KEY = b"a host key of 32 bytes for tests"


def _chain(folder_id: str, n: int) -> list[tuple[str, int, bytes, bytes]]:
    """A chain of ``n`` records sealed the pre-schema-5 way (seal 1), as schema 4 stored them."""
    rows = []
    previous = ""
    for seq in range(1, n + 1):
        entry = AuditEntry(
            folder_id=folder_id,
            actor="coach:c-1",
            action="read" if seq % 2 else "add_activity",
            what=f"{seq}:activity_added",
            at=dt.datetime(2024, 3, 4, 9, seq, tzinfo=dt.UTC),
            why="Jan asked" if seq == 1 else "",
        )
        digest = audit_hash(entry, sequence=seq, previous_hash=previous)
        blob = json.dumps(
            [entry.actor, entry.action, entry.what, entry.at.isoformat(), entry.why],
            ensure_ascii=False,
        )
        rows.append((folder_id, seq, bytes.fromhex(digest), pack(blob)))
        previous = digest
    return rows


def _store_before_the_step(path: Path) -> None:
    """A schema-4 store: two folders with events and trails, one without a trail, one lone trail."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    for version in range(1, STEP):
        for statement in MIGRATIONS[version]:
            if callable(statement):
                statement(conn)
            else:
                conn.execute(statement)
    codec = default_codec()
    samples = default_samples()
    for fid, records in (("f-1", 3), ("f-2", 1), ("f-3", 0)):
        folder = samples.new(fid, events=3)
        document, events = codec.dump_parts(folder)
        conn.execute(
            "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, document) "
            "VALUES (?, ?, ?, 'c-1', 'active', ?)",
            (fid, folder.version, folder.jobseeker_ref, pack(document)),
        )
        split = [events[:1], events[1:]]
        for part in split:
            conn.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?)",
                (
                    fid,
                    codec.sequence(part[0]),
                    codec.sequence(part[-1]),
                    pack(codec.encode_event_values(part)),
                ),
            )
        conn.executemany("INSERT INTO audit VALUES (?, ?, ?, ?)", _chain(fid, records))
    conn.executemany("INSERT INTO audit VALUES (?, ?, ?, ?)", _chain("f-lone", 2))
    conn.execute("COMMIT")
    conn.close()


def _snapshot(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    tables = {
        name: [list(col[1:]) for col in conn.execute(f"PRAGMA table_info({name})")]
        for name in ("folders", "erasures")
    }
    triggers = sorted(
        [name, sql]
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    )
    anchors = [
        [fid, count, head is not None]
        for fid, count, head in conn.execute(
            "SELECT folder_id, audit_count, audit_head FROM folders ORDER BY folder_id"
        )
    ]
    version = conn.execute("SELECT version FROM werkmap_schema").fetchone()[0]
    conn.close()
    store = SQLiteStore(path)
    trails = {}
    for fid in store.audit_folders():
        trails[fid] = [
            [r.sequence, r.action, r.seal_version, r.what, r.events.partition(":")[0]]
            for r in store.audit_records(fid)
        ]
    store.close()
    return {
        "version": version,
        "tables": tables,
        "triggers": triggers,
        "anchors": anchors,
        "trails": trails,
    }


def test_the_audit_anchor_step_matches_its_golden_file(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    _store_before_the_step(path)
    SQLiteStore(path).close()  # migrates on open
    got = _snapshot(path)
    if os.environ.get("WERKMAP_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("key", [None, KEY])
def test_migrated_chains_verify_against_their_anchors(tmp_path: Path, key: bytes | None) -> None:
    path = tmp_path / "before.db"
    _store_before_the_step(path)
    before = sqlite3.connect(path).execute("SELECT count(*) FROM audit").fetchone()[0]
    store = SQLiteStore(path, audit_key=key)
    try:
        samples = default_samples()
        for fid in ("f-1", "f-2", "f-3"):
            assert store.load(fid) == samples.new(fid, events=3)  # nothing lost
            trail = store.audit_records(fid)
            assert verify_audit(trail, anchor=store.audit_anchor(fid), key=key).ok
            assert verify_events(trail, store.event_rows(fid)) == []
            assert trail[-1].action == "storage.anchor"
        lone = store.audit_records("f-lone")
        assert verify_audit(lone, key=key).ok
        assert store.audit_anchor("f-lone") is None
        after = sum(len(store.audit_records(f)) for f in store.audit_folders())
        assert after == before + 4  # one anchoring record per chain, every old one kept
        if key is not None:  # the anchoring records are sealed with the key: the public hash fails
            assert not verify_audit(store.audit_records("f-1")).ok
        # the migrated store goes on as a new one: a save covers its events, moves the anchor
        folder = store.load("f-1")
        later = samples.advance(folder)
        store.save(
            later,
            expected_version=folder.version,
            index=FolderIndex(coach_id="c-1"),
            audit=[
                AuditEntry(
                    folder_id="f-1",
                    actor="coach:c-1",
                    action="note",
                    what="x",
                    at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                )
            ],
        )
        trail = store.audit_records("f-1")
        assert verify_audit(trail, anchor=store.audit_anchor("f-1"), key=key).ok
        assert verify_events(trail, store.event_rows("f-1")) == []
    finally:
        store.close()
