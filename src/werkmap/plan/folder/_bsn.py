"""The BSN: the eleven-test and the pseudonym that is stored instead of it."""

from __future__ import annotations

import hashlib
import hmac

from werkmap.errors import InvalidInput, Problem

__all__ = ["is_valid_bsn", "pseudonymise_bsn"]


_PSEUDONYM_PREFIX = "bsn-hmac-sha256:"


def is_valid_bsn(bsn: str) -> bool:
    """Return whether ``bsn`` passes the eleven-test (9 digits; 8 digits get a leading zero).

    >>> is_valid_bsn("111222333"), is_valid_bsn("123456789")
    (True, False)
    """
    if not isinstance(bsn, str) or not bsn.isdigit() or not 8 <= len(bsn) <= 9 or not bsn.isascii():
        return False
    digits = [int(c) for c in bsn.zfill(9)]
    if not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def pseudonymise_bsn(bsn: str, key: bytes) -> str:
    """Return the pseudonym of ``bsn``: ``bsn-hmac-sha256:`` and the HMAC-SHA256 of it under ``key``.

    The same BSN and key always give the same pseudonym, so a host can find a folder again; without the key
    the BSN cannot be recovered or confirmed.

    Raises:
        InvalidInput: the BSN fails the eleven-test, or the key is shorter than 16 bytes. The message never
            contains the BSN.
    """
    problems = []
    if not is_valid_bsn(bsn):
        problems.append(
            Problem(path="$.bsn", message="not a valid BSN (9 digits passing the eleven-test)")
        )
    if not isinstance(key, bytes | bytearray) or len(key) < 16:
        problems.append(
            Problem(path="$.pseudonym_key", message="expected a secret key of at least 16 bytes")
        )
    if problems:
        raise InvalidInput(problems, source="jobseeker reference")
    digest = hmac.new(bytes(key), bsn.zfill(9).encode("ascii"), hashlib.sha256).hexdigest()
    return _PSEUDONYM_PREFIX + digest
