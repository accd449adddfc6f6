"""The daily sweep: what is due on a date, for a whole population at once, over numpy columns.

:class:`FolderColumns` is the columnar form of many :class:`~werkmap.rules.state.FolderState` values: one
array per per-folder field (dates as ``int64`` day numbers since 1970-01-01, :data:`NO_DATE` for none)
and three flat tables with a folder index (pending invitations, activities, application dates), sorted
by folder. :func:`sweep` evaluates every rule of :mod:`werkmap.rules.due` with array operations and returns
exactly the actions :func:`~werkmap.rules.due.due_actions` returns for each folder, in folder order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

import attrs
import numpy as np

from werkmap.errors import InvalidInput, Problem
from werkmap.rules.due import (
    KINDS,
    RULE_IDS,
    RULE_VERSION,
    Action,
    _hash,
    frozen_parameters,
)
from werkmap.rules.policy import Policy, PolicyValues
from werkmap.rules.routing import OUTCOMES, check_probability
from werkmap.rules.state import (
    ACTIVITY_STATES,
    INVITATION_KINDS,
    ActivityRow,
    FolderState,
    Invitation,
)
from werkmap.workdays import HolidayCalendar, dutch_calendar

__all__ = [
    "NO_DATE",
    "DueTable",
    "FolderColumns",
    "add_months_array",
    "day_number",
    "from_day_number",
    "sweep",
]

NO_DATE = np.iinfo(np.int64).min
"""The day number standing for "no date" (the integer behind ``NaT``)."""

_EPOCH = dt.date(1970, 1, 1)
_FAR_PAST = -(10**9)  # "no period end": far enough that no application date is near it
_ROUTE = {name: i + 1 for i, name in enumerate(OUTCOMES)}
_ACT = {name: i for i, name in enumerate(ACTIVITY_STATES)}
_INV = {name: i for i, name in enumerate(INVITATION_KINDS)}
_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def day_number(day: dt.date | None) -> int:
    """Return the day number of ``day`` (days since 1970-01-01), or :data:`NO_DATE` for ``None``."""
    return NO_DATE if day is None else (day - _EPOCH).days


def from_day_number(number: int) -> dt.date | None:
    """Return the date of a day number, or ``None`` for :data:`NO_DATE`."""
    return None if number == NO_DATE else _EPOCH + dt.timedelta(days=int(number))


def _i64(values: Sequence[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _i8(values: Sequence[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int8)


def _f64(values: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _bools(values: Sequence[bool] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=bool)


def _days(values: Sequence[int] | np.ndarray) -> np.ndarray:
    """Day numbers from ``int`` day numbers or ``datetime64`` dates (``NaT`` becomes :data:`NO_DATE`)."""
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return array.astype("datetime64[D]").astype(np.int64)
    return array.astype(np.int64)


@attrs.frozen(kw_only=True, eq=False)
class FolderColumns:
    """Many folder snapshots as columns, for :func:`sweep`.

    Per-folder arrays have one entry per folder; dates are ``int64`` day numbers (:func:`day_number`),
    :data:`NO_DATE` for none (``datetime64`` arrays are accepted and converted, ``NaT`` meaning none); ``probability`` is ``NaN`` without a profile; ``route`` is 0 for none, else
    1 + the index in :data:`werkmap.rules.routing.OUTCOMES`. The tables ``inv_*`` (pending invitations),
    ``act_*`` (activities; ``act_state`` indexes :data:`~werkmap.rules.state.ACTIVITY_STATES`) and
    ``app_*`` (application dates) are flat (``act_suspended``, default all false: the deadline is suspended), with the folder index in ``*_folder``, sorted by it.
    ``handled`` holds action ids already applied or recorded, for all folders together.
    ``services`` and ``enforcement`` are the experiment arm's switches per folder
    (:attr:`~werkmap.rules.state.FolderState.services`, :attr:`~werkmap.rules.state.FolderState.enforcement`);
    default all true (the full service).
    """

    folder_id: Sequence[str]
    registered_on: np.ndarray = attrs.field(converter=_days)
    probability: np.ndarray = attrs.field(converter=_f64)
    profiler_invited_on: np.ndarray = attrs.field(converter=_days)
    route: np.ndarray = attrs.field(converter=_i8)
    routed_on: np.ndarray = attrs.field(converter=_days)
    last_conversation_on: np.ndarray = attrs.field(converter=_days)
    work_found_on: np.ndarray = attrs.field(converter=_days)
    benefit_ends_on: np.ndarray = attrs.field(converter=_days)
    pension_on: np.ndarray = attrs.field(converter=_days)
    inv_folder: np.ndarray = attrs.field(converter=_i64)
    inv_id: Sequence[str]
    inv_kind: np.ndarray = attrs.field(converter=_i8)
    inv_invited_on: np.ndarray = attrs.field(converter=_days)
    inv_planned_on: np.ndarray = attrs.field(converter=_days)
    act_folder: np.ndarray = attrs.field(converter=_i64)
    act_id: Sequence[str]
    act_state: np.ndarray = attrs.field(converter=_i8)
    act_deadline: np.ndarray = attrs.field(converter=_days)
    act_reminded_on: np.ndarray = attrs.field(converter=_days)
    act_suspended: np.ndarray = attrs.field(
        converter=_bools,
        default=attrs.Factory(
            lambda self: np.zeros(len(self.act_folder), dtype=bool), takes_self=True
        ),
    )
    app_folder: np.ndarray = attrs.field(converter=_i64)
    app_day: np.ndarray = attrs.field(converter=_days)
    handled: frozenset[str] = frozenset()
    services: np.ndarray = attrs.field(
        converter=_bools,
        default=attrs.Factory(
            lambda self: np.ones(len(self.folder_id), dtype=bool), takes_self=True
        ),
    )
    enforcement: np.ndarray = attrs.field(
        converter=_bools,
        default=attrs.Factory(
            lambda self: np.ones(len(self.folder_id), dtype=bool), takes_self=True
        ),
    )

    def __attrs_post_init__(self) -> None:
        n = len(self.folder_id)
        for name in (
            "registered_on",
            "probability",
            "profiler_invited_on",
            "route",
            "routed_on",
            "last_conversation_on",
            "work_found_on",
            "benefit_ends_on",
            "pension_on",
            "services",
            "enforcement",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} rows, expected {n}")
        for prefix, cols in (
            ("inv", ("id", "kind", "invited_on", "planned_on")),
            ("act", ("id", "state", "deadline", "reminded_on", "suspended")),
            ("app", ("day",)),
        ):
            folder = getattr(self, f"{prefix}_folder")
            for col in cols:
                if len(getattr(self, f"{prefix}_{col}")) != len(folder):
                    raise ValueError(f"table column {prefix}_{col} does not match {prefix}_folder")
            if len(folder) and (np.any(np.diff(folder) < 0) or folder[0] < 0 or folder[-1] >= n):
                raise ValueError(f"{prefix}_folder must be sorted folder indexes in [0, {n})")

    def __len__(self) -> int:
        return len(self.folder_id)

    @classmethod
    def from_states(cls, states: Sequence[FolderState]) -> FolderColumns:
        """Build the columns of ``states`` (in their order).

        Raises:
            InvalidInput: a state's probability is not ``None`` or finite in [0, 1] (NaN stands for
                "no profile" only inside the columns).
        """
        inv: list[tuple[int, str, int, int, int]] = []
        act: list[tuple[int, str, int, int, int, bool]] = []
        app: list[tuple[int, int]] = []
        handled: set[str] = set()
        for i, s in enumerate(states):
            check_probability(s.probability, f"folder state {s.folder_id}")
            for v in s.pending:
                inv.append(
                    (i, v.id, _INV[v.kind], day_number(v.invited_on), day_number(v.planned_on))
                )
            for a in s.activities:
                act.append(
                    (
                        i,
                        a.id,
                        _ACT[a.state],
                        day_number(a.deadline),
                        day_number(a.reminded_on),
                        a.suspended,
                    )
                )
            app.extend((i, day_number(day)) for day in sorted(s.applications_on))
            handled |= s.handled
        return cls(
            folder_id=[s.folder_id for s in states],
            registered_on=_i64([day_number(s.registered_on) for s in states]),
            probability=np.array(
                [np.nan if s.probability is None else s.probability for s in states], dtype=float
            ),
            profiler_invited_on=_i64([day_number(s.profiler_invited_on) for s in states]),
            route=np.array([_ROUTE.get(s.route or "", 0) for s in states], dtype=np.int8),
            routed_on=_i64([day_number(s.routed_on) for s in states]),
            last_conversation_on=_i64([day_number(s.last_conversation_on) for s in states]),
            work_found_on=_i64([day_number(s.work_found_on) for s in states]),
            benefit_ends_on=_i64([day_number(s.benefit_ends_on) for s in states]),
            pension_on=_i64([day_number(s.pension_on) for s in states]),
            inv_folder=_i64([r[0] for r in inv]),
            inv_id=[r[1] for r in inv],
            inv_kind=np.array([r[2] for r in inv], dtype=np.int8),
            inv_invited_on=_i64([r[3] for r in inv]),
            inv_planned_on=_i64([r[4] for r in inv]),
            act_folder=_i64([r[0] for r in act]),
            act_id=[r[1] for r in act],
            act_state=np.array([r[2] for r in act], dtype=np.int8),
            act_deadline=_i64([r[3] for r in act]),
            act_reminded_on=_i64([r[4] for r in act]),
            act_suspended=np.array([r[5] for r in act], dtype=bool),
            app_folder=_i64([r[0] for r in app]),
            app_day=_i64([r[1] for r in app]),
            handled=frozenset(handled),
            services=np.array([s.services for s in states], dtype=bool),
            enforcement=np.array([s.enforcement for s in states], dtype=bool),
        )

    def state(self, i: int) -> FolderState:
        """Return folder ``i`` as a :class:`FolderState` (the fields the rules read)."""

        def rows(folder: np.ndarray) -> range:
            lo, hi = np.searchsorted(folder, [i, i + 1])
            return range(int(lo), int(hi))

        prob = float(self.probability[i])
        route = int(self.route[i])
        return FolderState(
            folder_id=self.folder_id[i],
            registered_on=_date(self.registered_on[i]),
            probability=None if np.isnan(prob) else prob,
            profiler_invited_on=from_day_number(int(self.profiler_invited_on[i])),
            route=OUTCOMES[route - 1] if route else None,
            routed_on=from_day_number(int(self.routed_on[i])),
            last_conversation_on=from_day_number(int(self.last_conversation_on[i])),
            work_found_on=from_day_number(int(self.work_found_on[i])),
            benefit_ends_on=from_day_number(int(self.benefit_ends_on[i])),
            pension_on=from_day_number(int(self.pension_on[i])),
            pending=tuple(
                Invitation(
                    id=self.inv_id[r],
                    kind=INVITATION_KINDS[int(self.inv_kind[r])],
                    invited_on=_date(self.inv_invited_on[r]),
                    planned_on=from_day_number(int(self.inv_planned_on[r])),
                )
                for r in rows(self.inv_folder)
            ),
            activities=tuple(
                ActivityRow(
                    id=self.act_id[r],
                    state=ACTIVITY_STATES[int(self.act_state[r])],
                    deadline=_date(self.act_deadline[r]),
                    reminded_on=from_day_number(int(self.act_reminded_on[r])),
                    suspended=bool(self.act_suspended[r]),
                )
                for r in rows(self.act_folder)
            ),
            applications_on=tuple(_date(self.app_day[r]) for r in rows(self.app_folder)),
            handled=self.handled,
            services=bool(self.services[i]),
            enforcement=bool(self.enforcement[i]),
        )


def _date(number: np.integer | int) -> dt.date:
    day = from_day_number(int(number))
    if day is None:
        raise ValueError("a required date is missing")
    return day


class _Roller:
    """Vectorised ``HolidayCalendar.next_working_day`` (or ``previous_working_day``) on day numbers."""

    def __init__(
        self, calendar: HolidayCalendar, roll: Literal["forward", "backward"] = "forward"
    ) -> None:
        self.calendar = calendar
        self.roll = roll
        self.lo = (
            day_number(dt.date(calendar.first_year, 1, 1))
            if calendar.first_year is not None
            else None
        )
        self.hi = (
            day_number(dt.date(calendar.last_year, 12, 31))
            if calendar.last_year is not None
            else None
        )
        self.name = calendar.name

    def _outside(self, days: np.ndarray) -> bool:
        return (self.lo is not None and int(days.min()) < self.lo) or (
            self.hi is not None and int(days.max()) > self.hi
        )

    def __call__(self, days: np.ndarray) -> np.ndarray:
        if len(days) == 0:
            return days
        if self._outside(days):
            raise ValueError(f"a date is outside the holiday calendar {self.name!r}")
        first = _date(int(days.min())).year - 1
        last = _date(int(days.max())).year + 1
        holidays = self.calendar.as_array(first, last)
        rolled = np.busday_offset(
            days.astype("datetime64[D]"), 0, roll=self.roll, holidays=holidays
        )
        result: np.ndarray = rolled.astype(np.int64)
        if self._outside(result):
            raise ValueError(f"a date is outside the holiday calendar {self.name!r}")
        return result


def add_months_array(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """Vectorised :func:`werkmap.workdays.add_months` on day numbers (end-of-month clipped)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    start = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - start).astype(np.int64)
    result: np.ndarray = start.astype(np.int64) + np.minimum(day_of_month, length - 1)
    return result


def sweep(
    columns: FolderColumns,
    on: dt.date,
    policy: Policy,
    calendar: HolidayCalendar | None = None,
) -> DueTable:
    """Return the actions due on ``on`` for every folder in ``columns``, as a :class:`DueTable`.

    ``sweep(...).actions()`` equals ``[a for i in range(len(columns)) for a in
    due_actions(columns.state(i), on, policy, calendar)]``, computed with array operations over the
    whole population. Actions whose ids are in ``columns.handled`` are left out.
    """
    cal = calendar or dutch_calendar()
    roll = _Roller(cal)
    back = _Roller(cal, "backward")
    p = columns.probability
    bad = np.nonzero(~np.isnan(p) & ~((p >= 0.0) & (p <= 1.0)))[0]
    if len(bad):
        raise InvalidInput(
            [
                Problem(
                    path=f"$.probability[{int(i)}]",
                    message=f"expected a finite value in [0, 1], got {float(p[i])!r}",
                )
                for i in bad
            ],
            source="folder columns",
        )
    v = policy.at(on)
    d = day_number(on)
    c = columns
    n = len(c)
    reg = c.registered_on
    last = c.last_conversation_on
    route = c.route
    routed = c.routed_on

    work, ends = c.work_found_on, c.benefit_ends_on
    closed_on = np.where(
        work == NO_DATE, ends, np.where(ends == NO_DATE, work, np.minimum(work, ends))
    )
    closed = (closed_on != NO_DATE) & (closed_on <= d)
    live = ~closed
    planned = c.inv_planned_on
    missing = (planned != NO_DATE) & (planned < d)  # outcome missing: no longer pending
    pending = np.zeros(n, dtype=bool)
    pending[c.inv_folder[~missing]] = True
    served = c.services
    enforced = c.enforcement
    free = live & ~pending & served  # the conversation rules need the service
    no_profile = np.isnan(c.probability)

    # Each part: (kind, folder index, table row for ordering, fired, due_by, subject source)
    parts: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]] = []

    def part(
        kind: str, idx: np.ndarray, row: np.ndarray, fired: np.ndarray, due: np.ndarray, src: str
    ) -> None:
        if len(idx):
            parts.append((kind, idx, row, fired, due, src))

    def nodue(k: int) -> np.ndarray:
        return np.full(k, NO_DATE, dtype=np.int64)

    # cancel_invitation
    r = np.nonzero(closed[c.inv_folder])[0]
    f = c.inv_folder[r]
    cancel_due = planned[r].copy()
    has_plan = cancel_due != NO_DATE
    cancel_due[has_plan] = back(cancel_due[has_plan])
    part("cancel_invitation", f, r, closed_on[f], cancel_due, "inv")

    # flag_outcome_missing
    r = np.nonzero(live[c.inv_folder] & missing)[0]
    part("flag_outcome_missing", c.inv_folder[r], r, planned[r] + 1, nodue(len(r)), "inv")

    # invite_profiler, flag_no_profile
    idx = np.nonzero(live & no_profile & (c.profiler_invited_on == NO_DATE))[0]
    fired = reg[idx] + v.profiler_invitation_days
    sel = d >= fired
    part("invite_profiler", idx[sel], idx[sel] * 0, fired[sel], nodue(int(sel.sum())), "")
    idx = np.nonzero(live & no_profile & (route == 0) & served)[0]
    fired = reg[idx] + v.no_profile_to_coach_days
    sel = d >= fired
    part("flag_no_profile", idx[sel], idx[sel] * 0, fired[sel], nodue(int(sel.sum())), "")

    # invite_orientation
    ori = route == _ROUTE["orientation"]
    idx = np.nonzero(
        free & ori & (routed != NO_DATE) & ((last == NO_DATE) | (last < routed)) & (routed <= d)
    )[0]
    if len(idx):
        earliest = int(routed[idx].min())
        if earliest < day_number(policy.starts_on):
            policy.at(_date(earliest))  # raises InvalidPolicy (no values then), as due_actions does
        window = policy.value_array("invitation_window_days", routed[idx]).astype(np.int64)
        due = back(routed[idx] + window)
        part("invite_orientation", idx, idx * 0, routed[idx], due, "")

    orientation_due = np.zeros(n, dtype=bool)
    orientation_due[idx] = True

    # invite_monitor (not when the orientation invitation is due: that conversation will do)
    idx = np.nonzero(free & (last == NO_DATE) & ~orientation_due)[0]
    monitor_fired = add_months_array(reg[idx], v.monitor_after_months)
    sel = d >= monitor_fired
    if sel.any():
        m_idx = idx[sel]
        due = back(add_months_array(reg[m_idx], v.monitor_latest_month) - 1)
        part("invite_monitor", m_idx, m_idx * 0, monitor_fired[sel], due, "")

    # invite_early_contact
    dig = (route == _ROUTE["digital"])[idx]
    e_idx = idx[dig]
    early = add_months_array(reg[e_idx], v.early_contact_months)
    sel = (early <= d) & (d < monitor_fired[dig])
    if sel.any():
        due = back(early[sel] + v.invitation_window_days)
        part("invite_early_contact", e_idx[sel], e_idx[sel] * 0, early[sel], due, "")

    # invite_coaching
    coa = (route == _ROUTE["coaching"]) | (ori & (routed != NO_DATE) & (last >= routed))
    idx = np.nonzero(free & (last != NO_DATE) & coa)[0]
    fired = last[idx] + v.coaching_interval_days
    sel = d >= fired
    if sel.any():
        due = back(fired[sel] + v.invitation_window_days)
        part("invite_coaching", idx[sel], idx[sel] * 0, fired[sel], due, "")

    # activities
    af = c.act_folder
    alive = live[af]
    deadline = c.act_deadline
    state = c.act_state
    r = np.nonzero(alive & (state == _ACT["open"]) & ~c.act_suspended & (deadline < d))[0]
    effective = roll(deadline[r])
    sel = d > effective
    part("mark_overdue", af[r[sel]], r[sel], effective[sel] + 1, nodue(int(sel.sum())), "act")

    grace = 1 + v.reminder_grace_days
    r = np.nonzero(alive & enforced[af] & (state == _ACT["overdue"]) & (deadline + grace <= d))[0]
    fired = roll(deadline[r]) + grace
    sel = d >= fired
    if sel.any():
        due = roll(fired[sel] + v.response_window_days)
        part("send_reminder", af[r[sel]], r[sel], fired[sel], due, "act")

    reminded = c.act_reminded_on
    r = np.nonzero(
        alive
        & enforced[af]
        & (state == _ACT["reminded"])
        & (reminded != NO_DATE)
        & (reminded + v.response_window_days < d)
    )[0]
    end = roll(reminded[r] + v.response_window_days)
    sel = d > end
    fired = end[sel] + 1
    part(
        "propose_enforcement",
        af[r[sel]],
        r[sel],
        fired,
        back(fired + v.escalation_decide_within_days),
        "act",
    )

    # flag_application_duty
    period = v.application_duty_period_days
    k = (d - reg) // period
    idx = np.nonzero(live & enforced & (k >= 1))[0]
    if len(idx):
        end_all = np.full(n, _FAR_PAST, dtype=np.int64)
        end_all[idx] = reg[idx] + k[idx] * period
        pens = idx[c.pension_on[idx] != NO_DATE]
        if len(pens):
            limit = add_months_array(c.pension_on[pens], -v.no_duty_before_pension_months)
            # exempt when the exemption applies on the period's last day (plan.duty.last_period_check)
            end_all[pens] = np.where(end_all[pens] - 1 < limit, end_all[pens], _FAR_PAST)
        duty = end_all != _FAR_PAST
        apf = c.app_folder
        before_end = c.app_day - end_all[apf]  # in [-period, 0) for an application in the period
        in_period = (before_end < 0) & (before_end >= -period)
        counts = np.bincount(apf[in_period], minlength=n)
        flagged = np.nonzero(duty & (counts < v.application_duty_count))[0]
        part(
            "flag_application_duty",
            flagged,
            flagged * 0,
            end_all[flagged],
            nodue(len(flagged)),
            "period",
        )

    src_code = {"": 0, "inv": 1, "act": 2, "period": 3}
    if parts:
        kinds = np.concatenate([np.full(len(p[1]), _ORDER[p[0]], dtype=np.int8) for p in parts])
        folders = np.concatenate([p[1] for p in parts])
        rows = np.concatenate([p[2] for p in parts])
        fireds = np.concatenate([p[3] for p in parts])
        dues = np.concatenate([p[4] for p in parts])
        srcs = np.concatenate([np.full(len(p[1]), src_code[p[5]], dtype=np.int8) for p in parts])
    else:
        kinds = srcs = np.zeros(0, dtype=np.int8)
        folders = rows = fireds = dues = np.zeros(0, dtype=np.int64)
    is_period = srcs == src_code["period"]
    rows = np.where(is_period, (d - reg[folders]) // period, rows)
    order = np.lexsort((rows, kinds, folders))
    ori = kinds[order] == _ORDER["invite_orientation"]
    table = DueTable(
        columns=c,
        policy=policy,
        on=on,
        folder=folders[order],
        kind=kinds[order],
        fired_on=fireds[order],
        due_by=dues[order],
        subject_source=srcs[order],
        subject_row=rows[order],
        parameters_on=np.where(ori, routed[folders[order]], d),
    )
    if c.handled:
        keep = np.array([ident not in c.handled for ident in table.ids()], dtype=bool)
        table = table.select(keep)
    return table


@attrs.frozen(kw_only=True, eq=False)
class DueTable:
    """The actions a :func:`sweep` found, as columns; iterate it (or call :meth:`actions`) for objects.

    Rows are in folder order, then in :data:`werkmap.rules.due.KINDS` order, then in subject order:
    ``list(table)`` equals the one-folder results concatenated. Building the :class:`Action` objects is
    left to the reader, so a host that only counts or routes the results by kind never pays for it.

    Attributes:
        columns: the population the sweep ran on.
        policy: the policy it used.
        on: the sweep date.
        folder: the folder index of each row.
        kind: the index of each row's kind in :data:`werkmap.rules.due.KINDS`.
        fired_on: the day number each row's rule first fired.
        due_by: the day number the action's result is due, or :data:`NO_DATE`.
        subject_source: where the subject comes from (0 none, 1 invitation, 2 activity, 3 period).
        subject_row: the invitation or activity row, or the period number.
        parameters_on: the day number whose parameter values the row records.
    """

    columns: FolderColumns
    policy: Policy
    on: dt.date
    folder: np.ndarray
    kind: np.ndarray
    fired_on: np.ndarray
    due_by: np.ndarray
    subject_source: np.ndarray
    subject_row: np.ndarray
    parameters_on: np.ndarray

    def __len__(self) -> int:
        return len(self.folder)

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions())

    def select(self, mask: np.ndarray) -> DueTable:
        """Return the rows where ``mask`` is true."""
        return attrs.evolve(
            self,
            folder=self.folder[mask],
            kind=self.kind[mask],
            fired_on=self.fired_on[mask],
            due_by=self.due_by[mask],
            subject_source=self.subject_source[mask],
            subject_row=self.subject_row[mask],
            parameters_on=self.parameters_on[mask],
        )

    def counts(self) -> dict[str, int]:
        """Return the number of actions of each kind (kinds without actions left out)."""
        numbers = np.bincount(self.kind.astype(np.int64), minlength=len(KINDS))
        return {KINDS[i]: int(x) for i, x in enumerate(numbers.tolist()) if x}

    def _subjects(self) -> list[str]:
        c = self.columns
        out = []
        for src, row in zip(self.subject_source.tolist(), self.subject_row.tolist(), strict=True):
            if src == 1:
                out.append(c.inv_id[row])
            elif src == 2:
                out.append(c.act_id[row])
            elif src == 3:
                out.append(f"period-{row}")
            else:
                out.append("")
        return out

    def _dates(self) -> dict[int, tuple[dt.date | None, str]]:
        dates: dict[int, tuple[dt.date | None, str]] = {NO_DATE: (None, "")}
        for number in np.unique(np.concatenate([self.fired_on, self.due_by])).tolist():
            if number != NO_DATE:
                day = _EPOCH + dt.timedelta(days=number)
                dates[number] = (day, day.isoformat())
        return dates

    def ids(self) -> list[str]:
        """Return the deterministic id of each row (see :func:`werkmap.rules.due.action_id`)."""
        dates = self._dates()
        folder_ids = self.columns.folder_id
        return [
            _hash(folder_ids[f], KINDS[k], subject, dates[fired][1])
            for f, k, subject, fired in zip(
                self.folder.tolist(),
                self.kind.tolist(),
                self._subjects(),
                self.fired_on.tolist(),
                strict=True,
            )
        ]

    def actions(self) -> list[Action]:
        """Return the rows as :class:`Action` records."""
        dates = self._dates()
        folder_ids = self.columns.folder_id
        values: dict[int, PolicyValues] = {}
        cache: dict[tuple[int, int], Mapping[str, float | int]] = {}
        actions: list[Action] = []
        append = actions.append
        for f, k, subject, fired, due, pday in zip(
            self.folder.tolist(),
            self.kind.tolist(),
            self._subjects(),
            self.fired_on.tolist(),
            self.due_by.tolist(),
            self.parameters_on.tolist(),
            strict=True,
        ):
            kind = KINDS[k]
            folder_id = folder_ids[f]
            fired_on, fired_iso = dates[fired]
            assert fired_on is not None
            parameters = cache.get((k, pday))
            if parameters is None:
                v = values.get(pday)
                if v is None:
                    v = values[pday] = self.policy.at(_date(pday))
                parameters = cache[(k, pday)] = frozen_parameters(kind, v)
            append(
                Action(
                    id=_hash(folder_id, kind, subject, fired_iso),
                    folder_id=folder_id,
                    kind=kind,
                    rule_id=RULE_IDS[kind],
                    rule_version=RULE_VERSION,
                    subject=subject,
                    fired_on=fired_on,
                    due_by=dates[due][0],
                    parameters=parameters,
                )
            )
        return actions
