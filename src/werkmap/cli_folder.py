"""``werkmap folder``: print one folder's overview as its jobseeker or its work coach reads it.

::

    werkmap folder --db werkmap-demo.db --folder js-00042 [--as jobseeker|coach]
                   [--date YYYY-MM-DD] [--format text|json|html|csv] [--language nl|en]
    werkmap folder --db werkmap-demo.db --folder js-00042 --letter CASE_ID [--kind hearing|decision]

The command reads the folder through :meth:`werkmap.service.Werkmap.overview` as the folder's own
jobseeker (``--as jobseeker``, the default) or as its coach (``--as coach``; a team lead when the folder
has no coach), so the read is audited under that actor. The coach's view ends with the adviser's section:
what would move the band (guidance, never a promise) and the orientation conversation's fixed steps.

``--letter CASE_ID`` prints one letter of an enforcement case instead, regenerated from the case's
records (:func:`werkmap.jobseeker.case_letter`): the hearing letter on a proposed measure or the decision
letter (``--kind``; default: the case's latest), read through :meth:`werkmap.service.Werkmap.folder`
(audited) by the same reader. An unknown case, or a case without that letter, is exit 2. ``--db`` is a SQLite file path or a storage URL.
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
        "sent, and the explanation of the route; the coach's view adds the adviser's section (what would "
        "move the band, guidance only; the orientation conversation's fixed steps). With --letter "
        "CASE_ID: one letter of an enforcement case, regenerated from its records. The read is "
        "audited.",
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
    cmd.add_argument(
        "--letter",
        metavar="CASE_ID",
        default=None,
        help="print one letter of this enforcement case instead of the overview",
    )
    cmd.add_argument(
        "--kind",
        choices=("hearing", "decision"),
        default=None,
        help="with --letter: which letter (default: the case's latest)",
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


def _letter(args: argparse.Namespace) -> int:
    from werkmap.jobseeker import case_letter

    with _open(args.db, args.date) as wm:
        actor = _reader(wm, args.folder, args.reader)
        folder = wm.folder(actor, args.folder, why=f"letter {args.letter}")
        try:
            letter = case_letter(
                folder,
                args.letter,
                kind=args.kind,
                policy=wm.policy,
                language=args.language,
                calendar=wm.calendar,
            )
        except InvalidInput as exc:  # one line: which case, and which letter it lacks
            print(f"werkmap: {'; '.join(p.message for p in exc.problems)}", file=sys.stderr)
            return 2
    if args.format == "json":
        out = {
            "werkmap": __version__,
            "kind": "folder",
            "letter": {**letter.to_record(), "text": letter.to_text()},
        }
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))
    elif args.format == "html":
        print(letter.to_html())
    elif args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["n", "text"])
        for n, line in enumerate(letter.to_text().rstrip("\n").split("\n")):
            writer.writerow([n, line])
        sys.stdout.write(buf.getvalue())
    else:
        sys.stdout.write(letter.to_text())
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``werkmap folder`` with parsed ``args``; return the exit code (0; 2 for a missing letter)."""
    if args.kind is not None and args.letter is None:
        print("werkmap: --kind needs --letter CASE_ID", file=sys.stderr)
        return 2
    if args.letter is not None:
        return _letter(args)
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
