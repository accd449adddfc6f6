"""Decision records: what the folder keeps of a profile and a route, so that both replay.

:func:`profile_record` turns a :class:`~werkmap.profiler.scoring.Profile` into the folder's
:class:`~werkmap.plan.folder.ProfileRecord` (questionnaire and model references split into id and version,
the answers and the contributions); :func:`route_record` turns a routing
:class:`~werkmap.rules.routing.Decision` into a :class:`~werkmap.plan.folder.RouteRecord` (inputs,
parameters, rule id and version, the coach's override with its reason). :func:`policy_version` names the
version of the policy a decision is made under. These are the only places the records are built.

Examples:
    >>> import datetime as dt
    >>> from werkmap.rules import load_policy
    >>> from werkmap.rules.routing import RoutingInputs, decide_route
    >>> d = decide_route(RoutingInputs(probability=0.31, band="25-50"), dt.date(2024, 3, 1), load_policy())
    >>> r = route_record(d, on=dt.date(2024, 3, 1), override=None)
    >>> r.outcome, r.inputs["probability"], r.parameters
    ('orientation', 0.31, {'routing_threshold': 0.5, 'invitation_window_days': 28})
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from werkmap.plan.folder import ProfileRecord, RouteRecord
from werkmap.rules.policy import Policy

if TYPE_CHECKING:
    from werkmap.profiler.scoring import Profile
    from werkmap.rules.routing import CoachOverride, Decision

__all__ = ["policy_version", "profile_record", "route_record", "split_ref"]


def split_ref(ref: str) -> tuple[str, str]:
    """Split a profiler reference ``id|version`` (or ``url|version``) into id and version.

    Examples:
        >>> split_ref("werkverkenner-illustrative|2017.1")
        ('werkverkenner-illustrative', '2017.1')
    """
    ident, _, version = ref.rpartition("|")
    return (ident, version) if ident else (ref, "")


def profile_record(profile: Profile, *, on: dt.date) -> ProfileRecord:
    """Return the folder's record of a Work Profiler result taken on ``on``.

    Args:
        profile: the scored profile (its answers, contributions and references are kept).
        on: the day the questionnaire was filled in.
    """
    q_id, q_version = split_ref(profile.questionnaire)
    m_id, m_version = split_ref(profile.model)
    return ProfileRecord(
        taken_on=on,
        probability=profile.probability,
        band=profile.band,
        questionnaire_id=q_id,
        questionnaire_version=q_version,
        model_id=m_id,
        model_version=m_version,
        top_hindrances=tuple(profile.diagnosis),
        answers=dict(getattr(profile, "answers", {}) or {}),
        item_contributions=dict(profile.item_contributions),
        construct_contributions=dict(profile.construct_contributions),
    )


def route_record(decision: Decision, *, on: dt.date, override: CoachOverride | None) -> RouteRecord:
    """Return the folder's record of a routing decision made on ``on``.

    Args:
        decision: the decision of :func:`~werkmap.rules.routing.decide_route` (its inputs and parameters
            are kept).
        on: the day of the decision.
        override: the coach's override in force, or ``None``; kept with its reason, author and date.
    """
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
        inputs=dict(decision.inputs),
        parameters=dict(decision.parameters),
    )


@functools.lru_cache(maxsize=1024)
def policy_version(policy: Policy, on: dt.date) -> str:
    """Return the version of ``policy`` in force on ``on``: the last date on or before it that a value changed.

    The version is an ISO date (``"2018-05-01"``); ``""`` when ``on`` is before every change date. Two
    decisions with the same version used the same parameter values.
    """
    version = ""
    for day in policy.change_dates():
        if day > on:
            break
        version = day.isoformat()
    return version
