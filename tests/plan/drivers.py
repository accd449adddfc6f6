"""Drivers for the table tests: for each machine, a valid way to fire each event, and objects in every state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from werkmap.plan import activity as act
from werkmap.plan import conversation as conv
from werkmap.plan import enforcement as enf
from werkmap.plan import workplan as wp
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.machine import Machine
from werkmap.rules import default_policy, measure_policy

D0 = dt.date(2025, 3, 3)  # a Monday
DUE = dt.date(2025, 3, 14)
LATE = dt.date(2025, 3, 20)
MEETING = dt.date(2025, 3, 10)
MUCH_LATER = dt.date(2025, 6, 2)
MEASURES = measure_policy(default_policy().at(D0))  # the packaged measure table

Driver = Callable[[Any], Any]


def _suspended_if_open(a: act.Activity) -> act.Activity:
    """Resuming needs a suspended deadline; suspension itself is only allowed while open."""
    if a.state == "open" and not a.deadline.suspended:
        return act.suspend_deadline(a, on=D0, reason="hospital")
    return a


ACTIVITY_EVENTS: dict[str, Driver] = {
    "complete": lambda a: act.complete(a, on=LATE),
    "deadline_passed": lambda a: act.mark_overdue(a, on=LATE),
    "remind": lambda a: act.remind(a, on=LATE, by="c-1"),
    "excuse": lambda a: act.excuse(a, on=LATE, by="c-1", reason="ill"),
    "refer": lambda a: act.refer(a, on=LATE, by="c-1", reason="no reaction"),
    "cancel": lambda a: act.cancel(a, on=LATE, reason="found work"),
    "extend": lambda a: act.extend_deadline(a, on=D0, reason="ill", working_days=2),
    "suspend": lambda a: act.suspend_deadline(a, on=D0, reason="hospital"),
    "resume": lambda a: act.resume_deadline(_suspended_if_open(a), on=D0),
}

CONVERSATION_EVENTS: dict[str, Driver] = {
    "invite": lambda c: conv.invite(c, on=D0, at=MEETING, by="c-1"),
    "reschedule": lambda c: conv.reschedule(
        c, on=D0, at=MEETING + dt.timedelta(days=1), reason="ill"
    ),
    "hold": lambda c: conv.hold(c, on=MUCH_LATER, by="c-1"),
    "no_show": lambda c: conv.no_show(c, on=MUCH_LATER),
    "cancel": lambda c: conv.cancel(c, on=D0, reason="found work"),
}

PLAN_EVENTS: dict[str, Driver] = {
    "amend": lambda p: wp.amend(p, on=D0, note="changed"),
    "agree": lambda p: wp.agree(p, on=D0, coach_id="c-1"),
    "revise": lambda p: wp.revise(p, on=LATE, reason="new services", coach_id="c-1"),
    "close": lambda p: wp.close(p, on=MUCH_LATER, reason="found work"),
}

ENFORCEMENT_EVENTS: dict[str, Driver] = {
    "inform": lambda c: enf.inform(c, on=D0, policy=MEASURES),
    "respond": lambda c: enf.respond(c, on=D0, response="I was ill"),
    "no_response": lambda c: enf.record_no_response(c, on=MUCH_LATER),
    "decide_no_measure": lambda c: enf.decide_no_measure(
        c, on=MUCH_LATER, by="c-1", reason="good reason"
    ),
    "propose_measure": lambda c: enf.propose_measure(c, on=MUCH_LATER, by="c-1", policy=MEASURES),
    "decide": lambda c: enf.decide(c, on=MUCH_LATER, by="J. de Vries", reason="heard, no excuse"),
    "record_objection": lambda c: enf.record_objection(c, on=MUCH_LATER, by="c-1"),
    "close": lambda c: enf.close(c, on=MUCH_LATER, by="c-1", reason="done"),
}


def new_activity() -> act.Activity:
    return act.new_activity("a-1", "application", due=DUE, on=D0)


def new_conversation() -> conv.Conversation:
    return conv.new_conversation("g-1", "orientation", on=D0)


def new_plan() -> wp.WorkPlan:
    return wp.new_plan("p-1", on=D0, application_duty=ApplicationDuty())


def new_case() -> enf.EnforcementCase:
    return enf.new_case("k-1", ground="activity", on=D0, reason="referred", source_id="a-1")


MACHINE_DRIVERS: dict[str, tuple[Machine, Callable[[], Any], dict[str, Driver]]] = {
    "activity": (act.ACTIVITY, new_activity, ACTIVITY_EVENTS),
    "conversation": (conv.CONVERSATION, new_conversation, CONVERSATION_EVENTS),
    "work_plan": (wp.WORK_PLAN, new_plan, PLAN_EVENTS),
    "enforcement": (enf.ENFORCEMENT, new_case, ENFORCEMENT_EVENTS),
}


def in_every_state(name: str) -> dict[str, Any]:
    """Return an object in every state of the machine, reached by valid events from a new object."""
    machine, make, events = MACHINE_DRIVERS[name]
    reached = {machine.initial: make()}
    frontier = [machine.initial]
    while frontier:
        state = frontier.pop(0)
        for t in machine.transitions:
            if t.source == state and t.target not in reached:
                reached[t.target] = events[t.event](reached[state])
                frontier.append(t.target)
    return reached
