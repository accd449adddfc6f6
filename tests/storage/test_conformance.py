"""The conformance kit against the built-in plugins, opened by URL, storing real WorkFolders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_conformance_standin import write_v1_database

from werkmap.storage import FolderIndex, Store, load_plugins
from werkmap.storage.memory import MemoryStore
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
