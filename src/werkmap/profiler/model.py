"""The scoring model: a versioned logistic model file, its item encoding and its lint.

A :class:`ScoringModel` says which questionnaire version it is calibrated for (``url|version``), how each
item's answer becomes features (:class:`FeatureEncoding`: ``numeric``, ``ordinal`` or ``one_hot`` with a
reference category), and holds the intercept, the coefficients, their standard errors and covariance, the
band cut points and provenance metadata. The probability of work resumption within a year is

```text
p = 1 / (1 + exp(-(intercept + sum(coefficient[j] * feature[j]))))
```

Parameters are ordered ``(intercept, *feature_names)`` in :attr:`ScoringModel.standard_errors` and
:attr:`ScoringModel.covariance`.

Bands are half-open on the left: with cut points ``(0.25, 0.50, 0.75)`` a probability of exactly 0.50 is in
band ``"25-50"`` (the published rule says a score of "at most 50 %" gets a conversation).

Models are built with :func:`build_model` and read with :func:`load_model` / :func:`parse_model`; both
lint the model and raise one :class:`~werkmap.errors.InvalidModel` listing every problem with codes:

| code | problem |
|---|---|
| WM-M001 | an encoded item is unknown to the questionnaire, or of a type that cannot be encoded |
| WM-M002 | encoding levels: a level that is not an option code, a duplicate level, a reference category that is not a level, ordinal values that do not match the levels, a zero scale |
| WM-M003 | feature names differ from the ones the encoding produces |
| WM-M004 | coefficients, standard errors or covariance of the wrong length, shape or not finite |
| WM-M005 | a covariance that is not symmetric, has a negative variance, or disagrees with the standard errors |
| WM-M006 | band cut points not strictly increasing inside (0, 1), or the wrong number of bands |
| WM-M007 | ``valid_until`` not after ``valid_from`` |
| WM-M008 | an empty identity (``id``, ``version``) or a malformed questionnaire reference |
| WM-M009 | the model is calibrated for another questionnaire version than the one given |
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

import attrs
import numpy as np
import numpy.typing as npt

from werkmap import serialization
from werkmap.errors import InvalidInput, InvalidModel, Problem
from werkmap.profiler.questionnaire import Item, Questionnaire
from werkmap.tables import REPR_ROWS, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BANDS",
    "CUT_POINTS",
    "DEFAULT_MODEL_FILE",
    "Encoder",
    "EncodingKind",
    "FeatureEncoding",
    "Provenance",
    "ScoringModel",
    "band_of",
    "build_model",
    "default_encoding",
    "default_model",
    "dump_model",
    "invites",
    "lint_model",
    "load_model",
    "model_from_data",
    "model_to_data",
    "parse_model",
    "save_model",
]

EncodingKind: TypeAlias = Literal["numeric", "ordinal", "one_hot"]
"""How an item's answer becomes features."""

CUT_POINTS: tuple[float, ...] = (0.25, 0.50, 0.75)
"""The default band cut points."""

BANDS: tuple[str, ...] = ("0-25", "25-50", "50-75", "75-100")
"""The default band names, one more than the cut points."""

DEFAULT_MODEL_FILE = "werkverkenner-2017-illustrative.model.json"
"""The packaged default model, in ``werkmap/profiler/data``."""

FloatArray: TypeAlias = npt.NDArray[np.float64]


@attrs.frozen(kw_only=True, cache_hash=True)
class FeatureEncoding:
    """How one item's answer becomes one or more features.

    Kinds:

    * ``numeric``: one feature ``(value - center) / scale``; booleans count as 1 and 0.
    * ``ordinal``: one feature, the score of the chosen level (``values[i]`` for ``levels[i]``, or ``i``
      when ``values`` is empty), then ``(score - center) / scale``.
    * ``one_hot``: one 0/1 feature ``link_id=code`` per level except ``reference``, which is all zeros.

    An unanswered item (optional, or disabled by skip logic) encodes as ``missing`` for ``numeric`` and
    ``ordinal`` (a value on the feature's scale, after centring) and as the reference for ``one_hot``.

    Attributes:
        link_id: the item encoded.
        kind: ``numeric``, ``ordinal`` or ``one_hot``.
        levels: the option codes, in order (``ordinal``, ``one_hot``).
        values: the ordinal scores of ``levels`` (empty: 0, 1, 2, …).
        reference: the one-hot reference category (a member of ``levels``).
        center: subtracted from numeric and ordinal values.
        scale: numeric and ordinal values are divided by it after centring.
        missing: the encoded feature value of an unanswered numeric or ordinal item.
    """

    link_id: str
    kind: EncodingKind
    levels: tuple[str, ...] = ()
    values: tuple[float, ...] = ()
    reference: str = ""
    center: float = 0.0
    scale: float = 1.0
    missing: float = 0.0

    def feature_names(self) -> tuple[str, ...]:
        """Return the names of the features this encoding produces."""
        if self.kind == "one_hot":
            return tuple(f"{self.link_id}={c}" for c in self.levels if c != self.reference)
        return (self.link_id,)

    def level_scores(self) -> tuple[float, ...]:
        """Return the ordinal score of each level (``values``, or 0, 1, 2, …)."""
        return self.values if self.values else tuple(float(i) for i in range(len(self.levels)))


@attrs.frozen(kw_only=True, cache_hash=True)
class Provenance:
    """Where a model's numbers come from, for its model card and the algorithm register.

    Attributes:
        method: how the coefficients were obtained (``"maximum likelihood"``, ``"illustrative"``).
        data: the data they were fitted on, or ``""``.
        n_observations: the number of observations fitted on, or ``None``.
        created: the date the model was made, or ``None``.
        notice: caveats people must read (e.g. that coefficients are illustrative).
        references: sources (reports, papers) the model draws on.
    """

    method: str
    data: str = ""
    n_observations: int | None = None
    created: dt.date | None = None
    notice: str = ""
    references: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, cache_hash=True)
class ScoringModel:
    """A versioned logistic scoring model for one questionnaire version.

    Attributes:
        id: the model's identifier (shared by its versions).
        version: this version's label.
        valid_from: the first day the model may be used.
        valid_until: the last day, or ``None``.
        questionnaire: the ``url|version`` of the questionnaire it is calibrated for.
        encoding: how each item becomes features, in feature order.
        feature_names: the names of the features, in order (as the encoding produces them).
        intercept: the log-odds of a person whose features are all zero.
        coefficients: the log-odds change per unit of each feature.
        standard_errors: the standard error of each parameter ``(intercept, *features)``, or ``None``.
        covariance: the covariance of the parameters ``(intercept, *features)``, or ``None``.
        feature_means: the reference point of explanations (contributions are ``coef * (x - mean)``);
            usually the features' means in the calibration population. Empty means all zeros.
        cut_points: the band boundaries, strictly increasing in (0, 1).
        bands: the band names, one more than the cut points.
        provenance: where the numbers come from.
        description: what the model is, shown to people.
    """

    id: str
    version: str
    valid_from: dt.date
    questionnaire: str
    encoding: tuple[FeatureEncoding, ...]
    feature_names: tuple[str, ...]
    intercept: float
    coefficients: tuple[float, ...]
    provenance: Provenance
    valid_until: dt.date | None = None
    standard_errors: tuple[float, ...] | None = None
    covariance: tuple[tuple[float, ...], ...] | None = None
    feature_means: tuple[float, ...] = ()
    cut_points: tuple[float, ...] = CUT_POINTS
    bands: tuple[str, ...] = BANDS
    description: str = ""

    @property
    def ref(self) -> str:
        """The model's reference ``id|version``."""
        return f"{self.id}|{self.version}"

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The names of the parameters ``("(intercept)", *feature_names)``."""
        return ("(intercept)", *self.feature_names)

    def band(self, probability: float) -> str:
        """Return the band of ``probability`` (half-open on the left: 0.50 is in ``"25-50"``)."""
        return band_of(probability, self.cut_points, self.bands)

    def __repr__(self) -> str:
        return (
            f"<ScoringModel {self.ref} for {self.questionnaire}: {len(self.feature_names)} features, "
            f"valid from {self.valid_from}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the coefficients as a DataFrame indexed by parameter name, intercept first (needs pandas).

        Columns: ``coefficient`` and, when the model has them, ``standard_error``.
        """
        import pandas as pd  # lazy: pandas is an optional extra

        data: dict[str, Any] = {"coefficient": [self.intercept, *self.coefficients]}
        if self.standard_errors is not None:
            data["standard_error"] = list(self.standard_errors)
        return pd.DataFrame(data, index=pd.Index(self.parameter_names, name="parameter"))

    def _repr_html_(self) -> str:
        names = self.parameter_names
        values = (self.intercept, *self.coefficients)
        ses = self.standard_errors
        rows = [
            (name, f"{values[i]:+.4f}", f"{ses[i]:.4f}" if ses is not None else "-")
            for i, name in enumerate(names)
        ]
        return Table(
            header=("parameter", "coefficient", "std. error"),
            rows=rows,
            align="lrr",
            title=repr(self),
            limit=REPR_ROWS,
            row_headers=True,
        ).to_html()

    def is_valid_on(self, day: dt.date) -> bool:
        """Return whether ``day`` lies in the model's validity period."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


serialization.register_schema("werkmap.scoring_model", ScoringModel, 1)


def band_of(
    probability: float, cut_points: Sequence[float] = CUT_POINTS, bands: Sequence[str] = BANDS
) -> str:
    """Return the band of ``probability``: bands are ``(a, b]``, so a cut point belongs to the band below.

    >>> band_of(0.5), band_of(0.5000001), band_of(0.25), band_of(0.0), band_of(1.0)
    ('25-50', '50-75', '0-25', '0-25', '75-100')
    """
    i = 0
    for c in cut_points:
        if probability > c:
            i += 1
        else:
            break
    return bands[i]


# ------------------------------------------------------------------------------------------ encoder


_Encode = Callable[[object, list[float]], None]


class Encoder:
    """Turns answers into feature vectors, following a model's encoding.

    An encoder is built from an encoding (usually :attr:`ScoringModel.encoding`); answers must already be
    validated (see :func:`~werkmap.profiler.questionnaire.validate_answers`): an answer that the encoding
    does not know raises :class:`KeyError` or :class:`TypeError`.

    Attributes:
        encoding: the per-item encodings, in feature order.
        feature_names: the feature names, in order.
        item_of_feature: the ``link_id`` each feature comes from.
        slices: for each encoded item, the indices of its features.
    """

    __slots__ = ("_steps", "encoding", "feature_names", "item_of_feature", "slices")

    def __init__(self, encoding: Sequence[FeatureEncoding]) -> None:
        self.encoding = tuple(encoding)
        names: list[str] = []
        items: list[str] = []
        slices: dict[str, tuple[int, ...]] = {}
        steps: list[tuple[str, _Encode, int, float]] = []
        for enc in self.encoding:
            start = len(names)
            fnames = enc.feature_names()
            names.extend(fnames)
            items.extend([enc.link_id] * len(fnames))
            slices[enc.link_id] = tuple(range(start, len(names)))
            steps.append(_make_step(enc, start))
        self.feature_names = tuple(names)
        self.item_of_feature = tuple(items)
        self.slices = slices
        self._steps = tuple(steps)

    @property
    def n_features(self) -> int:
        """The number of features."""
        return len(self.feature_names)

    def encode_list(self, answers: Mapping[str, object]) -> list[float]:
        """Return the feature vector of one person's answers as a Python list (the fast one-person path)."""
        row = [0.0] * len(self.feature_names)
        for link_id, step, index, missing in self._steps:
            value = answers.get(link_id)
            if value is None:
                if index >= 0:
                    row[index] = missing
            else:
                step(value, row)
        return row

    def encode(self, answers: Mapping[str, object]) -> FloatArray:
        """Return the feature vector of one person's answers (1-D float array)."""
        return np.array(self.encode_list(answers), dtype=np.float64)

    def encode_many(self, population: Iterable[Mapping[str, object]]) -> FloatArray:
        """Return the design matrix (one row per person) of many people's answers."""
        rows = [self.encode_list(a) for a in population]
        if not rows:
            return np.zeros((0, self.n_features), dtype=np.float64)
        return np.array(rows, dtype=np.float64)


def _make_step(enc: FeatureEncoding, start: int) -> tuple[str, _Encode, int, float]:
    """Compile one encoding into ``(link_id, step(value, row), missing_index, missing_value)``."""
    if enc.kind == "one_hot":
        index = {}
        k = start
        for c in enc.levels:
            if c != enc.reference:
                index[c] = k
                k += 1
        ref = enc.reference

        def one_hot(value: object, row: list[float]) -> None:
            if value == ref:
                return
            row[index[value]] = 1.0  # type: ignore[index]

        # missing: all zeros (the reference), nothing to write
        return enc.link_id, one_hot, -1, 0.0

    center, scale = enc.center, enc.scale
    if enc.kind == "ordinal":
        scores = {
            c: (s - center) / scale for c, s in zip(enc.levels, enc.level_scores(), strict=True)
        }

        def ordinal(value: object, row: list[float]) -> None:
            row[start] = scores[value]  # type: ignore[index]

        return enc.link_id, ordinal, start, enc.missing

    def numeric(value: object, row: list[float]) -> None:
        if isinstance(value, bool):
            row[start] = (float(value) - center) / scale
        elif isinstance(value, int | float):
            row[start] = (value - center) / scale
        else:
            raise TypeError(f"{enc.link_id}: cannot encode {value!r} as a number")

    return enc.link_id, numeric, start, enc.missing


def default_encoding(questionnaire: Questionnaire) -> tuple[FeatureEncoding, ...]:
    """Return a sensible encoding of every encodable item of ``questionnaire``.

    Choice items whose options all carry an ordinal weight become ``ordinal`` (with those weights);
    other choice items become ``one_hot`` with the first option as reference; integer, decimal and
    boolean items become ``numeric``. Date and string items are not encoded.
    """
    out = []
    for it in questionnaire.answerable_items():
        if it.type == "choice":
            codes = it.option_codes()
            ordinals = [o.ordinal for o in it.options]
            if all(v is not None for v in ordinals):
                out.append(
                    FeatureEncoding(
                        link_id=it.link_id,
                        kind="ordinal",
                        levels=codes,
                        values=tuple(float(v) for v in ordinals if v is not None),
                    )
                )
            else:
                out.append(
                    FeatureEncoding(
                        link_id=it.link_id, kind="one_hot", levels=codes, reference=codes[0]
                    )
                )
        elif it.type in ("integer", "decimal", "boolean"):
            out.append(FeatureEncoding(link_id=it.link_id, kind="numeric"))
    return tuple(out)


# --------------------------------------------------------------------------------------------- lint


def lint_model(model: ScoringModel, questionnaire: Questionnaire | None = None) -> list[Problem]:
    """Return every problem of ``model``; with ``questionnaire``, also check the encoding against it."""
    m = model
    problems: list[Problem] = []
    if not m.id.strip():
        problems.append(Problem(path="$.id", message="empty", code="WM-M008"))
    if not m.version.strip() or "|" in m.version:
        problems.append(
            Problem(
                path="$.version",
                message=f"expected a non-empty version without '|', got {m.version!r}",
                code="WM-M008",
            )
        )
    url, bar, qversion = m.questionnaire.partition("|")
    if not bar or not url or not qversion:
        problems.append(
            Problem(
                path="$.questionnaire",
                message=f"expected 'url|version', got {m.questionnaire!r}",
                code="WM-M008",
            )
        )
    if m.valid_until is not None and m.valid_until <= m.valid_from:
        problems.append(
            Problem(
                path="$.valid_until",
                message=f"{m.valid_until} is not after valid_from {m.valid_from}",
                code="WM-M007",
            )
        )
    problems.extend(_lint_encoding(m.encoding, questionnaire))
    produced = tuple(n for e in m.encoding for n in e.feature_names())
    if produced != m.feature_names:
        missing = [n for n in produced if n not in m.feature_names]
        extra = [n for n in m.feature_names if n not in produced]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"not produced by the encoding {extra}")
        if not detail:
            detail.append("same names in another order")
        problems.append(
            Problem(
                path="$.feature_names",
                message="differ from the encoding's features: " + "; ".join(detail),
                code="WM-M003",
            )
        )
    problems.extend(_lint_numbers(m))
    cuts = m.cut_points
    if (
        not cuts
        or any(not (0.0 < c < 1.0) for c in cuts)
        or any(a >= b for a, b in itertools.pairwise(cuts))
    ):
        problems.append(
            Problem(
                path="$.cut_points",
                message=f"expected strictly increasing values inside (0, 1), got {list(cuts)}",
                code="WM-M006",
            )
        )
    if len(m.bands) != len(cuts) + 1 or len(set(m.bands)) != len(m.bands):
        problems.append(
            Problem(
                path="$.bands",
                message=f"expected {len(cuts) + 1} distinct band names, got {list(m.bands)}",
                code="WM-M006",
            )
        )
    if questionnaire is not None and questionnaire.ref != m.questionnaire:
        problems.append(
            Problem(
                path="$.questionnaire",
                message=f"the model is calibrated for {m.questionnaire}, not {questionnaire.ref}",
                code="WM-M009",
            )
        )
    return problems


def _lint_encoding(
    encoding: Sequence[FeatureEncoding], questionnaire: Questionnaire | None
) -> list[Problem]:
    problems: list[Problem] = []
    items: dict[str, Item] = {}
    if questionnaire is not None:
        items = {it.link_id: it for it in questionnaire.iter_items()}
    seen: set[str] = set()
    for i, enc in enumerate(encoding):
        path = f"$.encoding[{i}]"
        if enc.link_id in seen:
            problems.append(
                Problem(
                    path=f"{path}.link_id",
                    message=f"item {enc.link_id!r} is encoded twice",
                    code="WM-M002",
                )
            )
        seen.add(enc.link_id)
        item = items.get(enc.link_id)
        if questionnaire is not None:
            if item is None:
                problems.append(
                    Problem(
                        path=f"{path}.link_id",
                        message=f"unknown item {enc.link_id!r} in {questionnaire.ref}",
                        code="WM-M001",
                    )
                )
            else:
                allowed = (
                    ("integer", "decimal", "boolean") if enc.kind == "numeric" else ("choice",)
                )
                if item.type not in allowed:
                    problems.append(
                        Problem(
                            path=f"{path}.kind",
                            message=f"cannot encode a {item.type} item as {enc.kind}",
                            code="WM-M001",
                        )
                    )
        if enc.kind in ("ordinal", "one_hot"):
            if not enc.levels:
                problems.append(Problem(path=f"{path}.levels", message="no levels", code="WM-M002"))
            if len(set(enc.levels)) != len(enc.levels):
                problems.append(
                    Problem(path=f"{path}.levels", message="duplicate levels", code="WM-M002")
                )
            if item is not None and item.type == "choice":
                unknown = [c for c in enc.levels if c not in item.option_codes()]
                uncovered = [c for c in item.option_codes() if c not in enc.levels]
                if unknown or uncovered:
                    problems.append(
                        Problem(
                            path=f"{path}.levels",
                            message=f"levels must be the option codes of {enc.link_id!r}: "
                            f"unknown {unknown}, not covered {uncovered}",
                            code="WM-M002",
                        )
                    )
        if enc.kind == "one_hot" and enc.reference not in enc.levels:
            problems.append(
                Problem(
                    path=f"{path}.reference",
                    message=f"reference {enc.reference!r} is not one of the levels",
                    code="WM-M002",
                )
            )
        if enc.kind == "ordinal" and enc.values and len(enc.values) != len(enc.levels):
            problems.append(
                Problem(
                    path=f"{path}.values",
                    message=f"expected {len(enc.levels)} values, got {len(enc.values)}",
                    code="WM-M002",
                )
            )
        nums = [enc.center, enc.scale, enc.missing, *enc.values]
        if not all(math.isfinite(v) for v in nums) or enc.scale == 0:
            problems.append(
                Problem(
                    path=path,
                    message="center, scale, missing and values must be finite and scale non-zero",
                    code="WM-M002",
                )
            )
    return problems


def _lint_numbers(m: ScoringModel) -> list[Problem]:
    problems: list[Problem] = []
    p = len(m.feature_names)
    if len(m.coefficients) != p:
        problems.append(
            Problem(
                path="$.coefficients",
                message=f"expected {p} coefficients (one per feature), got {len(m.coefficients)}",
                code="WM-M004",
            )
        )
    if not all(math.isfinite(v) for v in (m.intercept, *m.coefficients)):
        problems.append(
            Problem(
                path="$.coefficients",
                message="intercept and coefficients must be finite",
                code="WM-M004",
            )
        )
    if m.feature_means and len(m.feature_means) != p:
        problems.append(
            Problem(
                path="$.feature_means",
                message=f"expected {p} means (or none), got {len(m.feature_means)}",
                code="WM-M004",
            )
        )
    if m.standard_errors is not None:
        if len(m.standard_errors) != p + 1:
            problems.append(
                Problem(
                    path="$.standard_errors",
                    message=f"expected {p + 1} (intercept and features), got {len(m.standard_errors)}",
                    code="WM-M004",
                )
            )
        elif not all(math.isfinite(v) and v >= 0 for v in m.standard_errors):
            problems.append(
                Problem(
                    path="$.standard_errors",
                    message="must be finite and non-negative",
                    code="WM-M004",
                )
            )
    if m.covariance is not None:
        cov = m.covariance
        if len(cov) != p + 1 or any(len(r) != p + 1 for r in cov):
            problems.append(
                Problem(
                    path="$.covariance",
                    message=f"expected a {p + 1}x{p + 1} matrix (intercept and features)",
                    code="WM-M004",
                )
            )
        elif not all(math.isfinite(v) for r in cov for v in r):
            problems.append(Problem(path="$.covariance", message="not finite", code="WM-M004"))
        else:
            a = np.array(cov, dtype=np.float64)
            scale = max(1e-300, float(np.abs(a).max()))
            if not np.allclose(a, a.T, rtol=1e-9, atol=1e-12 * scale):
                problems.append(
                    Problem(path="$.covariance", message="not symmetric", code="WM-M005")
                )
            diag = np.diag(a)
            if (diag < 0).any():
                problems.append(
                    Problem(path="$.covariance", message="has a negative variance", code="WM-M005")
                )
            elif m.standard_errors is not None and len(m.standard_errors) == p + 1:
                se = np.array(m.standard_errors)
                if not np.allclose(np.sqrt(diag), se, rtol=1e-6, atol=1e-12):
                    problems.append(
                        Problem(
                            path="$.standard_errors",
                            message="differ from the square roots of the covariance's diagonal",
                            code="WM-M005",
                        )
                    )
    return problems


def build_model(
    *,
    questionnaire: Questionnaire,
    encoding: Sequence[FeatureEncoding],
    feature_names: Sequence[str],
    coefficients: Sequence[float] | FloatArray,
    intercept: float,
    provenance: Provenance,
    id: str,
    version: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    standard_errors: Sequence[float] | FloatArray | None = None,
    covariance: Sequence[Sequence[float]] | FloatArray | None = None,
    feature_means: Sequence[float] | FloatArray = (),
    cut_points: Sequence[float] = CUT_POINTS,
    bands: Sequence[str] = BANDS,
    description: str = "",
) -> ScoringModel:
    """Build and lint a :class:`ScoringModel` for ``questionnaire``.

    Arrays may be numpy arrays; they are stored as tuples of floats. ``standard_errors`` and
    ``covariance`` are over the parameters ``(intercept, *feature_names)``.

    Raises:
        InvalidModel: every problem found (codes ``WM-M…``).
    """
    model = ScoringModel(
        id=id,
        version=version,
        valid_from=valid_from,
        valid_until=valid_until,
        questionnaire=questionnaire.ref,
        encoding=tuple(encoding),
        feature_names=tuple(feature_names),
        intercept=float(intercept),
        coefficients=tuple(float(v) for v in np.asarray(coefficients, dtype=np.float64).ravel()),
        standard_errors=None
        if standard_errors is None
        else tuple(float(v) for v in np.asarray(standard_errors, dtype=np.float64).ravel()),
        covariance=None
        if covariance is None
        else tuple(
            tuple(float(v) for v in row)
            for row in np.atleast_2d(np.asarray(covariance, dtype=np.float64))
        ),
        feature_means=tuple(float(v) for v in np.asarray(feature_means, dtype=np.float64).ravel()),
        cut_points=tuple(float(c) for c in cut_points),
        bands=tuple(bands),
        provenance=provenance,
        description=description,
    )
    problems = lint_model(model, questionnaire)
    if problems:
        raise InvalidModel(problems, source=model.ref)
    return model


# ------------------------------------------------------------------------------------ load and save


def model_to_data(model: ScoringModel) -> dict[str, Any]:
    """Return the model as a JSON-ready envelope ``{schema, schema_version, data}``."""
    return serialization.dump(model)


def model_from_data(
    data: Any, *, source: str = "", questionnaire: Questionnaire | None = None
) -> ScoringModel:
    """Build a model from an envelope and lint it (against ``questionnaire`` when given).

    Raises:
        InvalidModel: the data is malformed or fails the lint; ``source`` and every field are named.
    """
    try:
        model = serialization.load(data, ScoringModel, source=source)
    except InvalidModel:
        raise
    except InvalidInput as exc:
        raise InvalidModel(exc.problems, source=source) from None
    problems = lint_model(model, questionnaire)
    if problems:
        raise InvalidModel(problems, source=source)
    return model


def dump_model(model: ScoringModel, *, indent: int | None = 2) -> str:
    """Return the model file's JSON text (keys sorted; floats written exactly)."""
    return serialization.dumps(model, indent=indent)


def parse_model(
    text: str | bytes, *, source: str = "", questionnaire: Questionnaire | None = None
) -> ScoringModel:
    """Read a model from JSON text.

    Raises:
        InvalidModel: bad JSON, bad structure or a failed lint, naming ``source`` and every field.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidModel(
            [
                Problem(
                    path=f"line {exc.lineno} column {exc.colno}", message=f"invalid JSON: {exc.msg}"
                )
            ],
            source=source,
        ) from None
    return model_from_data(data, source=source, questionnaire=questionnaire)


def save_model(model: ScoringModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` as a JSON model file and return the path."""
    p = Path(path)
    p.write_text(dump_model(model) + "\n", encoding="utf-8")
    return p


def load_model(
    path: str | Path | None = None, *, questionnaire: Questionnaire | None = None
) -> ScoringModel:
    """Load a model file; without ``path``, the packaged illustrative default model.

    Raises:
        InvalidModel: the file is corrupt or fails the lint (the file and every field are named).
    """
    if path is None:
        return default_model()
    p = Path(path)
    return parse_model(p.read_bytes(), source=str(p), questionnaire=questionnaire)


@lru_cache(maxsize=1)
def default_model() -> ScoringModel:
    """Return the packaged illustrative model for the packaged questionnaire (see its provenance)."""
    text = resources.files("werkmap.profiler.data").joinpath(DEFAULT_MODEL_FILE).read_bytes()
    return parse_model(text, source=f"werkmap/profiler/data/{DEFAULT_MODEL_FILE}")


@overload
def invites(probability: float, threshold: float) -> bool: ...


@overload
def invites(
    probability: npt.NDArray[np.float64], threshold: float | npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]: ...


def invites(probability: Any, threshold: Any) -> Any:
    """Whether a chance of work calls for a conversation: at most the routing threshold ("maximaal 50 %").

    The one definition of the routing cut, for one person (a float gives a bool) and for many at once (a
    numpy array gives a boolean array): :func:`werkmap.rules.decide_route`, the routing errors of
    :mod:`werkmap.profiler.evaluate` and the model comparison of :mod:`werkmap.monitoring` call it (it lives
    here, below the rules, so that the profiler's own evaluation can use it).

    >>> invites(0.5, 0.5), invites(0.5000001, 0.5)
    (True, False)
    """
    return probability <= threshold
