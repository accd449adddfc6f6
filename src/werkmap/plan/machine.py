"""One small declarative transition-table helper shared by every machine of the Work Folder.

A :class:`Machine` is data: its states, its events, its transitions (each a :class:`T`), its initial state and
its final states. It is validated when it is built (exactly one initial state, no transition out of a final
state, every state reachable from the initial one, no unknown state or event names, no two transitions for one
state and event) and renders itself as a Mermaid diagram and as a markdown table for the docs.

A machine holds no object: the state of an activity, a conversation, a work plan or an enforcement case is a
plain string field of that (frozen) value, and :meth:`Machine.fire` looks the transition up in a dict. So one
machine serves a million activities at the cost of one dict lookup per event.

Examples:
    >>> door = Machine(
    ...     "door",
    ...     states=("open", "shut", "gone"),
    ...     events=("close", "remove"),
    ...     initial="open",
    ...     final=("gone",),
    ...     transitions=(T("open", "close", "shut"), T("shut", "remove", "gone")),
    ... )
    >>> door.fire("open", "close", obj="front door")
    'shut'
    >>> door.allowed("shut")
    ('remove',)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from werkmap.errors import GuardRefused, IllegalTransition, InvalidInput, Problem

__all__ = ["Guard", "Machine", "T"]

Guard = Callable[[Any, Mapping[str, Any]], str | None]
"""A guard: ``guard(subject, context)`` returns ``None`` to allow a transition or a reason to refuse it.

``subject`` is the value the event is applied to (an activity, say); ``context`` holds the event's arguments
(``on``, ``reason``, ``by`` ...)."""

_EMPTY: Mapping[str, Any] = {}


@attrs.frozen
class T:
    """One transition: in state ``source``, event ``event`` leads to state ``target``.

    Attributes:
        source: the state the transition leaves.
        event: the event that triggers it.
        target: the state it enters (may equal ``source``: a self-loop such as rescheduling).
        guard: an optional :data:`Guard`; when it returns a reason, the event is refused with that reason.
        note: a short text for the docs table (what the guard checks, say).
    """

    source: str
    event: str
    target: str
    guard: Guard | None = attrs.field(default=None, eq=False)
    note: str = ""


class Machine:
    """A validated transition table. Build it once per kind of object, at import time.

    Args:
        name: the machine's name, used in errors and diagrams (``activity``).
        states: every state, in the order the docs list them.
        events: every event name, in the order the docs list them.
        initial: the one state every new object starts in.
        final: the states nothing leaves.
        transitions: the transitions.

    Raises:
        InvalidInput: the definition is inconsistent; every problem is listed with its path.
    """

    __slots__ = (
        "_allowed",
        "_table",
        "events",
        "final",
        "initial",
        "name",
        "states",
        "transitions",
    )

    def __init__(
        self,
        name: str,
        *,
        states: Iterable[str],
        events: Iterable[str],
        initial: str | Iterable[str],
        final: Iterable[str],
        transitions: Iterable[T],
    ) -> None:
        self.name = name
        self.states: tuple[str, ...] = tuple(states)
        self.events: tuple[str, ...] = tuple(events)
        self.final: frozenset[str] = frozenset(final)
        self.transitions: tuple[T, ...] = tuple(transitions)
        initials = (initial,) if isinstance(initial, str) else tuple(initial)
        problems = _validate(name, self.states, self.events, initials, self.final, self.transitions)
        if problems:
            raise InvalidInput(problems, source=f"machine {name!r}")
        self.initial: str = initials[0]
        self._table: dict[tuple[str, str], T] = {(t.source, t.event): t for t in self.transitions}
        allowed: dict[str, list[str]] = {s: [] for s in self.states}
        for t in self.transitions:
            if t.event not in allowed[t.source]:
                allowed[t.source].append(t.event)
        self._allowed: dict[str, tuple[str, ...]] = {s: tuple(a) for s, a in allowed.items()}

    def __repr__(self) -> str:
        return f"Machine({self.name!r}, {len(self.states)} states, {len(self.transitions)} transitions)"

    def allowed(self, state: str) -> tuple[str, ...]:
        """Return the events that state ``state`` allows (empty for a final state)."""
        return self._allowed.get(state, ())

    def can(self, state: str, event: str) -> bool:
        """Return whether ``state`` has a transition for ``event`` (guards are not asked)."""
        return (state, event) in self._table

    def is_final(self, state: str) -> bool:
        """Return whether ``state`` is a final state."""
        return state in self.final

    def fire(
        self,
        state: str,
        event: str,
        *,
        obj: str = "",
        subject: Any = None,
        context: Mapping[str, Any] = _EMPTY,
    ) -> str:
        """Return the state that ``event`` leads to from ``state``, asking the transition's guard first.

        Args:
            state: the current state.
            event: the event.
            obj: an identifier of the object, for the error message.
            subject: the object itself, handed to the guard.
            context: the event's arguments, handed to the guard.

        Raises:
            IllegalTransition: ``state`` has no transition for ``event``; the error names the allowed events.
            GuardRefused: the guard refused and said why.
        """
        t = self._table.get((state, event))
        if t is None:
            raise IllegalTransition(
                machine=self.name, obj=obj, state=state, event=event, allowed=self.allowed(state)
            )
        if t.guard is not None:
            reason = t.guard(subject, context)
            if reason is not None:
                raise GuardRefused(
                    machine=self.name,
                    obj=obj,
                    state=state,
                    event=event,
                    allowed=self.allowed(state),
                    reason=reason,
                )
        return t.target

    def mermaid(self) -> str:
        """Return the machine as a Mermaid ``stateDiagram-v2`` (deterministic text)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for t in self.transitions:
            label = f"{t.event} [guarded]" if t.guard is not None else t.event
            lines.append(f"    {t.source} --> {t.target}: {label}")
        lines.extend(f"    {s} --> [*]" for s in self.states if s in self.final)
        return "\n".join(lines)

    def markdown(self) -> str:
        """Return the transitions as a markdown table (from, event, to, guard)."""
        rows = ["| from | event | to | guard |", "|---|---|---|---|"]
        for t in self.transitions:
            guard = t.note or ("yes" if t.guard is not None else "")
            rows.append(f"| `{t.source}` | `{t.event}` | `{t.target}` | {guard} |")
        return "\n".join(rows)


def _validate(
    name: str,
    states: tuple[str, ...],
    events: tuple[str, ...],
    initials: tuple[str, ...],
    final: frozenset[str],
    transitions: tuple[T, ...],
) -> list[Problem]:
    problems: list[Problem] = []
    known = set(states)
    if len(known) != len(states):
        dupes = sorted({s for s in states if states.count(s) > 1})
        problems.append(Problem(path="$.states", message=f"duplicate states {dupes}"))
    if len(set(events)) != len(events):
        dupes = sorted({e for e in events if events.count(e) > 1})
        problems.append(Problem(path="$.events", message=f"duplicate events {dupes}"))
    if len(initials) != 1:
        problems.append(
            Problem(
                path="$.initial",
                message=f"expected exactly one initial state, got {list(initials)}",
            )
        )
    for s in initials:
        if s not in known:
            problems.append(Problem(path="$.initial", message=f"unknown state {s!r}"))
        if s in final:
            problems.append(Problem(path="$.initial", message=f"initial state {s!r} is final"))
    for s in sorted(final - known):
        problems.append(Problem(path="$.final", message=f"unknown state {s!r}"))
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(transitions):
        where = f"$.transitions[{i}]"
        if t.source not in known:
            problems.append(Problem(path=f"{where}.source", message=f"unknown state {t.source!r}"))
        if t.target not in known:
            problems.append(Problem(path=f"{where}.target", message=f"unknown state {t.target!r}"))
        if t.event not in events:
            problems.append(Problem(path=f"{where}.event", message=f"unknown event {t.event!r}"))
        if t.source in final:
            problems.append(
                Problem(
                    path=f"{where}.source",
                    message=f"final state {t.source!r} has a transition ({t.event!r})",
                )
            )
        if (t.source, t.event) in seen:
            problems.append(
                Problem(
                    path=where,
                    message=f"a second transition for state {t.source!r} and event {t.event!r}",
                )
            )
        seen.add((t.source, t.event))
    if len(initials) == 1 and initials[0] in known:
        reached = {initials[0]}
        frontier = [initials[0]]
        while frontier:
            here = frontier.pop()
            for t in transitions:
                if t.source == here and t.target not in reached:
                    reached.add(t.target)
                    frontier.append(t.target)
        unreachable = [s for s in states if s not in reached]
        if unreachable:
            problems.append(
                Problem(path="$.states", message=f"unreachable from {initials[0]!r}: {unreachable}")
            )
    used = {t.event for t in transitions}
    unused = [e for e in events if e not in used]
    if unused:
        problems.append(Problem(path="$.events", message=f"events without a transition: {unused}"))
    return problems
