"""How a :class:`~werkmap.plan.folder.WorkFolder` shows itself: a one-line repr and a notebook table.

Kept apart from the folder's rules: :meth:`WorkFolder.__repr__` and ``_repr_html_`` delegate here, and the
table is drawn by the one renderer, :mod:`werkmap.tables`. A folder's default attrs repr would print every
event of its log (thousands of lines for a long year); these show the counts and the first events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkmap.tables import REPR_ROWS, Table

if TYPE_CHECKING:
    from werkmap.plan.folder import WorkFolder

__all__ = ["folder_html", "folder_repr", "folder_table"]


def folder_repr(folder: WorkFolder) -> str:
    """Return the short repr of ``folder``: id, version, jobseeker, coach, band and the counts.

    Examples:
        >>> import datetime as dt
        >>> from werkmap.plan import folder as wf
        >>> f, _ = wf.create_folder("f-1", on=dt.date(2025, 3, 3), jobseeker_ref="js-1", coach_id="c-7")
        >>> f
        <WorkFolder f-1 v1 js-1, coach c-7, registered 2025-03-03, band -: 0 activities, 0 conversations, 1 events>
    """
    profile = folder.latest_profile
    band = profile.band if profile is not None else "-"
    return (
        f"<WorkFolder {folder.folder_id} v{folder.version} {folder.jobseeker_ref}, "
        f"coach {folder.coach_id or '-'}, registered {folder.registered_on.isoformat()}, band {band}: "
        f"{len(folder.activities)} activities, {len(folder.conversations)} conversations, "
        f"{len(folder.events)} events>"
    )


def folder_table(folder: WorkFolder, *, limit: int | None = REPR_ROWS) -> Table:
    """Return the folder's event log as a :class:`~werkmap.tables.Table` (the first ``limit`` events)."""
    return Table(
        header=("seq", "on", "kind", "actor", "data"),
        rows=[
            (
                str(e.seq),
                e.on.isoformat(),
                e.kind,
                e.actor,
                ", ".join(f"{k}={v}" for k, v in sorted(e.data.items())),
            )
            for e in folder.events
        ],
        align="r",
        title=folder_repr(folder),
        limit=limit,
    )


def folder_html(folder: WorkFolder) -> str:
    """Return the notebook HTML of ``folder``: its repr as caption and the first events, escaped."""
    return folder_table(folder).to_html()
