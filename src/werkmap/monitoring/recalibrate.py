"""Recalibration-only model updates: a new intercept and slope on the logit, from outcome data.

The cheapest safe change to a model that has drifted in calibration but still ranks people well is to
recalibrate it: fit ``logit P(work) = a + b · logit(p)`` on the outcomes of people the live model scored
(``p`` their score), with werkmap's own fitter (:func:`werkmap.profiler.fit.fit`), and publish

```text
intercept' = a + b · intercept        coefficient'ⱼ = b · coefficientⱼ
```

as a new version: the new model's logit is exactly ``a + b · logit(p)``, so it ranks everybody as the
old one did (the AUC is unchanged) while its probabilities are calibrated on the new data. Item
encodings, feature means, bands and the questionnaire stay as they were. The new version's standard
errors and covariance are left out (the old ones do not describe the new coefficients, and the
recalibration's own uncertainty is in the card), so its profiles carry no confidence interval.

Which outcomes: folders whose deciding profile the base model made, registered in the period given,
followed up for the whole outcome horizon (``outcome_months``, 12) by the day the outcomes are known
(:class:`werkmap.outcomes.Outcomes`); unfinished follow-up is left out, never counted as "no work".
"""

from __future__ import annotations

import datetime as dt
import math

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.errors import InvalidInput, InvalidModel, Problem
from werkmap.outcomes import Outcomes
from werkmap.profiler.evaluate import EvaluationReport, evaluate
from werkmap.profiler.model import Provenance, ScoringModel, lint_model
from werkmap.profiler.questionnaire import Questionnaire

__all__ = [
    "Recalibration",
    "fit_recalibration",
    "recalibrate",
    "recalibrated_model",
    "recalibration_card",
    "recalibration_report",
]

_EPS = 1e-12


@attrs.frozen(kw_only=True, eq=False)
class Recalibration:
    """The fitted recalibration of a model on outcome data.

    Attributes:
        base: the model recalibrated (``id|version``).
        intercept: ``a`` of ``logit P(work) = a + b · logit(p)``.
        slope: ``b``.
        intercept_se: the standard error of ``a``.
        slope_se: the standard error of ``b``.
        n: the people fitted on.
        n_positive: of those, found work within the horizon.
        registered_from: the first registration day of the data.
        registered_until: the last registration day of the data.
        observed_until: the day the outcomes were known.
        outcome_months: the outcome horizon (work within this many months).
        probabilities: the base model's scores of the people fitted on.
        outcomes: their outcomes (1 = work).
    """

    base: str
    intercept: float
    slope: float
    intercept_se: float
    slope_se: float
    n: int
    n_positive: int
    registered_from: dt.date
    registered_until: dt.date
    observed_until: dt.date
    outcome_months: int
    probabilities: npt.NDArray[np.float64]
    outcomes: npt.NDArray[np.float64]

    @property
    def data(self) -> str:
        """A description of the data, for the model's provenance."""
        return (
            f"outcomes of {self.n} jobseekers profiled by {self.base}, registered "
            f"{self.registered_from.isoformat()} to {self.registered_until.isoformat()}, work within "
            f"{self.outcome_months} months, observed until {self.observed_until.isoformat()} "
            f"({self.n_positive} found work)"
        )

    def recalibrated(self, p: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return the recalibrated probabilities of base-model scores ``p``."""
        q = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
        eta = self.intercept + self.slope * (np.log(q) - np.log1p(-q))
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-eta))
        return out


def _day(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))


def fit_recalibration(
    model: ScoringModel,
    outcomes: Outcomes,
    *,
    outcome_months: int = 12,
    registered_from: dt.date | None = None,
    registered_until: dt.date | None = None,
) -> Recalibration:
    """Fit the recalibration of ``model`` on ``outcomes`` (see the module text for which rows count).

    Raises:
        InvalidInput: no usable outcomes (none of the model's profiles followed up, or one outcome only).
        FitError: the recalibration cannot be estimated (see :func:`werkmap.profiler.fit.fit`).
    """
    from werkmap.profiler.fit import fit

    use = (
        outcomes.profiled & (outcomes.model_ref == model.ref) & outcomes.followed_up(outcome_months)
    )
    if registered_from is not None:
        use &= outcomes.registered_on >= np.datetime64(registered_from, "D")
    if registered_until is not None:
        use &= outcomes.registered_on <= np.datetime64(registered_until, "D")
    rows = outcomes.take(use)
    y = rows.work_found_within(outcome_months).astype(np.float64)
    if len(rows) == 0 or y.min() == y.max():
        raise InvalidInput(
            [
                Problem(
                    path="$.outcomes",
                    message=f"need people profiled by {model.ref} and followed up {outcome_months} "
                    f"months, with both outcomes; found {len(rows)}",
                )
            ],
            source="recalibrate",
        )
    p = rows.probability
    q = np.clip(p, _EPS, 1 - _EPS)
    result = fit((np.log(q) - np.log1p(-q))[:, None], y, feature_names=["logit_p"])
    return Recalibration(
        base=model.ref,
        intercept=result.estimates[0],
        slope=result.estimates[1],
        intercept_se=result.standard_errors[0],
        slope_se=result.standard_errors[1],
        n=len(rows),
        n_positive=int(y.sum()),
        registered_from=_day(rows.registered_on.min()),
        registered_until=_day(rows.registered_on.max()),
        observed_until=outcomes.observed_until,
        outcome_months=outcome_months,
        probabilities=p,
        outcomes=y,
    )


def recalibrated_model(
    model: ScoringModel,
    recalibration: Recalibration,
    *,
    version: str,
    valid_from: dt.date,
    created: dt.date,
    valid_until: dt.date | None = None,
    questionnaire: Questionnaire | None = None,
) -> ScoringModel:
    """Return the new version of ``model`` with the recalibration applied (see the module text).

    Raises:
        InvalidModel: the version is the base's, or the new model fails the model lint.
    """
    a, b = recalibration.intercept, recalibration.slope
    notice = (
        f"Recalibration of {model.ref}: logit p' = {a:.6g} + {b:.6g} · logit p (standard errors "
        f"{recalibration.intercept_se:.3g} and {recalibration.slope_se:.3g}); every coefficient is the "
        f"base's times {b:.6g}, so the ranking of people is unchanged. The base's standard errors do not "
        "apply and are left out."
    )
    if model.provenance.notice:
        notice += f" Base model: {model.provenance.notice}"
    new = attrs.evolve(
        model,
        version=version,
        valid_from=valid_from,
        valid_until=valid_until,
        intercept=a + b * model.intercept,
        coefficients=tuple(b * c for c in model.coefficients),
        standard_errors=None,
        covariance=None,
        provenance=Provenance(
            method=f"recalibration (intercept and slope on the logit, maximum likelihood, "
            f"werkmap.profiler.fit) of {model.ref}; base method: {model.provenance.method}",
            data=recalibration.data,
            n_observations=recalibration.n,
            created=created,
            notice=notice,
            references=model.provenance.references,
        ),
        description=(model.description + " " if model.description else "")
        + f"Recalibrated version {version} of {model.ref}.",
    )
    problems = lint_model(new, questionnaire)
    if version == model.version:
        problems.append(
            Problem(
                path="$.version",
                message=f"a recalibration is a new version; {version!r} is the base's",
                code="WM-M008",
            )
        )
    if problems:
        raise InvalidModel(problems, source=new.ref)
    return new


def recalibrate(
    model: ScoringModel,
    outcomes: Outcomes,
    *,
    version: str,
    valid_from: dt.date,
    created: dt.date,
    outcome_months: int = 12,
    registered_from: dt.date | None = None,
    registered_until: dt.date | None = None,
    valid_until: dt.date | None = None,
    questionnaire: Questionnaire | None = None,
) -> ScoringModel:
    """Fit a recalibration of ``model`` on ``outcomes`` and return it as the new version ``version``.

    Args:
        model: the live model (the base).
        outcomes: the outcome table (:func:`werkmap.outcomes.outcomes` of the store's folders).
        version: the new version's label (not the base's).
        valid_from: the first day the new version may be used.
        created: the day it is made (recorded in its provenance; werkmap reads no clock).
        outcome_months: the outcome horizon.
        registered_from: use only folders registered on or after this day.
        registered_until: use only folders registered on or before this day.
        valid_until: the new version's last day, if known.
        questionnaire: lint the new model against it.

    Raises:
        InvalidInput: no usable outcomes.
        InvalidModel: the new model fails the lint.
    """
    recal = fit_recalibration(
        model,
        outcomes,
        outcome_months=outcome_months,
        registered_from=registered_from,
        registered_until=registered_until,
    )
    return recalibrated_model(
        model,
        recal,
        version=version,
        valid_from=valid_from,
        created=created,
        valid_until=valid_until,
        questionnaire=questionnaire,
    )


_CARD = {
    "en": {
        "title": "Recalibration",
        "intro": "This version is a **recalibration** of `{base}`: only the intercept and the slope on "
        "the logit were estimated again, from outcome data; every other coefficient is the base's "
        "times the slope, so the model ranks people exactly as the base did.",
        "fit": "Fitted: logit p' = {a} + {b} · logit p (standard errors {sa} and {sb}).",
        "data": "Data: {data}.",
        "period": "Period of registration: {start} to {end}; outcomes known on {seen}; people whose "
        "follow-up of {months} months was not complete were left out.",
        "before": "On these data the base model had calibration-in-the-large {citl} and slope {slope} "
        "(the fitted slope).",
    },
    "nl": {
        "title": "Herkalibratie",
        "intro": "Deze versie is een **herkalibratie** van `{base}`: alleen het intercept en de helling "
        "op de logit zijn opnieuw geschat op uitkomstdata; elke andere coëfficiënt is die van het "
        "basismodel maal de helling, zodat het model mensen precies zo rangschikt als het basismodel.",
        "fit": "Geschat: logit p' = {a} + {b} · logit p (standaardfouten {sa} en {sb}).",
        "data": "Data: {data}.",
        "period": "Periode van inschrijving: {start} tot en met {end}; uitkomsten bekend op {seen}; wie "
        "nog geen {months} maanden gevolgd was, is niet meegenomen.",
        "before": "Op deze data had het basismodel kalibratie in het groot {citl} en helling {slope} "
        "(de geschatte helling).",
    },
}


def recalibration_report(model: ScoringModel, recalibration: Recalibration) -> EvaluationReport:
    """Evaluate the recalibrated ``model`` on the data it was recalibrated on (optimistic: say so)."""
    return evaluate(
        recalibration.outcomes,
        recalibration.recalibrated(recalibration.probabilities),
        model_id=model.id,
        model_version=model.version,
        data_description=recalibration.data + " (the recalibration data itself)",
    )


def recalibration_card(
    model: ScoringModel, recalibration: Recalibration, *, language: str = "en"
) -> str:
    """Return the model card of the recalibrated ``model`` with its recalibration section (markdown).

    The card is :func:`werkmap.profiler.model_card.model_card` of the new version, evaluated on the
    recalibration data, followed by a section that says it is a recalibration, of which model, on which
    data and period.
    """
    from werkmap.profiler.evaluate import calibration
    from werkmap.profiler.model_card import Language, model_card
    from werkmap.texts import number

    if language not in ("en", "nl"):
        raise ValueError(f"language must be 'en' or 'nl', got {language!r}")
    lang: Language = "nl" if language == "nl" else "en"
    card = model_card(model, recalibration_report(model, recalibration), language=lang)
    t = _CARD[lang]

    def num(v: float) -> str:
        return "–" if not math.isfinite(v) else number(v, lang, digits=3)

    before = calibration(recalibration.outcomes, recalibration.probabilities)
    section = [
        f"## {t['title']}",
        "",
        t["intro"].format(base=recalibration.base),
        "",
        "- "
        + t["fit"].format(
            a=num(recalibration.intercept),
            b=num(recalibration.slope),
            sa=num(recalibration.intercept_se),
            sb=num(recalibration.slope_se),
        ),
        "- " + t["data"].format(data=recalibration.data),
        "- "
        + t["period"].format(
            start=recalibration.registered_from.isoformat(),
            end=recalibration.registered_until.isoformat(),
            seen=recalibration.observed_until.isoformat(),
            months=recalibration.outcome_months,
        ),
        "- " + t["before"].format(citl=num(before.in_the_large), slope=num(recalibration.slope)),
        "",
    ]
    return card + "\n" + "\n".join(section)
