"""The routing decision table: decisions that explain themselves.

Routing decides which service a jobseeker gets after a profile, on request of the jobseeker, or after a
coach's override. The table is data (``rules/data/routing.toml``) with a *unique* hit policy: for every
combination of inputs exactly one rule applies, which is checked when the table is loaded (``WM-P007``
overlap, ``WM-P008`` gap). Every decision is a frozen :class:`Decision` record: the rule id and version,
the inputs, the parameter values used, the outcome, and a reason in Dutch and English. The same inputs on
the same policy date give the same decision.

The measure rules (``R-MEASURE-01/02/03``) are not here: their one definition is
:func:`werkmap.plan.enforcement.compute_proposal`, fed by :func:`werkmap.rules.measures.measure_policy`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from werkmap.errors import InvalidInput, InvalidPolicy, Problem
from werkmap.profiler.model import invites
from werkmap.rules.policy import PARAMETER_UNITS, Policy
from werkmap.serialization import register_schema
from werkmap.texts import percent

if TYPE_CHECKING:
    pass

__all__ = [
    "OUTCOMES",
    "OVERRIDE_OUTCOMES",
    "CoachOverride",
    "Decision",
    "DecisionTable",
    "RoutingInputs",
    "TableRule",
    "check_probability",
    "decide_route",
    "default_routing_table",
    "invites",
    "load_routing_table",
    "table_from_data",
]


def check_probability(probability: object, source: str = "routing inputs") -> None:
    """Raise :class:`~werkmap.errors.InvalidInput` unless ``probability`` is ``None`` or finite in [0, 1].

    The one check every rule applies to a chance of work: :func:`decide_route`, the due rules
    (:func:`werkmap.rules.due_actions`) and the sweep (:func:`werkmap.rules.sweep`). NaN and infinity
    are refused like -0.1 and 1.5.
    """
    if probability is None:
        return
    if (
        isinstance(probability, bool)
        or not isinstance(probability, (int, float))
        or not math.isfinite(probability)
        or not 0.0 <= probability <= 1.0
    ):
        raise InvalidInput(
            [
                Problem(
                    path="$.probability",
                    message=f"expected a finite value in [0, 1], got {probability!r}",
                )
            ],
            source=source,
        )


OUTCOMES = ("orientation", "coaching", "digital", "coach_analysis")
"""The routing outcomes."""

OVERRIDE_OUTCOMES = ("conversation", "digital")
"""What a coach can decide in an override."""

Scalar = str | int | float | bool | None


@attrs.frozen(kw_only=True)
class Decision:
    """A decision record: which rule decided what, from which inputs and parameter values, and why.

    Attributes:
        rule_id: the rule that applied (``R-ROUTE-06``).
        rule_version: the version of that rule.
        decided_on: the decision date; the parameter values are those valid on it.
        inputs: the inputs the decision was made from (dates as ISO strings).
        parameters: the parameter values the rule used, by parameter name.
        outcome: what was decided (``orientation``, ``digital``, ...).
        reason_nl: the reason, in Dutch, as shown to the jobseeker.
        reason_en: the reason, in English.
    """

    rule_id: str
    rule_version: int
    decided_on: dt.date
    inputs: dict[str, Scalar]
    parameters: dict[str, float | int]
    outcome: str
    reason_nl: str
    reason_en: str


register_schema("werkmap.rules.decision", Decision, 1)


@attrs.frozen(kw_only=True)
class CoachOverride:
    """A coach's recorded decision that overrides the table's outcome. It must carry a reason.

    Attributes:
        outcome: ``conversation`` or ``digital``.
        reason: why the coach deviates from the score (required, shown to the jobseeker).
        by: who decided (a coach id).
        on: the date of the override.
    """

    outcome: str
    reason: str
    by: str
    on: dt.date

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.outcome not in OVERRIDE_OUTCOMES:
            problems.append(
                Problem(
                    path="$.override.outcome",
                    message=f"expected one of {list(OVERRIDE_OUTCOMES)}, got {self.outcome!r}",
                    code="WM-R002",
                )
            )
        if not self.reason.strip():
            problems.append(
                Problem(
                    path="$.override.reason",
                    message="a coach override must carry a reason",
                    code="WM-R001",
                )
            )
        if not self.by.strip():
            problems.append(
                Problem(path="$.override.by", message="who overrode is required", code="WM-R003")
            )
        if problems:
            raise InvalidInput(problems, source="coach override")


@attrs.frozen(kw_only=True)
class RoutingInputs:
    """What a routing decision is made from.

    Attributes:
        probability: the latest profile's chance of work within a year, or ``None`` without a profile.
        band: the latest profile's band (``"25-50"``), or ``None``.
        profiled_on: the date of the latest profile, or ``None``.
        requested: whether the jobseeker asked for a conversation.
        override: a coach's override in force, or ``None``.
        conversation_held: whether a conversation was already held.
    """

    probability: float | None = None
    band: str | None = None
    profiled_on: dt.date | None = None
    requested: bool = False
    override: CoachOverride | None = None
    conversation_held: bool = False


@attrs.frozen(kw_only=True)
class TableRule:
    """One row of a decision table.

    Attributes:
        id: the rule id.
        version: the rule's version.
        when: the conditions, input name to required value (an input left out matches anything).
        outcome: the outcome when the rule applies.
        parameters: the policy parameters the rule uses (recorded in the decision).
        reason_en: the reason template in English.
        reason_nl: the reason template in Dutch.
    """

    id: str
    version: int
    when: Mapping[str, Scalar]
    outcome: str
    parameters: tuple[str, ...]
    reason_en: str
    reason_nl: str

    def matches(self, case: Mapping[str, Scalar]) -> bool:
        """Return whether the rule applies to ``case`` (a value for every input)."""
        return all(case[key] == value for key, value in self.when.items())


@attrs.frozen(kw_only=True)
class DecisionTable:
    """A decision table with a unique hit policy, checked for overlaps and gaps when it is built.

    Attributes:
        id: the table id.
        inputs: each input's possible values.
        rules: the rules, in file order.
    """

    id: str
    inputs: Mapping[str, tuple[Scalar, ...]]
    rules: tuple[TableRule, ...]

    def hit(self, case: Mapping[str, Scalar]) -> TableRule:
        """Return the one rule that applies to ``case``."""
        for rule in self.rules:
            if rule.matches(case):
                return rule
        raise LookupError(f"no rule of {self.id!r} applies to {dict(case)!r}")  # pragma: no cover


def load_routing_table(path: str | Path) -> DecisionTable:
    """Load a routing table from a TOML file and check it (unique hit policy, no gaps).

    Raises:
        InvalidPolicy: every problem found, with codes ``WM-P001`` (malformed), ``WM-P006`` (unknown
            parameter), ``WM-P007`` (two rules apply to one case) and ``WM-P008`` (no rule applies).
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidPolicy(
            [Problem(path=p.name, message=f"cannot read: {exc}", code="WM-P001")], source=p.name
        ) from None
    return table_from_data(data, source=p.name)


def table_from_data(data: Mapping[str, Any], *, source: str = "routing table") -> DecisionTable:
    """Build and check a routing table from parsed TOML data (see :func:`load_routing_table`)."""
    problems: list[Problem] = []
    head = data.get("table", {})
    inputs_raw = head.get("inputs", {}) if isinstance(head, Mapping) else {}
    expected_inputs = {
        "override": ("none", *OVERRIDE_OUTCOMES),
        "requested": (True, False),
        "profile": ("none", "low", "high"),
        "held": (True, False),
    }
    inputs: dict[str, tuple[Scalar, ...]] = {}
    for name, values in expected_inputs.items():
        given = inputs_raw.get(name)
        if given is None or set(given) != set(values):
            problems.append(
                Problem(
                    path=f"$.table.inputs.{name}",
                    message=f"expected the values {list(values)}, got {given!r}",
                    code="WM-P001",
                )
            )
        inputs[name] = values
    if isinstance(head, Mapping) and head.get("hit_policy") != "unique":
        problems.append(
            Problem(
                path="$.table.hit_policy",
                message=f"expected 'unique', got {head.get('hit_policy')!r}",
                code="WM-P001",
            )
        )
    rules: list[TableRule] = []
    for i, raw in enumerate(data.get("rule", [])):
        where = f"$.rule[{i}]"
        when = raw.get("when", {})
        for key, value in when.items():
            if key not in inputs or value not in inputs[key]:
                problems.append(
                    Problem(
                        path=f"{where}.when.{key}",
                        message=f"unknown input or value {value!r}",
                        code="WM-P001",
                    )
                )
        if raw.get("outcome") not in OUTCOMES:
            problems.append(
                Problem(
                    path=f"{where}.outcome",
                    message=f"expected one of {list(OUTCOMES)}, got {raw.get('outcome')!r}",
                    code="WM-P001",
                )
            )
        for name in raw.get("parameters", []):
            if name not in PARAMETER_UNITS:
                problems.append(
                    Problem(path=f"{where}.parameters", message=f"unknown {name!r}", code="WM-P006")
                )
        missing = [k for k in ("id", "version", "reason_en", "reason_nl") if k not in raw]
        if missing:
            problems.append(Problem(path=where, message=f"missing {missing}", code="WM-P001"))
            continue
        rules.append(
            TableRule(
                id=str(raw["id"]),
                version=int(raw["version"]),
                when=dict(when),
                outcome=str(raw.get("outcome")),
                parameters=tuple(raw.get("parameters", [])),
                reason_en=str(raw["reason_en"]),
                reason_nl=str(raw["reason_nl"]),
            )
        )
    if not problems:
        names = list(inputs)
        for combo in itertools.product(*(inputs[n] for n in names)):
            case = dict(zip(names, combo, strict=True))
            hits = [r.id for r in rules if r.matches(case)]
            text = ", ".join(f"{k}={v}" for k, v in case.items())
            if len(hits) > 1:
                problems.append(
                    Problem(
                        path=f"$.rule[{', '.join(hits)}]",
                        message=f"rules overlap on ({text})",
                        code="WM-P007",
                    )
                )
            elif not hits:
                problems.append(
                    Problem(path="$.rule", message=f"no rule applies to ({text})", code="WM-P008")
                )
    if problems:
        raise InvalidPolicy(problems, source=source)
    table_id = head.get("id", "routing") if isinstance(head, Mapping) else "routing"
    return DecisionTable(id=str(table_id), inputs=inputs, rules=tuple(rules))


@cache
def default_routing_table() -> DecisionTable:
    """Return the packaged routing table (loaded and checked once)."""
    return load_routing_table(Path(str(resources.files("werkmap.rules") / "data" / "routing.toml")))


def _fill(language: str, probability: float | None, threshold: float) -> dict[str, str]:
    """The chance and the threshold as ``language`` writes a percentage (``31 %``, ``8,4 %``)."""

    def pct(
        share: float,
    ) -> str:  # whole percentages without decimals (50 %), others with one (31,5 %)
        whole = abs(share * 100 - round(share * 100)) < 1e-9
        return percent(share, language, digits=0 if whole else 1)

    return {
        "probability": "-" if probability is None else pct(probability),
        "threshold": pct(threshold),
    }


def decide_route(
    inputs: RoutingInputs,
    on: dt.date,
    policy: Policy,
    table: DecisionTable | None = None,
) -> Decision:
    """Decide the route of a jobseeker on ``on`` with the parameter values valid that day.

    A probability equal to the threshold counts as *low* ("maximaal 50 %"): it gets a conversation.

    Raises:
        InvalidInput: the probability is outside [0, 1] or not finite (:func:`check_probability`).

    Examples:
        >>> from werkmap.rules import load_policy
        >>> d = decide_route(RoutingInputs(probability=0.5, band="25-50"), dt.date(2024, 3, 1), load_policy())
        >>> d.rule_id, d.outcome
        ('R-ROUTE-06', 'orientation')
    """
    check_probability(inputs.probability)
    table = table or default_routing_table()
    values = policy.at(on)
    if inputs.probability is None:
        profile = "none"
    elif invites(inputs.probability, values.routing_threshold):
        profile = "low"
    else:
        profile = "high"
    override = inputs.override.outcome if inputs.override is not None else "none"
    case: dict[str, Scalar] = {
        "override": override,
        "requested": inputs.requested,
        "profile": profile,
        "held": inputs.conversation_held,
    }
    rule = table.hit(case)
    parameters = values.pick(rule.parameters)
    recorded: dict[str, Scalar] = {
        "probability": inputs.probability,
        "band": inputs.band,
        "profiled_on": inputs.profiled_on.isoformat() if inputs.profiled_on else None,
        "requested": inputs.requested,
        "conversation_held": inputs.conversation_held,
        "override": override,
        "override_reason": inputs.override.reason if inputs.override else None,
        "override_by": inputs.override.by if inputs.override else None,
        "profile": profile,
    }
    fill = {
        **dict(parameters.items()),
        "override_reason": inputs.override.reason if inputs.override else "",
    }
    return Decision(
        rule_id=rule.id,
        rule_version=rule.version,
        decided_on=on,
        inputs=recorded,
        parameters=parameters,
        outcome=rule.outcome,
        reason_nl=rule.reason_nl.format(
            **fill, **_fill("nl", inputs.probability, values.routing_threshold)
        ),
        reason_en=rule.reason_en.format(
            **fill, **_fill("en", inputs.probability, values.routing_threshold)
        ),
    )
