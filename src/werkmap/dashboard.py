"""The work coach's dashboard: one row per folder in the caseload, pure and deterministic.

The work coach (*adviseur werk*, *werkcoach*) watches the Personal Work Folders (*Werkmappen*) in their
caseload on a dashboard. :func:`build_dashboard` turns folders into a :class:`Dashboard`: one
:class:`DashboardRow` per folder with the profile band and chance, the route, the colour of the most urgent
activity, the overdue count, the next deadline and conversation, the application-duty status and a few flags
(:data:`FLAGS`). Nothing here reads a store or the wall clock: the date is an argument and the shell passes
the folders of the coach's caseload (it filters on :attr:`~werkmap.plan.folder.WorkFolder.coach_id`; this
module shows what it is given).

The colour horizon, the application duty and the pension exemption are dated policy parameters: the values
valid on the dashboard's date are used (:meth:`werkmap.rules.policy.Policy.at`).

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan import folder as wf
    >>> day = dt.date(2025, 3, 3)
    >>> f, _ = wf.create_folder("f-1", on=day, jobseeker_ref="js-1", coach_id="c-7")
    >>> f, _ = wf.add_activity(f, "a-1", "application", due=dt.date(2025, 3, 7), on=day, actor="c-7")
    >>> board = build_dashboard([f], coach_id="c-7", on=day)
    >>> row = board.rows[0]
    >>> row.colour, row.overdue, row.next_deadline, row.flags
    (<Colour.ORANGE: 'orange'>, 0, datetime.date(2025, 3, 7), ('no_profile',))
    >>> record = board.to_records()[0]
    >>> record["next_deadline"], record["colour"]
    ('2025-03-07', 'orange')
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import pandas as pd

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.activity import ActivityState, Colour
from werkmap.plan.duty import last_period_check
from werkmap.plan.enforcement import Ground
from werkmap.plan.folder import (
    BANDS,
    WorkFolder,
    most_urgent_colour,
    next_conversation,
    next_deadline,
    overdue_count,
)
from werkmap.rules.due import due_actions, outcome_missing
from werkmap.rules.policy import Policy, PolicyValues, default_policy
from werkmap.rules.state import FolderState, folder_state
from werkmap.tables import REPR_ROWS, Cell, Table
from werkmap.texts import percent

__all__ = [
    "DUTY_VALUES",
    "FLAGS",
    "LANGUAGES",
    "SORT_KEYS",
    "Dashboard",
    "DashboardRow",
    "build_dashboard",
]

FLAGS: tuple[str, ...] = (
    "no_profile",
    "monitor_due",
    "outcome_missing",
    "referred",
    "duty_shortfall",
    "work_found",
    "benefit_ended",
)
"""The flags a row can carry, in the order they are shown.

* ``no_profile``: the Work Profiler was not filled in (no profile in the folder).
* ``monitor_due``: the monitor rule (``invite_monitor`` of :func:`werkmap.rules.due_actions`) finds a monitor
  conversation due on the dashboard date (not for a closed folder), or a monitor conversation is proposed or
  invited, not yet held and not past its planned date.
* ``outcome_missing``: an invitation's planned date passed without it being marked held or no-show
  (the rule ``flag_outcome_missing``): the coach records the outcome.
* ``referred``: something is with enforcement (*handhaving*): an enforcement case that is not closed, or a
  referred activity for which no case was opened yet.
* ``duty_shortfall``: the last completed application-duty period fell short (periods counted from
  registration, judged by :func:`werkmap.plan.duty.last_period_check`, as the daily rule does).
* ``work_found``: the jobseeker found work (on or before the dashboard date).
* ``benefit_ended``: the benefit ended (recorded, or its known end date passed) on or before the date.
"""

DUTY_VALUES: tuple[str, ...] = ("ok", "shortfall", "exempt", "none")
"""The values of :attr:`DashboardRow.duty`."""

SORT_KEYS: tuple[str, ...] = (
    "urgency",
    "band",
    "probability",
    "overdue",
    "next_deadline",
    "next_conversation",
    "folder_id",
)
"""The keys :meth:`Dashboard.sorted_by` accepts; ``urgency`` is the default order."""

LANGUAGES: tuple[str, ...] = ("en", "nl")
"""The languages of the text and HTML views."""

_COLOUR_ORDER: Mapping[Colour | None, int] = {
    Colour.RED: 0,
    Colour.ORANGE: 1,
    Colour.GREEN: 2,
    Colour.GREY: 3,
    None: 4,
}

_HTML_COLOURS: Mapping[Colour | None, str] = {
    Colour.RED: "#d9534f",
    Colour.ORANGE: "#f0ad4e",
    Colour.GREEN: "#5cb85c",
    Colour.GREY: "#bbbbbb",
    None: "#ffffff",
}

_COLUMNS: tuple[str, ...] = (
    "folder_id",
    "jobseeker_ref",
    "band",
    "probability",
    "route",
    "colour",
    "overdue",
    "next_deadline",
    "next_conversation",
    "duty",
    "flags",
)

_RIGHT_ALIGNED = frozenset({"probability", "overdue"})

_REF_WIDTH = 24
"""The text table cuts a longer jobseeker reference (a pseudonym is 80 characters) to this width."""

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "folder_id": "Folder",
        "jobseeker_ref": "Jobseeker",
        "band": "Band",
        "probability": "Chance",
        "route": "Route",
        "colour": "Colour",
        "overdue": "Overdue",
        "next_deadline": "Next deadline",
        "next_conversation": "Next conversation",
        "duty": "Application duty",
        "flags": "Flags",
        "title": "Dashboard of work coach {coach} on {on}",
        "folders": "{n} folder(s)",
        "none_colour": "no activity",
        "flags_label": "flags",
        "empty": "(no folders)",
        "more": "... and {n} more folder(s)",
    },
    "nl": {
        "folder_id": "Map",
        "jobseeker_ref": "Werkzoekende",
        "band": "Band",
        "probability": "Kans",
        "route": "Route",
        "colour": "Kleur",
        "overdue": "Te laat",
        "next_deadline": "Volgende termijn",
        "next_conversation": "Volgend gesprek",
        "duty": "Sollicitatieplicht",
        "flags": "Signalen",
        "title": "Dashboard van adviseur werk {coach} op {on}",
        "folders": "{n} map(pen)",
        "none_colour": "geen activiteit",
        "flags_label": "signalen",
        "empty": "(geen mappen)",
        "more": "... en nog {n} map(pen)",
    },
}

_VALUES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "red": "red",
        "orange": "orange",
        "green": "green",
        "grey": "grey",
        "ok": "ok",
        "shortfall": "shortfall",
        "exempt": "exempt",
        "none": "none",
        "orientation": "orientation",
        "coaching": "coaching",
        "digital": "digital",
        "coach_analysis": "coach analysis",
        "monitor": "monitor",
        "early_contact": "early contact",
        "no_profile": "no profile",
        "monitor_due": "monitor due",
        "outcome_missing": "outcome missing",
        "referred": "referred",
        "duty_shortfall": "duty shortfall",
        "work_found": "work found",
        "benefit_ended": "benefit ended",
    },
    "nl": {
        "red": "rood",
        "orange": "oranje",
        "green": "groen",
        "grey": "grijs",
        "ok": "in orde",
        "shortfall": "tekort",
        "exempt": "vrijgesteld",
        "none": "geen",
        "orientation": "werkoriëntatie",
        "coaching": "coaching",
        "digital": "digitaal",
        "coach_analysis": "analyse adviseur",
        "monitor": "monitor",
        "early_contact": "vroeg contact",
        "no_profile": "geen profiel",
        "monitor_due": "monitorgesprek",
        "outcome_missing": "uitkomst ontbreekt",
        "referred": "handhaving",
        "duty_shortfall": "sollicitatietekort",
        "work_found": "werk gevonden",
        "benefit_ended": "uitkering beëindigd",
    },
}


@attrs.frozen(kw_only=True)
class DashboardRow:
    """What the dashboard shows of one folder on one date.

    Attributes:
        folder_id: the folder's id.
        jobseeker_ref: the opaque jobseeker reference (a pseudonym; never a clear BSN).
        band: the band of the latest profile (``"0-25"`` … ``"75-100"``), or ``None`` without a profile.
        probability: the chance of work resumption within a year of the latest profile, or ``None``.
        route: the outcome of the latest routing decision (``orientation``, ``coaching``, ``digital``,
            ``coach_analysis``), or ``None`` when none was recorded.
        colour: the colour of the folder's most urgent activity, or ``None`` when it has no activities.
        overdue: how many activities are overdue (marked, reminded, or open past their deadline).
        next_deadline: the first deadline of an open activity on or after the date, or ``None``.
        next_conversation: the date of the first invited conversation on or after the date, or ``None``.
        next_conversation_kind: that conversation's kind (``orientation``, ``monitor``, ``coaching``,
            ``early_contact``), or ``None``.
        duty: the application duty (*sollicitatieplicht*): ``"ok"``, ``"shortfall"``, ``"exempt"`` or
            ``"none"`` (no agreed plan with a duty, or the folder is closed).
        flags: the flags raised, a subset of :data:`FLAGS` in that order.
    """

    folder_id: str
    jobseeker_ref: str
    band: str | None = None
    probability: float | None = None
    route: str | None = None
    colour: Colour | None = None
    overdue: int = 0
    next_deadline: dt.date | None = None
    next_conversation: dt.date | None = None
    next_conversation_kind: str | None = None
    duty: str = "none"
    flags: tuple[str, ...] = ()

    def to_record(self) -> dict[str, object]:
        """Return the row as a JSON-ready dict: dates as ISO strings, the colour as its name, flags a list."""
        return {
            "folder_id": self.folder_id,
            "jobseeker_ref": self.jobseeker_ref,
            "band": self.band,
            "probability": self.probability,
            "route": self.route,
            "colour": str(self.colour) if self.colour is not None else None,
            "overdue": self.overdue,
            "next_deadline": _iso(self.next_deadline),
            "next_conversation": _iso(self.next_conversation),
            "next_conversation_kind": self.next_conversation_kind,
            "duty": self.duty,
            "flags": list(self.flags),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _urgency(row: DashboardRow) -> tuple[int, int, dt.date]:
    return (
        _COLOUR_ORDER[row.colour],
        -row.overdue,
        row.next_deadline if row.next_deadline is not None else dt.date.max,
    )


_SORTERS: Mapping[str, Callable[[DashboardRow], Any]] = {
    "urgency": _urgency,
    "band": lambda r: BANDS.index(r.band) if r.band is not None else None,
    "probability": lambda r: r.probability,
    "overdue": lambda r: r.overdue,
    "next_deadline": lambda r: r.next_deadline,
    "next_conversation": lambda r: r.next_conversation,
    "folder_id": lambda r: r.folder_id,
}


def _sort_rows(
    rows: Iterable[DashboardRow], key: str, *, descending: bool
) -> tuple[DashboardRow, ...]:
    get = _SORTERS[key]
    by_id = sorted(rows, key=lambda r: r.folder_id)
    known = [r for r in by_id if get(r) is not None]
    missing = [r for r in by_id if get(r) is None]
    # Python's sort is stable also with reverse=True, so ties stay in folder-id order either way
    known.sort(key=get, reverse=descending)
    return (*known, *missing)


@attrs.frozen(kw_only=True)
class Dashboard:
    """The work coach's dashboard on one date: one :class:`DashboardRow` per folder.

    Iterating over a dashboard gives its rows; ``len`` gives their number.

    Attributes:
        coach_id: the work coach whose caseload is shown.
        on: the date the dashboard was built for.
        rows: the rows, in the order of the last sort (urgency, from :func:`build_dashboard`).
        quarantined: the folders of the caseload left out because they could not be read (their ids, in
            order; see :class:`~werkmap.errors.FolderUnreadable`); empty when every folder was read.
    """

    coach_id: str
    on: dt.date
    rows: tuple[DashboardRow, ...] = ()
    quarantined: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[DashboardRow]:
        return iter(self.rows)

    def sorted_by(self, key: str, *, descending: bool = False) -> Dashboard:
        """Return the dashboard with its rows sorted by ``key``.

        Keys (:data:`SORT_KEYS`): ``urgency`` (the default order: red, orange, green, grey, no activity;
        then more overdue first; then the earliest next deadline, none last), ``band``, ``probability``,
        ``overdue``, ``next_deadline``, ``next_conversation`` and ``folder_id``. Rows without a value for the
        key (no band, no deadline ...) come last in both directions; ties are in folder-id order in both
        directions, so the result is deterministic.

        Args:
            key: one of :data:`SORT_KEYS`.
            descending: sort from high to low (for ``urgency``: least urgent first).

        Raises:
            InvalidInput: ``key`` is not one of :data:`SORT_KEYS` (the message names them).
        """
        if key not in _SORTERS:
            raise InvalidInput(
                [
                    Problem(
                        path="$.key",
                        message=f"expected one of {', '.join(SORT_KEYS)}, got {key!r}",
                    )
                ],
                source="dashboard",
            )
        return attrs.evolve(self, rows=_sort_rows(self.rows, key, descending=descending))

    def colour_counts(self) -> dict[str, int]:
        """Return how many rows have each colour, red first; ``"none"`` counts rows without activities."""
        counts = Counter(str(r.colour) if r.colour is not None else "none" for r in self.rows)
        return {name: counts.get(name, 0) for name in ("red", "orange", "green", "grey", "none")}

    def flag_counts(self) -> dict[str, int]:
        """Return how many rows carry each flag, in the order of :data:`FLAGS`."""
        counts = Counter(flag for r in self.rows for flag in r.flags)
        return {flag: counts.get(flag, 0) for flag in FLAGS}

    def to_records(self) -> list[dict[str, object]]:
        """Return the rows as JSON-ready dicts (see :meth:`DashboardRow.to_record`), in row order."""
        return [r.to_record() for r in self.rows]

    def _table(self, language: str, *, limit: int | None, cut: bool) -> Table:
        texts, values = _language(language)
        if limit is not None and limit < 0:
            raise InvalidInput(
                [Problem(path="$.limit", message=f"expected at least 0, got {limit}")],
                source="dashboard",
            )
        colour = _COLUMNS.index("colour")
        rows = []
        for r in self.rows:
            cells: list[str | Cell] = list(_cells(r, values, cut=cut, language=language))
            cells[colour] = Cell(
                str(cells[colour]),
                css_class="colour",
                style=f"background-color: {_HTML_COLOURS[r.colour]}",
            )
            rows.append(cells)
        return Table(
            header=[texts[c] for c in _COLUMNS],
            rows=rows,
            align="".join("r" if c in _RIGHT_ALIGNED else "l" for c in _COLUMNS),
            title=texts["title"].format(coach=self.coach_id, on=self.on.isoformat()),
            footer=self._summary(texts, values),
            limit=limit,
            more=texts["more"],
            empty=texts["empty"],
            language=language,
            css_class="werkmap-dashboard",
        )

    def to_text(self, language: str = "en", *, limit: int | None = None) -> str:
        """Return the dashboard as a fixed-width table for a terminal.

        The first line names the coach and the date, then the column headers, a rule, one line per row and a
        summary line: the number of folders, the rows per colour and the rows per flag. A long jobseeker
        reference is cut to fit; unprintable characters are shown as ``?``.

        Args:
            language: ``"en"`` (English) or ``"nl"`` (Dutch) headers and values.
            limit: show only the first ``limit`` rows (and how many more there are); the summary line
                still counts every row.

        Raises:
            InvalidInput: another language, or a negative limit.
        """
        return self._table(language, limit=limit, cut=True).to_text() + "\n"

    def to_html(self, language: str = "en", *, limit: int | None = None) -> str:
        """Return the dashboard as an HTML ``<table>``, every value escaped, with a colour cell per row.

        Args:
            language: ``"en"`` (English) or ``"nl"`` (Dutch) headers and values.
            limit: show only the first ``limit`` rows (and a line saying how many more there are); the
                summary still counts every row.

        Raises:
            InvalidInput: another language, or a negative limit.
        """
        return self._table(language, limit=limit, cut=False).to_html()

    def to_frame(self) -> pd.DataFrame:
        """Return the rows as a pandas DataFrame indexed by ``folder_id`` (needs pandas).

        The columns are those of :meth:`to_records` (dates as ``datetime64``, the flags as one
        comma-separated text, the colour by name).
        """
        import pandas as pd  # lazy: pandas is an optional extra

        records = self.to_records()
        columns = [a.name for a in attrs.fields(DashboardRow)]  # the keys of DashboardRow.to_record
        frame = pd.DataFrame.from_records(records, columns=columns)
        for column in ("next_deadline", "next_conversation"):
            frame[column] = pd.to_datetime(frame[column])
        frame["flags"] = [", ".join(r.flags) for r in self.rows]
        return frame.set_index("folder_id")

    def __repr__(self) -> str:
        colours = ", ".join(f"{k} {v}" for k, v in self.colour_counts().items() if v)
        return f"<Dashboard of {self.coach_id} on {self.on.isoformat()}: {len(self)} folders ({colours or '-'})>"

    def _repr_html_(self) -> str:
        """Return the English HTML table of the first :data:`~werkmap.tables.REPR_ROWS` rows, for notebooks."""
        return self.to_html("en", limit=REPR_ROWS)

    def _summary(self, texts: Mapping[str, str], values: Mapping[str, str]) -> str:
        colours = ", ".join(
            f"{values[name] if name != 'none' else texts['none_colour']} {n}"
            for name, n in self.colour_counts().items()
        )
        flags = ", ".join(f"{values[flag]} {n}" for flag, n in self.flag_counts().items())
        return f"{texts['folders'].format(n=len(self.rows))}; {colours}; {texts['flags_label']}: {flags}"


def _language(language: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    if language not in _TEXTS:
        raise InvalidInput(
            [
                Problem(
                    path="$.language",
                    message=f"expected one of {', '.join(LANGUAGES)}, got {language!r}",
                )
            ],
            source="dashboard",
        )
    return _TEXTS[language], _VALUES[language]


def _cells(row: DashboardRow, values: Mapping[str, str], *, cut: bool, language: str) -> list[str]:
    ref = row.jobseeker_ref
    if cut and len(ref) > _REF_WIDTH:
        ref = ref[: _REF_WIDTH - 1] + "…"
    conversation = ""
    if row.next_conversation is not None:
        kind = row.next_conversation_kind or ""
        conversation = f"{row.next_conversation.isoformat()} ({values.get(kind, kind)})"
    return [
        row.folder_id,
        ref,
        row.band or "",
        percent(row.probability, language, digits=0) if row.probability is not None else "",
        values.get(row.route, row.route) if row.route is not None else "",
        values[str(row.colour)] if row.colour is not None else "",
        str(row.overdue),
        _iso(row.next_deadline) or "",
        conversation,
        values[row.duty],
        ", ".join(values[f] for f in row.flags),
    ]


# ------------------------------------------------------------------------------------------- building


def _closed_flags(folder: WorkFolder, on: dt.date) -> list[str]:
    flags = []
    if folder.work_found_on is not None and folder.work_found_on <= on:
        flags.append("work_found")
    ends = [d for d in (folder.benefit_ended_on, folder.benefit_ends_on) if d is not None]
    if ends and min(ends) <= on:
        flags.append("benefit_ended")
    return flags


def _monitor_due(state: FolderState, on: dt.date, policy: Policy, closed: bool) -> bool:
    """The monitor rule's own answer (:func:`werkmap.rules.due_actions`), or a pending monitor invitation."""
    pending = any(inv.kind == "monitor" and not outcome_missing(inv, on) for inv in state.pending)
    if pending:
        return True
    if closed:
        return False
    unhandled = attrs.evolve(state, handled=frozenset())
    return any(a.kind == "invite_monitor" for a in due_actions(unhandled, on, policy))


def _outcome_missing(state: FolderState, on: dt.date, closed: bool) -> bool:
    return not closed and any(outcome_missing(inv, on) for inv in state.pending)


def _referred(folder: WorkFolder) -> bool:
    if any(not c.is_final for c in folder.cases):
        return True
    with_case = {c.source_id for c in folder.cases if c.ground is Ground.ACTIVITY}
    return any(
        a.state is ActivityState.REFERRED and a.activity_id not in with_case
        for a in folder.activities
    )


def _duty(state: FolderState, on: dt.date, v: PolicyValues) -> str:
    """The application duty as the rule judges it (:func:`werkmap.plan.duty.last_period_check`)."""
    check = last_period_check(
        state.applications_on,
        registered_on=state.registered_on,
        on=on,
        required=v.application_duty_count,
        period_days=v.application_duty_period_days,
        pension_on=state.pension_on,
        within_months=v.no_duty_before_pension_months,
    )
    if check is None:  # the first period has not ended: nothing fell short yet
        return "ok"
    if check.exempt:
        return "exempt"
    return "shortfall" if check.shortfall > 0 else "ok"


def _row(folder: WorkFolder, on: dt.date, policy: Policy, v: PolicyValues) -> DashboardRow:
    state = folder_state(folder)
    profile = folder.latest_profile
    route = folder.latest_route
    deadline = next_deadline(folder, on)
    conversation = next_conversation(folder, on)
    closed_flags = _closed_flags(folder, on)
    closed = bool(closed_flags)
    duty = "none" if closed else _duty(state, on, v)
    raised = {
        "no_profile": profile is None,
        "monitor_due": _monitor_due(state, on, policy, closed),
        "outcome_missing": _outcome_missing(state, on, closed),
        "referred": _referred(folder),
        "duty_shortfall": duty == "shortfall",
        "work_found": "work_found" in closed_flags,
        "benefit_ended": "benefit_ended" in closed_flags,
    }
    return DashboardRow(
        folder_id=folder.folder_id,
        jobseeker_ref=folder.jobseeker_ref,
        band=profile.band if profile is not None else None,
        probability=profile.probability if profile is not None else None,
        route=route.outcome if route is not None else None,
        colour=most_urgent_colour(folder, on, v.colour_horizon_days),
        overdue=overdue_count(folder, on),
        next_deadline=deadline.deadline.due if deadline is not None else None,
        next_conversation=conversation.scheduled_for if conversation is not None else None,
        next_conversation_kind=str(conversation.kind) if conversation is not None else None,
        duty=duty,
        flags=tuple(flag for flag in FLAGS if raised[flag]),
    )


def build_dashboard(
    folders: Iterable[WorkFolder],
    *,
    coach_id: str,
    on: dt.date,
    policy: Policy | None = None,
) -> Dashboard:
    """Build the work coach's dashboard on ``on`` from the folders of their caseload.

    The shell passes the folders of the coach's caseload (those whose ``coach_id`` is ``coach_id``); this
    function does not filter and shows every folder it is given. The rows come in urgency order (see
    :meth:`Dashboard.sorted_by`).

    Per folder: the band and chance of the latest profile; the latest route; the most urgent activity colour
    (red > orange > green > grey) with the colour horizon valid on ``on``; the overdue count; the next
    deadline and conversation; the application duty, judged on the last completed period counted from
    registration with the policy's duty (``application_duty_count`` per ``application_duty_period_days``)
    and pension exemption (``no_duty_before_pension_months``) valid on ``on`` (the same function as the
    daily rule: ``"ok"`` before the first period ends); and the
    flags of :data:`FLAGS`. A closed folder (work found, benefit ended) has duty ``"none"``.

    Args:
        folders: the folders of the caseload.
        coach_id: the work coach whose dashboard it is.
        on: the date to look at (colours, overdue counts and due monitor conversations depend on it).
        policy: the dated policy; default :func:`werkmap.rules.default_policy`.

    Returns:
        The dashboard, rows in urgency order.

    Raises:
        InvalidInput: two folders have the same id (every duplicate listed).
        InvalidPolicy: the policy has no values valid on ``on``.
    """
    policy = policy if policy is not None else default_policy()
    values = policy.at(on)
    items = list(folders)
    seen: set[str] = set()
    problems = []
    for i, folder in enumerate(items):
        if folder.folder_id in seen:
            problems.append(
                Problem(
                    path=f"$.folders[{i}].folder_id",
                    message=f"folder {folder.folder_id!r} is given more than once",
                )
            )
        seen.add(folder.folder_id)
    if problems:
        raise InvalidInput(problems, source="dashboard")
    rows = _sort_rows((_row(f, on, policy, values) for f in items), "urgency", descending=False)
    return Dashboard(coach_id=coach_id, on=on, rows=rows)
