"""Scoring benchmarks: a population (score_batch) and one person (score_one), against peers.

* ``score_batch``: 337,700 people (the 2017 WW population), encoded design matrix -> probability and band.
  Peers, measured in the same run on the same matrix and coefficients: ``sklearn`` (a
  ``LogisticRegression`` given the model's coefficients, ``predict_proba``) and ``numpy_floor`` (the bare
  ``scipy.special.expit(X @ w + b)``, no band). Targets: <= 1.0x sklearn and <= 1.2x the floor.
* ``score_one``: one person's validated answers -> a full ``Profile`` (probability, band, interval,
  item and construct contributions, diagnosis). Target: median <= 20 µs; ratio against sklearn's
  one-row ``predict_proba`` (which gives the probability only). The time with answer validation
  included is reported as extra information.
"""

from __future__ import annotations

import numpy as np

from harness import Benchmark, Result, Target, interleaved_medians
from werkmap.profiler import (
    default_model,
    default_questionnaire,
    score,
    score_batch,
    synthetic_cohort,
    validate_answers,
)

POPULATION = 337_700


def _sklearn_peer(model):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression()
    lr.coef_ = np.array([model.coefficients])
    lr.intercept_ = np.array([model.intercept])
    lr.classes_ = np.array([0, 1])
    return lr


def run_batch(quick: bool) -> Result:
    from scipy.special import expit

    n = 20_000 if quick else POPULATION
    model = default_model()
    x = synthetic_cohort(n, seed=2017).design(model.encoding)
    w, b = np.array(model.coefficients), model.intercept
    lr = _sklearn_peer(model)
    ours = score_batch(x, model)
    np.testing.assert_allclose(ours.probabilities, lr.predict_proba(x)[:, 1], atol=1e-12)
    times = interleaved_medians(
        {
            "werkmap": lambda: score_batch(x, model).band_index,
            "sklearn": lambda: lr.predict_proba(x),
            "numpy_floor": lambda: expit(x @ w + b),
            "werkmap_band_names": lambda: score_batch(x, model).bands,
        },
        repeat=5 if quick else 15,
    )
    vs_sk = times["werkmap"] / times["sklearn"]
    vs_floor = times["werkmap"] / times["numpy_floor"]
    return Result(
        benchmark="score_batch",
        n=n,
        median_s=times["werkmap"],
        vs={"sklearn": vs_sk, "numpy_floor": vs_floor},
        targets=[
            Target("score_batch (probability + band) <= 1.0x sklearn predict_proba", vs_sk <= 1.0),
            Target(
                "score_batch (probability + band) <= 1.2x bare expit(X @ w + b)", vs_floor <= 1.2
            ),
        ],
        extra={
            "with band names as strings": f"{times['werkmap_band_names'] * 1e3:.2f} ms",
            "bands": ours.band_counts(),
        },
    )


def run_one(quick: bool) -> Result:
    q, model = default_questionnaire(), default_model()
    people = [validate_answers(a, q) for a in synthetic_cohort(64, seed=7).answers()]
    raw = synthetic_cohort(64, seed=7).answers()
    lr = _sklearn_peer(model)
    rows = synthetic_cohort(64, seed=7).design(model.encoding)
    number = 200 if quick else 2_000
    state = {"i": 0}

    def ours() -> object:
        i = state["i"] = (state["i"] + 1) % 64
        return score(people[i], q, model, validate=False)

    def validated() -> object:
        i = state["i"] = (state["i"] + 1) % 64
        return score(raw[i], q, model)

    def sklearn_one() -> object:
        i = state["i"] = (state["i"] + 1) % 64
        return lr.predict_proba(rows[i : i + 1])

    times = interleaved_medians(
        {"werkmap": ours, "sklearn": sklearn_one, "with_validation": validated},
        repeat=5 if quick else 15,
        number=number,
    )
    median = times["werkmap"]
    return Result(
        benchmark="score_one",
        n=1,
        median_s=median,
        vs={"sklearn": median / times["sklearn"]},
        targets=[
            Target("score_one: validated answers -> full Profile, median <= 20 µs", median <= 20e-6)
        ],
        extra={"with answer validation": f"{times['with_validation'] * 1e6:.1f} µs"},
    )


BENCHMARKS = [Benchmark("score_batch", run_batch), Benchmark("score_one", run_one)]
