"""Short reprs and rich notebook HTML for every value an analyst meets, and their DataFrames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from werkmap.dashboard import build_dashboard
from werkmap.plan import folder as wf
from werkmap.profiler import default_model, default_questionnaire, score, score_batch
from werkmap.profiler.evaluate import evaluate
from werkmap.profiler.fit import fit, fit_model
from werkmap.profiler.synthetic import simulate_outcomes, synthetic_answers
from werkmap.report import compare, period_report, scaled

EVIL = "<b>&x</b>"
DAY = dt.date(2025, 3, 3)
Q = default_questionnaire()
M = default_model()


def folders(n: int = 14) -> list[wf.WorkFolder]:
    out = []
    for i in range(n):
        f, _ = wf.create_folder(f"f-{i:02d}", on=DAY, jobseeker_ref=f"{EVIL}{i}", coach_id="c-7")
        f, _ = wf.add_activity(
            f, f"a-{i}", "application", due=DAY + dt.timedelta(days=i), on=DAY, actor=EVIL
        )
        out.append(f)
    return out


def rows_of(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


def check_short(value: object, start: str, bound: int = 300) -> None:
    text = repr(value)
    assert text.startswith(start), text
    assert len(text) < bound, text
    assert "\n" not in text


def test_scoring_model_and_questionnaire_reprs_are_small():
    check_short(M, "<ScoringModel ")
    check_short(Q, "<Questionnaire ")
    html = M._repr_html_()
    assert rows_of(html) == 10
    assert f"… {len(M.parameter_names) - 10} more rows" in html
    assert len(html) < 6000, "not the whole 15 KB model"
    assert rows_of(Q._repr_html_()) == 10


def test_profile_and_batch_scores():
    answers = synthetic_answers(30, seed=2)
    profile = score(answers[0], Q, M)
    check_short(profile, "<Profile probability=")
    html = profile._repr_html_()
    assert rows_of(html) == min(10, len(profile.construct_contributions))
    assert "log-odds contribution" in html
    batch = score_batch(answers, M, Q)
    check_short(batch, "<BatchScores 30 people")
    assert rows_of(batch._repr_html_()) == 10
    assert "… 20 more rows" in batch._repr_html_()


def test_fit_result_and_evaluation_report():
    rows = synthetic_answers(600, seed=3)
    y = simulate_outcomes(score_batch(rows, M, Q).probabilities, seed=4)
    fitted = fit_model(rows, y, questionnaire=Q, id="m", version="1", valid_from=DAY, created=DAY)
    check_short(fitted.result, "<FitResult ")
    check_short(fitted, "<FittedModel m 1")
    assert "Coef." in fitted._repr_html_()
    pd.testing.assert_frame_equal(fitted.to_frame(), fitted.result.to_frame())
    groups = np.array([EVIL if i % 2 else f"g{i % 7}" for i in range(600)])
    report = evaluate(y, fitted.predict_proba(), groups=groups, group_column="g")
    check_short(report, "<EvaluationReport: n=600")
    html = report._repr_html_()
    assert "&lt;b&gt;&amp;x&lt;/b&gt;" in html
    assert EVIL not in html
    assert rows_of(html) == min(10, 1 + len(report.groups))


def test_work_folder_repr_is_one_line_and_its_html_the_first_events():
    f = folders(1)[0]
    for day in range(12):
        f, _ = wf.add_activity(f, f"b-{day}", "application", due=DAY, on=DAY, actor="c-7")
    check_short(f, "<WorkFolder f-00 v")
    assert f"{len(f.events)} events" in repr(f)
    html = f._repr_html_()
    assert rows_of(html) == 10
    assert f"… {len(f.events) - 10} more rows" in html
    assert "&lt;b&gt;&amp;x&lt;/b&gt;0" in html
    assert EVIL not in html


def test_dashboard_repr_and_html_show_first_rows_and_a_count():
    board = build_dashboard(folders(), coach_id=EVIL, on=DAY)
    check_short(board, f"<Dashboard of {EVIL} on 2025-03-03: 14 folders")
    html = board._repr_html_()
    assert rows_of(html) == 10
    assert "... and 4 more folder(s)" in html
    assert "14 folder(s)" in html, "the summary still counts every row"
    assert EVIL not in html
    assert rows_of(board.to_html()) == 14
    frame = board.to_frame()
    assert list(frame.index) == [r.folder_id for r in board.rows]
    assert frame["next_deadline"].dtype.kind == "M"
    assert list(frame.columns)[:2] == ["jobseeker_ref", "band"]
    assert build_dashboard([], coach_id="c", on=DAY).to_frame().empty


def test_period_report_and_comparison():
    fs = folders()
    report = period_report(fs, start=DAY, end=DAY + dt.timedelta(days=30))
    check_short(report, "<PeriodReport 2025-03-03 - 2025-04-02: 26 figures; registered 14")
    html = report._repr_html_()
    assert rows_of(html) == 10
    assert "… 16 more rows" in html
    frame = report.to_frame()
    assert list(frame.index) == list(report.figures)
    assert frame.loc["registered", "value"] == 14
    assert frame.loc["registered", "label_nl"] == "Ingeschreven"
    comparison = compare(report, scaled(report, 2))
    check_short(comparison, "<Comparison 2025-03-03 - 2025-04-02 against forecast")
    assert rows_of(comparison._repr_html_()) == 10
    table = comparison.to_frame()
    assert table.loc["registered"].tolist() == [14, 28, -14, -0.5]


def test_fit_result_repr_does_not_grow_with_the_parameters():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 30))
    y = (rng.random(400) < 0.5).astype(float)
    check_short(fit(x, y), "<FitResult 31 parameters", bound=200)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_dashboard_html_limit_is_checked(language):
    board = build_dashboard(folders(3), coach_id="c", on=DAY)
    assert rows_of(board.to_html(language, limit=1)) == 1
    with pytest.raises(Exception, match="at least 0"):
        board.to_html(language, limit=-1)
