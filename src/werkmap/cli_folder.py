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
(audited) by the same reader. An unknown case, or a case without that letter, is exit 2.

The flags are those of :mod:`werkmap.cli_common`: ``--db`` is a SQLite file path or a store URL, JSON is
the envelope with ``kind`` ``"folder"`` (``data``: the overview's record, or ``{"letter": ...}``), CSV one
row per line. Exit codes are :data:`~werkmap.cli_common.EXIT_CODES`: 0 ok, 2 bad input (no store, no such
folder, no such letter), 1 another error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from werkmap import cli_common
from werkmap.cli_common import (
    EXIT_OK,
    EXIT_USAGE,
    add_db_argument,
    add_format_argument,
    add_language_argument,
    cli_clock,
    emit,
    open_service,
)
from werkmap.cli_types import iso_date
from werkmap.errors import InvalidInput, NotFound, Problem

if TYPE_CHECKING:
    from werkmap.jobseeker import Overview
    from werkmap.service import Actor, Werkmap

__all__ = ["FORMATS", "register", "run"]

FORMATS = (*cli_common.FORMATS, "html")
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
    add_db_argument(cmd)
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
    add_format_argument(cmd, extra=("html",), help_text="csv: one row per line")
    add_language_argument(cmd)
    cmd.set_defaults(handler=run)


def _open(args: argparse.Namespace) -> Werkmap:
    """Open the store of ``--db`` with a clock at ``--date`` (default: today)."""
    from werkmap.clock import FixedClock

    day = args.date if args.date is not None else cli_clock(args).today()
    return open_service(args.db, clock=FixedClock(day))


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


def _rows(o: Overview) -> list[dict[str, object]]:
    return [
        {"section": r.get("section", ""), "day": r.get("day") or "", "text": r["text"]}
        for r in o.to_records()
    ]


def _letter(args: argparse.Namespace) -> int:
    from werkmap.jobseeker import case_letter

    with _open(args) as wm:
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
            return EXIT_USAGE
    if args.format == "html":
        print(letter.to_html())
        return EXIT_OK
    text = letter.to_text()
    emit(
        args,
        "folder",
        lambda: {"letter": {**letter.to_record(), "text": text}},
        text=text,
        rows=lambda: [
            {"n": n, "text": line} for n, line in enumerate(text.rstrip("\n").split("\n"))
        ],
        columns=("n", "text"),
    )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run ``werkmap folder`` with parsed ``args``; return the exit code (0; 2 for a missing letter)."""
    if args.kind is not None and args.letter is None:
        print("werkmap: --kind needs --letter CASE_ID", file=sys.stderr)
        return EXIT_USAGE
    if args.letter is not None:
        return _letter(args)
    with _open(args) as wm:
        actor = _reader(wm, args.folder, args.reader)
        o = wm.overview(actor, args.folder, language=args.language)
    if args.format == "html":
        print(o.to_html())
        return EXIT_OK
    emit(
        args,
        "folder",
        o.to_record,
        text=o.to_text,
        rows=lambda: _rows(o),
        columns=("section", "day", "text"),
    )
    return EXIT_OK
