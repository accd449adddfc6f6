"""Changes of the folder's conversations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from werkmap.plan import conversation as _conv
from werkmap.plan.conversation import Conversation, ConversationKind
from werkmap.plan.folder._base import _commit, _replace, _require_new
from werkmap.plan.folder._values import Change, WorkFolder, _index

__all__ = [
    "cancel_conversation",
    "hold_conversation",
    "invite_conversation",
    "propose_conversation",
    "record_no_show",
    "reschedule_conversation",
]


def propose_conversation(
    folder: WorkFolder,
    conversation_id: str,
    kind: ConversationKind | str,
    *,
    on: dt.date,
    actor: str,
    reason: str = "",
) -> Change:
    """Propose a conversation of ``kind`` (orientation, monitor, coaching, early contact)."""
    _require_new(folder.conversations, "conversation_id", conversation_id)
    c = _conv.new_conversation(conversation_id, kind, on=on, reason=reason)
    data = {"conversation_id": conversation_id, "kind": str(c.kind), "reason": reason}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("conversation_proposed", data)],
        conversations=(*folder.conversations, c),
    )


def _on_conversation(
    folder: WorkFolder,
    conversation_id: str,
    change: Callable[[Conversation], Conversation],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.conversations, "conversation_id", conversation_id, folder.folder_id)
    old = folder.conversations[i]
    new = change(old)
    details = {"conversation_id": conversation_id, "from": str(old.state), "to": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        conversations=_replace(folder.conversations, i, new),
    )


def invite_conversation(
    folder: WorkFolder, conversation_id: str, *, on: dt.date, at: dt.date, actor: str
) -> Change:
    """Invite the jobseeker to a proposed conversation on ``at``."""
    return _on_conversation(
        folder,
        conversation_id,
        lambda c: _conv.invite(c, on=on, at=at, by=actor),
        "conversation_invited",
        on=on,
        actor=actor,
        data={"at": at.isoformat()},
    )


def reschedule_conversation(
    folder: WorkFolder,
    conversation_id: str,
    *,
    on: dt.date,
    at: dt.date,
    actor: str,
    reason: str,
) -> Change:
    """Move an invited conversation to ``at``; the earlier date stays in its history."""
    return _on_conversation(
        folder,
        conversation_id,
        lambda c: _conv.reschedule(c, on=on, at=at, reason=reason),
        "conversation_rescheduled",
        on=on,
        actor=actor,
        data={"at": at.isoformat(), "reason": reason},
    )


def hold_conversation(
    folder: WorkFolder, conversation_id: str, *, on: dt.date, actor: str, outcome: str = ""
) -> Change:
    """Record that coach ``actor`` held the conversation on ``on``."""
    return _on_conversation(
        folder,
        conversation_id,
        lambda c: _conv.hold(c, on=on, by=actor, outcome=outcome),
        "conversation_held",
        on=on,
        actor=actor,
    )


def record_no_show(folder: WorkFolder, conversation_id: str, *, on: dt.date, actor: str) -> Change:
    """Record that the jobseeker did not come to the conversation."""
    return _on_conversation(
        folder,
        conversation_id,
        lambda c: _conv.no_show(c, on=on, by=actor),
        "conversation_no_show",
        on=on,
        actor=actor,
    )


def cancel_conversation(
    folder: WorkFolder, conversation_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Cancel a proposed or invited conversation, with a reason."""
    return _on_conversation(
        folder,
        conversation_id,
        lambda c: _conv.cancel(c, on=on, reason=reason, by=actor),
        "conversation_cancelled",
        on=on,
        actor=actor,
        data={"reason": reason},
    )
