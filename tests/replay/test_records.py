"""The records the service stores: built in one place (werkmap.rules.records), with what replays them."""

from __future__ import annotations

import datetime as dt
import json

from werkmap.clock import FixedClock
from werkmap.profiler.model import load_model
from werkmap.profiler.questionnaire import load_questionnaire
from werkmap.profiler.scoring import score
from werkmap.profiler.synthetic import synthetic_answers
from werkmap.rules import FolderState, load_policy
from werkmap.rules.due import due_actions
from werkmap.rules.records import policy_version, profile_record, route_record, split_ref
from werkmap.rules.routing import CoachOverride, RoutingInputs, decide_route
from werkmap.service import Actor, Werkmap

D0 = dt.date(2025, 3, 3)
Q = load_questionnaire()
M = load_model(questionnaire=Q)


def test_profile_record_names_the_model_by_id_and_version_apart() -> None:
    # before: model_version held "werkverkenner-illustrative|2017.1" (the shell split the ref on "@")
    profile = score(synthetic_answers(1, seed=3)[0], Q, M, on=D0)
    record = profile_record(profile, on=D0)
    assert (record.model_id, record.model_version) == split_ref(M.ref)
    assert "|" not in record.model_version
    assert record.model_version == M.version
    assert record.model_ref == profile.model
    assert record.questionnaire_ref == profile.questionnaire == Q.ref


def test_profile_record_keeps_answers_that_score_again_to_the_same_profile() -> None:
    answers = synthetic_answers(5, seed=9)[4]
    profile = score(answers, Q, M, on=D0)
    record = profile_record(profile, on=D0)
    assert record.answers
    assert record.item_contributions == profile.item_contributions
    assert record.construct_contributions == profile.construct_contributions
    again = score({k: json.loads(v) for k, v in record.answers.items()}, Q, M, on=D0)
    assert again.probability == record.probability
    assert again.band == record.band


def test_route_record_keeps_inputs_parameters_and_the_override_with_its_reason() -> None:
    policy = load_policy()
    override = CoachOverride(
        outcome="conversation", reason="wil praten / wants to talk", by="c-1", on=D0
    )
    decision = decide_route(
        RoutingInputs(probability=0.8, band="75-100", profiled_on=D0, override=override), D0, policy
    )
    record = route_record(decision, on=D0, override=override)
    assert record.inputs == decision.inputs
    assert record.inputs["probability"] == 0.8
    assert record.parameters == decision.parameters
    assert record.parameters
    assert (record.rule_id, record.rule_version, record.outcome) == (
        decision.rule_id,
        decision.rule_version,
        decision.outcome,
    )
    assert (
        record.override_outcome,
        record.override_by,
        record.override_reason,
        record.override_on,
    ) == (
        "conversation",
        "c-1",
        "wil praten / wants to talk",
        D0,
    )


def test_policy_version_is_the_last_change_date_on_or_before_the_day() -> None:
    policy = load_policy()
    changes = policy.change_dates()
    assert policy_version(policy, changes[0]) == changes[0].isoformat()
    assert policy_version(policy, changes[0] - dt.timedelta(days=1)) == ""
    later = [d for d in changes if d <= D0][-1]
    assert policy_version(policy, D0) == later.isoformat()


def test_due_actions_carry_the_policy_version_of_their_date() -> None:
    policy = load_policy()
    state = FolderState(
        folder_id="f1",
        registered_on=dt.date(2024, 1, 31),
        profiler_invited_on=dt.date(2024, 1, 31),
        last_conversation_on=None,
        route="digital",
        routed_on=dt.date(2024, 2, 2),
        probability=0.8,
    )
    on = dt.date(2024, 4, 30)
    actions = due_actions(state, on, policy)
    assert actions
    assert {a.policy_version for a in actions} == {policy_version(policy, on)}


def test_the_service_stores_profile_and_route_records_that_replay() -> None:
    wm = Werkmap("memory://", clock=FixedClock(D0), questionnaire=Q, model=M)
    wm.register(Actor.system(), "f-1", jobseeker_ref="js-1", coach_id="c-1")
    answers = synthetic_answers(1, seed=3)[0]
    wm.submit_profile(Actor.jobseeker("js-1"), "f-1", answers)
    folder = wm.folder(Actor.coach("c-1"), "f-1")
    profile = folder.latest_profile
    route = folder.latest_route
    assert profile is not None
    assert route is not None
    assert (profile.model_id, profile.model_version) == split_ref(M.ref)
    assert profile.answers
    assert route.inputs["probability"] == profile.probability
    assert route.parameters["routing_threshold"] == load_policy().at(D0).routing_threshold
