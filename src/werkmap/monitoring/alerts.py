"""Monitoring alerts as notifications to a named role, through the service's outbox.

:func:`alert_notifications` turns a report's :class:`~werkmap.monitoring.report.Alert` values into
:class:`~werkmap.storage.values.Notification` values (pure); :func:`send_alerts` queues them with
:meth:`werkmap.Werkmap.enqueue`, so they are delivered like every other message (at least once, with an
idempotency key made from the model, the month, the variable and the level: the same alert made again
is not sent twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from werkmap.storage.values import Notification
from werkmap.texts import number

if TYPE_CHECKING:
    from werkmap.monitoring.report import MonitoringReport
    from werkmap.service import Werkmap

__all__ = ["ALERT_CHANNEL", "ALERT_KIND", "DEFAULT_ROLE", "alert_notifications", "send_alerts"]

DEFAULT_ROLE = "model_owner"
"""The role alerts go to by default: whoever answers for the model (its owner in the algorithm register)."""

ALERT_CHANNEL = "dashboard"
"""The channel alerts are sent on."""

ALERT_KIND = "model_drift"
"""The notification kind of a monitoring alert."""

MONITORING_FOLDER = "monitoring"
"""The ``folder_id`` of alert notifications: they concern the service, not one jobseeker's folder."""


def alert_notifications(
    report: MonitoringReport, *, role: str = DEFAULT_ROLE, on: dt.date | None = None
) -> tuple[Notification, ...]:
    """Return one notification per alert of ``report``, addressed to ``role`` (recipient ``role:<role>``)."""
    day = on if on is not None else report.on
    out: list[Notification] = []
    for a in report.alerts:
        what_nl = "de score" if a.variable == "score" else f"vraag {a.variable}"
        what_en = "the score" if a.variable == "score" else f"item {a.variable}"
        level_nl = "veranderd" if a.level == "changed" else "verschoven"
        level_en = a.level
        psi_nl = number(a.psi, "nl", digits=2)
        psi_en = number(a.psi, "en", digits=2)
        out.append(
            Notification.create(
                kind=ALERT_KIND,
                folder_id=MONITORING_FOLDER,
                recipient=f"role:{role}",
                channel=ALERT_CHANNEL,
                cause=f"{report.model_ref}:{a.month}:{a.variable}:{a.level}",
                text_nl=(
                    f"Model {report.model_ref}: de verdeling van {what_nl} is {level_nl} bij de "
                    f"inschrijvingen van {a.month} (PSI {psi_nl}, drempel "
                    f"{number(a.threshold, 'nl', digits=2)}, {a.n} profielen). Toets het model opnieuw."
                ),
                text_en=(
                    f"Model {report.model_ref}: the distribution of {what_en} has {level_en} for the "
                    f"registrations of {a.month} (PSI {psi_en}, threshold "
                    f"{number(a.threshold, 'en', digits=2)}, {a.n} profiles). Re-evaluate the model."
                ),
                created_on=day,
            )
        )
    return tuple(out)


def send_alerts(
    wm: Werkmap, report: MonitoringReport, *, role: str = DEFAULT_ROLE
) -> Sequence[Notification]:
    """Queue the report's alerts for ``role`` in ``wm``'s outbox (as the system) and return them."""
    from werkmap.service import Actor

    notes = alert_notifications(report, role=role, on=wm.today)
    if notes:
        wm.enqueue(Actor.system("monitoring"), notes)
    return notes
