"""Run the decision cases in tests/rules/cases/ and check that they cover every rule and corner."""

from __future__ import annotations

import collections

import pytest

from werkmap.errors import InvalidInput
from werkmap.plan.enforcement import compute_proposal
from werkmap.rules import (
    KINDS,
    CoachOverride,
    FolderColumns,
    RoutingInputs,
    decide_route,
    default_routing_table,
    due_actions,
    measure_policy,
    next_due_on,
    sweep,
)

from .casefile import case_files, expected_actions, policy_of, read_case, state_for

FILES = case_files()
CORNERS = {
    "score exactly 0.50",
    "registration on 31 January",
    "registration on 29 February",
    "deadline on King's Day",
    "deadline on Easter Monday",
    "daylight-saving day",
    "profile after a held conversation",
    "work found the day before the orientation conversation",
    "parameter change mid-life",
    "coach override then a new profile",
    "within one year of pension age",
    "outcome missing",
    "suspended deadline",
}


def _override(raw):
    if raw is None:
        return None
    return CoachOverride(**raw)


def _route_inputs(check):
    return RoutingInputs(
        probability=check.get("probability"),
        band=check.get("band"),
        profiled_on=check.get("profiled_on"),
        requested=check.get("requested", False),
        override=_override(check.get("override")),
        conversation_held=check.get("conversation_held", False),
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case(path):
    case = read_case(path)
    policy = policy_of(case)
    checked = 0
    for check in case.get("route", []):
        if "error" in check:
            with pytest.raises(InvalidInput) as info:
                decide_route(_route_inputs(check), check["on"], policy)
            assert check["error"] in info.value.codes
        else:
            decision = decide_route(_route_inputs(check), check["on"], policy)
            assert (decision.rule_id, decision.outcome) == (check["rule"], check["outcome"])
            for name, value in check.get("parameters", {}).items():
                assert decision.parameters[name] == value, name
            again = decide_route(_route_inputs(check), check["on"], policy)
            assert again == decision  # same inputs and policy date: the same decision
            assert decision.reason_nl
            assert decision.reason_en
        checked += 1
    for check in case.get("due", []):
        state = state_for(case, check)
        actions = due_actions(state, check["on"], policy)
        got = [(a.kind, a.subject, a.fired_on, a.due_by) for a in actions]
        assert got == expected_actions(check)
        for want, action in zip(check.get("actions", []), actions, strict=True):
            for name, value in want.get("parameters", {}).items():
                assert action.parameters[name] == value, name
        assert sweep(FolderColumns.from_states([state]), check["on"], policy).actions() == actions
        if "next_due_on" in check:
            want = None if check["next_due_on"] == "none" else check["next_due_on"]
            assert next_due_on(state, check["on"], policy) == want
        checked += 1
    for check in case.get("measure", []):
        proposal = compute_proposal(
            ground=check.get("ground", "application_duty"),
            on=check["on"],
            by="coach",
            policy=measure_policy(policy.at(check["on"])),
            earlier_measures=check.get("earlier_measures", []),
            earlier_duty_breaches=check.get("earlier_breaches", []),
        )
        assert (proposal.rule_id, proposal.outcome) == (check["rule"], check["outcome"])
        for name, value in check.get("parameters", {}).items():
            assert proposal.parameters[name] == value, name
        checked += 1
    assert checked, "a case checks something"


def test_there_are_enough_cases_and_every_rule_and_corner_is_covered():
    assert len(FILES) >= 40
    rules: collections.Counter[str] = collections.Counter()
    corners: set[str] = set()
    for path in FILES:
        case = read_case(path)
        corners.update(case.get("corners", []))
        rules.update(check["rule"] for check in case.get("route", []) if "rule" in check)
        rules.update(check["rule"] for check in case.get("measure", []))
        for check in case.get("due", []):
            rules.update(a["kind"] for a in check.get("actions", []))
    missing_rules = [r.id for r in default_routing_table().rules if r.id not in rules]
    missing_rules += [k for k in KINDS if k not in rules]
    missing_rules += [m for m in ("R-MEASURE-01", "R-MEASURE-02", "R-MEASURE-03") if m not in rules]
    assert not missing_rules
    assert corners >= CORNERS, CORNERS - corners


def test_all_due_cases_of_one_date_swept_together_equal_the_loop():
    by_date = collections.defaultdict(list)
    for path in FILES:
        case = read_case(path)
        if case.get("policy"):
            continue
        for i, check in enumerate(case.get("due", [])):
            state = state_for(case, check)
            state = state.__class__(
                **{
                    **{a.name: getattr(state, a.name) for a in state.__attrs_attrs__},
                    "folder_id": f"{path.stem}-{i}",
                }
            )
            by_date[check["on"]].append(state)
    policy = policy_of({})
    for on, states in by_date.items():
        expected = [a for s in states for a in due_actions(s, on, policy)]
        assert sweep(FolderColumns.from_states(states), on, policy).actions() == expected
