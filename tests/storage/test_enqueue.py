"""``enqueue``: notifications that belong to no folder change go into the outbox, once per key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_server import PostgresSchemas

from werkmap.storage import Notification
from werkmap.storage.memory import MemoryStore
from werkmap.storage.sqlite import SQLiteStore


def _note(cause: str) -> Notification:
    return Notification.create(
        kind="model_drift",
        folder_id="monitoring",
        recipient="role:model_owner",
        channel="dashboard",
        cause=cause,
        text_nl="De verdeling is veranderd.",
        text_en="The distribution has changed.",
        created_on=dt.date(2025, 6, 30),
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        s: Any = MemoryStore()
    elif request.param == "sqlite":
        s = SQLiteStore(tmp_path / "store.db")
    else:
        from werkmap.storage.postgres import PostgresStore

        schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
        s = PostgresStore(schemas.url())
    yield s
    s.close()


def test_enqueue_adds_to_the_outbox_once_per_key(store: Any) -> None:
    store.enqueue([_note("a"), _note("b")])
    store.enqueue([_note("a")])
    store.enqueue([])
    items = store.outbox()
    assert [i.notification for i in items] == [_note("a"), _note("b")]
    now = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
    assert len(store.pending_notifications(now=now)) == 2
