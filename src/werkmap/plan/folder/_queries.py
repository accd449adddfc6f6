"""Queries: what a folder says on a date (colours, next deadline and conversation, overdue, duty)."""

from __future__ import annotations

import datetime as dt

from werkmap.plan import activity as _act
from werkmap.plan import conversation as _conv
from werkmap.plan.activity import COLOUR_RANK, DEFAULT_HORIZON, Activity, Colour
from werkmap.plan.conversation import Conversation
from werkmap.plan.duty import EXEMPTION_SINCE, ApplicationDuty, DutyStatus, duty_status
from werkmap.plan.enforcement import Ground
from werkmap.plan.folder._values import WorkFolder

__all__ = [
    "activity_colours",
    "application_duty_status",
    "most_urgent_colour",
    "next_conversation",
    "next_deadline",
    "overdue_activities",
    "overdue_count",
]


def activity_colours(
    folder: WorkFolder, today: dt.date, horizon: int = DEFAULT_HORIZON
) -> dict[str, Colour]:
    """Return the colour of every activity on ``today``, by activity id ; a referred activity whose enforcement case is closed is grey."""
    closed = _closed_case_activities(folder)
    return {a.activity_id: _colour(a, closed, today, horizon) for a in folder.activities}


def _closed_case_activities(folder: WorkFolder) -> frozenset[str]:
    return frozenset(
        c.source_id for c in folder.cases if c.ground is Ground.ACTIVITY and c.is_final
    )


def _colour(a: Activity, closed: frozenset[str], today: dt.date, horizon: int) -> Colour:
    if a.state is _act.ActivityState.REFERRED and a.activity_id in closed:
        return Colour.GREY  # its case is closed: the referral is over
    return _act.colour(a.state, a.deadline, today, horizon)


def most_urgent_colour(
    folder: WorkFolder, today: dt.date, horizon: int = DEFAULT_HORIZON
) -> Colour | None:
    """Return the most urgent colour among the activities (red > orange > green > grey), or ``None``."""
    best: Colour | None = None
    closed = _closed_case_activities(folder)
    for a in folder.activities:
        c = _colour(a, closed, today, horizon)
        if best is None or COLOUR_RANK[c] > COLOUR_RANK[best]:
            best = c
    return best


def next_deadline(folder: WorkFolder, today: dt.date) -> Activity | None:
    """Return the open activity whose deadline comes first on or after ``today``, or ``None``."""
    open_ = [
        a
        for a in folder.activities
        if a.state is _act.ActivityState.OPEN and not a.deadline.passed(today)
    ]
    return min(open_, key=lambda a: (a.deadline.due, a.activity_id), default=None)


def next_conversation(folder: WorkFolder, today: dt.date) -> Conversation | None:
    """Return the invited conversation planned first on or after ``today``, or ``None``."""
    planned = [
        c
        for c in folder.conversations
        if c.state is _conv.ConversationState.INVITED
        and c.scheduled_for is not None
        and c.scheduled_for >= today
    ]
    return min(planned, key=lambda c: (c.scheduled_for, c.conversation_id), default=None)


def overdue_activities(folder: WorkFolder, today: dt.date) -> tuple[Activity, ...]:
    """Return the activities that are overdue on ``today``, in the order they were added.

    These are the activities marked overdue or reminded, and open activities whose deadline has passed
    but which the daily sweep has not marked yet.
    """
    return tuple(
        a
        for a in folder.activities
        if a.state in (_act.ActivityState.OVERDUE, _act.ActivityState.REMINDED)
        or (a.state is _act.ActivityState.OPEN and a.deadline.passed(today))
    )


def overdue_count(folder: WorkFolder, today: dt.date) -> int:
    """Return how many activities are overdue on ``today`` (see :func:`overdue_activities`)."""
    return len(overdue_activities(folder, today))


def application_duty_status(
    folder: WorkFolder,
    on: dt.date,
    *,
    start: dt.date | None = None,
    duty: ApplicationDuty | None = None,
    within_months: int = 12,
    since: dt.date = EXEMPTION_SINCE,
) -> DutyStatus | None:
    """Return the application-duty status of the folder up to ``on``.

    Periods run from the day of registration by default (the rule of :mod:`werkmap.plan.duty`: the duty
    holds from the first day of the benefit, with or without a plan); ``start`` overrides it. The duty is
    ``duty``, else that of the current agreed plan version, else the default (4 per 28 days).
    """
    if duty is None:
        plan = folder.current_plan
        agreed = [v for v in plan.versions if v.agreed_on is not None] if plan is not None else []
        duty = agreed[-1].application_duty if agreed else None
    if start is None:
        start = folder.registered_on
    if on < start:
        return None
    return duty_status(
        folder.activities,
        start=start,
        on=on,
        duty=duty if duty is not None else ApplicationDuty(),
        pension_on=folder.pension_on,
        within_months=within_months,
        since=since,
    )
