"""The conformance kit fails plugins that are broken in the ways a plugin written from the docs alone was.

Each store below is a working memory store with one defect; each kit test that guards against that defect
must fail on it (and passes on the working store, in ``test_conformance.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from werkmap.clock import FixedClock
from werkmap.errors import ConcurrencyConflict, WerkmapError
from werkmap.storage.memory import MemoryStore
from werkmap.storage.testing import StoreConformance, default_samples

KIT = StoreConformance()


class _Wrapped:
    """Delegates everything to a working memory store."""

    def __init__(self) -> None:
        self.inner = MemoryStore()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _stored_version(self, folder_id: str) -> int:
        row = self.inner._folders.get(folder_id)
        return row.version if row is not None else 0


class NonAtomicStore(_Wrapped):
    """Checks the version, then writes, without holding anything in between (a lost update)."""

    def save(self, folder: Any, *, expected_version: int, **kwargs: Any) -> Any:
        actual = self._stored_version(folder.folder_id)
        if actual != expected_version:
            raise ConcurrencyConflict(folder.folder_id, expected_version, actual)
        time.sleep(0.005)  # the gap between SELECT and UPDATE, where another writer gets in
        return self.inner.save(
            folder, expected_version=self._stored_version(folder.folder_id), **kwargs
        )


class AheadStore(_Wrapped):
    """Accepts an expected version at or above the stored one."""

    def save(self, folder: Any, *, expected_version: int, **kwargs: Any) -> Any:
        actual = self._stored_version(folder.folder_id)
        if expected_version < actual:
            raise ConcurrencyConflict(folder.folder_id, expected_version, actual)
        return self.inner.save(folder, expected_version=actual, **kwargs)


class UtcAuditStore(_Wrapped):
    """Normalises audit times to UTC on read (which breaks the chain of Europe/Amsterdam times)."""

    def audit_records(self, folder_id: str) -> Any:
        return tuple(
            attrs.evolve(r, at=r.at.astimezone(dt.UTC)) for r in self.inner.audit_records(folder_id)
        )


class NoLimitStore(_Wrapped):
    """Ignores ``limit``."""

    def pending_notifications(self, *, now: dt.datetime, limit: int = 100) -> Any:
        return self.inner.pending_notifications(now=now, limit=10**9)


def _clock() -> FixedClock:
    return FixedClock(dt.datetime(2024, 3, 4, 9, 0))


CASES: list[tuple[str, Callable[[], Any], Callable[[Any], None]]] = [
    (
        "never persists: reopening gives an empty store",
        MemoryStore,
        lambda s: KIT.test_what_was_saved_is_there_after_reopening(
            s, lambda: MemoryStore(), default_samples()
        ),
    ),
    (
        "version check and write not atomic",
        NonAtomicStore,
        lambda s: KIT.test_concurrent_writers_on_one_folder_have_exactly_one_winner(
            s, default_samples()
        ),
    ),
    (
        "an expected version above the stored one accepted",
        AheadStore,
        lambda s: KIT.test_an_expected_version_above_the_stored_one_is_a_conflict(
            s, default_samples()
        ),
    ),
    (
        "audit times normalised to UTC on read",
        UtcAuditStore,
        lambda s: KIT.test_audit_times_round_trip_exactly_in_their_own_zone(s),
    ),
    (
        "limit ignored",
        NoLimitStore,
        lambda s: KIT.test_pending_notifications_honours_its_limit(s, default_samples(), _clock()),
    ),
]


@pytest.mark.parametrize(("defect", "make", "kit_test"), CASES, ids=[c[0] for c in CASES])
def test_the_kit_fails_a_broken_plugin(
    defect: str, make: Callable[[], Any], kit_test: Callable[[Any], None]
) -> None:
    try:
        kit_test(make())
    except (AssertionError, pytest.fail.Exception, WerkmapError):
        return  # a failed check, a pytest.raises that did not raise, a werkmap error (NotFound)
    # any other error (a kit test that is missing: AttributeError) is not the kit catching the defect
    pytest.fail(f"the kit passed a store with this defect: {defect}")


@pytest.mark.parametrize(("defect", "make", "kit_test"), CASES, ids=[c[0] for c in CASES])
def test_the_same_kit_test_passes_on_a_working_store(
    defect: str, make: Callable[[], Any], kit_test: Callable[[Any], None]
) -> None:
    store = MemoryStore()
    if "reopening" in defect:
        KIT.test_what_was_saved_is_there_after_reopening(store, lambda: store, default_samples())
    else:
        kit_test(store)
