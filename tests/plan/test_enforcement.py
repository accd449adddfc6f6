"""Measure proposals: the base, the repeat raise, the third duty breach, and decisions by people only."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import GuardRefused
from werkmap.plan import enforcement as enf
from werkmap.plan.enforcement import MeasureKind, MeasurePolicy, compute_proposal

ON = dt.date(2025, 6, 2)


def test_base_measure_is_a_quarter():
    p = compute_proposal(ground="activity", on=ON, by="c")
    assert (p.kind, p.percentage, p.repeat, p.duration_weeks) == (
        MeasureKind.REDUCTION,
        25.0,
        False,
        16,
    )
    assert "25%" in p.explanation
    assert "25%" in p.explanation_nl


@pytest.mark.parametrize(
    ("earlier", "repeat"),
    [
        (dt.date(2023, 6, 2), True),  # exactly two years before
        (dt.date(2023, 6, 1), False),
        (dt.date(2025, 1, 1), True),
    ],
)
def test_a_repeat_within_two_years_raises_by_half(earlier, repeat):
    p = compute_proposal(ground="no_show", on=ON, by="c", earlier_measures=[earlier])
    assert p.repeat is repeat
    assert p.percentage == (37.5 if repeat else 25.0)


def test_third_duty_breach_within_twelve_months_proposes_permanent_refusal():
    two = [dt.date(2024, 9, 1), dt.date(2025, 2, 1)]
    p = compute_proposal(ground="application_duty", on=ON, by="c", earlier_duty_breaches=two)
    assert (p.kind, p.duty_breaches, p.percentage) == (MeasureKind.PERMANENT_REFUSAL, 3, 100.0)
    old = [dt.date(2024, 6, 1), dt.date(2025, 2, 1)]  # one is outside the window
    p = compute_proposal(ground="application_duty", on=ON, by="c", earlier_duty_breaches=old)
    assert (p.kind, p.duty_breaches) == (MeasureKind.REDUCTION, 2)
    p = compute_proposal(ground="activity", on=ON, by="c", earlier_duty_breaches=two)
    assert p.kind is MeasureKind.REDUCTION, "only application-duty cases count as duty breaches"


def test_the_policy_is_an_argument():
    pol = MeasurePolicy(base_percentage=10, repeat_raise=1.0, duration_weeks=4)
    p = compute_proposal(ground="activity", on=ON, by="c", earlier_measures=[ON], policy=pol)
    assert (p.percentage, p.duration_weeks) == (20.0, 4)


def test_a_decision_needs_a_person_and_may_differ_from_the_proposal():
    case = enf.new_case("k", ground="activity", on=ON, reason="referred", source_id="a")
    case = enf.inform(case, on=ON)
    assert case.respond_by == dt.date(2025, 6, 17)  # 10 working days (Whit Monday 9 June)
    case = enf.respond(case, on=ON, response="I was ill")
    case = enf.propose_measure(case, on=ON, by="c-1")
    with pytest.raises(GuardRefused, match="named person"):
        enf.decide(case, on=ON, by=" ", reason="x")
    decided = enf.decide(case, on=ON, by="J. de Vries", reason="partly excused", percentage=10.0)
    assert decided.decision is not None
    assert (decided.decision.decided_by, decided.decision.percentage) == ("J. de Vries", 10.0)
    not_imposed = enf.decide(case, on=ON, by="J. de Vries", reason="excused", imposed=False)
    assert not_imposed.decision is not None
    assert (not_imposed.decision.imposed, not_imposed.decision.percentage) == (False, 0.0)
