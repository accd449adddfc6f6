"""The conformance kit against the built-in plugins, opened by URL, storing real WorkFolders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pg_server import PostgresSchemas
from test_conformance_standin import write_v1_database

from werkmap import serialization
from werkmap.storage import FolderIndex, Store, load_plugins
from werkmap.storage.memory import MemoryStore
from werkmap.storage.postgres import PostgresStore
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.testing import PreviousVersion, StoreConformance, default_samples


class TestMemory(StoreConformance):
    @pytest.fixture
    def werkmap_store(self) -> Iterator[Store]:
        store = load_plugins().open_store("memory://")
        assert isinstance(store, MemoryStore)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_store: Store) -> Callable[[], Store]:
        return lambda: werkmap_store  # memory:// lives in this process: nothing else to open

    @pytest.fixture
    def werkmap_previous_version(self) -> PreviousVersion:
        plugins = load_plugins()
        store = plugins.open_store("memory://previous")
        assert isinstance(store, MemoryStore)
        samples = default_samples()
        folders = [samples.new(f"old-{i}") for i in range(3)]
        for folder in folders:
            store.save(folder, expected_version=0, index=FolderIndex(coach_id="coach-old"))
        store._version = SCHEMA_VERSION - 1  # memory has no layout: only the number is older
        with pytest.raises(Exception, match="migrate"):
            store.save(samples.new("refused"), expected_version=0, index=FolderIndex())
        return PreviousVersion(
            open=lambda: plugins.open_store("memory://previous"),
            folder_ids=tuple(f.folder_id for f in folders),
            coach_id="coach-old",
        )


class TestSQLite(StoreConformance):
    @pytest.fixture
    def werkmap_store(self, tmp_path: Path) -> Iterator[Store]:
        store = load_plugins().open_store(f"sqlite:///{tmp_path}/werkmap.db")
        assert isinstance(store, SQLiteStore)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, tmp_path: Path, werkmap_store: Store) -> Callable[[], Store]:
        return lambda: load_plugins().open_store(f"sqlite:///{tmp_path}/werkmap.db")

    @pytest.fixture
    def werkmap_previous_version(self, tmp_path: Path) -> PreviousVersion:
        samples = default_samples()
        folders = [samples.new("old-0"), *samples.variety()]
        path = tmp_path / "v1.db"
        write_v1_database(path, folders, "coach-old")
        return PreviousVersion(
            open=lambda: load_plugins().open_store(f"sqlite:///{path}"),
            folder_ids=tuple(f.folder_id for f in folders),
            coach_id="coach-old",
        )


def write_v1_postgres_schema(url: str, schema: str, folders: list[object], coach_id: str) -> None:
    """Write a schema-version-1 PostgreSQL store by hand, as a werkmap of that version would have."""
    import psycopg
    from psycopg import sql

    from werkmap.storage.postgres import SCHEMA_V1

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for statement in SCHEMA_V1:
            conn.execute(statement)
        for folder in folders:
            events = folder.events  # type: ignore[attr-defined]
            conn.execute(
                "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, "
                "next_due_on, document) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    folder.folder_id,  # type: ignore[attr-defined]
                    folder.version,  # type: ignore[attr-defined]
                    folder.jobseeker_ref,  # type: ignore[attr-defined]
                    coach_id,
                    "active",
                    dt.date(2024, 3, 5),
                    serialization.dumps(folder),
                ),
            )
            conn.execute(
                "INSERT INTO events VALUES (%s, %s, %s, %s)",
                (
                    folder.folder_id,  # type: ignore[attr-defined]
                    events[0].seq,
                    events[-1].seq,
                    json.dumps(serialization.unstructure(list(events))),
                ),
            )


class TestPostgres(StoreConformance):
    @pytest.fixture
    def werkmap_url(self, postgres_schemas: PostgresSchemas) -> str:
        return postgres_schemas.url()

    @pytest.fixture
    def werkmap_store(self, werkmap_url: str) -> Iterator[Store]:
        store = load_plugins().open_store(werkmap_url)
        assert isinstance(store, PostgresStore)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_url: str, werkmap_store: Store) -> Callable[[], Store]:
        return lambda: load_plugins().open_store(werkmap_url)

    @pytest.fixture
    def werkmap_previous_version(self, postgres_schemas: PostgresSchemas) -> PreviousVersion:
        samples = default_samples()
        folders = [samples.new("old-0"), *samples.variety()]
        schema = postgres_schemas.new()
        write_v1_postgres_schema(postgres_schemas.server, schema, folders, "coach-old")
        return PreviousVersion(
            open=lambda: load_plugins().open_store(postgres_schemas.url(schema)),
            folder_ids=tuple(f.folder_id for f in folders),
            coach_id="coach-old",
        )
