"""The service shell: :class:`Werkmap` ties the clock, the store, the rules and the notifications together.

The rooms below it are pure: :mod:`werkmap.plan` changes folders, :mod:`werkmap.rules` decides routes and
finds what is due, :mod:`werkmap.profiler` scores. The shell does the I/O. Every command

1. loads the folder (from the store, or from the shell's own cache of what it wrote, checked by version
   when it saves);
2. checks that the :class:`Actor` may do it (:class:`~werkmap.errors.NotAuthorized` otherwise; nothing is
   changed);
3. applies one or more pure changes with the date of the shell's :class:`~werkmap.clock.Clock`;
4. derives the notifications from the events the change caused (Dutch and English texts, an idempotency
   key from the event) and one audit entry (who, what, when, why);
5. saves folder, events, notifications and audit entry in **one transaction** with the version it loaded
   (a concurrent writer gets :class:`~werkmap.errors.ConcurrencyConflict`, never a lost update), together
   with the index columns the dashboard and the sweep read;
6. hands the sealed audit records to the ``werkmap_audit`` hooks.

Who may do what (:data:`PERMISSIONS`): a jobseeker acts only on their own folder (the actor's id is the
folder's ``jobseeker_ref``), a coach only on folders in their caseload, a team lead only reads, and the
``system`` actor (the daily sweep, the benefit administration) may do what the service model does by itself.
Reads of a folder or a profile are audited.

Examples:
    >>> import datetime as dt
    >>> from werkmap.clock import FixedClock
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

import contextlib
import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from werkmap.clock import Clock, SystemClock
from werkmap.errors import (
    InvalidInput,
    NotAuthorized,
    NotFound,
    Problem,
    WerkmapError,
)
from werkmap.plan import folder as wf
from werkmap.plan.activity import ActivityKind
from werkmap.plan.conversation import ConversationKind
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.enforcement import Ground
from werkmap.plan.folder import FolderEvent, RouteRecord, WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.rules.due import Action, due_actions, first_due_on
from werkmap.rules.measures import measure_policy  # re-exported: werkmap.service.measure_policy
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.records import profile_record, route_record
from werkmap.rules.routing import CoachOverride, Decision, RoutingInputs, decide_route
from werkmap.rules.state import folder_state
from werkmap.storage.manager import Plugins, load_plugins
from werkmap.storage.outbox import Dispatcher, DispatchReport
from werkmap.storage.protocol import Store
from werkmap.storage.values import (
    AuditEntry,
    AuditRecord,
    FolderIndex,
    Notification,
    SaveRequest,
)
from werkmap.workdays import HolidayCalendar, dutch_calendar

if TYPE_CHECKING:
    from werkmap.dashboard import Dashboard
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.scoring import Profile
    from werkmap.report import PeriodReport

__all__ = [
    "DEFAULT_STORE",
    "PERMISSIONS",
    "ROLES",
    "Actor",
    "PlannedActivity",
    "SweepResult",
    "Werkmap",
    "measure_policy",
    "notifications_for",
]

DEFAULT_STORE = "sqlite:///werkmap.db"
"""The store a :class:`Werkmap` opens when none is given: a SQLite file in the working directory."""

ROLES = ("jobseeker", "coach", "team_lead", "system")
"""The roles an :class:`Actor` can have."""

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "register": frozenset({"coach", "system"}),
    "assign_coach": frozenset({"system"}),
    "invite_profiler": frozenset({"coach", "system"}),
    "submit_profile": frozenset({"jobseeker", "coach"}),
    "route": frozenset({"coach"}),
    "request_conversation": frozenset({"jobseeker"}),
    "invite_conversation": frozenset({"coach", "system"}),
    "reschedule_conversation": frozenset({"coach"}),
    "hold_conversation": frozenset({"coach"}),
    "record_no_show": frozenset({"coach"}),
    "cancel_conversation": frozenset({"coach", "system"}),
    "agree_plan": frozenset({"coach"}),
    "revise_plan": frozenset({"coach"}),
    "add_activity": frozenset({"coach", "jobseeker"}),
    "register_applications": frozenset({"jobseeker"}),
    "complete_activity": frozenset({"jobseeker", "coach"}),
    "remind": frozenset({"coach", "system"}),
    "excuse": frozenset({"coach"}),
    "refer": frozenset({"coach"}),
    "respond": frozenset({"jobseeker", "coach"}),
    "decide_case": frozenset({"coach"}),
    "record_objection": frozenset({"jobseeker", "coach"}),
    "close_case": frozenset({"coach"}),
    "record_work_found": frozenset({"jobseeker", "coach", "system"}),
    "record_benefit_ended": frozenset({"coach", "system"}),
    "sweep": frozenset({"system"}),
    "read_folder": frozenset({"jobseeker", "coach", "team_lead", "system"}),
    "dashboard": frozenset({"coach", "team_lead", "system"}),
    "report": frozenset({"team_lead", "system"}),
}
"""Which roles may run each command. A jobseeker is further limited to their own folder, a coach to the
folders in their caseload (and to their own dashboard)."""

_JOBSEEKER_CHANNEL = "werk.nl"
_COACH_CHANNEL = "dashboard"


@attrs.frozen(kw_only=True)
class Actor:
    """Who runs a command: a role and an id.

    Use the named constructors. A jobseeker's id is their folder's ``jobseeker_ref`` (for a folder created
    from a BSN, the pseudonym :func:`werkmap.plan.pseudonymise_bsn` gives); a coach's id is the
    ``coach_id`` of the folders in their caseload.

    Attributes:
        role: one of :data:`ROLES`.
        id: who, within the role.
    """

    role: str
    id: str

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.role not in ROLES:
            problems.append(Problem(path="$.role", message=f"expected one of {list(ROLES)}"))
        if not self.id.strip():
            problems.append(Problem(path="$.id", message="empty"))
        if problems:
            raise InvalidInput(problems, source="actor")

    @classmethod
    def jobseeker(cls, jobseeker_ref: str) -> Actor:
        """The jobseeker whose folder has this ``jobseeker_ref``."""
        return cls(role="jobseeker", id=jobseeker_ref)

    @classmethod
    def coach(cls, coach_id: str) -> Actor:
        """The work coach (*adviseur werk*) ``coach_id``."""
        return cls(role="coach", id=coach_id)

    @classmethod
    def team_lead(cls, lead_id: str) -> Actor:
        """A team lead: reads dashboards, folders and reports; changes nothing."""
        return cls(role="team_lead", id=lead_id)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The service itself (the daily sweep) or another agency system (the benefit administration)."""
        return cls(role="system", id=name)

    def __str__(self) -> str:
        return f"{self.role}:{self.id}"


@attrs.frozen(kw_only=True)
class PlannedActivity:
    """An activity agreed in a work plan: what, and by when.

    Attributes:
        kind: an :class:`~werkmap.plan.ActivityKind` (``application``, ``cv``, ``e_learning`` ...).
        due: the planned deadline (moved to the next working day when it is not one).
        title: a short description shown to the jobseeker.
    """

    kind: str
    due: dt.date
    title: str = ""


@attrs.frozen(kw_only=True)
class SweepResult:
    """What one daily sweep did.

    Attributes:
        on: the date swept.
        actions: every action that was due and applied or recorded, with its reason (in folder order).
        failed: ``(action id, reason)`` for actions the folder refused; they are recorded, not retried.
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


# ----------------------------------------------------------------------------------- notifications

_KIND_NL = {
    "orientation": "werkoriëntatiegesprek",
    "monitor": "monitorgesprek",
    "coaching": "coachingsgesprek",
    "early_contact": "persoonlijk contact",
}
_KIND_EN = {
    "orientation": "an orientation conversation",
    "monitor": "a monitor conversation",
    "coaching": "a coaching conversation",
    "early_contact": "a face-to-face contact",
}

# event kind -> (recipient, Dutch text, English text); texts are filled from the event's data
_MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "profiler_invited": (
        "jobseeker",
        "Vul de Werkverkenner in: zo weten we welke ondersteuning bij u past.",
        "Please fill in the Work Profiler, so we know which support suits you.",
    ),
    "conversation_invited": (
        "jobseeker",
        "U bent uitgenodigd voor een {kind_nl} op {at}.",
        "You are invited to {kind_en} on {at}.",
    ),
    "conversation_rescheduled": (
        "jobseeker",
        "Uw gesprek is verplaatst naar {at}.",
        "Your conversation was moved to {at}.",
    ),
    "conversation_cancelled": (
        "jobseeker",
        "Uw gesprek is geannuleerd: {reason_nl}.",
        "Your conversation was cancelled: {reason_en}.",
    ),
    "activity_added": (
        "jobseeker",
        "Nieuwe activiteit in uw Werkmap, uiterlijk {due}.",
        "A new activity in your Work Folder, due {due}.",
    ),
    "activity_overdue": (
        "jobseeker",
        "De termijn van een activiteit in uw Werkmap is verstreken.",
        "The deadline of an activity in your Work Folder has passed.",
    ),
    "activity_reminded": (
        "jobseeker",
        "Herinnering: rond uw activiteit af of laat weten waarom het niet lukt.",
        "Reminder: complete your activity or let us know why you cannot.",
    ),
    "case_informed": (
        "jobseeker",
        "U heeft een verplichting niet nagekomen. Reageer uiterlijk {respond_by}.",
        "You did not meet an obligation. Please respond by {respond_by}.",
    ),
    "measure_decided": (
        "jobseeker",
        "Er is een besluit genomen over uw verplichting; u kunt bezwaar maken.",
        "A decision was taken about your obligation; you may object.",
    ),
    "case_no_measure": (
        "jobseeker",
        "Er volgt geen maatregel.",
        "No measure follows.",
    ),
    "plan_agreed": (
        "jobseeker",
        "Uw werkplan is vastgelegd in uw Werkmap.",
        "Your work plan is recorded in your Work Folder.",
    ),
    "plan_revised": (
        "jobseeker",
        "Uw werkplan is bijgewerkt.",
        "Your work plan was revised.",
    ),
}

_COACH_ACTIONS: Mapping[str, tuple[str, str]] = {
    "flag_application_duty": (
        "Sollicitatieplicht niet gehaald ({subject}): beoordeel de Werkmap.",
        "Application duty not met ({subject}): review the folder.",
    ),
    "propose_enforcement": (
        "Geen reactie op herinnering ({subject}): beslis over handhaving.",
        "No response to a reminder ({subject}): decide on enforcement.",
    ),
}


def notifications_for(folder: WorkFolder, events: Sequence[FolderEvent]) -> list[Notification]:
    """Return the notifications a change's events cause (texts in Dutch and English).

    The idempotency key is derived from the folder, the event's sequence number and kind, so the same event
    always gives the same notification, however often it is made.
    """
    out: list[Notification] = []
    coach = f"coach:{folder.coach_id}" if folder.coach_id else "team:unassigned"
    jobseeker = f"jobseeker:{folder.jobseeker_ref}"
    for event in events:
        data = event.data
        if event.kind in _MESSAGES:
            who, nl, en = _MESSAGES[event.kind]
            kind = data.get("kind", "")
            fill = {
                **data,
                "kind_nl": _KIND_NL.get(kind, "gesprek"),
                "kind_en": _KIND_EN.get(kind, "a conversation"),
            }
            if "reason" in data:
                fill["reason_nl"], fill["reason_en"] = _reason_texts(data["reason"])
            if event.kind == "conversation_invited":
                conv = folder.conversation(data["conversation_id"])
                fill["kind_nl"] = _KIND_NL.get(str(conv.kind), "gesprek")
                fill["kind_en"] = _KIND_EN.get(str(conv.kind), "a conversation")
            if event.kind == "activity_added" and event.actor.startswith("jobseeker"):
                continue  # the jobseeker registered it themselves
            out.append(
                Notification.create(
                    kind=event.kind,
                    folder_id=folder.folder_id,
                    recipient=jobseeker if who == "jobseeker" else coach,
                    channel=_JOBSEEKER_CHANNEL if who == "jobseeker" else _COACH_CHANNEL,
                    cause=f"{event.seq}:{event.kind}",
                    text_nl=nl.format_map(_Missing(fill)),
                    text_en=en.format_map(_Missing(fill)),
                    created_on=event.on,
                )
            )
        elif event.kind == "action_recorded" and data.get("kind") in _COACH_ACTIONS:
            nl, en = _COACH_ACTIONS[data["kind"]]
            out.append(
                Notification.create(
                    kind=data["kind"],
                    folder_id=folder.folder_id,
                    recipient=coach,
                    channel=_COACH_CHANNEL,
                    cause=f"{event.seq}:{data['id']}",
                    text_nl=nl.format(subject=data.get("subject", "")),
                    text_en=en.format(subject=data.get("subject", "")),
                    created_on=event.on,
                )
            )
        elif event.kind == "routed" and data.get("outcome") == "coach_analysis":
            out.append(
                Notification.create(
                    kind="coach_analysis",
                    folder_id=folder.folder_id,
                    recipient=coach,
                    channel=_COACH_CHANNEL,
                    cause=f"{event.seq}:{event.kind}",
                    text_nl="Geen Werkverkenner ingevuld: aanvullende analyse nodig.",
                    text_en="No Work Profiler filled in: additional analysis needed.",
                    created_on=event.on,
                )
            )
    return out


# reasons the service itself writes, and how each reads in the two languages
_REASONS: Mapping[str, tuple[str, str]] = {
    "found work": ("u heeft werk gevonden", "you found work"),
    "werk gevonden / work found": ("u heeft werk gevonden", "you found work"),
    "uitkering beëindigd / benefit ended": ("uw uitkering is beëindigd", "your benefit ended"),
}


def _reason_texts(reason: str) -> tuple[str, str]:
    """A reason in Dutch and English: translated when the service wrote it, else as the person wrote it."""
    if reason in _REASONS:
        return _REASONS[reason]
    nl, sep, en = reason.partition(" / ")
    return (nl, en) if sep else (reason, reason)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"


# ------------------------------------------------------------------------------------------ the shell

_Change = Callable[[WorkFolder], tuple[WorkFolder, tuple[FolderEvent, ...]]]


@attrs.define
class _Pending:
    folder: WorkFolder
    expected_version: int
    on: dt.date
    notifications: list[Notification]
    audit: list[AuditEntry]
    # computed when needed: at the end of the unit, or by the sweep
    index: FolderIndex | None = None
    # reads of the folder, also in ``audit`` in their place: kept even when the unit is undone
    reads: list[AuditEntry] = attrs.field(factory=list)

    def copy(self) -> _Pending:
        return attrs.evolve(
            self,
            notifications=list(self.notifications),
            audit=list(self.audit),
            reads=list(self.reads),
        )


_CONVERSATION_FOR = {
    "invite_orientation": "orientation",
    "invite_monitor": "monitor",
    "invite_early_contact": "early_contact",
    "invite_coaching": "coaching",
}
_OPEN_STATES = frozenset({"open", "overdue", "reminded"})


class Werkmap:
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
    ) -> None:
        self.plugins = plugins if plugins is not None else load_plugins()
        self.store: Store = self.plugins.open_store(store) if isinstance(store, str) else store
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.policy = policy if policy is not None else default_policy()
        self.calendar = calendar if calendar is not None else dutch_calendar()
        self._questionnaire = questionnaire
        self._model = model
        self._pseudonym_key = pseudonym_key
        self._cache_size = max(int(cache), 0)
        self._cache: OrderedDict[str, WorkFolder] = OrderedDict()
        self._pending: dict[str, _Pending] | None = None
        self._sealed: list[AuditRecord] = []

    # -------------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the store (a pending unit of work is discarded)."""
        self._pending = None
        self.store.close()

    def __enter__(self) -> Werkmap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def today(self) -> dt.date:
        """The clock's date (Europe/Amsterdam)."""
        return self.clock.today()

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

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Werkmap]:
        """Group the commands of a block into one transaction (``save_many``) written when it ends.

        Inside the block commands see each other's changes; when the block raises, nothing of it is
        written. The simulator uses one unit of work per simulated week.
        """
        if self._pending is not None:
            # nested: joins the outer unit, and undoes its own part on error
            saved = {fid: p.copy() for fid, p in self._pending.items()}
            try:
                yield self
            except BaseException:
                for fid, p in self._pending.items():
                    before = saved.get(fid)
                    if before is None:
                        self._cache.pop(fid, None)
                        self._keep_reads(p)
                    else:  # reads made in the inner block stay, in the outer unit
                        shown = p.reads[len(before.reads) :]
                        before.audit.extend(shown)
                        before.reads.extend(shown)
                self._pending = saved
                for p in saved.values():
                    self._remember(p.folder)
                raise
            return
        self._pending = {}
        try:
            yield self
        except BaseException:
            pending, self._pending = self._pending, None
            for fid, p in pending.items():
                self._cache.pop(fid, None)
                self._keep_reads(p)
            raise
        pending, self._pending = self._pending, None
        if pending:
            requests = [
                SaveRequest(
                    folder=p.folder,
                    expected_version=p.expected_version,
                    index=p.index if p.index is not None else self.index_of(p.folder, p.on),
                    notifications=tuple(p.notifications),
                    audit=tuple(p.audit),
                )
                for p in pending.values()
            ]
            try:
                records = self.store.save_many(requests)
            except BaseException:
                for fid in pending:
                    self._cache.pop(fid, None)
                raise
            self.plugins.announce(records)

    def _keep_reads(self, pending: _Pending) -> None:
        """A read was shown even when the unit it was part of is undone: audit it on its own."""
        for entry in pending.reads:
            self.plugins.audit(self.store, entry)

    # --------------------------------------------------------------------------------- internals

    def _remember(self, folder: WorkFolder) -> None:
        if self._cache_size:
            cache = self._cache
            cache[folder.folder_id] = folder
            cache.move_to_end(folder.folder_id)
            if len(cache) > self._cache_size:
                cache.popitem(last=False)

    def _fresh(self, folder_id: str) -> WorkFolder:
        folder = self.store.load(folder_id)
        self._remember(folder)
        return folder

    def _at_version(self, folder_id: str, version: int, *, remember: bool = False) -> WorkFolder:
        """The folder as the store holds it at ``version``: from the cache when it has that version."""
        cached = self._cache.get(folder_id)
        if cached is not None and cached.version == version:
            return cached
        return self._fresh(folder_id) if remember else self.store.load(folder_id)

    def _get(self, folder_id: str) -> tuple[WorkFolder, bool]:
        """Return the folder and whether it came from memory (cache or unit of work)."""
        if self._pending is not None and folder_id in self._pending:
            return self._pending[folder_id].folder, False
        cached = self._cache.get(folder_id)
        if cached is not None:
            self._cache.move_to_end(folder_id)
            return cached, True
        return self._fresh(folder_id), False

    def _authorize(self, actor: Actor, command: str, folder: WorkFolder | None) -> None:
        if actor.role not in PERMISSIONS[command]:
            raise NotAuthorized(f"{actor} may not {command.replace('_', ' ')}")
        if folder is None:
            return
        if actor.role == "jobseeker" and folder.jobseeker_ref != actor.id:
            raise NotAuthorized(
                f"{actor} may act only on their own folder, not {folder.folder_id!r}"
            )
        if actor.role == "coach" and folder.coach_id != actor.id:
            raise NotAuthorized(f"{actor} may act only on folders in their caseload")

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
            open_activities=sum(1 for a in folder.activities if str(a.state) in _OPEN_STATES),
            overdue_activities=wf.overdue_count(folder, day),
        )

    def _write(
        self,
        old: WorkFolder | None,
        new: WorkFolder,
        events: Sequence[FolderEvent],
        *,
        actor: Actor,
        command: str,
        why: str,
        on: dt.date,
    ) -> tuple[WorkFolder, tuple[AuditRecord, ...]]:
        """Save (or, in a unit of work, queue) a change; return the stored folder and the sealed records.

        The records are for the ``werkmap_audit`` hooks, which the caller calls once nothing can be run
        again (a hook that raises must not make a command run twice).
        """
        new, events = _one_version(old, new, events)
        notes = notifications_for(new, events)
        what = ", ".join(f"{e.seq}:{e.kind}" for e in events) or command
        entry = AuditEntry(
            folder_id=new.folder_id,
            actor=str(actor),
            action=command,
            what=what[:2000],
            at=self.clock.now(),
            why=why,
        )
        fid = new.folder_id
        records: tuple[AuditRecord, ...] = ()
        if self._pending is not None:
            pending = self._pending.get(fid)
            if pending is None:
                expected = old.version if old is not None else 0
                self._pending[fid] = _Pending(new, expected, on, notes, [entry])
            else:
                pending.folder = new
                pending.on = on
                pending.index = None
                pending.notifications.extend(notes)
                pending.audit.append(entry)
        else:
            index = self.index_of(new, on)
            expected = old.version if old is not None else 0
            try:
                records = self.store.save(
                    new, expected_version=expected, index=index, notifications=notes, audit=[entry]
                )
            except BaseException:
                self._cache.pop(fid, None)
                raise
        self._remember(new)
        return new, records

    def _run(
        self,
        actor: Actor,
        command: str,
        folder_id: str,
        change: _Change,
        *,
        why: str | Callable[[], str] = "",
    ) -> WorkFolder:
        """Run one command: authorise, change, write (see the module docstring).

        The command runs again, once, on a fresh folder when the cached one turns out to be older than the
        store's. A change that causes no event writes nothing.
        """
        on = self.today
        folder, from_cache = self._get(folder_id)
        for attempt in (1, 2):
            try:
                self._authorize(actor, command, folder)
                new, events = change(folder)
                if not events and not from_cache:
                    return folder
                if events:
                    reason = why() if callable(why) else why
                    stored, records = self._write(
                        folder, new, events, actor=actor, command=command, why=reason, on=on
                    )
                    break
            except WerkmapError:
                if attempt == 2 or not from_cache:
                    raise
            # the cached folder may be older than the store's (a command refused, a conflict, nothing to
            # do): run the command again, once, on the fresh one
            self._cache.pop(folder_id, None)
            folder, from_cache = self._fresh(folder_id), False
        else:  # pragma: no cover
            raise AssertionError("unreachable")
        self.plugins.announce(records)
        return stored

    def _audit_read(self, actor: Actor, folder: WorkFolder, what: str, why: str) -> None:
        entry = AuditEntry(
            folder_id=folder.folder_id,
            actor=str(actor),
            action="read",
            what=what,
            at=self.clock.now(),
            why=why,
        )
        pending = self._pending.get(folder.folder_id) if self._pending is not None else None
        if pending is not None:
            # the folder's writes are not stored yet: keep the read in its place
            pending.audit.append(entry)
            pending.reads.append(entry)
        else:
            self.plugins.audit(self.store, entry)

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

        Raises:
            NotAuthorized: the actor may not register, or a coach registers into another caseload.
            InvalidInput: a folder with this id exists, or the reference is missing or invalid.
        """
        self._authorize(actor, "register", None)
        if actor.role == "coach":
            if coach_id not in (None, actor.id):
                raise NotAuthorized(f"{actor} may register only into their own caseload")
            coach_id = actor.id
        on = self.today
        exists = (self._pending is not None and folder_id in self._pending) or (
            folder_id in self._cache
        )
        if not exists:
            try:
                self.store.load(folder_id)
                exists = True
            except NotFound:
                exists = False
        if exists:
            raise InvalidInput(
                [Problem(path="$.folder_id", message=f"{folder_id!r} exists already")],
                source="register",
            )
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
        stored, records = self._write(
            None, folder, events, actor=actor, command="register", why="", on=on
        )
        self.plugins.announce(records)
        return stored

    def assign_coach(self, actor: Actor, folder_id: str, coach_id: str | None) -> WorkFolder:
        """Move a folder into ``coach_id``'s caseload (``None``: into none)."""
        on = self.today
        return self._run(
            actor,
            "assign_coach",
            folder_id,
            lambda f: wf.assign_coach(f, coach_id, on=on, actor=str(actor)),
        )

    # -------------------------------------------------------------------------------- profiler

    def invite_profiler(self, actor: Actor, folder_id: str) -> WorkFolder:
        """Invite the jobseeker to fill in the Work Profiler (the sweep does this after registration)."""
        on = self.today
        return self._run(
            actor,
            "invite_profiler",
            folder_id,
            lambda f: wf.invite_to_profiler(f, on=on, actor=str(actor)),
        )

    def submit_profile(
        self, actor: Actor, folder_id: str, answers: Mapping[str, object]
    ) -> Profile:
        """Score the jobseeker's answers, add the profile to the folder and route them.

        The route follows the routing table (score at most the threshold: an orientation conversation;
        above it: digital service), unless a coach's override is in force; it is recorded with its reason.

        Raises:
            InvalidAnswers: the answers are not valid (every problem listed); nothing changed.
        """
        from werkmap.profiler.scoring import score

        on = self.today
        scored: list[Profile] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            # scored here, once the actor may submit: a refusal never reveals what the answers are worth
            profile = score(answers, self.questionnaire, self.model, on=on)
            scored[:] = [profile]
            record = profile_record(profile, on=on)
            f1, e1 = wf.add_profile(f, record, on=on, actor=str(actor))
            prior = f1.latest_route
            override = _override_of(prior) if prior is not None else None
            f2, e2 = self._route(f1, override, on=on, actor=actor)
            return f2, e1 + e2

        self._run(actor, "submit_profile", folder_id, change, why="profile submitted")
        return scored[0]

    def _route(
        self,
        folder: WorkFolder,
        override: CoachOverride | None,
        *,
        on: dt.date,
        actor: Actor,
        decided: list[Decision] | None = None,
    ) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
        decision = self.decide(folder, override, on=on)
        if decided is not None:
            decided[:] = [decision]
        record = route_record(decision, on=on, override=override)
        return wf.record_route(folder, record, on=on, actor=str(actor))

    def decide(
        self,
        folder: WorkFolder,
        override: CoachOverride | None = None,
        *,
        on: dt.date | None = None,
    ) -> Decision:
        """Return the routing decision for a folder on a date (default today), without recording it."""
        day = on if on is not None else self.today
        profile = folder.latest_profile
        inputs = RoutingInputs(
            probability=profile.probability if profile else None,
            band=profile.band if profile else None,
            profiled_on=profile.taken_on if profile else None,
            requested=folder.conversation_requested_on is not None,
            override=override,
            conversation_held=any(str(c.state) == "held" for c in folder.conversations),
        )
        return decide_route(inputs, day, self.policy)

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
        on = self.today
        ov = (
            CoachOverride(outcome=override, reason=reason, by=actor.id, on=on)
            if override is not None
            else None
        )
        decided: list[Decision] = []
        self._run(
            actor,
            "route",
            folder_id,
            lambda f: self._route(f, ov, on=on, actor=actor, decided=decided),
            why=reason,
        )
        return decided[0]

    # --------------------------------------------------------------------------- conversations

    def request_conversation(self, actor: Actor, folder_id: str, *, note: str = "") -> WorkFolder:
        """Record that the jobseeker asked for a conversation; they are routed to one."""
        on = self.today

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            f1, e1 = wf.request_conversation(f, on=on, actor=str(actor), note=note)
            prior = f1.latest_route
            f2, e2 = self._route(f1, _override_of(prior) if prior else None, on=on, actor=actor)
            return f2, e1 + e2

        return self._run(actor, "request_conversation", folder_id, change, why=note)

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
        on = self.today
        made: list[str] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            cid = f"conv-{len(f.conversations) + 1}"
            made[:] = [cid]
            return _chain(
                f,
                lambda g: wf.propose_conversation(
                    g, cid, kind, on=on, actor=str(actor), reason=reason
                ),
                lambda g: wf.invite_conversation(g, cid, on=on, at=at, actor=str(actor)),
            )

        self._run(actor, "invite_conversation", folder_id, change, why=reason)
        return made[0]

    def reschedule_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, at: dt.date, reason: str
    ) -> WorkFolder:
        """Move an invited conversation to another date (the history is kept)."""
        on = self.today
        return self._run(
            actor,
            "reschedule_conversation",
            folder_id,
            lambda f: wf.reschedule_conversation(
                f, conversation_id, on=on, at=at, actor=str(actor), reason=reason
            ),
            why=reason,
        )

    def hold_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, outcome: str = ""
    ) -> WorkFolder:
        """Record that a conversation was held."""
        on = self.today
        return self._run(
            actor,
            "hold_conversation",
            folder_id,
            lambda f: wf.hold_conversation(
                f, conversation_id, on=on, actor=str(actor), outcome=outcome
            ),
        )

    def record_no_show(
        self, actor: Actor, folder_id: str, conversation_id: str, *, open_case: bool = True
    ) -> WorkFolder:
        """Record that the jobseeker did not come to a conversation.

        By default an enforcement case is opened and the jobseeker is informed and invited to respond; a
        coach decides it later (:meth:`decide_case`).
        """
        on = self.today
        pol = measure_policy(self.policy.at(on))

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            steps: list[_Change] = [
                lambda g: wf.record_no_show(g, conversation_id, on=on, actor=str(actor))
            ]
            if open_case:
                case_id = f"case-{len(f.cases) + 1}"
                steps += [
                    lambda g: wf.open_case(
                        g,
                        case_id,
                        ground=Ground.NO_SHOW,
                        on=on,
                        actor=str(actor),
                        reason="niet verschenen / no-show",
                        source_id=conversation_id,
                    ),
                    lambda g: wf.inform_case(
                        g, case_id, on=on, actor=str(actor), policy=pol, calendar=self.calendar
                    ),
                ]
            return _chain(f, *steps)

        return self._run(actor, "record_no_show", folder_id, change)

    def cancel_conversation(
        self, actor: Actor, folder_id: str, conversation_id: str, *, reason: str
    ) -> WorkFolder:
        """Cancel a pending conversation, with a reason."""
        on = self.today
        return self._run(
            actor,
            "cancel_conversation",
            folder_id,
            lambda f: wf.cancel_conversation(
                f, conversation_id, on=on, actor=str(actor), reason=reason
            ),
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
        on = self.today
        values = self.policy.at(on)
        duty = ApplicationDuty(
            required=values.application_duty_count, period_days=values.application_duty_period_days
        )
        planned = tuple(activities)
        extra = tuple(services)
        made: list[str] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            plan_id = f"plan-{len(f.plans) + 1}"
            made[:] = [plan_id]
            base = len(f.activities)
            ids = [f"act-{base + i + 1}" for i in range(len(planned))]
            steps: list[_Change] = [
                _adder(aid, p, on=on, actor=actor, calendar=self.calendar)
                for aid, p in zip(ids, planned, strict=True)
            ]
            steps.append(
                lambda g: wf.draft_plan(
                    g,
                    plan_id,
                    on=on,
                    actor=str(actor),
                    application_duty=duty,
                    activity_ids=ids,
                    services=extra,
                    note=note,
                )
            )
            steps.append(
                lambda g: wf.agree_plan(
                    g, plan_id, on=on, actor=str(actor), jobseeker_agreed=jobseeker_agreed
                )
            )
            return _chain(f, *steps)

        self._run(actor, "agree_plan", folder_id, change, why=note)
        return made[0]

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
        on = self.today
        planned = tuple(activities)

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            plan = f.current_plan
            if plan is None:
                raise InvalidInput(
                    [Problem(path="$.plan", message="no current work plan to revise")],
                    source="revise plan",
                )
            base = len(f.activities)
            ids = [f"act-{base + i + 1}" for i in range(len(planned))]
            steps: list[_Change] = [
                _adder(aid, p, on=on, actor=actor, calendar=self.calendar)
                for aid, p in zip(ids, planned, strict=True)
            ]
            keep = tuple(plan.current.activity_ids)
            steps.append(
                lambda g: wf.revise_plan(
                    g,
                    plan.plan_id,
                    on=on,
                    actor=str(actor),
                    reason=reason,
                    activity_ids=(*keep, *ids),
                    services=services,
                    note=note,
                )
            )
            return _chain(f, *steps)

        return self._run(actor, "revise_plan", folder_id, change, why=reason)

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
        on = self.today
        made: list[str] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            aid = f"act-{len(f.activities) + 1}"
            made[:] = [aid]
            step = _adder(
                aid,
                PlannedActivity(kind=str(kind), due=due, title=title),
                on=on,
                actor=actor,
                calendar=self.calendar,
            )
            return step(f)

        self._run(actor, "add_activity", folder_id, change)
        return made[0]

    def register_applications(
        self, actor: Actor, folder_id: str, titles: Sequence[str]
    ) -> tuple[str, ...]:
        """Register application activities the jobseeker did today (one per title), done at once.

        They count for the application duty. Returns their ids.

        Raises:
            InvalidInput: no titles.
        """
        on = self.today
        made: list[str] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            base = len(f.activities)
            made[:] = [f"act-{base + i + 1}" for i in range(len(titles))]
            return wf.register_applications(
                f,
                list(zip(made, titles, strict=True)),
                on=on,
                actor=str(actor),
                calendar=self.calendar,
            )

        self._run(actor, "register_applications", folder_id, change)
        return tuple(made)

    def complete_activity(self, actor: Actor, folder_id: str, activity_id: str) -> WorkFolder:
        """Record an activity as done (late, when it was overdue or reminded)."""
        on = self.today
        return self._run(
            actor,
            "complete_activity",
            folder_id,
            lambda f: wf.complete_activity(f, activity_id, on=on, actor=str(actor)),
        )

    def remind(self, actor: Actor, folder_id: str, activity_id: str) -> WorkFolder:
        """Send the jobseeker a reminder for an overdue activity."""
        on = self.today
        return self._run(
            actor,
            "remind",
            folder_id,
            lambda f: wf.remind_activity(f, activity_id, on=on, actor=str(actor)),
        )

    def excuse(self, actor: Actor, folder_id: str, activity_id: str, *, reason: str) -> WorkFolder:
        """Excuse an overdue or reminded activity, with a reason."""
        on = self.today
        return self._run(
            actor,
            "excuse",
            folder_id,
            lambda f: wf.excuse_activity(f, activity_id, on=on, actor=str(actor), reason=reason),
            why=reason,
        )

    def refer(self, actor: Actor, folder_id: str, activity_id: str, *, reason: str) -> str:
        """Refer a reminded activity to enforcement and return the case id.

        A case is opened, and the jobseeker is informed and invited to respond within the response window;
        a coach decides the case later (:meth:`decide_case`).
        """
        on = self.today
        pol = measure_policy(self.policy.at(on))
        made: list[str] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            case_id = f"case-{len(f.cases) + 1}"
            made[:] = [case_id]
            return _chain(
                f,
                lambda g: wf.refer_activity(g, activity_id, on=on, actor=str(actor), reason=reason),
                lambda g: wf.open_case(
                    g,
                    case_id,
                    ground=Ground.ACTIVITY,
                    on=on,
                    actor=str(actor),
                    reason=reason,
                    source_id=activity_id,
                ),
                lambda g: wf.inform_case(
                    g, case_id, on=on, actor=str(actor), policy=pol, calendar=self.calendar
                ),
            )

        self._run(actor, "refer", folder_id, change, why=reason)
        return made[0]

    def respond(self, actor: Actor, folder_id: str, case_id: str, *, response: str) -> WorkFolder:
        """Record the jobseeker's response to an enforcement case."""
        on = self.today
        return self._run(
            actor,
            "respond",
            folder_id,
            lambda f: wf.record_response(f, case_id, on=on, actor=str(actor), response=response),
        )

    def decide_case(
        self,
        actor: Actor,
        folder_id: str,
        case_id: str,
        *,
        measure: bool,
        reason: str,
    ) -> WorkFolder:
        """A coach decides an enforcement case: no measure, or the measure the dated table proposes.

        werkmap never decides a measure by itself: this command is the named person's decision, with a
        reason. A case still waiting for the jobseeker's response is first recorded as not answered when
        the response window has passed.

        Raises:
            IllegalTransition: the case is not ready for a decision (the response window is still open).
        """
        on = self.today
        pol = measure_policy(self.policy.at(on))

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            steps: list[_Change] = []
            if str(f.case(case_id).state) == "informed":
                steps.append(lambda g: wf.record_no_response(g, case_id, on=on, actor=str(actor)))
            if measure:
                steps.append(
                    lambda g: wf.propose_measure(g, case_id, on=on, actor=str(actor), policy=pol)
                )
                steps.append(
                    lambda g: wf.decide_measure(g, case_id, on=on, actor=str(actor), reason=reason)
                )
            else:
                steps.append(
                    lambda g: wf.decide_no_measure(
                        g, case_id, on=on, actor=str(actor), reason=reason
                    )
                )
            return _chain(f, *steps)

        return self._run(actor, "decide_case", folder_id, change, why=reason)

    def record_objection(
        self, actor: Actor, folder_id: str, case_id: str, *, note: str = ""
    ) -> WorkFolder:
        """Record an objection (*bezwaar*) against a decided measure."""
        on = self.today
        return self._run(
            actor,
            "record_objection",
            folder_id,
            lambda f: wf.record_objection(f, case_id, on=on, actor=str(actor), note=note),
        )

    def close_case(
        self, actor: Actor, folder_id: str, case_id: str, *, reason: str = ""
    ) -> WorkFolder:
        """Close a decided enforcement case (after an objection: with the outcome as the reason)."""
        on = self.today
        return self._run(
            actor,
            "close_case",
            folder_id,
            lambda f: wf.close_case(f, case_id, on=on, actor=str(actor), reason=reason),
            why=reason,
        )

    # --------------------------------------------------------------------------- end of benefit

    def record_work_found(self, actor: Actor, folder_id: str) -> WorkFolder:
        """Record that the jobseeker found work.

        Pending invitations are cancelled (no no-shows), and so are the activities still open: the
        obligations of the benefit end with it.
        """
        on = self.today

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            g, events = wf.record_work_found(f, on=on, actor=str(actor))
            g, more = _cancel_open_activities(
                g, on=on, actor=actor, reason="werk gevonden / work found"
            )
            return g, events + more

        return self._run(actor, "record_work_found", folder_id, change)

    def record_benefit_ended(self, actor: Actor, folder_id: str, *, reason: str = "") -> WorkFolder:
        """Record that the benefit ended; the activities still open are cancelled."""
        on = self.today

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            g, events = wf.record_benefit_ended(f, on=on, actor=str(actor), reason=reason)
            g, more = _cancel_open_activities(
                g, on=on, actor=actor, reason=reason or "uitkering beëindigd / benefit ended"
            )
            return g, events + more

        return self._run(actor, "record_benefit_ended", folder_id, change, why=reason)

    # ------------------------------------------------------------------------------- the sweep

    def sweep(self, actor: Actor, *, on: dt.date | None = None) -> SweepResult:
        """Find and apply what the service model says is due on ``on`` (default today), folder by folder.

        Only folders whose indexed next-due date is on or before ``on`` are loaded. Conversations are
        proposed and invited (for the latest date the rule allows), activities marked overdue and reminded,
        invitations cancelled when work was found, folders without a profile routed to a coach; what needs
        a person (an enforcement proposal, an application-duty shortfall) is recorded and the coach is
        notified. Each folder is one transaction; running the same day again finds nothing new.

        Raises:
            NotAuthorized: the actor is not the system.
        """
        self._authorize(actor, "sweep", None)
        day = on if on is not None else self.today
        applied: list[Action] = []
        failed: list[tuple[str, str]] = []
        invited: list[tuple[str, str, str, dt.date]] = []
        ids = self._due_ids(day)
        for fid in ids:
            folder, _ = self._get(fid)
            actions = due_actions(folder_state(folder), day, self.policy, self.calendar)
            if (
                not actions
            ):  # the index was early (a policy change): nothing to do, nothing to write
                continue
            done, made, refused = self._sweep_folder(actor, fid, day)
            applied.extend(done)
            invited.extend(made)
            failed.extend(refused)
        return SweepResult(
            on=day,
            actions=tuple(applied),
            failed=tuple(failed),
            folders=len(ids),
            invitations=tuple(invited),
        )

    def _sweep_folder(
        self, actor: Actor, folder_id: str, day: dt.date
    ) -> tuple[list[Action], list[tuple[str, str, str, dt.date]], list[tuple[str, str]]]:
        """Apply one folder's due actions in one transaction; return them, its invitations and refusals.

        What is due is found from the folder the change is given, so a command run again on a fresher
        folder than the cached one applies only what that folder still needs.
        """
        done: list[Action] = []
        made: list[tuple[str, str, str, dt.date]] = []
        refused: list[tuple[str, str]] = []

        def change(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
            events: tuple[FolderEvent, ...] = ()
            done[:] = due_actions(folder_state(f), day, self.policy, self.calendar)
            made.clear()
            refused.clear()
            for action in done:
                try:
                    f, ev = self._apply_action(f, action, day, actor)
                except WerkmapError as exc:
                    refused.append((action.id, str(exc)))
                    f, ev = wf.record_actions(
                        f,
                        [(action.id, action.kind, action.subject, action.policy_version)],
                        on=day,
                        actor=str(actor),
                    )
                events += ev
                for e in ev:
                    if e.kind == "conversation_invited":
                        conv = f.conversation(e.data["conversation_id"])
                        at = conv.scheduled_for or day
                        made.append((f.folder_id, conv.conversation_id, str(conv.kind), at))
            return f, events

        def why() -> str:
            return "; ".join(f"{a.rule_id}: {a.reason_en}" for a in done)[:2000]

        self._run(actor, "sweep", folder_id, change, why=why)
        return done, made, refused

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

    def _apply_action(
        self, f: WorkFolder, action: Action, day: dt.date, actor: Actor
    ) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
        who = str(actor)
        kind = action.kind
        if kind == "cancel_invitation":
            return wf.cancel_conversation(
                f, action.subject, on=day, actor=who, reason="werk gevonden / work found"
            )
        if kind == "invite_profiler":
            return wf.invite_to_profiler(f, on=day, actor=who)
        if kind == "flag_no_profile":
            f1, e1 = self._route(f, None, on=day, actor=actor)
            f2, e2 = wf.record_actions(
                f1, [(action.id, kind, action.subject, action.policy_version)], on=day, actor=who
            )
            return f2, e1 + e2
        if kind in _CONVERSATION_FOR:
            cid = f"conv-{len(f.conversations) + 1}"
            at = action.due_by if action.due_by is not None else day
            return _chain(
                f,
                lambda g: wf.propose_conversation(
                    g, cid, _CONVERSATION_FOR[kind], on=day, actor=who, reason=action.rule_id
                ),
                lambda g: wf.invite_conversation(g, cid, on=day, at=at, actor=who),
            )
        if kind == "mark_overdue":
            return wf.mark_activity_overdue(f, action.subject, on=day, actor=who)
        if kind == "send_reminder":
            return wf.remind_activity(f, action.subject, on=day, actor=who)
        # propose_enforcement, flag_application_duty: a person decides; record and tell the coach
        return wf.record_actions(
            f, [(action.id, kind, action.subject, action.policy_version)], on=day, actor=who
        )

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
            self._authorize(actor, "read_folder", None)
        else:
            self._authorize(actor, "read_folder", folder)
        self._audit_read(actor, folder, "folder", why)
        return folder

    def caseload(self, actor: Actor, coach_id: str) -> list[WorkFolder]:
        """Return the folders in ``coach_id``'s caseload (the coach themself, a team lead or the system).

        Raises:
            NotAuthorized: a coach asks for another coach's caseload, or a jobseeker asks.
        """
        self._authorize(actor, "dashboard", None)
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
        folders = self.caseload(actor, coach_id)
        for folder in folders:
            if folder.latest_profile is not None:
                self._audit_read(actor, folder, "profile band (dashboard)", "")
        return build_dashboard(folders, coach_id=coach_id, on=day, policy=self.policy)

    def all_folders(self, actor: Actor) -> Iterator[WorkFolder]:
        """Return an iterator over every folder in the store, in folder-id order (team lead or system).

        Raises:
            NotAuthorized: at once, for another actor.
        """
        self._authorize(actor, "report", None)
        columns = self.store.index_columns()
        pairs = list(zip(columns.folder_id.tolist(), columns.version.tolist(), strict=True))
        pending = {fid: p.folder for fid, p in (self._pending or {}).items()}
        known = {fid for fid, _ in pairs}
        pairs += sorted((fid, f.version) for fid, f in pending.items() if fid not in known)
        pairs.sort()

        def folders() -> Iterator[WorkFolder]:
            for fid, version in pairs:
                # a report reads every folder: it does not push the working set out of the cache
                yield pending[fid] if fid in pending else self._at_version(fid, version)

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


# ------------------------------------------------------------------------------------- helpers


def _one_version(
    old: WorkFolder | None, new: WorkFolder, events: Sequence[FolderEvent]
) -> tuple[WorkFolder, Sequence[FolderEvent]]:
    """Make one command one version: the pure changes it chained each counted one; the command counts one."""
    target = (old.version if old is not None else 0) + 1
    if new.version == target or not events:
        return new, events
    fixed = tuple(
        FolderEvent(seq=e.seq, kind=e.kind, on=e.on, actor=e.actor, version=target, data=e.data)
        for e in events
    )
    return attrs.evolve(new, version=target, events=new.events[: -len(fixed)] + fixed), fixed


def _override_of(route: RouteRecord) -> CoachOverride | None:
    if not route.override_outcome:
        return None
    return CoachOverride(
        outcome=route.override_outcome,
        reason=route.override_reason,
        by=route.override_by,
        on=route.override_on or route.decided_on,
    )


def _cancel_open_activities(
    folder: WorkFolder, *, on: dt.date, actor: Actor, reason: str
) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
    steps: list[_Change] = [
        functools.partial(
            wf.cancel_activity, activity_id=a.activity_id, on=on, actor=str(actor), reason=reason
        )
        for a in folder.activities
        if str(a.state) in _OPEN_STATES
    ]
    return _chain(folder, *steps)


def _chain(folder: WorkFolder, *steps: _Change) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
    events: tuple[FolderEvent, ...] = ()
    for step in steps:
        folder, ev = step(folder)
        events += ev
    return folder, events


def _adder(
    activity_id: str,
    planned: PlannedActivity,
    *,
    on: dt.date,
    actor: Actor,
    calendar: HolidayCalendar,
) -> _Change:
    def step(f: WorkFolder) -> tuple[WorkFolder, tuple[FolderEvent, ...]]:
        return wf.add_activity(
            f,
            activity_id,
            planned.kind,
            due=planned.due,
            on=on,
            actor=str(actor),
            title=planned.title,
            calendar=calendar,
        )

    return step
