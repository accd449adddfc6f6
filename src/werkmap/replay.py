"""Replay: re-derive every stored decision from its record and the policy of its date.

A folder keeps, with every decision, what decides it again (see :mod:`werkmap.rules.records`).
:func:`replay` reads every folder of a store and checks each decision against the one definition of its
rule:

* **profiles**: the stored answers are scored again with the model and questionnaire the record names;
  the probability (to 1e-9) and the band must be the stored ones;
* **routes**: :func:`~werkmap.rules.routing.decide_route` on the stored inputs (and the coach's override
  with its reason) with the policy valid on the decision date; outcome, rule id and the parameter values
  used must be the stored ones;
* **due actions recorded** (the ``action_recorded`` events, which include the application-duty checks
  ``flag_application_duty`` and the enforcement proposals ``propose_enforcement``): the action's kind is a
  known rule and the policy version it was decided under is the version of the policy on the day it was
  recorded. (The folder as it stood that day is not rebuilt: its rule is not re-run.)
* **measure proposals**: the one measure rule :func:`~werkmap.plan.enforcement.compute_proposal` is run
  again on the history the proposal recorded (earlier measures and duty breaches) with the policy of the
  proposal date, and must give the stored rule, outcome and parameter values; a case's decision must name
  the person who decided (``decided_by``). Proposals stored before they kept their rule count as *skipped*.

Records written before they kept their inputs (folder documents of schema version 1) cannot be
re-derived: they are counted as *skipped*, never as mismatches.

Examples:
    >>> report = replay("memory://")
    >>> report.decisions, report.mismatches
    (0, ())
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from werkmap.errors import WerkmapError
from werkmap.plan.enforcement import EnforcementCase, MeasureProposal, compute_proposal
from werkmap.plan.folder import ProfileRecord, RouteRecord, WorkFolder
from werkmap.progress import tracked
from werkmap.rules.due import RULE_IDS
from werkmap.rules.measures import measure_policy
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.records import policy_version
from werkmap.rules.routing import CoachOverride, RoutingInputs, decide_route

if TYPE_CHECKING:
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire
    from werkmap.storage.protocol import Store

__all__ = ["Mismatch", "ReplayReport", "replay", "replay_folder"]

_TOLERANCE = 1e-9


@attrs.frozen(kw_only=True)
class Mismatch:
    """One stored decision that its rule does not give again.

    Attributes:
        folder_id: the folder.
        decision: which decision (``route 2025-03-30``, ``profile 2025-03-30``, ``action 4223e4…``).
        stored: what the folder holds.
        rederived: what the rule gives now from the stored record and the policy of its date.
    """

    folder_id: str
    decision: str
    stored: str
    rederived: str


@attrs.frozen(kw_only=True)
class ReplayReport:
    """What a replay found.

    Attributes:
        folders: the folders read.
        decisions: the decisions re-derived (mismatching ones included).
        skipped: stored decisions that carry too little to be re-derived (older records).
        mismatches: the decisions whose re-derivation differs, in folder order.
    """

    folders: int
    decisions: int
    skipped: int
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        """Whether every decision replayed to what was stored."""
        return not self.mismatches

    def to_text(self) -> str:
        """Return the report as the command line prints it (one line, then one line per mismatch)."""
        lines = [f"{self.decisions} decisions replayed, {len(self.mismatches)} mismatches"]
        lines += [
            f"{m.folder_id}  {m.decision}  stored: {m.stored}  re-derived: {m.rederived}"
            for m in self.mismatches
        ]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Return the report as one JSON object."""
        return json.dumps(
            {
                "folders": self.folders,
                "decisions": self.decisions,
                "skipped": self.skipped,
                "mismatches": [attrs.asdict(m) for m in self.mismatches],
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def replay(
    store_or_url: Store | str,
    *,
    policy: Policy | None = None,
    questionnaire: Questionnaire | None = None,
    model: ScoringModel | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReplayReport:
    """Re-derive every stored decision of every folder of a store (see the module documentation).

    Args:
        store_or_url: an open store, or a store URL (``sqlite:///path``); a store opened here is closed.
        policy: the dated parameters (default: the packaged ones).
        questionnaire: the questionnaire profiles are scored with (default: the packaged one).
        model: the scoring model (default: the packaged illustrative one).
        progress: called with ``(folders done, folders in the store)`` after each folder.

    Returns:
        The report; :attr:`ReplayReport.ok` when nothing differs.
    """
    from werkmap.storage.manager import open_store

    store = open_store(store_or_url) if isinstance(store_or_url, str) else store_or_url
    try:
        pol = policy or default_policy()
        scorer = _Scorer(questionnaire, model)
        folders = decisions = skipped = 0
        found: list[Mismatch] = []
        ids = store.index_columns().folder_id
        for folder in tracked(_folders(store, ids), progress, len(ids)):
            one = _replay_one(folder, pol, scorer)
            folders += 1
            decisions += one.decisions
            skipped += one.skipped
            found.extend(one.mismatches)
    finally:
        if isinstance(store_or_url, str):
            store.close()
    return ReplayReport(
        folders=folders, decisions=decisions, skipped=skipped, mismatches=tuple(found)
    )


def _folders(store: Store, ids: Iterable[object]) -> Iterator[WorkFolder]:
    for folder_id in ids:
        yield store.load(str(folder_id))


def replay_folder(
    folder: WorkFolder,
    *,
    policy: Policy,
    questionnaire: Questionnaire | None = None,
    model: ScoringModel | None = None,
) -> ReplayReport:
    """Re-derive the stored decisions of one folder (see :func:`replay`)."""
    return _replay_one(folder, policy, _Scorer(questionnaire, model))


def _replay_one(folder: WorkFolder, policy: Policy, scorer: _Scorer) -> ReplayReport:
    found: list[Mismatch] = []
    decisions = skipped = 0
    for profile in folder.profiles:
        if not profile.answers:
            skipped += 1
            continue
        decisions += 1
        found += _check_profile(folder.folder_id, profile, scorer)
    for route in folder.routes:
        if not route.inputs:
            skipped += 1
            continue
        decisions += 1
        found += _check_route(folder.folder_id, route, policy)
    for event in folder.events:
        if event.kind == "action_recorded":
            decisions += 1
            found += _check_action(folder.folder_id, event.on, event.data, policy)
    for case in folder.cases:
        proposal = case.proposal
        if proposal is not None:
            if proposal.rule_id and proposal.parameters:
                decisions += 1
                found += _check_proposal(folder.folder_id, case, proposal, policy)
            else:
                skipped += 1
        if case.decision is not None:
            decisions += 1
            by = case.decision.decided_by
            if not by.strip() or by == "system":
                found.append(
                    Mismatch(
                        folder_id=folder.folder_id,
                        decision=f"measure decision {case.case_id}",
                        stored=f"decided by {by!r}",
                        rederived="a person decides a measure",
                    )
                )
    return ReplayReport(folders=1, decisions=decisions, skipped=skipped, mismatches=tuple(found))


class _Scorer:
    """The questionnaire and model, loaded when a profile first needs them."""

    def __init__(self, questionnaire: Questionnaire | None, model: ScoringModel | None) -> None:
        self._questionnaire = questionnaire
        self._model = model

    def pair(self) -> tuple[Questionnaire, ScoringModel]:
        from werkmap.profiler.model import load_model
        from werkmap.profiler.questionnaire import load_questionnaire

        if self._questionnaire is None:
            self._questionnaire = load_questionnaire()
        if self._model is None:
            self._model = load_model(questionnaire=self._questionnaire)
        return self._questionnaire, self._model


def _check_profile(folder_id: str, record: ProfileRecord, scorer: _Scorer) -> list[Mismatch]:
    from werkmap.profiler.scoring import score

    what = f"profile {record.taken_on.isoformat()}"
    stored = f"{record.probability:.6f} {record.band}"
    questionnaire, model = scorer.pair()
    if record.model_ref != model.ref or record.questionnaire_ref != questionnaire.ref:
        return [
            Mismatch(
                folder_id=folder_id,
                decision=what,
                stored=f"{stored} ({record.model_ref})",
                rederived=f"model {model.ref} given, not {record.model_ref}",
            )
        ]
    answers = {k: json.loads(v) for k, v in record.answers.items()}
    try:
        profile = score(answers, model, questionnaire, on=record.taken_on)
    except WerkmapError as exc:
        return [Mismatch(folder_id=folder_id, decision=what, stored=stored, rederived=str(exc))]
    if math.isclose(profile.probability, record.probability, abs_tol=_TOLERANCE) and (
        profile.band == record.band
    ):
        return []
    rederived = f"{profile.probability:.6f} {profile.band}"
    return [Mismatch(folder_id=folder_id, decision=what, stored=stored, rederived=rederived)]


def _routing_inputs(record: RouteRecord) -> RoutingInputs:
    raw = record.inputs
    override = None
    if record.override_outcome:
        override = CoachOverride(
            outcome=record.override_outcome,
            reason=record.override_reason,
            by=record.override_by,
            on=record.override_on or record.decided_on,
        )
    probability = raw.get("probability")
    profiled_on = raw.get("profiled_on")
    band = raw.get("band")
    return RoutingInputs(
        probability=float(probability) if probability is not None else None,
        band=str(band) if band is not None else None,
        profiled_on=dt.date.fromisoformat(str(profiled_on)) if profiled_on else None,
        requested=bool(raw.get("requested", False)),
        override=override,
        conversation_held=bool(raw.get("conversation_held", False)),
    )


def _check_route(folder_id: str, record: RouteRecord, policy: Policy) -> list[Mismatch]:
    what = f"route {record.decided_on.isoformat()}"
    stored = f"{record.outcome} ({record.rule_id})"
    try:
        decision = decide_route(_routing_inputs(record), record.decided_on, policy)
    except WerkmapError as exc:
        return [Mismatch(folder_id=folder_id, decision=what, stored=stored, rederived=str(exc))]
    rederived = f"{decision.outcome} ({decision.rule_id})"
    if rederived != stored:
        return [Mismatch(folder_id=folder_id, decision=what, stored=stored, rederived=rederived)]
    if dict(decision.parameters) != dict(record.parameters):
        return [
            Mismatch(
                folder_id=folder_id,
                decision=f"{what} parameters",
                stored=_text(record.parameters),
                rederived=_text(decision.parameters),
            )
        ]
    return []


def _check_action(
    folder_id: str, on: dt.date, data: Mapping[str, str], policy: Policy
) -> list[Mismatch]:
    kind = data.get("kind", "")
    what = f"action {kind} {data.get('subject', '')}".rstrip()
    if kind not in RULE_IDS:
        return [Mismatch(folder_id=folder_id, decision=what, stored=kind, rederived="no such rule")]
    stored_version = data.get("policy_version", "")
    if not stored_version:
        return []  # recorded before actions kept their policy version: the rule exists, that is all
    expected = policy_version(policy, on)
    if stored_version != expected:
        return [
            Mismatch(
                folder_id=folder_id,
                decision=f"{what} policy",
                stored=stored_version,
                rederived=expected,
            )
        ]
    return []


def _check_proposal(
    folder_id: str, case: EnforcementCase, proposal: MeasureProposal, policy: Policy
) -> list[Mismatch]:
    """Run the one measure rule again on the proposal's stored history and the policy of its date."""
    what = f"measure proposal {case.case_id}"
    on = proposal.proposed_on
    again = compute_proposal(
        ground=case.ground,
        on=on,
        by=proposal.proposed_by,
        policy=measure_policy(policy.at(on)),
        earlier_measures=proposal.earlier_measures,
        earlier_duty_breaches=proposal.earlier_duty_breaches,
    )
    found = []
    for name, stored, rederived in (
        ("rule", proposal.rule_id, again.rule_id),
        ("outcome", proposal.outcome, again.outcome),
        ("parameters", _text(proposal.parameters), _text(again.parameters)),
    ):
        if stored != rederived:
            found.append(
                Mismatch(
                    folder_id=folder_id,
                    decision=f"{what} {name}",
                    stored=str(stored),
                    rederived=str(rederived),
                )
            )
    return found


def _text(mapping: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(mapping.items()))
