"""What the PostgreSQL store promises beyond the conformance kit: claims, indexes, keys, credentials, schemas."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
from pg_server import HOW_TO_START, PostgresSchemas, postgres_server_url, with_option
from psycopg import sql
from storage_standin import CODEC, StandinSamples

from werkmap.clock import FixedClock
from werkmap.errors import ConcurrencyConflict, SchemaVersionError, StorageError
from werkmap.storage import load_plugins
from werkmap.storage.outbox import Dispatcher
from werkmap.storage.postgres import PostgresStore
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.testing import RecordingChannel
from werkmap.storage.values import AuditEntry, FolderIndex, Notification, SaveRequest

NOW = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)
PASSWORD = "s3cret-Pw-9f1"


@pytest.fixture
def store(postgres_schemas: PostgresSchemas) -> Iterator[PostgresStore]:
    s = PostgresStore(postgres_schemas.url(), codec=CODEC)
    yield s
    s.close()


def _connect(store: PostgresStore) -> psycopg.Connection[tuple[object, ...]]:
    conn = psycopg.connect(postgres_server_url(), autocommit=True)
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(store.schema)))
    return conn


def _note(fid: str) -> Notification:
    return Notification.create(
        kind="reminder",
        folder_id=fid,
        recipient=f"ref-{fid}",
        channel="werk.nl",
        cause="created",
        text_nl="Welkom",
        text_en="Welcome",
        created_on=dt.date(2024, 3, 4),
    )


def _fill(store: PostgresStore, n: int, *, notes: bool = True, coach: str = "c1") -> None:
    samples = StandinSamples()
    store.save_many(
        [
            SaveRequest(
                folder=samples.new(f"f{i:04d}"),
                expected_version=0,
                index=FolderIndex(coach_id=coach, next_due_on=dt.date(2024, 3, 1 + i % 20)),
                notifications=[_note(f"f{i:04d}")] if notes else [],
            )
            for i in range(n)
        ]
    )


# --- the outbox: claims --------------------------------------------------------------------------------


def test_a_second_dispatcher_does_not_get_claimed_items(
    store: PostgresStore, postgres_schemas: PostgresSchemas
) -> None:
    _fill(store, 5)
    other = PostgresStore(with_option(postgres_schemas.server, schema=store.schema), codec=CODEC)
    try:
        first = store.claim_notifications(owner="a", now=NOW, limit=3)
        assert len(first) == 3
        assert {i.claimed_by for i in first} == {"a"}
        second = other.claim_notifications(owner="b", now=NOW)
        assert len(second) == 2
        assert not {i.notification.idempotency_key for i in first} & {
            i.notification.idempotency_key for i in second
        }
        assert other.claim_notifications(owner="b", now=NOW) == ()
        assert other.pending_notifications(now=NOW) == ()
        # a dispatcher that died: its claims run out and the items are offered again
        later = NOW + store.claim + dt.timedelta(seconds=1)
        assert len(other.claim_notifications(owner="b", now=later)) == 5
        # a's failure no longer applies: b holds the lease now
        assert not store.mark_failed(
            first[0].notification.idempotency_key, at=later, retry_at=later, error="x", owner="a"
        )
        # marking ends a claim: a failed item is offered again at its retry time
        key = first[0].notification.idempotency_key
        assert store.mark_failed(key, at=NOW, retry_at=NOW, error="boom", owner="b")
        again = store.claim_notifications(owner="a", now=NOW)
        assert [i.notification.idempotency_key for i in again] == [key]
        assert again[0].attempts == 1
    finally:
        other.close()


def test_rows_locked_by_another_transaction_are_skipped_not_waited_for(
    store: PostgresStore,
) -> None:
    _fill(store, 4)
    with _connect(store) as conn, conn.transaction():
        conn.execute(
            "SELECT 1 FROM outbox WHERE folder_id IN ('f0000', 'f0001') FOR UPDATE"
        ).fetchall()
        got: list[object] = []
        worker = threading.Thread(
            target=lambda: got.extend(store.claim_notifications(owner="a", now=NOW)), daemon=True
        )
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "pending_notifications waited for a locked row"
    assert sorted(i.notification.folder_id for i in got) == ["f0002", "f0003"]  # type: ignore[attr-defined]


def test_several_dispatchers_deliver_each_item_once(
    store: PostgresStore, postgres_schemas: PostgresSchemas
) -> None:
    _fill(store, 120)
    url = with_option(postgres_schemas.server, schema=store.schema)
    channels = [RecordingChannel() for _ in range(3)]
    stores = [PostgresStore(url, codec=CODEC) for _ in channels]
    errors: list[BaseException] = []

    def run(s: PostgresStore, channel: RecordingChannel) -> None:
        try:
            plugins = load_plugins(entry_points=False, extra={"channel": channel})
            Dispatcher(s, plugins, clock=FixedClock(NOW), batch=7).drain(max_rounds=40)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(s, c)) for s, c in zip(stores, channels, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for s in stores:
        s.close()
    assert errors == []
    delivered = Counter(n.idempotency_key for c in channels for n in c.delivered)
    assert len(delivered) == 120
    assert set(delivered.values()) == {1}
    assert store.outbox(include_delivered=False) == ()


# --- indexes and keys ----------------------------------------------------------------------------------


def _plan(store: PostgresStore, query: str, params: tuple[object, ...]) -> str:
    with _connect(store) as conn:
        # a tiny table: make the planner show what it would do with a large one
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        conn.execute("VACUUM ANALYZE folders")
        return "\n".join(row[0] for row in conn.execute(f"EXPLAIN {query}", params))


def test_due_and_caseload_queries_are_served_by_indexes(store: PostgresStore) -> None:
    _fill(store, 50, notes=False)
    due = _plan(
        store,
        "SELECT folder_id, version, next_due_on FROM folders WHERE next_due_on <= %s "
        "ORDER BY next_due_on, folder_id",
        (dt.date(2024, 3, 5),),
    )
    assert "Index Only Scan using folders_due" in due
    assert "Sort" not in due
    caseload = _plan(
        store,
        "SELECT folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
        "next_conversation_on, open_activities, overdue_activities FROM folders "
        "WHERE coach_id = %s ORDER BY next_due_on NULLS LAST, folder_id",
        ("c1",),
    )
    assert "Index Only Scan using folders_coach" in caseload
    assert "Sort" not in caseload


def test_every_table_is_keyed_by_folder_id(store: PostgresStore) -> None:
    with _connect(store) as conn:
        keys = dict(
            conn.execute(
                "SELECT c.relname, (SELECT a.attname FROM pg_attribute a "
                "  WHERE a.attrelid = c.oid AND a.attnum = i.indkey[0]) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE i.indisprimary AND n.nspname = %s",
                (store.schema,),
            ).fetchall()
        )
    assert keys.pop("werkmap_schema") == "id"
    assert keys == dict.fromkeys(
        ("folders", "folder_changes", "events", "outbox", "audit", "command_keys", "erasures"),
        "folder_id",
    )


def test_event_log_and_audit_trail_are_append_only_in_the_database(store: PostgresStore) -> None:
    _fill(store, 1, notes=False)
    store.append_audit(
        AuditEntry(folder_id="f0000", actor="coach-1", action="route", what="w", at=NOW, why="y")
    )
    with _connect(store) as conn:
        for statement in (
            "DELETE FROM events",
            "UPDATE events SET document = '[]'",
            "TRUNCATE events",
            "DELETE FROM audit",
            "TRUNCATE audit",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
    assert len(store.events("f0000")) == 2


def test_text_with_nul_and_backslashes_round_trips_in_index_columns(store: PostgresStore) -> None:
    samples = StandinSamples()
    coach = "a\\0b\x00c\\\\"
    store.save(samples.new("f"), expected_version=0, index=FolderIndex(coach_id=coach))
    assert [r.coach_id for r in store.caseload(coach)] == [coach]
    assert store.caseload("a\\0b") == ()
    assert list(store.index_columns().coach_id) == [coach]


# --- credentials ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_password_is_never_in_an_error_or_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = psycopg.conninfo.conninfo_to_dict(postgres_server_url())
    host, port = server.get("host", "127.0.0.1"), server.get("port", "5432")
    urls = [
        # nobody listens there
        f"postgresql://app:{PASSWORD}@127.0.0.1:{_free_port()}/werkmap?connect_timeout=2",
        # a database that does not exist
        f"postgresql://postgres:{PASSWORD}@{host}:{port}/no_such_db_{PASSWORD}",
        # an option libpq does not know
        f"postgresql://postgres:{PASSWORD}@{host}:{port}/x?bogus_option={PASSWORD}&password={PASSWORD}",
    ]
    caplog.set_level(logging.DEBUG)
    for url in urls:
        with pytest.raises(StorageError) as info:
            load_plugins().open_store(url)
        assert PASSWORD not in str(info.value)
        assert PASSWORD not in repr(info.value)
        assert info.value.__cause__ is None
        assert "***" in str(info.value)
    assert PASSWORD not in caplog.text


def test_the_store_never_shows_its_password(postgres_schemas: PostgresSchemas) -> None:
    parts = psycopg.conninfo.conninfo_to_dict(postgres_schemas.server)
    url = (
        f"postgresql://{parts['user']}:{PASSWORD}@{parts.get('host', '127.0.0.1')}:"
        f"{parts.get('port', '5432')}/{parts['dbname']}?schema={postgres_schemas.new()}"
    )
    store = PostgresStore(url, codec=CODEC)  # trust auth: the password is not checked
    try:
        assert PASSWORD not in repr(store)
        assert PASSWORD not in store.url
    finally:
        store.close()


# --- schemas and versions ------------------------------------------------------------------------------


def test_newer_schema_version_is_refused_and_left_alone(store: PostgresStore) -> None:
    _fill(store, 3, notes=False)
    with _connect(store) as conn:
        conn.execute("UPDATE werkmap_schema SET version = 99")
    url = with_option(postgres_server_url(), schema=store.schema)
    with pytest.raises(SchemaVersionError, match="99"):
        PostgresStore(url, codec=CODEC)
    with _connect(store) as conn:
        assert conn.execute("SELECT version FROM werkmap_schema").fetchone() == (99,)
        assert conn.execute("SELECT count(*) FROM folders").fetchone() == (3,)


def test_older_schema_is_refused_when_migration_is_off(postgres_schemas: PostgresSchemas) -> None:
    from test_conformance import write_v1_postgres_schema

    schema = postgres_schemas.new()
    write_v1_postgres_schema(postgres_schemas.server, schema, [StandinSamples().new("old")], "c")
    with pytest.raises(SchemaVersionError, match="migrate"):
        load_plugins().open_store(with_option(postgres_schemas.url(schema), migrate="false"))
    store = PostgresStore(postgres_schemas.url(schema), codec=CODEC)
    assert store.schema_version() == SCHEMA_VERSION
    assert [r.folder_id for r in store.caseload("c")] == ["old"]
    store.close()


def test_a_schema_with_other_tables_is_refused(postgres_schemas: PostgresSchemas) -> None:
    schema = postgres_schemas.new()
    with psycopg.connect(postgres_schemas.server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE TABLE {}.stuff (x int)").format(sql.Identifier(schema)))
    with pytest.raises(StorageError, match="not a werkmap store"):
        PostgresStore(postgres_schemas.url(schema), codec=CODEC)


def test_a_schema_name_must_be_plain() -> None:
    with pytest.raises(StorageError, match="plain name"):
        PostgresStore(with_option(postgres_server_url(), schema='x"; DROP SCHEMA public; --'))


def test_several_processes_may_open_a_new_schema_at_once(
    postgres_schemas: PostgresSchemas,
) -> None:
    url = postgres_schemas.url()
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresStore(url, codec=CODEC))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert [s.schema_version() for s in opened] == [SCHEMA_VERSION] * 4
    for s in opened:
        s.close()


# --- the test server itself ----------------------------------------------------------------------------


def test_without_a_server_the_tests_fail_and_say_how_to_start_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WERKMAP_TEST_POSTGRES_URL", raising=False)
    monkeypatch.delenv("WERKMAP_TEST_POSTGRES", raising=False)
    with pytest.raises(pytest.fail.Exception, match=r"bash \.ci/postgres start"):
        postgres_server_url()
    assert "WERKMAP_TEST_POSTGRES=skip" in HOW_TO_START
    monkeypatch.setenv("WERKMAP_TEST_POSTGRES", "skip")
    with pytest.raises(pytest.skip.Exception, match="on purpose"):
        postgres_server_url()


def test_a_batch_naming_an_existing_folder_conflicts_on_that_folder(store: PostgresStore) -> None:
    samples = StandinSamples()
    existing = samples.new("b-existing")  # the same version as the new one in the batch
    store.save(existing, expected_version=0, index=FolderIndex(coach_id="c"))
    batch = [
        SaveRequest(folder=samples.new(f"b-{i}"), expected_version=0, index=FolderIndex())
        for i in range(3)
    ]
    batch.insert(2, SaveRequest(folder=existing, expected_version=0, index=FolderIndex()))
    with pytest.raises(ConcurrencyConflict) as info:
        store.save_many(batch)
    assert (info.value.folder_id, info.value.expected, info.value.actual) == ("b-existing", 0, 2)
    assert list(store.index_columns().folder_id) == ["b-existing"]


def test_options_given_beside_the_url_win(postgres_schemas: PostgresSchemas) -> None:
    schema = postgres_schemas.new()
    store = load_plugins().open_store(
        postgres_schemas.url(), {"schema": schema, "claim_seconds": "7"}
    )
    assert isinstance(store, PostgresStore)
    assert (store.schema, store.claim) == (schema, dt.timedelta(seconds=7))
    store.close()
    with pytest.raises(StorageError, match="claim_seconds"):
        load_plugins().open_store(with_option(postgres_schemas.server, claim_seconds="soon"))


def test_a_stale_update_in_a_batch_is_named_and_the_batch_changes_nothing(
    store: PostgresStore,
) -> None:
    samples = StandinSamples()
    folders = [samples.new(f"u-{i}") for i in range(4)]
    store.save_many(
        [SaveRequest(folder=f, expected_version=0, index=FolderIndex()) for f in folders]
    )
    batch = [
        SaveRequest(
            folder=samples.advance(f, note="x"),
            expected_version=f.version - (1 if i == 2 else 0),
            index=FolderIndex(coach_id="moved"),
        )
        for i, f in enumerate(folders)
    ]
    with pytest.raises(ConcurrencyConflict) as info:
        store.save_many(batch)
    assert (info.value.folder_id, info.value.expected, info.value.actual) == ("u-2", 1, 2)
    assert store.caseload("moved") == ()
    assert [len(store.events(f.folder_id)) for f in folders] == [2] * 4
    # and the same batch from the right versions saves all four, each with its one new event
    batch[2] = SaveRequest(
        folder=samples.advance(folders[2], note="x"), expected_version=2, index=batch[2].index
    )
    store.save_many(batch)
    assert len(store.caseload("moved")) == 4
    assert [len(store.events(f.folder_id)) for f in folders] == [3] * 4
