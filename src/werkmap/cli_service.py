"""The service commands of the ``werkmap`` command line: demo, sweep, dispatch, dashboard, report, replay.

They open a store (``--db``: a SQLite path or a store URL) through :class:`~werkmap.service.Werkmap`, with a
fixed clock at the date asked for (default: today in Europe/Amsterdam, from
:func:`~werkmap.cli_common.cli_clock`), and act as the system (the sweep, dispatch) or as a team lead (reads,
audited as ``team_lead:<--as>``). Exit codes are :data:`~werkmap.cli_common.EXIT_CODES`. The sweep
command, with its parts side by side, is in :mod:`werkmap.cli_sweep`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import multiprocessing
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs

from werkmap.cli_common import (
    DEFAULT_LANGUAGE,
    EXIT_OK,
    EXIT_PROBLEMS,
    add_db_argument,
    add_format_argument,
    add_language_argument,
    audit_key_from_environment,
    children_ignore_ctrl_c,
    cli_clock,
    emit,
    end_progress,
    note_quarantined,
    open_service,
    progress_bar,
    showing_progress,
    sqlite_path,
)
from werkmap.cli_sweep import add_sweep_command
from werkmap.cli_types import iso_date, positive_int
from werkmap.errors import InvalidInput, Problem
from werkmap.tables import bar_chart
from werkmap.texts import percent

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from werkmap.dashboard import Dashboard
    from werkmap.report import Comparison, PeriodReport
    from werkmap.service import Werkmap
    from werkmap.simulate import SimulationConfig, SimulationResult

__all__ = [
    "DEMO_DB",
    "DEMO_MARKER_TABLE",
    "DemoOutput",
    "add_service_commands",
    "demo_path",
    "demo_summary",
    "run_demo",
]

_log = logging.getLogger("werkmap.cli")
T = TypeVar("T")

DEMO_DB = "werkmap-demo.db"
"""Where ``werkmap demo`` writes its store unless ``--db`` says otherwise."""


def add_service_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo``, ``sweep``, ``dispatch``, ``dashboard``, ``report`` and ``replay`` to the parser."""
    from werkmap.storage import DEFAULT_LEASE
    from werkmap.storage.outbox import DEFAULT_MAX_ATTEMPTS

    demo = commands.add_parser(
        "demo",
        help="simulate jobseekers over a year through the real service; print a dashboard and a report",
        description="Simulate a seeded synthetic inflow of jobseekers day by day through the real "
        "werkmap service on a SQLite file (made-up people and an illustrative model), then print one "
        "coach's dashboard and the year report with forecast against realised. The same seed gives "
        "the same output. The store is marked as a demo store: a demo store at --db is replaced, any "
        "other existing file is refused (exit 2, nothing changed). csv: forecast against realised.",
    )
    demo.add_argument(
        "--db",
        default=DEMO_DB,
        metavar="STORE",
        help=f"a SQLite file path or sqlite:/// URL (default: {DEMO_DB})",
    )
    demo.add_argument("--seed", type=int, default=2017, help="default: 2017")
    demo.add_argument(
        "--jobseekers", type=positive_int, default=5000, metavar="N", help="inflow (default: 5000)"
    )
    demo.add_argument("--months", type=positive_int, default=12, metavar="N", help="default: 12")
    demo.add_argument("--coach", default="coach-01", help="whose dashboard (default: coach-01)")
    demo.add_argument(
        "--rows", type=positive_int, default=20, help="dashboard rows shown (default: 20)"
    )
    add_language_argument(demo)
    add_format_argument(demo, legacy_json=True)
    demo.add_argument(
        "--experiment", action="store_true", help="run the 2017 experiment (+2.0 points planted)"
    )
    demo.set_defaults(handler=_cmd_demo)

    add_sweep_command(commands)

    dispatch = commands.add_parser(
        "dispatch",
        help="deliver the outbox's notifications to the notification plugins",
        description="Deliver the notifications waiting in the store's outbox to the installed "
        "notification plugins (at least once, each with its idempotency key); a failed delivery is "
        "retried later with backoff, and dead-lettered after --max-attempts failed attempts. Items "
        "are claimed with a lease, so several dispatchers may run at once. Exits 1 when a delivery "
        "failed or a notification was dead-lettered in this run. csv: one row per notification tried.",
    )
    add_db_argument(dispatch)
    dispatch.add_argument(
        "--rounds",
        type=positive_int,
        default=1,
        metavar="N",
        help="dispatch rounds at most, until the outbox is empty (default: 1)",
    )
    dispatch.add_argument(
        "--max-attempts",
        type=positive_int,
        default=DEFAULT_MAX_ATTEMPTS,
        metavar="N",
        help="failed attempts after which a notification is dead-lettered "
        f"(default: {DEFAULT_MAX_ATTEMPTS})",
    )
    dispatch.add_argument(
        "--lease",
        type=positive_int,
        default=int(DEFAULT_LEASE.total_seconds()),
        metavar="SECONDS",
        help="how long a claimed notification is held for this dispatcher "
        f"(default: {int(DEFAULT_LEASE.total_seconds())})",
    )
    add_format_argument(dispatch)
    dispatch.set_defaults(handler=_cmd_dispatch)

    dash = commands.add_parser(
        "dashboard",
        help="print a work coach's dashboard",
        description="Print the folders in a coach's caseload with band, colour of the most urgent "
        "activity, overdue count, next conversation, application duty and flags. The read is audited.",
    )
    add_db_argument(dash)
    dash.add_argument("--coach", required=True, help="the coach id")
    dash.add_argument("--date", type=iso_date, help="default: today in Europe/Amsterdam")
    dash.add_argument(
        "--sort",
        default="urgency",
        choices=("urgency", "band", "probability", "overdue", "next_deadline", "next_conversation"),
        help="default: urgency",
    )
    dash.add_argument("--descending", action="store_true", help="sort from high to low")
    add_format_argument(dash, extra=("html",))
    add_language_argument(dash)
    _reader_argument(dash)
    dash.set_defaults(handler=_cmd_dashboard)

    rep = commands.add_parser(
        "report",
        help="print the figures of a period, optionally against a forecast",
        description="Count profiler take-up, conversations, work plans with extra services, reminders, "
        "enforcement and the digital-only share for a period. With --forecast N the figures are compared "
        "with a forecast simulated for an inflow of N jobseekers.",
    )
    add_db_argument(rep)
    rep.add_argument("--from", dest="start", type=iso_date, required=True, help="YYYY-MM-DD")
    rep.add_argument("--to", dest="end", type=iso_date, required=True, help="YYYY-MM-DD")
    add_format_argument(rep)
    add_language_argument(rep)
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
        "'N decisions replayed, M mismatches' and one line per mismatch; exits 1 when M is not 0. "
        "csv: one row per mismatch.",
    )
    add_db_argument(rpl)
    add_format_argument(rpl, legacy_json=True)
    rpl.set_defaults(handler=_cmd_replay)


def _reader_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="reader", default="cli", metavar="NAME", help="team lead id (default: cli)"
    )


def _open(args: argparse.Namespace, day: dt.date) -> Werkmap:
    """Open the store of ``--db`` with a clock standing at ``day``."""
    from werkmap.clock import FixedClock

    return open_service(args.db, clock=FixedClock(day))


# --------------------------------------------------------------------------------------- the demo

DEMO_MARKER_TABLE = "werkmap_demo"
"""The table that marks a SQLite store as made by ``werkmap demo`` (only such a store is replaced)."""


def demo_path(db: str) -> Path:
    """Return the SQLite file a ``werkmap demo --db`` value names (a path or a ``sqlite:///`` URL).

    Raises:
        InvalidInput: a URL of another kind of store (the demo writes a SQLite file).
    """
    from werkmap.storage.url import redact_url, scheme_of

    scheme = scheme_of(db)
    if not scheme:
        return Path(db)
    path = sqlite_path(db) if scheme == "sqlite" else None
    if path is None:
        raise InvalidInput(
            [
                Problem(
                    path="--db",
                    message=f"{redact_url(db)}: the demo writes a SQLite file; give a path or "
                    "sqlite:///PATH",
                )
            ]
        )
    return path


def _is_demo_store(path: Path) -> bool:
    """Tell whether ``path`` is a SQLite werkmap store marked as a demo store (read-only look)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                    ("werkmap_schema", DEMO_MARKER_TABLE),
                )
            }
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return names == {"werkmap_schema", DEMO_MARKER_TABLE}


def _replace_demo_db(path: Path) -> None:
    """Remove a previous demo store at ``path``; refuse any other file, changing nothing."""
    if not path.exists():
        if not path.parent.is_dir():
            raise InvalidInput(
                [Problem(path=f"--db {path}", message=f"the folder {path.parent} does not exist")]
            )
        return
    if path.is_dir():
        raise InvalidInput(
            [Problem(path=f"--db {path}", message="is a directory; give a file name")]
        )
    if not _is_demo_store(path):
        raise InvalidInput(
            [
                Problem(
                    path=f"--db {path}",
                    message="exists and is not a demo store made by `werkmap demo`; the demo replaces "
                    "only its own stores: give another --db (nothing was changed)",
                )
            ]
        )
    _log.info("replacing the earlier demo store %s", path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _mark_demo_store(path: Path) -> None:
    """Mark the new store at ``path`` as a demo store (one row in :data:`DEMO_MARKER_TABLE`)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        with conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {DEMO_MARKER_TABLE} (made_by TEXT NOT NULL)")
            conn.execute(f"INSERT INTO {DEMO_MARKER_TABLE} (made_by) VALUES ('werkmap demo')")
    finally:
        conn.close()


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
    report_progress: Callable[[int, int], None] | None = None,
) -> DemoOutput:
    """Run the demo on a fresh SQLite file at ``path`` (a previous demo store there is replaced).

    ``progress`` is called after every simulated day with (days done, days in all); ``report_progress``
    while the year report reads the folders, with (folders read, folders in all).

    The store is marked as a demo store (a table :data:`DEMO_MARKER_TABLE`) before the first day is
    simulated; only a store so marked is ever replaced.

    The same arguments give the same output. The forecast is simulated in a second process while the
    realised year runs (``parallel=False``, or when that process fails: after it, in this process; the
    result is the same).

    Raises:
        InvalidInput: ``path`` exists and is not a demo store (nothing is changed), its folder does not
            exist, or ``coach`` is not one of the simulated coaches.
    """
    from werkmap.clock import FixedClock
    from werkmap.report import PeriodReport, compare, period_report
    from werkmap.service import Actor, Werkmap
    from werkmap.simulate import SimulationConfig, simulate

    db = Path(path)
    cfg = SimulationConfig(jobseekers=jobseekers, months=months, seed=seed)
    if coach not in cfg.coaches:
        raise InvalidInput(
            [Problem(path="--coach", message=f"expected one of {', '.join(cfg.coaches)}")]
        )
    _replace_demo_db(db)  # after every check: a refused demo changes nothing
    clock = FixedClock(cfg.start)
    # The forecast is independent of the realised run: on a machine with two cores it runs beside it.
    forecasting = _Forecast(cfg) if parallel else None
    try:
        url = f"sqlite:///{db.resolve()}?checkpoint_pages=10000"
        with Werkmap(url, clock=clock, audit_key=audit_key_from_environment()) as wm:
            _mark_demo_store(db)
            result = simulate(wm, clock, cfg, progress=progress)
            lead = Actor.team_lead("demo")
            dashboard = wm.dashboard(lead, coach, on=cfg.end)
            bands = _band_counts(wm)
            folders = _counted(wm.all_folders(lead), sum(bands.values()), report_progress)
            realised = period_report(folders, start=cfg.start, end=cfg.end)  # what wm.report does
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
        with children_ignore_ctrl_c():  # the parent alone answers Ctrl-C, with exit code 130
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


def _counted(
    items: Iterator[T], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[T]:
    """``items`` as they are, calling ``progress(done, total)`` every 1,000 and at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    for item in items:
        yield item
        done += 1
        if done % 1000 == 0:
            progress(done, total)
    progress(done, max(total, done))


def _band_counts(wm: Werkmap) -> dict[str, int]:
    columns = wm.store.index_columns()
    counts = {"0-25": 0, "25-50": 0, "50-75": 0, "75-100": 0, "none": 0}
    for band in columns.band.tolist():
        counts[band if band is not None else "none"] += 1
    return counts


def demo_summary(db: str | Path, jobseekers: int, seconds: float, *, nl: bool) -> str:
    """The line the demo prints on stderr when it ends: its time and its store's size (with ``-wal``)."""
    path = Path(db)
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    per = size / max(jobseekers, 1) / 1024
    if nl:
        return (
            f"demo: {jobseekers} werkzoekenden in {seconds:.1f} s; database {size / 1e6:.1f} MB "
            f"({per:.1f} KB per werkzoekende, met -wal)"
        )
    return (
        f"demo: {jobseekers} jobseekers in {seconds:.1f} s; store {size / 1e6:.1f} MB "
        f"({per:.1f} KB per jobseeker, with -wal)"
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.experiment:  # the experiment demo lives with the effect command
        from werkmap.cli_effect import run_experiment_demo

        return run_experiment_demo(
            args.db,
            seed=args.seed,
            jobseekers=args.jobseekers,
            language=args.language,
            as_json=args.format == "json",
        )
    path = demo_path(args.db)
    quiet = bool(getattr(args, "quiet", 0))
    progress = progress_bar("days", quiet=quiet)
    reading: list[Callable[[int, int], None] | None] = []

    def report_progress(done: int, total: int) -> None:
        if not reading:  # the days are done: end their line, start the folders' line
            end_progress(progress)
            reading.append(progress_bar("folders", quiet=quiet))
        bar = reading[0]
        if bar is not None:
            bar(done, total)

    started = time.perf_counter()
    try:
        out = run_demo(
            path,
            seed=args.seed,
            jobseekers=args.jobseekers,
            months=args.months,
            coach=args.coach,
            progress=progress,
            report_progress=report_progress if progress is not None else None,
        )
    finally:
        end_progress(progress)
        for bar in reading:
            end_progress(bar)
    print(
        demo_summary(
            path, args.jobseekers, time.perf_counter() - started, nl=args.language == "nl"
        ),
        file=sys.stderr,
    )
    emit(
        args,
        "demo",
        out.to_dict,
        text=lambda: _demo_text(out, args.language, args.db, args.rows),
        csv=out.comparison.to_csv,
    )
    return EXIT_OK


def _demo_text(out: DemoOutput, language: str, db: str, rows: int) -> str:
    nl = language == "nl"
    sim = out.simulation.to_dict()
    lines = [
        f"werkmap demo: {sim['jobseekers']} {'werkzoekenden' if nl else 'jobseekers'}, "
        f"{sim['start']} .. {sim['end']}, seed {sim['seed']}",
        "(verzonnen mensen en een illustratief model; niet de cliënten of het model van UWV)"
        if nl
        else "(made-up people and an illustrative model; not the agency's clients or model)",
    ]
    commands = sum(out.simulation.commands.values()) + sum(out.simulation.sweep.values())
    lines.append(
        f"{commands} {'opdrachten en acties via de service' if nl else 'commands and actions through the service'}"
        f", {sim['notifications']} {'berichten in de outbox' if nl else 'notifications in the outbox'}"
        f", database: {db}"
    )
    bands = out.bands
    lines += ["", "Klassen (laatste profiel)" if nl else "Bands (latest profile)"]
    chart = bar_chart(
        {
            (f"{band} %" if band != "none" else ("geen" if nl else "none")): n
            for band, n in bands.items()
        },
        share_format=lambda share: percent(share, language),
    )
    lines.extend(f"  {line}" for line in chart.to_text().splitlines())
    lines.append("")
    text = "\n".join(lines) + "\n"
    text += out.dashboard.to_text(language, limit=rows) + "\n"
    return text + out.comparison.to_text(language)


# ------------------------------------------------------------------------------- store commands


def _cmd_dispatch(args: argparse.Namespace) -> int:
    with open_service(args.db, clock=cli_clock(args)) as wm:
        report = wm.dispatch(
            max_rounds=args.rounds,
            max_attempts=args.max_attempts,
            lease=dt.timedelta(seconds=args.lease),
        )
    data = _report_data(report)
    delivered = list(getattr(report, "delivered", ()))
    failed = list(getattr(report, "failed", ()))

    def text() -> str:
        parts = [
            f"{len(v) if isinstance(v, list) else v} {name.replace('_', ' ')}"
            for name, v in data.items()
        ]
        return "dispatch: " + ", ".join(parts) + "\n"

    dead = list(getattr(report, "dead_lettered", ()))
    rows = [{"idempotency_key": k, "status": "delivered"} for k in delivered]
    rows += [{"idempotency_key": k, "status": "failed"} for k in failed]
    rows += [{"idempotency_key": k, "status": "dead_lettered"} for k in dead]
    emit(args, "dispatch", data, text=text, rows=rows, columns=("idempotency_key", "status"))
    return EXIT_PROBLEMS if failed or dead else EXIT_OK


def _report_data(report: object) -> dict[str, object]:
    """The fields of a dispatch report as JSON-ready values (whatever fields the report has)."""
    out: dict[str, object] = {}
    kind = type(report)
    if attrs.has(kind):
        for field in attrs.fields(kind):
            value = getattr(report, field.name)
            out[field.name] = list(value) if isinstance(value, tuple | list | set) else value
    return out


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from werkmap.service import Actor

    day = args.date or cli_clock(args).today()
    with _open(args, day) as wm:
        dashboard = wm.dashboard(Actor.team_lead(args.reader), args.coach, on=day)
    note_quarantined(dashboard.quarantined, args.language)
    dashboard = dashboard.sorted_by(args.sort, descending=args.descending)
    if args.format == "html":
        print(dashboard.to_html(args.language))
        return EXIT_OK
    records = dashboard.to_records()
    emit(
        args,
        "dashboard",
        records,
        text=lambda: dashboard.to_text(args.language),
        rows=records,
    )
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from werkmap.report import compare
    from werkmap.service import Actor
    from werkmap.simulate import SimulationConfig, forecast

    if args.end < args.start:
        raise InvalidInput([Problem(path="--to", message="is before --from")])
    with _open(args, args.end) as wm, showing_progress(args, "folders") as bar:
        realised = wm.report(
            Actor.team_lead(args.reader), start=args.start, end=args.end, progress=bar
        )
        policy = wm.policy
    note_quarantined(realised.quarantined, args.language)
    if args.forecast is None:
        emit(
            args,
            "report",
            lambda: json.loads(realised.to_json()),
            text=lambda: realised.to_text(args.language),
            csv=realised.to_csv,
        )
        return EXIT_OK
    from werkmap.workdays import add_months

    months = 1  # the fewest whole months from --from that cover --to
    while add_months(args.start, months) <= args.end:
        months += 1
    cfg = SimulationConfig(
        jobseekers=args.forecast, months=months, start=args.start, seed=args.seed
    )
    comparison = compare(realised, forecast(cfg, start=args.start, end=args.end, policy=policy))
    emit(
        args,
        "report",
        lambda: json.loads(comparison.to_json()),
        text=lambda: comparison.to_text(args.language),
        csv=comparison.to_csv,
    )
    return EXIT_OK


def _cmd_replay(args: argparse.Namespace) -> int:
    from werkmap.cli_common import open_cli_store
    from werkmap.replay import replay

    store = open_cli_store(args.db)
    try:
        with showing_progress(args, "folders") as bar:
            report = replay(store, progress=bar)
    finally:
        store.close()
    note_quarantined(report.quarantined, getattr(args, "language", DEFAULT_LANGUAGE))
    emit(
        args,
        "replay",
        lambda: json.loads(report.to_json()),
        text=report.to_text,
        rows=lambda: [attrs.asdict(m) for m in report.mismatches],
        columns=("folder_id", "decision", "stored", "rederived"),
    )
    return EXIT_OK if report.ok else EXIT_PROBLEMS
