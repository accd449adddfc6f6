"""``werkmap effect``: the intention-to-treat effects of an experiment, from a store; and the experiment demo.

``werkmap effect --db STORE --experiment ID [--until DATE] [--format text|json|csv] [--plot FILE]`` reads
every folder of the store as a team lead (``--as``), keeps those assigned in the experiment and prints
:func:`werkmap.experiments.effect_report` (the outcomes observed until ``--until``, default today).

:func:`run_experiment_demo` runs the 2017 design (``uwv-ww-2017``) through the real service with the
published +2.0 points planted for the service arm, and prints the estimate beside it; ``werkmap demo
--experiment`` calls it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from werkmap.cli_types import iso_date
from werkmap.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from werkmap.experiments.definition import Experiment
    from werkmap.experiments.effect import EffectReport

__all__ = [
    "DEMO_EFFECT_POINTS",
    "DEMO_EXPERIMENT_KEY",
    "plot_effects",
    "register",
    "run",
    "run_experiment_demo",
]

DEMO_EFFECT_POINTS = 2.0
"""The effect the experiment demo plants (SEO: +2.0 points chance of work after 12 months)."""

DEMO_EXPERIMENT_KEY = b"werkmap-demo-experiment-key-2017"
"""The demo's assignment key (a real host keeps its key secret)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``effect`` to the ``werkmap`` parser."""
    eff = commands.add_parser(
        "effect",
        help="intention-to-treat effects of an experiment's arms (text, JSON, CSV, plot)",
        description="Estimate the effects of an experiment's arms on work found within 3, 6 and 12 "
        "months and on months of benefit, each arm against each other, overall and by band group, "
        "with 95 %% intervals, an adjusted estimate and a balance table.",
    )
    from werkmap.cli_common import add_db_argument

    add_db_argument(eff)
    eff.add_argument("--experiment", required=True, metavar="ID", help="e.g. uwv-ww-2017")
    eff.add_argument(
        "--definitions",
        action="append",
        metavar="FILE",
        help="experiment definition file or directory (default: the packaged ones)",
    )
    eff.add_argument(
        "--until", type=iso_date, metavar="DATE", help="outcomes observed until (default: today)"
    )
    eff.add_argument("--format", choices=("text", "json", "csv"), default="text")
    eff.add_argument("--plot", metavar="FILE", help="also draw the effects (needs werkmap[plot])")
    eff.add_argument("--language", choices=("nl", "en"), default="nl", help="default: nl")
    eff.add_argument(
        "--as", dest="reader", default="cli", metavar="NAME", help="team lead id (default: cli)"
    )
    eff.add_argument(
        "--no-adjusted", action="store_true", help="skip the adjusted (logit) estimates"
    )
    eff.set_defaults(handler=run)


def _experiment(ident: str, definitions: list[str] | None) -> Experiment:
    from werkmap.experiments import default_experiments, load_experiments

    found = load_experiments(*definitions) if definitions else default_experiments()
    matching = [e for e in found if e.id == ident]
    if not matching:
        known = ", ".join(sorted({e.id for e in found})) or "none"
        raise InvalidInput(
            [Problem(path="--experiment", message=f"unknown experiment {ident!r}; known: {known}")]
        )
    return max(matching, key=lambda e: e.version)


def run(args: argparse.Namespace) -> int:
    """Run ``werkmap effect``; return the exit code."""
    from werkmap.clock import FixedClock, SystemClock
    from werkmap.experiments import effect_report
    from werkmap.service import Actor

    experiment = _experiment(args.experiment, args.definitions)
    until = args.until or SystemClock().today()
    if until < experiment.inflow_from:
        raise InvalidInput(
            [
                Problem(
                    path="--until",
                    message=f"{until.isoformat()} is before the inflow of {experiment.id!r} starts "
                    f"({experiment.inflow_from.isoformat()})",
                )
            ]
        )
    from werkmap.cli_common import open_service, read_folders

    with open_service(args.db, clock=FixedClock(until), experiments=[experiment]) as wm:
        folders = read_folders(wm, Actor.team_lead(args.reader), args)
        report = effect_report(
            folders, experiment, observed_until=until, adjusted=not args.no_adjusted
        )
    if sum(report.counts.values()) == 0:
        raise InvalidInput(
            [
                Problem(
                    path="--experiment",
                    message=f"no folder in {args.db} is assigned in {experiment.id!r} "
                    "(or visible to a team lead)",
                )
            ]
        )
    _print(report, args.format, args.language)
    if args.plot:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(7, 4))
        plot_effects(report, ax=figure.add_subplot(), language=args.language)
        figure.savefig(args.plot, bbox_inches="tight")
    return 0


def _print(report: EffectReport, fmt: str, language: str) -> None:
    if fmt == "json":
        from werkmap.cli_common import envelope

        print(json.dumps(envelope("effect", report.to_dict()), ensure_ascii=False, sort_keys=True))
    elif fmt == "csv":
        rows = report.to_rows()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        sys.stdout.write(report.to_text(language))


def plot_effects(report: EffectReport, *, ax: Axes | None = None, language: str = "en") -> Axes:
    """Draw the overall effects on work found (points, with their 95 % intervals) per pair and horizon.

    Needs the ``plot`` extra (matplotlib); draws on ``ax`` or on a new figure not attached to pyplot.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            'werkmap effect --plot needs matplotlib; install it with: pip install "werkmap[plot]"'
        ) from exc
    if ax is None:
        ax = Figure(figsize=(7, 4)).add_subplot()
    rows = [e for e in report.estimates if e.group == "all" and e.outcome.startswith("work")]
    labels = []
    for y, e in enumerate(rows):
        ax.errorbar(
            e.difference * 100,
            y,
            xerr=[[(e.difference - e.ci_low) * 100], [(e.ci_high - e.difference) * 100]],
            fmt="o",
            color="C0" if e.arm == report.arms[0] else "C1",
            capsize=3,
        )
        labels.append(f"{e.arm} - {e.reference}, {e.horizon} mo")
    ax.axvline(0.0, color="grey", linewidth=0.8)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    nl = language == "nl"
    ax.set_xlabel(
        "verschil in kans op werk (procentpunten, 95 %-interval)"
        if nl
        else "difference in the chance of work (percentage points, 95 % interval)"
    )
    ax.set_title(
        f"{report.experiment_id}: {'effect naar toewijzing' if nl else 'intention to treat'}"
    )
    return ax


def run_experiment_demo(
    path: str | Path,
    *,
    seed: int = 2017,
    jobseekers: int = 5000,
    language: str = "en",
    as_json: bool = False,
) -> int:
    """Run the 2017 design through the real service with +2.0 points planted; print the estimate beside it.

    The inflow of 1 December 2017 to 31 December 2018 (13 months) is simulated with the service model
    and followed up for 12 more months, on a fresh SQLite file at ``path``; each registration is
    assigned by the real keyed hash (key :data:`DEMO_EXPERIMENT_KEY`), and the service arm's chance of work
    within a year is raised by :data:`DEMO_EFFECT_POINTS` points (:mod:`werkmap.simulate`).
    """
    from werkmap.cli_service import _mark_demo_store, _replace_demo_db
    from werkmap.clock import FixedClock
    from werkmap.experiments import default_experiments, effect_report
    from werkmap.service import Actor, Werkmap
    from werkmap.simulate import SimulationConfig, simulate

    design = next(e for e in default_experiments() if e.id == "uwv-ww-2017")
    db = Path(path)
    _replace_demo_db(db)
    cfg = SimulationConfig(
        jobseekers=jobseekers,
        months=25,
        inflow_months=13,
        start=design.inflow_from,
        seed=seed,
        planted=(("service", "all", DEMO_EFFECT_POINTS),),
    )
    clock = FixedClock(cfg.start)
    url = f"sqlite:///{db.resolve()}?checkpoint_pages=10000"
    with Werkmap(url, clock=clock, experiments=[design], experiment_key=DEMO_EXPERIMENT_KEY) as wm:
        _mark_demo_store(db)  # a demo store like the demo's own: the next demo may replace it
        simulate(wm, clock, cfg)
        report = effect_report(
            wm.all_folders(Actor.system()), design, observed_until=cfg.end, adjusted=True
        )
    e = report.estimate("work_12m", "service", "control_none")
    a = report.adjusted_estimate("work_12m", "service", "control_none")
    if as_json:
        from werkmap.cli_common import envelope

        data = {
            "planted_points": DEMO_EFFECT_POINTS,
            "estimate": e.to_dict(),
            "adjusted": a.to_dict(),
            "report": report.to_dict(),
        }
        print(json.dumps(envelope("demo", data), ensure_ascii=False, sort_keys=True))
        return 0
    nl = language == "nl"

    def pts(x: float) -> str:
        text = f"{x * 100:+.2f}"
        return text.replace(".", ",") if nl else text

    sys.stdout.write(report.to_text(language))
    print(
        (
            f"geplant: {DEMO_EFFECT_POINTS:+.1f} procentpunt werk binnen 12 maanden (service - "
            f"control_none); geschat: {pts(e.difference)} ({pts(e.ci_low)} .. {pts(e.ci_high)}), "
            f"gecorrigeerd {pts(a.effect)} ({pts(a.ci_low)} .. {pts(a.ci_high)}); "
            f"n = {e.n_arm}/{e.n_reference}"
        ).replace("+2.0 ", "+2,0 ")
        if nl
        else (
            f"planted: {DEMO_EFFECT_POINTS:+.1f} points work within 12 months (service - "
            f"control_none); estimated: {pts(e.difference)} ({pts(e.ci_low)} .. {pts(e.ci_high)}), "
            f"adjusted {pts(a.effect)} ({pts(a.ci_low)} .. {pts(a.ci_high)}); "
            f"n = {e.n_arm}/{e.n_reference}"
        )
    )
    print(f"store: {db}  (werkmap effect --db {db} --experiment {design.id} --until {cfg.end})")
    return 0
