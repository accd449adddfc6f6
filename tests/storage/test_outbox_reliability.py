"""Reliability of the outbox: two dispatchers over a simulated week with a flaky channel, a channel that
fails for 90 simulated days, and a dispatcher killed with SIGKILL mid-dispatch."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _dispatcher import START, FlakyChannel, ScaledClock, dispatcher
from pg_server import PostgresSchemas
from storage_standin import CODEC, StandinSamples

from werkmap.clock import FixedClock
from werkmap.storage import Backoff, Dispatcher, Notification, load_plugins
from werkmap.storage.memory import MemoryStore
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.testing import RecordingChannel
from werkmap.storage.values import FolderIndex, SaveRequest

CHILD = Path(__file__).with_name("_dispatcher.py")
PER_DAY = 12


class Target:
    """A store to test: how to open a connection to it here, and what a child process opens."""

    def __init__(self, name: str, open_: Callable[[], Any], child: str | None) -> None:
        self.name = name
        self._open = open_
        self.child = child
        self.opened: list[Any] = []

    def open(self) -> Any:
        store = self._open()
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()


def _target(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    if kind == "memory":
        shared = MemoryStore(codec=CODEC)
        return Target("memory", lambda: shared, None)
    if kind == "sqlite":
        path = tmp_path / "outbox.db"
        return Target("sqlite", lambda: SQLiteStore(path, codec=CODEC, timeout=30), str(path))
    from werkmap.storage.postgres import PostgresStore

    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    url = schemas.url()
    PostgresStore(url, codec=CODEC).close()
    return Target("postgres", lambda: PostgresStore(url, codec=CODEC), url)


def _note(fid: str, cause: str, channel: str = "werk.nl") -> Notification:
    return Notification.create(
        kind="reminder",
        folder_id=fid,
        recipient=f"ref-{fid}",
        channel=channel,
        cause=cause,
        text_nl="Herinnering",
        text_en="Reminder",
        created_on=START.date(),
    )


def _enqueue_day(store: Any, day: int, *, channel: str = "werk.nl", n: int = PER_DAY) -> list[str]:
    samples = StandinSamples()
    requests = []
    for i in range(n):
        fid = f"d{day:03d}-{i:02d}"
        requests.append(
            SaveRequest(
                folder=samples.new(fid, events=1),
                expected_version=0,
                index=FolderIndex(),
                notifications=[_note(fid, "created", channel)],
            )
        )
    store.save_many(requests)
    return [r.notifications[0].idempotency_key for r in requests]


def _deliveries(logs: list[Path]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for log in logs:
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                key, start, end = line.split()
                out[key].append((int(start), int(end)))
    return out


def _overlapping(deliveries: dict[str, list[tuple[int, int]]]) -> list[str]:
    bad = []
    for key, spans in deliveries.items():
        spans = sorted(spans)
        if any(b[0] < a[1] for a, b in itertools.pairwise(spans)):
            bad.append(key)
    return bad


def _produce_week(store: Any, clock: ScaledClock) -> list[str]:
    keys: list[str] = []
    for day in range(7):
        while clock.now() < START + dt.timedelta(days=day):
            time.sleep(0.005)
        keys += _enqueue_day(store, day)
    return keys


@pytest.mark.parametrize(
    ("kind", "how"),
    [
        ("memory", "threads"),  # a memory store lives in one process: threads only
        ("sqlite", "threads"),
        ("sqlite", "processes"),
        ("postgres", "threads"),
        ("postgres", "processes"),
    ],
)
def test_two_dispatchers_over_a_week_with_a_channel_failing_30_percent(
    kind: str, how: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = _target(kind, request, tmp_path)
    try:
        _two_dispatchers(target, how, tmp_path)
    finally:
        target.close()


def _two_dispatchers(target: Target, how: str, tmp_path: Path) -> None:
    logs = [tmp_path / f"d{n}.log" for n in range(2)]
    until = 9.0  # the week, and two days to finish the retries
    producer = target.open()
    if how == "threads":
        clock = ScaledClock(time.time())
        errors: list[BaseException] = []

        def run(n: int) -> None:
            store = target.open()
            try:
                d = dispatcher(store, FlakyChannel(logs[n], seed=f"seed-{n}"), clock, owner=f"t{n}")
                while clock.now() < START + dt.timedelta(days=until):
                    if not d.dispatch_once().delivered:
                        time.sleep(0.002)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        workers = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for w in workers:
            w.start()
        keys = _produce_week(producer, clock)
        for w in workers:
            w.join(timeout=120)
        assert errors == []
    else:
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(CHILD),
                    "week",
                    str(target.child),
                    f"p{n}",
                    str(logs[n]),
                    str(until),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        for (
            child
        ) in children:  # the week starts when both dispatchers are ready, however busy the machine
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", child.stderr
        origin = time.time()
        clock = ScaledClock(origin)
        for child in children:
            assert child.stdin is not None
            child.stdin.write(f"{origin!r}\n")
            child.stdin.flush()
        keys = _produce_week(producer, clock)
        for child in children:
            _, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
    deliveries = _deliveries(logs)
    assert set(deliveries) == set(keys)  # every item delivered
    assert _overlapping(deliveries) == []  # never two deliveries of one item at the same time
    assert producer.outbox(include_delivered=False) == ()
    failed = [i for i in producer.outbox() if i.attempts]
    assert failed, "the channel failed 30 % of the attempts: some items needed retries"


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
def test_a_channel_failing_for_90_days_is_dead_lettered_once_and_the_rest_flows(
    store_kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store: Any = (
        MemoryStore(codec=CODEC)
        if store_kind == "memory"
        else SQLiteStore(tmp_path / "d.db", codec=CODEC)
    )
    clock = FixedClock(dt.datetime(2025, 3, 3, 8, 0))
    [letter] = _enqueue_day(store, 0, channel="letter", n=1)
    good = RecordingChannel()
    plugins = load_plugins(
        entry_points=False,
        extra={"good": good, "down": RecordingChannel(fail_first=10**9, channel="letter")},
    )
    dispatcher_ = Dispatcher(store, plugins, clock=clock, owner="only")  # the default policy
    dead: list[str] = []
    with caplog.at_level(logging.ERROR, logger="werkmap.outbox"):
        for day in range(90):
            keys = _enqueue_day(store, day + 1, n=2)
            for _hour in range(24):
                report = dispatcher_.dispatch_once()
                dead += report.dead_lettered
                clock.advance(hours=1)
            delivered = {n.idempotency_key for n in good.delivered}
            assert set(keys) <= delivered, f"day {day}: the other notifications keep flowing"
    assert dead == [letter]  # dead-lettered exactly once
    [item] = store.dead_letters()
    assert item.notification.idempotency_key == letter
    assert item.attempts == 48
    reported = [r for r in caplog.records if "dead-lettered" in r.getMessage()]
    assert len(reported) == 1
    assert "role:functional-admin" in reported[0].getMessage()
    assert store.outbox(include_delivered=False) == (item,)
    store.close()


def test_a_channel_failing_for_90_days_without_a_limit_never_overflows_the_backoff() -> None:
    store = MemoryStore(codec=CODEC)
    clock = FixedClock(dt.datetime(2025, 3, 3, 8, 0))
    [letter] = _enqueue_day(store, 0, channel="letter", n=1)
    plugins = load_plugins(
        entry_points=False, extra={"down": RecordingChannel(fail_first=10**9, channel="letter")}
    )
    backoff = Backoff(initial=dt.timedelta(seconds=30), maximum=dt.timedelta(minutes=30))
    d = Dispatcher(store, plugins, clock=clock, backoff=backoff, max_attempts=10**9)
    for _ in range(90 * 48):
        d.dispatch_once()
        clock.advance(minutes=30)
    [item] = store.outbox()
    assert item.attempts > 1000  # far beyond attempt 43, where 30 * 2**42 seconds overflowed
    assert item.next_attempt_at is not None
    assert item.dead_lettered_at is None
    assert item.notification.idempotency_key == letter


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_sigkill_during_dispatch_loses_nothing(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if store_kind == "sqlite":
        path = tmp_path / "k.db"
        child_target = str(path)

        def open_() -> Any:
            return SQLiteStore(path, codec=CODEC)
    else:
        from werkmap.storage.postgres import PostgresStore

        schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
        child_target = schemas.url()

        def open_() -> Any:
            return PostgresStore(child_target, codec=CODEC)

    store = open_()
    keys = [k for day in range(20) for k in _enqueue_day(store, day)]
    log = tmp_path / "child.log"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "forever", child_target, str(log)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    while len(_deliveries([log])) < 30:  # let it get well into the outbox
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    if isinstance(store, SQLiteStore):
        assert store.integrity_check() == ["ok"]
    before = _deliveries([log])
    assert 30 <= len(before) < len(keys)
    # the dead dispatcher's lease (1 hour) runs out, and another dispatcher finishes the work
    after = tmp_path / "after.log"
    clock = FixedClock(START + dt.timedelta(hours=2))
    d = dispatcher(store, FlakyChannel(after, seed="after", fail=0.0), clock, owner="survivor")
    report = d.drain(max_rounds=200)
    assert report.pending == 0
    delivered = _deliveries([log, after])
    assert set(delivered) == set(keys)  # nothing lost
    assert store.outbox(include_delivered=False) == ()
    # at least once: only what the killed dispatcher had claimed may arrive twice
    twice = [k for k, spans in delivered.items() if len(spans) > 1]
    assert len(twice) <= 5  # one batch
    store.close()
