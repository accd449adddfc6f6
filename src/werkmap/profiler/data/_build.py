"""Rebuild the packaged questionnaire and illustrative model files (a maintainer's script).

Run ``python -m werkmap.profiler.data._build`` from the repository root; it rewrites the two JSON files
next to this module. The procedure (documented in ``docs/concepts/profiler.md``):

1. The questionnaire's structure follows the public descriptions of the Work Profiler (constructs of
   Brouwer et al. 2011 and Wijnhoven et al. 2023); item texts and scales are werkmap's own wording.
2. Coefficient *directions and relative sizes* are set by hand from those sources (age and perceived
   health weigh most among hard and soft factors; expectation and self-efficacy among the soft ones).
3. An intercept and one common scale factor are then solved so that, on a seeded synthetic cohort of
   100,000 people, the mean predicted probability is 0.65 ("most WW'ers find work within a year") and
   29.7 % score at most 50 % (70,300 orientation conversations with a weak/moderate position among the
   236,400 who filled in the profiler, UWV 2017).
4. Standard errors and covariance are those maximum likelihood would report at these coefficients on a
   synthetic cohort of 20,000 people (inverse Fisher information): illustrative too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from werkmap.profiler.model import (
    DEFAULT_MODEL_FILE,
    FeatureEncoding,
    Provenance,
    build_model,
    dump_model,
)
from werkmap.profiler.questionnaire import (
    DEFAULT_QUESTIONNAIRE_FILE,
    AnswerOption,
    ConstructLabel,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    dump_questionnaire,
)

HERE = Path(__file__).resolve().parent
URL = "https://werkmap.org/fhir/Questionnaire/werkverkenner"
TARGET_MEAN = 0.65
TARGET_AT_MOST_HALF = 70_300 / 236_400

NOTICE_NL = (
    "Illustratief: de echte vragen, antwoordschalen en coëfficiënten van de Werkverkenner zijn niet "
    "openbaar. Deze vragenlijst volgt de gepubliceerde opbouw (factoren) met eigen formuleringen; laad de "
    "eigen vragenlijst en het eigen model van uw organisatie of fit een model op eigen uitkomstdata."
)
NOTICE_EN = (
    "Illustrative: the Work Profiler's real item texts, answer scales and coefficients are not public. "
    "This questionnaire follows the published structure (constructs) in werkmap's own wording; load "
    "your agency's own questionnaire and model files, or fit a model on your own outcome data."
)

CONSTRUCTS = (
    ConstructLabel(construct="age", label=Text(nl="leeftijd", en="age")),
    ConstructLabel(construct="education", label=Text(nl="opleiding", en="education")),
    ConstructLabel(construct="work_history", label=Text(nl="werkverleden", en="work history")),
    ConstructLabel(
        construct="reemployment_expectation",
        label=Text(nl="verwachting over werkhervatting", en="re-employment expectation"),
    ),
    ConstructLabel(
        construct="job_search_intention",
        label=Text(nl="intentie om te solliciteren", en="job-search intention"),
    ),
    ConstructLabel(
        construct="attitude",
        label=Text(nl="houding tegenover werk zoeken", en="attitude towards job search"),
    ),
    ConstructLabel(construct="social_norm", label=Text(nl="sociale norm", en="social norm")),
    ConstructLabel(
        construct="self_efficacy", label=Text(nl="vertrouwen in eigen kunnen", en="self-efficacy")
    ),
    ConstructLabel(
        construct="perceived_health", label=Text(nl="ervaren gezondheid", en="perceived health")
    ),
    ConstructLabel(construct="attribution", label=Text(nl="toeschrijving", en="attribution")),
    ConstructLabel(construct="motivation", label=Text(nl="motivatie", en="motivation")),
)
"""The names of the constructs, Dutch and English (shown in explanations instead of the ids)."""

AGREE = (
    ("helemaal mee oneens", "strongly disagree"),
    ("mee oneens", "disagree"),
    ("niet mee eens, niet mee oneens", "neither agree nor disagree"),
    ("mee eens", "agree"),
    ("helemaal mee eens", "strongly agree"),
)


def _options(labels: Any, *, ordinal: bool = True) -> tuple[AnswerOption, ...]:
    return tuple(
        AnswerOption(
            code=str(i + 1), label=Text(nl=nl, en=en), ordinal=float(i + 1) if ordinal else None
        )
        for i, (nl, en) in enumerate(labels)
    )


def _likert(link_id: str, construct: str, nl: str, en: str) -> Item:
    return Item(
        link_id=link_id,
        type="choice",
        text=Text(nl=nl, en=en),
        construct=construct,
        required=True,
        options=_options(AGREE),
    )


def questionnaire() -> Questionnaire:
    """Return the packaged Work Profiler structure."""
    items = (
        Item(
            link_id="intro",
            type="display",
            text=Text(
                nl="Deze vragen gaan over u, uw werkverleden en hoe u tegen werk zoeken aankijkt.",
                en="These questions are about you, your work history and how you see looking for work.",
            ),
        ),
        Item(
            link_id="q01",
            type="integer",
            text=Text(nl="Wat is uw leeftijd?", en="What is your age?"),
            construct="age",
            required=True,
            min_value=16,
            max_value=70,
        ),
        Item(
            link_id="q02",
            type="choice",
            text=Text(
                nl="Wat is uw hoogst afgeronde opleiding?",
                en="What is the highest level of education you completed?",
            ),
            construct="education",
            required=True,
            options=(
                AnswerOption(code="basis", label=Text(nl="basisonderwijs", en="primary school")),
                AnswerOption(
                    code="vmbo", label=Text(nl="vmbo of mavo", en="pre-vocational secondary")
                ),
                AnswerOption(code="mbo", label=Text(nl="mbo", en="secondary vocational (mbo)")),
                AnswerOption(
                    code="havo_vwo", label=Text(nl="havo of vwo", en="senior general secondary")
                ),
                AnswerOption(
                    code="hbo", label=Text(nl="hbo", en="higher professional education (hbo)")
                ),
                AnswerOption(code="wo", label=Text(nl="universiteit", en="university")),
            ),
        ),
        Item(
            link_id="q03",
            type="integer",
            text=Text(
                nl="Hoeveel jaar heeft u in totaal betaald gewerkt?",
                en="How many years have you worked for pay in total?",
            ),
            construct="work_history",
            required=True,
            min_value=0,
            max_value=55,
        ),
        Item(
            link_id="q04",
            type="choice",
            text=Text(
                nl="Hoe lang werkte u bij uw laatste werkgever?",
                en="How long did you work for your last employer?",
            ),
            construct="work_history",
            required=True,
            options=_options(
                (
                    ("korter dan 1 jaar", "less than 1 year"),
                    ("1 tot 5 jaar", "1 to 5 years"),
                    ("5 tot 10 jaar", "5 to 10 years"),
                    ("10 jaar of langer", "10 years or more"),
                )
            ),
        ),
        Item(
            link_id="q05",
            type="choice",
            text=Text(
                nl="Hoe groot schat u de kans dat u binnen een half jaar weer werk heeft?",
                en="How likely do you think it is that you will have work again within six months?",
            ),
            construct="reemployment_expectation",
            required=True,
            options=_options(
                (
                    ("zeer klein", "very unlikely"),
                    ("klein", "unlikely"),
                    ("niet klein, niet groot", "neither likely nor unlikely"),
                    ("groot", "likely"),
                    ("zeer groot", "very likely"),
                )
            ),
        ),
        _likert(
            "q06",
            "reemployment_expectation",
            "Ik verwacht dat ik snel weer aan het werk ben.",
            "I expect to be back at work soon.",
        ),
        _likert(
            "q07",
            "job_search_intention",
            "Ik ben van plan de komende vier weken actief te solliciteren.",
            "I intend to apply for jobs actively in the coming four weeks.",
        ),
        Item(
            link_id="q08",
            type="integer",
            text=Text(
                nl="Hoeveel sollicitaties wilt u de komende vier weken doen?",
                en="How many applications do you plan to make in the coming four weeks?",
            ),
            construct="job_search_intention",
            required=True,
            min_value=0,
            max_value=50,
        ),
        _likert(
            "q09",
            "attitude",
            "Solliciteren is voor mij zinvol.",
            "Applying for jobs is worthwhile for me.",
        ),
        _likert(
            "q10",
            "attitude",
            "Ik vind solliciteren prettig om te doen.",
            "I like applying for jobs.",
        ),
        _likert(
            "q11",
            "social_norm",
            "Mensen die belangrijk voor mij zijn, vinden dat ik werk moet zoeken.",
            "People who are important to me think I should look for work.",
        ),
        _likert(
            "q12",
            "self_efficacy",
            "Ik weet hoe ik vacatures vind die bij mij passen.",
            "I know how to find vacancies that suit me.",
        ),
        _likert(
            "q13",
            "self_efficacy",
            "Ik kan mijzelf goed presenteren in een sollicitatiegesprek.",
            "I can present myself well in a job interview.",
        ),
        Item(
            link_id="q14",
            type="choice",
            text=Text(
                nl="Hoe is over het algemeen uw gezondheid?",
                en="In general, how is your health?",
            ),
            construct="perceived_health",
            required=True,
            options=_options(
                (
                    ("slecht", "poor"),
                    ("matig", "fair"),
                    ("goed", "good"),
                    ("zeer goed", "very good"),
                    ("uitstekend", "excellent"),
                )
            ),
        ),
        Item(
            link_id="q15",
            type="boolean",
            text=Text(
                nl="Belemmert uw gezondheid u bij het vinden of doen van werk?",
                en="Does your health hinder you in finding or doing work?",
            ),
            construct="perceived_health",
            required=True,
        ),
        Item(
            link_id="q16",
            type="choice",
            text=Text(
                nl="Hoe sterk belemmert uw gezondheid u?",
                en="How much does your health hinder you?",
            ),
            construct="perceived_health",
            required=True,
            options=_options(
                (("een beetje", "a little"), ("nogal", "quite a lot"), ("erg", "very much"))
            ),
            enable_when=(EnableWhen(question="q15", operator="=", answer=True),),
        ),
        _likert(
            "q17",
            "attribution",
            "Of ik werk vind, hangt vooral van mijzelf af.",
            "Whether I find work depends mainly on myself.",
        ),
        _likert(
            "q18",
            "attribution",
            "Of ik werk vind, is vooral een kwestie van geluk.",
            "Whether I find work is mainly a matter of luck.",
        ),
        _likert(
            "q19",
            "motivation",
            "Ik wil graag weer aan het werk.",
            "I would really like to be back at work.",
        ),
    )
    return Questionnaire(
        url=URL,
        version="2017.1",
        status="active",
        valid_from=dt.date(2017, 1, 1),
        title=Text(nl="Werkverkenner", en="Work Profiler"),
        description=Text(nl=NOTICE_NL, en=NOTICE_EN),
        items=items,
        constructs=CONSTRUCTS,
    )


def _ordinal(link_id: str, n: int, center: float) -> FeatureEncoding:
    return FeatureEncoding(
        link_id=link_id,
        kind="ordinal",
        levels=tuple(str(i) for i in range(1, n + 1)),
        values=tuple(float(i) for i in range(1, n + 1)),
        center=center,
    )


ENCODING = (
    FeatureEncoding(link_id="q01", kind="numeric", center=44.0, scale=10.0),
    FeatureEncoding(
        link_id="q02",
        kind="one_hot",
        levels=("basis", "vmbo", "mbo", "havo_vwo", "hbo", "wo"),
        reference="mbo",
    ),
    FeatureEncoding(link_id="q03", kind="numeric", center=20.0, scale=10.0),
    _ordinal("q04", 4, 2.5),
    _ordinal("q05", 5, 3.0),
    _ordinal("q06", 5, 3.0),
    _ordinal("q07", 5, 3.0),
    FeatureEncoding(link_id="q08", kind="numeric", center=5.0, scale=5.0),
    _ordinal("q09", 5, 3.0),
    _ordinal("q10", 5, 3.0),
    _ordinal("q11", 5, 3.0),
    _ordinal("q12", 5, 3.0),
    _ordinal("q13", 5, 3.0),
    _ordinal("q14", 5, 3.0),
    FeatureEncoding(link_id="q15", kind="numeric"),
    FeatureEncoding(
        link_id="q16",
        kind="ordinal",
        levels=("1", "2", "3"),
        values=(1.0, 2.0, 3.0),
        missing=0.0,
    ),
    _ordinal("q17", 5, 3.0),
    _ordinal("q18", 5, 3.0),
    _ordinal("q19", 5, 3.0),
)

# Hand-set relative weights (log-odds per feature unit) before the common scale factor.
WEIGHTS = {
    "q01": -0.40,  # per 10 years of age
    "q02=basis": -0.45,
    "q02=vmbo": -0.20,
    "q02=havo_vwo": 0.05,
    "q02=hbo": 0.20,
    "q02=wo": 0.25,
    "q03": 0.10,  # per 10 years worked
    "q04": 0.05,
    "q05": 0.30,
    "q06": 0.22,
    "q07": 0.12,
    "q08": 0.10,  # per 5 planned applications
    "q09": 0.06,
    "q10": 0.04,
    "q11": 0.05,
    "q12": 0.10,
    "q13": 0.12,
    "q14": 0.28,
    "q15": -0.30,
    "q16": -0.15,
    "q17": 0.08,
    "q18": -0.08,
    "q19": 0.12,
}


def _calibrate(
    x: np.ndarray[Any, np.dtype[np.float64]], w: np.ndarray[Any, Any]
) -> tuple[float, float]:
    """Solve intercept ``b`` and scale ``s`` so that mean(p) and share(p <= 0.5) hit their targets."""
    from scipy.optimize import brentq

    lin = x @ w
    # share(p <= 0.5) = share(b + s * lin <= 0)  =>  b = -s * quantile(lin, target)
    q = float(np.quantile(lin, TARGET_AT_MOST_HALF))

    def mean_gap(s: float) -> float:
        b = -s * q
        return float(np.mean(1.0 / (1.0 + np.exp(-(b + s * lin))))) - TARGET_MEAN

    s = float(brentq(mean_gap, 0.05, 20.0))
    return -s * q, s


def build(out_dir: Path = HERE) -> dict[str, float]:
    """Write the questionnaire and model files to ``out_dir``; return the calibrated intercept and scale."""
    from werkmap.profiler.synthetic import synthetic_cohort

    q = questionnaire()
    (out_dir / DEFAULT_QUESTIONNAIRE_FILE).write_text(
        dump_questionnaire(q) + "\n", encoding="utf-8"
    )
    names = tuple(n for e in ENCODING for n in e.feature_names())
    w = np.array([WEIGHTS[n] for n in names])
    x = synthetic_cohort(100_000, seed=2017).design(ENCODING)
    b, s = _calibrate(x, w)
    coef = np.round(w * s, 4)
    b = round(b, 4)
    x_small = synthetic_cohort(20_000, seed=2018).design(ENCODING)
    x1 = np.column_stack([np.ones(x_small.shape[0]), x_small])
    p = 1.0 / (1.0 + np.exp(-(x1 @ np.concatenate([[b], coef]))))
    cov = np.linalg.inv(x1.T @ (x1 * (p * (1 - p))[:, None]))
    cov = (cov + cov.T) / 2
    # 9 significant digits: the file does not depend on the last bits of the machine's BLAS
    cov = np.array([[float(f"{v:.9g}") for v in r] for r in cov])
    model = build_model(
        questionnaire=q,
        encoding=ENCODING,
        feature_names=names,
        coefficients=coef,
        intercept=b,
        standard_errors=np.sqrt(np.diag(cov)),
        covariance=cov,
        feature_means=np.round(x.mean(axis=0), 6),
        provenance=Provenance(
            method="illustrative: hand-set relative weights, intercept and common scale calibrated "
            "to published 2017 figures on a synthetic cohort",
            data="synthetic cohort, werkmap.profiler.synthetic seed 2017, n=100000 (calibration); "
            "seed 2018, n=20000 (standard errors)",
            n_observations=20_000,
            created=dt.date(2026, 11, 22),
            notice=NOTICE_EN,
            references=(
                "Brouwer S. et al. (2011), Voorspellers van werkhervatting, RUG/UMCG",
                "Wijnhoven M.A., Dusseldorp E., Guiaux M., Havinga H. (2023), International Social "
                "Security Review 76(2)",
                "UWV Jaarverslag 2017, Dienstverleningsmodel voor WW'ers",
            ),
        ),
        id="werkverkenner-illustrative",
        version="2017.1",
        valid_from=dt.date(2017, 1, 1),
        description=(
            "Illustrative logistic model of work resumption within one year for the packaged Work "
            f"Profiler questionnaire; calibrated so that the mean probability is {TARGET_MEAN} and "
            f"{TARGET_AT_MOST_HALF:.1%} score at most 50 % on a synthetic cohort. Not the agency's model."
        ),
    )
    (out_dir / DEFAULT_MODEL_FILE).write_text(dump_model(model) + "\n", encoding="utf-8")
    return {"intercept": b, "scale": s}


if __name__ == "__main__":
    print(json.dumps(build()))
