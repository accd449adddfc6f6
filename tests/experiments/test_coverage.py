"""The analysis recovers a planted effect: interval coverage and false positives over 100 seeded runs.

Each run draws an inflow with :func:`werkmap.simulate.draw_inflow` (the draw :func:`werkmap.simulate.simulate`
schedules), assigns it with the real keyed hash (a key per seed) and analyses it with the real analysis over
the outcome table (:func:`werkmap.simulate.simulated_experiment`). Seeds are 0..99, never chosen. The bounds
(≥ 90 covered, ≤ 10 false positives) fail for a correct 95 % method about once in a hundred seed sets.
The full study (20,000 jobseekers) is ``python benchmarks/run.py --only effect_coverage``.
"""

from __future__ import annotations

import datetime as dt
import functools

from werkmap.experiments import default_experiments
from werkmap.profiler.model import ScoringModel, load_model
from werkmap.profiler.questionnaire import Questionnaire, load_questionnaire
from werkmap.simulate import SimulationConfig, simulated_experiment

DESIGN = default_experiments()[0]
RUNS = 100
JOBSEEKERS = 1000


@functools.cache
def _profiler() -> tuple[Questionnaire, ScoringModel]:
    q = load_questionnaire()
    return q, load_model(questionnaire=q)


def _runs(planted: tuple[tuple[str, str, float], ...]) -> list[tuple[float, float, float]]:
    q, m = _profiler()
    out = []
    for seed in range(RUNS):
        cfg = SimulationConfig(
            jobseekers=JOBSEEKERS,
            months=13,
            start=dt.date(2017, 12, 1),
            seed=seed,
            planted=planted,
        )
        key = f"werkmap-coverage-key-{seed:03d}".encode()
        report, truth = simulated_experiment(
            cfg, DESIGN, key, model=m, questionnaire=q, observed_until=dt.date(2019, 12, 31)
        )
        e = report.estimate("work_12m", "service", "control_none")
        out.append((e.ci_low, e.ci_high, truth[("service", "control_none", "all")]))
    return out


def test_the_interval_covers_the_planted_effect_at_least_90_times_in_100():
    runs = _runs((("service", "all", 2.0),))
    assert all(abs(t - 0.02) < 0.002 for _, _, t in runs)  # the truth is the planted 2 points
    covered = sum(lo <= t <= hi for lo, hi, t in runs)
    assert covered >= 90, covered


def test_without_an_effect_the_interval_excludes_zero_at_most_10_times_in_100():
    runs = _runs(())
    assert all(t == 0.0 for _, _, t in runs)
    false_positives = sum(lo > 0 or hi < 0 for lo, hi, _ in runs)
    assert false_positives <= 10, false_positives
