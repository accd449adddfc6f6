"""Evaluating a scoring model on observed outcomes: discrimination, calibration and fairness by group.

:func:`evaluate` takes observed outcomes ``y`` (1 = found work within a year, 0 = did not) and the model's
predicted probabilities ``p`` of finding work, and returns an :class:`EvaluationReport`:

* **discrimination**: the AUC, rank based (Mann–Whitney U with average ranks for ties, so it equals
  scikit-learn's ``roc_auc_score``);
* **accuracy**: the Brier score ``mean((p - y)²)``;
* **calibration**: the calibration intercept and slope of the logistic recalibration
  ``logit P(y = 1) = a + b · logit(p)`` (ideal: ``a = 0``, ``b = 1``; ``b < 1`` means too extreme predictions),
  and calibration-in-the-large (the intercept with the slope fixed at 1);
* **observed against predicted** by decile of ``p`` and by band (``"0-25"``, ``"25-50"``, ``"50-75"``,
  ``"75-100"``, half-open ``(a, b]`` so that a score of exactly 0.50 is in ``"25-50"``; 0 is in ``"0-25"``);
* **routing errors** at the routing threshold (default 0.50), overall and, given a group column, per group.

The routing convention
----------------------
The service model invites everyone with a score **≤ 0.50** to an orientation conversation. The routing is
read as a screening test for *not finding work*:

* a **positive** prediction is ``p ≤ threshold`` (routed to a conversation: "will probably not find work");
* an **actual positive** is ``y = 0`` (did not find work within a year);
* **positive rate** (selection rate) = share routed to a conversation;
* **false-negative rate** = share of those who did *not* find work that were left to the digital service
  (``p > threshold``): the people the routing failed to see;
* **false-positive rate** = share of those who *did* find work that were invited anyway (``p ≤ threshold``):
  a conversation that was not needed.

Every value is a frozen attrs class that serialises with :mod:`werkmap.serialization` (schema
``werkmap.evaluation_report``). A value that is undefined for the data (the AUC of a group with one outcome,
the false-negative rate of a group in which everybody found work) is ``None``, never ``NaN``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.errors import FitError, InvalidInput, Problem
from werkmap.profiler.model import CUT_POINTS, invites
from werkmap.serialization import register_schema
from werkmap.tables import REPR_ROWS, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BinSummary",
    "Calibration",
    "EvaluationReport",
    "GroupMetrics",
    "auc",
    "band_labels",
    "brier_score",
    "calibration",
    "evaluate",
]

FloatArray = npt.NDArray[np.float64]

DEFAULT_CUT_POINTS = CUT_POINTS

#: Probabilities are clipped to [_EPS, 1 - _EPS] before taking logits for the calibration fit.
_EPS = 1e-12


@attrs.frozen(kw_only=True)
class BinSummary:
    """Observed against predicted in one bin (a decile or a band).

    Attributes:
        label: the bin's label (``"1"`` … ``"10"`` for deciles, ``"0-25"`` … for bands).
        n: the number of people in the bin.
        mean_predicted: the mean predicted probability of finding work (``None`` for an empty bin).
        observed_rate: the share that did find work (``None`` for an empty bin).
        min_predicted: the lowest predicted probability in the bin (``None`` for an empty bin).
        max_predicted: the highest predicted probability in the bin (``None`` for an empty bin).
    """

    label: str
    n: int
    mean_predicted: float | None
    observed_rate: float | None
    min_predicted: float | None
    max_predicted: float | None


@attrs.frozen(kw_only=True)
class Calibration:
    """The logistic recalibration ``logit P(y = 1) = intercept + slope · logit(p)``.

    Attributes:
        intercept: the calibration intercept (ideal 0).
        slope: the calibration slope (ideal 1; below 1: predictions too extreme, above 1: too timid).
        in_the_large: the intercept when the slope is fixed at 1 (ideal 0; positive: the model
            underestimates the chance of work on average).
    """

    intercept: float
    slope: float
    in_the_large: float


@attrs.frozen(kw_only=True)
class GroupMetrics:
    """Routing errors and calibration in one group (or in all data, with group ``"all"``).

    See the routing convention in :mod:`werkmap.profiler.evaluate`: a positive prediction is ``p ≤ threshold``
    (a conversation), an actual positive is ``y = 0`` (no work within a year).

    Attributes:
        group: the group's value in the group column (``"all"`` for everybody).
        n: the number of people in the group.
        observed_rate: the share that found work.
        mean_predicted: the mean predicted probability of finding work.
        positive_rate: the share routed to a conversation (``p ≤ threshold``).
        false_negative_rate: among those who did not find work, the share left to the digital service
            (``None`` if everybody in the group found work).
        false_positive_rate: among those who found work, the share invited to a conversation
            (``None`` if nobody in the group found work).
        auc: the AUC within the group (``None`` if the group has one outcome only).
        brier: the Brier score within the group.
        calibration: the recalibration within the group (``None`` if it cannot be estimated: one outcome only,
            or all predictions equal, or separated).
    """

    group: str
    n: int
    observed_rate: float
    mean_predicted: float
    positive_rate: float
    false_negative_rate: float | None
    false_positive_rate: float | None
    auc: float | None
    brier: float
    calibration: Calibration | None


@attrs.frozen(kw_only=True)
class EvaluationReport:
    """How well a model's predictions match observed outcomes; see :func:`evaluate`.

    Attributes:
        n: the number of people evaluated.
        n_positive: the number who found work (``y = 1``).
        auc: the area under the ROC curve (``None`` if only one outcome occurs).
        brier: the Brier score.
        calibration: the logistic recalibration (``None`` if it cannot be estimated).
        deciles: observed against predicted in ten equal-count groups of increasing ``p``.
        bands: observed against predicted per band.
        threshold: the routing threshold used for the error rates.
        overall: the routing errors for everybody (group ``"all"``).
        group_column: the name of the group column (``""`` without groups).
        groups: the routing errors and calibration per group, sorted by group value.
        model_id: the id of the model evaluated, if given.
        model_version: the version of the model evaluated, if given.
        data_description: a free description of the evaluation data (source, period), if given.
    """

    n: int
    n_positive: int
    auc: float | None
    brier: float
    calibration: Calibration | None
    deciles: tuple[BinSummary, ...]
    bands: tuple[BinSummary, ...]
    threshold: float = 0.5
    overall: GroupMetrics
    group_column: str = ""
    groups: tuple[GroupMetrics, ...] = ()
    model_id: str = ""
    model_version: str = ""
    data_description: str = ""

    @property
    def prevalence(self) -> float:
        """The share of people who found work."""
        return self.n_positive / self.n

    def group_rows(self) -> tuple[GroupMetrics, ...]:
        """Return the overall metrics followed by those of every group."""
        return (self.overall, *self.groups)

    def to_frame(self) -> pd.DataFrame:
        """Return the metrics as a DataFrame, one row for everybody (``"all"``) and one per group (needs pandas).

        Columns: ``n``, ``observed_rate``, ``mean_predicted``, ``positive_rate``, ``false_negative_rate``,
        ``false_positive_rate``, ``auc``, ``brier``, ``calibration_intercept``, ``calibration_slope``.
        """
        import pandas as pd  # lazy: pandas is an optional extra

        records = [
            {
                "n": g.n,
                "observed_rate": g.observed_rate,
                "mean_predicted": g.mean_predicted,
                "positive_rate": g.positive_rate,
                "false_negative_rate": g.false_negative_rate,
                "false_positive_rate": g.false_positive_rate,
                "auc": g.auc,
                "brier": g.brier,
                "calibration_intercept": g.calibration.intercept if g.calibration else None,
                "calibration_slope": g.calibration.slope if g.calibration else None,
            }
            for g in self.group_rows()
        ]
        index = pd.Index([g.group for g in self.group_rows()], name=self.group_column or "group")
        return pd.DataFrame(records, index=index)

    def __repr__(self) -> str:
        auc = f"{self.auc:.4f}" if self.auc is not None else "-"
        model = f" model {self.model_id} {self.model_version}".rstrip() if self.model_id else ""
        groups = f", {len(self.groups)} groups by {self.group_column}" if self.groups else ""
        return (
            f"<EvaluationReport{model}: n={self.n}, AUC={auc}, Brier={self.brier:.4f}, "
            f"threshold={self.threshold:g}{groups}>"
        )

    def _repr_html_(self) -> str:
        def num(v: float | None) -> str:
            return "-" if v is None else f"{v:.4f}"

        return Table(
            header=("group", "n", "AUC", "Brier", "FNR", "FPR"),
            rows=[
                (
                    g.group,
                    str(g.n),
                    num(g.auc),
                    num(g.brier),
                    num(g.false_negative_rate),
                    num(g.false_positive_rate),
                )
                for g in self.group_rows()
            ],
            align="lrrrrr",
            title=repr(self),
            limit=REPR_ROWS,
            row_headers=True,
        ).to_html()


register_schema("werkmap.evaluation_report", EvaluationReport, 1)


def _as_arrays(y: npt.ArrayLike, p: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    problems: list[Problem] = []
    if ya.ndim != 1:
        problems.append(Problem(path="$.y", message=f"expected a 1-D array, got shape {ya.shape}"))
    if pa.ndim != 1:
        problems.append(Problem(path="$.p", message=f"expected a 1-D array, got shape {pa.shape}"))
    if not problems and ya.shape != pa.shape:
        problems.append(
            Problem(
                path="$.p",
                message=f"expected {ya.shape[0]} predictions (one per outcome), got {pa.shape[0]}",
            )
        )
    if not problems:
        if ya.size == 0:
            problems.append(Problem(path="$.y", message="no outcomes to evaluate"))
        bad_y = np.flatnonzero((ya != 0.0) & (ya != 1.0))
        if bad_y.size:
            problems.append(
                Problem(
                    path="$.y",
                    message=f"outcomes must be 0 or 1; {bad_y.size} other value(s), first at row(s) "
                    f"{bad_y[:5].tolist()}",
                )
            )
        bad_p = np.flatnonzero(~((pa >= 0.0) & (pa <= 1.0)))
        if bad_p.size:
            problems.append(
                Problem(
                    path="$.p",
                    message=f"probabilities must be in [0, 1]; {bad_p.size} other value(s), first at "
                    f"row(s) {bad_p[:5].tolist()}",
                )
            )
    if problems:
        raise InvalidInput(problems, source="evaluate")
    return ya, pa


def auc(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Return the area under the ROC curve of scores ``p`` for outcomes ``y`` (0/1).

    The AUC is the Mann–Whitney statistic ``U / (n₁ · n₀)``: the probability that a random person with
    ``y = 1`` has a higher score than a random person with ``y = 0``, ties counting one half (average ranks).
    It is computed by sorting the scores of each outcome and counting, for every score with ``y = 1``, the
    scores with ``y = 0`` below it and equal to it (binary search), in exact integer arithmetic.

    Args:
        y: observed outcomes, 0 or 1.
        p: scores (any real numbers where higher means more likely ``y = 1``; probabilities usually).

    Returns:
        The AUC, between 0 and 1.

    Raises:
        InvalidInput: shapes differ or outcomes are not 0/1.
        ValueError: only one outcome occurs, so the AUC is undefined.

    Examples:
        >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    ya = np.asarray(y)
    pa = np.asarray(p, dtype=np.float64)
    if ya.dtype != np.bool_:
        ya = np.asarray(y, dtype=np.float64)
        if ya.shape == pa.shape and ya.ndim == 1 and ((ya != 0.0) & (ya != 1.0)).any():
            _as_arrays(ya, np.zeros_like(ya))  # raises with the list of bad rows
        ya = ya == 1.0
    if ya.shape != pa.shape or ya.ndim != 1:
        raise InvalidInput(
            [Problem(path="$.p", message=f"expected shape {ya.shape} like y, got {pa.shape}")],
            source="auc",
        )
    if np.isnan(pa).any():
        raise InvalidInput([Problem(path="$.p", message="scores contain NaN")], source="auc")
    pos = np.sort(pa[ya])
    neg = np.sort(pa[~ya])
    if pos.size == 0 or neg.size == 0:
        raise ValueError("the AUC is undefined when only one outcome occurs")
    below = np.searchsorted(neg, pos, side="left").sum(dtype=np.int64)
    below_or_tied = np.searchsorted(neg, pos, side="right").sum(dtype=np.int64)
    # U = Σ (#neg below + ½ #neg tied) = (below + below_or_tied) / 2, exactly.
    return float((int(below) + int(below_or_tied)) / (2 * pos.size * neg.size))


def brier_score(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Return the Brier score ``mean((p - y)²)`` (0 is perfect; always predicting 0.5 gives 0.25).

    Examples:
        >>> brier_score([0, 1], [0.25, 0.5])
        0.15625
    """
    ya, pa = _as_arrays(y, p)
    d = pa - ya
    return float(d @ d / d.size)


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, _EPS, 1.0 - _EPS)
    out: FloatArray = np.log(q) - np.log1p(-q)
    return out


def _newton_logistic(
    x: FloatArray, y: FloatArray, offset: FloatArray, max_iter: int = 50
) -> FloatArray | None:
    """Small unpenalised logistic fit of ``y`` on ``x`` (columns incl. a constant) with an offset.

    Returns ``None`` when it does not converge (separated, or a singular design).
    """
    ybar = float(y.mean())
    beta = np.zeros(x.shape[1])
    beta[0] = math.log(ybar / (1.0 - ybar)) - float(offset.mean())
    for _ in range(max_iter):
        eta = offset + x @ beta
        with np.errstate(over="ignore"):
            mu = 1.0 / (1.0 + np.exp(-eta))
        w = mu * (1.0 - mu)
        info = (x * w[:, None]).T @ x
        grad = x.T @ (y - mu)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return None
        if not np.isfinite(step).all():
            return None
        beta = beta + step
        if np.abs(step).max() <= 1e-10 * (1.0 + np.abs(beta).max()):
            return beta
    return None


def calibration(y: npt.ArrayLike, p: npt.ArrayLike) -> Calibration:
    """Return the calibration intercept and slope of predictions ``p`` against outcomes ``y``.

    Fits ``logit P(y = 1) = a + b · logit(p)`` by maximum likelihood (slope and intercept), and
    ``logit P(y = 1) = a₀ + logit(p)`` (calibration-in-the-large, slope fixed at 1). Probabilities of exactly
    0 or 1 are clipped to ``1e-12`` from the edge before taking logits.

    Raises:
        InvalidInput: shapes differ, outcomes are not 0/1 or probabilities are outside [0, 1].
        FitError: the recalibration cannot be estimated (one outcome only, all predictions equal, or the
            outcomes are separated by the predictions).

    Examples:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> p = rng.uniform(0.05, 0.95, 20_000)
        >>> y = (rng.uniform(size=p.size) < p).astype(float)
        >>> c = calibration(y, p)
        >>> abs(c.slope - 1) < 0.1 and abs(c.intercept) < 0.1
        True
    """
    ya, pa = _as_arrays(y, p)
    if ya.min() == ya.max():
        raise FitError("calibration needs both outcomes (0 and 1)")
    lp = _logit(pa)
    if lp.min() == lp.max():
        raise FitError("calibration slope is undefined when every prediction is the same")
    ones = np.ones((ya.size, 1))
    both = _newton_logistic(np.column_stack([ones, lp]), ya, np.zeros_like(ya))
    large = _newton_logistic(ones, ya, lp)
    if both is None or large is None:
        raise FitError("the recalibration did not converge: the predictions separate the outcomes")
    return Calibration(intercept=float(both[0]), slope=float(both[1]), in_the_large=float(large[0]))


def band_labels(cut_points: Sequence[float] = DEFAULT_CUT_POINTS) -> tuple[str, ...]:
    """Return the band labels for ``cut_points`` in percent (``(0.25, 0.5, 0.75)`` → the four bands).

    Examples:
        >>> band_labels((0.3, 0.6))
        ('0-30', '30-60', '60-100')
    """
    edges = [0.0, *cut_points, 1.0]
    return tuple(f"{_pct(a)}-{_pct(b)}" for a, b in itertools.pairwise(edges))


def _pct(x: float) -> str:
    v = round(x * 100.0, 6)
    return str(int(v)) if v == int(v) else f"{v:g}"


def _bin(label: str, y: FloatArray, p: FloatArray) -> BinSummary:
    if y.size == 0:
        return BinSummary(
            label=label,
            n=0,
            mean_predicted=None,
            observed_rate=None,
            min_predicted=None,
            max_predicted=None,
        )
    return BinSummary(
        label=label,
        n=int(y.size),
        mean_predicted=float(p.mean()),
        observed_rate=float(y.mean()),
        min_predicted=float(p.min()),
        max_predicted=float(p.max()),
    )


def _deciles(y: FloatArray, p: FloatArray) -> tuple[BinSummary, ...]:
    order = np.argsort(p, kind="stable")
    return tuple(
        _bin(str(i + 1), y[idx], p[idx])
        for i, idx in enumerate(np.array_split(order, min(10, order.size)))
    )


def _bands(y: FloatArray, p: FloatArray, cut_points: Sequence[float]) -> tuple[BinSummary, ...]:
    # Half-open (a, b]: searchsorted 'left' puts a value equal to a cut point in the lower band.
    index = np.searchsorted(np.asarray(cut_points, dtype=np.float64), p, side="left")
    return tuple(
        _bin(label, y[index == i], p[index == i]) for i, label in enumerate(band_labels(cut_points))
    )


def _group_metrics(group: str, y: FloatArray, p: FloatArray, threshold: float) -> GroupMetrics:
    flagged = invites(p, threshold)  # positive prediction: routed to a conversation
    no_work = y == 0.0  # actual positive: did not find work
    n_no_work = int(no_work.sum())
    n_work = y.size - n_no_work
    fnr = float((~flagged & no_work).sum() / n_no_work) if n_no_work else None
    fpr = float((flagged & ~no_work).sum() / n_work) if n_work else None
    both = 0 < n_work < y.size
    try:
        cal: Calibration | None = calibration(y, p)
    except FitError:
        cal = None
    d = p - y
    return GroupMetrics(
        group=group,
        n=int(y.size),
        observed_rate=float(y.mean()),
        mean_predicted=float(p.mean()),
        positive_rate=float(flagged.mean()),
        false_negative_rate=fnr,
        false_positive_rate=fpr,
        auc=auc(y, p) if both else None,
        brier=float(d @ d / d.size),
        calibration=cal,
    )


def evaluate(
    y: npt.ArrayLike,
    p: npt.ArrayLike,
    *,
    groups: Sequence[object] | npt.ArrayLike | None = None,
    group_column: str = "group",
    threshold: float = 0.5,
    cut_points: Sequence[float] = DEFAULT_CUT_POINTS,
    model_id: str = "",
    model_version: str = "",
    data_description: str = "",
) -> EvaluationReport:
    """Evaluate predicted probabilities of finding work against observed outcomes.

    Args:
        y: observed outcomes, 1 = found work within a year, 0 = did not.
        p: the model's predicted probabilities of finding work, in [0, 1].
        groups: optionally a group value per person (e.g. age class, sex, region); values are compared as
            strings. Per-group metrics are added for each distinct value.
        group_column: the name of the group column, for the report.
        threshold: the routing threshold: ``p ≤ threshold`` is routed to a conversation.
        cut_points: the band cut points (bands are half-open ``(a, b]``).
        model_id: the id of the model evaluated, recorded in the report.
        model_version: the version of the model evaluated, recorded in the report.
        data_description: a free description of the evaluation data, recorded in the report.

    Returns:
        The :class:`EvaluationReport`.

    Raises:
        InvalidInput: shapes differ, outcomes not 0/1, probabilities outside [0, 1], or a bad group column,
            threshold or cut points (every problem listed).

    Examples:
        >>> report = evaluate([0, 1, 0, 1], [0.2, 0.7, 0.5, 0.4], groups=["a", "a", "b", "b"])
        >>> report.auc, [b.n for b in report.bands]
        (0.75, [1, 2, 1, 0])
        >>> {g.group: g.false_positive_rate for g in report.groups}
        {'a': 0.0, 'b': 1.0}
    """
    ya, pa = _as_arrays(y, p)
    problems: list[Problem] = []
    if not 0.0 <= threshold <= 1.0:
        problems.append(
            Problem(path="$.threshold", message=f"expected a probability, got {threshold}")
        )
    cuts = list(cut_points)
    if any(not 0.0 < c < 1.0 for c in cuts) or any(a >= b for a, b in itertools.pairwise(cuts)):
        problems.append(
            Problem(
                path="$.cut_points",
                message=f"expected increasing numbers strictly between 0 and 1, got {cuts}",
            )
        )
    labels: npt.NDArray[np.str_] | None = None
    if groups is not None:
        labels = np.asarray(groups).astype(str)
        if labels.shape != ya.shape:
            problems.append(
                Problem(
                    path=f"$.groups ({group_column})",
                    message=f"expected {ya.size} group values (one per outcome), got shape {labels.shape}",
                )
            )
    if problems:
        raise InvalidInput(problems, source="evaluate")
    overall = _group_metrics("all", ya, pa, threshold)
    per_group: tuple[GroupMetrics, ...] = ()
    if labels is not None:
        values, inverse = np.unique(labels, return_inverse=True)
        per_group = tuple(
            _group_metrics(str(v), ya[inverse == i], pa[inverse == i], threshold)
            for i, v in enumerate(values)
        )
    return EvaluationReport(
        n=int(ya.size),
        n_positive=int(ya.sum()),
        auc=overall.auc,
        brier=overall.brier,
        calibration=overall.calibration,
        deciles=_deciles(ya, pa),
        bands=_bands(ya, pa, cuts),
        threshold=threshold,
        overall=overall,
        group_column=group_column if labels is not None else "",
        groups=per_group,
        model_id=model_id,
        model_version=model_version,
        data_description=data_description,
    )
