"""One jobseeker through the service model with werkmap.service.Werkmap, from registration to work found.

The code of the tutorial docs/tutorial/one-jobseeker-year.md, in one file. Run it:
``python examples/one_jobseeker_year.py``. It prints what happens at each step. The person is made up and
the model is the illustrative one that ships with werkmap.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from werkmap.clock import FixedClock
from werkmap.plan.workplan import ExtraService
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.service import Actor, PlannedActivity, Werkmap

clock = FixedClock(dt.date(2025, 3, 3))  # a Monday
wm = Werkmap("memory://", clock=clock)

system = Actor.system()  # the daily sweep
coach = Actor.coach("coach-01")  # the work coach (adviseur werk)
jobseeker = Actor.jobseeker("js-0001")  # the id is the folder's jobseeker_ref
FOLDER = "f-0001"
FRIDAY = 4
invited: list[tuple[str, str, str, dt.date]] = []  # (folder, conversation, kind, planned date)


def days_pass(until: dt.date, *, applying: bool = True) -> None:
    """Run the daily sweep each evening from today up to the day before ``until``; then it is ``until``.

    While ``applying``, the jobseeker registers one application every Friday (4 in every 28 days).
    The conversations the sweeps invite to are added to ``invited``.
    """
    day = clock.today()
    while day < until:
        clock.set(day)
        if applying and day.weekday() == FRIDAY:
            wm.register_applications(jobseeker, FOLDER, [f"sollicitatie {day}"])
        result = wm.sweep(system)
        for action in result.actions:
            print(f"  {day} sweep {action.rule_id}: {action.reason_en}")
        invited.extend(result.invitations)
        day += dt.timedelta(days=1)
    clock.set(until)


print("1. Registration")
folder = wm.register(coach, FOLDER, jobseeker_ref="js-0001", benefit_ends_on=dt.date(2026, 9, 2))
print(f"{clock.today()}: {folder.folder_id} v{folder.version}, caseload {folder.coach_id}")

print("2. The Work Profiler invitation")
days_pass(dt.date(2025, 3, 5))
folder = wm.folder(coach, FOLDER)
print(f"invited to the Work Profiler on {folder.profiler_invited_on}")

print("3. The profile and the routing decision")
answers = synthetic_answers(1, seed=20)[0]
profile = wm.submit_profile(jobseeker, FOLDER, answers)
print(f"{clock.today()}: chance of work {profile.probability:.0%}, band {profile.band}")
print(f"factors that lower it most: {', '.join(profile.diagnosis)}")
route = wm.folder(coach, FOLDER).latest_route
assert route is not None
print(f"route: {route.outcome} ({route.rule_id} v{route.rule_version})")
print(f"  nl: {route.reason_nl}")
print(f"  en: {route.reason_en}")

print("4. The orientation conversation")
days_pass(dt.date(2025, 3, 6))
_, conversation, kind, planned_on = invited[-1]
print(f"invited: {conversation} ({kind}) on {planned_on}")
days_pass(planned_on)
wm.hold_conversation(
    coach, FOLDER, conversation, outcome="werkplan besproken / work plan discussed"
)
print(f"{clock.today()}: {conversation} held")

print("5. The work plan")
plan_id = wm.agree_plan(
    coach,
    FOLDER,
    activities=[
        PlannedActivity(kind="cv", due=dt.date(2025, 4, 16), title="CV op werk.nl"),
        PlannedActivity(
            kind="e_learning", due=dt.date(2025, 4, 30), title="e-learning 'Solliciteren'"
        ),
    ],
    services=[
        ExtraService(
            name="sollicitatietraining",
            reason="lage verwachting van werkhervatting (Werkverkenner) / low re-employment expectation",
        )
    ],
    note="twee activiteiten en een training / two activities and a training",
)
folder = wm.folder(coach, FOLDER)
version = folder.plan(plan_id).current
cv, e_learning = version.activity_ids
print(f"{plan_id} v{version.number} agreed on {version.agreed_on}")
for activity_id in version.activity_ids:
    activity = folder.activity(activity_id)
    print(f"  {activity_id} {activity.kind}: {activity.title!r}, due {activity.deadline.due}")
for service in version.services:
    print(f"  extra service {service.name!r}: {service.reason}")

print("6. Registering applications")
days_pass(dt.date(2025, 4, 3))
ids = wm.register_applications(
    jobseeker,
    FOLDER,
    ["brief aan Bakkerij De Korenschoof", "telefoongesprek over vacature magazijnmedewerker"],
)
print(f"{clock.today()}: registered {', '.join(ids)}")
days_pass(dt.date(2025, 4, 14))
wm.complete_activity(jobseeker, FOLDER, cv)
print(f"{clock.today()}: {cv} (the CV) done")

print("7. A missed deadline")
days_pass(dt.date(2025, 5, 21), applying=False)
folder = wm.folder(coach, FOLDER)
print(
    f"{clock.today()}: {e_learning} is {folder.activity(e_learning).state}, {len(folder.cases)} cases"
)
case_id = wm.refer(coach, FOLDER, e_learning, reason="geen reactie op herinnering / no response")
case = wm.folder(coach, FOLDER).case(case_id)
print(f"{case_id} {case.state}: the jobseeker may respond until {case.respond_by}")
days_pass(dt.date(2025, 5, 23), applying=False)
wm.respond(
    jobseeker, FOLDER, case_id, response="de module liep steeds vast / the module kept crashing"
)
wm.decide_case(
    coach,
    FOLDER,
    case_id,
    measure=False,
    reason="eerste keer, technisch probleem aannemelijk / first time, technical problem plausible",
)
case = wm.folder(coach, FOLDER).case(case_id)
print(f"{clock.today()}: {case_id} {case.state} by {coach.id}: {case.no_measure_reason}")
folder = wm.revise_plan(
    coach,
    FOLDER,
    reason="nieuwe termijn e-learning / new deadline for the e-learning",
    activities=[
        PlannedActivity(
            kind="e_learning", due=dt.date(2025, 6, 13), title="e-learning 'Solliciteren'"
        )
    ],
)
version = folder.plan(plan_id).current
e_learning = version.activity_ids[-1]
print(f"{plan_id} v{version.number}: {e_learning} due {folder.activity(e_learning).deadline.due}")

print("8. A coaching conversation")
_, conversation, kind, planned_on = invited[-1]
print(f"invited: {conversation} ({kind}) on {planned_on}")
days_pass(planned_on)
wm.complete_activity(jobseeker, FOLDER, e_learning)
wm.hold_conversation(coach, FOLDER, conversation, outcome="netwerk uitbreiden / widen network")
print(f"{clock.today()}: {conversation} held; {e_learning} (the e-learning) done")

print("9. The coach's dashboard")
board = wm.dashboard(coach, "coach-01")
print(board.to_text("en"), end="")

print("10. Work found")
days_pass(dt.date(2025, 8, 11))
_, conversation, kind, planned_on = invited[-1]
print(f"invited: {conversation} ({kind}) on {planned_on}")
folder = wm.record_work_found(jobseeker, FOLDER)
print(f"{clock.today()}: work found; {conversation} is {folder.conversation(conversation).state}")
days_pass(dt.date(2025, 9, 1))
print(f"{clock.today()}: the sweep finds nothing more: {wm.sweep(system).actions == ()}")

print("The folder at the end")
folder = wm.folder(coach, FOLDER)
print(f"v{folder.version}, {len(folder.events)} events, {len(folder.activities)} activities")
outbox = wm.store.outbox()
to = Counter(item.notification.recipient.split(":")[0] for item in outbox)
print(
    f"{len(outbox)} notifications: {to['jobseeker']} to the jobseeker, {to['coach']} to the coach"
)
for item in outbox:
    note = item.notification
    if note.recipient.startswith("coach:") or item is outbox[-1]:
        print(f"  {note.created_on} {note.recipient} via {note.channel}: {note.text_en}")
print(f"{len(wm.store.audit_records(FOLDER))} audit records")
wm.close()
