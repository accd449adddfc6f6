"""The enforcement commands: from the referral to the measure, the objection and the close.

A measure is always decided by a person; the rules only propose.
"""

from __future__ import annotations

from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.enforcement import MeasureKind
from werkmap.plan.folder import WorkFolder
from werkmap.rules.measures import measure_policy
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.unit import idempotent

__all__ = ["Enforcement"]


class Enforcement(ServiceCore):
    """Enforcement, decided by a person; part of :class:`~werkmap.service.Werkmap`."""

    @idempotent
    def refer(
        self,
        actor: Actor,
        folder_id: str,
        activity_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> str:
        """Refer a reminded activity to enforcement and return the case id.

        A case is opened, and the jobseeker is informed and invited to respond within the response window;
        a coach proposes and decides the case later (:meth:`propose_measure`, :meth:`decide_case`).
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._command(
            actor,
            "refer",
            folder_id,
            lambda f: pc.refer(
                f, activity_id, on=on, actor=who, reason=reason, policy=pol, calendar=self.calendar
            ),
            why=reason,
        )[1]

    @idempotent
    def open_duty_case(
        self, actor: Actor, folder_id: str, *, reason: str, idempotency_key: str | None = None
    ) -> str:
        """Open an enforcement case for an application-duty shortfall and return its id.

        The jobseeker is informed and invited to respond; a coach proposes and decides it later. Earlier
        application-duty breaches count towards the third-breach rule of the measure table.

        Raises:
            InvalidInput: no reason.
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._command(
            actor,
            "open_duty_case",
            folder_id,
            lambda f: pc.open_duty_case(
                f, on=on, actor=who, reason=reason, policy=pol, calendar=self.calendar
            ),
            why=reason,
        )[1]

    @idempotent
    def respond(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        response: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record the jobseeker's response to an enforcement case."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "respond",
            folder_id,
            lambda f: wf.record_response(f, case_id, on=on, actor=who, response=response),
        )

    @idempotent
    def propose_measure(
        self, actor: Actor, folder_id: str, case_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Ask werkmap for the measure the dated table proposes for a case, for the coach to review.

        A case still waiting for the jobseeker's response is first recorded as not answered when the
        response window has passed. The proposal (kind, percentage, duration, rule) is on
        ``folder.case(case_id).proposal``; the coach decides it with :meth:`decide_case`.

        Raises:
            IllegalTransition: the response window is still open, or the case was proposed or decided.
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._run(
            actor,
            "propose_measure",
            folder_id,
            lambda f: pc.propose_measure(f, case_id, on=on, actor=who, policy=pol),
        )

    @idempotent
    def decide_case(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        measure: bool,
        reason: str,
        percentage: float | None = None,
        duration_weeks: int | None = None,
        kind: MeasureKind | str | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """A coach decides an enforcement case: confirm the proposed measure, change its terms, or none.

        werkmap never decides a measure by itself: this command is the named person's decision, with a
        reason. ``measure=True`` confirms the proposal of :meth:`propose_measure`, with the terms changed
        where ``percentage``, ``duration_weeks`` or ``kind`` are given (the reason says why);
        ``measure=False`` decides no measure (a case still waiting for a response whose window has passed
        is first recorded as not answered).

        Raises:
            InvalidInput: ``measure=True`` but no measure was proposed yet (propose first).
            IllegalTransition: the case is not ready for a decision (the response window is still open).
        """
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "decide_case",
            folder_id,
            lambda f: pc.decide_case(
                f,
                case_id,
                on=on,
                actor=who,
                measure=measure,
                reason=reason,
                percentage=percentage,
                duration_weeks=duration_weeks,
                kind=kind,
            ),
            why=reason,
        )

    @idempotent
    def record_objection(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record an objection (*bezwaar*) against a decided measure."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_objection",
            folder_id,
            lambda f: wf.record_objection(f, case_id, on=on, actor=who, note=note),
        )

    @idempotent
    def close_case(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Close a decided enforcement case (after an objection: with the outcome as the reason)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "close_case",
            folder_id,
            lambda f: wf.close_case(f, case_id, on=on, actor=who, reason=reason),
            why=reason,
        )
