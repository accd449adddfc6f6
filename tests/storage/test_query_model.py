"""SQLite answers every query exactly as the in-memory store does (a model-based property test)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from storage_standin import CODEC, StandinSamples

from werkmap.storage import FolderIndex, SaveRequest
from werkmap.storage.memory import MemoryStore
from werkmap.storage.sqlite import SQLiteStore

START = dt.date(2024, 3, 4)
COACHES = ["c-a", "c-b", "c-ĳ", None]

indexes = st.builds(
    FolderIndex,
    coach_id=st.sampled_from(COACHES),
    status=st.sampled_from(["active", "closed"]),
    band=st.sampled_from([None, "0-25", "25-50", "50-75", "75-100"]),
    next_due_on=st.one_of(st.none(), st.integers(-30, 30).map(lambda d: START + dt.timedelta(d))),
    next_conversation_on=st.one_of(
        st.none(), st.integers(0, 60).map(lambda d: START + dt.timedelta(d))
    ),
    open_activities=st.integers(0, 9),
    overdue_activities=st.integers(0, 9),
)


@settings(max_examples=40)
@given(
    st.lists(indexes, max_size=25),
    st.lists(st.tuples(st.integers(0, 24), indexes), max_size=10),
    st.integers(-35, 35),
)
def test_sqlite_and_memory_agree(
    first: list[FolderIndex], updates: list[tuple[int, FolderIndex]], day: int
) -> None:
    samples = StandinSamples()
    memory = MemoryStore(codec=CODEC)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SQLiteStore(Path(tmp) / "m.db", codec=CODEC)
        folders = {}
        for store in (memory, sqlite):
            requests = []
            for i, index in enumerate(first):
                folder = samples.new(f"f{i:02d}", events=1)
                folders[folder.folder_id] = folder
                requests.append(SaveRequest(folder=folder, expected_version=0, index=index))
            store.save_many(requests)
        for i, index in updates:
            fid = f"f{i:02d}"
            if fid not in folders:
                continue
            later = samples.advance(folders[fid])
            for store in (memory, sqlite):
                store.save(later, expected_version=folders[fid].version, index=index)
            folders[fid] = later
        for coach in COACHES[:3]:
            assert sqlite.caseload(coach) == memory.caseload(coach)  # type: ignore[arg-type]
        on = START + dt.timedelta(days=day)
        assert sqlite.due(on) == memory.due(on)
        a, b = sqlite.index_columns(), memory.index_columns()
        for name in ("folder_id", "version", "coach_id", "status", "band"):
            assert list(getattr(a, name)) == list(getattr(b, name))
        for name in ("next_due_on", "next_conversation_on", "open_activities"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        sqlite.close()
