"""A Work Folder from registration to a decided measure, with the pure functions of werkmap.plan.

Run it: ``python examples/folder_lifecycle.py``. It prints the folder's state after each step and its
event log at the end.
"""

from __future__ import annotations

import datetime as dt

from werkmap import serialization
from werkmap.clock import FixedClock
from werkmap.errors import GuardRefused
from werkmap.plan import folder as wf
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.folder import ProfileRecord
from werkmap.plan.workplan import ExtraService
from werkmap.rules import default_policy, measure_policy

KEY = b"example key, use the host's secret store"


def main() -> None:
    clock = FixedClock(dt.date(2025, 3, 3))
    f, _ = wf.create_folder(
        "f-0001", on=clock.today(), bsn="111222333", pseudonym_key=KEY, coach_id="c-17"
    )
    print(f"created {f.folder_id} v{f.version} for {f.jobseeker_ref[:28]}...")

    profile = ProfileRecord(
        taken_on=clock.today(),
        probability=0.38,
        band="25-50",
        questionnaire_id="werkverkenner",
        questionnaire_version="2017.1",
        model_id="example",
        model_version="1",
        top_hindrances=("job search behaviour", "health"),
    )
    f, _ = wf.add_profile(f, profile, on=clock.today(), actor="system")
    f, _ = wf.propose_conversation(
        f, "g-1", "orientation", on=clock.today(), actor="system", reason="band 25-50"
    )
    f, _ = wf.invite_conversation(f, "g-1", on=clock.today(), at=dt.date(2025, 3, 12), actor="c-17")
    clock.set(dt.date(2025, 3, 12))
    f, _ = wf.hold_conversation(f, "g-1", on=clock.today(), actor="c-17", outcome="plan agreed")

    for i, due in enumerate([dt.date(2025, 3, 21), dt.date(2025, 3, 28)], start=1):
        f, _ = wf.add_activity(f, f"a-{i}", "application", due=due, on=clock.today(), actor="c-17")
    f, _ = wf.add_activity(
        f, "cv", "cv", due=dt.date(2025, 4, 26), on=clock.today(), actor="c-17"
    )  # King's Day 2025: the deadline rolls to Monday 28 April
    f, _ = wf.draft_plan(
        f,
        "p-1",
        on=clock.today(),
        actor="c-17",
        application_duty=ApplicationDuty(required=4, period_days=28),
        activity_ids=["a-1", "a-2", "cv"],
        services=[ExtraService(name="CV workshop", reason="no CV on werk.nl yet")],
    )
    f, _ = wf.agree_plan(f, "p-1", on=clock.today(), actor="c-17")
    print(f"plan agreed, v{f.version}; cv due {f.activity('cv').deadline.due}")

    clock.set(dt.date(2025, 3, 18))
    print("colours on", clock.today(), dict(wf.activity_colours(f, clock.today())))
    f, _ = wf.complete_activity(f, "a-1", on=clock.today(), actor="jobseeker")

    clock.set(dt.date(2025, 3, 31))
    f, _ = wf.mark_activity_overdue(f, "a-2", on=clock.today())
    f, _ = wf.remind_activity(f, "a-2", on=clock.today(), actor="c-17")
    print(
        f"{clock.today()}: overdue {wf.overdue_count(f, clock.today())}, "
        f"most urgent {wf.most_urgent_colour(f, clock.today())}"
    )
    clock.set(dt.date(2025, 4, 10))
    f, _ = wf.refer_activity(
        f, "a-2", on=clock.today(), actor="c-17", reason="no reaction to the reminder"
    )

    policy = measure_policy(default_policy().at(clock.today()))  # the measure table of the day
    f, _ = wf.open_case(
        f,
        "k-1",
        ground="activity",
        source_id="a-2",
        on=clock.today(),
        actor="c-17",
        reason="application activity not done after a reminder",
    )
    f, _ = wf.inform_case(f, "k-1", on=clock.today(), actor="c-17", policy=policy)
    print("the jobseeker may respond until", f.case("k-1").respond_by)
    clock.set(f.case("k-1").respond_by + dt.timedelta(days=1))
    f, _ = wf.record_no_response(f, "k-1", on=clock.today())
    f, _ = wf.propose_measure(f, "k-1", on=clock.today(), actor="c-17", policy=policy)
    proposal = f.case("k-1").proposal
    assert proposal is not None
    print("proposed:", proposal.explanation, "/", proposal.explanation_nl)
    try:
        wf.decide_measure(f, "k-1", on=clock.today(), actor="", reason="automatic")
    except GuardRefused as exc:
        print("refused:", exc.reason)
    f, _ = wf.decide_measure(
        f, "k-1", on=clock.today(), actor="J. de Vries", reason="heard; no excuse given"
    )

    status = wf.application_duty_status(f, dt.date(2025, 4, 30))
    assert status is not None
    print(
        "application duty:",
        [(str(p.start), p.counted, p.required, p.shortfall) for p in status.periods],
    )

    text = serialization.dumps(f)
    assert serialization.loads(text, wf.WorkFolder) == f
    assert "111222333" not in text
    print(f"saved {len(text)} characters; version {f.version}; event log:")
    for e in f.events:
        print(f"  {e.seq:>2} {e.on} {e.actor:<12} {e.kind}")


if __name__ == "__main__":
    main()
