"""The records a folder stores of a profile and of a routing decision, built from the decision values.

One home for the field mapping from a :class:`~werkmap.profiler.scoring.Profile` to the
:class:`~werkmap.plan.ProfileRecord` and from a :class:`~werkmap.rules.routing.Decision` (with the coach's
override, if any) to the :class:`~werkmap.plan.RouteRecord`; the service's compounds
(:mod:`werkmap.rules.commands`) call these two.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from werkmap.plan.folder import ProfileRecord, RouteRecord
from werkmap.rules.routing import CoachOverride, Decision

if TYPE_CHECKING:
    from werkmap.profiler.scoring import Profile

__all__ = ["profile_record", "route_record"]


def profile_record(profile: Profile, *, on: date) -> ProfileRecord:
    """Return the record a folder keeps of ``profile``, taken on ``on``."""
    q_id, _, q_version = profile.questionnaire.partition("|")
    m_id, _, m_version = profile.model.rpartition("@")
    return ProfileRecord(
        taken_on=on,
        probability=profile.probability,
        band=profile.band,
        questionnaire_id=q_id,
        questionnaire_version=q_version,
        model_id=m_id or profile.model,
        model_version=m_version,
        top_hindrances=tuple(profile.diagnosis),
    )


def route_record(decision: Decision, *, on: date, override: CoachOverride | None) -> RouteRecord:
    """Return the record a folder keeps of a routing ``decision`` made on ``on`` (with its override)."""
    return RouteRecord(
        decided_on=on,
        outcome=decision.outcome,
        rule_id=decision.rule_id,
        rule_version=decision.rule_version,
        reason_nl=decision.reason_nl,
        reason_en=decision.reason_en,
        override_outcome=override.outcome if override else "",
        override_by=override.by if override else "",
        override_reason=override.reason if override else "",
        override_on=override.on if override else None,
    )
