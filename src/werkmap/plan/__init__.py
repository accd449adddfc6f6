"""The Personal Work Folder (*Werkmap*): activities, conversations, work plans and enforcement cases.

Everything here is pure: values are frozen, every change returns a new value (and, at folder level, the
events it caused), and dates are arguments. The machines share one small transition-table helper,
:class:`~werkmap.plan.machine.Machine`.

Modules: :mod:`~werkmap.plan.machine`, :mod:`~werkmap.plan.deadline`, :mod:`~werkmap.plan.activity`,
:mod:`~werkmap.plan.conversation`, :mod:`~werkmap.plan.workplan`, :mod:`~werkmap.plan.duty`,
:mod:`~werkmap.plan.enforcement`, :mod:`~werkmap.plan.folder`, :mod:`~werkmap.plan.diagrams`.
"""

from __future__ import annotations

from werkmap.plan.activity import (
    ACTIVITY,
    DEFAULT_HORIZON,
    Activity,
    ActivityKind,
    ActivityState,
    Colour,
    activity_colour,
    colour,
    new_activity,
)
from werkmap.plan.conversation import (
    CONVERSATION,
    Appointment,
    Conversation,
    ConversationKind,
    ConversationState,
)
from werkmap.plan.deadline import Deadline, Extension, Suspension, new_deadline
from werkmap.plan.duty import (
    ApplicationDuty,
    DutyPeriod,
    DutyStatus,
    duty_status,
    is_exempt,
    pension_date,
)
from werkmap.plan.enforcement import (
    ENFORCEMENT,
    CaseState,
    Decision,
    EnforcementCase,
    Ground,
    MeasureKind,
    MeasurePolicy,
    MeasureProposal,
    Objection,
    compute_proposal,
)
from werkmap.plan.folder import (
    FolderEvent,
    ProfileRecord,
    RouteRecord,
    WorkFolder,
    create_folder,
    is_valid_bsn,
    pseudonymise_bsn,
)
from werkmap.plan.machine import Machine, T
from werkmap.plan.workplan import WORK_PLAN, ExtraService, PlanState, PlanVersion, WorkPlan

MACHINES: tuple[Machine, ...] = (ACTIVITY, CONVERSATION, WORK_PLAN, ENFORCEMENT)
"""Every machine of the Work Folder, in the order the docs show them."""

__all__ = [
    "ACTIVITY",
    "CONVERSATION",
    "DEFAULT_HORIZON",
    "ENFORCEMENT",
    "MACHINES",
    "WORK_PLAN",
    "Activity",
    "ActivityKind",
    "ActivityState",
    "ApplicationDuty",
    "Appointment",
    "CaseState",
    "Colour",
    "Conversation",
    "ConversationKind",
    "ConversationState",
    "Deadline",
    "Decision",
    "DutyPeriod",
    "DutyStatus",
    "EnforcementCase",
    "Extension",
    "ExtraService",
    "FolderEvent",
    "Ground",
    "Machine",
    "MeasureKind",
    "MeasurePolicy",
    "MeasureProposal",
    "Objection",
    "PlanState",
    "PlanVersion",
    "ProfileRecord",
    "RouteRecord",
    "Suspension",
    "T",
    "WorkFolder",
    "WorkPlan",
    "activity_colour",
    "colour",
    "compute_proposal",
    "create_folder",
    "duty_status",
    "is_exempt",
    "is_valid_bsn",
    "new_activity",
    "new_deadline",
    "pension_date",
    "pseudonymise_bsn",
]
