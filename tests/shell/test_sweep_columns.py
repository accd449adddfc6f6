"""The service's sweep decides over the stored rule columns and loads only the folders with an action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from werkmap.rules.state import folder_state
from werkmap.service.rulestate import dump_state, load_state
from werkmap.storage import open_store
from werkmap.storage.protocol import Store

from .service_world import COACH, D0, SYSTEM, build_world, day, service


class CountingStore:
    """A store that counts its loads (everything else passes through)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.loads: list[str] = []

    def load(self, folder_id: str) -> Any:
        self.loads.append(folder_id)
        return self.inner.load(folder_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_folder_due_in_the_index_but_without_actions_is_not_loaded(
    kind: str, tmp_path: Path
) -> None:
    url = "memory://" if kind == "memory" else f"sqlite:///{tmp_path}/s.db"
    inner = open_store(url)
    wm = service(inner, cache=False)
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    wm.register(SYSTEM, "f-2", jobseeker_ref="js-2", coach_id="c-1")
    assert wm.sweep(SYSTEM).counts() == {"invite_profiler": 2}
    # f-2's index says it is due today (as after a policy change), but its rules have nothing due
    folder = inner.load("f-2")
    index = wm.index_of(folder)
    assert index.next_due_on is not None
    assert index.next_due_on > D0
    early = attrs.evolve(index, next_due_on=D0)
    later = attrs.evolve(folder, version=folder.version + 1)
    inner.save(later, expected_version=folder.version, index=early)
    counting = CountingStore(inner)
    wm2 = service(counting, cache=False)  # type: ignore[arg-type]
    result = wm2.sweep(SYSTEM)
    assert result.folders == 1
    assert result.actions == ()
    assert counting.loads == []  # before: every due folder was loaded to ask its rules


def test_the_sweep_over_stored_states_applies_what_the_folder_by_folder_rules_apply(
    tmp_path: Path,
) -> None:
    one = build_world(f"sqlite:///{tmp_path}/a.db", cache=False)
    two = build_world("memory://", cache=True)
    for n in (3, 4, 10, 20, 40):
        for wm in (one, two):
            wm.clock.set(day(n))  # type: ignore[attr-defined]
        a, b = one.sweep(SYSTEM), two.sweep(SYSTEM)
        assert a.actions == b.actions
        assert a.folders == b.folders


def test_the_rule_state_text_reads_back_equal() -> None:
    wm = build_world()
    for fid in ("f-1", "f-2", "f-3"):
        state = folder_state(wm.folder(COACH if fid != "f-2" else SYSTEM, fid))
        assert load_state(dump_state(state)) == state
    with pytest.raises(ValueError, match="layout"):
        load_state("[2]")


@pytest.mark.parametrize("services", [True, False])
@pytest.mark.parametrize("enforcement", [True, False])
def test_the_rule_state_text_keeps_the_arm_switches(services: bool, enforcement: bool) -> None:
    wm = build_world()
    state = attrs.evolve(
        folder_state(wm.folder(COACH, "f-1")), services=services, enforcement=enforcement
    )
    back = load_state(dump_state(state))
    assert (back.services, back.enforcement) == (services, enforcement)
    assert back == state


def test_a_rule_state_of_layout_1_reads_with_both_switches_on() -> None:
    wm = build_world()
    state = folder_state(wm.folder(COACH, "f-1"))
    old = json.loads(dump_state(state))[:19]
    old[0] = 1
    assert load_state(json.dumps(old)) == state
    with pytest.raises(ValueError, match="switches"):
        load_state(json.dumps([*json.loads(dump_state(state))[:19], "yes", True]))
