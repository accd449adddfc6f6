"""Regressions found in review: hooks that fail, stale caches, undone units of work, shared caches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from werkmap import serialization
from werkmap.clock import FixedClock
from werkmap.errors import NotFound, StorageError
from werkmap.plan import folder as wf
from werkmap.service import Actor, Werkmap, notifications_for
from werkmap.storage import hookimpl, load_plugins

DAY = dt.date(2025, 3, 3)
COACH = Actor.coach("c-1")
SYSTEM = Actor.system()


class _FailingAudit:
    def __init__(self, times: int) -> None:
        self.left = times

    @hookimpl
    def werkmap_audit(self, record: object) -> None:
        if self.left:
            self.left -= 1
            raise StorageError("the archive is unreachable")


def test_an_audit_hook_that_fails_after_the_save_does_not_run_the_command_twice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hook = _FailingAudit(times=1)
    plugins = load_plugins(extra={"failing-audit": hook})
    wm = Werkmap(f"sqlite:///{tmp_path}/a.db", clock=FixedClock(DAY), plugins=plugins)
    hook.left = 0
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    hook.left = 1
    # the change is stored: the hook's failure is logged and counted, never raised as the command's
    with caplog.at_level("ERROR", logger="werkmap.service"):
        conversation = wm.invite_conversation(
            COACH, "f-1", "coaching", at=DAY + dt.timedelta(days=7)
        )
    assert conversation == "conv-1"
    assert wm.counts()["plugin_failures"] == 1
    assert any("unreachable" in r.getMessage() for r in caplog.records)
    stored = wm.store.load("f-1")
    assert [c.conversation_id for c in stored.conversations] == ["conv-1"]
    assert [r.action for r in wm.store.audit_records("f-1")] == ["register", "invite_conversation"]
    invited = [i for i in wm.store.outbox() if i.notification.kind == "conversation_invited"]
    assert len(invited) == 1


def test_a_sweep_does_not_trust_a_cached_copy_another_writer_changed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    clock = FixedClock(DAY)
    a = Werkmap(url, clock=clock)
    b = Werkmap(url, clock=clock)
    a.register(COACH, "f-1", jobseeker_ref="js-1")
    a.sweep(SYSTEM)  # the profiler invitation; a now holds f-1 in its cache
    b.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=2))
    clock.set(DAY + dt.timedelta(days=3))
    result = a.sweep(SYSTEM)
    assert "mark_overdue" in [x.kind for x in result.actions]
    assert str(a.store.load("f-1").activity("act-1").state) == "overdue"


def test_a_read_inside_an_undone_unit_of_work_is_still_audited() -> None:
    wm = Werkmap("memory://", clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")

    def block() -> None:
        with wm.unit_of_work():
            wm.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=9))
            wm.folder(Actor.team_lead("lead"), "f-1")
            raise RuntimeError("the block fails")

    with pytest.raises(RuntimeError):
        block()
    trail = wm.store.audit_records("f-1")
    assert [r.action for r in trail] == ["register", "read"]
    assert wm.store.load("f-1").activities == ()


def test_a_nested_unit_of_work_that_raises_undoes_only_its_own_commands() -> None:
    wm = Werkmap("memory://", clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    with wm.unit_of_work():
        wm.add_activity(COACH, "f-1", "cv", due=DAY + dt.timedelta(days=9))

        def inner() -> None:
            with wm.unit_of_work():
                wm.add_activity(COACH, "f-1", "e_learning", due=DAY + dt.timedelta(days=9))
                raise RuntimeError("the inner block fails")

        with pytest.raises(RuntimeError):
            inner()
    stored = wm.store.load("f-1")
    assert [str(a.kind) for a in stored.activities] == ["cv"]
    assert stored.version == 2


def test_the_caseload_inside_a_unit_of_work_follows_its_changes() -> None:
    wm = Werkmap("memory://", clock=FixedClock(DAY))
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    with wm.unit_of_work():
        wm.assign_coach(SYSTEM, "f-1", "c-2")
        wm.register(SYSTEM, "f-2", jobseeker_ref="js-2", coach_id="c-2")
        assert [f.folder_id for f in wm.caseload(SYSTEM, "c-1")] == []
        assert sorted(f.folder_id for f in wm.caseload(SYSTEM, "c-2")) == ["f-1", "f-2"]
        assert [f.folder_id for f in wm.all_folders(SYSTEM)] == ["f-1", "f-2"]


def test_changing_written_activity_data_does_not_change_the_next_write() -> None:
    f, _ = wf.create_folder("f", on=DAY, jobseeker_ref="js")
    f, _ = wf.add_activity(f, "a1", "cv", due=DAY, on=DAY, actor="c")
    first = serialization.unstructure(f)
    first["activities"][0]["deadline"]["due"] = "2099-01-01"
    first["activities"][0]["kind"] = "other"
    again = serialization.unstructure(f)
    assert again["activities"][0]["deadline"]["due"] == DAY.isoformat()
    assert again["activities"][0]["kind"] == "cv"


def test_a_cancellation_on_work_found_reads_well_in_dutch_and_english() -> None:
    wm = Werkmap("memory://", clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    wm.invite_conversation(COACH, "f-1", "coaching", at=DAY + dt.timedelta(days=7))
    folder = wm.record_work_found(Actor.jobseeker("js-1"), "f-1")
    cancelled = [n for n in notifications_for(folder, folder.events) if "cancelled" in n.kind]
    assert [n.text_nl for n in cancelled] == ["Uw gesprek is geannuleerd: u heeft werk gevonden."]
    assert [n.text_en for n in cancelled] == ["Your conversation was cancelled: you found work."]


def test_answers_of_someone_who_may_not_submit_them_are_refused_before_they_are_read() -> None:
    wm = Werkmap("memory://", clock=FixedClock(DAY))
    wm.register(COACH, "f-1", jobseeker_ref="js-1")
    with pytest.raises(NotFound):
        wm.submit_profile(Actor.jobseeker("js-2"), "f-1", {"not": "valid"})
    with pytest.raises(NotFound):
        wm.register_applications(Actor.jobseeker("js-2"), "f-1", [])
