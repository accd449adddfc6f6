"""The overview, the explanation and the letters for random folders in every state.

No crash in either language or audience, and every date and figure in the text is the folder's own: dates
are read back out of each line and compared with the records (and with the due rules' own actions), the
application-duty count is recounted from the activities, the letters' periods from the calendar.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.jobseeker.folders import dates_in, folders

from werkmap.errors import InvalidInput
from werkmap.jobseeker import (
    SECTIONS,
    decision_letter,
    explain_route,
    hearing_letter,
    objection_deadline,
    overview,
)
from werkmap.jobseeker.explanation import FIXED_CONSTRUCTS, TOP_FACTORS
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind, ActivityState
from werkmap.rules import default_policy, due_actions, folder_state
from werkmap.texts import date_text, number, percent
from werkmap.workdays import dutch_calendar

POLICY = default_policy()
CAL = dutch_calendar()
LANGUAGES = st.sampled_from(["nl", "en"])
AUDIENCES = st.sampled_from(["jobseeker", "coach"])


@given(folders(), LANGUAGES, AUDIENCES)
def test_the_overview_shows_the_folders_own_dates_and_figures(drawn, language, audience):
    folder, on = drawn
    o = overview(folder, on=on, policy=POLICY, language=language, audience=audience)
    text, page = o.to_text(), o.to_html()
    assert o.to_records()
    assert [i.section for i in o.items] == sorted((i.section for i in o.items), key=SECTIONS.index)
    colours = wf.activity_colours(folder, on, POLICY.at(on).colour_horizon_days)
    late = {a.activity_id for a in wf.overdue_activities(folder, on)}
    # every activity, with its own deadline and the one colour rule's colour
    assert [i.fields["activity_id"] for i in o.activities] == [
        a.activity_id for a in folder.activities
    ]
    for item, a in zip(o.activities, folder.activities, strict=True):
        assert item.fields["colour"] == str(colours[a.activity_id])
        assert item.fields["overdue"] == (a.activity_id in late)
        assert set(dates_in(item.text)) <= {a.deadline.due, a.reminded_on}
        assert date_text(a.deadline.due, language) in item.text
    assert len(o.section("overdue")) == (len(late) + 1 if late else 0)
    # what happens next: the due rules' own actions, due on the day they are shown for
    state = folder_state(folder)
    for item in o.next_steps:
        f = item.fields
        if f["kind"] == "case_respond":
            case = folder.case(f["case_id"])
            assert dates_in(item.text) == [case.respond_by]
            continue
        if f["kind"] == "hearing_respond":
            p = folder.case(f["case_id"]).proposal
            days = POLICY.at(p.proposed_on).case_response_working_days
            assert dates_in(item.text) == [CAL.add_working_days(p.proposed_on, days)]
            continue
        if f["kind"] == "objection_until":
            d = folder.case(f["case_id"]).decision
            assert dates_in(item.text) == [objection_deadline(d.decided_on, 6)]
            assert dates_in(item.text)[0] >= on
            continue
        fired = dt.date.fromisoformat(f["fired_on"])
        due_by = dt.date.fromisoformat(f["due_by"]) if f["due_by"] else None
        found = due_actions(state, max(on, fired), POLICY, CAL)
        assert any(
            a.kind == f["kind"]
            and a.subject == f["subject"]
            and a.fired_on == fired
            and a.due_by == due_by
            for a in found
        ), (f, found)
        assert set(dates_in(item.text)) <= {fired, due_by}
    # the next conversation
    conv = wf.next_conversation(folder, on)
    (c_item,) = o.section("conversation")
    assert dates_in(c_item.text) == ([conv.scheduled_for] if conv is not None else [])
    # the application duty of the current period, counted again from the activities
    for item in o.section("duty"):
        if "counted" not in item.fields:
            continue
        start = dt.date.fromisoformat(item.fields["start"])
        last = dt.date.fromisoformat(item.fields["last_day"])
        counted = sum(
            1
            for a in folder.activities
            if a.kind is ActivityKind.APPLICATION
            and a.state is ActivityState.DONE
            and a.closed_on is not None
            and start <= a.closed_on <= last
        )
        assert item.fields["counted"] == counted
        figures = [int(n) for n in re.findall(r"\b\d+\b", _without_dates(item.text))]
        assert figures[:2] == [counted, item.fields["required"]]
        assert dates_in(item.text) == [last]
        assert item.fields["required"] in (0, POLICY.at(on).application_duty_count)
    # the work plan
    plan = folder.current_plan
    plan_items = o.section("plan")
    if plan is None:
        assert len(plan_items) == 1
    else:
        agreed = [v.agreed_on for v in plan.versions if v.agreed_on is not None]
        assert dates_in(plan_items[0].text) == agreed[-1:]
    # texts are escaped in HTML, never raw
    assert "<Jansen>" not in page
    if any("<Jansen>" in a.title for a in folder.activities):
        assert html.escape("<Jansen>") in page
        assert "<Jansen>" in text
    # the score only for the coach
    if o.explanation is not None and audience == "jobseeker":
        assert o.explanation.probability is None


def _without_dates(text: str) -> str:
    return re.sub(r"\d{1,2} [A-Za-z]+ \d{4}|\d{4}-\d{2}-\d{2}", "", text)


@given(folders(), LANGUAGES, AUDIENCES)
def test_the_explanation_comes_from_the_records_alone(drawn, language, audience):
    folder, _ = drawn
    if not folder.routes:
        return
    route, profile = folder.routes[-1], folder.latest_profile
    e = explain_route(route, profile, policy=POLICY, language=language, audience=audience)
    again = explain_route(route, profile, policy=POLICY, language=language, audience=audience)
    assert e == again
    assert e.to_text() == again.to_text()
    text = e.to_text()
    assert route.rule_id in text or (audience == "jobseeker" and not e.band_visible)
    assert set(dates_in(text)) <= {route.decided_on, route.override_on}
    if profile is None:
        assert e.factors == ()
        return
    lowering = sorted((v, k) for k, v in profile.construct_contributions.items() if v < 0)[
        :TOP_FACTORS
    ]
    assert [f.construct for f in e.factors] == [k for _, k in lowering]
    assert all(f.changeable == (f.construct not in FIXED_CONSTRUCTS) for f in e.factors)
    shown = percent(profile.probability, language)
    if audience == "coach":
        assert e.probability == profile.probability
        assert shown in text
        assert e.band == profile.band
    elif e.band_visible:
        assert e.band == profile.band
    else:
        assert e.band is None
        assert shown not in text, "a hidden band hides every figure of the chance"
        assert "%" not in text.split("\n\n")[0].replace("0-25 %", "")


@given(folders(), LANGUAGES)
def test_the_letters_carry_the_records_terms_and_the_policys_periods(drawn, language):
    folder, _ = drawn
    for case in folder.cases:
        if case.proposal is None:
            with pytest.raises(InvalidInput, match="has no proposed measure"):
                hearing_letter(folder, case.case_id, policy=POLICY, language=language)
            continue
        p = case.proposal
        letter = hearing_letter(folder, case.case_id, policy=POLICY, language=language)
        days = POLICY.at(p.proposed_on).case_response_working_days
        assert letter.respond_by == CAL.add_working_days(p.proposed_on, days)
        text = letter.to_text()
        assert date_text(letter.respond_by, language) in text
        assert f"{number(p.percentage, language, digits=None)} %" in text
        assert str(p.duration_weeks) in text
        assert p.rule_id in text
        assert set(dates_in(text)) <= {
            p.proposed_on,
            letter.respond_by,
            case.opened_on,
            case.responded_on,
            dt.date.fromisoformat(p.rule_version),  # the measure table's version is a date
            *(a.deadline.due for a in folder.activities),
        }
        assert letter == hearing_letter(folder, case.case_id, policy=POLICY, language=language)
        d = case.decision
        if d is None or not d.imposed:
            continue
        dl = decision_letter(folder, case.case_id, policy=POLICY, language=language)
        weeks = POLICY.at(d.decided_on).objection_period_weeks
        assert dl.objection_weeks == weeks == 6
        assert dl.object_by == objection_deadline(d.decided_on, weeks)
        assert dl.object_by >= d.decided_on + dt.timedelta(weeks=6)
        assert CAL.is_working_day(dl.object_by)
        body = dl.to_text()
        assert date_text(dl.object_by, language) in body
        assert POLICY.at(d.decided_on).objection_address in body
        assert f"{number(d.percentage, language, digits=None)} %" in body
        assert set(dates_in(body)) <= {
            d.decided_on,
            dl.object_by,
            case.opened_on,
            case.responded_on,
            dt.date.fromisoformat(p.rule_version),
            *(a.deadline.due for a in folder.activities),
        }
        assert dl == decision_letter(folder, case.case_id, policy=POLICY, language=language)
