"""Random folders in every state, and reading dates and figures back out of the texts."""

from __future__ import annotations

import datetime as dt
import functools
import re

import attrs
from hypothesis import strategies as st
from tests.plan.drivers import D0, in_every_state

from werkmap.plan import folder as wf
from werkmap.plan.folder import BANDS, ProfileRecord, RouteRecord, WorkFolder
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.rules.records import profile_record
from werkmap.rules.routing import OUTCOMES
from werkmap.texts import MONTHS, percent

ACTIVITIES = in_every_state("activity")
CONVERSATIONS = in_every_state("conversation")
PLANS = in_every_state("work_plan")
CASES = in_every_state("enforcement")

CONSTRUCTS = (
    "age",
    "education",
    "work_history",
    "reemployment_expectation",
    "job_search_intention",
    "attitude",
    "social_norm",
    "self_efficacy",
    "perceived_health",
    "attribution",
    "motivation",
)

_DAY_RE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS["nl"] + MONTHS["en"]) + r") (\d{4})\b")
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = {name: i + 1 for names in MONTHS.values() for i, name in enumerate(names)}


def dates_in(text: str) -> list[dt.date]:
    """Every date written in ``text``, as ``3 maart 2025``, ``3 March 2025`` or ISO."""
    out = [dt.date(int(y), _MONTH[m], int(d)) for d, m, y in _DAY_RE.findall(text)]
    out += [dt.date(int(y), int(m), int(d)) for y, m, d in _ISO_RE.findall(text)]
    return out


def profiles(taken_on: dt.date) -> st.SearchStrategy[ProfileRecord]:
    contributions = st.dictionaries(
        st.sampled_from(CONSTRUCTS),
        st.floats(-2, 2, allow_nan=False).map(lambda x: round(x, 3)),
        max_size=len(CONSTRUCTS),
    )
    return st.builds(
        lambda p, band, c: ProfileRecord(
            taken_on=taken_on,
            probability=p,
            band=band,
            questionnaire_id="q",
            questionnaire_version="1",
            model_id="m",
            model_version="1",
            construct_contributions=c,
        ),
        st.floats(0, 1, allow_nan=False),
        st.sampled_from(BANDS),
        contributions,
    )


POOL = 300
"""How many synthetic people the scored profiles are drawn from."""


@functools.cache
def _pool() -> tuple[dict[str, object], ...]:
    """Synthetic people, those below the top band first (recourse has something to find for them)."""
    q, m = default_questionnaire(), default_model()
    people = synthetic_answers(POOL, seed=14)
    top = [score(a, m, q).band == BANDS[-1] for a in people]
    below = [a for a, t in zip(people, top, strict=True) if not t]
    return tuple(below + [a for a, t in zip(people, top, strict=True) if t][:20])


@functools.cache
def scored_record(k: int, taken_on: dt.date) -> ProfileRecord:
    """The profile record of synthetic person ``k``, scored with the packaged model (answers kept)."""
    q, m = default_questionnaire(), default_model()
    return profile_record(score(_pool()[k], m, q), on=taken_on)


def scored_profiles(taken_on: dt.date) -> st.SearchStrategy[ProfileRecord]:
    """Profile records as the service keeps them: real answers scored with the packaged model.

    Mostly with their answers and the packaged model's reference; sometimes an old record without
    answers, or one scored with another model version (recourse is then not available).
    """
    variants = {
        "kept": lambda r: r,
        "no_answers": lambda r: attrs.evolve(r, answers={}),
        "other_model": lambda r: attrs.evolve(r, model_version="1999.1"),
    }
    return st.builds(
        lambda k, v: variants[v](scored_record(k, taken_on)),
        st.integers(0, len(_pool()) - 1),
        st.sampled_from(("kept",) * 8 + ("no_answers", "other_model")),
    )


@st.composite
def routes(
    draw: st.DrawFn,
    decided_on: dt.date,
    profile: ProfileRecord | None,
    outcomes: tuple[str, ...] = OUTCOMES,
) -> RouteRecord:
    p = profile.probability if profile is not None else None
    override = draw(st.sampled_from(["", "conversation", "digital"]))
    shown_nl = percent(p, "nl") if p is not None else "-"
    shown_en = percent(p, "en") if p is not None else "-"
    return RouteRecord(
        decided_on=decided_on,
        outcome=draw(st.sampled_from(outcomes)),
        rule_id=f"R-ROUTE-0{draw(st.integers(1, 9))}",
        rule_version=1,
        reason_nl=f"Uw kans op werk binnen een jaar is {shown_nl}.",
        reason_en=f"Your chance of work within a year is {shown_en}.",
        override_outcome=override,
        override_by="coach:c-1" if override else "",
        override_reason="<ziek> / ill" if override else "",
        override_on=decided_on if override else None,
        inputs={
            "probability": p,
            "requested": draw(st.booleans()),
            "conversation_held": draw(st.booleans()),
        },
    )


@st.composite
def folders(draw: st.DrawFn, scored: bool = False) -> tuple[WorkFolder, dt.date]:
    """A folder holding activities, conversations, plans and cases in random states, and a date.

    ``scored``: its profile (if any) is a real one, :func:`scored_profiles`, else a made-up record.
    """
    registered = D0 - dt.timedelta(days=draw(st.integers(0, 120)))
    folder, _ = wf.create_folder(
        "f-1", on=registered, jobseeker_ref="js-1", coach_id="c-1", registered_on=registered
    )
    acts = draw(st.lists(st.sampled_from(sorted(ACTIVITIES)), max_size=6))
    activities = tuple(
        attrs.evolve(
            ACTIVITIES[s],
            activity_id=f"a-{i}",
            title=draw(st.sampled_from(["", "Bakkerij <Jansen> & Zn", "cv"])),
        )
        for i, s in enumerate(acts)
    )
    convs = draw(st.lists(st.sampled_from(sorted(CONVERSATIONS)), max_size=3))
    conversations = tuple(
        attrs.evolve(CONVERSATIONS[s], conversation_id=f"g-{i}") for i, s in enumerate(convs)
    )
    plan = draw(st.none() | st.sampled_from(sorted(PLANS)))
    cases_drawn = draw(st.lists(st.sampled_from(sorted(CASES)), max_size=3))
    cases = tuple(
        attrs.evolve(
            CASES[s], case_id=f"k-{i}", source_id=activities[0].activity_id if activities else ""
        )
        for i, s in enumerate(cases_drawn)
    )
    if scored:  # mostly with a real profile
        with_profile = draw(st.sampled_from((True,) * 4 + (False,)))
        profile = draw(scored_profiles(D0)) if with_profile else None
    else:
        profile = draw(st.none() | profiles(D0))
    # with real profiles, the orientation route (the one with an agenda) is drawn more often
    outcomes = ("orientation",) * 3 + OUTCOMES if scored else OUTCOMES
    route = draw(st.none() | routes(D0, profile, outcomes))
    folder = attrs.evolve(
        folder,
        activities=activities,
        conversations=conversations,
        plans=(PLANS[plan],) if plan is not None else (),
        cases=cases,
        profiles=(profile,) if profile is not None else (),
        routes=(route,) if route is not None else (),
        work_found_on=draw(st.none() | st.just(D0 + dt.timedelta(days=40))),
        pension_on=draw(st.none() | st.just(D0 + dt.timedelta(days=200))),
    )
    on = D0 + dt.timedelta(days=draw(st.integers(-10, 120)))
    return folder, on
