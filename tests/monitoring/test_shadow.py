"""Shadow scoring: stored beside the profile, never routed on; the comparison with the live model."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from werkmap.clock import FixedClock
from werkmap.monitoring import compare_models
from werkmap.plan.folder import FOLDER_SCHEMA, ShadowScore, WorkFolder
from werkmap.profiler.model import default_model
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.serialization import dump, load
from werkmap.service import Actor, Werkmap

from .world import cohort_answers, make_folders

DAY = dt.date(2025, 3, 3)


def candidate() -> object:
    """A candidate that routes differently: everybody's log-odds half a point lower."""
    base = default_model()
    return attrs.evolve(base, version="2025.1-candidate", intercept=base.intercept - 0.5)


def _run(shadow: object | None, answers: list[dict[str, object]]) -> list[WorkFolder]:
    with Werkmap("memory://", clock=FixedClock(DAY), shadow_model=shadow) as wm:
        for i, a in enumerate(answers):
            wm.register(Actor.coach("c-1"), f"f-{i}", jobseeker_ref=f"js-{i}")
            wm.submit_profile(Actor.jobseeker(f"js-{i}"), f"f-{i}", a)
        return [wm.store.load(f"f-{i}") for i in range(len(answers))]


def test_routing_is_identical_with_and_without_a_shadow() -> None:
    answers = synthetic_answers(40, seed=5)
    plain = _run(None, answers)
    shadowed = _run(candidate(), answers)
    for a, b in zip(plain, shadowed, strict=True):
        assert a.routes == b.routes
        assert a.profiles == b.profiles
        assert a.conversations == b.conversations
        assert a.version == b.version
        assert [e.kind for e in b.events if e.kind != "shadow_scored"] == [e.kind for e in a.events]
        assert a.shadows == ()
        assert len(b.shadows) == 1
        (s,) = b.shadows
        assert s.model_ref == "werkverkenner-illustrative|2025.1-candidate"
        assert s.probability < b.profiles[0].probability  # the candidate's own score
        assert {e.version for e in b.events if e.version == b.version} == {b.version}
    # the candidate would route some of them differently, and routing did not follow it
    assert any(
        (s.probability <= 0.5) != (f.profiles[0].probability <= 0.5)
        for f in shadowed
        for s in f.shadows
    )


def test_a_folder_written_before_shadows_loads() -> None:
    folder = _run(None, synthetic_answers(1, seed=1))[0]
    envelope = dump(folder)
    del envelope["data"]["shadows"]
    assert envelope["schema"] == FOLDER_SCHEMA
    assert load(envelope, WorkFolder).shadows == ()


def test_a_shadow_score_round_trips() -> None:
    folder = _run(candidate(), synthetic_answers(1, seed=2))[0]
    assert load(dump(folder), WorkFolder) == folder
    with pytest.raises(ValueError, match=r"0\.\.1"):
        ShadowScore(taken_on=DAY, probability=1.5, band="x", model_id="m", model_version="1")


def test_comparison_uses_stored_shadows_and_rescoring_alike() -> None:
    cand = candidate()
    answers = synthetic_answers(60, seed=7)
    shadowed = _run(cand, answers)
    plain = _run(None, answers)
    on = DAY + dt.timedelta(days=400)
    from_shadow = compare_models(shadowed, cand, on=on)
    rescored = compare_models(plain, cand, on=on)
    assert from_shadow.from_shadow == 60
    assert from_shadow.rescored == 0
    assert rescored.from_shadow == 0
    assert rescored.rescored == 60
    assert from_shadow.differences == rescored.differences


def test_comparison_counts_route_changes_by_band_and_group() -> None:
    cand = candidate()
    folders = make_folders(cohort_answers(4000, 41), start=dt.date(2024, 1, 1), months=2, seed=9)
    c = compare_models(folders, cand, on=dt.date(2025, 6, 30))
    overall = next(d for d in c.differences if d.column == "all")
    assert overall.n == 4000
    assert (
        overall.differ == overall.to_conversation > 0
    )  # a lower score only ever adds conversations
    assert overall.to_digital == 0
    by_band = {d.group: d for d in c.differences if d.column == "band"}
    assert sum(d.n for d in by_band.values()) == 4000
    assert by_band["0-25"].differ == 0
    assert by_band["50-75"].differ > 0
    assert {d.column for d in c.differences} == {"all", "band", "age_group", "education"}
    # same outcomes, both models' error rates: the candidate invites more, so misses fewer
    live = next(g for g in c.live_outcomes.groups if g.column == "all")
    new = next(g for g in c.candidate_outcomes.groups if g.column == "all")
    assert c.live_outcomes.n == c.candidate_outcomes.n == 4000
    assert new.false_negative_rate < live.false_negative_rate
    assert new.false_positive_rate > live.false_positive_rate
    assert c.candidate_outcomes.auc == pytest.approx(c.live_outcomes.auc)
    assert "Routed differently" in c.to_text("en")
    assert "Andere route" in c.to_text("nl")
    assert c.to_dict()["kind"] == "compare"
    assert c.to_csv().startswith("table,column,group")


def test_the_comparison_cuts_where_routing_cuts() -> None:
    import numpy as np

    from werkmap.profiler.model import band_of
    from werkmap.rules.policy import default_policy
    from werkmap.rules.routing import RoutingInputs, decide_route, invites

    policy = default_policy()
    threshold = policy.at(DAY).routing_threshold
    ps = np.array([0.0, 0.25, 0.4999999, 0.5, 0.5000001, 0.75, 1.0])
    routed = [
        decide_route(
            RoutingInputs(probability=float(p), band=band_of(float(p))), DAY, policy
        ).outcome
        for p in ps
    ]
    assert invites(ps, threshold).tolist() == [r == "orientation" for r in routed]
    assert [invites(float(p), threshold) for p in ps] == invites(ps, threshold).tolist()


def test_a_shadow_for_another_questionnaire_is_refused_at_once() -> None:
    from werkmap.errors import VersionMismatch

    other = attrs.evolve(candidate(), questionnaire="https://example.org/q|9")
    with pytest.raises(VersionMismatch, match="shadow model"):
        Werkmap("memory://", clock=FixedClock(DAY), shadow_model=other)
