"""The ``werkmap`` command line.

Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`; what every
command shares (``--format``, ``--language``, ``--db``, ``--force``, ``-v``/``-q``, the JSON envelope, reading
and writing files, exit codes) is in :mod:`werkmap.cli_common`. Exit codes: :data:`~werkmap.cli_common.EXIT_CODES`
(0 ok, 1 problems found, 2 bad input or usage, 70 a bug, 130 Ctrl-C).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from werkmap import cli_effect, cli_folder, cli_monitor, cli_verify
from werkmap._version import __version__
from werkmap.cli_catalogue import register as add_catalogue_commands
from werkmap.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    add_force_argument,
    add_format_argument,
    add_language_argument,
    add_verbosity_arguments,
    check_output,
    cli_clock,
    emit,
    logging_to_stderr,
    read_text_file,
    run_command,
    write_files,
)
from werkmap.cli_service import add_service_commands
from werkmap.cli_types import iso_date, positive_int
from werkmap.errors import InvalidInput, Problem, VersionMismatch
from werkmap.tables import Table, bar_chart
from werkmap.texts import number, percent

if TYPE_CHECKING:
    from werkmap.clock import Clock
    from werkmap.profiler.evaluate import EvaluationReport
    from werkmap.profiler.fit import FitResult
    from werkmap.profiler.questionnaire import Item, Questionnaire
    from werkmap.profiler.scoring import Profile

__all__ = ["build_parser", "main"]

_log = logging.getLogger("werkmap.cli")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="werkmap",
        description="werkmap: Work Profiler, Personal Work Folder and the service model.",
        epilog="Exit codes: 0 ok, 1 problems found, 2 bad input or usage, 70 a bug, 130 interrupted. "
        "Every command takes --format text|json|csv; see `werkmap COMMAND --help`.",
    )
    parser.add_argument("--version", action="version", version=f"werkmap {__version__}")
    add_verbosity_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_profiler_commands(commands)
    _add_fitting_commands(commands)
    add_service_commands(commands)
    add_catalogue_commands(commands)
    cli_folder.register(commands)
    cli_monitor.register(commands)
    cli_effect.register(commands)
    cli_verify.register(commands)
    _add_verbosity_to_commands(commands)
    return parser


def _add_verbosity_to_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Let ``-v``/``-q`` come after the command too (``werkmap sweep -v``), for every command."""
    seen: set[int] = set()
    for sub in commands.choices.values():
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        for nested in sub._actions:  # and after a sub-command: werkmap catalogue lint FILE -v
            if isinstance(nested, argparse._SubParsersAction):
                _add_verbosity_to_commands(nested)
        group = sub.add_argument_group("logging")
        group.add_argument(
            "-v",
            "--verbose",
            action="count",
            default=argparse.SUPPRESS,
            help="log what happens on stderr (-v: what was done, -vv: details)",
        )
        group.add_argument(
            "-q",
            "--quiet",
            action="count",
            default=argparse.SUPPRESS,
            help="only errors on stderr (no warnings, no progress)",
        )


# ---- questionnaire, score and demo (profiler room) ------------------------------------------------------


def _add_profiler_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    quest = commands.add_parser(
        "questionnaire",
        help="print the Work Profiler questionnaire (text, JSON, CSV or FHIR R4)",
        description="Print a questionnaire: as readable text, as JSON (the data is a werkmap "
        "questionnaire file, which --file and --questionnaire read back), as CSV (one row per item) or "
        "as a FHIR R4 Questionnaire resource.",
    )
    add_format_argument(quest, extra=("fhir",))
    quest.add_argument(
        "--file", metavar="FILE", help="questionnaire file (default: the packaged one)"
    )
    add_language_argument(quest)
    quest.set_defaults(handler=_cmd_questionnaire)

    sc = commands.add_parser(
        "score",
        help="score one person's answers (JSON file or stdin) to a profile",
        description="Score answers to the Work Profiler. The input is a JSON object of answers by "
        'link id, or {"questionnaire": "url|version", "answers": {...}}, or a FHIR '
        "QuestionnaireResponse. Bad answers exit with 2 and list every problem.",
    )
    sc.add_argument("file", nargs="?", default="-", metavar="FILE", help="answers JSON (- = stdin)")
    add_format_argument(sc, help_text="json: the profile file; csv: one row")
    sc.add_argument(
        "--questionnaire", metavar="FILE", help="questionnaire file (default: the packaged one)"
    )
    sc.add_argument("--model", metavar="FILE", help="model file (default: the illustrative one)")
    add_language_argument(sc)
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
    add_format_argument(demo, legacy_json=True, help_text="csv: one row per band")
    add_language_argument(demo)
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
        parse_questionnaire(
            read_text_file(args.file, flag="--file", envelope_ok=True), source=args.file
        )
        if args.file
        else default_questionnaire()
    )
    if args.format == "fhir":
        print(json.dumps(to_fhir(q, language=args.language), ensure_ascii=False, indent=2))
        return EXIT_OK
    emit(
        args,
        "questionnaire",
        lambda: json.loads(dump_questionnaire(q)),
        text=lambda: _questionnaire_text(q, args.language),
        rows=lambda: _questionnaire_rows(q, args.language),
    )
    return EXIT_OK


def _questionnaire_rows(q: Questionnaire, language: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for it in q.iter_items():
        rows.append(
            {
                "link_id": it.link_id,
                "type": it.type,
                "required": it.required,
                "construct": it.construct or None,
                "text": it.text.get(language),
                "enable_when": [c.describe() for c in it.enable_when],
                "options": [f"{o.code}={o.label.get(language)}" for o in it.options],
            }
        )
    return rows


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
    text = _read_stdin() if args.file == "-" else read_text_file(args.file)
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
        parse_questionnaire(
            read_text_file(args.questionnaire, flag="--questionnaire", envelope_ok=True),
            source=args.questionnaire,
        )
        if args.questionnaire
        else default_questionnaire()
    )
    if args.model:
        read_text_file(args.model, flag="--model")  # a binary or UTF-16 file: one clear problem
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
    emit(
        args,
        "score",
        lambda: json.loads(dumps(profile)),
        text=lambda: _profile_text(profile, args.language, q),
        rows=lambda: [_profile_row(profile)],
    )
    return EXIT_OK


def _read_stdin() -> str:
    """Read answers from stdin; bytes that are not UTF-8 text are bad input, not a traceback."""
    try:
        return sys.stdin.read()
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [Problem(path="<stdin>", message=f"is not UTF-8 text (byte {exc.start + 1})")]
        ) from None


def _profile_row(profile: Profile) -> dict[str, object]:
    row: dict[str, object] = {
        "probability": profile.probability,
        "band": profile.band,
        "interval_low": profile.interval[0] if profile.interval else None,
        "interval_high": profile.interval[1] if profile.interval else None,
        "diagnosis": list(profile.diagnosis),
        "questionnaire": profile.questionnaire,
        "model": profile.model,
    }
    for construct, value in sorted(profile.construct_contributions.items()):
        row[f"contribution:{construct}"] = value
    return row


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
    data = {
        "jobseekers": n,
        "seed": args.seed,
        "model": model.ref,
        "questionnaire": q.ref,
        "bands": counts,
        "mean_probability": round(mean, 6),
        "at_most_50": at_most_half,
    }
    lang = args.language
    nl = lang == "nl"

    def text() -> str:
        lines = [
            f"werkmap bands: {n} {'verzonnen werkzoekenden' if nl else 'synthetic jobseekers'} "
            f"(seed {args.seed}), model {model.ref}",
            "(illustratief model en verzonnen mensen; niet het model of de cliënten van UWV)"
            if nl
            else "(illustrative model and made-up people; not the agency's model or clients)",
        ]
        chart = bar_chart(
            {f"{band} %": count for band, count in counts.items()},
            share_format=lambda share: percent(share, lang),
        )
        lines.extend(f"  {line}" for line in chart.to_text().splitlines())
        lines.append(
            f"{'gemiddelde kans op werk binnen een jaar' if nl else 'mean chance of work within a year'}"
            f": {percent(mean, lang)}"
        )
        lines.append(
            f"{'hoogstens 50 % (uitgenodigd voor een oriëntatiegesprek)' if nl else 'at most 50 % (invited to an orientation conversation)'}"
            f": {at_most_half} ({percent(at_most_half / n, lang)})"
        )
        return "\n".join(lines) + "\n"

    emit(
        args,
        "bands",
        data,
        text=text,
        rows=lambda: [
            {"band": band, "jobseekers": count, "share": round(count / n, 6)}
            for band, count in counts.items()
        ],
    )
    return EXIT_OK


# ---- fit and model-card (fitting room) -----------------------------------------------------------------


def _add_fitting_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fit = commands.add_parser(
        "fit",
        help="fit a scoring model on outcome data (CSV) and evaluate it",
        description="Fit a logistic scoring model on a CSV of answers (one column per link id) with an "
        "outcome column (1 = found work within a year), write the model file and, with --report, the "
        "evaluation report (in-sample). Columns that are not items of the questionnaire (an id, a date) "
        "are left out, as a statsmodels formula leaves out the columns it does not name, and listed once "
        "on stderr; name them with --id-column or --ignore-column to leave them out quietly. With "
        "--design-matrix every other column is a numeric feature and no questionnaire is used: the "
        "summary is printed and --out (optional) writes the fit result. Bad CSV exits with 2 and lists "
        "every problem by line and column (a problem of the header once). Every output is checked "
        "before anything is written.",
    )
    fit.add_argument("csv", metavar="CSV", help="answers by link id, one row per person")
    fit.add_argument(
        "--outcome", required=True, metavar="COLUMN", help="the 0/1 outcome column (1 = found work)"
    )
    fit.add_argument("--group", metavar="COLUMN", help="a group column for per-group metrics")
    fit.add_argument(
        "--id-column",
        metavar="COLUMN",
        help="a column identifying each row (unique; not a feature)",
    )
    fit.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column to leave out (repeatable)",
    )
    fit.add_argument(
        "--design-matrix",
        action="store_true",
        help="every other column is a numeric feature: no questionnaire, no model file",
    )
    fit.add_argument(
        "--l2", type=float, default=0.0, metavar="X", help="L2 penalty (default 0: plain ML)"
    )
    fit.add_argument(
        "--out",
        metavar="FILE",
        help="the model file to write (required without --design-matrix; with it: the fit result)",
    )
    fit.add_argument("--report", metavar="REPORT", help="the evaluation report to write (JSON)")
    add_force_argument(fit)
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
    add_format_argument(fit, help_text="json: the fit and its metrics; csv: the coefficient table")
    add_language_argument(fit)
    fit.set_defaults(handler=_cmd_fit)

    card = commands.add_parser(
        "model-card",
        help="print the model card (markdown) of a model file and its evaluation report",
        description="Print the model card of MODEL as markdown (text), with the metrics of --report; "
        "json: the card in the envelope; csv: the model's parameters.",
    )
    card.add_argument("model", metavar="MODEL", help="the model file")
    card.add_argument("--report", metavar="REPORT", help="its evaluation report (from `fit`)")
    add_format_argument(card)
    add_language_argument(card)
    card.set_defaults(handler=_cmd_model_card)


def _fit_outputs(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """Check every output of ``fit`` before anything is read or written."""
    if args.out is None and not args.design_matrix:
        raise InvalidInput([Problem(path="--out", message="required (the model file to write)")])
    out = check_output(args.out, flag="--out", force=args.force) if args.out else None
    report = check_output(args.report, flag="--report", force=args.force) if args.report else None
    if out is not None and report is not None and out.resolve() == report.resolve():
        raise InvalidInput([Problem(path="--report", message="is the same file as --out")])
    return out, report


def _cmd_fit(args: argparse.Namespace) -> int:
    out, report_path = _fit_outputs(args)
    status = _status(args)
    try:
        return _fit_answers(args, out, report_path, status)
    finally:
        status("")


def _fit_answers(
    args: argparse.Namespace,
    out: Path | None,
    report_path: Path | None,
    status: Callable[[str], None],
) -> int:
    from werkmap.profiler.evaluate import evaluate
    from werkmap.profiler.fit import fit_model, parse_outcome_csv
    from werkmap.profiler.model import default_encoding, default_model, dump_model, load_model
    from werkmap.profiler.questionnaire import default_questionnaire, parse_questionnaire
    from werkmap.serialization import dumps

    status(f"reading {args.csv}")
    text = read_text_file(args.csv)
    if args.design_matrix:
        return _fit_design(args, text, out, report_path, status)
    questionnaire = (
        parse_questionnaire(
            read_text_file(args.questionnaire, flag="--questionnaire", envelope_ok=True),
            source=args.questionnaire,
        )
        if args.questionnaire
        else default_questionnaire()
    )
    table = parse_outcome_csv(
        text,
        questionnaire,
        outcome=args.outcome,
        group=args.group,
        source=args.csv,
        id_column=args.id_column,
        ignore=args.ignore_column,
        unknown_columns="ignore",
    )
    unknown = [c for c in table.ignored_columns if c not in args.ignore_column]
    if unknown:
        _log.warning(
            "%s: left out the columns %s (not items of %s; name them with --ignore-column or "
            "--id-column to leave them out quietly)",
            args.csv,
            ", ".join(unknown),
            questionnaire.ref,
        )
    if args.like:
        read_text_file(args.like, flag="--like")
        encoding = load_model(args.like, questionnaire=questionnaire).encoding
    elif default_model().questionnaire == questionnaire.ref:
        encoding = default_model().encoding
    else:
        encoding = default_encoding(questionnaire)
    created = args.created or cli_clock(args).today()
    version = args.model_version or created.isoformat()
    status(f"fitting {len(table.outcomes)} rows")
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
    status("")
    files = [(out, dump_model(fitted.model) + "\n")] if out is not None else []
    if report_path is not None:
        files.append((report_path, dumps(report, indent=2) + "\n"))
    write_files(files)
    result = fitted.result
    nl = args.language == "nl"
    lines = [
        f"{'geschat' if nl else 'fitted'} {fitted.model.ref} {'op' if nl else 'on'} "
        f"{result.n_observations} {'rijen' if nl else 'rows'} ({result.n_positive} "
        f"{'vonden werk' if nl else 'found work'}) in {result.iterations} "
        f"{'Newton-stappen' if nl else 'Newton steps'}",
        *_coefficient_lines(result, nl),
        _metrics_line(report, nl),
        f"{'model geschreven naar' if nl else 'model written to'} {args.out}",
    ]
    if args.report:
        lines.append(f"{'rapport geschreven naar' if nl else 'report written to'} {args.report}")
    emit(
        args,
        "fit",
        lambda: _fit_data(args, result, report, table.ignored_columns, fitted.model.ref),
        text="\n".join(lines) + "\n",
        rows=lambda: _coefficient_rows(result),
    )
    return EXIT_OK


def _fit_design(
    args: argparse.Namespace,
    text: str,
    out: Path | None,
    report_path: Path | None,
    status: Callable[[str], None],
) -> int:
    from werkmap.profiler.evaluate import evaluate
    from werkmap.profiler.fit import fit, parse_design_csv
    from werkmap.serialization import dumps

    if args.questionnaire or args.like:
        flag = "--questionnaire" if args.questionnaire else "--like"
        raise InvalidInput([Problem(path=flag, message="has no use with --design-matrix")])
    table = parse_design_csv(
        text,
        outcome=args.outcome,
        group=args.group,
        id_column=args.id_column,
        ignore=args.ignore_column,
        source=args.csv,
    )
    status(f"fitting {len(table.outcomes)} rows")
    result = fit(table.x, table.outcome_array(), feature_names=table.feature_names, l2=args.l2)
    report = evaluate(
        table.outcome_array(),
        result.predict_proba(table.x),
        groups=table.groups,
        group_column=args.group or "group",
        model_id=args.id,
        model_version=args.model_version or "",
        data_description=f"in-sample: the {len(table.outcomes)} rows of {Path(args.csv).name}",
    )
    status("")
    files = [(out, dumps(result, indent=2) + "\n")] if out is not None else []
    if report_path is not None:
        files.append((report_path, dumps(report, indent=2) + "\n"))
    write_files(files)
    nl = args.language == "nl"
    lines = [str(result.summary()), _metrics_line(report, nl)]
    if args.out:
        lines.append(f"{'schatting geschreven naar' if nl else 'fit written to'} {args.out}")
    if args.report:
        lines.append(f"{'rapport geschreven naar' if nl else 'report written to'} {args.report}")
    emit(
        args,
        "fit",
        lambda: _fit_data(args, result, report, table.ignored_columns, None),
        text="\n".join(lines) + "\n",
        rows=lambda: _coefficient_rows(result),
    )
    return EXIT_OK


def _status(args: argparse.Namespace) -> Callable[[str], None]:
    """A one-line status on stderr while a fit runs (only on a terminal, never with -q); ``""`` clears it."""
    if getattr(args, "quiet", 0) or not sys.stderr.isatty():
        return lambda _message: None

    def show(message: str) -> None:
        line = f"werkmap fit: {message} ..." if message else ""
        print(f"\r\033[K{line}", end="", file=sys.stderr, flush=True)

    return show


def _coefficient_lines(result: FitResult, nl: bool) -> list[str]:
    table = Table(
        header=("parameter", "coef", "se", "95%-interval" if nl else "95% interval"),
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
    return table.to_text().splitlines()


def _metrics_line(report: EvaluationReport, nl: bool) -> str:
    auc = "-" if report.auc is None else f"{report.auc:.3f}"
    slope = "-" if report.calibration is None else f"{report.calibration.slope:.3f}"
    if nl:
        return f"AUC in de steekproef {auc}, Brier {report.brier:.4f}, kalibratiehelling {slope}"
    return f"in-sample AUC {auc}, Brier {report.brier:.4f}, calibration slope {slope}"


def _coefficient_rows(result: FitResult) -> list[dict[str, object]]:
    return [
        {
            "parameter": row.name,
            "coef": row.estimate,
            "se": row.standard_error,
            "z": row.z,
            "p_value": row.p_value,
            "ci_low": row.ci_low,
            "ci_high": row.ci_high,
        }
        for row in result.coefficient_table()
    ]


def _fit_data(
    args: argparse.Namespace,
    result: FitResult,
    report: EvaluationReport,
    ignored: Sequence[str],
    model_ref: str | None,
) -> dict[str, object]:
    return {
        "model": model_ref,
        "n_observations": result.n_observations,
        "n_positive": result.n_positive,
        "iterations": result.iterations,
        "converged": result.converged,
        "l2": result.l2,
        "coefficients": _coefficient_rows(result),
        "auc": report.auc,
        "brier": report.brier,
        "calibration_slope": None if report.calibration is None else report.calibration.slope,
        "ignored_columns": list(ignored),
        "out": args.out,
        "report": args.report,
    }


def _cmd_model_card(args: argparse.Namespace) -> int:
    from werkmap.profiler.evaluate import EvaluationReport
    from werkmap.profiler.model import parse_model
    from werkmap.profiler.model_card import model_card
    from werkmap.serialization import loads

    model = parse_model(read_text_file(args.model, envelope_ok=True), source=args.model)
    report = None
    if args.report:
        report = loads(
            read_text_file(args.report, flag="--report", envelope_ok=True),
            EvaluationReport,
            source=args.report,
        )
    card = model_card(model, report, language=args.language)
    errors = [None] * (len(model.parameter_names) - (len(model.standard_errors or ())))
    se = [*(model.standard_errors or ()), *errors]
    emit(
        args,
        "model-card",
        {"model": model.ref, "markdown": card},
        text=card,
        rows=lambda: [
            {"parameter": name, "coef": coef, "se": s}
            for name, coef, s in zip(
                model.parameter_names, (model.intercept, *model.coefficients), se, strict=True
            )
        ],
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code.

    Args:
        argv: the arguments (without the program name).
        clock: the clock commands take "today" from (default: :func:`~werkmap.cli_common.cli_clock`:
            the ``WERKMAP_TODAY`` environment variable or the wall clock in Europe/Amsterdam).
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("werkmap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    args.clock = clock
    with logging_to_stderr(getattr(args, "verbose", 0), getattr(args, "quiet", 0)):
        return run_command(handler, args)
