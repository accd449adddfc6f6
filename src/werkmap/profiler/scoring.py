"""Scoring: one person's answers to a :class:`Profile`, a population to :class:`BatchScores`.

Both paths share one scoring core (:class:`ScoringCore`, built once per model and questionnaire and
cached): the same coefficient vector, reference point, covariance and band rule. The one-person path is
plain Python over the encoded answers (cheap for one row); the population path is numpy over a design
matrix. They agree to 1e-12 (a property test checks it).

Explanations are log-odds contributions relative to a reference person (the model's ``feature_means``,
usually the calibration population's average): ``contribution[j] = coefficient[j] * (x[j] - mean[j])``, so
``baseline_log_odds + sum(contributions) == log_odds``. An item's contribution is the sum over its
features, a construct's the sum over its items. The *diagnosis* lists the constructs that lower the chance
most (negative contributions, most negative first): the factors to talk about in a conversation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias, overload

import attrs
import numpy as np
import numpy.typing as npt

from werkmap import serialization
from werkmap.errors import InvalidAnswers, InvalidInput, Problem, VersionMismatch
from werkmap.profiler.fhir import answers_from_response, is_questionnaire_response
from werkmap.profiler.frames import is_dataframe, records_from_frame
from werkmap.profiler.model import Encoder, ScoringModel
from werkmap.profiler.questionnaire import Questionnaire, validate_answers
from werkmap.tables import REPR_ROWS, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Z_95",
    "BatchScores",
    "Profile",
    "ScoringCore",
    "check_compatible",
    "score",
    "score_batch",
    "scoring_core",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]

_Step: TypeAlias = tuple[
    str,
    int,
    dict[object, tuple[int, float, float]] | None,
    tuple[int, float, float],
    int,
    float,
    float,
    float,
    float,
]

_NUMBER = (int, float)

Z_95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""


@attrs.frozen(kw_only=True)
class Profile:
    """One person's score and its explanation.

    Attributes:
        probability: the predicted chance of work resumption within one year.
        band: the band of the probability (``"0-25"``, ``"25-50"``, ``"50-75"``, ``"75-100"``).
        log_odds: the linear predictor ``intercept + coefficients · features``.
        interval: the 95 % confidence interval of the probability (from the parameter covariance), or
            ``None`` when the model has no covariance.
        baseline_log_odds: the log-odds of the model's reference person.
        item_contributions: the log-odds contribution of every encoded item, by ``link_id``.
        construct_contributions: the log-odds contribution of every construct.
        diagnosis: the constructs that lower the chance most, most negative first.
        questionnaire: the ``url|version`` of the questionnaire answered.
        model: the ``id|version`` of the model used.
        answers: the validated answers scored, ``link_id -> `` the answer as JSON text (``"3"``,
            ``"true"``, ``'"2024-01-31"'``), so a stored profile can be scored again; empty when the
            profile was not made by :func:`score`.
    """

    probability: float
    band: str
    log_odds: float
    interval: tuple[float, float] | None
    baseline_log_odds: float
    item_contributions: dict[str, float]
    construct_contributions: dict[str, float]
    diagnosis: tuple[str, ...]
    questionnaire: str
    model: str
    answers: dict[str, str] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        lo_hi = f" [{self.interval[0]:.3f}, {self.interval[1]:.3f}]" if self.interval else ""
        diagnosis = ", ".join(self.diagnosis) or "-"
        return (
            f"<Profile probability={self.probability:.3f}{lo_hi} band={self.band} "
            f"diagnosis: {diagnosis}; model {self.model}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the construct contributions as a DataFrame, most negative first (needs pandas)."""
        import pandas as pd  # lazy: pandas is an optional extra

        ordered = sorted(self.construct_contributions.items(), key=lambda kv: kv[1])
        return pd.DataFrame(
            {"contribution": [v for _, v in ordered]},
            index=pd.Index([k for k, _ in ordered], name="construct"),
        )

    def _repr_html_(self) -> str:
        ordered = sorted(self.construct_contributions.items(), key=lambda kv: kv[1])
        caption = f"Profile: probability {self.probability:.3f}, band {self.band} ({self.model})"
        rows = [(name, f"{value:+.3f}") for name, value in ordered]
        return Table(
            header=("construct", "log-odds contribution"),
            rows=rows,
            align="lr",
            title=caption,
            limit=REPR_ROWS,
            row_headers=True,
        ).to_html()


serialization.register_schema("werkmap.profile", Profile, 1)


@attrs.frozen(kw_only=True, eq=False)
class BatchScores:
    """The scores of a population, one entry per person (row).

    Attributes:
        probabilities: the predicted chances of work resumption within a year.
        band_index: the index of each person's band in :attr:`band_names`.
        band_names: the band names of the model.
        items: the encoded items, the columns of :attr:`item_contributions`.
        constructs: the constructs, the columns of :attr:`construct_contributions`.
        item_contributions: ``(n, len(items))`` log-odds contributions, when asked for.
        construct_contributions: ``(n, len(constructs))`` log-odds contributions, when asked for.
        model: the ``id|version`` of the model used.
    """

    probabilities: FloatArray
    band_index: npt.NDArray[np.int8]
    band_names: tuple[str, ...]
    items: tuple[str, ...]
    constructs: tuple[str, ...]
    item_contributions: FloatArray | None = None
    construct_contributions: FloatArray | None = None
    model: str = ""

    @property
    def bands(self) -> npt.NDArray[np.str_]:
        """The band of each person, as an array of band names."""
        return np.asarray(self.band_names)[self.band_index]

    def band_counts(self) -> dict[str, int]:
        """Return how many people fall in each band (every band listed, in order)."""
        counts = np.bincount(self.band_index, minlength=len(self.band_names))
        return {name: int(c) for name, c in zip(self.band_names, counts, strict=True)}

    def __len__(self) -> int:
        return int(self.probabilities.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """Return the scores as a pandas DataFrame: ``probability`` and ``band`` per person (needs pandas).

        With contributions, one column per construct (``construct:<name>``) and per item (``item:<link_id>``)
        follows.
        """
        import pandas as pd  # lazy: pandas is an optional extra

        data: dict[str, Any] = {"probability": self.probabilities, "band": self.bands}
        if self.construct_contributions is not None:
            for j, name in enumerate(self.constructs):
                data[f"construct:{name}"] = self.construct_contributions[:, j]
        if self.item_contributions is not None:
            for j, name in enumerate(self.items):
                data[f"item:{name}"] = self.item_contributions[:, j]
        return pd.DataFrame(data)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in self.band_counts().items())
        return f"<BatchScores {len(self)} people, model {self.model or '?'}; bands {counts}>"

    def _repr_html_(self) -> str:
        first = min(len(self), REPR_ROWS)  # a million scores: build ten rows, count the rest
        return Table(
            header=("#", "probability", "band"),
            rows=[
                (str(i), f"{self.probabilities[i]:.4f}", str(self.band_names[self.band_index[i]]))
                for i in range(first)
            ],
            align="rrl",
            title=f"BatchScores: {len(self)} people, model {self.model or '?'}",
            total=len(self),
        ).to_html()


class ScoringCore:
    """The one scoring core of a model and questionnaire: coefficients, reference point, bands, covariance.

    Build it with :func:`scoring_core` (cached). :meth:`one` scores one encoded row (a Python list),
    :meth:`many` a design matrix; both use the same numbers and the same band rule.

    Attributes:
        model: the scoring model.
        encoder: the model's encoder.
        items: the encoded items, in encoding order.
        constructs: the constructs of those items, in first-seen order.
    """

    __slots__ = (
        "_band_pairs",
        "_bands",
        "_baseline",
        "_construct_index",
        "_construct_matrix",
        "_construct_of_item",
        "_construct_template",
        "_cov",
        "_feature_item",
        "_item_matrix",
        "_item_template",
        "_means",
        "_means_list",
        "_model_ref",
        "_numeric_plan",
        "_plan",
        "_questionnaire_ref",
        "_row_template",
        "_table_plan",
        "_w",
        "_w1_list",
        "_w_list",
        "constructs",
        "encoder",
        "items",
        "model",
    )

    def __init__(self, model: ScoringModel, questionnaire: Questionnaire | None = None) -> None:
        self.model = model
        self.encoder = Encoder(model.encoding)
        p = self.encoder.n_features
        self._w = np.array(model.coefficients, dtype=np.float64)
        self._w_list = [float(v) for v in model.coefficients]
        means = model.feature_means or (0.0,) * p
        self._means = np.array(means, dtype=np.float64)
        self._means_list = [float(v) for v in means]
        self._baseline = float(
            model.intercept
            + math.fsum(a * b for a, b in zip(self._w_list, self._means_list, strict=True))
        )
        self.items = tuple(e.link_id for e in model.encoding)
        construct_of: dict[str, str] = {}
        for link_id in self.items:
            construct = ""
            if questionnaire is not None:
                try:
                    construct = questionnaire.item(link_id).construct
                except KeyError:
                    construct = ""
            construct_of[link_id] = construct or link_id
        self.constructs = tuple(dict.fromkeys(construct_of[i] for i in self.items))
        self._construct_of_item = construct_of
        item_pos = {link_id: k for k, link_id in enumerate(self.items)}
        self._feature_item = [item_pos[i] for i in self.encoder.item_of_feature]
        item_matrix = np.zeros((p, len(self.items)))
        item_matrix[np.arange(p), self._feature_item] = 1.0
        self._item_matrix = item_matrix
        cons_pos = {c: k for k, c in enumerate(self.constructs)}
        cmat = np.zeros((len(self.items), len(self.constructs)))
        for k, link_id in enumerate(self.items):
            cmat[k, cons_pos[construct_of[link_id]]] = 1.0
        self._construct_matrix = cmat
        self._construct_index = [cons_pos[construct_of[i]] for i in self.items]
        self._plan = self._compile_plan()
        w1 = [float(model.intercept), *self._w_list]
        self._table_plan = [
            (
                k,
                step[0],
                step[1],
                {
                    code: (i, f, c, w1[i] * f if i else 0.0)
                    for code, (i, f, c) in {**step[2], None: step[3]}.items()
                },
            )
            for k, step in enumerate(self._plan)
            if step[2] is not None
        ]
        self._numeric_plan = [
            (k, step[0], step[1], step[4], step[3][1], *step[5:])
            for k, step in enumerate(self._plan)
            if step[2] is None
        ]
        self._item_template = [0.0] * len(self.items)
        self._construct_template = [0.0] * len(self.constructs)
        self._w1_list = [float(model.intercept), *self._w_list]
        self._row_template = [1.0] + [0.0] * p
        self._bands = model.bands
        # (a, b] bands: the first cut point at or above p names p's band
        self._band_pairs = tuple(zip(model.cut_points, model.bands, strict=False))
        self._questionnaire_ref = model.questionnaire
        self._model_ref = model.ref
        self._cov: FloatArray | None = None
        if model.covariance is not None:
            # the variance of the linear predictor is x' C x (x = [1, *features])
            self._cov = np.array(model.covariance, dtype=np.float64)

    def _compile_plan(self) -> list[_Step]:
        """Per item: a table ``code -> (row index, feature value, contribution)`` or numeric data.

        Row indices are shifted by one: the one-person row starts with the intercept's 1.0.
        """
        plan: list[_Step] = []
        w, means = self._w_list, self._means_list
        construct_index = {c: k for k, c in enumerate(self.constructs)}
        start = 0
        for enc in self.model.encoding:
            ci = construct_index[self._construct_of_item[enc.link_id]]
            width = len(enc.feature_names())
            base = -math.fsum(w[j] * means[j] for j in range(start, start + width))
            if enc.kind == "one_hot":
                table: dict[object, tuple[int, float, float]] = {}
                k = start
                for code in enc.levels:
                    if code == enc.reference:
                        table[code] = (0, 1.0, base)  # index 0 holds the intercept's 1.0 already
                    else:
                        table[code] = (k + 1, 1.0, base + w[k])
                        k += 1
                plan.append((enc.link_id, ci, table, (0, 1.0, base), 0, 0.0, 0.0, 0.0, 1.0))
            elif enc.kind == "ordinal":
                wj, mj = w[start], means[start]
                table = {}
                for code, level in zip(enc.levels, enc.level_scores(), strict=True):
                    feature = (level - enc.center) / enc.scale
                    table[code] = (start + 1, feature, wj * (feature - mj))
                missing = (start + 1, enc.missing, wj * (enc.missing - mj))
                plan.append((enc.link_id, ci, table, missing, start + 1, wj, mj, 0.0, 1.0))
            else:
                wj, mj = w[start], means[start]
                missing = (start + 1, enc.missing, wj * (enc.missing - mj))
                plan.append(
                    (enc.link_id, ci, None, missing, start + 1, wj, mj, enc.center, enc.scale)
                )
            start += width
        return plan

    def band_index(self, probabilities: FloatArray) -> npt.NDArray[np.int8]:
        """Return the band index of each probability (half-open ``(a, b]`` bands)."""
        # Counting the cut points below each probability: a cut point itself belongs to the band
        # below it. A few comparisons are much cheaper than a binary search per element.
        index = np.zeros(probabilities.shape, dtype=np.int8)
        for cut in self.model.cut_points:
            index += probabilities > cut
        return index

    def one(self, row: Sequence[float], *, top: int = 3) -> Profile:
        """Score one encoded row (see :meth:`Encoder.encode_list`) to a full :class:`Profile`."""
        w, means = self._w_list, self._means_list
        item_values = [0.0] * len(self.items)
        for k, wj, xj, mj in zip(self._feature_item, w, row, means, strict=True):
            item_values[k] += wj * (xj - mj)
        constructs = [0.0] * len(self.constructs)
        for ci, v in zip(self._construct_index, item_values, strict=True):
            constructs[ci] += v
        row1 = [1.0, *row]
        log_odds: float = sum(map(operator.mul, self._w1_list, row1))
        return self._profile(row1, log_odds, item_values, constructs, top)

    def one_answers(self, answers: Mapping[str, object], *, top: int = 3) -> Profile:
        """Score one person's validated answers to a full :class:`Profile` (the fast one-person path).

        Encoding and per-item contributions come from tables compiled once per model, so the cost is
        a dictionary look-up per item.

        Raises:
            KeyError: an answer code the encoding does not know.
            TypeError: a numeric item answered with something that is not a number.
        """
        row = self._row_template[:]
        item_values = self._item_template[:]
        constructs = self._construct_template[:]
        get = answers.get
        # intercept + w.x, summed item by item; a zero row scores exactly the intercept
        log_odds = self.model.intercept
        for k, link_id, ci, table in self._table_plan:
            # a table maps every code, and None (unanswered), to
            # (row index, feature, contribution, coefficient * feature)
            index, feature, contribution, wx = table[get(link_id)]
            row[index] = feature
            log_odds += wx
            item_values[k] = contribution
            constructs[ci] += contribution
        for k, link_id, ci, index, missing, wj, mj, center, scale in self._numeric_plan:
            value = get(link_id)
            if value is None:
                feature = missing
            elif isinstance(value, _NUMBER):
                feature = (value - center) / scale
            else:
                raise TypeError(f"{link_id}: cannot encode {value!r} as a number")
            row[index] = feature
            log_odds += self._w1_list[index] * feature
            contribution = wj * (feature - mj)
            item_values[k] = contribution
            constructs[ci] += contribution
        return self._profile(row, log_odds, item_values, constructs, top)

    def _profile(
        self,
        row: list[float],
        log_odds: float,
        item_values: list[float],
        construct_values: list[float],
        top: int,
    ) -> Profile:
        """Finish a profile from the row ``[1.0, *features]``, its log-odds and the contributions."""
        probability = _expit(log_odds)
        interval = None
        if self._cov is not None:
            x = np.array(row)
            half = Z_95 * math.sqrt(max(0.0, float(x.dot(self._cov.dot(x)))))
            interval = (_expit(log_odds - half), _expit(log_odds + half))
        names = self.constructs
        order = sorted(range(len(names)), key=construct_values.__getitem__)[:top]
        band = self._bands[-1]
        for cut, name in self._band_pairs:
            if probability <= cut:
                band = name
                break
        return Profile(
            probability=probability,
            band=band,
            log_odds=log_odds,
            interval=interval,
            baseline_log_odds=self._baseline,
            item_contributions=dict(zip(self.items, item_values, strict=False)),
            construct_contributions=dict(zip(names, construct_values, strict=False)),
            diagnosis=tuple([names[k] for k in order if construct_values[k] < 0.0]),
            questionnaire=self._questionnaire_ref,
            model=self._model_ref,
        )

    def many(self, design: FloatArray, *, contributions: bool = False) -> BatchScores:
        """Score a design matrix ``(n, n_features)`` to :class:`BatchScores`.

        Raises:
            InvalidInput: the matrix has the wrong shape, or rows with non-finite values (listed).
        """
        x = np.asarray(design, dtype=np.float64)
        p = self.encoder.n_features
        if x.ndim != 2 or x.shape[1] != p:
            raise InvalidInput(
                [
                    Problem(
                        path="$",
                        message=f"expected a 2-D array with {p} columns "
                        f"({', '.join(self.encoder.feature_names)}), got shape {x.shape}",
                    )
                ]
            )
        z = x @ self._w
        z += self.model.intercept
        if not np.isfinite(z.sum()):  # one cheap reduction; find the rows only when it fails
            bad = np.flatnonzero(~np.isfinite(z))
            raise InvalidInput(
                [Problem(path=f"$[{int(i)}]", message="non-finite values") for i in bad[:20]]
                + (
                    [Problem(path="$", message=f"... and {bad.size - 20} more rows")]
                    if bad.size > 20
                    else []
                )
            )
        # expit in place: 1 / (1 + exp(-z)); exp overflows to inf for very negative z, giving 0.
        with np.errstate(over="ignore"):
            np.negative(z, out=z)
            np.exp(z, out=z)
        z += 1.0
        np.reciprocal(z, out=z)
        item_c = construct_c = None
        if contributions:
            c = (x - self._means) * self._w
            item_c = c @ self._item_matrix
            construct_c = item_c @ self._construct_matrix
        return BatchScores(
            probabilities=z,
            band_index=self.band_index(z),
            band_names=self.model.bands,
            items=self.items,
            constructs=self.constructs,
            item_contributions=item_c,
            construct_contributions=construct_c,
            model=self.model.ref,
        )


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@lru_cache(maxsize=32)
def scoring_core(model: ScoringModel, questionnaire: Questionnaire | None = None) -> ScoringCore:
    """Return the (cached) scoring core of ``model``, with constructs from ``questionnaire``."""
    return ScoringCore(model, questionnaire)


def check_compatible(
    questionnaire: Questionnaire, model: ScoringModel, *, on: dt.date | None = None
) -> None:
    """Check that ``model`` is calibrated for ``questionnaire`` (and both are valid ``on`` that date).

    Raises:
        VersionMismatch: the model is for another questionnaire version, or not valid on ``on``.
    """
    if model.questionnaire != questionnaire.ref:
        raise VersionMismatch(
            f"model {model.ref} is calibrated for questionnaire {model.questionnaire}, "
            f"not for {questionnaire.ref}; use the model of that questionnaire version"
        )
    if on is not None:
        if not model.is_valid_on(on):
            raise VersionMismatch(f"model {model.ref} is not valid on {on}")
        if not questionnaire.is_valid_on(on):
            raise VersionMismatch(f"questionnaire {questionnaire.ref} is not valid on {on}")


def _ordered(first: object, second: object) -> tuple[ScoringModel, Questionnaire | None]:
    """Return ``(model, questionnaire)`` from the two positional arguments of :func:`score`/:func:`score_batch`.

    The order is ``model, questionnaire``; the older ``questionnaire, model`` of :func:`score` is still
    accepted, told apart by type (the two classes cannot be confused).
    """
    if isinstance(first, Questionnaire) and isinstance(second, ScoringModel):
        return second, first
    if not isinstance(first, ScoringModel):
        raise TypeError(f"expected a ScoringModel, got {type(first).__name__}")
    if second is not None and not isinstance(second, Questionnaire):
        raise TypeError(f"expected a Questionnaire, got {type(second).__name__}")
    return first, second


@overload
def score(
    answers: Mapping[str, object],
    model: ScoringModel,
    questionnaire: Questionnaire,
    *,
    validate: bool = True,
    on: dt.date | None = None,
    top: int = 3,
) -> Profile: ...


@overload
def score(
    answers: Mapping[str, object],
    model: Questionnaire,
    questionnaire: ScoringModel,
    *,
    validate: bool = True,
    on: dt.date | None = None,
    top: int = 3,
) -> Profile: ...


def score(
    answers: Mapping[str, object],
    model: ScoringModel | Questionnaire,
    questionnaire: Questionnaire | ScoringModel,
    *,
    validate: bool = True,
    on: dt.date | None = None,
    top: int = 3,
) -> Profile:
    """Score one person's answers to a :class:`Profile`.

    The arguments are in the order of :func:`score_batch`: what is scored, the model, the questionnaire.
    (The order ``score(answers, questionnaire, model)`` of earlier releases still works: the two are told
    apart by type.)

    Args:
        answers: ``link_id -> answer``, as for :func:`~werkmap.profiler.questionnaire.validate_answers`
            (integer codes such as ``{"q04": 3}`` name the option ``"3"``); or a FHIR QuestionnaireResponse
            (a dict with ``"resourceType": "QuestionnaireResponse"``).
        model: the scoring model.
        questionnaire: the questionnaire answered; it must be the version the model is calibrated for.
        validate: check the answers first (turn off only for answers already validated).
        on: when given, the model and questionnaire must both be valid on this date.
        top: how many constructs the diagnosis lists at most.

    Raises:
        VersionMismatch: the model is for another questionnaire version (or not valid ``on``).
        InvalidAnswers: the answers do not fit the questionnaire (every problem listed).
    """
    the_model, q = _ordered(model, questionnaire)
    if q is None:
        raise TypeError("scoring answers needs the questionnaire")
    if is_questionnaire_response(answers):
        answers = answers_from_response(answers, q)
    return _score_one(answers, the_model, q, validate=validate, on=on, top=top)


def _score_one(
    answers: Mapping[str, object],
    model: ScoringModel,
    questionnaire: Questionnaire,
    *,
    validate: bool,
    on: dt.date | None,
    top: int,
) -> Profile:
    check_compatible(questionnaire, model, on=on)
    if validate:
        answers = validate_answers(answers, questionnaire)
    core = scoring_core(model, questionnaire)
    try:
        profile = core.one_answers(answers, top=top)
    except (KeyError, TypeError) as exc:
        raise InvalidAnswers(
            [Problem(path="$", message=f"cannot encode the answers: {exc}")], source=model.ref
        ) from None
    texts = {
        k: json.dumps(v.isoformat() if isinstance(v, dt.date) else v) for k, v in answers.items()
    }
    return attrs.evolve(profile, answers=texts)


def score_batch(
    population: FloatArray | Iterable[Mapping[str, object]] | pd.DataFrame,
    model: ScoringModel,
    questionnaire: Questionnaire | None = None,
    *,
    contributions: bool = False,
    validate: bool = True,
) -> BatchScores:
    """Score a population: a design matrix ``(n, n_features)``, many people's answers or a DataFrame.

    Args:
        population: a 2-D array whose columns are ``model.feature_names`` (already encoded); an iterable of
            answer mappings; or a pandas DataFrame with one column per ``link_id`` and one row per person
            (empty cells are unanswered items; integer codes name options). Answers need ``questionnaire``.
        model: the scoring model.
        questionnaire: the questionnaire answered (checked against the model when given).
        contributions: also return per-item and per-construct log-odds contributions.
        validate: validate answer mappings first.

    Raises:
        VersionMismatch: the model is for another questionnaire version.
        InvalidAnswers: answers that do not fit (problems prefixed with the person's index).
        InvalidInput: a design matrix of the wrong shape or with non-finite values.
    """
    model, questionnaire = _ordered(model, questionnaire)
    if questionnaire is not None:
        check_compatible(questionnaire, model)
    core = scoring_core(model, questionnaire)
    if is_dataframe(population):
        population = records_from_frame(population)
    if isinstance(population, np.ndarray):
        return core.many(population, contributions=contributions)
    if questionnaire is None:
        raise TypeError("scoring answer mappings needs the questionnaire")
    rows: list[list[float]] = []
    problems: list[Problem] = []
    for i, answers in enumerate(population):
        if validate:
            try:
                answers = validate_answers(answers, questionnaire)
            except InvalidAnswers as exc:
                problems.extend(
                    Problem(path=f"$[{i}]{p.path[1:]}", message=p.message, code=p.code)
                    for p in exc.problems
                )
                continue
        try:
            rows.append(core.encoder.encode_list(answers))
        except (KeyError, TypeError) as exc:
            problems.append(Problem(path=f"$[{i}]", message=f"cannot encode the answers: {exc}"))
    if problems:
        raise InvalidAnswers(problems, source=questionnaire.ref)
    design: Any = (
        np.array(rows, dtype=np.float64) if rows else np.zeros((0, core.encoder.n_features))
    )
    return core.many(design, contributions=contributions)
