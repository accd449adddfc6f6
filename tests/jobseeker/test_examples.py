"""Worked examples of the jobseeker's texts: the objection deadline, two-language reasons, the letters."""

from __future__ import annotations

import datetime as dt

import attrs
from tests.plan.drivers import D0, in_every_state

from werkmap.jobseeker import decision_letter, hearing_letter, objection_deadline, overview
from werkmap.plan import folder as wf
from werkmap.plan.workplan import ExtraService


def test_the_objection_period_ends_six_weeks_after_sending_or_the_next_working_day():
    # Awb 6:8: from the day after sending; 6:7: six weeks; Algemene termijnenwet: not on a holiday
    assert objection_deadline(dt.date(2025, 3, 3), 6) == dt.date(2025, 4, 14)
    assert objection_deadline(dt.date(2025, 3, 10), 6) == dt.date(2025, 4, 22)  # Easter Monday
    assert objection_deadline(dt.date(2025, 3, 8), 6) == dt.date(
        2025, 4, 22
    )  # a Saturday, then Easter


def _folder_with(**parts):
    folder, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="js-1", coach_id="c-1")
    return attrs.evolve(folder, **parts)


def test_a_two_language_reason_is_shown_in_the_readers_language():
    plan = in_every_state("work_plan")["agreed"]
    version = attrs.evolve(
        plan.versions[-1],
        services=(
            ExtraService(
                name="sollicitatietraining / job-application training",
                reason="lage verwachting / low expectation",
            ),
        ),
    )
    folder = _folder_with(plans=(attrs.evolve(plan, versions=(version,)),))
    en = [i.text for i in overview(folder, on=D0, language="en").section("plan")]
    nl = [i.text for i in overview(folder, on=D0, language="nl").section("plan")]
    assert 'Extra help: "job-application training". Why: low expectation' in en
    assert 'Extra hulp: "sollicitatietraining". Waarom: lage verwachting' in nl


def test_the_letters_of_a_decided_case_name_the_measure_the_person_and_the_periods():
    case = in_every_state("enforcement")["decided"]
    folder = _folder_with(cases=(case,))
    hearing = hearing_letter(folder, case.case_id, language="en")
    # 10 working days after Monday 2 June 2025, Whit Monday (9 June) not counted
    assert hearing.respond_by == dt.date(2025, 6, 17)
    assert "Respond by 17 June 2025." in hearing.to_text()
    assert "You get 25 % less benefit for 16 weeks." in hearing.to_text()
    letter = decision_letter(folder, case.case_id, language="nl")
    text = letter.to_text()
    assert letter.object_by == dt.date(2025, 7, 14)
    assert "uiterlijk 14 juli 2025" in text
    assert "U krijgt 16 weken 25 % minder uitkering." in text
    assert "Adviseur J. de Vries heeft dit besloten op 2 juni 2025." in text
    assert "R-MEASURE-01" in text


def test_dates_are_written_as_people_read_them():
    from werkmap.texts import date_text

    assert date_text(dt.date(2025, 3, 3), "nl") == "3 maart 2025"
    assert date_text(dt.date(2025, 12, 31), "en") == "31 December 2025"
