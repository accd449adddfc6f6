"""A damaged folder is read back as one werkmap error, FolderUnreadable, naming it and never its contents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from damage import DOCUMENT_KINDS, MARKER, damage
from pg_server import PostgresSchemas

from werkmap.clock import FixedClock
from werkmap.errors import FolderUnreadable
from werkmap.plan.activity import ActivityKind
from werkmap.service import Actor, Werkmap
from werkmap.storage import load_plugins
from werkmap.storage.memory import MemoryStore
from werkmap.storage.protocol import Store

DAY = dt.date(2025, 3, 3)
COACH = Actor.coach("c-1")


def _fill(wm: Werkmap, n: int = 3) -> None:
    for i in range(n):
        fid = f"f-{i}"
        wm.register(COACH, fid, jobseeker_ref=f"js-{i}")
        wm.add_activity(COACH, fid, ActivityKind.APPLICATION, due=DAY + dt.timedelta(days=7))
        wm.add_activity(COACH, fid, ActivityKind.APPLICATION, due=DAY + dt.timedelta(days=9))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store.db"
    else:
        schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
        yield schemas.url()


def _filled(url: str) -> None:
    with Werkmap(url, clock=FixedClock(DAY)) as wm:
        _fill(wm)


def _open(url: str) -> Store:
    return load_plugins().open_store(url)


def _check(exc: FolderUnreadable, fid: str) -> None:
    assert exc.folder_id == fid
    assert MARKER not in str(exc)
    assert MARKER not in repr(exc.args)
    assert exc.__cause__ is None
    assert str(exc).startswith(f"folder {fid!r} cannot be read: ")


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_a_damaged_document_or_event_log_is_folder_unreadable(url: str, kind: str) -> None:
    _filled(url)
    store = _open(url)
    try:
        damage(store, "f-1", kind)
        with pytest.raises(FolderUnreadable) as caught:
            store.load("f-1")
        _check(caught.value, "f-1")
        with pytest.raises(FolderUnreadable) as many:
            store.load_many(["f-0", "f-1", "f-2"])  # type: ignore[attr-defined]
        _check(many.value, "f-1")
        if kind.startswith("events_"):
            with pytest.raises(FolderUnreadable) as events:
                store.events("f-1")
            _check(events.value, "f-1")
        else:
            assert [e.seq for e in store.events("f-1")] == [1, 2, 3]
        # the folders beside it read as before
        assert store.load("f-0").folder_id == "f-0"
        assert set(store.load_many(["f-0", "f-2"])) == {"f-0", "f-2"}  # type: ignore[attr-defined]
    finally:
        store.close()


def test_the_message_says_which_part_and_what_kind_of_damage(url: str) -> None:
    _filled(url)
    store = _open(url)
    try:
        expected = {
            "f-0": "its document: not valid JSON",
            "f-1": "its document: damaged compressed data",
            "f-2": "its events: not the stored structure",
        }
        damage(store, "f-0", "document_json")
        damage(store, "f-1", "document_zlib")
        damage(store, "f-2", "events_types")
        for fid, words in expected.items():
            with pytest.raises(FolderUnreadable) as caught:
                store.load(fid)
            assert words in str(caught.value)
    finally:
        store.close()


def test_damaged_index_columns_are_reported_not_raised_as_raw_errors(url: str) -> None:
    _filled(url)
    store = _open(url)
    try:
        damage(store, "f-1", "columns")
        with pytest.raises(FolderUnreadable) as caught:
            store.caseload("c-1")
        _check(caught.value, "f-1")
        columns = store.index_columns()
        assert columns.folder_id.tolist() == ["f-0", "f-2"]
        assert columns.unreadable == (("f-1", "c-1"),)
        assert store.load("f-1").folder_id == "f-1"  # the document itself is sound
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["document_json", "document_types", "events_json", "events_types"])
def test_the_memory_store_reads_damage_the_same_way(kind: str) -> None:
    store = MemoryStore()
    with Werkmap(store, clock=FixedClock(DAY)) as wm:
        _fill(wm)
        damage(store, "f-1", kind)
        with pytest.raises(FolderUnreadable) as caught:
            store.load("f-1")
        _check(caught.value, "f-1")
        if kind.startswith("events_"):
            with pytest.raises(FolderUnreadable):
                store.events("f-1")
