"""Who may do what: :class:`Actor`, :data:`ROLES`, :data:`PERMISSIONS` and the one check, :func:`authorize`."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from werkmap.errors import InvalidInput, NotAuthorized, NotFound, Problem
from werkmap.plan.folder import WorkFolder
from werkmap.service.teams import Organisation

__all__ = ["LIFECYCLE_PERMISSIONS", "PERMISSIONS", "ROLES", "Actor", "authorize", "not_found"]

ROLES = ("jobseeker", "coach", "team_lead", "system")
"""The roles an :class:`Actor` can have."""

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "register": frozenset({"coach", "system"}),
    "assign_coach": frozenset({"team_lead", "system"}),
    "invite_profiler": frozenset({"coach", "system"}),
    "submit_profile": frozenset({"jobseeker", "coach"}),
    "route": frozenset({"coach"}),
    "request_conversation": frozenset({"jobseeker"}),
    "invite_conversation": frozenset({"coach", "system"}),
    "reschedule_conversation": frozenset({"coach"}),
    "hold_conversation": frozenset({"coach"}),
    "record_no_show": frozenset({"coach"}),
    "cancel_conversation": frozenset({"coach", "system"}),
    "agree_plan": frozenset({"coach"}),
    "revise_plan": frozenset({"coach"}),
    "add_activity": frozenset({"coach", "jobseeker"}),
    "register_applications": frozenset({"jobseeker"}),
    "complete_activity": frozenset({"jobseeker", "coach"}),
    "remind": frozenset({"coach", "system"}),
    "excuse": frozenset({"coach"}),
    "refer": frozenset({"coach"}),
    "respond": frozenset({"jobseeker", "coach"}),
    "open_duty_case": frozenset({"coach"}),
    "propose_measure": frozenset({"coach"}),
    "decide_case": frozenset({"coach"}),
    "record_objection": frozenset({"jobseeker", "coach"}),
    "close_case": frozenset({"coach"}),
    "record_work_found": frozenset({"jobseeker", "coach", "system"}),
    "record_benefit_ended": frozenset({"coach", "system"}),
    "sweep": frozenset({"system"}),
    "read_folder": frozenset({"jobseeker", "coach", "team_lead", "system"}),
    "export": frozenset({"jobseeker", "system"}),
    "dashboard": frozenset({"coach", "team_lead", "system"}),
    "report": frozenset({"team_lead", "system"}),
    "enqueue": frozenset({"system"}),
}
"""Which roles may run each command. A jobseeker is further limited to their own folder, a coach to the
folders in their caseload (and to their own dashboard), a team lead to the folders of their teams' coaches
when the service has an :class:`~werkmap.service.teams.Organisation`."""

LIFECYCLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    # the erasure of a folder after its retention (GDPR art. 17): the agency's privacy desk, acting
    # through a system actor (``Actor.system("privacy-desk")``); never a coach, lead or jobseeker
    "erase": frozenset({"system"}),
}
"""Which roles may end a folder's life (not a command on the folder: it changes no version)."""


@attrs.frozen(kw_only=True)
class Actor:
    """Who runs a command: a role and an id.

    Use the named constructors. A jobseeker's id is their folder's ``jobseeker_ref`` (for a folder created
    from a BSN, the pseudonym :func:`werkmap.plan.pseudonymise_bsn` gives); a coach's id is the
    ``coach_id`` of the folders in their caseload.

    Attributes:
        role: one of :data:`ROLES`.
        id: who, within the role.
    """

    role: str
    id: str

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.role not in ROLES:
            problems.append(Problem(path="$.role", message=f"expected one of {list(ROLES)}"))
        if not self.id.strip():
            problems.append(Problem(path="$.id", message="empty"))
        if problems:
            raise InvalidInput(problems, source="actor")

    @classmethod
    def jobseeker(cls, jobseeker_ref: str) -> Actor:
        """The jobseeker whose folder has this ``jobseeker_ref``."""
        return cls(role="jobseeker", id=jobseeker_ref)

    @classmethod
    def coach(cls, coach_id: str) -> Actor:
        """The work coach (*adviseur werk*) ``coach_id``."""
        return cls(role="coach", id=coach_id)

    @classmethod
    def team_lead(cls, lead_id: str) -> Actor:
        """A team lead: reads dashboards, folders and reports; changes nothing."""
        return cls(role="team_lead", id=lead_id)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The service itself (the daily sweep) or another agency system (the benefit administration)."""
        return cls(role="system", id=name)

    def __str__(self) -> str:
        return f"{self.role}:{self.id}"


def not_found(folder_id: str) -> NotFound:
    """The error for a folder that is not there, worded as every store words it."""
    return NotFound(f"no folder {folder_id!r} in the store")


def authorize(
    actor: Actor,
    command: str,
    folder: WorkFolder | None,
    *,
    organisation: Organisation | None = None,
) -> None:
    """Check that ``actor`` may run ``command`` (on ``folder``, when it acts on one).

    A jobseeker acts only on their own folder (the actor's id is the folder's ``jobseeker_ref``), a coach
    only on folders in their caseload, a team lead (given an ``organisation``) only on folders of the
    coaches in the teams they lead.

    Raises:
        NotAuthorized: the role may not run the command, or the folder is not the actor's.
        NotFound: a jobseeker asks for another person's folder: the same error, word for word, as for a
            folder that does not exist, so a jobseeker cannot learn whether another folder exists.
    """
    allowed = PERMISSIONS.get(command) or LIFECYCLE_PERMISSIONS[command]
    if actor.role not in allowed:
        raise NotAuthorized(f"{actor} may not {command.replace('_', ' ')}")
    if folder is None:
        return
    if actor.role == "jobseeker" and folder.jobseeker_ref != actor.id:
        raise not_found(folder.folder_id)
    if actor.role == "coach" and folder.coach_id != actor.id:
        raise NotAuthorized(f"{actor} may act only on folders in their caseload")
    if (
        actor.role == "team_lead"
        and organisation is not None
        and folder.coach_id not in organisation.coaches_led_by(actor.id)
    ):
        raise NotAuthorized(f"{actor} may read only the folders of their own teams")
