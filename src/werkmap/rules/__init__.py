"""The service model as dated, explainable rules, and the daily sweep.

* :mod:`werkmap.rules.policy`: dated policy parameters from TOML files (:func:`load_policy`,
  :meth:`Policy.at`).
* :mod:`werkmap.rules.routing`: the routing decision table (unique hit policy), returning
  :class:`Decision` records.
* :mod:`werkmap.rules.measures`: the measure table of a date (:func:`measure_policy`) for the one
  measure rule, :func:`werkmap.plan.enforcement.compute_proposal`.
* :mod:`werkmap.rules.state`: :class:`FolderState`, the flat snapshot of a folder the rules read.
* :mod:`werkmap.rules.due`: what is due on a date for one folder (:func:`due_actions`,
  :func:`next_due_on`), as :class:`Action` records with deterministic ids.
* :mod:`werkmap.rules.columnar`: the same for a population over numpy columns (:func:`sweep`).
"""

from __future__ import annotations

from werkmap.rules.columnar import NO_DATE, DueTable, FolderColumns, day_number, sweep
from werkmap.rules.due import KINDS, Action, action_id, due_actions, first_due_on, next_due_on
from werkmap.rules.measures import MEASURE_PARAMETERS, measure_policy
from werkmap.rules.policy import (
    CONSTRAINTS,
    Constraint,
    Parameter,
    Policy,
    PolicyValues,
    ValuePeriod,
    default_policy,
    default_policy_dir,
    load_policy,
    load_policy_documents,
)
from werkmap.rules.routing import (
    CoachOverride,
    Decision,
    DecisionTable,
    RoutingInputs,
    decide_route,
    default_routing_table,
    load_routing_table,
)
from werkmap.rules.state import ActivityRow, FolderState, Invitation, folder_state

__all__ = [
    "CONSTRAINTS",
    "KINDS",
    "MEASURE_PARAMETERS",
    "NO_DATE",
    "Action",
    "ActivityRow",
    "CoachOverride",
    "Constraint",
    "Decision",
    "DecisionTable",
    "DueTable",
    "FolderColumns",
    "FolderState",
    "Invitation",
    "Parameter",
    "Policy",
    "PolicyValues",
    "RoutingInputs",
    "ValuePeriod",
    "action_id",
    "day_number",
    "decide_route",
    "default_policy",
    "default_policy_dir",
    "default_routing_table",
    "due_actions",
    "first_due_on",
    "folder_state",
    "load_policy",
    "load_policy_documents",
    "load_routing_table",
    "measure_policy",
    "next_due_on",
    "sweep",
]
