"""Checking a whole store: its file, every folder's versions and events, every audit chain, erasures.

:func:`verify_store` is what ``werkmap verify --db STORE`` runs. It reads every folder and every audit
trail once and reports each problem as a :class:`Finding` (the folder, the sequence number of the record
concerned, what is wrong), the first broken link first. It never quotes a folder's contents: an
unreadable folder is named by its id and the kind of error only.

What it checks:

* the file (SQLite ``PRAGMA integrity_check``, when the store offers ``integrity_check``);
* each folder reads back, at the version its row says, with events numbered 1, 2, 3 … in rows that
  follow each other, the last written at the folder's version or before;
* each audit chain (:func:`~werkmap.storage.audit.verify_audit`): every link, against the folder's
  anchor, with the host's audit key when one is given;
* the event rows against the records that cover them (:func:`~werkmap.storage.audit.verify_events`);
* each erased folder: its tombstone anchors its chain, no row of the folder is left, and every record
  before the erasure has lost its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from werkmap.errors import FolderUnreadable, WerkmapError
from werkmap.storage.audit import verify_audit, verify_events
from werkmap.storage.protocol import Store
from werkmap.storage.values import AuditRecord, Tombstone

__all__ = ["Finding", "StoreReport", "verify_store"]


@attrs.frozen(kw_only=True)
class Finding:
    """One problem :func:`verify_store` found.

    Attributes:
        folder_id: the folder concerned (``""``: the store's file as a whole).
        sequence: the audit record concerned (its sequence number), or ``None``.
        kind: ``"file"``, ``"chain"``, ``"events"``, ``"versions"``, ``"unreadable"`` or ``"erased"``.
        what: what is wrong, in English (the command line words it in Dutch too).
    """

    folder_id: str
    sequence: int | None
    kind: str
    what: str


@attrs.frozen(kw_only=True)
class StoreReport:
    """What :func:`verify_store` checked and found.

    Attributes:
        findings: every problem, the first broken link first (then by folder and sequence).
        folders: how many folders (rows) were checked.
        records: how many audit records were checked.
        event_rows: how many event rows were checked against their records.
        erased: how many erased folders (tombstones) were checked.
        unreadable: the folders that cannot be read back, by id.
        keyed: whether the chains were checked with the host's audit key.
    """

    findings: tuple[Finding, ...]
    folders: int
    records: int
    event_rows: int
    erased: int
    unreadable: tuple[str, ...]
    keyed: bool

    @property
    def ok(self) -> bool:
        """Whether nothing was found."""
        return not self.findings


_RANK = {"file": 0, "chain": 1, "unreadable": 2, "events": 3, "versions": 4, "erased": 5}


def _order(finding: Finding) -> tuple[bool, str, int, int]:
    """The file first, then by folder: its chain, then the rest, each by record."""
    return (
        finding.folder_id != "",
        finding.folder_id,
        _RANK.get(finding.kind, 9),
        finding.sequence or 0,
    )


def verify_store(store: Store, *, key: bytes | None = None) -> StoreReport:
    """Check a whole store and return what was found (see the module text).

    Args:
        store: an open store.
        key: the host's audit key (``None``: the chains must verify with the public hash).

    Examples:
        >>> from werkmap.storage.memory import MemoryStore
        >>> verify_store(MemoryStore()).ok
        True
    """
    findings: list[Finding] = []
    check = getattr(store, "integrity_check", None)
    if callable(check):
        try:
            result = list(check())
        except WerkmapError as exc:
            findings.append(Finding(folder_id="", sequence=None, kind="file", what=str(exc)))
        else:
            if result != ["ok"]:
                shown = "; ".join(str(r) for r in result[:5])
                findings.append(
                    Finding(
                        folder_id="",
                        sequence=None,
                        kind="file",
                        what=f"the file is damaged (integrity check: {shown})",
                    )
                )
    records_seen = rows_seen = 0
    unreadable: list[str] = []
    try:
        columns = store.index_columns()
        versions = dict(zip(columns.folder_id.tolist(), columns.version.tolist(), strict=True))
        tombstones = {t.folder_id: t for t in store.erasures()}
        ids = sorted(set(versions) | set(store.audit_folders()) | set(tombstones))
    except WerkmapError as exc:  # a damaged file: what could be checked is reported
        findings.append(
            Finding(
                folder_id="", sequence=None, kind="file", what=f"the store cannot be read: {exc}"
            )
        )
        versions, tombstones, ids = {}, {}, []
    for fid in ids:
        mine: list[Finding] = []
        records: Sequence[AuditRecord] | None
        try:
            records = store.audit_records(fid)
        except Exception as exc:  # a damaged record: never quoted
            records = None
            mine.append(
                _found(fid, None, "chain", f"its audit trail cannot be read ({_kind(exc)})")
            )
        if records is not None:
            records_seen += len(records)
            chain = verify_audit(records, anchor=store.audit_anchor(fid), key=key)
            if not chain.ok:
                mine.append(
                    _found(
                        fid,
                        chain.sequence,
                        "chain",
                        f"audit record {chain.sequence} {chain.reason}",
                    )
                )
        if fid in versions:
            rows_seen += _check_folder(store, fid, int(versions[fid]), records, mine, unreadable)
        elif fid in tombstones:
            _check_erased(store, tombstones[fid], records, mine)
        findings.extend(mine)
    findings.sort(key=_order)
    return StoreReport(
        findings=tuple(findings),
        folders=len(versions),
        records=records_seen,
        event_rows=rows_seen,
        erased=len(tombstones),
        unreadable=tuple(unreadable),
        keyed=key is not None,
    )


def _found(folder_id: str, sequence: int | None, kind: str, what: str) -> Finding:
    return Finding(folder_id=folder_id, sequence=sequence, kind=kind, what=what)


def _kind(exc: BaseException) -> str:
    """Name an error without its message (which might quote a damaged row)."""
    if isinstance(exc, FolderUnreadable):
        return exc.what
    return type(exc).__name__


def _check_folder(
    store: Store,
    fid: str,
    version: int,
    records: Sequence[AuditRecord] | None,
    out: list[Finding],
    unreadable: list[str],
) -> int:
    """Check one folder: it reads back, versions and events agree, its events are covered."""
    try:
        rows = store.event_rows(fid)
    except Exception as exc:
        out.append(_found(fid, None, "events", f"its event log cannot be read ({_kind(exc)})"))
        rows = ()
    if records is not None:
        for sequence, what in verify_events(records, rows):
            out.append(_found(fid, sequence, "events", what))
    expected = 1
    for row in rows:
        if row.first_sequence != expected or row.last_sequence < row.first_sequence:
            out.append(
                _found(
                    fid,
                    None,
                    "versions",
                    f"event rows do not follow each other: {row.first_sequence}-"
                    f"{row.last_sequence} where {expected} was next",
                )
            )
            break
        expected = row.last_sequence + 1
    try:
        folder: Any = store.load(fid)
    except Exception as exc:  # never quote what could not be read
        unreadable.append(fid)
        out.append(
            _found(fid, None, "unreadable", f"the folder cannot be read back ({_kind(exc)})")
        )
        return len(rows)
    if getattr(folder, "version", version) != version:
        out.append(
            _found(
                fid,
                None,
                "versions",
                f"the folder row says version {version}, its document version {folder.version}",
            )
        )
    events = tuple(getattr(folder, "events", ()))
    numbers = [getattr(e, "seq", None) for e in events]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        out.append(_found(fid, None, "versions", "its events are not numbered 1, 2, 3 … in order"))
    if rows and numbers and rows[-1].last_sequence != numbers[-1]:
        out.append(
            _found(
                fid,
                None,
                "versions",
                f"the event log ends at {rows[-1].last_sequence}, the folder at {numbers[-1]}",
            )
        )
    written = [getattr(e, "version", None) for e in events]
    if written and isinstance(written[-1], int) and written[-1] > version:
        out.append(
            _found(
                fid,
                None,
                "versions",
                f"its last event was written at version {written[-1]}, after the folder's "
                f"version {version}",
            )
        )
    return len(rows)


def _check_erased(
    store: Store, tomb: Tombstone, records: Sequence[AuditRecord] | None, out: list[Finding]
) -> None:
    """Check an erased folder: nothing of it left, its old records without text."""
    fid = tomb.folder_id
    for table, left in sorted(store.personal_data(fid).items()):
        if left:
            out.append(_found(fid, None, "erased", f"erased, but {left} rows of {table} remain"))
    if records is None:
        return
    erasures = [i for i, r in enumerate(records) if r.action == "erase"]
    if not erasures:
        out.append(_found(fid, None, "erased", "erased, but its chain has no erasure record"))
        return
    for record in records[: erasures[-1]]:
        if not record.erased or record.what or record.why:
            out.append(
                _found(
                    fid,
                    record.sequence,
                    "erased",
                    f"audit record {record.sequence} still holds text after the erasure",
                )
            )
