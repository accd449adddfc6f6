"""The small harness every benchmark module uses: timing, results and targets.

A benchmark module is a file ``benchmarks/bench_<room>.py`` that defines ``BENCHMARKS``, a list of
:class:`Benchmark`. Each benchmark's ``run(quick)`` measures werkmap and every named peer **in the same
run** and returns a :class:`Result` with the ratios ``our time / peer time`` and the targets it checked.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """One performance promise and whether this run kept it."""

    description: str
    ok: bool


@dataclass(frozen=True)
class Result:
    """What one benchmark measured."""

    benchmark: str
    n: int
    median_s: float
    vs: dict[str, float] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "benchmark": self.benchmark,
            "n": self.n,
            "median_s": self.median_s,
            "vs": {k: round(v, 4) for k, v in self.vs.items()},
            "targets": [{"target": t.description, "ok": t.ok} for t in self.targets],
        }
        if self.extra:
            out["extra"] = self.extra
        return out


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark: ``run(quick)`` returns its :class:`Result`."""

    name: str
    run: Callable[[bool], Result]


def median_time(fn: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Return the median wall time in seconds of ``number`` calls of ``fn``, over ``repeat`` rounds."""
    fn()  # warm up
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def interleaved_medians(
    fns: dict[str, Callable[[], object]], *, repeat: int = 7, number: int = 1
) -> dict[str, float]:
    """Time several functions in alternation (so machine noise hits them alike); medians by name."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(ts) for name, ts in times.items()}
