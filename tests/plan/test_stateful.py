"""Rule-based state machines: each plan machine and the folder, with a fake clock where time passing is a rule.

Invariants checked after every step: nothing leaves a final state; every state change is a transition of the
machine's table; an event the table does not allow is refused; the event log only grows; the folder version
goes up by exactly one per change (and not at all on a refusal); an activity's colour is the documented pure
function; deadlines move only by extension or suspension.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from werkmap.clock import FixedClock
from werkmap.errors import GuardRefused, IllegalTransition, InvalidInput
from werkmap.plan import activity as act
from werkmap.plan import conversation as conv
from werkmap.plan import enforcement as enf
from werkmap.plan import folder as wf
from werkmap.plan import workplan as wp
from werkmap.plan.activity import Colour
from werkmap.plan.machine import Machine

from .drivers import MEASURES

START = dt.datetime(2025, 3, 1, 9, 0)
REFUSALS = (IllegalTransition, InvalidInput)
_text = st.sampled_from(["", " ", "ill", "found work", "c-1"])
_people = st.sampled_from(["", "c-1", "J. de Vries"])


def expected_colour(a: act.Activity, today: dt.date, horizon: int) -> Colour:
    if a.state in ("done", "done_late", "excused", "cancelled"):
        return Colour.GREY
    if a.state in ("overdue", "reminded", "referred"):
        return Colour.RED
    left = a.deadline.days_left(today)
    return Colour.RED if left < 0 else Colour.ORANGE if left <= horizon else Colour.GREEN


class _MachineRules(RuleBasedStateMachine):
    """Shared bookkeeping: the clock, the object, the states it went through."""

    machine: Machine

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.obj = self.new()
        self.path = [self.obj.state]

    def new(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def today(self) -> dt.date:
        return self.clock.today()

    @rule(days=st.integers(0, 12), hours=st.integers(0, 30))
    def time_passes(self, days, hours):
        self.clock.advance(days=days, hours=hours)

    def attempt(self, event: str, change) -> None:
        before = self.obj
        refused: Exception | None = None
        try:
            after = change(before)
        except REFUSALS as exc:
            refused = exc
        if refused is not None:
            if isinstance(refused, IllegalTransition) and not isinstance(refused, GuardRefused):
                assert not self.machine.can(before.state, event)
                assert refused.allowed == self.machine.allowed(before.state)
            return
        assert self.machine.can(before.state, event), "a transition outside the table"
        assert any(
            t.source == before.state and t.event == event and t.target == after.state
            for t in self.machine.transitions
        )
        if self.machine.is_final(before.state):
            raise AssertionError("left a final state")
        self.obj = after
        self.path.append(after.state)

    @invariant()
    def nothing_leaves_a_final_state(self):
        for i, state in enumerate(self.path):
            if self.machine.is_final(state):
                assert all(s == state for s in self.path[i:])


class ActivityRules(_MachineRules):
    machine = act.ACTIVITY

    def new(self):
        self.horizon = 7
        self.due_moves = 0
        return act.new_activity(
            "a", "application", due=START.date() + dt.timedelta(days=10), on=START.date()
        )

    @rule(horizon=st.integers(0, 14))
    def horizon_changes(self, horizon):
        self.horizon = horizon

    @rule()
    def complete(self):
        self.attempt("complete", lambda a: act.complete(a, on=self.today))

    @rule()
    def sweep(self):
        self.attempt("deadline_passed", lambda a: act.mark_overdue(a, on=self.today))

    @rule(by=_people)
    def remind(self, by):
        self.attempt("remind", lambda a: act.remind(a, on=self.today, by=by))

    @rule(by=_people, reason=_text)
    def excuse(self, by, reason):
        self.attempt("excuse", lambda a: act.excuse(a, on=self.today, by=by, reason=reason))

    @rule(by=_people, reason=_text)
    def refer(self, by, reason):
        self.attempt("refer", lambda a: act.refer(a, on=self.today, by=by, reason=reason))

    @rule(reason=_text)
    def cancel(self, reason):
        self.attempt("cancel", lambda a: act.cancel(a, on=self.today, reason=reason))

    @rule(n=st.integers(-1, 5), reason=_text)
    def extend(self, n, reason):
        due = self.obj.deadline.due
        self.attempt(
            "extend", lambda a: act.extend_deadline(a, on=self.today, reason=reason, working_days=n)
        )
        if self.obj.deadline.due != due:
            assert self.obj.deadline.due > due
            self.due_moves += 1

    @rule(reason=_text)
    def suspend(self, reason):
        self.attempt("suspend", lambda a: act.suspend_deadline(a, on=self.today, reason=reason))

    @rule()
    def resume(self):
        due = self.obj.deadline.due
        self.attempt("resume", lambda a: act.resume_deadline(a, on=self.today))
        if self.obj.deadline.due != due:
            assert self.obj.deadline.due > due
            self.due_moves += 1

    @invariant()
    def colour_is_the_pure_function(self):
        got = act.activity_colour(self.obj, self.today, self.horizon)
        assert got is expected_colour(self.obj, self.today, self.horizon)

    @invariant()
    def deadline_moves_only_by_extension_or_suspension(self):
        d = self.obj.deadline
        assert len(d.extensions) + sum(s.end is not None for s in d.suspensions) >= self.due_moves
        if not d.extensions and not any(s.end for s in d.suspensions):
            assert d.due == act.new_activity("x", "cv", due=d.planned, on=d.planned).deadline.due


class ConversationRules(_MachineRules):
    machine = conv.CONVERSATION

    def new(self):
        return conv.new_conversation("g", "monitor", on=START.date())

    @rule(ahead=st.integers(-2, 20))
    def invite(self, ahead):
        self.attempt(
            "invite",
            lambda c: conv.invite(c, on=self.today, at=self.today + dt.timedelta(days=ahead)),
        )

    @rule(ahead=st.integers(-2, 20), reason=_text)
    def reschedule(self, ahead, reason):
        n = len(self.obj.history)
        self.attempt(
            "reschedule",
            lambda c: conv.reschedule(
                c, on=self.today, at=self.today + dt.timedelta(days=ahead), reason=reason
            ),
        )
        assert len(self.obj.history) in (n, n + 1)

    @rule(by=_people)
    def hold(self, by):
        self.attempt("hold", lambda c: conv.hold(c, on=self.today, by=by))

    @rule()
    def no_show(self):
        self.attempt("no_show", lambda c: conv.no_show(c, on=self.today))

    @rule(reason=_text)
    def cancel(self, reason):
        self.attempt("cancel", lambda c: conv.cancel(c, on=self.today, reason=reason))

    @invariant()
    def history_keeps_every_date(self):
        h = self.obj.history
        assert all(a.moved_on is not None for a in h[:-1])
        if h:
            assert h[-1].at == self.obj.scheduled_for


class PlanRules(_MachineRules):
    machine = wp.WORK_PLAN

    def new(self):
        self.versions = 1
        return wp.new_plan("p", on=START.date())

    @rule(note=_text)
    def amend(self, note):
        self.attempt("amend", lambda p: wp.amend(p, on=self.today, note=note))

    @rule(coach=_people, agreed=st.booleans())
    def agree(self, coach, agreed):
        self.attempt(
            "agree", lambda p: wp.agree(p, on=self.today, coach_id=coach, jobseeker_agreed=agreed)
        )

    @rule(coach=_people, reason=_text)
    def revise(self, coach, reason):
        before = self.obj.versions
        self.attempt("revise", lambda p: wp.revise(p, on=self.today, reason=reason, coach_id=coach))
        if self.obj.versions is not before:
            assert self.obj.versions[:-1] == before, "earlier versions stay readable"

    @rule(reason=_text)
    def close(self, reason):
        self.attempt("close", lambda p: wp.close(p, on=self.today, reason=reason))

    @invariant()
    def versions_are_numbered(self):
        assert [v.number for v in self.obj.versions] == list(range(1, len(self.obj.versions) + 1))


class CaseRules(_MachineRules):
    machine = enf.ENFORCEMENT

    def new(self):
        return enf.new_case("k", ground="application_duty", on=START.date(), reason="too few")

    @rule()
    def inform(self):
        self.attempt("inform", lambda c: enf.inform(c, on=self.today, policy=MEASURES))

    @rule(response=_text)
    def respond(self, response):
        self.attempt("respond", lambda c: enf.respond(c, on=self.today, response=response))

    @rule()
    def no_response(self):
        self.attempt("no_response", lambda c: enf.record_no_response(c, on=self.today))

    @rule(by=_people, reason=_text)
    def no_measure(self, by, reason):
        self.attempt(
            "decide_no_measure",
            lambda c: enf.decide_no_measure(c, on=self.today, by=by, reason=reason),
        )

    @rule(by=_people)
    def propose(self, by):
        self.attempt(
            "propose_measure",
            lambda c: enf.propose_measure(c, on=self.today, by=by, policy=MEASURES),
        )

    @rule(by=_people, reason=_text, imposed=st.booleans())
    def decide(self, by, reason, imposed):
        self.attempt(
            "decide", lambda c: enf.decide(c, on=self.today, by=by, reason=reason, imposed=imposed)
        )

    @rule(by=_people)
    def objection(self, by):
        self.attempt("record_objection", lambda c: enf.record_objection(c, on=self.today, by=by))

    @rule(by=_people, reason=_text)
    def close(self, by, reason):
        self.attempt("close", lambda c: enf.close(c, on=self.today, by=by, reason=reason))

    @invariant()
    def a_decision_always_names_a_person(self):
        if self.obj.decision is not None:
            assert self.obj.decision.decided_by.strip()
            assert self.obj.proposal is not None


class FolderRules(RuleBasedStateMachine):
    """The aggregate: random changes through the folder functions, with the clock moving."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.folder, _ = wf.create_folder("f", on=self.clock.today(), jobseeker_ref="ref")
        self.finals: dict[tuple[str, str], str] = {}
        self.dues: dict[str, dt.date] = {}
        self.n = 0

    @property
    def today(self) -> dt.date:
        return self.clock.today()

    def change(self, fn, *, moves_deadline_of: str | None = None) -> None:
        before = self.folder
        try:
            after, events = fn(before)
        except (*REFUSALS, LookupError):
            assert self.folder is before
            return
        assert after.version == before.version + 1
        assert after.events[: len(before.events)] == before.events
        assert after.events[len(before.events) :] == events
        assert events
        for a in after.activities:
            old = self.dues.get(a.activity_id)
            if old is not None and a.activity_id != moves_deadline_of:
                assert a.deadline.due == old, "a deadline moved without an extension or suspension"
            self.dues[a.activity_id] = a.deadline.due
        self.folder = after

    @rule(days=st.integers(0, 10))
    def time_passes(self, days):
        self.clock.advance(days=days)

    @rule(due_in=st.integers(0, 30), kind=st.sampled_from(list(act.ActivityKind)))
    def add_activity(self, due_in, kind):
        self.n += 1
        self.change(
            lambda f: wf.add_activity(
                f,
                f"a{self.n}",
                kind,
                due=self.today + dt.timedelta(days=due_in),
                on=self.today,
                actor="c",
            )
        )

    @precondition(lambda self: self.folder.activities)
    @rule(
        data=st.data(),
        op=st.sampled_from(["complete", "overdue", "remind", "excuse", "refer", "cancel"]),
    )
    def activity_event(self, data, op):
        a = data.draw(st.sampled_from(self.folder.activities))
        on, i = self.today, a.activity_id
        fns = {
            "complete": lambda f: wf.complete_activity(f, i, on=on, actor="j"),
            "overdue": lambda f: wf.mark_activity_overdue(f, i, on=on),
            "remind": lambda f: wf.remind_activity(f, i, on=on, actor="c"),
            "excuse": lambda f: wf.excuse_activity(f, i, on=on, actor="c", reason="ill"),
            "refer": lambda f: wf.refer_activity(f, i, on=on, actor="c", reason="none"),
            "cancel": lambda f: wf.cancel_activity(f, i, on=on, actor="c", reason="plan"),
        }
        self.change(fns[op])

    @precondition(lambda self: self.folder.activities)
    @rule(data=st.data(), n=st.integers(1, 4), op=st.sampled_from(["extend", "suspend", "resume"]))
    def deadline_event(self, data, n, op):
        a = data.draw(st.sampled_from(self.folder.activities))
        on, i = self.today, a.activity_id
        fns = {
            "extend": lambda f: wf.extend_activity_deadline(
                f, i, on=on, actor="c", reason="r", working_days=n
            ),
            "suspend": lambda f: wf.suspend_activity_deadline(f, i, on=on, actor="c", reason="r"),
            "resume": lambda f: wf.resume_activity_deadline(f, i, on=on, actor="c"),
        }
        self.change(fns[op], moves_deadline_of=i)

    @rule(kind=st.sampled_from(list(conv.ConversationKind)))
    def propose_conversation(self, kind):
        self.n += 1
        self.change(
            lambda f: wf.propose_conversation(f, f"g{self.n}", kind, on=self.today, actor="c")
        )

    @precondition(lambda self: self.folder.conversations)
    @rule(data=st.data(), op=st.sampled_from(["invite", "reschedule", "hold", "no_show", "cancel"]))
    def conversation_event(self, data, op):
        c = data.draw(st.sampled_from(self.folder.conversations))
        on, i = self.today, c.conversation_id
        fns = {
            "invite": lambda f: wf.invite_conversation(
                f, i, on=on, at=on + dt.timedelta(days=5), actor="c"
            ),
            "reschedule": lambda f: wf.reschedule_conversation(
                f, i, on=on, at=on + dt.timedelta(days=6), actor="c", reason="r"
            ),
            "hold": lambda f: wf.hold_conversation(f, i, on=on, actor="c"),
            "no_show": lambda f: wf.record_no_show(f, i, on=on, actor="c"),
            "cancel": lambda f: wf.cancel_conversation(f, i, on=on, actor="c", reason="r"),
        }
        self.change(fns[op])

    @rule()
    def work_found(self):
        self.change(lambda f: wf.record_work_found(f, on=self.today, actor="c"))

    @rule(coach=st.sampled_from([None, "c-1", "c-2"]))
    def assign(self, coach):
        self.change(lambda f: wf.assign_coach(f, coach, on=self.today, actor="lead"))

    @invariant()
    def nothing_leaves_a_final_state(self):
        for a in self.folder.activities:
            key = ("activity", a.activity_id)
            if key in self.finals:
                assert a.state == self.finals[key]
            elif a.is_final:
                self.finals[key] = a.state
        for c in self.folder.conversations:
            key = ("conversation", c.conversation_id)
            if key in self.finals:
                assert c.state == self.finals[key]
            elif c.is_final:
                self.finals[key] = c.state

    @invariant()
    def colours_are_the_pure_function(self):
        colours = wf.activity_colours(self.folder, self.today)
        for a in self.folder.activities:
            assert colours[a.activity_id] is expected_colour(a, self.today, 7)

    @invariant()
    def version_counts_changes_and_events_are_numbered(self):
        events = self.folder.events
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[-1].version == self.folder.version


_steps = settings(settings(), stateful_step_count=25)  # the conftest profile, shorter runs
TestActivity = ActivityRules.TestCase
TestConversation = ConversationRules.TestCase
TestPlan = PlanRules.TestCase
TestEnforcement = CaseRules.TestCase
TestFolder = FolderRules.TestCase
for _case in (TestActivity, TestConversation, TestPlan, TestEnforcement, TestFolder):
    _case.settings = _steps
del _case
