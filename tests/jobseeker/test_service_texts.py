"""The overview and the letters through the service: who sees what, the audit, the outbox."""

from __future__ import annotations

import pytest
from tests.jobseeker.folders import dates_in
from tests.shell.service_world import (
    COACH,
    JOBSEEKER,
    LEAD,
    OTHER_COACH,
    OTHER_JOBSEEKER,
    SYSTEM,
    TODAY,
    build_world,
)

from werkmap.errors import NotAuthorized, NotFound
from werkmap.jobseeker import decision_letter, hearing_letter
from werkmap.service import Actor
from werkmap.texts import percent


@pytest.fixture(scope="module")
def world():
    wm = build_world()
    yield wm
    wm.close()


def test_a_jobseeker_reads_their_own_overview_without_the_score(world):
    o = world.overview(JOBSEEKER, "f-1")
    assert o.audience == "jobseeker"
    assert o.on == TODAY
    text = o.to_text()
    profile = world.folder(COACH, "f-1").latest_profile
    assert percent(profile.probability, "nl") in world.overview(COACH, "f-1").to_text()
    assert o.explanation is not None
    assert o.explanation.probability is None
    assert "R-DUE-" not in text, "the jobseeker reads what happens, not rule ids of the due rules"
    assert all(n.fields["recipient"] == "jobseeker:js-1" for n in o.section("notifications"))


def test_the_coach_and_the_team_lead_get_the_coach_view_in_english(world):
    for actor in (COACH, LEAD, SYSTEM):
        o = world.overview(actor, "f-1", language="en")
        assert o.audience == "coach"
        assert "coach view" in o.to_text()


def test_a_jobseeker_asking_for_another_folder_gets_the_error_of_a_missing_folder(world):
    with pytest.raises(NotFound) as other:
        world.overview(JOBSEEKER, "f-2")
    with pytest.raises(NotFound) as missing:
        world.overview(JOBSEEKER, "f-nope")
    assert str(other.value) == str(missing.value).replace("f-nope", "f-2")
    with pytest.raises(NotFound):
        world.overview(OTHER_JOBSEEKER, "f-1")


def test_a_coach_outside_the_caseload_is_refused(world):
    with pytest.raises(NotAuthorized):
        world.overview(OTHER_COACH, "f-1")


def test_the_read_is_audited(world):
    before = len(world.store.audit_records("f-2"))
    world.overview(Actor.jobseeker("js-2"), "f-2")
    records = world.store.audit_records("f-2")
    assert len(records) == before + 1
    assert (records[-1].action, records[-1].what, records[-1].actor) == (
        "read",
        "overview",
        "jobseeker:js-2",
    )


def test_proposing_and_deciding_a_measure_sends_the_letters_through_the_outbox(world):
    folder = world.folder(COACH, "f-1")
    letters = [
        item.notification
        for item in world.store.outbox()
        if item.notification.kind in ("hearing_letter", "decision_letter")
    ]
    assert [n.kind for n in letters] == ["hearing_letter", "decision_letter"]
    assert {n.recipient for n in letters} == {"jobseeker:js-1"}
    hearing, decision = letters
    # reproducible from the records: the letter in the outbox is the letter the folder gives now
    assert hearing.text_nl == hearing_letter(folder, "case-3", language="nl").to_text()
    assert hearing.text_en == hearing_letter(folder, "case-3", language="en").to_text()
    made = decision_letter(folder, "case-3", language="en")
    assert decision.text_en == made.to_text()
    assert made.object_by in dates_in(decision.text_en)
    assert made.object_by in dates_in(decision.text_nl)
    assert made.respond_by is None
    # the overview lists them among the messages sent
    subjects = [
        i.text for i in world.overview(JOBSEEKER, "f-1", language="en").section("notifications")
    ]
    assert any("Decision: a measure on your benefit" in s for s in subjects)


def test_the_coachs_overview_has_the_advisers_section_from_the_services_model(world):
    from werkmap.interventions import default_catalogue, orientation_agenda, record_recourse

    folder = world.folder(COACH, "f-1")
    profile = folder.latest_profile
    o = world.overview(COACH, "f-1", language="en")
    r = record_recourse(profile, world.model, world.questionnaire)
    (head, *_) = o.section("recourse")
    assert head.fields["status"] == r.status == "found"
    assert head.fields["new_probability"] == r.new_probability
    assert percent(r.new_probability, "en") in o.to_text()
    agenda = orientation_agenda(profile, default_catalogue(), on=TODAY)
    assert o.section("agenda")[0].fields["candidates"] == [c.service.id for c in agenda.candidates]
    for reader in (JOBSEEKER, SYSTEM):
        mine = world.overview(reader, "f-1")
        assert bool(mine.section("recourse")) == (reader is SYSTEM)
