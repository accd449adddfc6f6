"""Compound changes of a folder that need a rules decision: routing, a submitted profile, the sweep.

Like :mod:`werkmap.plan.commands`, each function is pure and returns a :class:`~werkmap.plan.commands.Made`
that is one version step; the service calls one of them per command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from werkmap.errors import WerkmapError
from werkmap.plan import folder as wf
from werkmap.plan.commands import Made, one_step
from werkmap.plan.folder import Change, FolderEvent, RouteRecord, WorkFolder
from werkmap.rules.due import RULE_IDS, Action, due_actions
from werkmap.rules.policy import Policy
from werkmap.rules.records import profile_record, route_record
from werkmap.rules.routing import CoachOverride, Decision, RoutingInputs, decide_route
from werkmap.rules.state import folder_state
from werkmap.workdays import HolidayCalendar

if TYPE_CHECKING:
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.scoring import Profile

__all__ = [
    "FolderSweep",
    "decide",
    "override_of",
    "request_conversation",
    "route",
    "submit_profile",
    "sweep_folder",
]


def override_of(route: RouteRecord | None) -> CoachOverride | None:
    """Return the coach's override a stored route carries (it stands until routed without one), if any."""
    if route is None or not route.override_outcome:
        return None
    return CoachOverride(
        outcome=route.override_outcome,
        reason=route.override_reason,
        by=route.override_by,
        on=route.override_on or route.decided_on,
    )


def decide(
    folder: WorkFolder, override: CoachOverride | None, *, on: dt.date, policy: Policy
) -> Decision:
    """Return the routing decision for ``folder`` on ``on`` (not recorded)."""
    profile = folder.latest_profile
    inputs = RoutingInputs(
        probability=profile.probability if profile else None,
        band=profile.band if profile else None,
        profiled_on=profile.taken_on if profile else None,
        requested=folder.conversation_requested_on is not None,
        override=override,
        conversation_held=any(str(c.state) == "held" for c in folder.conversations),
    )
    return decide_route(inputs, on, policy)


def route(
    folder: WorkFolder,
    override: CoachOverride | None,
    *,
    on: dt.date,
    actor: str,
    policy: Policy,
) -> Made[Decision]:
    """Decide the route and record it with its override; the value is the decision recorded."""
    decision = decide(folder, override, on=on, policy=policy)
    record = route_record(decision, on=on, override=override)
    new, events = wf.record_route(folder, record, on=on, actor=actor)
    return Made(new, events, decision)


def submit_profile(
    folder: WorkFolder,
    answers: Mapping[str, object],
    *,
    questionnaire: Questionnaire,
    model: ScoringModel,
    on: dt.date,
    actor: str,
    policy: Policy,
) -> Made[Profile]:
    """Score the answers, add the profile and route again (a standing override kept); the value is the profile.

    Raises:
        InvalidAnswers: the answers are not valid; nothing changed.
    """
    from werkmap.profiler.scoring import score

    profile = score(answers, model, questionnaire, on=on)
    record = profile_record(profile, on=on)
    change = one_step(
        folder,
        lambda g: wf.add_profile(g, record, on=on, actor=actor),
        lambda g: _routed(g, on=on, actor=actor, policy=policy),
    )
    return Made(change[0], change[1], profile)


def request_conversation(
    folder: WorkFolder, *, on: dt.date, actor: str, policy: Policy, note: str = ""
) -> Change:
    """Record the jobseeker's request for a conversation and route again (to one)."""
    return one_step(
        folder,
        lambda g: wf.request_conversation(g, on=on, actor=actor, note=note),
        lambda g: _routed(g, on=on, actor=actor, policy=policy),
    )


def _routed(folder: WorkFolder, *, on: dt.date, actor: str, policy: Policy) -> Change:
    made = route(folder, override_of(folder.latest_route), on=on, actor=actor, policy=policy)
    return made.folder, made.events


@attrs.frozen(kw_only=True)
class FolderSweep:
    """What the sweep did to one folder.

    Attributes:
        actions: the due actions applied (or recorded for a person to decide), in order.
        failed: ``(action id, reason)`` of the actions the folder refused; they are not recorded as
            handled, so the next sweep offers them again.
        invitations: ``(folder id, conversation id, kind, planned date)`` of each conversation invited to.
    """

    actions: tuple[Action, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    invitations: tuple[tuple[str, str, str, dt.date], ...] = ()

    @property
    def why(self) -> str:
        """The audit reason: each applied action's rule and reason."""
        return "; ".join(f"{a.rule_id}: {a.reason_en}" for a in self.actions)[:2000]


def sweep_folder(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    policy: Policy,
    calendar: HolidayCalendar,
) -> Made[FolderSweep]:
    """Apply what is due for ``folder`` on ``on`` through :data:`~werkmap.rules.apply.APPLY`, as one version.

    What an action changes can make another one due on the same day (an activity marked overdue long
    after its deadline, when missed days are caught up, is also due for its reminder), so the rules are
    asked again on the changed folder until nothing new is due: sweeping the same day twice finds nothing
    the first sweep left. An action the folder refuses (a :class:`~werkmap.errors.WerkmapError`) changes
    nothing, is reported in :attr:`FolderSweep.failed` with its reason and is not recorded, so it is
    offered again by the next sweep.
    """
    from werkmap.rules.apply import APPLY, ApplyContext, record_action  # apply routes through us

    ctx = ApplyContext(on=on, actor=actor, policy=policy, calendar=calendar)
    applied: list[Action] = []
    failed: list[tuple[str, str]] = []
    invited: list[tuple[str, str, str, dt.date]] = []
    new = folder
    events: tuple[FolderEvent, ...] = ()
    tried: set[str] = set()
    todo = due_actions(folder_state(folder), on, policy, calendar)
    for _round in range(len(RULE_IDS) + 1):  # each round follows from a change of the one before
        for action in todo:
            tried.add(action.id)
            try:
                new, ev = APPLY.get(action.kind, record_action)(new, action, ctx)
            except WerkmapError as exc:
                failed.append((action.id, str(exc)))
                continue
            applied.append(action)
            events += ev
            for e in ev:
                if e.kind == "conversation_invited":
                    conv = new.conversation(e.data["conversation_id"])
                    at = conv.scheduled_for or on
                    invited.append((new.folder_id, conv.conversation_id, str(conv.kind), at))
        if new is folder or not events:
            break
        todo = [
            a for a in due_actions(folder_state(new), on, policy, calendar) if a.id not in tried
        ]
        if not todo:
            break
    done = new, events
    change = one_step(folder, lambda _f: done)
    result = FolderSweep(actions=tuple(applied), failed=tuple(failed), invitations=tuple(invited))
    return Made(change[0], change[1], result)
