"""The daily sweep: what the service model says is due, for every due folder at once.

The rules decide for all due folders in one call; only the folders with an action are loaded and changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence

import attrs
import numpy as np

from werkmap.errors import ConcurrencyConflict, FolderUnreadable, InvalidInput, Problem
from werkmap.plan.folder import WorkFolder
from werkmap.rules import columnar
from werkmap.rules import commands as rc
from werkmap.rules.columnar import FolderColumns
from werkmap.rules.due import Action
from werkmap.rules.state import FolderState, folder_state
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor
from werkmap.service.rulestate import load_state

__all__ = ["SweepPart", "SweepResult", "Sweeping"]

_log = logging.getLogger("werkmap.service")


@attrs.frozen
class SweepPart:
    """One of ``of`` disjoint parts of the folders, for sweepers that run side by side.

    A folder is in part ``number`` (1 … ``of``) when the first 8 bytes of the BLAKE2b hash of its id,
    as a number, leave ``number - 1`` when divided by ``of``. So every folder is in exactly one part, the
    same one on every machine and in every run, and the parts are about equally large. Run one sweeper
    per part on the same day (``werkmap sweep --part 1/2`` and ``--part 2/2``, or
    ``Werkmap.sweep(actor, part=SweepPart(1, 2))`` in each of two processes): together they do what one
    sweep of the whole store does, and each uses a core of its own (the docs' page "Scaling out"). The
    parts are werkmap's own; they need not match a database's shards.

    Attributes:
        number: which part, from 1.
        of: how many parts, at least 1.

    Raises:
        InvalidInput: ``of`` is below 1 or ``number`` is not between 1 and ``of``.

    Examples:
        >>> part = SweepPart.parse("1/2")
        >>> part
        SweepPart(number=1, of=2)
        >>> part.holds("f-1"), SweepPart(2, 2).holds("f-1")
        (True, False)
    """

    number: int
    of: int

    def __attrs_post_init__(self) -> None:
        problems = []
        of_ok = type(self.of) is int and self.of >= 1
        if not of_ok:
            problems.append(
                Problem(path="part.of", message=f"expected at least 1, got {self.of!r}")
            )
        if type(self.number) is not int or self.number < 1 or (of_ok and self.number > self.of):
            upto = f"1 to {self.of}" if of_ok else "a whole number from 1"
            problems.append(
                Problem(path="part.number", message=f"expected {upto}, got {self.number!r}")
            )
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def parse(cls, text: str) -> SweepPart:
        """Read a part written as ``K/N`` (part K of N), as ``werkmap sweep --part`` takes it.

        Raises:
            InvalidInput: ``text`` is not ``K/N`` with 1 <= K <= N.
        """
        number, slash, of = text.strip().partition("/")
        try:
            if not slash:
                raise ValueError(text)
            k, n = int(number), int(of)
        except ValueError:
            raise InvalidInput(
                [Problem(path="part", message=f"expected K/N, such as 1/2, got {text!r}")]
            ) from None
        return cls(k, n)

    def holds(self, folder_id: str) -> bool:
        """Whether the folder with id ``folder_id`` is in this part."""
        if self.of == 1:
            return True
        digest = hashlib.blake2b(folder_id.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.of == self.number - 1

    def __str__(self) -> str:
        return f"{self.number}/{self.of}"


@attrs.frozen(kw_only=True)
class SweepResult:
    """What one daily sweep did.

    Attributes:
        on: the date swept.
        actions: every action that was due and applied or recorded, with its reason (in folder order).
        failed: ``(action id, reason)`` for actions the folder refused, in action id order; they are not
            recorded as handled, so the next sweep offers them again.
        folders: how many folders were looked at (those the store's index said were due).
        invitations: ``(folder id, conversation id, kind, planned date)`` of each conversation the sweep
            invited to.
        quarantined: the ids of the due folders the store could not read back (a damaged document,
            patch or event row: :class:`~werkmap.errors.FolderUnreadable`), in id order. The sweep
            skipped them and swept every other due folder; each is logged as a warning on the
            ``werkmap.service`` logger, by id only.
        part: the part of the folders swept (:class:`SweepPart`), or ``None``: all of them.
    """

    on: dt.date
    actions: tuple[Action, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    folders: int = 0
    invitations: tuple[tuple[str, str, str, dt.date], ...] = ()
    quarantined: tuple[str, ...] = ()
    part: SweepPart | None = None

    @classmethod
    def merged(cls, parts: Sequence[SweepResult]) -> SweepResult:
        """One result for the sweeps of all the parts of one day: what one sweep of them all gives.

        ``parts`` are the results of the sweeps of parts 1/N … N/N of one day, each once, in any order.
        The actions and invitations are in folder order (each folder's in the order its sweep gave
        them), the refusals in action id order (as :meth:`Sweeping.sweep` gives them), the folders
        looked at are added up and the quarantined ids sorted; the result has no :attr:`part`.

        Raises:
            InvalidInput: no results, results of different days, a result of no part, or not each part
                of one N exactly once (every problem named).
        """
        problems = []
        if not parts:
            problems.append(
                Problem(path="parts", message="expected the results of parts 1/N .. N/N")
            )
        days = sorted({p.on for p in parts})
        if len(days) > 1:
            problems.append(
                Problem(
                    path="parts",
                    message="expected the sweeps of one day, got "
                    + ", ".join(d.isoformat() for d in days),
                )
            )
        whole = [i for i, p in enumerate(parts) if p.part is None]
        for i in whole:
            problems.append(Problem(path=f"parts[{i}]", message="is the sweep of no part"))
        seen = sorted((p.part.of, p.part.number) for p in parts if p.part is not None)
        if seen and not whole:
            of = seen[0][0]
            if seen != [(of, k) for k in range(1, of + 1)]:
                got = ", ".join(f"{k}/{n}" for n, k in seen)
                problems.append(
                    Problem(
                        path="parts", message=f"expected parts 1/{of} .. {of}/{of} once, got {got}"
                    )
                )
        if problems:
            raise InvalidInput(problems)
        return cls(
            on=days[0],
            actions=tuple(sorted((a for p in parts for a in p.actions), key=_folder_of_action)),
            failed=tuple(sorted(f for p in parts for f in p.failed)),
            folders=sum(p.folders for p in parts),
            invitations=tuple(
                sorted((i for p in parts for i in p.invitations), key=lambda i: i[0])
            ),
            quarantined=tuple(sorted(q for p in parts for q in p.quarantined)),
        )

    def counts(self) -> dict[str, int]:
        """Return the number of actions per kind."""
        out: dict[str, int] = {}
        for a in self.actions:
            out[a.kind] = out.get(a.kind, 0) + 1
        return out


def _folder_of_action(action: Action) -> str:
    return action.folder_id


def _outside(part: SweepPart | None, folder_id: str) -> bool:
    """Whether a sweep of ``part`` leaves the folder alone (never, for a sweep of every folder)."""
    return part is not None and not part.holds(folder_id)


_SWEEP_BATCH = 1000
"""How many folders the sweep changes in one transaction (one ``save_many``).

Measured with ``benchmarks/run.py --quick --only service_sweep`` (20,000 folders, 134 changed): one
transaction per folder took 0.64 s on SQLite and 2.78 s on PostgreSQL; 1,000 to a transaction, with the
batch's folders read by ``load_many``, 0.24 s and 0.20 s. On 1,000,000 folders (11,667 changed) the sweep
took 119 s on SQLite and 97 s on PostgreSQL folder by folder; with batches and ``load_many`` 2.5 ms wall
(2.1 ms CPU) a changed folder on SQLite, against 10.2 ms before."""


class Sweeping(ServiceCore):
    """The daily sweep; part of :class:`~werkmap.service.Werkmap`."""

    def sweep(
        self,
        actor: Actor,
        *,
        on: dt.date | None = None,
        progress: Callable[[int, int], None] | None = None,
        part: SweepPart | None = None,
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

        With ``part``, only the due folders in that part are looked at: sweepers of all the parts of one
        day, run side by side, together do what one sweep of the whole store does.

        Args:
            actor: the system.
            on: the day to sweep (default today).
            progress: called with ``(folders done, folders with an action)`` after each batch
                (:func:`werkmap.progress.progress` draws it).
            part: the part of the folders to sweep (default: all).

        Raises:
            NotAuthorized: the actor is not the system.
        """
        self._allow(actor, "sweep", folder_id=None)
        day = on if on is not None else self.today
        who = str(actor)
        applied: list[Action] = []
        failed: list[tuple[str, str]] = []
        invited: list[tuple[str, str, str, dt.date]] = []
        unreadable: set[str] = set()
        states = self._due_states(day, unreadable, part)
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
            failed=tuple(sorted(failed)),
            folders=due,
            invitations=tuple(invited),
            quarantined=tuple(sorted(unreadable)),
            part=part,
        )
        _log_sweep(result)
        return result

    def _due_states(
        self, day: dt.date, unreadable: set[str], part: SweepPart | None = None
    ) -> list[FolderState]:
        """What the rules read of every folder due on ``day`` (in ``part``), in folder id order.

        From the store's rows where it keeps them (``due_states``); from the folder itself for a folder
        pending in the unit of work, cached at a newer version, or stored without a readable rule state
        (a damaged one is read from the folder's document instead). A folder that cannot be read at all
        is added to ``unreadable`` and left out.
        """
        query = getattr(self.store, "due_states", None)
        if query is None:  # a store plugin without the query: the folders themselves
            return self._states_of(self._due_ids(day, part), day, unreadable)
        pending = self._pending or {}
        found: dict[str, FolderState | None] = {}
        for row in query(day):
            fid = row.folder_id
            if fid in pending or _outside(part, fid):
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
            if _outside(part, fid):
                continue
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

    def _due_ids(self, day: dt.date, part: SweepPart | None = None) -> list[str]:
        ids = set()
        pending = self._pending or {}
        for due_folder in self.store.due(day):
            fid = due_folder.folder_id
            if _outside(part, fid):
                continue
            ids.add(fid)
            cached = self._cache.get(fid)
            if cached is not None and fid not in pending and cached.version != due_folder.version:
                del self._cache[fid]  # another writer changed it: load it fresh
        if self._pending is not None:
            for fid, p in self._pending.items():
                if _outside(part, fid):
                    continue
                if p.index is None:
                    p.index = self.index_of(p.folder, p.on)
                due = p.index.next_due_on
                if due is not None and due <= day:
                    ids.add(fid)
                else:
                    ids.discard(fid)
        return sorted(ids)


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
        "sweep %s%s: %d actions in %d folders (%s), %d refused%s",
        result.on,
        f" (part {result.part})" if result.part is not None else "",
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
