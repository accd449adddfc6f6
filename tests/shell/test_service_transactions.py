"""Every command is one audited transaction with its notifications in the outbox; units of work; the cache.

Covers: the outbox after an invitation (Dutch and English texts, a stable idempotency key), one audit record
per command with an intact hash chain, audited reads, a failing save that writes nothing, units of work
(commands see each other, nothing written before the end, nothing at all when the block raises), and two
shells with a cache on one SQLite file (a stale cached copy never loses the other shell's change).
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from werkmap.errors import ConcurrencyConflict, NotAuthorized, NotFound, StorageError
from werkmap.service import Werkmap, notifications_for
from werkmap.storage import verify_audit
from werkmap.storage.protocol import Store

from .service_world import (
    COACH,
    D0,
    JOBSEEKER,
    LEAD,
    OTHER_COACH,
    SYSTEM,
    build_world,
    clock_of,
    day,
    high_answers,
    low_answers,
    outbox_keys,
    service,
    snapshot,
)


def fresh(store: str | Store = "memory://", **kw: bool) -> Werkmap:
    wm = service(store, **kw)
    wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    return wm


# ---------------------------------------------------------------------------------- the outbox


def test_an_invitation_puts_one_bilingual_notification_with_a_stable_key_in_the_outbox() -> None:
    wm = fresh()
    before = outbox_keys(wm.store)
    wm.invite_conversation(COACH, "f-1", "orientation", at=day(8), reason="R-ROUTE-01")
    new = [
        i.notification for i in wm.store.outbox() if i.notification.idempotency_key not in before
    ]
    assert len(new) == 1
    note = new[0]
    assert note.kind == "conversation_invited"
    assert note.folder_id == "f-1"
    assert note.recipient == "jobseeker:js-1"
    assert note.channel == "werk.nl"
    assert note.created_on == D0
    assert note.text_nl == f"U bent uitgenodigd voor een werkoriëntatiegesprek op {day(8)}."
    assert note.text_en == f"You are invited to an orientation conversation on {day(8)}."
    assert re.fullmatch(r"[0-9a-f]{32}", note.idempotency_key)
    # the key is derived from the event: made again from the stored folder, it is the same
    folder = wm.store.load("f-1")
    again = notifications_for(folder, folder.events)
    assert [n.idempotency_key for n in again].count(note.idempotency_key) == 1
    assert sorted(n.idempotency_key for n in again) == sorted(outbox_keys(wm.store))


@pytest.mark.parametrize("kind", ["orientation", "monitor", "coaching", "early_contact"])
def test_invitation_texts_read_well_in_both_languages(kind: str) -> None:
    wm = fresh()
    wm.invite_conversation(COACH, "f-1", kind, at=day(8))
    (note,) = [
        i.notification for i in wm.store.outbox() if i.notification.kind == "conversation_invited"
    ]
    for text in (note.text_nl, note.text_en):
        assert str(day(8)) in text
        assert not re.search(r"\b(a|an|een) (a|an|een)\b", text), text


def test_coach_facing_notifications_go_to_the_coach_dashboard() -> None:
    wm = fresh()
    clock = clock_of(wm)
    clock.set(day(14))  # no profile 14 days after registration: a coach analyses
    result = wm.sweep(SYSTEM)
    assert "flag_no_profile" in result.counts()
    coach_notes = [
        i.notification for i in wm.store.outbox() if i.notification.channel == "dashboard"
    ]
    assert [n.kind for n in coach_notes] == ["coach_analysis"]
    assert coach_notes[0].recipient == "coach:c-1"
    assert coach_notes[0].text_nl
    assert coach_notes[0].text_en
    assert coach_notes[0].text_nl != coach_notes[0].text_en


def test_every_notification_key_is_unique_and_texts_are_filled() -> None:
    wm = build_world()
    items = wm.store.outbox()
    keys = [i.notification.idempotency_key for i in items]
    assert len(keys) == len(set(keys)) > 15
    for item in items:
        n = item.notification
        assert n.text_nl.strip()
        assert n.text_en.strip()
        assert "{" not in n.text_nl + n.text_en
        assert n.recipient in ("jobseeker:js-1", "jobseeker:js-2", "jobseeker:js-3", "coach:c-1")


# ---------------------------------------------------------------------------------- the audit trail


def test_one_audit_record_per_command_and_the_chain_verifies() -> None:
    wm = fresh()
    wm.submit_profile(JOBSEEKER, "f-1", low_answers())
    wm.add_activity(COACH, "f-1", "cv", due=day(10), title="CV")
    wm.complete_activity(JOBSEEKER, "f-1", "act-1")
    records = wm.store.audit_records("f-1")
    assert [r.action for r in records] == [
        "register",
        "submit_profile",
        "add_activity",
        "complete_activity",
    ]
    assert [r.actor for r in records] == [
        "system:system",
        "jobseeker:js-1",
        "coach:c-1",
        "jobseeker:js-1",
    ]
    assert all(r.at == clock_of(wm).now() for r in records)
    assert verify_audit(records).ok
    # the check can fail: a record changed afterwards breaks the chain
    forged = (*records[:2], attrs.evolve(records[2], actor="coach:c-9"), *records[3:])
    check = verify_audit(forged)
    assert not check.ok
    assert check.broken_at == 2


def test_the_audit_record_says_what_and_why() -> None:
    wm = fresh()
    wm.route(COACH, "f-1", override="conversation", reason="weinig netwerk / little network")
    record = wm.store.audit_records("f-1")[-1]
    assert record.action == "route"
    assert record.why == "weinig netwerk / little network"
    assert "routed" in record.what


def test_reading_a_folder_is_audited_and_changes_nothing_else() -> None:
    wm = build_world()
    before = snapshot(wm.store)
    folder = wm.folder(LEAD, "f-1", why="kwaliteitscontrole / quality check")
    assert folder == wm.store.load("f-1")
    after = snapshot(wm.store)
    old_audit = before["folders"]["f-1"][3]
    new_audit = after["folders"]["f-1"][3]
    assert new_audit[: len(old_audit)] == old_audit
    assert len(new_audit) == len(old_audit) + 1
    read = new_audit[-1]
    assert (read.action, read.actor, read.why) == (
        "read",
        "team_lead:tl-1",
        "kwaliteitscontrole / quality check",
    )
    assert verify_audit(new_audit).ok
    assert after["outbox"] == before["outbox"]
    assert {f: v[:3] for f, v in after["folders"].items()} == {
        f: v[:3] for f, v in before["folders"].items()
    }


def test_a_dashboard_audits_each_profile_it_shows() -> None:
    wm = build_world()  # c-1 has f-1 (profiled) and f-3 (no profile)
    before = {f: len(wm.store.audit_records(f)) for f in ("f-1", "f-2", "f-3")}
    board = wm.dashboard(COACH, "c-1")
    assert {r.folder_id for r in board.rows} == {"f-1", "f-3"}
    after = {f: len(wm.store.audit_records(f)) for f in ("f-1", "f-2", "f-3")}
    assert after == {"f-1": before["f-1"] + 1, "f-2": before["f-2"], "f-3": before["f-3"]}
    record = wm.store.audit_records("f-1")[-1]
    assert (record.action, record.actor) == ("read", "coach:c-1")
    assert verify_audit(wm.store.audit_records("f-1")).ok


# ---------------------------------------------------------------------------------- one transaction


def test_a_command_refused_by_the_folder_changes_nothing() -> None:
    wm = build_world()
    before = snapshot(wm.store)
    with pytest.raises(NotFound):
        wm.complete_activity(JOBSEEKER, "f-1", "act-99")
    with pytest.raises(NotFound):
        wm.remind(COACH, "no-such-folder", "act-1")
    assert snapshot(wm.store) == before


class FailingStore:
    """A store whose saves fail like a full disk while ``failing`` is set."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.failing = False

    def save(self, *args: object, **kw: object) -> object:
        if self.failing:
            raise StorageError("disk full")
        return self.inner.save(*args, **kw)  # type: ignore[arg-type]

    def save_many(self, *args: object, **kw: object) -> object:
        if self.failing:
            raise StorageError("disk full")
        return self.inner.save_many(*args, **kw)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_failed_save_writes_nothing_and_the_shell_forgets_the_unsaved_change() -> None:
    from werkmap.storage.memory import MemoryStore

    store = FailingStore(MemoryStore())
    wm = fresh(store)  # type: ignore[arg-type]
    wm.add_activity(COACH, "f-1", "cv", due=day(10))
    before = snapshot(store.inner)
    store.failing = True
    with pytest.raises(StorageError):
        wm.add_activity(COACH, "f-1", "e_learning", due=day(12))
    store.failing = False
    assert snapshot(store.inner) == before
    # the next command works from what is stored, not from the change that was never written
    aid = wm.add_activity(COACH, "f-1", "application", due=day(12))
    assert aid == "act-2"
    stored = store.inner.load("f-1")
    assert [a.kind for a in stored.activities] == ["cv", "application"]
    assert stored.version == before["folders"]["f-1"][0] + 1


# ---------------------------------------------------------------------------------- unit of work


def test_commands_in_a_unit_of_work_see_each_other_and_are_written_at_the_end() -> None:
    wm = service()
    store = wm.store
    with wm.unit_of_work():
        wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
        wm.submit_profile(JOBSEEKER, "f-1", high_answers())
        aid = wm.add_activity(COACH, "f-1", "cv", due=day(10))
        inside = wm.complete_activity(JOBSEEKER, "f-1", aid)
        assert [str(a.state) for a in inside.activities] == ["done"]
        assert inside.latest_profile is not None
        result = wm.sweep(SYSTEM)  # sees the pending folder: invited to nothing, it has a profile
        assert "invite_profiler" not in result.counts()
        # nothing is in the store yet
        with pytest.raises(NotFound):
            store.load("f-1")
        assert store.outbox() == ()
        assert len(store.index_columns()) == 0
    stored = store.load("f-1")
    assert stored == inside
    assert [str(a.state) for a in stored.activities] == ["done"]
    actions = [r.action for r in store.audit_records("f-1")]
    assert actions == ["register", "submit_profile", "add_activity", "complete_activity"]
    assert verify_audit(store.audit_records("f-1")).ok
    assert sorted(outbox_keys(store)) == sorted(
        n.idempotency_key for n in notifications_for(stored, stored.events)
    )


def test_a_read_inside_a_unit_of_work_is_audited_in_its_place() -> None:
    """A read in a unit of work follows the commands before it in the folder's audit trail."""
    wm = service()
    with wm.unit_of_work():
        wm.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
        wm.add_activity(COACH, "f-1", "cv", due=day(10))
        wm.folder(COACH, "f-1", why="check")
    records = wm.store.audit_records("f-1")
    assert [r.action for r in records] == ["register", "add_activity", "read"]
    assert verify_audit(records).ok


def test_a_unit_of_work_that_raises_writes_nothing() -> None:
    wm = build_world()
    before = snapshot(wm.store)

    def block() -> None:
        with wm.unit_of_work():
            wm.register(SYSTEM, "f-9", jobseeker_ref="js-9", coach_id="c-1")
            wm.add_activity(COACH, "f-1", "cv", due=day(20))
            wm.record_work_found(JOBSEEKER, "f-1")
            wm.sweep(SYSTEM)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        block()
    assert snapshot(wm.store) == before
    # and the shell itself forgot the discarded changes
    with pytest.raises(NotFound):
        wm.folder(SYSTEM, "f-9")
    folder = wm.folder(SYSTEM, "f-1")
    assert folder.work_found_on is None
    assert folder.version == before["folders"]["f-1"][0]
    wm.register(SYSTEM, "f-9", jobseeker_ref="js-9", coach_id="c-1")
    assert wm.add_activity(COACH, "f-1", "cv", due=day(20)) == "act-7"


def test_a_refused_command_inside_a_unit_of_work_leaves_the_others() -> None:
    wm = fresh()
    with wm.unit_of_work():
        wm.add_activity(COACH, "f-1", "cv", due=day(10))
        with pytest.raises(NotAuthorized):
            wm.add_activity(OTHER_COACH, "f-1", "cv", due=day(11))
        wm.add_activity(JOBSEEKER, "f-1", "application", due=day(12))
    stored = wm.store.load("f-1")
    assert [a.kind for a in stored.activities] == ["cv", "application"]
    # the refused attempt is recorded at once, on its own (it stands even if the unit were undone)
    assert [r.action for r in wm.store.audit_records("f-1")] == [
        "register",
        "refused",
        "add_activity",
        "add_activity",
    ]


# ---------------------------------------------------------------------------------- cache and concurrency


def _two_shells(tmp_path: Path) -> tuple[Werkmap, Werkmap]:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = service(url, cache=True)
    first.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
    first.add_activity(COACH, "f-1", "cv", due=day(10), title="first")  # first caches version 2
    second = service(url, cache=True)
    return first, second


def test_a_stale_cached_copy_loses_no_update(tmp_path: Path) -> None:
    first, second = _two_shells(tmp_path)
    try:
        second.add_activity(COACH, "f-1", "e_learning", due=day(11), title="second")
        # first still has version 2 in its cache; its command is run again on the fresh folder
        try:
            aid = first.add_activity(COACH, "f-1", "application", due=day(12), title="first again")
        except ConcurrencyConflict:  # pragma: no cover - the failure this test is about
            pytest.fail("ConcurrencyConflict escaped from a command on a cached copy")
        assert aid == "act-3"
        for wm in (first, second):
            stored = wm.store.load("f-1")
            assert [a.title for a in stored.activities] == ["first", "second", "first again"]
            assert stored.version == 4
            assert [e.seq for e in stored.events] == list(range(1, len(stored.events) + 1))
        records = first.store.audit_records("f-1")
        assert [r.action for r in records] == ["register", *["add_activity"] * 3]
        assert verify_audit(records).ok
        assert len(first.store.outbox()) == 3
        # the second shell's cache is now stale in turn: its next command keeps the first's change
        second.complete_activity(JOBSEEKER, "f-1", "act-3")
        assert [str(a.state) for a in first.store.load("f-1").activities] == [
            "open",
            "open",
            "done",
        ]
    finally:
        first.close()
        second.close()


def test_a_stale_cache_does_not_refuse_a_command_the_fresh_folder_allows(tmp_path: Path) -> None:
    first, second = _two_shells(tmp_path)
    try:
        second.assign_coach(SYSTEM, "f-1", "c-2")
        # first's cache says c-1; the fresh folder says c-2: c-2 may act, c-1 may not
        first.add_activity(OTHER_COACH, "f-1", "cv", due=day(12))
        before = snapshot(first.store)
        with pytest.raises(NotAuthorized):
            first.add_activity(COACH, "f-1", "cv", due=day(13))
        assert snapshot(first.store) == before
    finally:
        first.close()
        second.close()


def test_a_sweep_on_a_stale_cached_copy_does_not_invite_twice(tmp_path: Path) -> None:
    """The sweep must decide what is due on the folder it saves, not on a stale cached copy.

    The first shell caches a folder routed to an orientation conversation, with an activity whose deadline
    passed. The second shell's coach invites the jobseeker to the orientation conversation. The first
    shell's sweep then meets a newer version, and must not apply the invitation it found due on its stale
    copy to the fresh folder (which has one already).
    """
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = service(url, cache=True)
    second = service(url, cache=True)
    try:
        first.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
        first.submit_profile(
            JOBSEEKER, "f-1", low_answers()
        )  # routed to an orientation conversation
        first.add_activity(COACH, "f-1", "cv", due=day(1))
        for wm in (first, second):
            clock_of(wm).set(day(2))
        second.invite_conversation(COACH, "f-1", "orientation", at=day(9))
        result = first.sweep(SYSTEM)
        assert "mark_overdue" in result.counts()
        stored = first.store.load("f-1")
        pending = [c.conversation_id for c in stored.conversations if str(c.state) == "invited"]
        invitations = [
            i.notification
            for i in first.store.outbox()
            if i.notification.kind == "conversation_invited"
        ]
        assert pending == ["conv-1"], f"pending invitations {pending}"
        assert len(invitations) == 1
    finally:
        first.close()
        second.close()


def test_the_same_sweep_without_a_cache_invites_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = service(url, cache=False)
    second = service(url, cache=False)
    try:
        first.register(SYSTEM, "f-1", jobseeker_ref="js-1", coach_id="c-1")
        first.submit_profile(JOBSEEKER, "f-1", low_answers())
        first.add_activity(COACH, "f-1", "cv", due=day(1))
        for wm in (first, second):
            clock_of(wm).set(day(2))
        second.invite_conversation(COACH, "f-1", "orientation", at=day(9))
        result = first.sweep(SYSTEM)
        assert result.counts() == {"mark_overdue": 1}
        stored = first.store.load("f-1")
        assert [c.conversation_id for c in stored.conversations if str(c.state) == "invited"] == [
            "conv-1"
        ]
    finally:
        first.close()
        second.close()
