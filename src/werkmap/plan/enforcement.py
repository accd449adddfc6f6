"""Enforcement cases (*handhaving*): from a missed obligation to a decision taken by a person.

Life of a case::

    opened --inform--> informed --respond--> responded ----+--decide_no_measure--> no_measure --close--> closed
                       informed --no_response--> no_response -+--propose_measure--> measure_proposed
    measure_proposed --decide--> decided --record_objection--> objection --close--> closed
    decided --close--> closed;  opened --close--> closed (withdrawn, with a reason)

werkmap never decides a measure by itself: :func:`propose_measure` computes a *proposal* with
:func:`compute_proposal`, the one definition of the measure rules ``R-MEASURE-01/02/03``, from the dated
:class:`MeasurePolicy` (in the packaged policy: a quarter of the benefit; +50 % for a repeat within two
years; a proposal of permanent refusal for a third application-duty breach within twelve months), and
only :func:`decide`, which needs the name of the person deciding, makes it a decision: the proposal
confirmed, its terms changed (recorded, with the reason), or no measure.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.plan.machine import Machine, T
from werkmap.texts import number
from werkmap.workdays import HolidayCalendar, add_months, dutch_calendar

__all__ = [
    "ENFORCEMENT",
    "MEASURE_RULES",
    "TERMS",
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
    """The measure table valid on one date: the dated policy values the measure rules read.

    There are no defaults here: the values are policy parameters of the same names with a
    ``measure_`` prefix (``case_response_working_days`` for the response window), and
    :func:`werkmap.rules.measures.measure_policy` builds this value from the policy of a date.

    Attributes:
        base_percent: the share of the benefit a measure withholds (``measure_base_percent``, 25).
        repeat_increase_percent: the raise of that share for a repeat, in percent of it
            (``measure_repeat_increase_percent``, 50: 25 % becomes 37.5 %).
        repeat_window_months: an earlier measure makes a new one a repeat within this many months
            (``measure_repeat_window_months``, 24).
        refusal_breaches: the application-duty breach within the refusal window, this one included, at
            which permanent refusal is proposed (``measure_refusal_breaches``, the third).
        refusal_window_months: the window in which breaches are counted
            (``measure_refusal_window_months``, 12).
        duration_weeks: how long a reduction lasts (``measure_duration_weeks``).
        response_working_days: the working days an informed jobseeker has to respond
            (``case_response_working_days``).
        version: the version of the values: the latest ``valid_from`` among them (ISO date), recorded
            as the proposal's ``rule_version``.
    """

    base_percent: float
    repeat_increase_percent: float
    repeat_window_months: int
    refusal_breaches: int
    refusal_window_months: int
    duration_weeks: int
    response_working_days: int
    version: str = ""

    def parameters(self) -> dict[str, float]:
        """Return the values a proposal reads, by policy parameter name (recorded in the proposal)."""
        return {
            "measure_base_percent": float(self.base_percent),
            "measure_repeat_increase_percent": float(self.repeat_increase_percent),
            "measure_repeat_window_months": float(self.repeat_window_months),
            "measure_refusal_breaches": float(self.refusal_breaches),
            "measure_refusal_window_months": float(self.refusal_window_months),
            "measure_duration_weeks": float(self.duration_weeks),
        }


MEASURE_RULES = ("R-MEASURE-01", "R-MEASURE-02", "R-MEASURE-03")
"""The measure rules: the base percentage, the raised percentage of a repeat, permanent refusal."""


@attrs.frozen(kw_only=True)
class MeasureProposal:
    """A measure werkmap proposes; a person decides on it.

    The proposal keeps what re-derives it: the rule, the version and values of the measure table and
    the history it was computed from, so that :func:`compute_proposal` on the same inputs and the
    policy of ``proposed_on`` gives the same proposal.

    Attributes:
        kind: reduction or permanent refusal.
        percentage: the share of the benefit (100 for a permanent refusal).
        duration_weeks: how long (0 for a permanent refusal).
        repeat: whether it is a repeat of a measure within the repeat window.
        duty_breaches: application-duty breaches within the breach window, this one included (0 when
            the case is not about the application duty).
        proposed_on: the day it was proposed.
        proposed_by: the coach who asked for the proposal.
        explanation: why, in English.
        explanation_nl: why, in Dutch.
        rule_id: the rule that decided (one of :data:`MEASURE_RULES`; ``""`` in documents written
            before it was recorded).
        rule_version: the version of the measure table used (:attr:`MeasurePolicy.version`).
        parameters: the policy values used, by parameter name.
        earlier_measures: the days of the earlier measures it was computed from.
        earlier_duty_breaches: the days of the earlier application-duty breaches it was computed from.
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
    rule_id: str = ""
    rule_version: str = ""
    parameters: Mapping[str, float] = attrs.field(factory=dict)
    earlier_measures: tuple[dt.date, ...] = ()
    earlier_duty_breaches: tuple[dt.date, ...] = ()

    @property
    def outcome(self) -> str:
        """The outcome in short: ``"withhold 37.5%"`` or ``"permanent_refusal"``."""
        if self.kind is MeasureKind.PERMANENT_REFUSAL:
            return "permanent_refusal"
        return f"withhold {self.percentage:g}%"


TERMS = ("kind", "percentage", "duration_weeks")
"""The terms of a measure a coach may change when deciding (with a reason)."""


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
        changed_terms: the :data:`TERMS` in which the measure imposed differs from the proposal
            (empty when the proposal was confirmed, or no measure imposed).
        change_reason: why the terms were changed (``""`` when none were).
    """

    decided_by: str
    decided_on: dt.date
    imposed: bool
    kind: MeasureKind
    percentage: float
    duration_weeks: int
    reason: str
    changed_terms: tuple[str, ...] = ()
    change_reason: str = ""


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
    policy: MeasurePolicy,
    calendar: HolidayCalendar | None = None,
) -> EnforcementCase:
    """Return ``case`` with the jobseeker informed on ``on`` and invited to respond.

    The jobseeker may respond until ``policy.response_working_days`` working days after ``on``.
    """
    state = _fire(case, "inform", {"on": on})
    cal = calendar if calendar is not None else dutch_calendar()
    respond_by = cal.add_working_days(on, policy.response_working_days)
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


def _within(earlier: dt.date, on: dt.date, months: int) -> bool:
    """Whether ``earlier`` lies within ``months`` months before ``on`` (both ends included).

    Counted forward from the earlier day, as a term of the General Administrative Law Act runs
    (Awb art. 6:8: from the next day to the end of the same date ``months`` months later): 3 June 2022
    is within 24 months of 3 June 2024, but not of 4 June 2024.
    """
    return earlier <= on <= add_months(earlier, months)


def _pct_nl(value: float) -> str:
    return f"{number(value, 'nl', digits=None)} %"


def compute_proposal(
    *,
    ground: Ground | str,
    on: dt.date,
    by: str,
    policy: MeasurePolicy,
    earlier_measures: Iterable[dt.date] = (),
    earlier_duty_breaches: Iterable[dt.date] = (),
) -> MeasureProposal:
    """Compute the measure proposal for a case on ``on``: the one definition of the measure rules.

    Pure: the same inputs and policy give the same proposal. In order:

    * ``R-MEASURE-03``: for an application-duty case, the breach of ``on`` together with the earlier
      breaches within the refusal window reaches the refusal count (the third within 12 months):
      permanent refusal is proposed;
    * ``R-MEASURE-02``: an earlier measure within the repeat window (2 years): the base percentage
      raised by the repeat increase (25 % becomes 37.5 %);
    * ``R-MEASURE-01``: otherwise the base percentage (a quarter of the benefit).

    *Within* a window of N months includes both ends: an earlier day exactly N months before ``on``
    counts (a term counted from the day after the earlier one ends at the end of the same date N months
    later, as Awb art. 6:8 counts terms, and as werkmap's other "within N" windows include day N). Days
    after ``on`` do not count. A person decides on the proposal (:func:`decide`).

    Args:
        ground: what the case is about.
        on: the day of the proposal.
        by: the coach asking for it.
        policy: the measure table valid on ``on``.
        earlier_measures: the days earlier measures were imposed (for the repeat rule).
        earlier_duty_breaches: the days of earlier application-duty breaches that led to a case.

    Examples:
        >>> pol = MeasurePolicy(base_percent=25, repeat_increase_percent=50, repeat_window_months=24,
        ...                     refusal_breaches=3, refusal_window_months=12, duration_weeks=16,
        ...                     response_working_days=10)
        >>> p = compute_proposal(ground="activity", on=dt.date(2024, 6, 3), by="c1", policy=pol,
        ...                      earlier_measures=[dt.date(2022, 6, 3)])
        >>> p.rule_id, p.outcome
        ('R-MEASURE-02', 'withhold 37.5%')
    """
    measures = tuple(sorted(earlier_measures))
    breaches_given = tuple(sorted(earlier_duty_breaches))
    repeat = any(_within(d, on, policy.repeat_window_months) for d in measures)
    breaches = 0
    if Ground(ground) is Ground.APPLICATION_DUTY:
        breaches = 1 + sum(_within(d, on, policy.refusal_window_months) for d in breaches_given)
    decides = "A coach decides after hearing the jobseeker."
    decides_nl = "Een adviseur beslist nadat de werkzoekende is gehoord."
    kind = MeasureKind.REDUCTION
    pct, weeks = policy.base_percent, policy.duration_weeks
    if breaches >= policy.refusal_breaches:
        kind, pct, weeks, rule_id = MeasureKind.PERMANENT_REFUSAL, 100.0, 0, "R-MEASURE-03"
        window = policy.refusal_window_months
        en = (
            f"Breach {breaches} of the application duty within {window} months: permanent refusal "
            f"of the benefit is proposed (rule {rule_id}). {decides}"
        )
        nl = (
            f"Schending {breaches} van de sollicitatieplicht binnen {window} maanden: blijvende "
            f"weigering van de uitkering wordt voorgesteld (regel {rule_id}). {decides_nl}"
        )
    else:
        why = why_nl = ""
        rule_id = "R-MEASURE-01"
        if repeat:
            base, inc = policy.base_percent, policy.repeat_increase_percent
            pct = base * (1 + inc / 100)
            rule_id = "R-MEASURE-02"
            window = policy.repeat_window_months
            why = (
                f": a repeat within {window} months of an earlier measure raises the base "
                f"{base:g}% by {inc:g}%"
            )
            why_nl = (
                f": een herhaling binnen {window} maanden na een eerdere maatregel verhoogt het "
                f"basispercentage van {_pct_nl(base)} met {_pct_nl(inc)}"
            )
        en = (
            f"Withholding {pct:g}% of the benefit for {weeks} weeks is proposed{why} "
            f"(rule {rule_id}). {decides}"
        )
        nl = (
            f"Voorgesteld wordt {_pct_nl(pct)} van de uitkering in te houden gedurende {weeks} "
            f"weken{why_nl} (regel {rule_id}). {decides_nl}"
        )
    return MeasureProposal(
        kind=kind,
        percentage=float(pct),
        duration_weeks=weeks,
        repeat=repeat,
        duty_breaches=breaches,
        proposed_on=on,
        proposed_by=by,
        explanation=en,
        explanation_nl=nl,
        rule_id=rule_id,
        rule_version=policy.version,
        parameters=policy.parameters(),
        earlier_measures=measures,
        earlier_duty_breaches=breaches_given,
    )


def propose_measure(
    case: EnforcementCase,
    *,
    on: dt.date,
    by: str,
    policy: MeasurePolicy,
    earlier_measures: Iterable[dt.date] = (),
    earlier_duty_breaches: Iterable[dt.date] = (),
) -> EnforcementCase:
    """Return ``case`` with a measure proposal (see :func:`compute_proposal`); nothing is decided yet."""
    state = _fire(case, "propose_measure", {"on": on, "by": by})
    proposal = compute_proposal(
        ground=case.ground,
        on=on,
        by=by,
        policy=policy,
        earlier_measures=earlier_measures,
        earlier_duty_breaches=earlier_duty_breaches,
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
    change_reason: str = "",
) -> EnforcementCase:
    """Return ``case`` decided by the named person ``by``: confirm the proposal, change it, or impose none.

    Left-out terms are taken from the proposal. When the measure imposed differs from the proposal in
    some of its :data:`TERMS`, the decision records which, with ``change_reason`` (the decision's
    ``reason`` when no separate one is given). A change of kind to permanent refusal means 100 % and no
    duration; a change to a reduction needs its percentage and duration.

    Raises:
        GuardRefused: no named person, or no reason.
        InvalidInput: a change to a reduction without a percentage and a duration, or a percentage
            outside (0, 100] or a negative duration.
    """
    state = _fire(case, "decide", {"on": on, "by": by, "reason": reason})
    p = case.proposal
    assert p is not None  # a case in measure_proposed has a proposal
    if not imposed:
        decision = Decision(
            decided_by=by,
            decided_on=on,
            imposed=False,
            kind=p.kind,
            percentage=0.0,
            duration_weeks=0,
            reason=reason,
        )
        return attrs.evolve(case, state=state, decision=decision)
    new_kind = MeasureKind(kind) if kind is not None else p.kind
    if new_kind is MeasureKind.PERMANENT_REFUSAL:
        pct, weeks = 100.0, 0
    elif new_kind is not p.kind and (percentage is None or duration_weeks is None):
        raise InvalidInput(
            [
                Problem(
                    path="$.percentage",
                    message="a change to a reduction needs its percentage and duration",
                )
            ]
        )
    else:
        pct = float(percentage) if percentage is not None else p.percentage
        weeks = duration_weeks if duration_weeks is not None else p.duration_weeks
    problems = []
    if not 0.0 < pct <= 100.0:
        problems.append(Problem(path="$.percentage", message=f"expected (0, 100], got {pct!r}"))
    if weeks < 0:
        problems.append(Problem(path="$.duration_weeks", message=f"expected >= 0, got {weeks!r}"))
    if problems:
        raise InvalidInput(problems)
    imposed_terms = {"kind": new_kind, "percentage": pct, "duration_weeks": weeks}
    changed = tuple(t for t in TERMS if imposed_terms[t] != getattr(p, t))
    decision = Decision(
        decided_by=by,
        decided_on=on,
        imposed=True,
        kind=new_kind,
        percentage=pct,
        duration_weeks=weeks,
        reason=reason,
        changed_terms=changed,
        change_reason=(change_reason.strip() or reason) if changed else "",
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
