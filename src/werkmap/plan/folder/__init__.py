"""The Personal Work Folder (*Werkmap*): the aggregate that holds everything of one jobseeker.

A :class:`WorkFolder` is a frozen value. It holds an opaque jobseeker reference (a BSN, where one is given, is
checked with the eleven-test and replaced by an HMAC-SHA256 pseudonym under a key the host supplies; the clear
BSN is never stored, logged or put in an error message), the registration and benefit dates, the profile
history, the work plans with their versions, the activities, the conversations, the enforcement cases, an
append-only event log and a version number.

**Versions.** A new folder has version 1 (its creation is its first change, recorded as event 1,
``folder_created``); every change adds exactly 1. Events are numbered 1, 2, 3 ... in the order they happened;
one change may cause several events (recording found work cancels pending invitations, say).

**Changes** are pure functions ``change(folder, ..., on=date, actor=who) -> (new_folder, events)``: nothing is
read from the wall clock, nothing is changed in place, and an error is raised before anything changes.

**Queries** (:func:`activity_colours`, :func:`most_urgent_colour`, :func:`next_deadline`,
:func:`next_conversation`, :func:`overdue_count`, :func:`application_duty_status`) read a folder and a date.

**Where the code is.** Import everything from here; the package keeps it in private modules by job:
``_values`` (the records, the folder, its schema), ``_bsn``, ``_base`` (the one version step every change
makes, :func:`next_id`), ``_lifecycle`` (creation, coach, arm, profile, route, found work, the end of
benefit), ``_activities``, ``_conversations``, ``_plans``, ``_enforcement`` and ``_queries``.

Examples:
    >>> day = dt.date(2025, 3, 3)
    >>> f, _ = create_folder("f-1", on=day, bsn="111222333", pseudonym_key=b"0123456789abcdef0123")
    >>> f.version, f.jobseeker_ref.startswith("bsn-hmac-sha256:")
    (1, True)
    >>> f, events = add_activity(f, "a-1", "application", due=dt.date(2025, 3, 14), on=day, actor="c-7")
    >>> f.version, [e.kind for e in events]
    (2, ['activity_added'])
    >>> most_urgent_colour(f, dt.date(2025, 3, 10))
    <Colour.ORANGE: 'orange'>
"""

from __future__ import annotations

import datetime as dt  # noqa: F401 (the examples above use it)

# In the order of the reference page: the values, then the changes by job, then the queries.
# isort: off
# The profile bands have one home: the scoring model's default band cut points (werkmap.profiler.model).
from werkmap.profiler.model import BANDS
from werkmap.plan.folder._values import (
    FOLDER_SCHEMA,
    FOLDER_SCHEMA_VERSION,
    Scalar,
    ProfileRecord,
    ShadowScore,
    RouteRecord,
    ArmAssignment,
    FolderEvent,
    WorkFolder,
    migrate_folder_v1,
    Change,
    OPEN_ACTIVITY_STATES,
)
from werkmap.plan.folder._bsn import (
    is_valid_bsn,
    pseudonymise_bsn,
)
from werkmap.plan.folder._lifecycle import (
    create_folder,
    assign_coach,
    assign_arm,
    add_profile,
    add_shadow,
    invite_to_profiler,
    record_route,
    record_actions,
    request_conversation,
    record_work_found,
    WORK_FOUND_REASON,
    BENEFIT_ENDED_REASON,
    record_benefit_ended,
)
from werkmap.plan.folder._base import (
    next_id,
)
from werkmap.plan.folder._activities import (
    add_activity,
    register_applications,
    complete_activity,
    mark_activity_overdue,
    remind_activity,
    excuse_activity,
    refer_activity,
    cancel_activity,
    extend_activity_deadline,
    suspend_activity_deadline,
    resume_activity_deadline,
)
from werkmap.plan.folder._conversations import (
    propose_conversation,
    invite_conversation,
    reschedule_conversation,
    hold_conversation,
    record_no_show,
    cancel_conversation,
)
from werkmap.plan.folder._plans import (
    draft_plan,
    amend_plan,
    agree_plan,
    revise_plan,
    close_plan,
)
from werkmap.plan.folder._enforcement import (
    open_case,
    inform_case,
    record_response,
    record_no_response,
    decide_no_measure,
    propose_measure,
    decide_measure,
    record_objection,
    close_case,
)
from werkmap.plan.folder._queries import (
    activity_colours,
    most_urgent_colour,
    next_deadline,
    next_conversation,
    overdue_activities,
    overdue_count,
    application_duty_status,
)
# isort: on

__all__ = [
    "BANDS",
    "BENEFIT_ENDED_REASON",
    "FOLDER_SCHEMA",
    "FOLDER_SCHEMA_VERSION",
    "OPEN_ACTIVITY_STATES",
    "WORK_FOUND_REASON",
    "ArmAssignment",
    "Change",
    "FolderEvent",
    "ProfileRecord",
    "RouteRecord",
    "Scalar",
    "ShadowScore",
    "WorkFolder",
    "activity_colours",
    "add_activity",
    "add_profile",
    "add_shadow",
    "agree_plan",
    "amend_plan",
    "application_duty_status",
    "assign_arm",
    "assign_coach",
    "cancel_activity",
    "cancel_conversation",
    "close_case",
    "close_plan",
    "complete_activity",
    "create_folder",
    "decide_measure",
    "decide_no_measure",
    "draft_plan",
    "excuse_activity",
    "extend_activity_deadline",
    "hold_conversation",
    "inform_case",
    "invite_conversation",
    "invite_to_profiler",
    "is_valid_bsn",
    "mark_activity_overdue",
    "migrate_folder_v1",
    "most_urgent_colour",
    "next_conversation",
    "next_deadline",
    "next_id",
    "open_case",
    "overdue_activities",
    "overdue_count",
    "propose_conversation",
    "propose_measure",
    "pseudonymise_bsn",
    "record_actions",
    "record_benefit_ended",
    "record_no_response",
    "record_no_show",
    "record_objection",
    "record_response",
    "record_route",
    "record_work_found",
    "refer_activity",
    "register_applications",
    "remind_activity",
    "request_conversation",
    "reschedule_conversation",
    "resume_activity_deadline",
    "revise_plan",
    "suspend_activity_deadline",
]
