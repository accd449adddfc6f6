"""The effect analysis on hand-made outcome tables: the formulas, the follow-up rule, groups and balance."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from werkmap.errors import InvalidInput
from werkmap.experiments import analyse, default_experiments, effect_report
from werkmap.experiments.effect import Z95
from werkmap.outcomes import Outcomes

DESIGN = default_experiments()[0]
NAT = np.datetime64("NaT", "D")


def table(
    registered: list[str], found: list[str | None], probability: list[float], until: dt.date
) -> Outcomes:
    from werkmap.profiler.model import band_of

    n = len(registered)
    return Outcomes(
        folder_id=np.array([f"f-{i}" for i in range(n)]),
        registered_on=np.array(registered, dtype="datetime64[D]"),
        profiled_on=np.array(registered, dtype="datetime64[D]"),
        probability=np.array(probability, dtype=float),
        band=np.array([band_of(p) if not math.isnan(p) else "" for p in probability]),
        model_ref=np.array([""] * n),
        work_found_on=np.array([NAT if f is None else np.datetime64(f) for f in found]),
        benefit_ended_on=np.full(n, NAT),
        observed_until=until,
    )


def test_the_difference_and_its_wald_interval():
    # service: 3 of 4 found work within 3 months; control_none: 1 of 4
    reg = ["2018-01-02"] * 8
    found = ["2018-02-01", "2018-03-01", "2018-03-20", None, "2018-02-01", None, None, "2018-06-01"]
    arms = ["service"] * 4 + ["control_none"] * 4
    t = table(reg, found, [0.3, 0.6, 0.3, 0.6, 0.3, 0.6, 0.3, 0.6], dt.date(2019, 6, 30))
    report = analyse(t, arms, DESIGN, adjusted=False)
    e = report.estimate("work_3m", "service", "control_none")
    assert (e.n_arm, e.n_reference, e.mean_arm, e.mean_reference) == (4, 4, 0.75, 0.25)
    se = math.sqrt(0.75 * 0.25 / 4 + 0.25 * 0.75 / 4)
    assert e.difference == pytest.approx(0.5)
    assert (e.ci_low, e.ci_high) == pytest.approx((0.5 - Z95 * se, 0.5 + Z95 * se))
    low = report.estimate("work_3m", "service", "control_none", "low")
    assert (low.n_arm, low.n_reference, low.mean_arm, low.mean_reference) == (2, 2, 1.0, 0.5)
    twelve = report.estimate("work_12m", "service", "control_none")
    assert twelve.mean_reference == 0.5
    assert report.counts == {"service": 4, "control_enforcement": 0, "control_none": 4}
    empty = report.estimate("work_3m", "service", "control_enforcement")
    assert math.isnan(empty.difference)
    assert empty.n_reference == 0


def test_only_folders_followed_up_for_the_horizon_count():
    reg = ["2018-01-02", "2018-06-01", "2018-01-02", "2018-06-01"]
    t = table(reg, [None, None, None, "2018-07-01"], [0.3] * 4, dt.date(2018, 12, 31))
    report = analyse(
        t, ["service", "service", "control_none", "control_none"], DESIGN, adjusted=False
    )
    e6 = report.estimate("work_6m", "service", "control_none")
    assert (e6.n_arm, e6.n_reference, e6.not_followed_up) == (2, 2, 0)
    e12 = report.estimate("work_12m", "service", "control_none")
    assert (e12.n_arm, e12.n_reference, e12.not_followed_up) == (0, 0, 4)


def test_months_on_benefit_are_compared_as_means():
    reg = ["2018-01-01"] * 6
    found = ["2018-02-01", "2018-04-01", None, None, None, "2018-07-01"]
    t = table(reg, found, [0.4] * 6, dt.date(2019, 12, 31))
    arms = ["service"] * 3 + ["control_none"] * 3
    e = analyse(t, arms, DESIGN, adjusted=False).estimate(
        "benefit_months_12m", "service", "control_none"
    )
    months = t.months_on_benefit(12)
    a, b = months[:3], months[3:]
    assert e.difference == pytest.approx(a.mean() - b.mean())
    se = math.sqrt(a.var(ddof=1) / 3 + b.var(ddof=1) / 3)
    assert e.standard_error == pytest.approx(se)


def test_the_adjusted_estimate_is_an_average_marginal_effect_near_the_plain_one():
    rng = np.random.default_rng(5)
    n = 4000
    p = rng.uniform(0.1, 0.9, n)
    arm = np.where(rng.random(n) < 0.5, "service", "control_none")
    chance = np.clip(p + np.where(arm == "service", 0.05, 0.0), 0, 1)
    found = rng.random(n) < chance
    reg = ["2018-01-02"] * n
    t = table(reg, ["2018-03-01" if f else None for f in found], p.tolist(), dt.date(2019, 6, 30))
    report = analyse(t, arm, DESIGN, balance=False)
    adj = report.adjusted_estimate("work_12m", "service", "control_none")
    plain = report.estimate("work_12m", "service", "control_none")
    assert adj.error == ""
    assert adj.n == n
    assert adj.covers(0.05)
    assert adj.standard_error < plain.standard_error  # the score explains much of the outcome
    assert abs(adj.effect - plain.difference) < 0.03


def test_the_balance_table_has_probability_bands_and_months():
    reg = ["2018-01-02", "2018-02-05", "2018-01-02", "2018-02-05"]
    t = table(reg, [None] * 4, [0.2, 0.8, 0.3, float("nan")], dt.date(2018, 12, 31))
    report = analyse(
        t, ["service", "service", "control_none", "control_none"], DESIGN, adjusted=False
    )
    rows = {r.covariate: r for r in report.balance}
    assert rows["probability"].means["service"] == pytest.approx(0.5)
    assert rows["probability"].means["control_none"] == pytest.approx(0.3)
    assert rows["no profile"].means["control_none"] == 0.5
    assert rows["registered 2018-01"].means["service"] == 0.5
    assert set(rows["band 0-25"].standardised) == {
        "service - control_enforcement",
        "service - control_none",
        "control_enforcement - control_none",
    }


def test_bad_arms_are_refused():
    t = table(["2018-01-02"], [None], [0.3], dt.date(2018, 12, 31))
    with pytest.raises(InvalidInput):
        analyse(t, ["placebo"], DESIGN)
    with pytest.raises(InvalidInput):
        analyse(t, ["service", "service"], DESIGN)


def test_the_report_from_folders_uses_the_recorded_arms_and_renders():
    from werkmap.experiments import assign
    from werkmap.plan.folder import create_folder, record_work_found

    key = b"werkmap-test-key-0123456789"
    folders = []
    for i in range(60):
        f, _ = create_folder(f"f-{i}", jobseeker_ref=f"js-{i}", on=dt.date(2018, 1, 8))
        f, _ = assign(f, [DESIGN], key, on=dt.date(2018, 1, 8))
        if i % 3 == 0:
            f, _ = record_work_found(f, on=dt.date(2018, 3, 1), actor="system")
        folders.append(f)
    outside, _ = create_folder("g-1", jobseeker_ref="js-x", on=dt.date(2019, 3, 1))
    report = effect_report([*folders, outside], DESIGN, observed_until=dt.date(2019, 6, 30))
    assert sum(report.counts.values()) == 60
    data = report.to_dict()
    assert data["experiment"] == "uwv-ww-2017"
    assert {r["kind"] for r in report.to_rows()} == {"itt", "adjusted"}
    assert "95 %" in report.to_text("en")
    assert "Verschillen naar toewijzing" in report.to_text("nl")
