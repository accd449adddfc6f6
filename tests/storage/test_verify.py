"""``werkmap verify`` finds each way a store's trail and folders can be damaged, and nothing on a fresh one."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import attrs
import pytest

from werkmap.cli import main
from werkmap.clock import FixedClock
from werkmap.service import Actor, Werkmap
from werkmap.storage.compact import pack, text_of
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.values import seal_hash
from werkmap.storage.verify import verify_store

KEY = "a host audit key that is long enough"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh demo store of 100 jobseekers, made once (each test works on a copy)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--jobseekers", "100", "--db", str(path), "-q"]) == 0
    return path


@pytest.fixture
def store_path(demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.db"
    shutil.copy(demo, path)
    return path


def _verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["verify", "--db", str(path), "--language", "en", *extra])
    return code, capsys.readouterr().out


def _busiest(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path)
    row = conn.execute(
        "SELECT folder_id, count(*) AS n FROM audit GROUP BY folder_id ORDER BY n DESC, folder_id LIMIT 1"
    ).fetchone()
    conn.close()
    return row[0], row[1]


def _tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Change the file the way someone with write access would: around werkmap's triggers."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for name in ("audit_append_only_u", "audit_append_only_d", "events_append_only_u"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.close()


def test_a_fresh_demo_store_has_no_problems(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _verify(store_path, capsys)
    assert code == 0
    assert out.startswith("0 problems: 100 folders, ")
    code = main(["verify", "--db", str(store_path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)["data"]
    assert code == 0
    assert (data["ok"], data["problems"], data["folders"]) == (True, 0, 100)
    assert data["records"] > 1000
    assert data["event_rows"] > 500
    code = main(["verify", "--db", str(store_path)])
    assert capsys.readouterr().out.startswith("0 problemen: 100 werkmappen")


@pytest.mark.parametrize("removed", [1, 5, "all"])
def test_a_shortened_trail_is_found(
    store_path: Path, capsys: pytest.CaptureFixture[str], removed: int | str
) -> None:
    fid, n = _busiest(store_path)
    keep = 0 if removed == "all" else n - int(removed)
    _tamper(store_path, ("DELETE FROM audit WHERE folder_id = ? AND sequence > ?", (fid, keep)))
    code, out = _verify(store_path, capsys)
    assert code == 1
    first = out.splitlines()[1]
    assert f"folder {fid}, record {keep + 1} [audit chain]" in first
    assert f"the folder anchor counts {n} records but the trail holds {keep}" in first


def test_an_edited_event_is_found(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fid, _ = _busiest(store_path)
    conn = sqlite3.connect(store_path)
    last, document = conn.execute(
        "SELECT last_sequence, document FROM events WHERE folder_id = ? ORDER BY last_sequence LIMIT 1",
        (fid,),
    ).fetchone()
    conn.close()
    text = text_of(document)
    edited = text.replace('"actor": "', '"actor": "x', 1)
    assert edited != text
    _tamper(
        store_path,
        (
            "UPDATE events SET document = ? WHERE folder_id = ? AND last_sequence = ?",
            (pack(edited), fid, last),
        ),
    )
    code, out = _verify(store_path, capsys)
    assert code == 1
    assert f"folder {fid}, record " in out
    assert "which were changed since" in out


def test_a_damaged_folder_row_is_found_without_quoting_it(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(store_path)
    ids = [r[0] for r in conn.execute("SELECT folder_id FROM folders ORDER BY folder_id LIMIT 2")]
    conn.close()
    _tamper(
        store_path,
        (
            "UPDATE folders SET document = ? WHERE folder_id = ?",
            (b"\x01garbage Jan de Vries", ids[0]),
        ),
        ("UPDATE folders SET version = version + 3 WHERE folder_id = ?", (ids[1],)),
    )
    code, out = _verify(store_path, capsys)
    assert code == 1
    assert f"folder {ids[0]} [unreadable]: the folder cannot be read back" in out
    assert f"Folders that cannot be read back: {ids[0]}" in out
    assert "Jan de Vries" not in out
    assert "garbage" not in out
    assert f"folder {ids[1]} [versions]: the folder row says version" in out


def test_a_damaged_file_is_found(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SQLiteStore(store_path).close()  # checkpoint: every page in the main file
    data = bytearray(store_path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), 3 * page):  # as test_reliability damages pages
        data[offset + 8 : offset + 200] = b"\xa5" * 192
    store_path.write_bytes(bytes(data))
    code, out = _verify(store_path, capsys)
    assert code == 1
    assert "the store's file [file]: the file is damaged (integrity check:" in out


def _keyed_store(path: Path) -> None:
    clock = FixedClock(dt.datetime(2025, 3, 3, 9, 0))
    with Werkmap(f"sqlite:///{path}", clock=clock, audit_key=KEY.encode()) as wm:
        coach = Actor.coach("c-1")
        for i in range(3):
            wm.register(coach, f"f-{i}", jobseeker_ref=f"js-{i}")
            wm.add_activity(coach, f"f-{i}", "application", due=dt.date(2025, 3, 10))
            wm.folder(coach, f"f-{i}", why="check")


def _reseal_without_key(path: Path, folder_id: str) -> None:
    """Re-seal a whole chain with the public hash and move its anchor: what anyone can do."""
    store = SQLiteStore(path, audit_key=KEY.encode())
    trail = store.audit_records(folder_id)
    store.close()
    previous = ""
    statements = []
    for record in trail:
        record = attrs.evolve(record, previous_hash=previous, why=record.why + " (edited)")
        record = attrs.evolve(record, hash=seal_hash(record))
        blob = json.dumps(
            [
                record.actor,
                record.action,
                record.what,
                record.at.isoformat(),
                record.why,
                record.events,
                2,
                "",
            ],
            ensure_ascii=False,
        )
        statements.append(
            (
                "UPDATE audit SET hash = ?, record = ? WHERE folder_id = ? AND sequence = ?",
                (bytes.fromhex(record.hash), pack(blob), folder_id, record.sequence),
            )
        )
        previous = record.hash
    statements.append(
        (
            "UPDATE folders SET audit_head = ? WHERE folder_id = ?",
            (bytes.fromhex(previous), folder_id),
        )
    )
    _tamper(path, *statements)


def test_a_chain_resealed_with_the_public_hash_is_found_with_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keyed.db"
    _keyed_store(path)
    monkeypatch.setenv("WERKMAP_AUDIT_KEY", KEY)
    code, out = _verify(path, capsys)
    assert (code, out.split(":")[0]) == (0, "0 problems")
    assert "checked with the audit key" in out
    _reseal_without_key(path, "f-1")
    code, out = _verify(path, capsys)
    assert code == 1
    assert "folder f-1, record 1 [audit chain]" in out.splitlines()[1]
    assert "sealed with the public hash, not with the host's audit key (re-sealed)" in out
    assert KEY not in out
    # without the key, a consistent re-seal is not detectable: that is what the key is for
    monkeypatch.delenv("WERKMAP_AUDIT_KEY")
    store = SQLiteStore(path)
    try:
        report = verify_store(store)
    finally:
        store.close()
    assert [f.folder_id for f in report.findings] == [
        "f-0",
        "f-2",
    ]  # their keyed seals fail unkeyed
