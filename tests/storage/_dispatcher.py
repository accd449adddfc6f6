"""Child process of the outbox reliability tests: a dispatcher (run as a script, not collected by pytest)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import datetime as dt
import os
import random
import time
from typing import Any

from storage_standin import CODEC

from werkmap.clock import FixedClock
from werkmap.storage import Backoff, Dispatcher, Notification, hookimpl, load_plugins
from werkmap.storage.sqlite import SQLiteStore

START = dt.datetime(2025, 3, 3, 0, 0, tzinfo=dt.UTC)
SPEED = 150_000.0  # simulated seconds per real second: a week in about 4 s


class ScaledClock:
    """Simulated time running ``SPEED`` times faster than real time from a shared origin."""

    def __init__(self, origin: float) -> None:
        self.origin = origin

    def now(self) -> dt.datetime:
        return START + dt.timedelta(seconds=(time.time() - self.origin) * SPEED)

    def today(self) -> dt.date:
        return self.now().date()


class FlakyChannel:
    """Fails a share of its attempts (seeded), logging every delivery as (key, start ns, end ns)."""

    def __init__(self, log: Path, *, seed: str, fail: float = 0.3) -> None:
        self.random = random.Random(seed)
        self.fail = fail
        self.log = log

    @hookimpl
    def werkmap_deliver_notification(self, notification: Notification) -> bool:
        if self.random.random() < self.fail:
            raise ConnectionError("channel unavailable (simulated)")
        start = time.time_ns()
        time.sleep(0.0005)
        with self.log.open("a", encoding="utf-8") as out:
            out.write(f"{notification.idempotency_key} {start} {time.time_ns()}\n")
            out.flush()
            os.fsync(out.fileno())
        return True


def open_target(target: str) -> Any:
    if target.startswith("postgresql://"):
        from werkmap.storage.postgres import PostgresStore

        return PostgresStore(target, codec=CODEC)
    return SQLiteStore(target, codec=CODEC, timeout=30)


def dispatcher(
    store: Any, channel: FlakyChannel, clock: Any, owner: str, *, lease_hours: float = 24.0
) -> Dispatcher:
    plugins = load_plugins(entry_points=False, extra={"flaky": channel})
    return Dispatcher(
        store,
        plugins,
        clock=clock,
        backoff=Backoff(initial=dt.timedelta(minutes=5), maximum=dt.timedelta(hours=2)),
        batch=5,
        lease=dt.timedelta(hours=lease_hours),
        owner=owner,
        sleep=lambda _s: None,
    )


def week(target: str, owner: str, log: str, until_days: float) -> None:
    """Dispatch until the simulated clock passes ``until_days`` after the start.

    Says ``ready`` once the store is open, then reads the clock's origin from stdin: the simulated week
    starts only when both dispatchers can work (a slow start on a busy machine loses no simulated days).
    """
    store = open_target(target)
    print("ready", flush=True)
    clock = ScaledClock(float(sys.stdin.readline()))
    d = dispatcher(store, FlakyChannel(Path(log), seed=owner), clock, owner)
    end = START + dt.timedelta(days=until_days)
    while clock.now() < end:
        if not d.dispatch_once().delivered:
            time.sleep(0.002)
    store.close()


def forever(target: str, log: str) -> None:
    """Dispatch at a fixed moment, slowly, forever (the parent kills it)."""
    store = open_target(target)
    channel = FlakyChannel(Path(log), seed="kill", fail=0.0)
    d = dispatcher(store, channel, FixedClock(START), "doomed", lease_hours=1)
    print("ready", flush=True)
    while True:
        d.dispatch_once()


if __name__ == "__main__":
    if sys.argv[1] == "week":
        week(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        forever(sys.argv[2], sys.argv[3])
