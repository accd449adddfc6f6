import pytest

from werkmap import (
    ConcurrencyConflict,
    IllegalTransition,
    InvalidAnswers,
    InvalidInput,
    Problem,
    WerkmapError,
)


def test_invalid_input_lists_every_problem_with_its_path():
    exc = InvalidAnswers(
        [
            Problem(path="$.q07", message="expected one of 1..5, got 7"),
            Problem(path="$.q99", message="unknown item", code="WM-A002"),
        ],
        source="answers.json",
    )
    text = str(exc)
    assert text.splitlines() == [
        "2 problems in answers.json:",
        "  $.q07: expected one of 1..5, got 7",
        "  [WM-A002] $.q99: unknown item",
    ]
    assert exc.codes == ("", "WM-A002")
    assert isinstance(exc, WerkmapError)
    assert isinstance(exc, ValueError)


def test_invalid_input_needs_a_problem():
    with pytest.raises(ValueError, match="at least one problem"):
        InvalidInput([])


def test_illegal_transition_names_object_state_event_and_allowed_events():
    exc = IllegalTransition(machine="activity", obj="a-1", state="done", event="remind", allowed=[])
    assert "activity 'a-1' in state 'done' cannot take event 'remind'" in str(exc)
    assert "none (final state)" in str(exc)
    exc2 = IllegalTransition(
        machine="activity", obj="a-1", state="open", event="x", allowed=["complete"], reason="r"
    )
    assert str(exc2).endswith(": r; allowed there: complete")


def test_concurrency_conflict_says_what_to_do():
    exc = ConcurrencyConflict("f-1", 3, 4)
    assert "version 3" in str(exc)
    assert "version 4" in str(exc)
    assert "reload" in str(exc)
