"""The ``werkmap monitor``, ``recalibrate``, ``compare`` and ``capacity`` commands (model monitoring).

* ``werkmap monitor --db STORE [--on DATE] [--format text|json|csv] [--plot FILE]``: the monthly
  monitoring report; a PSI threshold crossed is sent to ``--role`` (default ``model_owner``) through
  the store's outbox (``--no-notify``: only print).
* ``werkmap recalibrate --db STORE --out MODEL.json [--card CARD.md]``: a recalibration-only new version
  of the live model from the store's outcomes, with its model card.
* ``werkmap compare --db STORE --candidate MODEL.json``: the candidate set against the live model.
* ``werkmap capacity [--jobseekers N] [--months M] [--policy PATH ...]``: the hours a policy implies.

The flags are those of :mod:`werkmap.cli_common`: ``--db`` is a SQLite file path or a store URL (a SQLite
file that does not exist is refused), JSON is the envelope with ``kind`` the command's name, ``--on``
defaults to the command line's today. Output files are checked before any work is done and refused when
they exist unless ``--force``; they are written whole or not at all. Bad input is a werkmap error with
exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkmap.cli_common import (
    EXIT_OK,
    add_db_argument,
    add_force_argument,
    add_format_argument,
    add_language_argument,
    check_output,
    cli_clock,
    emit,
    open_service,
    read_folders,
    read_text_file,
    write_files,
)
from werkmap.cli_types import iso_date, positive_int
from werkmap.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from werkmap.monitoring import MonitoringReport
    from werkmap.plan.folder import WorkFolder
    from werkmap.profiler.model import ScoringModel
    from werkmap.service import Werkmap

__all__ = ["register", "run"]

_COMMANDS = ("monitor", "recalibrate", "compare", "capacity")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the monitoring commands to the ``werkmap`` command line."""
    mon = commands.add_parser(
        "monitor",
        help="the monthly monitoring report of the live model (drift, calibration, errors)",
        description="Score and answer distributions against the calibration sample (PSI), calibration, "
        "AUC and routing errors per group, per month of registration, each with its sample size. A "
        "threshold crossed is sent to --role through the outbox.",
    )
    _common(mon, csv="one row per month, metric and group")
    mon.add_argument(
        "--plot", metavar="FILE", help="also draw the PSI and slope per month (plot extra)"
    )
    add_force_argument(mon)
    mon.add_argument("--role", default="model_owner", help="who is notified (default: model_owner)")
    mon.add_argument("--no-notify", action="store_true", help="print only; send no notification")
    mon.set_defaults(handler=run, monitor_command="monitor")

    rec = commands.add_parser(
        "recalibrate",
        help="a recalibration-only new version of the live model, from the store's outcomes",
        description="Fit a new intercept and slope on the logit of the live model's scores against work "
        "found within the outcome horizon, and write the new model version (and its model card).",
    )
    _common(rec, csv="one row: the new version and its fit")
    rec.add_argument("--out", required=True, metavar="MODEL.json", help="the new model file")
    rec.add_argument("--card", metavar="CARD.md", help="also write the model card")
    add_force_argument(rec)
    rec.add_argument(
        "--version", dest="new_version", help="the new version (default: base + '.r' + --on)"
    )
    rec.add_argument(
        "--valid-from",
        type=iso_date,
        metavar="DATE",
        help="first day of the new version (default: --on)",
    )
    rec.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        metavar="DATE",
        help="registered on or after (YYYY-MM-DD)",
    )
    rec.add_argument(
        "--to",
        dest="end",
        type=iso_date,
        metavar="DATE",
        help="registered on or before (YYYY-MM-DD)",
    )
    rec.set_defaults(handler=run, monitor_command="recalibrate")

    cmp_ = commands.add_parser(
        "compare",
        help="a candidate model beside the live one: routing differences and error rates",
        description="How many people the candidate's score would route differently, by band and group, "
        "and both models' calibration and error rates on the same outcomes. Stored shadow scores are "
        "used where there are; other profiles are scored again from their stored answers.",
    )
    _common(cmp_, csv="one row per routing difference and per error rate")
    cmp_.add_argument(
        "--candidate", required=True, metavar="MODEL.json", help="the candidate model"
    )
    cmp_.set_defaults(handler=run, monitor_command="compare")

    cap = commands.add_parser(
        "capacity",
        help="the conversations and staff hours a policy implies, per month (forecast)",
        description="Simulate the policy on a sample of the inflow and count conversations and hours "
        "per month with the dated hour norms, beside the target of 5.0-5.5 hours per jobseeker.",
    )
    cap.add_argument(
        "--jobseekers", type=positive_int, default=10_000, help="inflow (default 10000)"
    )
    cap.add_argument("--months", type=positive_int, default=12, help="months (default 12)")
    cap.add_argument(
        "--start", type=iso_date, default=dt.date(2025, 1, 6), metavar="DATE", help="first day"
    )
    cap.add_argument("--sample", type=positive_int, default=1000, help="simulated (default 1000)")
    cap.add_argument("--seed", type=int, default=2018, help="seed (default 2018)")
    cap.add_argument("--policy", nargs="*", default=(), metavar="PATH", help="policy files or dirs")
    add_format_argument(cap, help_text="csv: one row per month")
    add_language_argument(cap)
    cap.set_defaults(handler=run, monitor_command="capacity")


def _common(parser: argparse.ArgumentParser, *, csv: str) -> None:
    add_db_argument(parser)
    parser.add_argument("--on", type=iso_date, metavar="DATE", help="the day (default: today)")
    parser.add_argument("--model", metavar="MODEL.json", help="the live model (default: packaged)")
    add_format_argument(parser, help_text=f"csv: {csv}")
    add_language_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Run the monitoring command ``args`` selects; return the exit code."""
    from werkmap.clock import FixedClock

    command = args.monitor_command
    if command == "capacity":
        return _capacity(args)
    day = args.on if args.on is not None else cli_clock(args).today()
    live = _load_model(args.model, "--model") if args.model else None
    with open_service(args.db, clock=FixedClock(day), model=live) as wm:
        if command == "monitor":
            return _monitor(wm, args, day)
        if command == "recalibrate":
            return _recalibrate(wm, args, day)
        return _compare(wm, args, day)


def _load_model(path: str, flag: str) -> ScoringModel:
    from werkmap.profiler.model import parse_model

    return parse_model(read_text_file(path, flag=flag), source=path)


def _data(report: Any) -> dict[str, Any]:
    """A report's record without its own version and kind (the envelope has them)."""
    record: dict[str, Any] = report.to_dict()
    return {k: v for k, v in record.items() if k not in ("werkmap", "kind")}


def _emit(args: argparse.Namespace, kind: str, report: Any) -> None:
    emit(
        args,
        kind,
        lambda: _data(report),
        text=lambda: report.to_text(args.language),
        csv=report.to_csv,
    )


def _write_plot(report: MonitoringReport, target: Path, language: str) -> None:
    """Draw the plot into a temporary file beside ``target``, then rename it into place (all or nothing)."""
    from werkmap.monitoring import plot_monitoring

    handle, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=target.suffix or ".png", dir=target.parent
    )
    os.close(handle)
    try:
        plot_monitoring(report, tmp, language=language)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _folders(wm: Werkmap, args: argparse.Namespace) -> list[WorkFolder]:
    from werkmap.service import Actor

    return read_folders(wm, Actor.system("monitoring"), args)


def _monitor(wm: Werkmap, args: argparse.Namespace, day: dt.date) -> int:
    from werkmap.monitoring import monitor, send_alerts

    plot = check_output(args.plot, flag="--plot", force=args.force) if args.plot else None
    report = monitor(
        _folders(wm, args),
        on=day,
        model=wm.model,
        questionnaire=wm.questionnaire,
        policy=wm.policy,
    )
    if plot is not None:
        _write_plot(report, plot, args.language)
    if not args.no_notify:
        send_alerts(wm, report, role=args.role)
    _emit(args, "monitor", report)
    return EXIT_OK


def _recalibrate(wm: Werkmap, args: argparse.Namespace, day: dt.date) -> int:
    from werkmap.monitoring.parameters import default_monitoring_parameters
    from werkmap.monitoring.recalibrate import (
        fit_recalibration,
        recalibrated_model,
        recalibration_card,
    )
    from werkmap.outcomes import outcomes
    from werkmap.profiler.model import dump_model

    out = check_output(args.out, flag="--out", force=args.force)
    card = check_output(args.card, flag="--card", force=args.force) if args.card else None
    if card is not None and card.resolve() == out.resolve():
        raise InvalidInput([Problem(path="--card", message="is the same file as --out")])
    base = wm.model
    months = default_monitoring_parameters().at(day).outcome_months
    table = outcomes(_folders(wm, args), observed_until=day)
    recal = fit_recalibration(
        base, table, outcome_months=months, registered_from=args.start, registered_until=args.end
    )
    version = args.new_version or f"{base.version}.r{day.strftime('%Y%m%d')}"
    model = recalibrated_model(
        base,
        recal,
        version=version,
        valid_from=args.valid_from or day,
        created=day,
        questionnaire=wm.questionnaire,
    )
    files = [(out, dump_model(model) + "\n")]
    if card is not None:
        lang = "nl" if args.language == "nl" else "en"
        files.append((card, recalibration_card(model, recal, language=lang)))
    write_files(files)
    data = {
        "base": base.ref,
        "model": model.ref,
        "intercept": recal.intercept,
        "slope": recal.slope,
        "n": recal.n,
        "registered_from": recal.registered_from.isoformat(),
        "registered_until": recal.registered_until.isoformat(),
        "observed_until": recal.observed_until.isoformat(),
        "out": args.out,
        "card": args.card,
    }
    nl = args.language == "nl"
    text = (
        f"{model.ref} geschreven naar {args.out}: herkalibratie van {base.ref} op {recal.n} "
        f"uitkomsten (intercept {recal.intercept:.4f}, helling {recal.slope:.4f})."
        if nl
        else f"{model.ref} written to {args.out}: recalibration of {base.ref} on {recal.n} "
        f"outcomes (intercept {recal.intercept:.4f}, slope {recal.slope:.4f})."
    )
    emit(args, "recalibrate", data, text=text, rows=[data])
    return EXIT_OK


def _compare(wm: Werkmap, args: argparse.Namespace, day: dt.date) -> int:
    from werkmap.monitoring import compare_models

    candidate = _load_model(args.candidate, "--candidate")
    comparison = compare_models(
        _folders(wm, args),
        candidate,
        on=day,
        live=wm.model,
        questionnaire=wm.questionnaire,
        policy=wm.policy,
    )
    _emit(args, "compare", comparison)
    return EXIT_OK


def _capacity(args: argparse.Namespace) -> int:
    from werkmap.monitoring import capacity_forecast
    from werkmap.rules.policy import default_policy_dir, load_policy
    from werkmap.simulate import SimulationConfig

    policy = load_policy(default_policy_dir(), *args.policy) if args.policy else None
    cfg = SimulationConfig(
        jobseekers=args.jobseekers, months=args.months, start=args.start, seed=args.seed
    )
    report = capacity_forecast(cfg, policy=policy, sample=args.sample)
    _emit(args, "capacity", report)
    return EXIT_OK
