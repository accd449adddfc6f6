"""Route a jobseeker, explain the decision, and find what is due in a small population.

Run: python examples/routing_decision.py
"""

from __future__ import annotations

import datetime as dt

from werkmap.rules import (
    ActivityRow,
    CoachOverride,
    FolderColumns,
    FolderState,
    RoutingInputs,
    decide_route,
    due_actions,
    load_policy,
    next_due_on,
    sweep,
)

policy = load_policy()

# 1. A score of exactly 50 %: "at most 50 %" gets an orientation conversation.
decision = decide_route(
    RoutingInputs(probability=0.50, band="25-50", profiled_on=dt.date(2025, 3, 3)),
    dt.date(2025, 3, 3),
    policy,
)
print(f"{decision.rule_id} v{decision.rule_version}: {decision.outcome}")
print(f"  parameters: {decision.parameters}")
print(f"  en: {decision.reason_en}")
print(f"  nl: {decision.reason_nl}")

# 2. A coach deviates from the score, with a reason.
override = CoachOverride(
    outcome="conversation",
    reason="recent burn-out; self-assessed health low",
    by="coach-17",
    on=dt.date(2025, 3, 4),
)
decision = decide_route(
    RoutingInputs(probability=0.81, band="75-100", override=override), dt.date(2025, 3, 4), policy
)
print(f"{decision.rule_id}: {decision.outcome} ({decision.reason_en})")

# 3. What is due for one folder on a day (the deadline of a-1 is King's Day 2025, a Saturday).
state = FolderState(
    folder_id="f-1",
    registered_on=dt.date(2025, 1, 31),
    probability=0.81,
    band="75-100",
    profiler_invited_on=dt.date(2025, 1, 31),
    route="digital",
    routed_on=dt.date(2025, 2, 3),
    activities=(ActivityRow(id="a-1", state="open", deadline=dt.date(2025, 4, 26)),),
    applications_on=(dt.date(2025, 4, 1), dt.date(2025, 4, 8), dt.date(2025, 4, 15)),
)
on = dt.date(2025, 4, 30)
for action in due_actions(state, on, policy):
    print(
        f"{action.rule_id} {action.kind} {action.subject or '-'} fired {action.fired_on}: {action.reason_en}"
    )
print(f"nothing applied yet, so still due on {next_due_on(state, dt.date(2025, 5, 1), policy)}")

# 4. The same through the vectorised sweep over a (tiny) population.
population = FolderColumns.from_states(
    [state, FolderState(folder_id="f-2", registered_on=dt.date(2025, 4, 28))]
)
table = sweep(population, on, policy)
print(f"sweep found {len(table)} actions: {table.counts()}")
assert table.actions() == [
    a for s in (population.state(0), population.state(1)) for a in due_actions(s, on, policy)
]
