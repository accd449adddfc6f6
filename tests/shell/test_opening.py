"""Opening a SQLite file changes nothing until it is known to be a werkmap store of this version.

Covers (issue 11, point 9): a file that is not a SQLite database, a damaged one, another application's
SQLite database (in rollback and in WAL mode), a store from a newer werkmap (both journal modes), an
empty file and an empty SQLite database are each refused through ``Werkmap(...)`` and ``open_store`` with
one werkmap error, their bytes and modification time as they were and no ``-wal``/``-shm`` file left
behind; ``create=True`` makes a store in an empty file, ``create=False`` never makes one. The command
line's side (exit 2, one message) is in ``tests/cli/test_common.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from werkmap.errors import SchemaVersionError, StorageError
from werkmap.service import Werkmap
from werkmap.storage import open_store
from werkmap.storage.protocol import SCHEMA_VERSION
from werkmap.storage.sqlite import SCHEMA_V1

__all__ = ["NOT_OURS", "state_of"]

SIDE_FILES = ("-wal", "-shm", "-journal")


def state_of(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes, its modification time (ns) and the side files next to it."""
    return (
        path.read_bytes(),
        path.stat().st_mtime_ns,
        [s for s in SIDE_FILES if Path(f"{path}{s}").exists()],
    )


def _sqlite(path: Path, *statements: str, wal: bool = False) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def _store(path: Path, *statements: str, wal: bool = True) -> None:
    """A werkmap store at ``path`` with ``statements`` run on it afterwards (``wal=False``: rollback mode)."""
    Werkmap(f"sqlite:///{path}").close()
    _sqlite(path, *statements, *(() if wal else ("PRAGMA journal_mode = DELETE",)))


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"minutes of the team meeting\n" * 300)


def _damaged(path: Path) -> None:
    """A werkmap store (rollback journal) whose first page, the schema, is overwritten after its header."""
    _store(path, wal=False)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    path.write_bytes(bytes(data))


def _newer(wal: bool) -> Callable[[Path], None]:
    return lambda path: _store(path, "UPDATE werkmap_schema SET version = 99", wal=wal)


NOT_OURS: dict[str, tuple[Callable[[Path], None], type[StorageError], str]] = {
    "not a SQLite file": (_not_sqlite, StorageError, "corrupt or not a SQLite database"),
    "damaged schema page": (_damaged, StorageError, "corrupt"),
    "empty file": (Path.touch, StorageError, "is empty"),
    "empty SQLite database": (
        lambda p: _sqlite(p, "PRAGMA user_version = 7"),
        StorageError,
        "is empty",
    ),
    "other application": (
        lambda p: _sqlite(
            p, "CREATE TABLE minutes (line TEXT)", "INSERT INTO minutes VALUES ('x')"
        ),
        StorageError,
        "not a werkmap store",
    ),
    "other application in WAL mode": (
        lambda p: _sqlite(p, "CREATE TABLE minutes (line TEXT)", wal=True),
        StorageError,
        "not a werkmap store",
    ),
    "other application with its own id": (
        lambda p: _sqlite(
            p, "PRAGMA application_id = 1196444487", "CREATE TABLE werkmap_schema (x)"
        ),
        StorageError,
        "another application",
    ),
    "newer werkmap": (_newer(True), SchemaVersionError, "99"),
    "newer werkmap, rollback journal": (_newer(False), SchemaVersionError, "99"),
}
"""Files werkmap must not open, by name: how to make one, the error it gives, a part of its message."""


def _opened_by_open_store(path: Path) -> None:
    open_store(f"sqlite:///{path}").close()


def _opened_by_werkmap(path: Path) -> None:
    Werkmap(f"sqlite:///{path}").close()


@pytest.mark.parametrize(
    "opener", [_opened_by_werkmap, _opened_by_open_store], ids=["Werkmap", "open_store"]
)
@pytest.mark.parametrize("kind", sorted(NOT_OURS))
def test_a_file_that_is_not_ours_is_refused_and_left_as_it_was(
    kind: str, opener: Callable[[Path], None], tmp_path: Path
) -> None:
    make, error, words = NOT_OURS[kind]
    path = tmp_path / "werkmap.db"
    make(path)
    before = state_of(path)
    assert before[2] == []
    with pytest.raises(error, match=words) as caught:
        opener(path)
    assert "nothing was" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert state_of(path) == before


def test_an_older_store_refused_for_migration_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _sqlite(path, "BEGIN", *SCHEMA_V1, "COMMIT")  # a version-1 store, rollback journal
    before = state_of(path)
    with pytest.raises(SchemaVersionError, match="migrate"):
        Werkmap(f"sqlite:///{path}?migrate=false")
    assert state_of(path) == before
    with Werkmap(f"sqlite:///{path}") as wm:  # migrated when asked (the default)
        assert wm.store.schema_version() == SCHEMA_VERSION  # type: ignore[attr-defined]


def test_create_true_makes_a_store_in_an_empty_file(tmp_path: Path) -> None:
    for name, make in (("zero.db", Path.touch), ("plain.db", NOT_OURS["empty SQLite database"][0])):
        path = tmp_path / name
        make(path)
        with Werkmap(f"sqlite:///{path}?create=true") as wm:
            assert wm.store.schema_version() == SCHEMA_VERSION  # type: ignore[attr-defined]
        with Werkmap(f"sqlite:///{path}") as wm:  # a store now: opened without asking
            assert wm.store.schema_version() == SCHEMA_VERSION  # type: ignore[attr-defined]


def test_create_true_still_refuses_a_file_that_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "minutes.db"
    NOT_OURS["other application"][0](path)
    before = state_of(path)
    with pytest.raises(StorageError, match="not a werkmap store"):
        Werkmap(f"sqlite:///{path}?create=true")
    assert state_of(path) == before


def test_create_false_never_makes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(StorageError, match="no such file"):
        Werkmap(f"sqlite:///{path}?create=false")
    assert not path.exists()
    assert not any(Path(f"{path}{s}").exists() for s in SIDE_FILES)
    with pytest.raises(StorageError, match="no such file"):
        open_store(f"sqlite:///{path}?read_only=true")
    assert not path.exists()
    Werkmap(f"sqlite:///{path}").close()  # the default makes a store where no file is
    with Werkmap(f"sqlite:///{path}?create=false") as wm:
        assert wm.store.schema_version() == SCHEMA_VERSION  # type: ignore[attr-defined]


def test_a_store_of_this_version_opens_without_a_change_to_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    Werkmap(f"sqlite:///{path}").close()
    before = state_of(path)
    Werkmap(f"sqlite:///{path}").close()
    assert state_of(path)[0] == before[0]
