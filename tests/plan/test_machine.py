"""The transition-table helper: validation at creation, firing, guards and rendering."""

from __future__ import annotations

import pytest

from werkmap.errors import GuardRefused, IllegalTransition, InvalidInput
from werkmap.plan import MACHINES
from werkmap.plan.machine import Machine, T


def _door(**overrides):
    spec = {
        "states": ("open", "shut", "locked", "gone"),
        "events": ("close", "lock", "remove"),
        "initial": "open",
        "final": ("gone",),
        "transitions": (
            T("open", "close", "shut"),
            T("shut", "lock", "locked", lambda s, c: None if c.get("key") else "needs a key"),
            T("locked", "remove", "gone"),
        ),
    }
    spec.update(overrides)
    return Machine("door", **spec)


def test_a_valid_machine_fires_and_lists_allowed_events():
    door = _door()
    assert door.fire("open", "close") == "shut"
    assert door.fire("shut", "lock", context={"key": 1}) == "locked"
    assert door.allowed("open") == ("close",)
    assert door.allowed("gone") == ()
    assert door.is_final("gone")
    assert door.can("open", "close")
    assert not door.can("open", "lock")


def test_an_illegal_event_names_object_state_event_and_allowed_events():
    with pytest.raises(IllegalTransition) as info:
        _door().fire("open", "lock", obj="front")
    err = info.value
    assert (err.machine, err.obj, err.state, err.event, err.allowed) == (
        "door",
        "front",
        "open",
        "lock",
        ("close",),
    )
    assert "allowed there: close" in str(err)


def test_an_event_from_a_final_state_says_so():
    with pytest.raises(IllegalTransition, match="none \\(final state\\)"):
        _door().fire("gone", "close")


def test_an_unknown_event_is_illegal():
    with pytest.raises(IllegalTransition):
        _door().fire("open", "fly")


def test_a_guard_refuses_with_its_reason():
    with pytest.raises(GuardRefused) as info:
        _door().fire("shut", "lock", obj="front")
    assert info.value.reason == "needs a key"
    assert "needs a key" in str(info.value)


@pytest.mark.parametrize(
    ("overrides", "path", "text"),
    [
        ({"initial": ("open", "shut")}, "$.initial", "exactly one initial"),
        ({"initial": ()}, "$.initial", "exactly one initial"),
        ({"initial": "ajar"}, "$.initial", "unknown state"),
        ({"final": ("gone", "vanished")}, "$.final", "unknown state"),
        (
            {
                "transitions": (
                    T("open", "close", "shut"),
                    T("shut", "lock", "locked"),
                    T("locked", "remove", "gone"),
                    T("gone", "close", "open"),
                )
            },
            "$.transitions[3].source",
            "final state",
        ),
        (
            {"transitions": (T("open", "close", "shut"), T("shut", "remove", "gone"))},
            "$.states",
            "unreachable",
        ),
        (
            {
                "transitions": (
                    T("open", "close", "shut"),
                    T("shut", "lock", "locked"),
                    T("locked", "smash", "gone"),
                )
            },
            "$.transitions[2].event",
            "unknown event",
        ),
        (
            {
                "transitions": (
                    T("open", "close", "shut"),
                    T("shut", "lock", "locked"),
                    T("locked", "remove", "void"),
                )
            },
            "$.transitions[2].target",
            "unknown state",
        ),
        (
            {
                "transitions": (
                    T("open", "close", "shut"),
                    T("open", "close", "gone"),
                    T("shut", "lock", "locked"),
                    T("locked", "remove", "gone"),
                )
            },
            "$.transitions[1]",
            "a second transition",
        ),
        ({"events": ("close", "lock", "remove", "paint")}, "$.events", "without a transition"),
        ({"states": ("open", "shut", "locked", "gone", "open")}, "$.states", "duplicate"),
        ({"initial": "gone"}, "$.initial", "is final"),
    ],
)
def test_an_invalid_definition_is_refused_when_built(overrides, path, text):
    with pytest.raises(InvalidInput) as info:
        _door(**overrides)
    assert any(p.path == path and text in p.message for p in info.value.problems), info.value


def test_every_problem_is_listed_at_once():
    with pytest.raises(InvalidInput) as info:
        _door(initial="ajar", final=("vanished",))
    paths = {p.path for p in info.value.problems}
    assert {"$.initial", "$.final"} <= paths


def test_mermaid_and_markdown_render_every_transition():
    door = _door()
    mermaid = door.mermaid()
    assert mermaid.splitlines()[:2] == ["stateDiagram-v2", "    [*] --> open"]
    assert "    shut --> locked: lock [guarded]" in mermaid
    assert "    gone --> [*]" in mermaid
    table = door.markdown()
    assert "| `open` | `close` | `shut` |  |" in table
    assert "| `shut` | `lock` | `locked` | yes |" in table


def test_the_plan_machines_are_valid_and_distinct():
    names = [m.name for m in MACHINES]
    assert names == ["activity", "conversation", "work_plan", "enforcement"]
    for m in MACHINES:
        assert m.initial in m.states
        assert m.final
