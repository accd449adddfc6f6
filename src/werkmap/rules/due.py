"""What is due on a date for one folder: the service model's daily rules.

:func:`due_actions` looks at one :class:`~werkmap.rules.state.FolderState` on a date and returns the
actions due, each a frozen :class:`Action` with a deterministic id: a hash of folder id, rule, subject and
the date the rule first fired (not the date it was run). Running the same day twice therefore gives the
same ids; once the first run's actions are applied (a pending invitation exists, the activity moved on)
or recorded (their ids are in ``FolderState.handled``), nothing new is proposed.

The rules, in the order their actions are listed:

* ``cancel_invitation``: work was found (or the benefit ended): cancel every pending invitation.
* ``invite_profiler``: no profile and not yet invited: invite to the Work Profiler.
* ``flag_no_profile``: still no profile and not routed some days after registration: a coach analyses.
* ``invite_orientation``: routed to a conversation and none held since: invite within the window.
* ``invite_monitor``: no conversation at all after 6 months (and no orientation invitation due): invite,
  held at the latest in month 7.
* ``invite_early_contact``: digital only, no conversation after 3 months: face-to-face contact.
* ``invite_coaching``: in personal service: a coaching conversation some weeks after the last one.
* ``mark_overdue``: an open activity whose deadline (moved to a working day) has passed.
* ``send_reminder``: an overdue activity after the reminder grace.
* ``propose_enforcement``: a reminded activity after the response window, without a response.
* ``flag_application_duty``: fewer application activities than the duty in the last full period
  (:func:`werkmap.plan.duty.last_period_check`, periods counted from registration).
* ``flag_outcome_missing``: an invitation whose planned date passed without being marked held or
  no-show: the coach records the outcome. Such an invitation no longer counts as pending, so it does
  not block the conversation rules (the monitor rule among them).

A suspended deadline does not run: an open activity with a suspended deadline is never marked overdue.

An experiment's arm switches rules off through the state's two switches, never through a second copy of
a rule: without ``services`` (:attr:`FolderState.services`) the conversation rules (``invite_orientation``,
``invite_monitor``, ``invite_early_contact``, ``invite_coaching``) and ``flag_no_profile`` do not fire;
without ``enforcement`` (:attr:`FolderState.enforcement`) ``send_reminder``, ``propose_enforcement`` and
``flag_application_duty`` do not. The other rules (the profiler invitation, marking an activity overdue,
cancelling invitations, a missing outcome) are bookkeeping and apply to every arm.

Every due date is a working day. An obligation of the agency "within N days" (the invitations, the
coach's decision on enforcement) ends on the last working day inside the window
(:meth:`~werkmap.workdays.HolidayCalendar.previous_working_day`); a window given to the jobseeker (the
response to a reminder) ends on the next working day when its last day is not one.

Once work is found or the benefit ended, only ``cancel_invitation`` applies. Parameters are those valid on
the run date, except that the orientation deadline uses the window valid on the routing decision's date
(an earlier decision keeps its parameters).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import types
from collections.abc import Iterator, Mapping

import attrs

from werkmap.plan.duty import last_period_check, period_end_after
from werkmap.rules.policy import Policy, PolicyValues
from werkmap.rules.records import policy_version
from werkmap.rules.routing import check_probability
from werkmap.rules.state import FolderState, Invitation
from werkmap.serialization import register_schema
from werkmap.workdays import HolidayCalendar, add_months, dutch_calendar

__all__ = [
    "KINDS",
    "RULE_IDS",
    "Action",
    "action_id",
    "due_actions",
    "first_due_on",
    "next_due_on",
    "outcome_missing",
]

KINDS = (
    "cancel_invitation",
    "invite_profiler",
    "flag_no_profile",
    "invite_orientation",
    "invite_monitor",
    "invite_early_contact",
    "invite_coaching",
    "mark_overdue",
    "send_reminder",
    "propose_enforcement",
    "flag_application_duty",
    "flag_outcome_missing",
)
"""The action kinds, in the order actions are listed."""

RULE_IDS: Mapping[str, str] = {
    "cancel_invitation": "R-DUE-CANCEL",
    "invite_profiler": "R-DUE-PROFILER",
    "flag_no_profile": "R-DUE-NOPROFILE",
    "invite_orientation": "R-DUE-ORIENTATION",
    "invite_monitor": "R-DUE-MONITOR",
    "invite_early_contact": "R-DUE-EARLY",
    "invite_coaching": "R-DUE-COACHING",
    "mark_overdue": "R-DUE-OVERDUE",
    "send_reminder": "R-DUE-REMINDER",
    "propose_enforcement": "R-DUE-ENFORCEMENT",
    "flag_application_duty": "R-DUE-DUTY",
    "flag_outcome_missing": "R-DUE-OUTCOME",
}
"""The rule id of each action kind."""

RULE_VERSION = 1

PARAMETERS: Mapping[str, tuple[str, ...]] = {
    "cancel_invitation": (),
    "invite_profiler": ("profiler_invitation_days",),
    "flag_no_profile": ("no_profile_to_coach_days",),
    "invite_orientation": ("invitation_window_days",),
    "invite_monitor": ("monitor_after_months", "monitor_latest_month"),
    "invite_early_contact": ("early_contact_months", "invitation_window_days"),
    "invite_coaching": ("coaching_interval_days", "invitation_window_days"),
    "mark_overdue": (),
    "send_reminder": ("reminder_grace_days", "response_window_days"),
    "propose_enforcement": ("response_window_days", "escalation_decide_within_days"),
    "flag_application_duty": (
        "application_duty_count",
        "application_duty_period_days",
        "no_duty_before_pension_months",
    ),
    "flag_outcome_missing": (),
}
"""The parameters each rule reads (recorded in its actions)."""

_ORDER = {kind: i for i, kind in enumerate(KINDS)}
_DAY = dt.timedelta(days=1)

_TEXTS: Mapping[str, tuple[str, str]] = {
    "cancel_invitation": (
        "Annuleer de uitnodiging {subject}: werk gevonden of uitkering beëindigd op {fired_on}.",
        "Cancel invitation {subject}: work was found or the benefit ended on {fired_on}.",
    ),
    "invite_profiler": (
        "Nodig uit voor de Werkverkenner (ingeschreven, nog geen profiel).",
        "Invite to the Work Profiler (registered, no profile yet).",
    ),
    "flag_no_profile": (
        "Geen profiel {no_profile_to_coach_days} dagen na inschrijving: aanvullende analyse door een adviseur.",
        "No profile {no_profile_to_coach_days} days after registration: additional analysis by a coach.",
    ),
    "invite_orientation": (
        "Nodig uit voor een werkoriëntatiegesprek, te houden uiterlijk {due_by}.",
        "Invite to an orientation conversation, to be held by {due_by}.",
    ),
    "invite_monitor": (
        "Geen gesprek in de eerste {monitor_after_months} maanden: nodig uit voor een monitorgesprek, uiterlijk {due_by} (maand {monitor_latest_month}).",
        "No conversation in the first {monitor_after_months} months: invite to a monitor conversation, by {due_by} (month {monitor_latest_month}).",
    ),
    "invite_early_contact": (
        "Alleen digitaal en na {early_contact_months} maanden nog zonder werk: nodig uit voor persoonlijk contact, uiterlijk {due_by}.",
        "Digital only and still without work after {early_contact_months} months: invite to face-to-face contact, by {due_by}.",
    ),
    "invite_coaching": (
        "{coaching_interval_days} dagen na het laatste gesprek: nodig uit voor een coachingsgesprek, uiterlijk {due_by}.",
        "{coaching_interval_days} days after the last conversation: invite to a coaching conversation, by {due_by}.",
    ),
    "mark_overdue": (
        "Activiteit {subject} is te laat (termijn verstreken).",
        "Activity {subject} is overdue (its deadline passed).",
    ),
    "send_reminder": (
        "Stuur een herinnering voor activiteit {subject}; reageren kan tot en met {due_by}.",
        "Send a reminder for activity {subject}; a response is possible until {due_by}.",
    ),
    "propose_enforcement": (
        "Geen reactie op de herinnering voor activiteit {subject}: stel handhaving voor; een adviseur beslist uiterlijk {due_by}.",
        "No response to the reminder for activity {subject}: propose enforcement; a coach decides by {due_by}.",
    ),
    "flag_application_duty": (
        "Minder dan {application_duty_count} sollicitatieactiviteiten in {subject} (tot {fired_on}): adviseur beoordeelt.",
        "Fewer than {application_duty_count} application activities in {subject} (until {fired_on}): a coach reviews.",
    ),
    "flag_outcome_missing": (
        "Uitkomst ontbreekt: het gesprek {subject} was gepland vóór {fired_on}, maar is niet als gehouden of niet verschenen vastgelegd.",
        "Outcome missing: conversation {subject} was planned before {fired_on} but is not recorded as held or as a no-show.",
    ),
}


@attrs.frozen(kw_only=True)
class Action:
    """Something due for a folder on a date, with the reason it is due.

    Attributes:
        id: a deterministic id: a hash of folder id, kind, subject and ``fired_on``.
        folder_id: the folder.
        kind: one of :data:`KINDS`.
        rule_id: the rule that fired (``R-DUE-MONITOR``).
        rule_version: the version of that rule.
        subject: what the action is about (an activity or conversation id, a period), or ``""``.
        fired_on: the first date the rule fired for this subject.
        due_by: the date by which the action's result is due (a conversation held, a response), or
            ``None``.
        parameters: the parameter values the rule used (a read-only mapping, shared between actions
            of the same rule and parameter date).
        policy_version: the version of the policy the action was decided under (see
            :func:`werkmap.rules.records.policy_version`), or ``""`` when not known; not compared by
            ``==`` (two runs of a rule on the same folder and date are the same action).

    The reason texts :attr:`reason_nl` and :attr:`reason_en` are derived from these fields.
    """

    id: str
    folder_id: str
    kind: str
    rule_id: str
    rule_version: int
    subject: str
    fired_on: dt.date
    due_by: dt.date | None
    parameters: Mapping[str, float | int]
    policy_version: str = attrs.field(default="", eq=False)

    def _reason(self, language: int) -> str:
        fill = {
            **self.parameters,
            "subject": self.subject,
            "fired_on": self.fired_on.isoformat(),
            "due_by": self.due_by.isoformat() if self.due_by is not None else "-",
        }
        return _TEXTS[self.kind][language].format(**fill)

    @property
    def reason_nl(self) -> str:
        """Why the action is due, in Dutch."""
        return self._reason(0)

    @property
    def reason_en(self) -> str:
        """Why the action is due, in English."""
        return self._reason(1)


register_schema("werkmap.rules.action", Action, 1)


def action_id(folder_id: str, kind: str, subject: str, fired_on: dt.date) -> str:
    """Return the deterministic id of an action (24 hex digits of a BLAKE2b hash).

    The id is a hash of ``folder_id|kind|subject|fired_on`` (the date the rule first fired), so the same
    action found on a later day has the same id.
    """
    return _hash(folder_id, kind, subject, fired_on.isoformat())


def _hash(folder_id: str, kind: str, subject: str, fired_iso: str) -> str:
    key = f"{folder_id}|{kind}|{subject}|{fired_iso}".encode()
    return hashlib.blake2b(key, digest_size=12).hexdigest()


def make_action(
    folder_id: str,
    kind: str,
    subject: str,
    fired_on: dt.date,
    due_by: dt.date | None,
    parameters: Mapping[str, float | int],
    *,
    action_id: str | None = None,
    policy: str = "",
) -> Action:
    """Build an :class:`Action` with its id (shared by the one-folder path and the sweep).

    ``policy`` is the version of the policy the action is decided under (:attr:`Action.policy_version`).
    """
    return Action(
        id=action_id or _hash(folder_id, kind, subject, fired_on.isoformat()),
        folder_id=folder_id,
        kind=kind,
        rule_id=RULE_IDS[kind],
        rule_version=RULE_VERSION,
        subject=subject,
        fired_on=fired_on,
        due_by=due_by,
        parameters=parameters,
        policy_version=policy,
    )


def params_for(
    kind: str, values: PolicyValues, policy: Policy, routed_on: dt.date | None
) -> Mapping[str, float | int]:
    """Return the parameter values an action of ``kind`` records (see :data:`PARAMETERS`).

    The orientation invitation records the values valid on the routing decision's date.
    """
    if kind == "invite_orientation" and routed_on is not None:
        values = policy.at(routed_on)
    return frozen_parameters(kind, values)


@functools.lru_cache(maxsize=4096)
def frozen_parameters(kind: str, values: PolicyValues) -> Mapping[str, float | int]:
    """Return the parameters of rule ``kind`` from ``values`` as a shared read-only mapping."""
    return types.MappingProxyType(values.pick(PARAMETERS[kind]))


def due_actions(
    state: FolderState,
    on: dt.date,
    policy: Policy,
    calendar: HolidayCalendar | None = None,
) -> list[Action]:
    """Return the actions due for one folder on ``on``, in :data:`KINDS` order, then subject order.

    Args:
        state: the folder's snapshot on ``on``.
        on: the date to evaluate (the run date).
        policy: the dated parameters; the values valid on ``on`` are used.
        calendar: the holiday calendar for working-day deadlines (default: :func:`dutch_calendar`).

    Examples:
        >>> from werkmap.rules import FolderState, load_policy
        >>> s = FolderState(folder_id="f1", registered_on=dt.date(2024, 1, 31),
        ...                 profiler_invited_on=dt.date(2024, 1, 31), last_conversation_on=None,
        ...                 route="digital", routed_on=dt.date(2024, 2, 2), probability=0.8)
        >>> [a.kind for a in due_actions(s, dt.date(2024, 4, 30), load_policy())]
        ['invite_early_contact', 'flag_application_duty']
    """
    found, v = _found(state, on, policy, calendar or dutch_calendar())
    return _finish(found, state, v, policy)


_Found = list[tuple[int, int, str, str, dt.date, dt.date | None]]
"""What the rules found due, before :func:`_finish`: (order, row, kind, subject, fired on, due by)."""


def _is_due(state: FolderState, on: dt.date, policy: Policy, cal: HolidayCalendar) -> bool:
    """Whether :func:`due_actions` finds something, without making the actions.

    Speed: :func:`first_due_on` asks this of every candidate day; making the actions (their texts'
    parameters, policy version and ids) took 40 % of a ``due_actions`` call (0.048 s of 0.121 s profiled,
    first_due_on of the 400 folders of the ``shell_commands`` round, five times).
    """
    found, _ = _found(state, on, policy, cal)
    if not found or not state.handled:
        return bool(found)
    return next(_unhandled(found, state), None) is not None


def _found(
    state: FolderState, on: dt.date, policy: Policy, cal: HolidayCalendar
) -> tuple[_Found, PolicyValues]:
    """The rules of :func:`due_actions`: what is due on ``on``, and the parameter values of that day."""
    check_probability(state.probability, f"folder state {state.folder_id}")
    v = policy.at(on)
    found: _Found = []

    def add(kind: str, row: int, subject: str, fired: dt.date, due_by: dt.date | None) -> None:
        found.append((_ORDER[kind], row, kind, subject, fired, due_by))

    closed_on = _min_date(state.work_found_on, state.benefit_ends_on)
    if closed_on is not None and closed_on <= on:
        for row, inv in enumerate(state.pending):
            due = cal.previous_working_day(inv.planned_on) if inv.planned_on is not None else None
            add("cancel_invitation", row, inv.id, closed_on, due)
        return found, v

    reg = state.registered_on
    pending = False
    for row, inv in enumerate(state.pending):
        if outcome_missing(inv, on):
            assert inv.planned_on is not None
            add("flag_outcome_missing", row, inv.id, inv.planned_on + _DAY, None)
        else:
            pending = True
    last = state.last_conversation_on
    if state.probability is None:
        if state.profiler_invited_on is None:
            fired = reg + dt.timedelta(days=v.profiler_invitation_days)
            if on >= fired:
                add("invite_profiler", 0, "", fired, None)
        if state.route is None and state.services:
            fired = reg + dt.timedelta(days=v.no_profile_to_coach_days)
            if on >= fired:
                add("flag_no_profile", 0, "", fired, None)
    route = state.route
    routed_on = state.routed_on
    enforce = state.enforcement
    if not pending and state.services:
        if (
            route == "orientation"
            and routed_on is not None
            and (last is None or last < routed_on)
            and on >= routed_on
        ):
            window = policy.at(routed_on).invitation_window_days
            due_by = cal.previous_working_day(routed_on + dt.timedelta(days=window))
            add("invite_orientation", 0, "", routed_on, due_by)
            orientation_due = True
        else:
            orientation_due = False
        monitor_fired = add_months(reg, v.monitor_after_months)
        # the orientation conversation, when due, is the conversation the monitor rule asks for
        if last is None and not orientation_due and on >= monitor_fired:
            due_by = cal.previous_working_day(add_months(reg, v.monitor_latest_month) - _DAY)
            add("invite_monitor", 0, "", monitor_fired, due_by)
        if route == "digital" and last is None:
            fired = add_months(reg, v.early_contact_months)
            if fired <= on < monitor_fired:
                due_by = cal.previous_working_day(
                    fired + dt.timedelta(days=v.invitation_window_days)
                )
                add("invite_early_contact", 0, "", fired, due_by)
        if last is not None and (
            route == "coaching"
            or (route == "orientation" and routed_on is not None and last >= routed_on)
        ):
            fired = last + dt.timedelta(days=v.coaching_interval_days)
            if on >= fired:
                due_by = cal.previous_working_day(
                    fired + dt.timedelta(days=v.invitation_window_days)
                )
                add("invite_coaching", 0, "", fired, due_by)

    for row, act in enumerate(state.activities):
        if act.state == "open":
            if act.suspended:  # a suspended deadline does not run
                continue
            effective = cal.next_working_day(act.deadline)
            if on > effective:
                add("mark_overdue", row, act.id, effective + _DAY, None)
        elif act.state == "overdue" and enforce:
            fired = cal.next_working_day(act.deadline) + dt.timedelta(
                days=1 + v.reminder_grace_days
            )
            if on >= fired:
                due_by = cal.next_working_day(fired + dt.timedelta(days=v.response_window_days))
                add("send_reminder", row, act.id, fired, due_by)
        elif act.state == "reminded" and act.reminded_on is not None and enforce:
            response_end = cal.next_working_day(
                act.reminded_on + dt.timedelta(days=v.response_window_days)
            )
            if on > response_end:
                fired = response_end + _DAY
                due_by = cal.previous_working_day(
                    fired + dt.timedelta(days=v.escalation_decide_within_days)
                )
                add("propose_enforcement", row, act.id, fired, due_by)

    check = last_period_check(
        state.applications_on,
        registered_on=reg,
        on=on,
        required=v.application_duty_count,
        period_days=v.application_duty_period_days,
        pension_on=state.pension_on,
        within_months=v.no_duty_before_pension_months,
    )
    if enforce and check is not None and check.shortfall > 0:
        add("flag_application_duty", 0, f"period-{check.number}", check.end, None)
    return found, v


def outcome_missing(invitation: Invitation, on: dt.date) -> bool:
    """Return whether ``invitation``'s planned date passed before ``on`` without an outcome recorded.

    Such an invitation is flagged to the coach (``flag_outcome_missing``) and no longer counts as pending.
    """
    return invitation.planned_on is not None and invitation.planned_on < on


def _min_date(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _unhandled(
    found: _Found, state: FolderState
) -> Iterator[tuple[tuple[int, int, str, str, dt.date, dt.date | None], str]]:
    """What was found and is not yet handled (its id not in ``state.handled``), with its action id."""
    folder_id = state.folder_id
    for item in found:
        ident = _hash(folder_id, item[2], item[3], item[4].isoformat())
        if ident not in state.handled:
            yield item, ident


def _finish(
    found: _Found,
    state: FolderState,
    v: PolicyValues,
    policy: Policy,
) -> list[Action]:
    found.sort(key=lambda item: (item[0], item[1]))
    version = policy_version(policy, v.on)
    actions = []
    folder_id = state.folder_id
    for (_, _, kind, subject, fired, due_by), ident in _unhandled(found, state):
        parameters = params_for(kind, v, policy, state.routed_on)
        actions.append(
            make_action(
                folder_id, kind, subject, fired, due_by, parameters, action_id=ident, policy=version
            )
        )
    return actions


def next_due_on(
    state: FolderState,
    on: dt.date,
    policy: Policy,
    calendar: HolidayCalendar | None = None,
) -> dt.date | None:
    """Return the earliest date on or after ``on`` on which something may be due, or ``None``.

    It assumes the folder does not change and the parameters stay as on ``on``. It is never later than
    the first date :func:`due_actions` returns an action (so a store can index folders by it and sweep
    only those due), but it may be earlier (the application-duty check is at every period end).
    """
    cal = calendar or dutch_calendar()
    if _is_due(state, on, policy, cal):
        return on
    return _next_candidate(state, on, policy, cal)


def _next_candidate(
    state: FolderState, on: dt.date, policy: Policy, cal: HolidayCalendar
) -> dt.date | None:
    """:func:`next_due_on` for a day ``on`` on which nothing is due: the earliest later candidate."""
    v = policy.at(on)
    closed_on = _min_date(state.work_found_on, state.benefit_ends_on)
    if closed_on is not None and closed_on <= on:
        return None
    candidates: list[dt.date] = []
    reg = state.registered_on
    last = state.last_conversation_on
    if state.probability is None:
        if state.profiler_invited_on is None:
            candidates.append(reg + dt.timedelta(days=v.profiler_invitation_days))
        if state.route is None and state.services:
            candidates.append(reg + dt.timedelta(days=v.no_profile_to_coach_days))
    waiting = [inv for inv in state.pending if not outcome_missing(inv, on)]
    for inv in waiting:  # flagged the day after its planned date, and no longer pending then
        if inv.planned_on is not None:
            candidates.append(inv.planned_on + _DAY)
    if state.services and (not waiting or all(inv.planned_on is not None for inv in waiting)):
        monitor_fired = add_months(reg, v.monitor_after_months)
        if last is None:
            candidates.append(monitor_fired)
            if state.route == "digital":
                candidates.append(add_months(reg, v.early_contact_months))
        elif state.route in ("coaching", "orientation"):
            candidates.append(last + dt.timedelta(days=v.coaching_interval_days))
        if state.route == "orientation" and state.routed_on is not None:
            candidates.append(state.routed_on)
    for act in state.activities:
        if act.state == "open" and not act.suspended:
            candidates.append(cal.next_working_day(act.deadline) + _DAY)
        elif act.state == "overdue" and state.enforcement:
            candidates.append(
                cal.next_working_day(act.deadline) + dt.timedelta(days=1 + v.reminder_grace_days)
            )
        elif act.state == "reminded" and act.reminded_on is not None and state.enforcement:
            candidates.append(
                cal.next_working_day(act.reminded_on + dt.timedelta(days=v.response_window_days))
                + _DAY
            )
    if state.enforcement:
        candidates.append(period_end_after(reg, on, v.application_duty_period_days))
    later = [day for day in candidates if day > on]
    if closed_on is not None:  # from closed_on on, only cancelling pending invitations is left
        later = [day for day in later if day < closed_on]
        if state.pending:
            later.append(closed_on)
    return min(later) if later else None


def first_due_on(
    state: FolderState,
    on: dt.date,
    policy: Policy,
    calendar: HolidayCalendar | None = None,
    *,
    steps: int = 32,
) -> dt.date | None:
    """Return the first date on or after ``on`` on which :func:`due_actions` finds something, or ``None``.

    Like :func:`next_due_on` it assumes the folder does not change, but it skips the candidate dates on
    which nothing turns out to be due (an application-duty period that was met), so a store indexed by it
    loads a folder only on a day that has work for it. Each candidate is checked with the parameters valid
    on that day. After ``steps`` empty candidates it returns the last one. An early date is safe but costs:
    a sweep on that day loads the folder, finds nothing and writes nothing, and so does every later sweep
    until the folder changes (this happens only when the parameters change between two saves).

    Speed: each candidate day is asked once whether anything is due (:func:`next_due_on` asked it again
    of the day it returned), and by :func:`_is_due`, which does not make the actions: 48.3 -> 21.1 µs a
    call (the 400 folders of the ``shell_commands`` round, registered and profiled, process time, median
    of 7, in one run), where the round in one unit of work spent 0.66 s of 6.0 s profiled.
    """
    cal = calendar or dutch_calendar()
    if _is_due(state, on, policy, cal):
        return on
    day = _next_candidate(state, on, policy, cal)
    for _ in range(steps):
        if day is None or _is_due(state, day, policy, cal):
            return day
        after = day + _DAY
        if _is_due(state, after, policy, cal):
            return after  # what next_due_on(after) gives, and the next round would keep
        later = _next_candidate(state, after, policy, cal)
        if later is None:
            return None
        day = later
    return day
