"""Checking a folder's hash-chained audit trail.

Each :class:`~werkmap.storage.values.AuditRecord` holds the hash of the record before it and a hash over its
own fields and that previous hash. Changing, removing or reordering any record breaks the chain from that
record on; :func:`verify_audit` finds the first broken link.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from werkmap.storage.values import AuditRecord, audit_hash

__all__ = ["AuditCheck", "verify_audit"]


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


def verify_audit(records: Sequence[AuditRecord]) -> AuditCheck:
    """Check a folder's audit trail, oldest first; report the first broken link.

    Examples:
        >>> verify_audit([]).ok
        True
    """
    previous = ""
    folder_id = records[0].folder_id if records else ""
    for i, record in enumerate(records):
        reason = ""
        if record.folder_id != folder_id:
            reason = "belongs to another folder"
        elif record.sequence != i + 1:
            reason = f"has sequence {record.sequence} where {i + 1} was expected (missing or moved)"
        elif record.previous_hash != previous:
            reason = "does not point to the hash of the record before it"
        elif record.hash != audit_hash(
            record, sequence=record.sequence, previous_hash=record.previous_hash
        ):
            reason = "was changed after it was written (its hash does not match its fields)"
        if reason:
            return AuditCheck(
                ok=False, checked=i + 1, broken_at=i, sequence=record.sequence, reason=reason
            )
        previous = record.hash
    return AuditCheck(ok=True, checked=len(records))
