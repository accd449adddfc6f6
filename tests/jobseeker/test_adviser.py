"""The adviser's section of the coach's overview: each reason there is none, and the one profile rule."""

from __future__ import annotations

import datetime as dt

import attrs
from tests.jobseeker.folders import scored_record
from tests.plan.drivers import D0

from werkmap.interventions import default_catalogue, orientation_agenda, record_recourse
from werkmap.jobseeker import adviser_items, deciding_profile, overview, route_profile
from werkmap.plan import folder as wf
from werkmap.plan.folder import RouteRecord
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire

M = default_model()
Q = default_questionnaire()
C = default_catalogue()


def _folder(profile=None, outcome="orientation", **route_fields):
    f, _ = wf.create_folder("f-9", on=D0, jobseeker_ref="js-9", coach_id="c-9")
    route = RouteRecord(
        decided_on=D0,
        outcome=outcome,
        rule_id="R-ROUTE-06",
        rule_version=1,
        inputs={"probability": profile.probability if profile else None},
        **route_fields,
    )
    return attrs.evolve(f, profiles=(profile,) if profile else (), routes=(route,))


def _status(items, section):
    return next(i.fields["status"] for i in items if i.section == section)


def test_without_model_or_catalogue_each_section_says_it_is_not_available():
    folder = _folder(scored_record(1, D0))
    items = adviser_items(folder, on=D0, language="en")
    assert _status(items, "recourse") == "no_model"
    assert _status(items, "agenda") == "no_catalogue"
    assert [i.text for i in items] == [
        "Not available: no scoring model or questionnaire was given.",
        "Not available: no catalogue of services was given.",
    ]
    o = overview(folder, on=D0, language="nl", audience="coach")
    assert "Niet beschikbaar: er is geen scoringsmodel" in o.to_text()


def test_answers_that_do_not_fit_the_questionnaire_give_a_plain_line():
    record = scored_record(1, D0)
    broken = attrs.evolve(record, answers={**record.answers, "q01": '"no-such-option"'})
    items = adviser_items(_folder(broken), on=D0, language="nl", model=M, questionnaire=Q)
    assert _status(items, "recourse") == "invalid_answers"
    assert "passen niet bij vragenlijst" in items[0].text
    assert "3 maart 2025" in items[0].text


def test_the_section_is_the_records_recourse_and_agenda():
    record = scored_record(2, D0)
    items = adviser_items(
        _folder(record), on=D0, language="en", model=M, questionnaire=Q, catalogue=C
    )
    r = record_recourse(record, M, Q)
    head = items[0]
    assert head.fields["status"] == r.status
    assert head.fields["new_probability"] == r.new_probability
    rec_lines = [i.text for i in items if i.section == "recourse"][1:]
    assert "\n".join(rec_lines) == r.text("en").rstrip("\n").replace("\n- ", "\n")
    agenda = orientation_agenda(record, C, on=D0, questionnaire=Q)
    steps = [i for i in items if i.section == "agenda" and i.fields.get("number")]
    assert [i.fields["step"] for i in steps] == [s.key for s in agenda.steps]


def test_another_route_has_no_agenda_and_says_which_it_is():
    items = adviser_items(
        _folder(scored_record(2, D0), outcome="digital"),
        on=D0,
        language="nl",
        model=M,
        questionnaire=Q,
        catalogue=C,
    )
    (line,) = [i for i in items if i.section == "agenda"]
    assert line.text == "Geen werkoriëntatiegesprek: de dienstverlening is digitaal."


def test_the_deciding_profile_is_the_routes_own_else_the_latest_by_the_day():
    first, later = scored_record(1, D0), scored_record(2, D0 + dt.timedelta(days=10))
    folder = attrs.evolve(_folder(first), profiles=(first, later))
    assert route_profile(folder) == first
    assert deciding_profile(folder, D0 + dt.timedelta(days=20)) == first
    unrouted = attrs.evolve(folder, routes=())
    assert route_profile(unrouted) is None
    assert deciding_profile(unrouted, D0 + dt.timedelta(days=20)) == later
    assert deciding_profile(unrouted, D0 + dt.timedelta(days=5)) == first
    assert deciding_profile(unrouted, D0 - dt.timedelta(days=1)) is None
