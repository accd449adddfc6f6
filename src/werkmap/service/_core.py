"""The core of :class:`~werkmap.service.Werkmap`: set-up, index columns, and the door of every command.

The door is authorisation, with every refused attempt recorded; the index columns are what a store keeps
beside each folder for the dashboard and the sweep.

The commands are grouped by job in the modules beside this one, each a class on top of
:class:`ServiceCore`: registration, profiling, conversations, plans and activities, enforcement, the sweep,
reads, erasure and delivery. :class:`~werkmap.service.Werkmap` is all of them together. Import
:class:`~werkmap.service.Werkmap`; these classes are not meant to be used on their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from werkmap.clock import Clock, SystemClock
from werkmap.errors import NotAuthorized, NotFound, StorageError, VersionMismatch, WerkmapError
from werkmap.plan import folder as wf
from werkmap.plan.commands import Made
from werkmap.plan.folder import Change, WorkFolder
from werkmap.rules.due import first_due_on
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.retention import RetentionPolicy
from werkmap.rules.state import folder_state
from werkmap.service.access import Actor, authorize
from werkmap.service.rulestate import dump_state
from werkmap.service.teams import Organisation
from werkmap.service.unit import CACHE_BYTES, UnitOfWork
from werkmap.storage.manager import Plugins, load_plugins
from werkmap.storage.protocol import Store
from werkmap.storage.values import AuditEntry, FolderIndex, Notification
from werkmap.workdays import HolidayCalendar, dutch_calendar

if TYPE_CHECKING:
    from werkmap.experiments.definition import Experiment
    from werkmap.plan.folder import FolderEvent
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire

__all__ = ["DEFAULT_STORE", "ServiceCore"]

_log = logging.getLogger("werkmap.service")

DEFAULT_STORE = "sqlite:///werkmap.db"
"""The store a :class:`Werkmap` opens when none is given: a SQLite file in the working directory."""

_Step = Callable[[WorkFolder], Change]

_T = TypeVar("_T")


def _plain(change: Change) -> Made[None]:
    return Made(change[0], change[1], None)


class ServiceCore(UnitOfWork):
    """What every group of commands stands on.

    The store, clock, policy, models and organisation; the index columns of a folder
    (:meth:`index_of`); and the door a command passes (:meth:`_allow`, :meth:`_command`). The arguments
    are :class:`~werkmap.service.Werkmap`'s.
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
        audit_key: bytes | None = None,
        retention: RetentionPolicy | None = None,
    ) -> None:
        plugins = plugins if plugins is not None else load_plugins()
        if audit_key is not None and not isinstance(store, str):
            raise StorageError("give the audit key to the store when you open it, not to Werkmap")
        options = (
            {"audit_key": audit_key.decode("utf-8", "surrogateescape")}
            if audit_key is not None
            else None
        )
        super().__init__(
            plugins.open_store(store, options) if isinstance(store, str) else store,
            plugins=plugins,
            clock=clock if clock is not None else SystemClock(),
            cache=cache,
            cache_bytes=cache_bytes,
        )
        self.policy = policy if policy is not None else default_policy()
        self._retention = retention
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

    def _run(
        self, actor: Actor, command: str, folder_id: str, change: _Step, *, why: str = ""
    ) -> WorkFolder:
        """Run a command whose pure change makes nothing but the new folder (shown as ``actor`` may see it)."""
        folder = self._command(actor, command, folder_id, lambda f: _plain(change(f)), why=why)[0]
        return self._shown(actor, folder)

    def _notifications(
        self, folder: WorkFolder, events: Sequence[FolderEvent]
    ) -> list[Notification]:
        """The change's notifications and, for a proposed or decided measure, its letter."""
        from werkmap.service.letters import letter_notifications

        notes = super()._notifications(folder, events)
        notes += letter_notifications(folder, events, policy=self.policy, calendar=self.calendar)
        return notes

    def _allow(
        self,
        actor: Actor,
        command: str,
        folder: WorkFolder | None = None,
        *,
        folder_id: str | None = None,
    ) -> None:
        """:func:`~werkmap.service.access.authorize`, with a refused attempt recorded (:meth:`_refused`)."""
        try:
            authorize(actor, command, folder, organisation=self.organisation)
        except (NotAuthorized, NotFound) as exc:
            self._refused(
                actor, command, folder.folder_id if folder is not None else folder_id, exc
            )
            raise

    def _refusal(
        self, actor: Actor, command: str, folder_id: str | None, message: str
    ) -> NotAuthorized:
        """A refusal the facade decides itself (a caseload, a team): recorded, then returned to raise."""
        exc = NotAuthorized(message)
        self._refused(actor, command, folder_id, exc)
        return exc

    def _refused(
        self, actor: Actor, command: str, folder_id: str | None, exc: WerkmapError
    ) -> None:
        """Record a refused attempt: who tried what, on which folder.

        On a stored folder (``folder_id``) it is an audit record on the folder's chain (action
        ``refused``, ``what`` the command); a jobseeker's refusal is recorded the same way, while the
        error they get stays the one of a folder that does not exist. An attempt on no stored folder (a
        caseload, a registration, the sweep) has no chain: it is a log line. Writing the record may fail
        (a read-only or full store): that is logged and counted (``refusal_audit_failures``) and the
        refusal is raised as it is, never turned into another error.
        """
        self._counts["refused_attempts"] += 1
        if folder_id is None:
            _log.warning("refused: %s tried %s (%s)", actor, command, exc)
            return
        why = (
            str(exc) if isinstance(exc, NotAuthorized) else "not their folder (answered: not found)"
        )
        entry = AuditEntry(
            folder_id=folder_id,
            actor=str(actor),
            action="refused",
            what=command,
            at=self.clock.now(),
            why=why,
        )
        _log.info("refused: %s tried %s on %r", actor, command, folder_id)
        try:
            self._audit_entry(entry)
        except Exception as failure:
            self._counts["refusal_audit_failures"] += 1
            _log.error(
                "the refused attempt of %s to %s on %r could not be audited (%s: %s)",
                actor,
                command,
                folder_id,
                type(failure).__name__,
                failure,
            )

    def _command(
        self,
        actor: Actor,
        command: str,
        folder_id: str,
        change: Callable[[WorkFolder], Made[_T]],
        *,
        why: str | Callable[[Made[_T]], str] = "",
    ) -> tuple[WorkFolder, _T]:
        """Run one command (:meth:`UnitOfWork._command`); a refusal is recorded (:meth:`_refused`)."""
        try:
            return super()._command(actor, command, folder_id, change, why=why)
        except NotAuthorized as exc:  # only authorisation raises it: the folder was there
            self._refused(actor, command, folder_id, exc)
            raise
        except NotFound as exc:
            owner = self._owner(folder_id)
            if owner is None:  # no chain to record the attempt on
                _log.info("%s tried %s on %r: there is no such folder", actor, command, folder_id)
            elif actor.role == "jobseeker" and owner != actor.id:
                self._refused(actor, command, folder_id, exc)  # another person's folder
            raise

    def _owner(self, folder_id: str) -> str | None:
        """The ``jobseeker_ref`` of a folder, or ``None`` when there is no such (readable) folder."""
        try:
            folder = self._get(folder_id)[0]
        except WerkmapError:
            return None
        return folder.jobseeker_ref

    def _readable(self, actor: Actor, command: str, folder_id: str) -> WorkFolder:
        """The folder a read of one folder returns, once ``actor`` may read it (a refusal is recorded).

        A folder that does not exist has no chain to record an attempt on: it is a log line (INFO).
        """
        if self._pending is not None and folder_id in self._pending:
            folder = self._pending[folder_id].folder
        else:
            try:
                folder = self._fresh(folder_id)
            except NotFound:
                _log.info(
                    "%s asked for %s of %r: there is no such folder", actor, command, folder_id
                )
                raise
        self._allow(actor, command, folder)
        return folder
