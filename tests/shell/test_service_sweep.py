"""The daily sweep through ``Werkmap.sweep``: the right actions on the right days, once.

The days follow ``werkmap.rules.due`` with the default policy (``default_policy().at(day)``) and the Dutch
calendar; March 2025 has no public holiday, so the working-day shifts are weekends only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.errors import NotAuthorized
from werkmap.rules import default_policy
from werkmap.service import Werkmap
from werkmap.workdays import add_months, dutch_calendar

from .service_world import (
    COACH,
    D0,
    JOBSEEKER,
    LEAD,
    SYSTEM,
    build_world,
    clock_of,
    day,
    high_answers,
    low_answers,
    service,
    snapshot,
)

CAL = dutch_calendar()
P = default_policy().at(D0)


def sweep_days(wm: Werkmap, last: dt.date) -> dict[dt.date, list[tuple[str, str, str]]]:
    """Sweep every day from the clock's date to ``last``, twice a day; return what each day applied."""
    clock = clock_of(wm)
    seen: dict[dt.date, list[tuple[str, str, str]]] = {}
    today = clock.today()
    while today <= last:
        clock.set(today)
        result = wm.sweep(SYSTEM)
        if result.actions:
            seen[today] = [(a.folder_id, a.kind, a.subject) for a in result.actions]
        before = snapshot(wm.store)
        again = wm.sweep(SYSTEM)
        assert again.actions == (), f"the second sweep on {today} applied {again.actions}"
        assert again.failed == ()
        assert snapshot(wm.store) == before, f"the second sweep on {today} wrote something"
        today += dt.timedelta(days=1)
    return seen


def first_day(
    seen: dict[dt.date, list[tuple[str, str, str]]], kind: str, subject: str = ""
) -> dt.date:
    days = [d for d, acts in seen.items() if any(k == kind and s == subject for _, k, s in acts)]
    assert len(days) == 1, f"{kind} {subject!r} on {days}"
    return days[0]


def test_only_the_system_sweeps() -> None:
    wm = build_world()
    for actor in (COACH, JOBSEEKER, LEAD):
        before = snapshot(wm.store)
        with pytest.raises(NotAuthorized):
            wm.sweep(actor)
        assert snapshot(wm.store) == before


def test_the_same_day_twice_applies_and_writes_nothing_the_second_time() -> None:
    wm = build_world()
    clock_of(wm).set(day(5))
    first = wm.sweep(SYSTEM)
    assert first.actions
    before = snapshot(wm.store)
    second = wm.sweep(SYSTEM)
    assert (second.actions, second.failed, second.invitations) == ((), (), ())
    assert snapshot(wm.store) == before
    # and an explicit date equal to the clock's is the same day
    assert wm.sweep(SYSTEM, on=day(5)).actions == ()


def test_profiler_invitation_and_no_profile_flag_come_on_their_days() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    seen = sweep_days(wm, day(20))
    assert first_day(seen, "invite_profiler") == D0 + dt.timedelta(days=P.profiler_invitation_days)
    assert first_day(seen, "flag_no_profile") == D0 + dt.timedelta(days=P.no_profile_to_coach_days)
    folder = wm.store.load("f-1")
    assert folder.profiler_invited_on == D0
    assert folder.latest_route is not None
    assert folder.latest_route.outcome == "coach_analysis"
    kinds = [i.notification.kind for i in wm.store.outbox()]
    assert kinds == ["profiler_invited", "coach_analysis"]


def test_a_low_score_is_invited_to_an_orientation_conversation_within_the_window() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", low_answers())
    result = wm.sweep(SYSTEM)
    assert result.counts() == {"invite_orientation": 1}
    due_by = CAL.next_working_day(D0 + dt.timedelta(days=P.invitation_window_days))
    assert result.invitations == (("f-1", "conv-1", "orientation", due_by),)
    folder = wm.store.load("f-1")
    (conv,) = folder.conversations
    assert (str(conv.state), conv.scheduled_for) == ("invited", due_by)
    invited = [
        i.notification for i in wm.store.outbox() if i.notification.kind == "conversation_invited"
    ]
    assert len(invited) == 1
    assert due_by.isoformat() in invited[0].text_nl


def test_a_high_score_is_offered_face_to_face_contact_after_the_early_contact_months() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", high_answers())
    assert wm.store.load("f-1").latest_route.outcome == "digital"
    fired = add_months(D0, P.early_contact_months)
    clock = clock_of(wm)
    clock.set(fired - dt.timedelta(days=1))
    assert "invite_early_contact" not in wm.sweep(SYSTEM).counts()
    clock.set(fired)
    result = wm.sweep(SYSTEM)
    assert result.counts().get("invite_early_contact") == 1
    assert [i[2] for i in result.invitations] == ["early_contact"]


def test_overdue_reminder_and_enforcement_proposal_come_on_their_days() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", high_answers())
    due = day(4)  # Friday 7 March
    wm.add_activity(COACH, "f-1", "cv", due=due)
    seen = sweep_days(wm, day(30))
    effective = CAL.next_working_day(due)
    overdue_on = first_day(seen, "mark_overdue", "act-1")
    assert overdue_on == effective + dt.timedelta(days=1)
    reminded_on = first_day(seen, "send_reminder", "act-1")
    assert reminded_on == effective + dt.timedelta(days=1 + P.reminder_grace_days)
    response_end = CAL.next_working_day(reminded_on + dt.timedelta(days=P.response_window_days))
    assert first_day(seen, "propose_enforcement", "act-1") == response_end + dt.timedelta(days=1)
    folder = wm.store.load("f-1")
    assert str(folder.activity("act-1").state) == "reminded"
    kinds = [i.notification.kind for i in wm.store.outbox()]
    for kind in ("activity_overdue", "activity_reminded", "propose_enforcement"):
        assert kinds.count(kind) == 1, kind
    proposal = next(
        i.notification for i in wm.store.outbox() if i.notification.kind == "propose_enforcement"
    )
    assert proposal.recipient == "coach:c-1"
    assert "act-1" in proposal.text_en


def test_catching_up_missed_days_applies_what_follows_in_the_same_sweep() -> None:
    # no sweep ran for weeks: the activity is marked overdue and, since its reminder date has passed
    # too, reminded in the same sweep; sweeping the day again finds nothing new
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", high_answers())
    due = day(4)
    wm.add_activity(COACH, "f-1", "cv", due=due)
    wm.sweep(SYSTEM)  # the start day: routing follow-ups only
    reminder_day = CAL.next_working_day(due) + dt.timedelta(days=1 + P.reminder_grace_days)
    clock_of(wm).set(reminder_day + dt.timedelta(days=2))
    first = wm.sweep(SYSTEM)
    kinds = [(a.kind, a.subject) for a in first.actions if a.subject == "act-1"]
    assert kinds == [("mark_overdue", "act-1"), ("send_reminder", "act-1")]
    before = snapshot(wm.store)
    again = wm.sweep(SYSTEM)
    assert (again.actions, again.failed) == ((), ())
    assert snapshot(wm.store) == before


def test_an_activity_done_in_time_is_never_marked() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", high_answers())
    wm.add_activity(COACH, "f-1", "cv", due=day(4))
    clock_of(wm).set(day(4))
    wm.complete_activity(JOBSEEKER, "f-1", "act-1")
    seen = sweep_days(wm, day(30))
    assert not [k for acts in seen.values() for _, k, s in acts if s == "act-1"]


def test_work_found_cancels_pending_invitations_and_open_activities() -> None:
    wm = service()
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.submit_profile(JOBSEEKER, "f-1", low_answers())
    wm.sweep(SYSTEM)  # invited to an orientation conversation
    wm.add_activity(COACH, "f-1", "cv", due=day(4))
    wm.add_activity(COACH, "f-1", "e_learning", due=day(10))
    clock_of(wm).set(day(6))
    wm.sweep(SYSTEM)  # act-1 overdue
    folder = wm.record_work_found(JOBSEEKER, "f-1")
    assert [str(c.state) for c in folder.conversations] == ["cancelled"]
    assert [str(a.state) for a in folder.activities] == ["cancelled", "cancelled"]
    assert folder.work_found_on == day(6)
    kinds = [i.notification.kind for i in wm.store.outbox()]
    assert kinds.count("conversation_cancelled") == 1
    # nothing is due any more: no overdue marks, reminders or invitations afterwards
    seen = sweep_days(wm, day(60))
    assert seen == {}
    assert wm.store.due(day(400)) == ()


def test_the_end_of_the_benefit_cancels_a_pending_invitation_on_its_day() -> None:
    wm = service()
    ends = day(10)
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1", benefit_ends_on=ends)
    wm.submit_profile(JOBSEEKER, "f-1", low_answers())
    wm.sweep(SYSTEM)  # invited
    seen = sweep_days(wm, day(20))
    assert first_day(seen, "cancel_invitation", "conv-1") == ends
    assert [str(c.state) for c in wm.store.load("f-1").conversations] == ["cancelled"]


def test_a_sweep_only_touches_due_folders_and_audits_each_once() -> None:
    wm = build_world()
    clock_of(wm).set(day(5))
    before = {f: len(wm.store.audit_records(f)) for f in ("f-1", "f-2", "f-3")}
    result = wm.sweep(SYSTEM)
    touched = {a.folder_id for a in result.actions}
    assert touched == {"f-1"}
    after = {f: len(wm.store.audit_records(f)) for f in ("f-1", "f-2", "f-3")}
    assert after == {"f-1": before["f-1"] + 1, "f-2": before["f-2"], "f-3": before["f-3"]}
    record = wm.store.audit_records("f-1")[-1]
    assert (record.action, record.actor) == ("sweep", "system:system")
    assert "R-DUE-REMINDER" in record.why
