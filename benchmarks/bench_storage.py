"""Storage: batch saves against hand-written sqlite3, and the caseload and due-date queries.

* ``save_batch``: saving ``WorkFolder`` values (each with 6 events) in batches of 1,000 through ``SQLiteStore.save_many`` (version checks,
  event log, index columns) against the peer ``sqlite3_raw``, which serialises each folder with the same
  converter and inserts the JSON and its index columns with raw ``sqlite3`` (same pragmas, same indexes).
  Target: at least 0.5x the peer's throughput.
* ``caseload_query``: one coach's 300 folders out of 1,000,000; target median <= 5 ms.
* ``due_query``: the 1 % of 1,000,000 folders due on or before a date; target median <= 50 ms.

The million-row database is built with raw inserts of small JSON documents (the queries read index
columns only), in a temporary directory.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from pathlib import Path

import attrs
import numpy as np

from harness import Benchmark, Result, Target, interleaved_medians, median_time
from werkmap import serialization
from werkmap.plan.folder import (
    ProfileRecord,
    WorkFolder,
    add_activity,
    add_profile,
    create_folder,
    propose_conversation,
)
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.values import FolderIndex, SaveRequest

START = dt.date(2024, 3, 4)


BANDS = ("0-25", "25-50", "50-75", "75-100")


def _template() -> WorkFolder:
    """A typical young folder: created, profiled, three activities, one conversation proposed."""
    f, _ = create_folder("template", on=START, jobseeker_ref="ref-template", coach_id="c00000")
    f, _ = add_profile(
        f,
        ProfileRecord(
            taken_on=START,
            probability=0.42,
            band="25-50",
            questionnaire_id="werkverkenner",
            questionnaire_version="2017.1",
            model_id="illustrative",
            model_version="1.0.0",
            top_hindrances=("health",),
        ),
        on=START,
        actor="system",
    )
    for k in range(3):
        f, _ = add_activity(
            f,
            f"a-{k}",
            "application",
            due=START + dt.timedelta(days=14 + k),
            on=START,
            actor="c00000",
            title="Sollicitatie",
        )
    f, _ = propose_conversation(f, "c-1", "orientation", on=START, actor="system")
    return f


def _folders(n: int) -> list[tuple[WorkFolder, FolderIndex]]:
    template = _template()
    out = []
    for i in range(n):
        folder = attrs.evolve(
            template,
            folder_id=f"f{i:07d}",
            jobseeker_ref=f"ref-{i:07d}",
            coach_id=f"c{i % 333:05d}",
        )
        index = FolderIndex(
            coach_id=folder.coach_id,
            status="active",
            band=BANDS[i % 4],
            next_due_on=START + dt.timedelta(days=i % 100),
            next_conversation_on=START + dt.timedelta(days=28),
            open_activities=3,
            overdue_activities=0,
        )
        out.append((folder, index))
    return out


RAW_SCHEMA = (
    """CREATE TABLE folders (folder_id TEXT PRIMARY KEY, version INTEGER NOT NULL,
       jobseeker_ref TEXT NOT NULL, coach_id TEXT, status TEXT NOT NULL, band TEXT,
       next_due_on TEXT, next_conversation_on TEXT, open_activities INTEGER NOT NULL,
       overdue_activities INTEGER NOT NULL, document TEXT NOT NULL)""",
    "CREATE INDEX folders_coach ON folders (coach_id)",
    "CREATE INDEX folders_due ON folders (next_due_on, folder_id) WHERE next_due_on IS NOT NULL",
)


def _raw_save(path: Path, items: list[tuple[WorkFolder, FolderIndex]], batch: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for statement in RAW_SCHEMA:
        conn.execute(statement)
    for start in range(0, len(items), batch):
        rows = [
            (
                f.folder_id,
                f.version,
                f.jobseeker_ref,
                ix.coach_id,
                ix.status,
                ix.band,
                ix.next_due_on.isoformat() if ix.next_due_on else None,
                ix.next_conversation_on.isoformat() if ix.next_conversation_on else None,
                ix.open_activities,
                ix.overdue_activities,
                serialization.dumps(f),
            )
            for f, ix in items[start : start + batch]
        ]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO folders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    conn.close()


def _store_save(path: Path, items: list[tuple[WorkFolder, FolderIndex]], batch: int) -> None:
    store = SQLiteStore(path)
    for start in range(0, len(items), batch):
        store.save_many(
            [
                SaveRequest(folder=f, expected_version=0, index=ix)
                for f, ix in items[start : start + batch]
            ]
        )
    store.close()


def run_save(quick: bool) -> Result:
    n = 2_000 if quick else 100_000
    batch = 1_000
    items = _folders(n)
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))

        def ours() -> None:
            _store_save(Path(tmp) / f"ours{next(counter)}.db", items, batch)

        def raw() -> None:
            _raw_save(Path(tmp) / f"raw{next(counter)}.db", items, batch)

        times = interleaved_medians({"ours": ours, "raw": raw}, repeat=3)
    ratio = times["ours"] / times["raw"]
    throughput = times["raw"] / times["ours"]
    return Result(
        benchmark="save_batch",
        n=n,
        median_s=times["ours"],
        vs={"sqlite3_raw": ratio},
        targets=[
            Target("save_batch throughput >= 0.5x the raw sqlite3 baseline", throughput >= 0.5)
        ],
        extra={
            "folders_per_s": round(n / times["ours"]),
            "raw_folders_per_s": round(n / times["raw"]),
        },
    )


_POPULATION: dict[int, Path] = {}
_TMP = tempfile.TemporaryDirectory()


def _population(n: int) -> Path:
    """A store of ``n`` folders with 300 per coach and 1 % due on or before START (built once)."""
    if n in _POPULATION:
        return _POPULATION[n]
    path = Path(_TMP.name) / f"pop{n}.db"
    SQLiteStore(path).close()
    rng = np.random.default_rng(20240304)
    coach_of = rng.permutation(n) // 300  # 300 folders per coach, scattered over the table
    days = rng.permutation(np.arange(n) % 100)  # 1 % due on each of 100 days
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    # bulk load without the indexes, then build them with the store's own statements
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'folders' "
            "AND sql IS NOT NULL"
        )
    ]
    for name in ("folders_coach", "folders_due"):
        conn.execute(f"DROP INDEX {name}")
    conn.execute("BEGIN")
    doc = json.dumps({"schema": "werkmap.folder", "schema_version": 1, "data": {}})
    conn.executemany(
        "INSERT INTO folders (folder_id, version, jobseeker_ref, coach_id, status, band, "
        "next_due_on, next_conversation_on, open_activities, overdue_activities, document) "
        "VALUES (?, 1, ?, ?, 'active', ?, ?, NULL, 1, 0, ?)",
        (
            (
                f"f{i:07d}",
                f"ref-{i:07d}",
                f"c{int(coach_of[i]):05d}",
                BANDS[i % 4],
                (START + dt.timedelta(days=int(days[i]))).isoformat(),
                doc,
            )
            for i in range(n)
        ),
    )
    for sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    _POPULATION[n] = path
    return path


def _query_result(name: str, quick: bool, target_s: float, query: str) -> Result:
    n = 60_000 if quick else 1_000_000
    path = _population(n)
    store = SQLiteStore(path)
    raw = sqlite3.connect(path)
    coaches = [f"c{k:05d}" for k in range(0, n // 300, max(1, n // 300 // 50))]
    it = iter(range(10**9))
    if query == "caseload":

        def ours() -> None:
            assert len(store.caseload(coaches[next(it) % len(coaches)])) == 300

        def peer() -> None:
            raw.execute(
                "SELECT folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
                "next_conversation_on, open_activities, overdue_activities FROM folders "
                "WHERE coach_id = ? ORDER BY next_due_on IS NULL, next_due_on, folder_id",
                (coaches[next(it) % len(coaches)],),
            ).fetchall()

        repeat, number = 7, 20
    else:

        def ours() -> None:
            assert len(store.due(START)) == n // 100

        def peer() -> None:
            raw.execute(
                "SELECT folder_id, version, next_due_on FROM folders "
                "WHERE next_due_on <= ? ORDER BY next_due_on, folder_id",
                (START.isoformat(),),
            ).fetchall()

        repeat, number = 7, 3
    times = interleaved_medians({"ours": ours, "raw": peer}, repeat=repeat, number=number)
    store.close()
    raw.close()
    median = times["ours"]
    what = "a coach's caseload (300 folders)" if query == "caseload" else "folders due (1 %)"
    return Result(
        benchmark=name,
        n=n,
        median_s=median,
        vs={"sqlite3_raw": median / times["raw"]},
        targets=[Target(f"{what} of {n:,} median <= {target_s * 1e3:g} ms", median <= target_s)],
    )


def run_caseload(quick: bool) -> Result:
    return _query_result("caseload_query", quick, 0.005, "caseload")


def run_due(quick: bool) -> Result:
    return _query_result("due_query", quick, 0.050, "due")


__all__ = ["BENCHMARKS", "median_time"]

BENCHMARKS = [
    Benchmark("save_batch", run_save),
    Benchmark("caseload_query", run_caseload),
    Benchmark("due_query", run_due),
]
