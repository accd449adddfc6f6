from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pytest

from werkmap.errors import InvalidPolicy
from werkmap.rules import default_policy_dir, load_policy, load_policy_documents
from werkmap.rules.policy import CONSTRAINTS, PARAMETER_UNITS


def default_documents():
    return [
        (p.name, tomllib.loads(p.read_text(encoding="utf-8")))
        for p in sorted(default_policy_dir().glob("*.toml"))
    ]


def test_default_policy_has_every_parameter_with_its_documented_default():
    values = load_policy().at(dt.date(2024, 1, 1))
    assert values.routing_threshold == 0.50
    assert values.invitation_window_days == 28
    assert values.monitor_after_months == 6
    assert values.monitor_latest_month == 7
    assert values.early_contact_months == 3
    assert values.application_duty_count == 4
    assert values.application_duty_period_days == 28
    assert values.colour_horizon_days == 7
    assert values.measure_base_percent == 25
    assert values.measure_repeat_increase_percent == 50
    assert values.measure_repeat_window_months == 24
    assert values.measure_refusal_breaches == 3
    assert values.measure_refusal_window_months == 12
    assert values.no_duty_before_pension_months == 12


def test_values_change_on_their_valid_from():
    policy = load_policy()
    assert policy.at(dt.date(2018, 4, 30)).no_duty_before_pension_months == 0
    assert policy.at(dt.date(2018, 5, 1)).no_duty_before_pension_months == 12
    assert dt.date(2018, 5, 1) in policy.change_dates()
    days = np.array(["2018-04-30", "2018-05-01", "2030-01-01"], dtype="datetime64[D]")
    assert policy.value_array("no_duty_before_pension_months", days).tolist() == [0, 12, 12]


def test_no_value_before_the_policy_starts():
    policy = load_policy()
    assert policy.starts_on == dt.date(2016, 10, 1)
    with pytest.raises(InvalidPolicy) as info:
        policy.at(dt.date(2016, 9, 30))
    assert set(info.value.codes) == {"WM-P002"}
    assert len(info.value.problems) == len(PARAMETER_UNITS)


def test_a_host_loads_its_own_amendment_file(tmp_path):
    amendment = tmp_path / "2027-01-01-invitation-window.toml"
    amendment.write_text(
        "[invitation_window_days]\nvalues = [{ valid_from = 2027-01-01, value = 21 }]\n"
    )
    policy = load_policy(default_policy_dir(), amendment)
    assert policy.at(dt.date(2026, 12, 31)).invitation_window_days == 28
    assert policy.at(dt.date(2027, 1, 1)).invitation_window_days == 21
    assert policy.sources[-1] == amendment.name


def _problems(extra):
    with pytest.raises(InvalidPolicy) as info:
        load_policy_documents([*default_documents(), *extra])
    return info.value


def test_overlapping_validity_is_refused():
    error = _problems(
        [
            (
                "2017-01-01-a.toml",
                {
                    "routing_threshold": {
                        "values": [{"valid_from": dt.date(2017, 1, 1), "value": 0.4}]
                    }
                },
            ),
            (
                "host.toml",
                {
                    "invitation_window_days": {
                        "values": [{"valid_from": dt.date(2016, 10, 1), "value": 21}]
                    }
                },
            ),
        ]
    )
    assert error.codes == ("WM-P003",)
    assert "invitation_window_days" in str(error)


def test_valid_until_overlapping_the_next_value_is_refused_and_a_gap_is_a_missing_value():
    base = dict(default_documents())
    doc = base["service-model.toml"]
    doc["colour_horizon_days"]["values"] = [
        {"valid_from": dt.date(2016, 10, 1), "valid_until": dt.date(2020, 1, 2), "value": 7},
        {"valid_from": dt.date(2020, 1, 1), "valid_until": dt.date(2021, 1, 1), "value": 5},
        {"valid_from": dt.date(2022, 1, 1), "value": 3},
    ]
    with pytest.raises(InvalidPolicy) as info:
        load_policy_documents(base.items())
    assert info.value.codes == ("WM-P003", "WM-P002")


def test_missing_values_unit_mismatch_file_date_and_unknown_parameter_all_reported_at_once():
    base = dict(default_documents())
    doc = base["service-model.toml"]
    del doc["coaching_interval_days"]
    doc["reminder_grace_days"]["unit"] = "months"
    doc["routing_threshold"]["values"] = [{"valid_from": dt.date(2016, 10, 1), "value": 50}]
    doc["response_window_days"]["values"] = [{"valid_from": dt.date(2016, 10, 1)}]
    doc["invitation_window_days"]["values"] = [{"valid_from": dt.date(2016, 10, 1), "value": 2.5}]
    doc["typo_threshold"] = {"unit": "probability"}
    base["2019-01-01-change.toml"] = {
        "colour_horizon_days": {"values": [{"valid_from": dt.date(2019, 2, 1), "value": 5}]}
    }
    with pytest.raises(InvalidPolicy) as info:
        load_policy_documents(base.items())
    codes = info.value.codes
    assert codes.count("WM-P002") >= 3  # coaching_interval_days (meta and values), response value
    assert codes.count("WM-P004") == 3  # unit, probability 50, days 2.5
    assert "WM-P005" in codes
    assert "WM-P006" in codes
    text = str(info.value)
    for name in ("coaching_interval_days", "reminder_grace_days", "2019-01-01-change.toml"):
        assert name in text


def test_bad_toml_is_reported_with_its_file(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[routing_threshold\n")
    with pytest.raises(InvalidPolicy) as info:
        load_policy(default_policy_dir(), bad)
    assert info.value.codes == ("WM-P001",)
    assert "broken.toml" in str(info.value)


def test_a_valid_from_that_is_not_a_date():
    error = _problems(
        [
            (
                "host.toml",
                {"colour_horizon_days": {"values": [{"valid_from": "soon", "value": 3}]}},
            )
        ]
    )
    assert error.codes == ("WM-P001",)


def test_the_default_policy_is_loaded_once():
    from werkmap.rules import default_policy

    assert default_policy() is default_policy()
    assert default_policy().at(dt.date(2024, 1, 1)) == load_policy().at(dt.date(2024, 1, 1))


def _amend(day, **values):
    """An amendment file setting each named parameter to its value from ``day`` on."""
    return (
        f"{day.isoformat()}-change.toml",
        {name: {"values": [{"valid_from": day, "value": v}]} for name, v in values.items()},
    )


AMENDED = dt.date(2027, 1, 1)


def test_the_packaged_policy_satisfies_every_constraint_on_every_date():
    policy = load_policy()
    for day in policy.change_dates():
        values = policy.at(day)
        failing = [c.code for c in CONSTRAINTS if not c.holds(values)]
        assert not failing, (day, failing)
    assert {c.code for c in CONSTRAINTS} == {f"WM-P0{n}" for n in range(10, 19)}


def test_a_monitor_month_amended_to_the_after_month_is_refused():
    # Regression (issue 9): 7 -> 6 while "after" stays 6 loaded cleanly, and the sweep's monitor
    # invitation was then refused for every folder.
    error = _problems([_amend(AMENDED, monitor_latest_month=6)])
    assert error.codes == ("WM-P010",)
    text = str(error)
    assert "2027-01-01" in text
    assert "2027-01-01-change.toml:monitor_latest_month" in text
    assert "monitor_latest_month = 6, monitor_after_months = 6" in text
    # moving both together keeps the policy consistent
    policy = load_policy_documents(
        [*default_documents(), _amend(AMENDED, monitor_latest_month=6, monitor_after_months=5)]
    )
    assert policy.at(AMENDED).monitor_latest_month == 6


def test_a_change_of_the_other_parameter_is_checked_on_its_own_date():
    # the latest month stays 7; an amendment moving "after" to 7 contradicts it from that date on
    error = _problems([_amend(AMENDED, monitor_after_months=7)])
    assert error.codes == ("WM-P010",)
    assert "2027-01-01-change.toml:monitor_after_months" in str(error)
    assert "from 2027-01-01" in str(error)


@pytest.mark.parametrize(
    "name",
    [
        "invitation_window_days",
        "coaching_interval_days",
        "application_duty_period_days",
        "escalation_decide_within_days",
        "measure_repeat_window_months",
        "measure_refusal_window_months",
    ],
)
def test_a_window_of_zero_is_refused(name):
    assert _problems([_amend(AMENDED, **{name: 0})]).codes == ("WM-P011",)


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_a_routing_threshold_on_an_outer_cut_point_is_refused(value):
    assert _problems([_amend(AMENDED, routing_threshold=value)]).codes == ("WM-P012",)


@pytest.mark.parametrize(
    "name", ["reminder_grace_days", "response_window_days", "case_response_working_days"]
)
def test_a_reminder_or_response_window_of_zero_is_refused(name):
    assert _problems([_amend(AMENDED, **{name: 0})]).codes == ("WM-P013",)


def test_a_measure_of_no_weeks_is_refused():
    assert _problems([_amend(AMENDED, measure_duration_weeks=0)]).codes == ("WM-P014",)


@pytest.mark.parametrize(
    "values",
    [
        {"measure_base_percent": 0.0},
        {"measure_base_percent": 80.0},  # raised by 50 %: 120 % of the benefit
        {"measure_base_percent": 60.0, "measure_repeat_increase_percent": 100.0},
    ],
)
def test_a_measure_of_nothing_or_above_the_whole_benefit_is_refused(values):
    assert _problems([_amend(AMENDED, **values)]).codes == ("WM-P015",)


def test_permanent_refusal_at_the_first_breach_is_refused():
    assert _problems([_amend(AMENDED, measure_refusal_breaches=1)]).codes == ("WM-P016",)


def test_handing_a_folder_without_profile_to_a_coach_before_the_profiler_invitation_is_refused():
    error = _problems([_amend(AMENDED, profiler_invitation_days=14)])
    assert error.codes == ("WM-P017",)


def test_every_contradiction_is_reported_at_once_with_its_date():
    later = dt.date(2028, 1, 1)
    error = _problems(
        [
            _amend(AMENDED, monitor_latest_month=6, measure_duration_weeks=0),
            _amend(later, routing_threshold=1.0),
        ]
    )
    assert sorted(error.codes) == ["WM-P010", "WM-P012", "WM-P014"]
    text = str(error)
    assert text.count("from 2027-01-01") == 2  # each contradiction once, from the date it starts
    assert "from 2028-01-01" in text


def test_a_contradiction_that_ends_is_reported_only_while_it_holds():
    error = _problems(
        [
            (
                "host.toml",
                {
                    "monitor_latest_month": {
                        "values": [
                            {
                                "valid_from": dt.date(2027, 1, 1),
                                "valid_until": dt.date(2027, 7, 1),
                                "value": 6,
                            },
                            {"valid_from": dt.date(2027, 7, 1), "value": 7},
                        ]
                    }
                },
            )
        ]
    )
    assert error.codes == ("WM-P010",)
    assert "from 2027-01-01" in str(error)
