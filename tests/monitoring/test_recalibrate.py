"""Recalibration-only updates: the fit, the new version, its card."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from werkmap.errors import InvalidInput, InvalidModel
from werkmap.monitoring import recalibrate, recalibration_card
from werkmap.monitoring.recalibrate import fit_recalibration, recalibrated_model
from werkmap.outcomes import outcomes
from werkmap.profiler.evaluate import auc
from werkmap.profiler.model import default_model, dump_model, parse_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score_batch

from .world import cohort_answers, make_folders

START = dt.date(2024, 1, 1)
ON = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def drifted() -> tuple[list, np.ndarray, list]:
    """Folders whose true chance of work is logit⁻¹(0.4 + 0.7 · logit p): the model has drifted."""
    answers = cohort_answers(12_000, 31)
    p = score_batch(answers, default_model(), default_questionnaire()).probabilities
    logit = np.log(p / (1 - p))
    truth = 1 / (1 + np.exp(-(0.4 + 0.7 * logit)))
    return make_folders(answers, start=START, months=6, seed=8, truth=truth), p, answers


def test_recalibration_recovers_the_planted_intercept_and_slope(drifted) -> None:
    folders, _, _ = drifted
    recal = fit_recalibration(default_model(), outcomes(folders, observed_until=ON))
    assert recal.n == 12_000
    assert recal.intercept == pytest.approx(0.4, abs=4 * recal.intercept_se)
    assert recal.slope == pytest.approx(0.7, abs=4 * recal.slope_se)


def test_new_version_scales_coefficients_and_keeps_the_ranking(drifted) -> None:
    folders, p_old, answers = drifted
    base = default_model()
    new = recalibrate(
        base,
        outcomes(folders, observed_until=ON),
        version="2017.1-r1",
        valid_from=dt.date(2026, 1, 1),
        created=ON,
        questionnaire=default_questionnaire(),
    )
    recal = fit_recalibration(base, outcomes(folders, observed_until=ON))
    assert new.ref == "werkverkenner-illustrative|2017.1-r1"
    assert new.intercept == pytest.approx(recal.intercept + recal.slope * base.intercept)
    assert np.allclose(new.coefficients, np.array(base.coefficients) * recal.slope)
    assert new.encoding == base.encoding
    assert new.cut_points == base.cut_points
    assert new.standard_errors is None
    assert "recalibration" in new.provenance.method
    assert "2024-01" in new.provenance.data
    p_new = score_batch(answers, new, default_questionnaire()).probabilities
    assert np.allclose(p_new, recal.recalibrated(p_old))  # logit p' = a + b · logit p, exactly
    y = outcomes(folders, observed_until=ON).work_found_within(12)
    assert auc(y, p_new) == pytest.approx(auc(y, p_old))
    assert parse_model(dump_model(new), questionnaire=default_questionnaire()) == new


def test_a_recalibration_is_a_new_version(drifted) -> None:
    folders, _, _ = drifted
    base = default_model()
    recal = fit_recalibration(base, outcomes(folders, observed_until=ON))
    with pytest.raises(InvalidModel, match="new version"):
        recalibrated_model(base, recal, version=base.version, valid_from=ON, created=ON)


def test_no_followed_up_outcomes_is_refused(drifted) -> None:
    folders, _, _ = drifted
    with pytest.raises(InvalidInput, match="followed up"):
        fit_recalibration(default_model(), outcomes(folders, observed_until=dt.date(2024, 6, 1)))


def test_unfinished_follow_up_is_left_out(drifted) -> None:
    folders, _, _ = drifted
    # on 2025-03-31 only those registered up to 2024-04-01 are followed up for 12 months
    seen = dt.date(2025, 3, 31)
    recal = fit_recalibration(default_model(), outcomes(folders, observed_until=seen))
    expected = sum(1 for f in folders if f.registered_on <= dt.date(2024, 4, 1))
    assert recal.n == expected
    assert recal.registered_until <= dt.date(2024, 4, 1)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_card_says_it_is_a_recalibration(drifted, language: str) -> None:
    folders, _, _ = drifted
    base = default_model()
    recal = fit_recalibration(base, outcomes(folders, observed_until=ON))
    new = recalibrated_model(base, recal, version="r1", valid_from=ON, created=ON)
    card = recalibration_card(new, recal, language=language)
    title = "## Recalibration" if language == "en" else "## Herkalibratie"
    assert title in card
    assert base.ref in card
    assert "2024-01" in card
    assert ON.isoformat() in card
    assert "werkverkenner-illustrative r1" in card  # the card is the new version's
