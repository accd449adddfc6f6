"""The door: every argument a person types is checked before a command reads or changes anything."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkmap.errors import InvalidInput, WerkmapError
from werkmap.limits import LONG_TEXT, MAX_APPLICATIONS
from werkmap.service import Werkmap
from werkmap.service.inputs import FIELDS, bsn_positions, guarded

from .service_world import COACH, SYSTEM, build_world, snapshot

ids = {
    "folder_id": "f-1",
    "activity_id": "act-6",
    "conversation_id": "conv-1",
    "case_id": "case-1",
    "coach_id": "c-1",
}


def test_every_checked_argument_is_a_parameter_of_its_command() -> None:
    for command, fields in FIELDS.items():
        parameters = inspect.signature(getattr(Werkmap, command)).parameters
        assert set(fields) <= set(parameters), command


def test_every_command_that_takes_text_or_dates_is_checked() -> None:
    for name, member in inspect.getmembers(Werkmap, inspect.isfunction):
        if name.startswith("_") or name in {"index_of", "decide", "dispatch", "experiment_arm"}:
            continue
        parameters = inspect.signature(member).parameters
        typed = [
            p
            for p in parameters.values()
            if p.name not in {"self", "actor", "idempotency_key"}  # checked for every command
            and any(
                t in str(p.annotation) for t in ("str", "date", "Mapping", "Sequence", "Iterable")
            )
        ]
        if typed:
            assert name in FIELDS, name
            assert {p.name for p in typed} <= set(FIELDS[name]), name


@functools.cache
def _world() -> Werkmap:
    return build_world()


def test_a_ten_megabyte_reason_is_refused_and_changes_nothing() -> None:
    wm = build_world()
    before = snapshot(wm.store)
    with pytest.raises(InvalidInput) as caught:
        wm.excuse(COACH, "f-1", "act-6", reason="x" * 10_000_000)
    assert [p.path for p in caught.value.problems] == ["$.reason"]
    assert f"at most {LONG_TEXT.max_length} characters" in str(caught.value)
    assert len(str(caught.value)) < 500  # the text itself is never quoted
    assert snapshot(wm.store) == before


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (
            lambda wm: wm.add_activity(COACH, "f-1", "cv", due=dt.date(2025, 4, 1), title="\ud800"),
            "$.title",
        ),
        (lambda wm: wm.add_activity(COACH, "f-1", "dance", due=dt.date(2025, 4, 1)), "$.kind"),
        (lambda wm: wm.add_activity(COACH, "f-1", "cv", due=dt.date.max), "$.due"),
        (lambda wm: wm.excuse(COACH, "f-1", "act-6", reason="ziek\x00"), "$.reason"),
        (lambda wm: wm.register(SYSTEM, "f-9\n", jobseeker_ref="js-9"), "$.folder_id"),
        (
            lambda wm: wm.register_applications(COACH, "f-1", ["x"] * (MAX_APPLICATIONS + 1)),
            "$.titles",
        ),
        (lambda wm: wm.sweep(SYSTEM, on=dt.date.min), "$.on"),
    ],
)
def test_bad_input_is_one_werkmap_error_naming_the_field(call: Any, path: str) -> None:
    wm = build_world()
    before = snapshot(wm.store)
    with pytest.raises(InvalidInput) as caught:
        call(wm)
    assert path in [p.path for p in caught.value.problems]
    assert snapshot(wm.store) == before


def test_line_breaks_are_allowed_in_a_reason() -> None:
    wm = build_world()
    wm.excuse(COACH, "f-1", "act-2", reason="ziek\nmet briefje\tvan de huisarts")


_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    st.sampled_from(["", "x" * 70, "y" * 2500, "a\x00b", "\ud83d", "cv", "digital", "orientation"]),
)
_value = st.one_of(
    _text,
    st.dates(min_value=dt.date.min, max_value=dt.date.max),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.none(),
    st.lists(_text, max_size=3),
)


@settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    deadline=None,
)
@given(data=st.data())
def test_random_input_to_every_command_is_a_werkmap_error_and_changes_nothing(
    data: st.DataObject,
) -> None:
    wm = _world()
    command = data.draw(st.sampled_from(sorted(FIELDS)), label="command")
    method = getattr(wm, command)
    parameters = inspect.signature(method).parameters
    arguments: dict[str, object] = {}
    for name in parameters:
        if name == "actor":
            arguments[name] = SYSTEM
        elif parameters[name].annotation in ("bool", bool):
            arguments[name] = data.draw(st.booleans(), label=name)
        elif name in FIELDS[command]:
            known = ids.get(name)
            choice = st.just(known) if known is not None else st.nothing()
            arguments[name] = data.draw(st.one_of(choice, _value), label=name)
    before = snapshot(wm.store)
    positional = [
        arguments.pop(p.name)
        for p in parameters.values()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.name in arguments
    ]
    try:
        method(*positional, **arguments)
    except WerkmapError:
        assert snapshot(wm.store) == before


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda wm: wm.register(SYSTEM, "f-9", jobseeker_ref="123 456 782"), "$.jobseeker_ref"),
        (lambda wm: wm.register(SYSTEM, "NL123456782", jobseeker_ref="js-9"), "$.folder_id"),
        (
            lambda wm: wm.register(SYSTEM, "f-9", jobseeker_ref="js-9", coach_id="123456782"),
            "$.coach_id",
        ),
        (lambda wm: wm.excuse(COACH, "f-1", "act-2", reason="ziek, bsn 123.45.6782"), "$.reason"),
    ],
)
def test_a_bsn_in_clear_is_refused_as_an_id_and_in_free_text(call: Any, path: str) -> None:
    wm = build_world()
    before = snapshot(wm.store)
    with pytest.raises(InvalidInput) as caught:
        call(wm)
    assert [p.code for p in caught.value.problems] == ["WM-I011"]
    assert [p.path for p in caught.value.problems] == [path]
    assert "123" not in str(caught.value)  # the number itself is not repeated
    assert snapshot(wm.store) == before


def test_a_bsn_given_as_bsn_is_kept_as_a_pseudonym() -> None:
    wm = Werkmap("memory://", pseudonym_key=b"0123456789abcdef0")
    folder = wm.register(SYSTEM, "f-9", bsn="123456782")
    assert "123456782" not in folder.jobseeker_ref
    assert bsn_positions("telefoon 0612345678, postcode 1234 AB") == []


def test_an_export_holds_everything_about_the_person_and_is_audited() -> None:
    import json

    from werkmap.errors import NotFound
    from werkmap.service import Actor

    from .service_world import JOBSEEKER

    wm = build_world()
    trail_before = len(wm.store.audit_records("f-1"))
    document = wm.export(JOBSEEKER, "f-1", why="inzageverzoek")
    assert json.loads(json.dumps(document)) == document  # JSON as it is
    assert (document["kind"], document["folder_id"]) == ("export", "f-1")
    assert document["folder"]["folder_id"] == "f-1"
    assert len(document["events"]) == len(wm.store.events("f-1"))
    assert {n["notification"]["folder_id"] for n in document["notifications"]} == {"f-1"}
    trail = wm.store.audit_records("f-1")
    assert len(trail) == trail_before + 1
    assert trail[-1].what == "export (access request)"
    with pytest.raises(NotFound):
        wm.export(Actor.jobseeker("js-2"), "f-1")


def test_the_guard_checks_positional_and_keyword_arguments_and_leaves_a_wrong_call_to_python() -> (
    None
):
    def excuse(self: object, folder_id: str, activity_id: str, *, reason: str = "") -> str:
        return "ran"

    run = guarded("excuse", excuse)
    assert run(None, "f-1", "a1", reason="ziek") == "ran"
    with pytest.raises(InvalidInput, match=r"\$\.folder_id"):
        run(None, "f 1\x00", "a1")
    with pytest.raises(InvalidInput, match=r"\$\.reason"):
        run(None, folder_id="f-1", activity_id="a1", reason="x" * 10**6)
    # calls that do not fit the signature: Python's own error, not a check
    for args, kwargs in [
        ((None, "f 1\x00"), {}),  # activity_id missing
        ((None, "f 1\x00", "a1", "extra"), {}),
        ((None, "f 1\x00", "a1"), {"folder_id": "f-2"}),
        ((None, "f 1\x00", "a1"), {"colour": "red"}),
    ]:
        with pytest.raises(TypeError):
            run(*args, **kwargs)
