"""The commands that begin and end a folder: registration, the coach, found work, the end of benefit."""

from __future__ import annotations

import datetime as dt

from werkmap.errors import InvalidInput, Problem
from werkmap.plan import folder as wf
from werkmap.plan.folder import WorkFolder
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.unit import idempotent

__all__ = ["Registration"]


class Registration(ServiceCore):
    """Register a jobseeker, assign their coach, record found work and the end of benefit.

    Part of :class:`~werkmap.service.Werkmap`.
    """

    @idempotent
    def register(
        self,
        actor: Actor,
        folder_id: str,
        *,
        jobseeker_ref: str | None = None,
        bsn: str | None = None,
        coach_id: str | None = None,
        registered_on: dt.date | None = None,
        benefit_ends_on: dt.date | None = None,
        pension_on: dt.date | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Register a jobseeker: create their folder (version 1).

        A coach registers into their own caseload (``coach_id`` defaults to the coach); the system may give
        any coach. A BSN is checked and kept only as a pseudonym under the shell's ``pseudonym_key``.
        When the shell has experiments and their key, a registration that takes part in one is assigned
        to its arm in the same write (an ``arm_assigned`` event, audited with the registration); the
        folder returned shows the arm only to a role the experiment allows.

        Raises:
            NotAuthorized: the actor may not register, or a coach registers into another caseload.
            InvalidInput: a folder with this id exists, or the reference is missing or invalid.
        """
        self._allow(actor, "register", folder_id=None)
        if actor.role == "coach":
            if coach_id not in (None, actor.id):
                raise self._refusal(
                    actor, "register", None, f"{actor} may register only into their own caseload"
                )
            coach_id = actor.id
        if self._exists(folder_id):
            raise InvalidInput(
                [Problem(path="$.folder_id", message=f"{folder_id!r} exists already")],
                source="register",
            )
        on = self.today
        folder, events = wf.create_folder(
            folder_id,
            on=on,
            registered_on=registered_on,
            jobseeker_ref=jobseeker_ref,
            bsn=bsn,
            pseudonym_key=self._pseudonym_key,
            coach_id=coach_id,
            benefit_ends_on=benefit_ends_on,
            pension_on=pension_on,
            actor=str(actor),
        )
        if self.experiments and self._experiment_key is not None:
            from werkmap.experiments.assignment import assign

            folder, assigned = assign(
                folder, self.experiments, self._experiment_key, on=on, actor="system"
            )
            events = (*events, *assigned)
        stored, records = self._write(
            None, folder, events, actor=actor, command="register", why="", on=on
        )
        self._announce(records)
        return self._shown(actor, stored)

    @idempotent
    def assign_coach(
        self,
        actor: Actor,
        folder_id: str,
        coach_id: str | None,
        *,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Move a folder into ``coach_id``'s caseload (``None``: into none); the event records who and why.

        The system may move any folder. A team lead moves a folder between the coaches of their own teams
        (given an :class:`~werkmap.service.teams.Organisation`) and must say why.

        Raises:
            NotAuthorized: a coach or jobseeker asks, or a team lead moves a folder out of their teams.
            InvalidInput: a team lead gives no reason.
        """
        if actor.role == "team_lead":
            if not reason.strip():
                raise InvalidInput(
                    [Problem(path="$.reason", message="a team lead says why a folder moves")],
                    source="assign_coach",
                )
            org = self.organisation
            if org is not None and coach_id not in org.coaches_led_by(actor.id):
                raise self._refusal(
                    actor,
                    "assign_coach",
                    folder_id if self._exists(folder_id) else None,
                    f"{actor} may move folders only to coaches of their own teams",
                )
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "assign_coach",
            folder_id,
            lambda f: wf.assign_coach(f, coach_id, on=on, actor=who, reason=reason),
            why=reason,
        )

    @idempotent
    def record_work_found(
        self, actor: Actor, folder_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the jobseeker found work (:func:`werkmap.plan.record_work_found`).

        Pending invitations are cancelled (no no-shows), and so are the activities still open: the
        obligations of the benefit end with it.
        """
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_work_found",
            folder_id,
            lambda f: wf.record_work_found(f, on=on, actor=who),
        )

    @idempotent
    def record_benefit_ended(
        self, actor: Actor, folder_id: str, *, reason: str = "", idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the benefit ended; the activities still open are cancelled."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_benefit_ended",
            folder_id,
            lambda f: wf.record_benefit_ended(f, on=on, actor=who, reason=reason),
            why=reason,
        )
