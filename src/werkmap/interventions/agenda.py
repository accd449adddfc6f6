"""The orientation conversation's fixed steps, generated from the diagnosis and the catalogue.

"De adviseur werk doorloopt vaste stappen om tot een oordeel te komen over de situatie van de klant en de
interventies die daarbij passen" (UWV jaarverslag 2017). :func:`orientation_agenda` writes those steps
for one folder's latest profile (or for a folder without one) and lists the catalogue's candidate
services with the reason each fits:

1. **result**: the Work Profiler's chance and band (or, without a profile, mapping the situation);
2. **hindrances**: the factors that lower the chance most (the profile's ``top_hindrances``);
3. **recourse** (only when given, for the adviser): what would move the band, marked as guidance;
4. **services**: the candidate extra services;
5. **agreements**: the application activities and the work plan.

A service is a **candidate** when it is an ``extra_service`` valid on the day, meant for the folder's
band group (:func:`werkmap.report.band_group`), its chance bounds admit the profile's chance, and, when it
``requires_hindrance``, one of its factors is among the top hindrances. Candidates are ordered by the
first hindrance they address (most hindering first), then by the summed contribution of the hindrances
they address (most negative first), then services that address no hindrance, in catalogue order.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs

from werkmap.interventions.catalogue import Catalogue, Service
from werkmap.plan.folder import ProfileRecord
from werkmap.plan.workplan import ExtraService
from werkmap.profiler.model import ScoringModel
from werkmap.profiler.questionnaire import Questionnaire, Text, default_questionnaire
from werkmap.profiler.recourse import CHANGEABLE, Recourse, recourse
from werkmap.report import band_group
from werkmap.texts import number, percent

__all__ = [
    "Agenda",
    "AgendaStep",
    "Candidate",
    "candidates",
    "orientation_agenda",
    "record_recourse",
]

_GROUP_TEXT = {
    "0-50": Text(nl="een kans op werk van ten hoogste 50 %", en="a chance of work of at most 50 %"),
    "50-100": Text(nl="een kans op werk boven 50 %", en="a chance of work above 50 %"),
    "none": Text(
        nl="wie de Werkverkenner niet invulde", en="those who did not fill in the profiler"
    ),
}


@attrs.frozen(kw_only=True)
class AgendaStep:
    """One fixed step of the conversation.

    Attributes:
        number: 1, 2, ... in order.
        key: ``result``, ``hindrances``, ``recourse``, ``services`` or ``agreements``.
        title: what to do, Dutch and English.
        detail: the step for this folder, Dutch and English.
    """

    number: int
    key: str
    title: Text
    detail: Text


@attrs.frozen(kw_only=True)
class Candidate:
    """A catalogue service that fits, and why.

    Attributes:
        service: the service (the version valid on the agenda's day).
        addresses: the top hindrances it addresses, most hindering first (empty: it fits the band group).
        reason: why it fits, Dutch and English.
        catalogue_version: the version of the catalogue it comes from.
    """

    service: Service
    addresses: tuple[str, ...]
    reason: Text
    catalogue_version: str

    def extra_service(self) -> ExtraService:
        """Return the work plan's record of this service, with its catalogue reference and reason."""
        return ExtraService(
            name=self.service.name.nl,
            reason=f"{self.reason.nl} / {self.reason.en}",
            service_id=self.service.id,
            catalogue_version=self.catalogue_version,
        )


@attrs.frozen(kw_only=True)
class Agenda:
    """The orientation conversation's fixed steps for one folder.

    Attributes:
        on: the day of the conversation.
        probability: the profile's chance, or ``None`` without a profile.
        band: the profile's band, or ``None``.
        band_group: ``0-50``, ``50-100`` or ``none``.
        hindrances: the top hindrances, most hindering first.
        steps: the steps, in order.
        candidates: the candidate services, best fitting first.
        recourse: what would move the band (for the adviser; guidance), when given.
        catalogue: the ``id|version`` of the catalogue used.
    """

    on: dt.date
    probability: float | None
    band: str | None
    band_group: str
    hindrances: tuple[str, ...]
    steps: tuple[AgendaStep, ...]
    candidates: tuple[Candidate, ...]
    recourse: Recourse | None
    catalogue: str

    def extra_services(self, n: int | None = None) -> tuple[ExtraService, ...]:
        """Return the first ``n`` candidates (all when ``None``) as work plan records."""
        chosen = self.candidates if n is None else self.candidates[:n]
        return tuple(c.extra_service() for c in chosen)

    def text(self, language: str = "nl") -> str:
        """Return the agenda as plain text, in Dutch (``"nl"``) or English (``"en"``)."""
        head = (
            f"Orientation conversation on {self.on.isoformat()}: fixed steps"
            if language == "en"
            else f"Werkoriëntatiegesprek op {self.on.isoformat()}: vaste stappen"
        )
        lines = [head]
        for step in self.steps:
            lines.append(f"{step.number}. {step.title.get(language)}")
            lines.extend(f"   {line}" for line in step.detail.get(language).splitlines())
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, object]:
        """Return the agenda as JSON-ready data."""
        return {
            "on": self.on.isoformat(),
            "probability": self.probability,
            "band": self.band,
            "band_group": self.band_group,
            "hindrances": list(self.hindrances),
            "steps": [
                {
                    "number": s.number,
                    "key": s.key,
                    "title": {"nl": s.title.nl, "en": s.title.en},
                    "detail": {"nl": s.detail.nl, "en": s.detail.en},
                }
                for s in self.steps
            ],
            "candidates": [
                {
                    "service_id": c.service.id,
                    "name": {"nl": c.service.name.nl, "en": c.service.name.en},
                    "addresses": list(c.addresses),
                    "reason": {"nl": c.reason.nl, "en": c.reason.en},
                    "capacity_per_month": c.service.capacity_per_month,
                    "illustrative": c.service.illustrative,
                }
                for c in self.candidates
            ],
            "recourse": None if self.recourse is None else self.recourse.to_dict(),
            "catalogue": self.catalogue,
        }


def _places(c: Candidate, language: str) -> str:
    return number(c.service.capacity_per_month, language, digits=0, grouping=True)


def _join(labels: list[str], language: str) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    word = " and " if language == "en" else " en "
    return ", ".join(labels[:-1]) + word + labels[-1]


def _labels(constructs: tuple[str, ...], q: Questionnaire) -> Text:
    return Text(
        nl=_join([q.construct_label(c, "nl") for c in constructs], "nl"),
        en=_join([q.construct_label(c, "en") for c in constructs], "en"),
    )


def candidates(
    profile: ProfileRecord | None,
    catalogue: Catalogue,
    *,
    on: dt.date,
    questionnaire: Questionnaire | None = None,
) -> tuple[Candidate, ...]:
    """Return the catalogue's candidate services for ``profile`` on ``on``, best fitting first.

    The rule is the module text's; ``questionnaire`` names the factors (default: the packaged one).
    """
    q = questionnaire if questionnaire is not None else default_questionnaire()
    group = band_group(profile.band if profile is not None else None)
    hindrances = profile.top_hindrances if profile is not None else ()
    contributions = profile.construct_contributions if profile is not None else {}
    ranked: list[tuple[tuple[int, float, int], Candidate]] = []
    for k, s in enumerate(catalogue.on(on)):
        if s.kind != "extra_service" or group not in s.band_groups:
            continue
        if not s.eligibility.admits(profile.probability if profile is not None else None):
            continue
        addresses = tuple(h for h in hindrances if h in s.factors)
        if s.eligibility.requires_hindrance and not addresses:
            continue
        if addresses:
            labels = _labels(addresses, q)
            reason = Text(
                nl=f"werkt aan {labels.nl}: volgens de Werkverkenner verlaagt dat de kans op werk",
                en=f"works on {labels.en}: by the Work Profiler this lowers the chance of work",
            )
            key = (
                hindrances.index(addresses[0]),
                sum(contributions.get(a, 0.0) for a in addresses),
                k,
            )
        else:
            g = _GROUP_TEXT[group]
            reason = Text(nl=f"past bij {g.nl}", en=f"fits {g.en}")
            key = (len(hindrances), 0.0, k)
        ranked.append(
            (
                key,
                Candidate(
                    service=s,
                    addresses=addresses,
                    reason=reason,
                    catalogue_version=catalogue.version,
                ),
            )
        )
    ranked.sort(key=lambda t: t[0])
    return tuple(c for _, c in ranked)


def record_recourse(
    profile_record: ProfileRecord, model: ScoringModel, questionnaire: Questionnaire
) -> Recourse:
    """Return what would move the band of a stored profile (its answers, scored with ``model``).

    Raises:
        InvalidAnswers: the record holds no answers (records older than schema version 2), or answers
            that do not fit ``questionnaire``.
        VersionMismatch: ``model`` is not the model the profile was scored with, or not the one for
            ``questionnaire``.
    """
    from werkmap.errors import InvalidAnswers, Problem, VersionMismatch

    if profile_record.model_ref != model.ref:
        raise VersionMismatch(
            f"the profile was scored with model {profile_record.model_ref}, not {model.ref}"
        )

    if not profile_record.answers:
        raise InvalidAnswers(
            [Problem(path="$.answers", message="the profile record keeps no answers")],
            source="profile record",
        )
    answers = {k: json.loads(v) for k, v in profile_record.answers.items()}
    return recourse(answers, model, questionnaire)


def orientation_agenda(
    profile_record: ProfileRecord | None,
    catalogue: Catalogue,
    *,
    on: dt.date,
    questionnaire: Questionnaire | None = None,
    recourse: Recourse | None = None,
) -> Agenda:
    """Return the orientation conversation's fixed steps and candidate services for one folder.

    Args:
        profile_record: the folder's latest profile (``WorkFolder.latest_profile``), or ``None`` when the
            Work Profiler was not filled in.
        catalogue: the intervention catalogue.
        on: the day of the conversation (the catalogue's services valid then are used).
        questionnaire: names the factors (default: the packaged questionnaire).
        recourse: what would move the band (:func:`werkmap.profiler.recourse.recourse`), shown to the
            adviser as guidance when given.
    """
    q = questionnaire if questionnaire is not None else default_questionnaire()
    p = profile_record
    found = candidates(p, catalogue, on=on, questionnaire=q)
    steps: list[AgendaStep] = []

    def add(key: str, title: Text, detail: Text) -> None:
        steps.append(AgendaStep(number=len(steps) + 1, key=key, title=title, detail=detail))

    if p is None:
        add(
            "result",
            Text(nl="Breng de situatie in kaart", en="Map the situation"),
            Text(
                nl="De Werkverkenner is niet ingevuld. Bespreek werk, opleiding, gezondheid en wat de "
                "klant zelf nodig heeft (aanvullende analyse).",
                en="The Work Profiler was not filled in. Discuss work, education, health and what the "
                "client needs (additional analysis).",
            ),
        )
        hindrances: tuple[str, ...] = ()
    else:
        add(
            "result",
            Text(
                nl="Bespreek de uitkomst van de Werkverkenner",
                en="Discuss the Work Profiler result",
            ),
            Text(
                nl=f"Kans op werk binnen een jaar: {percent(p.probability, 'nl')} (klasse {p.band}).",
                en=f"Chance of work within a year: {percent(p.probability, 'en')} (band {p.band}).",
            ),
        )
        hindrances = p.top_hindrances
        if hindrances:
            work_on = tuple(h for h in hindrances if h in CHANGEABLE)
            facts = tuple(h for h in hindrances if h not in CHANGEABLE)
            nl, en = ["Wat de kans het meest verlaagt:"], ["What lowers the chance most:"]
            if work_on:
                labels = _labels(work_on, q)
                nl.append(f"{labels.nl} (daar kan de klant aan werken).")
                en.append(f"{labels.en} (the client can work on these).")
            if facts:
                labels = _labels(facts, q)
                nl.append(f"{'Ook ' if work_on else ''}{labels.nl} (een gegeven, geen advies).")
                en.append(f"{'Also ' if work_on else ''}{labels.en} (a fact, not advice).")
            nl.append("Vraag hoe de klant dat zelf ziet.")
            en.append("Ask how the client sees it.")
            detail = Text(nl=" ".join(nl), en=" ".join(en))
        else:
            detail = Text(
                nl="Geen factor verlaagt de kans duidelijk. Vraag wat de klant zelf als drempel ziet.",
                en="No factor clearly lowers the chance. Ask what the client sees as an obstacle.",
            )
        add(
            "hindrances",
            Text(nl="Bespreek wat de kans verlaagt", en="Discuss what lowers the chance"),
            detail,
        )
    if recourse is not None:
        add(
            "recourse",
            Text(
                nl="Voor de adviseur: wat de klasse zou veranderen (richtlijn, geen belofte)",
                en="For the adviser: what would change the band (guidance, not a promise)",
            ),
            Text(nl=recourse.text("nl").rstrip("\n"), en=recourse.text("en").rstrip("\n")),
        )
    if found:
        nl = [
            f"- {c.service.name.nl}: {c.reason.nl} ({_places(c, 'nl')} plaatsen per maand)"
            for c in found
        ]
        en = [
            f"- {c.service.name.en}: {c.reason.en} ({_places(c, 'en')} places a month)"
            for c in found
        ]
        detail = Text(nl="\n".join(nl), en="\n".join(en))
    else:
        detail = Text(
            nl="Geen dienst uit de catalogus past. Spreek zo nodig iets anders af (vrije tekst).",
            en="No catalogue service fits. Agree something else if needed (free text).",
        )
    add(
        "services",
        Text(nl="Kies passende extra dienstverlening", en="Choose fitting extra services"),
        detail,
    )
    add(
        "agreements",
        Text(
            nl="Maak afspraken en leg ze vast in het werkplan",
            en="Make agreements and record them in the work plan",
        ),
        Text(
            nl="Spreek de sollicitatieactiviteiten af. Leg de gekozen diensten met hun reden vast. "
            "De klant ziet alle afspraken en termijnen in de werkmap.",
            en="Agree the application activities. Record the chosen services with their reason. "
            "The client sees every agreement and deadline in the work folder.",
        ),
    )
    return Agenda(
        on=on,
        probability=p.probability if p is not None else None,
        band=p.band if p is not None else None,
        band_group=band_group(p.band if p is not None else None),
        hindrances=hindrances,
        steps=tuple(steps),
        candidates=found,
        recourse=recourse,
        catalogue=catalogue.ref,
    )
