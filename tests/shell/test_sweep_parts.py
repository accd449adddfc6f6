"""Sweeping by parts: every folder is in exactly one part, and the parts' sweeps add up to the whole.

The command line's ``--part`` and the whole-store comparison on a demo store are in
``tests/cli/test_dispatch_sweep.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap import serialization
from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput
from werkmap.service import SweepPart, SweepResult, Werkmap
from werkmap.storage import open_store, verify_audit

from .service_world import D0, SYSTEM, service


@given(st.text(min_size=1, max_size=40), st.integers(1, 12))
def test_every_folder_id_is_in_exactly_one_part(folder_id: str, of: int) -> None:
    holders = [k for k in range(1, of + 1) if SweepPart(k, of).holds(folder_id)]
    assert len(holders) == 1
    assert SweepPart(holders[0], of).holds(folder_id)  # the same answer every time


def test_the_parts_are_about_equally_large() -> None:
    ids = [f"f-{i:06d}" for i in range(6000)]
    sizes = [sum(SweepPart(k, 3).holds(f) for f in ids) for k in (1, 2, 3)]
    assert sum(sizes) == 6000
    assert all(1850 <= n <= 2150 for n in sizes), sizes


def test_a_part_is_read_from_k_of_n_and_written_back() -> None:
    assert SweepPart.parse(" 2/5 ") == SweepPart(2, 5)
    assert str(SweepPart(2, 5)) == "2/5"
    assert SweepPart(1, 1).holds("anything")


@pytest.mark.parametrize(
    ("text", "path", "says"),
    [
        ("0/2", "part.number", "expected 1 to 2, got 0"),
        ("3/2", "part.number", "expected 1 to 2, got 3"),
        ("1/0", "part.of", "expected at least 1, got 0"),
        ("1/-2", "part.of", "expected at least 1, got -2"),
        ("2", "part", "expected K/N"),
        ("a/b", "part", "expected K/N"),
        ("", "part", "expected K/N"),
    ],
)
def test_a_part_that_is_not_one_is_refused_naming_what_is_wrong(
    text: str, path: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        SweepPart.parse(text)
    [problem] = caught.value.problems
    assert problem.path == path
    assert says in problem.message


def _register(wm, n: int) -> list[str]:
    fids = [f"f-{i}" for i in range(n)]
    for fid in fids:
        wm.register(SYSTEM, fid, jobseeker_ref=f"js-{fid}", coach_id="c-1")
    return fids


def _folders_of(result: SweepResult) -> set[str]:
    return {a.folder_id for a in result.actions}


def test_a_part_sweeps_only_its_own_folders_also_those_pending_in_a_unit_of_work() -> None:
    wm = service("memory://")
    with wm.unit_of_work():
        fids = _register(wm, 12)
        first = wm.sweep(SYSTEM, part=SweepPart(1, 2))
        second = wm.sweep(SYSTEM, part=SweepPart(2, 2))
    assert first.part == SweepPart(1, 2)
    mine = {f for f in fids if SweepPart(1, 2).holds(f)}
    assert 0 < len(mine) < len(fids)  # both parts hold some of the folders
    assert _folders_of(first) == mine
    assert _folders_of(second) == set(fids) - mine
    assert first.folders + second.folders == len(fids)
    assert wm.sweep(SYSTEM).actions == ()  # the two parts left nothing for a whole sweep


def test_sweepers_of_two_parts_at_once_on_one_sqlite_file_do_what_one_sweep_does(
    tmp_path: Path,
) -> None:
    base = tmp_path / "base.db"
    wm = service(f"sqlite:///{base}")
    fids = _register(wm, 40)
    wm.close()
    whole = tmp_path / "whole.db"
    shutil.copyfile(base, whole)
    with service(f"sqlite:///{whole}") as one:
        expected = one.sweep(SYSTEM, on=D0)
    assert _folders_of(expected) == set(fids)
    results: dict[int, SweepResult] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sweeper(k: int) -> None:
        try:
            with service(f"sqlite:///{base}") as own:  # a service and a connection of its own
                start.wait(10)
                results[k] = own.sweep(SYSTEM, on=D0, part=SweepPart(k, 2))
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=sweeper, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    for k, result in results.items():
        assert result.actions, f"part {k}/2 did nothing: the test would prove nothing"
        assert all(SweepPart(k, 2).holds(f) for f in _folders_of(result))
    assert sorted(a.id for r in results.values() for a in r.actions) == sorted(
        a.id for a in expected.actions
    )
    store = open_store(f"sqlite:///{base}")
    try:
        assert all(verify_audit(store.audit_records(f)).ok for f in fids)
    finally:
        store.close()


def test_the_merged_results_of_the_parts_are_the_result_of_one_sweep() -> None:
    one, two = service("memory://"), service("memory://")
    _register(one, 12)
    _register(two, 12)
    whole = one.sweep(SYSTEM)
    parts = [two.sweep(SYSTEM, part=SweepPart(k, 3)) for k in (3, 1, 2)]
    merged = SweepResult.merged(parts)
    assert merged == whole
    assert merged.part is None
    text = json.dumps(serialization.unstructure(merged))  # as a sweeper of --jobs sends it
    assert serialization.structure(json.loads(text), SweepResult) == merged


@pytest.mark.parametrize(
    ("which", "says"),
    [
        ((), ["expected the results of parts 1/N .. N/N"]),
        ((1, 2), ["expected parts 1/3 .. 3/3 once, got 1/3, 2/3"]),
        ((1, 2, 2, 3), ["expected parts 1/3 .. 3/3 once, got 1/3, 2/3, 2/3, 3/3"]),
        ((1, 2, 3, "whole"), ["parts[3]: is the sweep of no part"]),
        (
            (1, 2, 3, "later"),
            [
                "expected the sweeps of one day, got 2025-03-03, 2025-03-04",
                "expected parts 1/3 .. 3/3 once, got 1/3, 1/3, 2/3, 3/3",
            ],
        ),
    ],
)
def test_results_that_are_not_each_part_of_one_day_once_are_not_merged(
    which: tuple[object, ...], says: list[str]
) -> None:
    wm = service("memory://")
    _register(wm, 6)
    results = {k: wm.sweep(SYSTEM, part=SweepPart(k, 3)) for k in (1, 2, 3)}
    results["whole"] = wm.sweep(SYSTEM)
    results["later"] = wm.sweep(SYSTEM, on=D0 + dt.timedelta(days=1), part=SweepPart(1, 3))
    with pytest.raises(InvalidInput) as caught:
        SweepResult.merged([results[k] for k in which])
    assert [str(p) for p in caught.value.problems] == [
        s if s.startswith("parts[") else f"parts: {s}" for s in says
    ]


class _WithoutDueStates:
    """A store plugin without the bulk queries (the sweep then asks ``due`` and loads each folder)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        if name in ("due_states", "load_many"):
            raise AttributeError(name)
        return getattr(self.inner, name)


def test_a_part_of_a_store_without_due_states_sweeps_only_its_own_folders() -> None:
    inner = open_store("memory://")
    fids = _register(service(inner), 12)
    results = []
    for k in (1, 2):
        wm = Werkmap(_WithoutDueStates(inner), clock=FixedClock(D0), cache=0)  # type: ignore[arg-type]
        results.append(wm.sweep(SYSTEM, part=SweepPart(k, 2)))
    mine = {f for f in fids if SweepPart(1, 2).holds(f)}
    assert 0 < len(mine) < len(fids)
    assert _folders_of(results[0]) == mine
    assert _folders_of(results[1]) == set(fids) - mine
