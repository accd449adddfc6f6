"""The effect analysis's coverage study: does the 95 % interval hold the planted effect 95 times in 100?

Usage::

    python benchmarks/effect_coverage.py             # 20,000 jobseekers x 100 repetitions
    python benchmarks/effect_coverage.py --quick     # 2,000 x 20: a smoke test
    python benchmarks/run.py --only effect_coverage  # the same through the benchmark runner

Each repetition draws the inflow and outcomes of the 2017 design with :func:`werkmap.simulate.draw_inflow`
(the one draw :func:`werkmap.simulate.simulate` schedules through the service), assigns it with the real
keyed hash (a key per repetition) and estimates with the real analysis over the outcome table
(:func:`werkmap.simulate.simulated_experiment`). Repetition ``r`` uses seed ``r`` (0..99), never chosen.

Two studies:

* **planted**: service +3.0 points (low band group) and +1.5 (high), enforcement-only control +1.0 (both
  groups); the truth per pair and group is the mean planted change in the chance of work within 12 months
  of the followed-up folders (:func:`werkmap.simulate.chance_found_within`; for the adjusted estimate, of
  those with a profile). Reported: how often each 95 % interval holds it (unadjusted per pair and group;
  adjusted overall).
* **null**: nothing planted; reported: how often the interval of each pair excludes 0 (false positives).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import Benchmark, Result, Target  # noqa: E402

PLANTED = (("service", "low", 3.0), ("service", "high", 1.5), ("control_enforcement", "all", 1.0))
UNTIL = dt.date(2019, 12, 31)


def study(jobseekers: int, repetitions: int) -> dict[str, object]:
    """Run both studies; return the coverage and false-positive figures."""
    from werkmap.experiments import default_experiments
    from werkmap.profiler.model import load_model
    from werkmap.profiler.questionnaire import load_questionnaire
    from werkmap.simulate import SimulationConfig, simulated_experiment

    q = load_questionnaire()
    m = load_model(questionnaire=q)
    design = default_experiments()[0]
    pairs = [(a, b) for i, a in enumerate(design.arm_names) for b in design.arm_names[i + 1 :]]
    covered: dict[str, int] = {}
    adjusted: dict[str, int] = {}
    false_pos: dict[str, int] = {}
    widths: list[float] = []
    estimates: list[float] = []
    for planted, label in ((PLANTED, "planted"), ((), "null")):
        for r in range(repetitions):
            cfg = SimulationConfig(
                jobseekers=jobseekers,
                months=13,
                start=design.inflow_from,
                seed=r,
                planted=planted,
            )
            key = f"werkmap-coverage-key-{r:03d}".encode()
            report, truth = simulated_experiment(
                cfg, design, key, model=m, questionnaire=q, observed_until=UNTIL, adjusted=True
            )
            for a, b in pairs:
                for g in ("all", "low", "high"):
                    e = report.estimate("work_12m", a, b, g)
                    name = f"{a} - {b} [{g}]"
                    if label == "planted":
                        covered[name] = covered.get(name, 0) + e.covers(truth[(a, b, g)])
                    else:
                        false_pos[name] = false_pos.get(name, 0) + e.excludes_zero
                if label == "planted":
                    adj = report.adjusted_estimate("work_12m", a, b)
                    name = f"{a} - {b} [adjusted]"
                    adjusted[name] = adjusted.get(name, 0) + adj.covers(truth[(a, b, "profiled")])
                    if (a, b) == ("service", "control_none"):
                        e = report.estimate("work_12m", a, b)
                        widths.append(e.ci_high - e.ci_low)
                        estimates.append(e.difference - truth[(a, b, "all")])
    return {
        "jobseekers": jobseekers,
        "repetitions": repetitions,
        "coverage": covered,
        "coverage_adjusted": adjusted,
        "false_positives": false_pos,
        "service_vs_control_none_mean_error_points": round(
            100 * sum(estimates) / len(estimates), 3
        ),
        "service_vs_control_none_mean_width_points": round(100 * sum(widths) / len(widths), 3),
    }


def run(quick: bool) -> Result:
    """The benchmark: the study at full or quick size, with the issue's bounds as targets."""
    n, reps = (2_000, 20) if quick else (20_000, 100)
    start = time.perf_counter()
    figures = study(n, reps)
    elapsed = time.perf_counter() - start
    coverage = figures["coverage"]
    false_pos = figures["false_positives"]
    assert isinstance(coverage, dict)
    assert isinstance(false_pos, dict)
    key = "service - control_none [all]"
    return Result(
        benchmark="effect_coverage",
        n=n,
        median_s=elapsed / (2 * reps),
        targets=[
            Target(
                f"95 % interval holds the planted effect >= {0.9 * reps:g} times in {reps} ({key})",
                coverage[key] >= 0.9 * reps,
            ),
            Target(
                f"no effect: the interval excludes 0 <= {0.1 * reps:g} times in {reps} ({key})",
                false_pos[key] <= 0.1 * reps,
            ),
        ],
        extra={"total_s": round(elapsed, 1), **figures},
    )


BENCHMARKS = [Benchmark("effect_coverage", run)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 jobseekers x 20 repetitions")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.quick)
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        extra = result.extra
        print(
            f"effect coverage: {extra['jobseekers']} jobseekers x {extra['repetitions']} repetitions"
        )
        for title, name in (
            ("95 % interval holds the truth", "coverage"),
            ("adjusted interval holds the truth", "coverage_adjusted"),
            ("no effect planted: interval excludes 0", "false_positives"),
        ):
            print(f"{title}:")
            for pair, count in extra[name].items():
                print(f"  {pair:<48} {count:>4} / {extra['repetitions']}")
        for t in result.targets:
            print(f"{'met   ' if t.ok else 'MISSED'} {t.description}")
        print(f"{extra['total_s']} s")
    return 0 if all(t.ok for t in result.targets) or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
