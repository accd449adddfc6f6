"""The machines page of the docs, generated from the machine definitions.

``docs/concepts/machines.md`` is the output of :func:`machines_page`; a test fails when the file and the
definitions disagree. To regenerate the page after changing a machine, run
``python tests/plan/test_diagrams.py`` from the repository root.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkmap.plan.activity import ACTIVITY
from werkmap.plan.conversation import CONVERSATION
from werkmap.plan.enforcement import ENFORCEMENT
from werkmap.plan.machine import Machine
from werkmap.plan.workplan import WORK_PLAN

__all__ = ["MACHINE_TITLES", "machine_section", "machines_page"]

MACHINE_TITLES: dict[str, str] = {
    ACTIVITY.name: "Activity",
    CONVERSATION.name: "Conversation",
    WORK_PLAN.name: "Work plan",
    ENFORCEMENT.name: "Enforcement case",
}
"""The heading of each machine's section, by machine name."""


def machine_section(machine: Machine) -> str:
    """Return the markdown section of one machine: states, the Mermaid diagram and the transition table."""
    title = MACHINE_TITLES.get(machine.name, machine.name)
    finals = ", ".join(f"`{s}`" for s in machine.states if s in machine.final)
    lines = [
        f"## {title} (`{machine.name}`)",
        "",
        f"Initial state: `{machine.initial}`. Final states: {finals}. "
        f"Events: {', '.join(f'`{e}`' for e in machine.events)}.",
        "",
        "```mermaid",
        machine.mermaid(),
        "```",
        "",
        machine.markdown(),
        "",
    ]
    return "\n".join(lines)


def machines_page(
    machines: Iterable[Machine] = (ACTIVITY, CONVERSATION, WORK_PLAN, ENFORCEMENT),
) -> str:
    """Return the whole machines page (deterministic text, ending in one newline)."""
    head = [
        "# The Work Folder's machines",
        "",
        "<!-- Generated from the definitions in werkmap.plan by werkmap.plan.diagrams.machines_page();",
        "     do not edit by hand: run `python tests/plan/test_diagrams.py` to regenerate. -->",
        "",
        "Every machine below is a `werkmap.plan.machine.Machine`: validated when it is built, rendered here",
        "from its definition. A test fails when this page and the definitions disagree. An event a state",
        "does not allow raises `IllegalTransition`; a guard that refuses raises `GuardRefused` with its",
        'reason. "Guard" names what the transition needs.',
        "",
    ]
    return (
        "\n".join(head) + "\n" + "\n".join(machine_section(m) for m in machines).rstrip("\n") + "\n"
    )
