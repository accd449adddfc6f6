"""Golden-file test of the migration step that adds outbox leases, dead letters and command keys."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

from werkmap import serialization
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import (
    MIGRATIONS,
    OUTBOX_LEASES_AND_COMMAND_KEYS,
    SCHEMA_V1,
    SQLiteStore,
)
from werkmap.storage.values import Notification

GOLDEN = Path(__file__).with_name("golden") / "sqlite_outbox_leases_migration.json"
STEP = next(v for v, step in MIGRATIONS.items() if step is OUTBOX_LEASES_AND_COMMAND_KEYS)


def _doc(key: str) -> str:
    note = Notification(
        kind="reminder",
        folder_id="f-1",
        recipient="jobseeker:js-1",
        channel="werk.nl",
        idempotency_key=key,
        text_nl="Herinnering",
        text_en="Reminder",
        created_on=dt.date(2024, 3, 4),
    )
    return serialization.dumps(note)


def _store_before_the_step(path: Path) -> None:
    """A store at the version before the step, with a pending, a failed and a delivered item."""
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
    rows = [
        ("k-pending", "f-1", _doc("k-pending"), 0, None, None, ""),
        ("k-failed", "f-1", _doc("k-failed"), 3, "2024-03-04T10:00:00.000000+00:00", None, "Oops"),
        ("k-done", "f-2", _doc("k-done"), 1, None, "2024-03-04T09:30:00.000000+00:00", ""),
    ]
    conn.executemany(
        "INSERT INTO outbox (idempotency_key, folder_id, document, attempts, next_attempt_at, "
        "delivered_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    conn.close()


def _snapshot(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    tables = {
        name: [list(col[1:]) for col in conn.execute(f"PRAGMA table_info({name})")]
        for name in ("outbox", "command_keys")
    }
    indexes = sorted(
        [name, sql]
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
            "('outbox', 'command_keys') AND sql IS NOT NULL"
        )
    )
    rows = [
        list(row)
        for row in conn.execute(
            "SELECT idempotency_key, attempts, next_attempt_at, delivered_at, last_error, "
            "claimed_by, claimed_until, dead_lettered_at FROM outbox ORDER BY id"
        )
    ]
    version = conn.execute("SELECT version FROM werkmap_schema").fetchone()[0]
    conn.close()
    return {
        # the store migrates to the current version; later steps leave the outbox's layout alone
        "version_after_step": int(version == SCHEMA_VERSION),
        "tables": tables,
        "indexes": indexes,
        "outbox": rows,
    }


def test_the_outbox_lease_step_matches_its_golden_file(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    _store_before_the_step(path)
    store = SQLiteStore(path)  # migrates on open
    store.close()
    got = _snapshot(path)
    if os.environ.get("WERKMAP_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_migrated_items_keep_flowing(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    _store_before_the_step(path)
    store = SQLiteStore(path)
    try:
        assert store.dead_letters() == ()
        assert store.command_result("anything") is None
        now = dt.datetime(2024, 3, 4, 11, 0, tzinfo=dt.UTC)
        claimed = store.claim_notifications(owner="d", now=now)
        assert [i.notification.idempotency_key for i in claimed] == ["k-pending", "k-failed"]
        assert [i.attempts for i in claimed] == [0, 3]
        assert store.claim_notifications(owner="e", now=now) == ()
    finally:
        store.close()
