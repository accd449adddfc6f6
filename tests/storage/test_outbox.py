"""The dispatcher: at-least-once delivery across a crash, backoff, and keys stable across retries."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.clock import FixedClock
from werkmap.storage import DEFAULT_LEASE, Backoff, Dispatcher, Notification, load_plugins
from werkmap.storage.memory import MemoryStore
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.testing import RecordingChannel, default_samples, index_for


def _note(cause: str) -> Notification:
    return Notification.create(
        kind="invitation",
        folder_id="f-1",
        recipient="ref-f-1",
        channel="werk.nl",
        cause=cause,
        text_nl="U bent uitgenodigd voor een gesprek.",
        text_en="You are invited to a conversation.",
        created_on=dt.date(2024, 3, 4),
    )


def test_idempotency_key_depends_on_the_cause_only() -> None:
    a, b = _note("event-7"), _note("event-7")
    assert a.idempotency_key == b.idempotency_key
    assert _note("event-8").idempotency_key != a.idempotency_key
    assert len(a.idempotency_key) == 32


@given(st.integers(min_value=1, max_value=40))
def test_backoff_grows_and_is_capped(attempt: int) -> None:
    backoff = Backoff(
        initial=dt.timedelta(seconds=30), factor=2.0, maximum=dt.timedelta(minutes=30)
    )
    assert dt.timedelta(seconds=30) <= backoff.delay(attempt) <= dt.timedelta(minutes=30)
    assert backoff.delay(attempt + 1) >= backoff.delay(attempt)


class _CrashOnMark(SQLiteStore):
    """A store whose process 'dies' after delivery but before the delivery is marked."""

    crash = True

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime) -> None:
        if self.crash:
            raise KeyboardInterrupt("killed between delivery and mark")
        super().mark_delivered(idempotency_key, at=at)


def test_a_crash_between_delivery_and_mark_delivers_again_with_the_same_key(
    tmp_path: Path,
) -> None:
    path = tmp_path / "o.db"
    samples = default_samples()
    folder = samples.new("f-1")
    store = _CrashOnMark(path)
    store.save(folder, expected_version=0, index=index_for(folder), notifications=[_note("e1")])
    channel = RecordingChannel()
    plugins = load_plugins(entry_points=False, extra={"channel": channel})
    clock = FixedClock(dt.datetime(2024, 3, 4, 9, 0))
    with pytest.raises(KeyboardInterrupt):
        Dispatcher(store, plugins, clock=clock).dispatch_once()
    store.close()
    reopened = SQLiteStore(path)
    # the dead dispatcher's lease still holds the item: nobody else delivers it meanwhile
    assert Dispatcher(reopened, plugins, clock=clock).dispatch_once().delivered == ()
    clock.advance(minutes=DEFAULT_LEASE.total_seconds() / 60 + 1)
    report = Dispatcher(reopened, plugins, clock=clock).dispatch_once()
    assert len(report.delivered) == 1
    keys = [n.idempotency_key for n in channel.delivered]
    assert len(keys) == 2
    assert len(set(keys)) == 1  # the receiver can drop the second one
    assert reopened.outbox(include_delivered=False) == ()
    reopened.close()


def test_retries_follow_the_backoff_and_the_error_is_kept() -> None:
    store = MemoryStore()
    samples = default_samples()
    folder = samples.new("f-1")
    store.save(folder, expected_version=0, index=index_for(folder), notifications=[_note("e1")])
    clock = FixedClock(dt.datetime(2024, 3, 4, 9, 0))
    start = clock.now()
    plugins = load_plugins(entry_points=False, extra={"c": RecordingChannel(fail_first=3)})
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(minutes=seconds / 60)

    backoff = Backoff(initial=dt.timedelta(seconds=10), factor=3.0)
    report = Dispatcher(store, plugins, clock=clock, backoff=backoff, sleep=sleep).drain()
    assert report.pending == 0
    assert len(report.failed) == 3
    assert waits == [10.0, 30.0, 90.0]
    [item] = store.outbox()
    assert item.attempts == 3
    assert item.delivered_at == start + dt.timedelta(seconds=130)
    assert "ConnectionError" in item.last_error


def test_the_kit_is_a_pytest_plugin(tmp_path: Path) -> None:
    (tmp_path / "test_host.py").write_text(
        textwrap.dedent(
            """
            def test_fixtures(werkmap_clock, werkmap_samples, werkmap_channel):
                assert werkmap_clock.today().isoformat() == "2024-03-04"
                folder = werkmap_samples.new("f-9", events=3)
                assert len(folder.events) == 3
                assert werkmap_channel.channel == "werk.nl"
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "werkmap.storage.testing", "test_host.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_index_row_round_trips_its_folder_index() -> None:
    from werkmap.storage import FolderIndex, IndexRow

    index = FolderIndex(coach_id="c", band="50-75", next_due_on=dt.date(2024, 3, 5))
    row = IndexRow.of(folder_id="f", version=3, jobseeker_ref="r", index=index)
    assert row.folder_index == index
    assert row.coach_id == "c"
    assert row.version == 3


def test_the_backoff_is_capped_before_it_is_computed() -> None:
    backoff = Backoff()  # 30 s, doubling, at most an hour
    for attempt in (42, 43, 44, 1000, 10**9):
        assert backoff.delay(attempt) == dt.timedelta(hours=1)
    assert Backoff(factor=1.0).delay(10**9) == dt.timedelta(seconds=30)
    assert Backoff(initial=dt.timedelta(0)).delay(10**9) == dt.timedelta(0)


class _GoneOnMark(MemoryStore):
    """A store from which one item disappears between its claim and its mark (erased meanwhile)."""

    gone = ""

    def mark_delivered(self, idempotency_key: str, *, at: dt.datetime, owner: str = "") -> bool:
        if idempotency_key == self.gone:
            from werkmap.errors import NotFound

            raise NotFound("erased")
        return super().mark_delivered(idempotency_key, at=at)


def test_a_dispatcher_finding_an_item_gone_moves_on() -> None:
    store = _GoneOnMark()
    folder = default_samples().new("f-1")
    notes = [_note(f"e{i}") for i in range(3)]
    store.save(folder, expected_version=0, index=index_for(folder), notifications=notes)
    store.gone = notes[0].idempotency_key
    channel = RecordingChannel()
    plugins = load_plugins(entry_points=False, extra={"c": channel})
    report = Dispatcher(
        store, plugins, clock=FixedClock(dt.datetime(2024, 3, 4, 9))
    ).dispatch_once()
    assert report.skipped == (notes[0].idempotency_key,)
    assert report.delivered == tuple(n.idempotency_key for n in notes[1:])


def test_a_dispatcher_finding_an_item_delivered_by_another_moves_on() -> None:
    store = MemoryStore()
    folder = default_samples().new("f-1")
    note = _note("e1")
    store.save(folder, expected_version=0, index=index_for(folder), notifications=[note])
    clock = FixedClock(dt.datetime(2024, 3, 4, 9))
    plugins = load_plugins(entry_points=False, extra={"c": RecordingChannel(fail_first=1)})
    slow = Dispatcher(store, plugins, clock=clock, owner="slow", lease=dt.timedelta(seconds=1))
    [item] = store.claim_notifications(owner="slow", now=clock.now(), lease=slow.lease)
    clock.advance(minutes=1)  # slow's lease ran out; another delivers the item
    store.claim_notifications(owner="fast", now=clock.now())
    store.mark_delivered(note.idempotency_key, at=clock.now())
    # slow's late failure is not recorded over the delivery, and nothing raises
    assert not store.mark_failed(
        note.idempotency_key, at=clock.now(), retry_at=clock.now(), error="x", owner="slow"
    )
    assert slow.dispatch_once().delivered == ()
    [stored] = store.outbox()
    assert stored.delivered_at is not None
    assert stored.attempts == item.attempts == 0
