"""Capacity against forecast: the conversations and staff hours a policy implies, per month.

The forecast (:func:`werkmap.simulate.forecast_periods`, the *raming*) simulates the policy on a sample
of the expected inflow and scales its figures up. :func:`capacity` turns its monthly
:class:`~werkmap.report.PeriodReport` values into hours with the dated hour norms of
:mod:`werkmap.monitoring.parameters` (each month read with the norms valid on its first day):

| figure | hours per | parameter |
|---|---|---|
| ``orientation_held`` | orientation conversation | ``hours_orientation`` |
| ``monitor_held`` | monitor conversation | ``hours_monitor`` |
| ``coaching_held`` | coaching conversation | ``hours_coaching`` |
| ``early_contact_held`` | early face-to-face contact | ``hours_early_contact`` |
| ``plans_with_services`` | work plan with an extra service | ``hours_extra_service`` |
| ``enforcement_referrals`` | enforcement case | ``hours_enforcement_case`` |

**Hours per jobseeker per year.** The 2019 target of the service model was 5.0 to 5.5 hours per jobseeker
per year. The report gives the forecast's hours divided by the jobseekers registering in the same months,
beside the target. In a steady state (an inflow that has run for longer than a benefit lasts) that is the
hours spent per jobseeker of a year's inflow; a forecast that starts from an empty caseload
underestimates it in its first months (the conversations of earlier inflow are missing), so judge a
policy on a forecast of 12 months or more.

:func:`capacity_forecast` runs the forecast for every month of a :class:`~werkmap.simulate.SimulationConfig`
and returns the capacity report: weigh a policy change (pass its ``policy``) against staff before it is
dated in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from werkmap._version import __version__
from werkmap.errors import InvalidInput, Problem
from werkmap.monitoring.parameters import MonitoringParameters, default_monitoring_parameters
from werkmap.texts import number
from werkmap.workdays import add_months

if TYPE_CHECKING:
    from werkmap.report import PeriodReport
    from werkmap.rules.policy import Policy
    from werkmap.simulate import SimulationConfig

__all__ = ["HOURS_OF", "CapacityMonth", "CapacityReport", "capacity", "capacity_forecast"]

HOURS_OF: Mapping[str, str] = {
    "orientation_held": "hours_orientation",
    "monitor_held": "hours_monitor",
    "coaching_held": "hours_coaching",
    "early_contact_held": "hours_early_contact",
    "plans_with_services": "hours_extra_service",
    "enforcement_referrals": "hours_enforcement_case",
}
"""Which hour norm each forecast figure is counted with."""

_LABELS = {
    "orientation_held": ("oriëntatie", "orientation"),
    "monitor_held": ("monitor", "monitor"),
    "coaching_held": ("coaching", "coaching"),
    "early_contact_held": ("vroeg contact", "early contact"),
    "plans_with_services": ("extra dienst", "extra service"),
    "enforcement_referrals": ("handhaving", "enforcement"),
}


@attrs.frozen(kw_only=True)
class CapacityMonth:
    """The forecast's conversations and hours in one month.

    Attributes:
        start: the month's first day.
        end: its last day.
        registered: the jobseekers registering in the month.
        counts: the forecast count of each figure of :data:`HOURS_OF`.
        hours: the staff hours of each of those figures.
    """

    start: dt.date
    end: dt.date
    registered: int
    counts: Mapping[str, int]
    hours: Mapping[str, float]

    @property
    def month(self) -> str:
        """``YYYY-MM``."""
        return self.start.isoformat()[:7]

    @property
    def total_hours(self) -> float:
        """The month's staff hours."""
        return float(sum(self.hours.values()))

    @property
    def conversations(self) -> int:
        """The month's conversations held (all four kinds)."""
        return sum(
            self.counts[k]
            for k in ("orientation_held", "monitor_held", "coaching_held", "early_contact_held")
        )


@attrs.frozen(kw_only=True)
class CapacityReport:
    """The hours a forecast implies, per month and in all, beside the target.

    Attributes:
        months: the months, oldest first.
        target_low: the lower end of the target of hours per jobseeker per year.
        target_high: its upper end.
    """

    months: tuple[CapacityMonth, ...]
    target_low: float
    target_high: float

    @property
    def total_hours(self) -> float:
        """The hours of all months."""
        return float(sum(m.total_hours for m in self.months))

    @property
    def registered(self) -> int:
        """The jobseekers registering in all months."""
        return sum(m.registered for m in self.months)

    @property
    def hours_per_jobseeker(self) -> float | None:
        """The hours per jobseeker registering in the period (see the module text), or ``None``."""
        return self.total_hours / self.registered if self.registered else None

    @property
    def within_target(self) -> bool | None:
        """Whether the hours per jobseeker lie within the target (``None`` without registrations)."""
        h = self.hours_per_jobseeker
        return None if h is None else self.target_low <= h <= self.target_high

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data: ``{"werkmap": version, "kind": "capacity", ...}``."""
        h = self.hours_per_jobseeker
        return {
            "werkmap": __version__,
            "kind": "capacity",
            "months": [
                {
                    "month": m.month,
                    "registered": m.registered,
                    "conversations": m.conversations,
                    "counts": dict(m.counts),
                    "hours": {k: round(v, 3) for k, v in m.hours.items()},
                    "total_hours": round(m.total_hours, 3),
                }
                for m in self.months
            ],
            "total_hours": round(self.total_hours, 3),
            "registered": self.registered,
            "hours_per_jobseeker": None if h is None else round(h, 4),
            "target": [self.target_low, self.target_high],
            "within_target": self.within_target,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return :meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        """Return one CSV row per month: counts, hours and the total."""
        keys = list(HOURS_OF)
        lines = [
            ",".join(["month", "registered", *keys, *(f"hours_{k}" for k in keys), "total_hours"])
        ]
        for m in self.months:
            cells = [m.month, str(m.registered)]
            cells += [str(m.counts[k]) for k in keys]
            cells += [f"{m.hours[k]:.3f}" for k in keys]
            cells.append(f"{m.total_hours:.3f}")
            lines.append(",".join(cells))
        return "\n".join(lines) + "\n"

    def to_text(self, language: str = "nl") -> str:
        """Return the report as a plain text table (``"nl"`` or ``"en"``)."""
        from werkmap.monitoring.report import _table

        nl = language == "nl"
        keys = list(HOURS_OF)
        header = [
            "maand" if nl else "month",
            "ingeschr." if nl else "registered",
            *(_LABELS[k][0 if nl else 1] for k in keys),
            "uren" if nl else "hours",
        ]
        rows = [
            [
                m.month,
                str(m.registered),
                *(str(m.counts[k]) for k in keys),
                number(m.total_hours, language, digits=0),
            ]
            for m in self.months
        ]
        lines = [
            "Capaciteit volgens de raming" if nl else "Capacity by the forecast",
            *_table(header, rows),
            "",
        ]
        h = self.hours_per_jobseeker
        low = number(self.target_low, language, digits=1)
        high = number(self.target_high, language, digits=1)
        if h is None:
            lines.append("Geen inschrijvingen." if nl else "No registrations.")
        else:
            per = number(h, language, digits=2)
            total = number(self.total_hours, language, digits=0)
            lines.append(
                f"Totaal {total} uur voor {self.registered} ingeschrevenen: {per} uur per WW'er "
                f"(streven {low}–{high} uur per WW'er per jaar)."
                if nl
                else f"Total {total} hours for {self.registered} registrations: {per} hours per "
                f"jobseeker (target {low}–{high} hours per jobseeker per year)."
            )
            lines.append(
                "Let op: een raming begint met een lege caseload; de eerste maanden missen de gesprekken "
                "van eerdere instroom, dus dit getal is te laag tot de raming een jaar of langer loopt."
                if nl
                else "Note: a forecast starts with an empty caseload; its first months miss the "
                "conversations of earlier inflow, so this figure is too low until the forecast runs a "
                "year or more."
            )
        return "\n".join(lines) + "\n"


def capacity(
    reports: Sequence[PeriodReport], *, parameters: MonitoringParameters | None = None
) -> CapacityReport:
    """Return the hours the forecast ``reports`` imply (one report per month, oldest first).

    The hour norms are those valid on each report's first day; the target those valid on the last
    report's first day.

    Raises:
        InvalidInput: no reports.
    """
    if not reports:
        raise InvalidInput(
            [Problem(path="$.reports", message="no forecast reports")], source="capacity"
        )
    params = parameters if parameters is not None else default_monitoring_parameters()
    months = []
    for r in reports:
        values = params.at(r.start).to_dict()
        counts = {k: int(r.figures.get(k, 0)) for k in HOURS_OF}
        hours = {k: counts[k] * float(values[HOURS_OF[k]]) for k in HOURS_OF}
        months.append(
            CapacityMonth(
                start=r.start,
                end=r.end,
                registered=int(r.figures.get("registered", 0)),
                counts=counts,
                hours=hours,
            )
        )
    last = params.at(reports[-1].start)
    return CapacityReport(
        months=tuple(months), target_low=last.hours_target_low, target_high=last.hours_target_high
    )


def capacity_forecast(
    config: SimulationConfig,
    *,
    policy: Policy | None = None,
    sample: int = 1000,
    seed: int | None = None,
    parameters: MonitoringParameters | None = None,
) -> CapacityReport:
    """Forecast every month of ``config`` under ``policy`` and return the capacity it implies."""
    from werkmap.simulate import forecast_periods

    periods = [
        (add_months(config.start, m), add_months(config.start, m + 1) - dt.timedelta(days=1))
        for m in range(config.months)
    ]
    reports = forecast_periods(config, periods, policy=policy, sample=sample, seed=seed)
    return capacity(reports, parameters=parameters)
