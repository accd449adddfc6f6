"""The plugin manager: entry points, block list, broken plugins, hook calls, and no secrets in errors."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from storage_standin import CODEC, StandinSamples

from werkmap.errors import NoStorageProvider, StorageError
from werkmap.storage import (
    AuditEntry,
    FolderIndex,
    Plugins,
    hookimpl,
    load_plugins,
    redact_url,
)
from werkmap.storage.memory import MemoryStore
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.testing import RecordingChannel
from werkmap.storage.url import scrub


def test_built_ins_come_from_the_entry_point_group() -> None:
    names = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="werkmap")}
    assert names["memory"] == "werkmap.storage.memory"
    assert names["sqlite"] == "werkmap.storage.sqlite"
    assert names["postgres"] == "werkmap.storage.postgres"
    plugins = load_plugins()
    assert {"memory", "postgres", "sqlite"} <= set(plugins.names())
    assert plugins.failures == ()
    assert plugins.schemes() == ["memory", "postgres", "postgresql", "sqlite"]


def test_without_entry_points_nothing_is_registered_behind_the_hosts_back() -> None:
    plugins = load_plugins(entry_points=False)
    assert plugins.names() == []
    with pytest.raises(NoStorageProvider, match="'memory'"):
        plugins.open_store("memory://")


def test_a_blocked_built_in_is_left_out() -> None:
    plugins = load_plugins(blocked=["sqlite"])
    assert "sqlite" not in plugins.names()
    assert plugins.is_blocked("sqlite")
    with pytest.raises(NoStorageProvider) as info:
        plugins.open_store("sqlite:///x.db")
    assert "'sqlite'" in str(info.value)
    assert plugins.open_store("memory://").schema_version() == SCHEMA_VERSION


def test_a_plugin_that_fails_to_import_is_reported_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.metadata.entry_points

    def fake(**kwargs: Any) -> Any:
        eps = list(real(**kwargs))
        return [
            *eps,
            importlib.metadata.EntryPoint(
                name="broken", value="werkmap_no_such_module_xyz", group="werkmap"
            ),
        ]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)
    plugins = load_plugins()
    [failure] = plugins.failures
    assert failure.name == "broken"
    assert failure.stage == "import"
    assert "ModuleNotFoundError" in failure.error
    assert isinstance(plugins.open_store("memory://"), MemoryStore)
    with pytest.raises(NoStorageProvider, match="broken"):
        plugins.open_store("oracle://u:pw@h/db")


class _BadSignature:
    @hookimpl
    def werkmap_open_store(self, url: str, options: Mapping[str, str], extra: int) -> None:
        return None


class _UnknownHook:
    @hookimpl
    def werkmap_open_stroe(self, url: str) -> None:  # misspelt on purpose
        return None


def test_plugins_that_do_not_fit_the_specs_are_left_out_and_others_keep_working() -> None:
    plugins = load_plugins(extra={"bad-signature": _BadSignature(), "typo": _UnknownHook()})
    stages = {f.name: f.stage for f in plugins.failures}
    assert stages == {"bad-signature": "register", "typo": "validate"}
    assert "typo" not in plugins.names()
    assert "bad-signature" not in plugins.names()
    plugins.pm.check_pending()  # nothing unverified is left behind
    assert plugins.open_store("memory://").schema_version() == SCHEMA_VERSION
    assert "werkmap_open_stroe" in str(plugins.failures[1])


class _Shadow:
    def __init__(self) -> None:
        self.store = MemoryStore(codec=CODEC)

    @hookimpl
    def werkmap_storage_schemes(self) -> list[str]:
        return ["memory"]

    @hookimpl
    def werkmap_open_store(self, url: str) -> MemoryStore | None:
        return self.store if url == "memory://shadow" else None


def test_open_store_stops_at_the_first_answer() -> None:
    shadow = _Shadow()
    plugins = load_plugins(extra={"shadow": shadow})
    assert plugins.open_store("memory://shadow") is shadow.store
    assert plugins.open_store("memory://") is not shadow.store


def test_notifications_fan_out_to_every_plugin() -> None:
    a, b = RecordingChannel(channel="werk.nl"), RecordingChannel(channel="werk.nl")
    plugins = load_plugins(entry_points=False, extra={"a": a, "b": b})
    from werkmap.storage.testing import _note

    answers = plugins.deliver(_note("f", "c"))
    assert answers == [True, True]
    assert len(a.delivered) == len(b.delivered) == 1


class _Auditor:
    def __init__(self) -> None:
        self.records: list[Any] = []

    @hookimpl
    def werkmap_audit(self, record: Any) -> None:
        self.records.append(record)


def test_audit_hook_receives_sealed_records() -> None:
    auditor = _Auditor()
    plugins = load_plugins(extra={"auditor": auditor})
    store = plugins.open_store("memory://")
    entry = AuditEntry(
        folder_id="f",
        actor="coach-1",
        action="read.profile",
        what="profile v3",
        at=dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC),
        why="preparing the orientation conversation",
    )
    record = plugins.audit(store, entry)
    assert auditor.records == [record]
    assert store.audit_records("f") == (record,)
    assert record.hash


def test_named_memory_store_is_shared() -> None:
    plugins = load_plugins()
    one = plugins.open_store("memory://shared")
    assert plugins.open_store("memory://shared") is one
    assert plugins.open_store("memory://") is not plugins.open_store("memory://")


# --- secrets ---------------------------------------------------------------------------------------


SECRET_URL = "postgresql://app:s3cret-pw@db.example:5432/werkmap?sslmode=require&token=tok-123"


def test_no_provider_error_names_the_scheme_never_the_credentials() -> None:
    with pytest.raises(NoStorageProvider) as info:
        load_plugins().open_store(SECRET_URL.replace("postgresql://", "mysql://"))
    text = str(info.value)
    assert "'mysql'" in text
    assert "s3cret-pw" not in text
    assert "tok-123" not in text


class _Leaky:
    @hookimpl
    def werkmap_open_store(self, url: str) -> None:
        if url.startswith("leaky"):
            raise ConnectionError(f"could not connect to {url} with password s3cret-pw")


class _LeakyWerkmap:
    @hookimpl
    def werkmap_open_store(self, url: str) -> None:
        if url.startswith("leaky"):
            raise StorageError(f"login failed for {url}")


@pytest.mark.parametrize("plugin", [_Leaky(), _LeakyWerkmap()])
def test_a_plugin_error_is_scrubbed_of_credentials(plugin: object) -> None:
    url = "leaky://app:s3cret-pw@host/db?token=tok-123"
    plugins = load_plugins(entry_points=False, extra={"leaky": plugin})
    with pytest.raises(StorageError) as info:
        plugins.open_store(url)
    text = str(info.value)
    assert "s3cret-pw" not in text
    assert "tok-123" not in text
    assert "leaky://app:***@host/db" in text
    assert info.value.__cause__ is None


def test_unknown_sqlite_option_does_not_echo_its_value(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        load_plugins().open_store(f"sqlite:///{tmp_path}/x.db?password=s3cret-pw")
    assert "password" in str(info.value)
    assert "s3cret-pw" not in str(info.value)


def test_redact_and_scrub() -> None:
    assert redact_url(SECRET_URL) == (
        "postgresql://app:***@db.example:5432/werkmap?sslmode=require&token=***"
    )
    assert redact_url("memory://") == "memory://"
    assert scrub(f"boom {SECRET_URL}", SECRET_URL) == f"boom {redact_url(SECRET_URL)}"


def test_no_bsn_in_the_database_file_errors_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bsn = "111222333"
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "bsn.db"
    store = SQLiteStore(path, codec=CODEC)
    samples = StandinSamples()
    good = samples.new("f1")
    store.save(good, expected_version=0, index=FolderIndex())
    import attrs

    from werkmap.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        store.save(
            attrs.evolve(samples.new("f2"), jobseeker_ref=bsn),
            expected_version=0,
            index=FolderIndex(),
        )
    assert bsn not in str(info.value)
    store.close()
    for file in tmp_path.iterdir():
        assert bsn.encode() not in file.read_bytes()
    assert all(bsn not in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.name.startswith("werkmap")]


def test_plugins_type_is_public() -> None:
    assert isinstance(load_plugins(entry_points=False), Plugins)
