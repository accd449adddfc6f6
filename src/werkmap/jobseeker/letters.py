"""Letters for decisions with legal effect: the hearing on a proposed measure and the decision on it.

A measure (*maatregel*) is a decision with legal effect: a person takes it, after the jobseeker was heard
(Awb art. 4:8), and the decision letter names the facts, the rule, the measure, its duration, and the
right to object (*bezwaar*) within the objection period (Awb art. 6:7, six weeks) and where
(Awb art. 3:45). Both letters are written from the enforcement case's records only
(:class:`~werkmap.plan.enforcement.EnforcementCase`, its :class:`~werkmap.plan.enforcement.MeasureProposal`
and :class:`~werkmap.plan.enforcement.Decision`) and the dated policy of the letter's date, so the same
records give the same letter:

* :func:`hearing_letter`: what happened, which rule, what is proposed, and until when the jobseeker can
  respond: ``case_response_working_days`` working days after the day of the proposal (the same
  parameter and calendar as the hearing when the case was opened);
* :func:`decision_letter`: the facts, the rule, the measure and its duration, who decided (and which terms
  the person changed, with the reason), and the objection period: the term starts the day after the
  letter is sent (Awb art. 6:8) and ends ``objection_period_weeks`` weeks later; a last day on a weekend
  or public holiday moves to the next working day (Algemene termijnenwet art. 1). Where to object is the
  dated parameter ``objection_address``.

:func:`werkmap.service.letters.letter_notifications` turns the events of a change (``measure_proposed``,
``measure_decided`` with a measure imposed) into outbox notifications carrying the whole letter in Dutch
and English; the service writes them in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import attrs

from werkmap.errors import InvalidInput, Problem
from werkmap.jobseeker._common import check_language, glossary, printable
from werkmap.plan.enforcement import EnforcementCase, Ground, MeasureKind
from werkmap.plan.folder import WorkFolder
from werkmap.rules.policy import Policy, default_policy
from werkmap.texts import date_text, number
from werkmap.workdays import HolidayCalendar, dutch_calendar

__all__ = [
    "LETTER_CHANNEL",
    "LETTER_KINDS",
    "Letter",
    "case_letter",
    "decision_letter",
    "hearing_letter",
    "in_language",
    "objection_deadline",
]

LETTER_KINDS = ("hearing_letter", "decision_letter")
"""The kinds of letter (and of their outbox notifications)."""

LETTER_CHANNEL = "werk.nl"
"""The channel letters are sent on: the jobseeker's message box on werk.nl."""

_GROUND: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "activity": "U heeft een activiteit uit uw Werkmap niet op tijd gedaan{what}. U kreeg een "
        "herinnering, maar heeft niet gereageerd.",
        "application_duty": "U heeft in een periode te weinig gesolliciteerd. Dat is uw "
        "sollicitatieplicht.",
        "no_show": "U kwam niet naar een gesprek met uw adviseur{what}.",
    },
    "en": {
        "activity": "You did not do an activity from your Work Folder on time{what}. You got a "
        "reminder but did not respond.",
        "application_duty": "In a period you applied for jobs too few times. That is your "
        "application duty.",
        "no_show": "You did not come to a conversation with your coach{what}.",
    },
}

_T: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "hearing_subject": "Wij zijn van plan een maatregel te nemen",
        "decision_subject": "Besluit: maatregel op uw uitkering",
        "dear": "Beste heer, mevrouw,",
        "happened": "Wat is er gebeurd?",
        "opened": "Op {on} is hierover een zaak geopend. De reden: {reason}",
        "response": "U reageerde op {on}: {response}",
        "no_response": "Wij hebben geen reactie van u ontvangen.",
        "rule": "Welke regel geldt?",
        "rule_line": "Regel {rule} (versie {version}). {explanation}",
        "proposed": "Wat stellen wij voor?",
        "decided": "Wat hebben wij besloten?",
        "reduction": "U krijgt {weeks} weken {pct} minder uitkering.",
        "refusal": "U krijgt geen uitkering meer (blijvende weigering).",
        "respond": "Wat kunt u doen?",
        "respond_line": "U kunt uw kant van het verhaal vertellen. Reageer uiterlijk {by}. Dat kan "
        "in uw Werkmap of bij uw adviseur.",
        "respond_after": "Daarna beslist een adviseur. Het is nog geen besluit.",
        "who": "Adviseur {by} heeft dit besloten op {on}. De reden: {reason}",
        "changed": "De adviseur veranderde het voorstel ({terms}). De reden: {reason}",
        "object": "Bent u het niet eens met dit besluit?",
        "object_line": "Dan kunt u bezwaar maken. Dat moet binnen {weeks} weken na de dag van "
        "verzending van deze brief: uiterlijk {by}.",
        "object_where": "Waar: {where}.",
        "object_what": "Schrijf in uw bezwaar uw naam, de datum, over welk besluit het gaat en "
        "waarom u het er niet mee eens is.",
        "regards": "Met vriendelijke groet, UWV",
    },
    "en": {
        "hearing_subject": "We intend to impose a measure",
        "decision_subject": "Decision: a measure on your benefit",
        "dear": "Dear Sir or Madam,",
        "happened": "What happened?",
        "opened": "On {on} a case was opened about this. The reason: {reason}",
        "response": "You responded on {on}: {response}",
        "no_response": "We did not receive a response from you.",
        "rule": "Which rule applies?",
        "rule_line": "Rule {rule} (version {version}). {explanation}",
        "proposed": "What do we propose?",
        "decided": "What did we decide?",
        "reduction": "You get {pct} less benefit for {weeks} weeks.",
        "refusal": "You no longer get a benefit (permanent refusal).",
        "respond": "What can you do?",
        "respond_line": "You can tell your side of the story. Respond by {by}. You can do this in "
        "your Work Folder or with your coach.",
        "respond_after": "After that a coach decides. This is not yet a decision.",
        "who": "Coach {by} decided this on {on}. The reason: {reason}",
        "changed": "The coach changed the proposal ({terms}). The reason: {reason}",
        "object": "Do you not agree with this decision?",
        "object_line": "Then you can object. You must do so within {weeks} weeks after the day "
        "this letter was sent: by {by} at the latest.",
        "object_where": "Where: {where}.",
        "object_what": "In your objection write your name, the date, which decision it is about "
        "and why you do not agree.",
        "regards": "Kind regards, UWV",
    },
}

_TERMS: Mapping[str, Mapping[str, str]] = {
    "nl": {"kind": "soort", "percentage": "percentage", "duration_weeks": "duur"},
    "en": {"kind": "kind", "percentage": "percentage", "duration_weeks": "duration"},
}


@attrs.frozen(kw_only=True)
class Letter:
    """A letter to the jobseeker about a measure, in one language.

    Attributes:
        kind: one of :data:`LETTER_KINDS`.
        language: ``"nl"`` or ``"en"``.
        folder_id: the folder.
        case_id: the enforcement case.
        dated: the letter's date (the day of the proposal or of the decision).
        rule_id: the measure rule of the proposal (``R-MEASURE-01``).
        measure_kind: the measure proposed or decided (``reduction``, ``permanent_refusal``).
        percentage: the share of the benefit withheld (100 for a permanent refusal).
        duration_weeks: how long (0 for a permanent refusal).
        respond_by: the last day to respond (hearing letter), else ``None``.
        object_by: the last day to object (decision letter), else ``None``.
        objection_weeks: the objection period (decision letter), else ``0``.
        object_to: where to object (decision letter), else ``""``.
        subject: the subject line.
        paragraphs: the body, paragraph by paragraph (headings are paragraphs of their own).
        terms: the glossary terms used, each explained in a line.
    """

    kind: str
    language: str
    folder_id: str
    case_id: str
    dated: dt.date
    rule_id: str
    measure_kind: str
    percentage: float
    duration_weeks: int
    respond_by: dt.date | None = None
    object_by: dt.date | None = None
    objection_weeks: int = 0
    object_to: str = ""
    subject: str
    paragraphs: tuple[str, ...]
    terms: tuple[tuple[str, str], ...] = ()

    def to_text(self) -> str:
        """Return the letter as plain text."""
        lines = [date_text(self.dated, self.language), "", self.subject, ""]
        lines += list(self.paragraphs)
        if self.terms:
            lines.append("")
            lines += [f"{term}: {meaning}" for term, meaning in self.terms]
        return "\n".join(printable(line) for line in lines) + "\n"

    def to_html(self) -> str:
        """Return the letter as an HTML ``<article>``, every value escaped."""
        esc = html.escape
        parts = [
            f'<article class="werkmap-letter {esc(self.kind)}" lang="{self.language}">',
            f'<p class="date">{esc(date_text(self.dated, self.language))}</p>',
            f"<h1>{esc(self.subject)}</h1>",
        ]
        parts += [f"<p>{esc(p)}</p>" for p in self.paragraphs]
        if self.terms:
            parts.append("<dl>")
            parts += [f"<dt>{esc(t)}</dt><dd>{esc(m)}</dd>" for t, m in self.terms]
            parts.append("</dl>")
        parts.append("</article>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_record(self) -> dict[str, Any]:
        """Return the letter as a JSON-ready dict (dates as ISO text)."""
        return {
            "kind": self.kind,
            "language": self.language,
            "folder_id": self.folder_id,
            "case_id": self.case_id,
            "dated": self.dated.isoformat(),
            "rule_id": self.rule_id,
            "measure_kind": self.measure_kind,
            "percentage": self.percentage,
            "duration_weeks": self.duration_weeks,
            "respond_by": self.respond_by.isoformat() if self.respond_by else None,
            "object_by": self.object_by.isoformat() if self.object_by else None,
            "objection_weeks": self.objection_weeks,
            "object_to": self.object_to,
            "subject": self.subject,
            "paragraphs": list(self.paragraphs),
        }


def _case(folder: WorkFolder, case_id: str, need: str) -> EnforcementCase:
    case = folder.case(case_id)
    missing = case.proposal is None or (need == "decision" and case.decision is None)
    if missing or (need == "decision" and case.decision is not None and not case.decision.imposed):
        what = "proposed measure" if need == "proposal" else "decision imposing a measure"
        raise InvalidInput(
            [Problem(path="$.case_id", message=f"case {case_id!r} has no {what}")],
            source="letter",
        )
    return case


def _what(folder: WorkFolder, case: EnforcementCase, language: str) -> str:
    """The source of the case in a few words: the activity's title, the conversation's date."""
    if case.ground is Ground.ACTIVITY:
        hits = [a for a in folder.activities if a.activity_id == case.source_id]
        if hits:
            a = hits[0]
            title = a.title or a.activity_id
            due = date_text(a.deadline.due, language)
            return f" ({title}, {'uiterlijk' if language == 'nl' else 'due'} {due})"
    if case.ground is Ground.NO_SHOW:
        convs = [c for c in folder.conversations if c.conversation_id == case.source_id]
        if convs and convs[0].scheduled_for is not None:
            at = date_text(convs[0].scheduled_for, language)
            return f" ({'op' if language == 'nl' else 'on'} {at})"
    return ""


def in_language(text: str, language: str) -> str:
    """Return the part of a two-language text ``"nl / en"`` in ``language`` (the whole text otherwise)."""
    nl, sep, en = text.partition(" / ")
    if not sep:
        return text
    return nl if language == "nl" else en


def _person(who: str) -> str:
    """A person as the records name them (``coach:c-1``), without the role."""
    return who.partition(":")[2] or who


def _facts(folder: WorkFolder, case: EnforcementCase, language: str) -> list[str]:
    t = _T[language]
    lines = [
        t["happened"],
        _GROUND[language][str(case.ground)].format(what=_what(folder, case, language)),
        t["opened"].format(
            on=date_text(case.opened_on, language), reason=in_language(case.reason, language)
        ),
    ]
    if case.responded_on is not None:
        lines.append(
            t["response"].format(
                on=date_text(case.responded_on, language),
                response=in_language(case.response, language),
            )
        )
    elif case.informed_on is not None:
        lines.append(t["no_response"])
    return lines


def _measure(kind: MeasureKind, pct: float, weeks: int, language: str) -> str:
    t = _T[language]
    if kind is MeasureKind.PERMANENT_REFUSAL:
        return t["refusal"]
    return t["reduction"].format(pct=f"{number(pct, language, digits=None)} %", weeks=weeks)


def hearing_letter(
    folder: WorkFolder,
    case_id: str,
    *,
    policy: Policy | None = None,
    language: str = "nl",
    calendar: HolidayCalendar | None = None,
) -> Letter:
    """Return the hearing letter on the measure proposed in case ``case_id`` (see the module docstring).

    Raises:
        NotFound: no such case.
        InvalidInput: the case has no proposed measure, or an unknown language.
    """
    check_language(language, "letter")
    case = _case(folder, case_id, "proposal")
    p = case.proposal
    assert p is not None
    policy = policy if policy is not None else default_policy()
    cal = calendar if calendar is not None else dutch_calendar()
    days = policy.at(p.proposed_on).case_response_working_days
    respond_by = cal.add_working_days(p.proposed_on, int(days))
    t = _T[language]
    paragraphs = [
        t["dear"],
        *_facts(folder, case, language),
        t["rule"],
        t["rule_line"].format(
            rule=p.rule_id,
            version=p.rule_version,
            explanation=p.explanation_nl if language == "nl" else p.explanation,
        ),
        t["proposed"],
        _measure(p.kind, p.percentage, p.duration_weeks, language),
        t["respond"],
        t["respond_line"].format(by=date_text(respond_by, language)),
        t["respond_after"],
        t["regards"],
    ]
    return Letter(
        kind="hearing_letter",
        language=language,
        folder_id=folder.folder_id,
        case_id=case_id,
        dated=p.proposed_on,
        rule_id=p.rule_id,
        measure_kind=str(p.kind),
        percentage=p.percentage,
        duration_weeks=p.duration_weeks,
        respond_by=respond_by,
        subject=t["hearing_subject"],
        paragraphs=tuple(paragraphs),
        terms=glossary(["handhaving", "maatregel", "sollicitatieplicht", "werkmap"], language),
    )


def objection_deadline(
    sent_on: dt.date, weeks: int, calendar: HolidayCalendar | None = None
) -> dt.date:
    """Return the last day to object against a decision sent on ``sent_on``.

    The term starts the day after the sending (Awb art. 6:8) and ends ``weeks`` weeks later, on the same
    weekday as the sending; a last day on a Saturday, Sunday or public holiday moves to the next working
    day (Algemene termijnenwet art. 1).

    Examples:
        >>> objection_deadline(dt.date(2025, 3, 3), 6)
        datetime.date(2025, 4, 14)
    """
    cal = calendar if calendar is not None else dutch_calendar()
    return cal.next_working_day(sent_on + dt.timedelta(weeks=weeks))


def decision_letter(
    folder: WorkFolder,
    case_id: str,
    *,
    policy: Policy | None = None,
    language: str = "nl",
    calendar: HolidayCalendar | None = None,
) -> Letter:
    """Return the decision letter on the measure decided in case ``case_id`` (see the module docstring).

    Raises:
        NotFound: no such case.
        InvalidInput: the case has no decision imposing a measure, or an unknown language.
    """
    check_language(language, "letter")
    case = _case(folder, case_id, "decision")
    p, d = case.proposal, case.decision
    assert p is not None
    assert d is not None
    policy = policy if policy is not None else default_policy()
    values = policy.at(d.decided_on)
    weeks = int(values.objection_period_weeks)
    where = str(values.objection_address)
    object_by = objection_deadline(d.decided_on, weeks, calendar)
    t = _T[language]
    paragraphs = [
        t["dear"],
        *_facts(folder, case, language),
        t["rule"],
        t["rule_line"].format(
            rule=p.rule_id,
            version=p.rule_version,
            explanation=p.explanation_nl if language == "nl" else p.explanation,
        ),
        t["decided"],
        _measure(d.kind, d.percentage, d.duration_weeks, language),
        t["who"].format(
            by=_person(d.decided_by),
            on=date_text(d.decided_on, language),
            reason=in_language(d.reason, language),
        ),
    ]
    if d.changed_terms:
        names = ", ".join(_TERMS[language].get(n, n) for n in d.changed_terms)
        paragraphs.append(
            t["changed"].format(terms=names, reason=in_language(d.change_reason, language))
        )
    paragraphs += [
        t["object"],
        t["object_line"].format(weeks=weeks, by=date_text(object_by, language)),
        t["object_where"].format(where=where),
        t["object_what"],
        t["regards"],
    ]
    return Letter(
        kind="decision_letter",
        language=language,
        folder_id=folder.folder_id,
        case_id=case_id,
        dated=d.decided_on,
        rule_id=p.rule_id,
        measure_kind=str(d.kind),
        percentage=d.percentage,
        duration_weeks=d.duration_weeks,
        object_by=object_by,
        objection_weeks=weeks,
        object_to=where,
        subject=t["decision_subject"],
        paragraphs=tuple(paragraphs),
        terms=glossary(["maatregel", "bezwaar", "sollicitatieplicht"], language),
    )


def case_letter(
    folder: WorkFolder,
    case_id: str,
    *,
    kind: str | None = None,
    policy: Policy | None = None,
    language: str = "nl",
    calendar: HolidayCalendar | None = None,
) -> Letter:
    """Return one letter of case ``case_id``, regenerated from the case's records.

    Args:
        folder: the folder holding the case.
        case_id: the enforcement case.
        kind: ``"hearing"`` (:func:`hearing_letter`) or ``"decision"`` (:func:`decision_letter`); default:
            the case's latest letter (the decision letter once a measure was imposed, else the hearing
            letter).
        policy: the dated policy; default: the packaged one.
        language: ``"nl"`` or ``"en"``.
        calendar: the holiday calendar; default: the Dutch one.

    Raises:
        InvalidInput: no such case, the case has no letter of that kind (or none at all), an unknown
            kind or language.
    """
    if kind not in (None, "hearing", "decision"):
        raise InvalidInput(
            [Problem(path="$.kind", message=f"expected hearing or decision, got {kind!r}")],
            source="letter",
        )
    if case_id not in {c.case_id for c in folder.cases}:
        raise InvalidInput(
            [
                Problem(
                    path="$.case_id",
                    message=f"no case {case_id!r} in folder {folder.folder_id!r}",
                )
            ],
            source="letter",
        )
    if kind is None:
        decision = folder.case(case_id).decision
        kind = "decision" if decision is not None and decision.imposed else "hearing"
    make = decision_letter if kind == "decision" else hearing_letter
    return make(folder, case_id, policy=policy, language=language, calendar=calendar)
