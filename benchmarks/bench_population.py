"""A whole population's year through the real service, on ``memory://``, ``sqlite://`` and ``postgresql://``.

* ``population_year``: :func:`werkmap.simulate.simulate` of N jobseekers over 12 months (the demo's mix,
  one unit of work per simulated day) through :class:`werkmap.service.Werkmap`, once on each store, each
  in its own process (so its peak memory is its own). Printed per store: wall time, commands per second
  (commands and sweep actions), peak RSS, and bytes per jobseeker-year (the SQLite file with its ``-wal``;
  the PostgreSQL schema's tables with their indexes). The row ``population_year`` has the SQLite run as
  ``median_s`` and SQLite ÷ memory as ``vs.memory``; the row ``population_year_postgresql`` the PostgreSQL
  run and PostgreSQL ÷ SQLite as ``vs.sqlite``. Full size: N = 337,700 (and a SQLite run at 50,000 for
  the growth per jobseeker); ``--quick``: N = 300 and 100. ``WERKMAP_BENCH_POPULATION=N,SMALL`` (say
  ``50000,5000``) measures other sizes, for a machine or an hour that cannot take the full one; the
  targets then speak of those sizes.

Targets (full size, 2 cores): SQLite at most 10 minutes; SQLite at most 2.0x memory; PostgreSQL at most
1.5x SQLite; peak RSS at most 1.5 GB for the stores on disk (SQLite, PostgreSQL: the simulation, the
service and its bounded folder cache; ``memory://`` keeps the whole store in the process, so its RSS is
printed but grows with the data by design); the cost per jobseeker (wall time) at 337,700 at most 1.15x
that at 50,000 (the CPU time's growth is printed beside it). PostgreSQL: ``WERKMAP_BENCH_POSTGRES_URL``,
else a throwaway server started as CI does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench_sweep import _drop_schema, _postgres_server
from harness import Benchmark, Result, Target

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from werkmap.clock import FixedClock
from werkmap.service import Werkmap
from werkmap.simulate import SimulationConfig, simulate

url, jobseekers, months, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cfg = SimulationConfig(jobseekers=jobseekers, months=months, seed=2017)
clock = FixedClock(cfg.start)
with Werkmap(url, clock=clock) as wm:
    start, cpu = time.perf_counter(), time.process_time()
    result = simulate(wm, clock, cfg)
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    size = None
    if url.startswith("postgres"):
        size = wm.store._conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchone()[0]
if db:
    size = sum(p.stat().st_size for p in (Path(db), Path(db + "-wal")) if p.exists())
commands = sum(result.commands.values()) + sum(result.sweep.values())
print(json.dumps({
    "wall_s": wall, "cpu_s": used, "commands": commands,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "bytes": None if size is None else int(size),
}))
"""

_RUNS: dict[str, dict[str, Any]] = {}


def _run(url: str, jobseekers: int, months: int, db: str = "") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url, str(jobseekers), str(months), db],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
    )
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["jobseekers"] = jobseekers
    return out


def _describe(run: dict[str, Any]) -> str:
    size = run["bytes"]
    per = f", {size / run['jobseekers']:,.0f} bytes per jobseeker-year" if size else ""
    return (
        f"{run['wall_s']:.1f} s wall ({run['cpu_s']:.1f} s CPU), "
        f"{run['commands'] / run['wall_s']:,.0f} commands/s, peak RSS {run['peak_rss_mb']:,.0f} MB{per}"
    )


def _sizes(quick: bool) -> tuple[int, int]:
    """The population and the smaller SQLite run to compare its cost per jobseeker with."""
    given = os.environ.get("WERKMAP_BENCH_POPULATION", "").strip()
    if given:
        big, _, small = given.partition(",")
        n = int(big.replace("_", ""))
        return n, int(small.replace("_", "")) if small else max(n // 10, 1)
    return (300, 100) if quick else (337_700, 50_000)


def _all_runs(quick: bool) -> dict[str, dict[str, Any]]:
    if _RUNS:
        return _RUNS
    (n, smaller), months = _sizes(quick), 12
    tmp = Path(tempfile.mkdtemp(prefix="werkmap-bench-population-"))
    _RUNS["memory"] = _run("memory://", n, months)
    db = tmp / "p.db"
    _RUNS["sqlite"] = _run(f"sqlite:///{db}?synchronous=normal", n, months, str(db))
    db_small = tmp / "small.db"
    _RUNS["sqlite_small"] = _run(
        f"sqlite:///{db_small}?synchronous=normal", smaller, months, str(db_small)
    )
    with _postgres_server() as server:
        if server is not None:
            schema = f"werkmap_bench_{uuid.uuid4().hex[:10]}"
            url = server + ("&" if "?" in server else "?") + f"schema={schema}"
            try:
                _RUNS["postgresql"] = _run(url, n, months)
            finally:
                _drop_schema(url)
    return _RUNS


def run_population_year(quick: bool) -> Result:
    runs = _all_runs(quick)
    mem, lite, small = runs["memory"], runs["sqlite"], runs["sqlite_small"]
    ratio = lite["wall_s"] / mem["wall_s"]
    growth = (lite["wall_s"] / lite["jobseekers"]) / (small["wall_s"] / small["jobseekers"])
    cpu_growth = (lite["cpu_s"] / lite["jobseekers"]) / (small["cpu_s"] / small["jobseekers"])
    on_disk = [r for name, r in runs.items() if name != "memory"]
    peak = max(r["peak_rss_mb"] for r in on_disk)
    extra = {name: _describe(r) for name, r in runs.items()}
    extra["growth per jobseeker"] = round(growth, 3)
    extra["growth per jobseeker (CPU time)"] = round(cpu_growth, 3)
    return Result(
        benchmark="population_year",
        n=lite["jobseekers"],
        median_s=lite["wall_s"],
        vs={"memory": ratio},
        targets=[
            Target("SQLite: a year within 10 minutes", lite["wall_s"] <= 600),
            Target("SQLite at most 2.0x memory://", ratio <= 2.0),
            Target("peak RSS at most 1.5 GB (SQLite, PostgreSQL)", peak <= 1536),
            Target(
                f"cost per jobseeker at {lite['jobseekers']:,} <= 1.15x that at "
                f"{small['jobseekers']:,}",
                growth <= 1.15,
            ),
        ],
        extra=extra,
    )


def run_population_year_postgresql(quick: bool) -> Result:
    runs = _all_runs(quick)
    lite = runs["sqlite"]
    pg = runs.get("postgresql")
    if pg is None:
        return Result(
            benchmark="population_year_postgresql",
            n=lite["jobseekers"],
            median_s=float("nan"),
            targets=[Target("a PostgreSQL server to measure (none could be started)", False)],
        )
    ratio = pg["wall_s"] / lite["wall_s"]
    return Result(
        benchmark="population_year_postgresql",
        n=pg["jobseekers"],
        median_s=pg["wall_s"],
        vs={"sqlite": ratio},
        targets=[Target("PostgreSQL at most 1.5x SQLite", ratio <= 1.5)],
        extra={"postgresql": _describe(pg)},
    )


__all__ = ["BENCHMARKS"]

BENCHMARKS = [
    Benchmark("population_year", run_population_year),
    Benchmark("population_year_postgresql", run_population_year_postgresql),
]
