"""The guide's example plugin (examples/storage_plugin_dict.py) passes the conformance kit."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from storage_standin import CODEC, StandinSamples

from werkmap.storage import FolderIndex, Store, load_plugins
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.testing import PreviousVersion, StoreConformance, default_samples

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "storage_plugin_dict.py"


def _example() -> ModuleType:
    name = "storage_plugin_dict"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXAMPLE)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_the_example_is_served_through_the_plugin_manager() -> None:
    example = _example()
    plugins = load_plugins(extra={"dict-example": example})
    assert plugins.failures == ()
    assert "dict" in plugins.schemes()
    store = plugins.open_store("dict://shared-example")
    assert isinstance(store, example.DictStore)
    assert isinstance(store, Store)
    assert plugins.open_store("dict://shared-example") is store
    assert plugins.open_store("memory://") is not store


class TestExamplePlugin(StoreConformance):
    @pytest.fixture
    def samples(self) -> StandinSamples:
        return StandinSamples()

    @pytest.fixture
    def werkmap_store(self) -> Iterator[Any]:
        store = _example().DictStore(codec=CODEC)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_store: Any) -> Callable[[], Any]:
        return lambda: werkmap_store  # an in-process store: nothing else to open

    @pytest.fixture
    def werkmap_previous_version(self) -> PreviousVersion:
        store = _example().DictStore(codec=CODEC)
        samples = StandinSamples()
        for i in range(2):
            store.save(samples.new(f"old-{i}"), expected_version=0, index=FolderIndex(coach_id="c"))
        store.version = SCHEMA_VERSION - 1

        def reopen() -> Any:
            store.migrate()
            return store

        return PreviousVersion(open=reopen, folder_ids=("old-0", "old-1"), coach_id="c")


class TestExamplePluginWithWorkFolders(StoreConformance):
    """The same kit with real ``WorkFolder`` values (the kit's default samples and the default codec)."""

    @pytest.fixture
    def werkmap_store(self) -> Iterator[Any]:
        store = _example().DictStore()
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_store: Any) -> Callable[[], Any]:
        return lambda: werkmap_store  # an in-process store: nothing else to open

    @pytest.fixture
    def werkmap_previous_version(self) -> PreviousVersion:
        store = _example().DictStore()
        samples = default_samples()
        for i in range(2):
            store.save(samples.new(f"old-{i}"), expected_version=0, index=FolderIndex(coach_id="c"))
        store.version = SCHEMA_VERSION - 1

        def reopen() -> Any:
            store.migrate()
            return store

        return PreviousVersion(open=reopen, folder_ids=("old-0", "old-1"), coach_id="c")
