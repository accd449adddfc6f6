"""The measure table of the dated policy, as the :class:`~werkmap.plan.MeasurePolicy` the plan reads.

The measure rules themselves (``R-MEASURE-01`` base percentage, ``R-MEASURE-02`` repeat,
``R-MEASURE-03`` permanent refusal) have one definition, :func:`werkmap.plan.enforcement.compute_proposal`,
which takes a :class:`~werkmap.plan.MeasurePolicy`: the plan may not read the policy files itself. This
module turns the policy values of a date into that value::

    from werkmap.plan.enforcement import compute_proposal
    from werkmap.rules import default_policy
    from werkmap.rules.measures import measure_policy

    proposal = compute_proposal(ground="application_duty", on=day, by="c-17",
                                policy=measure_policy(default_policy().at(day)))
"""

from __future__ import annotations

from werkmap.plan.enforcement import MeasurePolicy
from werkmap.rules.policy import PolicyValues

__all__ = ["MEASURE_PARAMETERS", "measure_policy"]

MEASURE_PARAMETERS = (
    "measure_base_percent",
    "measure_repeat_increase_percent",
    "measure_repeat_window_months",
    "measure_refusal_breaches",
    "measure_refusal_window_months",
    "measure_duration_weeks",
    "case_response_working_days",
)
"""The policy parameters of the measure table (the response window of a case included)."""


def measure_policy(values: PolicyValues) -> MeasurePolicy:
    """Return the measure table valid on ``values.on`` as the :class:`~werkmap.plan.MeasurePolicy`.

    Its ``version`` (recorded as a proposal's ``rule_version``) is the latest ``valid_from`` among the
    values of :data:`MEASURE_PARAMETERS`, as an ISO date: a change of another parameter does not make a
    new version of the measure table.

    Examples:
        >>> import datetime as dt
        >>> from werkmap.rules import default_policy
        >>> pol = measure_policy(default_policy().at(dt.date(2024, 6, 3)))
        >>> pol.base_percent, pol.repeat_increase_percent, pol.version
        (25.0, 50.0, '2016-10-01')
    """
    since = [values.since[n] for n in MEASURE_PARAMETERS if n in values.since]
    return MeasurePolicy(
        base_percent=values.measure_base_percent,
        repeat_increase_percent=values.measure_repeat_increase_percent,
        repeat_window_months=values.measure_repeat_window_months,
        refusal_breaches=values.measure_refusal_breaches,
        refusal_window_months=values.measure_refusal_window_months,
        duration_weeks=values.measure_duration_weeks,
        response_working_days=values.case_response_working_days,
        version=max(since).isoformat() if since else "",
    )
