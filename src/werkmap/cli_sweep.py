"""``werkmap sweep``: the daily sweep of a store, whole, one part of it, or in parts side by side.

::

    werkmap sweep --db STORE [--date YYYY-MM-DD] [--part K/N | --jobs N] [--language nl|en]
        [--format text|json|csv]

It runs :meth:`werkmap.service.Werkmap.sweep` as the system on a fixed clock standing at the day (default:
today in Europe/Amsterdam) and prints what it did. ``--part K/N`` sweeps the folders of one
:class:`~werkmap.service.SweepPart`; ``--jobs N`` starts N processes on parts 1/N .. N/N and prints what
one sweep prints (:meth:`werkmap.service.SweepResult.merged`). Exits 1 when a folder refused an action, a
due folder could not be read, or a sweeper failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from werkmap.cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_db_argument,
    add_format_argument,
    add_language_argument,
    children_ignore_ctrl_c,
    cli_clock,
    emit,
    logging_to_stderr,
    open_service,
    showing_progress,
)
from werkmap.cli_types import iso_date, positive_int
from werkmap.clock import FixedClock
from werkmap.errors import InvalidInput, Problem, StorageError, WerkmapError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from werkmap.service import SweepPart, SweepResult

__all__ = ["add_sweep_command"]


def add_sweep_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sweep`` to the parser."""
    sweep = commands.add_parser(
        "sweep",
        help="run the daily sweep on a store for a date (default: today)",
        description="Find and apply what the service model says is due on a date (invitations, overdue "
        "marks, reminders, enforcement proposals for a coach). Running it twice on one day adds nothing; "
        "to catch up missed days, run it once per day in date order. Exits 1 when a folder refused an "
        "action (it is offered again by the next sweep). csv: one row per action.",
    )
    add_db_argument(sweep)
    sweep.add_argument(
        "--date",
        type=iso_date,
        help="the day to sweep, YYYY-MM-DD (default: today in Europe/Amsterdam)",
    )
    sweep.add_argument(
        "--part",
        type=_sweep_part,
        metavar="K/N",
        help="sweep only part K of N of the folders (by a hash of the folder id): run one sweep per "
        "part, side by side, on the same day; together they do what one sweep does",
    )
    sweep.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="run N sweepers side by side, one process each, on parts 1/N .. N/N (a SQLite or "
        "PostgreSQL store; no progress bar); the output is that of one sweep (default: 1)",
    )
    add_language_argument(sweep)
    add_format_argument(sweep, legacy_json=True)
    sweep.set_defaults(handler=_cmd_sweep)


def _sweep_part(text: str) -> SweepPart:
    """``--part K/N`` as a :class:`~werkmap.service.SweepPart` (argparse's error when it is not one)."""
    from werkmap.service import SweepPart

    try:
        return SweepPart.parse(text)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError("; ".join(p.message for p in exc.problems)) from None


_JOB_STORES = frozenset({"", "sqlite", "postgresql", "postgres"})
"""The stores ``werkmap sweep --jobs`` opens in several processes: a SQLite file (a path or URL) or a
PostgreSQL server (a plugin's store may live in one process, as ``memory://`` does)."""


def _sweep_side_by_side(args: argparse.Namespace, day: dt.date) -> SweepResult:
    """``werkmap sweep --jobs N``: N processes sweep parts 1/N .. N/N at once; their results merged.

    The store is opened here first (so a store that cannot be opened, or needs migrating, is one error
    before anything runs); each sweeper opens it again in its own process. The sweepers ignore Ctrl-C:
    this process answers it by stopping them (a batch a sweeper had not committed is not saved, as when
    one sweep is stopped) and then ends as any command does.

    Raises:
        InvalidInput: ``--part`` is given too, or the store is not a SQLite file or a PostgreSQL server.
        StorageError: a sweeper failed with a werkmap error (the message names each such part and why);
            the other parts were swept and saved.
        RuntimeError: a sweeper failed with a bug (its traceback in the message).
    """
    from werkmap.service import SweepPart
    from werkmap.storage.url import redact_url, scheme_of

    problems = []
    if args.part is not None:
        problems.append(Problem(path="--jobs", message="cannot be combined with --part"))
    if scheme_of(args.db) not in _JOB_STORES:
        problems.append(
            Problem(
                path="--db",
                message=f"{redact_url(args.db)}: --jobs opens the store in several processes; it "
                "needs a SQLite file or a PostgreSQL server",
            )
        )
    if problems:
        raise InvalidInput(problems)
    with open_service(args.db, clock=FixedClock(day)):
        pass
    ctx = multiprocessing.get_context("spawn")
    level = (getattr(args, "verbose", 0), getattr(args, "quiet", 0))
    receivers, processes = [], []
    try:
        with children_ignore_ctrl_c():
            for k in range(1, args.jobs + 1):
                receive, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_sweep_part_in_child,
                    args=(args.db, day, SweepPart(k, args.jobs), level, send),
                    daemon=True,
                )
                proc.start()
                send.close()
                receivers.append(receive)
                processes.append(proc)
        outcomes = [
            _outcome_of(receive, proc) for receive, proc in zip(receivers, processes, strict=True)
        ]
    except KeyboardInterrupt:
        for proc in processes:
            proc.terminate()
        raise
    finally:
        for receive in receivers:
            receive.close()
        for proc in processes:
            proc.join(timeout=10)
    return _merged_outcomes(outcomes, day)


def _merged_outcomes(outcomes: Sequence[tuple[str, str]], day: dt.date) -> SweepResult:
    """The sweepers' results merged, or the error that names the sweepers that failed.

    Raises:
        StorageError: a sweeper sent a werkmap error (each such part named with its message).
        RuntimeError: a sweeper sent a bug (its traceback in the message).
    """
    from werkmap import serialization
    from werkmap.service import SweepResult

    n = len(outcomes)
    failed = {
        kind: [f"sweeper {k}/{n}: {v}" for k, (c, v) in enumerate(outcomes, 1) if c == kind]
        for kind in ("error", "bug")
    }
    if failed["bug"]:
        raise RuntimeError("\n".join(failed["bug"] + failed["error"]))
    if failed["error"]:
        raise StorageError(
            "; ".join(failed["error"]) + f"; the other parts were swept and saved: sweep {day} "
            "again to finish (it adds nothing twice)"
        )
    return SweepResult.merged(
        [serialization.structure(json.loads(v), SweepResult) for _, v in outcomes]
    )


def _outcome_of(receive: Connection, proc: multiprocessing.process.BaseProcess) -> tuple[str, str]:
    """What one sweeper sent: ``("ok", result as JSON)``, ``("error", message)`` or ``("bug", traceback)``."""
    try:
        outcome: tuple[str, str] = receive.recv()
    except EOFError:
        proc.join(timeout=10)
        return "error", f"it ended without a result (exit code {proc.exitcode})"
    return outcome


def _sweep_part_in_child(
    db: str, day: dt.date, part: SweepPart, level: tuple[int, int], send: Connection
) -> None:
    """One sweeper of ``werkmap sweep --jobs``: sweep ``part`` and send the result, or why not."""
    import traceback

    from werkmap import serialization
    from werkmap.service import Actor

    outcome: tuple[str, str]
    try:
        with logging_to_stderr(*level), open_service(db, clock=FixedClock(day)) as wm:
            result = wm.sweep(Actor.system(), part=part)
        outcome = "ok", json.dumps(serialization.unstructure(result))  # werkmap's own converter
    except WerkmapError as exc:
        outcome = "error", str(exc)
    except Exception:
        outcome = "bug", traceback.format_exc()
    try:
        send.send(outcome)
    except OSError:  # the parent is gone (Ctrl-C): nothing to do
        pass
    finally:
        send.close()


def _cmd_sweep(args: argparse.Namespace) -> int:
    from werkmap.service import Actor

    day = args.date or cli_clock(args).today()
    if args.jobs > 1:
        result = _sweep_side_by_side(args, day)
    else:
        with (
            open_service(args.db, clock=FixedClock(day)) as wm,
            showing_progress(args, "folders") as bar,
        ):
            result = wm.sweep(Actor.system(), progress=bar, part=args.part)
    actions = [
        {
            "id": a.id,
            "folder_id": a.folder_id,
            "kind": a.kind,
            "rule": f"{a.rule_id}@{a.rule_version}",
            "due_by": a.due_by.isoformat() if a.due_by else None,
            "reason_nl": a.reason_nl,
            "reason_en": a.reason_en,
        }
        for a in result.actions
    ]
    data = {
        "on": result.on.isoformat(),
        "part": str(result.part) if result.part is not None else None,
        "folders": result.folders,
        "counts": dict(sorted(result.counts().items())),
        "actions": actions,
        "failed": [{"id": i, "reason": r} for i, r in result.failed],
        "quarantined": list(result.quarantined),
    }
    nl = args.language == "nl"

    def text() -> str:
        part = f" ({'deel' if nl else 'part'} {result.part})" if result.part is not None else ""
        lines = [
            f"sweep {result.on}{part}: {len(result.actions)} {'acties' if nl else 'actions'} "
            f"in {result.folders} {'mappen' if nl else 'folders'}"
        ]
        lines += [f"  {kind:<24} {n:>6}" for kind, n in sorted(result.counts().items())]
        lines += [
            f"  {a.folder_id}  {a.rule_id}  {a.reason_nl if nl else a.reason_en}"
            for a in result.actions
        ]
        lines += [
            f"  {'geweigerd' if nl else 'refused'} {ident}: {reason}"
            for ident, reason in result.failed
        ]
        return "\n".join(lines) + "\n"

    emit(args, "sweep", data, text=text, rows=actions, columns=_ACTION_COLUMNS)
    if result.quarantined:
        ids = ", ".join(result.quarantined)
        note = (
            f"let op: {len(result.quarantined)} map(pen) konden niet worden gelezen en zijn "
            f"overgeslagen: {ids}"
            if nl
            else f"note: {len(result.quarantined)} folder(s) could not be read and were skipped: "
            f"{ids}"
        )
        print(note, file=sys.stderr)
    return EXIT_PROBLEMS if result.failed or result.quarantined else EXIT_OK


_ACTION_COLUMNS = ("id", "folder_id", "kind", "rule", "due_by", "reason_nl", "reason_en")
