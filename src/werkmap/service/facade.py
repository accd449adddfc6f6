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

from werkmap.rules.measures import measure_policy
from werkmap.service._conversations import Conversations
from werkmap.service._core import DEFAULT_STORE
from werkmap.service._delivery import Delivery
from werkmap.service._enforcement import Enforcement
from werkmap.service._erasure import Erasure
from werkmap.service._plans import Plans
from werkmap.service._profiling import Profiling
from werkmap.service._reads import FolderIterator, FolderList, Reading
from werkmap.service._registration import Registration
from werkmap.service._sweep import Sweeping, SweepPart, SweepResult
from werkmap.service.inputs import FIELDS, guarded

__all__ = [
    "DEFAULT_STORE",
    "FolderIterator",
    "FolderList",
    "SweepPart",
    "SweepResult",
    "Werkmap",
    "measure_policy",
]


# The groups of commands, each in its own module; listed last first, so that the API reference (which shows
# inherited members from the base class up) reads from registration to delivery.
class Werkmap(
    Delivery,
    Erasure,
    Reading,
    Sweeping,
    Enforcement,
    Plans,
    Conversations,
    Profiling,
    Registration,
):
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
        audit_key: the host's secret audit key (at least 16 bytes), given to the store it opens: audit
            records are sealed with HMAC-SHA256 under it (see the durability page). Only with a store
            URL; a store opened by the host takes the key when the host opens it.
        retention: the dated retention policy :meth:`erase` decides by (default: the packaged,
            illustrative one, :func:`werkmap.rules.retention.default_retention`).

    Use it as a context manager, or call :meth:`close`.
    """

    def __enter__(self) -> Werkmap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _guard_commands() -> None:
    """Check every command's arguments at the door (:mod:`werkmap.service.inputs`), before it runs."""
    for command in FIELDS:
        setattr(Werkmap, command, guarded(command, getattr(Werkmap, command)))


_guard_commands()
