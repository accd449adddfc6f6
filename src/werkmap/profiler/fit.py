"""Fitting a logistic scoring model on observed outcomes.

:func:`fit` estimates a logistic regression of a 0/1 outcome (1 = found work within a year) on a design matrix
with named features, by **maximum likelihood** with Newton–Raphson (equivalently: iteratively reweighted least
squares). Without a penalty the estimates are the ordinary maximum-likelihood estimates that statsmodels'
``Logit`` gives; with ``l2 > 0`` the negative log-likelihood gets ``l2 / 2 · Σ βⱼ²`` over the feature
coefficients (never the intercept), which is scikit-learn's ``LogisticRegression(C=1 / l2)``.

Standard errors, the covariance matrix and Wald confidence intervals come from the inverse of the (observed =
expected, for the logistic link) Fisher information ``Xᵀ W X`` at the estimate. With a penalty the inverse of the
*penalised* information ``Xᵀ W X + l2 · I`` is used, the usual approximate (Bayesian-style) covariance of a
penalised fit: treat those intervals as indicative.

Two designs have no finite maximum-likelihood estimate and are refused with a clear error:

* a **rank-deficient** design (a constant feature, two identical features, a feature that is a sum of others,
  fewer rows than parameters): :class:`~werkmap.errors.RankDeficient`, naming the features involved;
* **perfect or quasi-complete separation** (some combination of features predicts the outcome without error for
  all or part of the data): :class:`~werkmap.errors.PerfectSeparation`, naming the features and the number of
  observations that are perfectly predicted. Separation is confirmed with the linear program of Konis (2007)
  (scipy's HiGHS solver, imported only then), so a legitimately strong but finite effect is not refused.

From answers to a model file: :func:`parse_outcome_csv` reads a CSV of answers (one column per ``link_id``) with
an outcome column and validates every row; :func:`fit_model` validates and encodes answers, fits, and builds a
linted :class:`~werkmap.profiler.model.ScoringModel` whose provenance records the method, the data and the date
given as ``created`` (:func:`to_scoring_model` does the last step for a :class:`FitResult` you already have).
The CSV readers and their tables live in :mod:`werkmap.profiler.fit_data`; they are imported here too.

Everything here is pure: values in, frozen values out; nothing reads a clock or a file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.errors import (
    FitError,
    InvalidAnswers,
    InvalidInput,
    PerfectSeparation,
    Problem,
    RankDeficient,
)
from werkmap.profiler.fit_data import DesignTable, OutcomeTable, parse_design_csv, parse_outcome_csv
from werkmap.profiler.frames import is_dataframe, records_from_frame
from werkmap.profiler.model import (
    BANDS,
    CUT_POINTS,
    Encoder,
    FeatureEncoding,
    Provenance,
    ScoringModel,
    build_model,
    default_encoding,
)
from werkmap.profiler.questionnaire import Questionnaire, validate_answers
from werkmap.serialization import register_schema
from werkmap.tables import Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INTERCEPT",
    "CoefficientRow",
    "DesignTable",
    "FitResult",
    "FitSummary",
    "FittedModel",
    "OutcomeTable",
    "fit",
    "fit_model",
    "parse_design_csv",
    "parse_outcome_csv",
    "to_scoring_model",
]

INTERCEPT = "intercept"
"""The name of the intercept among a fit's parameter names (a feature may not be called this)."""

FloatArray = npt.NDArray[np.float64]

#: Relative eigenvalue below which the column-scaled Gram matrix counts as singular (condition number of the
#: scaled design above 1e6): the design is treated as rank deficient.
_RANK_TOL = 1e-12
#: A linear predictor this large (in absolute value) means a fitted probability within 1e-13 of 0 or 1: the
#: moment to check for separation.
_EXTREME_ETA = 30.0
#: Rows per chunk of a Newton pass (a chunk of the design fits in the processor cache).
_CHUNK = 4096


@attrs.frozen(kw_only=True)
class CoefficientRow:
    """One row of a coefficient table: an estimate with its uncertainty.

    Attributes:
        name: the parameter name (``"intercept"`` or a feature name).
        estimate: the estimated log-odds coefficient.
        standard_error: its standard error from the Fisher information.
        z: the Wald statistic ``estimate / standard_error``.
        p_value: the two-sided Wald p-value.
        ci_low: lower end of the Wald confidence interval.
        ci_high: upper end of the Wald confidence interval.
    """

    name: str
    estimate: float
    standard_error: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float


@attrs.frozen(kw_only=True)
class FitResult:
    """The outcome of :func:`fit`: estimates, their uncertainty and how the fit went.

    Parameters are ordered as :attr:`names`: the intercept first, then the features in the order given.

    Attributes:
        names: parameter names, ``("intercept", *feature_names)``.
        estimates: the estimated log-odds coefficients, aligned with :attr:`names`.
        standard_errors: their standard errors (square roots of the covariance diagonal).
        covariance: the estimated covariance matrix of the estimates (rows and columns as :attr:`names`).
        confidence_level: the level of the Wald intervals of :meth:`conf_int` (default 0.95).
        log_likelihood: the log-likelihood at the estimate (without the penalty term).
        null_log_likelihood: the log-likelihood of the intercept-only model.
        n_observations: the number of rows fitted.
        n_positive: the number of rows with outcome 1.
        l2: the L2 penalty used (0.0: unpenalised maximum likelihood).
        method: how the estimate was found (``"newton"``, Newton–Raphson / IRLS).
        iterations: the number of Newton steps taken.
        converged: whether the convergence criterion was met (a fit that does not converge raises instead).
        feature_means: the mean of each feature over the rows fitted (the reference point of explanations).
    """

    names: tuple[str, ...]
    estimates: tuple[float, ...]
    standard_errors: tuple[float, ...]
    covariance: tuple[tuple[float, ...], ...]
    confidence_level: float = 0.95
    log_likelihood: float
    null_log_likelihood: float
    n_observations: int
    n_positive: int
    l2: float = 0.0
    method: str = "newton"
    iterations: int
    converged: bool = True
    feature_means: tuple[float, ...] = ()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The feature names, without the intercept."""
        return self.names[1:]

    @property
    def intercept(self) -> float:
        """The estimated intercept (log-odds when every feature is 0)."""
        return self.estimates[0]

    @property
    def coefficients(self) -> dict[str, float]:
        """The feature coefficients by feature name."""
        return dict(zip(self.names[1:], self.estimates[1:], strict=True))

    @property
    def params(self) -> FloatArray:
        """All estimates as a float array, intercept first."""
        return np.asarray(self.estimates, dtype=np.float64)

    @property
    def bse(self) -> FloatArray:
        """All standard errors as a float array, intercept first (statsmodels' name)."""
        return np.asarray(self.standard_errors, dtype=np.float64)

    @property
    def cov(self) -> FloatArray:
        """The covariance matrix as a 2-D float array."""
        return np.asarray(self.covariance, dtype=np.float64)

    @property
    def deviance(self) -> float:
        """The residual deviance, ``-2 · log_likelihood``."""
        return -2.0 * self.log_likelihood

    @property
    def aic(self) -> float:
        """Akaike's information criterion, ``2k - 2 · log_likelihood``."""
        return 2.0 * len(self.names) - 2.0 * self.log_likelihood

    @property
    def bic(self) -> float:
        """Schwarz's Bayesian information criterion, ``k · ln(n) - 2 · log_likelihood``."""
        return len(self.names) * math.log(self.n_observations) - 2.0 * self.log_likelihood

    @property
    def llf(self) -> float:
        """The log-likelihood at the estimate (statsmodels' name for :attr:`log_likelihood`)."""
        return self.log_likelihood

    @property
    def llnull(self) -> float:
        """The log-likelihood of the intercept-only model (statsmodels' name)."""
        return self.null_log_likelihood

    @property
    def tvalues(self) -> FloatArray:
        """The Wald z statistics ``params / bse``, intercept first (statsmodels' name)."""
        with np.errstate(divide="ignore"):
            out: FloatArray = self.params / self.bse
        return out

    @property
    def pvalues(self) -> FloatArray:
        """The two-sided Wald p-values ``P(|Z| > |z|)``, intercept first (statsmodels' name)."""
        from scipy.special import ndtr  # lazy: scipy.special is slow to import

        out: FloatArray = 2.0 * ndtr(-np.abs(self.tvalues))
        return out

    @property
    def pseudo_r2(self) -> float:
        """McFadden's pseudo R², ``1 - log_likelihood / null_log_likelihood``."""
        if self.null_log_likelihood == 0.0:
            return 0.0
        return 1.0 - self.log_likelihood / self.null_log_likelihood

    def conf_int(self) -> FloatArray:
        """Wald confidence intervals at :attr:`confidence_level`, shape ``(k, 2)``, intercept first."""
        from statistics import NormalDist  # lazy: statistics is slow to import

        z = NormalDist().inv_cdf(0.5 + self.confidence_level / 2.0)
        est, se = self.params, self.bse
        return np.column_stack([est - z * se, est + z * se])

    def coefficient_table(self) -> tuple[CoefficientRow, ...]:
        """Return one :class:`CoefficientRow` per parameter: estimate, SE, z, p-value and interval."""
        ci = self.conf_int()
        z, p = self.tvalues, self.pvalues
        return tuple(
            CoefficientRow(
                name=name,
                estimate=self.estimates[i],
                standard_error=self.standard_errors[i],
                z=float(z[i]),
                p_value=float(p[i]),
                ci_low=float(ci[i, 0]),
                ci_high=float(ci[i, 1]),
            )
            for i, name in enumerate(self.names)
        )

    def summary(self) -> FitSummary:
        """Return the statsmodels-style summary: fit statistics and the coefficient table.

        ``str(result.summary())`` is a text table, and in a notebook it renders as HTML. Every figure equals
        statsmodels' ``Logit(y, X).fit().summary2()`` (tested to 1e-8).

        Examples:
            >>> import numpy as np
            >>> x = np.array([[0.0], [1.0], [2.0], [3.0], [0.5], [2.5]])
            >>> y = np.array([0, 0, 1, 1, 1, 0])
            >>> print(fit(x, y, feature_names=["age"]).summary())  # doctest: +ELLIPSIS
            Logistic regression (maximum likelihood, Newton–Raphson)
            ...
            intercept ...
        """
        return FitSummary(result=self)

    def to_frame(self) -> pd.DataFrame:
        """Return the coefficient table as a pandas DataFrame indexed by parameter name (needs pandas).

        The columns are ``Coef.``, ``Std.Err.``, ``z``, ``P>|z|`` and the interval ends (``[0.025`` and
        ``0.975]`` at the 95 % level), as in statsmodels' ``summary2().tables[1]``.
        """
        return self.summary().to_frame()

    def __repr__(self) -> str:
        return (
            f"<FitResult {len(self.names)} parameters, n={self.n_observations}, "
            f"log-likelihood={self.log_likelihood:.4f}, pseudo R²={self.pseudo_r2:.4f}, "
            f"converged={self.converged}>"
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def linear_predictor(self, x: npt.ArrayLike) -> FloatArray:
        """Return the log-odds ``intercept + x @ coefficients`` for a 2-D array of feature values."""
        xa = np.asarray(x, dtype=np.float64)
        if xa.ndim != 2 or xa.shape[1] != len(self.names) - 1:
            raise ValueError(
                f"expected a 2-D array with {len(self.names) - 1} columns, got shape {xa.shape}"
            )
        eta: FloatArray = xa @ self.params[1:] + self.params[0]
        return eta

    def predict_proba(self, x: npt.ArrayLike) -> FloatArray:
        """Return the fitted probabilities of outcome 1 for a 2-D array of feature values.

        Unlike scikit-learn's ``predict_proba`` this is one column (the probability of outcome 1), shape
        ``(n,)``.
        """
        return _expit(self.linear_predictor(x))

    def predict(self, x: npt.ArrayLike, *, threshold: float = 0.5) -> npt.NDArray[np.int8]:
        """Return the predicted class (1 when the probability is at least ``threshold``, else 0), as scikit-learn.

        Changed in 0.x: ``predict`` returned probabilities before; use :meth:`predict_proba` for those.
        """
        out: npt.NDArray[np.int8] = (self.predict_proba(x) >= threshold).astype(np.int8)
        return out


register_schema("werkmap.fit_result", FitResult, 1)


def _fmt(value: float | int | str | bool) -> str:
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}"


@attrs.frozen
class FitSummary:
    """The statsmodels-style summary of a :class:`FitResult`: fit statistics and the coefficient table.

    ``str(summary)`` is the text form, ``summary._repr_html_()`` the notebook form and :meth:`to_frame` the
    coefficient table as a DataFrame. The figures are those of statsmodels' ``Logit(y, X).fit().summary2()``:
    the same names, the same values (to 1e-8, tested); the text shows them rounded to 4 decimals.

    Attributes:
        result: the fit summarised.
    """

    result: FitResult

    @property
    def df_model(self) -> int:
        """The model degrees of freedom: the number of features (parameters minus the intercept)."""
        return len(self.result.names) - 1

    @property
    def df_resid(self) -> int:
        """The residual degrees of freedom: observations minus parameters."""
        return self.result.n_observations - len(self.result.names)

    @property
    def llr(self) -> float:
        """The likelihood-ratio statistic against the intercept-only model, ``2 (llf - llnull)``."""
        return 2.0 * (self.result.log_likelihood - self.result.null_log_likelihood)

    @property
    def llr_pvalue(self) -> float:
        """The p-value of :attr:`llr` on :attr:`df_model` degrees of freedom (chi-squared)."""
        from scipy.stats import chi2  # lazy: scipy.stats is slow to import

        return float(chi2.sf(self.llr, self.df_model))

    @property
    def interval_labels(self) -> tuple[str, str]:
        """The column labels of the interval ends, ``("[0.025", "0.975]")`` at the 95 % level."""
        alpha = 1.0 - self.result.confidence_level
        return f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"

    def statistics(self) -> dict[str, float | int | str | bool]:
        """Return the fit statistics by their summary2 label (``"Pseudo R-squared"``, ``"AIC"``, ...)."""
        r = self.result
        method = "Newton–Raphson" if r.l2 == 0.0 else f"Newton–Raphson, L2 penalty {r.l2:g}"
        return {
            "Model": "Logit" if r.l2 == 0.0 else "Logit (L2-penalised)",
            "Method": method,
            "No. Observations": r.n_observations,
            "No. Positive": r.n_positive,
            "Df Model": self.df_model,
            "Df Residuals": self.df_resid,
            "Converged": r.converged,
            "No. Iterations": r.iterations,
            "Pseudo R-squared": r.pseudo_r2,
            "AIC": r.aic,
            "BIC": r.bic,
            "Log-Likelihood": r.log_likelihood,
            "LL-Null": r.null_log_likelihood,
            "LLR p-value": self.llr_pvalue,
        }

    def columns(self) -> tuple[str, ...]:
        """The column labels of the coefficient table (as statsmodels' summary2)."""
        return ("Coef.", "Std.Err.", "z", "P>|z|", *self.interval_labels)

    def rows(self) -> tuple[tuple[str, tuple[float, ...]], ...]:
        """The coefficient table: per parameter its name and the figures of :meth:`columns`."""
        return tuple(
            (c.name, (c.estimate, c.standard_error, c.z, c.p_value, c.ci_low, c.ci_high))
            for c in self.result.coefficient_table()
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the coefficient table as a pandas DataFrame indexed by parameter name (needs pandas)."""
        import pandas as pd  # lazy: pandas is an optional extra

        names = [name for name, _ in self.rows()]
        return pd.DataFrame(
            [list(values) for _, values in self.rows()], index=names, columns=list(self.columns())
        )

    def _title(self) -> str:
        if self.result.l2 > 0.0:
            return f"Logistic regression (L2 penalty {self.result.l2:g}, Newton–Raphson)"
        return "Logistic regression (maximum likelihood, Newton–Raphson)"

    def _statistics_table(self) -> Table:
        # The fit statistics in two pairs of columns (label, value), as statsmodels' summary2 shows them.
        stats = [
            (f"{k}:", _fmt(v)) for k, v in self.statistics().items() if k not in ("Model", "Method")
        ]
        half = (len(stats) + 1) // 2
        right = [*stats[half:], ("", "")]
        rows = [(*stats[i], *right[i]) for i in range(half)]
        return Table(header=None, rows=rows, align="lrlr", row_headers=True)

    def _coefficient_table(self) -> Table:
        rows = [(name, *(f"{v:.4f}" for v in values)) for name, values in self.rows()]
        return Table(header=("", *self.columns()), rows=rows, align="l" + "r" * 6, row_headers=True)

    def __str__(self) -> str:
        stats = self._statistics_table().text_lines()
        coefficients = self._coefficient_table().text_lines(rule=False)
        width = max(len(line) for line in (*stats, *coefficients))
        rule, thin = "=" * width, "-" * width
        head, *body = coefficients
        return "\n".join([self._title(), rule, *stats, thin, head, thin, *body, rule])

    def _repr_html_(self) -> str:
        stats = Table(
            header=None,
            rows=[(k, _fmt(v)) for k, v in self.statistics().items()],
            align="lr",
            title=self._title(),
            row_headers=True,
        )
        return (
            f"<div class='werkmap-fit-summary'>{stats.to_html()}"
            f"{self._coefficient_table().to_html()}</div>"
        )


def _expit(eta: FloatArray) -> FloatArray:
    with np.errstate(over="ignore"):
        out: FloatArray = 1.0 / (1.0 + np.exp(-eta))
    return out


def _log_likelihood(eta: FloatArray, y: FloatArray) -> float:
    # Σ y·η − log(1 + e^η), stable for large |η|.
    return float(y @ eta - np.logaddexp(0.0, eta).sum())


def _newton_pass(
    design: FloatArray, y: FloatArray, beta: FloatArray, buffer: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """Return the log-likelihood gradient, the Fisher information and max |η| at ``beta``.

    One pass over the rows in chunks that stay in the processor cache (a chunk's rows are read once for the
    linear predictor, the gradient and the weighted cross-product).
    """
    k = design.shape[1]
    grad = np.zeros(k)
    info = np.zeros((k, k))
    eta_max = 0.0
    size = buffer.shape[0]
    for start in range(0, design.shape[0], size):
        rows = design[start : start + size]
        m = rows.shape[0]
        eta = rows @ beta
        eta_max = max(eta_max, float(np.abs(eta).max()))
        p = _expit(eta)
        grad += rows.T @ (y[start : start + m] - p)
        weighted = buffer[:m]
        np.multiply(rows, np.sqrt(p * (1.0 - p))[:, None], out=weighted)
        info += weighted.T @ weighted
    return grad, info, eta_max


def _check_inputs(
    x: npt.ArrayLike, y: npt.ArrayLike, feature_names: Sequence[str] | None
) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    problems: list[Problem] = []
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim == 1:
        xa = xa.reshape(-1, 1)
    if xa.ndim != 2:
        raise InvalidInput(
            [Problem(path="$.x", message=f"expected a 2-D design matrix, got {xa.ndim} dimensions")]
        )
    n, k = xa.shape
    if ya.ndim != 1:
        problems.append(
            Problem(path="$.y", message=f"expected a 1-D outcome array, got shape {ya.shape}")
        )
    elif ya.shape[0] != n:
        problems.append(
            Problem(path="$.y", message=f"expected {n} outcomes (one per row), got {ya.shape[0]}")
        )
    names: tuple[str, ...]
    if feature_names is None:
        names = tuple(f"x{j + 1}" for j in range(k))
    else:
        names = tuple(feature_names)
        if len(names) != k:
            problems.append(
                Problem(
                    path="$.feature_names",
                    message=f"expected {k} names (one per column), got {len(names)}",
                )
            )
        seen: set[str] = set()
        for j, name in enumerate(names):
            if name == INTERCEPT:
                problems.append(
                    Problem(
                        path=f"$.feature_names[{j}]",
                        message=f"{INTERCEPT!r} is reserved for the intercept",
                    )
                )
            if name in seen:
                problems.append(
                    Problem(path=f"$.feature_names[{j}]", message=f"duplicate name {name!r}")
                )
            seen.add(name)
    if xa.size and not np.isfinite(xa).all():
        bad_cols = np.flatnonzero(~np.isfinite(xa).all(axis=0))
        for j in bad_cols.tolist():
            rows = np.flatnonzero(~np.isfinite(xa[:, j]))
            label = names[j] if j < len(names) else f"x{j + 1}"
            problems.append(
                Problem(
                    path=f"$.x[:, {j}] ({label})",
                    message=f"{rows.size} non-finite value(s), first at row(s) {rows[:5].tolist()}",
                )
            )
    if ya.ndim == 1:
        bad = np.flatnonzero((ya != 0.0) & (ya != 1.0))
        if bad.size:
            problems.append(
                Problem(
                    path="$.y",
                    message=f"outcomes must be 0 or 1; {bad.size} other value(s), first at row(s) "
                    f"{bad[:5].tolist()}: {ya[bad[:5]].tolist()}",
                )
            )
    if n == 0:
        problems.append(Problem(path="$.x", message="no rows to fit"))
    if problems:
        raise InvalidInput(problems, source="fit")
    return xa, ya, names


def _check_rank(design: FloatArray, names: tuple[str, ...]) -> FloatArray:
    """Return the Gram matrix ``Xᵀ X``; raise RankDeficient naming the dependent columns."""
    n, k = design.shape
    gram: FloatArray = design.T @ design
    if n < k:
        raise RankDeficient(
            f"the design is rank deficient: {n} rows cannot identify {k} parameters "
            f"({', '.join(names)}); fit on more data or fewer features"
        )
    norms = np.sqrt(np.diag(gram))
    zero = [names[j] for j in np.flatnonzero(norms == 0.0)]
    if zero:
        raise RankDeficient(
            f"the design is rank deficient: feature(s) {zero} are zero in every row; remove them"
        )
    # Constant features duplicate the intercept; identical features duplicate each other.
    same = (design == design[0]).all(axis=0)
    constant = [names[j] for j in range(1, k) if same[j]]
    if constant:
        raise RankDeficient(
            f"the design is rank deficient: feature(s) {constant} are constant, so they are "
            f"collinear with the intercept; remove them"
        )
    scaled = gram / np.outer(norms, norms)
    eigval, eigvec = np.linalg.eigh(scaled)
    null = eigval <= _RANK_TOL * eigval[-1]
    if null.any():
        vectors = eigvec[:, null]
        involved = np.flatnonzero((np.abs(vectors) > 1e-6).any(axis=1))
        rank = int(k - null.sum())
        raise RankDeficient(
            f"the design is rank deficient (rank {rank} of {k} parameters): "
            f"{[names[j] for j in involved]} are linearly dependent (one is a combination of the "
            f"others); remove or merge one of them"
        )
    return gram


def _linprog_rows(
    c: FloatArray,
    rows: FloatArray,
    bounds: list[tuple[float | None, float | None]],
    extra_a: FloatArray | None = None,
    extra_b: FloatArray | None = None,
) -> FloatArray | None:
    """Minimise ``c·v`` subject to ``rows @ v[:k] ≥ 0`` (every row), the extra ``A v ≤ b`` and the bounds.

    The row constraints are generated lazily (a cutting-plane loop): the program is solved on a few hundred
    rows, the rows the solution violates are added, and so on until no row is violated. Most rows never
    bind, so this is much faster than handing HiGHS every row. Returns the solution, or ``None`` when the
    program is infeasible or unbounded.
    """
    from scipy.optimize import linprog  # lazy: scipy loads only when separation is suspected

    m, k = rows.shape
    width = c.shape[0]
    slack = 1e-9 * max(1.0, float(np.abs(rows).max()))
    active = np.unique(np.linspace(0, m - 1, num=min(m, 256)).astype(np.intp))
    for _ in range(200):
        a_rows = np.zeros((active.size, width))
        a_rows[:, :k] = -rows[active]
        a_ub = a_rows if extra_a is None else np.vstack([a_rows, extra_a])
        b_ub = (
            np.zeros(active.size)
            if extra_b is None
            else np.concatenate([np.zeros(active.size), extra_b])
        )
        result = linprog(c=c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if result.status != 0:
            return None
        solution = np.asarray(result.x, dtype=np.float64)
        margins = rows @ solution[:k]
        violated = np.flatnonzero(margins < -slack)
        violated = np.setdiff1d(violated, active, assume_unique=True)
        if violated.size == 0:
            return solution
        worst = violated[np.argsort(margins[violated])[:512]]
        active = np.union1d(active, worst)
    return None


def _check_separation(design: FloatArray, y: FloatArray, names: tuple[str, ...]) -> None:
    """Raise PerfectSeparation if a direction ``d`` has ``(2y-1)·(X d) ≥ 0`` for all rows and > 0 for some.

    Detection is the linear program of Konis (2007): maximise ``Σ (2yᵢ-1) xᵢ d`` subject to those
    constraints and ``-1 ≤ d ≤ 1``; for a full-rank design the optimum is positive exactly when the data are
    (quasi-)separated. It is repeated on the rows not yet separated, so that the count of perfectly predicted
    rows is the largest one. The features named are those of the sparsest separating direction (least
    ``Σ |dⱼ|`` over the features, the intercept free).
    """
    signed = design * (2.0 * y - 1.0)[:, None]
    # Identical signed rows give identical constraints: drop duplicates to keep the programs small.
    rows, inverse = np.unique(signed, axis=0, return_inverse=True)
    m, k = rows.shape
    tol = 1e-7 * max(1.0, float(np.abs(rows).max()))
    separated = np.zeros(m, dtype=bool)
    total = np.zeros(k)
    for _ in range(k + 1):
        found = _linprog_rows(-rows[~separated].sum(axis=0), rows, [(-1.0, 1.0)] * k)
        if found is None:
            break
        candidate = total + found
        now = rows @ candidate > tol
        if (rows @ candidate < -tol).any() or not (now & ~separated).any():
            break
        total = candidate
        separated = now
        if separated.all():
            break
    if not separated.any():
        return
    # The sparsest separating direction: variables d (k) and u (k - 1) with |d_j| ≤ u_j for the features.
    f = k - 1
    cost = np.concatenate([np.zeros(k), np.ones(f)])
    extra_a = np.zeros((1 + 2 * f, k + f))
    extra_a[0, :k] = -rows[separated].sum(axis=0)
    for j in range(f):
        extra_a[1 + 2 * j, 1 + j], extra_a[1 + 2 * j, k + j] = 1.0, -1.0
        extra_a[2 + 2 * j, 1 + j], extra_a[2 + 2 * j, k + j] = -1.0, -1.0
    extra_b = np.zeros(1 + 2 * f)
    extra_b[0] = -1.0
    sparse = _linprog_rows(
        cost, rows, [(None, None)] * k + [(0.0, None)] * f, extra_a=extra_a, extra_b=extra_b
    )
    direction = total if sparse is None else sparse[:k]
    weight = np.abs(direction[1:])
    involved = [names[1 + j] for j in np.flatnonzero(weight > 1e-7 * max(1.0, float(weight.max())))]
    predicted = int(separated[inverse.reshape(-1)].sum())
    n = design.shape[0]
    kind = "complete" if predicted == n else "quasi-complete"
    raise PerfectSeparation(
        f"perfect separation ({kind}): the outcome is predicted without error for {predicted} of "
        f"{n} observations by feature(s) {involved}, so maximum likelihood has no finite solution; "
        f"merge or remove those features, or fit with an L2 penalty (l2 > 0)"
    )


def fit(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    feature_names: Sequence[str] | None = None,
    l2: float = 0.0,
    confidence_level: float = 0.95,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> FitResult:
    """Fit a logistic regression of ``y`` on ``x`` (with an intercept) by Newton–Raphson.

    Args:
        x: the design matrix, shape ``(n, k)``, one row per person and one column per feature; do not add an
            intercept column, :func:`fit` adds it.
        y: the observed outcomes, shape ``(n,)``, 0 or 1 (1 = found work within a year).
        feature_names: a name per column of ``x`` (default ``x1 … xk``); ``"intercept"`` is reserved.
        l2: the L2 penalty on the feature coefficients (0: unpenalised maximum likelihood, the default). The
            intercept is never penalised; ``l2`` equals ``1 / C`` of scikit-learn's ``LogisticRegression``.
        confidence_level: the level of the Wald confidence intervals.
        max_iter: the most Newton steps to take.
        tol: convergence when the largest step is below ``tol · (1 + max |β|)``.

    Returns:
        The :class:`FitResult`.

    Raises:
        InvalidInput: wrong shapes, non-finite values, outcomes other than 0/1, bad names (every problem).
        RankDeficient: the design does not identify the parameters; the message names the features.
        PerfectSeparation: the data are (quasi-)completely separated and ``l2 == 0``; the message names the
            features.
        FitError: Newton–Raphson did not converge in ``max_iter`` steps (a :class:`PerfectSeparation`, also a
            :class:`FitError`, is raised as well when the outcome has a single value).

    Examples:
        >>> import numpy as np
        >>> x = np.array([[0.0], [1.0], [2.0], [3.0], [0.5], [2.5]])
        >>> y = np.array([0, 0, 1, 1, 1, 0])
        >>> result = fit(x, y, feature_names=["age"])
        >>> result.names
        ('intercept', 'age')
        >>> round(result.coefficients["age"], 4)
        0.6009
    """
    if not (l2 >= 0.0 and math.isfinite(l2)):
        raise InvalidInput(
            [Problem(path="$.l2", message=f"expected a finite number ≥ 0, got {l2}")]
        )
    if not 0.0 < confidence_level < 1.0:
        raise InvalidInput(
            [
                Problem(
                    path="$.confidence_level",
                    message=f"expected a number between 0 and 1, got {confidence_level}",
                )
            ]
        )
    xa, ya, features = _check_inputs(x, y, feature_names)
    n, k = xa.shape
    names = (INTERCEPT, *features)
    n_pos = int(ya.sum())
    if n_pos in (0, n):
        raise PerfectSeparation(
            f"every outcome is {int(ya[0])}: a model needs both outcomes (0 and 1) to be fitted"
        )
    design = np.empty((n, k + 1), dtype=np.float64)
    design[:, 0] = 1.0
    design[:, 1:] = xa
    gram = _check_rank(design, names) if l2 == 0.0 else design.T @ design
    penalty = np.full(k + 1, l2)
    penalty[0] = 0.0

    ybar = n_pos / n
    beta = np.zeros(k + 1)
    beta[0] = math.log(ybar / (1.0 - ybar))
    null_ll = n_pos * math.log(ybar) + (n - n_pos) * math.log1p(-ybar)
    # At the start every fitted probability is ȳ, so the information is ȳ(1-ȳ)·XᵀX: reuse the Gram matrix.
    grad = design.T @ (ya - ybar)
    info: FloatArray = ybar * (1.0 - ybar) * gram
    separation_checked = l2 > 0.0
    iterations = 0
    converged = False
    buffer = np.empty((min(n, _CHUNK), k + 1))  # reused: the weighted rows of one chunk
    while iterations < max_iter:
        try:
            step = np.linalg.solve(info + np.diag(penalty), grad - penalty * beta)
        except np.linalg.LinAlgError:
            step = np.full(k + 1, np.nan)
        if not np.isfinite(step).all():
            if not separation_checked:
                _check_separation(design, ya, names)
            raise FitError(
                "the Fisher information became singular during fitting; the data nearly separate the "
                "outcome: fit with an L2 penalty (l2 > 0)"
            )
        beta = beta + step
        iterations += 1
        if np.abs(step).max() <= tol * (1.0 + np.abs(beta).max()):
            converged = True
            break
        grad, info, eta_max = _newton_pass(design, ya, beta, buffer)
        if not separation_checked and eta_max > _EXTREME_ETA:
            _check_separation(design, ya, names)
            separation_checked = True
    if not converged:
        if not separation_checked:
            _check_separation(design, ya, names)
        raise FitError(
            f"Newton–Raphson did not converge in {max_iter} steps; raise max_iter or fit with an L2 "
            f"penalty (l2 > 0)"
        )
    # The covariance is taken at the estimate itself (one more pass), so standard errors equal statsmodels'.
    _, info, _ = _newton_pass(design, ya, beta, buffer)
    eta = design @ beta
    cov = np.linalg.inv(info + np.diag(penalty))
    cov = (cov + cov.T) / 2.0
    se = np.sqrt(np.diag(cov))
    return FitResult(
        names=names,
        estimates=tuple(float(b) for b in beta),
        standard_errors=tuple(float(s) for s in se),
        covariance=tuple(tuple(float(c) for c in row) for row in cov),
        confidence_level=confidence_level,
        log_likelihood=_log_likelihood(eta, ya),
        null_log_likelihood=null_ll,
        n_observations=n,
        n_positive=n_pos,
        l2=float(l2),
        method="newton",
        iterations=iterations,
        converged=converged,
        feature_means=tuple(float(v) for v in xa.mean(axis=0)),
    )


# ---- from answers to a scoring model ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FittedModel:
    """A scoring model fitted on outcome data, with the fit it came from.

    Attributes:
        model: the :class:`~werkmap.profiler.model.ScoringModel`, ready to be saved and used for scoring.
        result: the :class:`FitResult` (coefficient table, log-likelihood, convergence).
        design: the encoded design matrix the model was fitted on (one row per person).
        outcomes: the outcomes it was fitted on.
    """

    model: ScoringModel
    result: FitResult
    design: FloatArray = attrs.field(eq=False, repr=False)
    outcomes: FloatArray = attrs.field(eq=False, repr=False)

    def predict_proba(self) -> FloatArray:
        """Return the fitted probabilities of the people fitted on (in-sample predictions)."""
        return self.result.predict_proba(self.design)

    def predict(self, *, threshold: float = 0.5) -> npt.NDArray[np.int8]:
        """Return the in-sample predicted classes at ``threshold`` (probabilities: :meth:`predict_proba`)."""
        return self.result.predict(self.design, threshold=threshold)

    def summary(self) -> FitSummary:
        """Return the statsmodels-style summary of the fit (see :meth:`FitResult.summary`)."""
        return self.result.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return the coefficient table as a DataFrame (see :meth:`FitResult.to_frame`; needs pandas)."""
        return self.result.to_frame()

    def __repr__(self) -> str:
        return (
            f"<FittedModel {self.model.id} {self.model.version}: {len(self.result.names)} parameters, "
            f"n={self.result.n_observations}>"
        )

    def _repr_html_(self) -> str:
        return self.result._repr_html_()


def _method(l2: float) -> str:
    if l2 == 0.0:
        return "maximum likelihood (Newton–Raphson), werkmap.profiler.fit"
    return f"L2-penalised maximum likelihood (l2 = {l2:g}, intercept not penalised), werkmap.profiler.fit"


def to_scoring_model(
    result: FitResult,
    *,
    questionnaire: Questionnaire,
    encoding: Sequence[FeatureEncoding],
    id: str,
    version: str,
    valid_from: dt.date,
    created: dt.date,
    data: str = "",
    valid_until: dt.date | None = None,
    cut_points: Sequence[float] = CUT_POINTS,
    bands: Sequence[str] = BANDS,
    description: str = "",
    references: Sequence[str] = (),
) -> ScoringModel:
    """Turn a :class:`FitResult` into a linted :class:`~werkmap.profiler.model.ScoringModel`.

    The fit's feature names must be the ones ``encoding`` produces, in order. The model's provenance
    records the method (with the penalty), the data description, the number of observations and the date
    ``created`` (given as input: werkmap never reads the clock for this).

    Raises:
        InvalidModel: the fit does not match the encoding or the questionnaire (every problem listed).
    """
    n_pos = result.n_positive
    notice = (
        f"Fitted on {result.n_observations} observations, of which {n_pos} found work within a year "
        f"({n_pos / result.n_observations:.1%}). Standard errors and the covariance come from the "
        f"inverse Fisher information"
        + (" of the penalised likelihood (approximate)." if result.l2 > 0 else ".")
        + " Check the evaluation report and the model card before use; a coach can always override the "
        "routing a score suggests."
    )
    return build_model(
        questionnaire=questionnaire,
        encoding=encoding,
        feature_names=result.feature_names,
        coefficients=result.params[1:],
        intercept=result.intercept,
        standard_errors=result.standard_errors,
        covariance=result.covariance,
        feature_means=result.feature_means,
        provenance=Provenance(
            method=_method(result.l2),
            data=data,
            n_observations=result.n_observations,
            created=created,
            notice=notice,
            references=tuple(references),
        ),
        id=id,
        version=version,
        valid_from=valid_from,
        valid_until=valid_until,
        cut_points=cut_points,
        bands=bands,
        description=description,
    )


def fit_model(
    answers: Sequence[Mapping[str, object]] | OutcomeTable | pd.DataFrame,
    outcomes: npt.ArrayLike | str | None = None,
    *,
    questionnaire: Questionnaire,
    id: str,
    version: str,
    valid_from: dt.date,
    created: dt.date,
    encoding: Sequence[FeatureEncoding] | None = None,
    l2: float = 0.0,
    data: str = "",
    valid_until: dt.date | None = None,
    cut_points: Sequence[float] = CUT_POINTS,
    bands: Sequence[str] = BANDS,
    description: str = "",
    confidence_level: float = 0.95,
) -> FittedModel:
    """Fit a scoring model from answers and observed outcomes: validate, encode, :func:`fit`, build.

    Args:
        answers: per person, answers by ``link_id``; an :class:`OutcomeTable` (then ``outcomes`` is
            taken from it and must be ``None``); or a pandas DataFrame with one column per ``link_id``
            (empty cells unanswered, integer codes name options).
        outcomes: per person, 1 = found work within a year, 0 = did not (an array or a Series); with a
            DataFrame, also the name of its outcome column (that column is then not an answer).
        questionnaire: the questionnaire version the answers belong to; the model is calibrated for it.
        id: the model's identifier.
        version: the model's version label.
        valid_from: the first day the model may be used.
        created: the date the model is made (recorded in its provenance).
        encoding: how items become features (default:
            :func:`~werkmap.profiler.model.default_encoding` of the questionnaire).
        l2: the L2 penalty (0: unpenalised maximum likelihood).
        data: a description of the data (source, period, selection) for the provenance.
        valid_until: the last day the model may be used, if known.
        cut_points: the band cut points.
        bands: the band names.
        description: what the model is, shown to people.
        confidence_level: the level of the confidence intervals of the fit.

    Returns:
        The :class:`FittedModel` (model, fit result, design and outcomes).

    Raises:
        InvalidInput: bad answers (every problem, per person ``$[i].link_id``) or outcomes.
        RankDeficient: the encoded design does not identify the coefficients (e.g. an answer level nobody
            chose); the features are named.
        PerfectSeparation: an answer predicts the outcome without error; the features are named.
        InvalidModel: the resulting model fails the model lint.
    """
    if is_dataframe(answers):
        frame: Any = answers
        if isinstance(outcomes, str):
            if outcomes not in frame.columns:
                raise InvalidInput(
                    [Problem(path=f"$.{outcomes}", message="no such column in the DataFrame")]
                )
            column = outcomes
            outcomes = frame[column].to_numpy(dtype=np.float64)
            frame = frame.drop(columns=[column])
        answers = records_from_frame(frame)
    elif isinstance(outcomes, str):
        raise TypeError("outcomes may name a column only when the answers are a DataFrame")
    if isinstance(answers, OutcomeTable):
        if outcomes is not None:
            raise TypeError("give outcomes either in the OutcomeTable or as an argument, not both")
        if answers.questionnaire_ref != questionnaire.ref:
            raise InvalidInput(
                [
                    Problem(
                        path="$.questionnaire",
                        message=f"the answers were validated against {answers.questionnaire_ref}, "
                        f"not {questionnaire.ref}",
                    )
                ]
            )
        rows: Sequence[Mapping[str, object]] = answers.answers
        y = answers.outcome_array()
    else:
        if outcomes is None:
            raise TypeError("outcomes are required with a sequence of answers")
        problems: list[Problem] = []
        valid: list[Mapping[str, object]] = []
        for i, person in enumerate(answers):
            try:
                valid.append(validate_answers(person, questionnaire))
            except InvalidAnswers as exc:
                problems.extend(
                    Problem(
                        path=f"$[{i}]{p.path.removeprefix('$')}", message=p.message, code=p.code
                    )
                    for p in exc.problems
                )
        if problems:
            raise InvalidAnswers(problems, source=questionnaire.ref)
        rows = valid
        y = np.asarray(outcomes, dtype=np.float64)
    chosen = tuple(encoding) if encoding is not None else default_encoding(questionnaire)
    encoder = Encoder(chosen)
    design = encoder.encode_many(rows)
    result = fit(
        design, y, feature_names=encoder.feature_names, l2=l2, confidence_level=confidence_level
    )
    model = to_scoring_model(
        result,
        questionnaire=questionnaire,
        encoding=chosen,
        id=id,
        version=version,
        valid_from=valid_from,
        created=created,
        data=data,
        valid_until=valid_until,
        cut_points=cut_points,
        bands=bands,
        description=description,
    )
    return FittedModel(model=model, result=result, design=design, outcomes=y)
