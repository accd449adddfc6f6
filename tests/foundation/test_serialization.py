import datetime as dt
import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.errors import InvalidInput, SchemaVersionError
from werkmap.serialization import dump, dumps, load, loads, register_schema


@attrs.frozen(kw_only=True)
class Sample:
    name: str
    when: dt.date
    count: int = 0
    tags: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SampleV2:
    name: str
    when: dt.date
    count: int


register_schema("test.sample", Sample, 1)
register_schema(
    "test.sample2",
    SampleV2,
    2,
    {1: lambda d: {"name": d["name"], "when": d["when"], "count": len(d["tags"])}},
)


@given(
    st.builds(
        Sample,
        name=st.text(),
        when=st.dates(),
        count=st.integers(),
        tags=st.lists(st.text(), max_size=4).map(tuple),
    )
)
def test_round_trip(sample):
    assert loads(dumps(sample), Sample) == sample


def test_envelope_shape_and_sorted_keys():
    env = dump(Sample(name="x", when=dt.date(2024, 1, 31)))
    assert env == {
        "schema": "test.sample",
        "schema_version": 1,
        "data": {"name": "x", "when": "2024-01-31", "count": 0, "tags": []},
    }
    assert dumps(Sample(name="x", when=dt.date(2024, 1, 31))).startswith('{"data"')


def test_every_problem_is_listed_with_its_path():
    env = {
        "schema": "test.sample",
        "schema_version": 1,
        "data": {"name": "x", "when": "not a date", "count": "many", "colour": "red"},
    }
    with pytest.raises(InvalidInput) as info:
        load(env, Sample, source="sample.json")
    text = str(info.value)
    assert "sample.json" in text
    paths = {p.path for p in info.value.problems}
    assert "$.when" in paths
    assert "$.count" in paths
    assert any("colour" in p.message for p in info.value.problems)


def test_envelope_errors_are_collected():
    with pytest.raises(InvalidInput) as info:
        load({"schema": "other", "schema_version": 0, "extra": 1}, Sample)
    assert {p.path for p in info.value.problems} == {"$", "$.schema", "$.schema_version", "$.data"}


def test_newer_version_is_refused_and_older_is_migrated():
    env = {"schema": "test.sample2", "schema_version": 3, "data": {}}
    with pytest.raises(SchemaVersionError, match="newer"):
        load(env, SampleV2)
    old = {
        "schema": "test.sample2",
        "schema_version": 1,
        "data": {"name": "a", "when": "2024-02-29", "tags": ["x", "y"]},
    }
    assert load(old, SampleV2) == SampleV2(name="a", when=dt.date(2024, 2, 29), count=2)


def test_bad_json_names_line_and_column():
    with pytest.raises(InvalidInput, match="line 1 column"):
        loads("{", Sample)


def test_unicode_survives():
    s = Sample(name="Zoë ßtraße 北京 \U0001f600", when=dt.date(2024, 1, 1))
    assert loads(dumps(s), Sample) == s
    assert "Zoë" in dumps(s)
    json.loads(dumps(s))


# ----------------------------------------------------------- activities and deadlines are written compactly

_DEFAULTS = {
    "title": "",
    "changed_on": None,
    "reminded_on": None,
    "reason": "",
    "by": "",
    "legal_latest": None,
    "extensions": [],
    "suspensions": [],
}


def _plain_converter() -> Any:
    from cattrs.preconf.json import make_converter

    conv = make_converter(forbid_extra_keys=True, omit_if_default=False)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    return conv


def _without_defaults(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if not (k in _DEFAULTS and v == _DEFAULTS[k])}
    if isinstance(out.get("deadline"), dict):
        out["deadline"] = _without_defaults(out["deadline"])
    return out


@given(
    n=st.integers(min_value=0, max_value=4),
    extend=st.booleans(),
    suspend=st.booleans(),
    remind=st.booleans(),
)
def test_a_folder_is_written_as_cattrs_writes_it_less_the_defaults(
    n: int, extend: bool, suspend: bool, remind: bool
) -> None:
    from werkmap import serialization
    from werkmap.plan import folder as wf

    day = dt.date(2025, 3, 3)
    f, _ = wf.create_folder("f", on=day, jobseeker_ref="js")
    for i in range(n):
        f, _ = wf.add_activity(f, f"a{i}", "cv", due=day, on=day, actor="c", title=f"t{i}")
    if n and extend:
        f, _ = wf.extend_activity_deadline(
            f, "a0", on=day, actor="c", reason="ziek", working_days=3
        )
    if n > 1 and suspend:
        f, _ = wf.suspend_activity_deadline(f, "a1", on=day, actor="c", reason="opname")
    if n > 2 and remind:
        later = day + dt.timedelta(days=30)
        f, _ = wf.mark_activity_overdue(f, "a2", on=later)
        f, _ = wf.remind_activity(f, "a2", on=later, actor="c")
    plain = _plain_converter().unstructure(f)
    ours = serialization.unstructure(f)
    assert ours["events"] == plain["events"]
    assert ours["activities"] == [_without_defaults(a) for a in plain["activities"]]
    # the compact document and the full one (as older werkmaps may have written it) both load
    assert serialization.structure(ours, wf.WorkFolder) == f
    assert serialization.structure(plain, wf.WorkFolder) == f


def test_omit_defaults_leaves_out_only_default_fields() -> None:
    from werkmap import serialization

    @attrs.frozen(kw_only=True)
    class Note:
        text: str
        by: str = ""
        tags: tuple[str, ...] = ()

    serialization.omit_defaults(Note, always=["by"])
    assert serialization.unstructure(Note(text="a")) == {"text": "a", "by": ""}
    assert serialization.unstructure(Note(text="a", by="c", tags=("x",))) == {
        "text": "a",
        "by": "c",
        "tags": ["x"],
    }
    assert serialization.structure({"text": "a"}, Note) == Note(text="a")
