"""The WorkFolder aggregate: the BSN, versions and events, every change, queries, and serialisation."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap import serialization
from werkmap.errors import GuardRefused, IllegalTransition, InvalidInput, NotFound
from werkmap.plan import folder as wf
from werkmap.plan.activity import Colour
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.folder import ProfileRecord, WorkFolder
from werkmap.plan.workplan import ExtraService

from .drivers import MEASURES

KEY = b"a host secret of at least 16 bytes"
BSN = "111222333"
D0 = dt.date(2025, 3, 3)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def _profile(on: dt.date = D0) -> ProfileRecord:
    return ProfileRecord(
        taken_on=on,
        probability=0.42,
        band="25-50",
        questionnaire_id="werkverkenner",
        questionnaire_version="2017.1",
        model_id="ww-logit",
        model_version="1.0.0",
        top_hindrances=("health", "age"),
    )


# ---------------------------------------------------------------------------------------- the BSN


def test_bsn_eleven_test():
    assert wf.is_valid_bsn("111222333")
    assert wf.is_valid_bsn("123456782")
    assert wf.is_valid_bsn("12345672")  # 8 digits: a leading zero
    assert not wf.is_valid_bsn("123456789")
    assert not wf.is_valid_bsn("000000000")
    assert not wf.is_valid_bsn("1112223330")
    assert not wf.is_valid_bsn("11122233x")
    assert not wf.is_valid_bsn("１１１２２２３３３")  # full-width digits are not ASCII


def test_a_bsn_is_pseudonymised_and_never_kept():
    f, events = wf.create_folder("f-1", on=D0, bsn=BSN, pseudonym_key=KEY)
    assert f.jobseeker_ref == wf.pseudonymise_bsn(BSN, KEY)
    assert f.jobseeker_ref.startswith("bsn-hmac-sha256:")
    assert f.jobseeker_ref != wf.pseudonymise_bsn(BSN, KEY + b"!"), "another key, another pseudonym"
    assert BSN not in serialization.dumps(f)
    assert BSN not in repr(f)
    assert all(BSN not in repr(e) for e in events)


@pytest.mark.parametrize("bad", ["123456789", "12345678901", "abc"])
def test_an_invalid_bsn_never_appears_in_the_error(bad):
    with pytest.raises(InvalidInput) as info:
        wf.create_folder("f-1", on=D0, bsn=bad, pseudonym_key=KEY)
    assert bad not in str(info.value)
    assert info.value.problems[0].path == "$.bsn"


def test_folder_creation_lists_every_problem():
    with pytest.raises(InvalidInput) as info:
        wf.create_folder("", on=D0, bsn="123456789", pseudonym_key=b"short")
    assert {p.path for p in info.value.problems} == {"$.folder_id", "$.bsn", "$.pseudonym_key"}
    with pytest.raises(InvalidInput, match="exactly one"):
        wf.create_folder("f", on=D0)
    with pytest.raises(InvalidInput, match="exactly one"):
        wf.create_folder("f", on=D0, jobseeker_ref="r", bsn=BSN, pseudonym_key=KEY)
    with pytest.raises(InvalidInput, match="clear BSN") as info:
        wf.create_folder("f", on=D0, jobseeker_ref=BSN)
    assert BSN not in str(info.value)


# ------------------------------------------------------------------------------ versions and events


def test_a_new_folder_is_version_one_with_one_event():
    f, events = wf.create_folder("f-1", on=D0, jobseeker_ref="ref-1", coach_id="c-1")
    assert f.version == 1
    assert [(e.seq, e.kind, e.version) for e in events] == [(1, "folder_created", 1)]
    assert f.events == events
    assert f.registered_on == D0


def _full_story() -> list[tuple[WorkFolder, tuple[wf.FolderEvent, ...]]]:
    steps = []
    f, ev = wf.create_folder("f-1", on=D0, jobseeker_ref="ref-1", pension_on=dt.date(2040, 1, 1))
    steps.append((f, ev))

    def do(change):
        nonlocal f
        f, e = change(f)
        steps.append((f, e))

    do(lambda f: wf.assign_coach(f, "c-1", on=D0, actor="teamlead"))
    do(lambda f: wf.add_profile(f, _profile(), on=D0, actor="system"))
    do(lambda f: wf.request_conversation(f, on=D0))
    do(
        lambda f: wf.propose_conversation(
            f, "g-1", "orientation", on=D0, actor="system", reason="band 25-50"
        )
    )
    do(lambda f: wf.invite_conversation(f, "g-1", on=D0, at=day(7), actor="c-1"))
    do(
        lambda f: wf.reschedule_conversation(
            f, "g-1", on=day(1), at=day(8), actor="c-1", reason="coach ill"
        )
    )
    do(lambda f: wf.hold_conversation(f, "g-1", on=day(8), actor="c-1", outcome="plan made"))
    for i in range(1, 6):
        do(
            lambda f, i=i: wf.add_activity(
                f, f"a-{i}", "application", due=day(20), on=day(8), actor="c-1"
            )
        )
    do(lambda f: wf.add_activity(f, "cv", "cv", due=day(14), on=day(8), actor="c-1"))
    do(
        lambda f: wf.draft_plan(
            f,
            "p-1",
            on=day(8),
            actor="c-1",
            application_duty=ApplicationDuty(),
            activity_ids=["a-1", "cv"],
            services=[ExtraService(name="CV workshop", reason="no CV yet")],
        )
    )
    do(lambda f: wf.amend_plan(f, "p-1", on=day(8), actor="c-1", activity_ids=["a-1", "a-2", "cv"]))
    do(lambda f: wf.agree_plan(f, "p-1", on=day(8), actor="c-1"))
    do(lambda f: wf.complete_activity(f, "a-1", on=day(10), actor="jobseeker"))
    do(
        lambda f: wf.extend_activity_deadline(
            f, "a-2", on=day(10), actor="c-1", reason="ill", working_days=3
        )
    )
    do(lambda f: wf.suspend_activity_deadline(f, "a-3", on=day(10), actor="c-1", reason="hospital"))
    do(lambda f: wf.resume_activity_deadline(f, "a-3", on=day(12), actor="c-1"))
    do(lambda f: wf.mark_activity_overdue(f, "cv", on=day(15)))
    do(lambda f: wf.remind_activity(f, "cv", on=day(15), actor="c-1"))
    do(lambda f: wf.refer_activity(f, "cv", on=day(25), actor="c-1", reason="no CV after reminder"))
    do(lambda f: wf.mark_activity_overdue(f, "a-4", on=day(27)))
    do(lambda f: wf.excuse_activity(f, "a-4", on=day(27), actor="c-1", reason="ill"))
    do(lambda f: wf.cancel_activity(f, "a-5", on=day(27), actor="c-1", reason="vacancy closed"))
    do(lambda f: wf.revise_plan(f, "p-1", on=day(28), actor="c-1", reason="add e-learning"))
    do(
        lambda f: wf.open_case(
            f, "k-1", ground="activity", source_id="cv", on=day(25), actor="c-1", reason="no CV"
        )
    )
    do(lambda f: wf.inform_case(f, "k-1", on=day(25), actor="c-1", policy=MEASURES))
    do(lambda f: wf.record_response(f, "k-1", on=day(30), actor="jobseeker", response="forgot"))
    do(lambda f: wf.propose_measure(f, "k-1", on=day(31), actor="c-1", policy=MEASURES))
    do(
        lambda f: wf.decide_measure(
            f, "k-1", on=day(32), actor="J. de Vries", reason="heard, no excuse"
        )
    )
    do(lambda f: wf.record_objection(f, "k-1", on=day(40), actor="c-2", note="bezwaar"))
    do(
        lambda f: wf.close_case(
            f, "k-1", on=day(60), actor="J. de Vries", reason="objection rejected"
        )
    )
    do(lambda f: wf.propose_conversation(f, "g-2", "coaching", on=day(60), actor="c-1"))
    do(lambda f: wf.invite_conversation(f, "g-2", on=day(60), at=day(70), actor="c-1"))
    do(lambda f: wf.propose_conversation(f, "g-3", "monitor", on=day(60), actor="c-1"))
    do(lambda f: wf.record_no_show(f, "g-2", on=day(70), actor="c-1"))
    do(
        lambda f: wf.open_case(
            f, "k-2", ground="no_show", source_id="g-2", on=day(70), actor="c-1", reason="missed"
        )
    )
    do(lambda f: wf.inform_case(f, "k-2", on=day(70), actor="c-1", policy=MEASURES))
    do(lambda f: wf.record_no_response(f, "k-2", on=day(90)))
    do(
        lambda f: wf.decide_no_measure(
            f, "k-2", on=day(90), actor="c-1", reason="sick note arrived"
        )
    )
    do(lambda f: wf.close_case(f, "k-2", on=day(90), actor="c-1"))
    do(lambda f: wf.record_work_found(f, on=day(100), actor="c-1"))
    do(lambda f: wf.close_plan(f, "p-1", on=day(100), actor="c-1", reason="found work"))
    do(lambda f: wf.record_benefit_ended(f, on=day(101), actor="system", reason="work"))
    return steps


def test_every_change_adds_one_version_and_appends_its_events():
    steps = _full_story()
    for (before, _), (after, events) in itertools.pairwise(steps):
        assert after.version == before.version + 1
        assert after.events[: len(before.events)] == before.events
        assert after.events[len(before.events) :] == events
        assert events
        assert all(e.version == after.version for e in events)
    final = steps[-1][0]
    assert [e.seq for e in final.events] == list(range(1, len(final.events) + 1))
    kinds = {e.kind for e in final.events}
    assert {
        "measure_decided",
        "objection_recorded",
        "conversation_cancelled",
        "work_found",
    } <= kinds


def test_the_story_ends_where_it_should():
    f = _full_story()[-1][0]
    assert f.coach_id == "c-1"
    assert f.conversation_requested_on == D0
    assert f.conversation("g-1").history[0].moved_on == day(1)
    assert f.conversation("g-1").history[0].reason == "coach ill"
    assert f.conversation("g-3").state == "cancelled", "found work cancels pending conversations"
    plan = f.plan("p-1")
    assert [v.number for v in plan.versions] == [1, 2]
    assert plan.version(1).activity_ids == ("a-1", "a-2", "cv")
    assert plan.version(2).revision_reason == "add e-learning"
    assert plan.state == "closed"
    assert f.current_plan is None
    case = f.case("k-1")
    assert case.state == "closed"
    assert case.decision is not None
    assert case.decision.decided_by == "J. de Vries"
    assert case.objection is not None
    assert f.activity("a-2").deadline.due == day(24)  # Sun 23 rolls to Mon 24; + 3 working days
    assert f.activity("a-3").deadline.due == day(23)  # Mon 24 moved by the 2 suspended days
    assert f.work_found_on == day(100)
    assert f.benefit_ended_on == day(101)
    assert f.latest_profile == _profile()


def test_serialisation_round_trip_of_the_story():
    f = _full_story()[-1][0]
    text = serialization.dumps(f)
    assert serialization.loads(text, WorkFolder) == f
    assert serialization.dump(f)["schema"] == "werkmap.folder"


def test_lookups_and_duplicates():
    f, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="r")
    with pytest.raises(NotFound, match="no activity 'x'"):
        wf.complete_activity(f, "x", on=D0, actor="c")
    f, _ = wf.add_activity(f, "a", "cv", due=day(7), on=D0, actor="c")
    with pytest.raises(InvalidInput, match="exists already"):
        wf.add_activity(f, "a", "cv", due=day(7), on=D0, actor="c")
    with pytest.raises(IllegalTransition):
        wf.remind_activity(f, "a", on=D0, actor="c")
    with pytest.raises(GuardRefused):
        wf.mark_activity_overdue(f, "a", on=D0)
    with pytest.raises(InvalidInput, match="no activity 'nope'"):
        wf.draft_plan(f, "p", on=D0, actor="c", activity_ids=["nope"])
    f2, _ = wf.draft_plan(f, "p", on=D0, actor="c")
    with pytest.raises(InvalidInput, match="still open"):
        wf.draft_plan(f2, "q", on=D0, actor="c")
    with pytest.raises(InvalidInput, match="no referred activity"):
        wf.open_case(f, "k", ground="activity", source_id="a", on=D0, actor="c", reason="x")
    with pytest.raises(InvalidInput, match="no missed conversation"):
        wf.open_case(f, "k", ground="no_show", source_id="g", on=D0, actor="c", reason="x")
    with pytest.raises(InvalidInput):
        ProfileRecord(
            taken_on=D0,
            probability=1.5,
            band="50-100",
            questionnaire_id="q",
            questionnaire_version="1",
            model_id="m",
            model_version="1",
        )


# -------------------------------------------------------------------------------------------- queries


def test_queries():
    f, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="r")
    assert wf.most_urgent_colour(f, D0) is None
    assert wf.next_deadline(f, D0) is None
    f, _ = wf.add_activity(f, "far", "cv", due=day(30), on=D0, actor="c")
    f, _ = wf.add_activity(f, "near", "application", due=day(4), on=D0, actor="c")
    f, _ = wf.add_activity(f, "past", "application", due=day(1), on=D0, actor="c")
    assert wf.activity_colours(f, D0) == {
        "far": Colour.GREEN,
        "near": Colour.ORANGE,
        "past": Colour.ORANGE,
    }
    assert wf.most_urgent_colour(f, D0) is Colour.ORANGE
    assert wf.most_urgent_colour(f, day(3)) is Colour.RED
    assert wf.next_deadline(f, D0).activity_id == "past"
    assert wf.next_deadline(f, day(3)).activity_id == "near"
    assert wf.overdue_count(f, day(3)) == 1
    f, _ = wf.mark_activity_overdue(f, "past", on=day(3))
    assert wf.overdue_count(f, day(5)) == 2, "marked overdue, and 'near' passed but not swept"
    f, _ = wf.propose_conversation(f, "g", "coaching", on=D0, actor="c")
    assert wf.next_conversation(f, D0) is None, "proposed, not planned"
    f, _ = wf.invite_conversation(f, "g", on=D0, at=day(9), actor="c")
    assert wf.next_conversation(f, D0).conversation_id == "g"
    assert wf.next_conversation(f, day(10)) is None


def test_application_duty_status_runs_from_registration_with_the_plan_s_duty():
    f, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="r")
    status = wf.application_duty_status(f, day(40))
    assert status is not None, "the duty holds from registration, without a plan too"
    assert status.periods[0].start == D0
    assert status.periods[0].required == 4
    f, _ = wf.draft_plan(f, "p", on=D0, actor="c", application_duty=ApplicationDuty(required=2))
    f, _ = wf.agree_plan(f, "p", on=day(1), actor="c")
    f, _ = wf.add_activity(f, "a", "application", due=day(10), on=day(1), actor="c")
    f, _ = wf.complete_activity(f, "a", on=day(5), actor="jobseeker")
    status = wf.application_duty_status(f, day(40))
    assert status is not None
    assert status.periods[0].start == D0, "an agreed plan does not move the periods"
    assert (status.periods[0].counted, status.periods[0].shortfall) == (1, 1)


def test_measure_history_repeat_and_third_breach():
    f, _ = wf.create_folder("f-1", on=D0, jobseeker_ref="r")
    for i, when in enumerate([day(0), day(100), day(200)]):
        cid = f"k-{i}"
        f, _ = wf.open_case(f, cid, ground="application_duty", on=when, actor="c", reason="too few")
        f, _ = wf.inform_case(f, cid, on=when, actor="c", policy=MEASURES)
        f, _ = wf.record_no_response(f, cid, on=when + dt.timedelta(days=30))
        f, events = wf.propose_measure(
            f, cid, on=when + dt.timedelta(days=30), actor="c", policy=MEASURES
        )
        proposal = f.case(cid).proposal
        assert proposal is not None
        if i == 0:
            assert (proposal.percentage, proposal.repeat) == (25.0, False)
        elif i == 1:
            assert (proposal.percentage, proposal.repeat) == (37.5, True)
        else:
            assert proposal.kind == "permanent_refusal"
            assert events[0].data["kind"] == "permanent_refusal"
        f, _ = wf.decide_measure(
            f, cid, on=when + dt.timedelta(days=31), actor="J. de Vries", reason="r"
        )


# --------------------------------------------------------------------------- hypothesis round trip

_dates = st.dates(dt.date(2016, 1, 1), dt.date(2034, 6, 30))
_text = st.text(max_size=12)
_ids = st.text(alphabet="abcdefgh0123456789-", min_size=1, max_size=6)


@st.composite
def folders(draw):
    start = draw(_dates)
    f, _ = wf.create_folder(
        draw(_ids),
        on=start,
        jobseeker_ref="ref-" + draw(_ids),
        coach_id=draw(st.none() | _ids),
        benefit_ends_on=draw(st.none() | _dates),
        pension_on=draw(st.none() | _dates),
    )
    for _ in range(draw(st.integers(0, 12))):
        on = start + dt.timedelta(days=draw(st.integers(0, 400)))
        op = draw(st.integers(0, 9))
        ident = draw(_ids)
        try:
            if op == 0:
                f, _ = wf.add_activity(
                    f,
                    ident,
                    draw(st.sampled_from(["application", "cv", "workshop"])),
                    due=on + dt.timedelta(days=draw(st.integers(0, 60))),
                    on=on,
                    actor=draw(_text),
                    title=draw(_text),
                )
            elif op == 1 and f.activities:
                a = draw(st.sampled_from(f.activities))
                f, _ = draw(st.sampled_from([wf.complete_activity, wf.mark_activity_overdue]))(
                    f, a.activity_id, on=on, actor="c"
                )
            elif op == 2 and f.activities:
                a = draw(st.sampled_from(f.activities))
                f, _ = wf.suspend_activity_deadline(
                    f, a.activity_id, on=on, actor="c", reason=draw(_text) + "x"
                )
            elif op == 3:
                f, _ = wf.propose_conversation(
                    f,
                    ident,
                    draw(st.sampled_from(["orientation", "monitor", "early_contact"])),
                    on=on,
                    actor="c",
                )
            elif op == 4 and f.conversations:
                c = draw(st.sampled_from(f.conversations))
                f, _ = wf.invite_conversation(
                    f, c.conversation_id, on=on, at=on + dt.timedelta(days=3), actor="c"
                )
            elif op == 5:
                f, _ = wf.add_profile(
                    f,
                    ProfileRecord(
                        taken_on=on,
                        probability=draw(st.floats(0, 1)),
                        band=draw(st.sampled_from(wf.BANDS)),
                        questionnaire_id=draw(_text),
                        questionnaire_version="1",
                        model_id="m",
                        model_version="2",
                        top_hindrances=tuple(draw(st.lists(_text, max_size=3))),
                    ),
                    on=on,
                    actor="system",
                )
            elif op == 6:
                f, _ = wf.draft_plan(
                    f,
                    ident,
                    on=on,
                    actor="c",
                    application_duty=draw(
                        st.none()
                        | st.builds(
                            ApplicationDuty,
                            required=st.integers(0, 6),
                            period_days=st.integers(7, 28),
                        )
                    ),
                    services=[ExtraService(name="s" + draw(_text), reason="r" + draw(_text))],
                )
            elif op == 7 and f.plans:
                f, _ = wf.agree_plan(f, f.plans[-1].plan_id, on=on, actor="c")
            elif op == 8:
                f, _ = wf.open_case(
                    f, ident, ground="application_duty", on=on, actor="c", reason="r" + draw(_text)
                )
            elif op == 9:
                f, _ = wf.request_conversation(f, on=on, note=draw(_text))
        except (InvalidInput, IllegalTransition):
            pass
    return f


@given(folders())
def test_any_folder_round_trips_through_the_serializer(folder):
    assert serialization.loads(serialization.dumps(folder), WorkFolder) == folder
