"""The dated parameters of the jobseeker's texts: band visibility, the objection period and address."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.jobseeker.folders import profiles, routes

from werkmap.errors import InvalidPolicy
from werkmap.jobseeker import explain_route
from werkmap.rules import default_policy_dir, load_policy, load_policy_documents
from werkmap.texts import percent

AMENDED = dt.date(2027, 1, 1)


def _documents(**values):
    base = [
        (p.name, tomllib.loads(p.read_text(encoding="utf-8")))
        for p in sorted(default_policy_dir().glob("*.toml"))
    ]
    amendment = {
        name: {"values": [{"valid_from": AMENDED, "value": v}]} for name, v in values.items()
    }
    return [*base, (f"{AMENDED.isoformat()}-texts.toml", amendment)]


def test_the_packaged_values():
    v = load_policy().at(dt.date(2025, 3, 3))
    assert v.band_visible_to_jobseeker is True
    assert v.objection_period_weeks == 6
    assert "werk.nl" in v.objection_address


def test_an_objection_period_shorter_than_the_awb_is_refused():
    with pytest.raises(InvalidPolicy) as info:
        load_policy_documents(_documents(objection_period_weeks=5))
    assert info.value.codes == ("WM-P018",)
    assert "2027-01-01" in str(info.value)
    longer = load_policy_documents(_documents(objection_period_weeks=8))
    assert longer.at(AMENDED).objection_period_weeks == 8


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("band_visible_to_jobseeker", 1),
        ("band_visible_to_jobseeker", "yes"),
        ("objection_address", ""),
        ("objection_address", 3),
    ],
)
def test_a_switch_is_true_or_false_and_a_text_is_not_empty(name, value):
    with pytest.raises(InvalidPolicy) as info:
        load_policy_documents(_documents(**{name: value}))
    assert info.value.codes == ("WM-P004",)


HIDDEN = load_policy_documents(_documents(band_visible_to_jobseeker=False))


@given(profiles(AMENDED), st.data(), st.sampled_from(["nl", "en"]))
def test_a_hidden_band_leaves_no_figure_of_the_chance_in_the_jobseekers_text(
    profile, data, language
):
    route = data.draw(routes(AMENDED, profile))
    e = explain_route(route, profile, policy=HIDDEN, language=language)
    assert e.band is None
    assert e.band_visible is False
    body = "\n".join(e.lines)
    assert percent(profile.probability, language) not in body
    assert profile.band not in body
    coach = explain_route(route, profile, policy=HIDDEN, language=language, audience="coach")
    assert coach.band == profile.band
    assert percent(profile.probability, language) in "\n".join(coach.lines)
    # before the amendment the band was shown: the value of the decision date is used
    earlier = explain_route(
        _on(route, AMENDED - dt.timedelta(days=1)), profile, policy=HIDDEN, language=language
    )
    assert earlier.band == profile.band


def _on(route, day):
    import attrs

    return attrs.evolve(route, decided_on=day, override_on=day if route.override_on else None)
