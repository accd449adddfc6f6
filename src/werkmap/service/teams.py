"""Offices and teams: who may read which folders (need-to-know).

A coach belongs to one or more teams; a team belongs to an office and has one or more team leads. A team
lead reads the folders of the coaches in the teams they lead, and nothing else; the system reads
everything; a coach reads their own caseload; a jobseeker reads their own folder.

Without an :class:`Organisation` (``Werkmap(organisation=None)``, the default) the agency is one team: a
team lead reads every folder. Give one to limit them.

Examples:
    >>> org = Organisation.from_mapping({"teams": [
    ...     {"id": "t-north", "office": "Groningen", "coaches": ["c-1", "c-2"], "leads": ["tl-1"]},
    ...     {"id": "t-south", "office": "Maastricht", "coaches": ["c-3"], "leads": ["tl-2"]},
    ... ]})
    >>> sorted(org.coaches_led_by("tl-1"))
    ['c-1', 'c-2']
    >>> org.coaches_led_by("tl-9")
    frozenset()
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from werkmap.errors import InvalidInput, Problem

__all__ = ["Organisation", "Team", "load_organisation"]


@attrs.frozen(kw_only=True)
class Team:
    """One team of coaches.

    Attributes:
        team_id: the team's id.
        office: the office (*vestiging*) the team works from.
        coaches: the coaches in the team.
        leads: the team leads who may read the team's folders.
    """

    team_id: str
    office: str
    coaches: frozenset[str]
    leads: frozenset[str]


@attrs.frozen(kw_only=True)
class Organisation:
    """The offices and teams of an agency.

    Attributes:
        teams: the teams, each with its coaches and leads.
    """

    teams: tuple[Team, ...]

    def coaches_led_by(self, lead_id: str) -> frozenset[str]:
        """Return the coaches in the teams ``lead_id`` leads (empty for someone who leads none)."""
        return frozenset(c for t in self.teams if lead_id in t.leads for c in t.coaches)

    def teams_of(self, coach_id: str) -> tuple[Team, ...]:
        """Return the teams ``coach_id`` belongs to."""
        return tuple(t for t in self.teams if coach_id in t.coaches)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "organisation") -> Organisation:
        """Build an organisation from ``{"teams": [{"id", "office", "coaches", "leads"}, ...]}``.

        Raises:
            InvalidInput: naming every problem (a missing field, a team id twice, a team without a lead).
        """
        problems: list[Problem] = []
        raw = data.get("teams")
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            raise InvalidInput(
                [Problem(path="$.teams", message="expected a list of teams")], source=source
            )
        teams = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            path = f"$.teams[{i}]"
            if not isinstance(item, Mapping):
                problems.append(Problem(path=path, message="expected a table"))
                continue
            team_id, office = item.get("id"), item.get("office", "")
            coaches, leads = item.get("coaches", []), item.get("leads", [])
            if not isinstance(team_id, str) or not team_id:
                problems.append(Problem(path=f"{path}.id", message="expected a team id"))
                continue
            if team_id in seen:
                problems.append(Problem(path=f"{path}.id", message=f"{team_id!r} appears twice"))
            seen.add(team_id)
            if not isinstance(office, str):
                problems.append(Problem(path=f"{path}.office", message="expected text"))
                office = ""
            for name, value in (("coaches", coaches), ("leads", leads)):
                if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                    problems.append(
                        Problem(path=f"{path}.{name}", message="expected a list of ids")
                    )
            if isinstance(leads, list) and not leads:
                problems.append(Problem(path=f"{path}.leads", message="a team needs a lead"))
            if not problems:
                teams.append(
                    Team(
                        team_id=team_id,
                        office=office,
                        coaches=frozenset(coaches),
                        leads=frozenset(leads),
                    )
                )
        if problems:
            raise InvalidInput(problems, source=source)
        return cls(teams=tuple(teams))


def load_organisation(path: str | Path) -> Organisation:
    """Read an organisation from a TOML file (``[[teams]]`` tables with id, office, coaches, leads).

    Raises:
        InvalidInput: the file cannot be read as TOML, or its teams are wrong (every problem named).
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            [Problem(path=p.name, message=f"cannot read it as TOML: {exc}")], source=p.name
        ) from None
    return Organisation.from_mapping(data, source=p.name)
