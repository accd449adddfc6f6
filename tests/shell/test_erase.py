"""The data-protection lifecycle: a retention policy, erasure after it, a tombstone, nothing left behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from werkmap.clock import FixedClock
from werkmap.errors import GuardRefused, InvalidInput, NotAuthorized, NotFound
from werkmap.rules.retention import default_retention, erasure_decision, load_retention
from werkmap.service import Actor, Werkmap
from werkmap.storage.audit import verify_audit
from werkmap.storage.verify import verify_store

MARKER = "js-ZQXJ-erase-me-4711"  # the jobseeker's reference, unique in the file
START = dt.date(2025, 3, 3)


def _closed_folder(wm: Werkmap, clock: FixedClock) -> None:
    coach = Actor.coach("c-1")
    wm.register(coach, "f-1", jobseeker_ref=MARKER)
    wm.register(coach, "f-2", jobseeker_ref="js-keep")
    wm.add_activity(coach, "f-1", "application", due=START + dt.timedelta(days=7))
    wm.folder(Actor.jobseeker(MARKER), "f-1", why="my own folder")
    clock.advance(days=30)
    wm.record_benefit_ended(coach, "f-1", reason="found a job")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2025, 3, 3, 9, 0))


@pytest.fixture(params=["memory", "sqlite"])
def wm(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Werkmap:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/erase.db"
    service = Werkmap(url, clock=clock)
    _closed_folder(service, clock)
    return service


def test_the_packaged_retention_policy_is_marked_illustrative() -> None:
    policy = default_retention()
    assert policy.illustrative
    assert "ILLUSTRATIVE" in policy.parameter.reference
    assert policy.months_on(dt.date(2025, 1, 1)) == 60
    never = erasure_decision("f", closed_on=None, on=dt.date(2099, 1, 1), policy=policy)
    assert not never.may_erase
    assert never.rule_id == "R-RETAIN-01"


def test_a_retention_file_with_overlapping_terms_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "retention.toml"
    path.write_text(
        "[retention_months_after_close]\n"
        'description = "x"\ndescription_nl = "x"\nunit = "months"\nreference = "x"\n'
        "values = [{ valid_from = 2020-01-01, value = 12 }, { valid_from = 2020-01-01, value = -1 }]\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as info:
        load_retention(path)
    assert {p.code for p in info.value.problems} >= {"WM-P004"}


def test_only_the_system_may_erase(wm: Werkmap, clock: FixedClock) -> None:
    clock.advance(days=61 * 31)
    for actor in (Actor.coach("c-1"), Actor.team_lead("t"), Actor.jobseeker(MARKER)):
        with pytest.raises(NotAuthorized):
            wm.erase(actor, "f-1", why="asked")
    assert wm.store.load("f-1").folder_id == "f-1"


def test_erasure_is_refused_before_the_retention_ends_with_the_day_it_ends(
    wm: Werkmap, clock: FixedClock
) -> None:
    desk = Actor.system("privacy-desk")
    ends = dt.date(2030, 4, 2)  # closed on 2 April 2025, 60 months
    with pytest.raises(GuardRefused, match=f"until {ends.isoformat()}"):
        wm.erase(desk, "f-1", why="retention ended")
    with pytest.raises(GuardRefused, match="not closed"):
        wm.erase(desk, "f-2", why="retention ended")
    clock.set(dt.datetime(2030, 4, 1, 12, 0))
    with pytest.raises(GuardRefused):
        wm.erase(desk, "f-1", why="retention ended")
    assert wm.retention_ended(desk) == []
    clock.set(dt.datetime(2030, 4, 2, 9, 0))
    assert [d.folder_id for d in wm.retention_ended(desk)] == ["f-1"]
    with pytest.raises(InvalidInput):
        wm.erase(desk, "f-1", why="  ")
    assert wm.store.load("f-1").benefit_ended_on == dt.date(2025, 4, 2)


def test_erasure_removes_the_person_and_leaves_a_tombstone(wm: Werkmap, clock: FixedClock) -> None:
    desk = Actor.system("privacy-desk")
    before = wm.export(Actor.system(), "f-1")  # the access request still works before
    assert before["folder"]["jobseeker_ref"] == MARKER
    clock.set(dt.datetime(2030, 5, 1, 10, 0))
    tomb = wm.erase(desk, "f-1", why="retention ended")
    assert (tomb.folder_id, tomb.actor, tomb.why) == (
        "f-1",
        "system:privacy-desk",
        "retention ended",
    )
    assert tomb.closed_on == dt.date(2025, 4, 2)
    assert tomb.retention_ends_on == dt.date(2030, 4, 2)
    assert "R-RETAIN-01" in tomb.policy
    assert "illustrative" in tomb.policy
    assert tomb.erased_at == clock.now()
    with pytest.raises(NotFound):
        wm.folder(Actor.system(), "f-1")
    with pytest.raises(NotFound):
        wm.export(Actor.system(), "f-1")
    store = wm.store
    assert set(store.personal_data("f-1").values()) == {0}
    assert all(i.notification.folder_id != "f-1" for i in store.outbox())
    trail = store.audit_records("f-1")
    assert trail[-1].action == "erase"
    assert trail[-1].actor == "system:privacy-desk"
    assert all(r.erased and not r.what and not r.why for r in trail[:-1])
    assert all(MARKER not in r.actor for r in trail)
    assert verify_audit(trail, anchor=store.audit_anchor("f-1")).ok
    assert verify_store(store).ok
    assert wm.folder(Actor.system(), "f-2").jobseeker_ref == "js-keep"  # the other is untouched
    assert wm.export(Actor.system(), "f-2")["folder_id"] == "f-2"
    with pytest.raises(NotFound):
        wm.erase(desk, "f-1", why="again")


def test_on_sqlite_nothing_of_the_person_is_left_in_the_file(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "erase.db"
    wm = Werkmap(f"sqlite:///{path}", clock=clock)
    _closed_folder(wm, clock)

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("erase.db"))

    assert MARKER.encode() in raw()  # in the folder row, its indexes and the outbox
    clock.set(dt.datetime(2030, 5, 1, 10, 0))
    wm.erase(Actor.system("privacy-desk"), "f-1", why="retention ended")
    assert MARKER.encode() not in raw()  # secure_delete and the truncated write-ahead log
    wm.close()
    assert MARKER.encode() not in path.read_bytes()
