"""The unit of work: the cache of folders, the pending writes of a block, and the retry on a stale copy.

:class:`UnitOfWork` is the base of :class:`~werkmap.service.Werkmap`. It loads a folder (from the unit of
work, the cache, or the store), runs one pure change on it (:meth:`UnitOfWork._command`), and writes the
result with its notifications and one audit entry in one transaction with the version it loaded. A
command whose cached folder proves older than the store's is run again, once, on the fresh folder.

**Idempotency keys.** Every command of the facade is wrapped in :func:`idempotent`: it takes an optional
``idempotency_key=`` that is written with the command's change, in the same transaction
(``SaveRequest.commands``, the store's ``command_keys``). A retry with a key already stored runs nothing
and returns the first result: the value the command returned (an id, a profile, a decision), or, for a
command that returns the folder, the folder as the store holds it (the version the first run wrote, or a
later one when others changed it since). A key used before for another command is refused
(:class:`~werkmap.errors.InvalidInput`). A command called without a key stores none (nobody could
retry with it). A key is kept for :data:`KEY_RETENTION` (7 days) after its command: the first keyed
write of a day forgets the older ones (:meth:`~werkmap.storage.protocol.Store.forget_command_keys`), and
a retry after the window runs the command again.

**Plugin failures after commit.** The ``werkmap_audit`` hooks run after the change is stored. A hook that
raises is logged on the ``werkmap.service`` logger and counted (:meth:`UnitOfWork.counts`), never raised
to the caller as if the command had failed, so a caller never retries (and duplicates) a command that
was done.

**Threads.** A :class:`~werkmap.service.Werkmap` may be shared by threads. Each thread has its own unit of
work (and its own sweep read-ahead): a block in one thread never holds, writes or undoes another
thread's commands, and a command outside a block is stored when it returns. Folders of an open unit of
work are not put in the shared cache until they are stored, so no other thread reads them early. The
cache is shared (under a lock); a stale copy is caught by the version check, as between processes.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ParamSpec, TypeVar

import attrs

from werkmap import serialization
from werkmap.clock import Clock
from werkmap.errors import InvalidInput, NotFound, Problem, WerkmapError
from werkmap.plan.commands import Made
from werkmap.plan.folder import FolderEvent, WorkFolder
from werkmap.service.access import Actor, authorize
from werkmap.service.messages import notifications_for
from werkmap.service.teams import Organisation
from werkmap.storage._common import moment_text
from werkmap.storage.manager import Plugins
from werkmap.storage.protocol import Store
from werkmap.storage.values import (
    AuditEntry,
    AuditRecord,
    CommandKey,
    FolderIndex,
    Notification,
    SaveRequest,
)

__all__ = [
    "CACHE_BYTES",
    "KEY_RETENTION",
    "MAX_KEY_LENGTH",
    "FolderCache",
    "UnitOfWork",
    "folder_bytes",
    "idempotent",
]

CACHE_BYTES = 256 * 2**20
"""The default bound of the folder cache: 256 MiB of folders (estimated with :func:`folder_bytes`)."""

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("werkmap.service")

MAX_KEY_LENGTH = 200
"""The longest idempotency key a caller may give (printable characters only)."""

KEY_RETENTION = dt.timedelta(days=7)
"""How long a command's idempotency key is kept: a retry within it returns the first result.

Stripe keeps keys for 24 hours; werkmap keeps them a week, so that a retry after a long weekend or a
holiday (a message queue that redelivers after an outage, a batch job run again on Monday) still finds
its key. A retry after the window runs the command again. The price is the table's size: a week of keyed
commands (about 150 bytes a key plus the result)."""


@attrs.define
class _Keyed:
    """The idempotency key of the command being run, until its change is written."""

    key: str
    command: str
    value: Any = None
    written: bool = False


_CURRENT: contextvars.ContextVar[_Keyed | None] = contextvars.ContextVar(
    "werkmap_command_key", default=None
)


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            [
                Problem(
                    path="$.idempotency_key",
                    message=f"expected 1 to {MAX_KEY_LENGTH} printable characters",
                )
            ],
            source="idempotency key",
        )
    return key


def _encode(value: Any, at: dt.datetime) -> str:
    """The JSON text a command's result is stored as, with the moment it was stored (``"at"``)."""
    moment = moment_text(at)
    if isinstance(value, tuple):
        return json.dumps({"at": moment, "tuple": list(value)}, ensure_ascii=False)
    if value is None or isinstance(value, str | int | float | bool | list):
        return json.dumps({"at": moment, "json": value}, ensure_ascii=False)
    return json.dumps({"at": moment, "envelope": serialization.dump(value)}, ensure_ascii=False)


def _decode(text: str) -> Any:
    data = json.loads(text)
    if data is None:
        return None
    if "tuple" in data:
        return tuple(data["tuple"])
    if "json" in data:
        return data["json"]
    envelope = data["envelope"]
    spec = serialization._BY_NAME[envelope["schema"]]
    return serialization.load(envelope, spec.cls, source="idempotency key")


def idempotent(method: Callable[P, R]) -> Callable[P, R]:
    """Make a facade command idempotent by its ``idempotency_key=`` keyword (see the module text).

    The wrapped method must take ``idempotency_key: str | None = None`` (it need not use it). The key
    is written with the command's change; a retry with a stored key returns the first result and
    changes nothing.
    """
    returns_folder = str(method.__annotations__.get("return", "")) == "WorkFolder"
    command = method.__name__

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        given = kwargs.get("idempotency_key")
        if given is None:
            # No key, none stored: a nested command never writes its caller's key.
            token = _CURRENT.set(None)
            try:
                return method(*args, **kwargs)
            finally:
                _CURRENT.reset(token)
        self = args[0]
        assert isinstance(self, UnitOfWork)
        key = _check_key(given)
        found = self._stored_key(key)
        if found is not None:
            stored_at = found.stored_at  # None: stored before keys had a window
            if stored_at is not None and stored_at < self.clock.now() - KEY_RETENTION:
                self._forget_keys(force=True)  # past the window: forgotten, and run again
                found = None
        if found is not None:
            if found.command != command:
                raise InvalidInput(
                    [
                        Problem(
                            path="$.idempotency_key",
                            message=f"was used for {found.command!r}, not {command!r}",
                        )
                    ],
                    source=command,
                )
            self._counts["idempotent_replays"] += 1
            if returns_folder:
                folder, _ = self._get(found.folder_id)
                return folder  # type: ignore[return-value]
            return _decode(found.result)  # type: ignore[no-any-return]
        token = _CURRENT.set(_Keyed(key=key, command=command))
        try:
            return method(*args, **kwargs)
        finally:
            _CURRENT.reset(token)

    return run


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
    # the idempotency keys of the commands in the unit
    commands: list[CommandKey] = attrs.field(factory=list)

    def copy(self) -> _Pending:
        return attrs.evolve(
            self,
            notifications=list(self.notifications),
            audit=list(self.audit),
            reads=list(self.reads),
            commands=list(self.commands),
        )


def folder_bytes(folder: WorkFolder) -> int:
    """Estimate the memory a loaded folder takes, in bytes (for the size bound of the folder cache).

    Fitted with ``tracemalloc`` on the 1,000 folders of a one-year demo (52 KB a folder on average):
    about 5 KB per folder, 650 bytes per event or activity and 300 per conversation, plan, case, route
    or profile; within 10 % of the measured size for groups of 50 folders.
    """
    items = len(folder.events) + len(folder.activities)
    others = (
        len(folder.conversations)
        + len(folder.plans)
        + len(folder.cases)
        + len(folder.routes)
        + len(folder.profiles)
    )
    return 5_000 + 650 * items + 300 * others


class FolderCache:
    """The service's folder cache: least recently used out first, bounded by count and estimated bytes.

    Args:
        count: at most this many folders (``0``: none are kept).
        max_bytes: at most this many estimated bytes (:func:`folder_bytes`).
    """

    def __init__(self, count: int, max_bytes: int) -> None:
        self.count = max(int(count), 0)
        self.max_bytes = max(int(max_bytes), 0)
        self.bytes = 0
        self._folders: OrderedDict[str, tuple[WorkFolder, int]] = OrderedDict()
        self._lock = threading.RLock()  # one cache for every thread of the service

    def __len__(self) -> int:
        return len(self._folders)

    def __contains__(self, folder_id: object) -> bool:
        return folder_id in self._folders

    def get(self, folder_id: str) -> WorkFolder | None:
        """Return a cached folder (without marking it used), or ``None``."""
        item = self._folders.get(folder_id)
        return item[0] if item is not None else None

    def move_to_end(self, folder_id: str) -> None:
        """Mark a folder as the most recently used (nothing when another thread dropped it)."""
        with self._lock:
            if folder_id in self._folders:
                self._folders.move_to_end(folder_id)

    def put(self, folder: WorkFolder) -> None:
        """Keep a folder (the most recently used), evicting the least recently used over the bounds."""
        if not self.count or not self.max_bytes:
            return
        fid = folder.folder_id
        size = folder_bytes(folder)
        with self._lock:
            self.pop(fid, None)
            self._folders[fid] = (folder, size)
            self.bytes += size
            while self._folders and (
                len(self._folders) > self.count or self.bytes > self.max_bytes
            ):
                _, (_, dropped) = self._folders.popitem(last=False)
                self.bytes -= dropped

    def pop(self, folder_id: str, default: None = None) -> WorkFolder | None:
        """Forget a folder; return it (or ``default``)."""
        with self._lock:
            item = self._folders.pop(folder_id, None)
            if item is None:
                return default
            self.bytes -= item[1]
        return item[0]

    def __delitem__(self, folder_id: str) -> None:
        if self.pop(folder_id) is None:
            raise KeyError(folder_id)


class UnitOfWork:
    """Loading, caching and writing folders for the service (see the module docstring).

    Args:
        store: the open store.
        plugins: the plugin manager (audit and announcement hooks).
        clock: where the date and time come from.
        cache: how many folders to keep in memory (the most recently used; ``0``: none).
        cache_bytes: how much memory the kept folders may take, estimated (default 256 MiB).
    """

    def __init__(
        self,
        store: Store,
        *,
        plugins: Plugins,
        clock: Clock,
        cache: int,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        self.plugins = plugins
        self.store: Store = store
        self.clock: Clock = clock
        self._cache = FolderCache(cache, cache_bytes)
        # what is each thread's own: its unit of work (_pending) and its sweep's read-ahead (_prefetched)
        self._local = threading.local()
        self._sealed: list[AuditRecord] = []
        self.organisation: Organisation | None = None
        self._counts: Counter[str] = Counter()
        # the day the command keys past KEY_RETENTION were last forgotten
        self._keys_forgotten_on: dt.date | None = None

    def counts(self) -> dict[str, int]:
        """Return what the shell counted since it was made.

        ``plugin_failures``: audit hooks that raised after a change was stored; ``idempotent_replays``:
        commands retried with a stored idempotency key (run once, answered again).
        """
        return {"plugin_failures": 0, "idempotent_replays": 0, **self._counts}

    def _announce(self, records: Sequence[AuditRecord]) -> None:
        """Hand sealed records to the ``werkmap_audit`` hooks; a hook that raises is logged and counted.

        The change is stored by then: raising would make the caller think the command failed and run it
        again.
        """
        if not records:
            return
        try:
            self.plugins.announce(records)
        except Exception as exc:
            self._counts["plugin_failures"] += 1
            log.error(
                "a werkmap_audit hook raised after the change was stored (%s: %s); the command "
                "succeeded and is not to be retried",
                type(exc).__name__,
                exc,
            )

    def _audit_entry(self, entry: AuditEntry) -> None:
        """Seal an entry that is not part of a save, then announce it."""
        self._announce([self.store.append_audit(entry)])

    def _stored_key(self, key: str) -> CommandKey | None:
        """The command key ``key`` as pending in this unit of work or stored."""
        for pending in (self._pending or {}).values():
            for command in pending.commands:
                if command.key == key:
                    return command
        return self.store.command_result(key)

    def _forget_keys(self, *, force: bool = False) -> None:
        """Forget the command keys older than :data:`KEY_RETENTION` (once a day, or now when forced)."""
        today = self.today
        if force or self._keys_forgotten_on != today:
            self.store.forget_command_keys(before=self.clock.now() - KEY_RETENTION)
            self._keys_forgotten_on = today

    def _command_key(self, folder: WorkFolder) -> list[CommandKey]:
        """The key of the command being run, for its (first) write; ``[]`` when there is none."""
        keyed = _CURRENT.get()
        if keyed is None or keyed.written:
            return []
        return [
            CommandKey(
                key=keyed.key,
                command=keyed.command,
                folder_id=folder.folder_id,
                version=folder.version,
                result=_encode(keyed.value, self.clock.now()),
            )
        ]

    @property
    def _pending(self) -> dict[str, _Pending] | None:
        """This thread's open unit of work: the folders it changed, not yet stored (``None``: none open)."""
        # the thread's own __dict__: a missing name is no AttributeError raised (and caught) per read
        pending: dict[str, _Pending] | None = self._local.__dict__.get("pending")
        return pending

    @_pending.setter
    def _pending(self, pending: dict[str, _Pending] | None) -> None:
        self._local.pending = pending

    @property
    def _prefetched(self) -> dict[str, WorkFolder]:
        """Folders this thread's sweep read ahead in bulk (its batch), taken once by ``_get``."""
        ahead: dict[str, WorkFolder] | None = self._local.__dict__.get("prefetched")
        if ahead is None:
            ahead = self._local.prefetched = {}
        return ahead

    @_prefetched.setter
    def _prefetched(self, ahead: dict[str, WorkFolder]) -> None:
        self._local.prefetched = ahead

    @property
    def today(self) -> dt.date:
        """The clock's date (Europe/Amsterdam)."""
        return self.clock.today()

    def index_of(self, folder: WorkFolder, on: dt.date | None = None) -> FolderIndex:
        """Return the index columns a store keeps beside ``folder`` (the service defines them)."""
        raise NotImplementedError

    # -------------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the store (a pending unit of work is discarded)."""
        self._pending = None
        self.store.close()

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """Group the commands of a block into one transaction (``save_many``) written when it ends.

        Inside the block commands see each other's changes; when the block raises, nothing of it is
        written. The simulator uses one unit of work per simulated day.
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
                    commands=tuple(p.commands),
                )
                for p in pending.values()
            ]
            try:
                records = self.store.save_many(requests)
            except BaseException:
                for fid in pending:
                    self._cache.pop(fid, None)
                raise
            for p in pending.values():  # stored: now the other threads may read them from the cache
                self._remember(p.folder)
            self._announce(records)

    def _keep_reads(self, pending: _Pending) -> None:
        """A read was shown even when the unit it was part of is undone: audit it on its own."""
        for entry in pending.reads:
            self._audit_entry(entry)

    # --------------------------------------------------------------------------------- the cache

    def _remember(self, folder: WorkFolder) -> None:
        self._cache.put(folder)

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
            self._prefetched.pop(folder_id, None)
            self._cache.move_to_end(folder_id)
            return cached, True
        ahead = self._prefetched.pop(folder_id, None)
        if ahead is not None:
            self._remember(ahead)
            return ahead, False
        return self._fresh(folder_id), False

    def _exists(self, folder_id: str) -> bool:
        """Whether a folder with this id is pending, cached or stored."""
        if (self._pending is not None and folder_id in self._pending) or folder_id in self._cache:
            return True
        try:
            self.store.load(folder_id)
        except NotFound:
            return False
        return True

    # ---------------------------------------------------------------------------------- writing

    def _notifications(
        self, folder: WorkFolder, events: Sequence[FolderEvent]
    ) -> list[Notification]:
        """The notifications a change's events cause (the shell may add its own, such as letters)."""
        return notifications_for(folder, events)

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
        notes = self._notifications(new, events)
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
        expected = old.version if old is not None else 0
        keys = self._command_key(new)
        if keys:
            self._forget_keys()  # the first keyed write of a day: the keys past the window go
        if self._pending is not None:
            pending = self._pending.get(fid)
            if pending is None:
                self._pending[fid] = _Pending(new, expected, on, notes, [entry], commands=keys)
            else:
                pending.folder = new
                pending.on = on
                pending.index = None
                pending.notifications.extend(notes)
                pending.audit.append(entry)
                pending.commands.extend(keys)
            self._key_written(keys)
        else:
            index = self.index_of(new, on)
            try:
                if keys:
                    records = self.store.save_many(
                        [
                            SaveRequest(
                                folder=new,
                                expected_version=expected,
                                index=index,
                                notifications=notes,
                                audit=[entry],
                                commands=keys,
                            )
                        ]
                    )
                else:
                    records = self.store.save(
                        new,
                        expected_version=expected,
                        index=index,
                        notifications=notes,
                        audit=[entry],
                    )
            except BaseException:
                self._cache.pop(fid, None)
                raise
            self._key_written(keys)
            self._remember(new)  # in a unit of work: when the unit is stored
        return new, records

    @staticmethod
    def _key_written(keys: Sequence[CommandKey]) -> None:
        keyed = _CURRENT.get()
        if keys and keyed is not None:
            keyed.written = True

    def _command(
        self,
        actor: Actor,
        command: str,
        folder_id: str,
        change: Callable[[WorkFolder], Made[T]],
        *,
        why: str | Callable[[Made[T]], str] = "",
    ) -> tuple[WorkFolder, T]:
        """Run one command: authorise, one pure change, write; return the stored folder and what it made.

        The command runs again, once, on a fresh folder when the cached one turns out to be older than the
        store's. A change that causes no event writes nothing.
        """
        on = self.today
        folder, from_cache = self._get(folder_id)
        for attempt in (1, 2):
            try:
                authorize(actor, command, folder, organisation=self.organisation)
                made = change(folder)
                if not made.events and not from_cache:
                    return folder, made.value
                if made.events:
                    keyed = _CURRENT.get()
                    if keyed is not None and not keyed.written:
                        keyed.value = made.value
                    reason = why(made) if callable(why) else why
                    stored, records = self._write(
                        folder,
                        made.folder,
                        made.events,
                        actor=actor,
                        command=command,
                        why=reason,
                        on=on,
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
        self._announce(records)
        return stored, made.value

    def _audit_read(self, actor: Actor, folder: WorkFolder, what: str, why: str) -> None:
        self._audit_reads(actor, [folder], what, why)

    def _audit_reads(
        self, actor: Actor, folders: Sequence[WorkFolder], what: str, why: str = ""
    ) -> None:
        """Audit a read of folders: the stored ones in one transaction (``append_audit_many``).

        A folder with writes pending in the unit of work keeps its read in its place instead.
        """
        at = self.clock.now()
        entries = []
        for folder in folders:
            entry = AuditEntry(
                folder_id=folder.folder_id,
                actor=str(actor),
                action="read",
                what=what,
                at=at,
                why=why,
            )
            pending = self._pending.get(folder.folder_id) if self._pending is not None else None
            if pending is not None:
                # the folder's writes are not stored yet: keep the read in its place
                pending.audit.append(entry)
                pending.reads.append(entry)
            else:
                entries.append(entry)
        if len(entries) == 1:
            self._audit_entry(entries[0])
        elif entries:
            many = getattr(self.store, "append_audit_many", None)  # a plugin may lack it
            if many is not None:
                self._announce(many(entries))
            else:
                self._announce([self.store.append_audit(e) for e in entries])
