"""Enforcement cases (*handhaving*): from a missed obligation to a decision taken by a person.

Life of a case::

    opened --inform--> informed --respond--> responded ----+--decide_no_measure--> no_measure --close--> closed
                       informed --no_response--> no_response -+--propose_measure--> measure_proposed
    measure_proposed --decide--> decided --record_objection--> objection --close--> closed
    decided --close--> closed;  opened --close--> closed (withdrawn, with a reason)

werkmap never decides a measure by itself: :func:`propose_measure` computes a *proposal* from the dated
:class:`MeasurePolicy` (a quarter of the benefit by default; +50 % for a repeat within two years; a proposal
of permanent refusal for a third application-duty breach within twelve months), and only :func:`decide`, which
needs the name of the person deciding, makes it a decision.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from werkmap.plan.machine import Machine, T
from werkmap.workdays import HolidayCalendar, add_months, dutch_calendar

__all__ = [
    "ENFORCEMENT",
    "CaseState",
    "Decision",
    "EnforcementCase",
    "Ground",
    "MeasureKind",
    "MeasurePolicy",
    "MeasureProposal",
    "Objection",
    "close",
    "compute_proposal",
    "decide",
    "decide_no_measure",
    "inform",
    "new_case",
    "propose_measure",
    "record_no_response",
    "record_objection",
    "respond",
]


class CaseState(enum.StrEnum):
    """The states of an enforcement case."""

    OPENED = "opened"
    INFORMED = "informed"
    RESPONDED = "responded"
    NO_RESPONSE = "no_response"
    NO_MEASURE = "no_measure"
    MEASURE_PROPOSED = "measure_proposed"
    DECIDED = "decided"
    OBJECTION = "objection"
    CLOSED = "closed"


class Ground(enum.StrEnum):
    """What the case is about."""

    ACTIVITY = "activity"
    """An activity referred to enforcement after a reminder."""
    APPLICATION_DUTY = "application_duty"
    """Too few application activities (an application-duty breach)."""
    NO_SHOW = "no_show"
    """A missed conversation."""


class MeasureKind(enum.StrEnum):
    """The kind of measure proposed."""

    REDUCTION = "reduction"
    """A percentage of the benefit withheld for a time."""
    PERMANENT_REFUSAL = "permanent_refusal"
    """The benefit refused permanently (third application-duty breach within the window)."""


S = CaseState


def _needs_person(key: str) -> Any:
    def guard(subject: Any, ctx: Mapping[str, Any]) -> str | None:
        return None if str(ctx.get(key, "")).strip() else f"needs {key}"

    return guard


def _needs_person_and_reason(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    missing = [k for k in ("by", "reason") if not str(ctx.get(k, "")).strip()]
    return f"needs {' and '.join(missing)}" if missing else None


def _window_passed(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    on: dt.date = ctx["on"]
    if subject.respond_by is not None and on <= subject.respond_by:
        return f"the jobseeker may respond until {subject.respond_by.isoformat()}"
    return None


def _named_decider(subject: Any, ctx: Mapping[str, Any]) -> str | None:
    by = str(ctx.get("by", "")).strip()
    if not by:
        return "a measure is decided by a named person, never by werkmap"
    if not str(ctx.get("reason", "")).strip():
        return "a decision needs a reason"
    return None


ENFORCEMENT = Machine(
    "enforcement",
    states=tuple(S),
    events=(
        "inform",
        "respond",
        "no_response",
        "decide_no_measure",
        "propose_measure",
        "decide",
        "record_objection",
        "close",
    ),
    initial=S.OPENED,
    final=(S.CLOSED,),
    transitions=(
        T(S.OPENED, "inform", S.INFORMED),
        T(
            S.OPENED,
            "close",
            S.CLOSED,
            _needs_person_and_reason,
            "withdrawn: a person and a reason",
        ),
        T(S.INFORMED, "respond", S.RESPONDED, _needs_person("response"), "the response"),
        T(
            S.INFORMED,
            "no_response",
            S.NO_RESPONSE,
            _window_passed,
            "the response window has ended",
        ),
        T(
            S.RESPONDED,
            "decide_no_measure",
            S.NO_MEASURE,
            _needs_person_and_reason,
            "a person and a reason",
        ),
        T(S.RESPONDED, "propose_measure", S.MEASURE_PROPOSED, _needs_person("by"), "a person"),
        T(
            S.NO_RESPONSE,
            "decide_no_measure",
            S.NO_MEASURE,
            _needs_person_and_reason,
            "a person and a reason",
        ),
        T(S.NO_RESPONSE, "propose_measure", S.MEASURE_PROPOSED, _needs_person("by"), "a person"),
        T(S.MEASURE_PROPOSED, "decide", S.DECIDED, _named_decider, "a named person and a reason"),
        T(S.DECIDED, "record_objection", S.OBJECTION, _needs_person("by"), "who recorded it"),
        T(S.DECIDED, "close", S.CLOSED),
        T(S.NO_MEASURE, "close", S.CLOSED),
        T(S.OBJECTION, "close", S.CLOSED, _needs_person_and_reason, "the outcome and who decided"),
    ),
)
"""The enforcement-case machine."""


@attrs.frozen(kw_only=True)
class MeasurePolicy:
    """The measure table, a dated policy value supplied by the rules (defaults from the public rules).

    Attributes:
        base_percentage: the share of the benefit withheld by a measure (25 %).
        repeat_raise: the relative raise for a repeat within the repeat window (0.5: +50 %, so 37.5 %).
        repeat_window_months: the repeat window (24 months).
        duty_breach_window_months: the window for counting application-duty breaches (12 months).
        duty_breaches_for_refusal: the breach within that window that leads to a proposal of permanent
            refusal (the third).
        duration_weeks: how long a reduction lasts (placeholder default 16 weeks; the rules supply the value).
        response_window_working_days: how long the jobseeker has to respond (placeholder default 10).
    """

    base_percentage: float = 25.0
    repeat_raise: float = 0.5
    repeat_window_months: int = 24
    duty_breach_window_months: int = 12
    duty_breaches_for_refusal: int = 3
    duration_weeks: int = 16
    response_window_working_days: int = 10


@attrs.frozen(kw_only=True)
class MeasureProposal:
    """A measure werkmap proposes; a person decides on it.

    Attributes:
        kind: reduction or permanent refusal.
        percentage: the share of the benefit (100 for a permanent refusal).
        duration_weeks: how long (0 for a permanent refusal).
        repeat: whether it is a repeat of a measure within the repeat window.
        duty_breaches: application-duty breaches within the breach window, this one included.
        proposed_on: the day it was proposed.
        proposed_by: the coach who asked for the proposal.
        explanation: why, in English.
        explanation_nl: why, in Dutch.
    """

    kind: MeasureKind
    percentage: float
    duration_weeks: int
    repeat: bool
    duty_breaches: int
    proposed_on: dt.date
    proposed_by: str
    explanation: str
    explanation_nl: str


@attrs.frozen(kw_only=True)
class Decision:
    """A decision on a proposed measure, taken by a named person.

    Attributes:
        decided_by: the person who decided (never werkmap).
        decided_on: the day.
        imposed: whether a measure was imposed.
        kind: the kind imposed (may differ from the proposal).
        percentage: the percentage imposed (0 when none).
        duration_weeks: the duration imposed.
        reason: why.
    """

    decided_by: str
    decided_on: dt.date
    imposed: bool
    kind: MeasureKind
    percentage: float
    duration_weeks: int
    reason: str


@attrs.frozen(kw_only=True)
class Objection:
    """An objection (*bezwaar*) against a decision.

    Attributes:
        filed_on: the day it was filed.
        recorded_by: who recorded it.
        note: what it says, in short.
    """

    filed_on: dt.date
    recorded_by: str
    note: str = ""


@attrs.frozen(kw_only=True)
class EnforcementCase:
    """An enforcement case.

    Attributes:
        case_id: unique within its folder.
        state: where it is in :data:`ENFORCEMENT`.
        ground: what it is about.
        source_id: the activity or conversation it came from (``""`` for a duty breach over a period).
        opened_on: the day it was opened.
        opened_by: the coach who opened it.
        reason: why it was opened.
        informed_on: the day the jobseeker was informed and invited to respond.
        respond_by: the last day to respond.
        response: the jobseeker's response.
        responded_on: the day of the response.
        no_measure_reason: why no measure was proposed.
        proposal: the measure proposed.
        decision: the decision on it.
        objection: an objection, if one was recorded.
        closed_on: the day it was closed.
        closed_by: who closed it.
        close_reason: why (the outcome of an objection, say).
    """

    case_id: str
    state: CaseState = CaseState.OPENED
    ground: Ground
    source_id: str = ""
    opened_on: dt.date
    opened_by: str = ""
    reason: str = ""
    informed_on: dt.date | None = None
    respond_by: dt.date | None = None
    response: str = ""
    responded_on: dt.date | None = None
    no_measure_reason: str = ""
    no_measure_by: str = ""
    proposal: MeasureProposal | None = None
    decision: Decision | None = None
    objection: Objection | None = None
    closed_on: dt.date | None = None
    closed_by: str = ""
    close_reason: str = ""

    @property
    def is_final(self) -> bool:
        """Whether the case is closed."""
        return self.state in ENFORCEMENT.final


def _fire(case: EnforcementCase, event: str, ctx: Mapping[str, Any]) -> CaseState:
    return cast(
        CaseState, ENFORCEMENT.fire(case.state, event, obj=case.case_id, subject=case, context=ctx)
    )


def new_case(
    case_id: str,
    *,
    ground: Ground | str,
    on: dt.date,
    reason: str,
    source_id: str = "",
    by: str = "",
) -> EnforcementCase:
    """Return a newly opened case."""
    return EnforcementCase(
        case_id=case_id,
        ground=Ground(ground),
        source_id=source_id,
        opened_on=on,
        opened_by=by,
        reason=reason,
    )


def inform(
    case: EnforcementCase,
    *,
    on: dt.date,
    policy: MeasurePolicy | None = None,
    calendar: HolidayCalendar | None = None,
) -> EnforcementCase:
    """Return ``case`` with the jobseeker informed on ``on`` and invited to respond within the window."""
    state = _fire(case, "inform", {"on": on})
    pol = policy if policy is not None else MeasurePolicy()
    cal = calendar if calendar is not None else dutch_calendar()
    respond_by = cal.add_working_days(on, pol.response_window_working_days)
    return attrs.evolve(case, state=state, informed_on=on, respond_by=respond_by)


def respond(case: EnforcementCase, *, on: dt.date, response: str) -> EnforcementCase:
    """Return ``case`` with the jobseeker's response."""
    state = _fire(case, "respond", {"on": on, "response": response})
    return attrs.evolve(case, state=state, response=response, responded_on=on)


def record_no_response(case: EnforcementCase, *, on: dt.date) -> EnforcementCase:
    """Return ``case`` recorded without a response (refused until the response window has ended)."""
    state = _fire(case, "no_response", {"on": on})
    return attrs.evolve(case, state=state)


def decide_no_measure(
    case: EnforcementCase, *, on: dt.date, by: str, reason: str
) -> EnforcementCase:
    """Return ``case`` in which coach ``by`` decided no measure is needed, for ``reason``."""
    state = _fire(case, "decide_no_measure", {"on": on, "by": by, "reason": reason})
    return attrs.evolve(case, state=state, no_measure_reason=reason, no_measure_by=by)


def compute_proposal(
    *,
    ground: Ground | str,
    on: dt.date,
    by: str,
    earlier_measures: Iterable[dt.date] = (),
    earlier_duty_breaches: Iterable[dt.date] = (),
    policy: MeasurePolicy | None = None,
) -> MeasureProposal:
    """Compute the measure proposal for a case on ``on`` (pure: the same inputs give the same proposal).

    Args:
        ground: what the case is about.
        on: the day of the proposal.
        by: the coach asking for it.
        earlier_measures: the days earlier measures were imposed (for the repeat rule).
        earlier_duty_breaches: the days of earlier application-duty breaches that led to a case.
        policy: the measure table (defaults per the public rules).

    Examples:
        >>> p = compute_proposal(ground="activity", on=dt.date(2025, 6, 1), by="c1",
        ...                      earlier_measures=[dt.date(2024, 1, 10)])
        >>> p.kind, p.percentage, p.repeat
        (<MeasureKind.REDUCTION: 'reduction'>, 37.5, True)
    """
    pol = policy if policy is not None else MeasurePolicy()
    repeat_from = add_months(on, -pol.repeat_window_months)
    repeat = any(repeat_from <= d <= on for d in earlier_measures)
    breaches = 0
    if Ground(ground) is Ground.APPLICATION_DUTY:
        breach_from = add_months(on, -pol.duty_breach_window_months)
        breaches = 1 + sum(breach_from <= d <= on for d in earlier_duty_breaches)
    if breaches >= pol.duty_breaches_for_refusal:
        return MeasureProposal(
            kind=MeasureKind.PERMANENT_REFUSAL,
            percentage=100.0,
            duration_weeks=0,
            repeat=repeat,
            duty_breaches=breaches,
            proposed_on=on,
            proposed_by=by,
            explanation=(
                f"application-duty breach number {breaches} within "
                f"{pol.duty_breach_window_months} months: proposal of permanent refusal"
            ),
            explanation_nl=(
                f"{breaches}e schending van de sollicitatieplicht binnen "
                f"{pol.duty_breach_window_months} maanden: voorstel tot blijvende weigering"
            ),
        )
    pct = pol.base_percentage * (1 + pol.repeat_raise) if repeat else pol.base_percentage
    raised = (
        f", raised by {pol.repeat_raise:.0%} for a repeat within {pol.repeat_window_months} months"
    )
    raised_nl = f", verhoogd met {pol.repeat_raise:.0%} wegens herhaling binnen {pol.repeat_window_months} maanden"
    return MeasureProposal(
        kind=MeasureKind.REDUCTION,
        percentage=pct,
        duration_weeks=pol.duration_weeks,
        repeat=repeat,
        duty_breaches=breaches,
        proposed_on=on,
        proposed_by=by,
        explanation=f"{pct:g}% of the benefit for {pol.duration_weeks} weeks{raised if repeat else ''}",
        explanation_nl=(
            f"{pct:g}% van de uitkering gedurende {pol.duration_weeks} weken{raised_nl if repeat else ''}"
        ),
    )


def propose_measure(
    case: EnforcementCase,
    *,
    on: dt.date,
    by: str,
    earlier_measures: Iterable[dt.date] = (),
    earlier_duty_breaches: Iterable[dt.date] = (),
    policy: MeasurePolicy | None = None,
) -> EnforcementCase:
    """Return ``case`` with a measure proposal (see :func:`compute_proposal`); nothing is decided yet."""
    state = _fire(case, "propose_measure", {"on": on, "by": by})
    proposal = compute_proposal(
        ground=case.ground,
        on=on,
        by=by,
        earlier_measures=earlier_measures,
        earlier_duty_breaches=earlier_duty_breaches,
        policy=policy,
    )
    return attrs.evolve(case, state=state, proposal=proposal)


def decide(
    case: EnforcementCase,
    *,
    on: dt.date,
    by: str,
    reason: str,
    imposed: bool = True,
    percentage: float | None = None,
    duration_weeks: int | None = None,
    kind: MeasureKind | str | None = None,
) -> EnforcementCase:
    """Return ``case`` decided by the named person ``by``; left-out terms are taken from the proposal."""
    state = _fire(case, "decide", {"on": on, "by": by, "reason": reason})
    p = case.proposal
    assert p is not None  # a case in measure_proposed has a proposal
    decision = Decision(
        decided_by=by,
        decided_on=on,
        imposed=imposed,
        kind=MeasureKind(kind) if kind is not None else p.kind,
        percentage=(percentage if percentage is not None else p.percentage) if imposed else 0.0,
        duration_weeks=(duration_weeks if duration_weeks is not None else p.duration_weeks)
        if imposed
        else 0,
        reason=reason,
    )
    return attrs.evolve(case, state=state, decision=decision)


def record_objection(
    case: EnforcementCase, *, on: dt.date, by: str, note: str = ""
) -> EnforcementCase:
    """Return ``case`` with an objection (*bezwaar*) against its decision recorded by ``by``."""
    state = _fire(case, "record_objection", {"on": on, "by": by})
    return attrs.evolve(
        case, state=state, objection=Objection(filed_on=on, recorded_by=by, note=note)
    )


def close(case: EnforcementCase, *, on: dt.date, by: str = "", reason: str = "") -> EnforcementCase:
    """Return ``case`` closed (a withdrawn case or a case after an objection needs ``by`` and ``reason``)."""
    state = _fire(case, "close", {"on": on, "by": by, "reason": reason})
    return attrs.evolve(case, state=state, closed_on=on, closed_by=by, close_reason=reason)
