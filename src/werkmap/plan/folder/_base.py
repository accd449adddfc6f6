"""What every change of a folder is made with: one version step and its events, item updates and ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.folder._values import Change, FolderEvent, WorkFolder

__all__ = ["next_id"]


_I = TypeVar("_I")


def _replace(items: tuple[_I, ...], i: int, item: _I) -> tuple[_I, ...]:
    return (*items[:i], item, *items[i + 1 :])


def _require_new(items: Sequence[Any], attr: str, ident: str) -> None:
    problems = []
    if not ident:
        problems.append(Problem(path=f"$.{attr}", message="empty"))
    elif any(getattr(x, attr) == ident for x in items):
        problems.append(Problem(path=f"$.{attr}", message=f"{ident!r} exists already"))
    if problems:
        raise InvalidInput(problems, source="work folder")


def _commit(
    folder: WorkFolder,
    *,
    on: dt.date,
    actor: str,
    events: Iterable[tuple[str, Mapping[str, str]]],
    **changes: Any,
) -> Change:
    version = folder.version + 1
    seq = len(folder.events)
    new_events = tuple(
        FolderEvent(seq=seq + i, kind=kind, on=on, actor=actor, version=version, data=dict(data))
        for i, (kind, data) in enumerate(events, start=1)
    )
    new = attrs.evolve(folder, version=version, events=folder.events + new_events, **changes)
    return new, new_events


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


_ID_ITEMS = {
    "act": ("activities", "activity_id"),
    "conv": ("conversations", "conversation_id"),
    "plan": ("plans", "plan_id"),
    "case": ("cases", "case_id"),
}


def next_id(folder: WorkFolder, prefix: str) -> str:
    """Return the next free id ``<prefix>-<n>`` for an activity, conversation, plan or case of ``folder``.

    ``n`` is one more than the highest number among the folder's ids of that prefix, so ids are never
    reused, even when an id was given by hand.

    Args:
        folder: the folder.
        prefix: ``act``, ``conv``, ``plan`` or ``case``.
    """
    items, attr = _ID_ITEMS[prefix]
    high = 0
    for item in getattr(folder, items):
        head, sep, tail = getattr(item, attr).rpartition("-")
        if sep and head == prefix and tail.isdigit():
            high = max(high, int(tail))
    return f"{prefix}-{high + 1}"
