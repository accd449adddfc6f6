"""A small, deterministic generator of synthetic Work Profiler answers (for demos, tests and benchmarks).

The people it makes up are **not** real and not a sample of any real population: they are drawn from a
seeded :class:`numpy.random.Generator` with a few latent traits so that answers hang together plausibly
(older people report somewhat poorer health; a person with a high "agency" trait tends to agree with
the self-efficacy, intention and expectation items). The same seed gives the same cohort on every
machine.

A cohort is held column-wise (:class:`SyntheticCohort`), so a population of 337,700 encodes to a design
matrix without building one dictionary per person; :meth:`SyntheticCohort.answers` gives the per-person
mappings when they are wanted. The generator targets the packaged questionnaire
(:func:`~werkmap.profiler.questionnaire.default_questionnaire`).

>>> cohort = synthetic_cohort(3, seed=7)
>>> len(cohort), sorted(cohort.answers()[0])[:3]
(3, ['q01', 'q02', 'q03'])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.profiler.model import Encoder, FeatureEncoding

__all__ = [
    "EDUCATION_LEVELS",
    "SyntheticCohort",
    "encode_columns",
    "simulate_outcomes",
    "synthetic_answers",
    "synthetic_cohort",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]

EDUCATION_LEVELS = ("basis", "vmbo", "mbo", "havo_vwo", "hbo", "wo")
"""The education codes of item ``q02``, lowest first."""

_EDUCATION_SHARES = (0.05, 0.17, 0.35, 0.08, 0.23, 0.12)
_LIKERT = ("q06", "q07", "q09", "q10", "q11", "q12", "q13", "q17", "q18", "q19")


@attrs.frozen(kw_only=True, eq=False)
class SyntheticCohort:
    """Synthetic answers held column-wise: one array per item, one entry per person.

    Choice items are arrays of option codes (``""`` where the item was not answered), integer items
    integer arrays, boolean items boolean arrays.

    Attributes:
        columns: ``link_id -> array`` of answers.
        seed: the seed the cohort was drawn with.
    """

    columns: Mapping[str, npt.NDArray[np.generic]]
    seed: int

    def __len__(self) -> int:
        return int(next(iter(self.columns.values())).shape[0])

    def iter_answers(self) -> Iterator[dict[str, object]]:
        """Yield one answer mapping per person (unanswered items left out)."""
        names = list(self.columns)
        lists = [self.columns[n].tolist() for n in names]
        for values in zip(*lists, strict=True):
            yield {n: v for n, v in zip(names, values, strict=True) if v != ""}

    def answers(self) -> list[dict[str, object]]:
        """Return one answer mapping per person (unanswered items left out)."""
        return list(self.iter_answers())

    def answers_of(self, index: int) -> dict[str, object]:
        """Return one person's answer mapping (as :meth:`iter_answers` yields it), built when it is asked for."""
        row = ((n, column[index]) for n, column in self.columns.items())
        return {n: v.item() if isinstance(v, np.generic) else v for n, v in row if v != ""}

    def design(self, encoding: tuple[FeatureEncoding, ...]) -> FloatArray:
        """Return the design matrix of the cohort under ``encoding`` (vectorised)."""
        return encode_columns(self.columns, encoding)


def synthetic_cohort(n: int, *, seed: int = 0) -> SyntheticCohort:
    """Draw ``n`` synthetic people's answers to the packaged questionnaire, reproducibly from ``seed``."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    rng = np.random.default_rng(seed)
    age = np.clip(np.rint(rng.normal(44.0, 12.0, n)), 18, 66).astype(np.int64)
    education = np.asarray(EDUCATION_LEVELS)[rng.choice(6, size=n, p=_EDUCATION_SHARES)]
    years_max = np.maximum(age - 17, 0)
    work_years = np.minimum(
        np.rint(years_max * rng.beta(5.0, 1.6, n)).astype(np.int64), np.int64(55)
    )
    tenure = np.clip(np.rint(rng.normal(0.9 + work_years / 14.0, 0.9, n)), 1, 4).astype(np.int64)
    health = rng.normal(0.0, 1.0, n) - 0.025 * (age - 44)
    agency = 0.35 * health + rng.normal(0.0, 0.94, n)

    def likert(latent: FloatArray, loading: float, shift: float = 0.0) -> npt.NDArray[np.str_]:
        raw = 3.3 + shift + loading * latent + rng.normal(0.0, 0.8, n)
        return np.clip(np.rint(raw), 1, 5).astype(np.int64).astype(str)

    columns: dict[str, npt.NDArray[np.generic]] = {
        "q01": age,
        "q02": education,
        "q03": work_years,
        "q04": tenure.astype(str),
        "q05": likert(agency - 0.02 * (age - 44), 0.8),
        "q06": likert(agency, 0.8),
        "q07": likert(agency, 0.7, 0.4),
        "q08": np.clip(rng.poisson(np.exp(1.5 + 0.3 * agency)), 0, 50).astype(np.int64),
        "q09": likert(agency, 0.6, 0.2),
        "q10": likert(agency, 0.5, -0.3),
        "q11": likert(agency, 0.3, 0.5),
        "q12": likert(agency, 0.7),
        "q13": likert(agency, 0.7),
        "q14": likert(health, 0.9, 0.2),
    }
    limited = rng.random(n) < 1.0 / (1.0 + np.exp(1.6 + 1.1 * health))
    severity = np.clip(np.rint(2.0 - 0.6 * health + rng.normal(0, 0.6, n)), 1, 3).astype(np.int64)
    columns["q15"] = limited
    columns["q16"] = np.where(limited, severity.astype(str), "")
    columns["q17"] = likert(agency, 0.5, 0.3)
    columns["q18"] = likert(-agency, 0.4, -0.2)
    columns["q19"] = likert(agency, 0.5, 0.8)
    assert set(_LIKERT) <= set(columns)
    return SyntheticCohort(columns=columns, seed=seed)


def synthetic_answers(n: int, *, seed: int = 0) -> list[dict[str, object]]:
    """Return ``n`` synthetic people's answer mappings (see :func:`synthetic_cohort`)."""
    return synthetic_cohort(n, seed=seed).answers()


def encode_columns(
    columns: Mapping[str, npt.NDArray[np.generic]], encoding: tuple[FeatureEncoding, ...]
) -> FloatArray:
    """Encode column-wise answers to a design matrix, vectorised; equal to :class:`Encoder` row by row.

    Choice columns hold option codes with ``""`` for unanswered; numeric columns hold numbers (or
    booleans), with ``NaN`` for unanswered in float columns.

    Raises:
        KeyError: an encoded item has no column, or a column holds a code the encoding does not know.
    """
    names = Encoder(encoding).feature_names
    n = int(next(iter(columns.values())).shape[0]) if columns else 0
    out = np.zeros((n, len(names)), dtype=np.float64)
    k = 0
    for enc in encoding:
        col = columns[enc.link_id]
        if enc.kind == "one_hot":
            known = np.isin(col, [*enc.levels, ""])
            if not known.all():
                raise KeyError(f"{enc.link_id}: unknown code {col[~known][0]!r}")
            for c in enc.levels:
                if c != enc.reference:
                    out[:, k] = col == c
                    k += 1
            continue
        if enc.kind == "ordinal":
            scores = np.asarray(enc.level_scores(), dtype=np.float64)
            levels = np.asarray(enc.levels)
            order = np.argsort(levels)
            pos = np.searchsorted(levels[order], col)
            pos_clipped = np.minimum(pos, len(levels) - 1)
            found = levels[order][pos_clipped] == col
            answered = col != ""
            if (answered & ~found).any():
                raise KeyError(f"{enc.link_id}: unknown code {col[answered & ~found][0]!r}")
            values = np.where(
                found, (scores[order][pos_clipped] - enc.center) / enc.scale, enc.missing
            )
        else:
            raw = col.astype(np.float64)
            missing = np.isnan(raw)
            values = np.where(missing, enc.missing, (raw - enc.center) / enc.scale)
        out[:, k] = values
        k += 1
    return out


def simulate_outcomes(probabilities: FloatArray, *, seed: int = 0) -> npt.NDArray[np.int8]:
    """Draw 0/1 outcomes (work resumed within a year) with the given probabilities, from ``seed``."""
    rng = np.random.default_rng(seed)
    return (rng.random(probabilities.shape[0]) < probabilities).astype(np.int8)
