"""The outcome columns: deciding profile, follow-up, work within a horizon, months on benefit."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from werkmap.outcomes import deciding_profile, outcomes
from werkmap.plan.folder import (
    ProfileRecord,
    RouteRecord,
    WorkFolder,
    add_profile,
    create_folder,
    record_benefit_ended,
    record_route,
    record_work_found,
)

D = dt.date


def _profile(on: dt.date, p: float, band: str) -> ProfileRecord:
    return ProfileRecord(
        taken_on=on,
        probability=p,
        band=band,
        questionnaire_id="q",
        questionnaire_version="1",
        model_id="m",
        model_version="2",
    )


def _folder(fid: str, registered: dt.date) -> WorkFolder:
    return create_folder(fid, jobseeker_ref=fid, registered_on=registered, on=registered)[0]


def test_deciding_profile_is_the_one_before_the_first_route() -> None:
    f = _folder("f-1", D(2025, 1, 6))
    f = add_profile(f, _profile(D(2025, 1, 8), 0.3, "25-50"), on=D(2025, 1, 8), actor="js")[0]
    route = RouteRecord(
        decided_on=D(2025, 1, 9), outcome="orientation", rule_id="R-ROUTE-06", rule_version=1
    )
    f = record_route(f, route, on=D(2025, 1, 9), actor="system")[0]
    f = add_profile(f, _profile(D(2025, 3, 1), 0.8, "75-100"), on=D(2025, 3, 1), actor="js")[0]
    chosen = deciding_profile(f)
    assert chosen is not None
    assert chosen.probability == 0.3
    assert deciding_profile(_folder("f-2", D(2025, 1, 6))) is None


def test_follow_up_work_and_benefit_months() -> None:
    a = _folder("f-a", D(2025, 1, 31))
    a = record_work_found(a, on=D(2025, 4, 29), actor="coach")[
        0
    ]  # before 30 April: within 3 months
    b = _folder("f-b", D(2025, 1, 31))
    b = record_work_found(b, on=D(2025, 4, 30), actor="coach")[0]  # the first day outside 3 months
    c = _folder("f-c", D(2025, 6, 2))
    c = record_benefit_ended(c, on=D(2025, 7, 2), actor="coach")[0]
    late = _folder("f-late", D(2025, 11, 3))
    o = outcomes([a, b, c, late], observed_until=D(2025, 12, 31))
    assert o.followed_up(3).tolist() == [True, True, True, False]
    assert o.work_found_within(3).tolist() == [True, False, False, False]
    months = o.months_on_benefit(12)
    assert months[2] == pytest.approx(30 / (365.25 / 12))
    # the late folder is on benefit until the end of the observation (59 days), not for 12 months
    assert months[3] == pytest.approx(59 / (365.25 / 12))
    assert np.isnan(o.probability).all()
    assert not o.profiled.any()


def test_outcomes_after_the_observation_day_are_not_seen() -> None:
    a = _folder("f-a", D(2025, 1, 6))
    a = record_work_found(a, on=D(2025, 6, 2), actor="coach")[0]
    o = outcomes([a], observed_until=D(2025, 5, 30))
    assert np.isnat(o.work_found_on).all()
    assert o.take(np.array([True])).folder_id.tolist() == ["f-a"]
    assert "1 folders" in repr(o)
