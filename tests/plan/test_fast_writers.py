"""The hand-written writers for events, activities and deadlines: cattrs' data, less the defaults."""

from __future__ import annotations

import datetime as dt

import cattrs
from cattrs.preconf.json import make_converter
from hypothesis import given
from hypothesis import strategies as st

from werkmap import serialization
from werkmap.plan import folder as wf
from werkmap.plan.activity import Activity
from werkmap.plan.deadline import Deadline
from werkmap.plan.folder import FolderEvent

DAY = dt.date(2025, 3, 3)


def _plain() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True, omit_if_default=False)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    return conv


def test_the_registered_writers_are_the_fast_ones() -> None:
    c = serialization.converter
    assert c.get_unstructure_hook(FolderEvent) is wf._unstructure_event
    assert c.get_unstructure_hook(Activity) is wf._unstructure_activity
    assert c.get_unstructure_hook(Deadline) is wf._unstructure_deadline


@given(
    n=st.integers(min_value=0, max_value=4),
    extend=st.booleans(),
    suspend=st.booleans(),
    remind=st.booleans(),
)
def test_a_folder_is_written_as_cattrs_writes_it(
    n: int, extend: bool, suspend: bool, remind: bool
) -> None:
    f, _ = wf.create_folder("f", on=DAY, jobseeker_ref="js")
    for i in range(n):
        f, _ = wf.add_activity(f, f"a{i}", "cv", due=DAY, on=DAY, actor="c", title=f"t{i}")
    if n and extend:
        f, _ = wf.extend_activity_deadline(
            f, "a0", on=DAY, actor="c", reason="ziek", working_days=3
        )
    if n > 1 and suspend:
        f, _ = wf.suspend_activity_deadline(f, "a1", on=DAY, actor="c", reason="opname")
    if n > 2 and remind:
        later = DAY + dt.timedelta(days=30)
        f, _ = wf.mark_activity_overdue(f, "a2", on=later)
        f, _ = wf.remind_activity(f, "a2", on=later, actor="c")
    plain = _plain().unstructure(f)
    # twice: the second time the activities' data comes from the cache
    for _ in range(2):
        ours = serialization.unstructure(f)
        assert ours["events"] == plain["events"]
        assert [_without_defaults(a) for a in plain["activities"]] == ours["activities"]
        assert serialization.structure(ours, wf.WorkFolder) == f
        assert serialization.structure(plain, wf.WorkFolder) == f


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


def _without_defaults(data: dict[str, object]) -> dict[str, object]:
    out = {k: v for k, v in data.items() if not (k in _DEFAULTS and v == _DEFAULTS[k])}
    if isinstance(out.get("deadline"), dict):
        out["deadline"] = _without_defaults(out["deadline"])  # type: ignore[arg-type]
    return out
