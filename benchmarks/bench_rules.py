"""The daily sweep over a population, and one folder's due actions.

* ``sweep``: :func:`werkmap.rules.sweep` over 1,000,000 synthetic folders on one date, against its peer
  ``loop`` (the one-folder :func:`werkmap.rules.due_actions` applied folder by folder). The loop is timed
  on a sample of folders and scaled to the population, and the output says so; the sample's actions
  from both paths are compared.
* ``due_one``: :func:`werkmap.rules.due_actions` for one folder (3 activities, a few applications). The
  time from a ``WorkFolder`` (:func:`werkmap.rules.folder_state` first, which reads the folder's routes and
  handled actions) on a folder with something due is printed beside it.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from harness import Benchmark, Result, Target, median_time
from werkmap.plan import folder as wf
from werkmap.rules import NO_DATE, FolderColumns, day_number, due_actions, load_policy, sweep
from werkmap.rules.routing import OUTCOMES
from werkmap.rules.state import ACTIVITY_STATES, INVITATION_KINDS, folder_state

ON = dt.date(2025, 6, 11)
POLICY = load_policy()


def population(n: int, seed: int = 20250611) -> FolderColumns:
    """A synthetic population on ``ON``: most folders quiet, a few per cent with something due."""
    rng = np.random.default_rng(seed)
    d = day_number(ON)
    reg = d - rng.integers(0, 540, n)
    profiled = rng.random(n) < 0.7
    probability = np.where(profiled, rng.random(n), np.nan)
    route = np.where(
        profiled,
        np.where(
            probability <= 0.5, OUTCOMES.index("orientation") + 1, OUTCOMES.index("digital") + 1
        ),
        np.where(rng.random(n) < 0.998, OUTCOMES.index("coach_analysis") + 1, 0),
    ).astype(np.int8)
    routed = np.where(route > 0, np.minimum(reg + rng.integers(0, 20, n), d), NO_DATE)
    held = rng.random(n) < 0.9
    last = np.where(held, np.maximum(np.maximum(reg, routed), d - rng.integers(0, 43, n)), NO_DATE)
    profiler_invited = np.where(rng.random(n) < 0.999, reg, NO_DATE)
    work = np.where(rng.random(n) < 0.01, d - rng.integers(0, 3, n), NO_DATE)
    pension = np.where(rng.random(n) < 0.05, d + rng.integers(0, 900, n), NO_DATE)
    # folders without a held conversation mostly have an invitation pending; a few others too
    inv_folder = np.nonzero(np.where(held, rng.random(n) < 0.05, rng.random(n) < 0.95))[0]
    m = len(inv_folder)
    # three activities per folder, mostly done or with deadlines ahead
    act_folder = np.repeat(np.arange(n), 3)
    k = len(act_folder)
    act_state = rng.choice(
        [ACTIVITY_STATES.index(s) for s in ("done", "open", "overdue", "reminded")],
        size=k,
        p=[0.6, 0.398, 0.001, 0.001],
    ).astype(np.int8)
    act_deadline = np.where(
        act_state == ACTIVITY_STATES.index("open"),
        np.where(rng.random(k) < 0.003, d - 2, d + rng.integers(0, 30, k)),
        d - rng.integers(1, 30, k),
    )
    act_reminded = np.where(
        act_state == ACTIVITY_STATES.index("reminded"), d - rng.integers(1, 20, k), NO_DATE
    )
    # four application activities in the last full period for 99 % of the folders, three otherwise
    period = 28
    end = reg + ((d - reg) // period) * period
    n_apps = np.where(rng.random(n) < 0.99, 4, 3)
    app_folder = np.repeat(np.arange(n), n_apps)
    offsets = np.arange(len(app_folder)) - np.repeat(np.cumsum(n_apps) - n_apps, n_apps)
    app_day = end[app_folder] - 1 - offsets * 5
    return FolderColumns(
        folder_id=[f"f{i}" for i in range(n)],
        registered_on=reg.astype(np.int64),
        probability=probability,
        profiler_invited_on=profiler_invited.astype(np.int64),
        route=route,
        routed_on=routed.astype(np.int64),
        last_conversation_on=last.astype(np.int64),
        work_found_on=work.astype(np.int64),
        benefit_ends_on=np.full(n, NO_DATE, dtype=np.int64),
        pension_on=pension.astype(np.int64),
        inv_folder=inv_folder.astype(np.int64),
        inv_id=[f"c{i}" for i in range(m)],
        inv_kind=rng.integers(0, len(INVITATION_KINDS), m).astype(np.int8),
        inv_invited_on=(d - rng.integers(0, 20, m)).astype(np.int64),
        inv_planned_on=(d + rng.integers(1, 20, m)).astype(np.int64),
        act_folder=act_folder.astype(np.int64),
        act_id=[f"a{i}" for i in range(k)],
        act_state=act_state,
        act_deadline=act_deadline.astype(np.int64),
        act_reminded_on=act_reminded.astype(np.int64),
        app_folder=app_folder.astype(np.int64),
        app_day=app_day.astype(np.int64),
    )


def run_sweep(quick: bool) -> Result:
    n = 20_000 if quick else 1_000_000
    sample_n = 2_000 if quick else 20_000
    columns = population(n)
    sweep(columns, ON, POLICY)  # warm up
    times, with_objects = [], []
    for _ in range(3 if quick else 5):
        start = time.perf_counter()
        table = sweep(columns, ON, POLICY)
        middle = time.perf_counter()
        actions = table.actions()
        times.append(middle - start)
        with_objects.append(time.perf_counter() - start)
    ours = float(np.median(times))
    ours_objects = float(np.median(with_objects))
    rng = np.random.default_rng(7)
    sample = [columns.state(int(i)) for i in rng.choice(n, sample_n, replace=False)]
    loop_sample = median_time(lambda: [due_actions(s, ON, POLICY) for s in sample], repeat=3)
    loop = loop_sample * n / sample_n
    looped = [a for s in sample for a in due_actions(s, ON, POLICY)]
    swept = sweep(FolderColumns.from_states(sample), ON, POLICY).actions()
    ratio = ours / loop
    return Result(
        benchmark="sweep",
        n=n,
        median_s=ours,
        vs={"loop": ratio},
        targets=[
            Target(f"sweep of {n:,} folders < 1 s", ours < 1.0),
            Target(f"sweep of {n:,} folders, Action objects included, < 1 s", ours_objects < 1.0),
            Target("sweep >= 50x faster than the one-folder loop", ratio <= 1 / 50),
            Target("sweep and loop give the same actions on the sample", swept == looped),
        ],
        extra={
            "actions found": f"{len(actions):,} ({table.counts()})",
            "with Action objects": (
                f"{ours_objects * 1e3:.0f} ms, {ours_objects / loop:.4f}x the loop "
                f"({loop / ours_objects:.0f}x faster)"
            ),
            "loop": (
                f"timed on a sample of {sample_n:,} folders ({loop_sample:.3f} s) and scaled "
                f"x{n / sample_n:g} to {loop:.1f} s"
            ),
            "speed-up": f"{1 / ratio:.0f}x (columnar result)",
        },
    )


def _work_folder() -> wf.WorkFolder:
    """A folder as the service shell keeps it: profiled, routed, 3 activities, 2 of them overdue on ON."""
    start = ON - dt.timedelta(days=60)
    f, _ = wf.create_folder("f-real", on=start, jobseeker_ref="ref-real", coach_id="c-1")
    f, _ = wf.invite_to_profiler(f, on=start)
    f, _ = wf.add_profile(
        f,
        wf.ProfileRecord(
            taken_on=start,
            probability=0.42,
            band="25-50",
            questionnaire_id="werkverkenner",
            questionnaire_version="2017.1",
            model_id="illustrative",
            model_version="1.0.0",
        ),
        on=start,
        actor="system",
    )
    route = wf.RouteRecord(
        decided_on=start, outcome="orientation", rule_id="R-ROUTE-01", rule_version=1
    )
    f, _ = wf.record_route(f, route, on=start, actor="system")
    f, _ = wf.record_actions(
        f, [(f"seen-{i}", "invite_orientation", "") for i in range(5)], on=start
    )
    for k, days in enumerate((40, 55, 70)):
        f, _ = wf.add_activity(
            f, f"a-{k}", "application", due=start + dt.timedelta(days=days), on=start, actor="c-1"
        )
    return f


def run_due_one(quick: bool) -> Result:
    columns = population(2_000)
    states = [columns.state(i) for i in range(200 if quick else 2_000)]
    per_call = median_time(
        lambda: [due_actions(s, ON, POLICY) for s in states], repeat=5 if quick else 9
    ) / len(states)
    folder = _work_folder()
    found = due_actions(folder_state(folder), ON, POLICY)
    calls = 200 if quick else 2_000
    from_folder = median_time(
        lambda: due_actions(folder_state(folder), ON, POLICY),
        repeat=5 if quick else 9,
        number=calls,
    )
    return Result(
        benchmark="due_one",
        n=len(states),
        median_s=per_call,
        targets=[Target("one folder's due actions: median <= 50 µs", per_call <= 50e-6)],
        extra={
            "timing": "median over rounds of the mean time per folder (3 activities each)",
            "from a WorkFolder (folder_state + due_actions)": (
                f"{from_folder * 1e6:.1f} µs ({len(found)} actions due: "
                f"{', '.join(sorted({a.kind for a in found}))})"
            ),
        },
    )


BENCHMARKS = [Benchmark("sweep", run_sweep), Benchmark("due_one", run_due_one)]
