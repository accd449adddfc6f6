"""Intention-to-treat effects of an experiment's arms, from the outcome table of its folders.

Every folder counts in the arm it was **assigned** to at registration, whatever it then received
(intention to treat): the comparison is between randomised groups, so it is fair, and it answers the
policy question "what does offering this arm do", not "what does a conversation do to those who come".

What :func:`analyse` estimates, for each pair of arms (each arm against each other, in the order of the
definition: ``service - control_enforcement``, ``service - control_none``, ``control_enforcement -
control_none`` for the 2017 design):

* **work found within 3, 6 and 12 months**: the difference of the shares, in percentage points, with a
  95 % **Wald** interval ``d ± 1.96 · sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0)``;
* **months on benefit within the first 12 months**: the difference of the means, with a 95 % Wald
  interval ``d ± 1.96 · sqrt(s1² / n1 + s0² / n0)``;
* each **overall** and **by band group** of the deciding profile: ``low`` (bands 0-25 and 25-50, the
  conversation route), ``high`` (50-75 and 75-100, the digital route) and ``none`` (no profile);
* an **adjusted** estimate of the effect on work found: a logistic regression of the outcome on the arm
  and the logit of the profile's score, fitted with werkmap's own :func:`werkmap.profiler.fit.fit`, reported
  as the **average marginal effect** (the mean over the pair's folders of the predicted chance in the one
  arm minus that in the other) with a 95 % interval from the **delta method** (the gradient of the AME
  with respect to the coefficients, with their covariance). Folders without a profile are left out of it;
* a **balance table**: per arm the mean probability, the share per band and without a profile, and the
  share registered per month, with the standardised difference of each pair (a difference above 0.1 is
  the usual sign of imbalance; randomisation makes it rare and harmless in large groups).

Only folders **followed up for the whole horizon** (:meth:`werkmap.outcomes.Outcomes.followed_up`) count in
an estimate for that horizon; each estimate carries its numbers of people, how many were not yet followed
up, and the follow-up it rests on. What an estimate does *not* show: why an arm works (conversations,
the threat of enforcement, or the contact as such), effects beyond the horizon, or effects on people
outside the experiment's inflow.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.errors import FitError, InvalidInput, Problem
from werkmap.experiments.definition import Experiment
from werkmap.outcomes import Outcomes, outcomes
from werkmap.plan.folder import WorkFolder

__all__ = [
    "BAND_GROUPS",
    "GROUPS",
    "HORIZONS",
    "OUTCOMES",
    "Z95",
    "AdjustedEstimate",
    "BalanceRow",
    "EffectReport",
    "Estimate",
    "analyse",
    "effect_report",
    "experiment_folders",
    "group_of_bands",
]

Z95 = 1.959963984540054
"""The 97.5 % point of the standard normal distribution (two-sided 95 % intervals)."""

HORIZONS = (3, 6, 12)
"""The horizons (months after registration) of the work-found outcomes."""

BENEFIT_HORIZON = 12
"""The months over which months on benefit are counted."""

OUTCOMES = ("work_3m", "work_6m", "work_12m", "benefit_months_12m")
"""The outcomes estimated, in order."""

BAND_GROUPS: Mapping[str, tuple[str, ...]] = {
    "low": ("0-25", "25-50"),
    "high": ("50-75", "75-100"),
    "none": ("",),
}
"""The band groups: low (the conversation route), high (the digital route), none (no profile)."""

GROUPS = ("all", "low", "high", "none")
"""The groups each estimate is given for."""


@attrs.frozen(kw_only=True)
class Estimate:
    """The intention-to-treat difference of one outcome between two arms, in one group.

    Attributes:
        outcome: one of :data:`OUTCOMES`.
        horizon: the months after registration the outcome covers.
        group: one of :data:`GROUPS`.
        arm: the arm compared.
        reference: the arm it is compared with.
        n_arm: the folders of ``arm`` followed up for the horizon (those the estimate rests on).
        n_reference: the same for ``reference``.
        not_followed_up: folders of the two arms in the group not yet observed for the whole horizon
            (left out).
        mean_arm: the share with work (or the mean months on benefit) in ``arm``.
        mean_reference: the same in ``reference``.
        difference: ``mean_arm - mean_reference`` (a share: 0.02 is 2 percentage points).
        standard_error: its standard error (Wald).
        ci_low: the lower end of the 95 % interval.
        ci_high: the upper end.
        method: how the interval was computed (``"wald"``).
    """

    outcome: str
    horizon: int
    group: str
    arm: str
    reference: str
    n_arm: int
    n_reference: int
    not_followed_up: int
    mean_arm: float
    mean_reference: float
    difference: float
    standard_error: float
    ci_low: float
    ci_high: float
    method: str = "wald"

    @property
    def excludes_zero(self) -> bool:
        """Whether the 95 % interval excludes 0 (a difference significant at 5 %)."""
        return self.ci_low > 0.0 or self.ci_high < 0.0

    def covers(self, value: float) -> bool:
        """Whether the 95 % interval holds ``value``."""
        return self.ci_low <= value <= self.ci_high

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate as JSON-ready data (``nan`` as ``None``)."""
        return {k: _json(v) for k, v in attrs.asdict(self).items()}


@attrs.frozen(kw_only=True)
class AdjustedEstimate:
    """The effect on work found adjusted for the profile's score: the average marginal effect of a logit.

    Attributes:
        outcome: one of the work outcomes of :data:`OUTCOMES`.
        horizon: the months after registration.
        arm: the arm compared.
        reference: the arm it is compared with.
        n: the folders with a profile followed up for the horizon, in both arms.
        coefficient: the log-odds coefficient of being in ``arm``.
        coefficient_se: its standard error.
        effect: the average marginal effect (a share: 0.02 is 2 percentage points).
        standard_error: its standard error (delta method).
        ci_low: the lower end of the 95 % interval.
        ci_high: the upper end.
        method: how it was computed.
        error: why it could not be estimated (too few folders, separation), else ``""``.
    """

    outcome: str
    horizon: int
    arm: str
    reference: str
    n: int
    coefficient: float
    coefficient_se: float
    effect: float
    standard_error: float
    ci_low: float
    ci_high: float
    method: str = "logit(work) ~ arm + logit(score); average marginal effect, delta method"
    error: str = ""

    def covers(self, value: float) -> bool:
        """Whether the 95 % interval holds ``value``."""
        return self.ci_low <= value <= self.ci_high

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate as JSON-ready data (``nan`` as ``None``)."""
        return {k: _json(v) for k, v in attrs.asdict(self).items()}


@attrs.frozen(kw_only=True)
class BalanceRow:
    """One covariate across the arms: its mean (or share) per arm and the standardised differences.

    Attributes:
        covariate: ``probability`` (the mean score of those with a profile), ``band 0-25`` … ``band
            75-100`` and ``no profile`` (shares of all), ``registered 2018-01`` (shares of all).
        means: the mean or share per arm.
        standardised: the standardised difference per pair ``"arm - reference"``.
    """

    covariate: str
    means: Mapping[str, float]
    standardised: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        return {
            "covariate": self.covariate,
            "means": {k: _json(v) for k, v in self.means.items()},
            "standardised": {k: _json(v) for k, v in self.standardised.items()},
        }


@attrs.frozen(kw_only=True)
class EffectReport:
    """What :func:`analyse` found for one experiment.

    Attributes:
        experiment_id: the experiment.
        experiment_version: the version of its definition used for the arm names and shares.
        observed_until: the last day the outcomes cover.
        arms: the arms, in the order of the definition.
        shares: the planned share of each arm.
        counts: the folders assigned to each arm.
        estimates: the unadjusted estimates (outcome, then pair, then group).
        adjusted: the adjusted estimates of the work outcomes (overall).
        balance: the balance table.
    """

    experiment_id: str
    experiment_version: int
    observed_until: dt.date
    arms: tuple[str, ...]
    shares: Mapping[str, float]
    counts: Mapping[str, int]
    estimates: tuple[Estimate, ...]
    adjusted: tuple[AdjustedEstimate, ...] = ()
    balance: tuple[BalanceRow, ...] = ()

    def estimate(self, outcome: str, arm: str, reference: str, group: str = "all") -> Estimate:
        """Return the estimate of ``outcome`` for ``arm`` against ``reference`` in ``group``.

        Raises:
            KeyError: there is none.
        """
        for e in self.estimates:
            if (e.outcome, e.arm, e.reference, e.group) == (outcome, arm, reference, group):
                return e
        raise KeyError((outcome, arm, reference, group))

    def adjusted_estimate(self, outcome: str, arm: str, reference: str) -> AdjustedEstimate:
        """Return the adjusted estimate of ``outcome`` for ``arm`` against ``reference``.

        Raises:
            KeyError: there is none.
        """
        for e in self.adjusted:
            if (e.outcome, e.arm, e.reference) == (outcome, arm, reference):
                return e
        raise KeyError((outcome, arm, reference))

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "experiment": self.experiment_id,
            "experiment_version": self.experiment_version,
            "observed_until": self.observed_until.isoformat(),
            "arms": list(self.arms),
            "shares": dict(self.shares),
            "counts": dict(self.counts),
            "estimates": [e.to_dict() for e in self.estimates],
            "adjusted": [e.to_dict() for e in self.adjusted],
            "balance": [b.to_dict() for b in self.balance],
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one flat row per estimate (unadjusted, then adjusted), for CSV."""
        rows: list[dict[str, Any]] = []
        for e in self.estimates:
            rows.append(
                {
                    "kind": "itt",
                    "outcome": e.outcome,
                    "horizon": e.horizon,
                    "group": e.group,
                    "arm": e.arm,
                    "reference": e.reference,
                    "n_arm": e.n_arm,
                    "n_reference": e.n_reference,
                    "not_followed_up": e.not_followed_up,
                    "mean_arm": _json(e.mean_arm),
                    "mean_reference": _json(e.mean_reference),
                    "difference": _json(e.difference),
                    "ci_low": _json(e.ci_low),
                    "ci_high": _json(e.ci_high),
                    "method": e.method,
                }
            )
        for a in self.adjusted:
            rows.append(
                {
                    "kind": "adjusted",
                    "outcome": a.outcome,
                    "horizon": a.horizon,
                    "group": "all",
                    "arm": a.arm,
                    "reference": a.reference,
                    "n_arm": a.n,
                    "n_reference": "",
                    "not_followed_up": "",
                    "mean_arm": "",
                    "mean_reference": "",
                    "difference": _json(a.effect),
                    "ci_low": _json(a.ci_low),
                    "ci_high": _json(a.ci_high),
                    "method": a.method if not a.error else f"not estimated: {a.error}",
                }
            )
        return rows

    def to_text(self, language: str = "nl") -> str:
        """Return the report as readable text (``nl`` or ``en``)."""
        nl = language == "nl"
        t = _TEXT_NL if nl else _TEXT_EN
        lines = [
            f"{t['title']} {self.experiment_id} (v{self.experiment_version}), "
            f"{t['observed']} {self.observed_until.isoformat()}",
            t["arms"]
            + ", ".join(
                f"{a} {self.counts.get(a, 0)} ({_pct(self.shares.get(a, 0.0), nl)})"
                for a in self.arms
            ),
            t["itt"],
            f"  {t['outcome']:<20} {t['pair']:<36} {t['group']:<5} {t['n']:>13} "
            f"{t['diff']:>9}  {t['ci']:<22}",
        ]
        for e in self.estimates:
            unit = 1.0 if e.outcome.startswith("benefit") else 100.0
            diff = "-" if math.isnan(e.difference) else _num(e.difference * unit, nl)
            ci = (
                "-"
                if math.isnan(e.ci_low)
                else f"{_num(e.ci_low * unit, nl)} .. {_num(e.ci_high * unit, nl)}"
            )
            lines.append(
                f"  {t[e.outcome]:<20} {e.arm + ' - ' + e.reference:<36} {e.group:<5} "
                f"{f'{e.n_arm}/{e.n_reference}':>13} {diff:>9}  {ci:<22}"
            )
        if self.adjusted:
            lines.append(t["adjusted"])
            for a in self.adjusted:
                if a.error:
                    lines.append(
                        f"  {t[a.outcome]:<20} {a.arm + ' - ' + a.reference:<36} {t['none']}: "
                        f"{a.error}"
                    )
                    continue
                lines.append(
                    f"  {t[a.outcome]:<20} {a.arm + ' - ' + a.reference:<36} "
                    f"{a.n:>19} {_num(a.effect * 100, nl):>9}  "
                    f"{_num(a.ci_low * 100, nl)} .. {_num(a.ci_high * 100, nl)}"
                )
        if self.balance:
            pairs = list(self.balance[0].standardised)
            lines.append(t["balance"])
            lines.append(
                f"  {t['covariate']:<20} "
                + " ".join(f"{a[:12]:>12}" for a in self.arms)
                + "  "
                + " ".join(f"{'d ' + str(i + 1):>7}" for i in range(len(pairs)))
            )
            for row in self.balance:
                lines.append(
                    f"  {row.covariate:<20} "
                    + " ".join(f"{_num(row.means[a], nl, 3):>12}" for a in self.arms)
                    + "  "
                    + " ".join(f"{_num(row.standardised[p], nl, 3):>7}" for p in pairs)
                )
            lines.append(
                "  " + "; ".join(f"d {i + 1} = {p}" for i, p in enumerate(pairs)) + " " + t["std"]
            )
        lines.append(t["note"])
        return "\n".join(lines) + "\n"


_TEXT_EN = {
    "title": "Effect of experiment",
    "observed": "outcomes observed until",
    "arms": "arms (folders, planned share): ",
    "itt": "Intention-to-treat differences (arm - reference; work in percentage points, benefit in "
    "months), 95 % Wald interval:",
    "outcome": "outcome",
    "pair": "arm - reference",
    "group": "group",
    "n": "n arm/ref",
    "diff": "diff",
    "ci": "95 % interval",
    "work_3m": "work within 3 mo",
    "work_6m": "work within 6 mo",
    "work_12m": "work within 12 mo",
    "benefit_months_12m": "benefit months (12)",
    "adjusted": "Adjusted for the profile's score (logit, average marginal effect, delta-method "
    "interval; folders with a profile):",
    "none": "not estimated",
    "balance": "Balance of covariates across arms (mean or share; standardised differences):",
    "covariate": "covariate",
    "std": "(|d| > 0.1: a sign of imbalance)",
    "note": "Only folders followed up for the whole horizon count. Groups: low = bands 0-25 and 25-50, "
    "high = 50-75 and 75-100, none = no profile.",
}

_TEXT_NL = {
    "title": "Effect van experiment",
    "observed": "uitkomsten waargenomen tot en met",
    "arms": "groepen (werkmappen, geplande aandeel): ",
    "itt": "Verschillen naar toewijzing (groep - referentie; werk in procentpunten, uitkering in "
    "maanden), 95 %-Wald-interval:",
    "outcome": "uitkomst",
    "pair": "groep - referentie",
    "group": "klas.",
    "n": "n groep/ref",
    "diff": "verschil",
    "ci": "95 %-interval",
    "work_3m": "werk binnen 3 mnd",
    "work_6m": "werk binnen 6 mnd",
    "work_12m": "werk binnen 12 mnd",
    "benefit_months_12m": "mnd uitkering (12)",
    "adjusted": "Gecorrigeerd voor de score van het profiel (logit, gemiddeld marginaal effect, "
    "interval met de deltamethode; werkmappen met een profiel):",
    "none": "niet geschat",
    "balance": "Balans van kenmerken over de groepen (gemiddelde of aandeel; gestandaardiseerde "
    "verschillen):",
    "covariate": "kenmerk",
    "std": "(|d| > 0,1: teken van onbalans)",
    "note": "Alleen werkmappen die de hele termijn gevolgd zijn tellen mee. Klassen: low = 0-25 en "
    "25-50, high = 50-75 en 75-100, none = geen profiel.",
}


def _json(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _num(value: float, nl: bool, digits: int = 2) -> str:
    if math.isnan(value):
        return "-"
    text = f"{value:+.{digits}f}" if digits == 2 else f"{value:.{digits}f}"
    return text.replace(".", ",") if nl else text


def _pct(share: float, nl: bool) -> str:
    text = f"{share * 100:g} %"
    return text.replace(".", ",") if nl else text


def group_of_bands(band: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """Return the band group (:data:`BAND_GROUPS`) of each band (``""``: no profile, group ``none``)."""
    out = np.full(band.shape, "none", dtype="<U4")
    for group, bands in BAND_GROUPS.items():
        out[np.isin(band, bands)] = group
    return out


def _proportions(
    y1: npt.NDArray[np.bool_], y0: npt.NDArray[np.bool_]
) -> tuple[float, float, float, float]:
    n1, n0 = len(y1), len(y0)
    if n1 == 0 or n0 == 0:
        return math.nan, math.nan, math.nan, math.nan
    p1, p0 = float(y1.mean()), float(y0.mean())
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return p1, p0, p1 - p0, se


def _means(
    y1: npt.NDArray[np.float64], y0: npt.NDArray[np.float64]
) -> tuple[float, float, float, float]:
    n1, n0 = len(y1), len(y0)
    if n1 < 2 or n0 < 2:
        return math.nan, math.nan, math.nan, math.nan
    m1, m0 = float(y1.mean()), float(y0.mean())
    se = math.sqrt(float(y1.var(ddof=1)) / n1 + float(y0.var(ddof=1)) / n0)
    return m1, m0, m1 - m0, se


def _pairs(arms: Sequence[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(arms, 2))


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    result: npt.NDArray[np.float64] = np.log(q / (1 - q))
    return result


def _adjusted(
    outcome: str,
    horizon: int,
    arm: str,
    reference: str,
    treated: npt.NDArray[np.bool_],
    score: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
) -> AdjustedEstimate:
    from werkmap.profiler.fit import fit

    nan = math.nan
    n = len(y)

    def failed(reason: str) -> AdjustedEstimate:
        return AdjustedEstimate(
            outcome=outcome,
            horizon=horizon,
            arm=arm,
            reference=reference,
            n=n,
            coefficient=nan,
            coefficient_se=nan,
            effect=nan,
            standard_error=nan,
            ci_low=nan,
            ci_high=nan,
            error=reason,
        )

    if n < 10 or treated.all() or not treated.any() or y.all() or not y.any():
        return failed("too few folders or no variation")
    z = _logit(score)
    x = np.column_stack([treated.astype(np.float64), z])
    try:
        result = fit(x, y.astype(np.float64), feature_names=["arm", "logit_score"])
    except FitError as exc:
        return failed(str(exc).splitlines()[0][:200])
    beta = np.asarray(result.estimates, dtype=np.float64)
    cov = np.asarray(result.covariance, dtype=np.float64)
    eta0 = beta[0] + beta[2] * z
    eta1 = eta0 + beta[1]
    p1 = 1.0 / (1.0 + np.exp(-eta1))
    p0 = 1.0 / (1.0 + np.exp(-eta0))
    effect = float(np.mean(p1 - p0))
    g1, g0 = p1 * (1 - p1), p0 * (1 - p0)
    gradient = np.array([np.mean(g1 - g0), np.mean(g1), np.mean((g1 - g0) * z)], dtype=np.float64)
    se = math.sqrt(max(float(gradient @ cov @ gradient), 0.0))
    return AdjustedEstimate(
        outcome=outcome,
        horizon=horizon,
        arm=arm,
        reference=reference,
        n=n,
        coefficient=float(beta[1]),
        coefficient_se=float(result.standard_errors[1]),
        effect=effect,
        standard_error=se,
        ci_low=effect - Z95 * se,
        ci_high=effect + Z95 * se,
    )


def _std_diff(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    if len(a) < 2 or len(b) < 2:
        return math.nan
    pooled = math.sqrt((float(a.var(ddof=1)) + float(b.var(ddof=1))) / 2)
    if pooled == 0.0:
        return 0.0
    return (float(a.mean()) - float(b.mean())) / pooled


def _balance(
    table: Outcomes, arm_of: npt.NDArray[np.str_], arms: Sequence[str]
) -> tuple[BalanceRow, ...]:
    from werkmap.profiler.model import BANDS

    pairs = _pairs(arms)
    covariates: list[tuple[str, npt.NDArray[np.float64], npt.NDArray[np.bool_]]] = []
    everyone = np.ones(len(table), dtype=bool)
    covariates.append(("probability", table.probability, table.profiled))
    for band in BANDS:
        covariates.append((f"band {band}", (table.band == band).astype(np.float64), everyone))
    covariates.append(("no profile", (~table.profiled).astype(np.float64), everyone))
    months = table.registered_on.astype("datetime64[M]")
    for month in np.unique(months):
        covariates.append((f"registered {month}", (months == month).astype(np.float64), everyone))
    rows = []
    for name, values, valid in covariates:
        per_arm = {a: values[(arm_of == a) & valid] for a in arms}
        rows.append(
            BalanceRow(
                covariate=name,
                means={a: float(v.mean()) if len(v) else math.nan for a, v in per_arm.items()},
                standardised={f"{a} - {b}": _std_diff(per_arm[a], per_arm[b]) for a, b in pairs},
            )
        )
    return tuple(rows)


def analyse(
    table: Outcomes,
    arm_of: npt.NDArray[np.str_] | Sequence[str],
    experiment: Experiment,
    *,
    adjusted: bool = True,
    balance: bool = True,
    groups: Sequence[str] = GROUPS,
) -> EffectReport:
    """Estimate the intention-to-treat effects of ``experiment``'s arms on the outcomes in ``table``.

    Args:
        table: the outcome columns of the experiment's folders (:func:`werkmap.outcomes.outcomes`).
        arm_of: the arm each row was assigned to (same order as ``table``).
        experiment: the definition (its arm names, their order and shares).
        adjusted: whether to fit the adjusted estimates (a logit per pair and work horizon).
        balance: whether to build the balance table.
        groups: the groups to estimate for (default every one of :data:`GROUPS`).

    Raises:
        InvalidInput: ``arm_of`` does not match ``table``, or names an arm the experiment does not have.
    """
    arms_array = np.asarray(arm_of, dtype=np.str_)
    if arms_array.shape != (len(table),):
        raise InvalidInput(
            [
                Problem(
                    path="$.arm_of", message=f"expected {len(table)} arms, got {arms_array.shape}"
                )
            ],
            source="effect analysis",
        )
    unknown = sorted(set(np.unique(arms_array).tolist()) - set(experiment.arm_names))
    if unknown:
        raise InvalidInput(
            [Problem(path="$.arm_of", message=f"arms {unknown} are not in {experiment.id!r}")],
            source="effect analysis",
        )
    arms = experiment.arm_names
    group = group_of_bands(table.band)
    in_group = {g: (np.ones(len(table), dtype=bool) if g == "all" else group == g) for g in groups}
    by_arm = {a: arms_array == a for a in arms}
    estimates: list[Estimate] = []
    fits: list[AdjustedEstimate] = []
    for name in OUTCOMES:
        horizon = BENEFIT_HORIZON if name.startswith("benefit") else int(name[5:-1])
        known = table.followed_up(horizon)
        if name.startswith("benefit"):
            values: npt.NDArray[Any] = table.months_on_benefit(horizon)
        else:
            values = table.work_found_within(horizon)
        for a, b in _pairs(arms):
            for g in groups:
                sel1 = by_arm[a] & in_group[g]
                sel0 = by_arm[b] & in_group[g]
                y1, y0 = values[sel1 & known], values[sel0 & known]
                if name.startswith("benefit"):
                    m1, m0, d, se = _means(y1.astype(np.float64), y0.astype(np.float64))
                else:
                    m1, m0, d, se = _proportions(y1.astype(bool), y0.astype(bool))
                estimates.append(
                    Estimate(
                        outcome=name,
                        horizon=horizon,
                        group=g,
                        arm=a,
                        reference=b,
                        n_arm=len(y1),
                        n_reference=len(y0),
                        not_followed_up=int((sel1 | sel0).sum() - len(y1) - len(y0)),
                        mean_arm=m1,
                        mean_reference=m0,
                        difference=d,
                        standard_error=se,
                        ci_low=d - Z95 * se,
                        ci_high=d + Z95 * se,
                    )
                )
            if adjusted and not name.startswith("benefit"):
                rows = (by_arm[a] | by_arm[b]) & known & table.profiled
                fits.append(
                    _adjusted(
                        name,
                        horizon,
                        a,
                        b,
                        by_arm[a][rows],
                        table.probability[rows],
                        values[rows].astype(bool),
                    )
                )
    return EffectReport(
        experiment_id=experiment.id,
        experiment_version=experiment.version,
        observed_until=table.observed_until,
        arms=arms,
        shares={a.name: a.share for a in experiment.arms},
        counts={a: int(by_arm[a].sum()) for a in arms},
        estimates=tuple(estimates),
        adjusted=tuple(fits),
        balance=_balance(table, arms_array, arms) if balance else (),
    )


def experiment_folders(
    folders: Iterable[WorkFolder], experiment_id: str
) -> tuple[list[WorkFolder], list[str]]:
    """Return the folders assigned in ``experiment_id`` and the arm of each (others are left out)."""
    kept: list[WorkFolder] = []
    arms: list[str] = []
    for folder in folders:
        a = folder.assignment
        if a is not None and a.experiment_id == experiment_id:
            kept.append(folder)
            arms.append(a.arm)
    return kept, arms


def effect_report(
    folders: Iterable[WorkFolder],
    experiment: Experiment,
    *,
    observed_until: dt.date,
    adjusted: bool = True,
) -> EffectReport:
    """Collect the outcomes of ``experiment``'s folders and :func:`analyse` them.

    Args:
        folders: any folders; those assigned in ``experiment`` are used (with the arm they recorded).
        experiment: the definition.
        observed_until: the last day the outcomes cover (later work found is not seen).
        adjusted: whether to fit the adjusted estimates.
    """
    kept, arms = experiment_folders(folders, experiment.id)
    table = outcomes(kept, observed_until=observed_until)
    return analyse(table, np.array(arms, dtype=np.str_), experiment, adjusted=adjusted)
