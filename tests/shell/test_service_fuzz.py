"""A rule-based fuzz of ``Werkmap``: random commands by random actors on a few folders, random days.

Actors are the folder's jobseeker, another jobseeker, the folder's coach, another coach, a team lead and the
system. After every step the store is checked: an accepted command raises its folder's version by exactly
one and adds one audit record; event sequence numbers are 1..n; the event log only grows; every audit chain
verifies; every notification a change caused is in the outbox under its own, unique key; and a refused
command (``NotAuthorized`` or any other ``WerkmapError``) changed nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from werkmap.errors import WerkmapError
from werkmap.plan import folder as wf
from werkmap.plan.folder import WorkFolder
from werkmap.service import Actor, PlannedActivity, SweepResult, Werkmap, notifications_for
from werkmap.storage import verify_audit

from .service_world import D0, clock_of, high_answers, low_answers, service, snapshot

WHO = ("jobseeker", "other_jobseeker", "coach", "other_coach", "team_lead", "system")
Run = Callable[[Werkmap, Actor], object]


def _nth(items: tuple[Any, ...], attr: str, pick: int, default: str) -> str:
    return str(getattr(items[pick % len(items)], attr)) if items else default


def _commands(f: WorkFolder, today: dt.date, pick: int) -> dict[str, Run]:
    fid = f.folder_id
    conv = _nth(f.conversations, "conversation_id", pick, "conv-1")
    act = _nth(f.activities, "activity_id", pick, "act-1")
    case = _nth(f.cases, "case_id", pick, "case-1")
    later = today + dt.timedelta(days=1 + pick % 9)
    kinds = ("orientation", "monitor", "coaching", "early_contact")
    return {
        "assign_coach": lambda wm, a: wm.assign_coach(a, fid, ("c-1", "c-2")[pick % 2]),
        "invite_profiler": lambda wm, a: wm.invite_profiler(a, fid),
        "submit_profile": lambda wm, a: wm.submit_profile(
            a, fid, (low_answers(), high_answers())[pick % 2]
        ),
        "route": lambda wm, a: wm.route(
            a, fid, override=(None, "conversation", "digital")[pick % 3], reason="reden / reason"
        ),
        "request_conversation": lambda wm, a: wm.request_conversation(a, fid),
        "invite_conversation": lambda wm, a: wm.invite_conversation(
            a, fid, kinds[pick % 4], at=later
        ),
        "reschedule_conversation": lambda wm, a: wm.reschedule_conversation(
            a, fid, conv, at=later, reason="ziek / ill"
        ),
        "hold_conversation": lambda wm, a: wm.hold_conversation(a, fid, conv),
        "record_no_show": lambda wm, a: wm.record_no_show(a, fid, conv),
        "cancel_conversation": lambda wm, a: wm.cancel_conversation(a, fid, conv, reason="weg"),
        "agree_plan": lambda wm, a: wm.agree_plan(
            a, fid, activities=[PlannedActivity(kind="cv", due=later)]
        ),
        "revise_plan": lambda wm, a: wm.revise_plan(
            a, fid, reason="bijgesteld", activities=[PlannedActivity(kind="e_learning", due=later)]
        ),
        "add_activity": lambda wm, a: wm.add_activity(a, fid, "application", due=later),
        "register_applications": lambda wm, a: wm.register_applications(
            a, fid, [f"sollicitatie {i}" for i in range(1 + pick % 3)]
        ),
        "complete_activity": lambda wm, a: wm.complete_activity(a, fid, act),
        "remind": lambda wm, a: wm.remind(a, fid, act),
        "excuse": lambda wm, a: wm.excuse(a, fid, act, reason="ziek / ill"),
        "refer": lambda wm, a: wm.refer(a, fid, act, reason="geen reactie"),
        "respond": lambda wm, a: wm.respond(a, fid, case, response="ziek / ill"),
        "open_duty_case": lambda wm, a: wm.open_duty_case(a, fid, reason="te weinig / too few"),
        "propose_measure": lambda wm, a: wm.propose_measure(a, fid, case),
        "decide_case": lambda wm, a: wm.decide_case(
            a, fid, case, measure=bool(pick % 2), reason="besluit / decision"
        ),
        "record_objection": lambda wm, a: wm.record_objection(a, fid, case),
        "record_work_found": lambda wm, a: wm.record_work_found(a, fid),
        "record_benefit_ended": lambda wm, a: wm.record_benefit_ended(a, fid, reason="einde"),
    }


COMMAND_NAMES = tuple(sorted(_commands(wf.create_folder("x", on=D0, jobseeker_ref="x")[0], D0, 0)))


class ServiceRules(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.wm = service("memory://")
        self.folders = ["f-1", "f-2", "f-3"]
        self.registered = 0

    @initialize()
    def register_three(self) -> None:
        for i, fid in enumerate(self.folders, start=1):
            self.wm.register(
                Actor.system(), fid, jobseeker_ref=f"js-{i}", coach_id=("c-1", "c-2", "c-1")[i - 1]
            )

    # ------------------------------------------------------------------------------ helpers

    def actor(self, who: str, folder: WorkFolder) -> Actor:
        coach = folder.coach_id or "c-1"
        other = "c-2" if coach != "c-2" else "c-1"
        mine = folder.jobseeker_ref
        return {
            "jobseeker": Actor.jobseeker(mine),
            "other_jobseeker": Actor.jobseeker("js-other" if mine != "js-other" else "js-1"),
            "coach": Actor.coach(coach),
            "other_coach": Actor.coach(other),
            "team_lead": Actor.team_lead("tl-1"),
            "system": Actor.system(),
        }[who]

    def attempt(self, run: Callable[[], object]) -> tuple[dict[str, Any], dict[str, Any], object]:
        """Run a command; check the store's invariants; return the snapshots and the result."""
        store = self.wm.store
        before = snapshot(store)
        try:
            out = run()
        except WerkmapError:
            assert snapshot(store) == before, "a refused command changed the store"
            return before, before, None
        after = snapshot(store)
        self.check_store(before, after)
        return before, after, out

    def check_store(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        outbox_keys = [i.notification.idempotency_key for i in after["outbox"]]
        assert len(outbox_keys) == len(set(outbox_keys))
        old_outbox = before["outbox"]
        assert after["outbox"][: len(old_outbox)] == old_outbox, "the outbox only grows"
        expected_new: list[str] = []
        for fid, (version, folder, events, audit, _) in after["folders"].items():
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            assert events == folder.events
            # the whole chain, refused attempts included (the snapshot leaves those out)
            assert verify_audit(self.wm.store.audit_records(fid)).ok, fid
            old = before["folders"].get(fid)
            if old is None:
                expected_new += [n.idempotency_key for n in notifications_for(folder, events)]
                continue
            old_events, old_audit = old[2], old[3]
            assert events[: len(old_events)] == old_events, "the event log only grows"
            assert audit[: len(old_audit)] == old_audit, "the audit trail only grows"
            fresh_events = events[len(old_events) :]
            expected_new += [n.idempotency_key for n in notifications_for(folder, fresh_events)]
            if fresh_events:
                assert version == old[0] + 1, (
                    f"{fid}: version {old[0]} -> {version} for one command "
                    f"({[e.kind for e in fresh_events]})"
                )
                assert len(audit) == len(old_audit) + 1, "one audit record per command"
            else:
                assert version == old[0]
        new_keys = [i.notification.idempotency_key for i in after["outbox"][len(old_outbox) :]]
        assert sorted(new_keys) == sorted(expected_new), "notifications lost or made up"
        assert len(expected_new) == len(set(expected_new))

    # ------------------------------------------------------------------------------ rules

    @rule(
        name=st.sampled_from(COMMAND_NAMES),
        index=st.integers(0, 2),
        who=st.sampled_from(WHO),
        pick=st.integers(0, 5),
    )
    def command(self, name: str, index: int, who: str, pick: int) -> None:
        fid = self.folders[index % len(self.folders)]
        folder = self.wm.store.load(fid)
        actor = self.actor(who, folder)
        run = _commands(folder, self.wm.today, pick)[name]
        before, after, out = self.attempt(lambda: run(self.wm, actor))
        if after is before:
            return
        changed = {f for f in after["folders"] if after["folders"][f] != before["folders"].get(f)}
        assert changed == {fid}, f"{name} changed {changed}"
        record = after["folders"][fid][3][-1]
        assert (record.action, record.actor) == (name, str(actor))
        if isinstance(out, WorkFolder):
            assert out == after["folders"][fid][1], "the folder returned is not the one stored"

    @rule(index=st.integers(0, 2), who=st.sampled_from(WHO))
    def read(self, index: int, who: str) -> None:
        fid = self.folders[index % len(self.folders)]
        actor = self.actor(who, self.wm.store.load(fid))
        before, after, out = self.attempt(lambda: self.wm.folder(actor, fid))
        if after is before:
            assert who in ("other_jobseeker", "other_coach")
            return
        assert isinstance(out, WorkFolder)
        assert out == self.wm.store.load(fid)
        for f, (version, _, events, audit, _) in after["folders"].items():
            old = before["folders"][f]
            assert (version, events) == (old[0], old[2])
            assert len(audit) == len(old[3]) + (f == fid)

    @rule(who=st.sampled_from(WHO), coach=st.sampled_from(["c-1", "c-2"]))
    def dashboard(self, who: str, coach: str) -> None:
        folder = self.wm.store.load(self.folders[0])
        actor = self.actor(who, folder)
        before, after, _out = self.attempt(lambda: self.wm.dashboard(actor, coach))
        if after is before:
            assert actor.role == "jobseeker" or (actor.role == "coach" and actor.id != coach)
            return
        for f, (version, folder_after, events, audit, _) in after["folders"].items():
            old = before["folders"][f]
            assert (version, events) == (old[0], old[2])
            shown = folder_after.coach_id == coach and folder_after.latest_profile is not None
            assert len(audit) == len(old[3]) + shown

    @rule(who=st.sampled_from(WHO))
    def sweep(self, who: str) -> None:
        actor = self.actor(who, self.wm.store.load(self.folders[0]))
        before, after, out = self.attempt(lambda: self.wm.sweep(actor))
        if after is before:
            assert who != "system" or out is None
            return
        assert isinstance(out, SweepResult)
        touched = {a.folder_id for a in out.actions}
        changed = {f for f in after["folders"] if after["folders"][f] != before["folders"].get(f)}
        assert changed == touched
        # the same day again applies and writes nothing
        again = snapshot(self.wm.store)
        assert self.wm.sweep(actor).actions == ()
        assert snapshot(self.wm.store) == again

    @rule(coach=st.sampled_from(["c-1", "c-2", "c-3"]), as_system=st.booleans())
    def register(self, coach: str, as_system: bool) -> None:
        if len(self.folders) >= 5:
            return
        self.registered += 1
        fid = f"f-new-{self.registered}"
        actor = Actor.system() if as_system else Actor.coach("c-1")
        before, after, _out = self.attempt(
            lambda: self.wm.register(
                actor, fid, jobseeker_ref=f"js-new-{self.registered}", coach_id=coach
            )
        )
        if after is before:
            assert not as_system
            assert coach != "c-1"
            return
        self.folders.append(fid)
        assert after["folders"][fid][0] == 1

    @rule(days=st.integers(0, 12))
    def time_passes(self, days: int) -> None:
        clock_of(self.wm).advance(days=days)

    def teardown(self) -> None:
        self.wm.close()


ServiceRules.TestCase.settings = settings(
    settings(), max_examples=40, stateful_step_count=30, deadline=None
)
TestServiceFuzz = ServiceRules.TestCase
