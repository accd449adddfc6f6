"""The simulator's one inflow draw: the planted shift, and the same draw as the service's simulation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from tests.experiments.test_coverage import _profiler

from werkmap.errors import InvalidInput
from werkmap.simulate import SimulationConfig, chance_found_within, draw_inflow, planted_shift


def test_the_planted_shift_takes_the_group_entry_over_all():
    planted = (("service", "all", 2.0), ("service", "high", 5.0))
    assert planted_shift(planted, "service", 0.3) == pytest.approx(0.02)
    assert planted_shift(planted, "service", 0.8) == pytest.approx(0.05)
    assert planted_shift(planted, "control_none", 0.8) == 0.0
    assert planted_shift(planted, "", 0.8) == 0.0
    with pytest.raises(InvalidInput):
        SimulationConfig(planted=(("service", "middle", 2.0),))


def test_the_work_found_time_follows_the_shifted_probability():
    q, m = _profiler()
    cfg = SimulationConfig(jobseekers=6000, seed=3, planted=(("treated", "all", 10.0),))
    inflow = draw_inflow(
        cfg,
        model=m,
        questionnaire=q,
        arm_of=lambda ref, _day: "treated" if ref[-1] in "02468" else None,
    )
    treated = inflow.arm == "treated"
    shifted = np.clip(inflow.probability + 0.10 * treated, 0, 1 - 1e-12)
    assert np.allclose(inflow.shifted, shifted)
    within = inflow.found_after < 364
    expected = chance_found_within(inflow.shifted, 365)
    for sel in (treated, ~treated):
        gap = within[sel].mean() - expected[sel].mean()
        assert abs(gap) < 3 * np.sqrt(0.25 / sel.sum())


def test_the_draw_is_reproducible_and_spread_over_the_inflow_months():
    q, m = _profiler()
    cfg = SimulationConfig(jobseekers=300, months=6, inflow_months=2, start=dt.date(2018, 1, 1))
    a = draw_inflow(cfg, model=m, questionnaire=q)
    b = draw_inflow(cfg, model=m, questionnaire=q)
    assert np.array_equal(a.found_after, b.found_after)
    assert a.registered_on.max() < np.datetime64("2018-03-01")
    table = a.outcomes(dt.date(2018, 6, 30))
    assert len(table) == 300
    assert np.isnan(table.probability[a.profile_after < 0]).all()
