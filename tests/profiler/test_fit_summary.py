"""The statsmodels-grade summary of a fit: every figure equals statsmodels' ``summary2()`` to 1e-8."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from werkmap.profiler.fit import FitSummary, fit


def make_data(seed: int, n: int, k: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    beta = rng.normal(scale=0.5, size=k)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(0.3 - x @ beta))).astype(float)
    return x, y


@pytest.mark.parametrize(("seed", "n", "k"), [(1, 2000, 3), (2, 5000, 12), (3, 300, 6)])
def test_summary_equals_statsmodels_summary2(seed, n, k):
    x, y = make_data(seed, n, k)
    names = [f"f{j}" for j in range(k)]
    ours = fit(x, y, feature_names=names)
    theirs = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    # statsmodels fits the intercept-only model with Nelder-Mead + BFGS (off by ~1e-7 in the log-likelihood);
    # ours is the closed form. Its documented switch makes it fit that model by Newton as well.
    theirs.set_null_options(method="newton", tol=1e-12, maxiter=100)
    s2 = theirs.summary2(xname=["intercept", *names])
    summary = ours.summary()
    assert isinstance(summary, FitSummary)
    frame = summary.to_frame()
    expected = s2.tables[1]
    assert list(frame.columns) == list(expected.columns)
    assert list(frame.index) == list(expected.index)
    np.testing.assert_allclose(
        frame.to_numpy(), expected.to_numpy(dtype=float), rtol=1e-8, atol=1e-8
    )
    np.testing.assert_allclose(ours.pvalues, theirs.pvalues, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.tvalues, theirs.tvalues, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-8, atol=1e-10)
    stats = summary.statistics()
    assert stats["Pseudo R-squared"] == pytest.approx(theirs.prsquared, abs=1e-8)
    assert stats["AIC"] == pytest.approx(theirs.aic, abs=1e-8)
    assert stats["BIC"] == pytest.approx(theirs.bic, abs=1e-8)
    assert stats["Log-Likelihood"] == pytest.approx(theirs.llf, abs=1e-8)
    assert stats["LL-Null"] == pytest.approx(theirs.llnull, abs=1e-8)
    assert stats["LLR p-value"] == pytest.approx(theirs.llr_pvalue, abs=1e-8)
    assert summary.llr == pytest.approx(theirs.llr, abs=1e-8)
    assert stats["No. Observations"] == int(theirs.nobs)
    assert stats["Df Model"] == int(theirs.df_model)
    assert stats["Df Residuals"] == int(theirs.df_resid)
    assert stats["Converged"] is bool(theirs.mle_retvals["converged"])
    # the text shows the same figures, to 4 decimals
    text = str(summary)
    for label in ("Pseudo R-squared", "AIC", "BIC", "Log-Likelihood", "LL-Null"):
        assert f"{label}:" in text
        assert f"{stats[label]:.4f}" in text
    for name, row in expected.iterrows():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"{name} "))
        assert f"{row['Coef.']:.4f}" in line
        assert f"{row['Std.Err.']:.4f}" in line
    html = summary._repr_html_()
    assert "<table" in html
    assert "P&gt;|z|" in html
    assert ours._repr_html_() == html


def test_summary_columns_follow_the_confidence_level():
    x, y = make_data(4, 500, 2)
    ours = fit(x, y, confidence_level=0.9)
    theirs = (
        sm.Logit(y, sm.add_constant(x))
        .fit(disp=0)
        .summary2(alpha=0.1, xname=["intercept", "x1", "x2"])
    )
    assert list(ours.to_frame().columns) == list(theirs.tables[1].columns)
    np.testing.assert_allclose(
        ours.to_frame().to_numpy(), theirs.tables[1].to_numpy(dtype=float), rtol=1e-8, atol=1e-8
    )


def test_predict_returns_classes_and_predict_proba_probabilities():
    x, y = make_data(5, 400, 2)
    ours = fit(x, y)
    p = ours.predict_proba(x)
    assert p.dtype == np.float64
    assert ((p > 0) & (p < 1)).all()
    classes = ours.predict(x)
    np.testing.assert_array_equal(classes, (p >= 0.5).astype(int))
    assert set(np.unique(classes)) <= {0, 1}
    np.testing.assert_array_equal(ours.predict(x, threshold=0.3), (p >= 0.3).astype(int))


def test_fit_result_repr_is_short():
    x, y = make_data(6, 300, 4)
    text = repr(fit(x, y))
    assert text.startswith("<FitResult 5 parameters, n=300")
    assert len(text) < 200


def test_to_frame_is_a_dataframe():
    x, y = make_data(7, 300, 2)
    frame = fit(x, y, feature_names=["a", "b"]).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["intercept", "a", "b"]
