"""Fitting and evaluation: `fit` against statsmodels Logit, `auc` against scikit-learn's roc_auc_score."""

from __future__ import annotations

import numpy as np

from harness import Benchmark, Result, Target, interleaved_medians
from werkmap.profiler.evaluate import auc
from werkmap.profiler.fit import fit


def _design(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic cohort like the Work Profiler's: ordinal, binary and numeric answers."""
    rng = np.random.default_rng(seed)
    x = np.empty((n, k))
    x[:, 0] = rng.integers(18, 67, n)  # age
    x[:, 1 : k // 2] = rng.integers(1, 6, (n, k // 2 - 1))  # 5-point scales
    x[:, k // 2 :] = rng.random((n, k - k // 2)) < 0.35  # yes/no and one-hot answers
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    beta = rng.normal(0.0, 0.35, k)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.4 + x @ beta)))).astype(np.float64)
    return x, y


def run_fit(quick: bool) -> Result:
    import statsmodels.api as sm

    n, k = (5_000, 19) if quick else (100_000, 19)
    x, y = _design(n, k, seed=2017)
    exog = sm.add_constant(x)
    ours = fit(x, y)
    theirs = sm.Logit(y, exog).fit(disp=0)
    max_diff = float(np.abs(ours.params - theirs.params).max())
    max_se_diff = float(np.abs(ours.bse - theirs.bse).max())
    times = interleaved_medians(
        {
            "werkmap": lambda: fit(x, y),
            "statsmodels": lambda: sm.Logit(y, exog).fit(disp=0),
        },
        repeat=3 if quick else 7,
    )
    ratio = times["werkmap"] / times["statsmodels"]
    return Result(
        benchmark="fit",
        n=n,
        median_s=times["werkmap"],
        vs={"statsmodels": ratio},
        targets=[
            Target(f"fit {n:,} x {k} <= 0.5x statsmodels Logit().fit()", ratio <= 0.5),
            Target("coefficients equal statsmodels to 1e-6", max_diff <= 1e-6),
            Target("standard errors equal statsmodels to 1e-4", max_se_diff <= 1e-4),
        ],
        extra={
            "max |coef diff|": f"{max_diff:.2e}",
            "max |se diff|": f"{max_se_diff:.2e}",
            "statsmodels_s": round(times["statsmodels"], 6),
        },
    )


def run_auc(quick: bool) -> Result:
    from sklearn.metrics import roc_auc_score

    n = 20_000 if quick else 337_700  # the 2017 WW population
    rng = np.random.default_rng(337_700)
    p = rng.random(n)
    y = (rng.random(n) < p).astype(np.float64)
    ours = auc(y, p)
    theirs = float(roc_auc_score(y, p))
    times = interleaved_medians(
        {"werkmap": lambda: auc(y, p), "sklearn": lambda: roc_auc_score(y, p)},
        repeat=3 if quick else 9,
    )
    ratio = times["werkmap"] / times["sklearn"]
    return Result(
        benchmark="auc",
        n=n,
        median_s=times["werkmap"],
        vs={"sklearn": ratio},
        targets=[
            Target(f"auc of {n:,} scores <= 0.5x sklearn roc_auc_score", ratio <= 0.5),
            Target("equal to sklearn roc_auc_score (1e-12)", abs(ours - theirs) <= 1e-12),
        ],
        extra={"auc": round(ours, 6), "sklearn_s": round(times["sklearn"], 6)},
    )


BENCHMARKS = [Benchmark("fit", run_fit), Benchmark("auc", run_auc)]
