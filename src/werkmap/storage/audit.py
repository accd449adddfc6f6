"""Checking a folder's hash-chained audit trail, its anchor and the events its records cover.

Each :class:`~werkmap.storage.values.AuditRecord` holds the hash of the record before it and a seal over
its own fields and that previous hash. Changing, removing or reordering any record breaks the chain from
that record on; the folder's :class:`~werkmap.storage.values.AuditAnchor` (the chain's count and last hash,
kept on the folder row) finds a trail shortened at its end; a record written by a save covers the event
rows that save wrote (:func:`verify_events`). :func:`verify_audit` is the one chain checker: it finds the
first broken link.

Seal 2 (from storage schema 5) hashes the digests of the free-text fields, so an erasure may remove the
text and keep the digests: the chain still verifies. With the host's audit key the seal is HMAC-SHA256; a
chain re-sealed with the public hash then no longer verifies under the key.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from werkmap.storage.values import (
    AUDIT_SEAL,
    AuditAnchor,
    AuditRecord,
    EventRow,
    audit_hash,
    events_cover,
    seal_hash,
    text_digest,
)

__all__ = ["AuditCheck", "verify_audit", "verify_events"]


@attrs.frozen(kw_only=True)
class AuditCheck:
    """The outcome of :func:`verify_audit`.

    Attributes:
        ok: whether the whole chain is intact.
        checked: how many records were checked.
        broken_at: the index (from 0) of the first record that breaks the chain, or ``None``.
        sequence: that record's sequence number, or ``None``.
        reason: what is wrong with it (empty when ``ok``).
    """

    ok: bool
    checked: int
    broken_at: int | None = None
    sequence: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def _record_problem(
    record: AuditRecord, previous: str, expected: int, folder_id: str, key: bytes | None
) -> str:
    if record.folder_id != folder_id:
        return "belongs to another folder"
    if record.sequence != expected:
        return f"has sequence {record.sequence} where {expected} was expected (missing or moved)"
    if record.previous_hash != previous:
        return "does not point to the hash of the record before it"
    if record.seal_version == 1:
        if record.erased:
            return (
                ""  # sealed over its text before schema 5: only its place in the chain is checked
            )
        if record.hash != audit_hash(
            record, sequence=record.sequence, previous_hash=record.previous_hash
        ):
            return "was changed after it was written (its hash does not match its fields)"
        return ""
    if record.seal_version != AUDIT_SEAL:
        return f"has an unknown seal {record.seal_version}"
    if record.erased:
        kept = record.erased.split(",")
        if len(kept) != 3:
            return "has damaged digests of its erased text"
        texts = (record.actor, record.what, record.why)
        if any(t and text_digest(t) != d for t, d in zip(texts, kept, strict=True)):
            return "holds text that does not match the digest kept at its erasure"
    if record.hash == seal_hash(record, key=key):
        return ""
    if key is not None and record.hash == seal_hash(record):
        return "was sealed with the public hash, not with the host's audit key (re-sealed)"
    if key is None:
        return (
            "was changed after it was written (its hash does not match its fields; or it was "
            "sealed with a host audit key: verify with the key)"
        )
    return "was changed after it was written (its seal does not match under the host's audit key)"


def verify_audit(
    records: Sequence[AuditRecord],
    *,
    anchor: AuditAnchor | None = None,
    key: bytes | None = None,
) -> AuditCheck:
    """Check a folder's audit trail, oldest first; report the first broken link.

    Args:
        records: the trail, oldest first.
        anchor: the head the store keeps for the folder (``None``: not checked): a trail shorter or
            longer than it, or ending in another record, is broken.
        key: the host's audit key: every seal-2 record must be sealed with it (``None``: with the
            public hash).

    Examples:
        >>> verify_audit([]).ok
        True
        >>> verify_audit([], anchor=AuditAnchor(count=1, head="ab")).reason
        'is where the trail parts from its anchor: the folder anchor counts 1 records but the trail holds 0 (records removed or added)'
    """
    previous = ""
    folder_id = records[0].folder_id if records else ""
    sealed_new = False
    for i, record in enumerate(records):
        reason = _record_problem(record, previous, i + 1, folder_id, key)
        if not reason and record.seal_version == 1 and sealed_new:
            reason = "is sealed the pre-schema-5 way after records of schema 5 (downgraded)"
        if reason:
            return AuditCheck(
                ok=False, checked=i + 1, broken_at=i, sequence=record.sequence, reason=reason
            )
        sealed_new = sealed_new or record.seal_version != 1
        previous = record.hash
    if records and not sealed_new:
        last = records[-1]
        return AuditCheck(
            ok=False,
            checked=len(records),
            broken_at=len(records) - 1,
            sequence=last.sequence,
            reason="ends in a pre-schema-5 record: the migration's anchoring record is missing",
        )
    if anchor is not None:
        if anchor.count != len(records):
            return AuditCheck(
                ok=False,
                checked=len(records),
                broken_at=min(anchor.count, len(records)),
                sequence=min(anchor.count, len(records)) + 1,
                reason=f"is where the trail parts from its anchor: the folder anchor counts "
                f"{anchor.count} records but the trail holds "
                f"{len(records)} (records removed or added)",
            )
        if records and anchor.head != records[-1].hash:
            return AuditCheck(
                ok=False,
                checked=len(records),
                broken_at=len(records) - 1,
                sequence=records[-1].sequence,
                reason="is not the record the folder anchor names (the chain was replaced)",
            )
    return AuditCheck(ok=True, checked=len(records))


def verify_events(
    records: Sequence[AuditRecord], rows: Sequence[EventRow]
) -> list[tuple[int | None, str]]:
    """Check that the folder's event rows are the ones its audit records cover.

    Every event row must be covered by a record (:attr:`AuditRecord.events`, written with the save
    that wrote the row), with the same digest; a covered range must still be there.

    Returns:
        ``(sequence of the record or None, what is wrong)`` for each problem, in order.
    """
    problems: list[tuple[int | None, str]] = []
    covered: set[int] = set()
    by_first = {row.first_sequence: i for i, row in enumerate(rows)}
    for record in records:
        if not record.events:
            continue
        span, _, _ = record.events.partition(":")
        first_text, _, last_text = span.partition("-")
        try:
            first, last = int(first_text), int(last_text)
        except ValueError:
            problems.append((record.sequence, "names damaged event coverage"))
            continue
        start = by_first.get(first)
        mine: list[EventRow] = []
        if start is not None:
            for row in rows[start:]:
                if row.last_sequence > last:
                    break
                mine.append(row)
        if not mine or mine[-1].last_sequence != last:
            problems.append(
                (record.sequence, f"covers events {first}-{last}, which are not all there")
            )
            continue
        covered.update(range(start or 0, (start or 0) + len(mine)))
        if events_cover(mine) != record.events:
            problems.append(
                (record.sequence, f"covers events {first}-{last}, which were changed since")
            )
    for i, row in enumerate(rows):
        if i not in covered:
            problems.append(
                (
                    None,
                    f"events {row.first_sequence}-{row.last_sequence} are covered by no audit "
                    "record (written without one, or their record was removed)",
                )
            )
    return problems
