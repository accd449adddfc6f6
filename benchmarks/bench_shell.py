"""The service shell: commands through ``Werkmap`` against the domain and the store called directly, and
the demo's growth with the population.

* ``shell_commands``: register a jobseeker, then submit their profile (scored and routed), through
  ``Werkmap`` on a SQLite file, against the peer ``direct``: the same pure changes (``create_folder``,
  ``score``, ``add_profile``, ``decide_route``, ``record_route``) and the same saves (index columns with the
  next due date, one audit entry per command) written with ``SQLiteStore.save`` by hand. Both stores use
  ``synchronous=normal`` so the comparison measures software, not the disk's flush. Target: the shell's
  overhead at most 1.5x. Commands per second are printed.
* ``demo_scaling``: the demo (``werkmap.cli_service.run_demo``: the simulation on SQLite, the dashboard,
  the report and the forecast) at 5,000 and at 50,000 jobseekers over 12 months. Targets: 5,000 within
  60 s, and the time per jobseeker at 50,000 at most 1.25x that at 5,000 (growth no worse than linear).
  ``--quick`` runs 300 and 3,000 jobseekers over 3 months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import Benchmark, Result, Target, interleaved_medians
from werkmap.clock import FixedClock
from werkmap.plan import folder as wf
from werkmap.profiler.model import load_model
from werkmap.profiler.questionnaire import load_questionnaire
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.rules import default_policy, first_due_on, folder_state
from werkmap.rules.routing import RoutingInputs, decide_route
from werkmap.service import Actor, Werkmap
from werkmap.storage import AuditEntry, FolderIndex
from werkmap.storage.sqlite import SQLiteStore

DAY = dt.date(2025, 3, 3)


def _shell_round(path: Path, answers: list[dict[str, object]], *, unit: bool = False) -> float:
    """Run the commands through a fresh service; return the seconds the commands took."""
    clock = FixedClock(DAY)
    q = load_questionnaire()
    model = load_model(questionnaire=q)
    with Werkmap(
        f"sqlite:///{path}?synchronous=normal", clock=clock, questionnaire=q, model=model
    ) as wm:
        system = Actor.system()
        start = time.perf_counter()
        with wm.unit_of_work() if unit else contextlib.nullcontext():
            for i, a in enumerate(answers):
                fid = f"f-{i}"
                wm.register(system, fid, jobseeker_ref=f"js-{i}", coach_id="c-1")
                wm.submit_profile(Actor.jobseeker(f"js-{i}"), fid, a)
        return time.perf_counter() - start


def _rate(path_of: Callable[[str], Path], answers: list[dict[str, object]], unit: bool) -> float:
    """Commands per second through the service: the best of three rounds."""
    return max(
        2 * len(answers) / _shell_round(path_of("rate"), answers, unit=unit) for _ in range(3)
    )


def _direct_round(path: Path, answers: list[dict[str, object]]) -> None:
    q = load_questionnaire()
    model = load_model(questionnaire=q)
    policy = default_policy()
    store = SQLiteStore(path, synchronous="normal")
    at = FixedClock(DAY).now()

    def index(f: wf.WorkFolder) -> FolderIndex:
        p = f.latest_profile
        return FolderIndex(
            coach_id=f.coach_id,
            band=p.band if p else None,
            next_due_on=first_due_on(folder_state(f), DAY, policy),
        )

    for i, a in enumerate(answers):
        fid = f"f-{i}"
        f, _ = wf.create_folder(
            fid, on=DAY, jobseeker_ref=f"js-{i}", coach_id="c-1", actor="system"
        )
        store.save(
            f,
            expected_version=0,
            index=index(f),
            audit=[AuditEntry(folder_id=fid, actor="system", action="register", what="1", at=at)],
        )
        profile = score(a, q, model, on=DAY)
        record = wf.ProfileRecord(
            taken_on=DAY,
            probability=profile.probability,
            band=profile.band,
            questionnaire_id=q.url,
            questionnaire_version=q.version,
            model_id=model.id,
            model_version=model.version,
        )
        g, _ = wf.add_profile(f, record, on=DAY, actor="jobseeker")
        decision = decide_route(
            RoutingInputs(probability=profile.probability, band=profile.band, profiled_on=DAY),
            DAY,
            policy,
        )
        g, _ = wf.record_route(
            g,
            wf.RouteRecord(
                decided_on=DAY,
                outcome=decision.outcome,
                rule_id=decision.rule_id,
                rule_version=decision.rule_version,
                reason_nl=decision.reason_nl,
                reason_en=decision.reason_en,
            ),
            on=DAY,
            actor="jobseeker",
        )
        store.save(
            g,
            expected_version=f.version,
            index=index(g),
            audit=[AuditEntry(folder_id=fid, actor="jobseeker", action="profile", what="2", at=at)],
        )
    store.close()


def run_shell_commands(quick: bool) -> Result:
    n = 100 if quick else 1000
    answers = synthetic_answers(n, seed=11)
    tmp = Path(tempfile.mkdtemp(prefix="werkmap-bench-shell-"))
    rounds = {"k": 0}

    def fresh(name: str) -> Path:
        rounds["k"] += 1
        return tmp / f"{name}-{rounds['k']}.db"

    medians = interleaved_medians(
        {
            "shell": lambda: _shell_round(fresh("shell"), answers),
            "direct": lambda: _direct_round(fresh("direct"), answers),
        },
        repeat=3 if quick else 5,
    )
    ratio = medians["shell"] / medians["direct"]
    commands = 2 * n
    per_command = _rate(fresh, answers, unit=False)
    per_unit = _rate(fresh, answers, unit=True)
    return Result(
        benchmark="shell_commands",
        n=commands,
        median_s=medians["shell"],
        vs={"direct": ratio},
        targets=[
            Target(
                "shell overhead against the domain and store called directly <= 1.5x", ratio <= 1.5
            ),
            Target(
                f"one transaction per command >= 3,000 commands/s on SQLite ({per_command:,.0f})",
                per_command >= 3000,
            ),
            Target(
                f"one unit of work >= 10,000 commands/s on SQLite ({per_unit:,.0f})",
                per_unit >= 10000,
            ),
        ],
        extra={
            "commands_per_s (shell)": round(commands / medians["shell"]),
            "commands_per_s (direct)": round(commands / medians["direct"]),
            "commands_per_s (one transaction each, commands only)": round(per_command),
            "commands_per_s (one unit of work, commands only)": round(per_unit),
            "commands": "register + submit_profile (score and route), SQLite synchronous=normal",
        },
    )


def _demo_seconds(jobseekers: int, months: int) -> float:
    from werkmap.cli_service import run_demo

    tmp = Path(tempfile.mkdtemp(prefix="werkmap-bench-demo-"))
    start = time.perf_counter()
    run_demo(tmp / "demo.db", jobseekers=jobseekers, months=months)
    return time.perf_counter() - start


def run_demo_scaling(quick: bool) -> Result:
    small, large, months = (300, 3000, 3) if quick else (5000, 50000, 12)
    t_small = _demo_seconds(small, months)
    t_large = _demo_seconds(large, months)
    growth = (t_large / large) / (t_small / small)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Result(
        benchmark="demo_scaling",
        n=large,
        median_s=t_large,
        vs={},
        targets=[
            Target(
                f"demo of {small:,} jobseekers over {months} months within 60 s", t_small <= 60.0
            ),
            Target(
                f"time per jobseeker at {large:,} <= 1.25x that at {small:,} (no worse than linear)",
                growth <= 1.25,
            ),
        ],
        extra={
            f"seconds at {small:,}": round(t_small, 2),
            f"seconds at {large:,}": round(t_large, 2),
            "growth per jobseeker": round(growth, 3),
            "peak memory of the process (MB)": round(peak_mb),
        },
    )


__all__ = ["BENCHMARKS"]

BENCHMARKS = [
    Benchmark("shell_commands", run_shell_commands),
    Benchmark("demo_scaling", run_demo_scaling),
]
