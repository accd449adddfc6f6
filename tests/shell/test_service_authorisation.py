"""Who may do what in ``werkmap.service.Werkmap``: every refusal changes nothing; every allowed role works.

Refusals are parametrised over every command of ``PERMISSIONS`` and every role it does not list (the actor
is otherwise right for the folder, so only the role is wrong), plus the wrong jobseeker, the wrong coach,
another coach's dashboard and a coach registering into another caseload.
"""

from __future__ import annotations

import pytest

from werkmap.errors import NotAuthorized, NotFound
from werkmap.plan.folder import WorkFolder
from werkmap.service import PERMISSIONS, ROLES, Actor, Werkmap
from werkmap.storage import verify_audit

from .service_world import (
    COACH,
    COMMANDS,
    FOLDERLESS,
    JOBSEEKER,
    LEAD,
    OTHER_COACH,
    OTHER_JOBSEEKER,
    READS,
    SYSTEM,
    actor_of,
    build_world,
    clock_of,
    day,
    refused_records,
    snapshot,
)

# the role each positive test runs as
ALLOWED_AS = {
    "register": "coach",
    "assign_coach": "system",
    "invite_profiler": "coach",
    "submit_profile": "jobseeker",
    "route": "coach",
    "request_conversation": "jobseeker",
    "invite_conversation": "coach",
    "reschedule_conversation": "coach",
    "hold_conversation": "coach",
    "record_no_show": "coach",
    "cancel_conversation": "coach",
    "agree_plan": "coach",
    "revise_plan": "coach",
    "add_activity": "jobseeker",
    "register_applications": "jobseeker",
    "complete_activity": "jobseeker",
    "remind": "coach",
    "excuse": "coach",
    "refer": "coach",
    "respond": "jobseeker",
    "open_duty_case": "coach",
    "propose_measure": "coach",
    "decide_case": "coach",
    "record_objection": "jobseeker",
    "close_case": "coach",
    "record_work_found": "jobseeker",
    "record_benefit_ended": "system",
    "sweep": "system",
    "read_folder": "team_lead",
    "export": "jobseeker",
    "dashboard": "coach",
    "report": "team_lead",
    "enqueue": "system",
}

# where the positive tests act (f-1 has an open plan already)
TARGET = {"agree_plan": "f-3"}

REFUSED_ROLES = [
    pytest.param(command, role, id=f"{command}-as-{role}")
    for command in sorted(PERMISSIONS)
    for role in ROLES
    if role not in PERMISSIONS[command]
]
WRONG_JOBSEEKER = [
    pytest.param(c, id=c)
    for c in sorted(PERMISSIONS)
    if "jobseeker" in PERMISSIONS[c] and c not in FOLDERLESS
]
WRONG_COACH = [
    pytest.param(c, id=c)
    for c in sorted(PERMISSIONS)
    if "coach" in PERMISSIONS[c] and c not in FOLDERLESS
]


@pytest.fixture
def world() -> Werkmap:
    return build_world()


def test_the_tables_cover_every_command() -> None:
    assert set(COMMANDS) == set(PERMISSIONS) == set(ALLOWED_AS)
    for command, role in ALLOWED_AS.items():
        assert role in PERMISSIONS[command], command
    # the parametrisation below is not empty where the rules say it should not be
    assert len(REFUSED_ROLES) == sum(len(ROLES) - len(r) for r in PERMISSIONS.values())
    assert len(WRONG_JOBSEEKER) >= 8
    assert len(WRONG_COACH) >= 20


def _refused(
    wm: Werkmap,
    command: str,
    actor: Actor,
    folder_id: str = "f-1",
    error: type[Exception] = NotAuthorized,
) -> Exception:
    before = snapshot(wm.store)
    traces = refused_records(wm.store, folder_id)
    with pytest.raises(error) as caught:
        COMMANDS[command](wm, actor, folder_id)
    assert snapshot(wm.store) == before
    # who tried what on which folder is on its chain (a folder that does not exist has no chain)
    on_a_folder = folder_id in before["folders"] and command not in FOLDERLESS
    expected = [*traces, (str(actor), command)] if on_a_folder else traces
    assert refused_records(wm.store, folder_id) == expected
    return caught.value


@pytest.mark.parametrize(("command", "role"), REFUSED_ROLES)
def test_a_role_not_listed_is_refused_and_nothing_changes(
    world: Werkmap, command: str, role: str
) -> None:
    _refused(world, command, actor_of(role))


@pytest.mark.parametrize("command", WRONG_JOBSEEKER)
def test_a_jobseeker_acts_only_on_their_own_folder(world: Werkmap, command: str) -> None:
    # a jobseeker cannot tell another person's folder from one that does not exist
    other = _refused(world, command, OTHER_JOBSEEKER, "f-1", NotFound)
    missing = _refused(world, command, OTHER_JOBSEEKER, "f-404", NotFound)
    assert str(other) == str(missing).replace("f-404", "f-1")
    # and the right jobseeker of f-2 may not touch f-1 through their own id either way round
    _refused(world, command, JOBSEEKER, "f-2", NotFound)


@pytest.mark.parametrize("command", WRONG_COACH)
def test_a_coach_acts_only_on_their_caseload(world: Werkmap, command: str) -> None:
    _refused(world, command, OTHER_COACH, "f-1")
    _refused(world, command, COACH, "f-2")


def test_a_coach_sees_only_their_own_dashboard_and_caseload(world: Werkmap) -> None:
    before = snapshot(world.store)
    with pytest.raises(NotAuthorized):
        world.dashboard(OTHER_COACH, "c-1")
    with pytest.raises(NotAuthorized):
        world.caseload(OTHER_COACH, "c-1")
    assert snapshot(world.store) == before


def test_a_coach_registers_only_into_their_own_caseload(world: Werkmap) -> None:
    before = snapshot(world.store)
    with pytest.raises(NotAuthorized):
        world.register(COACH, "f-new", jobseeker_ref="js-new", coach_id="c-2")
    assert snapshot(world.store) == before
    # into their own caseload (or without naming one) it works
    made = world.register(COACH, "f-new", jobseeker_ref="js-new")
    assert made.coach_id == "c-1"
    assert world.register(COACH, "f-new2", jobseeker_ref="js-new2", coach_id="c-1").version == 1


def test_a_team_lead_reads_any_folder_but_changes_none(world: Werkmap) -> None:
    assert world.folder(LEAD, "f-2").folder_id == "f-2"
    # a team lead changes nothing in a folder; they may only move it between their teams' coaches
    changing = [c for c in PERMISSIONS if c not in READS and c != "assign_coach"]
    assert all("team_lead" not in PERMISSIONS[c] for c in changing)
    before = snapshot(world.store)
    for command in changing:
        with pytest.raises(NotAuthorized):
            COMMANDS[command](world, LEAD, "f-1")
    assert snapshot(world.store) == before


def test_a_reassigned_folder_leaves_the_old_coachs_caseload(world: Werkmap) -> None:
    world.assign_coach(SYSTEM, "f-1", "c-2")
    before = snapshot(world.store)
    with pytest.raises(NotAuthorized):
        world.remind(COACH, "f-1", "act-1")
    assert snapshot(world.store) == before
    assert world.remind(OTHER_COACH, "f-1", "act-1").version == before["folders"]["f-1"][0] + 1


@pytest.mark.parametrize("command", sorted(PERMISSIONS))
def test_an_allowed_role_runs_the_command(world: Werkmap, command: str) -> None:
    actor = actor_of(ALLOWED_AS[command])
    store = world.store
    before = snapshot(store)
    target = TARGET.get(command, "f-1")
    if command == "sweep":
        clock_of(world).set(day(5))  # the reminders for act-1 and act-2 are due
    out = COMMANDS[command](world, actor, target)
    after = snapshot(store)
    if command in READS:
        # a read changes no folder, no event log and no outbox
        assert {f: v[:3] for f, v in after["folders"].items()} == {
            f: v[:3] for f, v in before["folders"].items()
        }
        assert after["outbox"] == before["outbox"]
        return
    if command == "register":
        assert "f-new" not in before["folders"]
        version, folder, _, audit, _ = after["folders"]["f-new"]
        assert version == 1
        assert isinstance(folder, WorkFolder)
        assert folder.coach_id == "c-1"
        assert [r.action for r in audit] == ["register"]
        return
    if command == "enqueue":
        # a notification about the service as a whole: the outbox grows, no folder changes
        assert after["folders"] == before["folders"]
        assert len(after["outbox"]) == len(before["outbox"]) + 1
        return
    changed = {f for f in after["folders"] if after["folders"][f] != before["folders"].get(f)}
    assert changed, "the command changed nothing"
    for fid in changed:
        old_version, *_, old_audit, _ = before["folders"][fid]
        new_version, folder, events, audit, _ = after["folders"][fid]
        assert new_version > old_version
        assert folder.version == new_version
        assert events[-1].seq == len(events)
        assert len(audit) == len(old_audit) + 1, "one audit record per command"
        assert audit[-1].action == command
        assert audit[-1].actor == str(actor)
        assert verify_audit(audit).ok
    if command != "sweep":
        assert changed == {target}
    if isinstance(out, WorkFolder):
        assert out == store.load(out.folder_id), "the folder returned is not the folder stored"


SINGLE_FOLDER_COMMANDS = sorted(
    c for c in PERMISSIONS if c not in READS | {"register", "sweep", "enqueue"}
)


@pytest.mark.parametrize("command", SINGLE_FOLDER_COMMANDS)
def test_an_accepted_command_adds_exactly_one_version(world: Werkmap, command: str) -> None:
    """The issue asks: an accepted command raises the folder's version by exactly 1."""
    target = TARGET.get(command, "f-1")
    before = world.store.load(target)
    COMMANDS[command](world, actor_of(ALLOWED_AS[command]), target)
    after = world.store.load(target)
    assert after.version == before.version + 1, (
        f"{command} raised the version from {before.version} to {after.version}: "
        f"events {[e.kind for e in after.events[len(before.events) :]]}"
    )
    # the events of one command all carry the version that command produced
    assert {e.version for e in after.events[len(before.events) :]} == {after.version}
