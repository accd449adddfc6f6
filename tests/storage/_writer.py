"""Child process of the reliability tests (run as a script, not collected by pytest)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import datetime as dt
from typing import Any

import attrs
from storage_standin import CODEC, StandinSamples

from werkmap.errors import ConcurrencyConflict
from werkmap.storage.sqlite import SQLiteStore
from werkmap.storage.values import FolderIndex, Notification, SaveRequest


def open_target(target: str, *, timeout: float = 10.0) -> Any:
    """Open a SQLite file (a path) or a PostgreSQL schema (a ``postgresql://`` URL)."""
    if target.startswith("postgresql://"):
        from werkmap.storage.postgres import PostgresStore

        return PostgresStore(target, codec=CODEC)
    return SQLiteStore(target, codec=CODEC, timeout=timeout)


def batches(path: str, size: int) -> None:
    """Write batches of new folders forever, printing the number of each committed batch."""
    store = open_target(path)
    samples = StandinSamples()
    batch = 0
    while True:
        requests = []
        for i in range(size):
            fid = f"b{batch:05d}-{i:04d}"
            note = Notification.create(
                kind="reminder",
                folder_id=fid,
                recipient=f"ref-{fid}",
                channel="werk.nl",
                cause="created",
                text_nl="Welkom",
                text_en="Welcome",
                created_on=dt.date(2024, 3, 4),
            )
            requests.append(
                SaveRequest(
                    folder=samples.new(fid, events=5, note="n" * 200),
                    expected_version=0,
                    index=FolderIndex(coach_id=f"c{batch}"),
                    notifications=[note],
                )
            )
        store.save_many(requests)
        print(batch, flush=True)
        batch += 1


def race(path: str, name: str, rounds: int, go: str) -> None:
    """Save the folder ``race`` from version r to r + 1 for every round; print ok/conflict per round."""
    store = open_target(path, timeout=30)
    samples = StandinSamples()
    while not Path(go).exists():
        pass
    for r in range(1, rounds + 1):
        current = store.load("race")
        while current.version < r:
            current = store.load("race")
        # When the other process is already past round r, still try (it must be refused).
        later = attrs.evolve(samples.advance(current, note=f"{name}-{r}"), version=r + 1)
        try:
            store.save(later, expected_version=r, index=FolderIndex(coach_id=name))
        except ConcurrencyConflict:
            print(f"{r} conflict", flush=True)
        else:
            print(f"{r} ok", flush=True)


def erase(path: str, count: int) -> None:
    """Erase the folders e0000 … one by one, printing each id once its erasure committed."""
    from werkmap.storage.values import AuditEntry

    store = open_target(path)
    for i in range(count):
        fid = f"e{i:04d}"
        entry = AuditEntry(
            folder_id=fid,
            actor="system:privacy-desk",
            action="erase",
            what="erased after the retention period",
            at=dt.datetime(2031, 1, 2, 9, tzinfo=dt.UTC),
            why="retention ended",
        )
        store.erase(
            fid,
            expected_version=store.load(fid).version,
            entry=entry,
            policy="test@2016-10-01",
            closed_on=dt.date(2025, 1, 1),
            retention_ends_on=dt.date(2030, 1, 1),
        )
        print(fid, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "batches":
        batches(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "erase":
        erase(sys.argv[2], int(sys.argv[3]))
    else:
        race(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
