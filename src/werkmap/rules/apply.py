"""How a rule's :class:`~werkmap.rules.due.Action` changes a folder: one table from action kind to change.

:data:`APPLY` maps every action kind (:data:`werkmap.rules.due.KINDS`) to a pure function
``(folder, action, context) -> (new folder, events)``. What needs a person (an enforcement proposal, an
application-duty shortfall) is recorded as handled and the coach is notified from the recorded event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import attrs

from werkmap.plan import folder as wf
from werkmap.plan.commands import invite_conversation, one_step
from werkmap.plan.folder import WORK_FOUND_REASON, Change, WorkFolder
from werkmap.rules import commands as _commands
from werkmap.rules.due import Action
from werkmap.rules.policy import Policy
from werkmap.workdays import HolidayCalendar

__all__ = ["APPLY", "Applier", "ApplyContext", "record_action"]


@attrs.frozen(kw_only=True)
class ApplyContext:
    """What applying an action needs besides the folder and the action.

    Attributes:
        on: the date of the sweep.
        actor: who applies it (``system:...``).
        policy: the dated policy (for a route).
        calendar: the holiday calendar.
    """

    on: dt.date
    actor: str
    policy: Policy
    calendar: HolidayCalendar


Applier = Callable[[WorkFolder, Action, ApplyContext], Change]
"""Apply one action to a folder."""


def record_action(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    """Record the action as handled (for a person to decide; the coach is notified from the event)."""
    return wf.record_actions(
        f, [(a.id, a.kind, a.subject, a.policy_version)], on=c.on, actor=c.actor
    )


def _cancel_invitation(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    return wf.cancel_conversation(f, a.subject, on=c.on, actor=c.actor, reason=WORK_FOUND_REASON)


def _invite_profiler(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    return wf.invite_to_profiler(f, on=c.on, actor=c.actor)


def _flag_no_profile(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    def routed(g: WorkFolder) -> Change:
        made = _commands.route(g, None, on=c.on, actor=c.actor, policy=c.policy)
        return made.folder, made.events

    return one_step(f, routed, lambda g: record_action(g, a, c))


def _inviter(kind: str) -> Applier:
    def apply(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
        # the latest date the rule allows; when the sweep comes after it (a missed day), the sweep's date
        at = max(a.due_by, c.on) if a.due_by is not None else c.on
        made = invite_conversation(f, kind, on=c.on, at=at, actor=c.actor, reason=a.rule_id)
        return made.folder, made.events

    return apply


def _mark_overdue(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    return wf.mark_activity_overdue(f, a.subject, on=c.on, actor=c.actor)


def _send_reminder(f: WorkFolder, a: Action, c: ApplyContext) -> Change:
    return wf.remind_activity(f, a.subject, on=c.on, actor=c.actor)


APPLY: Mapping[str, Applier] = {
    "cancel_invitation": _cancel_invitation,
    "invite_profiler": _invite_profiler,
    "flag_no_profile": _flag_no_profile,
    "invite_orientation": _inviter("orientation"),
    "invite_monitor": _inviter("monitor"),
    "invite_early_contact": _inviter("early_contact"),
    "invite_coaching": _inviter("coaching"),
    "mark_overdue": _mark_overdue,
    "send_reminder": _send_reminder,
    "propose_enforcement": record_action,
    "flag_application_duty": record_action,
    "flag_outcome_missing": record_action,
}
"""Action kind -> the pure change that applies it (every kind in :data:`~werkmap.rules.due.KINDS`)."""
