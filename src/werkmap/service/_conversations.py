"""The conversation commands: request, invite, reschedule, hold, no-show and cancel."""

from __future__ import annotations

import datetime as dt

from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.folder import WorkFolder
from werkmap.rules import commands as rc
from werkmap.rules.measures import measure_policy
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.unit import idempotent

__all__ = ["Conversations"]


class Conversations(ServiceCore):
    """Conversations between a jobseeker and their coach; part of :class:`~werkmap.service.Werkmap`."""

    @idempotent
    def request_conversation(
        self, actor: Actor, folder_id: str, *, note: str = "", idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the jobseeker asked for a conversation; they are routed to one."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "request_conversation",
            folder_id,
            lambda f: rc.request_conversation(f, on=on, actor=who, policy=self.policy, note=note),
            why=note,
        )

    @idempotent
    def invite_conversation(
        self,
        actor: Actor,
        folder_id: str,
        kind: ConversationKind | str,
        *,
        at: dt.date,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> str:
        """Propose and invite a conversation of ``kind`` for the date ``at``; return its id."""
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "invite_conversation",
            folder_id,
            lambda f: pc.invite_conversation(f, kind, on=on, at=at, actor=who, reason=reason),
            why=reason,
        )[1]

    @idempotent
    def reschedule_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        at: dt.date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Move an invited conversation to another date (the history is kept)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "reschedule_conversation",
            folder_id,
            lambda f: wf.reschedule_conversation(
                f, conversation_id, on=on, at=at, actor=who, reason=reason
            ),
            why=reason,
        )

    @idempotent
    def hold_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        outcome: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record that a conversation was held."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "hold_conversation",
            folder_id,
            lambda f: wf.hold_conversation(f, conversation_id, on=on, actor=who, outcome=outcome),
        )

    @idempotent
    def record_no_show(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        open_case: bool = True,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record that the jobseeker did not come to a conversation.

        By default an enforcement case is opened and the jobseeker is informed and invited to respond; a
        coach proposes and decides it later (:meth:`propose_measure`, :meth:`decide_case`).
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        folder = self._command(
            actor,
            "record_no_show",
            folder_id,
            lambda f: pc.no_show(
                f,
                conversation_id,
                on=on,
                actor=who,
                policy=pol,
                calendar=self.calendar,
                open_case=open_case,
            ),
        )[0]
        return self._shown(actor, folder)

    @idempotent
    def cancel_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Cancel a pending conversation, with a reason."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "cancel_conversation",
            folder_id,
            lambda f: wf.cancel_conversation(f, conversation_id, on=on, actor=who, reason=reason),
            why=reason,
        )
