"""The work plan and its activities: agree and revise the plan; add, complete, remind, excuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind
from werkmap.plan.commands import PlannedActivity
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.folder import WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.unit import idempotent

__all__ = ["Plans"]


class Plans(ServiceCore):
    """The work plan and the activities in it; part of :class:`~werkmap.service.Werkmap`."""

    @idempotent
    def agree_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] = (),
        note: str = "",
        jobseeker_agreed: bool = True,
        idempotency_key: str | None = None,
    ) -> str:
        """Record a work plan agreed with the jobseeker and return its id.

        The plan holds its activities, the application duty valid today and the extra services with the
        reason each was chosen.
        """
        on, who = self.today, str(actor)
        values = self.policy.at(on)
        duty = ApplicationDuty(
            required=values.application_duty_count, period_days=values.application_duty_period_days
        )
        planned, extra = tuple(activities), tuple(services)
        return self._command(
            actor,
            "agree_plan",
            folder_id,
            lambda f: pc.agree_plan(
                f,
                on=on,
                actor=who,
                duty=duty,
                calendar=self.calendar,
                activities=planned,
                services=extra,
                note=note,
                jobseeker_agreed=jobseeker_agreed,
            ),
            why=note,
        )[1]

    @idempotent
    def revise_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        reason: str,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Revise the current work plan: a new version with added activities and, if given, new services.

        Raises:
            InvalidInput: there is no agreed plan.
        """
        on, who = self.today, str(actor)
        planned = tuple(activities)
        folder = self._command(
            actor,
            "revise_plan",
            folder_id,
            lambda f: pc.revise_plan(
                f,
                on=on,
                actor=who,
                reason=reason,
                calendar=self.calendar,
                activities=planned,
                services=services,
                note=note,
            ),
            why=reason,
        )[0]
        return self._shown(actor, folder)

    @idempotent
    def add_activity(
        self,
        actor: Actor,
        folder_id: str,
        kind: ActivityKind | str,
        *,
        due: dt.date,
        title: str = "",
        idempotency_key: str | None = None,
    ) -> str:
        """Add an open activity with a deadline (a coach sets a task; a jobseeker plans one). Returns its id."""
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "add_activity",
            folder_id,
            lambda f: pc.add_activity(
                f, kind, due=due, on=on, actor=who, calendar=self.calendar, title=title
            ),
        )[1]

    @idempotent
    def register_applications(
        self,
        actor: Actor,
        folder_id: str,
        titles: Sequence[str],
        *,
        idempotency_key: str | None = None,
    ) -> tuple[str, ...]:
        """Register application activities the jobseeker did today (one per title), done at once.

        They count for the application duty. Returns their ids.

        Raises:
            InvalidInput: no titles.
        """
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "register_applications",
            folder_id,
            lambda f: pc.register_applications(f, titles, on=on, actor=who, calendar=self.calendar),
        )[1]

    @idempotent
    def complete_activity(
        self, actor: Actor, folder_id: str, activity_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record an activity as done (late, when it was overdue or reminded)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "complete_activity",
            folder_id,
            lambda f: wf.complete_activity(f, activity_id, on=on, actor=who),
        )

    @idempotent
    def remind(
        self, actor: Actor, folder_id: str, activity_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Send the jobseeker a reminder for an overdue activity."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "remind",
            folder_id,
            lambda f: wf.remind_activity(f, activity_id, on=on, actor=who),
        )

    @idempotent
    def excuse(
        self,
        actor: Actor,
        folder_id: str,
        activity_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Excuse an overdue or reminded activity, with a reason."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "excuse",
            folder_id,
            lambda f: wf.excuse_activity(f, activity_id, on=on, actor=who, reason=reason),
            why=reason,
        )
