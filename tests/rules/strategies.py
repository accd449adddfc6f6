"""Hypothesis strategies for folder snapshots around a sweep date."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from werkmap.rules import ActivityRow, FolderState, Invitation
from werkmap.rules.state import ACTIVITY_STATES, INVITATION_KINDS, ROUTES

DAY = dt.timedelta(days=1)
sweep_dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2060, 12, 31))


def rarely(strategy: st.SearchStrategy[dt.date]) -> st.SearchStrategy[dt.date | None]:
    return st.integers(0, 3).flatmap(lambda k: strategy if k == 0 else st.none())


def near(on: dt.date, before: int, after: int) -> st.SearchStrategy[dt.date]:
    return st.integers(-before, after).map(lambda k: on + k * DAY)


@st.composite
def folder_states(draw: st.DrawFn, on: dt.date, index: int) -> FolderState:
    reg = draw(st.one_of(near(on, 900, 5), near(on, 250, 0)))
    probability = draw(st.none() | st.sampled_from([0.0, 0.25, 0.5, 0.5000001, 0.75, 1.0]))
    route = draw(st.none() | st.sampled_from(ROUTES))
    routed_on = None if route is None else min(reg + draw(st.integers(0, 200)) * DAY, on)
    last = draw(
        st.none() | near(on, 100, 0)
        if route in ("orientation", "coaching")
        else rarely(near(on, 400, 0))
    )
    pending = tuple(
        Invitation(
            id=f"c{index}-{k}",
            kind=draw(st.sampled_from(INVITATION_KINDS)),
            invited_on=draw(near(on, 60, 0)),
            planned_on=draw(st.none() | near(on, 5, 30)),
        )
        for k in range(draw(st.sampled_from([0, 0, 1, 2])))
    )
    activities = []
    for k in range(draw(st.integers(0, 4))):
        state = draw(st.sampled_from(ACTIVITY_STATES))
        activities.append(
            ActivityRow(
                id=f"a{index}-{k}",
                state=state,
                deadline=draw(near(on, 40, 10)),
                reminded_on=draw(near(on, 40, 0)) if state == "reminded" else None,
                suspended=state == "open" and draw(st.integers(0, 3)) == 0,
            )
        )
    return FolderState(
        folder_id=f"f{index}",
        registered_on=reg,
        probability=probability,
        profiler_invited_on=draw(st.none() | st.just(reg)),
        route=route,
        routed_on=routed_on,
        last_conversation_on=last,
        pending=pending,
        work_found_on=draw(rarely(near(on, 20, 20))),
        benefit_ends_on=draw(rarely(near(on, 20, 400))),
        pension_on=draw(st.none() | near(on, 100, 700)),
        activities=tuple(activities),
        applications_on=tuple(draw(st.lists(near(on, 60, 0), max_size=8))),
        services=draw(st.sampled_from([True, True, False])),
        enforcement=draw(st.sampled_from([True, True, False])),
    )


@st.composite
def populations(draw: st.DrawFn, max_size: int = 12) -> tuple[dt.date, list[FolderState]]:
    on = draw(sweep_dates)
    n = draw(st.integers(0, max_size))
    return on, [draw(folder_states(on, i)) for i in range(n)]
