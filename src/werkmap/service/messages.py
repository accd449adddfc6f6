"""Notifications: the texts (Dutch and English) and channels of what a change's events cause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from werkmap.plan.folder import FolderEvent, WorkFolder
from werkmap.storage.values import Notification

__all__ = ["COACH_CHANNEL", "JOBSEEKER_CHANNEL", "notifications_for"]

JOBSEEKER_CHANNEL = "werk.nl"
"""The channel a jobseeker is notified on."""
COACH_CHANNEL = "dashboard"
"""The channel a coach is notified on."""

_KIND_NL = {
    "orientation": "werkoriëntatiegesprek",
    "monitor": "monitorgesprek",
    "coaching": "coachingsgesprek",
    "early_contact": "persoonlijk contact",
}
_KIND_EN = {
    "orientation": "an orientation conversation",
    "monitor": "a monitor conversation",
    "coaching": "a coaching conversation",
    "early_contact": "a face-to-face contact",
}

# event kind -> (recipient, Dutch text, English text); texts are filled from the event's data
_MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "profiler_invited": (
        "jobseeker",
        "Vul de Werkverkenner in: zo weten we welke ondersteuning bij u past.",
        "Please fill in the Work Profiler, so we know which support suits you.",
    ),
    "conversation_invited": (
        "jobseeker",
        "U bent uitgenodigd voor een {kind_nl} op {at}.",
        "You are invited to {kind_en} on {at}.",
    ),
    "conversation_rescheduled": (
        "jobseeker",
        "Uw gesprek is verplaatst naar {at}.",
        "Your conversation was moved to {at}.",
    ),
    "conversation_cancelled": (
        "jobseeker",
        "Uw gesprek is geannuleerd: {reason_nl}.",
        "Your conversation was cancelled: {reason_en}.",
    ),
    "activity_added": (
        "jobseeker",
        "Nieuwe activiteit in uw Werkmap, uiterlijk {due}.",
        "A new activity in your Work Folder, due {due}.",
    ),
    "activity_overdue": (
        "jobseeker",
        "De termijn van een activiteit in uw Werkmap is verstreken.",
        "The deadline of an activity in your Work Folder has passed.",
    ),
    "activity_reminded": (
        "jobseeker",
        "Herinnering: rond uw activiteit af of laat weten waarom het niet lukt.",
        "Reminder: complete your activity or let us know why you cannot.",
    ),
    "case_informed": (
        "jobseeker",
        "U heeft een verplichting niet nagekomen. Reageer uiterlijk {respond_by}.",
        "You did not meet an obligation. Please respond by {respond_by}.",
    ),
    "measure_decided": (
        "jobseeker",
        "Er is een besluit genomen over uw verplichting; u kunt bezwaar maken.",
        "A decision was taken about your obligation; you may object.",
    ),
    "case_no_measure": (
        "jobseeker",
        "Er volgt geen maatregel.",
        "No measure follows.",
    ),
    "plan_agreed": (
        "jobseeker",
        "Uw werkplan is vastgelegd in uw Werkmap.",
        "Your work plan is recorded in your Work Folder.",
    ),
    "plan_revised": (
        "jobseeker",
        "Uw werkplan is bijgewerkt.",
        "Your work plan was revised.",
    ),
}

_COACH_ACTIONS: Mapping[str, tuple[str, str]] = {
    "flag_application_duty": (
        "Sollicitatieplicht niet gehaald ({subject}): beoordeel de Werkmap.",
        "Application duty not met ({subject}): review the folder.",
    ),
    "propose_enforcement": (
        "Geen reactie op herinnering ({subject}): beslis over handhaving.",
        "No response to a reminder ({subject}): decide on enforcement.",
    ),
    "flag_outcome_missing": (
        "Uitkomst van gesprek ontbreekt ({subject}): leg vast of het gesprek is gehouden.",
        "Outcome of a conversation missing ({subject}): record whether it was held.",
    ),
}


def notifications_for(folder: WorkFolder, events: Sequence[FolderEvent]) -> list[Notification]:
    """Return the notifications a change's events cause (texts in Dutch and English).

    The idempotency key is derived from the folder, the event's sequence number and kind, so the same event
    always gives the same notification, however often it is made.
    """
    out: list[Notification] = []
    coach = f"coach:{folder.coach_id}" if folder.coach_id else "team:unassigned"
    jobseeker = f"jobseeker:{folder.jobseeker_ref}"
    for event in events:
        data = event.data
        if event.kind in _MESSAGES:
            who, nl, en = _MESSAGES[event.kind]
            kind = data.get("kind", "")
            fill = {
                **data,
                "kind_nl": _KIND_NL.get(kind, "gesprek"),
                "kind_en": _KIND_EN.get(kind, "a conversation"),
            }
            if "reason" in data:
                fill["reason_nl"], fill["reason_en"] = _reason_texts(data["reason"])
            if event.kind == "conversation_invited":
                conv = folder.conversation(data["conversation_id"])
                fill["kind_nl"] = _KIND_NL.get(str(conv.kind), "gesprek")
                fill["kind_en"] = _KIND_EN.get(str(conv.kind), "a conversation")
            if event.kind == "activity_added" and event.actor.startswith("jobseeker"):
                continue  # the jobseeker registered it themselves
            out.append(
                Notification.create(
                    kind=event.kind,
                    folder_id=folder.folder_id,
                    recipient=jobseeker if who == "jobseeker" else coach,
                    channel=JOBSEEKER_CHANNEL if who == "jobseeker" else COACH_CHANNEL,
                    cause=f"{event.seq}:{event.kind}",
                    text_nl=nl.format_map(_Missing(fill)),
                    text_en=en.format_map(_Missing(fill)),
                    created_on=event.on,
                )
            )
        elif event.kind == "action_recorded" and data.get("kind") in _COACH_ACTIONS:
            nl, en = _COACH_ACTIONS[data["kind"]]
            out.append(
                Notification.create(
                    kind=data["kind"],
                    folder_id=folder.folder_id,
                    recipient=coach,
                    channel=COACH_CHANNEL,
                    cause=f"{event.seq}:{data['id']}",
                    text_nl=nl.format(subject=data.get("subject", "")),
                    text_en=en.format(subject=data.get("subject", "")),
                    created_on=event.on,
                )
            )
        elif event.kind == "routed" and data.get("outcome") == "coach_analysis":
            out.append(
                Notification.create(
                    kind="coach_analysis",
                    folder_id=folder.folder_id,
                    recipient=coach,
                    channel=COACH_CHANNEL,
                    cause=f"{event.seq}:{event.kind}",
                    text_nl="Geen Werkverkenner ingevuld: aanvullende analyse nodig.",
                    text_en="No Work Profiler filled in: additional analysis needed.",
                    created_on=event.on,
                )
            )
    return out


# reasons the service itself writes, and how each reads in the two languages
_REASONS: Mapping[str, tuple[str, str]] = {
    "found work": ("u heeft werk gevonden", "you found work"),
    "werk gevonden / work found": ("u heeft werk gevonden", "you found work"),
    "uitkering beëindigd / benefit ended": ("uw uitkering is beëindigd", "your benefit ended"),
}


def _reason_texts(reason: str) -> tuple[str, str]:
    """A reason in Dutch and English: translated when the service wrote it, else as the person wrote it."""
    if reason in _REASONS:
        return _REASONS[reason]
    nl, sep, en = reason.partition(" / ")
    return (nl, en) if sep else (reason, reason)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"
