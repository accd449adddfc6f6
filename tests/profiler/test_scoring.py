"""Scoring one person and a population: one core, agreement, explanations, versions, peers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap import serialization
from werkmap.errors import InvalidAnswers, InvalidInput, VersionMismatch
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire, validate_answers
from werkmap.profiler.scoring import Profile, check_compatible, score, score_batch, scoring_core
from werkmap.profiler.synthetic import simulate_outcomes, synthetic_answers, synthetic_cohort

Q = default_questionnaire()
M = default_model()


def one_person(seed: int = 1) -> dict[str, object]:
    return synthetic_answers(1, seed=seed)[0]


def test_score_returns_a_full_profile():
    p = score(one_person(), M, Q)
    assert 0.0 < p.probability < 1.0
    assert p.band == M.band(p.probability)
    lo, hi = p.interval
    assert lo < p.probability < hi
    assert set(p.item_contributions) == {e.link_id for e in M.encoding}
    assert p.baseline_log_odds + sum(p.item_contributions.values()) == pytest.approx(
        p.log_odds, abs=1e-12
    )
    assert sum(p.construct_contributions.values()) == pytest.approx(
        sum(p.item_contributions.values()), abs=1e-12
    )
    assert p.questionnaire == Q.ref
    assert p.model == M.ref


def test_the_diagnosis_lists_the_most_negative_constructs():
    for seed in range(20):
        p = score(one_person(seed), M, Q, top=3)
        negative = sorted((v, c) for c, v in p.construct_contributions.items() if v < 0)
        assert p.diagnosis == tuple(c for _, c in negative[:3])
        assert all(p.construct_contributions[c] < 0 for c in p.diagnosis)


def test_the_interval_is_the_delta_method_interval():
    answers = validate_answers(one_person(3), Q)
    p = score(answers, M, Q)
    x = np.concatenate([[1.0], scoring_core(M, Q).encoder.encode(answers)])
    se = np.sqrt(x @ np.array(M.covariance) @ x)
    expit = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert p.interval[0] == pytest.approx(expit(p.log_odds - 1.959963984540054 * se), rel=1e-10)
    assert p.interval[1] == pytest.approx(expit(p.log_odds + 1.959963984540054 * se), rel=1e-10)


def test_a_model_without_covariance_gives_no_interval():
    m = attrs.evolve(M, covariance=None, standard_errors=None)
    assert score(one_person(), m, Q).interval is None


def test_answers_of_another_questionnaire_version_are_refused():
    other = attrs.evolve(Q, version="2099.1")
    with pytest.raises(VersionMismatch, match="calibrated for"):
        score(one_person(), M, other)
    with pytest.raises(VersionMismatch):
        score_batch(synthetic_answers(2), M, other)


def test_validity_dates_are_checked_when_a_date_is_given():
    check_compatible(Q, M, on=dt.date(2020, 1, 1))
    with pytest.raises(VersionMismatch, match="not valid on"):
        score(one_person(), M, Q, on=dt.date(2016, 12, 31))
    ended = attrs.evolve(Q, valid_until=dt.date(2018, 12, 31))
    m = attrs.evolve(M, questionnaire=ended.ref)
    with pytest.raises(VersionMismatch, match="questionnaire"):
        check_compatible(ended, m, on=dt.date(2019, 1, 1))


def test_invalid_answers_are_refused_with_every_problem():
    answers = {**one_person(), "q01": 7, "q05": "9"}
    with pytest.raises(InvalidAnswers) as err:
        score(answers, M, Q)
    assert [p.path for p in err.value.problems] == ["$.q01", "$.q05"]


def test_unvalidated_nonsense_is_still_refused_when_validation_is_off():
    with pytest.raises(InvalidAnswers):
        score({**one_person(), "q05": "9"}, M, Q, validate=False)
    with pytest.raises(InvalidAnswers):
        score({**one_person(), "q01": "old"}, M, Q, validate=False)


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=12))
def test_batch_and_single_agree(seed, n):
    cohort = synthetic_cohort(n, seed=seed)
    people = cohort.answers()
    batch = score_batch(cohort.design(M.encoding), M, Q, contributions=True)
    from_answers = score_batch(people, M, Q, contributions=True)
    np.testing.assert_allclose(from_answers.probabilities, batch.probabilities, rtol=0, atol=1e-12)
    for i, answers in enumerate(people):
        p = score(answers, M, Q)
        assert abs(p.probability - batch.probabilities[i]) <= 1e-12
        assert p.band == batch.bands[i]
        items = np.array([p.item_contributions[k] for k in batch.items])
        np.testing.assert_allclose(items, batch.item_contributions[i], rtol=0, atol=1e-12)
        constructs = np.array([p.construct_contributions[c] for c in batch.constructs])
        np.testing.assert_allclose(constructs, batch.construct_contributions[i], rtol=0, atol=1e-12)


@given(st.floats(min_value=-40, max_value=40))
def test_batch_and_single_agree_on_the_band_edges(shift):
    # move the intercept so that scores land anywhere, including far in the tails
    m = attrs.evolve(M, intercept=M.intercept + shift)
    cohort = synthetic_cohort(5, seed=11)
    batch = score_batch(cohort.design(m.encoding), m)
    for i, answers in enumerate(cohort.answers()):
        p = score(answers, m, Q)
        assert abs(p.probability - batch.probabilities[i]) <= 1e-12
        assert p.band == batch.bands[i]


def test_exactly_one_half_is_in_the_25_50_band_in_both_paths():
    m = attrs.evolve(M, intercept=0.0)
    zero = [0.0] * len(M.feature_names)
    batch = score_batch(np.array([zero]), m)
    single = scoring_core(m, Q).one(zero)
    assert batch.probabilities[0] == single.probability == 0.5
    assert batch.bands[0] == single.band == "25-50"


def test_probabilities_equal_scikit_learns():
    from sklearn.linear_model import LogisticRegression

    x = synthetic_cohort(2000, seed=4).design(M.encoding)
    lr = LogisticRegression()
    lr.coef_ = np.array([M.coefficients])
    lr.intercept_ = np.array([M.intercept])
    lr.classes_ = np.array([0, 1])
    np.testing.assert_allclose(
        score_batch(x, M).probabilities, lr.predict_proba(x)[:, 1], rtol=0, atol=1e-14
    )


def test_batch_contributions_add_up_to_the_log_odds():
    x = synthetic_cohort(500, seed=8).design(M.encoding)
    b = score_batch(x, M, Q, contributions=True)
    baseline = scoring_core(M, Q).one(list(np.array(M.feature_means))).log_odds
    logit = np.log(b.probabilities / (1 - b.probabilities))
    np.testing.assert_allclose(b.item_contributions.sum(axis=1) + baseline, logit, atol=1e-9)
    np.testing.assert_allclose(
        b.construct_contributions.sum(axis=1), b.item_contributions.sum(axis=1), atol=1e-12
    )
    assert b.constructs[0] == "age"
    assert sum(b.band_counts().values()) == len(b) == 500


def test_batch_input_errors():
    with pytest.raises(InvalidInput, match="columns"):
        score_batch(np.zeros((3, 2)), M)
    x = np.zeros((4, len(M.feature_names)))
    x[2, 0] = np.nan
    with pytest.raises(InvalidInput) as err:
        score_batch(x, M)
    assert [p.path for p in err.value.problems] == ["$[2]"]
    people = synthetic_answers(3, seed=2)
    people[1] = {**people[1], "q01": 3}
    with pytest.raises(InvalidAnswers) as err:
        score_batch(people, M, Q)
    assert [p.path for p in err.value.problems] == ["$[1].q01"]
    with pytest.raises(TypeError):
        score_batch(people, M)
    assert len(score_batch([], M, Q)) == 0


def test_the_default_model_matches_the_published_figures():
    """Calibration targets (see the concept page): mean 0.65, 29.7 % at most 50 %."""
    b = score_batch(synthetic_cohort(100_000, seed=99).design(M.encoding), M, Q)
    assert 0.63 <= b.probabilities.mean() <= 0.67
    share = (b.probabilities <= 0.5).mean()
    assert abs(share - 70_300 / 236_400) < 0.02
    counts = b.band_counts()
    assert list(counts) == ["0-25", "25-50", "50-75", "75-100"]
    assert all(c > 5_000 for c in counts.values())  # every band is populated
    # simulated outcomes have the model's overall work-resumption rate ("most find work")
    y = simulate_outcomes(b.probabilities, seed=1)
    assert 0.62 <= y.mean() <= 0.68


def test_synthetic_cohorts_are_reproducible():
    a = synthetic_cohort(50, seed=3)
    b = synthetic_cohort(50, seed=3)
    assert a.answers() == b.answers()
    assert a.answers() != synthetic_cohort(50, seed=4).answers()
    with pytest.raises(ValueError, match="non-negative"):
        synthetic_cohort(-1)


def test_a_profile_serialises_in_an_envelope():
    p = score(one_person(), M, Q)
    text = serialization.dumps(p)
    back = serialization.loads(text, Profile)
    assert back == p


def test_importing_werkmap_does_not_import_scipy():
    code = "import sys, werkmap, werkmap.profiler; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unvalidated_batches_with_unknown_codes_are_refused_by_index():
    people = synthetic_answers(3, seed=2)
    people[2] = {**people[2], "q05": "9"}
    with pytest.raises(InvalidAnswers) as err:
        score_batch(people, M, Q, validate=False)
    assert [p.path for p in err.value.problems] == ["$[2]"]


def test_a_profile_keeps_the_answers_as_json_texts():
    answers = one_person()
    profile = score(answers, M, Q)
    import json

    assert profile.answers == {
        k: json.dumps(v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in validate_answers(answers, Q).items()
    }
