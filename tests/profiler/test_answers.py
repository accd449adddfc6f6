"""Answer validation: one InvalidAnswers listing every problem with its path."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.errors import InvalidAnswers
from werkmap.profiler.questionnaire import (
    AnswerOption,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    default_questionnaire,
    validate_answers,
)
from werkmap.profiler.synthetic import synthetic_answers

T = Text(nl="tekst", en="text")


def likert() -> tuple[AnswerOption, ...]:
    return tuple(AnswerOption(code=str(i), label=Text(nl=str(i), en=str(i))) for i in range(1, 6))


Q = Questionnaire(
    url="https://example.org/q",
    version="1",
    status="active",
    valid_from=dt.date(2020, 1, 1),
    title=Text(nl="Titel", en="Title"),
    items=(
        Item(link_id="intro", type="display", text=T),
        Item(link_id="age", type="integer", text=T, required=True, min_value=16, max_value=70),
        Item(link_id="q07", type="choice", text=T, required=True, options=likert()),
        Item(link_id="hours", type="decimal", text=T, min_value=0, max_value=60),
        Item(link_id="ill", type="boolean", text=T, required=True),
        Item(
            link_id="since",
            type="date",
            text=T,
            required=True,
            enable_when=(EnableWhen(question="ill", operator="=", answer=True),),
        ),
        Item(link_id="note", type="string", text=T),
    ),
)


def test_valid_answers_are_normalised():
    out = validate_answers(
        {"age": 30.0, "q07": "3", "hours": 12, "ill": True, "since": "2024-02-29"}, Q
    )
    assert out == {"age": 30, "q07": "3", "hours": 12.0, "ill": True, "since": dt.date(2024, 2, 29)}
    assert isinstance(out["age"], int)
    assert isinstance(out["hours"], float)


def test_every_problem_is_listed_with_its_path():
    answers = {
        "age": 12,  # out of range
        "q07": "7",  # not an option
        "hours": "many",  # wrong type
        "ill": False,
        "since": "2024-01-01",  # disabled
        "extra": 1,  # unknown
        "intro": "hello",  # display item
    }
    with pytest.raises(InvalidAnswers) as err:
        validate_answers(answers, Q)
    messages = {p.path: p.message for p in err.value.problems}
    assert messages == {
        "$.extra": "unknown item (not in questionnaire https://example.org/q|1)",
        "$.intro": "is a group or display item and takes no answer",
        "$.age": "expected an integer in 16..70, got 12",
        "$.q07": "expected one of 1..5, got '7'",
        "$.hours": "expected a number, got str 'many'",
        "$.since": "answered, but the item is not enabled (it needs ill = True)",
    }


def test_missing_required_answers_and_wrong_types():
    with pytest.raises(InvalidAnswers) as err:
        validate_answers({"age": True, "ill": "yes", "note": 5}, Q)
    messages = {p.path: p.message for p in err.value.problems}
    assert messages["$.age"] == "expected an integer, got bool True"
    assert messages["$.ill"] == "expected true or false, got str 'yes'"
    assert messages["$.note"] == "expected text, got int 5"
    assert messages["$.q07"] == "required, but not answered"
    # "since" depends on an invalid answer, so it is not enabled and not required
    assert "$.since" not in messages


def test_a_required_enabled_item_must_be_answered():
    with pytest.raises(InvalidAnswers) as err:
        validate_answers({"age": 40, "q07": "1", "ill": True}, Q)
    assert [(p.path, p.message) for p in err.value.problems] == [
        ("$.since", "required, but not answered")
    ]


def test_bad_dates_non_integral_and_non_finite_numbers():
    with pytest.raises(InvalidAnswers) as err:
        validate_answers(
            {"age": 30.5, "q07": 7, "hours": float("nan"), "ill": True, "since": "31-12-2024"}, Q
        )
    messages = {p.path: p.message for p in err.value.problems}
    assert messages["$.age"] == "expected an integer, got 30.5"
    assert messages["$.q07"] == "expected one of 1..5, got 7"
    assert messages["$.hours"] == "expected a finite number, got nan"
    assert messages["$.since"].startswith("expected an ISO date")


def test_answers_must_be_a_mapping():
    with pytest.raises(InvalidAnswers) as err:
        validate_answers(["age", 3], Q)  # type: ignore[arg-type]
    assert err.value.problems[0].path == "$"


def test_the_message_names_every_problem_one_per_line():
    with pytest.raises(InvalidAnswers) as err:
        validate_answers({"age": 99, "q07": "0"}, Q)
    text = str(err.value)
    assert text.splitlines()[0] == "3 problems in https://example.org/q|1:"
    assert "$.age: expected an integer in 16..70, got 99" in text


@given(st.integers(min_value=0, max_value=10_000))
def test_synthetic_people_answer_the_packaged_questionnaire_validly(seed):
    q = default_questionnaire()
    for answers in synthetic_answers(3, seed=seed):
        assert validate_answers(answers, q) == answers


@given(st.integers(min_value=-1000, max_value=1000))
def test_integer_bounds_are_inclusive(age):
    ok = 16 <= age <= 70
    answers = {"age": age, "q07": "1", "ill": False}
    if ok:
        assert validate_answers(answers, Q)["age"] == age
    else:
        with pytest.raises(InvalidAnswers):
            validate_answers(answers, Q)
