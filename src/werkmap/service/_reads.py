"""The reads: a folder, its export and overview, a caseload, the dashboard, all folders, the report.

Every read of a folder is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from werkmap import serialization
from werkmap.errors import FolderUnreadable
from werkmap.plan.folder import WorkFolder
from werkmap.service._core import ServiceCore
from werkmap.service.access import Actor

if TYPE_CHECKING:
    from werkmap.dashboard import Dashboard
    from werkmap.jobseeker import Overview
    from werkmap.report import PeriodReport

__all__ = ["FolderIterator", "FolderList", "Reading"]

_log = logging.getLogger("werkmap.service")


class FolderList(list[WorkFolder]):
    """The folders a read of many folders returned, and the ids of those it skipped as unreadable.

    A list like any other (:meth:`Werkmap.caseload` returns one); :attr:`quarantined` names, in id
    order, the folders whose stored data could not be read (:class:`~werkmap.errors.FolderUnreadable`):
    they are left out, each logged once on the ``werkmap.service`` logger, and the rest is complete.
    """

    def __init__(self, folders: Iterable[WorkFolder] = (), quarantined: Iterable[str] = ()) -> None:
        super().__init__(folders)
        self.quarantined: tuple[str, ...] = tuple(sorted(quarantined))


class FolderIterator(Iterator[WorkFolder]):
    """An iterator over folders (:meth:`Werkmap.all_folders`) that skips the unreadable ones.

    :attr:`quarantined` names the folders skipped so far, in id order; once the iterator is exhausted it
    names all of them.
    """

    def __init__(self, folders: Iterator[WorkFolder], quarantined: list[str]) -> None:
        self._folders = folders
        self._quarantined = quarantined

    def __iter__(self) -> FolderIterator:
        return self

    def __next__(self) -> WorkFolder:
        return next(self._folders)

    @property
    def quarantined(self) -> tuple[str, ...]:
        """The ids of the folders skipped because they could not be read (so far), in id order."""
        return tuple(sorted(self._quarantined))


_READ_BATCH = 500
"""How many folders :meth:`Werkmap.all_folders` reads and audits at a time (one audit transaction)."""


class Reading(ServiceCore):
    """Reads of folders, each audited; part of :class:`~werkmap.service.Werkmap`."""

    def folder(self, actor: Actor, folder_id: str, *, why: str = "") -> WorkFolder:
        """Return a folder (its profile included); the read is audited.

        Raises:
            NotFound: there is no such folder.
            NotAuthorized: the actor may not read it.
        """
        folder = self._readable(actor, "read_folder", folder_id)
        self._audit_read(actor, folder, "folder", why)
        return self._shown(actor, folder)

    def export(self, actor: Actor, folder_id: str, *, why: str = "") -> dict[str, Any]:
        """Return everything werkmap holds about the person of a folder, as one JSON-ready document.

        The answer to an access request (GDPR article 15): the folder (profiles, routes, plans,
        activities, conversations, cases), its event log, its audit trail and its notifications, each
        as stored, under a versioned envelope. The jobseeker may export their own folder; the system any
        (for the agency's privacy desk). The export is itself an audited read.

        Raises:
            NotFound: there is no such folder (or, for a jobseeker, it is not theirs).
            NotAuthorized: a coach or team lead asks.
        """
        from werkmap._version import __version__

        folder = self._readable(actor, "export", folder_id)
        self._audit_read(actor, folder, "export (access request)", why)
        notifications = [
            item for item in self.store.outbox() if item.notification.folder_id == folder_id
        ]
        return {
            "werkmap": __version__,
            "kind": "export",
            "folder_id": folder_id,
            "exported_at": self.clock.now().isoformat(),
            "folder": serialization.unstructure(folder),
            "events": serialization.unstructure(list(self.store.events(folder_id))),
            "audit": serialization.unstructure(list(self.store.audit_records(folder_id))),
            "notifications": serialization.unstructure(notifications),
        }

    def overview(
        self,
        actor: Actor,
        folder_id: str,
        *,
        on: dt.date | None = None,
        language: str = "nl",
    ) -> Overview:
        """Return the overview of a folder on a date (default today), as its reader sees it; audited.

        A jobseeker gets the jobseeker's view of their own folder (no score; only their own messages);
        a coach (their caseload), a team lead or the system gets the coach's view
        (:func:`werkmap.jobseeker.overview`), with the adviser's section: what would move the band,
        scored with the service's own model and questionnaire, and the orientation agenda from the
        packaged intervention catalogue. The read is audited like :meth:`folder`.

        Raises:
            NotFound: there is no such folder, or a jobseeker asks for a folder that is not theirs (the
                same error, so that a jobseeker cannot learn which folders exist).
            NotAuthorized: a coach asks for a folder outside their caseload.
            InvalidInput: an unknown language.
        """
        from werkmap.interventions import default_catalogue
        from werkmap.jobseeker import overview as build_overview

        folder = self._readable(actor, "read_folder", folder_id)
        day = on if on is not None else self.today
        result = build_overview(
            folder,
            on=day,
            policy=self.policy,
            language=language,
            audience="jobseeker" if actor.role == "jobseeker" else "coach",
            calendar=self.calendar,
            notifications=self._notifications(folder, folder.events),
            model=self.model,
            questionnaire=self.questionnaire,
            catalogue=default_catalogue(),
        )
        self._audit_read(actor, folder, "overview", "")
        return result

    def caseload(self, actor: Actor, coach_id: str) -> FolderList:
        """Return the folders in ``coach_id``'s caseload (the coach themself, a team lead or the system).

        Each folder shows its experiment arm only to a role the experiment allows. The read is audited:
        one record per folder on its chain, all in one transaction. A folder that cannot be read is left
        out and named in :attr:`FolderList.quarantined` (and logged); the others are all there.

        Raises:
            NotAuthorized: a coach asks for another coach's caseload, or a jobseeker asks.
        """
        folders, quarantined = self._caseload(actor, coach_id)
        self._audit_reads(actor, folders, "folder (caseload)")
        return FolderList((self._shown(actor, f) for f in folders), quarantined)

    def _caseload(self, actor: Actor, coach_id: str) -> tuple[list[WorkFolder], list[str]]:
        """The caseload's folders (not audited here) and the ids of those that cannot be read."""
        self._allow(actor, "dashboard", folder_id=None)
        if actor.role == "coach" and actor.id != coach_id:
            raise self._refusal(
                actor, "dashboard", None, f"{actor} may see only their own caseload"
            )
        org = self.organisation
        if (
            actor.role == "team_lead"
            and org is not None
            and coach_id not in org.coaches_led_by(actor.id)
        ):
            raise self._refusal(
                actor, "dashboard", None, f"{actor} may see only the caseloads of their own teams"
            )
        pending = self._pending or {}
        quarantined: list[str] = []
        try:
            rows = [(row.folder_id, row.version) for row in self.store.caseload(coach_id)]
        except FolderUnreadable:
            # a damaged index row: the store's columns name every damaged row, the rest are sound
            columns = self.store.index_columns()
            rows = [
                (fid, version)
                for fid, version, coach in zip(
                    columns.folder_id.tolist(),
                    columns.version.tolist(),
                    columns.coach_id.tolist(),
                    strict=True,
                )
                if coach == coach_id
            ]
            for fid, coach in columns.unreadable:
                if coach == coach_id and fid not in pending:
                    self._quarantine(FolderUnreadable(fid, "its index columns are damaged"))
                    quarantined.append(fid)
        out = []
        for fid, version in rows:
            if fid in pending:
                continue
            try:
                out.append(self._at_version(fid, version, remember=True))
            except FolderUnreadable as exc:
                self._quarantine(exc)
                quarantined.append(fid)
        # what this unit of work changed: the folders in the caseload now, as they are now
        out.extend(p.folder for p in pending.values() if p.folder.coach_id == coach_id)
        return out, quarantined

    def _quarantine(self, exc: FolderUnreadable) -> None:
        """Skip an unreadable folder in a read of many: one warning (its id, the kind of damage), counted."""
        self._counts["quarantined"] += 1
        _log.warning("folder %r quarantined (skipped): %s", exc.folder_id, exc.what)

    def dashboard(self, actor: Actor, coach_id: str, *, on: dt.date | None = None) -> Dashboard:
        """Return the coach's dashboard for a date (default today); each profile shown is an audited read.

        The reads are audited in one transaction. A folder of the caseload that cannot be read is left
        out and named in :attr:`~werkmap.dashboard.Dashboard.quarantined`.
        """
        from werkmap.dashboard import build_dashboard

        day = on if on is not None else self.today
        # the rules read the arm; the dashboard never shows it
        folders, quarantined = self._caseload(actor, coach_id)
        shown = [f for f in folders if f.latest_profile is not None]
        self._audit_reads(actor, shown, "profile band (dashboard)")
        board = build_dashboard(folders, coach_id=coach_id, on=day, policy=self.policy)
        return attrs.evolve(board, quarantined=tuple(sorted(quarantined)))

    def all_folders(self, actor: Actor) -> FolderIterator:
        """Return an iterator over every folder in the store, in folder-id order (team lead or system).

        Each folder shows its experiment arm only to a role the experiment allows. Every folder returned
        is an audited read: the folders are read and audited 500 at a time (one audit transaction each),
        before they are handed out. A folder that cannot be read is skipped, logged, and named in
        :attr:`FolderIterator.quarantined`.

        Raises:
            NotAuthorized: at once, for another actor.
        """
        return self._folders(actor, audited=True)

    def _folders(self, actor: Actor, *, audited: bool) -> FolderIterator:
        """Every folder ``actor`` may read (see :meth:`all_folders`); ``audited=False`` only for aggregates.

        A report that gives only figures over the folders (:meth:`report`, the monitoring and effect
        reports) reads them without an audit record per folder: it returns no personal data.
        """
        self._allow(actor, "report", folder_id=None)
        columns = self.store.index_columns()
        pairs = list(zip(columns.folder_id.tolist(), columns.version.tolist(), strict=True))
        pending = {fid: p.folder for fid, p in (self._pending or {}).items()}
        known = {fid for fid, _ in pairs}
        pairs += sorted((fid, f.version) for fid, f in pending.items() if fid not in known)
        pairs.sort()
        org = self.organisation
        led = (
            org.coaches_led_by(actor.id) if actor.role == "team_lead" and org is not None else None
        )
        if led is not None:
            # need-to-know: only the folders of the lead's teams, as the store's index columns say
            coach_of = dict(zip(columns.folder_id.tolist(), columns.coach_id.tolist(), strict=True))
            coach_of.update((fid, f.coach_id) for fid, f in pending.items())
            pairs = [(fid, v) for fid, v in pairs if coach_of.get(fid) in led]
        quarantined: list[str] = []
        for fid, coach in columns.unreadable:
            if fid not in pending and (led is None or coach in led):
                self._quarantine(FolderUnreadable(fid, "its index columns are damaged"))
                quarantined.append(fid)

        def folders() -> Iterator[WorkFolder]:
            for start in range(0, len(pairs), _READ_BATCH):
                batch = []
                for fid, version in pairs[start : start + _READ_BATCH]:
                    # a report reads every folder: it does not push the working set out of the cache
                    try:
                        batch.append(
                            pending[fid] if fid in pending else self._at_version(fid, version)
                        )
                    except FolderUnreadable as exc:
                        self._quarantine(exc)
                        quarantined.append(fid)
                if audited:
                    self._audit_reads(actor, batch, "folder (all folders)")
                for folder in batch:
                    yield self._shown(actor, folder)

        return FolderIterator(folders(), quarantined)

    def report(
        self,
        actor: Actor,
        *,
        start: dt.date,
        end: dt.date,
        progress: Callable[[int, int], None] | None = None,
    ) -> PeriodReport:
        """Return the period figures over every folder (team lead or system).

        Figures only, so the folders read are not audited one by one (see :meth:`all_folders`). A folder
        that cannot be read is skipped and named in :attr:`~werkmap.report.PeriodReport.quarantined`.
        ``progress`` is called with ``(folders read, folders in the store)`` as the folders are read.
        """
        from werkmap.progress import tracked
        from werkmap.report import period_report

        folders = self._folders(actor, audited=False)
        total = len(self.store.index_columns().folder_id) if progress is not None else 0
        report = period_report(tracked(folders, progress, total), start=start, end=end)
        return attrs.evolve(report, quarantined=folders.quarantined)
