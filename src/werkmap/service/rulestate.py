"""The rule state saved beside each folder (``FolderIndex.rule_state``): a compact JSON of its FolderState.

The daily sweep reads it back for every due folder without loading a document
(:meth:`werkmap.service.Werkmap.sweep`). The text is a JSON array in a fixed order, with dates as ISO
texts: much smaller and quicker to write and read than the generic converter's objects (measured on the
1,000-jobseeker demo's folders: 3.9 KB and 168 µs to write, 250 µs to read with the converter; see
``benchmarks/bench_shell.py::service_sweep``). It holds every field of
:class:`~werkmap.rules.state.FolderState`, the experiment arm's switches included (from layout 2), so
``load_state(dump_state(s)) == s``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from werkmap.rules.routing import CoachOverride
from werkmap.rules.state import ActivityRow, FolderState, Invitation

__all__ = ["FORMAT", "dump_state", "load_state"]

FORMAT = 2
"""The first element of the array: the layout version of the rule state.

Layout 2 adds the experiment arm's two switches (``services``, ``enforcement``) at the end; a layout-1
text (written before them) reads with both ``True``, as every folder had then."""

_LAYOUTS = frozenset({(1, 19), (FORMAT, 21)})
"""The layouts read: (layout version, number of elements)."""

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def dump_state(state: FolderState) -> str:
    """Write a folder state as the compact JSON text.

    Examples:
        >>> s = FolderState(folder_id="f-1", registered_on=dt.date(2025, 1, 6))
        >>> load_state(dump_state(s)) == s
        True
    """
    override = state.coach_override
    return _JSON.encode(
        [
            FORMAT,
            state.folder_id,
            state.registered_on.isoformat(),
            state.probability,
            state.band,
            _d(state.profiled_on),
            _d(state.profiler_invited_on),
            state.route,
            _d(state.routed_on),
            state.requested_conversation,
            None
            if override is None
            else [override.outcome, override.reason, override.by, override.on.isoformat()],
            _d(state.last_conversation_on),
            [[v.id, v.kind, v.invited_on.isoformat(), _d(v.planned_on)] for v in state.pending],
            _d(state.work_found_on),
            _d(state.benefit_ends_on),
            _d(state.pension_on),
            [
                [a.id, a.state, a.deadline.isoformat(), _d(a.reminded_on), a.suspended]
                for a in state.activities
            ],
            [day.isoformat() for day in state.applications_on],
            sorted(state.handled),
            state.services,
            state.enforcement,
        ]
    )


def load_state(text: str) -> FolderState:
    """Read what :func:`dump_state` wrote.

    Raises:
        ValueError: the text is not a rule state of this layout.
    """
    data: list[Any] = json.loads(text)
    if not isinstance(data, list) or not data or (data[0], len(data)) not in _LAYOUTS:
        raise ValueError("not a werkmap rule state of layout 1 or 2")
    services, enforcement = data[19:] if data[0] == FORMAT else (True, True)
    if type(services) is not bool or type(enforcement) is not bool:
        raise ValueError("a rule state's arm switches are not true or false")
    (
        _,
        folder_id,
        registered_on,
        probability,
        band,
        profiled_on,
        invited_on,
        route,
        routed_on,
        requested,
        override,
        last_conversation_on,
        pending,
        work_found_on,
        benefit_ends_on,
        pension_on,
        activities,
        applications,
        handled,
    ) = data[:19]
    fromiso = dt.date.fromisoformat
    return FolderState(
        folder_id=folder_id,
        registered_on=fromiso(registered_on),
        probability=probability,
        band=band,
        profiled_on=_day(profiled_on),
        profiler_invited_on=_day(invited_on),
        route=route,
        routed_on=_day(routed_on),
        requested_conversation=requested,
        coach_override=None
        if override is None
        else CoachOverride(
            outcome=override[0], reason=override[1], by=override[2], on=fromiso(override[3])
        ),
        last_conversation_on=_day(last_conversation_on),
        pending=tuple(
            Invitation(id=i, kind=k, invited_on=fromiso(on), planned_on=_day(planned))
            for i, k, on, planned in pending
        ),
        work_found_on=_day(work_found_on),
        benefit_ends_on=_day(benefit_ends_on),
        pension_on=_day(pension_on),
        activities=tuple(
            ActivityRow(id=i, state=st, deadline=fromiso(due), reminded_on=_day(rem), suspended=sus)
            for i, st, due, rem, sus in activities
        ),
        applications_on=tuple(fromiso(day) for day in applications),
        handled=frozenset(handled),
        services=services,
        enforcement=enforcement,
    )
