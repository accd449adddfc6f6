"""The service's daily sweep on a large store: its cost follows the due folders, not the store.

* ``service_sweep``: one day's :meth:`werkmap.service.Werkmap.sweep` on a store of 1,000,000 folders with
  the demo's share of due folders, on SQLite and on PostgreSQL, and on a store a tenth of that size
  (both sizes printed). The folders are the folders of a simulated year (the demo's mix: 600 jobseekers
  through the real service), copied under new ids until the store holds N; the sweep runs on the day
  after the simulated year, as the demo's next sweep would. The copies are written in bulk (SQLite
  ``executemany``, PostgreSQL ``COPY``), not through the service. The sweep runs on a fresh service (an
  empty folder cache), so every folder it changes is loaded from the store. Targets: at most 5 s at
  1,000,000 folders on each store; the time per due folder at 1,000,000 at most 1.5x that at 100,000
  (the cost grows with the due folders, not with the store). ``--quick``: 20,000 and 2,000 folders from
  150 jobseekers over 3 months, SQLite only unless a server URL is given.

Two sweepers side by side (both stores, the large size): the same store, built again, swept by two
processes at once, one per part (``Werkmap.sweep(part=SweepPart(1, 2))`` and ``SweepPart(2, 2)``, as
``werkmap sweep --part 1/2`` and ``--part 2/2``), timed from the moment both are ready until both are
done. The targets are judged on the one sweeper; the two are printed beside it.

The floor (SQLite, both sizes): after the sweep, the same changed folders are read and written again with
nothing but ``sqlite3``, zlib and ``json``: each folder's row and event rows read and their JSON parsed
(no folder values built, no rules), then a patch row, an event row and an audit row written and the
folder's row updated, 1,000 folders to a transaction, as the sweep's batches. It is what one changed
folder costs before werkmap does anything with it (a lower bound: the sweep has just read the same pages
into the cache). When the floor alone is over the 5 s budget per due folder, no change inside the
service reaches the target with this storage layout.

PostgreSQL: the server's URL comes from ``WERKMAP_BENCH_POSTGRES_URL``, else a throwaway server is
started with ``.ci/postgres`` as CI does (and stopped at the end).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import Benchmark, Result, Target
from werkmap.clock import FixedClock
from werkmap.service import Actor, SweepPart, Werkmap
from werkmap.simulate import SimulationConfig, simulate
from werkmap.storage import default_codec, open_store
from werkmap.storage.compact import pack, text_of
from werkmap.storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
_FOLDER_COLUMNS = (
    "folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, next_conversation_on, "
    "open_activities, overdue_activities, rule_state, document"
)


def _templates(jobseekers: int, months: int) -> tuple[list[tuple[Any, ...]], dt.date]:
    """Simulate the demo's mix; return each folder's row parts and the day after the simulation."""
    cfg = SimulationConfig(jobseekers=jobseekers, months=months, seed=2017)
    tmp = Path(tempfile.mkdtemp(prefix="werkmap-bench-sweep-"))
    clock = FixedClock(cfg.start)
    with Werkmap(f"sqlite:///{tmp}/t.db?synchronous=normal", clock=clock) as wm:
        simulate(wm, clock, cfg)
    store = SQLiteStore(tmp / "t.db")
    codec = default_codec()
    rows = store._conn.execute(  # the index columns as stored (a benchmark may read its own file)
        "SELECT folder_id, version, jobseeker_ref, coach_id, status, band, next_due_on, "
        "next_conversation_on, open_activities, overdue_activities, rule_state FROM folders "
        "ORDER BY folder_id"
    ).fetchall()
    out = []
    for row in rows:
        folder = store.load(row[0])
        document, events = codec.dump_parts(folder)
        event_blob = pack(codec.encode_event_values(events), level=1) if events else None
        last = codec.sequence(events[-1]) if events else 0
        out.append((*row[:10], text_of(row[10]), document, event_blob, last))
    store.close()
    shutil.rmtree(tmp)
    return out, cfg.end + dt.timedelta(days=1)


def _copies(templates: list[tuple[Any, ...]], n: int) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield ``n`` folder rows (and their one event row) made from the templates under new ids."""
    k = len(templates)
    for i in range(n):
        t = templates[i % k]
        old, new = f'"{t[0]}"', f'"b{i:07d}"'
        fid = f"b{i:07d}"
        row = (
            fid,
            *t[1:10],
            pack(t[10].replace(old, new, 1), level=1),
            pack(t[11].replace(old, new, 1), level=1),
        )
        event = (fid, 1, t[13], t[12]) if t[12] is not None else None
        yield row, event


def _build_sqlite(path: Path, templates: list[tuple[Any, ...]], n: int) -> None:
    SQLiteStore(path).close()  # the schema
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    batch: list[tuple[Any, ...]] = []
    events: list[Any] = []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO folders ({_FOLDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", events)
        conn.execute("COMMIT")
        batch.clear()
        events.clear()

    for row, event in _copies(templates, n):
        batch.append(row)
        if event is not None:
            events.append(event)
        if len(batch) >= 50_000:
            flush()
    if batch:
        flush()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


def _build_postgres(url: str, templates: list[tuple[Any, ...]], n: int) -> None:
    from werkmap.storage.postgres import PostgresStore

    store = PostgresStore(url)  # the schema, and a connection whose search path is the store's
    conn = store._conn
    events = []
    with conn.transaction(), conn.cursor() as cur:
        with cur.copy(f"COPY folders ({_FOLDER_COLUMNS}) FROM STDIN") as folders:
            for row, event in _copies(templates, n):
                folders.write_row(row)
                if event is not None:
                    events.append(event)
        with cur.copy("COPY events FROM STDIN") as copy:
            for event in events:
                copy.write_row(event)
    conn.execute("ANALYZE folders")
    conn.execute("ANALYZE events")
    store.close()


class _Timed:
    """A store that times the calls the sweep makes to it (everything else passes through): wall
    seconds in ``seconds``, process seconds in ``cpu``."""

    TIMED = ("due_states", "load_many", "save_many")

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds: dict[str, float] = dict.fromkeys(self.TIMED, 0.0)
        self.cpu: dict[str, float] = dict.fromkeys(self.TIMED, 0.0)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in self.TIMED:
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return attr(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.cpu[name] += time.process_time() - cpu

        return timed


def _sweep(
    url: str, day: dt.date
) -> tuple[float, float, int, list[str], dict[str, float], dict[str, float]]:
    """One sweep on a fresh service: wall and process seconds, due folders, the ids of the folders
    changed, and the wall and the process seconds spent in the store's ``due_states``, ``load_many``
    and ``save_many``."""
    store = _Timed(open_store(url))
    with Werkmap(store, clock=FixedClock(day)) as wm:
        start, cpu = time.perf_counter(), time.process_time()
        result = wm.sweep(Actor.system())
        wall, used = time.perf_counter() - start, time.process_time() - cpu
    changed = sorted({a.folder_id for a in result.actions})
    return wall, used, result.folders, changed, store.seconds, store.cpu


def _part_sweeper(url: str, day: dt.date, k: int, n: int, ready: Any, out: Any) -> None:
    """One of the side-by-side sweepers (in a process of its own): sweep part ``k`` of ``n``.

    Before the start it sweeps one new folder on a ``memory://`` store, so its first batch does not pay
    for the imports the bench process has long made."""
    with Werkmap("memory://", clock=FixedClock(day)) as warm:
        warm.register(Actor.system(), "warm-up", jobseeker_ref="js-warm-up")
        warm.sweep(Actor.system())
    with Werkmap(open_store(url), clock=FixedClock(day)) as wm:
        ready.wait(300)
        result = wm.sweep(Actor.system(), part=SweepPart(k, n))
    out.put((result.folders, len({a.folder_id for a in result.actions})))


def _sweep_parts(url: str, day: dt.date, parts: int = 2) -> tuple[float, int, int]:
    """One day's sweep by ``parts`` sweepers at once, each in a process of its own: the wall seconds
    from the moment all are ready until all are done, the due folders and the folders changed."""
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(parts + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_part_sweeper, args=(url, day, k, parts, ready, out))
        for k in range(1, parts + 1)
    ]
    for proc in procs:
        proc.start()
    ready.wait(300)
    start = time.perf_counter()
    done = [out.get(timeout=1800) for _ in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join(60)
    return wall, sum(d[0] for d in done), sum(d[1] for d in done)


def _floor_sqlite(path: Path, fids: list[str], day: dt.date) -> tuple[float, float]:
    """The floor: read and write the changed folders again with sqlite3, zlib and json only.

    Returns the wall and the process seconds. Each folder: its row, its patches and its event rows
    read, decompressed and parsed; then one patch row, one event row and one audit row inserted and its
    row updated (version, due date, rule state), 1,000 folders to a transaction.
    """
    import json
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    start, cpu = time.perf_counter(), time.process_time()
    for first in range(0, len(fids), 1000):
        conn.execute("BEGIN")
        for fid in fids[first : first + 1000]:
            document, version, rule_state = conn.execute(
                "SELECT document, version, rule_state FROM folders WHERE folder_id = ?", (fid,)
            ).fetchone()
            json.loads(text_of(document))
            for (patch,) in conn.execute(
                "SELECT patch FROM folder_changes WHERE folder_id = ? ORDER BY version", (fid,)
            ):
                json.loads(text_of(patch))
            last = 0
            for (row,) in conn.execute(
                "SELECT document FROM events WHERE folder_id = ? ORDER BY last_sequence", (fid,)
            ):
                events = json.loads(text_of(row))
                last = events[-1]["seq"] if events else last
            (audit_last,) = conn.execute(
                "SELECT coalesce(max(sequence), 0) FROM audit WHERE folder_id = ?", (fid,)
            ).fetchone()
            new = version + 1
            event = {"seq": last + 1, "kind": "activity_overdue", "on": day.isoformat()}
            event |= {"actor": "system", "version": new, "data": {"activity_id": "a-1"}}
            conn.execute(
                "INSERT INTO folder_changes (folder_id, version, patch) VALUES (?, ?, ?)",
                (fid, new, pack(json.dumps({"items": {}, "values": {}, "version": new}))),
            )
            conn.execute(
                "INSERT INTO events (folder_id, first_sequence, last_sequence, document) "
                "VALUES (?, ?, ?, ?)",
                (fid, last + 1, last + 1, pack(json.dumps([event], sort_keys=True))),
            )
            conn.execute(
                "INSERT INTO audit (folder_id, sequence, hash, record) VALUES (?, ?, ?, ?)",
                (fid, audit_last + 1, bytes(32), pack(json.dumps({"action": "sweep"}))),
            )
            conn.execute(
                "UPDATE folders SET version = ?, next_due_on = ?, rule_state = ? "
                "WHERE folder_id = ? AND version = ?",
                (new, (day + dt.timedelta(days=14)).isoformat(), rule_state, fid, version),
            )
        conn.execute("COMMIT")
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return wall, used


@contextmanager
def _postgres_server() -> Iterator[str | None]:
    url = os.environ.get("WERKMAP_BENCH_POSTGRES_URL", "").strip()
    if url:
        yield url
        return
    try:
        done = subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres"), "start"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        yield None
        return
    env = dict(
        line.removeprefix("export ").split("=", 1)
        for line in done.stdout.splitlines()
        if line.startswith("export ")
    )
    env = {k: v.strip("'\"") for k, v in env.items()}
    try:
        yield env.get("WERKMAP_TEST_POSTGRES_URL")
    finally:
        subprocess.run(
            [
                "bash",
                str(ROOT / ".ci" / "postgres"),
                "stop",
                env.get("WERKMAP_TEST_POSTGRES_DIR", ""),
            ],
            capture_output=True,
            check=False,
        )


def _drop_schema(url: str) -> None:
    """Drop a benchmark's schema again (on a server the benchmark did not start)."""
    import psycopg
    from psycopg import sql

    base, _, schema = url.rpartition("schema=")
    with psycopg.connect(base.rstrip("?&"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _with_schema(server: str) -> str:
    schema = f"werkmap_bench_{uuid.uuid4().hex[:10]}"
    return server + ("&" if "?" in server else "?") + f"schema={schema}"


def run_service_sweep(quick: bool) -> Result:
    jobseekers, months = (150, 3) if quick else (600, 12)
    large = 20_000 if quick else 1_000_000
    small = large // 10
    templates, day = _templates(jobseekers, months)
    tmp = Path(tempfile.mkdtemp(prefix="werkmap-bench-sweep-"))
    figures: dict[str, Any] = {"sweep day": day.isoformat(), "template folders": len(templates)}
    targets: list[Target] = []
    seconds: dict[str, float] = {}
    floors: dict[str, float] = {}
    stores: list[tuple[str, Any]] = [("sqlite", None)]
    with _postgres_server() as server:
        if server is not None:
            stores.append(("postgresql", server))
        elif not quick:
            targets.append(Target("a PostgreSQL server to measure (none could be started)", False))
        for kind, srv in stores:
            per_due: dict[int, float] = {}
            for n in (small, large):
                start = time.perf_counter()
                if kind == "sqlite":
                    path = tmp / f"s{n}.db"
                    _build_sqlite(path, templates, n)
                    url = f"sqlite:///{path}?synchronous=normal"
                else:
                    url = _with_schema(srv)
                    _build_postgres(url, templates, n)
                build = time.perf_counter() - start
                twin = None  # the same store again, for the two sweepers side by side
                if n == large:
                    if kind == "sqlite":
                        shutil.copyfile(path, tmp / "twin.db")
                        twin = f"sqlite:///{tmp / 'twin.db'}?synchronous=normal"
                    else:
                        twin = _with_schema(srv)
                        _build_postgres(twin, templates, n)
                wall, cpu, due, changed_ids, parts, cpu_parts = _sweep(url, day)
                changed = len(changed_ids)
                if kind == "sqlite":
                    floor_wall, floor_cpu = _floor_sqlite(path, changed_ids, day)
                    figures[f"floor {n:,} folders (sqlite3, zlib and json only)"] = (
                        f"{floor_wall:.2f} s wall / {floor_cpu:.2f} s CPU for the {changed:,} "
                        f"changed folders: {floor_wall / max(due, 1) * 1e3:.2f} ms wall / "
                        f"{floor_cpu / max(due, 1) * 1e3:.2f} ms CPU per due folder, where 5 s "
                        f"allows {5.0 / max(due, 1) * 1e3:.2f} ms"
                    )
                    if n == large:
                        floors[kind] = floor_wall
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
                else:
                    _drop_schema(url)
                if twin is not None:
                    two_wall, two_due, two_changed = _sweep_parts(twin, day)
                    if kind == "sqlite":
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{tmp / 'twin.db'}{suffix}").unlink(missing_ok=True)
                    else:
                        _drop_schema(twin)
                    figures[f"{kind} {n:,} folders, two sweepers side by side (parts 1/2, 2/2)"] = (
                        f"{two_wall:.2f} s wall, {two_due:,} due, {two_changed:,} changed: "
                        f"{wall / two_wall:.2f}x as fast as one sweeper"
                    )
                per_due[n] = wall / max(due, 1)
                seconds[f"{kind} {n}"] = wall
                rest = wall - sum(parts.values())
                figures[f"{kind} {n:,} folders"] = (
                    f"build {build:.1f} s, sweep {wall:.2f} s wall / {cpu:.2f} s CPU, "
                    f"{due:,} due ({due / n:.2%}), {changed:,} changed, "
                    f"{wall / max(due, 1) * 1e3:.2f} ms wall / "
                    f"{cpu / max(due, 1) * 1e3:.2f} ms CPU per due folder"
                )
                figures[f"{kind} {n:,} where the sweep's wall time went"] = (
                    ", ".join(f"{name} {sec:.2f} s" for name, sec in parts.items())
                    + f", rules and the service {rest:.2f} s"
                )
                figures[f"{kind} {n:,} where the sweep's CPU time went (per due folder)"] = (
                    ", ".join(
                        f"{name} {sec / max(due, 1) * 1e3:.2f} ms"
                        for name, sec in cpu_parts.items()
                    )
                    + f", rules and the service "
                    f"{(cpu - sum(cpu_parts.values())) / max(due, 1) * 1e3:.2f} ms"
                )
            targets.append(
                Target(
                    f"{kind}: one day's sweep of {large:,} folders <= 5 s",
                    seconds[f"{kind} {large}"] <= 5.0,
                )
            )
            growth = per_due[large] / per_due[small]
            figures[f"{kind} growth per due folder ({large:,} vs {small:,})"] = round(growth, 3)
            targets.append(
                Target(
                    f"{kind}: time per due folder at {large:,} <= 1.5x that at {small:,}",
                    growth <= 1.5,
                )
            )
    tmp.rmdir()
    vs = {"floor": seconds[f"sqlite {large}"] / floors["sqlite"]}
    if f"postgresql {large}" in seconds:
        vs["sqlite"] = seconds[f"postgresql {large}"] / seconds[f"sqlite {large}"]
    return Result(
        benchmark="service_sweep",
        n=large,
        median_s=seconds[f"sqlite {large}"],
        vs=vs,
        targets=targets,
        extra=figures,
    )


__all__ = ["BENCHMARKS"]

BENCHMARKS = [Benchmark("service_sweep", run_service_sweep)]
