"""A due folder the store cannot read back is skipped by the sweep and reported by id; the rest is swept.

The folders are damaged behind the store's back, through a connection of the test's own, the ways a disk,
a bad restore or a hand edit would: a snapshot that is not JSON, one that does not decompress, one with
values of the wrong types, an event row that is not JSON, and a folder whose rule state and document are
both damaged. Every damaged value carries :data:`MARKER`: no error, log line or CLI output may quote it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pg_server import PostgresSchemas

from werkmap.cli import main as cli_main
from werkmap.clock import FixedClock
from werkmap.errors import FolderUnreadable
from werkmap.service import Actor, Werkmap
from werkmap.storage import open_store
from werkmap.storage.compact import pack, text_of

D0 = dt.date(2025, 3, 3)
SYSTEM = Actor.system()
MARKER = "SECRET-CONTENTS-5K9"
DAMAGED = {
    "f-03": "document_json",
    "f-09": "document_zlib",
    "f-14": "document_types",
    "f-22": "events_json",
    "f-30": "rule_state_and_document",
}

Execute = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def _bad_json() -> bytes:
    return ('{"schema": "werkmap.folder", "data": {"note": "' + MARKER).encode()


def _damage(execute: Execute, fid: str, kind: str) -> None:
    """Damage one folder's stored rows the way ``kind`` says (``execute`` runs SQL with %s marks)."""
    if kind in ("document_json", "rule_state_and_document"):
        execute("UPDATE folders SET document = %s WHERE folder_id = %s", (_bad_json(), fid))
    if kind == "rule_state_and_document":
        garbage = bytes((1,)) + b"\x00\xff" + MARKER.encode()
        execute("UPDATE folders SET rule_state = %s WHERE folder_id = %s", (garbage, fid))
    if kind == "document_zlib":
        garbage = bytes((1,)) + b"\x00\xff garbage " + MARKER.encode()
        execute("UPDATE folders SET document = %s WHERE folder_id = %s", (garbage, fid))
    if kind == "document_types":
        (row,) = execute("SELECT document FROM folders WHERE folder_id = %s", (fid,))
        envelope = json.loads(text_of(row[0]))
        envelope["data"]["registered_on"] = [MARKER]
        envelope["data"]["version"] = MARKER
        execute(
            "UPDATE folders SET document = %s WHERE folder_id = %s",
            (pack(json.dumps(envelope)), fid),
        )
    if kind == "events_json":  # the event log is append-only: a damaged row appended to it
        execute(
            "INSERT INTO events (folder_id, first_sequence, last_sequence, document) "
            "VALUES (%s, 900, 900, %s)",
            (fid, _bad_json()),
        )


def _sqlite_execute(path: Path) -> tuple[Execute, Callable[[], None]]:
    conn = sqlite3.connect(path, isolation_level=None)

    def execute(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return conn.execute(sql.replace("%s", "?"), params).fetchall()

    return execute, conn.close


def _postgres_execute(server: str, schema: str) -> tuple[Execute, Callable[[], None]]:
    import psycopg
    from psycopg import sql

    conn = psycopg.connect(server, autocommit=True)
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

    def execute(statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cur = conn.execute(statement, params)  # type: ignore[call-overload]
        return cur.fetchall() if cur.description else []

    return execute, conn.close


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[str, Execute, Callable[[], None]]:
    """A store URL and a way to run SQL on it behind the store's back."""
    if request.param == "sqlite":
        path = tmp_path / "s.db"
        url = f"sqlite:///{path}"
        Werkmap(url, clock=FixedClock(D0)).close()  # the schema
        execute, close = _sqlite_execute(path)
        return url, execute, close
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    schema = schemas.new()
    url = schemas.url(schema)
    Werkmap(url, clock=FixedClock(D0)).close()
    execute, close = _postgres_execute(schemas.server, schema)
    return url, execute, close


def _registered(url: str, n: int) -> list[str]:
    ids = [f"f-{i:02d}" for i in range(n)]
    with Werkmap(url, clock=FixedClock(D0)) as wm, wm.unit_of_work():
        for i, fid in enumerate(ids):
            wm.register(SYSTEM, fid, jobseeker_ref=f"js-{i}", coach_id="c-1")
    return ids


def test_a_sweep_skips_the_damaged_due_folders_reports_them_and_sweeps_the_rest(
    store: tuple[str, Execute, Callable[[], None]], caplog: pytest.LogCaptureFixture
) -> None:
    url, execute, close = store
    ids = _registered(url, 33)
    for fid, kind in DAMAGED.items():
        _damage(execute, fid, kind)
    close()
    with (
        caplog.at_level(logging.WARNING, logger="werkmap.service"),
        Werkmap(url, clock=FixedClock(D0)) as wm,
    ):
        result = wm.sweep(SYSTEM)
    assert result.quarantined == tuple(sorted(DAMAGED))
    assert result.folders == 33
    swept = sorted({a.folder_id for a in result.actions})
    assert swept == [fid for fid in ids if fid not in DAMAGED]
    assert len(swept) == 28
    assert result.counts() == {"invite_profiler": 28}
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for fid in DAMAGED:
        assert any(fid in m for m in warned), fid
    assert all(MARKER not in m for m in warned)
    # the next sweep finds nothing new for the 28 and still reports the 5
    with Werkmap(url, clock=FixedClock(D0)) as wm:
        again = wm.sweep(SYSTEM)
        assert again.actions == ()
        assert again.quarantined == tuple(sorted(DAMAGED))
        # the swept folders were written: invited to the Work Profiler
        assert wm.folder(SYSTEM, "f-00").profiler_invited_on == D0


def test_a_damaged_rule_state_alone_is_read_from_the_document_and_swept(
    store: tuple[str, Execute, Callable[[], None]], caplog: pytest.LogCaptureFixture
) -> None:
    url, execute, close = store
    ids = _registered(url, 3)
    garbage = bytes((1,)) + b"\x00\xff" + MARKER.encode()
    execute("UPDATE folders SET rule_state = %s WHERE folder_id = %s", (garbage, "f-01"))
    execute(
        "UPDATE folders SET rule_state = %s WHERE folder_id = %s",
        (pack('["' + MARKER + '"'), "f-02"),
    )
    close()
    with (
        caplog.at_level(logging.WARNING, logger="werkmap.service"),
        Werkmap(url, clock=FixedClock(D0)) as wm,
    ):
        result = wm.sweep(SYSTEM)
    assert result.quarantined == ()
    assert sorted({a.folder_id for a in result.actions}) == ids
    assert all(MARKER not in r.getMessage() for r in caplog.records)


def test_the_cli_sweep_names_the_quarantined_folders_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    _registered(url, 4)
    execute, close = _sqlite_execute(path)
    _damage(execute, "f-02", "document_json")
    close()
    code = cli_main(["sweep", "--db", str(path), "--date", D0.isoformat()])
    out, err = capsys.readouterr()
    assert "f-02" in err
    assert MARKER not in err + out
    assert "Traceback" not in err
    assert code != 0
    assert out.count("invite_profiler") >= 1


class _Unreadable:
    """A store whose ``load`` raises FolderUnreadable for some folders, without some bulk queries."""

    def __init__(self, inner: Any, bad: set[str], hidden: tuple[str, ...]) -> None:
        self.inner = inner
        self.bad = bad
        self.hidden = hidden

    def load(self, folder_id: str) -> Any:
        if folder_id in self.bad:
            raise FolderUnreadable(folder_id, "its document")
        return self.inner.load(folder_id)

    def __getattr__(self, name: str) -> Any:
        if name in self.hidden:
            raise AttributeError(name)
        return getattr(self.inner, name)


@pytest.mark.parametrize("hidden", [("load_many",), ("load_many", "due_states")])
def test_a_store_without_bulk_reads_gets_its_unreadable_folders_skipped_one_by_one(
    hidden: tuple[str, ...],
) -> None:
    inner = open_store("memory://")
    url_ids = [f"f-{i:02d}" for i in range(6)]
    setup = Werkmap(inner, clock=FixedClock(D0))  # not closed: that would close the store
    for i, fid in enumerate(url_ids):
        setup.register(SYSTEM, fid, jobseeker_ref=f"js-{i}", coach_id="c-1")
    store = _Unreadable(inner, {"f-01", "f-04"}, hidden)
    wm = Werkmap(store, clock=FixedClock(D0), cache=0)  # type: ignore[arg-type]
    result = wm.sweep(SYSTEM)
    assert result.quarantined == ("f-01", "f-04")
    assert sorted({a.folder_id for a in result.actions}) == ["f-00", "f-02", "f-03", "f-05"]
    assert result.folders == 6


def test_a_damaged_due_date_on_sqlite_is_read_from_the_document_and_swept(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    ids = _registered(url, 3)
    execute, close = _sqlite_execute(path)
    execute("UPDATE folders SET next_due_on = %s WHERE folder_id = %s", ("1999-99-99", "f-01"))
    close()
    with Werkmap(url, clock=FixedClock(D0)) as wm:
        result = wm.sweep(SYSTEM)
        assert result.quarantined == ()
        assert sorted({a.folder_id for a in result.actions}) == ids
        # the save wrote the folder's index columns again
        assert "f-01" not in {d.folder_id for d in wm.store.due(D0)}
