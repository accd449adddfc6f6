"""The stores write a folder's document without its event log, and read old documents that hold it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from werkmap import serialization
from werkmap.plan import folder as wf
from werkmap.storage import FolderIndex, open_store
from werkmap.storage.compact import text_of

DAY = dt.date(2025, 3, 3)


def _folder(n: int) -> wf.WorkFolder:
    f, _ = wf.create_folder("f-1", on=DAY, jobseeker_ref="js-1", coach_id="c-1")
    for i in range(n):
        f, _ = wf.add_activity(f, f"a{i}", "application", due=DAY, on=DAY, actor="js")
        f, _ = wf.complete_activity(f, f"a{i}", on=DAY, actor="js")
    return f


@pytest.mark.parametrize("url", ["sqlite", "memory"])
def test_a_folder_saved_in_steps_loads_equal_with_every_event(url: str, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/d.db" if url == "sqlite" else f"memory://{tmp_path}")
    f = _folder(0)
    store.save(f, expected_version=0, index=FolderIndex(coach_id="c-1"))
    for i in range(5):
        g, _ = wf.add_activity(f, f"a{i}", "cv", due=DAY, on=DAY, actor="c-1")
        store.save(g, expected_version=f.version, index=FolderIndex(coach_id="c-1"))
        f = g
    loaded = store.load("f-1")
    assert loaded == f
    assert [e.seq for e in loaded.events] == list(range(1, len(f.events) + 1))
    assert store.events("f-1") == f.events


def test_the_sqlite_document_holds_no_event_log(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/d.db")
    f = _folder(3)
    store.save(f, expected_version=0, index=FolderIndex())
    store.close()
    conn = sqlite3.connect(tmp_path / "d.db")
    (document,) = conn.execute("SELECT document FROM folders").fetchone()
    (rows,) = conn.execute("SELECT count(*) FROM events").fetchone()
    conn.close()
    assert "events" not in json.loads(text_of(document))["data"]
    assert rows == 1


def test_an_older_document_with_its_events_inside_still_loads(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/d.db")
    f = _folder(2)
    store.save(f, expected_version=0, index=FolderIndex())
    store.close()
    conn = sqlite3.connect(tmp_path / "d.db")
    with conn:
        conn.execute("UPDATE folders SET document = ?", (serialization.dumps(f),))
    conn.close()
    again = open_store(f"sqlite:///{tmp_path}/d.db")
    assert again.load("f-1") == f


def test_checkpoint_pages_sets_how_far_the_log_grows(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/c.db?checkpoint_pages=5000")
    assert store._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (5000,)  # type: ignore[attr-defined]
    store.close()
    default = open_store(f"sqlite:///{tmp_path}/d.db")
    assert default._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)  # type: ignore[attr-defined]
    default.close()


def test_a_checkpoint_that_is_not_a_number_is_one_clear_error(tmp_path: Path) -> None:
    from werkmap.errors import StorageError

    with pytest.raises(StorageError, match="checkpoint_pages must be numbers"):
        open_store(f"sqlite:///{tmp_path}/c.db?checkpoint_pages=lots")
