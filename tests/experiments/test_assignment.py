"""Assignment by keyed hash: reproducible, independent of order, balanced to the shares."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from werkmap.errors import InvalidInput
from werkmap.experiments import arm_of, arms_of, assign, default_experiments
from werkmap.plan.folder import create_folder

DESIGN = default_experiments()[0]
KEY = b"werkmap-test-key-0123456789"
DAY = dt.date(2018, 3, 5)


def _register_all(refs: list[str], key: bytes = KEY) -> dict[str, str]:
    arms = {}
    for i, ref in enumerate(refs):
        folder, _ = create_folder(f"f-{i}", jobseeker_ref=ref, on=DAY)
        folder, events = assign(folder, [DESIGN], key, on=DAY)
        assert folder.assignment is not None
        assert [e.kind for e in events] == ["arm_assigned"]
        arms[ref] = folder.assignment.arm
    return arms


@settings(max_examples=30, deadline=None)
@given(st.permutations([f"js-{i:04d}" for i in range(40)]))
def test_same_key_and_definition_give_the_same_arms_in_any_order(order: list[str]):
    assert _register_all(order) == _register_all(sorted(order))


def test_the_population_form_agrees_with_the_one_folder_form():
    refs = [f"js-{i}" for i in range(500)]
    assert arms_of(DESIGN, KEY, refs).tolist() == [arm_of(DESIGN, KEY, r) for r in refs]


def test_another_key_gives_other_arms():
    refs = [f"js-{i}" for i in range(300)]
    assert (
        arms_of(DESIGN, KEY, refs).tolist()
        != arms_of(DESIGN, b"another-secret-key-99", refs).tolist()
    )


def test_the_arms_are_balanced_to_their_shares():
    refs = [f"bsn-hmac-sha256:{i:08d}" for i in range(10_000)]
    arms = arms_of(DESIGN, KEY, refs)
    observed = [int((arms == a.name).sum()) for a in DESIGN.arms]
    expected = [a.share * len(refs) for a in DESIGN.arms]
    assert scipy.stats.chisquare(observed, expected).pvalue > 0.001


def test_the_assignment_is_recorded_with_the_version_and_only_once():
    folder, _ = create_folder("f-1", jobseeker_ref="js-1", on=DAY)
    folder, events = assign(folder, [DESIGN], KEY, on=DAY)
    a = folder.assignment
    assert a is not None
    assert (a.experiment_id, a.experiment_version, a.assigned_on) == ("uwv-ww-2017", 1, DAY)
    assert events[0].data["arm"] == a.arm
    assert events[0].data["version"] == "1"
    assert folder.version == 2
    with pytest.raises(InvalidInput):
        assign(folder, [DESIGN], KEY, on=DAY)


def test_a_registration_outside_the_inflow_is_not_assigned():
    folder, _ = create_folder("f-1", jobseeker_ref="js-1", on=dt.date(2019, 1, 2))
    same, events = assign(folder, [DESIGN], KEY, on=dt.date(2019, 1, 2))
    assert same is folder
    assert events == ()


def test_a_short_key_is_refused():
    with pytest.raises(InvalidInput):
        arm_of(DESIGN, b"short", "js-1")


def test_an_old_folder_document_loads_without_an_assignment():
    from werkmap import serialization
    from werkmap.plan.folder import WorkFolder

    folder, _ = create_folder("f-1", jobseeker_ref="js-1", on=DAY)
    envelope = serialization.dump(folder)
    envelope["data"].pop("assignment")
    assert serialization.load(envelope, WorkFolder) == folder
    assigned, _ = assign(folder, [DESIGN], KEY, on=DAY)
    assert serialization.loads(serialization.dumps(assigned), WorkFolder) == assigned


def test_the_shares_cut_the_hash_range_in_order():
    points = np.array(arms_of(DESIGN, KEY, [f"r{i}" for i in range(2000)]))
    assert set(points.tolist()) == set(DESIGN.arm_names)
