"""The ``werkmap catalogue`` command: lint an intervention catalogue file, or show a catalogue.

``werkmap catalogue lint FILE`` checks a catalogue file (codes ``WM-C…``, see
:mod:`werkmap.interventions.catalogue`); ``werkmap catalogue show [--file FILE] [--on DATE]`` prints the
services (all versions, or those valid on a date). Both read files only, no store; both take the flags of
:mod:`werkmap.cli_common` (``--format text|json|csv``, JSON in the envelope with ``kind`` ``"catalogue
lint"`` or ``"catalogue show"``, ``--language``). Exit codes are :data:`~werkmap.cli_common.EXIT_CODES`:
0 ok, 2 bad input (a catalogue that fails its lint, a file that is not UTF-8 text).
"""

from __future__ import annotations

import argparse
import csv
import io
from typing import TYPE_CHECKING

from werkmap.cli_common import (
    EXIT_OK,
    EXIT_USAGE,
    add_format_argument,
    add_language_argument,
    emit,
    read_text_file,
)
from werkmap.cli_types import iso_date
from werkmap.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from werkmap.interventions.catalogue import Catalogue, Service

__all__ = ["register", "run"]

_PROBLEM_COLUMNS = ("code", "path", "message")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``catalogue lint`` and ``catalogue show`` to the ``werkmap`` parser."""
    cat = commands.add_parser(
        "catalogue",
        help="lint or show an intervention catalogue",
        description="The intervention catalogue: the evidence-based services an adviser chooses from, "
        "as dated data (TOML).",
    )
    sub = cat.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    lint = sub.add_parser(
        "lint",
        help="check a catalogue file (codes WM-C001...)",
        description="Check a catalogue file and list every problem with its code; exit 2 when there "
        "is one.",
    )
    lint.add_argument("file", metavar="FILE", help="the catalogue TOML file")
    add_format_argument(lint, help_text="csv: one row per problem")
    add_language_argument(lint)
    lint.set_defaults(handler=run)
    show = sub.add_parser(
        "show",
        help="print the services of a catalogue",
        description="Print the services of a catalogue: every version, or the ones valid on --on.",
    )
    show.add_argument("--file", metavar="FILE", help="catalogue file (default: the packaged one)")
    show.add_argument("--on", type=iso_date, metavar="DATE", help="only services valid on DATE")
    add_format_argument(show, help_text="csv: one row per service version")
    add_language_argument(show)
    show.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``catalogue lint`` or ``catalogue show``; return the exit code."""
    if args.catalogue_command == "lint":
        return _lint(args)
    return _show(args)


def _load(path: str) -> Catalogue:
    """Read and lint the catalogue file ``path`` (a file that is not UTF-8 text is ``WM-C008``)."""
    from werkmap.interventions.catalogue import InvalidCatalogue, parse_catalogue

    try:
        text = read_text_file(path)
    except InvalidInput as exc:
        problems = [Problem(path=path, message=p.message, code="WM-C008") for p in exc.problems]
        raise InvalidCatalogue(problems, source=path) from None
    return parse_catalogue(text, source=path)


def _lint(args: argparse.Namespace) -> int:
    from werkmap.interventions.catalogue import InvalidCatalogue

    try:
        catalogue = _load(args.file)
    except InvalidCatalogue as exc:
        if args.format == "text":
            raise
        problems = [{"code": p.code, "path": p.path, "message": p.message} for p in exc.problems]
        emit(
            args,
            "catalogue lint",
            {"file": args.file, "ok": False, "problems": problems},
            text="",
            rows=problems,
            columns=_PROBLEM_COLUMNS,
        )
        return EXIT_USAGE
    n = len(catalogue.services)
    ids = len({s.id for s in catalogue.services})
    data = {
        "file": args.file,
        "ok": True,
        "problems": [],
        "catalogue": catalogue.ref,
        "services": ids,
        "versions": n,
    }
    if args.language == "en":
        text = f"{args.file}: ok, catalogue {catalogue.ref}, {ids} services ({n} versions)"
    else:
        text = f"{args.file}: in orde, catalogus {catalogue.ref}, {ids} diensten ({n} versies)"
    emit(args, "catalogue lint", data, text=text, rows=[], columns=_PROBLEM_COLUMNS)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from werkmap.interventions.catalogue import default_catalogue

    catalogue = _load(args.file) if args.file is not None else default_catalogue()
    services = catalogue.on(args.on) if args.on is not None else catalogue.services
    emit(
        args,
        "catalogue show",
        lambda: {
            "catalogue": catalogue.ref,
            "on": args.on.isoformat() if args.on else None,
            "services": [_record(s) for s in services],
        },
        text=lambda: _text(catalogue, services, args.language),
        csv=lambda: _csv(services),
    )
    return EXIT_OK


def _record(s: Service) -> dict[str, object]:
    e = s.eligibility
    return {
        "id": s.id,
        "kind": s.kind,
        "name": {"nl": s.name.nl, "en": s.name.en},
        "description": {"nl": s.description.nl, "en": s.description.en},
        "factors": list(s.factors),
        "band_groups": list(s.band_groups),
        "eligibility": {
            "requires_hindrance": e.requires_hindrance,
            "min_probability": e.min_probability,
            "max_probability": e.max_probability,
            "conditions": {"nl": e.conditions.nl, "en": e.conditions.en},
        },
        "capacity_per_month": s.capacity_per_month,
        "valid_from": s.valid_from.isoformat(),
        "valid_until": s.valid_until.isoformat() if s.valid_until else None,
        "sources": list(s.sources),
        "illustrative": s.illustrative,
    }


def _csv(services: tuple[Service, ...]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "id",
            "kind",
            "name_nl",
            "name_en",
            "factors",
            "band_groups",
            "requires_hindrance",
            "capacity_per_month",
            "valid_from",
            "valid_until",
            "illustrative",
            "sources",
        ]
    )
    for s in services:
        w.writerow(
            [
                s.id,
                s.kind,
                s.name.nl,
                s.name.en,
                " ".join(s.factors),
                " ".join(s.band_groups),
                str(s.eligibility.requires_hindrance).lower(),
                s.capacity_per_month,
                s.valid_from.isoformat(),
                s.valid_until.isoformat() if s.valid_until else "",
                str(s.illustrative).lower(),
                " | ".join(s.sources),
            ]
        )
    return out.getvalue()


def _text(catalogue: Catalogue, services: tuple[Service, ...], language: str) -> str:
    from werkmap.profiler.questionnaire import default_questionnaire
    from werkmap.texts import number

    q = default_questionnaire()
    en = language == "en"
    lines = [
        f"{'Catalogue' if en else 'Catalogus'} {catalogue.ref}: {catalogue.description.get(language)}"
    ]
    for s in services:
        until = s.valid_until.isoformat() if s.valid_until else ("open" if en else "open einde")
        lines.append("")
        lines.append(f"{s.id}: {s.name.get(language)} ({s.kind}, {s.valid_from}..{until})")
        lines.append(f"  {s.description.get(language)}")
        factors = ", ".join(q.construct_label(f, language) for f in s.factors)
        lines.append(f"  {'factors' if en else 'factoren'}: {factors}")
        lines.append(f"  {'band groups' if en else 'groepen'}: {', '.join(s.band_groups)}")
        places = number(s.capacity_per_month, language, digits=0, grouping=True)
        lines.append(
            f"  {'capacity' if en else 'capaciteit'}: {places} "
            f"{'places a month' if en else 'plaatsen per maand'}"
        )
        e = s.eligibility
        rules = []
        if e.requires_hindrance:
            rules.append(
                "one of its factors is a top hindrance"
                if en
                else "een van de factoren verlaagt de kans het meest"
            )
        if e.min_probability is not None:
            rules.append(f"{'chance at least' if en else 'kans minstens'} {e.min_probability:g}")
        if e.max_probability is not None:
            rules.append(f"{'chance at most' if en else 'kans hoogstens'} {e.max_probability:g}")
        if e.conditions.get(language):
            rules.append(e.conditions.get(language))
        if rules:
            lines.append(f"  {'eligibility' if en else 'voorwaarden'}: {'; '.join(rules)}")
        for source in s.sources:
            lines.append(f"  {'source' if en else 'bron'}: {source}")
    return "\n".join(lines) + "\n"
