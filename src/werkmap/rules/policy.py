"""Dated policy parameters: the service model's numbers as data, looked up on the decision date.

A policy is read from TOML files (stdlib :mod:`tomllib`), OpenFisca style. Each top-level table is one
parameter with a description (English and Dutch), a unit, a legal or policy reference and its values by
``valid_from`` date::

    [routing_threshold]
    description = "Highest chance of work within a year that still gets an orientation conversation."
    unit = "probability"
    reference = "UWV jaarverslag 2017"
    values = [{ valid_from = 2016-10-01, value = 0.50 }]

A value holds from its ``valid_from`` until the next value's ``valid_from`` (or its own optional
``valid_until``, exclusive). Several files may be given (a directory is read in name order); a file whose
name starts with a date (``2027-01-01-invitation-window.toml``) is an *amendment* whose ``valid_from``
dates must all be that date. Amendments need only ``values`` (and may repeat the unit, which must match).

Load-time checks raise one :class:`~werkmap.errors.InvalidPolicy` listing every problem, with codes:

* ``WM-P001`` malformed file or field (bad TOML, unknown key, a ``valid_from`` that is not a date);
* ``WM-P002`` missing value (a parameter or its description/unit/reference missing, a value entry without
  ``value``, a gap between two validity periods, no value on an asked date);
* ``WM-P003`` overlapping validity (two values valid on one date);
* ``WM-P004`` unit mismatch (a unit other than the parameter's, or a value that does not fit its unit);
* ``WM-P005`` a date in a file name that disagrees with a ``valid_from`` in the file;
* ``WM-P006`` unknown parameter.

Then the values are related to each other on every date a value starts or ends (the
:data:`CONSTRAINTS`), so that an amendment cannot make the policy contradict itself; each problem names
the date, the file of the value and the values:

* ``WM-P010`` the monitor conversation's latest month is not after the months from which it is invited;
* ``WM-P011`` a window (invitation, coaching interval, duty period, escalation, repeat or refusal
  window) is 0;
* ``WM-P012`` the routing threshold is not strictly between 0 and 1;
* ``WM-P013`` a reminder or response window is 0;
* ``WM-P014`` a measure's duration is 0;
* ``WM-P015`` a measure withholds nothing, or more than 100 % when raised for a repeat;
* ``WM-P016`` permanent refusal at fewer than 2 breaches;
* ``WM-P017`` a folder without a profile goes to a coach before the invitation to the profiler;
* ``WM-P018`` the objection period is shorter than the six weeks of the Awb (art. 6:7).

(``WM-P007`` and ``WM-P008`` are the routing table's overlap and gap, see :mod:`werkmap.rules.routing`.)

A decision uses the values valid on the decision date: :meth:`Policy.at` returns a frozen
:class:`PolicyValues` for one date.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tomllib
import types
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from werkmap.errors import InvalidPolicy, Problem

__all__ = [
    "CONSTRAINTS",
    "PARAMETER_UNITS",
    "UNITS",
    "Constraint",
    "Parameter",
    "Policy",
    "PolicyValues",
    "ValuePeriod",
    "check_periods",
    "default_policy",
    "default_policy_dir",
    "load_policy",
    "load_policy_documents",
]

UNITS = (
    "probability",
    "days",
    "working_days",
    "weeks",
    "months",
    "count",
    "percent",
    "yes_no",
    "text",
)
"""The units a parameter can have (``yes_no``: ``true``/``false``; ``text``: a non-empty string)."""

PARAMETER_UNITS: Mapping[str, str] = {
    "routing_threshold": "probability",
    "invitation_window_days": "days",
    "profiler_invitation_days": "days",
    "no_profile_to_coach_days": "days",
    "monitor_after_months": "months",
    "monitor_latest_month": "months",
    "coaching_interval_days": "days",
    "early_contact_months": "months",
    "reminder_grace_days": "days",
    "response_window_days": "days",
    "case_response_working_days": "working_days",
    "escalation_decide_within_days": "days",
    "application_duty_count": "count",
    "application_duty_period_days": "days",
    "colour_horizon_days": "days",
    "measure_base_percent": "percent",
    "measure_repeat_increase_percent": "percent",
    "measure_repeat_window_months": "months",
    "measure_refusal_breaches": "count",
    "measure_refusal_window_months": "months",
    "measure_duration_weeks": "weeks",
    "no_duty_before_pension_months": "months",
    "band_visible_to_jobseeker": "yes_no",
    "objection_period_weeks": "weeks",
    "objection_address": "text",
}
"""Every parameter werkmap's rules read, with the unit it must have."""

_META_KEYS = {"description", "description_nl", "unit", "reference", "values"}
_VALUE_KEYS = {"valid_from", "valid_until", "value", "reference"}
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@attrs.frozen(kw_only=True)
class ValuePeriod:
    """One value of a parameter and the dates it is valid.

    Attributes:
        valid_from: the first date the value holds.
        valid_until: the first date it no longer holds, or ``None`` (until the next value).
        value: the value, in the parameter's unit (``bool`` for ``yes_no``, ``str`` for ``text``).
        reference: a reference for this particular value (an amendment's basis), or ``""``.
        source: the file the value was read from.
    """

    valid_from: dt.date
    valid_until: dt.date | None
    value: float | int | str
    reference: str = ""
    source: str = ""


@attrs.frozen(kw_only=True)
class Parameter:
    """A dated policy parameter: what it means, its unit, its basis and its values over time.

    Attributes:
        name: the identifier (``routing_threshold``).
        description: what the parameter means, in English.
        description_nl: the same in Dutch.
        unit: one of :data:`UNITS`.
        reference: the legal or policy basis.
        values: the values, sorted by ``valid_from``, never overlapping and without gaps.
    """

    name: str
    description: str
    description_nl: str
    unit: str
    reference: str
    values: tuple[ValuePeriod, ...]

    def value_on(self, day: dt.date) -> float | int | str | None:
        """Return the value valid on ``day``, or ``None`` when no value is valid then."""
        period = self.period_on(day)
        return None if period is None else period.value

    def period_on(self, day: dt.date) -> ValuePeriod | None:
        """Return the value period in force on ``day``, or ``None`` when no value is valid then."""
        found: ValuePeriod | None = None
        for period in self.values:
            if period.valid_from > day:
                break
            found = period if period.valid_until is None or day < period.valid_until else None
        return found


@attrs.frozen(kw_only=True)
class PolicyValues:
    """The parameter values valid on one date: what a decision on that date uses.

    Every attribute is the value of the parameter of the same name (see the policy file for their
    meaning); ``on`` is the date they were looked up for, and ``since`` gives, per parameter, the
    ``valid_from`` of the value in force on ``on`` (the version of that value; it takes no part in
    equality or hashing).
    """

    on: dt.date
    routing_threshold: float
    invitation_window_days: int
    profiler_invitation_days: int
    no_profile_to_coach_days: int
    monitor_after_months: int
    monitor_latest_month: int
    coaching_interval_days: int
    early_contact_months: int
    reminder_grace_days: int
    response_window_days: int
    case_response_working_days: int
    escalation_decide_within_days: int
    application_duty_count: int
    application_duty_period_days: int
    colour_horizon_days: int
    measure_base_percent: float
    measure_repeat_increase_percent: float
    measure_repeat_window_months: int
    measure_refusal_breaches: int
    measure_refusal_window_months: int
    measure_duration_weeks: int
    no_duty_before_pension_months: int
    band_visible_to_jobseeker: bool
    objection_period_weeks: int
    objection_address: str
    since: Mapping[str, dt.date] = attrs.field(factory=dict, eq=False, repr=False)

    def pick(self, names: Iterable[str]) -> dict[str, float | int]:
        """Return the values of the named parameters, as a dict (for a decision record)."""
        return {name: getattr(self, name) for name in names}


@attrs.frozen(kw_only=True, eq=False)
class Policy:
    """A validated set of dated parameters. Build one with :func:`load_policy`.

    Attributes:
        parameters: the parameters by name.
        sources: the files the policy was read from, in reading order.
    """

    parameters: Mapping[str, Parameter]
    sources: tuple[str, ...] = ()
    _cache: dict[dt.date, PolicyValues] = attrs.field(factory=dict, init=False, repr=False)
    _arrays: dict[str, tuple[np.ndarray, np.ndarray]] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @property
    def starts_on(self) -> dt.date:
        """The first date on which every parameter has a value."""
        return max(p.values[0].valid_from for p in self.parameters.values())

    def at(self, day: dt.date) -> PolicyValues:
        """Return the values valid on ``day``.

        Raises:
            InvalidPolicy: some parameter has no value on ``day`` (code ``WM-P002``).
        """
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        values: dict[str, Any] = {}
        since: dict[str, dt.date] = {}
        problems = []
        for name, parameter in self.parameters.items():
            period = parameter.period_on(day)
            if period is None:
                problems.append(
                    Problem(
                        path=name,
                        message=f"no value valid on {day.isoformat()}",
                        code="WM-P002",
                    )
                )
                continue
            values[name] = period.value
            since[name] = period.valid_from
        if problems:
            raise InvalidPolicy(problems, source="policy")
        result = PolicyValues(on=day, since=types.MappingProxyType(since), **values)
        self._cache[day] = result
        return result

    def change_dates(self) -> tuple[dt.date, ...]:
        """Return every date on which some parameter value starts or ends, sorted."""
        days: set[dt.date] = set()
        for parameter in self.parameters.values():
            for period in parameter.values:
                days.add(period.valid_from)
                if period.valid_until is not None:
                    days.add(period.valid_until)
        return tuple(sorted(days))

    def value_array(self, name: str, days: np.ndarray) -> np.ndarray:
        """Return parameter ``name`` on each of ``days`` (``datetime64[D]`` or int day numbers).

        The vectorised twin of ``policy.at(day).<name>``, for the sweep. Days before the first value get
        the first value; callers check :attr:`starts_on` themselves.
        """
        cached = self._arrays.get(name)
        if cached is None:
            parameter = self.parameters[name]
            starts = np.array(
                [np.datetime64(p.valid_from, "D").astype(np.int64) for p in parameter.values]
            )
            vals = np.array([p.value for p in parameter.values])
            cached = (starts, vals)
            self._arrays[name] = cached
        starts, vals = cached
        index = np.searchsorted(starts, np.asarray(days).astype(np.int64), side="right") - 1
        result: np.ndarray = vals[np.clip(index, 0, len(vals) - 1)]
        return result


def _after(later: str, earlier: str) -> Callable[[PolicyValues], bool]:
    return lambda v: getattr(v, later) > getattr(v, earlier)


def _positive(name: str) -> Callable[[PolicyValues], bool]:
    return lambda v: getattr(v, name) > 0


@attrs.frozen(kw_only=True)
class Constraint:
    """A rule between parameter values that must hold on every date of a policy.

    Attributes:
        code: the error code reported when it does not hold (``WM-P010`` and up).
        parameters: the parameters it relates (a problem names the one whose value changed on the
            date, else the first).
        text: what must hold, in English.
        text_nl: the same in Dutch.
        holds: whether it holds for the values of one date.
    """

    code: str
    parameters: tuple[str, ...]
    text: str
    text_nl: str
    holds: Callable[[PolicyValues], bool] = attrs.field(eq=False, repr=False)


_WINDOWS = (
    "invitation_window_days",
    "coaching_interval_days",
    "application_duty_period_days",
    "escalation_decide_within_days",
    "measure_repeat_window_months",
    "measure_refusal_window_months",
)
_RESPONSE_WINDOWS = ("reminder_grace_days", "response_window_days", "case_response_working_days")

CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(
        code="WM-P010",
        parameters=("monitor_latest_month", "monitor_after_months"),
        text="the latest month of the monitor conversation comes after the months without a "
        "conversation from which it is invited (otherwise its deadline has passed when it is due)",
        text_nl="de uiterste maand van het monitorgesprek ligt na de maanden zonder gesprek waarna "
        "het wordt uitgenodigd (anders is de termijn al verstreken als het gesprek aan de beurt is)",
        holds=_after("monitor_latest_month", "monitor_after_months"),
    ),
    *(
        Constraint(
            code="WM-P011",
            parameters=(name,),
            text="a window is at least 1",
            text_nl="een termijn is minstens 1",
            holds=_positive(name),
        )
        for name in _WINDOWS
    ),
    Constraint(
        code="WM-P012",
        parameters=("routing_threshold",),
        text="the routing threshold lies strictly between 0 and 1, the outer band cut points "
        "(otherwise every profile gets the same route)",
        text_nl="de routeringsdrempel ligt strikt tussen 0 en 1, de buitenste grenzen van de "
        "klassen (anders krijgt elk profiel dezelfde route)",
        holds=lambda v: 0.0 < v.routing_threshold < 1.0,
    ),
    *(
        Constraint(
            code="WM-P013",
            parameters=(name,),
            text="a reminder or response window is at least 1 (the jobseeker must be able to respond)",
            text_nl="een herinnerings- of reactietermijn is minstens 1 (de werkzoekende moet kunnen "
            "reageren)",
            holds=_positive(name),
        )
        for name in _RESPONSE_WINDOWS
    ),
    Constraint(
        code="WM-P014",
        parameters=("measure_duration_weeks",),
        text="a measure lasts at least 1 week",
        text_nl="een maatregel duurt minstens 1 week",
        holds=_positive("measure_duration_weeks"),
    ),
    Constraint(
        code="WM-P015",
        parameters=("measure_base_percent", "measure_repeat_increase_percent"),
        text="a measure withholds more than 0 % and, raised for a repeat, at most 100 % of the benefit",
        text_nl="een maatregel houdt meer dan 0 % in en, verhoogd wegens herhaling, ten hoogste "
        "100 % van de uitkering",
        holds=lambda v: (
            0.0
            < v.measure_base_percent
            <= v.measure_base_percent * (1 + v.measure_repeat_increase_percent / 100)
            <= 100.0
        ),
    ),
    Constraint(
        code="WM-P016",
        parameters=("measure_refusal_breaches",),
        text="permanent refusal needs at least 2 breaches (a first breach can get a reduction)",
        text_nl="blijvende weigering vraagt ten minste 2 schendingen (een eerste schending kan een "
        "verlaging krijgen)",
        holds=lambda v: v.measure_refusal_breaches >= 2,
    ),
    Constraint(
        code="WM-P017",
        parameters=("no_profile_to_coach_days", "profiler_invitation_days"),
        text="a folder without a profile goes to a coach only after the invitation to the Work "
        "Profiler",
        text_nl="een werkmap zonder profiel gaat pas naar een adviseur na de uitnodiging voor de "
        "Werkverkenner",
        holds=_after("no_profile_to_coach_days", "profiler_invitation_days"),
    ),
    Constraint(
        code="WM-P018",
        parameters=("objection_period_weeks",),
        text="the objection period is at least the six weeks of the General Administrative Law Act "
        "(Awb art. 6:7); an agency may give more, never less",
        text_nl="de bezwaartermijn is ten minste de zes weken van de Algemene wet bestuursrecht "
        "(Awb art. 6:7); een uitvoerder mag meer geven, nooit minder",
        holds=lambda v: v.objection_period_weeks >= 6,
    ),
)
"""The cross-parameter constraints :func:`load_policy` checks on every date a value changes."""


def _constraint_problems(policy: Policy) -> list[Problem]:
    """Return a problem for every constraint that fails, once, on the date it starts to fail.

    Every date on which some value starts or ends is checked; a contradiction that holds over several
    such dates is reported on the first of them (``from <date>``).
    """
    problems: list[Problem] = []
    failing_before: set[int] = set()
    for day in policy.change_dates():
        if day < policy.starts_on:
            continue
        try:
            values = policy.at(day)
        except InvalidPolicy:
            failing_before = set()
            continue  # the policy ends before this date: nothing to relate
        failing = {i for i, c in enumerate(CONSTRAINTS) if not c.holds(values)}
        for i in sorted(failing - failing_before):
            constraint = CONSTRAINTS[i]
            periods = [(n, policy.parameters[n].period_on(day)) for n in constraint.parameters]
            changed = [(n, p) for n, p in periods if p is not None and p.valid_from == day]
            first, period = (changed or periods)[0]  # name the value that changed on ``day``
            source = period.source if period is not None else ""
            shown = ", ".join(f"{n} = {getattr(values, n):g}" for n in constraint.parameters)
            problems.append(
                Problem(
                    path=f"{source}:{first}" if source else first,
                    message=f"from {day.isoformat()}: {constraint.text} ({shown})",
                    code=constraint.code,
                )
            )
        failing_before = failing
    return problems


def default_policy_dir() -> Path:
    """Return the directory of the packaged default policy files."""
    return Path(str(resources.files("werkmap.rules") / "data" / "policy"))


@functools.cache
def default_policy() -> Policy:
    """Return the packaged policy, loaded and checked once per process."""
    return load_policy()


def load_policy(*paths: str | Path) -> Policy:
    """Load and check a policy from TOML files or directories (default: the packaged policy).

    Files are read in the order given; a directory contributes its ``*.toml`` files in name order. To
    change a value from a date on, pass the default directory and your own amendment file::

        load_policy(default_policy_dir(), "policy/2027-01-01-invitation-window.toml")

    Raises:
        InvalidPolicy: every problem found in any file, with its file, path and code.
    """
    files: list[Path] = []
    for path in paths or (default_policy_dir(),):
        p = Path(path)
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    documents: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(Problem(path=file.name, message=f"cannot read: {exc}", code="WM-P001"))
            continue
        try:
            documents.append((file.name, tomllib.loads(text)))
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(path=file.name, message=f"invalid TOML: {exc}", code="WM-P001"))
    policy = _build(documents, problems)
    if problems or policy is None:
        raise InvalidPolicy(problems, source="policy")
    return policy


def load_policy_documents(documents: Iterable[tuple[str, Mapping[str, Any]]]) -> Policy:
    """Build a policy from already parsed TOML documents as ``(file name, data)`` pairs.

    The checks are those of :func:`load_policy`; the file names matter for the amendment date check.
    """
    problems: list[Problem] = []
    policy = _build(list(documents), problems)
    if problems or policy is None:
        raise InvalidPolicy(problems, source="policy")
    return policy


def _build(documents: list[tuple[str, Any]], problems: list[Problem]) -> Policy | None:
    meta: dict[str, dict[str, str]] = {name: {} for name in PARAMETER_UNITS}
    periods: dict[str, list[ValuePeriod]] = {name: [] for name in PARAMETER_UNITS}
    for file_name, data in documents:
        match = _FILE_DATE.match(file_name)
        file_date = _iso(match.group(1)) if match else None
        for name, table in data.items():
            where = f"{file_name}:{name}"
            if name not in PARAMETER_UNITS:
                problems.append(Problem(path=where, message="unknown parameter", code="WM-P006"))
                continue
            if not isinstance(table, Mapping):
                problems.append(Problem(path=where, message="expected a table", code="WM-P001"))
                continue
            for key in sorted(set(table) - _META_KEYS):
                problems.append(
                    Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001")
                )
            for key in ("description", "description_nl", "unit", "reference"):
                if key not in table:
                    continue
                text = table[key]
                if not isinstance(text, str) or not text.strip():
                    problems.append(
                        Problem(
                            path=f"{where}.{key}",
                            message="expected a non-empty string",
                            code="WM-P001",
                        )
                    )
                    continue
                if key == "unit":
                    expected = PARAMETER_UNITS[name]
                    if text != expected:
                        problems.append(
                            Problem(
                                path=f"{where}.unit",
                                message=f"unit {text!r} does not match the parameter's unit {expected!r}",
                                code="WM-P004",
                            )
                        )
                        continue
                if key in meta[name] and meta[name][key] != text and key != "unit":
                    problems.append(
                        Problem(
                            path=f"{where}.{key}",
                            message=f"{key} differs from the one given before",
                            code="WM-P001",
                        )
                    )
                meta[name][key] = text
            values = table.get("values", [])
            if not isinstance(values, list):
                problems.append(
                    Problem(path=f"{where}.values", message="expected a list", code="WM-P001")
                )
                continue
            for i, entry in enumerate(values):
                period = _period(name, entry, f"{where}.values[{i}]", file_name, problems)
                if period is None:
                    continue
                if file_date is not None and period.valid_from != file_date:
                    problems.append(
                        Problem(
                            path=f"{where}.values[{i}].valid_from",
                            message=(
                                f"valid_from {period.valid_from.isoformat()} disagrees with the "
                                f"date {file_date.isoformat()} in the file name"
                            ),
                            code="WM-P005",
                        )
                    )
                periods[name].append(period)
    parameters: dict[str, Parameter] = {}
    for name, unit in PARAMETER_UNITS.items():
        for key in ("description", "description_nl", "reference"):
            if key not in meta[name]:
                problems.append(Problem(path=f"{name}.{key}", message="missing", code="WM-P002"))
        if not periods[name]:
            problems.append(Problem(path=f"{name}.values", message="no value", code="WM-P002"))
            continue
        ordered = sorted(periods[name], key=lambda p: p.valid_from)
        check_periods(name, ordered, problems)
        parameters[name] = Parameter(
            name=name,
            description=meta[name].get("description", ""),
            description_nl=meta[name].get("description_nl", ""),
            unit=unit,
            reference=meta[name].get("reference", ""),
            values=tuple(ordered),
        )
    if problems:
        return None
    policy = Policy(parameters=parameters, sources=tuple(f for f, _ in documents))
    problems.extend(_constraint_problems(policy))
    return None if problems else policy


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _period(
    name: str, entry: Any, where: str, file_name: str, problems: list[Problem]
) -> ValuePeriod | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(path=where, message="expected a table", code="WM-P001"))
        return None
    ok = True
    for key in sorted(set(entry) - _VALUE_KEYS):
        problems.append(Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001"))
        ok = False
    valid_from = entry.get("valid_from")
    if not _is_date(valid_from):
        problems.append(
            Problem(
                path=f"{where}.valid_from",
                message=f"expected a date (YYYY-MM-DD), got {valid_from!r}",
                code="WM-P001" if valid_from is not None else "WM-P002",
            )
        )
        ok = False
    valid_until = entry.get("valid_until")
    if valid_until is not None and not _is_date(valid_until):
        problems.append(
            Problem(
                path=f"{where}.valid_until",
                message=f"expected a date (YYYY-MM-DD), got {valid_until!r}",
                code="WM-P001",
            )
        )
        ok = False
    if "value" not in entry:
        problems.append(Problem(path=f"{where}.value", message="missing value", code="WM-P002"))
        return None
    value = entry["value"]
    unit = PARAMETER_UNITS[name]
    fit = _fits(unit, value)
    if fit:
        problems.append(Problem(path=f"{where}.value", message=fit, code="WM-P004"))
        ok = False
    reference = entry.get("reference", "")
    if not ok:
        return None
    assert isinstance(valid_from, dt.date)
    return ValuePeriod(
        valid_from=valid_from,
        valid_until=valid_until,
        value=_typed(unit, value),
        reference=str(reference),
        source=file_name,
    )


def _typed(unit: str, value: Any) -> float | int | str:
    if unit in ("probability", "percent"):
        return float(value)
    if unit == "yes_no":
        return bool(value)
    if unit == "text":
        return str(value).strip()
    return int(value)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _fits(unit: str, value: object) -> str:
    """Return why ``value`` does not fit ``unit``, or ``""`` when it does."""
    if unit == "yes_no":
        return "" if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if unit == "text":
        ok = isinstance(value, str) and value.strip()
        return "" if ok else f"expected a non-empty text, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number in {unit}, got {value!r}"
    if unit == "probability":
        return "" if 0.0 <= value <= 1.0 else f"a probability lies in [0, 1], got {value!r}"
    if unit == "percent":
        return "" if 0.0 <= value <= 100.0 else f"a percentage lies in [0, 100], got {value!r}"
    if not isinstance(value, int):
        return f"{unit} are whole numbers, got {value!r}"
    if unit == "count" and value < 1:
        return f"a count is at least 1, got {value!r}"
    if value < 0:
        return f"{unit} are not negative, got {value!r}"
    return ""


def check_periods(name: str, ordered: list[ValuePeriod], problems: list[Problem]) -> None:
    """Add a problem for each period of ``name`` that ends before it starts, overlaps the next or leaves a gap.

    ``ordered`` is sorted by ``valid_from``. The one check of dated values, for the service-model policy and
    for every other dated parameter file (the monitoring thresholds, for one).
    """
    for period in ordered:
        if period.valid_until is not None and period.valid_until <= period.valid_from:
            problems.append(
                Problem(
                    path=f"{period.source}:{name}",
                    message=(
                        f"valid_until {period.valid_until.isoformat()} is not after valid_from "
                        f"{period.valid_from.isoformat()}"
                    ),
                    code="WM-P001",
                )
            )
    for before, after in itertools.pairwise(ordered):
        where = f"{after.source}:{name}"
        if before.valid_from == after.valid_from or (
            before.valid_until is not None and before.valid_until > after.valid_from
        ):
            problems.append(
                Problem(
                    path=where,
                    message=(
                        f"the value from {after.valid_from.isoformat()} overlaps the value from "
                        f"{before.valid_from.isoformat()} ({before.source})"
                    ),
                    code="WM-P003",
                )
            )
        elif before.valid_until is not None and before.valid_until < after.valid_from:
            problems.append(
                Problem(
                    path=where,
                    message=(
                        f"no value from {before.valid_until.isoformat()} until "
                        f"{after.valid_from.isoformat()}"
                    ),
                    code="WM-P002",
                )
            )
