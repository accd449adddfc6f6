"""The monthly monitoring report: drift, calibration, discrimination and routing errors per month.

:func:`monitor` takes the folders of a store and a day, links every folder's outcome to the profile that
made the routing decision (:func:`werkmap.outcomes.deciding_profile`), groups the folders by **month of
registration** and reports per month, each figure with the number of people it rests on:

* **drift**: the PSI of the score and of every item against the calibration sample
  (:mod:`werkmap.monitoring.drift`), the share per band, and whether the month is stable, shifted or
  changed (the dated thresholds ``psi_warning`` 0.10 and ``psi_alert`` 0.25);
* **outcomes**: for the people followed up for ``outcome_months`` (12) months, the share that found work
  against the mean predicted chance, calibration-in-the-large, the calibration intercept and slope, the
  AUC, and the false-negative and false-positive rates at the routing threshold (the policy's
  ``routing_threshold`` valid on the month's first day) overall and per age group, education group and band
  (:mod:`werkmap.monitoring.calibration`).

**Unfinished follow-up.** A person registered less than ``outcome_months`` before the report's day has no
known outcome yet: they count in the drift figures and as *pending*, never as "did not find work". A
month whose whole cohort is pending has drift figures only.

Only profiles made by the monitored model are counted (a profile of another model is counted apart,
as ``other_model``): the reference sample's scores are that model's.

Every month whose PSI (the score's or an item's) reaches a threshold, with at least ``psi_min_people``
profiles, gives an :class:`Alert`; :func:`werkmap.monitoring.alerts.send_alerts` puts them in the outbox.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from werkmap._version import __version__
from werkmap.monitoring.calibration import OutcomeMetrics, outcome_metrics
from werkmap.monitoring.drift import Reference, answer_values, psi, reference_sample
from werkmap.monitoring.groups import group_columns
from werkmap.monitoring.parameters import MonitoringParameters, default_monitoring_parameters
from werkmap.outcomes import deciding_profile, outcomes
from werkmap.plan.folder import BANDS, WorkFolder
from werkmap.texts import number, percent

if TYPE_CHECKING:
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.rules.policy import Policy

__all__ = [
    "LEVELS",
    "Alert",
    "MonitoringReport",
    "MonthMonitor",
    "monitor",
    "plot_monitoring",
]

LEVELS = ("stable", "shifted", "changed")
"""A distribution's level: PSI below ``psi_warning``, from it, from ``psi_alert``."""

SCORE = "score"
"""The variable name of the score in alerts."""


@attrs.frozen(kw_only=True)
class Alert:
    """A distribution that crossed a PSI threshold in one month.

    Attributes:
        month: the month of registration (``YYYY-MM``).
        variable: ``"score"`` or the item's ``link_id``.
        psi: the PSI.
        level: ``"shifted"`` (from ``psi_warning``) or ``"changed"`` (from ``psi_alert``).
        threshold: the threshold crossed.
        n: the profiles in the month.
    """

    month: str
    variable: str
    psi: float
    level: str
    threshold: float
    n: int


@attrs.frozen(kw_only=True)
class MonthMonitor:
    """The monitoring figures of one month of registration.

    Attributes:
        month: ``YYYY-MM``.
        registered: the folders registered in the month.
        profiled: of those, with a deciding profile of the monitored model.
        other_model: of those, with a deciding profile of another model (not counted further).
        psi_score: the PSI of the score in the reference's decile bins (``None`` without profiles).
        psi_items: the PSI of every item (over the profiles that kept their answers).
        score_shares: the month's share of profiles in each score bin (the reference has a tenth in each).
        item_shares: per item, the month's share in each of the item's bins.
        band_shares: the share of the profiles per band.
        level: the month's level (:data:`LEVELS`), from the highest PSI; ``""`` without profiles.
        followed_up: the profiled folders whose outcome is known (followed up ``outcome_months``).
        pending: the profiled folders whose follow-up is not complete.
        outcomes: calibration, AUC and routing errors of the followed-up folders.
    """

    month: str
    registered: int
    profiled: int
    other_model: int
    psi_score: float | None
    psi_items: Mapping[str, float]
    score_shares: tuple[float, ...]
    item_shares: Mapping[str, Mapping[str, float]]
    band_shares: Mapping[str, float]
    level: str
    followed_up: int
    pending: int
    outcomes: OutcomeMetrics

    @property
    def max_item(self) -> tuple[str, float] | None:
        """The item with the highest PSI and that PSI, or ``None``."""
        if not self.psi_items:
            return None
        item = max(self.psi_items, key=lambda k: self.psi_items[k])
        return item, self.psi_items[item]


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)


@attrs.frozen(kw_only=True)
class MonitoringReport:
    """The monitoring report of a model on a day; see :func:`monitor`.

    Attributes:
        on: the day the report was made for (the follow-up ends here).
        model_ref: the monitored model (``id|version``).
        reference: where the reference sample comes from.
        reference_n: its size.
        reference_band_shares: its share per band.
        reference_score_edges: the inner edges of the score bins (the reference's deciles).
        reference_item_shares: per item, the reference's share in each bin.
        parameters: the monitoring parameters used (valid on ``on``).
        months: the months of registration, oldest first.
        alerts: the thresholds crossed.
    """

    on: dt.date
    model_ref: str
    reference: str
    reference_n: int
    reference_band_shares: Mapping[str, float]
    reference_score_edges: tuple[float, ...]
    reference_item_shares: Mapping[str, Mapping[str, float]]
    parameters: Mapping[str, float | int]
    months: tuple[MonthMonitor, ...]
    alerts: tuple[Alert, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data: ``{"werkmap": version, "kind": "monitor", ...}``."""
        months = []
        for m in self.months:
            o = m.outcomes
            months.append(
                {
                    "month": m.month,
                    "registered": m.registered,
                    "profiled": m.profiled,
                    "other_model": m.other_model,
                    "psi_score": _round(m.psi_score),
                    "psi_items": {k: _round(v) for k, v in m.psi_items.items()},
                    "band_shares": {k: _round(v) for k, v in m.band_shares.items()},
                    "score_shares": [_round(v) for v in m.score_shares],
                    "item_shares": {
                        item: {k: _round(v) for k, v in shares.items()}
                        for item, shares in m.item_shares.items()
                    },
                    "level": m.level,
                    "followed_up": m.followed_up,
                    "pending": m.pending,
                    "outcomes": {
                        "n": o.n,
                        "observed_rate": _round(o.observed_rate),
                        "mean_predicted": _round(o.mean_predicted),
                        "calibration_in_the_large": _round(o.calibration_in_the_large),
                        "calibration_intercept": _round(o.calibration_intercept),
                        "calibration_slope": _round(o.calibration_slope),
                        "auc": _round(o.auc),
                        "threshold": o.threshold,
                        "groups": [
                            {
                                "column": g.column,
                                "group": g.group,
                                "n": g.n,
                                "positive_rate": _round(g.positive_rate),
                                "false_negative_rate": _round(g.false_negative_rate),
                                "false_positive_rate": _round(g.false_positive_rate),
                            }
                            for g in o.groups
                        ],
                    },
                }
            )
        return {
            "werkmap": __version__,
            "kind": "monitor",
            "on": self.on.isoformat(),
            "model": self.model_ref,
            "reference": {
                "description": self.reference,
                "n": self.reference_n,
                "band_shares": {k: _round(v) for k, v in self.reference_band_shares.items()},
                "score_edges": [_round(v) for v in self.reference_score_edges],
                "item_shares": {
                    item: {k: _round(v) for k, v in shares.items()}
                    for item, shares in self.reference_item_shares.items()
                },
            },
            "parameters": dict(self.parameters),
            "months": months,
            "alerts": [attrs.asdict(a) for a in self.alerts],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return :meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        """Return the figures as CSV in long form: ``month,metric,column,group,value,n``."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["month", "metric", "column", "group", "value", "n"])

        def row(
            month: str, metric: str, value: float | None, n: int, col: str = "", grp: str = ""
        ) -> None:
            w.writerow([month, metric, col, grp, "" if value is None else f"{value:.6g}", n])

        for m in self.months:
            row(m.month, "registered", m.registered, m.registered)
            row(m.month, "psi_score", m.psi_score, m.profiled)
            for item, value in m.psi_items.items():
                row(m.month, "psi_item", value, m.profiled, "item", item)
            for band, share in m.band_shares.items():
                row(m.month, "band_share", share, m.profiled, "band", band)
            o = m.outcomes
            row(m.month, "pending", m.pending, m.profiled)
            for metric in (
                "observed_rate",
                "mean_predicted",
                "calibration_in_the_large",
                "calibration_intercept",
                "calibration_slope",
                "auc",
            ):
                row(m.month, metric, getattr(o, metric), o.n)
            for g in o.groups:
                row(m.month, "false_negative_rate", g.false_negative_rate, g.n, g.column, g.group)
                row(m.month, "false_positive_rate", g.false_positive_rate, g.n, g.column, g.group)
        return out.getvalue()

    def to_text(self, language: str = "nl") -> str:
        """Return the report as plain text tables (``language`` ``"nl"`` or ``"en"``)."""
        nl = language == "nl"

        def t(nl_text: str, en_text: str) -> str:
            return nl_text if nl else en_text

        def num(v: float | None, digits: int = 3) -> str:
            return "–" if v is None else number(v, language, digits=digits)

        def pct(v: float | None) -> str:
            return "–" if v is None else percent(v, language)

        level_text = {
            "stable": t("stabiel", "stable"),
            "shifted": t("verschoven", "shifted"),
            "changed": t("veranderd", "changed"),
            "": "–",
        }
        lines = [
            t("Monitoring van het model", "Model monitoring")
            + f" {self.model_ref}, "
            + t("stand", "as of")
            + f" {self.on.isoformat()}",
            t("Referentie", "Reference") + f": {self.reference} (n = {self.reference_n})",
            t(
                f"Drempels PSI: {num(self.parameters['psi_warning'], 2)} (verschoven), "
                f"{num(self.parameters['psi_alert'], 2)} (veranderd); uitkomst: werk binnen "
                f"{self.parameters['outcome_months']} maanden.",
                f"PSI thresholds: {num(self.parameters['psi_warning'], 2)} (shifted), "
                f"{num(self.parameters['psi_alert'], 2)} (changed); outcome: work within "
                f"{self.parameters['outcome_months']} months.",
            ),
            "",
            t("Verschuiving per maand van inschrijving", "Drift per month of registration"),
        ]
        header = [
            t("maand", "month"),
            t("ingeschr.", "registered"),
            t("profielen", "profiles"),
            "PSI score",
            t("hoogste vraag", "highest item"),
            t("niveau", "level"),
        ]
        rows = []
        for m in self.months:
            top = m.max_item
            rows.append(
                [
                    m.month,
                    str(m.registered),
                    str(m.profiled),
                    num(m.psi_score),
                    f"{top[0]} {num(top[1])}" if top else "–",
                    level_text[m.level],
                ]
            )
        lines += _table(header, rows)
        lines += ["", t("Kalibratie en onderscheidend vermogen", "Calibration and discrimination")]
        header = [
            t("maand", "month"),
            "n",
            t("lopend", "pending"),
            t("werk", "work"),
            t("voorspeld", "predicted"),
            t("kal. groot", "CITL"),
            t("helling", "slope"),
            "AUC",
            "FNR",
            "FPR",
        ]
        rows = []
        for m in self.months:
            o = m.outcomes
            overall = next((g for g in o.groups if g.column == "all"), None)
            rows.append(
                [
                    m.month,
                    str(o.n),
                    str(m.pending),
                    pct(o.observed_rate),
                    pct(o.mean_predicted),
                    num(o.calibration_in_the_large),
                    num(o.calibration_slope),
                    num(o.auc),
                    pct(overall.false_negative_rate if overall else None),
                    pct(overall.false_positive_rate if overall else None),
                ]
            )
        lines += _table(header, rows)
        group_rows = [
            [
                m.month,
                g.column,
                g.group,
                str(g.n),
                pct(g.false_negative_rate),
                pct(g.false_positive_rate),
            ]
            for m in self.months
            for g in m.outcomes.groups
            if g.column != "all"
        ]
        if group_rows:
            lines += [
                "",
                t(
                    "Fouten in de route per groep (drempel: score hoogstens de routeringsdrempel = gesprek)",
                    "Routing errors per group (threshold: a score at most the routing threshold = conversation)",
                ),
            ]
            lines += _table(
                [t("maand", "month"), t("kolom", "column"), t("groep", "group"), "n", "FNR", "FPR"],
                group_rows,
            )
        lines.append("")
        if self.alerts:
            lines.append(t("Meldingen", "Alerts"))
            for a in self.alerts:
                lines.append(
                    f"- {a.month} {a.variable}: PSI {num(a.psi)} ≥ {num(a.threshold, 2)} "
                    f"({level_text[a.level]}, n = {a.n})"
                )
        else:
            lines.append(t("Geen drempel overschreden.", "No threshold crossed."))
        return "\n".join(lines) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _level(value: float, warning: float, alert: float) -> str:
    if value >= alert:
        return "changed"
    if value >= warning:
        return "shifted"
    return "stable"


def _shares(labels: Sequence[str], counts: Sequence[int] | np.ndarray) -> dict[str, float]:
    total = float(np.sum(counts))
    return {
        label: (float(c) / total if total else 0.0) for label, c in zip(labels, counts, strict=True)
    }


def _band_shares(bands: Sequence[str]) -> dict[str, float]:
    n = len(bands)
    return {b: (sum(1 for x in bands if x == b) / n if n else 0.0) for b in BANDS}


def monitor(
    folders: Iterable[WorkFolder],
    *,
    on: dt.date,
    model: ScoringModel | None = None,
    questionnaire: Questionnaire | None = None,
    reference: Reference | None = None,
    policy: Policy | None = None,
    parameters: MonitoringParameters | None = None,
) -> MonitoringReport:
    """Make the monitoring report of ``model`` from ``folders``, as known on ``on``.

    Args:
        folders: the folders (any order).
        on: the report's day: outcomes and profiles after it are not seen, follow-up ends here.
        model: the monitored (live) model (default: the packaged illustrative model).
        questionnaire: its questionnaire (default: the packaged one).
        reference: the calibration sample (default: :func:`~werkmap.monitoring.drift.reference_sample`
            of ``model``).
        policy: the service-model policy, for the routing threshold (default: the packaged one).
        parameters: the monitoring parameters (default: the packaged ones), read on ``on``.

    Returns:
        The :class:`MonitoringReport`.
    """
    from werkmap.profiler.model import default_model
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.rules.policy import default_policy

    model = model if model is not None else default_model()
    questionnaire = questionnaire if questionnaire is not None else default_questionnaire()
    reference = reference if reference is not None else cached_reference(model, questionnaire)
    policy = policy if policy is not None else default_policy()
    values = (parameters if parameters is not None else default_monitoring_parameters()).at(on)
    listed = [f for f in folders if f.registered_on <= on]
    table = outcomes(listed, observed_until=on)
    answers: list[dict[str, object]] = []
    for folder in listed:
        profile = deciding_profile(folder)
        seen = profile is not None and profile.taken_on <= on
        answers.append(answer_values(profile.answers) if seen and profile is not None else {})
    ours = table.model_ref == model.ref
    others = table.profiled & ~ours
    followed = table.followed_up(values.outcome_months)
    work = table.work_found_within(values.outcome_months)
    month_of = np.array([str(d)[:7] for d in table.registered_on], dtype=np.str_)
    months: list[MonthMonitor] = []
    alerts: list[Alert] = []
    for month in sorted(set(month_of.tolist())):
        in_month = month_of == month
        mine = np.flatnonzero(in_month & ours)
        p = table.probability[mine]
        month_answers = [answers[i] for i in mine]
        bands = table.band[mine].tolist()
        psi_score: float | None = None
        psi_items: dict[str, float] = {}
        level = ""
        score_shares: tuple[float, ...] = ()
        item_shares: dict[str, dict[str, float]] = {}
        answered = [a for a in month_answers if a]  # records older than schema 2 kept no answers
        if mine.size:
            score_counts = reference.score_bin_counts(p)
            score_shares = tuple(float(c) / mine.size for c in score_counts)
            psi_score = psi(reference.score_counts, score_counts)
            checks = [(SCORE, psi_score, int(mine.size))]
            for item in reference.items if answered else ():
                counts = reference.item_bin_counts(item, [a.get(item) for a in answered])
                psi_items[item] = psi(reference.item_counts[item], counts)
                item_shares[item] = _shares(reference.item_bins[item], counts)
                checks.append((item, psi_items[item], len(answered)))
            top = max(value for _, value, _ in checks)
            level = _level(top, values.psi_warning, values.psi_alert)
            for variable, value, n in checks:
                lv = _level(value, values.psi_warning, values.psi_alert)
                if lv != "stable" and n >= values.psi_min_people:
                    alerts.append(
                        Alert(
                            month=month,
                            variable=variable,
                            psi=value,
                            level=lv,
                            threshold=values.psi_alert if lv == "changed" else values.psi_warning,
                            n=n,
                        )
                    )
        known = followed[mine]
        first_day = dt.date.fromisoformat(month + "-01")
        threshold = policy.at(max(first_day, policy.starts_on)).routing_threshold
        groups = group_columns(
            [month_answers[i] for i in np.flatnonzero(known)],
            [bands[i] for i in np.flatnonzero(known)],
        )
        metrics = outcome_metrics(
            work[mine][known].astype(np.float64), p[known], threshold=threshold, groups=groups
        )
        months.append(
            MonthMonitor(
                month=month,
                registered=int(in_month.sum()),
                profiled=int(mine.size),
                other_model=int((in_month & others).sum()),
                psi_score=psi_score,
                psi_items=psi_items,
                score_shares=score_shares,
                item_shares=item_shares,
                band_shares=_band_shares(bands),
                level=level,
                followed_up=int(known.sum()),
                pending=int((~known).sum()),
                outcomes=metrics,
            )
        )
    ref_bands = [model.band(float(x)) for x in reference.probabilities]
    return MonitoringReport(
        on=on,
        model_ref=model.ref,
        reference=reference.description,
        reference_n=len(reference),
        reference_band_shares=_band_shares(ref_bands),
        reference_score_edges=tuple(float(e) for e in reference.score_edges),
        reference_item_shares={
            item: _shares(reference.item_bins[item], reference.item_counts[item])
            for item in reference.items
        },
        parameters=values.to_dict(),
        months=tuple(months),
        alerts=tuple(alerts),
    )


_REFERENCES: dict[tuple[ScoringModel, str], Reference] = {}


def cached_reference(model: ScoringModel, questionnaire: Questionnaire) -> Reference:
    """Return :func:`~werkmap.monitoring.drift.reference_sample` of ``model``, drawn once per process."""
    key = (model, questionnaire.ref)
    found = _REFERENCES.get(key)
    if found is None:
        found = reference_sample(model, questionnaire)
        _REFERENCES[key] = found
    return found


def plot_monitoring(report: MonitoringReport, path: str, *, language: str = "nl") -> str:
    """Draw the PSI of the score and the highest item PSI per month, with the thresholds (needs ``plot``).

    Returns:
        The path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nl = language == "nl"
    months = [m.month for m in report.months]
    score = [m.psi_score if m.psi_score is not None else np.nan for m in report.months]
    top = [m.max_item[1] if m.max_item else np.nan for m in report.months]
    slope = [
        m.outcomes.calibration_slope if m.outcomes.calibration_slope is not None else np.nan
        for m in report.months
    ]
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    ax.plot(months, score, marker="o", label="PSI score")
    ax.plot(months, top, marker="s", label="PSI " + ("hoogste vraag" if nl else "highest item"))
    for name, style in (("psi_warning", "--"), ("psi_alert", ":")):
        ax.axhline(float(report.parameters[name]), linestyle=style, color="grey")
    ax.set_ylabel("PSI")
    ax.legend()
    bx.plot(months, slope, marker="o")
    bx.axhline(1.0, linestyle="--", color="grey")
    bx.set_ylabel("kalibratiehelling" if nl else "calibration slope")
    bx.tick_params(axis="x", rotation=45)
    fig.suptitle(report.model_ref)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
