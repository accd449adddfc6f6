"""The orientation conversation's fixed steps: from the diagnosis and the catalogue, with reasons."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from werkmap.interventions import (
    candidates,
    default_catalogue,
    orientation_agenda,
    record_recourse,
)
from werkmap.plan.folder import ProfileRecord
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.report import band_group

M = default_model()
Q = default_questionnaire()
C = default_catalogue()
ON = dt.date(2025, 3, 3)


def record(answers: dict[str, object]) -> ProfileRecord:
    p = score(answers, M, Q)
    mid, mver = M.ref.split("|")
    qid, qver = Q.ref.split("|")
    return ProfileRecord(
        taken_on=ON,
        probability=p.probability,
        band=p.band,
        questionnaire_id=qid,
        questionnaire_version=qver,
        model_id=mid,
        model_version=mver,
        top_hindrances=p.diagnosis,
        answers=p.answers,
        item_contributions=p.item_contributions,
        construct_contributions=p.construct_contributions,
    )


def low_health_person() -> dict[str, object]:
    base = synthetic_answers(1, seed=21)[0]
    return {**base, "q14": "1", "q15": True, "q16": "3", "q05": "3", "q06": "3", "q07": "4"}


def test_the_first_hindrance_picks_the_first_candidate_and_every_reason_names_it() -> None:
    rec = record(low_health_person())
    assert rec.top_hindrances[0] == "perceived_health"
    agenda = orientation_agenda(rec, C, on=ON)
    first = agenda.candidates[0]
    assert first.service.id == "health-referral"
    assert first.addresses[0] == "perceived_health"
    assert Q.construct_label("perceived_health", "nl") in first.reason.nl
    assert Q.construct_label("perceived_health", "en") in first.reason.en
    assert [s.key for s in agenda.steps] == ["result", "hindrances", "services", "agreements"]
    assert [s.number for s in agenda.steps] == [1, 2, 3, 4]


def test_without_a_profile_only_services_for_that_group_and_no_diagnosis_step() -> None:
    agenda = orientation_agenda(None, C, on=ON)
    assert agenda.band_group == "none"
    assert [s.key for s in agenda.steps] == ["result", "services", "agreements"]
    assert agenda.candidates
    for c in agenda.candidates:
        assert "none" in c.service.band_groups
        assert not c.service.eligibility.requires_hindrance
        assert c.addresses == ()


def test_the_recourse_step_is_for_the_adviser_and_says_guidance() -> None:
    answers = next(a for a in synthetic_answers(40, seed=8) if score(a, M, Q).band == "25-50")
    rec = record(answers)
    r = record_recourse(rec, M, Q)
    agenda = orientation_agenda(rec, C, on=ON, recourse=r)
    (step,) = [s for s in agenda.steps if s.key == "recourse"]
    assert "geen belofte" in step.title.nl
    assert "not a promise" in step.detail.en
    assert agenda.to_dict()["recourse"]["guidance"] is True  # type: ignore[index]
    assert "geen belofte" in agenda.text("nl")


def test_services_are_taken_at_the_date_of_the_conversation() -> None:
    rec = attrs.evolve(
        record(low_health_person()), top_hindrances=("social_norm",), construct_contributions={}
    )
    before = {c.service.id: c.service for c in candidates(rec, C, on=dt.date(2020, 12, 31))}
    after = {c.service.id: c.service for c in candidates(rec, C, on=dt.date(2021, 1, 1))}
    assert before["networking-workshop"].capacity_per_month == 300
    assert after["networking-workshop"].capacity_per_month == 450


def test_extra_services_carry_the_catalogue_reference_and_the_reason() -> None:
    agenda = orientation_agenda(record(low_health_person()), C, on=ON)
    chosen = agenda.extra_services(2)
    assert len(chosen) == 2
    for x, c in zip(chosen, agenda.candidates, strict=False):
        assert (x.service_id, x.catalogue_version) == (c.service.id, C.version)
        assert not x.free_text
        assert c.reason.nl in x.reason
        assert c.reason.en in x.reason


people = st.builds(
    lambda seed, i: synthetic_answers(i + 1, seed=seed)[i],
    st.integers(0, 10_000),
    st.integers(0, 3),
)


@given(answers=people, days=st.integers(0, 4000))
def test_every_candidate_is_eligible_and_in_order(answers: dict[str, object], days: int) -> None:
    on = dt.date(2016, 10, 1) + dt.timedelta(days=days)
    rec = record(answers)
    agenda = orientation_agenda(rec, C, on=on)
    assert agenda.band_group == band_group(rec.band)
    seen = set()
    for c in agenda.candidates:
        s = c.service
        assert s.kind == "extra_service"
        assert s.is_valid_on(on)
        assert agenda.band_group in s.band_groups
        assert s.eligibility.admits(rec.probability)
        assert set(c.addresses) <= set(s.factors) & set(rec.top_hindrances)
        if s.eligibility.requires_hindrance:
            assert c.addresses
        assert s.id not in seen
        seen.add(s.id)
    ranks = [
        rec.top_hindrances.index(c.addresses[0]) if c.addresses else len(rec.top_hindrances)
        for c in agenda.candidates
    ]
    assert ranks == sorted(ranks)
    expected = {
        s.id
        for s in C.on(on)
        if s.kind == "extra_service"
        and agenda.band_group in s.band_groups
        and s.eligibility.admits(rec.probability)
        and (not s.eligibility.requires_hindrance or set(s.factors) & set(rec.top_hindrances))
    }
    assert seen == expected
    for language in ("nl", "en"):
        text = agenda.text(language)
        for c in agenda.candidates:
            assert c.service.name.get(language) in text


def test_recourse_of_a_record_needs_its_own_model_and_its_answers() -> None:
    import pytest

    from werkmap.errors import InvalidAnswers, VersionMismatch

    rec = record(low_health_person())
    with pytest.raises(VersionMismatch, match="scored with model"):
        record_recourse(attrs.evolve(rec, model_version="other"), M, Q)
    with pytest.raises(InvalidAnswers, match="keeps no answers"):
        record_recourse(attrs.evolve(rec, answers={}), M, Q)
    r = record_recourse(rec, M, Q)
    assert r.probability == pytest.approx(rec.probability, abs=1e-12)
