"""``werkmap folder``: print one folder's overview as its jobseeker or its work coach reads it.

::

    werkmap folder --db werkmap-demo.db --folder js-00042 [--as jobseeker|coach]
                   [--date YYYY-MM-DD] [--format text|json|html|csv] [--language nl|en]

The command reads the folder through :meth:`werkmap.service.Werkmap.overview` as the folder's own
jobseeker (``--as jobseeker``, the default) or as its coach (``--as coach``; a team lead when the folder
has no coach), so the read is audited under that actor. ``--db`` is a SQLite file path or a storage URL.
Exit codes are those of :mod:`werkmap.cli`: 0 ok, 2 bad input (no store, no such folder), 1 another error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from werkmap._version import __version__
from werkmap.cli_types import iso_date
from werkmap.errors import InvalidInput, NotFound, Problem

if TYPE_CHECKING:
    from werkmap.jobseeker import Overview
    from werkmap.service import Actor, Werkmap

__all__ = ["FORMATS", "register", "run"]

FORMATS = ("text", "json", "html", "csv")
"""The output formats of ``werkmap folder``."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``folder`` command to the ``werkmap`` parser."""
    cmd = commands.add_parser(
        "folder",
        help="print a jobseeker's folder overview (activities, deadlines, what comes next, letters)",
        description="Print the overview of one Work Folder as its jobseeker (default) or its work "
        "coach reads it: every activity with its deadline and colour, what is overdue, what happens "
        "next and when, the next conversation, the application duty, the work plan, the messages "
        "sent, and the explanation of the route. The read is audited.",
    )
    cmd.add_argument("--db", required=True, metavar="STORE", help="a SQLite file or a storage URL")
    cmd.add_argument("--folder", required=True, metavar="ID", help="the folder id")
    cmd.add_argument(
        "--as",
        dest="reader",
        choices=("jobseeker", "coach"),
        default="jobseeker",
        help="whose view (default: jobseeker)",
    )
    cmd.add_argument(
        "--date", type=iso_date, default=None, help="the day to look at (default: today)"
    )
    cmd.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    cmd.add_argument("--language", choices=("nl", "en"), default="nl", help="default: nl")
    cmd.set_defaults(handler=run)


def _open(store: str, day: object) -> Werkmap:
    import datetime as dt

    from werkmap.clock import FixedClock, SystemClock
    from werkmap.service import Werkmap

    if "://" in store:
        url = store
    else:
        if not Path(store).is_file():
            raise InvalidInput([Problem(path="--db", message=f"no store at {store}")])
        url = f"sqlite:///{Path(store).resolve()}"
    on = day if isinstance(day, dt.date) else SystemClock().today()
    return Werkmap(url, clock=FixedClock(on))


def _reader(wm: Werkmap, folder_id: str, role: str) -> Actor:
    """The folder's own jobseeker or coach (the store is asked only for who they are)."""
    from werkmap.service import Actor

    try:
        folder = wm.store.load(folder_id)
    except NotFound:
        raise InvalidInput(
            [Problem(path="--folder", message=f"no folder {folder_id!r} in the store")]
        ) from None
    if role == "jobseeker":
        return Actor.jobseeker(folder.jobseeker_ref)
    if folder.coach_id:
        return Actor.coach(folder.coach_id)
    return Actor.team_lead("cli")


def _csv(o: Overview) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["section", "day", "text"])
    for record in o.to_records():
        writer.writerow([record.get("section", ""), record.get("day") or "", record["text"]])
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    """Run ``werkmap folder`` with parsed ``args``; return the exit code (0)."""
    with _open(args.db, args.date) as wm:
        actor = _reader(wm, args.folder, args.reader)
        o = wm.overview(actor, args.folder, language=args.language)
    if args.format == "json":
        out = {"werkmap": __version__, "kind": "folder", **o.to_record()}
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))
    elif args.format == "html":
        print(o.to_html())
    elif args.format == "csv":
        sys.stdout.write(_csv(o))
    else:
        sys.stdout.write(o.to_text())
    return 0
