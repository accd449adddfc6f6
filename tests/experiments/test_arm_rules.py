"""The arm's switches remove exactly the rules they name, from the one definition of each rule."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from tests.rules.strategies import populations

from werkmap.rules import FolderColumns, default_policy, due_actions, sweep

POLICY = default_policy()
SERVICE_KINDS = {
    "invite_orientation",
    "invite_monitor",
    "invite_early_contact",
    "invite_coaching",
    "flag_no_profile",
}
ENFORCEMENT_KINDS = {"send_reminder", "propose_enforcement", "flag_application_duty"}


@settings(max_examples=80, deadline=None)
@given(populations())
def test_switching_off_removes_exactly_the_named_rules(population):
    on, states = population
    for full in states:
        full = attrs.evolve(full, services=True, enforcement=True)
        everything = due_actions(full, on, POLICY)
        for services, enforcement in ((False, True), (True, False), (False, False)):
            arm = attrs.evolve(full, services=services, enforcement=enforcement)
            off = (set() if services else SERVICE_KINDS) | (
                set() if enforcement else ENFORCEMENT_KINDS
            )
            assert due_actions(arm, on, POLICY) == [a for a in everything if a.kind not in off]


@settings(max_examples=50, deadline=None)
@given(populations())
def test_the_sweep_honours_the_switches_as_the_one_folder_rules_do(population):
    on, states = population
    controls = [
        attrs.evolve(s, services=False, enforcement=i % 2 == 0) for i, s in enumerate(states)
    ]
    expected = [a for s in controls for a in due_actions(s, on, POLICY)]
    assert sweep(FolderColumns.from_states(controls), on, POLICY).actions() == expected
