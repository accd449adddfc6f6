import datetime as dt
import json

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
