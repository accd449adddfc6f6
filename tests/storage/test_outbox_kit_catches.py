"""The conformance kit fails a store whose outbox claims without a lease (a deliberately broken plugin)."""

from __future__ import annotations

import datetime as dt

import pytest

from werkmap.clock import FixedClock
from werkmap.storage.memory import MemoryStore
from werkmap.storage.testing import StoreConformance, default_samples
from werkmap.storage.values import OutboxItem


class LeaselessStore(MemoryStore):
    """Hands out due items without writing a lease: two dispatchers get the same items."""

    def claim_notifications(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta | None = None,
        limit: int = 100,
    ) -> tuple[OutboxItem, ...]:
        return self.pending_notifications(now=now, limit=limit)


class NeverDeadStore(MemoryStore):
    """Counts a dead letter as an ordinary failure: the item is retried for ever."""

    def mark_dead(
        self, idempotency_key: str, *, at: dt.datetime, error: str, owner: str = ""
    ) -> bool:
        return self.mark_failed(
            idempotency_key, at=at, retry_at=at + dt.timedelta(hours=1), error=error, owner=owner
        )


class _Kit(StoreConformance):
    """The kit's tests, called directly on one store."""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2024, 3, 4, 9, 0))


@pytest.mark.parametrize(
    "test",
    [
        "test_claims_hold_a_lease_for_their_owner",
        "test_two_dispatchers_never_hold_one_item_at_once",
    ],
)
def test_the_kit_fails_a_store_that_claims_without_a_lease(test: str, clock: FixedClock) -> None:
    kit = _Kit()
    method = getattr(kit, test)
    args = {"werkmap_store": LeaselessStore(), "samples": default_samples()}
    if "clock" in method.__code__.co_varnames:
        args["clock"] = clock
    with pytest.raises(AssertionError):
        method(**args)
    # and the same test passes on the real store
    good = {**args, "werkmap_store": MemoryStore()}
    if "clock" in good:
        good["clock"] = FixedClock(dt.datetime(2024, 3, 4, 9, 0))
    method(**good)


def test_the_kit_fails_a_store_that_never_dead_letters(clock: FixedClock) -> None:
    kit = _Kit()
    with pytest.raises(AssertionError):
        kit.test_a_channel_that_always_fails_is_dead_lettered_and_the_rest_flows(
            werkmap_store=NeverDeadStore(), samples=default_samples(), clock=clock
        )
