"""Explanations a person can act on: what was decided about the service, why, by whom, and what to do.

:func:`explain_route` writes the explanation of one routing decision from the folder's stored decision
records only (a :class:`~werkmap.plan.folder.RouteRecord` and, when there is one, the
:class:`~werkmap.plan.folder.ProfileRecord` it was made from) and the dated policy. Nothing else is read:
the same records and policy always give the same explanation.

What it says:

* **the band** of the chance of work. The work coach (``audience="coach"``) always sees the score and the
  band; whether the jobseeker sees the band, or only the explanation in words, is the dated policy
  parameter ``band_visible_to_jobseeker``, looked up on the decision date. When the band is hidden, the
  jobseeker's text holds no figure of the chance at all (the record's reason text, which names the
  chance, is then replaced by a text written from the record's outcome and inputs);
* **the factors that lowered the chance most**, from the record's construct contributions (most negative
  first, at most :data:`TOP_FACTORS`), named as the questionnaire names them. Age, education and work
  history (:data:`FIXED_CONSTRUCTS`) are facts, not advice: the text says so;
* **the rule that routed and why**: the rule id and the record's own reason;
* **who decided**: werkmap by its table, or a coach who overrode it (with the coach's reason and date);
* **what the jobseeker can do**: ask for a conversation, correct an answer;
* **how to object**: a routing decision is not a decision with legal effect; the jobseeker can ask for a
  conversation or a new look, and the objection period of the General Administrative Law Act
  (``objection_period_weeks``) applies to decisions that have legal effect, such as a measure.

An explanation describes; it promises nothing. It never says that changing an answer *will* change the
route (see ``docs/concepts/explanations.md``).

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan.folder import ProfileRecord, RouteRecord
    >>> from werkmap.rules import default_policy
    >>> day = dt.date(2025, 3, 3)
    >>> profile = ProfileRecord(taken_on=day, probability=0.31, band="25-50",
    ...     questionnaire_id="q", questionnaire_version="1", model_id="m", model_version="1",
    ...     construct_contributions={"self_efficacy": -0.8, "age": -0.3, "motivation": 0.2})
    >>> route = RouteRecord(decided_on=day, outcome="orientation", rule_id="R-ROUTE-06",
    ...     rule_version=1, reason_en="Your chance of work within a year is 31 %, at most 50 %.",
    ...     reason_nl="Uw kans op werk binnen een jaar is 31 %, maximaal 50 %.")
    >>> e = explain_route(route, profile, policy=default_policy(), language="en")
    >>> e.band, [f.construct for f in e.factors]
    ('25-50', ['self_efficacy', 'age'])
    >>> e == explain_route(route, profile, policy=default_policy(), language="en")
    True
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from werkmap.jobseeker._common import check_audience, check_language, glossary, printable
from werkmap.plan.folder import ProfileRecord, RouteRecord
from werkmap.profiler.recourse import FIXED
from werkmap.rules.policy import Policy, default_policy
from werkmap.texts import date_text, percent

if TYPE_CHECKING:
    import pandas as pd

    from werkmap.profiler.questionnaire import Questionnaire

__all__ = ["FIXED_CONSTRUCTS", "TOP_FACTORS", "Explanation", "Factor", "explain_route"]

FIXED_CONSTRUCTS = frozenset(FIXED)
"""The "hard" factors: facts about a person, never advice (one definition: :data:`werkmap.profiler.recourse.FIXED`)."""

TOP_FACTORS = 3
"""How many of the factors that lowered the chance most an explanation names."""

_OUTCOME: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "orientation": "U krijgt een werkoriëntatiegesprek met een adviseur werk.",
        "coaching": "U krijgt coachingsgesprekken met een adviseur werk.",
        "digital": "U krijgt hulp via werk.nl. Dat heet digitale dienstverlening.",
        "coach_analysis": "Een adviseur werk bekijkt uw situatie.",
    },
    "en": {
        "orientation": "You get an orientation conversation with a work coach.",
        "coaching": "You get coaching conversations with a work coach.",
        "digital": "You get help through werk.nl. This is called digital service.",
        "coach_analysis": "A work coach looks at your situation.",
    },
}

_T: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "title": "Uitleg: welke hulp u krijgt en waarom",
        "decided_on": "Besloten op {on}.",
        "band": "Uw kans op werk binnen een jaar valt in de klasse {band}.",
        "band_hidden": "UWV laat de klasse van uw kans niet zien. U krijgt wel deze uitleg.",
        "score": "Score (alleen voor de adviseur): {p}, klasse {band}.",
        "no_profile": "U heeft de Werkverkenner niet ingevuld.",
        "factors": "Wat uw kans het meest verlaagde:",
        "factor": "{label}",
        "factor_coach": "{label} (bijdrage {c})",
        "fixed": "Dit is een feit over uw situatie, geen advies.",
        "changeable": "Hierover kunt u met uw adviseur praten.",
        "no_factors": "Geen factor verlaagde uw kans.",
        "rule": "Regel {rule} (versie {version}): {reason}",
        "hidden_low": "Uit uw antwoorden blijkt dat een gesprek u kan helpen.",
        "hidden_high": "Uit uw antwoorden blijkt dat u waarschijnlijk zelf werk vindt.",
        "hidden_requested": "U heeft om een gesprek gevraagd.",
        "hidden_held": "U had al een gesprek met een adviseur.",
        "by_table": "Dit is automatisch bepaald met regel {rule}. Een adviseur kan dit altijd veranderen.",
        "by_coach": "Adviseur {by} heeft dit besloten op {on}. De reden: {reason}",
        "override_note": "De adviseur week af van de automatische keuze.",
        "do": "Wat kunt u doen?",
        "do_ask": "Wilt u een gesprek? Vraag het aan in uw Werkmap. Dan krijgt u een gesprek.",
        "do_prepare": "Bereid het gesprek voor. Neem vragen mee.",
        "do_correct": "Klopt een antwoord niet? Vertel het uw adviseur. U kunt de Werkverkenner "
        "opnieuw invullen.",
        "do_fill": "Vul de Werkverkenner alsnog in. Dan weten we beter wat bij u past.",
        "object": "Bent u het niet eens met deze keuze? Vraag om een gesprek. Dan kijkt een adviseur "
        "opnieuw. Tegen een besluit over uw uitkering (zoals een maatregel) kunt u binnen {weeks} "
        "weken bezwaar maken.",
        "guidance": "Deze uitleg is geen belofte. Een ander antwoord geeft niet vanzelf andere hulp.",
    },
    "en": {
        "title": "Explanation: which help you get and why",
        "decided_on": "Decided on {on}.",
        "band": "Your chance of work within a year is in the band {band}.",
        "band_hidden": "UWV does not show the band of your chance. You do get this explanation.",
        "score": "Score (for the coach only): {p}, band {band}.",
        "no_profile": "You did not fill in the Work Profiler.",
        "factors": "What lowered your chance most:",
        "factor": "{label}",
        "factor_coach": "{label} (contribution {c})",
        "fixed": "This is a fact about your situation, not advice.",
        "changeable": "You can talk about this with your coach.",
        "no_factors": "No factor lowered your chance.",
        "rule": "Rule {rule} (version {version}): {reason}",
        "hidden_low": "Your answers show that a conversation can help you.",
        "hidden_high": "Your answers show that you will probably find work yourself.",
        "hidden_requested": "You asked for a conversation.",
        "hidden_held": "You already had a conversation with a coach.",
        "by_table": "This was decided automatically by rule {rule}. A coach can always change it.",
        "by_coach": "Coach {by} decided this on {on}. The reason: {reason}",
        "override_note": "The coach departed from the automatic choice.",
        "do": "What can you do?",
        "do_ask": "Do you want a conversation? Ask for one in your Work Folder. Then you get one.",
        "do_prepare": "Prepare the conversation. Bring your questions.",
        "do_correct": "Is an answer wrong? Tell your coach. You can fill in the Work Profiler again.",
        "do_fill": "Fill in the Work Profiler after all. Then we know better what suits you.",
        "object": "Do you not agree with this choice? Ask for a conversation. A coach then looks "
        "again. Against a decision about your benefit (such as a measure) you can object within "
        "{weeks} weeks.",
        "guidance": "This explanation is not a promise. Another answer does not by itself give "
        "other help.",
    },
}


@attrs.frozen(kw_only=True)
class Factor:
    """A factor that lowered the chance of work, as the explanation names it.

    Attributes:
        construct: the construct's id (``self_efficacy``).
        label: its name in the explanation's language, as the questionnaire names it.
        contribution: its log-odds contribution in the profile record (negative: it lowered the chance).
        changeable: whether a person can work on it (``False`` for :data:`FIXED_CONSTRUCTS`).
        text: the line the explanation shows.
    """

    construct: str
    label: str
    contribution: float
    changeable: bool
    text: str


@attrs.frozen(kw_only=True)
class Explanation:
    """The explanation of one routing decision, in one language for one audience.

    Attributes:
        language: ``"nl"`` or ``"en"``.
        audience: ``"jobseeker"`` or ``"coach"``.
        decided_on: the day of the decision (the policy date of its parameters).
        outcome: the route (``orientation``, ``coaching``, ``digital``, ``coach_analysis``).
        rule_id: the rule that routed.
        rule_version: its version.
        band: the band shown, or ``None`` (no profile, or hidden from the jobseeker).
        band_visible: the value of ``band_visible_to_jobseeker`` on the decision date.
        probability: the chance of work, shown to the coach only (``None`` for the jobseeker).
        factors: the factors that lowered the chance most, most lowering first.
        overridden: whether a coach's override was in force.
        decided_by: ``"werkmap"`` (the table) or the coach who overrode it.
        override_reason: the coach's reason, or ``""``.
        override_on: the day of the override, or ``None``.
        objection_weeks: the objection period valid on the decision date (for decisions with legal
            effect).
        lines: the text, line by line, as :meth:`to_text` prints it (title first).
        terms: the glossary terms the text uses, each explained in a line.
    """

    language: str
    audience: str
    decided_on: dt.date
    outcome: str
    rule_id: str
    rule_version: int
    band: str | None
    band_visible: bool
    probability: float | None
    factors: tuple[Factor, ...]
    overridden: bool
    decided_by: str
    override_reason: str
    override_on: dt.date | None
    objection_weeks: int
    lines: tuple[str, ...]
    terms: tuple[tuple[str, str], ...]

    def to_text(self, *, terms: bool = True) -> str:
        """Return the explanation as plain text: the title, then one line each, then the terms.

        Args:
            terms: whether to add the explained terms (an overview lists them once, at its end).
        """
        out = [printable(self.lines[0]), "=" * len(self.lines[0])]
        out += [printable(line) for line in self.lines[1:]]
        if terms and self.terms:
            out.append("")
            out += [printable(f"{term}: {meaning}") for term, meaning in self.terms]
        return "\n".join(out) + "\n"

    def to_html(self, *, terms: bool = True) -> str:
        """Return the explanation as an HTML ``<section>``, every value escaped (``terms``: as above)."""
        esc = html.escape
        parts = [f'<section class="werkmap-explanation" lang="{self.language}">']
        parts.append(f"<h2>{esc(self.lines[0])}</h2>")
        parts += [f"<p>{esc(line)}</p>" for line in self.lines[1:]]
        if terms and self.terms:
            parts.append("<dl>")
            parts += [f"<dt>{esc(t)}</dt><dd>{esc(m)}</dd>" for t, m in self.terms]
            parts.append("</dl>")
        parts.append("</section>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_record(self) -> dict[str, Any]:
        """Return the explanation as a JSON-ready dict (dates as ISO text)."""
        return {
            "language": self.language,
            "audience": self.audience,
            "decided_on": self.decided_on.isoformat(),
            "outcome": self.outcome,
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "band": self.band,
            "band_visible": self.band_visible,
            "probability": self.probability,
            "factors": [
                {
                    "construct": f.construct,
                    "label": f.label,
                    "contribution": f.contribution,
                    "changeable": f.changeable,
                }
                for f in self.factors
            ],
            "overridden": self.overridden,
            "decided_by": self.decided_by,
            "override_reason": self.override_reason,
            "override_on": self.override_on.isoformat() if self.override_on else None,
            "objection_weeks": self.objection_weeks,
            "text": list(self.lines),
        }

    def to_records(self) -> list[dict[str, Any]]:
        """Return one dict per text line (``section``, ``n``, ``text``), for a table."""
        return [
            {"section": "explanation", "n": i, "text": line} for i, line in enumerate(self.lines)
        ]

    def to_frame(self) -> pd.DataFrame:
        """Return :meth:`to_records` as a DataFrame (needs pandas, imported only here)."""
        import pandas as pd

        return pd.DataFrame(self.to_records())


def _labels(questionnaire: Questionnaire | None, language: str) -> Mapping[str, str]:
    if questionnaire is None:
        from werkmap.profiler.questionnaire import default_questionnaire

        questionnaire = default_questionnaire()
    return {c.construct: c.label.get(language) for c in questionnaire.constructs}


def _factors(
    profile: ProfileRecord, labels: Mapping[str, str], texts: Mapping[str, str], coach: bool
) -> tuple[Factor, ...]:
    lowering = sorted(
        ((name, value) for name, value in profile.construct_contributions.items() if value < 0),
        key=lambda kv: (kv[1], kv[0]),
    )[:TOP_FACTORS]
    out = []
    for name, value in lowering:
        label = labels.get(name, name.replace("_", " "))
        changeable = name not in FIXED_CONSTRUCTS
        head = (
            texts["factor_coach"].format(label=label, c=f"{value:+.3f}")
            if coach
            else texts["factor"].format(label=label)
        )
        tail = texts["changeable"] if changeable else texts["fixed"]
        out.append(
            Factor(
                construct=name,
                label=label,
                contribution=float(value),
                changeable=changeable,
                text=f"- {head}. {tail}",
            )
        )
    return tuple(out)


def _hidden_reason(route: RouteRecord, texts: Mapping[str, str]) -> str:
    """The reason without any figure: written from the record's inputs and outcome."""
    inputs = route.inputs
    parts = []
    if route.override_outcome:
        return ""  # the coach's reason is shown in its own line
    if inputs.get("requested") is True:
        parts.append(texts["hidden_requested"])
    elif route.outcome == "orientation":
        parts.append(texts["hidden_low"])
    elif route.outcome == "digital":
        parts.append(texts["hidden_high"])
    if inputs.get("conversation_held") is True:
        parts.append(texts["hidden_held"])
    return " ".join(parts)


def explain_route(
    route: RouteRecord,
    profile: ProfileRecord | None,
    *,
    policy: Policy | None = None,
    language: str = "nl",
    audience: str = "jobseeker",
    questionnaire: Questionnaire | None = None,
) -> Explanation:
    """Explain a routing decision from its stored records (see the module docstring).

    Args:
        route: the routing decision record.
        profile: the profile record it was made from, or ``None`` (the profiler was not filled in).
        policy: the dated policy (``band_visible_to_jobseeker`` and ``objection_period_weeks`` are read
            on ``route.decided_on``); default: the packaged policy.
        language: ``"nl"`` (plain Dutch) or ``"en"``.
        audience: ``"jobseeker"`` or ``"coach"`` (the coach also sees the score and the contributions).
        questionnaire: where the construct names come from; default: the packaged questionnaire.

    Raises:
        InvalidInput: an unknown language or audience.
        InvalidPolicy: the policy has no values on the decision date.
    """
    check_language(language, "explanation")
    check_audience(audience, "explanation")
    policy = policy if policy is not None else default_policy()
    values = policy.at(route.decided_on)
    texts = _T[language]
    coach = audience == "coach"
    visible = bool(values.band_visible_to_jobseeker)
    lines = [texts["title"], texts["decided_on"].format(on=date_text(route.decided_on, language))]
    lines.append(_OUTCOME[language].get(route.outcome, route.outcome))
    terms = ["werkverkenner", "adviseur"]
    band: str | None = None
    factors: tuple[Factor, ...] = ()
    if profile is None:
        lines.append(texts["no_profile"])
    else:
        if coach:
            band = profile.band
            lines.append(
                texts["score"].format(p=percent(profile.probability, language), band=profile.band)
            )
        elif visible:
            band = profile.band
            lines.append(texts["band"].format(band=profile.band))
            terms.append("band")
        else:
            lines.append(texts["band_hidden"])
        factors = _factors(profile, _labels(questionnaire, language), texts, coach)
        lines.append(texts["factors"] if factors else texts["no_factors"])
        lines += [f.text for f in factors]
    reason = route.reason_nl if language == "nl" else route.reason_en
    if not coach and not visible:
        reason = _hidden_reason(route, texts)
    if coach or reason:
        lines.append(
            texts["rule"].format(rule=route.rule_id, version=route.rule_version, reason=reason)
        )
    overridden = bool(route.override_outcome)
    if overridden:
        on = route.override_on or route.decided_on
        lines.append(
            texts["by_coach"].format(
                by=route.override_by.partition(":")[2] or route.override_by or "?",
                on=date_text(on, language),
                reason=route.override_reason,
            )
        )
        lines.append(texts["override_note"])
    else:
        lines.append(texts["by_table"].format(rule=route.rule_id))
    lines.append(texts["do"])
    if route.outcome in ("orientation", "coaching"):
        lines.append(texts["do_prepare"])
    else:
        lines.append(texts["do_ask"])
    lines.append(texts["do_correct"] if profile is not None else texts["do_fill"])
    weeks = int(values.objection_period_weeks)
    lines.append(texts["object"].format(weeks=weeks))
    terms.append("bezwaar")
    lines.append(texts["guidance"])
    return Explanation(
        language=language,
        audience=audience,
        decided_on=route.decided_on,
        outcome=route.outcome,
        rule_id=route.rule_id,
        rule_version=route.rule_version,
        band=band,
        band_visible=visible,
        probability=profile.probability if coach and profile is not None else None,
        factors=factors,
        overridden=overridden,
        decided_by=(route.override_by or "?") if overridden else "werkmap",
        override_reason=route.override_reason,
        override_on=route.override_on,
        objection_weeks=weeks,
        lines=tuple(lines),
        terms=glossary(terms, language),
    )
