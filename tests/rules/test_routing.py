from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap import serialization
from werkmap.errors import InvalidInput, InvalidPolicy
from werkmap.rules import (
    CoachOverride,
    Decision,
    RoutingInputs,
    decide_route,
    default_routing_table,
    load_policy,
    load_routing_table,
)
from werkmap.rules.routing import table_from_data

POLICY = load_policy()
TABLE_FILE = Path(__file__).resolve().parents[2] / "src/werkmap/rules/data/routing.toml"


def table_data():
    return tomllib.loads(TABLE_FILE.read_text(encoding="utf-8"))


def test_the_packaged_table_is_complete_and_unique():
    table = default_routing_table()
    assert len(table.rules) == 9
    assert load_routing_table(TABLE_FILE) == table


def test_an_overlap_is_refused():
    data = table_data()
    data["rule"].append({**data["rule"][7], "id": "R-ROUTE-99"})
    with pytest.raises(InvalidPolicy) as info:
        table_from_data(data)
    assert set(info.value.codes) == {"WM-P007"}
    assert "R-ROUTE-08, R-ROUTE-99" in str(info.value)


def test_a_gap_is_refused():
    data = table_data()
    data["rule"] = [r for r in data["rule"] if r["id"] != "R-ROUTE-09"]
    with pytest.raises(InvalidPolicy) as info:
        table_from_data(data)
    assert info.value.codes == ("WM-P008", "WM-P008")  # held true and false
    assert "profile=none" in str(info.value)


def test_unknown_values_and_parameters_are_refused():
    data = table_data()
    data["rule"][0]["when"]["override"] = "maybe"
    data["rule"][1]["parameters"] = ["nonsense"]
    data["rule"][2]["outcome"] = "sanction"
    with pytest.raises(InvalidPolicy) as info:
        table_from_data(data)
    assert info.value.codes == ("WM-P001", "WM-P006", "WM-P001")


def test_an_override_needs_a_reason_a_known_outcome_and_an_author():
    with pytest.raises(InvalidInput) as info:
        CoachOverride(outcome="sanction", reason="", by="", on=dt.date(2024, 1, 1))
    assert info.value.codes == ("WM-R002", "WM-R001", "WM-R003")


probabilities = st.none() | st.floats(0, 1) | st.sampled_from([0.5, 0.49999, 0.50001])
overrides = st.none() | st.builds(
    CoachOverride,
    outcome=st.sampled_from(["conversation", "digital"]),
    reason=st.just("coach analysis"),
    by=st.just("coach-1"),
    on=st.just(dt.date(2024, 1, 1)),
)


@given(probabilities, st.booleans(), overrides, st.booleans())
def test_every_input_gets_one_decision_that_is_reproducible(probability, requested, override, held):
    inputs = RoutingInputs(
        probability=probability, requested=requested, override=override, conversation_held=held
    )
    on = dt.date(2024, 5, 1)
    decision = decide_route(inputs, on, POLICY)
    assert decision == decide_route(inputs, on, POLICY)
    if override is not None:
        assert override.reason in decision.reason_en
        assert decision.outcome in (
            ("orientation", "coaching") if override.outcome == "conversation" else ("digital",)
        )
    elif requested:
        assert decision.outcome == ("coaching" if held else "orientation")
    elif probability is None:
        assert decision.outcome == "coach_analysis"
    elif probability <= 0.5:
        assert decision.outcome == ("coaching" if held else "orientation")
    else:
        assert decision.outcome == "digital"


def test_a_decision_record_round_trips_through_its_envelope():
    decision = decide_route(
        RoutingInputs(probability=0.31, band="25-50", profiled_on=dt.date(2024, 5, 1)),
        dt.date(2024, 5, 2),
        POLICY,
    )
    text = serialization.dumps(decision)
    assert serialization.loads(text, Decision) == decision
    assert '"schema": "werkmap.rules.decision"' in text
    assert "31 %" in decision.reason_en
    assert "31 %" in decision.reason_nl


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), float("inf"), float("-inf")])
def test_a_probability_outside_0_1_or_not_finite_is_invalid_input(value):
    # before: -0.1 and 1.5 were routed, NaN raised ValueError and inf OverflowError
    from werkmap.errors import InvalidInput
    from werkmap.rules import RoutingInputs, decide_route, load_policy

    with pytest.raises(InvalidInput, match="probability"):
        decide_route(RoutingInputs(probability=value), dt.date(2024, 3, 1), load_policy())
