"""The folder's values: the records it holds, the folder itself, its stored schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from werkmap import serialization
from werkmap.errors import InvalidInput, NotFound, Problem
from werkmap.plan.activity import Activity
from werkmap.plan.conversation import Conversation
from werkmap.plan.deadline import Deadline
from werkmap.plan.enforcement import EnforcementCase
from werkmap.plan.workplan import WorkPlan
from werkmap.profiler.model import BANDS
from werkmap.serialization import register_schema

__all__ = [
    "FOLDER_SCHEMA",
    "FOLDER_SCHEMA_VERSION",
    "OPEN_ACTIVITY_STATES",
    "ArmAssignment",
    "Change",
    "FolderEvent",
    "ProfileRecord",
    "RouteRecord",
    "Scalar",
    "ShadowScore",
    "WorkFolder",
    "migrate_folder_v1",
]


FOLDER_SCHEMA = "werkmap.folder"
"""The serialization schema name of a :class:`WorkFolder`."""


FOLDER_SCHEMA_VERSION = 2
"""The current schema version of a :class:`WorkFolder`.

Version 2 (werkmap 0.x, issue 9): profiles keep answers and contributions and name their model correctly
(``model_id`` and ``model_version`` apart), routes keep inputs and parameters. :func:`migrate_folder_v1`
lifts a version 1 document.
"""


Scalar = str | int | float | bool | None
"""A value of a recorded input: text, number, yes/no or none (dates as ISO text)."""


@attrs.frozen(kw_only=True)
class ProfileRecord:
    """A Work Profiler result as the folder keeps it (``plan`` does not import the profiler).

    The record holds what re-derives it: the questionnaire and model references, the answers and the
    contributions, so :mod:`werkmap.replay` can score the answers again with that model and compare.

    Attributes:
        taken_on: the day the questionnaire was filled in.
        probability: the predicted chance of work resumption within a year (0..1).
        band: ``"0-25"``, ``"25-50"``, ``"50-75"`` or ``"75-100"``.
        questionnaire_id: the questionnaire's id (its canonical url).
        questionnaire_version: its version (``2017.1``).
        model_id: the scoring model's id (``werkverkenner-illustrative``).
        model_version: its version (``2017.1``).
        top_hindrances: the constructs that hindered most, most hindering first.
        answers: the validated answers, ``link_id -> `` the answer as JSON text (``"3"``, ``"true"``,
            ``'"2024-01-31"'``), so their types survive; empty in records older than schema version 2.
        item_contributions: the log-odds contribution of every encoded item, by item.
        construct_contributions: the log-odds contribution of every construct.
    """

    taken_on: dt.date
    probability: float
    band: str
    questionnaire_id: str
    questionnaire_version: str
    model_id: str
    model_version: str
    top_hindrances: tuple[str, ...] = ()
    answers: dict[str, str] = attrs.field(factory=dict, hash=False)
    item_contributions: dict[str, float] = attrs.field(factory=dict, hash=False)
    construct_contributions: dict[str, float] = attrs.field(factory=dict, hash=False)

    def __attrs_post_init__(self) -> None:
        problems = []
        if not 0.0 <= self.probability <= 1.0:
            problems.append(
                Problem(path="$.probability", message=f"expected 0..1, got {self.probability!r}")
            )
        if self.band not in BANDS:
            problems.append(
                Problem(path="$.band", message=f"expected one of {list(BANDS)}, got {self.band!r}")
            )
        if problems:
            raise InvalidInput(problems, source="profile record")

    @property
    def questionnaire_ref(self) -> str:
        """The questionnaire's reference ``url|version``, as the profiler names it."""
        return f"{self.questionnaire_id}|{self.questionnaire_version}"

    @property
    def model_ref(self) -> str:
        """The model's reference ``id|version``, as the profiler names it."""
        return f"{self.model_id}|{self.model_version}"


@attrs.frozen(kw_only=True)
class ShadowScore:
    """A candidate model's score of the same answers, kept beside the live profile and never used for routing.

    Shadow scoring lets an agency watch a new model on real inflow before it decides anything: the
    candidate scores every submitted profile too, the score is stored here, and only the live profile
    (:class:`ProfileRecord`) is routed on. Plain values, like :class:`ProfileRecord` (``plan`` does not
    import the profiler).

    Attributes:
        taken_on: the day the answers were scored (the live profile's day).
        probability: the candidate's predicted chance of work within a year (0..1).
        band: the candidate's band of that chance.
        model_id: the candidate model's id.
        model_version: the candidate model's version.
    """

    taken_on: dt.date
    probability: float
    band: str
    model_id: str
    model_version: str

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise InvalidInput(
                [Problem(path="$.probability", message=f"expected 0..1, got {self.probability!r}")],
                source="shadow score",
            )

    @property
    def model_ref(self) -> str:
        """The candidate model's reference ``id|version``."""
        return f"{self.model_id}|{self.model_version}"


@attrs.frozen(kw_only=True)
class RouteRecord:
    """A routing decision as the folder keeps it (``plan`` does not import the rules).

    The service shell decides the route with :func:`werkmap.rules.decide_route` and records it here with
    what re-derives it (the inputs and the parameter values used), so the folder alone tells which service
    a jobseeker is in and why, and :mod:`werkmap.replay` can decide it again.

    Attributes:
        decided_on: the day of the decision (the policy date of its parameters).
        outcome: ``orientation``, ``coaching``, ``digital`` or ``coach_analysis``.
        rule_id: the rule that decided (``R-ROUTE-06``).
        rule_version: that rule's version.
        reason_nl: the reason in Dutch, as shown to the jobseeker.
        reason_en: the reason in English.
        override_outcome: the outcome a coach chose over the table (``conversation`` or ``digital``), or
            ``""`` when no override was in force; an override stands for later profiles until withdrawn.
        override_by: the coach who overrode the score, or ``""``.
        override_reason: the coach's reason for the override, or ``""``.
        override_on: the day of the override, if any.
        inputs: the routing inputs as the decision recorded them (probability, band, profiled_on as ISO
            text, requested, conversation_held, override ...); empty in records older than schema version 2.
        parameters: the parameter values the rule used, by name.
    """

    decided_on: dt.date
    outcome: str
    rule_id: str
    rule_version: int
    reason_nl: str = ""
    reason_en: str = ""
    override_outcome: str = ""
    override_by: str = ""
    override_reason: str = ""
    override_on: dt.date | None = None
    inputs: dict[str, Scalar] = attrs.field(factory=dict, hash=False)
    parameters: dict[str, float | int] = attrs.field(factory=dict, hash=False)


@attrs.frozen(kw_only=True)
class ArmAssignment:
    """The arm of an experiment a folder was assigned to at registration (plain values, no definition).

    The folder keeps what the rules need (whether the arm receives the service model's conversations and
    invitations, and enforcement) and what names the assignment (the experiment's id and version), so the
    rules never need the experiment definition, and an old definition can be found again by its version.

    Attributes:
        experiment_id: the experiment's id (``uwv-ww-2017``).
        experiment_version: the version of its definition the assignment was made under.
        arm: the arm's name (``service``, ``control_enforcement``, ``control_none``).
        services: whether the arm receives the conversations and invitations of the service model.
        enforcement: whether the arm receives enforcement (reminders, enforcement proposals, the
            application-duty check).
        assigned_on: the day of the assignment.
    """

    experiment_id: str
    experiment_version: int
    arm: str
    services: bool = True
    enforcement: bool = True
    assigned_on: dt.date


@attrs.frozen(kw_only=True)
class FolderEvent:
    """One entry of a folder's append-only event log.

    Attributes:
        seq: the sequence number, 1 for the first event of the folder, +1 per event.
        kind: what happened (``activity_added``, ``activity_overdue``, ``measure_decided`` ...).
        on: the day it happened.
        actor: who did it (a coach id, ``"jobseeker"``, ``"system"``).
        version: the folder version the change that caused it produced.
        data: details as strings (ids, dates in ISO format, reasons). Never a clear BSN.
    """

    seq: int
    kind: str
    on: dt.date
    actor: str
    version: int
    data: dict[str, str] = attrs.field(factory=dict, hash=False)


@attrs.frozen(kw_only=True)
class WorkFolder:
    """The Personal Work Folder of one jobseeker.

    Attributes:
        folder_id: the folder's id.
        version: 1 for a new folder, +1 per change.
        jobseeker_ref: an opaque reference to the jobseeker (a pseudonym when a BSN was given).
        coach_id: the coach whose caseload the folder is in, or ``None``.
        registered_on: the day the jobseeker registered (the start of unemployment for the service model).
        benefit_ends_on: the day the benefit right ends, if known.
        pension_on: the state-pension date, for the application-duty exemption (the date of birth is not
            kept: only what is needed).
        conversation_requested_on: the day the jobseeker asked for a conversation, if they did.
        work_found_on: the day the jobseeker found work, if recorded.
        benefit_ended_on: the day the benefit ended, if recorded.
        profiler_invited_on: the day the jobseeker was invited to the Work Profiler, if they were.
        assignment: the experiment arm the folder was assigned to at registration, or ``None`` (not in an
            experiment: the full service). Set once by :func:`assign_arm`.
        profiles: the Work Profiler results, oldest first.
        routes: the routing decisions, oldest first.
        handled_actions: ids of the service model's due actions already applied or recorded for this
            folder (see :mod:`werkmap.rules.due`), so a daily sweep never proposes one twice.
        plans: the work plans, oldest first (each with its versions).
        activities: the activities, in the order they were added.
        conversations: the conversations, in the order they were proposed.
        cases: the enforcement cases, in the order they were opened.
        shadows: candidate models' scores of the profiles (:class:`ShadowScore`), oldest first; stored for
            comparison, never routed on (empty in records written before shadow scoring).
        events: the append-only event log.
    """

    folder_id: str
    version: int = 1
    jobseeker_ref: str
    coach_id: str | None = None
    registered_on: dt.date
    benefit_ends_on: dt.date | None = None
    pension_on: dt.date | None = None
    conversation_requested_on: dt.date | None = None
    work_found_on: dt.date | None = None
    benefit_ended_on: dt.date | None = None
    profiler_invited_on: dt.date | None = None
    assignment: ArmAssignment | None = None
    profiles: tuple[ProfileRecord, ...] = ()
    routes: tuple[RouteRecord, ...] = ()
    handled_actions: tuple[str, ...] = ()
    plans: tuple[WorkPlan, ...] = ()
    activities: tuple[Activity, ...] = ()
    conversations: tuple[Conversation, ...] = ()
    cases: tuple[EnforcementCase, ...] = ()
    shadows: tuple[ShadowScore, ...] = ()
    events: tuple[FolderEvent, ...] = ()

    @property
    def latest_profile(self) -> ProfileRecord | None:
        """The most recent profile, or ``None`` when the profiler was not filled in."""
        return self.profiles[-1] if self.profiles else None

    @property
    def latest_route(self) -> RouteRecord | None:
        """The most recent routing decision, or ``None`` when none was made."""
        return self.routes[-1] if self.routes else None

    @property
    def current_plan(self) -> WorkPlan | None:
        """The last work plan that is not closed, or ``None``."""
        for p in reversed(self.plans):
            if not p.is_final:
                return p
        return None

    def activity(self, activity_id: str) -> Activity:
        """Return the activity ``activity_id``.

        Raises:
            NotFound: there is none.
        """
        return self.activities[_index(self.activities, "activity_id", activity_id, self.folder_id)]

    def conversation(self, conversation_id: str) -> Conversation:
        """Return the conversation ``conversation_id``.

        Raises:
            NotFound: there is none.
        """
        i = _index(self.conversations, "conversation_id", conversation_id, self.folder_id)
        return self.conversations[i]

    def plan(self, plan_id: str) -> WorkPlan:
        """Return the work plan ``plan_id``.

        Raises:
            NotFound: there is none.
        """
        return self.plans[_index(self.plans, "plan_id", plan_id, self.folder_id)]

    def case(self, case_id: str) -> EnforcementCase:
        """Return the enforcement case ``case_id``.

        Raises:
            NotFound: there is none.
        """
        return self.cases[_index(self.cases, "case_id", case_id, self.folder_id)]

    def __repr__(self) -> str:
        from werkmap.plan.display import folder_repr  # the display lives apart from the rules

        return folder_repr(self)

    def _repr_html_(self) -> str:
        from werkmap.plan.display import folder_html

        return folder_html(self)


def migrate_folder_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Lift the data of a version 1 folder document to version 2.

    Version 1 stored the model reference ``id|version`` whole in ``model_id`` (and again in
    ``model_version``, or left that empty): the reference is split into id and version. Profiles get empty
    answers and contributions, routes empty inputs and parameters (they were not stored; such records are
    not replayable and :mod:`werkmap.replay` counts them as skipped, not as mismatches).

    Args:
        data: the ``data`` of a version 1 envelope (not changed).

    Returns:
        The ``data`` of the version 2 envelope.
    """
    out = dict(data)
    profiles = []
    for raw in data.get("profiles", ()):
        p = dict(raw)
        ref = next(
            (str(v) for v in (p.get("model_id"), p.get("model_version")) if "|" in str(v or "")),
            None,
        )
        if ref is not None:
            p["model_id"], _, p["model_version"] = ref.partition("|")
        p.setdefault("answers", {})
        p.setdefault("item_contributions", {})
        p.setdefault("construct_contributions", {})
        profiles.append(p)
    if "profiles" in data:
        out["profiles"] = profiles
    if "routes" in data:
        out["routes"] = [
            {**r, "inputs": r.get("inputs", {}), "parameters": r.get("parameters", {})}
            for r in data["routes"]
        ]
    return out


register_schema(FOLDER_SCHEMA, WorkFolder, FOLDER_SCHEMA_VERSION, migrations={1: migrate_folder_v1})


# Activities and deadlines, which a folder holds most of, are written without the fields that have their
# default value (an empty title, no reminder ...; an activity's state is always written), so a folder's
# document stays small; reading fills them in.
serialization.omit_defaults(Deadline)


serialization.omit_defaults(Activity, always=["state"])


Change = tuple[WorkFolder, tuple[FolderEvent, ...]]
"""What every change function returns: the new folder and the events the change caused."""


def _index(items: Sequence[Any], attr: str, ident: str, folder_id: str) -> int:
    for i, item in enumerate(items):
        if getattr(item, attr) == ident:
            return i
    what = attr.removesuffix("_id").replace("_", " ")
    raise NotFound(f"folder {folder_id!r} has no {what} {ident!r}")


OPEN_ACTIVITY_STATES = frozenset({"open", "overdue", "reminded"})
"""The activity states in which an obligation is still open (cancelled when the benefit's obligations end)."""
