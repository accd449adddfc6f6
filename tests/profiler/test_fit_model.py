"""From answers and outcomes to a ScoringModel file: encode, fit, build, save, load."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import statsmodels.api as sm

from werkmap.errors import InvalidAnswers, InvalidInput, PerfectSeparation, RankDeficient
from werkmap.profiler.fit import FittedModel, fit, fit_model, parse_outcome_csv
from werkmap.profiler.model import Encoder, FeatureEncoding, dump_model, parse_model
from werkmap.profiler.questionnaire import AnswerOption, Item, Questionnaire, Text

CREATED = dt.date(2026, 11, 1)


def opts(*codes: str, ordinal: bool = True) -> tuple[AnswerOption, ...]:
    return tuple(
        AnswerOption(code=c, label=Text(nl=c, en=c), ordinal=float(i + 1) if ordinal else None)
        for i, c in enumerate(codes)
    )


QUESTIONNAIRE = Questionnaire(
    url="https://example.org/werkverkenner-mini",
    version="1",
    status="active",
    valid_from=dt.date(2020, 1, 1),
    title=Text(nl="Mini", en="Mini"),
    items=(
        Item(
            link_id="age",
            type="integer",
            text=Text(nl="Leeftijd", en="Age"),
            required=True,
            min_value=15,
            max_value=70,
        ),
        Item(
            link_id="health",
            type="choice",
            text=Text(nl="Gezondheid", en="Health"),
            required=True,
            options=opts("1", "2", "3", "4", "5"),
        ),
        Item(
            link_id="education",
            type="choice",
            text=Text(nl="Opleiding", en="Education"),
            required=True,
            options=opts("low", "mid", "high", ordinal=False),
        ),
        Item(link_id="worked", type="boolean", text=Text(nl="Gewerkt", en="Worked")),
    ),
)


def population(seed: int, n: int):
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 67, n)
    health = rng.integers(1, 6, n)
    edu = rng.choice(["low", "mid", "high"], n, p=[0.3, 0.45, 0.25])
    worked = rng.random(n) < 0.7
    eta = (
        1.2
        - 0.04 * (age - 40)
        + 0.35 * (health - 3)
        + np.select([edu == "mid", edu == "high"], [0.3, 0.6], 0.0)
        + 0.5 * worked
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    answers = [
        {"age": int(a), "health": str(h), "education": str(e), "worked": bool(w)}
        for a, h, e, w in zip(age, health, edu, worked, strict=True)
    ]
    return answers, y


def fitted(answers, y, **kwargs) -> FittedModel:
    return fit_model(
        answers,
        y,
        questionnaire=QUESTIONNAIRE,
        id="mini",
        version="2026.1",
        valid_from=dt.date(2027, 1, 1),
        created=CREATED,
        data="synthetic test cohort",
        **kwargs,
    )


def test_fit_model_builds_a_scoring_model_with_provenance():
    answers, y = population(1, 4000)
    out = fitted(answers, y)
    model = out.model
    assert model.questionnaire == QUESTIONNAIRE.ref
    assert model.feature_names == (
        "age",
        "health",
        "education=mid",
        "education=high",
        "worked",
    )
    assert model.provenance.created == CREATED
    assert model.provenance.n_observations == 4000
    assert "maximum likelihood" in model.provenance.method
    assert model.provenance.data == "synthetic test cohort"
    assert model.standard_errors == out.result.standard_errors
    assert model.covariance == out.result.covariance
    np.testing.assert_allclose(model.feature_means, out.design.mean(axis=0))
    # the model's coefficients are the fit of its own encoding on the same data (statsmodels agrees)
    design = Encoder(model.encoding).encode_many(answers)
    np.testing.assert_array_equal(design, out.design)
    theirs = sm.Logit(y, sm.add_constant(design)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose([model.intercept, *model.coefficients], theirs.params, atol=1e-6)
    # the true effects are recovered roughly
    coef = dict(zip(model.feature_names, model.coefficients, strict=True))
    assert coef["health"] == pytest.approx(0.35, abs=0.1)
    assert coef["education=high"] == pytest.approx(0.6, abs=0.25)


def test_model_file_round_trips():
    answers, y = population(2, 2000)
    model = fitted(answers, y, l2=0.5).model
    assert "L2-penalised" in model.provenance.method
    assert "approximate" in model.provenance.notice
    again = parse_model(dump_model(model), questionnaire=QUESTIONNAIRE)
    assert again == model


def test_custom_encoding_and_in_sample_predictions():
    answers, y = population(3, 2000)
    encoding = (
        FeatureEncoding(link_id="age", kind="numeric", center=40.0, scale=10.0),
        FeatureEncoding(
            link_id="education", kind="one_hot", levels=("low", "mid", "high"), reference="mid"
        ),
    )
    out = fitted(answers, y, encoding=encoding)
    assert out.model.feature_names == ("age", "education=low", "education=high")
    assert out.result.coefficients["age"] == pytest.approx(-0.4, abs=0.15)
    direct = fit(out.design, y, feature_names=out.model.feature_names)
    np.testing.assert_allclose(out.predict_proba(), direct.predict_proba(out.design))


def test_fit_model_from_an_outcome_table():
    answers, y = population(4, 500)
    lines = ["age,health,education,worked,found_work"]
    lines += [
        f"{a['age']},{a['health']},{a['education']},{str(a['worked']).lower()},{int(o)}"
        for a, o in zip(answers, y, strict=True)
    ]
    table = parse_outcome_csv("\n".join(lines), QUESTIONNAIRE, outcome="found_work")
    from_table = fitted(table, None)
    from_answers = fitted(answers, y)
    assert from_table.model == from_answers.model
    with pytest.raises(TypeError):
        fitted(table, y)


def test_bad_answers_are_listed_per_person():
    answers, y = population(5, 10)
    answers[2] = {**answers[2], "health": "9"}
    answers[7] = {**answers[7], "shoe_size": 44}
    with pytest.raises(InvalidAnswers) as info:
        fitted(answers, y)
    assert [p.path for p in info.value.problems] == ["$[2].health", "$[7].shoe_size"]


def test_an_answer_level_nobody_chose_is_named():
    answers, y = population(6, 1000)
    answers = [
        {**a, "education": "low" if a["education"] == "high" else a["education"]} for a in answers
    ]
    with pytest.raises(RankDeficient, match="education=high"):
        fitted(answers, y)


def test_an_answer_that_predicts_the_outcome_is_named():
    answers, y = population(7, 1000)
    y = np.where([a["education"] == "high" for a in answers], 1.0, y)
    with pytest.raises(PerfectSeparation, match="education=high"):
        fitted(answers, y)


def test_table_of_another_questionnaire_is_refused():
    other = Questionnaire(
        url="https://example.org/other",
        version="1",
        status="active",
        valid_from=dt.date(2020, 1, 1),
        title=Text(nl="Ander", en="Other"),
        items=(Item(link_id="age", type="integer", text=Text(nl="Leeftijd", en="Age")),),
    )
    table = parse_outcome_csv("age,y\n30,1\n40,0\n", other, outcome="y")
    with pytest.raises(InvalidInput, match="validated against"):
        fitted(table, None)


def test_fitting_names_are_exported_lazily_from_the_profiler():
    import subprocess
    import sys

    code = (
        "import sys, werkmap.profiler as p; "
        "print('werkmap.profiler.fit' in sys.modules, 'werkmap.profiler.evaluate' in sys.modules); "
        "from werkmap.profiler import fit_model, EvaluationReport, model_card, auc; "
        "print(fit_model.__module__, EvaluationReport.__module__, model_card.__module__); "
        "print(sorted(set(p.__all__) - set(dir(p))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "False False"
    assert lines[1] == "werkmap.profiler.fit werkmap.profiler.evaluate werkmap.profiler.model_card"
    import werkmap.profiler as profiler

    for name in profiler.__all__:
        assert getattr(profiler, name) is not None
    with pytest.raises(AttributeError, match="no_such_name"):
        profiler.no_such_name  # noqa: B018
