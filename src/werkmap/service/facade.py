"""The facade: :class:`Werkmap`, whose every command authorises, calls one pure function and writes.

The rooms below it are pure: :mod:`werkmap.plan` changes folders (its compounds in
:mod:`werkmap.plan.commands`), :mod:`werkmap.rules` decides routes and finds what is due (its compounds in
:mod:`werkmap.rules.commands`, the action table in :mod:`werkmap.rules.apply`), :mod:`werkmap.profiler`
scores. Every command

1. loads the folder (from the store, or from the shell's own cache of what it wrote, checked by version
   when it saves; :mod:`werkmap.service.unit`);
2. checks that the :class:`~werkmap.service.Actor` may do it (:func:`~werkmap.service.access.authorize`;
   :class:`~werkmap.errors.NotAuthorized` otherwise, nothing is changed);
3. applies **one** pure change, one version step, with the date of the shell's
   :class:`~werkmap.clock.Clock`;
4. derives the notifications from the events the change caused (:mod:`werkmap.service.messages`) and one
   audit entry (who, what, when, why);
5. saves folder, events, notifications and audit entry in **one transaction** with the version it loaded
   (a concurrent writer gets :class:`~werkmap.errors.ConcurrencyConflict`, never a lost update), together
   with the index columns the dashboard and the sweep read;
6. hands the sealed audit records to the ``werkmap_audit`` hooks (a hook that raises is logged and
   counted, never raised: the command is done).

Every command takes an optional ``idempotency_key=``, stored with its change: a retry with the same key
returns the first result and changes nothing (:func:`werkmap.service.unit.idempotent`).

Examples:
    >>> import datetime as dt
    >>> from werkmap.clock import FixedClock
    >>> from werkmap.service import Actor
    >>> wm = Werkmap("memory://", clock=FixedClock(dt.date(2025, 3, 3)))
    >>> coach = Actor.coach("c-1")
    >>> folder = wm.register(coach, "f-1", jobseeker_ref="js-1")
    >>> folder.version, folder.coach_id
    (1, 'c-1')
    >>> result = wm.sweep(Actor.system())
    >>> [a.kind for a in result.actions]
    ['invite_profiler']
    >>> wm.sweep(Actor.system()).actions
    ()
    >>> wm.close()
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from werkmap import serialization
from werkmap.clock import Clock, SystemClock
from werkmap.errors import (
    ConcurrencyConflict,
    FolderUnreadable,
    InvalidInput,
    NotAuthorized,
    Problem,
    StorageError,
    VersionMismatch,
)
from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind
from werkmap.plan.commands import Made, PlannedActivity
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.enforcement import MeasureKind
from werkmap.plan.folder import Change, WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.rules import columnar
from werkmap.rules import commands as rc
from werkmap.rules.columnar import FolderColumns
from werkmap.rules.due import Action, first_due_on
from werkmap.rules.measures import measure_policy
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.routing import CoachOverride, Decision
from werkmap.rules.state import FolderState, folder_state
from werkmap.service.access import Actor, authorize
from werkmap.service.inputs import FIELDS, guarded
from werkmap.service.rulestate import dump_state, load_state
from werkmap.service.teams import Organisation
from werkmap.service.unit import CACHE_BYTES, UnitOfWork, idempotent
from werkmap.storage.manager import Plugins, load_plugins
from werkmap.storage.outbox import DEFAULT_MAX_ATTEMPTS, Dispatcher, DispatchReport
from werkmap.storage.protocol import Store
from werkmap.storage.values import FolderIndex, Notification
from werkmap.workdays import HolidayCalendar, dutch_calendar

if TYPE_CHECKING:
    from werkmap.dashboard import Dashboard
    from werkmap.experiments.definition import Experiment
    from werkmap.jobseeker import Overview
    from werkmap.plan.folder import FolderEvent
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.scoring import Profile
    from werkmap.report import PeriodReport
    from werkmap.storage.values import Notification

__all__ = ["DEFAULT_STORE", "SweepResult", "Werkmap", "measure_policy"]

_log = logging.getLogger("werkmap.service")

DEFAULT_STORE = "sqlite:///werkmap.db"
"""The store a :class:`Werkmap` opens when none is given: a SQLite file in the working directory."""

_Step = Callable[[WorkFolder], Change]


def _plain(change: Change) -> Made[None]:
    return Made(change[0], change[1], None)


@attrs.frozen(kw_only=True)
class SweepResult:
    """What one daily sweep did.

    Attributes:
        on: the date swept.
        actions: every action that was due and applied or recorded, with its reason (in folder order).
        failed: ``(action id, reason)`` for actions the folder refused; they are not recorded as handled,
            so the next sweep offers them again.
        folders: how many folders were looked at (those the store's index said were due).
        invitations: ``(folder id, conversation id, kind, planned date)`` of each conversation the sweep
            invited to.
        quarantined: the ids of the due folders the store could not read back (a damaged document,
            patch or event row: :class:`~werkmap.errors.FolderUnreadable`), in id order. The sweep
            skipped them and swept every other due folder; each is logged as a warning on the
            ``werkmap.service`` logger, by id only.
    """

    on: dt.date
    actions: tuple[Action, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    folders: int = 0
    invitations: tuple[tuple[str, str, str, dt.date], ...] = ()
    quarantined: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Return the number of actions per kind."""
        out: dict[str, int] = {}
        for a in self.actions:
            out[a.kind] = out.get(a.kind, 0) + 1
        return out


_SWEEP_BATCH = 1000
"""How many folders the sweep changes in one transaction (one ``save_many``).

Measured with ``benchmarks/run.py --quick --only service_sweep`` (20,000 folders, 134 changed): one
transaction per folder took 0.64 s on SQLite and 2.78 s on PostgreSQL; 1,000 to a transaction, with the
batch's folders read by ``load_many``, 0.24 s and 0.20 s. On 1,000,000 folders (11,667 changed) the sweep
took 119 s on SQLite and 97 s on PostgreSQL folder by folder; with batches and ``load_many`` 2.5 ms wall
(2.1 ms CPU) a changed folder on SQLite, against 10.2 ms before."""


class Werkmap(UnitOfWork):
    """The service: commands on folders, the daily sweep, the dashboard and reports.

    Args:
        store: a storage URL (``sqlite:///path.db``, ``memory://``, or any scheme a plugin serves) or an
            open :class:`~werkmap.storage.Store`. Default: :data:`DEFAULT_STORE`.
        clock: where the date and time come from (default: :class:`~werkmap.clock.SystemClock`).
        policy: the dated service-model parameters (default: the packaged ones).
        plugins: the plugin manager (default: :func:`~werkmap.storage.load_plugins`).
        questionnaire: the Work Profiler questionnaire (default: the packaged one, loaded when needed).
        model: the scoring model (default: the packaged illustrative one, loaded when needed).
        pseudonym_key: the secret key BSNs are pseudonymised with (needed only to register by BSN).
        calendar: the holiday calendar for working-day deadlines (default: the Dutch one).
        shadow_model: a candidate scoring model to run in the shadow of the live one: every submitted
            profile is scored by it too and the score is kept on the folder
            (:class:`~werkmap.plan.folder.ShadowScore`), never used for routing (default: none). It must be
            for the questionnaire in use (:class:`~werkmap.errors.VersionMismatch` otherwise, at once).
        cache: how many folders to keep in memory (the most recently used; ``0``: none), so that a command
            need not load a folder this shell wrote or read. A save still checks the version, and a command
            that meets a newer version in the store is run again on the fresh folder, so another writer's
            change is never lost or overwritten; a read (:meth:`folder`) always loads from the store.
        organisation: the offices and teams (:class:`~werkmap.service.teams.Organisation`): a team lead
            then reads and reassigns only the folders of their teams' coaches. Default ``None``: one team,
            a team lead reads every folder.
        cache_bytes: how much memory the cached folders may take (estimated; default 256 MiB): the
            least recently used are dropped first when either bound is reached.
        experiments: the experiments registrations take part in (:mod:`werkmap.experiments`); with
            ``experiment_key``, :meth:`register` assigns each eligible folder to its arm.
        experiment_key: the secret key of the assignment (at least 16 bytes); without it registrations are
            not assigned (a shell that only reads still hides the arms from roles not allowed).

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        store: str | Store = DEFAULT_STORE,
        *,
        clock: Clock | None = None,
        policy: Policy | None = None,
        plugins: Plugins | None = None,
        questionnaire: Questionnaire | None = None,
        model: ScoringModel | None = None,
        pseudonym_key: bytes | None = None,
        calendar: HolidayCalendar | None = None,
        cache: int = 100_000,
        organisation: Organisation | None = None,
        shadow_model: ScoringModel | None = None,
        cache_bytes: int = CACHE_BYTES,
        experiments: Sequence[Experiment] = (),
        experiment_key: bytes | None = None,
    ) -> None:
        plugins = plugins if plugins is not None else load_plugins()
        super().__init__(
            plugins.open_store(store) if isinstance(store, str) else store,
            plugins=plugins,
            clock=clock if clock is not None else SystemClock(),
            cache=cache,
            cache_bytes=cache_bytes,
        )
        self.policy = policy if policy is not None else default_policy()
        self.calendar = calendar if calendar is not None else dutch_calendar()
        self._questionnaire = questionnaire
        self._model = model
        self._pseudonym_key = pseudonym_key
        self.organisation = organisation
        self.shadow_model = shadow_model
        if shadow_model is not None and shadow_model.questionnaire != self.questionnaire.ref:
            # checked now, so that a candidate that cannot score never fails a live submission
            raise VersionMismatch(
                f"shadow model {shadow_model.ref} is calibrated for {shadow_model.questionnaire}, "
                f"not for the questionnaire in use {self.questionnaire.ref}"
            )
        self.experiments: tuple[Experiment, ...] = tuple(experiments)
        if experiment_key is not None:
            from werkmap.experiments.assignment import check_key

            experiment_key = check_key(experiment_key)
        self._experiment_key = experiment_key

    def experiment_arm(self, jobseeker_ref: str, registered_on: dt.date) -> str | None:
        """Return the arm a registration of ``jobseeker_ref`` on ``registered_on`` is assigned to, or ``None``.

        The same pure assignment :meth:`register` records (:func:`werkmap.experiments.arm_of`); ``None``
        when the shell has no experiments or the registration takes part in none.
        """
        if not self.experiments or self._experiment_key is None:
            return None
        from werkmap.experiments.assignment import arm_of, experiment_for

        experiment = experiment_for(self.experiments, registered_on)
        if experiment is None:
            return None
        return arm_of(experiment, self._experiment_key, jobseeker_ref)

    def _shown(self, actor: Actor, folder: WorkFolder) -> WorkFolder:
        """Return ``folder`` as ``actor`` may see it: without its experiment arm unless their role may.

        The assignment is left out, and the ``arm_assigned`` event keeps only the experiment's id and
        version (not the arm or its switches).
        """
        arm = folder.assignment
        if arm is None or actor.role == "system":
            return folder
        for experiment in self.experiments:
            if experiment.id == arm.experiment_id and experiment.may_see(actor.role):
                return folder
        hidden = ("arm", "services", "enforcement")
        events = tuple(
            attrs.evolve(e, data={k: v for k, v in e.data.items() if k not in hidden})
            if e.kind == "arm_assigned"
            else e
            for e in folder.events
        )
        return attrs.evolve(folder, assignment=None, events=events)

    def __enter__(self) -> Werkmap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def questionnaire(self) -> Questionnaire:
        """The Work Profiler questionnaire in use."""
        if self._questionnaire is None:
            from werkmap.profiler.questionnaire import load_questionnaire

            self._questionnaire = load_questionnaire()
        return self._questionnaire

    @property
    def model(self) -> ScoringModel:
        """The scoring model in use."""
        if self._model is None:
            from werkmap.profiler.model import load_model

            self._model = load_model(questionnaire=self.questionnaire)
        return self._model

    def index_of(self, folder: WorkFolder, on: dt.date | None = None) -> FolderIndex:
        """Return the index columns a store keeps beside ``folder`` (what the dashboard and sweep read)."""
        day = on if on is not None else self.today
        status = "active"
        if folder.work_found_on is not None:
            status = "work_found"
        elif folder.benefit_ended_on is not None:
            status = "benefit_ended"
        profile = folder.latest_profile
        conv = wf.next_conversation(folder, day)
        state = folder_state(folder)
        return FolderIndex(
            coach_id=folder.coach_id,
            status=status,
            band=profile.band if profile is not None else None,
            next_due_on=first_due_on(state, day, self.policy, self.calendar),
            next_conversation_on=conv.scheduled_for if conv is not None else None,
            open_activities=sum(
                1 for a in folder.activities if str(a.state) in wf.OPEN_ACTIVITY_STATES
            ),
            overdue_activities=wf.overdue_count(folder, day),
            rule_state=dump_state(state),
        )

    # ---------------------------------------------------------------------------- registration

    @idempotent
    def register(
        self,
        actor: Actor,
        folder_id: str,
        *,
        jobseeker_ref: str | None = None,
        bsn: str | None = None,
        coach_id: str | None = None,
        registered_on: dt.date | None = None,
        benefit_ends_on: dt.date | None = None,
        pension_on: dt.date | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Register a jobseeker: create their folder (version 1).

        A coach registers into their own caseload (``coach_id`` defaults to the coach); the system may give
        any coach. A BSN is checked and kept only as a pseudonym under the shell's ``pseudonym_key``.
        When the shell has experiments and their key, a registration that takes part in one is assigned
        to its arm in the same write (an ``arm_assigned`` event, audited with the registration); the
        folder returned shows the arm only to a role the experiment allows.

        Raises:
            NotAuthorized: the actor may not register, or a coach registers into another caseload.
            InvalidInput: a folder with this id exists, or the reference is missing or invalid.
        """
        authorize(actor, "register", None)
        if actor.role == "coach":
            if coach_id not in (None, actor.id):
                raise NotAuthorized(f"{actor} may register only into their own caseload")
            coach_id = actor.id
        if self._exists(folder_id):
            raise InvalidInput(
                [Problem(path="$.folder_id", message=f"{folder_id!r} exists already")],
                source="register",
            )
        on = self.today
        folder, events = wf.create_folder(
            folder_id,
            on=on,
            registered_on=registered_on,
            jobseeker_ref=jobseeker_ref,
            bsn=bsn,
            pseudonym_key=self._pseudonym_key,
            coach_id=coach_id,
            benefit_ends_on=benefit_ends_on,
            pension_on=pension_on,
            actor=str(actor),
        )
        if self.experiments and self._experiment_key is not None:
            from werkmap.experiments.assignment import assign

            folder, assigned = assign(
                folder, self.experiments, self._experiment_key, on=on, actor="system"
            )
            events = (*events, *assigned)
        stored, records = self._write(
            None, folder, events, actor=actor, command="register", why="", on=on
        )
        self._announce(records)
        return self._shown(actor, stored)

    def _run(
        self, actor: Actor, command: str, folder_id: str, change: _Step, *, why: str = ""
    ) -> WorkFolder:
        """Run a command whose pure change makes nothing but the new folder (shown as ``actor`` may see it)."""
        folder = self._command(actor, command, folder_id, lambda f: _plain(change(f)), why=why)[0]
        return self._shown(actor, folder)

    @idempotent
    def assign_coach(
        self,
        actor: Actor,
        folder_id: str,
        coach_id: str | None,
        *,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Move a folder into ``coach_id``'s caseload (``None``: into none); the event records who and why.

        The system may move any folder. A team lead moves a folder between the coaches of their own teams
        (given an :class:`~werkmap.service.teams.Organisation`) and must say why.

        Raises:
            NotAuthorized: a coach or jobseeker asks, or a team lead moves a folder out of their teams.
            InvalidInput: a team lead gives no reason.
        """
        if actor.role == "team_lead":
            if not reason.strip():
                raise InvalidInput(
                    [Problem(path="$.reason", message="a team lead says why a folder moves")],
                    source="assign_coach",
                )
            org = self.organisation
            if org is not None and coach_id not in org.coaches_led_by(actor.id):
                raise NotAuthorized(f"{actor} may move folders only to coaches of their own teams")
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "assign_coach",
            folder_id,
            lambda f: wf.assign_coach(f, coach_id, on=on, actor=who, reason=reason),
            why=reason,
        )

    # -------------------------------------------------------------------------------- profiler

    @idempotent
    def invite_profiler(
        self, actor: Actor, folder_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Invite the jobseeker to fill in the Work Profiler (the sweep does this after registration)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "invite_profiler",
            folder_id,
            lambda f: wf.invite_to_profiler(f, on=on, actor=who),
        )

    @idempotent
    def submit_profile(
        self,
        actor: Actor,
        folder_id: str,
        answers: Mapping[str, object],
        *,
        idempotency_key: str | None = None,
    ) -> Profile:
        """Score the jobseeker's answers, add the profile to the folder and route them.

        The route follows the routing table (score at most the threshold: an orientation conversation;
        above it: digital service), unless a coach's override is in force; it is recorded with its reason.
        The answers are scored only once the actor may submit: a refusal never reveals what they are worth.
        With a ``shadow_model``, the candidate's score of the same answers is kept on the folder too, in the
        same version step; it is never used for routing.

        Raises:
            InvalidAnswers: the answers are not valid (every problem listed); nothing changed.
        """
        on, who = self.today, str(actor)

        def change(f: WorkFolder) -> Made[Profile]:
            made = rc.submit_profile(
                f,
                answers,
                questionnaire=self.questionnaire,
                model=self.model,
                on=on,
                actor=who,
                policy=self.policy,
            )
            if self.shadow_model is None:
                return made
            from werkmap.monitoring.shadow import shadow_step

            return shadow_step(
                made, answers, self.shadow_model, self.questionnaire, on=on, actor=who
            )

        return self._command(actor, "submit_profile", folder_id, change, why="profile submitted")[1]

    def decide(
        self,
        folder: WorkFolder,
        override: CoachOverride | None = None,
        *,
        on: dt.date | None = None,
    ) -> Decision:
        """Return the routing decision for a folder on a date (default today), without recording it."""
        day = on if on is not None else self.today
        return rc.decide(folder, override, on=day, policy=self.policy)

    @idempotent
    def route(
        self,
        actor: Actor,
        folder_id: str,
        *,
        override: str | None = None,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> Decision:
        """Route a folder again, with a coach's override (``conversation`` or ``digital``) or without one.

        An override must carry a reason; it stands for later profiles until the coach routes again without
        one. Returns the decision as recorded.

        Raises:
            InvalidInput: an unknown override or one without a reason (``WM-R001``, ``WM-R002``).
        """
        on, who = self.today, str(actor)
        ov = (
            CoachOverride(outcome=override, reason=reason, by=actor.id, on=on)
            if override is not None
            else None
        )
        return self._command(
            actor,
            "route",
            folder_id,
            lambda f: rc.route(f, ov, on=on, actor=who, policy=self.policy),
            why=reason,
        )[1]

    # --------------------------------------------------------------------------- conversations

    @idempotent
    def request_conversation(
        self, actor: Actor, folder_id: str, *, note: str = "", idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the jobseeker asked for a conversation; they are routed to one."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "request_conversation",
            folder_id,
            lambda f: rc.request_conversation(f, on=on, actor=who, policy=self.policy, note=note),
            why=note,
        )

    @idempotent
    def invite_conversation(
        self,
        actor: Actor,
        folder_id: str,
        kind: ConversationKind | str,
        *,
        at: dt.date,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> str:
        """Propose and invite a conversation of ``kind`` for the date ``at``; return its id."""
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "invite_conversation",
            folder_id,
            lambda f: pc.invite_conversation(f, kind, on=on, at=at, actor=who, reason=reason),
            why=reason,
        )[1]

    @idempotent
    def reschedule_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        at: dt.date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Move an invited conversation to another date (the history is kept)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "reschedule_conversation",
            folder_id,
            lambda f: wf.reschedule_conversation(
                f, conversation_id, on=on, at=at, actor=who, reason=reason
            ),
            why=reason,
        )

    @idempotent
    def hold_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        outcome: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record that a conversation was held."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "hold_conversation",
            folder_id,
            lambda f: wf.hold_conversation(f, conversation_id, on=on, actor=who, outcome=outcome),
        )

    @idempotent
    def record_no_show(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        open_case: bool = True,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record that the jobseeker did not come to a conversation.

        By default an enforcement case is opened and the jobseeker is informed and invited to respond; a
        coach proposes and decides it later (:meth:`propose_measure`, :meth:`decide_case`).
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        folder = self._command(
            actor,
            "record_no_show",
            folder_id,
            lambda f: pc.no_show(
                f,
                conversation_id,
                on=on,
                actor=who,
                policy=pol,
                calendar=self.calendar,
                open_case=open_case,
            ),
        )[0]
        return self._shown(actor, folder)

    @idempotent
    def cancel_conversation(
        self,
        actor: Actor,
        folder_id: str,
        conversation_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Cancel a pending conversation, with a reason."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "cancel_conversation",
            folder_id,
            lambda f: wf.cancel_conversation(f, conversation_id, on=on, actor=who, reason=reason),
            why=reason,
        )

    # ------------------------------------------------------------------------------ work plan

    @idempotent
    def agree_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] = (),
        note: str = "",
        jobseeker_agreed: bool = True,
        idempotency_key: str | None = None,
    ) -> str:
        """Record a work plan agreed with the jobseeker and return its id.

        The plan holds its activities, the application duty valid today and the extra services with the
        reason each was chosen.
        """
        on, who = self.today, str(actor)
        values = self.policy.at(on)
        duty = ApplicationDuty(
            required=values.application_duty_count, period_days=values.application_duty_period_days
        )
        planned, extra = tuple(activities), tuple(services)
        return self._command(
            actor,
            "agree_plan",
            folder_id,
            lambda f: pc.agree_plan(
                f,
                on=on,
                actor=who,
                duty=duty,
                calendar=self.calendar,
                activities=planned,
                services=extra,
                note=note,
                jobseeker_agreed=jobseeker_agreed,
            ),
            why=note,
        )[1]

    @idempotent
    def revise_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        reason: str,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Revise the current work plan: a new version with added activities and, if given, new services.

        Raises:
            InvalidInput: there is no agreed plan.
        """
        on, who = self.today, str(actor)
        planned = tuple(activities)
        folder = self._command(
            actor,
            "revise_plan",
            folder_id,
            lambda f: pc.revise_plan(
                f,
                on=on,
                actor=who,
                reason=reason,
                calendar=self.calendar,
                activities=planned,
                services=services,
                note=note,
            ),
            why=reason,
        )[0]
        return self._shown(actor, folder)

    # ------------------------------------------------------------------------------ activities

    @idempotent
    def add_activity(
        self,
        actor: Actor,
        folder_id: str,
        kind: ActivityKind | str,
        *,
        due: dt.date,
        title: str = "",
        idempotency_key: str | None = None,
    ) -> str:
        """Add an open activity with a deadline (a coach sets a task; a jobseeker plans one). Returns its id."""
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "add_activity",
            folder_id,
            lambda f: pc.add_activity(
                f, kind, due=due, on=on, actor=who, calendar=self.calendar, title=title
            ),
        )[1]

    @idempotent
    def register_applications(
        self,
        actor: Actor,
        folder_id: str,
        titles: Sequence[str],
        *,
        idempotency_key: str | None = None,
    ) -> tuple[str, ...]:
        """Register application activities the jobseeker did today (one per title), done at once.

        They count for the application duty. Returns their ids.

        Raises:
            InvalidInput: no titles.
        """
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "register_applications",
            folder_id,
            lambda f: pc.register_applications(f, titles, on=on, actor=who, calendar=self.calendar),
        )[1]

    @idempotent
    def complete_activity(
        self, actor: Actor, folder_id: str, activity_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record an activity as done (late, when it was overdue or reminded)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "complete_activity",
            folder_id,
            lambda f: wf.complete_activity(f, activity_id, on=on, actor=who),
        )

    @idempotent
    def remind(
        self, actor: Actor, folder_id: str, activity_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Send the jobseeker a reminder for an overdue activity."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "remind",
            folder_id,
            lambda f: wf.remind_activity(f, activity_id, on=on, actor=who),
        )

    @idempotent
    def excuse(
        self,
        actor: Actor,
        folder_id: str,
        activity_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Excuse an overdue or reminded activity, with a reason."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "excuse",
            folder_id,
            lambda f: wf.excuse_activity(f, activity_id, on=on, actor=who, reason=reason),
            why=reason,
        )

    # ----------------------------------------------------------------------------- enforcement

    @idempotent
    def refer(
        self,
        actor: Actor,
        folder_id: str,
        activity_id: str,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> str:
        """Refer a reminded activity to enforcement and return the case id.

        A case is opened, and the jobseeker is informed and invited to respond within the response window;
        a coach proposes and decides the case later (:meth:`propose_measure`, :meth:`decide_case`).
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._command(
            actor,
            "refer",
            folder_id,
            lambda f: pc.refer(
                f, activity_id, on=on, actor=who, reason=reason, policy=pol, calendar=self.calendar
            ),
            why=reason,
        )[1]

    @idempotent
    def open_duty_case(
        self, actor: Actor, folder_id: str, *, reason: str, idempotency_key: str | None = None
    ) -> str:
        """Open an enforcement case for an application-duty shortfall and return its id.

        The jobseeker is informed and invited to respond; a coach proposes and decides it later. Earlier
        application-duty breaches count towards the third-breach rule of the measure table.

        Raises:
            InvalidInput: no reason.
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._command(
            actor,
            "open_duty_case",
            folder_id,
            lambda f: pc.open_duty_case(
                f, on=on, actor=who, reason=reason, policy=pol, calendar=self.calendar
            ),
            why=reason,
        )[1]

    @idempotent
    def respond(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        response: str,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record the jobseeker's response to an enforcement case."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "respond",
            folder_id,
            lambda f: wf.record_response(f, case_id, on=on, actor=who, response=response),
        )

    @idempotent
    def propose_measure(
        self, actor: Actor, folder_id: str, case_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Ask werkmap for the measure the dated table proposes for a case, for the coach to review.

        A case still waiting for the jobseeker's response is first recorded as not answered when the
        response window has passed. The proposal (kind, percentage, duration, rule) is on
        ``folder.case(case_id).proposal``; the coach decides it with :meth:`decide_case`.

        Raises:
            IllegalTransition: the response window is still open, or the case was proposed or decided.
        """
        on, who = self.today, str(actor)
        pol = measure_policy(self.policy.at(on))
        return self._run(
            actor,
            "propose_measure",
            folder_id,
            lambda f: pc.propose_measure(f, case_id, on=on, actor=who, policy=pol),
        )

    @idempotent
    def decide_case(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        measure: bool,
        reason: str,
        percentage: float | None = None,
        duration_weeks: int | None = None,
        kind: MeasureKind | str | None = None,
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """A coach decides an enforcement case: confirm the proposed measure, change its terms, or none.

        werkmap never decides a measure by itself: this command is the named person's decision, with a
        reason. ``measure=True`` confirms the proposal of :meth:`propose_measure`, with the terms changed
        where ``percentage``, ``duration_weeks`` or ``kind`` are given (the reason says why);
        ``measure=False`` decides no measure (a case still waiting for a response whose window has passed
        is first recorded as not answered).

        Raises:
            InvalidInput: ``measure=True`` but no measure was proposed yet (propose first).
            IllegalTransition: the case is not ready for a decision (the response window is still open).
        """
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "decide_case",
            folder_id,
            lambda f: pc.decide_case(
                f,
                case_id,
                on=on,
                actor=who,
                measure=measure,
                reason=reason,
                percentage=percentage,
                duration_weeks=duration_weeks,
                kind=kind,
            ),
            why=reason,
        )

    @idempotent
    def record_objection(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Record an objection (*bezwaar*) against a decided measure."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_objection",
            folder_id,
            lambda f: wf.record_objection(f, case_id, on=on, actor=who, note=note),
        )

    @idempotent
    def close_case(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        reason: str = "",
        idempotency_key: str | None = None,
    ) -> WorkFolder:
        """Close a decided enforcement case (after an objection: with the outcome as the reason)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "close_case",
            folder_id,
            lambda f: wf.close_case(f, case_id, on=on, actor=who, reason=reason),
            why=reason,
        )

    # --------------------------------------------------------------------------- end of benefit

    @idempotent
    def record_work_found(
        self, actor: Actor, folder_id: str, *, idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the jobseeker found work (:func:`werkmap.plan.record_work_found`).

        Pending invitations are cancelled (no no-shows), and so are the activities still open: the
        obligations of the benefit end with it.
        """
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_work_found",
            folder_id,
            lambda f: wf.record_work_found(f, on=on, actor=who),
        )

    @idempotent
    def record_benefit_ended(
        self, actor: Actor, folder_id: str, *, reason: str = "", idempotency_key: str | None = None
    ) -> WorkFolder:
        """Record that the benefit ended; the activities still open are cancelled."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_benefit_ended",
            folder_id,
            lambda f: wf.record_benefit_ended(f, on=on, actor=who, reason=reason),
            why=reason,
        )

    # ------------------------------------------------------------------------------- the sweep

    def sweep(
        self,
        actor: Actor,
        *,
        on: dt.date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> SweepResult:
        """Find and apply what the service model says is due on ``on`` (default today).

        The store returns the folders whose indexed next-due date is on or before ``on`` with what the
        rules read of them (:class:`~werkmap.storage.DueState`, no document decoded); the one definition
        of the rules decides for all of them at once (:func:`werkmap.rules.columnar.sweep`), and only the
        folders with an action are loaded and changed. Conversations are proposed and invited (for the
        latest date the rule allows), activities marked overdue and reminded, invitations cancelled when
        work was found, folders without a profile routed to a coach; what needs a person (an enforcement
        proposal, an application-duty shortfall) is recorded and the coach is notified. The changes are one
        transaction per 1,000 folders (or part of the caller's unit of work; a batch that meets another
        writer's change is run again folder by folder); running the same day again finds nothing new. An
        action a folder refuses is reported in :attr:`SweepResult.failed` and offered again by the next
        sweep.

        Args:
            actor: the system.
            on: the day to sweep (default today).
            progress: called with ``(folders done, folders with an action)`` after each batch
                (:func:`werkmap.progress.progress` draws it).

        Raises:
            NotAuthorized: the actor is not the system.
        """
        authorize(actor, "sweep", None)
        day = on if on is not None else self.today
        who = str(actor)
        applied: list[Action] = []
        failed: list[tuple[str, str]] = []
        invited: list[tuple[str, str, str, dt.date]] = []
        unreadable: set[str] = set()
        states = self._due_states(day, unreadable)
        due = len(states) + len(unreadable)
        if states:
            table = columnar.sweep(
                FolderColumns.from_states(states), day, self.policy, self.calendar
            )
            acting = sorted({states[int(i)].folder_id for i in np.unique(table.folder)})
        else:
            acting = []

        def run(fids: Sequence[str]) -> list[rc.FolderSweep]:
            done: list[rc.FolderSweep] = []
            for fid in fids:
                if fid in unreadable:
                    continue
                try:
                    done.append(
                        self._command(
                            actor,
                            "sweep",
                            fid,
                            lambda f: rc.sweep_folder(
                                f, on=day, actor=who, policy=self.policy, calendar=self.calendar
                            ),
                            why=lambda made: made.value.why,
                        )[1]
                    )
                except FolderUnreadable:  # read before anything of it changed: skip it, go on
                    _quarantine(day, fid, unreadable)
            return done

        load_many = getattr(self.store, "load_many", None)
        for start in range(0, len(acting), _SWEEP_BATCH):
            chunk = acting[start : start + _SWEEP_BATCH]
            if load_many is not None:  # read the batch's folders in bulk (those not in memory)
                pending = self._pending or {}
                wanted = [f for f in chunk if f not in pending and f not in self._cache]
                self._prefetched = _read_ahead(load_many, wanted, day, unreadable)
            if self._pending is not None:
                done = run(chunk)  # part of the caller's unit of work
            else:
                try:
                    with self.unit_of_work():
                        done = run(chunk)
                except ConcurrencyConflict:
                    done = run(chunk)  # another writer: each folder on its own, on a fresh copy
            self._prefetched = {}
            for d in done:
                applied.extend(d.actions)
                invited.extend(d.invitations)
                failed.extend(d.failed)
            if progress is not None:
                progress(start + len(chunk), len(acting))
        result = SweepResult(
            on=day,
            actions=tuple(applied),
            failed=tuple(failed),
            folders=due,
            invitations=tuple(invited),
            quarantined=tuple(sorted(unreadable)),
        )
        _log_sweep(result)
        return result

    def _due_states(self, day: dt.date, unreadable: set[str]) -> list[FolderState]:
        """What the rules read of every folder due on ``day``, in folder id order.

        From the store's rows where it keeps them (``due_states``); from the folder itself for a folder
        pending in the unit of work, cached at a newer version, or stored without a readable rule state
        (a damaged one is read from the folder's document instead). A folder that cannot be read at all
        is added to ``unreadable`` and left out.
        """
        query = getattr(self.store, "due_states", None)
        if query is None:  # a store plugin without the query: the folders themselves
            return self._states_of(self._due_ids(day), day, unreadable)
        pending = self._pending or {}
        found: dict[str, FolderState | None] = {}
        for row in query(day):
            fid = row.folder_id
            if fid in pending:
                continue
            cached = self._cache.get(fid)
            if cached is not None and cached.version != row.version:
                del self._cache[fid]  # another writer changed it: load it fresh
            found[fid] = None
            if row.rule_state is not None:
                try:
                    found[fid] = load_state(row.rule_state)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    _log.warning(
                        "sweep %s: the rule state of folder %s cannot be read; its document is "
                        "read instead",
                        day,
                        fid,
                    )
        for fid, p in pending.items():
            if p.index is None:
                p.index = self.index_of(p.folder, p.on)
            due = p.index.next_due_on
            if due is not None and due <= day:
                found[fid] = folder_state(p.folder)
        missing = self._states_of([fid for fid, s in found.items() if s is None], day, unreadable)
        by_id = {s.folder_id: s for s in missing}
        out = []
        for fid, state in sorted(found.items()):
            state = state if state is not None else by_id.get(fid)
            if state is not None:
                out.append(state)
        return out

    def _states_of(
        self, fids: Sequence[str], day: dt.date, unreadable: set[str]
    ) -> list[FolderState]:
        """The rule states of some folders read from the folders themselves; unreadable ones skipped."""
        load_many = getattr(self.store, "load_many", None)
        if load_many is not None:  # in bulk (those not in memory)
            pending = self._pending or {}
            wanted = [f for f in fids if f not in pending and f not in self._cache]
            self._prefetched = _read_ahead(load_many, wanted, day, unreadable)
        out = []
        try:
            for fid in fids:
                if fid in unreadable:
                    continue
                try:
                    out.append(folder_state(self._get(fid)[0]))
                except FolderUnreadable:
                    _quarantine(day, fid, unreadable)
        finally:
            self._prefetched = {}
        return out

    def _due_ids(self, day: dt.date) -> list[str]:
        ids = set()
        pending = self._pending or {}
        for due_folder in self.store.due(day):
            fid = due_folder.folder_id
            ids.add(fid)
            cached = self._cache.get(fid)
            if cached is not None and fid not in pending and cached.version != due_folder.version:
                del self._cache[fid]  # another writer changed it: load it fresh
        if self._pending is not None:
            for fid, p in self._pending.items():
                if p.index is None:
                    p.index = self.index_of(p.folder, p.on)
                due = p.index.next_due_on
                if due is not None and due <= day:
                    ids.add(fid)
                else:
                    ids.discard(fid)
        return sorted(ids)

    # ---------------------------------------------------------------------------------- reads

    def folder(self, actor: Actor, folder_id: str, *, why: str = "") -> WorkFolder:
        """Return a folder (its profile included); the read is audited.

        Raises:
            NotFound: there is no such folder.
            NotAuthorized: the actor may not read it.
        """
        if self._pending is not None and folder_id in self._pending:
            folder = self._pending[folder_id].folder
        else:
            folder = self._fresh(folder_id)
        authorize(actor, "read_folder", folder, organisation=self.organisation)
        self._audit_read(actor, folder, "folder", why)
        return self._shown(actor, folder)

    def export(self, actor: Actor, folder_id: str, *, why: str = "") -> dict[str, Any]:
        """Return everything werkmap holds about the person of a folder, as one JSON-ready document.

        The answer to an access request (GDPR article 15): the folder (profiles, routes, plans,
        activities, conversations, cases), its event log, its audit trail and its notifications, each
        as stored, under a versioned envelope. The jobseeker may export their own folder; the system any
        (for the agency's privacy desk). The export is itself an audited read.

        Raises:
            NotFound: there is no such folder (or, for a jobseeker, it is not theirs).
            NotAuthorized: a coach or team lead asks.
        """
        from werkmap._version import __version__

        if self._pending is not None and folder_id in self._pending:
            folder = self._pending[folder_id].folder
        else:
            folder = self._fresh(folder_id)
        authorize(actor, "export", folder, organisation=self.organisation)
        self._audit_read(actor, folder, "export (access request)", why)
        notifications = [
            item for item in self.store.outbox() if item.notification.folder_id == folder_id
        ]
        return {
            "werkmap": __version__,
            "kind": "export",
            "folder_id": folder_id,
            "exported_at": self.clock.now().isoformat(),
            "folder": serialization.unstructure(folder),
            "events": serialization.unstructure(list(self.store.events(folder_id))),
            "audit": serialization.unstructure(list(self.store.audit_records(folder_id))),
            "notifications": serialization.unstructure(notifications),
        }

    def overview(
        self,
        actor: Actor,
        folder_id: str,
        *,
        on: dt.date | None = None,
        language: str = "nl",
    ) -> Overview:
        """Return the overview of a folder on a date (default today), as its reader sees it; audited.

        A jobseeker gets the jobseeker's view of their own folder (no score; only their own messages);
        a coach (their caseload), a team lead or the system gets the coach's view
        (:func:`werkmap.jobseeker.overview`), with the adviser's section: what would move the band,
        scored with the service's own model and questionnaire, and the orientation agenda from the
        packaged intervention catalogue. The read is audited like :meth:`folder`.

        Raises:
            NotFound: there is no such folder, or a jobseeker asks for a folder that is not theirs (the
                same error, so that a jobseeker cannot learn which folders exist).
            NotAuthorized: a coach asks for a folder outside their caseload.
            InvalidInput: an unknown language.
        """
        from werkmap.interventions import default_catalogue
        from werkmap.jobseeker import overview as build_overview

        if self._pending is not None and folder_id in self._pending:
            folder = self._pending[folder_id].folder
        else:
            folder = self._fresh(folder_id)
        authorize(actor, "read_folder", folder, organisation=self.organisation)
        day = on if on is not None else self.today
        result = build_overview(
            folder,
            on=day,
            policy=self.policy,
            language=language,
            audience="jobseeker" if actor.role == "jobseeker" else "coach",
            calendar=self.calendar,
            notifications=self._notifications(folder, folder.events),
            model=self.model,
            questionnaire=self.questionnaire,
            catalogue=default_catalogue(),
        )
        self._audit_read(actor, folder, "overview", "")
        return result

    def _notifications(
        self, folder: WorkFolder, events: Sequence[FolderEvent]
    ) -> list[Notification]:
        """The change's notifications and, for a proposed or decided measure, its letter."""
        from werkmap.service.letters import letter_notifications

        notes = super()._notifications(folder, events)
        notes += letter_notifications(folder, events, policy=self.policy, calendar=self.calendar)
        return notes

    def caseload(self, actor: Actor, coach_id: str) -> list[WorkFolder]:
        """Return the folders in ``coach_id``'s caseload (the coach themself, a team lead or the system).

        Each folder shows its experiment arm only to a role the experiment allows.

        Raises:
            NotAuthorized: a coach asks for another coach's caseload, or a jobseeker asks.
        """
        return [self._shown(actor, f) for f in self._caseload(actor, coach_id)]

    def _caseload(self, actor: Actor, coach_id: str) -> list[WorkFolder]:
        authorize(actor, "dashboard", None)
        if actor.role == "coach" and actor.id != coach_id:
            raise NotAuthorized(f"{actor} may see only their own caseload")
        org = self.organisation
        if (
            actor.role == "team_lead"
            and org is not None
            and coach_id not in org.coaches_led_by(actor.id)
        ):
            raise NotAuthorized(f"{actor} may see only the caseloads of their own teams")
        pending = self._pending or {}
        out = []
        for row in self.store.caseload(coach_id):
            if row.folder_id not in pending:
                out.append(self._at_version(row.folder_id, row.version, remember=True))
        # what this unit of work changed: the folders in the caseload now, as they are now
        out.extend(p.folder for p in pending.values() if p.folder.coach_id == coach_id)
        return out

    def dashboard(self, actor: Actor, coach_id: str, *, on: dt.date | None = None) -> Dashboard:
        """Return the coach's dashboard for a date (default today); each profile shown is an audited read."""
        from werkmap.dashboard import build_dashboard

        day = on if on is not None else self.today
        folders = self._caseload(
            actor, coach_id
        )  # the rules read the arm; the dashboard never shows it
        for folder in folders:
            if folder.latest_profile is not None:
                self._audit_read(actor, folder, "profile band (dashboard)", "")
        return build_dashboard(folders, coach_id=coach_id, on=day, policy=self.policy)

    def all_folders(self, actor: Actor) -> Iterator[WorkFolder]:
        """Return an iterator over every folder in the store, in folder-id order (team lead or system).

        Each folder shows its experiment arm only to a role the experiment allows.

        Raises:
            NotAuthorized: at once, for another actor.
        """
        authorize(actor, "report", None)
        columns = self.store.index_columns()
        pairs = list(zip(columns.folder_id.tolist(), columns.version.tolist(), strict=True))
        pending = {fid: p.folder for fid, p in (self._pending or {}).items()}
        known = {fid for fid, _ in pairs}
        pairs += sorted((fid, f.version) for fid, f in pending.items() if fid not in known)
        pairs.sort()
        org = self.organisation
        if actor.role == "team_lead" and org is not None:
            # need-to-know: only the folders of the lead's teams, as the store's index columns say
            led = org.coaches_led_by(actor.id)
            coach_of = dict(zip(columns.folder_id.tolist(), columns.coach_id.tolist(), strict=True))
            coach_of.update((fid, f.coach_id) for fid, f in pending.items())
            pairs = [(fid, v) for fid, v in pairs if coach_of.get(fid) in led]

        def folders() -> Iterator[WorkFolder]:
            for fid, version in pairs:
                # a report reads every folder: it does not push the working set out of the cache
                folder = pending[fid] if fid in pending else self._at_version(fid, version)
                yield self._shown(actor, folder)

        return folders()

    def report(
        self,
        actor: Actor,
        *,
        start: dt.date,
        end: dt.date,
        progress: Callable[[int, int], None] | None = None,
    ) -> PeriodReport:
        """Return the period figures over every folder (team lead or system).

        ``progress`` is called with ``(folders read, folders in the store)`` as the folders are read.
        """
        from werkmap.progress import tracked
        from werkmap.report import period_report

        total = len(self.store.index_columns().folder_id) if progress is not None else 0
        folders = tracked(self.all_folders(actor), progress, total)
        return period_report(folders, start=start, end=end)

    def enqueue(self, actor: Actor, notifications: Sequence[Notification]) -> None:
        """Put notifications about the service as a whole (no folder change) into the outbox.

        They are delivered like every other notification (:meth:`dispatch`, at least once, by idempotency
        key); a notification already queued is not queued twice. The monitoring report's alerts use it
        (:func:`werkmap.monitoring.send_alerts`).

        Raises:
            NotAuthorized: the actor is not the system.
            StorageError: the store cannot queue notifications without a folder change.
        """
        authorize(actor, "enqueue", None)
        enqueue = getattr(self.store, "enqueue", None)
        if enqueue is None:
            raise StorageError(f"the store {type(self.store).__name__} cannot queue notifications")
        enqueue(list(notifications))

    def dispatch(
        self,
        *,
        max_rounds: int = 1,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        lease: dt.timedelta | None = None,
        owner: str | None = None,
    ) -> DispatchReport:
        """Deliver the outbox through the host's channels (at least once; see :mod:`werkmap.storage.outbox`).

        Items are claimed with a lease, so several shells may dispatch one store at once; a failure is
        retried with a capped backoff, and after ``max_attempts`` failed attempts the item is
        dead-lettered (``store.dead_letters()``) and reported to the ``functional-admin`` role.

        Args:
            max_rounds: how many claim-and-deliver rounds to run (retries wait for the next round).
            max_attempts: failed attempts after which an item is dead-lettered.
            lease: how long a claim holds (default: the store's, 300 seconds).
            owner: this dispatcher's name in the leases (default: host, process and a random part).
        """
        report = Dispatcher(
            self.store,
            self.plugins,
            clock=self.clock,
            sleep=lambda _s: None,
            max_attempts=max_attempts,
            lease=lease,
            owner=owner,
        ).drain(max_rounds=max_rounds)
        _log.info(
            "dispatch: %d delivered, %d failed, %d pending",
            len(report.delivered),
            len(report.failed),
            report.pending,
        )
        return report


def _quarantine(day: dt.date, folder_id: str, unreadable: set[str]) -> None:
    """Note a due folder the store cannot read back: skipped by the sweep, logged by its id only."""
    if folder_id not in unreadable:
        unreadable.add(folder_id)
        _log.warning("sweep %s: folder %s cannot be read; skipped (quarantined)", day, folder_id)


def _read_ahead(
    load_many: Callable[[Sequence[str]], dict[str, WorkFolder]],
    fids: Sequence[str],
    day: dt.date,
    unreadable: set[str],
) -> dict[str, WorkFolder]:
    """Read a batch of folders in bulk; when one of them cannot be read, read them one by one.

    The folders that cannot be read are added to ``unreadable`` (and the others are all returned), so one
    damaged folder never keeps the rest of its batch from being swept.
    """
    if not fids:
        return {}
    try:
        return load_many(fids)
    except FolderUnreadable:
        out: dict[str, WorkFolder] = {}
        for fid in fids:
            try:
                out.update(load_many([fid]))
            except FolderUnreadable:
                _quarantine(day, fid, unreadable)
        return out


def _log_sweep(result: SweepResult) -> None:
    """Log what a sweep did (INFO), each action (DEBUG) and each action a folder refused (INFO)."""
    counts = (
        ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts().items())) or "nothing due"
    )
    _log.info(
        "sweep %s: %d actions in %d folders (%s), %d refused%s",
        result.on,
        len(result.actions),
        result.folders,
        counts,
        len(result.failed),
        f", {len(result.quarantined)} unreadable (skipped)" if result.quarantined else "",
    )
    for action in result.actions:
        _log.debug("sweep %s: %s %s (%s)", result.on, action.folder_id, action.kind, action.rule_id)
    for action_id, reason in result.failed:
        _log.info("sweep %s: action %s refused: %s", result.on, action_id, reason)


def _guard_commands() -> None:
    """Check every command's arguments at the door (:mod:`werkmap.service.inputs`), before it runs."""
    for command in FIELDS:
        setattr(Werkmap, command, guarded(command, getattr(Werkmap, command)))


_guard_commands()
