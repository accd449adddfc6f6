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

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from werkmap import serialization
from werkmap.errors import InvalidInput, NotFound, Problem
from werkmap.limits import MAX_ACTIVITIES, MAX_APPLICATIONS, check_count
from werkmap.plan import activity as _act
from werkmap.plan import conversation as _conv
from werkmap.plan import enforcement as _enf
from werkmap.plan import workplan as _wp
from werkmap.plan.activity import COLOUR_RANK, DEFAULT_HORIZON, Activity, ActivityKind, Colour
from werkmap.plan.conversation import Conversation, ConversationKind
from werkmap.plan.deadline import Deadline
from werkmap.plan.duty import EXEMPTION_SINCE, ApplicationDuty, DutyStatus, duty_status
from werkmap.plan.enforcement import EnforcementCase, Ground, MeasureKind, MeasurePolicy
from werkmap.plan.workplan import ExtraService, WorkPlan
from werkmap.profiler.model import BANDS
from werkmap.serialization import register_schema
from werkmap.workdays import HolidayCalendar

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

FOLDER_SCHEMA = "werkmap.folder"
"""The serialization schema name of a :class:`WorkFolder`."""
FOLDER_SCHEMA_VERSION = 2
"""The current schema version of a :class:`WorkFolder`.

Version 2 (werkmap 0.x, issue 9): profiles keep answers and contributions and name their model correctly
(``model_id`` and ``model_version`` apart), routes keep inputs and parameters. :func:`migrate_folder_v1`
lifts a version 1 document.
"""

# The profile bands have one home: the scoring model's default band cut points (werkmap.profiler.model).

_PSEUDONYM_PREFIX = "bsn-hmac-sha256:"


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

# --------------------------------------------------------------------------------------------- the BSN


def is_valid_bsn(bsn: str) -> bool:
    """Return whether ``bsn`` passes the eleven-test (9 digits; 8 digits get a leading zero).

    >>> is_valid_bsn("111222333"), is_valid_bsn("123456789")
    (True, False)
    """
    if not isinstance(bsn, str) or not bsn.isdigit() or not 8 <= len(bsn) <= 9 or not bsn.isascii():
        return False
    digits = [int(c) for c in bsn.zfill(9)]
    if not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def pseudonymise_bsn(bsn: str, key: bytes) -> str:
    """Return the pseudonym of ``bsn``: ``bsn-hmac-sha256:`` and the HMAC-SHA256 of it under ``key``.

    The same BSN and key always give the same pseudonym, so a host can find a folder again; without the key
    the BSN cannot be recovered or confirmed.

    Raises:
        InvalidInput: the BSN fails the eleven-test, or the key is shorter than 16 bytes. The message never
            contains the BSN.
    """
    problems = []
    if not is_valid_bsn(bsn):
        problems.append(
            Problem(path="$.bsn", message="not a valid BSN (9 digits passing the eleven-test)")
        )
    if not isinstance(key, bytes | bytearray) or len(key) < 16:
        problems.append(
            Problem(path="$.pseudonym_key", message="expected a secret key of at least 16 bytes")
        )
    if problems:
        raise InvalidInput(problems, source="jobseeker reference")
    digest = hmac.new(bytes(key), bsn.zfill(9).encode("ascii"), hashlib.sha256).hexdigest()
    return _PSEUDONYM_PREFIX + digest


# ------------------------------------------------------------------------------------------ machinery

_I = TypeVar("_I")


def _index(items: Sequence[Any], attr: str, ident: str, folder_id: str) -> int:
    for i, item in enumerate(items):
        if getattr(item, attr) == ident:
            return i
    what = attr.removesuffix("_id").replace("_", " ")
    raise NotFound(f"folder {folder_id!r} has no {what} {ident!r}")


def _replace(items: tuple[_I, ...], i: int, item: _I) -> tuple[_I, ...]:
    return (*items[:i], item, *items[i + 1 :])


def _require_new(items: Sequence[Any], attr: str, ident: str) -> None:
    problems = []
    if not ident:
        problems.append(Problem(path=f"$.{attr}", message="empty"))
    elif any(getattr(x, attr) == ident for x in items):
        problems.append(Problem(path=f"$.{attr}", message=f"{ident!r} exists already"))
    if problems:
        raise InvalidInput(problems, source="work folder")


def _commit(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    events: Iterable[tuple[str, Mapping[str, str]]],
    **changes: Any,
) -> Change:
    version = folder.version + 1
    seq = len(folder.events)
    new_events = tuple(
        FolderEvent(seq=seq + i, kind=kind, on=on, actor=actor, version=version, data=dict(data))
        for i, (kind, data) in enumerate(events, start=1)
    )
    new = attrs.evolve(folder, version=version, events=folder.events + new_events, **changes)
    return new, new_events


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


# ------------------------------------------------------------------------------------------- folder


def create_folder(
    folder_id: str,
    *,
    on: dt.date,
    registered_on: dt.date | None = None,
    jobseeker_ref: str | None = None,
    bsn: str | None = None,
    pseudonym_key: bytes | None = None,
    coach_id: str | None = None,
    benefit_ends_on: dt.date | None = None,
    pension_on: dt.date | None = None,
    actor: str = "system",
) -> Change:
    """Return a new folder (version 1) and its ``folder_created`` event.

    Give either ``jobseeker_ref`` (an opaque reference the host chose) or ``bsn`` with ``pseudonym_key``;
    a BSN is checked with the eleven-test and only its pseudonym is kept.

    Raises:
        InvalidInput: no reference or both, an invalid BSN or key, an empty folder id (all listed; the BSN
            itself never appears in the message).
    """
    problems = []
    if not folder_id:
        problems.append(Problem(path="$.folder_id", message="empty"))
    if (jobseeker_ref is None) == (bsn is None):
        problems.append(
            Problem(path="$.jobseeker_ref", message="give exactly one of jobseeker_ref and bsn")
        )
    elif jobseeker_ref is not None and not jobseeker_ref.strip():
        problems.append(Problem(path="$.jobseeker_ref", message="empty"))
    elif jobseeker_ref is not None and is_valid_bsn(jobseeker_ref.strip()):
        problems.append(
            Problem(
                path="$.jobseeker_ref",
                message="looks like a clear BSN; pass it as bsn= so it is pseudonymised",
            )
        )
    ref = jobseeker_ref or ""
    if bsn is not None:
        try:
            ref = pseudonymise_bsn(bsn, pseudonym_key if pseudonym_key is not None else b"")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems, source="work folder")
    reg = registered_on if registered_on is not None else on
    folder = WorkFolder(
        folder_id=folder_id,
        version=1,
        jobseeker_ref=ref,
        coach_id=coach_id,
        registered_on=reg,
        benefit_ends_on=benefit_ends_on,
        pension_on=pension_on,
    )
    event = FolderEvent(
        seq=1,
        kind="folder_created",
        on=on,
        actor=actor,
        version=1,
        data={"registered_on": reg.isoformat(), "coach_id": coach_id or ""},
    )
    folder = attrs.evolve(folder, events=(event,))
    return folder, (event,)


def assign_coach(
    folder: WorkFolder, coach_id: str | None, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Put the folder in the caseload of ``coach_id`` (``None``: in no caseload), saying why."""
    data = {"from": folder.coach_id or "", "to": coach_id or ""}
    if reason:
        data["reason"] = reason
    return _commit(folder, on=on, actor=actor, events=[("coach_assigned", data)], coach_id=coach_id)


def assign_arm(
    folder: WorkFolder, assignment: ArmAssignment, *, on: dt.date, actor: str = "system"
) -> Change:
    """Record the experiment arm the folder was assigned to (an ``arm_assigned`` event).

    A folder is assigned once: the arm holds for the whole follow-up (intention to treat).

    Raises:
        InvalidInput: the folder has an assignment already, or the assignment names no experiment or arm.
    """
    problems = []
    if folder.assignment is not None:
        problems.append(
            Problem(
                path="$.assignment",
                message=f"assigned already to {folder.assignment.experiment_id!r} "
                f"arm {folder.assignment.arm!r}",
            )
        )
    if not assignment.experiment_id.strip():
        problems.append(Problem(path="$.assignment.experiment_id", message="empty"))
    if not assignment.arm.strip():
        problems.append(Problem(path="$.assignment.arm", message="empty"))
    if problems:
        raise InvalidInput(problems, source="work folder")
    data = {
        "experiment": assignment.experiment_id,
        "version": str(assignment.experiment_version),
        "arm": assignment.arm,
        "services": "yes" if assignment.services else "no",
        "enforcement": "yes" if assignment.enforcement else "no",
    }
    return _commit(
        folder, on=on, actor=actor, events=[("arm_assigned", data)], assignment=assignment
    )


def add_profile(folder: WorkFolder, profile: ProfileRecord, *, on: dt.date, actor: str) -> Change:
    """Add a Work Profiler result to the profile history."""
    data = {
        "taken_on": profile.taken_on.isoformat(),
        "band": profile.band,
        "model": f"{profile.model_id}@{profile.model_version}",
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("profile_added", data)],
        profiles=(*folder.profiles, profile),
    )


def add_shadow(folder: WorkFolder, shadow: ShadowScore, *, on: dt.date, actor: str) -> Change:
    """Keep a candidate model's score beside the profiles (shadow scoring); routing never reads it."""
    data = {
        "taken_on": shadow.taken_on.isoformat(),
        "band": shadow.band,
        "model": f"{shadow.model_id}@{shadow.model_version}",
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("shadow_scored", data)],
        shadows=(*folder.shadows, shadow),
    )


def invite_to_profiler(folder: WorkFolder, *, on: dt.date, actor: str = "system") -> Change:
    """Record that the jobseeker was invited to fill in the Work Profiler."""
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("profiler_invited", {})],
        profiler_invited_on=on,
    )


def record_route(folder: WorkFolder, route: RouteRecord, *, on: dt.date, actor: str) -> Change:
    """Record a routing decision (made by the rules, or a coach's override of them)."""
    data = {
        "outcome": route.outcome,
        "rule": f"{route.rule_id}@{route.rule_version}",
        "override_by": route.override_by,
        "override_reason": route.override_reason,
    }
    return _commit(
        folder, on=on, actor=actor, events=[("routed", data)], routes=(*folder.routes, route)
    )


def record_actions(
    folder: WorkFolder,
    actions: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
    *,
    on: dt.date,
    actor: str = "system",
) -> Change:
    """Record due actions as handled: ``(id, kind, subject)`` or ``(id, kind, subject, policy_version)``.

    Ids already recorded are skipped. Each ``action_recorded`` event keeps the action's id, kind, subject
    and the version of the policy it was decided under (``policy_version``, ``""`` when not given), so the
    decision can be replayed against that policy.

    Raises:
        InvalidInput: no new action was given (a change always records something).
    """
    known = set(folder.handled_actions)
    new: list[tuple[str, str, str, str]] = []
    for action in actions:
        ident, kind, subject = action[0], action[1], action[2]
        version = action[3] if len(action) > 3 else ""
        if ident and ident not in known:
            known.add(ident)
            new.append((ident, kind, subject, version))
    if not new:
        raise InvalidInput(
            [Problem(path="$.actions", message="no action that is not recorded already")],
            source="work folder",
        )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[
            ("action_recorded", {"id": i, "kind": k, "subject": s, "policy_version": v})
            for i, k, s, v in new
        ],
        handled_actions=(*folder.handled_actions, *(i for i, _, _, _ in new)),
    )


def request_conversation(
    folder: WorkFolder, *, on: dt.date, actor: str = "jobseeker", note: str = ""
) -> Change:
    """Record that the jobseeker asked for a conversation (the service model must then offer one)."""
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("conversation_requested", {"note": note})],
        conversation_requested_on=on,
    )


def record_work_found(
    folder: WorkFolder, *, on: dt.date, actor: str, cancel_pending: bool = True
) -> Change:
    """Record that the jobseeker found work: the obligations of the benefit end with it.

    Pending conversations (proposed or invited) are cancelled, unless told otherwise, and so are the
    activities still open (open, overdue, reminded). This is the one definition; the service calls it.
    """
    events: list[tuple[str, Mapping[str, str]]] = [("work_found", {})]
    conversations = folder.conversations
    if cancel_pending:
        out = []
        for c in conversations:
            if c.state in (_conv.ConversationState.PROPOSED, _conv.ConversationState.INVITED):
                c = _conv.cancel(c, on=on, reason="found work", by=actor)
                events.append(
                    (
                        "conversation_cancelled",
                        {"conversation_id": c.conversation_id, "reason": "found work"},
                    )
                )
            out.append(c)
        conversations = tuple(out)
    activities = _cancel_open(folder, on=on, actor=actor, reason=WORK_FOUND_REASON, events=events)
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=events,
        work_found_on=on,
        conversations=conversations,
        activities=activities,
    )


WORK_FOUND_REASON = "werk gevonden / work found"
"""The reason recorded on the activities cancelled because the jobseeker found work."""

BENEFIT_ENDED_REASON = "uitkering beëindigd / benefit ended"
"""The reason recorded on the activities cancelled because the benefit ended (when none is given)."""

OPEN_ACTIVITY_STATES = frozenset({"open", "overdue", "reminded"})
"""The activity states in which an obligation is still open (cancelled when the benefit's obligations end)."""


def _cancel_open(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    events: list[tuple[str, Mapping[str, str]]],
) -> tuple[Activity, ...]:
    """The folder's activities with the open ones cancelled; their events are appended to ``events``."""
    out = []
    for a in folder.activities:
        if str(a.state) in OPEN_ACTIVITY_STATES:
            new = _act.cancel(a, on=on, by=actor, reason=reason)
            events.append(
                (
                    "activity_cancelled",
                    {
                        "activity_id": a.activity_id,
                        "from": str(a.state),
                        "to": str(new.state),
                        "reason": reason,
                    },
                )
            )
            a = new
        out.append(a)
    return tuple(out)


def record_benefit_ended(
    folder: WorkFolder, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Record that the benefit ended on ``on``; the activities still open are cancelled."""
    events: list[tuple[str, Mapping[str, str]]] = [("benefit_ended", {"reason": reason})]
    activities = _cancel_open(
        folder, on=on, actor=actor, reason=reason or BENEFIT_ENDED_REASON, events=events
    )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=events,
        benefit_ended_on=on,
        activities=activities,
    )


_ID_ITEMS = {
    "act": ("activities", "activity_id"),
    "conv": ("conversations", "conversation_id"),
    "plan": ("plans", "plan_id"),
    "case": ("cases", "case_id"),
}


def next_id(folder: WorkFolder, prefix: str) -> str:
    """Return the next free id ``<prefix>-<n>`` for an activity, conversation, plan or case of ``folder``.

    ``n`` is one more than the highest number among the folder's ids of that prefix, so ids are never
    reused, even when an id was given by hand.

    Args:
        folder: the folder.
        prefix: ``act``, ``conv``, ``plan`` or ``case``.
    """
    items, attr = _ID_ITEMS[prefix]
    high = 0
    for item in getattr(folder, items):
        head, sep, tail = getattr(item, attr).rpartition("-")
        if sep and head == prefix and tail.isdigit():
            high = max(high, int(tail))
    return f"{prefix}-{high + 1}"


# ---------------------------------------------------------------------------------------- activities


def add_activity(
    folder: WorkFolder,
    activity_id: str,
    kind: ActivityKind | str,
    *,
    due: dt.date,
    on: dt.date,
    actor: str,
    title: str = "",
    legal_latest: dt.date | None = None,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Add an open activity whose deadline is ``due`` (rolled to a working day)."""
    _require_new(folder.activities, "activity_id", activity_id)
    too_many = check_count("$.activities", len(folder.activities) + 1, MAX_ACTIVITIES, "activities")
    if too_many:
        raise InvalidInput(too_many, source="work folder")
    a = _act.new_activity(
        activity_id,
        kind,
        due=due,
        on=on,
        title=title,
        legal_latest=legal_latest,
        calendar=calendar,
    )
    data = {"activity_id": activity_id, "kind": str(a.kind), "due": a.deadline.due.isoformat()}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("activity_added", data)],
        activities=(*folder.activities, a),
    )


def register_applications(
    folder: WorkFolder,
    applications: Sequence[tuple[str, str]],
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Register application activities the jobseeker did on ``on``: ``(activity_id, title)`` each.

    Each is added and recorded as done at once (it counts for the application duty): the same events as
    :func:`add_activity` followed by :func:`complete_activity`, in one change.

    Raises:
        InvalidInput: no applications, an empty or existing id, or the same id twice (all listed).
    """
    problems = check_count("$.applications", len(applications), MAX_APPLICATIONS, "applications")
    problems += check_count(
        "$.activities", len(folder.activities) + len(applications), MAX_ACTIVITIES, "activities"
    )
    if not applications:
        problems.append(Problem(path="$.applications", message="register at least one"))
    known = {a.activity_id for a in folder.activities}
    for i, (ident, _) in enumerate(applications):
        if not ident:
            problems.append(Problem(path=f"$.applications[{i}].activity_id", message="empty"))
        elif ident in known:
            problems.append(
                Problem(
                    path=f"$.applications[{i}].activity_id", message=f"{ident!r} exists already"
                )
            )
        known.add(ident)
    if problems:
        raise InvalidInput(problems, source="work folder")
    added = []
    events: list[tuple[str, Mapping[str, str]]] = []
    for ident, title in applications:
        a = _act.new_activity(ident, "application", due=on, on=on, title=title, calendar=calendar)
        done = _act.complete(a, on=on)
        added.append(done)
        events.append(
            (
                "activity_added",
                {"activity_id": ident, "kind": str(a.kind), "due": a.deadline.due.isoformat()},
            )
        )
        events.append(
            (
                "activity_completed",
                {"activity_id": ident, "from": str(a.state), "to": str(done.state)},
            )
        )
    return _commit(
        folder, on=on, actor=actor, events=events, activities=(*folder.activities, *added)
    )


def _on_activity(
    folder: WorkFolder,
    activity_id: str,
    change: Callable[[Activity], Activity],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    old = folder.activities[i]
    new = change(old)
    details = {"activity_id": activity_id, "from": str(old.state), "to": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        activities=_replace(folder.activities, i, new),
    )


def complete_activity(folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str) -> Change:
    """Record an activity as done (``done`` in time, ``done_late`` when overdue or reminded)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.complete(a, on=on),
        "activity_completed",
        on=on,
        actor=actor,
    )


def mark_activity_overdue(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str = "system"
) -> Change:
    """Mark an open activity overdue (refused while its deadline has not passed or is suspended)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.mark_overdue(a, on=on),
        "activity_overdue",
        on=on,
        actor=actor,
    )


def remind_activity(folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str) -> Change:
    """Record that the jobseeker was reminded of an overdue activity."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.remind(a, on=on, by=actor),
        "activity_reminded",
        on=on,
        actor=actor,
    )


def excuse_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Excuse an overdue or reminded activity (coach ``actor``, with a reason)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.excuse(a, on=on, by=actor, reason=reason),
        "activity_excused",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def refer_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Refer a reminded activity to enforcement (then open a case with :func:`open_case`)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.refer(a, on=on, by=actor, reason=reason),
        "activity_referred",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def cancel_activity(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Cancel an activity that is not over yet, with a reason."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.cancel(a, on=on, by=actor, reason=reason),
        "activity_cancelled",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def extend_activity_deadline(
    folder: WorkFolder,
    activity_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    working_days: int,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Extend the deadline of an open activity by ``working_days`` working days."""

    def change(a: Activity) -> Activity:
        return _act.extend_deadline(
            a, on=on, reason=reason, working_days=working_days, by=actor, calendar=calendar
        )

    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    new = change(folder.activities[i])
    data = {
        "activity_id": activity_id,
        "reason": reason,
        "working_days": str(working_days),
        "due": new.deadline.due.isoformat(),
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("deadline_extended", data)],
        activities=_replace(folder.activities, i, new),
    )


def suspend_activity_deadline(
    folder: WorkFolder, activity_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Suspend the deadline of an open activity from ``on`` (it does not run until resumed)."""
    return _on_activity(
        folder,
        activity_id,
        lambda a: _act.suspend_deadline(a, on=on, reason=reason),
        "deadline_suspended",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def resume_activity_deadline(
    folder: WorkFolder,
    activity_id: str,
    *,
    on: dt.date,
    actor: str,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Let a suspended deadline run again from ``on``; it moves by the days it was suspended."""
    i = _index(folder.activities, "activity_id", activity_id, folder.folder_id)
    new = _act.resume_deadline(folder.activities[i], on=on, calendar=calendar)
    data = {"activity_id": activity_id, "due": new.deadline.due.isoformat()}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("deadline_resumed", data)],
        activities=_replace(folder.activities, i, new),
    )


# ------------------------------------------------------------------------------------- conversations


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


# ------------------------------------------------------------------------------------------ work plan


def draft_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    application_duty: ApplicationDuty | None = None,
    activity_ids: Iterable[str] = (),
    services: Iterable[ExtraService] = (),
    note: str = "",
) -> Change:
    """Start a draft work plan.

    Raises:
        InvalidInput: another plan is still open, the id exists, an unknown activity id, or an extra
            service without a reason (every problem listed).
    """
    ids = tuple(activity_ids)
    problems = []
    if folder.current_plan is not None:
        problems.append(
            Problem(
                path="$.plan_id",
                message=f"plan {folder.current_plan.plan_id!r} is still open; revise or close it",
            )
        )
    problems.extend(_unknown_activities(folder, ids))
    if problems:
        raise InvalidInput(problems, source="work folder")
    _require_new(folder.plans, "plan_id", plan_id)
    plan = _wp.new_plan(
        plan_id,
        on=on,
        application_duty=application_duty,
        activity_ids=ids,
        services=services,
        note=note,
    )
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("plan_drafted", {"plan_id": plan_id})],
        plans=(*folder.plans, plan),
    )


def _unknown_activities(folder: WorkFolder, ids: Iterable[str]) -> list[Problem]:
    known = {a.activity_id for a in folder.activities}
    return [
        Problem(path=f"$.activity_ids[{i}]", message=f"no activity {x!r} in the folder")
        for i, x in enumerate(ids)
        if x not in known
    ]


def _on_plan(
    folder: WorkFolder,
    plan_id: str,
    change: Callable[[WorkPlan], WorkPlan],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.plans, "plan_id", plan_id, folder.folder_id)
    new = change(folder.plans[i])
    details = {"plan_id": plan_id, "version": str(new.current.number), "state": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        plans=_replace(folder.plans, i, new),
    )


_KEEP: Any = _wp._KEEP  # the same "leave it as it is" marker as werkmap.plan.workplan


def amend_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> Change:
    """Change the contents of a draft plan (arguments left out stay as they are)."""
    ids = None if activity_ids is None else tuple(activity_ids)
    if ids is not None and (problems := _unknown_activities(folder, ids)):
        raise InvalidInput(problems, source="work folder")
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.amend(
            p,
            on=on,
            application_duty=application_duty,
            activity_ids=ids,
            services=services,
            note=note,
        ),
        "plan_amended",
        on=on,
        actor=actor,
    )


def agree_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    jobseeker_agreed: bool = True,
) -> Change:
    """Record that coach ``actor`` and the jobseeker agreed to the draft plan."""
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.agree(p, on=on, coach_id=actor, jobseeker_agreed=jobseeker_agreed),
        "plan_agreed",
        on=on,
        actor=actor,
    )


def revise_plan(
    folder: WorkFolder,
    plan_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    jobseeker_agreed: bool = True,
    application_duty: ApplicationDuty | None = _KEEP,
    activity_ids: Iterable[str] | None = None,
    services: Iterable[ExtraService] | None = None,
    note: str | None = None,
) -> Change:
    """Add a new agreed version to an agreed plan; earlier versions stay readable."""
    ids = None if activity_ids is None else tuple(activity_ids)
    if ids is not None and (problems := _unknown_activities(folder, ids)):
        raise InvalidInput(problems, source="work folder")
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.revise(
            p,
            on=on,
            reason=reason,
            coach_id=actor,
            jobseeker_agreed=jobseeker_agreed,
            application_duty=application_duty,
            activity_ids=ids,
            services=services,
            note=note,
        ),
        "plan_revised",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def close_plan(folder: WorkFolder, plan_id: str, *, on: dt.date, actor: str, reason: str) -> Change:
    """Close a work plan, with a reason."""
    return _on_plan(
        folder,
        plan_id,
        lambda p: _wp.close(p, on=on, reason=reason),
        "plan_closed",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


# -------------------------------------------------------------------------------------- enforcement


def open_case(
    folder: WorkFolder,
    case_id: str,
    *,
    ground: Ground | str,
    on: dt.date,
    actor: str,
    reason: str,
    source_id: str = "",
) -> Change:
    """Open an enforcement case from a referred activity, a no-show, or an application-duty breach.

    Raises:
        InvalidInput: the id exists, no reason, or the source does not fit the ground (an activity that
            was not referred, a conversation that was not missed).
    """
    g = Ground(ground)
    problems = []
    if not reason.strip():
        problems.append(Problem(path="$.reason", message="a case needs a reason"))
    if g is Ground.ACTIVITY:
        hit = [a for a in folder.activities if a.activity_id == source_id]
        if not hit or hit[0].state is not _act.ActivityState.REFERRED:
            problems.append(
                Problem(path="$.source_id", message=f"no referred activity {source_id!r}")
            )
    elif g is Ground.NO_SHOW:
        conv = [c for c in folder.conversations if c.conversation_id == source_id]
        if not conv or conv[0].state is not _conv.ConversationState.NO_SHOW:
            problems.append(
                Problem(path="$.source_id", message=f"no missed conversation {source_id!r}")
            )
    if problems:
        raise InvalidInput(problems, source="work folder")
    _require_new(folder.cases, "case_id", case_id)
    case = _enf.new_case(case_id, ground=g, on=on, reason=reason, source_id=source_id, by=actor)
    data = {"case_id": case_id, "ground": str(g), "source_id": source_id, "reason": reason}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("case_opened", data)],
        cases=(*folder.cases, case),
    )


def _on_case(
    folder: WorkFolder,
    case_id: str,
    change: Callable[[EnforcementCase], EnforcementCase],
    kind: str,
    *,
    on: dt.date,
    actor: str,
    data: Mapping[str, str] | None = None,
) -> Change:
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    old = folder.cases[i]
    new = change(old)
    details = {"case_id": case_id, "from": str(old.state), "to": str(new.state)}
    details.update(data or {})
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[(kind, details)],
        cases=_replace(folder.cases, i, new),
    )


def inform_case(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    policy: MeasurePolicy,
    calendar: HolidayCalendar | None = None,
) -> Change:
    """Record that the jobseeker was informed and invited to respond within the policy's window."""
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.inform(folder.cases[i], on=on, policy=policy, calendar=calendar)
    data = {"case_id": case_id, "respond_by": _d(new.respond_by)}
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("case_informed", data)],
        cases=_replace(folder.cases, i, new),
    )


def record_response(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, response: str
) -> Change:
    """Record the jobseeker's response to an enforcement case."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.respond(c, on=on, response=response),
        "case_response",
        on=on,
        actor=actor,
    )


def record_no_response(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str = "system"
) -> Change:
    """Record that no response came within the window (refused before the window ends)."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.record_no_response(c, on=on),
        "case_no_response",
        on=on,
        actor=actor,
    )


def decide_no_measure(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, reason: str
) -> Change:
    """Record coach ``actor``'s decision that no measure is needed, with a reason."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.decide_no_measure(c, on=on, by=actor, reason=reason),
        "case_no_measure",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


def _measure_history(folder: WorkFolder, case_id: str) -> tuple[list[dt.date], list[dt.date]]:
    """Return the days of the folder's earlier measures and application-duty breaches, for a proposal.

    Earlier measures are the decision days of other cases that imposed a measure; earlier breaches are
    the opening days of other application-duty cases in which a measure was imposed or is still
    proposed (a case decided without a measure, or withdrawn, is no breach).
    """
    measures = []
    breaches = []
    for c in folder.cases:
        if c.case_id == case_id:
            continue
        if c.decision is not None and c.decision.imposed:
            measures.append(c.decision.decided_on)
        if c.ground is Ground.APPLICATION_DUTY and (
            (c.decision is not None and c.decision.imposed)
            or (c.proposal is not None and c.decision is None and not c.is_final)
        ):
            breaches.append(c.opened_on)
    return measures, breaches


def propose_measure(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    policy: MeasurePolicy,
) -> Change:
    """Ask werkmap for a measure proposal; the folder's earlier measures and breaches are taken into account.

    The proposal is :func:`werkmap.plan.enforcement.compute_proposal` (rules ``R-MEASURE-01/02/03``) on
    the measure table ``policy`` valid on ``on``. Earlier measures are decisions that imposed a measure;
    earlier application-duty breaches are other application-duty cases in which a measure was imposed
    or is still proposed. The event records the rule and the version of the table.
    """
    measures, breaches = _measure_history(folder, case_id)
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.propose_measure(
        folder.cases[i],
        on=on,
        by=actor,
        policy=policy,
        earlier_measures=measures,
        earlier_duty_breaches=breaches,
    )
    assert new.proposal is not None
    data = {
        "case_id": case_id,
        "kind": str(new.proposal.kind),
        "percentage": f"{new.proposal.percentage:g}",
        "duration_weeks": str(new.proposal.duration_weeks),
        "rule_id": new.proposal.rule_id,
        "rule_version": new.proposal.rule_version,
        "explanation": new.proposal.explanation,
    }
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("measure_proposed", data)],
        cases=_replace(folder.cases, i, new),
    )


def decide_measure(
    folder: WorkFolder,
    case_id: str,
    *,
    on: dt.date,
    actor: str,
    reason: str,
    imposed: bool = True,
    percentage: float | None = None,
    duration_weeks: int | None = None,
    kind: MeasureKind | str | None = None,
    change_reason: str = "",
) -> Change:
    """Record the decision on a proposed measure, taken by the named person ``actor``.

    The coach confirms the proposal (no terms given), changes its terms (``kind``, ``percentage``,
    ``duration_weeks``; the decision records which changed and ``change_reason``, by default
    ``reason``), or imposes none (``imposed=False``). See :func:`werkmap.plan.enforcement.decide`.
    """
    i = _index(folder.cases, "case_id", case_id, folder.folder_id)
    new = _enf.decide(
        folder.cases[i],
        on=on,
        by=actor,
        reason=reason,
        imposed=imposed,
        percentage=percentage,
        duration_weeks=duration_weeks,
        kind=kind,
        change_reason=change_reason,
    )
    assert new.decision is not None
    assert new.proposal is not None
    data = {
        "case_id": case_id,
        "imposed": str(new.decision.imposed).lower(),
        "kind": str(new.decision.kind),
        "percentage": f"{new.decision.percentage:g}",
        "duration_weeks": str(new.decision.duration_weeks),
        "decided_by": actor,
        "reason": reason,
        "rule_id": new.proposal.rule_id,
        "rule_version": new.proposal.rule_version,
    }
    if new.decision.changed_terms:
        data["changed_terms"] = ",".join(new.decision.changed_terms)
        data["change_reason"] = new.decision.change_reason
    return _commit(
        folder,
        on=on,
        actor=actor,
        events=[("measure_decided", data)],
        cases=_replace(folder.cases, i, new),
    )


def record_objection(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, note: str = ""
) -> Change:
    """Record an objection (*bezwaar*) against the decision in a case."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.record_objection(c, on=on, by=actor, note=note),
        "objection_recorded",
        on=on,
        actor=actor,
    )


def close_case(
    folder: WorkFolder, case_id: str, *, on: dt.date, actor: str, reason: str = ""
) -> Change:
    """Close an enforcement case (withdrawing an opened case or closing after an objection needs a reason)."""
    return _on_case(
        folder,
        case_id,
        lambda c: _enf.close(c, on=on, by=actor, reason=reason),
        "case_closed",
        on=on,
        actor=actor,
        data={"reason": reason},
    )


# ------------------------------------------------------------------------------------------- queries


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
