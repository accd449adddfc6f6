"""Calibration and routing errors of one month's outcomes: the figures of :mod:`werkmap.profiler.evaluate`.

The monitoring report does not compute its own AUC, calibration or error rates: it calls
:func:`werkmap.profiler.evaluate.evaluate`, the one home of those definitions (the AUC of the
Mann–Whitney statistic; the calibration intercept and slope of ``logit P(y = 1) = a + b · logit(p)`` and
calibration-in-the-large with the slope fixed at 1; the routing convention that a *positive* is a score at
most the routing threshold and an *actual positive* is a person who did not find work). This module
gathers them for one month and a few group columns, with the sample sizes.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.profiler.evaluate import GroupMetrics, evaluate

__all__ = ["GroupRates", "OutcomeMetrics", "outcome_metrics"]


@attrs.frozen(kw_only=True)
class GroupRates:
    """The routing errors in one group at the routing threshold.

    Attributes:
        column: the group column (``"all"``, ``"age_group"``, ``"education"``, ``"band"``).
        group: the group's value.
        n: the people in the group with a known outcome.
        positive_rate: the share routed to a conversation.
        false_negative_rate: of those who did not find work, the share left to the digital service.
        false_positive_rate: of those who found work, the share invited anyway.
    """

    column: str
    group: str
    n: int
    positive_rate: float
    false_negative_rate: float | None
    false_positive_rate: float | None


@attrs.frozen(kw_only=True)
class OutcomeMetrics:
    """How the predictions of one set of people compare with their outcomes.

    Attributes:
        n: the people with a known outcome.
        observed_rate: the share that found work.
        mean_predicted: the mean predicted chance of work.
        calibration_in_the_large: the calibration intercept with the slope fixed at 1 (ideal 0).
        calibration_intercept: the intercept of the recalibration line (ideal 0).
        calibration_slope: its slope (ideal 1).
        auc: the AUC.
        threshold: the routing threshold used.
        groups: the routing errors, for everybody (column ``"all"``) and per group.
    """

    n: int
    observed_rate: float | None
    mean_predicted: float | None
    calibration_in_the_large: float | None
    calibration_intercept: float | None
    calibration_slope: float | None
    auc: float | None
    threshold: float
    groups: tuple[GroupRates, ...] = ()


def _rates(column: str, g: GroupMetrics) -> GroupRates:
    return GroupRates(
        column=column,
        group=g.group,
        n=g.n,
        positive_rate=g.positive_rate,
        false_negative_rate=g.false_negative_rate,
        false_positive_rate=g.false_positive_rate,
    )


def outcome_metrics(
    y: npt.ArrayLike,
    p: npt.ArrayLike,
    *,
    threshold: float,
    groups: Mapping[str, npt.ArrayLike] | None = None,
) -> OutcomeMetrics:
    """Return calibration, AUC and routing errors of predictions ``p`` against outcomes ``y`` (1 = work).

    Args:
        y: the outcomes, 0 or 1.
        p: the predicted chances of work.
        threshold: the routing threshold (``p ≤ threshold``: a conversation).
        groups: group columns by name, a value per person each.

    Returns:
        The metrics; a figure that is undefined for the data (no people, one outcome only) is ``None``.
    """
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    if ya.size == 0:
        return OutcomeMetrics(
            n=0,
            observed_rate=None,
            mean_predicted=None,
            calibration_in_the_large=None,
            calibration_intercept=None,
            calibration_slope=None,
            auc=None,
            threshold=threshold,
        )
    report = evaluate(ya, pa, threshold=threshold)
    rows = [_rates("all", report.overall)]
    for column, values in (groups or {}).items():
        by = evaluate(ya, pa, groups=np.asarray(values), group_column=column, threshold=threshold)
        rows.extend(_rates(column, g) for g in by.groups)
    cal = report.calibration
    return OutcomeMetrics(
        n=report.n,
        observed_rate=report.overall.observed_rate,
        mean_predicted=report.overall.mean_predicted,
        calibration_in_the_large=cal.in_the_large if cal else None,
        calibration_intercept=cal.intercept if cal else None,
        calibration_slope=cal.slope if cal else None,
        auc=report.auc,
        threshold=threshold,
        groups=tuple(rows),
    )
