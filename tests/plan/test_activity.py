"""Activities: colours, the values changes return, and what each change records."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.plan import activity as act
from werkmap.plan.activity import ActivityState as S
from werkmap.plan.activity import Colour
from werkmap.plan.deadline import new_deadline

DUE = dt.date(2025, 3, 14)  # a Friday
D = new_deadline(DUE)


@pytest.mark.parametrize(
    ("state", "today", "horizon", "colour"),
    [
        (S.DONE, dt.date(2025, 3, 1), 7, Colour.GREY),
        (S.DONE_LATE, dt.date(2025, 3, 30), 7, Colour.GREY),
        (S.EXCUSED, dt.date(2025, 3, 30), 7, Colour.GREY),
        (S.CANCELLED, dt.date(2025, 3, 1), 7, Colour.GREY),
        (S.OVERDUE, dt.date(2025, 3, 20), 7, Colour.RED),
        (S.REMINDED, dt.date(2025, 3, 20), 7, Colour.RED),
        (S.REFERRED, dt.date(2025, 3, 20), 7, Colour.RED),
        (S.OPEN, dt.date(2025, 3, 6), 7, Colour.GREEN),  # 8 days left
        (S.OPEN, dt.date(2025, 3, 7), 7, Colour.ORANGE),  # 7 days left
        (S.OPEN, dt.date(2025, 3, 14), 7, Colour.ORANGE),  # the due day itself
        (S.OPEN, dt.date(2025, 3, 15), 7, Colour.RED),  # passed, not swept yet
        (S.OPEN, dt.date(2025, 3, 10), 3, Colour.GREEN),  # another horizon
        (S.OPEN, dt.date(2025, 3, 11), 3, Colour.ORANGE),
        (S.OPEN, dt.date(2025, 3, 14), 0, Colour.ORANGE),
    ],
)
def test_colour_table(state, today, horizon, colour):
    assert act.colour(state, D, today, horizon) is colour


@given(
    state=st.sampled_from(list(S)),
    offset=st.integers(-60, 60),
    horizon=st.integers(0, 30),
)
def test_colour_is_the_documented_function(state, offset, horizon):
    today = DUE - dt.timedelta(days=offset)
    got = act.colour(state, D, today, horizon)
    if state in (S.DONE, S.DONE_LATE, S.EXCUSED, S.CANCELLED):
        assert got is Colour.GREY
    elif state in (S.OVERDUE, S.REMINDED, S.REFERRED) or offset < 0:
        assert got is Colour.RED
    elif offset <= horizon:
        assert got is Colour.ORANGE
    else:
        assert got is Colour.GREEN


def test_a_suspended_deadline_keeps_its_colour():
    a = act.new_activity("a", "cv", due=DUE, on=dt.date(2025, 3, 1))
    a = act.suspend_deadline(a, on=dt.date(2025, 3, 1), reason="hospital")
    assert act.activity_colour(a, dt.date(2025, 3, 1)) is Colour.GREEN
    assert act.activity_colour(a, dt.date(2025, 5, 1)) is Colour.GREEN


def test_a_new_activity_is_the_plain_value():
    a = act.new_activity("a", "cv", due=DUE, on=dt.date(2025, 3, 1), title="CV on werk.nl")
    assert a == act.Activity(
        activity_id="a",
        kind=act.ActivityKind.CV,
        deadline=new_deadline(DUE),
        created_on=dt.date(2025, 3, 1),
        title="CV on werk.nl",
    )
    moved = act.mark_overdue(a, on=dt.date(2025, 3, 17))
    assert type(moved) is act.Activity
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        moved.state = S.OPEN  # type: ignore[misc]


def test_changes_record_who_when_and_why():
    a = act.new_activity("a", "application", due=DUE, on=dt.date(2025, 3, 1))
    o = act.mark_overdue(a, on=dt.date(2025, 3, 17))
    assert (o.state, o.changed_on, o.closed_on) == (S.OVERDUE, dt.date(2025, 3, 17), None)
    r = act.remind(o, on=dt.date(2025, 3, 18), by="c-1")
    assert (r.reminded_on, r.by) == (dt.date(2025, 3, 18), "c-1")
    e = act.excuse(r, on=dt.date(2025, 3, 19), by="c-2", reason="ill")
    assert (e.state, e.closed_on, e.by, e.reason) == (S.EXCUSED, dt.date(2025, 3, 19), "c-2", "ill")
    assert e.is_final
    assert not r.is_final
    assert act.complete(a, on=DUE).state is S.DONE
    assert act.complete(o, on=DUE).state is S.DONE_LATE


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="walk"):
        act.new_activity("a", "walk", due=DUE, on=DUE)
