"""Dated monitoring and capacity parameters: the PSI thresholds, the outcome horizon and the hour norms.

The parameters are data, dated like the service model's policy (:mod:`werkmap.rules.policy`) and in the
same TOML shape: one table per parameter with ``description``, ``description_nl``, ``unit``, ``reference``
and ``values`` (each ``{valid_from, value}``, optionally ``valid_until``, exclusive). The packaged file is
``werkmap/monitoring/data/monitoring.toml``; :func:`load_monitoring_parameters` reads it or the agency's own
files (a later file's values for a parameter replace nothing: they are added, and may not overlap).

| parameter | unit | default | meaning |
|---|---|---|---|
| ``psi_warning`` | ratio | 0.10 | a distribution with a PSI from here counts as shifted |
| ``psi_alert`` | ratio | 0.25 | from here it counts as changed: the model must be re-evaluated |
| ``outcome_months`` | months | 12 | the outcome monitored: work within this many months |
| ``psi_min_people`` | count | 200 | a month with fewer profiles raises no drift alert (its PSI is noise) |
| ``hours_orientation`` … ``hours_enforcement_case`` | hours | 0.75–2.0 | staff hours per conversation kind and service |
| ``hours_target_low``, ``hours_target_high`` | hours | 5.0, 5.5 | the target of hours per jobseeker per year (UWV 2019) |

Problems are collected and raised together as one :class:`~werkmap.errors.InvalidPolicy` (``WM-P001``
malformed, ``WM-P002`` missing, ``WM-P003`` overlapping, ``WM-P004`` unit, ``WM-P006`` unknown parameter),
the codes of :mod:`werkmap.rules.policy`.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from werkmap.errors import InvalidPolicy, Problem
from werkmap.rules.policy import Parameter, ValuePeriod, check_periods

__all__ = [
    "MONITORING_UNITS",
    "MonitoringParameters",
    "MonitoringValues",
    "default_monitoring_parameters",
    "load_monitoring_parameters",
]

MONITORING_UNITS: Mapping[str, str] = {
    "psi_warning": "ratio",
    "psi_alert": "ratio",
    "outcome_months": "months",
    "psi_min_people": "count",
    "hours_orientation": "hours",
    "hours_monitor": "hours",
    "hours_coaching": "hours",
    "hours_early_contact": "hours",
    "hours_extra_service": "hours",
    "hours_enforcement_case": "hours",
    "hours_target_low": "hours",
    "hours_target_high": "hours",
}
"""Every monitoring parameter, with its unit."""

_META = ("description", "description_nl", "unit", "reference")


@attrs.frozen(kw_only=True)
class MonitoringValues:
    """The monitoring parameters valid on one date (each attribute is the parameter of that name)."""

    on: dt.date
    psi_warning: float
    psi_alert: float
    outcome_months: int
    psi_min_people: int
    hours_orientation: float
    hours_monitor: float
    hours_coaching: float
    hours_early_contact: float
    hours_extra_service: float
    hours_enforcement_case: float
    hours_target_low: float
    hours_target_high: float

    def to_dict(self) -> dict[str, float | int]:
        """Return the values by name (for a report's ``parameters``)."""
        return {name: getattr(self, name) for name in MONITORING_UNITS}


@attrs.frozen(kw_only=True, eq=False)
class MonitoringParameters:
    """The dated monitoring parameters; read them on a date with :meth:`at`.

    Attributes:
        parameters: the parameters by name.
        sources: the files they were read from.
    """

    parameters: Mapping[str, Parameter]
    sources: tuple[str, ...] = ()

    def at(self, day: dt.date) -> MonitoringValues:
        """Return the values valid on ``day``.

        Raises:
            InvalidPolicy: a parameter has no value on ``day`` (``WM-P002``).
        """
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, parameter in self.parameters.items():
            value = parameter.value_on(day)
            if value is None:
                problems.append(
                    Problem(path=name, message=f"no value valid on {day}", code="WM-P002")
                )
            values[name] = value
        if problems:
            raise InvalidPolicy(problems, source="monitoring parameters")
        return MonitoringValues(on=day, **values)


def _period(
    name: str, entry: object, where: str, source: str, problems: list[Problem]
) -> ValuePeriod | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(path=where, message="expected a table", code="WM-P001"))
        return None
    unknown = sorted(set(entry) - {"valid_from", "valid_until", "value", "reference"})
    for key in unknown:
        problems.append(Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001"))
    start, until, value = entry.get("valid_from"), entry.get("valid_until"), entry.get("value")
    ok = not unknown
    for key, day in (("valid_from", start), ("valid_until", until)):
        if (day is not None or key == "valid_from") and (
            not isinstance(day, dt.date) or isinstance(day, dt.datetime)
        ):
            problems.append(
                Problem(
                    path=f"{where}.{key}", message=f"expected a date, got {day!r}", code="WM-P001"
                )
            )
            ok = False
    unit = MONITORING_UNITS[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problems.append(
            Problem(
                path=f"{where}.value",
                message=f"expected a non-negative number in {unit}, got {value!r}",
                code="WM-P004" if value is not None else "WM-P002",
            )
        )
        ok = False
    elif unit in ("months", "count") and not isinstance(value, int):
        problems.append(
            Problem(path=f"{where}.value", message=f"{unit} are whole numbers", code="WM-P004")
        )
        ok = False
    if not ok:
        return None
    assert isinstance(start, dt.date)
    assert isinstance(value, int | float)
    return ValuePeriod(
        valid_from=start,
        valid_until=until if isinstance(until, dt.date) else None,
        value=int(value) if unit in ("months", "count") else float(value),
        reference=str(entry.get("reference", "")),
        source=source,
    )


def _build(documents: list[tuple[str, Mapping[str, Any]]]) -> MonitoringParameters:
    problems: list[Problem] = []
    meta: dict[str, dict[str, str]] = {name: {} for name in MONITORING_UNITS}
    periods: dict[str, list[ValuePeriod]] = {name: [] for name in MONITORING_UNITS}
    for file_name, data in documents:
        for name, table in data.items():
            where = f"{file_name}:{name}"
            if name not in MONITORING_UNITS:
                problems.append(Problem(path=where, message="unknown parameter", code="WM-P006"))
                continue
            if not isinstance(table, Mapping):
                problems.append(Problem(path=where, message="expected a table", code="WM-P001"))
                continue
            for key in sorted(set(table) - {*_META, "values"}):
                problems.append(
                    Problem(path=f"{where}.{key}", message="unknown key", code="WM-P001")
                )
            if "unit" in table and table["unit"] != MONITORING_UNITS[name]:
                problems.append(
                    Problem(
                        path=f"{where}.unit",
                        message=f"unit {table['unit']!r} is not {MONITORING_UNITS[name]!r}",
                        code="WM-P004",
                    )
                )
            for key in _META:
                if isinstance(table.get(key), str):
                    meta[name][key] = table[key]
            values = table.get("values", [])
            if not isinstance(values, list):
                problems.append(
                    Problem(path=f"{where}.values", message="expected a list", code="WM-P001")
                )
                continue
            for i, entry in enumerate(values):
                period = _period(name, entry, f"{where}.values[{i}]", file_name, problems)
                if period is not None:
                    periods[name].append(period)
    parameters: dict[str, Parameter] = {}
    for name, unit in MONITORING_UNITS.items():
        missing = [k for k in _META if k != "unit" and k not in meta[name]]
        for key in missing:
            problems.append(Problem(path=f"{name}.{key}", message="missing", code="WM-P002"))
        ordered = sorted(periods[name], key=lambda p: p.valid_from)
        if not ordered:
            problems.append(Problem(path=f"{name}.values", message="no value", code="WM-P002"))
            continue
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
        raise InvalidPolicy(problems, source="monitoring parameters")
    return MonitoringParameters(parameters=parameters, sources=tuple(f for f, _ in documents))


def load_monitoring_parameters(*paths: str | Path) -> MonitoringParameters:
    """Load the monitoring parameters from TOML files (default: the packaged ``monitoring.toml``).

    Raises:
        InvalidPolicy: every problem found, with its file and parameter.
    """
    documents: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[Problem] = []
    if not paths:
        text = (
            resources.files("werkmap.monitoring.data")
            .joinpath("monitoring.toml")
            .read_text("utf-8")
        )
        documents.append(("monitoring.toml", tomllib.loads(text)))
    for path in paths:
        p = Path(path)
        try:
            documents.append((p.name, tomllib.loads(p.read_text(encoding="utf-8"))))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(Problem(path=p.name, message=f"cannot read: {exc}", code="WM-P001"))
    if problems:
        raise InvalidPolicy(problems, source="monitoring parameters")
    return _build(documents)


@functools.cache
def default_monitoring_parameters() -> MonitoringParameters:
    """Return the packaged monitoring parameters, loaded once per process."""
    return load_monitoring_parameters()
