"""Drift: the PSI, the reference sample, and the Done-when tests (shift alerts, no shift stays quiet)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from werkmap.clock import FixedClock
from werkmap.monitoring import ALERT_KIND, monitor, psi, reference_sample, send_alerts
from werkmap.monitoring.report import cached_reference
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.synthetic import synthetic_cohort
from werkmap.service import Werkmap

from .world import answers_of, cohort_answers, make_folders, worse_health

# 5,000 people in one month: the PSI of an unchanged inflow is then about (bins - 1) / 5,000 < 0.002,
# far below 0.10 (with 10 bins and 200 people it would still be only about 0.05).
N = 5000
MONTH = dt.date(2025, 3, 1)
ON = dt.date(2025, 6, 30)


def test_psi_by_hand() -> None:
    e, a = [0.5, 0.3, 0.2], [0.4, 0.4, 0.2]
    expected = (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.4 - 0.3) * math.log(0.4 / 0.3)
    assert psi(e, a) == pytest.approx(expected)
    assert psi([10, 20], [1, 2]) == pytest.approx(0.0)  # counts are normalised


def test_psi_empty_bin_stays_finite() -> None:
    value = psi([0.5, 0.5, 0.0], [0.4, 0.4, 0.2])
    assert math.isfinite(value)
    assert value > 1.0


def test_psi_refuses_mismatched_bins() -> None:
    with pytest.raises(ValueError, match="bins"):
        psi([1, 2], [1, 2, 3])


def test_reference_is_the_calibration_cohort() -> None:
    model, q = default_model(), default_questionnaire()
    ref = cached_reference(model, q)
    assert "seed=2017" in ref.description
    assert len(ref) == 100_000
    assert "seed 2017" in model.provenance.data  # what the packaged model says it was calibrated on
    # decile bins: a tenth of the reference in each score bin
    assert np.allclose(ref.score_counts / len(ref), 0.1, atol=0.001)
    small = reference_sample(model, q, n=500, seed=2017)
    assert np.array_equal(
        small.probabilities, reference_sample(model, q, n=500, seed=2017).probabilities
    )


def _store_with(report_folders: list, day: dt.date) -> Werkmap:
    return Werkmap("memory://", clock=FixedClock(day))


def test_health_one_step_worse_for_a_third_crosses_025_and_notifies() -> None:
    columns = worse_health(synthetic_cohort(N, seed=12).columns, share=1 / 3, seed=4)
    folders = make_folders(answers_of(columns), start=MONTH, months=1, seed=3)
    report = monitor(folders, on=ON)
    (month,) = report.months
    assert month.profiled == N
    assert month.psi_items["q15"] > 0.25
    assert month.psi_items["q16"] > 0.25
    assert month.level == "changed"
    changed = {a.variable for a in report.alerts if a.level == "changed"}
    assert {"q15", "q16"} <= changed
    with Werkmap("memory://", clock=FixedClock(ON)) as wm:
        sent = send_alerts(wm, report, role="model_owner")
        outbox = wm.store.outbox()
        assert len(outbox) == len(sent) == len(report.alerts)
        note = outbox[0].notification
        assert note.kind == ALERT_KIND
        assert note.recipient == "role:model_owner"
        assert "PSI" in note.text_nl
        assert "PSI" in note.text_en
        send_alerts(wm, report)  # the same alerts again: not queued twice
        assert len(wm.store.outbox()) == len(sent)


def test_unchanged_inflow_stays_below_010_and_sends_nothing() -> None:
    folders = make_folders(cohort_answers(N, 99), start=MONTH, months=1, seed=3)
    report = monitor(folders, on=ON)
    (month,) = report.months
    assert month.psi_score is not None
    assert month.psi_score < 0.10
    assert max(month.psi_items.values()) < 0.10
    assert month.level == "stable"
    assert report.alerts == ()
    with Werkmap("memory://", clock=FixedClock(ON)) as wm:
        assert send_alerts(wm, report) == ()
        assert wm.store.outbox() == ()


def test_small_month_is_reported_but_not_alerted() -> None:
    columns = worse_health(synthetic_cohort(150, seed=12).columns, share=1 / 3, seed=4)
    report = monitor(make_folders(answers_of(columns), start=MONTH, months=1, seed=3), on=ON)
    assert report.months[0].level == "changed"  # shown ...
    assert report.alerts == ()  # ... but fewer than psi_min_people (200) raise no alert
