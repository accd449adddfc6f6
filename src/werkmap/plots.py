"""Plots of bands, monthly conversation counts and calibration (needs the ``plot`` extra).

Install matplotlib with ``pip install "werkmap[plot]"``. matplotlib is imported inside each function, so
``import werkmap.plots`` works without it; calling a function without it raises an :class:`ImportError`
that says what to install.

Every function draws on the Axes given as ``ax`` or, without one, on a new
:class:`matplotlib.figure.Figure` that is not attached to pyplot (so nothing is shown and any backend,
``Agg`` included, works), and returns the Axes. Save it with ``ax.figure.savefig("bands.png")``.

* :func:`plot_bands`: how many folders (or probabilities) fall in each profile band;
* :func:`plot_monthly`: conversations held per month (from :func:`werkmap.report.monthly_counts`), realised
  and, dashed, forecast;
* :func:`plot_calibration`: observed against predicted chance of work per decile (from a
  :class:`werkmap.profiler.evaluate.EvaluationReport`, or from predicted and observed arrays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.folder import WorkFolder
from werkmap.profiler.evaluate import EvaluationReport
from werkmap.profiler.model import BANDS, band_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_bands", "plot_calibration", "plot_monthly"]

_INSTALL = 'werkmap.plots needs matplotlib; install it with: pip install "werkmap[plot]"'


def _axes(ax: Axes | None) -> Axes:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(_INSTALL) from exc
    if ax is not None:
        return ax
    return Figure().add_subplot()


def _band_of(p: float) -> str:
    # The model's band rule, half-open (a, b]: 0.50 is in "25-50"; 0 is in "0-25".
    return band_of(p)


def _probability(x: object) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        return None
    p = float(x)
    return p if 0.0 <= p <= 1.0 else None


def plot_bands(data: Iterable[WorkFolder] | Iterable[float], ax: Axes | None = None) -> Axes:
    """Draw a bar per profile band with the number of folders (or probabilities) in it.

    Args:
        data: folders (each counted by the band of its latest profile; folders without one get a
            ``"none"`` bar) or probabilities ``0..1`` (bands half-open on the left: 0.50 is in ``"25-50"``).
        ax: the Axes to draw on; a new figure's when ``None``.

    Returns:
        The Axes drawn on.

    Raises:
        ImportError: matplotlib is not installed.
        InvalidInput: a probability outside ``0..1`` or not a number.
    """
    axes = _axes(ax)
    items: list[object] = list(data.ravel()) if isinstance(data, np.ndarray) else list(data)
    counts = dict.fromkeys(BANDS, 0)
    if items and all(isinstance(x, WorkFolder) for x in items):
        none = 0
        for f in items:
            assert isinstance(f, WorkFolder)
            if f.latest_profile is None:
                none += 1
            else:
                counts[f.latest_profile.band] += 1
        labels = [*BANDS, "none"]
        values = [*counts.values(), none]
    else:
        problems = []
        for i, x in enumerate(items):
            p = _probability(x)
            if p is None:
                problems.append(Problem(path=f"$[{i}]", message=f"expected 0..1, got {x!r}"))
            else:
                counts[_band_of(p)] += 1
        if problems:
            raise InvalidInput(problems, source="plot_bands")
        labels = list(BANDS)
        values = list(counts.values())
    axes.bar(labels, values, color="#4c72b0")
    axes.set_xlabel("band (chance of work within a year, %)")
    axes.set_ylabel("number")
    axes.set_title("Work Profiler bands")
    return axes


def plot_monthly(
    realised_series: Mapping[str, Sequence[tuple[dt.date, int]]],
    forecast_series: Mapping[str, Sequence[tuple[dt.date, int]]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw conversations held per month: a line per kind, the forecast dashed in the same colour.

    Args:
        realised_series: per kind, ``(month, count)`` points, as :func:`werkmap.report.monthly_counts`
            returns them.
        forecast_series: the same for the forecast, or ``None``.
        ax: the Axes to draw on; a new figure's when ``None``.

    Returns:
        The Axes drawn on (one line per series, realised first; a legend when there is a series).

    Raises:
        ImportError: matplotlib is not installed.
    """
    axes = _axes(ax)
    colours: dict[str, Any] = {}
    for kind, points in realised_series.items():
        months: Any = [d for d, _ in points]  # matplotlib plots dates; its stubs say floats
        (line,) = axes.plot(months, [n for _, n in points], marker="o", label=f"{kind} (realised)")
        colours[kind] = line.get_color()
    for kind, points in (forecast_series or {}).items():
        months = [d for d, _ in points]
        axes.plot(
            months,
            [n for _, n in points],
            linestyle="--",
            color=colours.get(kind),
            label=f"{kind} (forecast)",
        )
    axes.set_xlabel("month")
    axes.set_ylabel("conversations held")
    axes.set_title("Conversations per month")
    if realised_series or forecast_series:
        axes.legend()
    return axes


def _deciles(predicted: npt.ArrayLike, observed: npt.ArrayLike) -> tuple[list[float], list[float]]:
    p = np.asarray(predicted, dtype=np.float64).ravel()
    y = np.asarray(observed, dtype=np.float64).ravel()
    problems = []
    if p.shape != y.shape:
        problems.append(
            Problem(path="$.observed", message=f"expected {p.size} values, got {y.size}")
        )
    elif p.size == 0:
        problems.append(Problem(path="$.predicted", message="empty"))
    else:
        if not np.all((p >= 0.0) & (p <= 1.0)):
            problems.append(Problem(path="$.predicted", message="expected probabilities 0..1"))
        if not np.all((y == 0.0) | (y == 1.0)):
            problems.append(Problem(path="$.observed", message="expected outcomes 0 or 1"))
    if problems:
        raise InvalidInput(problems, source="plot_calibration")
    # Ten equal-count groups of increasing p, as werkmap.profiler.evaluate makes its deciles.
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(10, order.size))
    return [float(p[g].mean()) for g in groups], [float(y[g].mean()) for g in groups]


def plot_calibration(
    report: EvaluationReport | npt.ArrayLike,
    observed: npt.ArrayLike | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw observed against predicted chance of work per decile, with the diagonal of perfect calibration.

    Args:
        report: an :class:`~werkmap.profiler.evaluate.EvaluationReport` (its ``deciles`` are drawn; empty
            deciles are left out), or the predicted probabilities.
        observed: with predicted probabilities, the observed outcomes (1 = found work, 0 = did not); they
            are grouped in ten equal-count groups of increasing prediction, as
            :func:`werkmap.profiler.evaluate.evaluate` does. Leave out with a report.
        ax: the Axes to draw on; a new figure's when ``None``.

    Returns:
        The Axes drawn on (the diagonal first, then the deciles).

    Raises:
        ImportError: matplotlib is not installed.
        InvalidInput: arrays of different lengths, empty, or out of range; a report with ``observed``, or
            predictions without it.
    """
    if isinstance(report, EvaluationReport):
        if observed is not None:
            raise InvalidInput(
                [
                    Problem(
                        path="$.observed", message="give observed outcomes only with predictions"
                    )
                ],
                source="plot_calibration",
            )
        pairs = [
            (b.mean_predicted, b.observed_rate)
            for b in report.deciles
            if b.mean_predicted is not None and b.observed_rate is not None
        ]
        xs = [x for x, _ in pairs]
        ys = [y for _, y in pairs]
    else:
        if observed is None:
            raise InvalidInput(
                [Problem(path="$.observed", message="predictions need the observed outcomes")],
                source="plot_calibration",
            )
        xs, ys = _deciles(report, observed)
    axes = _axes(ax)
    axes.plot([0.0, 1.0], [0.0, 1.0], linestyle=":", color="grey", label="perfect calibration")
    axes.plot(xs, ys, marker="o", label="deciles")
    axes.set_xlim(0.0, 1.0)
    axes.set_ylim(0.0, 1.0)
    axes.set_xlabel("predicted chance of work")
    axes.set_ylabel("observed share that found work")
    axes.set_title("Calibration")
    axes.legend()
    return axes
