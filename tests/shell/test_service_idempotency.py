"""Command idempotency keys: a retry with the same key returns the first result and changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput, StorageError
from werkmap.service import Actor, Werkmap
from werkmap.service.unit import KEY_RETENTION
from werkmap.storage import hookimpl, load_plugins

DAY = dt.date(2025, 3, 3)
COACH = Actor.coach("c-1")


class _FailsOnce:
    """An audit hook that raises once, after the change was stored (an archive that is down)."""

    def __init__(self) -> None:
        self.left = 0

    @hookimpl
    def werkmap_audit(self, record: object) -> None:
        if self.left:
            self.left -= 1
            raise StorageError("the archive is unreachable")


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/k.db"


def test_a_retry_with_the_same_key_does_not_add_the_activity_twice(url: str) -> None:
    hook = _FailsOnce()
    wm = Werkmap(url, clock=FixedClock(DAY), plugins=load_plugins(extra={"hook": hook}))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    hook.left = 1  # the hook fails after the first add_activity committed
    first = wm.add_activity(
        COACH, "f-1", "cv", due=DAY + dt.timedelta(days=5), idempotency_key="req-42"
    )
    # the caller retries (say, its HTTP request timed out) with the same key
    again = wm.add_activity(
        COACH, "f-1", "cv", due=DAY + dt.timedelta(days=5), idempotency_key="req-42"
    )
    assert again == first
    folder = wm.store.load("f-1")
    assert [a.activity_id for a in folder.activities] == [first]
    actions = [r.action for r in wm.store.audit_records("f-1")]
    assert actions.count("add_activity") == 1
    assert wm.counts() == {"plugin_failures": 1, "idempotent_replays": 1}
    # a fresh shell (another process) finds the key in the store too
    other = Werkmap(wm.store, clock=FixedClock(DAY))
    assert (
        other.add_activity(
            COACH, "f-1", "cv", due=DAY + dt.timedelta(days=5), idempotency_key="req-42"
        )
        == first
    )
    assert len(other.store.load("f-1").activities) == 1
    # without a key (or with another one) the command runs again, as asked
    wm.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=5))
    assert len(wm.store.load("f-1").activities) == 2


def test_results_of_every_kind_come_back_the_same(url: str) -> None:
    wm = Werkmap(url, clock=FixedClock(DAY))
    folder = wm.register(COACH, "f-1", jobseeker_ref="js-1", idempotency_key="reg")
    assert wm.register(COACH, "f-1", jobseeker_ref="js-1", idempotency_key="reg") == folder
    decision = wm.route(COACH, "f-1", override="digital", reason="asked", idempotency_key="r")
    assert wm.route(COACH, "f-1", override="digital", reason="asked", idempotency_key="r") == (
        decision
    )
    version = wm.store.load("f-1").version
    ids = wm.register_applications(
        Actor.jobseeker("js-1"), "f-1", ["Bakkerij", "Garage"], idempotency_key="apps"
    )
    assert isinstance(ids, tuple)
    assert len(ids) == 2
    assert (
        wm.register_applications(
            Actor.jobseeker("js-1"), "f-1", ["Bakkerij", "Garage"], idempotency_key="apps"
        )
        == ids
    )
    assert wm.store.load("f-1").version == version + 1


def test_a_key_names_one_command(url: str) -> None:
    wm = Werkmap(url, clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1", idempotency_key="k")
    with pytest.raises(InvalidInput, match="register"):
        wm.invite_profiler(COACH, "f-1", idempotency_key="k")
    for bad in ("", "x" * 201, "a\nb"):
        with pytest.raises(InvalidInput, match="idempotency_key"):
            wm.invite_profiler(COACH, "f-1", idempotency_key=bad)
    assert wm.store.load("f-1").version == 1


def test_keys_inside_a_unit_of_work_are_written_with_it(url: str) -> None:
    wm = Werkmap(url, clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    with wm.unit_of_work():
        first = wm.add_activity(COACH, "f-1", "cv", due=DAY, idempotency_key="u-1")
        assert wm.add_activity(COACH, "f-1", "cv", due=DAY, idempotency_key="u-1") == first
        assert wm.store.command_result("u-1") is None  # not written until the unit ends
    stored = wm.store.command_result("u-1")
    assert stored is not None
    assert (stored.command, stored.folder_id) == ("add_activity", "f-1")
    assert len(wm.store.load("f-1").activities) == 1


def test_a_key_is_kept_for_the_retention_window_and_forgotten_after_it(url: str) -> None:
    clock = FixedClock(DAY)
    wm = Werkmap(url, clock=clock)
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    due = DAY + dt.timedelta(days=30)
    first = wm.add_activity(COACH, "f-1", "cv", due=due, idempotency_key="req-9")
    # a retry just within the window returns the first result and adds nothing
    clock.advance(hours=KEY_RETENTION.total_seconds() / 3600 - 1)
    assert wm.add_activity(COACH, "f-1", "cv", due=due, idempotency_key="req-9") == first
    assert len(wm.store.load("f-1").activities) == 1
    # after the window the key is forgotten: the retry runs the command again
    clock.advance(hours=2)
    second = wm.add_activity(COACH, "f-1", "cv", due=due, idempotency_key="req-9")
    assert second != first
    assert len(wm.store.load("f-1").activities) == 2
    stored = wm.store.command_result("req-9")
    assert stored is not None
    assert stored.stored_at == clock.now()
    # the first keyed command of a later day forgets the keys past the window
    wm.add_activity(COACH, "f-1", "cv", due=due, idempotency_key="req-10")
    clock.advance(days=KEY_RETENTION.days + 1)
    wm.add_activity(COACH, "f-1", "cv", due=due, idempotency_key="req-11")
    assert wm.store.command_result("req-9") is None
    assert wm.store.command_result("req-10") is None
    assert wm.store.command_result("req-11") is not None


def test_a_command_without_a_key_stores_none(url: str) -> None:
    wm = Werkmap(url, clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    wm.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=5))
    with wm.unit_of_work():
        wm.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=6))
    assert wm.store.forget_command_keys(before=FixedClock(DAY).now() + dt.timedelta(days=1)) == 0
