"""The Work Profiler commands: invite, submit (scored and routed), decide and route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from werkmap.plan import folder as wf
from werkmap.plan.commands import Made
from werkmap.plan.folder import WorkFolder
from werkmap.rules import commands as rc
from werkmap.rules.routing import CoachOverride, Decision
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.unit import idempotent

if TYPE_CHECKING:
    from werkmap.profiler.scoring import Profile

__all__ = ["Profiling"]


class Profiling(ServiceCore):
    """The Work Profiler and the routing decision; part of :class:`~werkmap.service.Werkmap`."""

    @idempotent
    def invite_profiler(
        self, actor: Actor, folder_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Invite the jobseeker to fill in the Work Profiler (the sweep does this after registration)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "invite_profiler",
            folder_id,
            lambda f: wf.invite_to_profiler(f, on=on, actor=who),
        )

    @idempotent
    def submit_profile(
        self,
        actor: Actor,
        folder_id: str,
        answers: Mapping[str, object],
        *,
        idempotency_key: str | None = None,
    ) -> Profile:
        """Score the jobseeker's answers, add the profile to the folder and route them.

        The route follows the routing table (score at most the threshold: an orientation conversation;
        above it: digital service), unless a coach's override is in force; it is recorded with its reason.
        The answers are scored only once the actor may submit: a refusal never reveals what they are worth.
        With a ``shadow_model``, the candidate's score of the same answers is kept on the folder too, in the
        same version step; it is never used for routing.

        Raises:
            InvalidAnswers: the answers are not valid (every problem listed); nothing changed.
        """
        on, who = self.today, str(actor)

        def change(f: WorkFolder) -> Made[Profile]:
            made = rc.submit_profile(
                f,
                answers,
                questionnaire=self.questionnaire,
                model=self.model,
                on=on,
                actor=who,
                policy=self.policy,
            )
            if self.shadow_model is None:
                return made
            from werkmap.monitoring.shadow import shadow_step

            return shadow_step(
                made, answers, self.shadow_model, self.questionnaire, on=on, actor=who
            )

        return self._command(actor, "submit_profile", folder_id, change, why="profile submitted")[1]

    def decide(
        self,
        folder: WorkFolder,
        override: CoachOverride | None = None,
        *,
        on: dt.date | None = None,
    ) -> Decision:
        """Return the routing decision for a folder on a date (default today), without recording it."""
        day = on if on is not None else self.today
        return rc.decide(folder, override, on=day, policy=self.policy)

    @idempotent
    def route(
        self,
        actor: Actor,
        folder_id: str,
        *,
        override: str | None = None,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> Decision:
        """Route a folder again, with a coach's override (``conversation`` or ``digital``) or without one.

        An override must carry a reason; it stands for later profiles until the coach routes again without
        one. Returns the decision as recorded.

        Raises:
            InvalidInput: an unknown override or one without a reason (``WM-R001``, ``WM-R002``).
        """
        on, who = self.today, str(actor)
        ov = (
            CoachOverride(outcome=override, reason=reason, by=actor.id, on=on)
            if override is not None
            else None
        )
        return self._command(
            actor,
            "route",
            folder_id,
            lambda f: rc.route(f, ov, on=on, actor=who, policy=self.policy),
            why=reason,
        )[1]
