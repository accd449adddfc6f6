"""The service commands of the ``werkmap`` command line: ``demo``, ``sweep``, ``dashboard`` and ``report``.

They open a store through :class:`~werkmap.service.Werkmap`, with a fixed clock at the date asked for, and
act as the system (the sweep) or as a team lead (reads, audited as ``team_lead:<--as>``). Exit codes are
those of :mod:`werkmap.cli`: 0 ok, 2 bad input, 1 any other error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import sqlite3
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from werkmap.cli_types import iso_date, positive_int
from werkmap.errors import InvalidInput, Problem
from werkmap.progress import progress
from werkmap.tables import bar_chart

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from werkmap.dashboard import Dashboard
    from werkmap.report import Comparison, PeriodReport
    from werkmap.service import Werkmap
    from werkmap.simulate import SimulationConfig, SimulationResult

__all__ = ["DEMO_DB", "DemoOutput", "add_service_commands", "run_demo"]

DEMO_DB = "werkmap-demo.db"
"""Where ``werkmap demo`` writes its store unless ``--db`` says otherwise."""


def add_service_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo``, ``sweep``, ``dashboard``, ``report`` and ``replay`` to the ``werkmap`` parser."""
    demo = commands.add_parser(
        "demo",
        help="simulate jobseekers over a year through the real service; print a dashboard and a report",
        description="Simulate a seeded synthetic inflow of jobseekers day by day through the real "
        "werkmap service on a SQLite file (made-up people and an illustrative model), then print one "
        "coach's dashboard and the year report with forecast against realised. The same seed gives "
        "the same output. An existing demo database at --db is replaced.",
    )
    demo.add_argument("--db", default=DEMO_DB, metavar="PATH", help=f"default: {DEMO_DB}")
    demo.add_argument("--seed", type=int, default=2017, help="default: 2017")
    demo.add_argument(
        "--jobseekers", type=positive_int, default=5000, metavar="N", help="inflow (default: 5000)"
    )
    demo.add_argument("--months", type=positive_int, default=12, metavar="N", help="default: 12")
    demo.add_argument("--coach", default="coach-01", help="whose dashboard (default: coach-01)")
    demo.add_argument(
        "--rows", type=positive_int, default=20, help="dashboard rows shown (default: 20)"
    )
    demo.add_argument("--language", choices=("nl", "en"), default="en", help="default: en")
    demo.add_argument("--json", action="store_true", help="print one JSON object instead")
    demo.set_defaults(handler=_cmd_demo)

    sweep = commands.add_parser(
        "sweep",
        help="run the daily sweep on a store for a date",
        description="Find and apply what the service model says is due on a date (invitations, overdue "
        "marks, reminders, enforcement proposals for a coach). Running it twice on one day adds nothing.",
    )
    _store_argument(sweep)
    sweep.add_argument("--date", type=iso_date, required=True, help="the day to sweep, YYYY-MM-DD")
    sweep.add_argument("--language", choices=("nl", "en"), default="en", help="default: en")
    sweep.add_argument("--json", action="store_true", help="print one JSON object instead")
    sweep.set_defaults(handler=_cmd_sweep)

    dash = commands.add_parser(
        "dashboard",
        help="print a work coach's dashboard",
        description="Print the folders in a coach's caseload with band, colour of the most urgent "
        "activity, overdue count, next conversation, application duty and flags. The read is audited.",
    )
    _store_argument(dash)
    dash.add_argument("--coach", required=True, help="the coach id")
    dash.add_argument("--date", type=iso_date, help="default: today")
    dash.add_argument(
        "--sort",
        default="urgency",
        choices=("urgency", "band", "probability", "overdue", "next_deadline", "next_conversation"),
        help="default: urgency",
    )
    dash.add_argument("--descending", action="store_true", help="sort from high to low")
    dash.add_argument("--format", choices=("text", "json", "html"), default="text")
    dash.add_argument("--language", choices=("nl", "en"), default="en", help="default: en")
    _reader_argument(dash)
    dash.set_defaults(handler=_cmd_dashboard)

    rep = commands.add_parser(
        "report",
        help="print the figures of a period, optionally against a forecast",
        description="Count profiler take-up, conversations, work plans with extra services, reminders, "
        "enforcement and the digital-only share for a period. With --forecast N the figures are compared "
        "with a forecast simulated for an inflow of N jobseekers.",
    )
    _store_argument(rep)
    rep.add_argument("--from", dest="start", type=iso_date, required=True, help="YYYY-MM-DD")
    rep.add_argument("--to", dest="end", type=iso_date, required=True, help="YYYY-MM-DD")
    rep.add_argument("--format", choices=("text", "json", "csv"), default="text")
    rep.add_argument("--language", choices=("nl", "en"), default="en", help="default: en")
    rep.add_argument(
        "--forecast",
        type=positive_int,
        metavar="N",
        help="compare with a forecast for an inflow of N",
    )
    rep.add_argument("--seed", type=int, default=2018, help="forecast seed (default: 2018)")
    _reader_argument(rep)
    rep.set_defaults(handler=_cmd_report)

    rpl = commands.add_parser(
        "replay",
        help="re-derive every stored decision of a store and list what differs",
        description="Score stored answers again, decide stored routes again from their inputs, and check "
        "recorded due actions and measure proposals against the policy of their date. Prints "
        "'N decisions replayed, M mismatches' and one line per mismatch; exits 1 when M is not 0.",
    )
    _store_argument(rpl)
    rpl.add_argument("--json", action="store_true", help="print one JSON object instead")
    rpl.set_defaults(handler=_cmd_replay)


def _store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", required=True, metavar="PATH", help="the SQLite store (a file path)"
    )


def _reader_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="reader", default="cli", metavar="NAME", help="team lead id (default: cli)"
    )


def _open(path: str, day: dt.date, *, create: bool = False) -> Werkmap:
    from werkmap.clock import FixedClock
    from werkmap.service import Werkmap

    if not create and not Path(path).is_file():
        raise InvalidInput([Problem(path="--db", message=f"no store at {path}")])
    return Werkmap(f"sqlite:///{Path(path).resolve()}", clock=FixedClock(day))


# --------------------------------------------------------------------------------------- the demo


def _replace_demo_db(path: Path) -> None:
    """Remove a previous demo database at ``path``; refuse any other file."""
    if not path.exists():
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ours = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'werkmap_schema'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        ours = None
    if not ours:
        raise InvalidInput(
            [Problem(path="--db", message=f"{path} exists and is not a werkmap database")]
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@attrs.frozen(kw_only=True)
class DemoOutput:
    """What ``werkmap demo`` found.

    Attributes:
        simulation: what the simulation did.
        bands: folders per band of their latest profile (``none``: no profile).
        dashboard: the coach's dashboard on the last day.
        realised: the year report from the store.
        comparison: the report beside the forecast.
    """

    simulation: SimulationResult
    bands: dict[str, int]
    dashboard: Dashboard
    realised: PeriodReport
    comparison: Comparison

    def to_dict(self) -> dict[str, object]:
        """Return what ``--json`` prints: no path, time or other varying value."""
        d = self.dashboard
        return {
            "simulation": self.simulation.to_dict(),
            "bands": self.bands,
            "dashboard": {
                "coach_id": d.coach_id,
                "on": d.on.isoformat(),
                "rows": d.to_records(),
                "colours": d.colour_counts(),
                "flags": d.flag_counts(),
            },
            "report": json.loads(self.realised.to_json()),
            "forecast_vs_realised": json.loads(self.comparison.to_json()),
        }


def run_demo(
    path: str | Path,
    *,
    seed: int = 2017,
    jobseekers: int = 5000,
    months: int = 12,
    coach: str = "coach-01",
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = True,
) -> DemoOutput:
    """Run the demo on a fresh SQLite file at ``path`` (a previous demo database there is replaced).

    The same arguments give the same output. The forecast is simulated in a second process while the
    realised year runs (``parallel=False``, or when that process fails: after it, in this process; the
    result is the same).

    Raises:
        InvalidInput: ``path`` is a file that is not a werkmap database, or ``coach`` is not one of the
            simulated coaches.
    """
    from werkmap.clock import FixedClock
    from werkmap.report import PeriodReport, compare
    from werkmap.service import Actor, Werkmap
    from werkmap.simulate import SimulationConfig, simulate

    db = Path(path)
    _replace_demo_db(db)
    cfg = SimulationConfig(jobseekers=jobseekers, months=months, seed=seed)
    if coach not in cfg.coaches:
        raise InvalidInput(
            [Problem(path="--coach", message=f"expected one of {', '.join(cfg.coaches)}")]
        )
    clock = FixedClock(cfg.start)
    # The forecast is independent of the realised run: on a machine with two cores it runs beside it.
    forecasting = _Forecast(cfg) if parallel else None
    try:
        url = f"sqlite:///{db.resolve()}?checkpoint_pages=10000"
        with Werkmap(url, clock=clock) as wm:
            result = simulate(wm, clock, cfg, progress=progress)
            lead = Actor.team_lead("demo")
            dashboard = wm.dashboard(lead, coach, on=cfg.end)
            realised = wm.report(lead, start=cfg.start, end=cfg.end)
            bands = _band_counts(wm)
        text = forecasting.result() if forecasting is not None else None
        expected = PeriodReport.from_json(text if text is not None else _forecast_json(cfg))
    finally:
        if forecasting is not None:
            forecasting.close()
    return DemoOutput(
        simulation=result,
        bands=bands,
        dashboard=dashboard,
        realised=realised,
        comparison=compare(realised, expected),
    )


class _Forecast:
    """The demo's forecast, computed in a child process that only holds the sending end of one pipe.

    When the demo is killed, the child finishes its few seconds of work, finds nobody to send to, and
    ends: it is never left behind waiting.
    """

    def __init__(self, cfg: SimulationConfig) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._receive, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_send_forecast, args=(cfg, send), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> str | None:
        """The forecast as JSON text, or ``None`` when the child failed (then compute it here)."""
        try:
            text: str = self._receive.recv()
        except EOFError:
            return None
        return text

    def close(self) -> None:
        """Close the pipe and wait for the child (it ends on its own; a killed demo never gets here)."""
        self._receive.close()
        self._process.join(timeout=60)


def _send_forecast(cfg: SimulationConfig, send: Connection) -> None:
    try:
        send.send(_forecast_json(cfg))
    except (BrokenPipeError, OSError):  # the demo is gone: nothing to do
        pass
    finally:
        send.close()


def _forecast_json(cfg: SimulationConfig) -> str:
    """The demo's forecast as JSON text (so it can come from another process)."""
    from werkmap.simulate import forecast

    return forecast(cfg, start=cfg.start, end=cfg.end).to_json()


def _band_counts(wm: Werkmap) -> dict[str, int]:
    columns = wm.store.index_columns()
    counts = {"0-25": 0, "25-50": 0, "50-75": 0, "75-100": 0, "none": 0}
    for band in columns.band.tolist():
        counts[band if band is not None else "none"] += 1
    return counts


def _cmd_demo(args: argparse.Namespace) -> int:
    bar = progress(0, sys.stderr, unit="days")  # draws on a terminal only
    out = run_demo(
        args.db,
        seed=args.seed,
        jobseekers=args.jobseekers,
        months=args.months,
        coach=args.coach,
        progress=bar if bar.enabled else None,
    )
    bar.close()
    if args.json:
        print(json.dumps(out.to_dict(), ensure_ascii=False, sort_keys=True))
        return 0
    nl = args.language == "nl"
    sim = out.simulation.to_dict()
    print(
        f"werkmap demo: {sim['jobseekers']} {'werkzoekenden' if nl else 'jobseekers'}, "
        f"{sim['start']} .. {sim['end']}, seed {sim['seed']}"
    )
    print(
        "(verzonnen mensen en een illustratief model; niet de cliënten of het model van UWV)"
        if nl
        else "(made-up people and an illustrative model; not the agency's clients or model)"
    )
    commands = sum(out.simulation.commands.values()) + sum(out.simulation.sweep.values())
    print(
        f"{commands} {'opdrachten en acties via de service' if nl else 'commands and actions through the service'}"
        f", {sim['notifications']} {'berichten in de outbox' if nl else 'notifications in the outbox'}"
        f", database: {args.db}"
    )
    bands = out.bands
    print()
    print("Klassen (laatste profiel)" if nl else "Bands (latest profile)")
    labels = {band: f"{band} %" if band != "none" else ("geen" if nl else "none") for band in bands}
    chart = bar_chart({labels[band]: n for band, n in bands.items()})
    print(textwrap.indent(chart.to_text(), "  "))
    print()
    print(out.dashboard.to_text(args.language, limit=args.rows), end="")
    print()
    print(out.comparison.to_text(args.language), end="")
    return 0


# ------------------------------------------------------------------------------- store commands


def _cmd_sweep(args: argparse.Namespace) -> int:
    from werkmap.service import Actor

    with _open(args.db, args.date) as wm:
        result = wm.sweep(Actor.system())
    if args.json:
        data = {
            "on": result.on.isoformat(),
            "folders": result.folders,
            "counts": dict(sorted(result.counts().items())),
            "actions": [
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
            ],
            "failed": [{"id": i, "reason": r} for i, r in result.failed],
        }
        print(json.dumps(data, ensure_ascii=False, sort_keys=True))
        return 0
    nl = args.language == "nl"
    print(
        f"sweep {result.on}: {len(result.actions)} {'acties' if nl else 'actions'} "
        f"in {result.folders} {'mappen' if nl else 'folders'}"
    )
    for kind, n in sorted(result.counts().items()):
        print(f"  {kind:<24} {n:>6}")
    for a in result.actions:
        print(f"  {a.folder_id}  {a.rule_id}  {a.reason_nl if nl else a.reason_en}")
    for ident, reason in result.failed:
        print(f"  {'geweigerd' if nl else 'refused'} {ident}: {reason}")
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from werkmap.clock import SystemClock
    from werkmap.service import Actor

    day = args.date or SystemClock().today()
    with _open(args.db, day) as wm:
        dashboard = wm.dashboard(Actor.team_lead(args.reader), args.coach, on=day)
    dashboard = dashboard.sorted_by(args.sort, descending=args.descending)
    if args.format == "json":
        print(json.dumps(dashboard.to_records(), ensure_ascii=False, sort_keys=True))
    elif args.format == "html":
        print(dashboard.to_html(args.language))
    else:
        print(dashboard.to_text(args.language), end="")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from werkmap.report import compare
    from werkmap.service import Actor
    from werkmap.simulate import SimulationConfig, forecast

    if args.end < args.start:
        raise InvalidInput([Problem(path="--to", message="is before --from")])
    with _open(args.db, args.end) as wm:
        realised = wm.report(Actor.team_lead(args.reader), start=args.start, end=args.end)
        policy = wm.policy
    if args.forecast is None:
        if args.format == "json":
            print(realised.to_json())
        elif args.format == "csv":
            print(realised.to_csv(), end="")
        else:
            print(realised.to_text(args.language), end="")
        return 0
    from werkmap.workdays import add_months

    months = 1  # the fewest whole months from --from that cover --to
    while add_months(args.start, months) <= args.end:
        months += 1
    cfg = SimulationConfig(
        jobseekers=args.forecast, months=months, start=args.start, seed=args.seed
    )
    comparison = compare(realised, forecast(cfg, start=args.start, end=args.end, policy=policy))
    if args.format == "json":
        print(comparison.to_json())
    elif args.format == "csv":
        print(comparison.to_csv(), end="")
    else:
        print(comparison.to_text(args.language), end="")
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from werkmap.replay import replay

    path = Path(args.db)
    if not path.is_file():
        raise InvalidInput([Problem(path="--db", message=f"no store at {args.db}")])
    report = replay(f"sqlite:///{path.resolve()}")
    if args.json:
        print(report.to_json())
    else:
        print(report.to_text(), end="")
    return 0 if report.ok else 1
