"""Fitting: maximum likelihood against statsmodels, L2 against scikit-learn, and the refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from werkmap.errors import FitError, InvalidInput, PerfectSeparation, RankDeficient
from werkmap.profiler.fit import INTERCEPT, FitResult, fit
from werkmap.serialization import dumps, loads


def make_data(seed: int, n: int, k: int, scale: float = 0.5, binary: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    if binary:
        x[:, :binary] = (rng.random((n, binary)) < 0.4).astype(float)
    beta = rng.normal(scale=scale, size=k)
    eta = -0.3 + x @ beta
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    return x, y


@pytest.mark.parametrize(
    ("seed", "n", "k", "binary"),
    [(1, 2000, 3, 0), (2, 5000, 19, 5), (3, 300, 6, 6), (4, 20000, 10, 2)],
)
def test_agrees_with_statsmodels_logit(seed, n, k, binary):
    x, y = make_data(seed, n, k, binary=binary)
    ours = fit(x, y)
    theirs = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=0, atol=1e-4)
    np.testing.assert_allclose(ours.cov, theirs.cov_params(), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(ours.conf_int(), theirs.conf_int(alpha=0.05), atol=1e-4)
    assert ours.log_likelihood == pytest.approx(theirs.llf, abs=1e-6)
    assert ours.null_log_likelihood == pytest.approx(theirs.llnull, abs=1e-4)
    assert ours.pseudo_r2 == pytest.approx(theirs.prsquared, abs=1e-8)
    assert ours.aic == pytest.approx(theirs.aic, abs=1e-6)
    table = ours.coefficient_table()
    np.testing.assert_allclose([r.z for r in table], theirs.tvalues, rtol=1e-5)
    np.testing.assert_allclose([r.p_value for r in table], theirs.pvalues, rtol=1e-4, atol=1e-12)
    assert ours.converged
    assert ours.n_observations == n
    assert ours.n_positive == int(y.sum())


def test_default_fit_agrees_with_statsmodels_default_fit():
    x, y = make_data(5, 100_000, 19, binary=4)
    ours = fit(x, y)
    theirs = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=0, atol=1e-4)


def test_names_and_predictions():
    x, y = make_data(6, 1000, 2)
    result = fit(x, y, feature_names=["age", "health"])
    assert result.names == (INTERCEPT, "age", "health")
    assert result.feature_names == ("age", "health")
    assert set(result.coefficients) == {"age", "health"}
    assert result.intercept == result.estimates[0]
    eta = result.intercept + x @ result.params[1:]
    np.testing.assert_allclose(result.linear_predictor(x), eta)
    np.testing.assert_allclose(result.predict_proba(x), 1 / (1 + np.exp(-eta)))
    with pytest.raises(ValueError, match="2 columns"):
        result.predict(np.zeros((3, 3)))


def test_confidence_level_changes_interval_width():
    x, y = make_data(7, 1000, 2)
    wide = fit(x, y, confidence_level=0.99).conf_int()
    narrow = fit(x, y, confidence_level=0.90).conf_int()
    assert ((wide[:, 1] - wide[:, 0]) > (narrow[:, 1] - narrow[:, 0])).all()
    # 99 %: ± 2.5758 standard errors
    se = fit(x, y).bse
    np.testing.assert_allclose(wide[:, 1] - wide[:, 0], 2 * 2.5758293035489 * se, rtol=1e-9)


@pytest.mark.parametrize("l2", [0.1, 1.0, 25.0])
def test_l2_agrees_with_sklearn(l2):
    x, y = make_data(8, 3000, 5)
    ours = fit(x, y, l2=l2)
    theirs = LogisticRegression(C=1.0 / l2, tol=1e-12, max_iter=10_000).fit(x, y)
    np.testing.assert_allclose(ours.params[1:], theirs.coef_[0], atol=1e-6)
    assert ours.intercept == pytest.approx(theirs.intercept_[0], abs=1e-6)
    assert ours.l2 == l2
    # the penalty shrinks the coefficients towards zero
    assert np.linalg.norm(ours.params[1:]) < np.linalg.norm(fit(x, y).params[1:])


def test_l2_gives_finite_estimates_under_separation():
    x = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    result = fit(x, y, l2=1.0)
    assert np.isfinite(result.params).all()
    assert result.coefficients["x1"] > 0


# ---- refusals ----------------------------------------------------------------------------------------


def test_constant_feature_is_rank_deficient():
    x, y = make_data(9, 500, 3)
    x[:, 1] = 2.0
    with pytest.raises(RankDeficient, match=r"\['b'\].*constant"):
        fit(x, y, feature_names=["a", "b", "c"])


def test_identical_features_are_rank_deficient():
    x, y = make_data(10, 500, 3)
    x[:, 2] = x[:, 0]
    with pytest.raises(RankDeficient, match=r"\['a', 'c'\] are linearly dependent"):
        fit(x, y, feature_names=["a", "b", "c"])


def test_one_hot_without_reference_is_rank_deficient():
    rng = np.random.default_rng(11)
    level = rng.integers(0, 3, 400)
    onehot = np.eye(3)[level]
    other = rng.normal(size=(400, 1))
    x = np.column_stack([other, onehot])
    y = (rng.random(400) < 0.5).astype(float)
    with pytest.raises(RankDeficient) as info:
        fit(x, y, feature_names=["age", "edu_low", "edu_mid", "edu_high"])
    message = str(info.value)
    assert "intercept" in message
    assert "edu_low" in message
    assert "edu_mid" in message
    assert "edu_high" in message
    assert "'age'" not in message


def test_combination_of_features_is_rank_deficient():
    x, y = make_data(12, 500, 4)
    x[:, 3] = 2 * x[:, 0] - 0.5 * x[:, 2]
    with pytest.raises(RankDeficient, match=r"rank 4 of 5") as info:
        fit(x, y, feature_names=["a", "b", "c", "d"])
    assert "'b'" not in str(info.value)


def test_zero_column_and_too_few_rows():
    x, y = make_data(13, 50, 2)
    x[:, 1] = 0.0
    with pytest.raises(RankDeficient, match=r"\['x2'\] are zero"):
        fit(x, y)
    with pytest.raises(RankDeficient, match="3 rows cannot identify 4 parameters"):
        fit(np.eye(3), np.array([0, 1, 1]))


def test_complete_separation_names_the_feature():
    rng = np.random.default_rng(14)
    x = rng.normal(size=(200, 3))
    y = (x[:, 1] > 0.2).astype(float)
    with pytest.raises(PerfectSeparation, match="complete") as info:
        fit(x, y, feature_names=["age", "health", "education"])
    message = str(info.value)
    assert "200 of 200" in message
    assert "health" in message


def test_quasi_complete_separation_names_the_feature():
    rng = np.random.default_rng(15)
    n = 1000
    x = rng.normal(size=(n, 3))
    flag = (rng.random(n) < 0.1).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(float)
    y[flag == 1] = 1.0  # everyone with the flag found work
    design = np.column_stack([x, flag])
    with pytest.raises(PerfectSeparation, match="quasi-complete") as info:
        fit(design, y, feature_names=["age", "health", "education", "has_offer"])
    message = str(info.value)
    assert "has_offer" in message
    assert f"{int(flag.sum())} of {n}" in message
    assert "age" not in message


def test_strong_but_finite_effect_is_not_separation():
    rng = np.random.default_rng(16)
    x = rng.normal(size=(20_000, 1)) * 4
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(3 * x[:, 0])))).astype(float)
    result = fit(x, y)
    theirs = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(result.params, theirs.params, atol=1e-6)


def test_single_outcome_is_refused():
    x, _ = make_data(17, 100, 2)
    with pytest.raises(PerfectSeparation, match="every outcome is 1"):
        fit(x, np.ones(100))
    assert issubclass(PerfectSeparation, FitError)


def test_bad_input_lists_every_problem():
    x = np.ones((4, 2))
    x[1, 0] = np.nan
    x[2, 1] = np.inf
    y = np.array([0, 1, 2, 1])
    with pytest.raises(InvalidInput) as info:
        fit(x, y, feature_names=["intercept", "intercept"])
    paths = [p.path for p in info.value.problems]
    assert "$.feature_names[0]" in paths
    assert "$.feature_names[1]" in paths
    assert any(p.startswith("$.x[:, 0]") for p in paths)
    assert any(p.startswith("$.x[:, 1]") for p in paths)
    assert "$.y" in paths
    assert "rows [2]" in str(info.value) or "row(s) [2]" in str(info.value)


def test_shape_problems():
    with pytest.raises(InvalidInput) as info:
        fit(np.ones((4, 2)), np.array([0, 1, 1]), feature_names=["a"])
    assert len(info.value.problems) == 2
    with pytest.raises(InvalidInput, match="l2"):
        fit(np.ones((4, 2)), np.array([0, 1, 1, 0]), l2=-1.0)
    with pytest.raises(InvalidInput, match="confidence_level"):
        fit(np.ones((4, 2)), np.array([0, 1, 1, 0]), confidence_level=1.5)


def test_non_convergence_is_an_error():
    x, y = make_data(18, 500, 3)
    with pytest.raises(FitError, match="did not converge in 1 steps"):
        fit(x, y, max_iter=1)


def test_fit_result_round_trips_through_the_serializer():
    x, y = make_data(19, 800, 3)
    result = fit(x, y, feature_names=["a", "b", "c"])
    text = dumps(result)
    assert json.loads(text)["schema"] == "werkmap.fit_result"
    assert loads(text, FitResult) == result


# ---- properties --------------------------------------------------------------------------------------

datasets = st.builds(
    make_data,
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(150, 600),
    k=st.integers(1, 4),
    scale=st.floats(0.0, 0.8),
)


@given(data=datasets)
def test_score_equations_hold_at_the_estimate(data):
    x, y = data
    result = fit(x, y)
    design = np.column_stack([np.ones(len(y)), x])
    gradient = design.T @ (y - result.predict_proba(x))
    assert np.abs(gradient).max() < 1e-8 * len(y)
    # with an intercept, the predicted total equals the observed total
    assert result.predict_proba(x).sum() == pytest.approx(y.sum(), abs=1e-6)
    assert result.log_likelihood >= result.null_log_likelihood - 1e-9


@given(data=datasets)
def test_agrees_with_statsmodels_on_generated_data(data):
    x, y = data
    ours = fit(x, y)
    theirs = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(ours.params, theirs.params, atol=1e-6)
    np.testing.assert_allclose(ours.bse, theirs.bse, atol=1e-4)


@given(data=datasets, factor=st.floats(0.1, 10.0), shift=st.floats(-5.0, 5.0))
def test_affine_feature_change_rescales_its_coefficient(data, factor, shift):
    x, y = data
    base = fit(x, y)
    x2 = x.copy()
    x2[:, 0] = x[:, 0] * factor + shift
    moved = fit(x2, y)
    assert moved.params[1] == pytest.approx(base.params[1] / factor, rel=1e-6, abs=1e-9)
    assert moved.bse[1] == pytest.approx(base.bse[1] / factor, rel=1e-6)
    assert moved.log_likelihood == pytest.approx(base.log_likelihood, rel=1e-9)


@given(data=datasets, seed=st.integers(0, 1000))
def test_row_order_and_outcome_flip(data, seed):
    x, y = data
    base = fit(x, y)
    order = np.random.default_rng(seed).permutation(len(y))
    np.testing.assert_allclose(fit(x[order], y[order]).params, base.params, atol=1e-9)
    flipped = fit(x, 1 - y)
    np.testing.assert_allclose(flipped.params, -base.params, atol=1e-9)
    np.testing.assert_allclose(flipped.bse, base.bse, rtol=1e-7)


def test_separation_by_a_combination_names_both_features():
    rng = np.random.default_rng(20)
    x = rng.normal(size=(300, 3))
    y = (x[:, 0] + x[:, 2] > 0).astype(float)
    with pytest.raises(PerfectSeparation, match="300 of 300") as info:
        fit(x, y, feature_names=["a", "b", "c"])
    assert "['a', 'c']" in str(info.value)


def test_l2_fits_a_rank_deficient_design():
    x, y = make_data(21, 500, 2)
    x = np.column_stack([x, x[:, 0]])
    result = fit(x, y, l2=1.0)
    # the penalty splits the effect equally between the two identical columns
    assert result.params[1] == pytest.approx(result.params[3], abs=1e-9)


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(30, 400),
    k=st.integers(1, 4),
)
def test_separated_data_are_always_refused(seed, n, k):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    w = rng.normal(size=k)
    w[0] = 1.0 if abs(w[0]) < 0.2 else w[0]
    margin = x @ w + 0.1
    x, margin = x[np.abs(margin) > 0.05], margin[np.abs(margin) > 0.05]
    y = (margin > 0).astype(float)
    assume(0 < y.sum() < y.size)
    with pytest.raises(PerfectSeparation, match=r"\(complete\)"):
        fit(x, y)


def test_quasi_separation_in_a_large_sample_is_found_quickly():
    rng = np.random.default_rng(22)
    n = 100_000
    x = rng.normal(size=(n, 5))
    flag = (rng.random(n) < 0.02).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(float)
    y[flag == 1] = 0.0
    with pytest.raises(PerfectSeparation, match=r"quasi-complete.*\['flag'\]"):
        fit(np.column_stack([x, flag]), y, feature_names=["a", "b", "c", "d", "e", "flag"])
