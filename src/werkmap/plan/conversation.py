"""Conversations with a work coach: orientation, monitor, coaching and the early contact.

Life of a conversation::

    proposed --invite--> invited --hold--> held
                         invited --no_show--> no_show
                         invited --reschedule--> invited   (the earlier date is kept in the history)
    proposed | invited --cancel--> cancelled               (with a reason, e.g. found work)

Every change is a pure function returning the new :class:`Conversation`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, cast

import attrs

from werkmap.plan.machine import Machine, T

__all__ = [
    "CONVERSATION",
    "Appointment",
    "Conversation",
    "ConversationKind",
    "ConversationState",
    "cancel",
    "hold",
    "invite",
    "new_conversation",
    "no_show",
    "reschedule",
]


class ConversationKind(enum.StrEnum):
    """What a conversation is for."""

    ORIENTATION = "orientation"
    """The first personal conversation (*werkoriëntatiegesprek*); agreements go into the work plan."""
    MONITOR = "monitor"
    """The monitor conversation (*monitorgesprek*), at the latest in month 7 when there was none before."""
    COACHING = "coaching"
    """A follow-up conversation (*coachingsgesprek*)."""
    EARLY_CONTACT = "early_contact"
    """The early face-to-face contact for digital-only jobseekers who have not found work."""


class ConversationState(enum.StrEnum):
    """The states of a conversation."""

    PROPOSED = "proposed"
    INVITED = "invited"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


S = ConversationState


def _needs_date_from_today(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    at: dt.date | None = ctx.get("at")
    on: dt.date = ctx["on"]
    if at is None:
        return "needs a date"
    if at < on:
        return f"the date {at.isoformat()} is before {on.isoformat()}"
    return None


def _needs_date_and_reason(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    refused = _needs_date_from_today(subject, ctx)
    if refused is None and not str(ctx.get("reason", "")).strip():
        return "needs a reason"
    if refused is None and ctx.get("at") == subject.scheduled_for:
        return "the new date is the current date"
    return refused


def _on_or_after_date(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    on: dt.date = ctx["on"]
    if subject.scheduled_for is not None and on < subject.scheduled_for:
        return f"the conversation is planned for {subject.scheduled_for.isoformat()}"
    return None


def _needs_reason(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    return None if str(ctx.get("reason", "")).strip() else "needs a reason"


CONVERSATION = Machine(
    "conversation",
    states=tuple(S),
    events=("invite", "reschedule", "hold", "no_show", "cancel"),
    initial=S.PROPOSED,
    final=(S.HELD, S.NO_SHOW, S.CANCELLED),
    transitions=(
        T(S.PROPOSED, "invite", S.INVITED, _needs_date_from_today, "a date, not in the past"),
        T(S.PROPOSED, "cancel", S.CANCELLED, _needs_reason, "a reason"),
        T(
            S.INVITED,
            "reschedule",
            S.INVITED,
            _needs_date_and_reason,
            "a new date, not in the past, and a reason",
        ),
        T(S.INVITED, "hold", S.HELD, _on_or_after_date, "on or after the planned date"),
        T(S.INVITED, "no_show", S.NO_SHOW, _on_or_after_date, "on or after the planned date"),
        T(S.INVITED, "cancel", S.CANCELLED, _needs_reason, "a reason"),
    ),
)
"""The conversation machine."""


@attrs.frozen(kw_only=True)
class Appointment:
    """A date a conversation was planned for, and why it moved.

    Attributes:
        at: the planned date.
        set_on: the day it was set.
        moved_on: the day it was replaced by another date, or ``None`` for the current one.
        reason: why it was moved (``""`` for the current one).
    """

    at: dt.date
    set_on: dt.date
    moved_on: dt.date | None = None
    reason: str = ""


@attrs.frozen(kw_only=True)
class Conversation:
    """A conversation between the jobseeker and a coach.

    Attributes:
        conversation_id: unique within its folder.
        kind: what it is for.
        state: where it is in :data:`CONVERSATION`.
        proposed_on: the day it was proposed.
        reason: why it was proposed (routing decision, request by the jobseeker, coach's analysis ...).
        scheduled_for: the current planned date (``None`` until invited).
        history: every date it was planned for, oldest first; the last is the current one.
        closed_on: the day it was held, missed or cancelled.
        outcome: a note on how it ended (a cancellation reason, a summary).
        by: the coach who holds it or who closed it.
    """

    conversation_id: str
    kind: ConversationKind
    state: ConversationState = ConversationState.PROPOSED
    proposed_on: dt.date
    reason: str = ""
    scheduled_for: dt.date | None = None
    history: tuple[Appointment, ...] = ()
    closed_on: dt.date | None = None
    outcome: str = ""
    by: str = ""

    @property
    def is_final(self) -> bool:
        """Whether the conversation is over (held, missed or cancelled)."""
        return self.state in CONVERSATION.final


def _fire(c: Conversation, event: str, ctx: Mapping[str, Any]) -> ConversationState:
    return cast(
        ConversationState,
        CONVERSATION.fire(c.state, event, obj=c.conversation_id, subject=c, context=ctx),
    )


def new_conversation(
    conversation_id: str, kind: ConversationKind | str, *, on: dt.date, reason: str = ""
) -> Conversation:
    """Return a proposed conversation of ``kind``."""
    return Conversation(
        conversation_id=conversation_id,
        kind=ConversationKind(kind),
        proposed_on=on,
        reason=reason,
    )


def invite(conversation: Conversation, *, on: dt.date, at: dt.date, by: str = "") -> Conversation:
    """Return ``conversation`` with the jobseeker invited on ``on`` for the date ``at``."""
    state = _fire(conversation, "invite", {"on": on, "at": at})
    return attrs.evolve(
        conversation,
        state=state,
        scheduled_for=at,
        history=(*conversation.history, Appointment(at=at, set_on=on)),
        by=by or conversation.by,
    )


def reschedule(
    conversation: Conversation, *, on: dt.date, at: dt.date, reason: str
) -> Conversation:
    """Return ``conversation`` moved to ``at``; the earlier date stays in the history with ``reason``."""
    state = _fire(conversation, "reschedule", {"on": on, "at": at, "reason": reason})
    *earlier, current = conversation.history
    moved = attrs.evolve(current, moved_on=on, reason=reason)
    return attrs.evolve(
        conversation,
        state=state,
        scheduled_for=at,
        history=(*earlier, moved, Appointment(at=at, set_on=on)),
    )


def hold(conversation: Conversation, *, on: dt.date, by: str, outcome: str = "") -> Conversation:
    """Return ``conversation`` held on ``on`` by coach ``by``."""
    state = _fire(conversation, "hold", {"on": on, "by": by})
    return attrs.evolve(conversation, state=state, closed_on=on, by=by, outcome=outcome)


def no_show(conversation: Conversation, *, on: dt.date, by: str = "") -> Conversation:
    """Return ``conversation`` recorded as missed by the jobseeker."""
    state = _fire(conversation, "no_show", {"on": on, "by": by})
    return attrs.evolve(conversation, state=state, closed_on=on, by=by or conversation.by)


def cancel(conversation: Conversation, *, on: dt.date, reason: str, by: str = "") -> Conversation:
    """Return ``conversation`` cancelled for ``reason`` (found work, the jobseeker asked ...)."""
    state = _fire(conversation, "cancel", {"on": on, "reason": reason})
    return attrs.evolve(
        conversation, state=state, closed_on=on, outcome=reason, by=by or conversation.by
    )
