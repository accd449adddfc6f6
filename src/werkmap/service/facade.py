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
6. hands the sealed audit records to the ``werkmap_audit`` hooks.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from werkmap.clock import Clock, SystemClock
from werkmap.errors import InvalidInput, NotAuthorized, Problem
from werkmap.plan import commands as pc
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind
from werkmap.plan.commands import Made, PlannedActivity
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.enforcement import MeasureKind
from werkmap.plan.folder import Change, WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.rules import commands as rc
from werkmap.rules.due import Action, due_actions, first_due_on
from werkmap.rules.measures import measure_policy
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.routing import CoachOverride, Decision
from werkmap.rules.state import folder_state
from werkmap.service.access import Actor, authorize
from werkmap.service.unit import UnitOfWork
from werkmap.storage.manager import Plugins, load_plugins
from werkmap.storage.outbox import Dispatcher, DispatchReport
from werkmap.storage.protocol import Store
from werkmap.storage.values import FolderIndex
from werkmap.workdays import HolidayCalendar, dutch_calendar

if TYPE_CHECKING:
    from werkmap.dashboard import Dashboard
    from werkmap.experiments.definition import Experiment
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.scoring import Profile
    from werkmap.report import PeriodReport

__all__ = ["DEFAULT_STORE", "SweepResult", "Werkmap", "measure_policy"]

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
    """

    on: dt.date
    actions: tuple[Action, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    folders: int = 0
    invitations: tuple[tuple[str, str, str, dt.date], ...] = ()

    def counts(self) -> dict[str, int]:
        """Return the number of actions per kind."""
        out: dict[str, int] = {}
        for a in self.actions:
            out[a.kind] = out.get(a.kind, 0) + 1
        return out


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
        cache: how many folders to keep in memory (the most recently used; ``0``: none), so that a command
            need not load a folder this shell wrote or read. A save still checks the version, and a command
            that meets a newer version in the store is run again on the fresh folder, so another writer's
            change is never lost or overwritten; a read (:meth:`folder`) always loads from the store.
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
        experiments: Sequence[Experiment] = (),
        experiment_key: bytes | None = None,
    ) -> None:
        plugins = plugins if plugins is not None else load_plugins()
        super().__init__(
            plugins.open_store(store) if isinstance(store, str) else store,
            plugins=plugins,
            clock=clock if clock is not None else SystemClock(),
            cache=cache,
        )
        self.policy = policy if policy is not None else default_policy()
        self.calendar = calendar if calendar is not None else dutch_calendar()
        self._questionnaire = questionnaire
        self._model = model
        self._pseudonym_key = pseudonym_key
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
        )

    # ---------------------------------------------------------------------------- registration

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
        self.plugins.announce(records)
        return self._shown(actor, stored)

    def _run(
        self, actor: Actor, command: str, folder_id: str, change: _Step, *, why: str = ""
    ) -> WorkFolder:
        """Run a command whose pure change makes nothing but the new folder (shown as ``actor`` may see it)."""
        folder = self._command(actor, command, folder_id, lambda f: _plain(change(f)), why=why)[0]
        return self._shown(actor, folder)

    def assign_coach(self, actor: Actor, folder_id: str, coach_id: str | None) -> WorkFolder:
        """Move a folder into ``coach_id``'s caseload (``None``: into none)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "assign_coach",
            folder_id,
            lambda f: wf.assign_coach(f, coach_id, on=on, actor=who),
        )

    # -------------------------------------------------------------------------------- profiler

    def invite_profiler(self, actor: Actor, folder_id: str) -> WorkFolder:
        """Invite the jobseeker to fill in the Work Profiler (the sweep does this after registration)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "invite_profiler",
            folder_id,
            lambda f: wf.invite_to_profiler(f, on=on, actor=who),
        )

    def submit_profile(
        self, actor: Actor, folder_id: str, answers: Mapping[str, object]
    ) -> Profile:
        """Score the jobseeker's answers, add the profile to the folder and route them.

        The route follows the routing table (score at most the threshold: an orientation conversation;
        above it: digital service), unless a coach's override is in force; it is recorded with its reason.
        The answers are scored only once the actor may submit: a refusal never reveals what they are worth.

        Raises:
            InvalidAnswers: the answers are not valid (every problem listed); nothing changed.
        """
        on, who = self.today, str(actor)
        return self._command(
            actor,
            "submit_profile",
            folder_id,
            lambda f: rc.submit_profile(
                f,
                answers,
                questionnaire=self.questionnaire,
                model=self.model,
                on=on,
                actor=who,
                policy=self.policy,
            ),
            why="profile submitted",
        )[1]

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

    def route(
        self,
        actor: Actor,
        folder_id: str,
        *,
        override: str | None = None,
        reason: str = "",
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

    def request_conversation(self, actor: Actor, folder_id: str, *, note: str = "") -> WorkFolder:
        """Record that the jobseeker asked for a conversation; they are routed to one."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "request_conversation",
            folder_id,
            lambda f: rc.request_conversation(f, on=on, actor=who, policy=self.policy, note=note),
            why=note,
        )

    def invite_conversation(
        self,
        actor: Actor,
        folder_id: str,
        kind: ConversationKind | str,
        *,
        at: dt.date,
        reason: str = "",
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

    def reschedule_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, at: dt.date, reason: str
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

    def hold_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, outcome: str = ""
    ) -> WorkFolder:
        """Record that a conversation was held."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "hold_conversation",
            folder_id,
            lambda f: wf.hold_conversation(f, conversation_id, on=on, actor=who, outcome=outcome),
        )

    def record_no_show(
        self, actor: Actor, folder_id: str, conversation_id: str, *, open_case: bool = True
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

    def cancel_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, reason: str
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

    def agree_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] = (),
        note: str = "",
        jobseeker_agreed: bool = True,
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

    def revise_plan(
        self,
        actor: Actor,
        folder_id: str,
        *,
        reason: str,
        activities: Iterable[PlannedActivity] = (),
        services: Iterable[ExtraService] | None = None,
        note: str | None = None,
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

    def add_activity(
        self,
        actor: Actor,
        folder_id: str,
        kind: ActivityKind | str,
        *,
        due: dt.date,
        title: str = "",
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

    def register_applications(
        self, actor: Actor, folder_id: str, titles: Sequence[str]
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

    def complete_activity(self, actor: Actor, folder_id: str, activity_id: str) -> WorkFolder:
        """Record an activity as done (late, when it was overdue or reminded)."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "complete_activity",
            folder_id,
            lambda f: wf.complete_activity(f, activity_id, on=on, actor=who),
        )

    def remind(self, actor: Actor, folder_id: str, activity_id: str) -> WorkFolder:
        """Send the jobseeker a reminder for an overdue activity."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "remind",
            folder_id,
            lambda f: wf.remind_activity(f, activity_id, on=on, actor=who),
        )

    def excuse(self, actor: Actor, folder_id: str, activity_id: str, *, reason: str) -> WorkFolder:
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

    def refer(self, actor: Actor, folder_id: str, activity_id: str, *, reason: str) -> str:
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

    def open_duty_case(self, actor: Actor, folder_id: str, *, reason: str) -> str:
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

    def respond(self, actor: Actor, folder_id: str, case_id: str, *, response: str) -> WorkFolder:
        """Record the jobseeker's response to an enforcement case."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "respond",
            folder_id,
            lambda f: wf.record_response(f, case_id, on=on, actor=who, response=response),
        )

    def propose_measure(self, actor: Actor, folder_id: str, case_id: str) -> WorkFolder:
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

    def record_objection(
        self, actor: Actor, folder_id: str, case_id: str, *, note: str = ""
    ) -> WorkFolder:
        """Record an objection (*bezwaar*) against a decided measure."""
        on, who = self.today, str(actor)
        return self._run(
            actor,
            "record_objection",
            folder_id,
            lambda f: wf.record_objection(f, case_id, on=on, actor=who, note=note),
        )

    def close_case(
        self, actor: Actor, folder_id: str, case_id: str, *, reason: str = ""
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

    def record_work_found(self, actor: Actor, folder_id: str) -> WorkFolder:
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

    def record_benefit_ended(self, actor: Actor, folder_id: str, *, reason: str = "") -> WorkFolder:
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

    def sweep(self, actor: Actor, *, on: dt.date | None = None) -> SweepResult:
        """Find and apply what the service model says is due on ``on`` (default today), folder by folder.

        Only folders whose indexed next-due date is on or before ``on`` are loaded. Conversations are
        proposed and invited (for the latest date the rule allows), activities marked overdue and reminded,
        invitations cancelled when work was found, folders without a profile routed to a coach; what needs
        a person (an enforcement proposal, an application-duty shortfall) is recorded and the coach is
        notified. Each folder is one transaction; running the same day again finds nothing new. An action
        a folder refuses is reported in :attr:`SweepResult.failed` and offered again by the next sweep.

        Raises:
            NotAuthorized: the actor is not the system.
        """
        authorize(actor, "sweep", None)
        day = on if on is not None else self.today
        who = str(actor)
        applied: list[Action] = []
        failed: list[tuple[str, str]] = []
        invited: list[tuple[str, str, str, dt.date]] = []
        ids = self._due_ids(day)
        for fid in ids:
            folder, _ = self._get(fid)
            if not due_actions(folder_state(folder), day, self.policy, self.calendar):
                continue  # the index was early (a policy change): nothing to do, nothing to write
            done = self._command(
                actor,
                "sweep",
                fid,
                lambda f: rc.sweep_folder(
                    f, on=day, actor=who, policy=self.policy, calendar=self.calendar
                ),
                why=lambda made: made.value.why,
            )[1]
            applied.extend(done.actions)
            invited.extend(done.invitations)
            failed.extend(done.failed)
        return SweepResult(
            on=day,
            actions=tuple(applied),
            failed=tuple(failed),
            folders=len(ids),
            invitations=tuple(invited),
        )

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
        if actor.role == "team_lead":
            authorize(actor, "read_folder", None)
        else:
            authorize(actor, "read_folder", folder)
        self._audit_read(actor, folder, "folder", why)
        return self._shown(actor, folder)

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

        def folders() -> Iterator[WorkFolder]:
            for fid, version in pairs:
                # a report reads every folder: it does not push the working set out of the cache
                folder = pending[fid] if fid in pending else self._at_version(fid, version)
                yield self._shown(actor, folder)

        return folders()

    def report(self, actor: Actor, *, start: dt.date, end: dt.date) -> PeriodReport:
        """Return the period figures over every folder (team lead or system)."""
        from werkmap.report import period_report

        return period_report(self.all_folders(actor), start=start, end=end)

    def dispatch(self, *, max_rounds: int = 1) -> DispatchReport:
        """Deliver the outbox to the notification hooks (at least once; failures retried with backoff)."""
        return Dispatcher(self.store, self.plugins, clock=self.clock, sleep=lambda _s: None).drain(
            max_rounds=max_rounds
        )
