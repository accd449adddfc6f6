"""Drift: the population stability index (PSI) of scores and answers against the calibration sample.

The PSI compares the distribution of a variable in a month's inflow (``a``, shares per bin) with its
distribution in a reference sample (``e``)::

    PSI = Σ (aᵢ - eᵢ) · ln(aᵢ / eᵢ)

Below 0.10 a distribution counts as stable, from 0.10 as shifted, from 0.25 as changed (the dated
thresholds ``psi_warning`` and ``psi_alert`` of :mod:`werkmap.monitoring.parameters`). An empty bin gets a
share of :data:`EMPTY_SHARE` so the logarithm stays finite.

**Bins.** The score (the predicted chance of work) is binned in the reference's deciles, so every bin
holds a tenth of the reference. A choice item's bins are its option codes, a yes/no item's are yes and no,
an integer item's are the reference's deciles of the item (merged where values tie); an unanswered item
is a bin of its own.

**The reference** is the sample the model was calibrated on. werkmap's packaged illustrative model was
calibrated on the synthetic cohort :func:`werkmap.profiler.synthetic.synthetic_cohort` with seed 2017 and
100,000 people (its provenance says so); no sample is packaged, so :func:`reference_sample` draws that
cohort again (same seed, same people) and scores it. An agency with its own model builds the reference
from its own calibration answers with :meth:`Reference.from_answers`.

**Small samples.** The PSI of two samples of one distribution is not 0: for ``k`` bins it is about
``(k - 1) · (1/n + 1/m)`` (``n`` people in the month, ``m`` in the reference). With 10 bins and 1,000
people a month that is about 0.009; below a few hundred people a month the figure is noise, which is why
every figure is reported with its sample size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.profiler.model import ScoringModel
from werkmap.profiler.questionnaire import Questionnaire

__all__ = [
    "EMPTY_SHARE",
    "REFERENCE_SEED",
    "REFERENCE_SIZE",
    "Reference",
    "answer_values",
    "psi",
    "reference_sample",
]

EMPTY_SHARE = 1e-4
"""The share given to an empty bin in the PSI (so that ``ln(a / e)`` stays finite)."""

REFERENCE_SEED = 2017
"""The seed of the synthetic cohort the packaged model was calibrated on."""

REFERENCE_SIZE = 100_000
"""The size of that cohort."""

StrArray = npt.NDArray[np.str_]
FloatArray = npt.NDArray[np.float64]

_MISSING = ""


def psi(expected: npt.ArrayLike, actual: npt.ArrayLike) -> float:
    """Return the population stability index of ``actual`` against ``expected`` (counts or shares per bin).

    Both are normalised to shares; an empty bin gets :data:`EMPTY_SHARE`.

    Raises:
        ValueError: the two have different lengths, or one of them is empty or negative.

    Examples:
        >>> psi([50, 50], [50, 50])
        0.0
        >>> round(psi([0.5, 0.5], [0.6, 0.4]), 4)
        0.0405
    """
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.shape != a.shape or e.ndim != 1 or e.size == 0:
        raise ValueError(f"expected two equal 1-D sets of bins, got {e.shape} and {a.shape}")
    if (e < 0).any() or (a < 0).any() or e.sum() <= 0 or a.sum() <= 0:
        raise ValueError("bin counts must be non-negative and not all zero")
    es = np.maximum(e / e.sum(), EMPTY_SHARE)
    as_ = np.maximum(a / a.sum(), EMPTY_SHARE)
    return float(((as_ - es) * np.log(as_ / es)).sum())


def _answer_value(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text


@attrs.frozen(kw_only=True, eq=False)
class Reference:
    """The calibration sample: its scores and answers, and the bins the monitoring report uses.

    Attributes:
        description: where the sample comes from (shown in the report).
        model_ref: the model whose scores these are (``id|version``).
        probabilities: the model's predicted chances of work in the sample.
        score_edges: the inner edges of the score bins (the sample's deciles).
        items: the item ids binned, in questionnaire order.
        item_bins: per item, the bin labels (in order).
        item_edges: per numeric item, the inner bin edges (bins ``(-inf, e₀], (e₀, e₁], …``).
        item_counts: per item, the number of people of the sample in each bin.
    """

    description: str
    model_ref: str
    probabilities: FloatArray
    score_edges: FloatArray
    items: tuple[str, ...]
    item_bins: Mapping[str, tuple[str, ...]]
    item_edges: Mapping[str, tuple[float, ...]]
    item_counts: Mapping[str, npt.NDArray[np.int64]]

    def __len__(self) -> int:
        return int(self.probabilities.shape[0])

    @property
    def score_counts(self) -> npt.NDArray[np.int64]:
        """The number of people of the sample in each score bin."""
        return self.score_bin_counts(self.probabilities)

    def score_bin_counts(self, probabilities: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Count ``probabilities`` in the score bins (half-open ``(a, b]`` like the bands)."""
        p = np.asarray(probabilities, dtype=np.float64)
        index = np.searchsorted(self.score_edges, p, side="left")
        return np.bincount(index, minlength=self.score_edges.size + 1).astype(np.int64)

    def item_bin_counts(self, item: str, values: Sequence[object]) -> npt.NDArray[np.int64]:
        """Count one item's answers (``None`` or ``""``: unanswered) in the item's bins."""
        labels = self.item_bins[item]
        index = {label: i for i, label in enumerate(labels)}
        counts = np.zeros(len(labels), dtype=np.int64)
        edges = self.item_edges.get(item)
        for value in values:
            label = _bin_label(value, edges)
            i = index.get(label)
            if i is None:  # a code the reference never saw: counted as unanswered
                i = index[_MISSING]
            counts[i] += 1
        return counts

    @classmethod
    def from_answers(
        cls,
        answers: Iterable[Mapping[str, object]],
        probabilities: npt.ArrayLike,
        *,
        questionnaire: Questionnaire,
        model_ref: str,
        description: str,
    ) -> Reference:
        """Build a reference from calibration answers and the model's scores of them.

        Args:
            answers: the calibration sample's answers by ``link_id``, one mapping per person.
            probabilities: the model's predicted chance of work for each person.
            questionnaire: the questionnaire answered.
            model_ref: the model's ``id|version``.
            description: where the sample comes from.
        """
        rows = list(answers)
        p = np.asarray(probabilities, dtype=np.float64)
        columns = {
            it.link_id: [row.get(it.link_id) for row in rows]
            for it in questionnaire.iter_items()
            if it.type in ("choice", "integer", "decimal", "boolean")
        }
        kinds = {it.link_id: it.type for it in questionnaire.iter_items()}
        return _reference(columns, kinds, p, model_ref=model_ref, description=description)


def _bin_label(value: object, edges: tuple[float, ...] | None) -> str:
    if value is None or value == "":
        return _MISSING
    if edges is None:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _MISSING
    i = int(np.searchsorted(np.asarray(edges), float(value), side="left"))
    return _edge_label(edges, i)


def _edge_label(edges: tuple[float, ...], i: int) -> str:
    if i == 0:
        return f"<={edges[0]:g}"
    if i == len(edges):
        return f">{edges[-1]:g}"
    return f"{edges[i - 1]:g}<x<={edges[i]:g}"


def _reference(
    columns: Mapping[str, Sequence[object]],
    kinds: Mapping[str, str],
    probabilities: FloatArray,
    *,
    model_ref: str,
    description: str,
) -> Reference:
    deciles = np.quantile(probabilities, np.linspace(0.1, 0.9, 9))
    bins: dict[str, tuple[str, ...]] = {}
    edges_of: dict[str, tuple[float, ...]] = {}
    counts: dict[str, npt.NDArray[np.int64]] = {}
    for item, values in columns.items():
        edges: tuple[float, ...] | None = None
        if kinds[item] in ("integer", "decimal"):
            numbers = np.array(
                [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            )
            inner: list[float] = (
                np.unique(np.quantile(numbers, np.linspace(0.1, 0.9, 9))).tolist()
                if numbers.size
                else []
            )
            edges = tuple(float(e) for e in inner) or (0.0,)
            edges_of[item] = edges
            labels = [_edge_label(edges, i) for i in range(len(edges) + 1)]
        else:
            seen = sorted({_bin_label(v, None) for v in values} - {_MISSING})
            labels = seen
        bins[item] = (*labels, _MISSING)
    reference = Reference(
        description=description,
        model_ref=model_ref,
        probabilities=probabilities,
        score_edges=np.asarray(deciles, dtype=np.float64),
        items=tuple(columns),
        item_bins=bins,
        item_edges=edges_of,
        item_counts={},
    )
    for item, values in columns.items():
        counts[item] = reference.item_bin_counts(item, values)
    return attrs.evolve(reference, item_counts=counts)


def reference_sample(
    model: ScoringModel,
    questionnaire: Questionnaire,
    *,
    n: int = REFERENCE_SIZE,
    seed: int = REFERENCE_SEED,
) -> Reference:
    """Return the synthetic calibration sample of the packaged model, scored by ``model``.

    The sample is :func:`~werkmap.profiler.synthetic.synthetic_cohort` ``(n, seed=seed)``: with the
    defaults, the 100,000 synthetic people (seed 2017) the packaged illustrative model was calibrated on.
    It is drawn again, not read from a file (none is packaged), so it is the same on every machine.
    """
    from werkmap.profiler.synthetic import synthetic_cohort

    cohort = synthetic_cohort(n, seed=seed)
    design = cohort.design(model.encoding)
    eta = model.intercept + design @ np.asarray(model.coefficients, dtype=np.float64)
    probabilities = 1.0 / (1.0 + np.exp(-eta))
    kinds = {it.link_id: it.type for it in questionnaire.iter_items()}
    columns: dict[str, list[object]] = {}
    for item, column in cohort.columns.items():
        if kinds.get(item) not in ("choice", "integer", "decimal", "boolean"):
            continue
        values = column.tolist()
        columns[item] = [None if v == "" else v for v in values]
    description = (
        f"synthetic calibration sample: werkmap.profiler.synthetic.synthetic_cohort(n={n}, "
        f"seed={seed}), scored by {model.ref}"
    )
    return _reference(columns, kinds, probabilities, model_ref=model.ref, description=description)


def answer_values(answers: Mapping[str, str]) -> dict[str, object]:
    """Return a stored profile's answers (JSON text per item) as values (codes, numbers, yes/no)."""
    return {k: _answer_value(v) for k, v in answers.items()}
