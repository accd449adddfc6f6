"""The monitoring report: outcomes linked to the deciding profile, follow-up, calibration, formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import pytest

from werkmap.errors import InvalidPolicy
from werkmap.monitoring import load_monitoring_parameters, monitor
from werkmap.monitoring.groups import age_group, education_group
from werkmap.rules.policy import default_policy

from .world import cohort_answers, make_folders

START = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def folders() -> list:
    return make_folders(cohort_answers(3000, 21), start=START, months=3, seed=5)


def test_unfinished_follow_up_is_pending_not_no_work(folders: list) -> None:
    # On 2025-02-15 January's cohort has 12 months of follow-up, February's only partly, March's none.
    report = monitor(folders, on=dt.date(2025, 2, 15))
    by = {m.month: m for m in report.months}
    assert by["2024-01"].pending == 0
    assert by["2024-01"].followed_up == by["2024-01"].profiled
    assert 0 < by["2024-02"].pending < by["2024-02"].profiled
    assert by["2024-03"].followed_up == 0
    assert by["2024-03"].outcomes.n == 0
    assert by["2024-03"].outcomes.auc is None
    assert by["2024-03"].psi_score is not None


def test_calibrated_model_looks_calibrated(folders: list) -> None:
    report = monitor(folders, on=dt.date(2025, 12, 31))
    for m in report.months:
        o = m.outcomes
        assert o.n == m.profiled == 1000
        assert abs(o.calibration_in_the_large) < 0.2
        assert 0.8 < o.calibration_slope < 1.2
        assert 0.75 < o.auc < 0.95


def test_an_overconfident_model_shows_a_slope_below_one() -> None:
    answers = cohort_answers(4000, 22)
    from werkmap.profiler.model import default_model
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.profiler.scoring import score_batch

    p = score_batch(answers, default_model(), default_questionnaire()).probabilities
    logit = np.log(p / (1 - p))
    truth = 1 / (1 + np.exp(-(0.5 * logit)))  # the world is half as sure as the model
    report = monitor(
        make_folders(answers, start=START, months=1, seed=6, truth=truth), on=dt.date(2025, 6, 30)
    )
    (m,) = report.months
    assert m.outcomes.calibration_slope == pytest.approx(0.5, abs=0.1)


def test_error_rates_per_group_use_the_policy_threshold(folders: list) -> None:
    report = monitor(folders, on=dt.date(2025, 12, 31))
    m = report.months[0]
    assert m.outcomes.threshold == default_policy().at(dt.date(2024, 1, 1)).routing_threshold
    columns = {g.column for g in m.outcomes.groups}
    assert columns == {"all", "age_group", "education", "band"}
    for column in ("age_group", "education", "band"):
        assert sum(g.n for g in m.outcomes.groups if g.column == column) == m.outcomes.n
    bands = {g.group: g for g in m.outcomes.groups if g.column == "band"}
    # a low band is always invited, a high band never: the routing cut at 50 %
    assert bands["0-25"].positive_rate == 1.0
    assert bands["75-100"].positive_rate == 0.0


def test_profiles_of_another_model_are_counted_apart(folders: list) -> None:
    import attrs

    from werkmap.profiler.model import default_model

    other = attrs.evolve(default_model(), version="2099.1")
    report = monitor(folders, on=dt.date(2025, 12, 31), model=other)
    assert all(m.profiled == 0 and m.other_model == m.registered for m in report.months)


def test_formats(folders: list) -> None:
    report = monitor(folders, on=dt.date(2025, 12, 31))
    data = json.loads(report.to_json())
    assert data["kind"] == "monitor"
    assert "werkmap" in data
    assert data["parameters"]["psi_alert"] == 0.25
    assert [m["month"] for m in data["months"]] == ["2024-01", "2024-02", "2024-03"]
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert {"psi_score", "psi_item", "calibration_slope", "false_negative_rate"} <= {
        r["metric"] for r in rows
    }
    assert "Drift per month" in report.to_text("en")
    assert "Verschuiving per maand" in report.to_text("nl")


def test_groups() -> None:
    assert [age_group(a) for a in (18, 26, 27, 44, 45, 54, 55, 66)] == [
        "18-26", "18-26", "27-44", "27-44", "45-54", "45-54", "55+", "55+"
    ]  # fmt: skip
    assert education_group("vmbo") == "low"
    assert education_group("wo") == "high"
    assert education_group(None) == "unknown"


def test_monitoring_parameters_are_dated_and_checked(tmp_path) -> None:
    amendment = tmp_path / "2026-01-01-psi.toml"
    amendment.write_text("[psi_alert]\nvalues = [{ valid_from = 2026-01-01, value = 0.2 }]\n")
    from importlib import resources

    packaged = resources.files("werkmap.monitoring.data").joinpath("monitoring.toml")
    base = tmp_path / "monitoring.toml"
    base.write_text(packaged.read_text("utf-8"))
    params = load_monitoring_parameters(base, amendment)
    assert params.at(dt.date(2025, 12, 31)).psi_alert == 0.25
    assert params.at(dt.date(2026, 1, 1)).psi_alert == 0.2
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[psi_alert]\nunit = "percent"\nvalues = [{ valid_from = 2016-10-01, value = 0.3 }]\n'
        "[nonsense]\nvalues = []\n"
    )
    with pytest.raises(InvalidPolicy) as caught:
        load_monitoring_parameters(base, bad)
    codes = {p.code for p in caught.value.problems}
    assert {"WM-P003", "WM-P004", "WM-P006"} <= codes


def test_distributions_beside_the_reference(folders: list) -> None:
    report = monitor(folders, on=dt.date(2025, 12, 31))
    m = report.months[0]
    assert len(m.score_shares) == len(report.reference_score_edges) + 1 == 10
    assert sum(m.score_shares) == pytest.approx(1.0)
    assert set(m.item_shares) == set(report.reference_item_shares)
    assert sum(m.item_shares["q14"].values()) == pytest.approx(1.0)
    assert report.reference_item_shares["q15"]["true"] == pytest.approx(0.217, abs=0.01)
    data = json.loads(report.to_json())
    assert "q02" in data["months"][0]["item_shares"]
    assert data["reference"]["item_shares"]["q02"]


def test_profiles_without_stored_answers_count_for_the_score_only() -> None:
    import attrs

    folders = make_folders(cohort_answers(300, 23), start=START, months=1, seed=5)
    bare = [attrs.evolve(f, profiles=(attrs.evolve(f.profiles[0], answers={}),)) for f in folders]
    (m,) = monitor(bare, on=dt.date(2025, 12, 31)).months
    assert m.profiled == 300
    assert m.psi_score is not None
    assert m.psi_items == {}
    assert m.item_shares == {}
