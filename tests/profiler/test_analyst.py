"""The analyst's werkmap: DataFrames in and out, integer codes, one argument order, short notebook reprs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from werkmap.errors import InvalidAnswers
from werkmap.profiler.evaluate import evaluate
from werkmap.profiler.fit import fit_model
from werkmap.profiler.model import default_model
from werkmap.profiler.model_card import model_card
from werkmap.profiler.questionnaire import default_questionnaire, validate_answers
from werkmap.profiler.scoring import score, score_batch
from werkmap.profiler.synthetic import simulate_outcomes, synthetic_answers

Q = default_questionnaire()
M = default_model()


def as_integers(answers: dict[str, object]) -> dict[str, object]:
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in answers.items()}


def test_integer_codes_in_a_dict_score_like_strings():
    answers = synthetic_answers(1, seed=3)[0]
    ints = as_integers(answers)
    assert ints["q04"] == int(answers["q04"])  # the test really passes integers
    assert validate_answers(ints, Q) == validate_answers(answers, Q)
    assert score(ints, M, Q) == score(answers, M, Q)
    assert score({**answers, "q04": np.int64(answers["q04"])}, M, Q) == score(answers, M, Q)
    assert score({**answers, "q04": float(answers["q04"])}, M, Q) == score(answers, M, Q)


def test_integer_codes_that_name_no_option_are_refused():
    answers = synthetic_answers(1, seed=3)[0]
    with pytest.raises(InvalidAnswers, match=r"q04: expected one of 1\.\.4, got 7"):
        validate_answers({**answers, "q04": 7}, Q)
    with pytest.raises(InvalidAnswers, match="q04"):
        validate_answers({**answers, "q04": 2.5}, Q)
    with pytest.raises(InvalidAnswers, match="q04"):
        validate_answers({**answers, "q04": True}, Q)


def test_the_old_argument_order_of_score_still_works():
    answers = synthetic_answers(1, seed=4)[0]
    assert score(answers, Q, M) == score(answers, M, Q)  # type: ignore[call-overload]
    batch_old = score_batch(synthetic_answers(5, seed=4), Q, M)  # type: ignore[arg-type]
    batch_new = score_batch(synthetic_answers(5, seed=4), M, Q)
    np.testing.assert_array_equal(batch_old.probabilities, batch_new.probabilities)
    with pytest.raises(TypeError, match="expected a ScoringModel"):
        score_batch(synthetic_answers(1), "model", Q)  # type: ignore[arg-type]


def to_csv(rows: list[dict[str, object]], outcomes: np.ndarray) -> str:
    columns = sorted({k for r in rows for k in r})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*columns, "found_work"])
    writer.writeheader()
    for r, y in zip(rows, outcomes, strict=True):
        writer.writerow({**r, "found_work": int(y)})
    return buf.getvalue()


def test_from_read_csv_to_model_card_through_dataframes():
    rows = synthetic_answers(4000, seed=11)
    truth = score_batch(rows, M, Q)
    outcomes = simulate_outcomes(truth.probabilities, seed=12)
    frame = pd.read_csv(io.StringIO(to_csv(rows, outcomes)))
    assert frame["q04"].dtype.kind in "if"  # pandas gives numbers, not the string codes
    answers = frame.drop(columns=["found_work"])

    # scores: a DataFrame scores as the dicts do, and the result is a DataFrame again
    scores = score_batch(answers, M, Q)
    np.testing.assert_allclose(scores.probabilities, truth.probabilities, rtol=0, atol=1e-15)
    records = answers.to_dict("records")
    np.testing.assert_allclose(
        score_batch(
            [{k: v for k, v in r.items() if not pd.isna(v)} for r in records], M, Q
        ).probabilities,
        truth.probabilities,
        rtol=0,
        atol=1e-15,
    )
    scored = scores.to_frame()
    assert list(scored.columns) == ["probability", "band"]
    assert len(scored) == 4000

    # a fit with its summary equal to statsmodels
    fitted = fit_model(
        frame,
        "found_work",
        questionnaire=Q,
        id="from-csv",
        version="1",
        valid_from=dt.date(2027, 1, 1),
        created=dt.date(2026, 12, 1),
    )
    direct = fit_model(
        rows,
        outcomes,
        questionnaire=Q,
        id="from-csv",
        version="1",
        valid_from=dt.date(2027, 1, 1),
        created=dt.date(2026, 12, 1),
    )
    np.testing.assert_allclose(fitted.result.params, direct.result.params, rtol=0, atol=1e-12)
    theirs = sm.Logit(fitted.outcomes, sm.add_constant(fitted.design)).fit(disp=0)
    expected = theirs.summary2(xname=list(fitted.result.names)).tables[1]
    table = fitted.summary().to_frame()
    assert list(table.index) == list(expected.index)
    np.testing.assert_allclose(
        table.to_numpy(), expected.to_numpy(dtype=float), rtol=1e-8, atol=1e-8
    )
    assert fitted.result.aic == pytest.approx(theirs.aic, abs=1e-8)

    # an evaluation with groups from the frame, and its frame
    p = score_batch(answers, fitted.model, Q).to_frame()["probability"]
    groups = pd.Series(np.where(frame["q01"] >= 50, "50+", "<50"))
    report = evaluate(frame["found_work"], p, groups=groups, group_column="age")
    evaluation = report.to_frame()
    assert list(evaluation.index) == ["all", "50+", "<50"]
    assert evaluation.loc["all", "n"] == 4000
    assert evaluation.loc["all", "auc"] == pytest.approx(report.auc)

    # and a model card
    card = model_card(fitted.model, report)
    assert "from-csv" in card


def test_empty_cells_are_unanswered_items():
    rows = synthetic_answers(20, seed=5)
    frame = pd.DataFrame(rows)  # items not answered by someone are NaN in their row
    assert frame.isna().any().any()
    np.testing.assert_array_equal(
        score_batch(frame, M, Q).probabilities, score_batch(rows, M, Q).probabilities
    )


def test_werkmap_imports_and_scores_without_pandas():
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import werkmap, werkmap.profiler\n"
        "from werkmap.profiler.scoring import score_batch\n"
        "from werkmap.profiler.synthetic import synthetic_answers\n"
        "from werkmap.profiler.model import default_model\n"
        "from werkmap.profiler.questionnaire import default_questionnaire\n"
        "b = score_batch(synthetic_answers(3), default_model(), default_questionnaire())\n"
        "print(len(b), repr(b)[:12])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "3 <BatchScores"


def test_notebook_reprs_are_short_and_show_first_rows():
    rows = synthetic_answers(50, seed=6)
    batch = score_batch(rows, M, Q)
    assert repr(batch).startswith("<BatchScores 50 people")
    html = batch._repr_html_()
    assert html.count("<tr>") == 1 + 10 + 1, "header, ten rows, the more line"
    assert "… 40 more rows" in html
    profile = score(rows[0], M, Q)
    assert repr(profile).startswith(f"<Profile probability={profile.probability:.3f}")
    assert len(repr(profile)) < 300
    assert "<table" in profile._repr_html_()
    assert set(profile.to_frame().index) == set(profile.construct_contributions)
    report = evaluate(simulate_outcomes(batch.probabilities, seed=1), batch.probabilities)
    assert repr(report).startswith("<EvaluationReport: n=50, AUC=")
    assert "<table" in report._repr_html_()
    assert len(repr(M)) < 300
    assert repr(M).startswith("<ScoringModel ")
    assert "<table" in M._repr_html_()
    assert len(repr(Q)) < 300
    assert repr(Q).startswith("<Questionnaire ")
    assert "<table" in Q._repr_html_()
    assert "more rows" in Q._repr_html_()


def test_model_and_questionnaire_frames():
    coefficients = M.to_frame()
    assert list(coefficients.index) == list(M.parameter_names)
    assert coefficients.loc["(intercept)", "coefficient"] == M.intercept
    assert list(coefficients["coefficient"])[1:] == list(M.coefficients)
    items = Q.to_frame()
    assert "q04" in items.index
    assert items.loc["q04", "type"] == "choice"
    assert len(items) == int(repr(Q).split(": ")[1].split(" items")[0])
