"""The jobseeker's overview of their own Work Folder: a pure read model beside the coach's dashboard.

:func:`overview` turns one folder and a date into an :class:`Overview`, in plain Dutch (B1: short
sentences, the glossary's terms explained in a line) or English, for the jobseeker or for their work
coach. It shows:

* **every activity** with its deadline and colour (the one colour rule,
  :func:`werkmap.plan.folder.activity_colours`, with the colour horizon valid on the date) and what is
  **overdue** (:func:`werkmap.plan.folder.overdue_activities`);
* **what happens next and when**: the due rules' own actions (:func:`werkmap.rules.due_actions`,
  looked at on the date and on the next dates :func:`werkmap.rules.next_due_on` names, the folder taken
  as it is), each with its date: the day an activity becomes late, the reminder and the response window,
  the proposal to the coach, the invitations; and the last day to respond in an open enforcement case
  (the case's own ``respond_by``);
* **the next conversation**: its date, its kind and why it was planned (the conversation's record);
* **the application duty** of the current period: how many of how many, until when
  (:func:`werkmap.plan.duty.duty_status` with the policy's duty on the date), and the last completed
  period as the daily rule judges it (:func:`werkmap.plan.duty.last_period_check`);
* **the work plan** with its extra services and the reason for each;
* **the notifications sent**, as given: :meth:`werkmap.service.Werkmap.overview` passes those the
  folder's events caused, derived exactly as the service fills its outbox (letters included);
* the **explanation** of the latest routing decision (:func:`werkmap.jobseeker.explain_route`).
* in the coach's view only, **the adviser's section** (:mod:`werkmap.jobseeker.adviser`): what would
  move the band (recourse, guidance and never a promise) and the orientation conversation's fixed steps
  when the folder is routed to one; the model, questionnaire and catalogue are passed in.

Nothing here reads a store or the wall clock, and nothing imports the storage or the shell. Render it with :meth:`Overview.to_text`,
:meth:`Overview.to_html` (every value escaped) or :meth:`Overview.to_records` / :meth:`Overview.to_frame`.

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan import folder as wf
    >>> day = dt.date(2025, 3, 3)
    >>> f, _ = wf.create_folder("f-1", on=day, jobseeker_ref="js-1", coach_id="c-7")
    >>> f, _ = wf.add_activity(f, "a-1", "application", due=dt.date(2025, 3, 7), on=day, actor="c-7",
    ...                        title="Bakkerij Jansen")
    >>> o = overview(f, on=day, language="en")
    >>> [(i.fields["activity_id"], i.fields["colour"], i.day) for i in o.activities]
    [('a-1', 'orange', datetime.date(2025, 3, 7))]
    >>> print(o.activities[0].text)
    Application activity "Bakkerij Jansen": by 7 March 2025. Colour: orange. Still to do.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from werkmap.jobseeker._common import (
    GLOSSARY,
    check_audience,
    check_language,
    glossary,
    html_section,
    printable,
)
from werkmap.jobseeker.adviser import ADVISER_SECTIONS, adviser_items, route_profile
from werkmap.jobseeker.explanation import Explanation, explain_route
from werkmap.jobseeker.letters import decision_letter, hearing_letter, in_language
from werkmap.plan.activity import Activity
from werkmap.plan.duty import ApplicationDuty, duty_status, last_period_check
from werkmap.plan.folder import (
    ProfileRecord,
    RouteRecord,
    WorkFolder,
    activity_colours,
    next_conversation,
    overdue_activities,
)
from werkmap.rules.due import Action, due_actions, next_due_on
from werkmap.rules.policy import Policy, default_policy
from werkmap.rules.state import folder_state
from werkmap.texts import date_text
from werkmap.workdays import HolidayCalendar, dutch_calendar

if TYPE_CHECKING:
    import pandas as pd

    from werkmap.interventions.catalogue import Catalogue
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire

__all__ = [
    "HORIZON_DAYS",
    "JOBSEEKER_SECTIONS",
    "SECTIONS",
    "Item",
    "Message",
    "Overview",
    "overview",
]

SECTIONS = (
    "activities",
    "overdue",
    "next",
    "conversation",
    "duty",
    "plan",
    "cases",
    "notifications",
    *ADVISER_SECTIONS,
)
"""The sections of an overview, in the order they are shown (the explanation comes after them).

The last two (:data:`~werkmap.jobseeker.adviser.ADVISER_SECTIONS`: ``recourse`` and ``agenda``) are in the
coach's view only."""

JOBSEEKER_SECTIONS = tuple(s for s in SECTIONS if s not in ADVISER_SECTIONS)
"""The sections of the jobseeker's view (no recourse, no agenda)."""

HORIZON_DAYS = 120
"""How far ahead "what happens next" looks (the folder taken as it is on the date)."""

_STEPS = 40

_A = "activity"

_SECTION_TITLES: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "title": "Uw Werkmap op {on}",
        "title_coach": "Werkmap {folder} op {on} (weergave adviseur)",
        "activities": "Uw activiteiten",
        "overdue": "Te laat",
        "next": "Wat gebeurt er hierna?",
        "conversation": "Uw volgende gesprek",
        "duty": "Uw sollicitatieplicht",
        "plan": "Uw werkplan",
        "cases": "Handhaving",
        "notifications": "Berichten die u kreeg",
        "terms": "Wat betekent dit?",
        "none": "Niets.",
    },
    "nl-coach": {
        "activities": "Activiteiten",
        "overdue": "Te laat",
        "next": "Wat volgens de regels volgt",
        "conversation": "Volgend gesprek",
        "duty": "Sollicitatieplicht",
        "plan": "Werkplan",
        "cases": "Handhaving",
        "notifications": "Verstuurde berichten",
        "recourse": "Voor de adviseur: wat de klasse zou veranderen (richtlijn, geen belofte)",
        "agenda": "Voor de adviseur: de vaste stappen van het werkoriëntatiegesprek",
    },
    "en": {
        "title": "Your Work Folder on {on}",
        "title_coach": "Work Folder {folder} on {on} (coach view)",
        "activities": "Your activities",
        "overdue": "Overdue",
        "next": "What happens next?",
        "conversation": "Your next conversation",
        "duty": "Your application duty",
        "plan": "Your work plan",
        "cases": "Enforcement",
        "notifications": "Messages you received",
        "terms": "What does this mean?",
        "none": "Nothing.",
    },
    "en-coach": {
        "activities": "Activities",
        "overdue": "Overdue",
        "next": "What the rules say comes next",
        "conversation": "Next conversation",
        "duty": "Application duty",
        "plan": "Work plan",
        "cases": "Enforcement",
        "notifications": "Messages sent",
        "recourse": "For the adviser: what would move the band (guidance, not a promise)",
        "agenda": "For the adviser: the orientation conversation's fixed steps",
    },
}

_KIND: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "application": "Sollicitatieactiviteit",
        "cv": "Cv op werk.nl",
        "vacancy_matching": "Vacatures bekijken",
        "e_learning": "E-learning",
        "workshop": "Workshop of training",
        "other_task": "Taak",
    },
    "en": {
        "application": "Application activity",
        "cv": "CV on werk.nl",
        "vacancy_matching": "Vacancy matching",
        "e_learning": "E-learning",
        "workshop": "Workshop or training",
        "other_task": "Task",
    },
}

_COLOUR: Mapping[str, Mapping[str, str]] = {
    "nl": {"red": "rood", "orange": "oranje", "green": "groen", "grey": "grijs"},
    "en": {"red": "red", "orange": "orange", "green": "green", "grey": "grey"},
}

_STATE: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "open": "Nog te doen.",
        "overdue": "Te laat.",
        "reminded": "Te laat. U kreeg een herinnering op {reminded}.",
        "done": "Gedaan.",
        "done_late": "Te laat gedaan.",
        "excused": "Niet meer nodig: uw adviseur heeft het goedgekeurd.",
        "referred": "Doorgestuurd naar handhaving.",
        "cancelled": "Vervallen.",
    },
    "en": {
        "open": "Still to do.",
        "overdue": "Overdue.",
        "reminded": "Overdue. You got a reminder on {reminded}.",
        "done": "Done.",
        "done_late": "Done late.",
        "excused": "No longer needed: your coach agreed.",
        "referred": "Passed on to enforcement.",
        "cancelled": "Cancelled.",
    },
}

_T: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "activity": '{kind} "{title}": uiterlijk {due}. Kleur: {colour}. {state}',
        "activity_untitled": "{kind}: uiterlijk {due}. Kleur: {colour}. {state}",
        "overdue": '"{title}" moest klaar zijn op {due}.',
        "overdue_count": "{n} activiteit(en) te laat.",
        "conv": "{kind} op {at}.",
        "conv_why": "Waarom: {why}",
        "conv_none": "Er is nog geen gesprek gepland.",
        "duty": "Deze periode: {counted} van de {required} sollicitaties. De periode loopt tot en "
        "met {last}.",
        "duty_exempt": "U heeft geen sollicitatieplicht (u bent bijna AOW-leeftijd).",
        "duty_last_ok": "Vorige periode (tot en met {last}): {counted} van de {required}. In orde.",
        "duty_last_short": "Vorige periode (tot en met {last}): {counted} van de {required}. Dat is "
        "te weinig. Uw adviseur bekijkt dit.",
        "duty_closed": "U heeft geen sollicitatieplicht meer: {why}.",
        "closed_work": "u heeft werk gevonden",
        "closed_benefit": "uw uitkering is gestopt",
        "plan": "Werkplan {plan}, versie {version}, afgesproken op {on}.",
        "plan_draft": "Werkplan {plan}, versie {version}: nog niet afgesproken.",
        "plan_duty": "Afspraak: {required} sollicitaties per {days} dagen.",
        "service": 'Extra hulp: "{name}". Waarom: {reason}',
        "plan_none": "U heeft nog geen werkplan.",
        "case": "Zaak {case}: {state}",
        "case_respond": "Reageer uiterlijk {by} op de brief over handhaving.",
        "hearing_respond": "Er is een maatregel voorgesteld. U kunt reageren tot en met {by}.",
        "objection_until": "Bent u het niet eens met de maatregel? Bezwaar maken kan tot en met "
        "{by}.",
        "note": "{on}: {text}",
    },
    "en": {
        "activity": '{kind} "{title}": by {due}. Colour: {colour}. {state}',
        "activity_untitled": "{kind}: by {due}. Colour: {colour}. {state}",
        "overdue": '"{title}" had to be done by {due}.',
        "overdue_count": "{n} activity(ies) overdue.",
        "conv": "{kind} on {at}.",
        "conv_why": "Why: {why}",
        "conv_none": "No conversation is planned yet.",
        "duty": "This period: {counted} of the {required} applications. The period runs until "
        "{last} inclusive.",
        "duty_exempt": "You have no application duty (you are close to state-pension age).",
        "duty_last_ok": "Last period (until {last}): {counted} of the {required}. That is fine.",
        "duty_last_short": "Last period (until {last}): {counted} of the {required}. That is too "
        "few. Your coach looks at it.",
        "duty_closed": "You no longer have an application duty: {why}.",
        "closed_work": "you found work",
        "closed_benefit": "your benefit ended",
        "plan": "Work plan {plan}, version {version}, agreed on {on}.",
        "plan_draft": "Work plan {plan}, version {version}: not agreed yet.",
        "plan_duty": "Agreed: {required} applications per {days} days.",
        "service": 'Extra help: "{name}". Why: {reason}',
        "plan_none": "You have no work plan yet.",
        "case": "Case {case}: {state}",
        "case_respond": "Respond by {by} to the letter about enforcement.",
        "hearing_respond": "A measure was proposed. You can respond until {by} inclusive.",
        "objection_until": "Do you not agree with the measure? You can object until {by} "
        "inclusive.",
        "note": "{on}: {text}",
    },
}

_CONV_KIND: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "orientation": "Werkoriëntatiegesprek",
        "monitor": "Monitorgesprek",
        "coaching": "Coachingsgesprek",
        "early_contact": "Persoonlijk gesprek",
    },
    "en": {
        "orientation": "Orientation conversation",
        "monitor": "Monitor conversation",
        "coaching": "Coaching conversation",
        "early_contact": "Face-to-face conversation",
    },
}

_CONV_WHY: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "orientation": "het eerste gesprek over uw werk en uw werkplan.",
        "monitor": "u had de eerste maanden geen gesprek. We kijken hoe het gaat.",
        "coaching": "we bespreken uw afspraken en wat de volgende stap is.",
        "early_contact": "u zoekt al even werk. Een gesprek kan helpen.",
    },
    "en": {
        "orientation": "the first conversation about your work and your work plan.",
        "monitor": "you had no conversation in the first months. We look at how it goes.",
        "coaching": "we discuss what you agreed and what the next step is.",
        "early_contact": "you have been looking for work for a while. A conversation can help.",
    },
}

_CASE_STATE: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "opened": "geopend.",
        "informed": "u kreeg een brief en kunt reageren.",
        "responded": "u heeft gereageerd. Een adviseur beslist.",
        "no_response": "u heeft niet gereageerd. Een adviseur beslist.",
        "no_measure": "er komt geen maatregel.",
        "measure_proposed": "er is een maatregel voorgesteld. U kreeg een brief.",
        "decided": "er is besloten. U kreeg een brief.",
        "objection": "u heeft bezwaar gemaakt.",
        "closed": "afgesloten.",
    },
    "en": {
        "opened": "opened.",
        "informed": "you got a letter and can respond.",
        "responded": "you responded. A coach decides.",
        "no_response": "you did not respond. A coach decides.",
        "no_measure": "no measure follows.",
        "measure_proposed": "a measure was proposed. You got a letter.",
        "decided": "a decision was taken. You got a letter.",
        "objection": "you objected.",
        "closed": "closed.",
    },
}

# what happens next, as the jobseeker reads it: by the action kind of the due rules
_NEXT: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "cancel_invitation": "Uw uitnodiging voor een gesprek vervalt op {fired}: u heeft werk "
        "gevonden of uw uitkering is gestopt.",
        "invite_profiler": "Vanaf {fired}: u krijgt een uitnodiging voor de Werkverkenner.",
        "flag_no_profile": "Vanaf {fired}: een adviseur bekijkt uw situatie, want de "
        "Werkverkenner is niet ingevuld.",
        "invite_orientation": "U krijgt een uitnodiging voor een werkoriëntatiegesprek. Het "
        "gesprek is uiterlijk {due_by}.",
        "invite_monitor": "Vanaf {fired}: u krijgt een uitnodiging voor een monitorgesprek. Het "
        "gesprek is uiterlijk {due_by}.",
        "invite_early_contact": "Vanaf {fired}: u krijgt een uitnodiging voor een persoonlijk "
        "gesprek. Het gesprek is uiterlijk {due_by}.",
        "invite_coaching": "Vanaf {fired}: u krijgt een uitnodiging voor een coachingsgesprek. Het "
        "gesprek is uiterlijk {due_by}.",
        "mark_overdue": '"{title}" is te laat vanaf {fired} als het dan niet klaar is.',
        "send_reminder": '"{title}" is te laat. Op {fired} krijgt u een herinnering. Reageren kan '
        "tot en met {due_by}.",
        "propose_enforcement": 'U reageerde niet op de herinnering voor "{title}". Vanaf {fired} '
        "krijgt uw adviseur een voorstel voor handhaving. De adviseur beslist uiterlijk {due_by}.",
        "flag_application_duty": "U solliciteerde te weinig in de periode tot {fired}. Uw "
        "adviseur bekijkt dit.",
        "flag_outcome_missing": "Uw adviseur legt vast of gesprek {subject} is gehouden.",
    },
    "en": {
        "cancel_invitation": "Your invitation to a conversation lapses on {fired}: you found work "
        "or your benefit ended.",
        "invite_profiler": "From {fired}: you get an invitation to the Work Profiler.",
        "flag_no_profile": "From {fired}: a coach looks at your situation, because the Work "
        "Profiler was not filled in.",
        "invite_orientation": "You get an invitation to an orientation conversation. The "
        "conversation is by {due_by}.",
        "invite_monitor": "From {fired}: you get an invitation to a monitor conversation. The "
        "conversation is by {due_by}.",
        "invite_early_contact": "From {fired}: you get an invitation to a face-to-face "
        "conversation. The conversation is by {due_by}.",
        "invite_coaching": "From {fired}: you get an invitation to a coaching conversation. The "
        "conversation is by {due_by}.",
        "mark_overdue": '"{title}" is overdue from {fired} if it is not done by then.',
        "send_reminder": '"{title}" is overdue. On {fired} you get a reminder. You can respond '
        "until {due_by} inclusive.",
        "propose_enforcement": 'You did not respond to the reminder for "{title}". From {fired} '
        "your coach gets a proposal for enforcement. The coach decides by {due_by}.",
        "flag_application_duty": "You applied too few times in the period until {fired}. Your "
        "coach looks at it.",
        "flag_outcome_missing": "Your coach records whether conversation {subject} was held.",
    },
}

_COACH_ONLY = frozenset({"flag_outcome_missing"})


class Message(Protocol):
    """A message sent about the folder, as the overview lists it (a stored outbox notification fits)."""

    @property
    def kind(self) -> str:
        """What the message is about (``activity_reminded``, ``decision_letter`` ...)."""

    @property
    def recipient(self) -> str:
        """Who received it (``jobseeker:<ref>``, ``coach:<id>``)."""

    @property
    def idempotency_key(self) -> str:
        """The message's stable key."""

    @property
    def text_nl(self) -> str:
        """The text in Dutch."""

    @property
    def text_en(self) -> str:
        """The text in English."""

    @property
    def created_on(self) -> dt.date:
        """The day it was made."""


@attrs.frozen(kw_only=True)
class Item:
    """One line of an overview.

    Attributes:
        section: one of :data:`SECTIONS`.
        text: the line as people read it, in the overview's language.
        day: the line's main date (a deadline, the date of a step, a conversation), or ``None``.
        fields: what the line says as values (ids, kinds, dates as ISO text, counts), for records and
            tests.
    """

    section: str
    text: str
    day: dt.date | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict)

    def to_record(self) -> dict[str, Any]:
        """Return the line as a JSON-ready dict: ``section``, ``day``, ``text`` and its fields."""
        return {
            "section": self.section,
            "day": self.day.isoformat() if self.day is not None else None,
            "text": self.text,
            **self.fields,
        }


@attrs.frozen(kw_only=True)
class Overview:
    """A jobseeker's Work Folder on one date, as the jobseeker (or their coach) reads it.

    Attributes:
        folder_id: the folder.
        on: the date.
        language: ``"nl"`` or ``"en"``.
        audience: ``"jobseeker"`` or ``"coach"``.
        items: every line, in :data:`SECTIONS` order.
        explanation: the explanation of the latest routing decision, or ``None`` when none was made.
        terms: the glossary terms used, each explained in a line.
    """

    folder_id: str
    on: dt.date
    language: str
    audience: str
    items: tuple[Item, ...] = ()
    explanation: Explanation | None = None
    terms: tuple[tuple[str, str], ...] = ()

    def section(self, name: str) -> tuple[Item, ...]:
        """Return the lines of section ``name`` (one of :data:`SECTIONS`)."""
        return tuple(i for i in self.items if i.section == name)

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections this view shows: :data:`SECTIONS` for the coach, else :data:`JOBSEEKER_SECTIONS`."""
        return SECTIONS if self.audience == "coach" else JOBSEEKER_SECTIONS

    @property
    def activities(self) -> tuple[Item, ...]:
        """Every activity with its deadline and colour."""
        return self.section("activities")

    @property
    def next_steps(self) -> tuple[Item, ...]:
        """What happens next, and when."""
        return self.section("next")

    @property
    def title(self) -> str:
        """The overview's title line."""
        t = _SECTION_TITLES[self.language]
        on = date_text(self.on, self.language)
        if self.audience == "coach":
            return t["title_coach"].format(folder=self.folder_id, on=on)
        return t["title"].format(on=on)

    def _titles(self) -> Mapping[str, str]:
        titles = dict(_SECTION_TITLES[self.language])
        if self.audience == "coach":
            titles.update(_SECTION_TITLES[f"{self.language}-coach"])
        return titles

    def to_text(self) -> str:
        """Return the overview as plain text: a title, then each section with its lines."""
        t = self._titles()
        out = [self.title, "=" * len(self.title)]
        for name in self.sections:
            lines = self.section(name)
            out += ["", t[name]]
            out += [f"- {i.text}" for i in lines] or [f"- {t['none']}"]
        if self.explanation is not None:
            out += ["", self.explanation.to_text(terms=False).rstrip("\n")]
        if self.terms:
            out += ["", t["terms"]]
            out += [f"- {term}: {meaning}" for term, meaning in self.terms]
        return "\n".join(printable(line) for line in out) + "\n"

    def to_html(self) -> str:
        """Return the overview as an HTML ``<article>``, every value escaped."""
        t = self._titles()
        parts = [
            f'<article class="werkmap-overview" lang="{self.language}">',
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for name in self.sections:
            lines = [i.text for i in self.section(name)] or [t["none"]]
            parts.append(html_section(t[name], lines, name))
        if self.explanation is not None:
            parts.append(self.explanation.to_html(terms=False))
        if self.terms:
            parts.append(html_section(t["terms"], [f"{a}: {b}" for a, b in self.terms], "terms"))
        parts.append("</article>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_records(self) -> list[dict[str, Any]]:
        """Return one JSON-ready dict per line (see :meth:`Item.to_record`), explanation lines last."""
        out = [i.to_record() for i in self.items]
        if self.explanation is not None:
            out += self.explanation.to_records()
        return out

    def to_record(self) -> dict[str, Any]:
        """Return the whole overview as one JSON-ready dict."""
        return {
            "folder_id": self.folder_id,
            "on": self.on.isoformat(),
            "language": self.language,
            "audience": self.audience,
            "items": [i.to_record() for i in self.items],
            "explanation": self.explanation.to_record() if self.explanation else None,
            "terms": [list(t) for t in self.terms],
        }

    def to_frame(self) -> pd.DataFrame:
        """Return :meth:`to_records` as a DataFrame (needs pandas, imported only here)."""
        import pandas as pd

        return pd.DataFrame(self.to_records())


# ------------------------------------------------------------------------------------------ building


def _d(day: dt.date | None, language: str) -> str:
    return date_text(day, language) if day is not None else "-"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _activity_items(
    folder: WorkFolder, on: dt.date, horizon: int, language: str
) -> tuple[list[Item], list[Item]]:
    colours = activity_colours(folder, on, horizon)
    late = {a.activity_id for a in overdue_activities(folder, on)}
    t = _T[language]
    items = []
    for a in folder.activities:
        state = _STATE[language][str(a.state)].format(reminded=_d(a.reminded_on, language))
        colour = colours[a.activity_id]
        kind = _KIND[language][str(a.kind)]
        fmt = t["activity"] if a.title else t["activity_untitled"]
        text = fmt.format(
            kind=kind,
            title=a.title,
            due=_d(a.deadline.due, language),
            colour=_COLOUR[language][str(colour)],
            state=state,
        )
        items.append(
            Item(
                section="activities",
                text=text,
                day=a.deadline.due,
                fields={
                    "activity_id": a.activity_id,
                    "kind": str(a.kind),
                    "title": a.title,
                    "state": str(a.state),
                    "due": a.deadline.due.isoformat(),
                    "colour": str(colour),
                    "overdue": a.activity_id in late,
                },
            )
        )
    overdue = [
        Item(
            section="overdue",
            text=t["overdue"].format(title=_title(a, language), due=_d(a.deadline.due, language)),
            day=a.deadline.due,
            fields={"activity_id": a.activity_id, "due": a.deadline.due.isoformat()},
        )
        for a in overdue_activities(folder, on)
    ]
    return items, overdue


def _title(a: Activity, language: str) -> str:
    return a.title or _KIND[language][str(a.kind)]


def _projected(
    folder: WorkFolder, on: dt.date, policy: Policy, calendar: HolidayCalendar
) -> list[Action]:
    """The due rules' actions on ``on`` and on the next due dates, the folder taken as it is.

    Each (kind, subject) is kept once, at the first date it is due; an action found is marked handled for
    the next look, as the sweep records it, so the look moves on. An action found on a later date that
    fired before that date became due only because the folder was taken as it is (an invitation whose
    outcome is not recorded stops counting as pending): it is left out, as it says nothing the jobseeker
    can expect.
    """
    state = folder_state(folder)
    found: dict[tuple[str, str], Action] = {}
    day: dt.date | None = on
    end = on + dt.timedelta(days=HORIZON_DAYS)
    for _ in range(_STEPS):
        if day is None or day > end:
            break
        actions = due_actions(state, day, policy, calendar)
        for a in actions:
            if day == on or a.fired_on >= day:
                found.setdefault((a.kind, a.subject), a)
        state = attrs.evolve(state, handled=state.handled | {a.id for a in actions})
        day = next_due_on(state, day + dt.timedelta(days=1), policy, calendar)
    return sorted(found.values(), key=lambda a: (a.fired_on, a.kind, a.subject))


def _next_items(
    folder: WorkFolder,
    on: dt.date,
    policy: Policy,
    calendar: HolidayCalendar,
    language: str,
    coach: bool,
) -> list[Item]:
    titles = {a.activity_id: _title(a, language) for a in folder.activities}
    items = []
    for a in _projected(folder, on, policy, calendar):
        if a.kind == "flag_application_duty" and a.fired_on > on:
            continue  # a future period is not judged yet: the duty section shows the running one
        if not coach and a.kind in _COACH_ONLY:
            continue
        if coach:
            reason = a.reason_nl if language == "nl" else a.reason_en
            text = f"{a.rule_id} ({_d(a.fired_on, language)}): {reason}"
        else:
            text = _NEXT[language][a.kind].format(
                fired=_d(a.fired_on, language),
                due_by=_d(a.due_by, language),
                title=titles.get(a.subject, a.subject),
                subject=a.subject,
            )
        items.append(
            Item(
                section="next",
                text=text,
                day=a.fired_on,
                fields={
                    "kind": a.kind,
                    "rule_id": a.rule_id,
                    "subject": a.subject,
                    "fired_on": a.fired_on.isoformat(),
                    "due_by": _iso(a.due_by),
                },
            )
        )
    t = _T[language]
    for case in folder.cases:
        state = str(case.state)
        kind, by, fmt = "", None, ""
        if state == "informed" and case.respond_by is not None:
            kind, by, fmt = "case_respond", case.respond_by, t["case_respond"]
        elif state == "measure_proposed":
            letter = hearing_letter(
                folder, case.case_id, policy=policy, language=language, calendar=calendar
            )
            kind, by, fmt = "hearing_respond", letter.respond_by, t["hearing_respond"]
        elif state == "decided" and case.decision is not None and case.decision.imposed:
            letter = decision_letter(
                folder, case.case_id, policy=policy, language=language, calendar=calendar
            )
            kind, by, fmt = "objection_until", letter.object_by, t["objection_until"]
        if by is not None and by >= on:
            items.append(
                Item(
                    section="next",
                    text=fmt.format(by=_d(by, language)),
                    day=by,
                    fields={"kind": kind, "case_id": case.case_id, "by": by.isoformat()},
                )
            )
    return items


def _conversation_items(folder: WorkFolder, on: dt.date, language: str) -> list[Item]:
    conv = next_conversation(folder, on)
    t = _T[language]
    if conv is None:
        return [Item(section="conversation", text=t["conv_none"])]
    kind = str(conv.kind)
    why = in_language(conv.reason.strip(), language) or _CONV_WHY[language][kind]
    at = conv.scheduled_for
    text = t["conv"].format(kind=_CONV_KIND[language][kind], at=_d(at, language))
    return [
        Item(
            section="conversation",
            text=f"{text} {t['conv_why'].format(why=why)}",
            day=at,
            fields={
                "conversation_id": conv.conversation_id,
                "kind": kind,
                "at": _iso(at),
                "why": why,
            },
        )
    ]


def _closed_reason(folder: WorkFolder, on: dt.date, language: str) -> str | None:
    t = _T[language]
    if folder.work_found_on is not None and folder.work_found_on <= on:
        return t["closed_work"]
    ends = [d for d in (folder.benefit_ended_on, folder.benefit_ends_on) if d is not None]
    if ends and min(ends) <= on:
        return t["closed_benefit"]
    return None


def _duty_items(folder: WorkFolder, on: dt.date, policy: Policy, language: str) -> list[Item]:
    t = _T[language]
    closed = _closed_reason(folder, on, language)
    if closed is not None:
        return [Item(section="duty", text=t["duty_closed"].format(why=closed))]
    if on < folder.registered_on:
        return []
    v = policy.at(on)
    duty = ApplicationDuty(
        required=v.application_duty_count, period_days=v.application_duty_period_days
    )
    status = duty_status(
        folder.activities,
        start=folder.registered_on,
        on=on,
        duty=duty,
        pension_on=folder.pension_on,
        within_months=v.no_duty_before_pension_months,
        since=dt.date.min,
    )
    items = []
    current = next(p for p in status.periods if p.start <= on < p.end)
    last_day = current.end - dt.timedelta(days=1)
    if current.exempt:
        items.append(Item(section="duty", text=t["duty_exempt"], fields={"exempt": True}))
    else:
        items.append(
            Item(
                section="duty",
                text=t["duty"].format(
                    counted=current.counted, required=current.required, last=_d(last_day, language)
                ),
                day=last_day,
                fields={
                    "period": "current",
                    "start": current.start.isoformat(),
                    "last_day": last_day.isoformat(),
                    "counted": current.counted,
                    "required": current.required,
                },
            )
        )
    state = folder_state(folder)
    check = last_period_check(
        state.applications_on,
        registered_on=folder.registered_on,
        on=on,
        required=v.application_duty_count,
        period_days=v.application_duty_period_days,
        pension_on=folder.pension_on,
        within_months=v.no_duty_before_pension_months,
    )
    if check is not None and not check.exempt:
        last = check.end - dt.timedelta(days=1)
        fmt = t["duty_last_short"] if check.shortfall > 0 else t["duty_last_ok"]
        items.append(
            Item(
                section="duty",
                text=fmt.format(
                    counted=check.counted, required=check.required, last=_d(last, language)
                ),
                day=last,
                fields={
                    "period": f"period-{check.number}",
                    "start": check.start.isoformat(),
                    "last_day": last.isoformat(),
                    "counted": check.counted,
                    "required": check.required,
                    "shortfall": check.shortfall,
                },
            )
        )
    return items


def _plan_items(folder: WorkFolder, language: str) -> list[Item]:
    t = _T[language]
    plan = folder.current_plan
    if plan is None:
        return [Item(section="plan", text=t["plan_none"])]
    version = plan.versions[-1]
    agreed = [v for v in plan.versions if v.agreed_on is not None]
    shown = agreed[-1] if agreed else version
    fields = {"plan_id": plan.plan_id, "version": shown.number, "agreed_on": _iso(shown.agreed_on)}
    if shown.agreed_on is not None:
        head = t["plan"].format(
            plan=plan.plan_id, version=shown.number, on=_d(shown.agreed_on, language)
        )
    else:
        head = t["plan_draft"].format(plan=plan.plan_id, version=shown.number)
    items = [Item(section="plan", text=head, day=shown.agreed_on, fields=fields)]
    if shown.application_duty is not None:
        duty = shown.application_duty
        items.append(
            Item(
                section="plan",
                text=t["plan_duty"].format(required=duty.required, days=duty.period_days),
                fields={"required": duty.required, "period_days": duty.period_days},
            )
        )
    for service in shown.services:
        items.append(
            Item(
                section="plan",
                text=t["service"].format(
                    name=in_language(service.name, language),
                    reason=in_language(service.reason, language),
                ),
                fields={"service": service.name, "reason": service.reason},
            )
        )
    return items


def _case_items(folder: WorkFolder, language: str) -> list[Item]:
    t = _T[language]
    return [
        Item(
            section="cases",
            text=t["case"].format(case=c.case_id, state=_CASE_STATE[language][str(c.state)]),
            day=c.opened_on,
            fields={"case_id": c.case_id, "state": str(c.state), "ground": str(c.ground)},
        )
        for c in folder.cases
    ]


def _notification_items(
    notes: Iterable[Message], on: dt.date, language: str, coach: bool, jobseeker: str
) -> list[Item]:
    items = []
    for n in notes:
        if n.created_on > on or (not coach and n.recipient != jobseeker):
            continue
        text = n.text_nl if language == "nl" else n.text_en
        first = text.strip().splitlines()
        if n.kind in ("hearing_letter", "decision_letter") and len(first) > 2:
            text = first[2]  # a letter: its subject line
        items.append(
            Item(
                section="notifications",
                text=_T[language]["note"].format(on=_d(n.created_on, language), text=text),
                day=n.created_on,
                fields={"kind": n.kind, "recipient": n.recipient, "key": n.idempotency_key},
            )
        )
    return items


def _route_profile(folder: WorkFolder) -> tuple[RouteRecord | None, ProfileRecord | None]:
    return folder.latest_route, route_profile(folder)


def overview(
    folder: WorkFolder,
    *,
    on: dt.date,
    policy: Policy | None = None,
    language: str = "nl",
    audience: str = "jobseeker",
    calendar: HolidayCalendar | None = None,
    notifications: Sequence[Message] = (),
    model: ScoringModel | None = None,
    questionnaire: Questionnaire | None = None,
    catalogue: Catalogue | None = None,
) -> Overview:
    """Build the overview of ``folder`` on ``on`` (see the module docstring).

    Args:
        folder: the folder.
        on: the date to look at.
        policy: the dated policy; default: the packaged one.
        language: ``"nl"`` (plain Dutch) or ``"en"``.
        audience: ``"jobseeker"`` (only their own messages, no score) or ``"coach"`` (the score, the
            rule ids and reasons, every message).
        calendar: the holiday calendar of the due rules; default: the Dutch one.
        notifications: the messages sent about the folder (the service passes those its events caused,
            as it derives its outbox, letters included); messages made after ``on`` are not shown.
        model: the scoring model of the coach's recourse section (:mod:`werkmap.jobseeker.adviser`);
            ``None``: the section says it is not available.
        questionnaire: that model's questionnaire; ``None``: no recourse either.
        catalogue: the intervention catalogue of the orientation agenda; ``None``: the agenda section
            says it is not available.

    Raises:
        InvalidInput: an unknown language or audience.
        InvalidPolicy: the policy has no values on ``on``.
    """
    check_language(language, "overview")
    check_audience(audience, "overview")
    policy = policy if policy is not None else default_policy()
    cal = calendar if calendar is not None else dutch_calendar()
    coach = audience == "coach"
    horizon = policy.at(on).colour_horizon_days
    activities, overdue = _activity_items(folder, on, horizon, language)
    if overdue:
        n = len(overdue)
        overdue.insert(
            0,
            Item(
                section="overdue",
                text=_T[language]["overdue_count"].format(n=n),
                fields={"count": n},
            ),
        )
    notes = list(notifications)
    items = [
        *activities,
        *overdue,
        *_next_items(folder, on, policy, cal, language, coach),
        *_conversation_items(folder, on, language),
        *_duty_items(folder, on, policy, language),
        *_plan_items(folder, language),
        *_case_items(folder, language),
        *_notification_items(notes, on, language, coach, f"jobseeker:{folder.jobseeker_ref}"),
    ]
    if coach:  # the jobseeker's view never holds recourse or the agenda (no score, no figures)
        items += adviser_items(
            folder,
            on=on,
            language=language,
            model=model,
            questionnaire=questionnaire,
            catalogue=catalogue,
        )
    route, profile = _route_profile(folder)
    explanation = (
        explain_route(route, profile, policy=policy, language=language, audience=audience)
        if route is not None
        else None
    )
    terms = ["werkmap", "sollicitatieplicht", "werkplan", "adviseur"]
    if folder.cases:
        terms += ["handhaving", "maatregel", "bezwaar"]
    if explanation is not None:
        meaning = {v: k for k, v in GLOSSARY[language].items()}
        terms += [meaning[t] for t in explanation.terms if t in meaning]
    return Overview(
        folder_id=folder.folder_id,
        on=on,
        language=language,
        audience=audience,
        items=tuple(items),
        explanation=explanation,
        terms=glossary(terms, language),
    )
