"""A small simulated month whose notifications go out as email to an SMTP server, dispatched every day.

Run: python examples/email_channel/deliver_month.py --port 8025 [--db month.db] [--jobseekers 40]

The simulation (:func:`werkmap.simulate.simulate`) runs the month day by day; after every simulated day
the outbox is dispatched through :class:`email_channel.EmailPlugin`. When the SMTP server is down the
attempts fail and are retried on a later day (at least once); nothing is lost. At the end the outbox is
drained and the figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from email_channel import AddressBook, EmailPlugin
from werkmap.clock import FixedClock
from werkmap.service import Werkmap
from werkmap.simulate import SimulationConfig, simulate
from werkmap.storage import load_plugins

START = dt.date(2025, 3, 3)


def host_address(recipient: str) -> str:
    """The host's address register, faked: werkmap never sees it."""
    digest = hashlib.sha256(recipient.encode()).hexdigest()[:10]
    domain = "uwv.example" if recipient.startswith(("coach:", "team:")) else "burger.example"
    return f"{digest}@{domain}"


def run(
    *,
    port: int,
    db: str = "memory://",
    jobseekers: int = 40,
    host: str = "127.0.0.1",
    on_day: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Simulate one month and dispatch its notifications by email every day; return the figures.

    Args:
        port: the SMTP server's port.
        db: the store (``memory://`` or ``sqlite:///month.db``).
        jobseekers: the inflow of the month.
        host: the SMTP server's host.
        on_day: called with the number of each simulated day before its dispatch (the test stops
            and restarts the SMTP server from here).
    """
    plugin = EmailPlugin(
        host=host, port=port, book=AddressBook(host_address), names=("werk.nl", "dashboard")
    )
    clock = FixedClock(dt.datetime.combine(START, dt.time(9, 0)))
    wm = Werkmap(db, clock=clock, plugins=load_plugins(extra={"email": plugin}))
    failed = 0

    def every_day(done: int, total: int) -> None:
        nonlocal failed
        if on_day is not None:
            on_day(done)
        failed += len(wm.dispatch(max_rounds=1).failed)

    config = SimulationConfig(jobseekers=jobseekers, months=1, start=START, seed=7)
    simulate(wm, clock, config, progress=every_day)
    clock.advance(days=1)
    report = wm.dispatch(max_rounds=5)  # the last week's unit of work is written by now
    outbox = wm.store.outbox()
    figures = {
        "notifications": len(outbox),
        "delivered": sum(1 for i in outbox if i.delivered_at is not None),
        "failed_attempts": failed + len(report.failed),
        "dead_letters": len(wm.store.dead_letters()),
        "pending": report.pending,
    }
    wm.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--db", default="memory://")
    parser.add_argument("--jobseekers", type=int, default=40)
    args = parser.parse_args(argv)
    figures = run(port=args.port, host=args.host, db=args.db, jobseekers=args.jobseekers)
    print(json.dumps(figures, sort_keys=True))
    return 0 if figures["pending"] == 0 and figures["dead_letters"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
