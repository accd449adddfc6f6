"""Measure proposals: the base, the repeat raise, the third duty breach, and decisions by people only."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from werkmap import serialization
from werkmap.errors import GuardRefused, InvalidInput
from werkmap.plan import enforcement as enf
from werkmap.plan.enforcement import (
    EnforcementCase,
    MeasureKind,
    MeasurePolicy,
    compute_proposal,
)
from werkmap.rules import default_policy, load_policy_documents, measure_policy
from werkmap.rules.measures import MEASURE_PARAMETERS

ON = dt.date(2025, 6, 2)
POLICY = measure_policy(default_policy().at(ON))


def propose(ground="activity", on=ON, measures=(), breaches=(), policy=POLICY):
    return compute_proposal(
        ground=ground,
        on=on,
        by="c",
        policy=policy,
        earlier_measures=measures,
        earlier_duty_breaches=breaches,
    )


def test_base_measure_is_a_quarter():
    p = propose()
    assert (p.kind, p.percentage, p.repeat, p.duration_weeks, p.rule_id) == (
        MeasureKind.REDUCTION,
        25.0,
        False,
        16,
        "R-MEASURE-01",
    )
    assert "25%" in p.explanation
    assert "25 %" in p.explanation_nl
    assert p.outcome == "withhold 25%"


@pytest.mark.parametrize(
    ("earlier", "repeat"),
    [
        (dt.date(2023, 6, 2), True),  # exactly two years before: within (both ends included)
        (dt.date(2023, 6, 1), False),
        (dt.date(2025, 1, 1), True),
        (ON, True),
        (ON + dt.timedelta(days=1), False),  # after the proposal: not an earlier measure
    ],
)
def test_a_repeat_within_two_years_raises_by_half(earlier, repeat):
    p = propose(ground="no_show", measures=[earlier])
    assert p.repeat is repeat
    assert p.percentage == (37.5 if repeat else 25.0)
    assert p.rule_id == ("R-MEASURE-02" if repeat else "R-MEASURE-01")


def test_third_duty_breach_within_twelve_months_proposes_permanent_refusal():
    two = [dt.date(2024, 9, 1), dt.date(2025, 2, 1)]
    p = propose(ground="application_duty", breaches=two)
    assert (p.kind, p.duty_breaches, p.percentage, p.rule_id) == (
        MeasureKind.PERMANENT_REFUSAL,
        3,
        100.0,
        "R-MEASURE-03",
    )
    assert p.outcome == "permanent_refusal"
    old = [dt.date(2024, 6, 1), dt.date(2025, 2, 1)]  # one is outside the window
    p = propose(ground="application_duty", breaches=old)
    assert (p.kind, p.duty_breaches) == (MeasureKind.REDUCTION, 2)
    p = propose(ground="activity", breaches=two)
    assert p.kind is MeasureKind.REDUCTION, "only application-duty cases count as duty breaches"


# Regression (issue 9): the two copies of the rule disagreed on these two days.
def test_a_breach_exactly_twelve_months_back_counts_towards_refusal():
    on = dt.date(2024, 6, 3)
    p = propose(
        ground="application_duty", on=on, breaches=[dt.date(2023, 6, 3), dt.date(2024, 1, 1)]
    )
    assert (p.rule_id, p.kind, p.duty_breaches) == (
        "R-MEASURE-03",
        MeasureKind.PERMANENT_REFUSAL,
        3,
    )
    day_after = propose(
        ground="application_duty",
        on=on + dt.timedelta(days=1),
        breaches=[dt.date(2023, 6, 3), dt.date(2024, 1, 1)],
    )
    assert (day_after.rule_id, day_after.outcome) == ("R-MEASURE-01", "withhold 25%")


def test_a_measure_exactly_two_years_back_is_a_repeat():
    on = dt.date(2024, 6, 3)
    p = propose(ground="application_duty", on=on, measures=[dt.date(2022, 6, 3)])
    assert (p.rule_id, p.outcome) == ("R-MEASURE-02", "withhold 37.5%")
    p = propose(
        ground="application_duty", on=on + dt.timedelta(days=1), measures=[dt.date(2022, 6, 3)]
    )
    assert (p.rule_id, p.outcome) == ("R-MEASURE-01", "withhold 25%")


def test_windows_are_counted_forward_from_the_earlier_day_at_a_month_end():
    # 28 February 2023 + 12 months is 28 February 2024: 29 February 2024 is outside the window.
    breaches = [dt.date(2023, 2, 28), dt.date(2023, 12, 1)]
    on = dt.date(2024, 2, 29)
    assert propose(ground="application_duty", on=on, breaches=breaches).duty_breaches == 2
    on = dt.date(2024, 2, 28)
    assert propose(ground="application_duty", on=on, breaches=breaches).duty_breaches == 3


def test_the_policy_is_an_argument():
    pol = attrs.evolve(POLICY, base_percent=10.0, repeat_increase_percent=100.0, duration_weeks=4)
    p = propose(measures=[ON], policy=pol)
    assert (p.percentage, p.duration_weeks) == (20.0, 4)
    assert p.parameters["measure_base_percent"] == 10.0


def test_a_proposal_records_rule_version_parameters_and_history_and_replays():
    measures, breaches = [dt.date(2024, 1, 10)], [dt.date(2025, 1, 6)]
    p = propose(ground="application_duty", measures=measures, breaches=breaches)
    assert p.rule_id == "R-MEASURE-02"
    assert p.rule_version == "2016-10-01"
    values = default_policy().at(ON)
    assert dict(p.parameters) == {
        n: float(getattr(values, n)) for n in MEASURE_PARAMETERS if n.startswith("measure_")
    }
    assert (p.earlier_measures, p.earlier_duty_breaches) == (tuple(measures), tuple(breaches))
    again = compute_proposal(
        ground="application_duty",
        on=p.proposed_on,
        by=p.proposed_by,
        policy=measure_policy(default_policy().at(p.proposed_on)),
        earlier_measures=p.earlier_measures,
        earlier_duty_breaches=p.earlier_duty_breaches,
    )
    assert again == p


def _documents_with(amendment_name, amendment):
    import tomllib

    from werkmap.rules import default_policy_dir

    docs = [
        (f.name, tomllib.loads(f.read_text(encoding="utf-8")))
        for f in sorted(default_policy_dir().glob("*.toml"))
    ]
    return [*docs, (amendment_name, amendment)]


def test_durations_and_the_response_window_are_dated_policy_parameters():
    amendment = {
        "measure_duration_weeks": {"values": [{"valid_from": dt.date(2026, 1, 1), "value": 8}]},
        "case_response_working_days": {"values": [{"valid_from": dt.date(2026, 1, 1), "value": 5}]},
    }
    policy = load_policy_documents(_documents_with("2026-01-01-measures.toml", amendment))
    before = measure_policy(policy.at(dt.date(2025, 12, 31)))
    after = measure_policy(policy.at(dt.date(2026, 1, 1)))
    assert (before.duration_weeks, before.response_working_days, before.version) == (
        16,
        10,
        "2016-10-01",
    )
    assert (after.duration_weeks, after.response_working_days, after.version) == (
        8,
        5,
        "2026-01-01",
    )
    assert propose(on=dt.date(2026, 1, 5), policy=after).duration_weeks == 8
    case = enf.new_case("k", ground="activity", on=dt.date(2026, 1, 5), reason="referred")
    informed = enf.inform(case, on=dt.date(2026, 1, 5), policy=after)
    assert informed.respond_by == dt.date(2026, 1, 12)  # 5 working days


def test_measure_policy_uses_every_measure_parameter():
    fields = {a.name for a in attrs.fields(MeasurePolicy)} - {"version"}
    assert len(fields) == len(MEASURE_PARAMETERS)
    assert set(POLICY.parameters()) | {"case_response_working_days"} == set(MEASURE_PARAMETERS)


def test_the_store_samples_use_the_packaged_measure_table():
    from werkmap.storage._samples import MEASURES, START

    assert measure_policy(default_policy().at(START)) == MEASURES


def _proposed_case():
    case = enf.new_case("k", ground="activity", on=ON, reason="referred", source_id="a")
    case = enf.inform(case, on=ON, policy=POLICY)
    assert case.respond_by == dt.date(2025, 6, 17)  # 10 working days (Whit Monday 9 June)
    case = enf.respond(case, on=ON, response="I was ill")
    return enf.propose_measure(case, on=ON, by="c-1", policy=POLICY)


def test_a_decision_needs_a_person_and_may_differ_from_the_proposal():
    case = _proposed_case()
    with pytest.raises(GuardRefused, match="named person"):
        enf.decide(case, on=ON, by=" ", reason="x")
    decided = enf.decide(case, on=ON, by="J. de Vries", reason="partly excused", percentage=10.0)
    assert decided.decision is not None
    assert (decided.decision.decided_by, decided.decision.percentage) == ("J. de Vries", 10.0)
    assert decided.decision.changed_terms == ("percentage",)
    assert decided.decision.change_reason == "partly excused"
    not_imposed = enf.decide(case, on=ON, by="J. de Vries", reason="excused", imposed=False)
    assert not_imposed.decision is not None
    assert (not_imposed.decision.imposed, not_imposed.decision.percentage) == (False, 0.0)
    assert not_imposed.decision.changed_terms == ()


def test_a_confirmed_proposal_records_no_change_and_a_changed_one_records_its_reason():
    case = _proposed_case()
    confirmed = enf.decide(case, on=ON, by="J. de Vries", reason="heard, no excuse")
    assert confirmed.decision is not None
    assert (confirmed.decision.changed_terms, confirmed.decision.change_reason) == ((), "")
    same_terms = enf.decide(
        case, on=ON, by="J. de Vries", reason="heard", percentage=25.0, duration_weeks=16
    )
    assert same_terms.decision is not None
    assert same_terms.decision.changed_terms == ()
    changed = enf.decide(
        case,
        on=ON,
        by="J. de Vries",
        reason="heard",
        duration_weeks=8,
        change_reason="first time, short",
    )
    assert changed.decision is not None
    assert (changed.decision.changed_terms, changed.decision.change_reason) == (
        ("duration_weeks",),
        "first time, short",
    )
    refused = enf.decide(case, on=ON, by="J. de Vries", reason="r", kind="permanent_refusal")
    assert refused.decision is not None
    assert (refused.decision.percentage, refused.decision.duration_weeks) == (100.0, 0)
    assert refused.decision.changed_terms == ("kind", "percentage", "duration_weeks")
    with pytest.raises(InvalidInput):
        enf.decide(case, on=ON, by="J. de Vries", reason="r", percentage=0.0)


def test_a_case_stored_before_rule_ids_were_recorded_still_loads():
    old = {
        "case_id": "k-1",
        "state": "decided",
        "ground": "activity",
        "source_id": "a-2",
        "opened_on": "2024-04-03",
        "opened_by": "coach-1",
        "reason": "cv",
        "informed_on": "2024-04-04",
        "respond_by": "2024-04-18",
        "response": "vergeten",
        "responded_on": "2024-04-06",
        "no_measure_reason": "",
        "no_measure_by": "",
        "proposal": {
            "kind": "reduction",
            "percentage": 25.0,
            "duration_weeks": 16,
            "repeat": False,
            "duty_breaches": 0,
            "proposed_on": "2024-04-13",
            "proposed_by": "coach-1",
            "explanation": "25% of the benefit for 16 weeks",
            "explanation_nl": "25% van de uitkering gedurende 16 weken",
        },
        "decision": {
            "decided_by": "coach-1",
            "decided_on": "2024-04-14",
            "imposed": True,
            "kind": "reduction",
            "percentage": 25.0,
            "duration_weeks": 16,
            "reason": "gehoord; geen excuus",
        },
        "objection": None,
        "closed_on": None,
        "closed_by": "",
        "close_reason": "",
    }
    case = serialization.structure(old, EnforcementCase)
    assert case.proposal is not None
    assert case.decision is not None
    assert (case.proposal.rule_id, case.proposal.rule_version, dict(case.proposal.parameters)) == (
        "",
        "",
        {},
    )
    assert (case.decision.decided_by, case.decision.changed_terms) == ("coach-1", ())
    again = serialization.structure(serialization.unstructure(_proposed_case()), EnforcementCase)
    assert again == _proposed_case()


def _duty_case(f, cid, when, policy=POLICY):
    from werkmap.plan import folder as wf

    f, _ = wf.open_case(f, cid, ground="application_duty", on=when, actor="c", reason="too few")
    f, _ = wf.inform_case(f, cid, on=when, actor="c", policy=policy)
    f, _ = wf.record_response(f, cid, on=when, actor="jobseeker", response="no excuse")
    return wf.propose_measure(f, cid, on=when, actor="c", policy=policy)


def test_the_folder_proposes_with_the_one_rule_and_its_events_record_rule_and_changes():
    from werkmap.plan import folder as wf

    f, _ = wf.create_folder("f-1", on=dt.date(2023, 6, 1), jobseeker_ref="r")
    f, _ = _duty_case(f, "k-1", dt.date(2023, 6, 3))
    f, _ = wf.decide_measure(f, "k-1", on=dt.date(2023, 6, 3), actor="J. de Vries", reason="heard")
    f, _ = _duty_case(f, "k-2", dt.date(2024, 1, 1))
    f, _ = wf.decide_measure(
        f,
        "k-2",
        on=dt.date(2024, 1, 1),
        actor="J. de Vries",
        reason="heard",
        duration_weeks=8,
        change_reason="mitigating circumstances",
    )
    assert f.case("k-2").proposal.rule_id == "R-MEASURE-02"
    decided = f.events[-1]
    assert (decided.kind, decided.data["rule_id"], decided.data["changed_terms"]) == (
        "measure_decided",
        "R-MEASURE-02",
        "duration_weeks",
    )
    assert decided.data["change_reason"] == "mitigating circumstances"
    # the third breach, exactly 12 months after the first: permanent refusal is proposed
    f, events = _duty_case(f, "k-3", dt.date(2024, 6, 3))
    proposal = f.case("k-3").proposal
    assert (proposal.rule_id, proposal.kind, proposal.duty_breaches) == (
        "R-MEASURE-03",
        MeasureKind.PERMANENT_REFUSAL,
        3,
    )
    assert (events[-1].data["rule_id"], events[-1].data["rule_version"]) == (
        "R-MEASURE-03",
        "2016-10-01",
    )
    # what the folder stored replays through the one definition
    again = compute_proposal(
        ground=f.case("k-3").ground,
        on=proposal.proposed_on,
        by=proposal.proposed_by,
        policy=measure_policy(default_policy().at(proposal.proposed_on)),
        earlier_measures=proposal.earlier_measures,
        earlier_duty_breaches=proposal.earlier_duty_breaches,
    )
    assert again == proposal
    assert serialization.loads(serialization.dumps(f), type(f)) == f
