"""Evaluation: AUC against scikit-learn and scipy, calibration against statsmodels, bands, groups."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu
from sklearn.metrics import brier_score_loss, confusion_matrix, roc_auc_score

from werkmap.errors import FitError, InvalidInput
from werkmap.profiler.evaluate import (
    EvaluationReport,
    auc,
    band_labels,
    brier_score,
    calibration,
    evaluate,
)
from werkmap.profiler.model import BANDS
from werkmap.serialization import dumps, loads


def cohort(seed: int, n: int, *, distortion: float = 1.0, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    true_logit = rng.normal(0.3, 1.2, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(float)
    p = 1 / (1 + np.exp(-(true_logit * distortion + shift)))
    return y, p


# ---- AUC ---------------------------------------------------------------------------------------------


def test_auc_agrees_with_sklearn_and_mann_whitney():
    y, p = cohort(1, 5000)
    assert auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    rounded = np.round(p, 2)  # many ties
    u = mannwhitneyu(rounded[y == 1], rounded[y == 0]).statistic
    expected = u / ((y == 1).sum() * (y == 0).sum())
    assert auc(y, rounded) == pytest.approx(expected, abs=1e-12)
    assert auc(y, rounded) == pytest.approx(roc_auc_score(y, rounded), abs=1e-12)


def test_auc_edge_cases():
    assert auc([0, 1], [0.2, 0.8]) == 1.0
    assert auc([0, 1], [0.8, 0.2]) == 0.0
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert auc(np.array([False, True]), [0.1, 0.3]) == 1.0
    with pytest.raises(ValueError, match="only one outcome"):
        auc([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(InvalidInput, match=r"row\(s\) \[1\]"):
        auc([0, 2, 1], [0.1, 0.2, 0.3])
    with pytest.raises(InvalidInput):
        auc([0, 1, 1], [0.1, 0.2])
    with pytest.raises(InvalidInput, match="NaN"):
        auc([0, 1], [0.1, math.nan])


scores = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 6)), min_size=2, max_size=200).filter(
    lambda rows: len({r[0] for r in rows}) == 2
)


@given(rows=scores)
def test_auc_property_matches_sklearn_with_ties(rows):
    y = np.array([r[0] for r in rows], dtype=float)
    p = np.array([r[1] for r in rows], dtype=float) / 6
    ours = auc(y, p)
    assert ours == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    # reversing the scores mirrors the AUC; a monotone transform keeps it
    assert auc(y, -p) == pytest.approx(1 - ours, abs=1e-12)
    assert auc(y, np.exp(3 * p)) == pytest.approx(ours, abs=1e-12)


# ---- Brier and calibration ---------------------------------------------------------------------------


def test_brier_agrees_with_sklearn():
    y, p = cohort(2, 3000)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p), abs=1e-15)


def test_calibration_agrees_with_statsmodels():
    y, p = cohort(3, 20_000, distortion=1.6, shift=-0.4)
    lp = np.log(p / (1 - p))
    both = sm.Logit(y, sm.add_constant(lp)).fit(disp=0, tol=1e-12)
    large = sm.GLM(y, np.ones((y.size, 1)), family=sm.families.Binomial(), offset=lp).fit(tol=1e-12)
    c = calibration(y, p)
    assert c.intercept == pytest.approx(both.params[0], abs=1e-6)
    assert c.slope == pytest.approx(both.params[1], abs=1e-6)
    assert c.in_the_large == pytest.approx(large.params[0], abs=1e-6)
    # over-confident predictions (distortion 1.6) have a slope well below 1
    assert c.slope == pytest.approx(1 / 1.6, abs=0.05)


def test_well_calibrated_predictions_have_slope_one():
    y, p = cohort(4, 50_000)
    c = calibration(y, p)
    assert c.slope == pytest.approx(1.0, abs=0.05)
    assert c.intercept == pytest.approx(0.0, abs=0.05)
    assert c.in_the_large == pytest.approx(0.0, abs=0.05)


def test_calibration_refuses_what_it_cannot_estimate():
    with pytest.raises(FitError, match="both outcomes"):
        calibration([1, 1, 1], [0.2, 0.4, 0.6])
    with pytest.raises(FitError, match="every prediction is the same"):
        calibration([0, 1, 1], [0.4, 0.4, 0.4])
    with pytest.raises(FitError, match="separate"):
        calibration([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9])


# ---- bins --------------------------------------------------------------------------------------------


def test_bands_are_half_open_on_the_left():
    p = np.array([0.0, 0.25, 0.2500001, 0.5, 0.5000001, 0.75, 0.76, 1.0])
    y = np.array([0, 0, 1, 0, 1, 1, 1, 1], dtype=float)
    report = evaluate(y, p)
    assert [b.label for b in report.bands] == list(BANDS)
    assert [b.n for b in report.bands] == [2, 2, 2, 2]
    assert report.bands[1].max_predicted == 0.5
    assert report.bands[2].min_predicted == 0.5000001
    assert report.bands[0].observed_rate == 0.0
    assert report.bands[3].observed_rate == 1.0


def test_custom_cut_points_and_labels():
    assert band_labels() == BANDS
    assert band_labels((0.3, 0.6)) == ("0-30", "30-60", "60-100")
    assert band_labels((0.125,)) == ("0-12.5", "12.5-100")
    report = evaluate([0, 1, 1], [0.2, 0.3, 0.9], cut_points=(0.3,))
    assert [(b.label, b.n) for b in report.bands] == [("0-30", 2), ("30-100", 1)]


def test_deciles_are_equal_count_and_ordered():
    y, p = cohort(5, 1003)
    report = evaluate(y, p)
    assert len(report.deciles) == 10
    sizes = [d.n for d in report.deciles]
    assert sum(sizes) == 1003
    assert max(sizes) - min(sizes) <= 1
    means = [d.mean_predicted for d in report.deciles]
    assert means == sorted(means)
    for lower, upper in zip(report.deciles, report.deciles[1:], strict=False):
        assert lower.max_predicted <= upper.min_predicted
    observed = sum(d.observed_rate * d.n for d in report.deciles)
    assert observed == pytest.approx(y.sum())


def test_empty_band_has_no_rates():
    report = evaluate([0, 1], [0.1, 0.2])
    empty = report.bands[3]
    assert empty.n == 0
    assert empty.mean_predicted is None
    assert empty.observed_rate is None


# ---- groups and routing errors -----------------------------------------------------------------------


def test_group_rates_follow_the_routing_convention():
    # group a: 4 people. no-work (y=0) scores 0.3 (flagged) and 0.6 (missed); work (y=1) 0.5 (flagged), 0.9.
    y = [0, 0, 1, 1, 1, 0]
    p = [0.3, 0.6, 0.5, 0.9, 0.8, 0.2]
    g = ["a", "a", "a", "a", "b", "b"]
    report = evaluate(y, p, groups=g, group_column="region")
    assert report.group_column == "region"
    a, b = report.groups
    assert (a.group, a.n, b.group, b.n) == ("a", 4, "b", 2)
    assert a.positive_rate == 0.5  # 0.3 and 0.5 are routed to a conversation
    assert a.false_negative_rate == 0.5  # of the two without work, 0.6 was missed
    assert a.false_positive_rate == 0.5  # of the two with work, 0.5 was invited
    assert a.observed_rate == 0.5
    assert a.mean_predicted == pytest.approx(0.575)
    assert b.false_negative_rate == 0.0
    assert b.false_positive_rate == 0.0
    assert b.auc == 1.0
    assert b.calibration is None  # two people, perfectly separated
    assert report.overall.group == "all"
    assert report.overall.n == 6


def test_group_rates_agree_with_a_confusion_matrix():
    rng = np.random.default_rng(6)
    y, p = cohort(6, 4000)
    groups = rng.choice(["18-34", "35-54", "55+"], size=y.size)
    report = evaluate(y, p, groups=groups, threshold=0.5)
    for metrics in report.groups:
        mask = groups == metrics.group
        # "positive" = did not find work; predicted positive = p <= 0.5
        tn, fp, fn, tp = confusion_matrix(
            y[mask] == 0, p[mask] <= 0.5, labels=[False, True]
        ).ravel()
        assert metrics.false_negative_rate == pytest.approx(fn / (fn + tp))
        assert metrics.false_positive_rate == pytest.approx(fp / (fp + tn))
        assert metrics.positive_rate == pytest.approx((tp + fp) / mask.sum())
        assert metrics.auc == pytest.approx(roc_auc_score(y[mask], p[mask]))
        assert metrics.calibration is not None
        assert metrics.calibration.slope == pytest.approx(calibration(y[mask], p[mask]).slope)


def test_undefined_rates_are_none():
    report = evaluate([1, 1, 0, 0], [0.3, 0.7, 0.2, 0.6], groups=["w", "w", "n", "n"])
    n, w = report.groups
    assert n.false_positive_rate is None  # nobody in n found work
    assert w.false_negative_rate is None  # everybody in w found work
    assert n.auc is None
    assert n.calibration is None


def test_report_summary_values():
    y, p = cohort(7, 2000)
    report = evaluate(y, p, model_id="m", model_version="1.0.0", data_description="test")
    assert report.n == 2000
    assert report.n_positive == int(y.sum())
    assert report.prevalence == pytest.approx(y.mean())
    assert report.auc == pytest.approx(roc_auc_score(y, p))
    assert report.brier == pytest.approx(brier_score_loss(y, p))
    assert report.calibration == calibration(y, p)
    assert report.groups == ()
    assert report.group_column == ""
    assert (report.model_id, report.model_version) == ("m", "1.0.0")


def test_report_round_trips_as_json_without_nan():
    report = evaluate([1, 1, 0, 0, 1], [0.3, 0.7, 0.2, 0.6, 0.5], groups=[1, 1, 2, 2, 2])
    text = dumps(report, indent=2)
    assert "NaN" not in text
    data = json.loads(text)
    assert data["schema"] == "werkmap.evaluation_report"
    assert [g["group"] for g in data["data"]["groups"]] == ["1", "2"]
    assert loads(text, EvaluationReport) == report


def test_bad_input_lists_every_problem():
    with pytest.raises(InvalidInput) as info:
        evaluate([0, 3, 1], [0.2, 1.5, -0.1])
    assert len(info.value.problems) == 2
    with pytest.raises(InvalidInput) as info:
        evaluate([0, 1, 1], [0.2, 0.5, 0.1], groups=["a"], threshold=2.0, cut_points=(0.5, 0.25))
    paths = sorted(p.path for p in info.value.problems)
    assert paths == ["$.cut_points", "$.groups (group)", "$.threshold"]
    with pytest.raises(InvalidInput, match="expected 3 predictions"):
        evaluate([0, 1, 1], [0.2, 0.5])


def test_fit_and_evaluate_do_not_import_scipy_with_werkmap():
    code = (
        "import sys, werkmap, werkmap.profiler.fit, werkmap.profiler.evaluate; "
        "print('scipy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@given(
    probs=st.lists(
        st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]) | st.floats(0.0, 1.0), min_size=1, max_size=80
    ),
    seed=st.integers(0, 1000),
)
def test_bands_and_deciles_partition_everyone_like_band_of(probs, seed):
    from werkmap.profiler.model import band_of

    p = np.array(probs)
    y = (np.random.default_rng(seed).random(p.size) < 0.5).astype(float)
    report = evaluate(y, p)
    expected = dict.fromkeys(BANDS, 0)
    for value in probs:
        expected[band_of(value)] += 1
    assert {b.label: b.n for b in report.bands} == expected
    assert sum(d.n for d in report.deciles) == p.size
    assert sum(b.observed_rate * b.n for b in report.bands if b.n) == pytest.approx(y.sum())
    # routing: the positive rate is the share with p <= 0.5, i.e. the two lower bands
    low = expected["0-25"] + expected["25-50"]
    assert report.overall.positive_rate == pytest.approx(low / p.size)
