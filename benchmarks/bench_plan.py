"""The Work Folder's machines against `transitions` and `python-statemachine` modelling the same machine.

* ``transition``: the cost of one activity transition (open → overdue → reminded → done late, the first with
  a guard that the deadline has passed). werkmap returns a new frozen activity per transition; the peers
  change a model in place (``transitions``: one shared machine, ``python-statemachine``: a machine bound to
  the model). Targets: ≥ 2× faster than ``transitions``, ≥ 20× faster than ``python-statemachine`` (a
  transition is about 1 % of a command, so it is kept plain: ``attrs.evolve`` and one table lookup).
* ``create_folders``: creating 100,000 folders of 10 activities each (as a store builds them when it loads:
  ``WorkFolder(...)`` holding activities made by ``new_activity``) against ``transitions`` adding 100,000
  models to one shared machine, and the memory per activity against the memory per ``transitions`` model.
  Targets: creation under 1/10 of the peer's time, memory per activity at most 1/10 of the peer's per model.
  Both sides are measured at the full count in the full run (``--quick`` uses 2,000 of each); the full run
  takes several minutes, most of it in the peer.
  ``transitions.Machine.add_model`` checks membership in a list of the models it has, so its cost per model
  grows with the number of models: that is part of what it costs to create 100,000 models. At small counts
  the gap is smaller (about 3-4x per folder of 10 activities against one model); the extras print both
  costs per object.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable

from harness import Benchmark, Result, Target
from werkmap.plan import activity as act
from werkmap.plan.folder import WorkFolder

STATES = ["open", "done", "overdue", "reminded", "done_late", "excused", "referred", "cancelled"]
CREATED = dt.date(2025, 3, 3)
DUE = dt.date(2025, 3, 14)
LATE = dt.date(2025, 3, 20)


def _transitions_machine(model: object | None = None):
    from transitions import Machine

    def passed(on: dt.date) -> bool:
        return on > DUE

    transitions = [
        {"trigger": "complete", "source": "open", "dest": "done"},
        {"trigger": "deadline_passed", "source": "open", "dest": "overdue", "conditions": passed},
        {"trigger": "remind", "source": "overdue", "dest": "reminded"},
        {"trigger": "complete", "source": "overdue", "dest": "done_late"},
        {"trigger": "complete", "source": "reminded", "dest": "done_late"},
        {"trigger": "excuse", "source": ["overdue", "reminded"], "dest": "excused"},
        {"trigger": "refer", "source": "reminded", "dest": "referred"},
        {"trigger": "cancel", "source": ["open", "overdue", "reminded"], "dest": "cancelled"},
    ]
    return Machine(
        model=model, states=STATES, transitions=transitions, initial="open", auto_transitions=False
    )


def _statemachine_class():
    from statemachine import State, StateMachine

    class ActivityMachine(StateMachine):
        open = State(initial=True)
        done = State(final=True)
        overdue = State()
        reminded = State()
        done_late = State(final=True)
        excused = State(final=True)
        referred = State(final=True)
        cancelled = State(final=True)

        complete = open.to(done) | overdue.to(done_late) | reminded.to(done_late)
        deadline_passed = open.to(overdue, cond="passed")
        remind = overdue.to(reminded)
        excuse = overdue.to(excused) | reminded.to(excused)
        refer = reminded.to(referred)
        cancel = open.to(cancelled) | overdue.to(cancelled) | reminded.to(cancelled)

        def passed(self, on: dt.date) -> bool:
            return on > DUE

    return ActivityMachine


class _Model:
    def __init__(self) -> None:
        self.state = "open"


def _timed_rounds(
    setups: dict[str, Callable[[], Callable[[], object]]], repeat: int
) -> dict[str, float]:
    """Median time per name; each round's set-up (fresh models) runs untimed, names in alternation."""
    times: dict[str, list[float]] = {name: [] for name in setups}
    for setup in setups.values():  # warm up
        setup()()
    for _ in range(repeat):
        for name, setup in setups.items():
            fn = setup()
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def run_transition(quick: bool) -> Result:
    k = 300 if quick else 2000
    repeat = 3 if quick else 7
    ours = [act.new_activity(f"a{i}", "application", due=DUE, on=CREATED) for i in range(k)]

    def werkmap_setup() -> Callable[[], object]:
        def werkmap_round() -> None:
            for a in ours:
                a = act.mark_overdue(a, on=LATE)
                a = act.remind(a, on=LATE, by="c-1")
                a = act.complete(a, on=LATE)
                assert a.state == "done_late"

        return werkmap_round

    t_models = [_Model() for _ in range(k)]
    _transitions_machine(t_models)

    def transitions_setup() -> Callable[[], object]:
        for m in t_models:
            m.state = "open"

        def transitions_round() -> None:
            for m in t_models:
                m.deadline_passed(on=LATE)
                m.remind()
                m.complete()
                assert m.state == "done_late"

        return transitions_round

    sm_class = _statemachine_class()

    def statemachine_setup() -> Callable[[], object]:
        # A machine that reached a final state is terminated: every round needs fresh machines.
        models = [_Model() for _ in range(k)]
        machines = [sm_class(model=m) for m in models]

        def statemachine_round() -> None:
            for m, sm in zip(models, machines, strict=True):
                sm.send("deadline_passed", on=LATE)
                sm.send("remind")
                sm.send("complete")
                assert m.state == "done_late"

        return statemachine_round

    times = _timed_rounds(
        {
            "werkmap": werkmap_setup,
            "transitions": transitions_setup,
            "python_statemachine": statemachine_setup,
        },
        repeat=repeat,
    )
    per = {name: t / (3 * k) for name, t in times.items()}
    vs_t = per["werkmap"] / per["transitions"]
    vs_p = per["werkmap"] / per["python_statemachine"]
    return Result(
        benchmark="transition",
        n=3 * k,
        median_s=per["werkmap"],
        vs={"transitions": vs_t, "python_statemachine": vs_p},
        targets=[
            Target(f"≥ 2x faster than transitions ({1 / vs_t:.1f}x)", 1 / vs_t >= 2),
            Target(f"≥ 20x faster than python-statemachine ({1 / vs_p:.1f}x)", 1 / vs_p >= 20),
        ],
        extra={
            "µs per transition": {name: round(t * 1e6, 2) for name, t in per.items()},
        },
    )


_KINDS = list(act.ActivityKind)
_IDS = [f"a{j}" for j in range(10)]  # activity ids are unique within a folder
_DUES = [DUE + dt.timedelta(days=d) for d in range(56)]


def _make_folders(n: int) -> list[WorkFolder]:
    folders = []
    for i in range(n):
        activities = tuple(
            act.new_activity(_IDS[j], _KINDS[j % 6], due=_DUES[(i + 3 * j) % 56], on=CREATED)
            for j in range(10)
        )
        folders.append(
            WorkFolder(
                folder_id=f"f{i}",
                jobseeker_ref=f"ref-{i}",
                registered_on=CREATED,
                coach_id="c-1",
                activities=activities,
            )
        )
    return folders


def _make_models(n: int) -> list[_Model]:
    machine = _transitions_machine()
    models = [_Model() for _ in range(n)]
    machine.add_model(models)
    return models


def _timed(fn, n: int) -> float:
    gc.collect()
    start = time.perf_counter()
    made = fn(n)
    elapsed = time.perf_counter() - start
    del made
    return elapsed


def _memory(fn, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    made = fn(n)
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del made
    return used / n


def run_create(quick: bool) -> Result:
    n = 2_000 if quick else 100_000
    ours_s = min(_timed(_make_folders, n) for _ in range(1 if quick else 2))
    peer_s = _timed(_make_models, n)
    n_mem = 1_000 if quick else 5_000
    ours_b = _memory(_make_folders, n_mem) / 10  # per activity, its share of the folder included
    peer_b = _memory(_make_models, n_mem)
    time_ratio = ours_s / peer_s
    mem_ratio = ours_b / peer_b
    return Result(
        benchmark="create_folders",
        n=n,
        median_s=ours_s,
        vs={"transitions": time_ratio, "transitions_memory": mem_ratio},
        targets=[
            Target(
                f"creating {n:,} folders x 10 activities < 1/10 of transitions creating "
                f"{n:,} models ({time_ratio:.3f})"
                + (" [judged at 100,000 only; --quick is a smoke test]" if quick else ""),
                time_ratio < 0.1,
            ),
            Target(
                f"memory per activity ≤ 1/10 of a transitions model ({mem_ratio:.3f})",
                mem_ratio <= 0.1,
            ),
        ],
        extra={
            "bytes per activity (werkmap)": round(ours_b),
            "bytes per model (transitions)": round(peer_b),
            "werkmap, µs per folder of 10 activities": round(ours_s / n * 1e6, 1),
            "transitions, µs per model": round(peer_s / n * 1e6, 1),
        },
    )


BENCHMARKS = [Benchmark("transition", run_transition), Benchmark("create_folders", run_create)]
