"""Need-to-know: offices and teams, a team lead limited to their teams, reassignment with who and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from werkmap.errors import InvalidInput, NotAuthorized
from werkmap.service import Actor
from werkmap.service.teams import Organisation, load_organisation

from .service_world import LEAD, SYSTEM, TODAY, build_world, snapshot

ORG = Organisation.from_mapping(
    {
        "teams": [
            {"id": "t-north", "office": "Groningen", "coaches": ["c-1"], "leads": ["tl-1"]},
            {"id": "t-south", "office": "Maastricht", "coaches": ["c-2", "c-3"], "leads": ["tl-2"]},
        ]
    }
)


def _world():  # type: ignore[no-untyped-def]
    wm = build_world()
    wm.organisation = ORG
    return wm


def test_a_team_lead_reads_only_the_folders_of_their_teams() -> None:
    wm = _world()
    assert wm.folder(LEAD, "f-1").coach_id == "c-1"
    with pytest.raises(NotAuthorized):
        wm.folder(LEAD, "f-2")  # c-2 is in another team
    with pytest.raises(NotAuthorized):
        wm.caseload(LEAD, "c-2")
    with pytest.raises(NotAuthorized):
        wm.dashboard(LEAD, "c-2")
    assert {f.folder_id for f in wm.all_folders(LEAD)} == {"f-1", "f-3"}
    assert {f.folder_id for f in wm.all_folders(SYSTEM)} == {"f-1", "f-2", "f-3"}
    other_lead = Actor.team_lead("tl-2")
    assert {f.folder_id for f in wm.all_folders(other_lead)} == {"f-2"}
    assert wm.report(LEAD, start=dt.date(2025, 1, 1), end=TODAY).figures["registered"] == 2


def test_without_an_organisation_a_team_lead_reads_every_folder() -> None:
    wm = build_world()
    assert {f.folder_id for f in wm.all_folders(LEAD)} == {"f-1", "f-2", "f-3"}


def test_a_team_lead_moves_a_folder_within_their_teams_and_says_why() -> None:
    wm = _world()
    lead = Actor.team_lead("tl-2")
    moved = wm.assign_coach(lead, "f-2", "c-3", reason="c-2 is met verlof")
    event = moved.events[-1]
    assert (event.kind, event.actor, event.on) == ("coach_assigned", "team_lead:tl-2", TODAY)
    assert event.data == {"from": "c-2", "to": "c-3", "reason": "c-2 is met verlof"}
    before = snapshot(wm.store)
    with pytest.raises(InvalidInput):
        wm.assign_coach(lead, "f-2", "c-2")  # no reason
    with pytest.raises(NotAuthorized):
        wm.assign_coach(lead, "f-2", "c-1", reason="druk")  # c-1 is not in their team
    with pytest.raises(NotAuthorized):
        wm.assign_coach(lead, "f-1", "c-3", reason="druk")  # f-1 is not in their team
    assert snapshot(wm.store) == before


def test_an_organisation_with_problems_names_every_one(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        Organisation.from_mapping(
            {
                "teams": [
                    {"id": "t-1", "coaches": ["c-1"], "leads": []},
                    {"id": "t-1", "coaches": "c-2", "leads": ["tl-1"]},
                ]
            }
        )
    paths = sorted(p.path for p in caught.value.problems)
    assert paths == ["$.teams[0].leads", "$.teams[1].coaches", "$.teams[1].id"]
    file = tmp_path / "teams.toml"
    file.write_text(
        '[[teams]]\nid = "t-1"\noffice = "Zwolle"\ncoaches = ["c-1"]\nleads = ["tl-1"]\n',
        encoding="utf-8",
    )
    assert load_organisation(file).teams[0].office == "Zwolle"
    file.write_text("[[teams]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"teams\.toml"):
        load_organisation(file)
