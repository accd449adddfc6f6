"""Every read that returns personal data is audited (a list read in one transaction); refusals leave a trace."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence

import pytest

from werkmap.clock import FixedClock
from werkmap.errors import NotAuthorized, NotFound, StorageError
from werkmap.plan.activity import ActivityKind
from werkmap.service import Actor, Werkmap
from werkmap.storage.memory import MemoryStore
from werkmap.storage.values import AuditEntry, AuditRecord

from .service_world import low_answers

D0 = dt.date(2025, 3, 3)
COACH = Actor.coach("c-1")
OTHER_COACH = Actor.coach("c-2")
LEAD = Actor.team_lead("tl-1")


class CountingStore(MemoryStore):
    """A memory store that counts its audit transactions (and can be told to fail them)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.failing = False

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        self.calls["append_audit"] += 1
        if self.failing:
            raise StorageError("store.db: the disk is full; nothing was written")
        return super().append_audit(entry)

    def append_audit_many(self, entries: Sequence[AuditEntry]) -> tuple[AuditRecord, ...]:
        self.calls["append_audit_many"] += 1
        return super().append_audit_many(entries)


def _world(n: int = 4) -> tuple[Werkmap, CountingStore]:
    store = CountingStore()
    wm = Werkmap(store, clock=FixedClock(D0))
    for i in range(n):
        wm.register(COACH, f"f-{i}", jobseeker_ref=f"js-{i}")
        wm.submit_profile(Actor.jobseeker(f"js-{i}"), f"f-{i}", low_answers())
    wm.register(OTHER_COACH, "g-1", jobseeker_ref="js-g")
    store.calls.clear()
    return wm, store


def _reads(store: MemoryStore, fid: str) -> list[tuple[str, str]]:
    return [(r.actor, r.what) for r in store.audit_records(fid) if r.action == "read"]


def test_a_caseload_is_an_audited_read_in_one_transaction() -> None:
    wm, store = _world()
    folders = wm.caseload(COACH, "c-1")
    assert [f.folder_id for f in folders] == ["f-0", "f-1", "f-2", "f-3"]
    for f in folders:
        assert _reads(store, f.folder_id) == [("coach:c-1", "folder (caseload)")]
    assert _reads(store, "g-1") == []
    assert store.calls == Counter({"append_audit_many": 1})


def test_a_dashboard_audits_each_profile_shown_in_one_transaction() -> None:
    wm, store = _world()
    board = wm.dashboard(LEAD, "c-1")
    assert len(board) == 4
    for i in range(4):
        assert _reads(store, f"f-{i}") == [("team_lead:tl-1", "profile band (dashboard)")]
    assert store.calls == Counter({"append_audit_many": 1})


def test_all_folders_audits_each_folder_before_handing_it_out() -> None:
    wm, store = _world()
    every = wm.all_folders(LEAD)
    first = next(every)
    # the batch is audited before its first folder is handed out
    assert _reads(store, first.folder_id) == [("team_lead:tl-1", "folder (all folders)")]
    rest = list(every)
    assert [f.folder_id for f in [first, *rest]] == ["f-0", "f-1", "f-2", "f-3", "g-1"]
    for f in rest:
        assert _reads(store, f.folder_id) == [("team_lead:tl-1", "folder (all folders)")]
    assert store.calls == Counter({"append_audit_many": 1})


def test_a_report_gives_figures_only_and_audits_no_folder() -> None:
    wm, store = _world()
    before = {fid: store.audit_records(fid) for fid in ("f-0", "f-1", "g-1")}
    report = wm.report(LEAD, start=D0, end=D0)
    assert report.figures["registered"] == 5
    assert {fid: store.audit_records(fid) for fid in before} == before
    assert store.calls == Counter()


def test_a_refused_command_is_recorded_on_the_folder_who_tried_what() -> None:
    wm, store = _world()
    with pytest.raises(NotAuthorized):
        wm.add_activity(OTHER_COACH, "f-1", ActivityKind.CV, due=D0 + dt.timedelta(days=3))
    with pytest.raises(NotAuthorized):
        wm.folder(OTHER_COACH, "f-2")
    last = store.audit_records("f-1")[-1]
    assert (last.action, last.actor, last.what) == ("refused", "coach:c-2", "add_activity")
    assert "caseload" in last.why
    last = store.audit_records("f-2")[-1]
    assert (last.action, last.actor, last.what) == ("refused", "coach:c-2", "read_folder")
    assert wm.counts()["refused_attempts"] == 2


def test_a_jobseeker_cannot_tell_a_refusal_from_a_missing_folder_but_the_refusal_is_recorded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="werkmap.service")
    wm, store = _world()
    stranger = Actor.jobseeker("js-0")
    errors = []
    for fid in ("f-1", "f-404"):
        with pytest.raises(NotFound) as caught:
            wm.folder(stranger, fid)
        errors.append(caught.value)
    other, missing = errors
    assert type(other) is type(missing)
    assert str(other) == str(missing).replace("f-404", "f-1")
    assert vars(other) == vars(missing)
    last = store.audit_records("f-1")[-1]
    assert (last.action, last.actor, last.what) == ("refused", "jobseeker:js-0", "read_folder")
    # a folder that does not exist has no chain: the attempt is a log line only
    assert store.audit_records("f-404") == ()
    assert any("'f-404'" in r.getMessage() for r in caplog.records)


def test_a_refusal_whose_record_cannot_be_written_is_still_the_same_refusal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wm, store = _world()
    store.failing = True
    with pytest.raises(NotAuthorized, match="only on folders in their caseload"):
        wm.remind(OTHER_COACH, "f-1", "act-1")
    with pytest.raises(NotFound, match="no folder 'f-1' in the store"):
        wm.folder(Actor.jobseeker("js-0"), "f-1")
    assert wm.counts()["refusal_audit_failures"] == 2
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert all("could not be audited" in r.getMessage() for r in errors)
