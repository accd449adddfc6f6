"""Documentation pages for every rule, generated from the policy file and the decision table.

Each rule gets a Markdown page with what it does, its legal or policy basis, and the parameters it reads
with all their dated values, taken from the policy files. :func:`rule_pages` returns the pages;
:func:`write_rule_pages` writes them (``docs/rules/`` in the repository; a test checks they are current).
Regenerate them after changing a policy file::

    python -c "from werkmap.rules.docs import write_rule_pages; write_rule_pages('docs/rules')"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from werkmap.rules.due import KINDS, PARAMETERS, RULE_IDS
from werkmap.rules.policy import CONSTRAINTS, Policy, load_policy
from werkmap.rules.routing import DecisionTable, default_routing_table

__all__ = ["RULES", "RuleInfo", "rule_pages", "write_rule_pages"]


@attrs.frozen(kw_only=True)
class RuleInfo:
    """What a rule's documentation page says.

    Attributes:
        id: the rule id.
        title: a short title in English.
        title_nl: the same in Dutch.
        what: what the rule does, in English.
        basis: the legal or policy basis of the rule itself.
        parameters: the parameters it reads.
    """

    id: str
    title: str
    title_nl: str
    what: str
    basis: str
    parameters: tuple[str, ...]


_SERVICE_MODEL = "UWV jaarverslag 2017, *Dienstverleningsmodel voor WW'ers*; EU practice sheet on UWV's Work Profiler (2017)"

_DUE: Mapping[str, tuple[str, str, str, str]] = {
    "cancel_invitation": (
        "Cancel pending invitations when work was found",
        "Uitnodigingen annuleren bij werk gevonden",
        "When the jobseeker found work (or the benefit ended) on or before the run date, every pending "
        "invitation is cancelled, to prevent no-shows. Nothing else falls due for the folder after that "
        "date. The action fires on the date work was found; it is due by the planned conversation date.",
        _SERVICE_MODEL + ", step 10",
    ),
    "invite_profiler": (
        "Invite to the Work Profiler",
        "Uitnodigen voor de Werkverkenner",
        "A registered jobseeker without a profile who was not yet invited is invited to fill in the "
        "Work Profiler, some days after registration (default: at once). Filling it in is not compulsory.",
        _SERVICE_MODEL + ", step 1",
    ),
    "flag_no_profile": (
        "A folder without profile goes to a coach",
        "Werkmap zonder profiel naar een adviseur",
        "A folder still without a profile and without a routing decision some days after registration "
        "is flagged for additional analysis by a coach, so that jobseekers who are not digitally skilled "
        "are not lost from sight.",
        _SERVICE_MODEL + ", step 4",
    ),
    "invite_orientation": (
        "Invite to the orientation conversation",
        "Uitnodigen voor het werkoriëntatiegesprek",
        "A folder routed to an orientation conversation, with no conversation held since the routing "
        "decision and no invitation pending, gets an invitation. The conversation is due within the "
        "invitation window **valid on the date of the routing decision** (an earlier decision keeps its "
        'parameters). An obligation of the agency "within 4 weeks" ends on the last working day '
        "**inside** the window: when its last day is a weekend or holiday, the day before it that is a "
        "working day. An invitation whose planned date passed without an outcome no longer counts as "
        "pending (see R-DUE-OUTCOME).",
        _SERVICE_MODEL + ", step 2",
    ),
    "invite_monitor": (
        "Invite to the monitor conversation",
        "Uitnodigen voor het monitorgesprek",
        "A folder with no conversation held at all, no invitation pending and no orientation invitation "
        "due, is invited to a monitor "
        "conversation once the first months of unemployment are over (month arithmetic clips to the end "
        "of a shorter month: 31 January + 6 months is 31 July, 29 February + 6 months is 29 August). The "
        "conversation is due on the last day of the latest month, or the last working day before it. "
        "An invitation whose planned date passed without an outcome does not block this rule.",
        _SERVICE_MODEL + ", step 6",
    ),
    "invite_early_contact": (
        "Early face-to-face contact for digital-only jobseekers",
        "Vroeg persoonlijk contact bij alleen digitale dienstverlening",
        "A jobseeker routed to digital service, still without work and without any conversation, with no "
        "invitation pending, is invited to face-to-face contact some months after registration, until "
        "the monitor rule takes over. It is due within the invitation window (its last working day).",
        _SERVICE_MODEL + ", lessons learnt (step 9)",
    ),
    "invite_coaching": (
        "Invite to a coaching conversation",
        "Uitnodigen voor een coachingsgesprek",
        "A jobseeker in personal service (routed to coaching, or to orientation with the orientation "
        "conversation held) with no invitation pending gets a coaching conversation some days after the "
        "last held conversation, due within the invitation window (its last working day).",
        _SERVICE_MODEL + ", step 7",
    ),
    "mark_overdue": (
        "Mark an activity overdue",
        "Activiteit te laat markeren",
        "An open activity whose deadline has passed is marked overdue, unless its deadline is suspended "
        "(a suspended deadline does not run). A deadline on a Saturday, Sunday "
        "or Dutch public holiday moves to the next working day first (King's Day on 26 April 2025 moves "
        "to 28 April), so the activity is overdue from the day after the effective deadline.",
        _SERVICE_MODEL + ", step 8",
    ),
    "send_reminder": (
        "Send a reminder",
        "Herinnering sturen",
        "An overdue activity gets a reminder by the coach some days after it became overdue. The "
        "reminder gives the jobseeker a response window, whose end moves to the next working day.",
        _SERVICE_MODEL + ", step 8",
    ),
    "propose_enforcement": (
        "Propose enforcement after the response window",
        "Handhaving voorstellen na de reactietermijn",
        "A reminded activity without a response after the response window (its end moved to a working "
        "day) is proposed for enforcement. werkmap **proposes**: a coach decides within the escalation "
        "period (its last working day), after hearing the jobseeker. A measure is never imposed "
        "automatically.",
        "Algemene wet bestuursrecht (horen); AVG/GDPR art. 22; " + _SERVICE_MODEL + ", step 8",
    ),
    "flag_application_duty": (
        "Application duty not met",
        "Sollicitatieplicht niet nagekomen",
        "Periods of the application duty are counted from registration (the duty holds from the first "
        "day of the benefit, with or without an agreed plan; the dashboard judges the same period with "
        "the same function). Only application activities done on time count. When the last full period had "
        "fewer application activities than the duty, a coach reviews the folder. Nobody within the "
        "exemption period before state-pension age has the duty (from 1 May 2018: one year).",
        "Werkloosheidswet art. 24; Besluit sollicitatieplicht werknemers WW",
    ),
    "flag_outcome_missing": (
        "Outcome of a conversation missing",
        "Uitkomst van een gesprek ontbreekt",
        "An invitation whose planned date has passed without being recorded as held or as a no-show is "
        "flagged to the coach, who records the outcome. From the day after its planned date it no longer "
        "counts as pending, so it does not block the conversation rules (the monitor rule among them).",
        _SERVICE_MODEL + ", steps 6-7",
    ),
}

_MEASURE_WHERE = (
    "\n\nOne definition: `werkmap.plan.enforcement.compute_proposal`, fed the measure table of the "
    "proposal's date by `werkmap.rules.measures.measure_policy`; the rules are tried in the order "
    "R-MEASURE-03, R-MEASURE-02, R-MEASURE-01. *Within* a window of N months includes both ends: an "
    "earlier day exactly N months before the proposal counts (counted forward, as the General "
    "Administrative Law Act counts terms, art. 6:8: a window from 3 June 2022 ends at the end of 3 June "
    "2024). werkmap **proposes**: a coach decides after hearing the jobseeker, may change the terms "
    "with a reason, and the proposal records this rule's id, the version (latest `valid_from`) and "
    "values of the table, and the earlier measures and breaches it counted."
)

_MEASURE: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="R-MEASURE-01",
        title="Measure: the base percentage",
        title_nl="Maatregel: het basispercentage",
        what="A case (an activity referred after a reminder, a missed conversation, or a breach of "
        "the application duty) without an earlier measure in the repeat window and below the refusal "
        "count: withholding the base percentage of the benefit (a quarter) for the measure's duration "
        "is proposed." + _MEASURE_WHERE,
        basis="Maatregelenbesluit UWV; Werkloosheidswet art. 27",
        parameters=("measure_base_percent", "measure_duration_weeks"),
    ),
    RuleInfo(
        id="R-MEASURE-02",
        title="Repeated measure: the percentage rises",
        title_nl="Herhaalde maatregel: het percentage stijgt",
        what="An earlier measure within the repeat window (2 years) raises the base percentage by the "
        "repeat increase (25 % becomes 37.5 %), for the measure's duration." + _MEASURE_WHERE,
        basis="Maatregelenbesluit UWV (recidive)",
        parameters=(
            "measure_base_percent",
            "measure_repeat_increase_percent",
            "measure_repeat_window_months",
            "measure_duration_weeks",
        ),
    ),
    RuleInfo(
        id="R-MEASURE-03",
        title="Permanent refusal after repeated breaches of the application duty",
        title_nl="Blijvende weigering na herhaalde schendingen van de sollicitatieplicht",
        what="In a case about the application duty, when this breach together with the earlier "
        "application-duty breaches within the refusal window reaches the refusal count (the third "
        "within 12 months), permanent refusal of the benefit is proposed. Earlier breaches are other "
        "application-duty cases of the folder in which a measure was imposed or is still proposed."
        + _MEASURE_WHERE,
        basis="Werkloosheidswet art. 27",
        parameters=("measure_refusal_breaches", "measure_refusal_window_months"),
    ),
)


_OUTCOME_NL = {
    "orientation": "werkoriëntatiegesprek",
    "coaching": "coachingsgesprekken",
    "digital": "digitale dienstverlening",
    "coach_analysis": "analyse door een adviseur",
}


def _routing_rules(table: DecisionTable) -> list[RuleInfo]:
    rules = []
    for rule in table.rules:
        when = ", ".join(f"{k} = {str(v).lower()}" for k, v in rule.when.items())
        rules.append(
            RuleInfo(
                id=rule.id,
                title=f"Routing: {rule.outcome.replace('_', ' ')} when {when}",
                title_nl=f"Routering: {_OUTCOME_NL[rule.outcome]}",
                what=(
                    f"Row of the routing decision table (hit policy *unique*). It applies when "
                    f"{when} (inputs not named match any value) and decides **{rule.outcome}**.\n\n"
                    f"Reason shown (en): {rule.reason_en}\n\n"
                    f"Reden (nl): {rule.reason_nl}"
                ),
                basis=_SERVICE_MODEL + ", steps 2-4; a coach override must carry a reason",
                parameters=rule.parameters,
            )
        )
    return rules


RULES: tuple[RuleInfo, ...] = (
    *(
        RuleInfo(
            id=RULE_IDS[kind],
            title=_DUE[kind][0],
            title_nl=_DUE[kind][1],
            what=f"Action kind `{kind}`. " + _DUE[kind][2],
            basis=_DUE[kind][3],
            parameters=PARAMETERS[kind],
        )
        for kind in KINDS
    ),
    *_MEASURE,
)
"""The due-action and measure rules (routing rules come from the decision table)."""


def _rules(table: DecisionTable) -> list[RuleInfo]:
    return [*_routing_rules(table), *RULES]


def _page(rule: RuleInfo, policy: Policy) -> str:
    lines = [
        f"# {rule.id}: {rule.title}",
        "",
        f"*{rule.title_nl}*",
        "",
        "<!-- Generated by werkmap.rules.docs from the policy files; do not edit by hand. -->",
        "",
        rule.what,
        "",
        "## Basis",
        "",
        rule.basis,
        "",
        "## Parameters",
        "",
    ]
    if not rule.parameters:
        lines += ["This rule reads no parameters.", ""]
    for name in rule.parameters:
        lines += _parameter(name, policy)
    return "\n".join(lines)


def _parameter(name: str, policy: Policy) -> list[str]:
    p = policy.parameters[name]
    lines: list[str] = [
        f"### `{name}` ({p.unit})",
        "",
        p.description,
        "",
        f"*{p.description_nl}*",
        "",
        f"Reference: {p.reference}",
        "",
        "| valid from | valid until | value | file |",
        "|---|---|---|---|",
    ]
    for v in p.values:
        until = v.valid_until.isoformat() if v.valid_until else "-"
        shown = v.value if isinstance(v.value, str) else f"{v.value:g}"
        if isinstance(v.value, bool):
            shown = "true" if v.value else "false"
        lines.append(f"| {v.valid_from.isoformat()} | {until} | {shown} | `{v.source}` |")
    lines.append("")
    return lines


def _constraints() -> list[str]:
    lines = [
        "## Constraints between parameters",
        "",
        "Loading a policy relates the values to each other on every date a value starts or ends; a "
        "policy in which one of these does not hold is refused with one `InvalidPolicy` that names "
        "every problem with its code, the date, the file and the values.",
        "",
        "| code | parameters | what must hold | wat moet gelden |",
        "|---|---|---|---|",
    ]
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for c in CONSTRAINTS:  # one row per code: the positive windows share theirs
        grouped.setdefault((c.code, c.text, c.text_nl), []).extend(c.parameters)
    for (code, text, text_nl), names in grouped.items():
        shown = ", ".join(f"`{n}`" for n in names)
        lines.append(f"| `{code}` | {shown} | {text} | {text_nl} |")
    lines.append("")
    return lines


def rule_pages(policy: Policy | None = None, table: DecisionTable | None = None) -> dict[str, str]:
    """Return the documentation pages by file name: one per rule and an ``index.md``."""
    policy = policy or load_policy()
    rules = _rules(table or default_routing_table())
    pages = {f"{rule.id}.md": _page(rule, policy) for rule in rules}
    index = [
        "# Rules",
        "",
        "<!-- Generated by werkmap.rules.docs from the policy files; do not edit by hand. -->",
        "",
        "Every rule of the service model, with its basis and its dated parameters. See "
        "[the rules concept page](../concepts/rules.md) for how they work together.",
        "",
        "| rule | what | regel |",
        "|---|---|---|",
    ]
    index += [f"| [{r.id}]({r.id}.md) | {r.title} | {r.title_nl} |" for r in rules]
    index += [
        "",
        "All parameters, including those read outside these rules (the colour horizon is read by the "
        "activity colours of `werkmap.plan`), are on [the parameter page](parameters.md).",
        "",
    ]
    pages["index.md"] = "\n".join(index)
    params = [
        "# Parameters",
        "",
        "<!-- Generated by werkmap.rules.docs from the policy files; do not edit by hand. -->",
        "",
        f"Read from: {', '.join(f'`{s}`' for s in policy.sources)}.",
        "",
    ]
    for name in policy.parameters:
        params += _parameter(name, policy)
    params += _constraints()
    pages["parameters.md"] = "\n".join(params)
    return pages


def write_rule_pages(directory: str | Path, policy: Policy | None = None) -> list[Path]:
    """Write :func:`rule_pages` into ``directory`` and return the paths written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rule_pages(policy).items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
