"""The conformance kit: a test suite any storage plugin runs against its own store.

Subclass :class:`StoreConformance` in your plugin's tests and give it one fixture, ``werkmap_store``, that
yields a new, empty store of your plugin (opened through its URL), and one more, ``werkmap_previous_version``,
that builds a store at the previous schema version holding some folders; every test of the suite then runs
against your store::

    import pytest
    from werkmap.storage import load_plugins
    from werkmap.storage.testing import StoreConformance

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def werkmap_store(self, tmp_path):
            store = load_plugins().open_store(f"mystore://{tmp_path}/db")
            yield store
            store.close()

The module is also a pytest plugin (``pytest -p werkmap.storage.testing`` or ``pytest_plugins = [...]`` in a
root ``conftest.py``) that offers the fixtures ``werkmap_clock``, ``werkmap_samples`` and
``werkmap_channel`` to your own tests.

Give a third fixture, ``werkmap_reopen``: a callable that opens the store ``werkmap_store`` yielded anew (the
same file or database; for an in-process store, the store itself).

The suite checks: the round trip of every value type a folder holds, Unicode, large folders, what is there
after reopening, version conflicts (a stale save changes nothing; a version above the stored one is refused;
concurrent writers on one folder have exactly one winner), audit times round-tripped exactly in
Europe/Amsterdam, ``limit`` honoured, event order, the outbox (at least once, stable keys, retries,
nothing lost, claims with a lease so that two dispatchers never hold one item, dead letters after the last
attempt while the rest keeps flowing, command idempotency keys), the caseload and due-date queries, the
columnar export, the audit chain (one entry and a batch in one transaction), invalid input
(and no BSN in clear), and the migration from the previous schema version.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import attrs
import numpy as np
import pytest

from werkmap.clock import FixedClock
from werkmap.errors import ConcurrencyConflict, InvalidInput, NotFound
from werkmap.storage._common import moment_text
from werkmap.storage.audit import verify_audit, verify_events
from werkmap.storage.hookspecs import hookimpl
from werkmap.storage.manager import Plugins, load_plugins
from werkmap.storage.outbox import Backoff, Dispatcher
from werkmap.storage.protocol import SCHEMA_VERSION, Store
from werkmap.storage.values import (
    BANDS,
    AuditAnchor,
    AuditEntry,
    CommandKey,
    DueFolder,
    FolderIndex,
    IndexRow,
    Notification,
    SaveRequest,
    events_cover,
)

__all__ = [
    "FolderSamples",
    "PreviousVersion",
    "RecordingChannel",
    "StoreConformance",
    "default_samples",
    "index_for",
    "main",
    "werkmap_channel",
    "werkmap_clock",
    "werkmap_samples",
]

START = dt.date(2024, 3, 4)


class FolderSamples(Protocol):
    """Makes folders for the suite (the default makes ``WorkFolder`` values)."""

    def new(self, folder_id: str, *, events: int = 2, note: str = "") -> Any:
        """Return a new folder at version 1 or more, with at least ``events`` events."""
        ...

    def advance(self, folder: Any, *, note: str = "") -> Any:
        """Return the folder after one more change: a higher version and at least one new event."""
        ...

    def variety(self) -> Sequence[Any]:
        """Return folders that together hold every kind of value a folder can hold."""
        ...


@attrs.frozen(kw_only=True)
class PreviousVersion:
    """A store written at the previous schema version, for the migration test.

    Attributes:
        open: opens the store the way a host would (so it is migrated on open).
        folder_ids: folders written before the migration, which must load afterwards.
        coach_id: a coach whose caseload holds all of ``folder_ids``.
    """

    open: Callable[[], Store]
    folder_ids: tuple[str, ...]
    coach_id: str


def index_for(folder: Any, *, coach_id: str | None = "coach-1", day: int = 0) -> FolderIndex:
    """Return a plausible :class:`FolderIndex` for a sample folder (due ``day`` days after a start date)."""
    return FolderIndex(
        coach_id=coach_id,
        status="active",
        band=BANDS[day % 4],
        next_due_on=START + dt.timedelta(days=day) if day >= 0 else None,
        next_conversation_on=START + dt.timedelta(days=day + 7) if day >= 0 else None,
        open_activities=day % 5,
        overdue_activities=day % 2,
    )


class RecordingChannel:
    """A notification plugin for tests: records deliveries, and fails the first ``fail_first`` calls."""

    def __init__(self, *, fail_first: int = 0, channel: str = "werk.nl") -> None:
        self.fail_first = fail_first
        self.channel = channel
        self.calls = 0
        self.delivered: list[Notification] = []

    @hookimpl
    def werkmap_deliver_notification(self, notification: Notification) -> bool | None:
        """Deliver notifications of :attr:`channel`, failing the first ``fail_first`` attempts."""
        if notification.channel != self.channel:
            return None
        self.calls += 1
        if self.calls <= self.fail_first:
            raise ConnectionError("channel unavailable (simulated)")
        self.delivered.append(notification)
        return True


def _note(folder_id: str, cause: str, *, channel: str = "werk.nl") -> Notification:
    return Notification.create(
        kind="reminder",
        folder_id=folder_id,
        recipient=f"ref-{folder_id}",
        channel=channel,
        cause=cause,
        text_nl="Vergeet uw sollicitatieactiviteiten niet.",
        text_en="Do not forget your application activities.",
        created_on=START,
    )


def _entry(folder_id: str, action: str, minute: int = 0) -> AuditEntry:
    return AuditEntry(
        folder_id=folder_id,
        actor="coach-1",
        action=action,
        what="routing: conversation",
        at=dt.datetime(2024, 3, 4, 9, minute, tzinfo=dt.UTC),
        why="score 0.41 <= 0.50",
    )


# --- fixtures offered by the plugin -----------------------------------------------------------------


@pytest.fixture
def werkmap_clock() -> FixedClock:
    """A :class:`~werkmap.clock.FixedClock` at 09:00 on 4 March 2024."""
    return FixedClock(dt.datetime(2024, 3, 4, 9, 0))


def default_samples() -> FolderSamples:
    """Return the default sample maker: ``WorkFolder`` values from :mod:`werkmap.plan`."""
    module = importlib.import_module("werkmap.storage._samples")
    samples: FolderSamples = module.WorkFolderSamples()
    return samples


@pytest.fixture
def werkmap_samples() -> FolderSamples:
    """Sample ``WorkFolder`` values for the suite."""
    return default_samples()


@pytest.fixture
def werkmap_channel() -> RecordingChannel:
    """A :class:`RecordingChannel` for the ``werk.nl`` channel that fails its first two attempts."""
    return RecordingChannel(fail_first=2)


class StoreConformance:
    """The parametrised suite: subclass it and provide ``werkmap_store`` and ``werkmap_previous_version``."""

    # --- fixtures --------------------------------------------------------------------------------------

    @pytest.fixture
    def werkmap_store(self) -> Iterator[Store]:
        """Override: yield a new, empty store of the plugin under test."""
        raise NotImplementedError(
            "override the werkmap_store fixture in your StoreConformance subclass"
        )

    @pytest.fixture
    def werkmap_previous_version(self) -> PreviousVersion:
        """Override: a store at schema version ``SCHEMA_VERSION - 1`` holding folders."""
        raise NotImplementedError(
            "override werkmap_previous_version in your StoreConformance subclass"
        )

    @pytest.fixture
    def samples(self) -> FolderSamples:
        """The folders the suite stores (override to use another folder factory)."""
        return default_samples()

    @pytest.fixture
    def clock(self) -> FixedClock:
        """The clock of the dispatcher tests."""
        return FixedClock(dt.datetime(2024, 3, 4, 9, 0))

    # --- round trips ---------------------------------------------------------------------------------

    def test_new_store_is_at_current_schema_version(self, werkmap_store: Store) -> None:
        """Check: new store is at current schema version."""
        assert werkmap_store.schema_version() == SCHEMA_VERSION
        assert len(werkmap_store.index_columns()) == 0

    def test_round_trip_of_every_value_type(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: round trip of every value type."""
        folders = list(samples.variety())
        assert folders, "the samples must hold at least one folder"
        for i, folder in enumerate(folders):
            werkmap_store.save(folder, expected_version=0, index=index_for(folder, day=i))
        for folder in folders:
            assert werkmap_store.load(folder.folder_id) == folder

    @pytest.mark.parametrize(
        "note",
        [
            "Zoë werkt bij café ’t Hoekje — ĳverig",
            "北京 · Ελληνικά · עברית · 🙂👩🏽‍💻",
            "quotes ' \" and back\\slash, newline\nand tab\t",
            "line separator \u2028 paragraph \u2029 and a NUL \x00 inside",
            "Robert'); DROP TABLE folders;--",
        ],
    )
    def test_unicode_and_hostile_text(
        self, werkmap_store: Store, samples: FolderSamples, note: str
    ) -> None:
        """Check: unicode and hostile text."""
        folder = samples.new("f-unicode", note=note)
        werkmap_store.save(folder, expected_version=0, index=index_for(folder, coach_id=note))
        assert werkmap_store.load("f-unicode") == folder
        assert [r.folder_id for r in werkmap_store.caseload(note)] == ["f-unicode"]

    def test_large_folder(self, werkmap_store: Store, samples: FolderSamples) -> None:
        """Check: large folder."""
        folder = samples.new("f-large", events=1500, note="x" * 2000)
        werkmap_store.save(folder, expected_version=0, index=index_for(folder))
        assert werkmap_store.load("f-large") == folder
        events = werkmap_store.events("f-large")
        assert list(events) == list(folder.events)

    def test_missing_folder_is_not_found(self, werkmap_store: Store) -> None:
        """Check: missing folder is not found."""
        with pytest.raises(NotFound):
            werkmap_store.load("nope")
        assert werkmap_store.events("nope") == ()

    # --- versions and conflicts ------------------------------------------------------------------------

    def test_stale_save_is_a_conflict_and_changes_nothing(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: stale save is a conflict and changes nothing."""
        v1 = samples.new("f-1")
        werkmap_store.save(v1, expected_version=0, index=index_for(v1))
        mine = samples.advance(v1, note="mine")
        theirs = samples.advance(v1, note="theirs")
        werkmap_store.save(mine, expected_version=v1.version, index=index_for(mine, day=3))
        with pytest.raises(ConcurrencyConflict) as info:
            werkmap_store.save(
                theirs,
                expected_version=v1.version,
                index=index_for(theirs, coach_id="coach-2"),
                notifications=[_note("f-1", "theirs")],
                audit=[_entry("f-1", "decide.theirs")],
            )
        assert info.value.folder_id == "f-1"
        assert info.value.expected == v1.version
        assert info.value.actual == mine.version
        assert werkmap_store.load("f-1") == mine
        assert werkmap_store.caseload("coach-2") == ()
        assert werkmap_store.outbox() == ()
        assert werkmap_store.audit_records("f-1") == ()

    def test_creating_an_existing_folder_is_a_conflict(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: creating an existing folder is a conflict."""
        first = samples.new("f-dup", note="first")
        werkmap_store.save(first, expected_version=0, index=index_for(first))
        with pytest.raises(ConcurrencyConflict):
            werkmap_store.save(
                samples.new("f-dup", note="second"), expected_version=0, index=index_for(first)
            )
        assert werkmap_store.load("f-dup") == first

    def test_saving_a_missing_folder_from_a_version_is_a_conflict(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: saving a missing folder from a version is a conflict."""
        folder = samples.advance(samples.new("f-ghost"))
        with pytest.raises(ConcurrencyConflict) as info:
            werkmap_store.save(folder, expected_version=1, index=index_for(folder))
        assert info.value.actual is None

    def test_a_batch_is_all_or_nothing(self, werkmap_store: Store, samples: FolderSamples) -> None:
        """Check: a batch is all or nothing."""
        taken = samples.new("f-taken")
        werkmap_store.save(taken, expected_version=0, index=index_for(taken))
        batch = [
            SaveRequest(
                folder=samples.new(f"f-b{i}"),
                expected_version=0,
                index=index_for(None, day=i),
                notifications=[_note(f"f-b{i}", "batch")],
                audit=[_entry(f"f-b{i}", "decide.batch")],
            )
            for i in range(5)
        ]
        batch.insert(3, SaveRequest(folder=taken, expected_version=0, index=index_for(taken)))
        with pytest.raises(ConcurrencyConflict):
            werkmap_store.save_many(batch)
        assert [r.folder_id for r in werkmap_store.caseload("coach-1")] == ["f-taken"]
        assert werkmap_store.outbox() == ()
        assert werkmap_store.audit_records("f-b0") == ()
        assert werkmap_store.events("f-b0") == ()
        werkmap_store.save_many([r for r in batch if r.folder.folder_id != "f-taken"])
        assert len(werkmap_store.caseload("coach-1")) == 6
        assert len(werkmap_store.outbox()) == 5

    def test_invalid_input_lists_every_problem_and_never_shows_a_bsn(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: invalid input lists every problem and never shows a bsn."""
        folder = samples.new("f-bsn")
        leaky = attrs.evolve(folder, jobseeker_ref="111222333")
        bad_index = FolderIndex(band="50-60", open_activities=-1)
        with pytest.raises(InvalidInput) as info:
            werkmap_store.save(
                leaky,
                expected_version=0,
                index=bad_index,
                notifications=[_note("f-other", "x")],
            )
        paths = {p.path for p in info.value.problems}
        assert {
            "$.folder.jobseeker_ref",
            "$.index.band",
            "$.index.open_activities",
            "$.notifications[0].folder_id",
        } <= paths
        assert "111222333" not in str(info.value)
        with pytest.raises(NotFound):
            werkmap_store.load("f-bsn")

    # --- events --------------------------------------------------------------------------------------

    def test_event_log_is_appended_in_order(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: event log is appended in order."""
        folder = samples.new("f-ev", events=3)
        werkmap_store.save(folder, expected_version=0, index=index_for(folder))
        for i in range(4):
            later = samples.advance(folder, note=f"step {i}")
            werkmap_store.save(later, expected_version=folder.version, index=index_for(later))
            folder = later
        assert list(werkmap_store.events("f-ev")) == list(folder.events)
        third = folder.events[2]
        after = werkmap_store.events("f-ev", after=_sequence(third))
        assert list(after) == list(folder.events[3:])

    # --- outbox --------------------------------------------------------------------------------------

    def test_outbox_delivers_at_least_once_with_stable_keys(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: outbox delivers at least once with stable keys."""
        folder = samples.new("f-out")
        notes = [_note("f-out", f"cause-{i}") for i in range(3)]
        werkmap_store.save(folder, expected_version=0, index=index_for(folder), notifications=notes)
        channel = RecordingChannel(fail_first=2)
        plugins = _plugins(channel)
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.advance(minutes=seconds / 60)

        dispatcher = Dispatcher(
            werkmap_store,
            plugins,
            clock=clock,
            backoff=Backoff(initial=dt.timedelta(seconds=30)),
            sleep=sleep,
        )
        report = dispatcher.drain()
        assert report.pending == 0
        assert sorted(report.delivered) == sorted(n.idempotency_key for n in notes)
        assert len(report.failed) == 2
        assert waits
        assert all(w > 0 for w in waits)
        assert {n.idempotency_key for n in channel.delivered} == {n.idempotency_key for n in notes}
        assert werkmap_store.outbox(include_delivered=False) == ()
        assert all(i.delivered_at is not None for i in werkmap_store.outbox())
        assert werkmap_store.pending_notifications(now=clock.now()) == ()
        assert dispatcher.dispatch_once().delivered == ()

    def test_outbox_never_loses_a_notification(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: outbox never loses a notification."""
        folder = samples.new("f-lost")
        note = _note("f-lost", "only", channel="letter")
        werkmap_store.save(
            folder, expected_version=0, index=index_for(folder), notifications=[note]
        )
        plugins = _plugins(RecordingChannel(fail_first=10**6, channel="letter"))
        backoff = Backoff(initial=dt.timedelta(seconds=10), factor=2.0)

        def sleep(seconds: float) -> None:
            clock.advance(minutes=seconds / 60)

        dispatcher = Dispatcher(werkmap_store, plugins, clock=clock, backoff=backoff, sleep=sleep)
        report = dispatcher.drain(max_rounds=4)
        assert report.delivered == ()
        [item] = werkmap_store.outbox()
        assert item.notification == note
        assert item.attempts == 4
        assert item.delivered_at is None
        assert "ConnectionError" in item.last_error
        assert item.next_attempt_at is not None
        assert item.next_attempt_at > clock.now()
        assert werkmap_store.pending_notifications(now=clock.now()) == ()

    def test_a_notification_nobody_delivers_stays_pending(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: a notification nobody delivers stays pending."""
        folder = samples.new("f-nochannel")
        note = _note("f-nochannel", "x", channel="pigeon")
        werkmap_store.save(
            folder, expected_version=0, index=index_for(folder), notifications=[note]
        )
        dispatcher = Dispatcher(werkmap_store, _plugins(RecordingChannel()), clock=clock)
        report = dispatcher.dispatch_once()
        assert report.failed == (note.idempotency_key,)
        assert "pigeon" in werkmap_store.outbox()[0].last_error

    def test_claims_hold_a_lease_for_their_owner(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: a claimed item is not claimed again until its lease ends, and only its owner marks it."""
        folder = samples.new("f-lease")
        notes = [_note("f-lease", f"c-{i}") for i in range(5)]
        werkmap_store.save(folder, expected_version=0, index=index_for(folder), notifications=notes)
        now = clock.now()
        lease = dt.timedelta(minutes=5)
        a = werkmap_store.claim_notifications(owner="a", now=now, lease=lease, limit=3)
        assert [i.notification for i in a] == notes[:3]
        assert {i.claimed_by for i in a} == {"a"}
        assert {i.claimed_until for i in a} == {now + lease}
        b = werkmap_store.claim_notifications(owner="b", now=now, lease=lease)
        assert [i.notification for i in b] == notes[3:]
        assert werkmap_store.claim_notifications(owner="b", now=now, lease=lease) == ()
        assert werkmap_store.pending_notifications(now=now) == ()
        # the lease runs out (a died): b may claim a's items; a's late failure changes nothing
        later = now + lease + dt.timedelta(seconds=1)
        taken = werkmap_store.claim_notifications(owner="b", now=later, lease=lease)
        assert [i.notification for i in taken] == notes
        key = notes[0].idempotency_key
        assert not werkmap_store.mark_failed(key, at=later, retry_at=later, error="late", owner="a")
        [item] = [i for i in werkmap_store.outbox() if i.notification.idempotency_key == key]
        assert (item.attempts, item.claimed_by) == (0, "b")
        assert werkmap_store.mark_failed(key, at=later, retry_at=later, error="x", owner="b")
        # a delivery is recorded whoever holds the lease, once; marking it again says so
        assert werkmap_store.mark_delivered(notes[1].idempotency_key, at=later)
        assert not werkmap_store.mark_delivered(notes[1].idempotency_key, at=later)
        assert not werkmap_store.mark_failed(
            notes[1].idempotency_key, at=later, retry_at=later, error="x", owner="b"
        )
        with pytest.raises(NotFound):
            werkmap_store.mark_delivered("no-such-key", at=later)
        again = werkmap_store.claim_notifications(owner="c", now=later, lease=lease)
        assert [i.notification.idempotency_key for i in again] == [key]
        assert again[0].attempts == 1

    def test_two_dispatchers_never_hold_one_item_at_once(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: two dispatchers in threads deliver every item exactly once, never overlapping."""
        requests = []
        for i in range(8):
            folder = samples.new(f"f-two-{i}", events=1)
            notes = [_note(folder.folder_id, f"c-{j}") for j in range(5)]
            requests.append(
                SaveRequest(
                    folder=folder, expected_version=0, index=index_for(folder), notifications=notes
                )
            )
        werkmap_store.save_many(requests)
        channel = _OverlapChannel()
        plugins = _plugins(channel)  # type: ignore[arg-type]
        clock = FixedClock(dt.datetime(2024, 3, 4, 9, 0))
        errors: list[BaseException] = []

        def run(name: str) -> None:
            try:
                Dispatcher(werkmap_store, plugins, clock=clock, batch=3, owner=name).drain(
                    max_rounds=100
                )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f"d{n}",)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert channel.overlaps == []
        keys = [n.idempotency_key for n in channel.delivered]
        assert sorted(keys) == sorted(n.idempotency_key for r in requests for n in r.notifications)
        assert werkmap_store.outbox(include_delivered=False) == ()

    def test_a_channel_that_always_fails_is_dead_lettered_and_the_rest_flows(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: after the last allowed attempt an item is dead-lettered once, listed, never offered again."""
        folder = samples.new("f-dead")
        broken = _note("f-dead", "broken", channel="letter")
        fine = [_note("f-dead", f"fine-{i}") for i in range(3)]
        werkmap_store.save(
            folder, expected_version=0, index=index_for(folder), notifications=[broken, *fine]
        )
        good = RecordingChannel()
        plugins = _plugins(good, RecordingChannel(fail_first=10**9, channel="letter"))

        def sleep(seconds: float) -> None:
            clock.advance(minutes=seconds / 60)

        dispatcher = Dispatcher(werkmap_store, plugins, clock=clock, sleep=sleep, max_attempts=4)
        report = dispatcher.drain(max_rounds=10)
        assert report.dead_lettered == (broken.idempotency_key,)
        assert len(report.failed) == 3
        assert report.pending == 0
        assert {n.idempotency_key for n in good.delivered} == {n.idempotency_key for n in fine}
        [dead] = werkmap_store.dead_letters()
        assert dead.notification == broken
        assert dead.attempts == 4
        assert dead.dead_lettered_at is not None
        assert dead.delivered_at is None
        assert "ConnectionError" in dead.last_error
        clock.advance(days=30)
        assert werkmap_store.pending_notifications(now=clock.now()) == ()
        assert werkmap_store.claim_notifications(owner="x", now=clock.now()) == ()
        assert dispatcher.dispatch_once().dead_lettered == ()

    def test_command_keys_are_stored_with_the_change(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: a command's idempotency key is written with its change, once, or not at all."""
        v1 = samples.new("f-keys")
        key = CommandKey(key="k-1", command="note", folder_id="f-keys", version=v1.version)
        werkmap_store.save_many(
            [SaveRequest(folder=v1, expected_version=0, index=index_for(v1), commands=[key])]
        )
        assert werkmap_store.command_result("k-1") == key
        assert werkmap_store.command_result("k-2") is None
        v2 = samples.advance(v1)
        with pytest.raises(ConcurrencyConflict):
            werkmap_store.save_many(
                [
                    SaveRequest(
                        folder=v2,
                        expected_version=v1.version,
                        index=index_for(v2),
                        commands=[attrs.evolve(key, version=v2.version)],
                    )
                ]
            )
        assert werkmap_store.load("f-keys") == v1
        assert werkmap_store.command_result("k-1") == key

    def test_command_keys_are_forgotten_after_their_moment(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: forget_command_keys deletes the keys stored before a moment, and only those."""
        at = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)

        def key(name: str, result: str) -> CommandKey:
            return CommandKey(key=name, command="note", folder_id="f-old", version=1, result=result)

        old = key("k-old", json.dumps({"at": moment_text(at), "json": None}))
        new = key("k-new", json.dumps({"at": moment_text(at + dt.timedelta(days=8)), "json": 3}))
        timeless = key("k-timeless", "null")  # stored by a werkmap before keys had a moment
        v1 = samples.new("f-old")
        werkmap_store.save_many(
            [
                SaveRequest(
                    folder=v1,
                    expected_version=0,
                    index=index_for(v1),
                    commands=[old, new, timeless],
                )
            ]
        )
        assert old.stored_at == at
        assert werkmap_store.forget_command_keys(before=at) == 0
        assert werkmap_store.forget_command_keys(before=at + dt.timedelta(days=7)) == 1
        assert werkmap_store.command_result("k-old") is None
        assert werkmap_store.command_result("k-new") == new
        assert werkmap_store.command_result("k-timeless") == timeless
        assert werkmap_store.load("f-old") == v1

    def test_same_idempotency_key_is_stored_once(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: same idempotency key is stored once."""
        v1 = samples.new("f-idem")
        werkmap_store.save(
            v1, expected_version=0, index=index_for(v1), notifications=[_note("f-idem", "c")]
        )
        v2 = samples.advance(v1)
        werkmap_store.save(
            v2,
            expected_version=v1.version,
            index=index_for(v2),
            notifications=[_note("f-idem", "c")],
        )
        assert len(werkmap_store.outbox()) == 1

    # --- queries -------------------------------------------------------------------------------------

    def _population(self, store: Store, samples: FolderSamples, n: int = 60) -> list[IndexRow]:
        rows = []
        requests = []
        for i in range(n):
            folder = samples.new(f"f-{i:03d}", events=1)
            coach = f"coach-{i % 3}" if i % 7 else None
            index = index_for(folder, coach_id=coach, day=(i * 5) % 23 if i % 4 else -1)
            requests.append(SaveRequest(folder=folder, expected_version=0, index=index))
            rows.append(
                IndexRow.of(
                    folder_id=folder.folder_id,
                    version=folder.version,
                    jobseeker_ref=folder.jobseeker_ref,
                    index=index,
                )
            )
        store.save_many(requests)
        return rows

    def test_caseload_of_a_coach(self, werkmap_store: Store, samples: FolderSamples) -> None:
        """Check: caseload of a coach."""
        rows = self._population(werkmap_store, samples)
        for coach in ("coach-0", "coach-1", "coach-2"):
            expected = sorted(
                (r for r in rows if r.coach_id == coach),
                key=lambda r: (r.next_due_on is None, r.next_due_on, r.folder_id),
            )
            assert list(werkmap_store.caseload(coach)) == expected
        assert werkmap_store.caseload("nobody") == ()

    def test_due_on_or_before_a_date(self, werkmap_store: Store, samples: FolderSamples) -> None:
        """Check: due on or before a date."""
        rows = self._population(werkmap_store, samples)
        for days in (-1, 0, 4, 11, 40):
            day = START + dt.timedelta(days=days)
            expected = sorted(
                (
                    DueFolder(r.folder_id, r.version, r.next_due_on)
                    for r in rows
                    if r.next_due_on is not None and r.next_due_on <= day
                ),
                key=lambda r: (r.next_due_on, r.folder_id),
            )
            assert list(werkmap_store.due(day)) == expected

    def test_index_follows_the_latest_save(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: index follows the latest save."""
        v1 = samples.new("f-move")
        werkmap_store.save(v1, expected_version=0, index=index_for(v1, coach_id="coach-a", day=1))
        v2 = samples.advance(v1)
        werkmap_store.save(
            v2, expected_version=v1.version, index=index_for(v2, coach_id="coach-b", day=-1)
        )
        assert werkmap_store.caseload("coach-a") == ()
        [row] = werkmap_store.caseload("coach-b")
        assert row.version == v2.version
        assert werkmap_store.due(START + dt.timedelta(days=100)) == ()

    def test_columnar_export(self, werkmap_store: Store, samples: FolderSamples) -> None:
        """Check: columnar export."""
        rows = sorted(self._population(werkmap_store, samples), key=lambda r: r.folder_id)
        cols = werkmap_store.index_columns()
        assert len(cols) == len(rows)
        assert list(cols.folder_id) == [r.folder_id for r in rows]
        assert cols.version.dtype == np.int64
        assert cols.next_due_on.dtype == np.dtype("datetime64[D]")
        assert list(cols.coach_id) == [r.coach_id for r in rows]
        assert list(cols.band) == [r.band for r in rows]
        for got, row in zip(cols.next_due_on, rows, strict=True):
            if row.next_due_on is None:
                assert np.isnat(got)
            else:
                assert got == np.datetime64(row.next_due_on)
        assert list(cols.open_activities) == [r.open_activities for r in rows]
        day = np.datetime64(START + dt.timedelta(days=4))
        due = cols.folder_id[~np.isnat(cols.next_due_on) & (cols.next_due_on <= day)]
        assert sorted(due) == sorted(
            r.folder_id for r in werkmap_store.due(START + dt.timedelta(days=4))
        )

    # --- audit ---------------------------------------------------------------------------------------

    def test_audit_trail_is_hash_chained(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: audit trail is hash chained."""
        folder = samples.new("f-aud")
        sealed = werkmap_store.save(
            folder,
            expected_version=0,
            index=index_for(folder),
            audit=[_entry("f-aud", "decide.routing", 1), _entry("f-aud", "decide.plan", 2)],
        )
        read = werkmap_store.append_audit(_entry("f-aud", "read.profile", 3))
        other = werkmap_store.append_audit(_entry("f-other", "read.profile", 4))
        trail = werkmap_store.audit_records("f-aud")
        assert trail == (*sealed, read)
        assert [r.sequence for r in trail] == [1, 2, 3]
        assert trail[0].previous_hash == ""
        assert trail[1].previous_hash == trail[0].hash
        assert other.sequence == 1
        assert verify_audit(trail).ok
        changed = list(trail)
        changed[1] = attrs.evolve(changed[1], why="edited afterwards")
        check = verify_audit(changed)
        assert not check.ok
        assert (check.broken_at, check.sequence) == (1, 2)
        assert not verify_audit([trail[0], trail[2]]).ok

    def test_a_batch_of_audit_entries_is_sealed_at_once_into_each_chain(
        self, werkmap_store: Store
    ) -> None:
        """Check: ``append_audit_many`` seals into each folder's chain, in order, all or none."""
        first = werkmap_store.append_audit(_entry("f-b1", "read", 1))
        batch = [
            _entry("f-b2", "read", 2),
            _entry("f-b1", "read", 3),
            _entry("f-b2", "read", 4),
        ]
        sealed = werkmap_store.append_audit_many(batch)
        assert [(r.folder_id, r.sequence, r.at) for r in sealed] == [
            ("f-b2", 1, batch[0].at),
            ("f-b1", 2, batch[1].at),
            ("f-b2", 2, batch[2].at),
        ]
        assert werkmap_store.audit_records("f-b1") == (first, sealed[1])
        assert werkmap_store.audit_records("f-b2") == (sealed[0], sealed[2])
        assert verify_audit(werkmap_store.audit_records("f-b2")).ok
        assert werkmap_store.append_audit_many([]) == ()
        bad = attrs.evolve(_entry("f-b3", "read", 5), actor="")
        with pytest.raises(InvalidInput):
            werkmap_store.append_audit_many([_entry("f-b3", "read", 5), bad])
        assert werkmap_store.audit_records("f-b3") == ()

    def test_the_folder_row_anchors_the_head_of_its_chain(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: the folder row keeps the chain's count and last hash, moved by saves and appends."""
        folder = samples.new("f-anchor")
        werkmap_store.save(folder, expected_version=0, index=index_for(folder))
        assert werkmap_store.audit_anchor("f-anchor") == AuditAnchor(count=0, head="")
        later = samples.advance(folder)
        werkmap_store.save(
            later,
            expected_version=folder.version,
            index=index_for(later),
            audit=[_entry("f-anchor", "decide.a", 1), _entry("f-anchor", "decide.b", 2)],
        )
        trail = werkmap_store.audit_records("f-anchor")
        assert werkmap_store.audit_anchor("f-anchor") == AuditAnchor(count=2, head=trail[-1].hash)
        read = werkmap_store.append_audit(_entry("f-anchor", "read.profile", 3))
        assert werkmap_store.audit_anchor("f-anchor") == AuditAnchor(count=3, head=read.hash)
        again = samples.advance(later)
        werkmap_store.save(again, expected_version=later.version, index=index_for(again))
        anchor = werkmap_store.audit_anchor("f-anchor")
        assert anchor == AuditAnchor(count=3, head=read.hash)  # a save without records keeps it
        trail = werkmap_store.audit_records("f-anchor")
        assert verify_audit(trail, anchor=anchor).ok
        for shorter in (trail[:-1], trail[:-2], ()):
            check = verify_audit(shorter, anchor=anchor)
            assert not check.ok
            assert "anchor" in check.reason
        assert werkmap_store.audit_anchor("f-none") is None
        assert "f-anchor" in werkmap_store.audit_folders()

    def test_an_audit_record_covers_the_events_its_save_wrote(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: the last record a save seals covers the event row the save wrote (an edit is found)."""
        folder = samples.new("f-cover", events=3)
        werkmap_store.save(
            folder,
            expected_version=0,
            index=index_for(folder),
            audit=[_entry("f-cover", "register", 1)],
        )
        later = samples.advance(folder)
        werkmap_store.save(
            later,
            expected_version=folder.version,
            index=index_for(later),
            audit=[_entry("f-cover", "read", 2), _entry("f-cover", "decide", 3)],
        )
        rows = werkmap_store.event_rows("f-cover")
        assert len(rows) == 2
        assert [rows[0].first_sequence, rows[-1].last_sequence] == [
            _sequence(folder.events[0]),
            _sequence(later.events[-1]),
        ]
        trail = werkmap_store.audit_records("f-cover")
        assert [r.events for r in trail] == [
            events_cover(rows[:1]),
            "",
            events_cover(rows[1:]),
        ]
        assert verify_events(trail, rows) == []
        edited = [rows[0], rows[1]._replace(text=rows[1].text + " ")]
        assert verify_events(trail, edited) != []
        assert verify_events(trail, rows[:1]) != []

    def test_erase_removes_the_personal_data_and_keeps_the_chain_verifiable(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: an erasure removes every row of the folder, blanks its audit text, leaves a tombstone."""
        folder = samples.new("f-erase", note="Jan de Vries, 06-12345678")
        key = CommandKey(key="k-erase", command="note", folder_id="f-erase", version=folder.version)
        werkmap_store.save_many(
            [
                SaveRequest(
                    folder=folder,
                    expected_version=0,
                    index=index_for(folder),
                    notifications=[_note("f-erase", "created")],
                    audit=[attrs.evolve(_entry("f-erase", "register"), why="asked by Jan")],
                    commands=[key],
                )
            ]
        )
        werkmap_store.append_audit(
            AuditEntry(
                folder_id="f-erase",
                actor="jobseeker:ref-f-erase",
                action="read",
                what="folder",
                at=dt.datetime(2024, 3, 5, 9, tzinfo=dt.UTC),
            )
        )
        keep = samples.new("f-keep")
        werkmap_store.save(
            keep, expected_version=0, index=index_for(keep), notifications=[_note("f-keep", "x")]
        )
        entry = AuditEntry(
            folder_id="f-erase",
            actor="system:privacy-desk",
            action="erase",
            what="erased after the retention period",
            at=dt.datetime(2031, 1, 2, 9, tzinfo=dt.UTC),
            why="retention ended",
        )
        with pytest.raises(ConcurrencyConflict):
            werkmap_store.erase(
                "f-erase",
                expected_version=folder.version + 1,
                entry=entry,
                policy="kit@2024-01-01",
                closed_on=START,
                retention_ends_on=START,
            )
        assert werkmap_store.load("f-erase") == folder
        tomb = werkmap_store.erase(
            "f-erase",
            expected_version=folder.version,
            entry=entry,
            policy="kit@2024-01-01",
            closed_on=START,
            retention_ends_on=START + dt.timedelta(days=1),
        )
        assert (tomb.folder_id, tomb.actor, tomb.why, tomb.policy) == (
            "f-erase",
            "system:privacy-desk",
            "retention ended",
            "kit@2024-01-01",
        )
        assert tomb.retention_ends_on == START + dt.timedelta(days=1)
        assert werkmap_store.erasures() == (tomb,)
        with pytest.raises(NotFound):
            werkmap_store.load("f-erase")
        assert werkmap_store.events("f-erase") == ()
        assert werkmap_store.event_rows("f-erase") == ()
        assert set(werkmap_store.personal_data("f-erase").values()) == {0}
        assert werkmap_store.command_result("k-erase") is None
        assert [i.notification.folder_id for i in werkmap_store.outbox()] == ["f-keep"]
        trail = werkmap_store.audit_records("f-erase")
        assert [r.action for r in trail] == ["register", "read", "erase"]
        assert all(r.erased and not r.what and not r.why for r in trail[:-1])
        assert trail[0].actor == "coach-1" or trail[0].actor == ""
        assert trail[1].actor == ""  # a jobseeker's reference is personal data
        assert trail[-1].what == entry.what
        assert not trail[-1].erased
        anchor = werkmap_store.audit_anchor("f-erase")
        assert anchor == tomb.anchor == AuditAnchor(count=3, head=trail[-1].hash)
        assert verify_audit(trail, anchor=anchor).ok
        assert werkmap_store.load("f-keep") == keep
        assert werkmap_store.personal_data("f-keep")["folders"] == 1

    # --- durability and concurrency: what a plugin written from the docs alone gets wrong --------------

    @pytest.fixture
    def werkmap_reopen(self) -> Callable[[], Store]:
        """Override: a callable that opens, anew, the store ``werkmap_store`` yielded.

        Another connection to the same data (the same file, database or schema); for an in-process store
        that has no second connection, return the store itself.
        """
        raise NotImplementedError(
            "override the werkmap_reopen fixture in your StoreConformance subclass: return a callable "
            "that opens the store werkmap_store yielded anew (for an in-process store, the store itself)"
        )

    def test_what_was_saved_is_there_after_reopening(
        self, werkmap_store: Store, werkmap_reopen: Callable[[], Store], samples: FolderSamples
    ) -> None:
        """Check: folders, events, outbox and audit trail are there when the store is opened again."""
        folders = [samples.new(f"f-keep-{i}") for i in range(3)]
        for i, folder in enumerate(folders):
            werkmap_store.save(
                folder,
                expected_version=0,
                index=index_for(folder, day=i),
                notifications=[_note(folder.folder_id, "kept")],
                audit=[_entry(folder.folder_id, "decide.kept", i)],
            )
        later = samples.advance(folders[0], note="later")
        werkmap_store.save(later, expected_version=folders[0].version, index=index_for(later))
        again = werkmap_reopen()
        try:
            assert again.schema_version() == SCHEMA_VERSION
            assert again.load(later.folder_id) == later
            for folder in folders[1:]:
                assert again.load(folder.folder_id) == folder
                assert again.events(folder.folder_id) == werkmap_store.events(folder.folder_id)
            for folder in folders:
                assert again.audit_records(folder.folder_id) == werkmap_store.audit_records(
                    folder.folder_id
                )
            assert [i.notification.idempotency_key for i in again.outbox()] == [
                i.notification.idempotency_key for i in werkmap_store.outbox()
            ]
            assert again.index_columns().folder_id.tolist() == sorted(f.folder_id for f in folders)
        finally:
            if again is not werkmap_store:
                again.close()

    def test_concurrent_writers_on_one_folder_have_exactly_one_winner(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: threads saving the same version at once: one wins, the others get a conflict."""
        current = samples.new("f-race")
        werkmap_store.save(current, expected_version=0, index=index_for(current))
        writers = 6
        for round_ in range(4):
            candidates = [samples.advance(current, note=f"r{round_}-w{i}") for i in range(writers)]
            outcome = _race(werkmap_store, candidates, current.version)
            assert sorted(outcome) == ["conflict"] * (writers - 1) + ["won"], outcome
            winner = candidates[outcome.index("won")]
            current = werkmap_store.load("f-race")
            assert current == winner

    def test_audit_times_round_trip_exactly_in_their_own_zone(self, werkmap_store: Store) -> None:
        """Check: audit times in Europe/Amsterdam (the service's zone) come back as written; chains verify."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Europe/Amsterdam")
        times = [
            dt.datetime(2024, 3, 4, 9, 15, 0, 123456, tzinfo=zone),  # winter time, microseconds
            dt.datetime(2024, 7, 1, 23, 59, 59, tzinfo=zone),  # summer time, late in the day
            dt.datetime(2024, 10, 27, 2, 30, tzinfo=zone),  # the hour that happens twice: first
            dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=zone),  # ... and second
        ]
        sealed = [
            werkmap_store.append_audit(
                AuditEntry(folder_id="f-tz", actor="coach-1", action="read.profile", what="", at=t)
            )
            for t in times
        ]
        trail = werkmap_store.audit_records("f-tz")
        assert [r.at.isoformat() for r in trail] == [t.isoformat() for t in times]
        assert [r.at.utcoffset() for r in trail] == [t.utcoffset() for t in times]
        assert [r.hash for r in trail] == [r.hash for r in sealed]
        assert verify_audit(trail).ok

    def test_an_expected_version_above_the_stored_one_is_a_conflict(
        self, werkmap_store: Store, samples: FolderSamples
    ) -> None:
        """Check: saving from a version the store never had (above its own) changes nothing."""
        v1 = samples.new("f-ahead")
        werkmap_store.save(v1, expected_version=0, index=index_for(v1))
        ahead = samples.advance(samples.advance(v1))
        with pytest.raises(ConcurrencyConflict) as info:
            werkmap_store.save(
                ahead,
                expected_version=v1.version + 1,
                index=index_for(ahead),
                notifications=[_note("f-ahead", "ahead")],
                audit=[_entry("f-ahead", "decide.ahead")],
            )
        assert info.value.actual == v1.version
        assert werkmap_store.load("f-ahead") == v1
        assert werkmap_store.outbox() == ()
        assert werkmap_store.audit_records("f-ahead") == ()

    def test_pending_notifications_honours_its_limit(
        self, werkmap_store: Store, samples: FolderSamples, clock: FixedClock
    ) -> None:
        """Check: ``limit`` caps what one call returns, oldest first."""
        folder = samples.new("f-limit")
        notes = [_note("f-limit", f"cause-{i}") for i in range(7)]
        werkmap_store.save(folder, expected_version=0, index=index_for(folder), notifications=notes)
        now = clock.now() + dt.timedelta(days=1)
        first = werkmap_store.pending_notifications(now=now, limit=3)
        assert len(first) == 3
        # a store that claims what it returns gives the other four next; one that does not, all seven
        rest = werkmap_store.pending_notifications(now=now, limit=100)
        keys = {i.notification.idempotency_key for i in (*first, *rest)}
        assert keys == {n.idempotency_key for n in notes}
        assert len(werkmap_store.pending_notifications(now=now, limit=1)) <= 1

    # --- migrations ----------------------------------------------------------------------------------

    def test_migration_from_the_previous_schema_version(
        self, werkmap_previous_version: PreviousVersion, samples: FolderSamples
    ) -> None:
        """Check: migration from the previous schema version."""
        store = werkmap_previous_version.open()
        try:
            assert store.schema_version() == SCHEMA_VERSION
            ids = werkmap_previous_version.folder_ids
            assert ids
            loaded = [store.load(fid) for fid in ids]
            assert [f.folder_id for f in loaded] == list(ids)
            for folder in loaded:
                assert list(store.events(folder.folder_id)) == list(folder.events)
            caseload = {r.folder_id for r in store.caseload(werkmap_previous_version.coach_id)}
            assert set(ids) <= caseload
            later = samples.advance(loaded[0])
            store.save(later, expected_version=loaded[0].version, index=index_for(later))
            assert store.load(ids[0]) == later
        finally:
            store.close()


def _race(store: Store, candidates: Sequence[Any], version: int) -> list[str]:
    """Save every candidate from ``version`` at once, one thread each; return each one's outcome."""
    barrier = threading.Barrier(len(candidates))
    outcome = [""] * len(candidates)

    def write(i: int) -> None:
        barrier.wait()
        try:
            store.save(candidates[i], expected_version=version, index=index_for(candidates[i]))
            outcome[i] = "won"
        except ConcurrencyConflict:
            outcome[i] = "conflict"
        except Exception as exc:
            outcome[i] = f"error: {type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(candidates))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


def _sequence(event: Any) -> int:
    return int(event.seq)


class _OverlapChannel:
    """Records deliveries and every moment two deliveries of one item overlapped."""

    def __init__(self) -> None:
        self.delivered: list[Notification] = []
        self.overlaps: list[str] = []
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    @hookimpl
    def werkmap_deliver_notification(self, notification: Notification) -> bool:
        key = notification.idempotency_key
        with self._lock:
            if key in self._busy:
                self.overlaps.append(key)
            self._busy.add(key)
        time.sleep(0.001)  # long enough for the other dispatcher to get in
        with self._lock:
            self._busy.discard(key)
            self.delivered.append(notification)
        return True


def _plugins(*channels: RecordingChannel) -> Plugins:
    return load_plugins(
        entry_points=False, extra={f"kit-channel-{i}": c for i, c in enumerate(channels)}
    )


# --- the command line: ``python -m werkmap.storage.testing URL`` ----------------------------------------

_RUN_URL: list[
    str
] = []  # the URL main() runs the kit against (set in this module, read by the test file)

_RUN_FILE = '''"""The conformance kit against one store URL (written by python -m werkmap.storage.testing)."""
import uuid

import pytest

from werkmap.storage import load_plugins
from werkmap.storage import testing as kit


class TestStore(kit.StoreConformance):
    @pytest.fixture
    def werkmap_url(self, tmp_path):
        url = kit._RUN_URL[0].replace("{tmp}", str(tmp_path))
        return url.replace("{unique}", uuid.uuid4().hex[:12])

    @pytest.fixture
    def werkmap_store(self, werkmap_url):
        store = load_plugins().open_store(werkmap_url)
        yield store
        store.close()

    @pytest.fixture
    def werkmap_reopen(self, werkmap_url, werkmap_store):
        if werkmap_url.startswith("memory:"):
            return lambda: werkmap_store  # nothing to reopen: the store lives in this process
        return lambda: load_plugins().open_store(werkmap_url)
'''

_NEEDS_PREVIOUS = "test_migration_from_the_previous_schema_version"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the conformance kit against a store URL and print pytest's summary; return pytest's exit code.

    ``python -m werkmap.storage.testing URL [PYTEST ARGS...]``. Every test opens the URL anew and needs an
    empty store: ``{tmp}`` in the URL becomes a fresh temporary directory per test
    (``sqlite:///{tmp}/kit.db``) and ``{unique}`` a fresh name (``postgresql://…/db?schema=kit_{unique}``);
    ``memory://`` is empty on every open. The migration test needs a store at the previous schema version,
    which only the plugin can build: it runs in your own subclass of :class:`StoreConformance` (with a
    ``werkmap_previous_version`` fixture), not here.

    Args:
        argv: the URL, then arguments for pytest (``-x``, ``-k outbox``); ``sys.argv[1:]`` when ``None``.

    Returns:
        pytest's exit code (``0``: every test passed; ``2`` without a URL).
    """
    import sys
    import tempfile
    from pathlib import Path

    from werkmap.storage.url import redact_url

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(
            "usage: python -m werkmap.storage.testing URL [PYTEST ARGS...]\n"
            "  runs werkmap's storage conformance kit against the store at URL;\n"
            "  {tmp} in URL: a fresh temporary directory per test, {unique}: a fresh name per test\n"
            "  e.g. sqlite:///{tmp}/kit.db  or  postgresql://user@host/db?schema=kit_{unique}",
            file=sys.stderr,
        )
        return 2 if not args else 0
    url, extra = args[0], args[1:]
    this = importlib.import_module("werkmap.storage.testing")  # not __main__: the test file uses it
    this._RUN_URL[:] = [url]
    print(f"werkmap storage conformance kit against {redact_url(url)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="werkmap-kit-") as folder:
        root = Path(folder)
        (root / "test_werkmap_conformance.py").write_text(_RUN_FILE, encoding="utf-8")
        (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        code = pytest.main(
            [
                str(root / "test_werkmap_conformance.py"),
                "-c",
                str(root / "pytest.ini"),
                "--rootdir",
                str(root),
                "-p",
                "no:cacheprovider",
                "-q",
                "-k",
                f"not {_NEEDS_PREVIOUS}",
                *extra,
            ]
        )
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
