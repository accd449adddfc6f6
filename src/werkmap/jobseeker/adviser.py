"""The adviser's section of the coach's overview: what would move the band, and the orientation agenda.

Only the work coach's view of an overview (``audience="coach"``) has these two sections; the jobseeker's
view never has them, so it shows no recourse figure and no score (the band the jobseeker may see is the
explanation's, under the dated parameter ``band_visible_to_jobseeker``:
:func:`werkmap.jobseeker.explain_route`).

* **recourse** (:data:`RECOURSE`): what would move the band, from :func:`werkmap.interventions.record_recourse`
  on the profile record of the latest routing decision (the latest profile taken on or before the day
  when the route was made without one, or when there is no route), marked as guidance, never a promise.
  It is computed only when the record keeps its answers and was scored with the model given; otherwise
  the section is one plain line saying why there is none (:data:`UNAVAILABLE` names the reasons);
* **agenda** (:data:`AGENDA`): the orientation conversation's fixed steps and candidate services
  (:func:`werkmap.interventions.orientation_agenda`), when the latest route is an orientation
  conversation; on the day of the next planned orientation conversation (the overview's day when none is
  planned), so the catalogue's services valid on that day are used.

The model, the questionnaire and the catalogue are passed in (the service passes its own); when one is
missing the section says it is not available. Nothing here reads a store or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from werkmap.errors import InvalidAnswers, VersionMismatch
from werkmap.plan.folder import ProfileRecord, RouteRecord, WorkFolder, next_conversation
from werkmap.texts import date_text

if TYPE_CHECKING:
    from werkmap.interventions.catalogue import Catalogue
    from werkmap.jobseeker.overview import Item
    from werkmap.profiler.model import ScoringModel
    from werkmap.profiler.questionnaire import Questionnaire

__all__ = [
    "ADVISER_SECTIONS",
    "AGENDA",
    "RECOURSE",
    "UNAVAILABLE",
    "adviser_items",
    "deciding_profile",
    "route_profile",
]

RECOURSE = "recourse"
"""The section of what would move the band."""

AGENDA = "agenda"
"""The section of the orientation conversation's agenda."""

ADVISER_SECTIONS = (RECOURSE, AGENDA)
"""The sections only the coach's view has, in the order they are shown."""

UNAVAILABLE = (
    "no_model",
    "no_profile",
    "no_answers",
    "model_mismatch",
    "invalid_answers",
    "no_catalogue",
    "not_routed",
)
"""Why a section can hold no result (the ``status`` field of its one line)."""

_T: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "based_on": "Op basis van de Werkverkenner van {on} (model {model}).",
        "no_model": "Niet beschikbaar: er is geen scoringsmodel of vragenlijst meegegeven.",
        "no_profile": "Niet beschikbaar: de klant heeft de Werkverkenner niet ingevuld.",
        "no_answers": "Niet beschikbaar: de Werkverkenner van {on} is bewaard zonder de antwoorden.",
        "model_mismatch": "Niet beschikbaar: de Werkverkenner van {on} is gescoord met model "
        "{was}, niet met model {now}.",
        "invalid_answers": "Niet beschikbaar: de antwoorden van {on} passen niet bij vragenlijst "
        "{questionnaire}.",
        "no_catalogue": "Niet beschikbaar: er is geen catalogus van diensten meegegeven.",
        "not_routed": "Geen werkoriëntatiegesprek: {why}",
        "no_route": "er is nog geen keuze voor de dienstverlening gemaakt.",
        "route": "de dienstverlening is {outcome}.",
        "agenda_head": "Werkoriëntatiegesprek op {on}: vaste stappen (catalogus {catalogue}).",
    },
    "en": {
        "based_on": "Based on the Work Profiler of {on} (model {model}).",
        "no_model": "Not available: no scoring model or questionnaire was given.",
        "no_profile": "Not available: the client did not fill in the Work Profiler.",
        "no_answers": "Not available: the Work Profiler of {on} was kept without its answers.",
        "model_mismatch": "Not available: the Work Profiler of {on} was scored with model {was}, "
        "not with model {now}.",
        "invalid_answers": "Not available: the answers of {on} do not fit questionnaire "
        "{questionnaire}.",
        "no_catalogue": "Not available: no catalogue of services was given.",
        "not_routed": "No orientation conversation: {why}",
        "no_route": "no service route has been chosen yet.",
        "route": "the service route is {outcome}.",
        "agenda_head": "Orientation conversation on {on}: fixed steps (catalogue {catalogue}).",
    },
}

_OUTCOME: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "orientation": "werkoriëntatie",
        "coaching": "coaching",
        "digital": "digitaal",
        "coach_analysis": "analyse door een adviseur",
    },
    "en": {
        "orientation": "orientation",
        "coaching": "coaching",
        "digital": "digital",
        "coach_analysis": "analysis by a coach",
    },
}


def route_profile(folder: WorkFolder) -> ProfileRecord | None:
    """Return the profile record the latest routing decision was made from, or ``None``.

    That is the latest profile taken on or before the decision's day; ``None`` when there is no route,
    when the route was decided without a profile (its inputs say so), or when no profile was taken by
    then. The explanation of the route and the adviser's section use this one rule.
    """
    route = folder.latest_route
    if route is None:
        return None
    if route.inputs and route.inputs.get("probability") is None:
        return None  # decided without a profile
    made_from = [p for p in folder.profiles if p.taken_on <= route.decided_on]
    return made_from[-1] if made_from else None


def deciding_profile(folder: WorkFolder, on: dt.date) -> ProfileRecord | None:
    """Return the profile record the adviser's section is about.

    The profile the latest routing decision was made from (:func:`route_profile`); when there is none,
    the latest profile taken on or before ``on``; ``None`` when there is no such profile either.
    """
    made_from = route_profile(folder)
    if made_from is not None:
        return made_from
    taken = [p for p in folder.profiles if p.taken_on <= on]
    return taken[-1] if taken else None


def _item(section: str, text: str, day: dt.date | None = None, **fields: Any) -> Item:
    from werkmap.jobseeker.overview import Item

    return Item(section=section, text=text, day=day, fields=fields)


def _recourse_items(
    profile: ProfileRecord | None,
    model: ScoringModel | None,
    questionnaire: Questionnaire | None,
    language: str,
) -> list[Item]:
    from werkmap.interventions import record_recourse

    t = _T[language]
    if model is None or questionnaire is None:
        return [_item(RECOURSE, t["no_model"], status="no_model")]
    if profile is None:
        return [_item(RECOURSE, t["no_profile"], status="no_profile")]
    on = date_text(profile.taken_on, language)
    day = profile.taken_on
    if not profile.answers:
        return [_item(RECOURSE, t["no_answers"].format(on=on), day, status="no_answers")]
    if profile.model_ref != model.ref:
        text = t["model_mismatch"].format(on=on, was=profile.model_ref, now=model.ref)
        return [_item(RECOURSE, text, day, status="model_mismatch", model=profile.model_ref)]
    try:
        r = record_recourse(profile, model, questionnaire)
    except (InvalidAnswers, VersionMismatch):
        text = t["invalid_answers"].format(on=on, questionnaire=questionnaire.ref)
        return [_item(RECOURSE, text, day, status="invalid_answers")]
    head = _item(
        RECOURSE,
        t["based_on"].format(on=on, model=model.ref),
        day,
        status=r.status,
        guidance=r.guidance,
        taken_on=day.isoformat(),
        probability=r.probability,
        band=r.band,
        target_band=r.target_band,
        cut_point=r.cut_point,
        new_probability=r.new_probability,
        new_band=r.new_band,
        questions_changed=r.questions_changed,
        steps=r.steps,
        evaluations=r.evaluations,
        model=r.model,
        questionnaire=r.questionnaire,
    )
    lines = r.text(language).rstrip("\n").splitlines()
    by_text = {f"- {c.text(language)}": c for c in r.changes}
    items = [head]
    for line in lines:
        change = by_text.get(line)
        if change is None:
            items.append(_item(RECOURSE, line, status=r.status))
        else:
            items.append(
                _item(
                    RECOURSE,
                    line.removeprefix("- "),
                    status="change",
                    link_id=change.link_id,
                    construct=change.construct,
                    before=change.to_dict()["before"],
                    after=change.to_dict()["after"],
                    steps=change.steps,
                )
            )
    return items


def _agenda_items(
    folder: WorkFolder,
    route: RouteRecord | None,
    profile: ProfileRecord | None,
    on: dt.date,
    questionnaire: Questionnaire | None,
    catalogue: Catalogue | None,
    language: str,
) -> list[Item]:
    from werkmap.interventions import orientation_agenda

    t = _T[language]
    if route is None or route.outcome != "orientation":
        why = (
            t["no_route"]
            if route is None
            else t["route"].format(outcome=_OUTCOME[language].get(route.outcome, route.outcome))
        )
        return [
            _item(
                AGENDA,
                t["not_routed"].format(why=why),
                status="not_routed",
                outcome=route.outcome if route is not None else None,
            )
        ]
    if catalogue is None:
        return [_item(AGENDA, t["no_catalogue"], status="no_catalogue")]
    conv = next_conversation(folder, on)
    day = (
        conv.scheduled_for
        if conv is not None and str(conv.kind) == "orientation" and conv.scheduled_for is not None
        else on
    )
    agenda = orientation_agenda(profile, catalogue, on=day, questionnaire=questionnaire)
    head = _item(
        AGENDA,
        t["agenda_head"].format(on=date_text(day, language), catalogue=agenda.catalogue),
        day,
        status="agenda",
        on=day.isoformat(),
        catalogue=agenda.catalogue,
        probability=agenda.probability,
        band=agenda.band,
        band_group=agenda.band_group,
        hindrances=list(agenda.hindrances),
        candidates=[c.service.id for c in agenda.candidates],
    )
    items = [head]
    for step in agenda.steps:
        lines = step.detail.get(language).splitlines()
        listed = len(lines) > 1 or any(line.startswith("- ") for line in lines)
        head_text = f"{step.number}. {step.title.get(language)}:"
        if not listed:
            head_text = f"{head_text} {' '.join(lines)}".rstrip()
        items.append(_item(AGENDA, head_text, status="step", step=step.key, number=step.number))
        if listed:
            items += [
                _item(AGENDA, f"   {line.removeprefix('- ')}", status="step", step=step.key)
                for line in lines
            ]
    return items


def adviser_items(
    folder: WorkFolder,
    *,
    on: dt.date,
    language: str,
    model: ScoringModel | None = None,
    questionnaire: Questionnaire | None = None,
    catalogue: Catalogue | None = None,
) -> list[Item]:
    """Return the lines of the adviser's sections (:data:`ADVISER_SECTIONS`) of ``folder`` on ``on``.

    See the module text. The caller shows them to the work coach only.

    Args:
        folder: the folder.
        on: the day of the overview.
        language: ``"nl"`` or ``"en"`` (already checked).
        model: the scoring model the profile should have been scored with; ``None``: no recourse.
        questionnaire: the questionnaire of that model; ``None``: no recourse.
        catalogue: the intervention catalogue; ``None``: no agenda.
    """
    profile = deciding_profile(folder, on)
    return [
        *_recourse_items(profile, model, questionnaire, language),
        *_agenda_items(
            folder, folder.latest_route, profile, on, questionnaire, catalogue, language
        ),
    ]
