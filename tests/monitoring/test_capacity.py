"""Capacity against forecast: conversations and hours per month, beside the 5.0-5.5 hour target."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import InvalidInput
from werkmap.monitoring import capacity, capacity_forecast, default_monitoring_parameters
from werkmap.monitoring.capacity import HOURS_OF
from werkmap.report import FIGURE_KEYS, SHARE_KEYS, PeriodReport
from werkmap.rules.policy import default_policy_dir, load_policy
from werkmap.simulate import SimulationConfig, forecast, forecast_periods


def _report(start: dt.date, end: dt.date, **figures: int) -> PeriodReport:
    data: dict[str, int | float] = {k: 0.0 if k in SHARE_KEYS else 0 for k in FIGURE_KEYS}
    data.update(figures)
    return PeriodReport(start=start, end=end, figures=data)


def test_hours_are_counts_times_the_dated_norms() -> None:
    jan = _report(dt.date(2025, 1, 1), dt.date(2025, 1, 31), registered=100, orientation_held=10)
    feb = _report(
        dt.date(2025, 2, 1),
        dt.date(2025, 2, 28),
        registered=100,
        monitor_held=4,
        coaching_held=6,
        early_contact_held=8,
        plans_with_services=5,
        enforcement_referrals=2,
    )
    norms = default_monitoring_parameters().at(dt.date(2025, 1, 1))
    report = capacity([jan, feb])
    assert report.months[0].total_hours == pytest.approx(10 * norms.hours_orientation)
    expected_feb = (
        4 * norms.hours_monitor
        + 6 * norms.hours_coaching
        + 8 * norms.hours_early_contact
        + 5 * norms.hours_extra_service
        + 2 * norms.hours_enforcement_case
    )
    assert report.months[1].total_hours == pytest.approx(expected_feb)
    assert report.months[1].conversations == 18
    assert report.hours_per_jobseeker == pytest.approx(report.total_hours / 200)
    assert (report.target_low, report.target_high) == (5.0, 5.5)
    assert report.within_target is False
    assert set(report.to_dict()["months"][0]["counts"]) == set(HOURS_OF)
    assert report.to_csv().splitlines()[0].startswith("month,registered,orientation_held")
    assert "streven 5,0–5,5 uur" in report.to_text("nl")
    with pytest.raises(InvalidInput):
        capacity([])


def test_monthly_forecast_is_the_forecast_of_each_month() -> None:
    cfg = SimulationConfig(jobseekers=400, months=3, seed=5)
    months = [
        (dt.date(2025, 1, 6), dt.date(2025, 2, 5)),
        (dt.date(2025, 2, 6), dt.date(2025, 3, 5)),
    ]
    reports = forecast_periods(cfg, months, sample=200)
    for (start, end), report in zip(months, reports, strict=True):
        assert report == forecast(cfg, start=start, end=end, sample=200)


def test_a_policy_with_a_shorter_coaching_interval_costs_more_hours(tmp_path) -> None:
    cfg = SimulationConfig(jobseekers=600, months=4, seed=7)
    base = capacity_forecast(cfg, sample=300)
    amendment = tmp_path / "2025-01-01-coaching.toml"
    amendment.write_text(
        "[coaching_interval_days]\nvalues = [{ valid_from = 2025-01-01, value = 14 }]\n"
    )
    policy = load_policy(default_policy_dir(), amendment)
    more = capacity_forecast(cfg, sample=300, policy=policy)
    assert [m.month for m in base.months] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert base.registered == more.registered == 600
    assert more.total_hours > base.total_hours
