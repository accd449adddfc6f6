"""The conformance kit against both built-in stores, with a stand-in folder (independent of plan)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from storage_standin import CODEC, StandinSamples

from werkmap import serialization
from werkmap.storage.memory import MemoryStore
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SCHEMA_V1, SQLiteStore
from werkmap.storage.testing import PreviousVersion, StoreConformance


class TestMemoryStandin(StoreConformance):
    @pytest.fixture
    def samples(self) -> StandinSamples:
        return StandinSamples()

    @pytest.fixture
    def werkmap_store(self) -> Iterator[MemoryStore]:
        store = MemoryStore(codec=CODEC)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_store: MemoryStore) -> Callable[[], MemoryStore]:
        return lambda: werkmap_store  # an in-process store: nothing else to open

    @pytest.fixture
    def werkmap_previous_version(self) -> PreviousVersion:
        store = MemoryStore(codec=CODEC, schema_version=SCHEMA_VERSION - 1)
        # memory has no layout: a v1 store differs only in its number, and refuses writes until migrated
        store._version = SCHEMA_VERSION
        samples = StandinSamples()
        for i in range(3):
            folder = samples.new(f"old-{i}")
            store.save(folder, expected_version=0, index=_index("coach-old"))
        store._version = SCHEMA_VERSION - 1

        def reopen() -> MemoryStore:
            store.migrate()
            return store

        return PreviousVersion(
            open=reopen, folder_ids=("old-0", "old-1", "old-2"), coach_id="coach-old"
        )


def _index(coach: str):
    from werkmap.storage.values import FolderIndex

    return FolderIndex(coach_id=coach)


def write_v1_database(path: Path, folders: list[object], coach_id: str) -> None:
    """Write a schema-version-1 database by hand, as a werkmap of that version would have."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    for folder in folders:
        conn.execute(
            "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, next_due_on, "
            "document) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                folder.folder_id,  # type: ignore[attr-defined]
                folder.version,  # type: ignore[attr-defined]
                folder.jobseeker_ref,  # type: ignore[attr-defined]
                coach_id,
                "active",
                "2024-03-05",
                serialization.dumps(folder),
            ),
        )
        events = folder.events  # type: ignore[attr-defined]
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            (
                folder.folder_id,  # type: ignore[attr-defined]
                events[0].seq,
                events[-1].seq,
                json.dumps(serialization.unstructure(list(events))),
            ),
        )
    conn.execute("COMMIT")
    conn.close()


class TestSQLiteStandin(StoreConformance):
    @pytest.fixture
    def samples(self) -> StandinSamples:
        return StandinSamples()

    @pytest.fixture
    def werkmap_store(self, tmp_path: Path) -> Iterator[SQLiteStore]:
        store = SQLiteStore(tmp_path / "w.db", codec=CODEC)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(
        self, tmp_path: Path, werkmap_store: SQLiteStore
    ) -> Callable[[], SQLiteStore]:
        return lambda: SQLiteStore(tmp_path / "w.db", codec=CODEC)

    @pytest.fixture
    def werkmap_previous_version(self, tmp_path: Path) -> PreviousVersion:
        samples = StandinSamples()
        folders = [samples.new(f"old-{i}") for i in range(3)]
        path = tmp_path / "v1.db"
        write_v1_database(path, folders, "coach-old")
        return PreviousVersion(
            open=lambda: SQLiteStore(path, codec=CODEC),
            folder_ids=tuple(f.folder_id for f in folders),
            coach_id="coach-old",
        )
