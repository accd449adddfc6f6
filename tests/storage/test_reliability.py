"""Reliability of the SQLite and PostgreSQL stores: crashes, concurrent writers, full and read-only disks, corrupt files."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_server import PostgresSchemas
from storage_standin import CODEC, StandinSamples

from werkmap.errors import ConcurrencyConflict, SchemaVersionError, StorageError
from werkmap.storage import load_plugins
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.values import FolderIndex, SaveRequest

WRITER = Path(__file__).with_name("_writer.py")
BATCH = 150


class Backend:
    """Where a test's store lives: a SQLite file or a fresh PostgreSQL schema, opened in-process or by a child."""

    def __init__(self, name: str, target: str, open_: Callable[..., Any]) -> None:
        self.name = name
        self.target = target
        self.open = open_


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "store.db"

        def open_sqlite(**kw: Any) -> SQLiteStore:
            return SQLiteStore(path, codec=CODEC, **kw)

        yield Backend("sqlite", str(path), open_sqlite)
        return
    from werkmap.storage.postgres import PostgresStore

    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    url = schemas.url()

    def open_postgres(**kw: Any) -> PostgresStore:
        kw.pop("synchronous", None)
        return PostgresStore(url, codec=CODEC)

    yield Backend("postgres", url, open_postgres)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("kill_after", [1, 3])
def test_sigkill_mid_batch_loses_no_committed_folder(backend: Backend, kill_after: int) -> None:
    backend.open().close()
    child = _spawn("batches", backend.target, str(BATCH))
    assert child.stdout is not None
    committed = [int(child.stdout.readline()) for _ in range(kill_after)]
    time.sleep(0.01)  # let it get into the next batch
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL

    store = backend.open()
    try:
        if isinstance(store, SQLiteStore):
            assert store.integrity_check() == ["ok"]
        columns = store.index_columns()
        per_batch = Counter(fid.split("-")[0] for fid in columns.folder_id)
        # every committed batch is there, and no batch is there in part
        for batch in committed:
            assert per_batch[f"b{batch:05d}"] == BATCH
        assert set(per_batch.values()) == {BATCH}
        samples = StandinSamples()
        for fid in columns.folder_id[:: BATCH // 3]:
            assert store.load(fid) == samples.new(fid, events=5, note="n" * 200)
            assert len(store.events(fid)) == 5
        undelivered = store.outbox(include_delivered=False)
        assert len(undelivered) == len(columns)
        assert {i.notification.folder_id for i in undelivered} == set(columns.folder_id)
    finally:
        store.close()


ERASE = 120


def _erasable(backend: Backend) -> None:
    """Folders e0000 … with events, an outbox item, a command key and an audit trail each."""
    from werkmap.storage.values import AuditEntry, CommandKey, Notification

    store = backend.open()
    samples = StandinSamples()
    at = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
    requests = []
    for i in range(ERASE):
        fid = f"e{i:04d}"
        folder = samples.new(fid, events=4, note="Jan de Vries " * 20)
        requests.append(
            SaveRequest(
                folder=folder,
                expected_version=0,
                index=FolderIndex(coach_id="c"),
                notifications=[
                    Notification.create(
                        kind="reminder",
                        folder_id=fid,
                        recipient=f"ref-{fid}",
                        channel="werk.nl",
                        cause="created",
                        text_nl="Welkom",
                        text_en="Welcome",
                        created_on=at.date(),
                    )
                ],
                audit=[
                    AuditEntry(folder_id=fid, actor="coach:c", action="register", what="1", at=at),
                    AuditEntry(
                        folder_id=fid, actor="jobseeker:x", action="read", what="own", at=at
                    ),
                ],
                commands=[
                    CommandKey(
                        key=f"k-{fid}", command="register", folder_id=fid, version=folder.version
                    )
                ],
            )
        )
    store.save_many(requests)
    store.close()


@pytest.mark.parametrize("kill_after", [1, 10])
def test_sigkill_during_erasure_erases_all_or_nothing_and_chains_verify(
    backend: Backend, kill_after: int
) -> None:
    from werkmap.storage.audit import verify_audit
    from werkmap.storage.verify import verify_store

    _erasable(backend)
    child = _spawn("erase", backend.target, str(ERASE))
    assert child.stdout is not None
    erased = [child.stdout.readline().strip() for _ in range(kill_after)]
    time.sleep(0.005)  # let it get into the next erasure
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    store = backend.open()
    try:
        tombs = {t.folder_id for t in store.erasures()}
        assert set(erased) <= tombs  # every committed erasure is there
        assert len(tombs) < ERASE  # the kill came before the end
        samples = StandinSamples()
        for i in range(ERASE):
            fid = f"e{i:04d}"
            left = store.personal_data(fid)
            trail = store.audit_records(fid)
            assert verify_audit(trail, anchor=store.audit_anchor(fid)).ok, fid
            if fid in tombs:  # all of it erased
                assert set(left.values()) == {0}, fid
                assert [r.action for r in trail] == ["register", "read", "erase"]
                assert all(r.erased and not r.what for r in trail[:-1])
            else:  # nothing of it erased
                assert left == {**left, "folders": 1, "events": 1, "outbox": 1, "command_keys": 1}
                assert store.load(fid) == samples.new(fid, events=4, note="Jan de Vries " * 20)
                assert [r.what for r in trail] == ["1", "own"]
        report = verify_store(store)
        assert report.ok, report.findings[:3]
        assert report.erased == len(tombs)
        if isinstance(store, SQLiteStore):
            assert store.integrity_check() == ["ok"]
    finally:
        store.close()


def test_two_processes_from_the_same_version_one_wins_each_round(
    backend: Backend, tmp_path: Path
) -> None:
    rounds = 150
    store = backend.open(synchronous="normal")
    first = StandinSamples().new("race", events=1)
    store.save(first, expected_version=0, index=FolderIndex())
    go = tmp_path / "go"
    children = [_spawn("race", backend.target, name, str(rounds), str(go)) for name in ("p1", "p2")]
    go.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(dict(line.split() for line in out.splitlines()))
    for r in range(1, rounds + 1):
        assert sorted(o[str(r)] for o in outputs) == ["conflict", "ok"], r
    final = store.load("race")
    assert final.version == rounds + 1
    # no lost update: every winning save is in the event log, in order
    winners = [
        next(name for name, o in zip(("p1", "p2"), outputs, strict=True) if o[str(r)] == "ok")
        for r in range(1, rounds + 1)
    ]
    notes = [e.payload["note"] for e in store.events("race")[1:]]
    assert notes == [f"{w}-{r}" for r, w in enumerate(winners, start=1)]
    store.close()


def test_two_connections_in_one_process_conflict(backend: Backend) -> None:
    a = backend.open()
    b = backend.open()
    samples = StandinSamples()
    folder = samples.new("f", events=1)
    a.save(folder, expected_version=0, index=FolderIndex())
    for _ in range(50):
        base = a.load("f")
        a.save(samples.advance(base, note="a"), expected_version=base.version, index=FolderIndex())
        with pytest.raises(ConcurrencyConflict):
            b.save(
                samples.advance(base, note="b"), expected_version=base.version, index=FolderIndex()
            )
    assert b.load("f").version == folder.version + 50
    a.close()
    b.close()


def _filled(path: Path, n: int = 5) -> None:
    store = SQLiteStore(path, codec=CODEC)
    samples = StandinSamples()
    store.save_many(
        [
            SaveRequest(folder=samples.new(f"f{i}"), expected_version=0, index=FolderIndex())
            for i in range(n)
        ]
    )
    store.close()


def test_full_disk_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    _filled(path)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    store = SQLiteStore(path, codec=CODEC, max_page_count=pages + 2)
    samples = StandinSamples()
    big = [
        SaveRequest(
            folder=samples.new(f"big{i}", events=50, note=random.Random(i).randbytes(4000).hex()),
            expected_version=0,
            index=FolderIndex(coach_id="full"),
        )
        for i in range(20)
    ]
    with pytest.raises(StorageError, match="disk is full"):
        store.save_many(big)
    assert store.caseload("full") == ()
    assert len(store.index_columns()) == 5
    assert store.integrity_check() == ["ok"]
    store.close()


def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    _filled(path)
    store = load_plugins().open_store(f"sqlite:///{path}?read_only=true")
    assert len(store.index_columns()) == 5
    samples = StandinSamples()
    ro = SQLiteStore(path, codec=CODEC, read_only=True)
    assert ro.load("f1") == samples.new("f1")
    with pytest.raises(StorageError, match="read-only"):
        ro.save(samples.new("new"), expected_version=0, index=FolderIndex())
    ro.close()
    store.close()
    assert len(SQLiteStore(path, codec=CODEC).index_columns()) == 5


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 200)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="corrupt"):
        SQLiteStore(path, codec=CODEC)
    assert path.read_bytes() == before


def test_damaged_pages_are_found_by_the_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    _filled(path, n=200)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), 3 * page):
        data[offset + 8 : offset + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    store = SQLiteStore(path, codec=CODEC)  # the header and schema pages are intact
    try:
        assert store.integrity_check() != ["ok"]
        with pytest.raises(StorageError, match="corrupt"):
            _load_all(store, 200)
    finally:
        store.close()


def _load_all(store: SQLiteStore, n: int) -> None:
    for i in range(n):
        store.load(f"f{i}")


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE stuff (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="not a werkmap store"):
        SQLiteStore(path, codec=CODEC)


def test_newer_schema_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _filled(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE werkmap_schema SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError, match="99"):
        SQLiteStore(path, codec=CODEC)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM werkmap_schema").fetchone() == (99,)
    assert conn.execute("SELECT count(*) FROM folders").fetchone() == (5,)
    conn.close()


def test_older_schema_is_refused_when_migration_is_off(tmp_path: Path) -> None:
    from test_conformance_standin import write_v1_database

    path = tmp_path / "old.db"
    write_v1_database(path, [StandinSamples().new("old")], "c")
    with pytest.raises(SchemaVersionError, match="migrate"):
        SQLiteStore(path, codec=CODEC, migrate=False)
    assert SQLiteStore(path, codec=CODEC).schema_version() == SCHEMA_VERSION


def test_wal_and_synchronous_settings(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "w.db", codec=CODEC)
    assert store.journal_mode == "wal"
    assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    store.close()
    normal = SQLiteStore(tmp_path / "w.db", codec=CODEC, synchronous="normal")
    assert normal._conn.execute("PRAGMA synchronous").fetchone() == (1,)
    normal.close()
    with pytest.raises(StorageError, match="synchronous"):
        SQLiteStore(tmp_path / "w.db", codec=CODEC, synchronous="off")


def test_event_log_and_audit_trail_are_append_only_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ao.db"
    _filled(path, n=1)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET document = '{}'")
    conn.close()
