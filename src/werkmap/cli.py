"""The ``werkmap`` command line.

Exit codes: 0 ok; 2 bad input (every problem listed on stderr); 1 any other error.
Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from werkmap._version import __version__
from werkmap.cli_service import add_service_commands
from werkmap.cli_types import iso_date, positive_int
from werkmap.errors import InvalidInput, Problem, VersionMismatch, WerkmapError
from werkmap.tables import Table, bar_chart
from werkmap.texts import number, percent

if TYPE_CHECKING:
    from werkmap.profiler.questionnaire import Item, Questionnaire
    from werkmap.profiler.scoring import Profile

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
    _add_profiler_commands(commands)
    _add_fitting_commands(commands)
    add_service_commands(commands)
    return parser


# ---- questionnaire, score and demo (profiler room) ------------------------------------------------------


def _add_profiler_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    quest = commands.add_parser(
        "questionnaire",
        help="print the Work Profiler questionnaire (text, JSON or FHIR R4)",
        description="Print a questionnaire: as readable text, as a werkmap JSON file, or as a FHIR R4 "
        "Questionnaire resource.",
    )
    quest.add_argument(
        "--format", choices=("text", "json", "fhir"), default="text", help="default: text"
    )
    quest.add_argument(
        "--file", metavar="FILE", help="questionnaire file (default: the packaged one)"
    )
    quest.add_argument("--language", choices=("nl", "en"), default="nl", help="default: nl")
    quest.set_defaults(handler=_cmd_questionnaire)

    sc = commands.add_parser(
        "score",
        help="score one person's answers (JSON file or stdin) to a profile",
        description="Score answers to the Work Profiler. The input is a JSON object of answers by "
        'link id, or {"questionnaire": "url|version", "answers": {...}}. Bad answers exit with 2 and '
        "list every problem.",
    )
    sc.add_argument("file", nargs="?", default="-", metavar="FILE", help="answers JSON (- = stdin)")
    sc.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    sc.add_argument(
        "--questionnaire", metavar="FILE", help="questionnaire file (default: the packaged one)"
    )
    sc.add_argument("--model", metavar="FILE", help="model file (default: the illustrative one)")
    sc.add_argument("--language", choices=("nl", "en"), default="nl", help="default: nl")
    sc.set_defaults(handler=_cmd_score)

    demo = commands.add_parser(
        "bands",
        help="score a seeded synthetic cohort and print the band distribution",
        description="Score a synthetic cohort (made-up people, reproducible from --seed) with the "
        "packaged illustrative model and print how many fall in each band.",
    )
    demo.add_argument("--seed", type=int, default=2017, help="default: 2017")
    demo.add_argument(
        "--jobseekers", type=positive_int, default=5000, metavar="N", help="default: 5000"
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.set_defaults(handler=_cmd_bands)


def _cmd_questionnaire(args: argparse.Namespace) -> int:
    import json

    from werkmap.profiler.fhir import to_fhir
    from werkmap.profiler.questionnaire import (
        default_questionnaire,
        dump_questionnaire,
        parse_questionnaire,
    )

    q = (
        parse_questionnaire(_read_input_file(args.file), source=args.file)
        if args.file
        else default_questionnaire()
    )
    if args.format == "json":
        print(dump_questionnaire(q))
    elif args.format == "fhir":
        print(json.dumps(to_fhir(q, language=args.language), ensure_ascii=False, indent=2))
    else:
        print(_questionnaire_text(q, args.language), end="")
    return EXIT_OK


def _questionnaire_text(q: Questionnaire, language: str) -> str:
    lines = [f"{q.title.get(language)} ({q.ref})"]
    until = q.valid_until.isoformat() if q.valid_until else "-"
    lines.append(f"{'geldig' if language == 'nl' else 'valid'}: {q.valid_from} .. {until}")
    if q.description.get(language):
        lines.append(q.description.get(language))
    lines.append("")

    def walk(items: Sequence[Item], depth: int) -> None:
        for it in items:
            pad = "  " * depth
            flags: list[str] = [it.type]
            if it.required:
                flags.append("verplicht" if language == "nl" else "required")
            if it.construct:
                flags.append(q.construct_label(it.construct, language))
            if it.min_value is not None or it.max_value is not None:
                lo = "" if it.min_value is None else f"{it.min_value:g}"
                hi = "" if it.max_value is None else f"{it.max_value:g}"
                flags.append(f"{lo}..{hi}")
            lines.append(f"{pad}{it.link_id}  {it.text.get(language)}  [{', '.join(flags)}]")
            for c in it.enable_when:
                word = "alleen als" if language == "nl" else "only if"
                lines.append(f"{pad}    ({word} {c.describe()})")
            for o in it.options:
                lines.append(f"{pad}    {o.code:>8} = {o.label.get(language)}")
            walk(it.items, depth + 1)

    walk(q.items, 0)
    return "\n".join(lines) + "\n"


def _cmd_score(args: argparse.Namespace) -> int:
    import json

    from werkmap.profiler.model import load_model
    from werkmap.profiler.questionnaire import default_questionnaire, parse_questionnaire
    from werkmap.profiler.scoring import score
    from werkmap.serialization import dumps

    source = "<stdin>" if args.file == "-" else args.file
    text = sys.stdin.read() if args.file == "-" else _read_input_file(args.file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            [
                Problem(
                    path=f"line {exc.lineno} column {exc.colno}", message=f"invalid JSON: {exc.msg}"
                )
            ],
            source=source,
        ) from None
    q = (
        parse_questionnaire(_read_input_file(args.questionnaire), source=args.questionnaire)
        if args.questionnaire
        else default_questionnaire()
    )
    model = load_model(args.model) if args.model else load_model()
    answers = data
    if isinstance(data, dict) and "answers" in data:
        extra = sorted(set(data) - {"answers", "questionnaire"})
        if extra:
            raise InvalidInput([Problem(path="$", message=f"unknown keys {extra}")], source=source)
        answers = data["answers"]
        ref = data.get("questionnaire")
        if ref is not None and ref != q.ref:
            raise VersionMismatch(
                f"{source}: the answers are to questionnaire {ref}, but {q.ref} is loaded; "
                "score them with that questionnaire version and its model"
            )
    profile = score(answers, model, q)
    if args.format == "json":
        print(dumps(profile, indent=2))
    else:
        print(_profile_text(profile, args.language, q), end="")
    return EXIT_OK


def _profile_text(profile: Profile, language: str, questionnaire: Questionnaire) -> str:
    nl = language == "nl"

    def name(construct: str) -> str:
        return questionnaire.construct_label(construct, language)

    lines = [
        f"{'kans op werk binnen een jaar' if nl else 'chance of work within a year'}: "
        f"{percent(profile.probability, language)}",
        f"{'klasse' if nl else 'band'}: {profile.band} %",
    ]
    if profile.interval is not None:
        lo, hi = profile.interval
        lines.append(
            f"{'95 %-betrouwbaarheidsinterval' if nl else '95 % interval'}: "
            f"{percent(lo, language)} .. {percent(hi, language)}"
        )
    diagnosis = ", ".join(name(c) for c in profile.diagnosis) or "-"
    lines.append(f"{'belemmerende factoren' if nl else 'hindering factors'}: {diagnosis}")
    lines.append(
        f"{'bijdrage per factor (log-odds)' if nl else 'contribution per construct (log-odds)'}:"
    )
    for construct, value in sorted(profile.construct_contributions.items(), key=lambda kv: kv[1]):
        signed = ("+" if value >= 0 else "-") + number(abs(value), language, digits=3)
        lines.append(f"  {name(construct):<32} {signed}")
    lines.append(f"{'vragenlijst' if nl else 'questionnaire'}: {profile.questionnaire}")
    lines.append(f"model: {profile.model}")
    return "\n".join(lines) + "\n"


def _cmd_bands(args: argparse.Namespace) -> int:
    import json

    from werkmap.profiler.model import default_model
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.profiler.scoring import score_batch
    from werkmap.profiler.synthetic import synthetic_cohort

    q, model = default_questionnaire(), default_model()
    cohort = synthetic_cohort(args.jobseekers, seed=args.seed)
    scores = score_batch(cohort.design(model.encoding), model, q)
    counts = scores.band_counts()
    n = len(scores)
    mean = float(scores.probabilities.mean())
    at_most_half = int((scores.probabilities <= 0.5).sum())
    if args.json:
        print(
            json.dumps(
                {
                    "jobseekers": n,
                    "seed": args.seed,
                    "model": model.ref,
                    "questionnaire": q.ref,
                    "bands": counts,
                    "mean_probability": round(mean, 6),
                    "at_most_50": at_most_half,
                }
            )
        )
        return EXIT_OK
    print(f"werkmap bands: {n} synthetic jobseekers (seed {args.seed}), model {model.ref}")
    print("(illustrative model and made-up people; not the agency's model or clients)")
    chart = bar_chart({f"{band} %": count for band, count in counts.items()})
    print(textwrap.indent(chart.to_text(), "  "))
    print(f"mean chance of work within a year: {mean:.1%}")
    print(
        f"at most 50 % (invited to an orientation conversation): {at_most_half} ({at_most_half / n:.1%})"
    )
    return EXIT_OK


# ---- fit and model-card (fitting room) -----------------------------------------------------------------


def _read_input_file(path: str) -> str:
    """Read a text file given on the command line; an unreadable file is bad input (exit 2)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            [Problem(path=path, message=f"cannot read the file: {exc.strerror or exc}")]
        ) from None


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
        "--valid-from", type=iso_date, metavar="DATE", help="default: the creation date"
    )
    fit.add_argument(
        "--created", type=iso_date, metavar="DATE", help="the creation date (default: today)"
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
        fitted.predict_proba(),
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
    coefficients = Table(
        header=("parameter", "coef", "se", "95% interval"),
        rows=[
            (
                r.name,
                f"{r.estimate:.4f}",
                f"{r.standard_error:.4f}",
                f"{r.ci_low:.3f} .. {r.ci_high:.3f}",
            )
            for r in result.coefficient_table()
        ],
        align="lrrr",
    )
    print(coefficients.to_text())
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
