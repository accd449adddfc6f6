"""``werkmap verify``, ``werkmap retention`` and ``werkmap erase``: a store's integrity and its data lifecycle.

::

    werkmap verify --db STORE [--format text|json|csv] [--language nl|en]
    werkmap retention --db STORE [--on YYYY-MM-DD] [--format ...] [--language nl|en]
    werkmap erase --db STORE --folder ID --why TEXT [--format ...] [--language nl|en]

``verify`` runs :func:`werkmap.storage.verify.verify_store`: the file's integrity (SQLite), every folder
read back with its versions and events, every audit chain against its anchor, the events against the
records that cover them, and the erased folders. It prints ``0 problems`` and exits 0, or names the first
broken link (folder, record, what is wrong), then the rest, and exits 1. It opens the store without
migrating it (an older store is refused: migrate it first).

``retention`` lists the closed folders whose retention period has ended on a day (default today), by the
retention policy (:mod:`werkmap.rules.retention`); ``erase`` erases one of them
(:meth:`werkmap.service.Werkmap.erase`), as the system's privacy desk, with a reason.

The host's audit key, when the store is sealed with one, comes from the environment variable
``WERKMAP_AUDIT_KEY`` (never from a flag, never printed); ``verify`` then checks every seal with it.
"""

from __future__ import annotations

import argparse
from typing import Any

from werkmap.cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_db_argument,
    add_format_argument,
    add_language_argument,
    audit_key_from_environment,
    cli_clock,
    emit,
    existing_store_url,
    open_service,
)
from werkmap.cli_types import iso_date
from werkmap.texts import number

__all__ = ["TEXTS", "register"]

TEXTS: dict[str, dict[str, str]] = {
    "ok": {
        "en": "0 problems: {folders} folders, {records} audit records, {rows} event rows and "
        "{erased} erased folders checked{keyed}.",
        "nl": "0 problemen: {folders} werkmappen, {records} auditregels, {rows} rijen met "
        "gebeurtenissen en {erased} gewiste werkmappen gecontroleerd{keyed}.",
    },
    "keyed": {
        "en": " (seals checked with the audit key)",
        "nl": " (zegels gecontroleerd met de auditsleutel)",
    },
    "problems": {
        "en": "{n} problems. The first broken link:",
        "nl": "{n} problemen. De eerste gebroken schakel:",
    },
    "problem": {
        "en": "1 problem:",
        "nl": "1 probleem:",
    },
    "rest": {"en": "The rest:", "nl": "De rest:"},
    "file": {"en": "the store's file", "nl": "het bestand van de opslag"},
    "folder": {"en": "folder {fid}", "nl": "werkmap {fid}"},
    "record": {"en": ", record {seq}", "nl": ", regel {seq}"},
    "unreadable": {
        "en": "Folders that cannot be read back: {ids}",
        "nl": "Werkmappen die niet terug te lezen zijn: {ids}",
    },
    "kind.file": {"en": "file", "nl": "bestand"},
    "kind.chain": {"en": "audit chain", "nl": "auditketen"},
    "kind.events": {"en": "events", "nl": "gebeurtenissen"},
    "kind.versions": {"en": "versions", "nl": "versies"},
    "kind.unreadable": {"en": "unreadable", "nl": "onleesbaar"},
    "kind.erased": {"en": "erasure", "nl": "wissing"},
    "none_ended": {
        "en": "No closed folder's retention has ended on {on}.",
        "nl": "Van geen gesloten werkmap is de bewaartermijn verstreken op {on}.",
    },
    "ended": {
        "en": "{n} folders whose retention has ended on {on} (they may be erased):",
        "nl": "{n} werkmappen waarvan de bewaartermijn is verstreken op {on} (ze mogen gewist worden):",
    },
    "ended_row": {
        "en": "  {fid}: closed {closed}, retention ended {ends}",
        "nl": "  {fid}: gesloten {closed}, bewaartermijn verstreken {ends}",
    },
    "erased": {
        "en": "Folder {fid} erased: {rows} rows removed, {texts} audit texts blanked; the tombstone "
        "names {actor}, {at} and {policy}.",
        "nl": "Werkmap {fid} gewist: {rows} rijen verwijderd, {texts} audit-teksten leeggemaakt; de "
        "grafsteen noemt {actor}, {at} en {policy}.",
    },
}
"""The texts of the three commands, in English and Dutch."""


def _t(key: str, language: str, **values: object) -> str:
    return TEXTS[key][language].format(**values)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``verify``, ``retention`` and ``erase`` to the ``werkmap`` parser."""
    verify = commands.add_parser(
        "verify",
        help="check a store: file, folder versions and events, audit chains and their anchors",
        description="Check a store's file (SQLite integrity check), read back every folder (its "
        "versions and events), check every audit chain against its folder's anchor and the events "
        "its records cover, and every erased folder. Exit 0 with '0 problems', or 1 naming the first "
        "broken link, then the rest. With WERKMAP_AUDIT_KEY set, every seal is checked with the key.",
    )
    add_db_argument(verify)
    add_format_argument(verify, help_text="json: the report; csv: one row per problem")
    add_language_argument(verify)
    verify.set_defaults(handler=_cmd_verify)

    retention = commands.add_parser(
        "retention",
        help="list the closed folders whose retention period has ended (they may be erased)",
        description="List the closed folders whose retention period (by the retention policy, "
        "illustrative unless the agency loads its own) has ended on a day.",
    )
    add_db_argument(retention)
    retention.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
    add_format_argument(retention, help_text="csv: one row per folder")
    add_language_argument(retention)
    retention.set_defaults(handler=_cmd_retention)

    erase = commands.add_parser(
        "erase",
        help="erase a folder's personal data after its retention period (leaves a tombstone)",
        description="Erase one folder whose retention period has ended, as the privacy desk (a "
        "system actor): its rows in every table and the text of its audit records go, its audit "
        "chain stays verifiable, a tombstone says who erased it, when and under which policy. "
        "Refused (exit 1) before the retention ends, with the day it ends.",
    )
    add_db_argument(erase)
    erase.add_argument("--folder", required=True, metavar="ID", help="the folder to erase")
    erase.add_argument("--why", required=True, help="the reason (kept in the tombstone)")
    erase.add_argument(
        "--as",
        dest="actor",
        default="privacy-desk",
        metavar="NAME",
        help="the system actor who erases (default: privacy-desk)",
    )
    add_format_argument(erase)
    add_language_argument(erase)
    erase.set_defaults(handler=_cmd_erase)


def _open_store(db: str) -> Any:
    """Open the store for reading its integrity: without migrating it, with the host's audit key."""
    from werkmap.cli_common import _opening
    from werkmap.storage import load_plugins

    url = existing_store_url(db)
    key = audit_key_from_environment()
    options = {"migrate": "false"}
    if key is not None:
        options["audit_key"] = key.decode("utf-8", "surrogateescape")
    with _opening(
        db, url, "--db"
    ):  # a file that is not a werkmap store: exit 2, the file unchanged
        return load_plugins().open_store(url, options), key


def _where(folder_id: str, sequence: int | None, language: str) -> str:
    where = _t("folder", language, fid=folder_id) if folder_id else _t("file", language)
    if sequence is not None:
        where += _t("record", language, seq=sequence)
    return where


def _cmd_verify(args: argparse.Namespace) -> int:
    from werkmap.storage.verify import verify_store

    store, key = _open_store(args.db)
    try:
        report = verify_store(store, key=key)
    finally:
        store.close()
    lang = args.language

    def text() -> str:
        if report.ok:
            return _t(
                "ok",
                lang,
                folders=number(report.folders, lang, digits=0, grouping=True),
                records=number(report.records, lang, digits=0, grouping=True),
                rows=number(report.event_rows, lang, digits=0, grouping=True),
                erased=number(report.erased, lang, digits=0, grouping=True),
                keyed=_t("keyed", lang) if report.keyed else "",
            )
        first, *rest = report.findings
        many = len(report.findings) > 1
        lines = [_t("problems", lang, n=len(report.findings)) if many else _t("problem", lang)]
        lines.append(
            f"  {_where(first.folder_id, first.sequence, lang)} [{_t('kind.' + first.kind, lang)}]: {first.what}"
        )
        if rest:
            lines.append(_t("rest", lang))
            lines += [
                f"  {_where(f.folder_id, f.sequence, lang)} [{_t('kind.' + f.kind, lang)}]: {f.what}"
                for f in rest
            ]
        if report.unreadable:
            lines.append(_t("unreadable", lang, ids=", ".join(report.unreadable)))
        return "\n".join(lines)

    rows = [
        {"folder_id": f.folder_id, "sequence": f.sequence, "kind": f.kind, "what": f.what}
        for f in report.findings
    ]
    emit(
        args,
        "verify",
        {
            "ok": report.ok,
            "problems": len(report.findings),
            "folders": report.folders,
            "records": report.records,
            "event_rows": report.event_rows,
            "erased": report.erased,
            "keyed": report.keyed,
            "unreadable": list(report.unreadable),
            "findings": rows,
        },
        text=text,
        rows=rows,
        columns=["folder_id", "sequence", "kind", "what"],
    )
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _cmd_retention(args: argparse.Namespace) -> int:
    from werkmap.service import Actor

    clock = cli_clock(args)
    day = args.on or clock.today()
    with open_service(args.db, clock=clock) as service:
        decisions = service.retention_ended(Actor.system("privacy-desk"), on=day)
    lang = args.language
    rows = [
        {
            "folder_id": d.folder_id,
            "closed_on": d.closed_on.isoformat() if d.closed_on else "",
            "retention_ends_on": d.retention_ends_on.isoformat() if d.retention_ends_on else "",
            "policy_version": d.policy_version,
        }
        for d in decisions
    ]

    def text() -> str:
        if not rows:
            return _t("none_ended", lang, on=day.isoformat())
        lines = [_t("ended", lang, n=len(rows), on=day.isoformat())]
        lines += [
            _t(
                "ended_row",
                lang,
                fid=r["folder_id"],
                closed=r["closed_on"],
                ends=r["retention_ends_on"],
            )
            for r in rows
        ]
        return "\n".join(lines)

    emit(
        args,
        "retention",
        {"on": day.isoformat(), "folders": rows},
        text=text,
        rows=rows,
        columns=["folder_id", "closed_on", "retention_ends_on", "policy_version"],
    )
    return EXIT_OK


def _cmd_erase(args: argparse.Namespace) -> int:
    from werkmap.service import Actor

    with open_service(args.db, clock=cli_clock(args)) as service:
        tomb = service.erase(Actor.system(args.actor), args.folder, why=args.why)
    lang = args.language
    removed = dict(tomb.removed)
    texts = removed.pop("audit_texts", 0)
    data = {
        "folder_id": tomb.folder_id,
        "erased_at": tomb.erased_at.isoformat(),
        "actor": tomb.actor,
        "why": tomb.why,
        "policy": tomb.policy,
        "closed_on": tomb.closed_on.isoformat(),
        "retention_ends_on": tomb.retention_ends_on.isoformat(),
        "removed": dict(tomb.removed),
        "audit_records": tomb.anchor.count,
    }
    emit(
        args,
        "erase",
        data,
        text=_t(
            "erased",
            lang,
            fid=tomb.folder_id,
            rows=sum(removed.values()),
            texts=texts,
            actor=tomb.actor,
            at=tomb.erased_at.isoformat(timespec="seconds"),
            policy=tomb.policy,
        ),
        rows=[{k: v for k, v in data.items() if k != "removed"}],
    )
    return EXIT_OK
