"""The ``werkmap`` command line.

Exit codes: 0 ok; 2 bad input (every problem listed on stderr); 1 any other error.
Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from werkmap._version import __version__
from werkmap.errors import InvalidInput, Problem, WerkmapError

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="werkmap",
        description="werkmap: Work Profiler, Personal Work Folder and the service model.",
    )
    parser.add_argument("--version", action="version", version=f"werkmap {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_fitting_commands(commands)
    return parser


# ---- fit and model-card (fitting room) -----------------------------------------------------------------


def _read_input_file(path: str) -> str:
    """Read a text file given on the command line; an unreadable file is bad input (exit 2)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            [Problem(path=path, message=f"cannot read the file: {exc.strerror or exc}")]
        ) from None


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _add_fitting_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fit = commands.add_parser(
        "fit",
        help="fit a scoring model on outcome data (CSV) and evaluate it",
        description="Fit a logistic scoring model on a CSV of answers (one column per link id) with an "
        "outcome column (1 = found work within a year), write the model file and, with --report, the "
        "evaluation report (in-sample). Bad CSV exits with 2 and lists every problem by line and column.",
    )
    fit.add_argument("csv", metavar="CSV", help="answers by link id, one row per person")
    fit.add_argument(
        "--outcome", required=True, metavar="COLUMN", help="the 0/1 outcome column (1 = found work)"
    )
    fit.add_argument("--group", metavar="COLUMN", help="a group column for per-group metrics")
    fit.add_argument(
        "--l2", type=float, default=0.0, metavar="X", help="L2 penalty (default 0: plain ML)"
    )
    fit.add_argument("--out", required=True, metavar="MODEL", help="the model file to write")
    fit.add_argument("--report", metavar="REPORT", help="the evaluation report to write (JSON)")
    fit.add_argument(
        "--questionnaire", metavar="FILE", help="questionnaire file (default: the packaged one)"
    )
    fit.add_argument(
        "--like",
        metavar="MODEL",
        help="reuse the item encoding of this model file (default: the packaged model's encoding "
        "for the packaged questionnaire, else one derived from the questionnaire)",
    )
    fit.add_argument("--id", default="werkverkenner-fitted", help="the model id")
    fit.add_argument(
        "--model-version", metavar="VERSION", help="the model version (default: the creation date)"
    )
    fit.add_argument(
        "--valid-from", type=_iso_date, metavar="DATE", help="default: the creation date"
    )
    fit.add_argument(
        "--created", type=_iso_date, metavar="DATE", help="the creation date (default: today)"
    )
    fit.add_argument("--data", default="", metavar="TEXT", help="a description of the data")
    fit.set_defaults(handler=_cmd_fit)

    card = commands.add_parser(
        "model-card",
        help="print the model card (markdown) of a model file and its evaluation report",
        description="Print the model card of MODEL as markdown, with the metrics of --report.",
    )
    card.add_argument("model", metavar="MODEL", help="the model file")
    card.add_argument("--report", metavar="REPORT", help="its evaluation report (from `fit`)")
    card.add_argument("--language", choices=("en", "nl"), default="en", help="default: en")
    card.set_defaults(handler=_cmd_model_card)


def _cmd_fit(args: argparse.Namespace) -> int:
    from werkmap.clock import SystemClock
    from werkmap.profiler.evaluate import evaluate
    from werkmap.profiler.fit import fit_model, parse_outcome_csv
    from werkmap.profiler.model import default_encoding, default_model, load_model, save_model
    from werkmap.profiler.questionnaire import default_questionnaire, load_questionnaire
    from werkmap.serialization import dumps

    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    table = parse_outcome_csv(
        _read_input_file(args.csv),
        questionnaire,
        outcome=args.outcome,
        group=args.group,
        source=args.csv,
    )
    if args.like:
        encoding = load_model(args.like, questionnaire=questionnaire).encoding
    elif default_model().questionnaire == questionnaire.ref:
        encoding = default_model().encoding
    else:
        encoding = default_encoding(questionnaire)
    created = args.created or SystemClock().today()
    version = args.model_version or created.isoformat()
    fitted = fit_model(
        table,
        questionnaire=questionnaire,
        encoding=encoding,
        l2=args.l2,
        id=args.id,
        version=version,
        valid_from=args.valid_from or created,
        created=created,
        data=args.data or f"{Path(args.csv).name}, {len(table.outcomes)} rows",
    )
    report = evaluate(
        fitted.outcomes,
        fitted.predict(),
        groups=table.groups,
        group_column=args.group or "group",
        model_id=fitted.model.id,
        model_version=fitted.model.version,
        data_description=f"in-sample: the {len(table.outcomes)} rows of {Path(args.csv).name}",
    )
    save_model(fitted.model, args.out)
    if args.report:
        Path(args.report).write_text(dumps(report, indent=2) + "\n", encoding="utf-8")
    result = fitted.result
    print(
        f"fitted {fitted.model.ref} on {result.n_observations} rows "
        f"({result.n_positive} found work) in {result.iterations} Newton steps"
    )
    print(f"{'parameter':<24} {'coef':>9} {'se':>9} {'95% interval':>21}")
    for row in result.coefficient_table():
        interval = f"{row.ci_low:.3f} .. {row.ci_high:.3f}"
        print(f"{row.name:<24} {row.estimate:>9.4f} {row.standard_error:>9.4f} {interval:>21}")
    auc = "-" if report.auc is None else f"{report.auc:.3f}"
    slope = "-" if report.calibration is None else f"{report.calibration.slope:.3f}"
    print(f"in-sample AUC {auc}, Brier {report.brier:.4f}, calibration slope {slope}")
    print(f"model written to {args.out}")
    if args.report:
        print(f"report written to {args.report}")
    return EXIT_OK


def _cmd_model_card(args: argparse.Namespace) -> int:
    from werkmap.profiler.evaluate import EvaluationReport
    from werkmap.profiler.model import parse_model
    from werkmap.profiler.model_card import model_card
    from werkmap.serialization import loads

    model = parse_model(_read_input_file(args.model), source=args.model)
    report = None
    if args.report:
        report = loads(_read_input_file(args.report), EvaluationReport, source=args.report)
    print(model_card(model, report, language=args.language), end="")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        code: int = handler(args)
    except InvalidInput as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WerkmapError as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    return code
