"""The letters for a measure as outbox notifications (the texts are :mod:`werkmap.jobseeker.letters`)."""

from __future__ import annotations

from collections.abc import Sequence

from werkmap.jobseeker.letters import LETTER_CHANNEL, decision_letter, hearing_letter
from werkmap.plan.folder import FolderEvent, WorkFolder
from werkmap.rules.policy import Policy
from werkmap.storage.values import Notification
from werkmap.workdays import HolidayCalendar

__all__ = ["letter_notifications"]


def letter_notifications(
    folder: WorkFolder,
    events: Sequence[FolderEvent],
    *,
    policy: Policy | None = None,
    calendar: HolidayCalendar | None = None,
) -> list[Notification]:
    """Return the letters a change's events cause, as outbox notifications to the jobseeker.

    ``measure_proposed`` gives a hearing letter; ``measure_decided`` with a measure imposed gives a
    decision letter. The notification's texts are the whole letter in Dutch and English; its
    idempotency key comes from the event, so the same event always gives the same letter.
    """
    out = []
    for event in events:
        if event.kind == "measure_proposed":
            make, kind = hearing_letter, "hearing_letter"
        elif event.kind == "measure_decided" and event.data.get("imposed") == "true":
            make, kind = decision_letter, "decision_letter"
        else:
            continue
        case_id = event.data["case_id"]
        nl = make(folder, case_id, policy=policy, language="nl", calendar=calendar)
        en = make(folder, case_id, policy=policy, language="en", calendar=calendar)
        out.append(
            Notification.create(
                kind=kind,
                folder_id=folder.folder_id,
                recipient=f"jobseeker:{folder.jobseeker_ref}",
                channel=LETTER_CHANNEL,
                cause=f"{event.seq}:{kind}:{case_id}",
                text_nl=nl.to_text(),
                text_en=en.to_text(),
                created_on=event.on,
            )
        )
    return out
