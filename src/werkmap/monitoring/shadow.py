"""Shadow scoring and the comparison of a candidate model with the live one.

**Shadow scoring.** ``Werkmap(..., shadow_model=candidate)`` scores every submitted profile with the
candidate too and keeps the score on the folder (:class:`~werkmap.plan.folder.ShadowScore`, in
``folder.shadows``), in the same version step as the profile. Routing never reads it: the route is decided
from the live profile alone (:func:`shadow_step` adds the shadow after the live change is made).

**Comparison.** :func:`compare_models` sets a candidate against the live model on the same people: the
folders whose deciding profile the live model made. The candidate's score is the stored shadow score of
that profile when there is one, else the profile's stored answers scored again with the candidate (both
are the same number: scoring is pure). It reports how many people the candidate's score would route
differently (a conversation at a score at most the routing threshold valid on the comparison day; a
coach's override is not part of the comparison), overall, by the live band and by group, and both
models' calibration, AUC and routing errors on the same known outcomes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from werkmap._version import __version__
from werkmap.monitoring.calibration import OutcomeMetrics, outcome_metrics
from werkmap.monitoring.drift import answer_values
from werkmap.monitoring.groups import group_columns
from werkmap.monitoring.parameters import MonitoringParameters, default_monitoring_parameters
from werkmap.outcomes import deciding_profile, outcomes
from werkmap.plan import folder as wf
from werkmap.plan.commands import Made
from werkmap.plan.folder import ShadowScore, WorkFolder
from werkmap.texts import number, percent

if TYPE_CHECKING:
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.profiler.scoring import Profile
    from werkmap.rules.policy import Policy

__all__ = [
    "ModelComparison",
    "RouteDifference",
    "compare_models",
    "shadow_score",
    "shadow_step",
]


def shadow_score(profile: Profile, *, on: dt.date) -> ShadowScore:
    """Return the plain record of a candidate model's profile (what the folder keeps)."""
    model_id, _, version = profile.model.partition("|")
    return ShadowScore(
        taken_on=on,
        probability=profile.probability,
        band=profile.band,
        model_id=model_id,
        model_version=version,
    )


def shadow_step(
    made: Made[Profile],
    answers: Mapping[str, object],
    candidate: ScoringModel,
    questionnaire: Questionnaire,
    *,
    on: dt.date,
    actor: str,
) -> Made[Profile]:
    """Add the candidate's score of ``answers`` to the folder ``made`` produced, in the same version step.

    The live change (profile and route) is made first and is not touched: the shadow only adds a record.
    The candidate is scored whatever its validity period says: a candidate is watched *before* it is
    dated in.
    """
    from werkmap.profiler.scoring import score

    shadow = shadow_score(score(answers, candidate, questionnaire), on=on)
    folder, events = wf.add_shadow(made.folder, shadow, on=on, actor=actor)
    # The shadow belongs to the live change's version step (one command, one version).
    version = made.folder.version
    events = tuple(attrs.evolve(e, version=version) for e in events)
    folder = attrs.evolve(folder, version=version, events=(*made.folder.events, *events))
    return Made(folder, (*made.events, *events), made.value)


@attrs.frozen(kw_only=True)
class RouteDifference:
    """How many people of one group the candidate's score would route differently.

    Attributes:
        column: ``"all"``, ``"band"`` (the live band), ``"age_group"`` or ``"education"``.
        group: the group's value.
        n: the people compared.
        differ: of those, routed differently.
        to_conversation: digital service by the live score, a conversation by the candidate's.
        to_digital: a conversation by the live score, digital service by the candidate's.
    """

    column: str
    group: str
    n: int
    differ: int
    to_conversation: int
    to_digital: int

    @property
    def share(self) -> float | None:
        """The share routed differently."""
        return self.differ / self.n if self.n else None


@attrs.frozen(kw_only=True)
class ModelComparison:
    """A candidate model set against the live one on the same people; see :func:`compare_models`.

    Attributes:
        on: the comparison's day.
        live: the live model's ``id|version``.
        candidate: the candidate's ``id|version``.
        threshold: the routing threshold compared at.
        from_shadow: the people whose candidate score was the stored shadow score.
        rescored: the people whose stored answers were scored again with the candidate.
        differences: the routing differences, overall and per group.
        live_outcomes: the live model's figures on the known outcomes.
        candidate_outcomes: the candidate's figures on the same outcomes.
    """

    on: dt.date
    live: str
    candidate: str
    threshold: float
    from_shadow: int
    rescored: int
    differences: tuple[RouteDifference, ...]
    live_outcomes: OutcomeMetrics
    candidate_outcomes: OutcomeMetrics

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data: ``{"werkmap": version, "kind": "compare", ...}``."""

        def metrics(o: OutcomeMetrics) -> dict[str, Any]:
            return attrs.asdict(o, recurse=True)

        return {
            "werkmap": __version__,
            "kind": "compare",
            "on": self.on.isoformat(),
            "live": self.live,
            "candidate": self.candidate,
            "threshold": self.threshold,
            "from_shadow": self.from_shadow,
            "rescored": self.rescored,
            "differences": [attrs.asdict(d) for d in self.differences],
            "live_outcomes": metrics(self.live_outcomes),
            "candidate_outcomes": metrics(self.candidate_outcomes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return :meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        """Return the routing differences and both models' error rates as CSV rows."""
        lines = ["table,column,group,n,differ,to_conversation,to_digital,model,fnr,fpr"]
        for d in self.differences:
            lines.append(
                f"routing,{d.column},{d.group},{d.n},{d.differ},{d.to_conversation},{d.to_digital},,,"
            )
        for ref, o in ((self.live, self.live_outcomes), (self.candidate, self.candidate_outcomes)):
            for g in o.groups:
                fnr = "" if g.false_negative_rate is None else f"{g.false_negative_rate:.6g}"
                fpr = "" if g.false_positive_rate is None else f"{g.false_positive_rate:.6g}"
                lines.append(f"errors,{g.column},{g.group},{g.n},,,,{ref},{fnr},{fpr}")
        return "\n".join(lines) + "\n"

    def to_text(self, language: str = "nl") -> str:
        """Return the comparison as plain text (``"nl"`` or ``"en"``)."""
        nl = language == "nl"

        def t(a: str, b: str) -> str:
            return a if nl else b

        def pct(v: float | None) -> str:
            return "–" if v is None else percent(v, language)

        def num(v: float | None) -> str:
            return "–" if v is None else number(v, language, digits=3)

        out = [
            t("Vergelijking kandidaat-model", "Candidate model comparison")
            + f": {self.candidate} "
            + t("naast", "beside")
            + f" {self.live} ({self.on.isoformat()})",
            t(
                f"Route bij drempel {pct(self.threshold)}; kandidaatscore uit schaduwscores: "
                f"{self.from_shadow}, opnieuw berekend uit opgeslagen antwoorden: {self.rescored}.",
                f"Route at threshold {pct(self.threshold)}; candidate score from shadow scores: "
                f"{self.from_shadow}, scored again from stored answers: {self.rescored}.",
            ),
            "",
            t("Andere route", "Routed differently"),
        ]
        header = [
            t("kolom", "column"),
            t("groep", "group"),
            "n",
            t("anders", "differ"),
            t("aandeel", "share"),
            t("naar gesprek", "to conversation"),
            t("naar digitaal", "to digital"),
        ]
        rows = [
            [
                d.column,
                d.group,
                str(d.n),
                str(d.differ),
                pct(d.share),
                str(d.to_conversation),
                str(d.to_digital),
            ]
            for d in self.differences
        ]
        out += _table(header, rows)
        out += ["", t("Op dezelfde uitkomsten", "On the same outcomes")]
        header = ["model", "n", "AUC", t("kal. groot", "CITL"), t("helling", "slope"), "FNR", "FPR"]
        rows = []
        for ref, o in ((self.live, self.live_outcomes), (self.candidate, self.candidate_outcomes)):
            overall = next((g for g in o.groups if g.column == "all"), None)
            rows.append(
                [
                    ref,
                    str(o.n),
                    num(o.auc),
                    num(o.calibration_in_the_large),
                    num(o.calibration_slope),
                    pct(overall.false_negative_rate if overall else None),
                    pct(overall.false_positive_rate if overall else None),
                ]
            )
        out += _table(header, rows)
        group_rows = []
        live_groups = {(g.column, g.group): g for g in self.live_outcomes.groups}
        for g in self.candidate_outcomes.groups:
            if g.column == "all":
                continue
            lg = live_groups.get((g.column, g.group))
            group_rows.append(
                [
                    g.column,
                    g.group,
                    str(g.n),
                    pct(lg.false_negative_rate if lg else None),
                    pct(g.false_negative_rate),
                    pct(lg.false_positive_rate if lg else None),
                    pct(g.false_positive_rate),
                ]
            )
        if group_rows:
            out += [
                "",
                t("Fouten per groep (live → kandidaat)", "Errors per group (live → candidate)"),
            ]
            out += _table(
                [
                    t("kolom", "column"),
                    t("groep", "group"),
                    "n",
                    "FNR live",
                    "FNR kand.",
                    "FPR live",
                    "FPR kand.",
                ]
                if nl
                else ["column", "group", "n", "FNR live", "FNR cand.", "FPR live", "FPR cand."],
                group_rows,
            )
        return "\n".join(out) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    from werkmap.monitoring.report import _table as table

    return table(header, rows)


def _differences(
    column: str, values: np.ndarray, live_flag: np.ndarray, cand_flag: np.ndarray
) -> list[RouteDifference]:
    out = []
    for value in sorted(set(values.tolist())):
        m = values == value
        up = int((~live_flag[m] & cand_flag[m]).sum())
        down = int((live_flag[m] & ~cand_flag[m]).sum())
        out.append(
            RouteDifference(
                column=column,
                group=str(value),
                n=int(m.sum()),
                differ=up + down,
                to_conversation=up,
                to_digital=down,
            )
        )
    return out


def compare_models(
    folders: Iterable[WorkFolder],
    candidate: ScoringModel,
    *,
    on: dt.date,
    live: ScoringModel | None = None,
    questionnaire: Questionnaire | None = None,
    policy: Policy | None = None,
    parameters: MonitoringParameters | None = None,
) -> ModelComparison:
    """Compare ``candidate`` with the live model on the folders the live model profiled, as known on ``on``.

    Args:
        folders: the folders.
        candidate: the candidate model (same questionnaire as the live one).
        on: the comparison's day (outcomes after it are not seen).
        live: the live model (default: the packaged illustrative model).
        questionnaire: the questionnaire (default: the packaged one).
        policy: the service-model policy, for the routing threshold on ``on`` (default: the packaged one).
        parameters: the monitoring parameters, for the outcome horizon (default: the packaged ones).
    """
    from werkmap.profiler.model import default_model
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.profiler.scoring import score_batch
    from werkmap.rules.policy import default_policy
    from werkmap.rules.routing import invites

    live = live if live is not None else default_model()
    questionnaire = questionnaire if questionnaire is not None else default_questionnaire()
    policy = policy if policy is not None else default_policy()
    values = (parameters if parameters is not None else default_monitoring_parameters()).at(on)
    threshold = policy.at(on).routing_threshold
    listed = [f for f in folders if f.registered_on <= on]
    table = outcomes(listed, observed_until=on)
    keep: list[int] = []
    cand_p: list[float] = []
    answers: list[dict[str, object]] = []
    to_score: list[tuple[int, dict[str, object]]] = []
    from_shadow = 0
    for i, folder in enumerate(listed):
        profile = deciding_profile(folder)
        if profile is None or profile.taken_on > on or profile.model_ref != live.ref:
            continue
        values_i = answer_values(profile.answers)
        stored = next(
            (
                s
                for s in folder.shadows
                if s.model_ref == candidate.ref and s.taken_on == profile.taken_on
            ),
            None,
        )
        if stored is None and not values_i:
            continue  # an old record without answers cannot be scored again
        keep.append(i)
        answers.append(values_i)
        if stored is not None:
            cand_p.append(stored.probability)
            from_shadow += 1
        else:
            cand_p.append(float("nan"))
            to_score.append((len(keep) - 1, values_i))
    if to_score:
        scored = score_batch([a for _, a in to_score], candidate, questionnaire).probabilities
        for (j, _), p in zip(to_score, scored, strict=True):
            cand_p[j] = float(p)
    idx = np.asarray(keep, dtype=np.intp)
    sub = table.take(idx)
    p_live = sub.probability
    p_cand = np.asarray(cand_p, dtype=np.float64)
    live_flag = invites(p_live, threshold)
    cand_flag = invites(p_cand, threshold)
    groups = group_columns(answers, sub.band.tolist())
    diffs = _differences("all", np.full(idx.size, "all"), live_flag, cand_flag)
    for column in ("band", "age_group", "education"):
        diffs += _differences(column, groups[column], live_flag, cand_flag)
    known = sub.followed_up(values.outcome_months)
    y = sub.work_found_within(values.outcome_months)[known].astype(np.float64)
    known_groups = {k: v[known] for k, v in groups.items()}
    return ModelComparison(
        on=on,
        live=live.ref,
        candidate=candidate.ref,
        threshold=threshold,
        from_shadow=from_shadow,
        rescored=len(to_score),
        differences=tuple(diffs),
        live_outcomes=outcome_metrics(y, p_live[known], threshold=threshold, groups=known_groups),
        candidate_outcomes=outcome_metrics(
            y, p_cand[known], threshold=threshold, groups=known_groups
        ),
    )
