"""Experiment definitions: the packaged 2017 design and the load-time checks (``WM-E…``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from werkmap.errors import InvalidPolicy
from werkmap.experiments import default_experiments, load_experiment_documents, load_experiments


def _doc(**changes: Any) -> dict[str, Any]:
    head = {
        "id": "x-1",
        "version": 1,
        "title": "T",
        "reference": "R",
        "inflow_from": dt.date(2020, 1, 1),
        "inflow_until": dt.date(2020, 12, 31),
        "visible_to": ["system"],
    }
    arms = [
        {
            "name": "a",
            "share": 0.5,
            "services": True,
            "enforcement": True,
            "description": "A",
            "description_nl": "A",
        },
        {
            "name": "b",
            "share": 0.5,
            "services": False,
            "enforcement": False,
            "description": "B",
            "description_nl": "B",
        },
    ]
    head.update(changes.pop("head", {}))
    doc: dict[str, Any] = {"experiment": head, "arms": changes.pop("arms", arms)}
    doc.update(changes)
    return doc


def _codes(*documents: tuple[str, dict[str, Any]]) -> set[str]:
    with pytest.raises(InvalidPolicy) as info:
        load_experiment_documents(documents)
    return {p.code for p in info.value.problems}


def test_the_packaged_design_is_the_2017_one():
    (design,) = default_experiments()
    assert design.id == "uwv-ww-2017"
    assert (design.inflow_from, design.inflow_until) == (
        dt.date(2017, 12, 1),
        dt.date(2018, 12, 31),
    )
    assert [(a.name, a.share, a.services, a.enforcement) for a in design.arms] == [
        ("service", 0.8, True, True),
        ("control_enforcement", 0.1, False, True),
        ("control_none", 0.1, False, False),
    ]
    assert "SEO" in design.reference
    assert design.eligible(dt.date(2017, 12, 1))
    assert design.eligible(dt.date(2018, 12, 31))
    assert not design.eligible(dt.date(2017, 11, 30))
    assert not design.eligible(dt.date(2019, 1, 1))
    assert load_experiments() == default_experiments()


def test_a_valid_document_loads():
    (e,) = load_experiment_documents([("x.toml", _doc())])
    assert e.arm_names == ("a", "b")
    assert e.may_see("system")
    assert not e.may_see("coach")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"head": {"colour": "red"}}, "WM-E001"),
        ({"head": {"version": "one"}}, "WM-E001"),
        ({"head": {"inflow_from": "2020-01-01"}}, "WM-E001"),
        ({"arms": []}, "WM-E001"),
        ({"head": {"title": ""}}, "WM-E001"),
        ({"head": {"reference": None}}, "WM-E001"),
        ({"head": {"inflow_until": dt.date(2019, 1, 1)}}, "WM-E005"),
        ({"head": {"visible_to": ["boss"]}}, "WM-E006"),
        ({"eligibility": {"exclude_pension_within_months": -1}}, "WM-E001"),
    ],
)
def test_a_bad_field_has_its_code(changes: dict[str, Any], code: str):
    assert code in _codes(("x.toml", _doc(**changes)))


def test_missing_fields_and_bad_arms_are_all_listed():
    doc = _doc()
    del doc["experiment"]["id"]
    doc["arms"][0]["share"] = 0.7  # sums to 1.2
    doc["arms"][1]["name"] = "a"  # twice
    del doc["arms"][1]["services"]
    codes = _codes(("x.toml", doc))
    assert {"WM-E002", "WM-E004"} <= codes
    doc = _doc()
    doc["arms"][0]["share"] = 0.7
    assert _codes(("x.toml", doc)) == {"WM-E003"}
    doc["arms"][0]["share"] = 0.0
    assert _codes(("x.toml", doc)) == {"WM-E003"}
    assert _codes(("x.toml", {"arms": []})) == {"WM-E002"}


def test_two_definitions_may_not_clash():
    same = _doc()
    assert "WM-E007" in _codes(("a.toml", _doc()), ("b.toml", same))
    other = _doc(
        head={
            "id": "y-1",
            "inflow_from": dt.date(2020, 12, 31),
            "inflow_until": dt.date(2021, 6, 30),
        }
    )
    assert "WM-E008" in _codes(("a.toml", _doc()), ("b.toml", other))
    later = _doc(
        head={"id": "y-1", "inflow_from": dt.date(2021, 1, 1), "inflow_until": dt.date(2021, 6, 30)}
    )
    assert len(load_experiment_documents([("a.toml", _doc()), ("b.toml", later)])) == 2


def test_a_bad_file_is_reported_with_its_name(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[experiment\n", encoding="utf-8")
    with pytest.raises(InvalidPolicy) as info:
        load_experiments(bad)
    assert [p.code for p in info.value.problems] == ["WM-E001"]
    assert "bad.toml" in str(info.value)


def test_pension_eligibility():
    (e,) = load_experiment_documents(
        [("x.toml", _doc(eligibility={"exclude_pension_within_months": 12}))]
    )
    assert e.eligible(dt.date(2020, 3, 1), dt.date(2022, 1, 1))
    assert not e.eligible(dt.date(2020, 3, 1), dt.date(2021, 2, 1))
